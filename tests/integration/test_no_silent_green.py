# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Nothing passes in silence: a misspelled or missing cluster for the playbooks, an unknown key in the inventory file, and a
fleet start that would power up a cluster that was already stopped before the night's stop."""

from __future__ import annotations

import json
import os

import pytest

FLEET = "plugin: eks_tools.eksctl.eks_clusters\nregions: [eu-north-1, us-east-1]\nexclude: ['legacy-*']\n"
STAGING_STOPPED = {"ng-a": (0, 0, 3), "ng-b": (0, 0, 2)}


def one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("playbook", ["stop", "start", "report"])
@pytest.mark.parametrize("variable, hint", [
    ("clustr", "clustr (did you mean cluster?)"), ("clusters", "clusters (did you mean cluster?)"),
    ("cluster_name", "cluster_name (did you mean cluster?)"),
])
def test_a_misspelled_cluster_fails_naming_the_variable(sim, playbook, variable, hint):
    _results, completed = sim.playbook("eks_tools.eksctl." + playbook, "-e", "%s=demo" % variable, "-e", "region=eu-north-1", check=False)
    assert completed.returncode != 0
    assert hint in one_line(completed.stdout)
    assert sim.calls() == []


@pytest.mark.release_sensitive  # extra variables checked by the playbooks
def test_a_misspelled_cluster_with_an_inventory_stops_nothing(sim):
    inventory = sim.inventory_file(FLEET)
    _results, completed = sim.playbook("eks_tools.eksctl.stop", "-i", inventory, "-e", "clustr=demo", check=False)
    assert completed.returncode != 0
    assert "clustr (did you mean cluster?)" in one_line(completed.stdout)
    assert not [call for call in sim.calls() if call["argv"][:2] == ["scale", "nodegroup"]]


@pytest.mark.release_sensitive  # undefined variables in the playbooks' checks
@pytest.mark.parametrize("playbook", ["stop", "start", "report"])
def test_no_cluster_and_no_inventory_fails_naming_the_variable(sim, playbook):
    _results, completed = sim.playbook("eks_tools.eksctl." + playbook, "-e", "region=eu-north-1", check=False)
    assert completed.returncode != 0
    assert "region goes with cluster: give -e cluster=NAME too" in one_line(completed.stdout)
    _results, completed = sim.playbook("eks_tools.eksctl." + playbook, check=False)
    assert completed.returncode != 0
    assert "no cluster given and no inventory was read" in one_line(completed.stdout)
    assert sim.calls() == []


@pytest.mark.release_sensitive  # extra variables checked by the playbooks
@pytest.mark.parametrize("playbook", ["stop", "start", "report"])
def test_an_empty_cluster_fails_naming_the_variable(sim, playbook):
    _results, completed = sim.playbook("eks_tools.eksctl." + playbook, "-e", "cluster=", "-e", "region=eu-north-1", check=False)
    assert completed.returncode != 0
    assert "The variable cluster is empty" in one_line(completed.stdout)
    assert sim.calls() == []


@pytest.mark.release_sensitive  # inventory options as the release validates them
@pytest.mark.parametrize("text, hint", [
    ("plugin: eks_tools.eksctl.eks_clusters\nregion: [eu-north-1]\n", "region (did you mean regions?)"),
    ("plugin: eks_tools.eksctl.eks_clusters\nregions: [eu-north-1]\nincludes: ['dev-*']\n", "includes (did you mean include?)"),
    ("plugin: eks_tools.eksctl.eks_clusters\nregions: [eu-north-1]\nnot_an_option: 1\n", "not_an_option"),
])
def test_an_unknown_key_in_the_inventory_file_fails(sim, text, hint):
    inventory = sim.inventory_file(text)
    completed = sim.run([os.path.join(os.path.dirname(sim.env["ANSIBLE_PYTHON_INTERPRETER"]), "ansible-inventory"), "-i", inventory, "--list"],
                        env={"ANSIBLE_INVENTORY_UNPARSED_FAILED": "true"})
    assert completed.returncode != 0
    assert "Unknown key(s) " in one_line(completed.stderr) and hint in one_line(completed.stderr), completed.stderr
    assert sim.calls() == []


def fleet(sim, action, *extra):
    inventory = sim.inventory_file(FLEET)
    snapshot = ["-e", "recording_path=" + os.path.join(sim.root, "snapshots.json")]
    results, completed = sim.playbook("eks_tools.eksctl." + action, "-i", inventory, *snapshot, *extra)
    stats = [entry["result"] for entry in results if "eks_fleet" in entry["result"].get("ansible_stats", {}).get("data", {})]
    return results, completed, stats


def summary_of(completed):
    found = [line for line in completed.stdout.splitlines() if line.startswith("fleet ") and "cluster(s):" in line]
    assert found, completed.stdout
    return one_line(found[-1])


def test_a_cluster_the_stop_found_already_stopped_is_recorded_so_and_stays_stopped_quietly(sim):
    # staging was stopped before the night's stop: the stop records it as already stopped, with the time.
    assert sim.sizes("staging", "us-east-1") == STAGING_STOPPED
    seeded_demo = sim.sizes("demo")
    results, completed, _stats = fleet(sim, "stop")
    staging = [entry["result"] for entry in results if entry["host"] == "staging.us-east-1" and "recording" in entry["result"]]
    assert staging[-1]["recording"]["already_stopped"] is True and staging[-1]["recording"]["recorded_at"]
    results, completed, _stats = fleet(sim, "start")
    assert completed.returncode == 0, completed.stdout
    assert sim.sizes("demo") == seeded_demo and sim.sizes("staging", "us-east-1") == STAGING_STOPPED
    staging = [entry["result"] for entry in results if entry["host"] == "staging.us-east-1" and "nodegroups" in entry["result"]]
    assert [ng["action"] for ng in staging[-1]["nodegroups"]] == ["unchanged", "unchanged"] and not staging[-1].get("warnings")
    assert "kept stopped" not in summary_of(completed) and "failed: " not in summary_of(completed)


def test_a_fleet_start_that_finds_no_recording_keeps_the_cluster_stopped_names_it_and_fails_then_restores_once_it_is_back(sim):
    """A recording lost between the night and the morning (here: the start looks in another file, with no fact cache)."""
    seeded_demo = sim.sizes("demo")
    fleet(sim, "stop")
    inventory = sim.inventory_file(FLEET)
    elsewhere = ["-e", "recording_path=" + os.path.join(sim.root, "elsewhere.json")]
    _results, completed = sim.playbook("eks_tools.eksctl.start", "-i", inventory, *elsewhere, check=False)
    assert completed.returncode != 0, completed.stdout
    assert set(size[0] for size in sim.sizes("demo").values()) == {0}
    assert "demo.eu-north-1" in summary_of(completed) and "no recording of nodegroup(s)" in completed.stdout
    assert not os.path.exists(os.path.join(sim.root, "elsewhere.json"))  # nothing written over anything
    # The recording is visible again: the next start restores every size exactly.
    _results, completed, _stats = fleet(sim, "start")
    assert completed.returncode == 0, completed.stdout
    assert sim.sizes("demo") == seeded_demo


def test_a_fleet_start_told_to_starts_a_cluster_with_no_recording(sim):
    fleet(sim, "stop")
    inventory = sim.inventory_file(FLEET)
    _results, completed = sim.playbook("eks_tools.eksctl.start", "-i", inventory, "-e", "cluster_power_start_unrecorded=true",
                                       "-e", "recording_path=" + os.path.join(sim.root, "elsewhere.json"))
    assert all(size[0] >= 1 for size in sim.sizes("demo").values())
    assert "kept stopped" not in summary_of(completed)


def test_a_named_cluster_start_keeps_the_fallback_with_a_warning_naming_the_cluster(sim):
    results, completed = sim.playbook("eks_tools.eksctl.start", "-e", "cluster=staging", "-e", "region=us-east-1",
                                      "-e", "recording_path=" + os.path.join(sim.root, "snapshots.json"))
    assert sim.sizes("staging", "us-east-1") == {"ng-a": (1, 0, 3), "ng-b": (1, 0, 2)}
    warnings = [warning for entry in results for warning in entry["result"].get("warnings", [])]
    assert any("no recording of nodegroup 'ng-a' of cluster 'staging'" in warning for warning in warnings), warnings
    assert "of cluster 'staging'" in one_line(completed.stdout + completed.stderr)


def test_the_module_option_keeps_unrecorded_nodegroups_stopped_and_fails_naming_them(sim):
    result, completed = sim.module("eks_nodegroup_scale", "cluster=staging region=us-east-1 state=started start_unrecorded=false")
    assert completed.returncode != 0
    assert result["msg"].startswith("cluster 'staging': no recording of nodegroup(s) ng-b, ng-a anywhere, so they were kept stopped")
    assert not result["changed"]
    assert sorted((ng["name"], ng["action"]) for ng in result["nodegroups"]) == [("ng-a", "kept_stopped"), ("ng-b", "kept_stopped")]
    assert sim.sizes("staging", "us-east-1") == STAGING_STOPPED
    assert not [call for call in sim.calls() if call["argv"][:2] == ["scale", "nodegroup"]]
    assert json.dumps(result)  # plain data
