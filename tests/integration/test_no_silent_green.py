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


def test_a_misspelled_cluster_with_an_inventory_stops_nothing(sim):
    inventory = sim.inventory_file(FLEET)
    _results, completed = sim.playbook("eks_tools.eksctl.stop", "-i", inventory, "-e", "clustr=demo", check=False)
    assert completed.returncode != 0
    assert "clustr (did you mean cluster?)" in one_line(completed.stdout)
    assert not [call for call in sim.calls() if call["argv"][:2] == ["scale", "nodegroup"]]


@pytest.mark.parametrize("playbook", ["stop", "start", "report"])
def test_no_cluster_and_no_inventory_fails_naming_the_variable(sim, playbook):
    _results, completed = sim.playbook("eks_tools.eksctl." + playbook, "-e", "region=eu-north-1", check=False)
    assert completed.returncode != 0
    assert "region goes with cluster: give -e cluster=NAME too" in one_line(completed.stdout)
    _results, completed = sim.playbook("eks_tools.eksctl." + playbook, check=False)
    assert completed.returncode != 0
    assert "no cluster given and no inventory was read" in one_line(completed.stdout)
    assert sim.calls() == []


@pytest.mark.parametrize("playbook", ["stop", "start", "report"])
def test_an_empty_cluster_fails_naming_the_variable(sim, playbook):
    _results, completed = sim.playbook("eks_tools.eksctl." + playbook, "-e", "cluster=", "-e", "region=eu-north-1", check=False)
    assert completed.returncode != 0
    assert "The variable cluster is empty" in one_line(completed.stdout)
    assert sim.calls() == []


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


def test_a_fleet_start_keeps_a_cluster_with_nothing_recorded_stopped_and_says_so(sim):
    # staging was stopped before the night's stop: the stop records nothing for it.
    assert sim.sizes("staging", "us-east-1") == STAGING_STOPPED
    seeded_demo = sim.sizes("demo")
    fleet(sim, "stop")
    assert set(size[0] for size in sim.sizes("demo").values()) == {0}
    results, completed, _stats = fleet(sim, "start")
    assert sim.sizes("demo") == seeded_demo
    assert sim.sizes("staging", "us-east-1") == STAGING_STOPPED
    assert "kept stopped, nothing recorded: staging.us-east-1" in summary_of(completed)
    staging = [entry["result"] for entry in results if entry["host"] == "staging.us-east-1" and "nodegroups" in entry["result"]]
    assert [ng["action"] for ng in staging[-1]["nodegroups"]] == ["kept_stopped", "kept_stopped"]
    assert all("of cluster 'staging'" in warning for warning in staging[-1]["warnings"])


def test_a_fleet_start_told_to_starts_a_cluster_with_nothing_recorded(sim):
    fleet(sim, "stop")
    _results, completed, _stats = fleet(sim, "start", "-e", "start_unrecorded=true")
    assert sim.sizes("staging", "us-east-1") == {"ng-a": (1, 0, 3), "ng-b": (1, 0, 2)}
    assert "kept stopped" not in summary_of(completed)


def test_a_named_cluster_start_keeps_the_fallback_with_a_warning_naming_the_cluster(sim):
    results, completed = sim.playbook("eks_tools.eksctl.start", "-e", "cluster=staging", "-e", "region=us-east-1",
                                      "-e", "recording_path=" + os.path.join(sim.root, "snapshots.json"))
    assert sim.sizes("staging", "us-east-1") == {"ng-a": (1, 0, 3), "ng-b": (1, 0, 2)}
    warnings = [warning for entry in results for warning in entry["result"].get("warnings", [])]
    assert any("no recorded capacity for nodegroup 'ng-a' of cluster 'staging'" in warning for warning in warnings), warnings
    assert "of cluster 'staging'" in one_line(completed.stdout + completed.stderr)


def test_the_module_option_keeps_unrecorded_nodegroups_stopped(sim):
    result, completed = sim.module("eks_nodegroup_scale", "cluster=staging region=us-east-1 state=started start_unrecorded=false")
    assert not result.get("failed"), completed.stdout
    assert not result["changed"]
    assert sorted((ng["name"], ng["action"]) for ng in result["nodegroups"]) == [("ng-a", "kept_stopped"), ("ng-b", "kept_stopped")]
    assert sim.sizes("staging", "us-east-1") == STAGING_STOPPED
    assert not [call for call in sim.calls() if call["argv"][:2] == ["scale", "nodegroup"]]
    assert json.dumps(result)  # plain data
