# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cluster reader: which eksctl calls a read runs, and what it reports of each cluster."""

from __future__ import annotations

import json

import pytest

from ansible_collections.eks_tools.eksctl.plugins.module_utils import _errors as errors
from ansible_collections.eks_tools.eksctl.tests.unit import contract
from ansible_collections.eks_tools.eksctl.tests.unit.fake_eksctl import FakeEksctl
from ansible_collections.eks_tools.eksctl.tests.unit.scaler_harness import READ, build, describe_json, info


FARGATE = ("get", "fargateprofile", "--cluster=demo", "--output=json", "--region=eu-north-1")


def test_cluster_info_named_cluster_three_reads():
    fake = FakeEksctl({READ: [contract.NODEGROUPS_MIXED], FARGATE: ["[]"],
                       ("get", "cluster", "--name=demo", "--output=json", "--region=eu-north-1"): [contract.CLUSTER_DESCRIPTION]})
    made, _clock = build(fake)
    (cluster,) = info(made, name="demo")
    assert len(fake.calls) == 3
    assert cluster["region"] == "eu-north-1" and cluster["owned"] is True
    assert cluster["status_summary"] == {"phase": "running", "ready": True, "nodegroups_total": 2, "nodegroups_ready": 2,
                                         "nodegroups_stopped": 0, "desired_nodes": 5, "still_running": []}
    assert cluster["nodes_exist"] is True and cluster["fargate_profiles"] == [] and cluster["support_type"] == "EXTENDED"


def test_cluster_info_lists_what_a_stop_leaves_running():
    items = json.loads(describe_json("demo"))
    items[0]["ComputeConfig"] = {"Enabled": True, "NodePools": ["general-purpose", "system"], "NodeRoleArn": "arn:aws:iam::1:role/n"}
    nodegroups = contract.NODEGROUPS_MIXED.replace('"Name": "ng-1"', '"Name": "tf_workers"')
    fake = FakeEksctl({READ: [nodegroups], FARGATE: [contract.FARGATE_PROFILES],
                       ("get", "cluster", "--name=demo", "--output=json", "--region=eu-north-1"): [json.dumps(items)]})
    made, _clock = build(fake)
    (cluster,) = info(made, name="demo")
    assert [(entry["kind"], entry["name"]) for entry in cluster["status_summary"]["still_running"]] == [
        ("unscalable_nodegroup", "tf_workers"), ("fargate_profile", "fp-default"), ("auto_mode", "general-purpose, system")]
    fargate = cluster["status_summary"]["still_running"][1]["detail"]
    assert fargate == "pods of namespace default; namespace batch with labels tier=jobs run on Fargate, billed per pod, whatever the nodegroups"
    assert cluster["auto_mode"]["enabled"] is True and cluster["fargate_profiles"][0]["name"] == "fp-default"


def test_fargate_profiles_that_cannot_be_read_are_a_warning_not_a_failed_report():
    denied = ("Error: operation error EKS: ListFargateProfiles, https response error StatusCode: 403, RequestID: z, "
              "api error AccessDeniedException: User is not authorized to perform: eks:ListFargateProfiles\n")
    fake = FakeEksctl({READ: [contract.NODEGROUPS_MIXED], FARGATE: [(1, "", denied)],
                       ("get", "cluster", "--name=demo", "--output=json", "--region=eu-north-1"): [contract.CLUSTER_DESCRIPTION]})
    made, _clock = build(fake)
    (cluster,) = info(made, name="demo")
    assert cluster["fargate_profiles"] is None and cluster["status_summary"]["phase"] == "running"
    (warning,) = made.client.warnings
    assert warning.startswith("the Fargate profiles of cluster 'demo' could not be read") and "eks:ListFargateProfiles" in warning


def test_cluster_info_missing_cluster_is_empty():
    fake = FakeEksctl({("get", "nodegroup", "--cluster=X", "--output=json", "--region=eu-north-1"): [(1, "", contract.CLUSTER_NOT_FOUND_FOR_NODEGROUPS_STDERR)],
                       ("get", "cluster", "--name=X", "--output=json", "--region=eu-north-1"): [(1, "", contract.CLUSTER_NOT_FOUND_STDERR)],
                       ("get", "fargateprofile", "--cluster=X", "--output=json", "--region=eu-north-1"): [(1, "", contract.CLUSTER_NOT_FOUND_STDERR)]})
    made, _clock = build(fake)
    assert info(made, name="X") == []


def test_cluster_info_details_for_all_regions_reads_each_in_its_region():
    listing = json.dumps([{"Name": "a", "Region": "us-east-1", "Owned": "False"}], indent=4)
    description = contract.CLUSTER_DESCRIPTION.replace("eu-north-1", "us-east-1").replace("cluster/demo", "cluster/a").replace('"Name": "demo"', '"Name": "a"')
    fake = FakeEksctl({
        ("get", "cluster", "--all-regions", "--output=json"): [listing],
        ("get", "cluster", "--name=a", "--output=json", "--region=us-east-1"): [description],
        ("get", "nodegroup", "--cluster=a", "--output=json", "--region=us-east-1"): ["[]"],
        ("get", "fargateprofile", "--cluster=a", "--output=json", "--region=us-east-1"): ["[]"],
    })
    made, _clock = build(fake, region=None)
    (cluster,) = info(made, all_regions=True, details=True)
    assert (cluster["name"], cluster["region"], cluster["owned"], cluster["status_summary"]["phase"]) == ("a", "us-east-1", False, "empty")


def test_connector_cluster_is_reported_unsupported_and_never_fails_a_listing():
    listing = json.dumps([{"Name": "demo", "Region": "eu-north-1", "Owned": "True"},
                          {"Name": "edge", "Region": "eu-north-1", "Owned": "False"}], indent=4)
    fake = FakeEksctl({
        ("get", "cluster", "--output=json", "--region=eu-north-1"): [listing],
        ("get", "cluster", "--name=demo", "--output=json", "--region=eu-north-1"): [describe_json("demo")],
        READ: [contract.NODEGROUPS_MIXED],
        ("get", "cluster", "--name=edge", "--output=json", "--region=eu-north-1"): [describe_json("edge", connector={"Provider": "OTHER"})],
        ("get", "nodegroup", "--cluster=edge", "--output=json", "--region=eu-north-1"): [(1, "", contract.NOT_EKS_STDERR)],
        FARGATE: ["[]"],
        ("get", "fargateprofile", "--cluster=edge", "--output=json", "--region=eu-north-1"): [(1, "", contract.NOT_EKS_STDERR)],
    })
    made, _clock = build(fake)
    demo, edge = info(made, details=True)
    assert demo["status_summary"]["phase"] == "running" and demo["connector"] is False
    assert edge["connector"] is True and edge["nodegroups"] == []
    assert edge["status_summary"]["phase"] == "unsupported"
    assert "EKS Connector" in edge["status_summary"]["reason"]


def test_status_summary_of_a_connector_cluster_for_the_inventory():
    fake = FakeEksctl({("get", "nodegroup", "--cluster=edge", "--output=json", "--region=eu-north-1"): [(1, "", contract.NOT_EKS_STDERR)]})
    made, _clock = build(fake)
    assert made.reader.status_summary("edge")["phase"] == "unsupported"


def test_all_regions_without_any_region_starts_from_us_east_1():
    fake = FakeEksctl({
        ("get", "cluster", "--all-regions", "--output=json"): [(1, "", contract.REGION_MISSING_STDERR)],
        ("get", "cluster", "--all-regions", "--output=json", "--region=us-east-1"): [contract.CLUSTER_LIST],
    })
    made, _clock = build(fake, region=None)
    clusters = info(made, all_regions=True)
    assert clusters and len(fake.calls) == 2


def test_all_regions_with_a_region_does_not_retry_a_region_error():
    fake = FakeEksctl({("get", "cluster", "--all-regions", "--output=json", "--region=eu-north-1"): [(1, "", contract.REGION_UNSUPPORTED_STDERR)]})
    made, _clock = build(fake)
    with pytest.raises(errors.RegionError):
        info(made, all_regions=True)
    assert len(fake.calls) == 1


SKIPPED_STDERR = ('2026-05-01 10:00:00 [\u2716]  error creating provider in "ap-east-1" region: checking AWS STS access \u2013 cannot get '
                  "role ARN for current session: operation error STS: GetCallerIdentity, https response error StatusCode: 200, RequestID: x, "
                  "deserialization failed, failed to decode response body, read tcp 127.0.0.1:1->127.0.0.1:2: use of closed network connection\n")
DENIED_STDERR = ('2026-05-01 10:00:00 [\u2716]  error creating provider in "me-south-1" region: checking AWS STS access \u2013 cannot get '
                 "role ARN for current session: operation error STS: GetCallerIdentity, https response error StatusCode: 403, RequestID: y, "
                 "api error AccessDenied: explicit deny in a service control policy\n")


def test_all_regions_retries_a_region_skipped_for_a_transient_reason():
    fake = FakeEksctl({("get", "cluster", "--all-regions", "--output=json", "--region=eu-north-1"): [
        (0, contract.CLUSTER_LIST, SKIPPED_STDERR), (0, contract.CLUSTER_LIST, "")]})
    made, clock = build(fake)
    assert info(made, all_regions=True)
    assert len(fake.calls) == 2 and len(clock.sleeps) == 1
    assert made.client.warnings == []


def test_all_regions_warns_about_a_region_it_cannot_read():
    fake = FakeEksctl({("get", "cluster", "--all-regions", "--output=json", "--region=eu-north-1"): [(0, contract.CLUSTER_LIST, DENIED_STDERR)]})
    made, _clock = build(fake)
    assert info(made, all_regions=True)
    assert len(fake.calls) == 1
    (warning,) = made.client.warnings
    assert "region me-south-1" in warning and "clusters are missing" in warning and "AccessDenied" in warning
