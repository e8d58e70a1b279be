# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A stop that stops what the cluster runs, against real kube-apiservers with the real Karpenter controller, the real eksctl
and the emulated AWS: what eks_cluster_info reports, a paused stop and a start in two HOMEs that give every size, limit and
replica back, Karpenter's own reaction to the pause, an API that refuses or cannot be reached, and a Node a
PodDisruptionBudget holds."""

from __future__ import annotations

import time

import pytest

from kube_client import path
from kube_karpenter import mark_unschedulable
from kube_objects import NODEPOOL_LABEL
from worlds import EmulatedWorld

REGION = "ap-southeast-2"
PREFIX = "/eks_tools/recordings"


@pytest.fixture(name="kreal")
def kreal_fixture(newest_eksctl, tmp_path, kube_worlds):
    """On the newest real eksctl only: what is tested here is the Kubernetes side, which does not depend on eksctl's release
    (eksctl's own reads and writes are tested on every release by test_scenarios.py and test_differential.py)."""
    return EmulatedWorld(str(tmp_path), newest_eksctl, kube_worlds)


def info(world, cluster):
    result, completed = world.module("eks_cluster_info", "name=%s region=%s kubernetes=true" % (cluster, REGION))
    assert completed.returncode == 0, completed.stdout
    return result["clusters"][0]


def scale(world, cluster, state, home, *extra):
    args = "cluster=%s region=%s state=%s recording_ssm_prefix=%s %s" % (cluster, REGION, state, PREFIX, " ".join(extra))
    return world.module("eks_nodegroup_scale", args, env={"HOME": str(world.root) + "/" + home})


def power(world, playbook, cluster, home, *variables):
    """The collection's stop or start playbook on one cluster, in its own HOME (a night and a morning job: nothing shared
    but the SSM parameter); returns the scale task's result and the process."""
    given = ["cluster=" + cluster, "region=" + REGION, "recording_ssm_prefix=" + PREFIX] + list(variables)
    results, completed = world.playbook("eks_tools.eksctl." + playbook, *[part for name in given for part in ("-e", name)],
                                        env={"HOME": str(world.root) + "/" + home}, check=False)
    scaled = [entry["result"] for entry in results if "nodegroups" in entry["result"] and "recording" in entry["result"]]
    assert scaled, completed.stdout
    return scaled[-1], completed


def test_info_counts_what_the_cluster_runs_exactly(kreal):
    expected = {
        "karpenter-demo": ({"total": 4, "ready": 4, "by_nodegroup": {"ng-system": 2}, "karpenter": {"general": 2}, "other": 0}, None,
                           {"frozen": {"cpu": "0"}, "general": {"cpu": "32"}}, 2),
        "autoscaler-demo": ({"total": 3, "ready": 3, "by_nodegroup": {"ng-app": 3}, "karpenter": {}, "other": 0}, 1, None, None),
        "hybrid-demo": ({"total": 4, "ready": 4, "by_nodegroup": {"ng-base": 1, "ng-legacy": 1}, "karpenter": {"burst": 1}, "other": 1}, 2,
                        {"burst": {"cpu": "16"}}, 1),
    }
    for cluster, (nodes, replicas, pools, claims) in expected.items():
        kubernetes = info(kreal, cluster)["kubernetes"]
        assert kubernetes["reachable"] is True and kubernetes["nodes"] == nodes, (cluster, kubernetes)
        assert (kubernetes["cluster_autoscaler"] or {}).get("replicas") == replicas, cluster
        karpenter = kubernetes["karpenter"]
        assert (None if karpenter is None else {pool["name"]: pool["limits"] for pool in karpenter["nodepools"]}) == pools, cluster
        assert (None if karpenter is None else karpenter["nodeclaims"]) == claims, cluster


def test_a_paused_stop_and_a_start_through_the_playbooks_in_two_homes_give_every_size_limit_and_replica_back(kreal):
    plane = kreal.aws.kubernetes.plane("hybrid-demo", REGION)
    before = info(kreal, "hybrid-demo")["kubernetes"]
    sizes = kreal.sizes("hybrid-demo", REGION)
    stop, completed = power(kreal, "stop", "hybrid-demo", "night", "autoscalers=pause", "wait=true", "wait_sleep=1", "wait_timeout=300")
    assert completed.returncode == 0, completed.stdout
    assert [change["kind"] for change in stop["autoscalers"]] == ["deployment", "nodepool", "nodeclaim"]
    # Karpenter's own reaction: the deleted NodeClaim's instance drained and its Node gone, which the stop's wait proved.
    assert kreal.aws.kubernetes.node_counts("hybrid-demo", REGION) == {"-": 1}
    assert any(line.startswith("Nodes gone after") for line in stop["summary_lines"])
    assert (stop["nodes"]["total"], stop["nodes"]["by_nodegroup"], stop["nodes"]["karpenter"], stop["nodes"]["other"]) == (1, {}, {}, 1)
    # A pod that wants the paused pool gets nothing: the limits let Karpenter launch nothing.
    plane.client.create("pods", {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "wants-burst", "namespace": "default"},
                                 "spec": {"nodeSelector": {NODEPOOL_LABEL: "burst"}, "containers": [
                                     {"name": "c", "image": "x", "resources": {"requests": {"cpu": "1"}}}]}})
    mark_unschedulable(plane, "default", "wants-burst")
    time.sleep(6)
    assert plane.client.items("nodeclaims") == []
    plane.client.delete(path("pods", "wants-burst", "default"))
    start, completed = power(kreal, "start", "hybrid-demo", "morning", "wait=true", "wait_sleep=1", "wait_timeout=300")
    assert completed.returncode == 0, completed.stdout
    assert [change["kind"] for change in start["autoscalers"]] == ["nodepool", "deployment"]
    after = info(kreal, "hybrid-demo")["kubernetes"]
    assert kreal.sizes("hybrid-demo", REGION) == sizes
    assert after["cluster_autoscaler"] == before["cluster_autoscaler"]
    assert after["karpenter"]["nodepools"] == before["karpenter"]["nodepools"]


@pytest.mark.parametrize("mode, fix", [("forbidden", "grant this identity"), ("unreachable", "let this host reach the cluster's API endpoint")])
def test_an_api_that_refuses_or_cannot_be_reached_is_reported_and_a_pause_changes_nothing(kreal, mode, fix):
    kreal.aws.set_kube_api(mode, "autoscaler-demo", REGION)
    kubernetes = info(kreal, "autoscaler-demo")["kubernetes"]
    assert kubernetes["reachable"] is False and fix in kubernetes["error"]
    sizes = kreal.sizes("autoscaler-demo", REGION)
    result, completed = scale(kreal, "autoscaler-demo", "stopped", "night", "autoscalers=pause")
    assert completed.returncode != 0 and "nothing was changed" in result["msg"] and fix in result["msg"]
    assert kreal.sizes("autoscaler-demo", REGION) == sizes


def test_a_node_a_pod_disruption_budget_holds_is_named_when_the_wait_gives_up(kreal):
    result, completed = scale(kreal, "pdb-demo", "stopped", "night", "wait=true", "wait_sleep=1", "wait_timeout=20")
    assert completed.returncode != 0
    assert "PodDisruptionBudget payments/ledger-0 allows no disruption of pod ledger-0" in result["msg"]
    assert kreal.sizes("pdb-demo", REGION) == {"ng-app": (0, 0, 3)}
