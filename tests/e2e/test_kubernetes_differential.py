# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulator's Kubernetes API against a real kube-apiserver: the collection's own reads and writes of the same seed.

Both sides are made from one declarative seed (``eksctl_simulator.kubernetes_worlds()``): the simulator serves it from its
state file, the real tier creates it in one kube-apiserver per cluster (with kwok's Nodes and the real Karpenter). What the
collection reports of each world must be equal: the Node counts by nodegroup, NodePool and neither, cluster-autoscaler's
replicas, the NodePools' limits, the NodeClaims, and what a stop would leave running. Then a paused stop and a start, which
must make the same Kubernetes changes in the same order and leave the same state behind. Masked, each with its reason:
the API endpoint (the simulator's is plain HTTP on its own port), and after a write the Nodes, which go at their own pace.
It runs on the newest real eksctl only: the Kubernetes side does not depend on eksctl's release."""

from __future__ import annotations

import pytest

from worlds import EmulatedWorld, SimulatedWorld

REGION = "ap-southeast-2"
CLUSTERS = ("karpenter-demo", "autoscaler-demo", "hybrid-demo", "pdb-demo")


@pytest.fixture(name="both")
def both_fixture(newest_eksctl, tmp_path, kube_worlds):
    for side in ("real", "simulated"):
        (tmp_path / side).mkdir()
    simulated = SimulatedWorld(str(tmp_path / "simulated"), kubernetes_worlds=True)
    try:
        yield EmulatedWorld(str(tmp_path / "real"), newest_eksctl, kube_worlds), simulated
    finally:
        simulated.close()


def reported(world, cluster):
    result, completed = world.module("eks_cluster_info", "name=%s region=%s kubernetes=true" % (cluster, REGION))
    assert completed.returncode == 0, completed.stdout
    found = result["clusters"][0]
    kubernetes = dict(found["kubernetes"])
    kubernetes.pop("endpoint", None)  # the simulator serves plain HTTP on a port of its own
    still_running = sorted((entry["kind"], entry.get("name", "")) for entry in found["status_summary"].get("still_running", []))
    return {"kubernetes": kubernetes, "still_running": still_running, "nodegroups": found["nodegroups"]}


def scaled(world, cluster, state, *extra):
    result, completed = world.module("eks_nodegroup_scale", "cluster=%s region=%s state=%s %s" % (cluster, REGION, state, " ".join(extra)))
    assert completed.returncode == 0, completed.stdout
    return {"changed": result["changed"], "autoscalers": result.get("autoscalers"),
            "nodegroups": [(entry["name"], entry["action"], entry.get("after")) for entry in result["nodegroups"]]}


@pytest.mark.parametrize("cluster", CLUSTERS)
def test_what_the_collection_reports_of_a_cluster_s_kubernetes_side_is_the_same_on_both(both, cluster):
    real, simulated = both
    assert reported(simulated, cluster) == reported(real, cluster)


def test_a_paused_stop_and_the_start_make_the_same_changes_on_both(both):
    real, simulated = both
    for state, extra in (("stopped", ("autoscalers=pause",)), ("started", ())):
        assert scaled(simulated, "hybrid-demo", state, *extra) == scaled(real, "hybrid-demo", state, *extra), state
        kubernetes_real, kubernetes_simulated = reported(real, "hybrid-demo")["kubernetes"], reported(simulated, "hybrid-demo")["kubernetes"]
        # Nodes go at their own pace (Karpenter drains, kwok removes); what the pause wrote is compared, not who is gone yet.
        for side in (kubernetes_real, kubernetes_simulated):
            side.pop("nodes", None)
        assert kubernetes_simulated == kubernetes_real, state
