# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulated clusters' Kubernetes side itself: real API servers, EKS token authentication, RBAC, kwok, Nodes that
follow the nodegroups' sizes, PodDisruptionBudgets, and Karpenter's own controller.

These tests check the harness the other tiers' scenarios stand on, so each asserts what a broken harness would get
wrong (a token accepted for the wrong cluster, a Node count off by one, a Node drained through its budget).
"""

from __future__ import annotations

import datetime
import json
import os
import sys
import time

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from aws_emulator import ACCESS_KEY, SECRET_KEY, AwsEmulator  # noqa: E402
import go_tools  # noqa: E402
from kube_auth import eks_token  # noqa: E402
from kube_client import KubeClient, path  # noqa: E402
from kube_karpenter import mark_unschedulable  # noqa: E402
from kube_objects import NODEPOOL_LABEL, pod  # noqa: E402
from kube_world import READONLY_ACCESS_KEY, READONLY_USER  # noqa: E402
from worlds import run_eksctl  # noqa: E402

REGION = "eu-north-1"
WORLDS = "ap-southeast-2"
DEMO_NODES = {"ng-1": 3, "ng-2": 1, "ng-self": 2}


@pytest.fixture(name="binary")
def binary_fixture() -> str:
    """The user's eksctl, or the newest pinned one (one binary is enough to drive the harness)."""
    return os.environ.get("EKSCTL") or go_tools.built_binaries()[0]


def as_user(aws: AwsEmulator, cluster: str, region: str, token: str) -> KubeClient:
    plane = aws.kubernetes.plane(cluster, region)
    return KubeClient(plane.url, plane.pki.ca, token=token)


def ready(node: dict) -> bool:
    return any(c["type"] == "Ready" and c["status"] == "True" for c in node.get("status", {}).get("conditions", []))


def eksctl(binary: str, aws: AwsEmulator, region: str, *args: str):
    completed = run_eksctl([binary, *args, "--region", region], aws.env(region=region))
    assert completed.returncode == 0, completed.stderr
    return completed


# --------------------------------------------------------------------------- authentication and RBAC


def test_the_admin_identity_lists_the_seeded_nodes(aws: AwsEmulator) -> None:
    client = as_user(aws, "demo", REGION, eks_token("demo", ACCESS_KEY, SECRET_KEY, REGION))
    status, document = client.request("GET", path("nodes"))
    assert status == 200, document
    assert len(document["items"]) == sum(DEMO_NODES.values())
    assert aws.kubernetes.node_counts("demo", REGION) == DEMO_NODES
    status, version = client.request("GET", "/version")
    assert (status, version["gitVersion"]) == (200, "v1.35.4")


@pytest.mark.parametrize("token", [
    pytest.param(lambda: eks_token("legacy-tf", ACCESS_KEY, SECRET_KEY, REGION), id="another cluster"),
    pytest.param(lambda: eks_token("demo", ACCESS_KEY, "not-the-secret", REGION), id="wrong secret"),
    pytest.param(lambda: eks_token("demo", "AKIAE2EUNKNOWN000001", SECRET_KEY, REGION), id="unknown access key"),
    pytest.param(lambda: eks_token("demo", ACCESS_KEY, SECRET_KEY, REGION,
                                   when=datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=20)),
                 id="expired"),
    pytest.param(lambda: "k8s-aws-v1.aHR0cHM6Ly9leGFtcGxlLmNvbS8_QWN0aW9uPUdldENhbGxlcklkZW50aXR5", id="not presigned"),
    pytest.param(lambda: "k8s-aws-v1.%%%", id="not base64"),
    pytest.param(lambda: "a-bearer-token", id="not an EKS token"),
])
def test_a_token_not_made_for_this_cluster_is_401(aws: AwsEmulator, token) -> None:
    client = as_user(aws, "demo", REGION, token())
    status, document = client.request("GET", path("nodes"))
    assert (status, document.get("reason")) == (401, "Unauthorized"), document
    assert aws.counts("kube:") == {"kube:GET /api/v1/nodes": 1}
    assert aws.failures() == {("kube:GET /api/v1/nodes", 401): 1}


def test_an_identity_without_rbac_is_forbidden(aws: AwsEmulator) -> None:
    client = as_user(aws, "demo", REGION, eks_token("demo", READONLY_ACCESS_KEY, SECRET_KEY, REGION))
    status, document = client.request("GET", path("nodes"))
    assert status == 403
    assert document["message"] == ('nodes is forbidden: User "%s" cannot list resource "nodes" in API group "" at the '
                                   "cluster scope" % READONLY_USER)


def test_forbidden_maps_the_tests_identity_to_the_user_without_rbac(aws: AwsEmulator) -> None:
    # Each token is made after the change, as each eksctl process makes its own (the API server keeps a token it
    # accepted for 10 s; the webhook's fence makes sure a token made after a change is a new one).
    for mode, expected in (("forbidden", 403), ("ok", 200), ("forbidden", 403)):
        aws.set_kube_api(mode, "demo")
        client = as_user(aws, "demo", REGION, eks_token("demo", ACCESS_KEY, SECRET_KEY, REGION))
        assert client.request("GET", path("nodes"))[0] == expected, mode


# --------------------------------------------------------------------------- kwok


def test_kwok_makes_the_seeded_nodes_ready_and_runs_their_pods(aws: AwsEmulator) -> None:
    plane = aws.kubernetes.plane("demo", REGION)
    plane.client.wait("every Node of demo Ready", lambda: all(ready(node) for node in plane.client.items("nodes")))
    nodes = plane.client.items("nodes", selector="alpha.eksctl.io/nodegroup-name=ng-self")
    assert {node["status"]["nodeInfo"]["kubeletVersion"] for node in nodes} == {"v1.31.2-eks-1a2b3c4"}
    plane.client.create("pods", pod("web", "default", nodes[0]["metadata"]["name"], {"app": "web"}))
    plane.client.wait("Pod web running", lambda: plane.client.get(path("pods", "web", "default"))["status"].get("phase") == "Running")


# --------------------------------------------------------------------------- Nodes follow the nodegroups


def test_scaling_through_eksctl_brings_the_nodes_to_the_new_size(binary: str, aws: AwsEmulator) -> None:
    assert aws.kubernetes.node_counts("demo", REGION) == DEMO_NODES
    eksctl(binary, aws, REGION, "scale", "nodegroup", "--cluster", "demo", "--name", "ng-1", "--nodes", "5")
    eksctl(binary, aws, REGION, "scale", "nodegroup", "--cluster", "demo", "--name", "ng-self", "--nodes", "4")
    eksctl(binary, aws, REGION, "scale", "nodegroup", "--cluster", "demo", "--name", "ng-2", "--nodes", "0", "--nodes-min", "0")
    assert aws.kubernetes.node_counts("demo", REGION) == {"ng-1": 5, "ng-self": 4}
    # eksctl reads a self-managed nodegroup's kubelet version from its Nodes: the new ones carry it too.
    listed = json.loads(eksctl(binary, aws, REGION, "get", "nodegroup", "--cluster", "demo", "-o", "json").stdout)
    assert [(row["Name"], row["Version"]) for row in listed if row["Name"] == "ng-self"] == [("ng-self", "1.31.2")]
    eksctl(binary, aws, REGION, "scale", "nodegroup", "--cluster", "demo", "--name", "ng-self", "--nodes", "1")
    assert aws.kubernetes.node_counts("demo", REGION) == {"ng-1": 5, "ng-self": 1}


def test_a_reset_brings_back_the_seeded_nodes(aws: AwsEmulator) -> None:
    aws.set_asg_sizes("demo", "ng-self", 0, 0, 4)
    aws.delete_nodegroup("demo", "ng-2")
    assert aws.kubernetes.node_counts("demo", REGION) == {"ng-1": 3}
    aws.reset()
    assert aws.kubernetes.node_counts("demo", REGION) == DEMO_NODES


def test_a_node_held_by_a_disruption_budget_survives_a_scale_to_zero(binary: str, kube_worlds: AwsEmulator) -> None:
    plane = kube_worlds.kubernetes.plane("pdb-demo", WORLDS)
    held = plane.client.get(path("pods", "ledger-0", "payments"))["spec"]["nodeName"]
    budget = plane.client.get(path("poddisruptionbudgets", "ledger-0", "payments"))
    assert budget["status"]["disruptionsAllowed"] == 0
    plane.client.create("pods", pod("spare", "payments", sorted(
        node["metadata"]["name"] for node in plane.client.items("nodes") if node["metadata"]["name"] != held)[0], {"app": "spare"}))
    eksctl(binary, kube_worlds, WORLDS, "scale", "nodegroup", "--cluster", "pdb-demo", "--name", "ng-app", "--nodes", "0",
           "--nodes-min", "0")
    assert kube_worlds.sizes("pdb-demo", "ng-app", WORLDS) == (0, 0, 3)
    # The other Node was drained (its Pod evicted) and removed; the held one runs on, its Pod too.
    assert [node["metadata"]["name"] for node in plane.client.items("nodes")] == [held]
    assert [item["metadata"]["name"] for item in plane.client.items("pods", "payments")] == ["ledger-0"]


# --------------------------------------------------------------------------- the seed's Kubernetes worlds


def test_the_kubernetes_worlds_are_built_as_the_seed_describes_them(kube_worlds: AwsEmulator) -> None:
    names = ["karpenter-demo", "autoscaler-demo", "hybrid-demo", "locked-demo", "pdb-demo"]
    kube_worlds.kubernetes.start_clusters(names + ["private-demo"], WORLDS)
    counts = {name: kube_worlds.kubernetes.node_counts(name, WORLDS) for name in names}
    assert counts == {
        "karpenter-demo": {"ng-system": 2, "nodepool/general": 2},
        "autoscaler-demo": {"ng-app": 3},
        "hybrid-demo": {"-": 1, "ng-base": 1, "ng-legacy": 1, "nodepool/burst": 1},
        "locked-demo": {"ng-1": 1, "ng-self": 2},
        "pdb-demo": {"ng-app": 2},
    }
    for name, replicas in (("autoscaler-demo", 1), ("hybrid-demo", 2)):
        client = kube_worlds.kubernetes.plane(name, WORLDS).client
        assert client.get(path("deployments", "cluster-autoscaler", "kube-system"))["spec"]["replicas"] == replicas
    client = kube_worlds.kubernetes.plane("karpenter-demo", WORLDS).client
    assert {pool["metadata"]["name"]: pool["spec"]["limits"] for pool in client.items("nodepools")} == {
        "frozen": {"cpu": "0"}, "general": {"cpu": "32"}}
    assert "nodepools" not in json.dumps(kube_worlds.kubernetes.plane("autoscaler-demo", WORLDS).client.get("/apis"))


def test_eksctl_meets_the_refusing_and_the_unreachable_worlds(binary: str, kube_worlds: AwsEmulator) -> None:
    env = kube_worlds.env(region=WORLDS)
    locked = run_eksctl([binary, "get", "nodegroup", "--cluster", "locked-demo", "-o", "json"], env)
    assert (locked.returncode, locked.stderr) == (1, (
        "Error: getting nodegroup's kubernetes version: failed to list nodes: nodes is forbidden: User \"%s\" cannot list "
        'resource "nodes" in API group "" at the cluster scope\n' % READONLY_USER))
    private = run_eksctl([binary, "get", "nodegroup", "--cluster", "private-demo", "-o", "json"], env)
    assert private.returncode == 1 and "connect: connection refused" in private.stderr
    assert kube_worlds.kubernetes.planes.get(WORLDS, "private-demo") is None


# --------------------------------------------------------------------------- Karpenter's own reactions


def test_deleting_a_nodeclaim_drains_and_removes_its_node(kube_worlds: AwsEmulator) -> None:
    plane = kube_worlds.kubernetes.plane("karpenter-demo", WORLDS)
    claims = plane.client.items("nodeclaims", selector="%s=general" % NODEPOOL_LABEL)
    assert len(claims) == 2
    victim = claims[0]
    node = victim["status"]["nodeName"]
    plane.client.create("pods", pod("batch-0", "default", node, {"app": "batch"}))
    plane.client.wait("Pod batch-0 running", lambda: plane.client.get(path("pods", "batch-0", "default"))["status"].get("phase") == "Running")
    plane.client.call("DELETE", path("nodeclaims", victim["metadata"]["name"]))
    plane.client.wait("Karpenter to remove Node %s" % node,
                      lambda: node not in {item["metadata"]["name"] for item in plane.client.items("nodes")}, timeout=60)
    assert kube_worlds.kubernetes.node_counts("karpenter-demo", WORLDS) == {"ng-system": 2, "nodepool/general": 1}
    assert [claim["metadata"]["name"] for claim in plane.client.items("nodeclaims")] == [claims[1]["metadata"]["name"]]
    assert plane.client.request("GET", path("pods", "batch-0", "default"))[0] == 404


def test_a_nodepool_with_zero_limits_launches_nothing(kube_worlds: AwsEmulator) -> None:
    plane = kube_worlds.kubernetes.plane("karpenter-demo", WORLDS)
    waiting = pod("wants-frozen", "default", None, {"app": "wants-frozen"}, cpu="1")
    waiting["spec"]["nodeSelector"] = {NODEPOOL_LABEL: "frozen"}
    plane.client.create("pods", waiting)
    mark_unschedulable(plane, "default", "wants-frozen")
    # Several of Karpenter's provisioning rounds (batches of at most 2 s) pass without a NodeClaim for the pool.
    time.sleep(8)
    assert plane.client.items("nodeclaims", selector="%s=frozen" % NODEPOOL_LABEL) == []
    with open(plane.karpenter.log_path, encoding="utf-8") as log:
        assert "all available instance types exceed limits for nodepool (NodePool=frozen)" in log.read()
    # The same Pod gets a Node once the limits allow one: what held Karpenter back was the limit.
    plane.client.patch(path("nodepools", "frozen"), {"spec": {"limits": {"cpu": "8"}}})
    plane.client.wait("Karpenter to launch for the pool", lambda: plane.client.items("nodeclaims", selector="%s=frozen" % NODEPOOL_LABEL),
                      timeout=60)
