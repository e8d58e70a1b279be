# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's real scenarios, each run on the simulator and on every real eksctl, with the same assertions.

Where the real binary behaves differently from the simulator, the test says so next to the assertion.
"""

from __future__ import annotations

import json
import os

import pytest

SEED_SIZES = {
    ("demo", "eu-north-1"): {"ng-self": (2, 1, 4), "ng-1": (3, 2, 5), "ng-2": (1, 1, 3)},
    ("legacy-tf", "eu-north-1"): {"tf_workers": (2, 2, 6)},
    ("staging", "us-east-1"): {"ng-a": (0, 0, 3), "ng-b": (0, 0, 2)},
    ("sandbox", "us-east-1"): {},
    ("fargate-demo", "eu-west-1"): {"ng-core": (2, 1, 3)},
    ("auto-demo", "eu-west-1"): {},
    ("extended-demo", "eu-west-1"): {"ng-old": (1, 1, 2)},
}
DEMO_STOPPED = {"ng-self": (0, 0, 4), "ng-1": (0, 0, 5), "ng-2": (0, 0, 3)}
ALL_CLUSTERS = [("eu-north-1", "demo"), ("eu-north-1", "legacy-tf"), ("eu-west-1", "auto-demo"), ("eu-west-1", "extended-demo"),
                ("eu-west-1", "fargate-demo"), ("us-east-1", "sandbox"), ("us-east-1", "staging")]


def scale_calls(world) -> list:
    return [call["argv"] for call in world.calls() if call["argv"][:2] == ["scale", "nodegroup"]]


def ok(completed) -> None:
    assert completed.returncode == 0, "rc %d\nstdout:\n%s\nstderr:\n%s" % (completed.returncode, completed.stdout, completed.stderr)


def failed(completed) -> None:
    assert completed.returncode != 0, "expected a failure\nstdout:\n%s" % completed.stdout


# ---------------------------------------------------------------- listing and info


def test_list_one_region(world):
    result, completed = world.module("eks_cluster_info", "region=us-east-1")
    ok(completed)
    assert sorted((c["name"], c["owned"]) for c in result["clusters"]) == [("sandbox", True), ("staging", True)]
    assert len(world.calls()) == 1


@pytest.mark.parametrize("how", ["region", "profile region", "no region"])
def test_list_all_regions(world, how):
    env = {}
    args = "all_regions=true"
    if how == "region":
        args += " region=eu-north-1"
    elif how == "profile region":
        os.makedirs(os.path.join(world.home, ".aws"), exist_ok=True)
        config = os.path.join(world.home, ".aws", "config")
        with open(config, "w", encoding="utf-8") as handle:
            handle.write("[profile ops]\nregion = us-east-1\n")
        env = {"AWS_CONFIG_FILE": config, "AWS_PROFILE": "ops"}
    result, completed = world.module("eks_cluster_info", args, env=env)
    ok(completed)
    assert sorted((c["region"], c["name"]) for c in result["clusters"]) == ALL_CLUSTERS
    owned = {c["name"]: c["owned"] for c in result["clusters"]}
    assert owned == {"demo": True, "legacy-tf": False, "staging": True, "sandbox": True, "fargate-demo": True, "auto-demo": True,
                     "extended-demo": True}
    # eksctl needs a region even for -A (docs/eksctl.md, all-regions): without one the module starts again from us-east-1.
    assert len(world.calls()) == (2 if how == "no region" else 1)


@pytest.mark.parametrize("cluster, region, phase, types", [
    ("demo", "eu-north-1", "running", ["unmanaged", "managed", "managed"]),
    ("legacy-tf", "eu-north-1", "running", ["managed"]),
    ("staging", "us-east-1", "stopped", ["unmanaged", "managed"]),
    ("sandbox", "us-east-1", "empty", []),
    ("fargate-demo", "eu-west-1", "running", ["managed"]),
    ("auto-demo", "eu-west-1", "empty", []),
    ("extended-demo", "eu-west-1", "running", ["managed"]),
])
def test_info_with_details_of_every_seeded_cluster(world, cluster, region, phase, types):
    result, completed = world.module("eks_cluster_info", "name=%s region=%s" % (cluster, region))
    ok(completed)
    (entry,) = result["clusters"]
    assert (entry["name"], entry["region"], entry["status"]) == (cluster, region, "ACTIVE")
    assert entry["arn"] == "arn:aws:eks:%s:111122223333:cluster/%s" % (region, cluster)
    assert entry["connector"] is False
    assert [ng["type"] for ng in entry["nodegroups"]] == types
    sizes = {ng["name"]: (ng["desired_size"], ng["min_size"], ng["max_size"]) for ng in entry["nodegroups"]}
    assert sizes == SEED_SIZES[(cluster, region)]
    assert entry["status_summary"]["phase"] == phase
    # The description, the nodegroups and the Fargate profiles, one eksctl call each.
    assert sorted(call["argv"][1] for call in world.calls()) == ["cluster", "fargateprofile", "nodegroup"]


def test_details_of_a_listing(world):
    result, completed = world.module("eks_cluster_info", "region=eu-north-1 details=true")
    ok(completed)
    assert {c["name"]: c["status_summary"]["phase"] for c in result["clusters"]} == {"demo": "running", "legacy-tf": "running"}
    assert {c["name"]: c["owned"] for c in result["clusters"]} == {"demo": True, "legacy-tf": False}


def test_unknown_cluster_is_empty_for_info_and_an_error_for_scale(world):
    result, completed = world.module("eks_cluster_info", "name=nope region=eu-north-1")
    ok(completed)
    assert result["clusters"] == []
    result, completed = world.module("eks_nodegroup_scale", "cluster=nope region=eu-north-1 state=stopped")
    failed(completed)
    assert "cluster 'nope' was not found in region eu-north-1" in result["msg"]


# ---------------------------------------------------------------- sizes


def test_set_sizes_then_no_op(world):
    result, completed = world.module("eks_nodegroup_scale", "cluster=demo region=eu-north-1 name=ng-1 desired_size=4 max_size=6")
    ok(completed)
    assert result["changed"] is True
    assert world.sizes("demo")["ng-1"] == (4, 2, 6)
    world.reset_calls()
    result, completed = world.module("eks_nodegroup_scale", "cluster=demo region=eu-north-1 name=ng-1 desired_size=4 max_size=6")
    ok(completed)
    assert result["changed"] is False
    assert len(world.calls()) == 1


def test_set_size_of_a_self_managed_nodegroup(world):
    result, completed = world.module("eks_nodegroup_scale", "cluster=demo region=eu-north-1 name=ng-self desired_size=3 wait=true wait_sleep=0.2")
    ok(completed)
    assert result["changed"] is True
    assert world.sizes("demo")["ng-self"] == (3, 1, 4)


def test_check_mode_and_diff_change_nothing(world):
    result, completed = world.module("eks_nodegroup_scale", "cluster=demo region=eu-north-1 state=stopped", "--check", "--diff")
    ok(completed)
    assert result["changed"] is True
    assert result["diff"]["after"]["nodegroups"]["ng-1"] == {"desired_size": 0, "min_size": 0, "max_size": 5}
    assert world.sizes("demo") == SEED_SIZES[("demo", "eu-north-1")]
    assert scale_calls(world) == []


def test_unknown_nodegroup_names_the_existing_ones(world):
    result, completed = world.module("eks_nodegroup_scale", "cluster=demo region=eu-north-1 name=ng-9 desired_size=1")
    failed(completed)
    assert "'ng-9' not found in cluster 'demo'" in result["msg"] and "ng-1, ng-2, ng-self" in result["msg"]
    assert scale_calls(world) == []


def test_underscore_nodegroup_is_listed_but_never_sent_to_scale(world):
    info, completed = world.module("eks_cluster_info", "name=legacy-tf region=eu-north-1")
    ok(completed)
    assert [ng["name"] for ng in info["clusters"][0]["nodegroups"]] == ["tf_workers"]
    world.reset_calls()
    result, completed = world.module("eks_nodegroup_scale", "cluster=legacy-tf region=eu-north-1 name=tf_workers desired_size=3")
    failed(completed)
    assert "name='tf_workers'" in result["msg"] and "letters, digits and '-'" in result["msg"]
    assert "update-nodegroup-config" in result["msg"]
    assert world.calls() == []
    result, completed = world.module("eks_nodegroup_scale", "cluster=legacy-tf region=eu-north-1 state=stopped")
    failed(completed)
    assert "tf_workers" in result["msg"] and scale_calls(world) == []
    assert world.sizes("legacy-tf") == {"tf_workers": (2, 2, 6)}


# ---------------------------------------------------------------- stop and start


def test_stop_second_stop_and_start_from_the_file(world):
    snapshot = os.path.join(world.root, "snapshots.json")
    args = "cluster=demo region=eu-north-1 recording_path=%s" % snapshot
    result, completed = world.module("eks_nodegroup_scale", args + " state=stopped wait=true wait_sleep=0.2")
    ok(completed)
    assert result["changed"] is True
    assert {name: (entry["desired_size"], entry["min_size"], entry["max_size"]) for name, entry in result["recording"]["nodegroups"].items()} == {
        "ng-self": (2, 1, 4), "ng-1": (3, 2, 5), "ng-2": (1, 1, 3)}
    # The savings ledger: each nodegroup's instance type as eksctl prints it, and its node count when stopped.
    assert {name: (entry["instance_type"], entry["nodes"]) for name, entry in result["ledger"].items()} == {
        "ng-self": ("m5.large", 2), "ng-1": ("t3.medium", 3), "ng-2": ("t3.large", 1)}
    assert world.sizes("demo") == DEMO_STOPPED
    world.reset_calls()
    result, completed = world.module("eks_nodegroup_scale", args + " state=stopped")
    ok(completed)
    assert result["changed"] is False and len(world.calls()) == 1
    result, completed = world.module("eks_nodegroup_scale", args + " state=started wait=true wait_sleep=0.2")
    ok(completed)
    assert result["changed"] is True
    assert sorted(result["savings"]["nodegroups"]) == ["ng-1", "ng-2", "ng-self"] and result["savings"]["unknown"] == {}
    assert world.sizes("demo") == SEED_SIZES[("demo", "eu-north-1")]
    assert not os.path.exists(snapshot) or json.load(open(snapshot, encoding="utf-8")).get("clusters", {}).get("eu-north-1/demo") in (None, {})


def test_stop_then_start_with_restore_capacity_in_a_fresh_home(world):
    result, completed = world.module("eks_nodegroup_scale", "cluster=demo region=eu-north-1 state=stopped")
    ok(completed)
    recorded = result["recording"]
    os.remove(os.path.join(world.home, ".ansible", "eks_tools.eksctl", "recordings.json"))
    result, completed = world.module("eks_nodegroup_scale", json.dumps({"cluster": "demo", "region": "eu-north-1", "state": "started",
                                                                        "restore_capacity": recorded}))
    ok(completed)
    assert world.sizes("demo") == SEED_SIZES[("demo", "eu-north-1")]


# ---------------------------------------------------------------- role, playbooks, inventory


def test_stop_and_start_playbooks_restore_exact_sizes(world):
    extra = ["-e", "cluster=demo", "-e", "region=eu-north-1", "-e", "wait=true", "-e", "wait_sleep=0.2"]
    _results, completed = world.playbook("eks_tools.eksctl.stop", *extra)
    ok(completed)
    assert world.sizes("demo") == DEMO_STOPPED
    _results, completed = world.playbook("eks_tools.eksctl.report", *extra)
    ok(completed)
    assert "demo         eu-north-1   stopped  ng-1       managed   ACTIVE                0    0    5" in completed.stdout
    _results, completed = world.playbook("eks_tools.eksctl.start", *extra)
    ok(completed)
    assert world.sizes("demo") == SEED_SIZES[("demo", "eu-north-1")]


def test_inventory_plugin_groups_by_region_and_phase(world):
    path = world.inventory_file("plugin: eks_tools.eksctl.eks_clusters\nregions: [eu-north-1, us-east-1]\n")
    completed = world.run(["ansible-inventory", "-i", path, "--graph"])
    ok(completed)
    graph = completed.stdout
    for group in ("@eks_region_eu_north_1:", "@eks_region_us_east_1:", "@eks_phase_running:", "@eks_phase_stopped:", "@eks_phase_empty:"):
        assert group in graph
    for host in ("demo.eu-north-1", "legacy-tf.eu-north-1", "staging.us-east-1", "sandbox.us-east-1"):
        assert host in graph


def test_fleet_stop_through_the_inventory(world):
    path = world.inventory_file("plugin: eks_tools.eksctl.eks_clusters\nregions: [eu-north-1]\ninclude: [demo]\n")
    _results, completed = world.playbook("eks_tools.eksctl.stop", "-i", path)
    ok(completed)
    assert world.sizes("demo") == DEMO_STOPPED


# ---------------------------------------------------------------- what a nodegroup stop leaves running


def test_fargate_auto_mode_and_extended_support_are_read_through_eksctl(world):
    """The seed's third region: pods on Fargate (``get fargateprofile``), EKS Auto Mode and the upgrade policy (both in
    ``get cluster``'s description); each cluster's details take at most three eksctl calls, the profiles one of them."""
    result, completed = world.module("eks_cluster_info", "name=fargate-demo region=eu-west-1")
    ok(completed)
    (entry,) = result["clusters"]
    assert [(profile["name"], profile["status"], profile["selectors"]) for profile in entry["fargate_profiles"]] == [
        ("fp-batch", "ACTIVE", [{"namespace": "batch", "labels": {"app": "etl", "tier": "night"}}, {"namespace": "reports", "labels": {}}]),
        ("fp-default", "ACTIVE", [{"namespace": "default", "labels": {}}]),
    ]
    assert (entry["auto_mode"]["enabled"], entry["support_type"]) == (False, "STANDARD")
    assert {item["kind"] for item in entry["status_summary"]["still_running"]} == {"fargate_profile"}
    fargate_reads = [call["argv"] for call in world.calls() if call["argv"][:2] == ["get", "fargateprofile"]]
    assert fargate_reads == [["get", "fargateprofile", "--cluster=fargate-demo", "--output=json", "--region=eu-west-1"]]
    assert len(world.calls()) <= 3

    result, completed = world.module("eks_cluster_info", "name=auto-demo region=eu-west-1")
    ok(completed)
    (entry,) = result["clusters"]
    assert entry["auto_mode"]["enabled"] is True and entry["auto_mode"]["node_pools"] == ["general-purpose", "system"]
    assert entry["fargate_profiles"] == [] and entry["nodegroups"] == []
    assert {item["kind"] for item in entry["status_summary"]["still_running"]} == {"auto_mode"}

    result, completed = world.module("eks_cluster_info", "name=extended-demo region=eu-west-1")
    ok(completed)
    (entry,) = result["clusters"]
    assert (entry["version"], entry["support_type"], entry["auto_mode"]["enabled"]) == ("1.29", "EXTENDED", False)
    assert entry["status_summary"]["still_running"] == []


# ---------------------------------------------------------------- what the second reading of eksctl found


def test_connector_cluster_is_reported_and_never_fails_a_listing(world):
    world.add_connector_cluster("edge", "eu-north-1")
    result, completed = world.module("eks_cluster_info", "region=eu-north-1 details=true")
    ok(completed)
    phases = {cluster["name"]: cluster["status_summary"]["phase"] for cluster in result["clusters"]}
    assert phases == {"demo": "running", "legacy-tf": "running", "edge": "unsupported"}
    result, completed = world.module("eks_nodegroup_scale", "cluster=edge region=eu-north-1 state=stopped")
    failed(completed)
    assert "non-EKS cluster" in result["msg"] and "EKS Connector" in result["msg"]


@pytest.mark.parametrize("mode", ["forbidden", "unreachable"])
def test_kubernetes_api_refused(world, mode):
    world.set_kube_api(mode)
    result, completed = world.module("eks_nodegroup_scale", "cluster=demo region=eu-north-1 state=stopped")
    failed(completed)
    assert "failed to list nodes" in result["msg"] and "list nodes" in result["msg"] and "API endpoint" in result["msg"]
    assert scale_calls(world) == []
    # Managed nodegroups named one by one are read without the node list, so they still scale.
    result, completed = world.module("eks_nodegroup_scale", "cluster=demo region=eu-north-1 name=ng-1,ng-2 state=stopped")
    ok(completed)
    assert world.sizes("demo") == {"ng-self": (2, 1, 4), "ng-1": (0, 0, 5), "ng-2": (0, 0, 3)}


def test_rolled_back_stack_is_settled(world):
    world.set_stack_status("demo", "ng-self", "UPDATE_ROLLBACK_COMPLETE")
    info, completed = world.module("eks_cluster_info", "name=demo region=eu-north-1")
    ok(completed)
    assert info["clusters"][0]["status_summary"]["phase"] == "running"
    result, completed = world.module("eks_nodegroup_scale", "cluster=demo region=eu-north-1 name=ng-self desired_size=3 wait=true wait_sleep=0.2")
    ok(completed)
    assert world.sizes("demo")["ng-self"] == (3, 1, 4)
