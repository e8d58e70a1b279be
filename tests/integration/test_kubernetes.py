# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the cluster really runs, read from its own Kubernetes API, and a stop that stops it: through ansible against the simulator
and its simulated Kubernetes API (tests/e2e runs the same against real API servers)."""

from __future__ import annotations

import json
import os

import pytest

from worlds import SimulatedWorld

REGION = "ap-southeast-2"


@pytest.fixture(name="kube")
def kube_fixture(tmp_path):
    world = SimulatedWorld(str(tmp_path), kubernetes_worlds=True)
    yield world
    world.close()


def info(world, cluster):
    result, completed = world.module("eks_cluster_info", "name=%s region=%s kubernetes=true" % (cluster, REGION))
    assert completed.returncode == 0, completed.stdout
    return result["clusters"][0]


@pytest.mark.parametrize("cluster, nodes, autoscaler, karpenter, kinds", [
    ("karpenter-demo", {"total": 4, "ready": 4, "by_nodegroup": {"ng-system": 2}, "karpenter": {"general": 2}, "other": 0}, None,
     {"nodepools": [{"name": "frozen", "limits": {"cpu": "0"}}, {"name": "general", "limits": {"cpu": "32"}}], "nodeclaims": 2},
     ["karpenter_nodes"]),
    ("autoscaler-demo", {"total": 3, "ready": 3, "by_nodegroup": {"ng-app": 3}, "karpenter": {}, "other": 0},
     {"namespace": "kube-system", "name": "cluster-autoscaler", "replicas": 1}, None, ["cluster_autoscaler"]),
    ("hybrid-demo", {"total": 4, "ready": 4, "by_nodegroup": {"ng-base": 1, "ng-legacy": 1}, "karpenter": {"burst": 1}, "other": 1},
     {"namespace": "kube-system", "name": "cluster-autoscaler", "replicas": 2},
     {"nodepools": [{"name": "burst", "limits": {"cpu": "16"}}], "nodeclaims": 1}, ["karpenter_nodes", "other_nodes", "cluster_autoscaler"]),
])
def test_info_reports_what_the_cluster_runs_exactly(kube, cluster, nodes, autoscaler, karpenter, kinds):
    entry = info(kube, cluster)
    assert entry["kubernetes"] == {"reachable": True, "nodes": nodes, "cluster_autoscaler": autoscaler, "karpenter": karpenter}
    assert [item["kind"] for item in entry["status_summary"]["still_running"]] == kinds
    assert "certificate_authority" not in entry


def refuse(world, cluster, mode):
    """How the cluster's API answers: ``forbidden`` (no RBAC for this identity) or ``unreachable`` (a private endpoint)."""
    world.update(lambda state: [entry.update(kubernetes_api=mode) for entry in state["clusters"] if entry["name"] == cluster])


@pytest.mark.parametrize("mode, fix", [
    ("forbidden", "grant this identity"),
    ("unreachable", "let this host reach the cluster's API endpoint"),
])
def test_an_api_that_refuses_or_cannot_be_reached_is_reported_with_its_fix_never_failing_the_report(kube, mode, fix):
    # Managed nodegroups only: eksctl reads them without the API, so the report itself goes through.
    refuse(kube, "autoscaler-demo", mode)
    entry = info(kube, "autoscaler-demo")
    assert entry["kubernetes"]["reachable"] is False and fix in entry["kubernetes"]["error"]
    assert "\n" not in entry["kubernetes"]["error"]


def test_a_paused_stop_then_a_start_in_another_home_give_every_size_limit_and_replica_back(kube):
    """The night in one HOME and the morning in another, the recording carried by the fact cache as AWX carries it."""
    cache = os.path.join(kube.root, "facts")
    env = {"ANSIBLE_CACHE_PLUGIN": "ansible.builtin.jsonfile", "ANSIBLE_CACHE_PLUGIN_CONNECTION": cache}
    before = info(kube, "hybrid-demo")
    sizes = kube.sizes("hybrid-demo", REGION)
    play = [{"name": "Night", "hosts": "localhost", "gather_facts": False, "tasks": [{"name": "Stop", "eks_tools.eksctl.eks_nodegroup_scale": {
        "cluster": "hybrid-demo", "region": REGION, "state": "stopped", "autoscalers": "pause", "wait": True, "wait_sleep": 0.2,
        "recordings": "{{ ansible_facts['eks_recordings'] | default({}) }}"}}]}]
    night = os.path.join(kube.root, "night.yml")
    with open(night, "w", encoding="utf-8") as handle:
        json.dump(play, handle)
    results, _completed = kube.playbook(night, env=dict(env, HOME=os.path.join(kube.root, "night-home")))
    stop = results[-1]["result"]
    assert [change["kind"] for change in stop["autoscalers"]] == ["deployment", "nodepool", "nodeclaim"]
    stopped = info(kube, "hybrid-demo")
    assert stopped["kubernetes"]["nodes"] == {"total": 1, "ready": 1, "by_nodegroup": {}, "karpenter": {}, "other": 1}
    assert stopped["kubernetes"]["cluster_autoscaler"]["replicas"] == 0
    assert stopped["kubernetes"]["karpenter"]["nodepools"] == [{"name": "burst", "limits": {"cpu": "0", "memory": "0"}}]
    play[0]["tasks"][0]["eks_tools.eksctl.eks_nodegroup_scale"].update(state="started", autoscalers="ignore")
    with open(night, "w", encoding="utf-8") as handle:
        json.dump(play, handle)
    results, _completed = kube.playbook(night, env=dict(env, HOME=os.path.join(kube.root, "morning-home")))
    assert [change["kind"] for change in results[-1]["result"]["autoscalers"]] == ["nodepool", "deployment"]
    after = info(kube, "hybrid-demo")
    assert kube.sizes("hybrid-demo", REGION) == sizes
    assert after["kubernetes"]["cluster_autoscaler"] == before["kubernetes"]["cluster_autoscaler"]
    assert after["kubernetes"]["karpenter"]["nodepools"] == before["kubernetes"]["karpenter"]["nodepools"]


def test_a_pause_without_access_to_the_api_fails_before_any_write(kube):
    refuse(kube, "autoscaler-demo", "forbidden")
    result, completed = kube.module("eks_nodegroup_scale", "cluster=autoscaler-demo region=%s state=stopped autoscalers=pause" % REGION)
    assert completed.returncode != 0
    assert result["msg"].startswith("cluster 'autoscaler-demo': nothing was changed, since the pause needs the cluster's Kubernetes API")
    assert not [call for call in kube.calls() if call["argv"][:2] == ["scale", "nodegroup"]]


def test_a_node_a_pod_disruption_budget_holds_is_named_when_the_wait_gives_up(kube):
    result, completed = kube.module("eks_nodegroup_scale", "cluster=pdb-demo region=%s state=stopped wait=true wait_sleep=0.2 "
                                                           "wait_timeout=2" % REGION)
    assert completed.returncode != 0
    assert "still there: ng-app-0 (PodDisruptionBudget payments/ledger-0 allows no disruption of pod ledger-0)" in result["msg"]
    assert result["nodegroups"][0]["action"] == "stopped"


def test_check_mode_and_diff_of_a_paused_stop_show_every_kubernetes_change_and_make_none(kube):
    result, completed = kube.module("eks_nodegroup_scale", "cluster=karpenter-demo region=%s state=stopped autoscalers=pause" % REGION,
                                    "--check", "--diff")
    assert completed.returncode == 0, completed.stdout
    assert result["diff"]["after"]["kubernetes"] == {"nodepool general": {"cpu": "0", "memory": "0"}, "nodeclaim general-00000": None,
                                                     "nodeclaim general-00001": None}
    assert info(kube, "karpenter-demo")["kubernetes"]["karpenter"]["nodeclaims"] == 2
