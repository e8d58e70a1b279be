# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulated AWS itself, checked with each real eksctl: the AWS requests each command makes, the
answers moto lacked, and the refusals the tier's scenarios rely on.

Each test runs once per real eksctl of the tier (see conftest.py). The expected
JSON documents are built with the simulator's own rendering (``summary``/``describe``
and ``go_json``) from its ``seed_state()``, so these tests also check that the simulator and the
real binary agree.
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from aws_emulator import (  # noqa: E402
    KUBE_FORBIDDEN, KUBE_UNREACHABLE, AwsEmulator, closed_port, eksctl_simulator, underscore_nodegroup)
from kube_world import ADMIN_USER  # noqa: E402
from worlds import run_eksctl  # noqa: E402

REGION = "eu-north-1"
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[(.)\]  (.*)$")
NO_REGION = "Error: AWS Region must be set, please set the AWS Region in AWS config file or as environment variable\n"
# DescribeCluster fields printed by eksctl 0.230.0 (and the simulator) but not by 0.215.0, whose SDK predates them.
NEWER_CLUSTER_FIELDS = {"ControlPlaneScalingConfig", "KubeApiServerConfig", "KubeControllerManagerConfig",
                        "KubeSchedulerConfig"}
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

# AWS requests per eksctl command against the seed (eksctl v0.230.0).
CALLS_LIST_ONE_REGION = {
    "cloudformation:DescribeStacks": 1, "cloudformation:ListStacks": 1, "eks:DescribeClusterVersions": 1,
    "eks:ListClusters": 1, "sts:GetCallerIdentity": 1,
}
CALLS_DESCRIBE_CLUSTER = {"eks:DescribeCluster": 1, "eks:DescribeClusterVersions": 1, "sts:GetCallerIdentity": 1}
CALLS_GET_NODEGROUPS_DEMO = {
    "autoscaling:DescribeAutoScalingGroups": 1, "cloudformation:DescribeStackResource": 1,
    "cloudformation:DescribeStacks": 6, "cloudformation:GetTemplate": 1, "cloudformation:ListStacks": 1,
    "eks:DescribeCluster": 1, "eks:DescribeClusterVersions": 1, "eks:DescribeNodegroup": 2,
    "eks:ListNodegroups": 1, "sts:GetCallerIdentity": 1,
}
CALLS_SCALE_MANAGED = {
    "cloudformation:DescribeStackResources": 3, "cloudformation:DescribeStacks": 4, "cloudformation:ListStacks": 1,
    "eks:DescribeCluster": 1, "eks:DescribeClusterVersions": 1, "eks:UpdateNodegroupConfig": 1,
    "sts:GetCallerIdentity": 1,
}
CALLS_SCALE_SELF_MANAGED = {
    "autoscaling:DescribeAutoScalingGroups": 1, "autoscaling:UpdateAutoScalingGroup": 1,
    "cloudformation:DescribeStackResources": 3, "cloudformation:DescribeStacks": 4, "cloudformation:ListStacks": 1,
    "ec2:DescribeImages": 1, "ec2:DescribeLaunchTemplateVersions": 1, "eks:DescribeCluster": 1,
    "eks:DescribeClusterVersions": 1, "sts:GetCallerIdentity": 1,
}


def run(binary: str, aws: AwsEmulator, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the binary against the emulator; counts start from zero for each call (and each try, see run_eksctl)."""
    return run_eksctl([binary, *args], env if env is not None else aws.env(), before=aws.reset_counts)


def log_messages(stream: str) -> list[str]:
    """The messages of eksctl's ``<date> [i]  <message>`` lines (all lines must be log lines)."""
    messages = []
    for line in stream.splitlines():
        match = LOG_LINE.match(line)
        assert match, line
        messages.append(match.group(2))
    return messages


def seed_cluster(name: str) -> dict:
    state = eksctl_simulator.seed_state()
    return next(cluster for cluster in state["clusters"] if cluster["name"] == name)


def expected_nodegroups(cluster_name: str) -> str:
    """The simulator's rendering of ``get nodegroup --cluster X -o json`` for the seed."""
    cluster = seed_cluster(cluster_name)
    ordered = ([ng for ng in cluster["nodegroups"] if ng["type"] != "managed"]
               + [ng for ng in cluster["nodegroups"] if ng["type"] == "managed"])
    return eksctl_simulator.go_json([eksctl_simulator.summary(cluster, ng, ng["status"]) for ng in ordered])


# --------------------------------------------------------------------------- version


def test_version_makes_no_aws_call(eksctl: str, aws: AwsEmulator) -> None:
    plain = run(eksctl, aws, "version")
    assert (plain.returncode, plain.stderr) == (0, "")
    assert re.fullmatch(r"\d+\.\d+\.\d+\n", plain.stdout)
    document = run(eksctl, aws, "version", "-o", "json")
    assert (document.returncode, document.stderr) == (0, "")
    assert document.stdout.endswith("}\n") and "\n" not in document.stdout[:-1]
    info = json.loads(document.stdout)
    assert list(info) == ["Version", "PreReleaseID", "Metadata"]
    assert info["Version"] == plain.stdout.strip()
    assert list(info["Metadata"]) == ["BuildDate", "GitCommit"]
    assert aws.counts() == {}


# --------------------------------------------------------------------------- get cluster


def test_get_cluster_one_region(eksctl: str, aws: AwsEmulator) -> None:
    result = run(eksctl, aws, "get", "cluster", "-o", "json")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == eksctl_simulator.go_json([
        {"Name": "demo", "Region": REGION, "Owned": "True"},
        {"Name": "legacy-tf", "Region": REGION, "Owned": "False"},
    ])
    assert aws.aws_counts() == CALLS_LIST_ONE_REGION
    assert aws.failures() == {}


def test_get_cluster_region_from_profile(eksctl: str, aws: AwsEmulator) -> None:
    env = aws.env(region=None, profile="e2e", profile_region="us-east-1")
    result = run(eksctl, aws, "get", "cluster", "-o", "json", env=env)
    assert (result.returncode, result.stderr) == (0, "")
    # moto lists clusters by name; the seed made staging before sandbox.
    assert [row["Name"] for row in json.loads(result.stdout)] == ["sandbox", "staging"]
    assert {row["Region"] for row in json.loads(result.stdout)} == {"us-east-1"}


def test_get_cluster_region_from_default_profile(eksctl: str, aws: AwsEmulator) -> None:
    env = aws.env(region=None, profile="default", profile_region="us-east-1")
    assert "AWS_PROFILE" not in env and "AWS_REGION" not in env
    result = run(eksctl, aws, "get", "cluster", "-o", "json", env=env)
    assert (result.returncode, result.stderr) == (0, "")
    assert [row["Name"] for row in json.loads(result.stdout)] == ["sandbox", "staging"]


@pytest.mark.parametrize("variables", [
    ("AWS_STS_ENDPOINT", "AWS_EKS_ENDPOINT", "AWS_CLOUDFORMATION_ENDPOINT", "AWS_EC2_ENDPOINT",
     "AWS_ENDPOINT_URL_AUTO_SCALING"),
    ("AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_EKS", "AWS_ENDPOINT_URL_CLOUDFORMATION", "AWS_ENDPOINT_URL_EC2",
     "AWS_ENDPOINT_URL_AUTO_SCALING"),
], ids=["eksctl-names", "sdk-names"])
def test_per_service_endpoint_variables(eksctl: str, aws: AwsEmulator, variables: tuple[str, ...]) -> None:
    # The generic variable points at a closed loopback port: only the per-service ones can work.
    extra = dict({name: aws.url for name in variables}, AWS_ENDPOINT_URL="http://127.0.0.1:%d" % closed_port())
    listed = run(eksctl, aws, "get", "nodegroup", "--cluster", "demo", "-o", "json", env=aws.env(extra=extra))
    if "AWS_ENDPOINT_URL_STS" in variables:
        assert (listed.returncode, listed.stderr) == (0, "")
    else:
        # Every AWS call went through the per-service variables, but the Kubernetes token is presigned by the SDK
        # alone, which ignores eksctl's AWS_STS_ENDPOINT: it names the generic endpoint, which is no STS endpoint, so
        # the cluster refuses it (as EKS refuses a token for a host that is not STS's).
        assert (listed.returncode, listed.stderr) == (1, "Error: getting nodegroup's kubernetes version: failed to list nodes: "
                                                         "Unauthorized\n")
        assert "eks:DescribeCluster" in aws.aws_counts() and aws.failures() == {("kube:GET /api/v1/nodes", 401): 1}
    scaled = run(eksctl, aws, "scale", "nodegroup", "--cluster", "demo", "--name", "ng-self", "--nodes", "3", env=aws.env(extra=extra))
    assert (scaled.returncode, scaled.stderr) == (0, "")
    assert aws.sizes("demo", "ng-self") == (3, 1, 4)


def test_get_cluster_all_regions(eksctl: str, aws: AwsEmulator) -> None:
    result = run(eksctl, aws, "get", "cluster", "-A", "-o", "json")
    assert (result.returncode, result.stderr) == (0, "")
    # eksctl visits its supported regions in its own order: us-east-1, then eu-west-1, then eu-north-1.
    assert json.loads(result.stdout) == [
        {"Name": "sandbox", "Region": "us-east-1", "Owned": "True"},
        {"Name": "staging", "Region": "us-east-1", "Owned": "True"},
        {"Name": "auto-demo", "Region": "eu-west-1", "Owned": "True"},
        {"Name": "extended-demo", "Region": "eu-west-1", "Owned": "True"},
        {"Name": "fargate-demo", "Region": "eu-west-1", "Owned": "True"},
        {"Name": "demo", "Region": REGION, "Owned": "True"},
        {"Name": "legacy-tf", "Region": REGION, "Owned": "False"},
    ]
    counts = aws.aws_counts()
    visited = counts["eks:ListClusters"]
    # One provider (STS) for the command, then one provider, one stack list and one cluster list per region, and one
    # stack read per cluster with an eksctl cluster stack (the six owned ones).
    assert counts == {"cloudformation:DescribeStacks": 6, "cloudformation:ListStacks": visited,
                      "ec2:DescribeRegions": 1, "eks:DescribeClusterVersions": 1, "eks:ListClusters": visited,
                      "sts:GetCallerIdentity": visited + 1}
    assert 30 <= visited <= 45


def test_get_cluster_all_regions_needs_a_region(eksctl: str, aws: AwsEmulator) -> None:
    result = run(eksctl, aws, "get", "cluster", "-A", "-o", "json", env=aws.env(region=None))
    assert (result.returncode, result.stdout, result.stderr) == (1, "", NO_REGION)
    assert aws.counts() == {}


def test_get_cluster_by_name(eksctl: str, aws: AwsEmulator) -> None:
    result = run(eksctl, aws, "get", "cluster", "--name", "demo", "-o", "json")
    assert (result.returncode, result.stderr) == (0, "")
    [document] = json.loads(result.stdout)
    expected = eksctl_simulator.describe(seed_cluster("demo"))
    # eksctl 0.215.0's SDK lacks a field that 0.230.0 (and the simulator) print; the endpoint and CA are the
    # cluster's own API server's.
    if "ControlPlaneEgressMode" not in document["ResourcesVpcConfig"]:
        expected["ResourcesVpcConfig"].pop("ControlPlaneEgressMode")
    assert document.pop("Endpoint") == aws.kubernetes.planes.get(REGION, "demo").url
    expected.pop("Endpoint")
    assert base64.b64decode(document["CertificateAuthority"]["Data"]).decode("ascii") == aws.kubernetes.ca_pem
    document["CertificateAuthority"] = expected["CertificateAuthority"]
    for field in NEWER_CLUSTER_FIELDS - set(document):
        assert expected.pop(field) is None
    assert list(document) == list(expected)
    assert document == expected
    assert aws.aws_counts() == CALLS_DESCRIBE_CLUSTER


def test_get_cluster_unknown_name(eksctl: str, aws: AwsEmulator) -> None:
    result = run(eksctl, aws, "get", "cluster", "--name", "nope", "-o", "json")
    assert (result.returncode, result.stdout) == (1, "")
    assert re.fullmatch(
        'Error: unable to describe control plane "nope": operation error EKS: DescribeCluster, https response error '
        "StatusCode: 404, RequestID: %s, ResourceNotFoundException: No cluster found for name: nope.\n" % UUID,
        result.stderr)


# --------------------------------------------------------------------------- get nodegroup


def test_get_nodegroup(eksctl: str, aws: AwsEmulator) -> None:
    result = run(eksctl, aws, "get", "nodegroup", "--cluster", "demo", "-o", "json")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == expected_nodegroups("demo")
    assert aws.aws_counts() == CALLS_GET_NODEGROUPS_DEMO
    assert aws.counts("kube:") == {"kube:GET /api/v1/nodes": 1}
    # eksctl authenticates to the cluster's API server with an EKS token (a presigned STS URL, made locally), which
    # the webhook accepts as the admin identity.
    assert aws.kubernetes.webhook.last_token.startswith("k8s-aws-v1.")
    assert {event["user"]["username"] for event in aws.kubernetes.planes.get(REGION, "demo").audit()} == {ADMIN_USER}
    assert aws.failures() == {}


def test_get_nodegroup_stopped_cluster_needs_no_kubernetes(eksctl: str, aws: AwsEmulator) -> None:
    result = run(eksctl, aws, "get", "nodegroup", "--cluster", "staging", "--region", "us-east-1", "-o", "json")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == expected_nodegroups("staging")
    assert aws.counts("kube:") == {}


def test_get_nodegroup_underscore_name_is_listed(eksctl: str, aws: AwsEmulator) -> None:
    cluster, _nodegroup = underscore_nodegroup()
    result = run(eksctl, aws, "get", "nodegroup", "--cluster", cluster["name"], "--region", cluster["region"], "-o", "json")
    assert (result.returncode, result.stderr) == (0, "")
    # moto lists managed nodegroups by name.
    rows = sorted(json.loads(expected_nodegroups(cluster["name"])), key=lambda row: (row["Type"] == "managed", row["Name"]))
    assert result.stdout == eksctl_simulator.go_json(rows)
    # Each managed nodegroup without a stack costs one refused DescribeStacks.
    no_stack = sum(1 for ng in cluster["nodegroups"] if ng["type"] == "managed" and not ng["stack_name"])
    assert aws.failures() == {("cloudformation:DescribeStacks", 400): no_stack}


def test_get_nodegroup_empty_cluster(eksctl: str, aws: AwsEmulator) -> None:
    result = run(eksctl, aws, "get", "nodegroup", "--cluster", "sandbox", "--region", "us-east-1", "-o", "json")
    assert (result.returncode, result.stdout, result.stderr) == (0, "[]", "")


# --------------------------------------------------------------------------- scale


def scale_messages(cluster: str, nodegroup: str) -> list[str]:
    return ['scaling nodegroup "%s" in cluster %s' % (nodegroup, cluster), "initiated scaling of nodegroup",
            "to see the status of the scaling run `eksctl get nodegroup --cluster %s --region %s --name %s`"
            % (cluster, REGION, nodegroup)]


def test_scale_managed(eksctl: str, aws: AwsEmulator) -> None:
    result = run(eksctl, aws, "scale", "nodegroup", "--cluster", "demo", "--name", "ng-1", "--nodes", "4")
    assert (result.returncode, result.stderr) == (0, "")
    assert log_messages(result.stdout) == scale_messages("demo", "ng-1")
    assert aws.aws_counts() == CALLS_SCALE_MANAGED
    assert aws.sizes("demo", "ng-1") == (4, 2, 5)
    assert aws.counts() == CALLS_SCALE_MANAGED  # the read-back is not counted


def test_scale_managed_is_updating_for_one_read(eksctl: str, aws: AwsEmulator) -> None:
    assert run(eksctl, aws, "scale", "nodegroup", "--cluster", "demo", "--name", "ng-1", "--nodes", "4").returncode == 0
    busy = run(eksctl, aws, "scale", "nodegroup", "--cluster", "demo", "--name", "ng-1", "--nodes", "3")
    assert busy.returncode == 1
    assert re.fullmatch(
        'Error: failed to scale nodegroup "ng-1" for cluster "demo", error: operation error EKS: UpdateNodegroupConfig, '
        "https response error StatusCode: 409, RequestID: %s, ResourceInUseException: Nodegroup cannot be updated as "
        "it is currently not in Active State\n" % UUID, busy.stderr)
    first = json.loads(run(eksctl, aws, "get", "nodegroup", "--cluster", "demo", "--name", "ng-1", "-o", "json").stdout)
    second = json.loads(run(eksctl, aws, "get", "nodegroup", "--cluster", "demo", "--name", "ng-1", "-o", "json").stdout)
    assert (first[0]["Status"], second[0]["Status"]) == ("UPDATING", "ACTIVE")
    assert aws.sizes("demo", "ng-1") == (4, 2, 5)


def test_scale_managed_out_of_bounds(eksctl: str, aws: AwsEmulator) -> None:
    result = run(eksctl, aws, "scale", "nodegroup", "--cluster", "demo", "--name", "ng-1", "--nodes", "9")
    assert result.returncode == 1
    assert log_messages(result.stdout) == scale_messages("demo", "ng-1")[:1]
    assert re.fullmatch(
        'Error: failed to scale nodegroup "ng-1" for cluster "demo", error: operation error EKS: UpdateNodegroupConfig, '
        "https response error StatusCode: 400, RequestID: %s, InvalidParameterException: Desired capacity 9 can't be "
        "greater than max size 5\n" % UUID, result.stderr)
    assert aws.sizes("demo", "ng-1") == (3, 2, 5)


def test_scale_self_managed(eksctl: str, aws: AwsEmulator) -> None:
    result = run(eksctl, aws, "scale", "nodegroup", "--cluster", "demo", "--name", "ng-self", "--nodes", "3", "--nodes-max", "5")
    assert (result.returncode, result.stderr) == (0, "")
    assert log_messages(result.stdout) == scale_messages("demo", "ng-self")
    assert aws.aws_counts() == CALLS_SCALE_SELF_MANAGED
    assert aws.sizes("demo", "ng-self") == (3, 1, 5)
    listed = json.loads(run(eksctl, aws, "get", "nodegroup", "--cluster", "demo", "--name", "ng-self", "-o", "json").stdout)
    assert (listed[0]["DesiredCapacity"], listed[0]["MinSize"], listed[0]["MaxSize"]) == (3, 1, 5)


def test_scale_self_managed_out_of_bounds(eksctl: str, aws: AwsEmulator) -> None:
    result = run(eksctl, aws, "scale", "nodegroup", "--cluster", "demo", "--name", "ng-self", "--nodes", "9")
    assert result.returncode == 1
    assert re.fullmatch(
        'Error: failed to scale nodegroup "ng-self" for cluster "demo", error: operation error Auto Scaling: '
        "UpdateAutoScalingGroup, https response error StatusCode: 400, RequestID: %s, api error ValidationError: "
        "Desired capacity:9 must be between the specified min size:1 and max size:4\n" % UUID, result.stderr)
    assert aws.sizes("demo", "ng-self") == (2, 1, 4)


def test_scale_self_managed_with_update_rollback_complete_stack(eksctl: str, aws: AwsEmulator) -> None:
    aws.add_self_managed_nodegroup("demo", "ng-rb", sizes=(2, 1, 3), stack_status="UPDATE_ROLLBACK_COMPLETE")
    result = run(eksctl, aws, "scale", "nodegroup", "--cluster", "demo", "--name", "ng-rb", "--nodes", "3")
    assert (result.returncode, result.stderr) == (0, "")
    assert aws.sizes("demo", "ng-rb") == (3, 1, 3)
    assert aws.stack_status("demo", "ng-rb") == "UPDATE_ROLLBACK_COMPLETE"


def test_scale_self_managed_with_removed_ami(eksctl: str, aws: AwsEmulator) -> None:
    aws.remove_image(REGION, "ami-0123456789abcdef0")
    result = run(eksctl, aws, "scale", "nodegroup", "--cluster", "demo", "--name", "ng-self", "--nodes", "3")
    assert result.returncode == 1
    assert result.stderr == (
        'Error: failed to scale nodegroup "ng-self" for cluster "demo", error: AMI associated with the nodegroup is '
        "either deprecated or removed; please upgrade the nodegroup before scaling it: "
        "https://eksctl.io/usage/nodegroup-upgrade/\n")
    assert aws.sizes("demo", "ng-self") == (2, 1, 4)


def test_scale_underscore_name_fails_validation(eksctl: str, aws: AwsEmulator) -> None:
    cluster, nodegroup = underscore_nodegroup()
    result = run(eksctl, aws, "scale", "nodegroup", "--cluster", cluster["name"], "--region", cluster["region"],
                 "--name", nodegroup["name"], "--nodes", "2")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == ("Error: validation for %s failed, name must satisfy regular expression pattern: "
                             "[a-zA-Z][-a-zA-Z0-9]*\n" % nodegroup["name"])
    # The provider is built (STS, DescribeCluster, versions) before the name is checked; nothing is written.
    assert aws.aws_counts() == CALLS_DESCRIBE_CLUSTER
    sizes = (nodegroup["desired"], nodegroup["min"], nodegroup["max"])
    assert aws.sizes(cluster["name"], nodegroup["name"], cluster["region"]) == sizes


# --------------------------------------------------------------------------- refusals


def test_connector_cluster(eksctl: str, aws: AwsEmulator) -> None:
    aws.add_connector_cluster("onprem")
    listed = run(eksctl, aws, "get", "cluster", "-o", "json")
    assert {"Name": "onprem", "Region": REGION, "Owned": "False"} in json.loads(listed.stdout)
    expected = ("Error: cannot perform this operation on a non-EKS cluster; please follow the documentation for "
                "cluster onprem's Kubernetes provider\n")
    for command in (("get", "nodegroup", "--cluster", "onprem", "-o", "json"),
                    ("scale", "nodegroup", "--cluster", "onprem", "--name", "ng-1", "--nodes", "1")):
        result = run(eksctl, aws, *command)
        assert (result.returncode, result.stdout, result.stderr) == (1, "", expected)
        assert aws.aws_counts() == {"eks:DescribeCluster": 1, "sts:GetCallerIdentity": 1}


def test_kubernetes_api_forbidden(eksctl: str, aws: AwsEmulator) -> None:
    aws.set_kube_api(KUBE_FORBIDDEN)
    result = run(eksctl, aws, "get", "nodegroup", "--cluster", "demo", "-o", "json")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: getting nodegroup's kubernetes version: failed to list nodes: nodes is forbidden: User "
        '"arn:aws:sts::%s:assumed-role/e2e-readonly/e2e" cannot list resource "nodes" in API group "" at the '
        "cluster scope\n" % eksctl_simulator.ACCOUNT)
    # A stopped cluster (no self-managed nodegroup with desired > 0) still lists without Kubernetes.
    stopped = run(eksctl, aws, "get", "nodegroup", "--cluster", "staging", "--region", "us-east-1", "-o", "json")
    assert stopped.returncode == 0


def test_kubernetes_api_forbidden_for_one_cluster(eksctl: str, aws: AwsEmulator) -> None:
    aws.add_self_managed_nodegroup("staging", "ng-c", region="us-east-1", sizes=(1, 0, 2))
    aws.set_kube_api(KUBE_FORBIDDEN, "demo")
    assert run(eksctl, aws, "get", "nodegroup", "--cluster", "demo", "-o", "json").returncode == 1
    other = run(eksctl, aws, "get", "nodegroup", "--cluster", "staging", "--region", "us-east-1", "-o", "json")
    assert (other.returncode, other.stderr) == (0, "")
    assert [row["Version"] for row in json.loads(other.stdout) if row["Name"] == "ng-c"] == ["1.31.2"]


def test_kubernetes_api_unreachable(eksctl: str, aws: AwsEmulator) -> None:
    aws.set_kube_api(KUBE_UNREACHABLE)
    result = run(eksctl, aws, "get", "nodegroup", "--cluster", "demo", "-o", "json")
    assert (result.returncode, result.stdout) == (1, "")
    assert re.fullmatch(
        r"Error: getting nodegroup's kubernetes version: failed to list nodes: Get "
        r'"https://127\.0\.0\.1:(\d+)/api/v1/nodes\?labelSelector=alpha\.eksctl\.io%2Fnodegroup-name'
        r'%3Dng-self": dial tcp 127\.0\.0\.1:\1: connect: connection refused' "\n", result.stderr)
    # Scaling does not contact the Kubernetes API without --wait.
    scaled = run(eksctl, aws, "scale", "nodegroup", "--cluster", "demo", "--name", "ng-self", "--nodes", "1")
    assert scaled.returncode == 0


# --------------------------------------------------------------------------- emulator helpers


def test_reset_restores_the_seed(eksctl: str, aws: AwsEmulator) -> None:
    aws.set_asg_sizes("demo", "ng-self", 0, 0, 4)
    aws.delete_nodegroup("demo", "ng-2")
    aws.set_stack_status("demo", "ng-self", "UPDATE_ROLLBACK_COMPLETE")
    changed = json.loads(run(eksctl, aws, "get", "nodegroup", "--cluster", "demo", "-o", "json").stdout)
    assert [(row["Name"], row["Status"], row["DesiredCapacity"], row["Version"]) for row in changed] == [
        ("ng-self", "UPDATE_ROLLBACK_COMPLETE", 0, ""), ("ng-1", "ACTIVE", 3, "1.31")]
    aws.reset()
    assert run(eksctl, aws, "get", "nodegroup", "--cluster", "demo", "-o", "json").stdout == expected_nodegroups("demo")


def test_cluster_not_active(eksctl: str, aws: AwsEmulator) -> None:
    aws.set_cluster_status("demo", "CREATING")
    listed = run(eksctl, aws, "get", "nodegroup", "--cluster", "demo", "-o", "json")
    assert (listed.returncode, listed.stdout) == (1, "")
    assert listed.stderr == ('Error: cannot perform Kubernetes API operations on cluster "demo" in "eu-north-1" region '
                             'due to status "CREATING"\n')
    # scale has no such check: it fails building the Kubernetes client (the endpoint is not taken from a
    # cluster that is not ready), before any write.
    scaled = run(eksctl, aws, "scale", "nodegroup", "--cluster", "demo", "--name", "ng-1", "--nodes", "2")
    assert (scaled.returncode, scaled.stdout) == (1, "")
    assert scaled.stderr == ("Error: creating Kubernetes client config: failed to create API client configuration from "
                             "client config: invalid configuration: no configuration has been provided, try setting "
                             "KUBERNETES_MASTER environment variable\n")
    assert aws.sizes("demo", "ng-1") == (3, 2, 5)
