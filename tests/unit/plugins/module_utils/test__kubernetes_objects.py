# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the Kubernetes reads mean, pure and table-driven: Nodes by nodegroup and NodePool, the autoscalers found, a pause and
its resume, and what holds a Node."""

from __future__ import annotations

import pytest

from ansible_collections.eks_tools.eksctl.plugins.module_utils._kubernetes import objects
from ansible_collections.eks_tools.eksctl.tests.unit.fake_kubernetes import deployment, node, nodeclaim, nodepool

NODES = [node("a-1", nodegroup="ng-a"), node("a-2", nodegroup="ng-a", ready=False), node("s-1", nodegroup="ng-self", eksctl_label=True),
         node("k-1", nodepool="default"), node("k-2", nodepool="spot"), node("k-3", nodepool="spot"), node("bastion")]


def test_nodes_count_by_nodegroup_by_nodepool_and_the_rest():
    assert objects.node_counts([objects.node_of(item) for item in NODES]) == {
        "total": 7, "ready": 6, "by_nodegroup": {"ng-a": 2, "ng-self": 1}, "karpenter": {"default": 1, "spot": 2}, "other": 1}


@pytest.mark.parametrize("item, found", [
    (deployment("cluster-autoscaler"), True),
    (deployment("cluster-autoscaler-aws-cluster-autoscaler", labels={"app.kubernetes.io/name": "aws-cluster-autoscaler"}), True),
    (deployment("ca", labels={"app": "cluster-autoscaler"}), True),
    (deployment("coredns", labels={"k8s-app": "kube-dns"}), False),
])
def test_cluster_autoscaler_is_found_by_its_name_or_its_labels(item, found):
    assert bool(objects.autoscalers_of([item])) is found


@pytest.mark.parametrize("limits, launches", [
    (None, True), ({}, True), ({"cpu": "100"}, True), ({"cpu": "0.5"}, True), ({"cpu": "10m"}, True),
    ({"cpu": "0"}, False), ({"cpu": 0}, False), ({"memory": "0Gi"}, False), ({"cpu": "00", "memory": "10Gi"}, False),
])
def test_a_nodepool_with_a_zero_cpu_or_memory_limit_launches_nothing(limits, launches):
    assert objects.can_launch(limits) is launches


def test_a_pause_changes_what_runs_and_a_resume_gives_back_exactly_what_the_pause_found():
    deployments = [deployment("cluster-autoscaler", replicas=2), deployment("idle-autoscaler", labels={"app": "cluster-autoscaler"}, replicas=0)]
    pools = [nodepool("default", {"cpu": "100", "nvidia.com/gpu": "4"}), nodepool("open"), nodepool("frozen", {"cpu": "0"})]
    claims = [nodeclaim("default-x", "default")]
    changes = objects.pause_changes(deployments, pools, claims)
    assert [(change.kind, change.name, change.before, change.after) for change in changes] == [
        ("deployment", "cluster-autoscaler", 2, 0), ("nodepool", "default", {"cpu": "100", "nvidia.com/gpu": "4"}, objects.ZERO_LIMITS),
        ("nodepool", "open", None, objects.ZERO_LIMITS), ("nodeclaim", "default-x", "default", None)]
    recorded = objects.recorded_of_pause(changes, {})
    assert recorded == {"deployments": {"kube-system/cluster-autoscaler": 2},
                        "nodepools": {"default": {"cpu": "100", "nvidia.com/gpu": "4"}, "open": None}}
    # An earlier, interrupted pause recorded the value before any pause: it wins.
    assert objects.recorded_of_pause(changes, {"nodepools": {"default": {"cpu": "64"}}})["nodepools"]["default"] == {"cpu": "64"}
    paused = [deployment("cluster-autoscaler", replicas=0), deployment("idle-autoscaler", labels={"app": "cluster-autoscaler"}, replicas=0)]
    paused_pools = [nodepool("default", dict(objects.ZERO_LIMITS, **{"nvidia.com/gpu": "4"})), nodepool("open", objects.ZERO_LIMITS),
                    nodepool("frozen", {"cpu": "0"})]
    assert [(change.kind, change.name, change.after) for change in objects.resume_changes(recorded, paused, paused_pools)] == [
        ("nodepool", "default", {"cpu": "100", "nvidia.com/gpu": "4"}), ("nodepool", "open", None), ("deployment", "cluster-autoscaler", 2)]
    assert objects.missing_on_resume(recorded, paused[1:], paused_pools[1:]) == ["NodePool default", "Deployment kube-system/cluster-autoscaler"]


def test_the_nodes_a_stop_waits_for_and_the_nodes_a_start_waits_for():
    assert [item.name for item in objects.nodes_left(NODES, ["ng-a"], karpenter=False)] == ["a-1", "a-2"]
    assert [item.name for item in objects.nodes_left(NODES, ["ng-a"], karpenter=True)] == ["a-1", "a-2", "k-1", "k-2", "k-3"]
    assert objects.nodes_missing(NODES, {"ng-a": 2, "ng-self": 1, "ng-new": 1}) == {"ng-a": (1, 2), "ng-new": (0, 1)}


def test_a_node_is_held_by_a_pod_a_pod_disruption_budget_allows_no_disruption():
    pod = {"metadata": {"name": "db-0", "namespace": "data", "labels": {"app": "db"}}, "spec": {"nodeName": "a-1"}}
    budget = {"metadata": {"name": "db", "namespace": "data"}, "spec": {"selector": {"matchLabels": {"app": "db"}}},
              "status": {"disruptionsAllowed": 0}}
    assert objects.held_by("a-1", [pod], [budget]) == "PodDisruptionBudget data/db allows no disruption of pod db-0"
    assert objects.held_by("a-1", [pod], [dict(budget, status={"disruptionsAllowed": 1})]) is None
    assert objects.held_by("a-2", [pod], [budget]) is None
