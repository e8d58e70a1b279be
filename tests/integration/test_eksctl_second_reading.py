# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What real eksctl does that the first reading of its source missed (docs/eksctl.md), through the simulator.

The same scenarios run against the real binary in tests/e2e.
"""

from __future__ import annotations

import eksctl_simulator

from conftest import read_calls, scale_calls


def _add_cluster(sim, cluster):
    sim.update(lambda state: state["clusters"].append(cluster))


def test_connector_cluster_in_a_listing_with_details_is_reported_not_fatal(sim):
    _add_cluster(sim, eksctl_simulator.new_cluster("edge", "eu-north-1", owned="False", connector=True))
    result, completed = sim.module("eks_cluster_info", "region=eu-north-1 details=true")
    assert completed.returncode == 0, completed.stdout
    phases = {cluster["name"]: cluster["status_summary"]["phase"] for cluster in result["clusters"]}
    assert phases == {"demo": "running", "legacy-tf": "running", "edge": "unsupported"}
    (edge,) = [cluster for cluster in result["clusters"] if cluster["name"] == "edge"]
    assert edge["connector"] is True and edge["nodegroups"] == []
    assert "EKS Connector" in edge["status_summary"]["reason"]


def test_connector_cluster_stop_fails_saying_what_it_is(sim):
    _add_cluster(sim, eksctl_simulator.new_cluster("edge", "eu-north-1", owned="False", connector=True))
    result, completed = sim.module("eks_nodegroup_scale", "cluster=edge region=eu-north-1 state=stopped")
    assert completed.returncode != 0
    assert "non-EKS cluster" in result["msg"] and "EKS Connector" in result["msg"]
    assert scale_calls(sim.calls()) == []


def test_kubernetes_api_refused_fails_a_whole_cluster_stop_with_the_fix(sim):
    sim.update(lambda state: state["clusters"][0].update(kubernetes_api="forbidden"))
    result, completed = sim.module("eks_nodegroup_scale", "cluster=demo region=eu-north-1 state=stopped")
    assert completed.returncode != 0
    assert "failed to list nodes" in result["msg"]
    for fix in ("API endpoint", "list nodes", "access entry", "name only managed nodegroups"):
        assert fix in result["msg"]
    assert scale_calls(sim.calls()) == []
    assert sim.sizes("demo")["ng-self"] == (2, 1, 4)


def test_kubernetes_api_unreachable_named_managed_nodegroups_still_scale(sim):
    sim.update(lambda state: state["clusters"][0].update(kubernetes_api="unreachable"))
    result, completed = sim.module("eks_nodegroup_scale", "cluster=demo region=eu-north-1 name=ng-1,ng-2 state=stopped wait=true wait_sleep=0.1")
    assert completed.returncode == 0, completed.stdout
    assert result["changed"] is True
    assert sim.sizes("demo") == {"ng-self": (2, 1, 4), "ng-1": (0, 0, 5), "ng-2": (0, 0, 3)}
    reads = [call["argv"] for call in read_calls(sim.calls()) if call["argv"][:2] == ["get", "nodegroup"]]
    assert reads[0] == ["get", "nodegroup", "--cluster=demo", "--output=json", "--region=eu-north-1"]
    assert all("--name=ng-1" in argv or "--name=ng-2" in argv for argv in reads[1:])
    # The proof at the Node level cannot reach the private endpoint either: a warning says so, and the sizes are the proof.
    assert "could not be checked, so only the nodegroups' sizes prove the stop" in completed.stderr


def test_a_cluster_whose_only_nodegroup_eksctl_cannot_scale_fails_its_stop_naming_it(sim):
    result, completed = sim.module("eks_nodegroup_scale", "cluster=legacy-tf region=eu-north-1 state=stopped")
    assert completed.returncode != 0
    assert result["msg"].startswith("cluster 'legacy-tf': nothing could be stopped: eksctl scales only nodegroups named with letters, "
                                    "digits and '-'") and result["msg"].endswith("(tf_workers)")
    assert scale_calls(sim.calls()) == []


def test_a_nodegroup_eksctl_cannot_scale_is_skipped_and_the_rest_of_the_cluster_stopped(sim):
    sim.update(lambda state: state["clusters"][1]["nodegroups"].append(eksctl_simulator.new_nodegroup("legacy-tf", "ng-web", sizes=(2, 1, 3))))
    result, completed = sim.module("eks_nodegroup_scale", "cluster=legacy-tf region=eu-north-1 state=stopped")
    assert completed.returncode == 0, completed.stdout
    assert [(ng["name"], ng["action"]) for ng in result["nodegroups"]] == [("tf_workers", "skipped"), ("ng-web", "stopped")]
    assert "nodegroup 'tf_workers' of cluster 'legacy-tf' was skipped, its 2 node(s) keep running" in completed.stderr
    assert sim.sizes("legacy-tf") == {"tf_workers": (2, 2, 6), "ng-web": (0, 0, 3)}


def test_the_simulator_refuses_to_scale_what_eksctl_refuses(sim):
    completed = sim.run(["eksctl", "scale", "nodegroup", "--cluster=legacy-tf", "--name=tf_workers", "--nodes=3", "--region=eu-north-1"])
    assert completed.returncode == 1
    assert completed.stderr == ("Error: validation for tf_workers failed, name must satisfy regular expression pattern: "
                                "[a-zA-Z][-a-zA-Z0-9]*\n")


def test_rolled_back_stack_counts_as_settled_for_info_and_wait(sim):
    def rolled_back(state):
        for nodegroup in state["clusters"][0]["nodegroups"]:
            if nodegroup["type"] == "unmanaged":
                nodegroup["status"] = "UPDATE_ROLLBACK_COMPLETE"
    sim.update(rolled_back)
    info, _completed = sim.module("eks_cluster_info", "name=demo region=eu-north-1")
    assert info["clusters"][0]["status_summary"]["phase"] == "running"
    result, completed = sim.module("eks_nodegroup_scale", "cluster=demo region=eu-north-1 name=ng-self desired_size=3 wait=true wait_sleep=0.1")
    assert completed.returncode == 0, completed.stdout
    assert sim.sizes("demo")["ng-self"] == (3, 1, 4)
