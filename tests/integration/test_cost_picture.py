# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a stop leaves running: eks_cluster_info's Fargate, Auto Mode and support reads, and the preflight of check mode."""

from __future__ import annotations

import pytest

from conftest import OVERLAP_LATENCY


def kinds(cluster):
    return [(entry["kind"], entry["name"]) for entry in cluster["status_summary"]["still_running"]]


@pytest.mark.parametrize("cluster, still_running, support_type, auto_mode, profiles", [
    ("fargate-demo", [("fargate_profile", "fp-batch"), ("fargate_profile", "fp-default")], "STANDARD", False, ["fp-batch", "fp-default"]),
    ("auto-demo", [("auto_mode", "general-purpose, system")], "STANDARD", True, []),
    ("extended-demo", [], "EXTENDED", False, []),
    ("demo", [], "STANDARD", False, []),
])
def test_info_reports_what_a_stop_leaves_running_with_three_reads_side_by_side(
        sim, cluster, still_running, support_type, auto_mode, profiles):
    region = "eu-north-1" if cluster == "demo" else "eu-west-1"
    sim.settings(latency=OVERLAP_LATENCY)
    result, completed = sim.module("eks_cluster_info", "name=%s region=%s" % (cluster, region))
    assert completed.returncode == 0, completed.stdout
    (entry,) = result["clusters"]
    assert kinds(entry) == still_running
    assert entry["support_type"] == support_type
    assert entry["auto_mode"]["enabled"] is auto_mode
    assert [profile["name"] for profile in entry["fargate_profiles"]] == profiles
    calls = sim.calls()
    assert sorted(call["argv"][1] for call in calls) == ["cluster", "fargateprofile", "nodegroup"]
    assert max(call["start"] for call in calls) < min(call["end"] for call in calls)
    assert not result.get("warnings")


def test_fargate_selectors_are_reported_whole(sim):
    result, _completed = sim.module("eks_cluster_info", "name=fargate-demo region=eu-west-1")
    batch = next(profile for profile in result["clusters"][0]["fargate_profiles"] if profile["name"] == "fp-batch")
    assert batch["selectors"] == [{"namespace": "batch", "labels": {"app": "etl", "tier": "night"}}, {"namespace": "reports", "labels": {}}]


def test_check_mode_stop_lists_each_problem_with_its_fix_and_writes_nothing(sim):
    sim.settings(latency=0.0)
    before = sim.sizes("fargate-demo", "eu-west-1")
    result, completed = sim.module("eks_nodegroup_scale", "cluster=fargate-demo region=eu-west-1 state=stopped", "--check")
    assert completed.returncode == 0, completed.stdout
    assert [(check["check"], check["subject"]) for check in result["preflight"]] == [
        ("still_running", "fargate_profile fp-batch"), ("still_running", "fargate_profile fp-default")]
    assert all(check["fix"] for check in result["preflight"])
    assert sim.sizes("fargate-demo", "eu-west-1") == before
    assert not [call for call in sim.calls() if call["argv"][0] == "scale"]


def test_check_mode_start_names_unrecorded_nodegroups(sim):
    result, _completed = sim.module("eks_nodegroup_scale", "cluster=staging region=us-east-1 state=started recording_path=%s/none.json"
                                    % sim.root, "--check")
    assert {check["check"] for check in result["preflight"]} == {"unrecorded"}
    assert sorted(check["subject"] for check in result["preflight"]) == sorted(ng["name"] for ng in result["nodegroups"])
