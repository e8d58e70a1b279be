# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""eks_cluster_info ad hoc against the simulator."""

from __future__ import annotations

import os

import pytest


def test_listing_a_region_is_one_call(sim):
    result, _completed = sim.module("eks_cluster_info", "region=us-east-1")
    assert result["clusters"] == [{"name": "sandbox", "region": "us-east-1", "owned": True},
                                  {"name": "staging", "region": "us-east-1", "owned": True}]
    assert [call["argv"] for call in sim.calls()] == [["get", "cluster", "--output=json", "--region=us-east-1"]]


ALL_CLUSTERS = [("eu-north-1", "demo"), ("eu-north-1", "legacy-tf"), ("eu-west-1", "auto-demo"), ("eu-west-1", "extended-demo"),
                ("eu-west-1", "fargate-demo"), ("us-east-1", "sandbox"), ("us-east-1", "staging")]


def test_all_regions_with_a_region_is_one_call(sim):
    result, _completed = sim.module("eks_cluster_info", "all_regions=true region=eu-north-1")
    assert sorted((c["region"], c["name"]) for c in result["clusters"]) == ALL_CLUSTERS
    assert [call["argv"] for call in sim.calls()] == [["get", "cluster", "--all-regions", "--output=json", "--region=eu-north-1"]]


def test_all_regions_without_any_region_starts_from_us_east_1(sim):
    # eksctl refuses -A without a region (docs/eksctl.md, all-regions); the module then starts from us-east-1.
    result, _completed = sim.module("eks_cluster_info", "all_regions=true")
    assert sorted((c["region"], c["name"]) for c in result["clusters"]) == ALL_CLUSTERS
    calls = sim.calls()
    assert [(call["argv"], call["rc"]) for call in calls] == [
        (["get", "cluster", "--all-regions", "--output=json"], 1),
        (["get", "cluster", "--all-regions", "--output=json", "--region=us-east-1"], 0)]


def test_all_regions_with_a_profile_region_is_one_call(sim):
    os.makedirs(os.path.join(sim.home, ".aws"))
    with open(os.path.join(sim.home, ".aws", "config"), "w", encoding="utf-8") as handle:
        handle.write("[default]\nregion = us-east-1\n")
    result, _completed = sim.module("eks_cluster_info", "all_regions=true")
    assert sorted((c["region"], c["name"]) for c in result["clusters"]) == ALL_CLUSTERS
    assert len(sim.calls()) == 1


@pytest.mark.parametrize("cluster, region, phase, ready, types, desired_nodes", [
    ("demo", "eu-north-1", "running", True, ["unmanaged", "managed", "managed"], 6),
    ("legacy-tf", "eu-north-1", "running", True, ["managed"], 2),
    ("staging", "us-east-1", "stopped", False, ["unmanaged", "managed"], 0),
    ("sandbox", "us-east-1", "empty", False, [], 0),
])
def test_named_cluster_fields(sim, cluster, region, phase, ready, types, desired_nodes):
    result, _completed = sim.module("eks_cluster_info", "name=%s region=%s" % (cluster, region))
    assert result["changed"] is False
    (entry,) = result["clusters"]
    assert entry["name"] == cluster and entry["region"] == region
    assert entry["arn"] == "arn:aws:eks:%s:111122223333:cluster/%s" % (region, cluster)
    # The simulator's clusters answer at its simulated Kubernetes API, on loopback.
    assert entry["status"] == "ACTIVE" and entry["version"] and entry["endpoint"].startswith(sim.kube.url + "/k8s/") and entry["created_at"]
    assert [ng["type"] for ng in entry["nodegroups"]] == types
    assert entry["status_summary"]["phase"] == phase
    assert entry["status_summary"]["ready"] is ready
    assert entry["status_summary"]["desired_nodes"] == desired_nodes
    assert entry["nodes_exist"] is (desired_nodes > 0)
    for nodegroup in entry["nodegroups"]:
        assert set(nodegroup) == {"name", "type", "status", "desired_size", "min_size", "max_size", "instance_type", "image_id",
                                  "version", "stack_name", "autoscaling_group_name", "created_at"}
    assert len(sim.calls()) == 3


def test_missing_cluster_is_not_a_failure(sim):
    result, completed = sim.module("eks_cluster_info", "name=nope region=eu-north-1")
    assert completed.returncode == 0 and result["clusters"] == []
    assert len(sim.calls()) <= 3


def test_region_from_profile_only(sim):
    config = sim.home + "/aws-config"
    with open(config, "w", encoding="utf-8") as handle:
        handle.write("[profile ops]\nregion = us-east-1\n")
    result, _completed = sim.module("eks_cluster_info", "name=staging profile=ops", env={"AWS_CONFIG_FILE": config})
    assert result["clusters"][0]["region"] == "us-east-1"
    assert all("--profile=ops" in call["argv"] for call in sim.calls())


def test_details_for_every_listed_cluster(sim):
    result, _completed = sim.module("eks_cluster_info", "region=eu-north-1 details=true")
    assert [(c["name"], c["owned"], c["status_summary"]["phase"]) for c in result["clusters"]] == [
        ("demo", True, "running"), ("legacy-tf", False, "running")]
    assert len(sim.calls()) == 1 + 2 * 3
