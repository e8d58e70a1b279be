# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one check of the playbooks' extra variables: exact names, old names, values as the modules check them, the target."""

from __future__ import annotations

import os
import re

import pytest
import yaml

from ansible_collections.eks_tools.eksctl.plugins.doc_fragments._eksctl import ModuleDocFragment
from ansible_collections.eks_tools.eksctl.plugins.module_utils._errors import InvalidRequest
from ansible_collections.eks_tools.eksctl.plugins.modules import eks_cluster_info, eks_nodegroup_scale
from ansible_collections.eks_tools.eksctl.plugins.plugin_utils import _playbook_input as playbook_input
from ansible_collections.eks_tools.eksctl.plugins.plugin_utils._playbook_input import CONNECTION, SCALE, SETTINGS, Inventory, check, taken

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
FLEET = ["dev-01.eu-north-1", "dev-02.us-east-1"]


def inventory(hosts=(), unreadable=None, read=True):
    return Inventory(hosts=lambda pattern: list(hosts), unreadable=unreadable or {}, sources_read=read)


def refused(playbook, given, inv=None):
    with pytest.raises(InvalidRequest) as caught:
        check(playbook, given, inv or inventory())
    message = caught.value.msg
    assert "\n" not in message
    return message


@pytest.mark.parametrize("name", ["cluster_name", "clustername", "cluster-name", "aws_region", "region_name", "aws_profile", "clustr",
                                  "clusters", "eks_cluster_name", "eks_cluster_region", "cluster_power_nodegroups", "snapshot_path"])
@pytest.mark.parametrize("playbook", ["stop", "start", "report"])
def test_a_name_the_playbook_does_not_take_fails_by_exact_name(playbook, name):
    message = refused(playbook, {name: "demo"}, inventory(FLEET))
    assert message.startswith("The %s playbook does not take the extra variable(s) %s" % (playbook, name)), message
    assert "changed nothing" in message


def test_a_close_name_is_a_hint_only():
    assert "cluster_name (did you mean cluster?)" in refused("stop", {"cluster_name": "demo"})
    assert "aws_profile (did you mean profile?)" in refused("stop", {"aws_profile": "dev"})
    assert "did you mean" not in refused("stop", {"zzz": 1})


@pytest.mark.parametrize("name", ["awx_job_id", "tower_job_id", "awx_workflow_job_name", "tower_parent_job_schedule_name",
                                  "ansible_python_interpreter", "eks_fleet", "notify_webhook_url", "notify_title"])
def test_awx_s_own_variables_and_the_workflow_s_are_allowed(name):
    checked = check("stop", {name: "x"}, inventory(FLEET))
    assert checked["target"] == "fleet" and checked["variables"] == {}


@pytest.mark.parametrize("playbook, old, new, value, expected", [
    ("stop", "eks_hosts", "hosts_pattern", "eks_region_eu_north_1", "eks_region_eu_north_1"),
    ("start", "eks_snapshot_path", "recording_path", "/tmp/r.json", "/tmp/r.json"),
    ("report", "snapshot_max_age", "recording_max_age", "24", 24.0),
    ("start", "cluster_power_start_unrecorded", "start_unrecorded", "true", True),
])
def test_old_names_are_aliases(playbook, old, new, value, expected):
    checked = check(playbook, {old: value}, inventory(FLEET))
    assert checked["variables"] == {new: expected}
    assert "the same variable" in refused(playbook, {old: value, new: value}, inventory(FLEET))
    assert "%s and %s are the same variable (%s is its old name)" % (new, old, old) in refused(playbook, {new: value, old: value}, inventory(FLEET))


def test_each_playbook_takes_only_its_own_variables():
    assert "hourly_prices" in refused("stop", {"hourly_prices": {"m5.large": 1}}, inventory(FLEET))
    assert "regions" in refused("start", {"regions": ["eu-north-1"]}, inventory(FLEET))
    assert "recording_max_age" in refused("stop", {"recording_max_age": 1}, inventory(FLEET))
    assert set(taken("report")) >= {"regions", "recording_max_age", "wait"} and "hourly_prices" not in taken("report")


@pytest.mark.parametrize("given, option", [
    ({"profile": ""}, "profile"), ({"profile": "a b"}, "profile"), ({"profile": "-x"}, "profile"),
    ({"wait_timeout": "abc"}, "wait_timeout"), ({"wait_timeout": -1}, "wait_timeout"), ({"wait_timeout": True}, "wait_timeout"),
    ({"command_timeout": 0}, "command_timeout"), ({"command_timeout": "1.5"}, "command_timeout"), ({"parallelism": 101}, "parallelism"),
    ({"wait": "maybe"}, "wait"), ({"allow_empty_fleet": "maybe"}, "allow_empty_fleet"), ({"wait_sleep": 0}, "wait_sleep"),
    ({"nodegroups": "tf_workers"}, "nodegroups"), ({"nodegroups": ["ng 1"]}, "nodegroups"), ({"nodegroups": []}, "nodegroups"),
    ({"cluster": "a;b"}, "cluster"), ({"cluster": ""}, "cluster"), ({"cluster": "demo", "region": "mars"}, "region"),
    ({"recording_path": "  "}, "recording_path"), ({"eksctl_path": ""}, "eksctl_path"),
])
def test_values_are_checked_as_the_modules_check_them(given, option):
    assert option in refused("stop", given, inventory(FLEET if "cluster" not in given else ()))


def test_values_are_converted():
    checked = check("start", {"cluster": "demo", "region": "eu-north-1", "wait": "yes", "wait_timeout": "60", "wait_sleep": "0.5",
                              "nodegroups": "ng-1,ng-2", "hourly_prices": '{"m5.large": 0.096}', "profile": "dev",
                              "command_timeout": 30, "parallelism": "2", "eksctl_path": "/opt/eksctl"}, inventory())
    assert checked["module_defaults"] == {
        CONNECTION: {"profile": "dev", "command_timeout": 30, "parallelism": 2, "eksctl_path": "/opt/eksctl"},
        SCALE: {"start_unrecorded": True, "wait": True, "wait_timeout": 60, "wait_sleep": 0.5, "name": ["ng-1", "ng-2"],
                "hourly_prices": {"m5.large": 0.096}}}
    assert (checked["target"], checked["hosts"], checked["cluster"], checked["region"], checked["state"]) == \
        ("cluster", "localhost", "demo", "eu-north-1", "started")


def test_a_fleet_keeps_unrecorded_nodegroups_stopped_unless_told():
    assert check("start", {}, inventory(FLEET))["module_defaults"][SCALE] == {"start_unrecorded": False}
    assert check("report", {}, inventory(FLEET))["module_defaults"][SCALE] == {"start_unrecorded": False}
    assert check("start", {"start_unrecorded": "true"}, inventory(FLEET))["module_defaults"][SCALE] == {"start_unrecorded": True}
    assert check("start", {"cluster": "demo"}, inventory())["module_defaults"][SCALE] == {"start_unrecorded": True}


@pytest.mark.parametrize("given", [{"cluster": "demo"}, {"region": "us-east-1"}, {"cluster": "demo", "region": "us-east-1"}])
def test_cluster_or_region_with_inventory_hosts_is_refused(given):
    message = refused("stop", given, inventory(FLEET))
    assert len(message) <= 160 and ("with inventory hosts" in message or "region goes with cluster" in message)


def test_cluster_with_a_pattern_or_regions_is_refused():
    assert "hosts_pattern" in refused("stop", {"cluster": "demo", "hosts_pattern": "demo.eu-north-1"})
    assert "regions" in refused("report", {"cluster": "demo", "regions": ["eu-north-1"]})
    assert "nodegroups" in refused("report", {"regions": ["eu-north-1"], "nodegroups": ["ng-1"]})


def test_targets():
    assert check("stop", {}, inventory(FLEET))["hosts"] == "eks_clusters"
    assert check("stop", {"hosts_pattern": "eks_region_eu_north_1"}, inventory(FLEET))["hosts"] == "eks_region_eu_north_1"
    regions = check("report", {"regions": "eu-north-1"}, inventory())
    assert (regions["target"], regions["hosts"], regions["regions"]) == ("regions", "localhost", ["eu-north-1"])


def test_an_unreadable_source_fails_whatever_else_was_read():
    unreadable = {"/srv/b.eks_clusters.yml": "Cannot read cluster dev-03 in us-east-1: AccessDeniedException: User is not authorized"}
    for given in ({}, {"allow_empty_fleet": True}, {"hosts_pattern": "eks_region_eu_north_1"}):
        message = refused("stop", given, inventory(FLEET, unreadable=unreadable))
        assert message.startswith("1 inventory source(s) could not be read, so the stop playbook changed nothing: /srv/b.eks_clusters.yml: Cannot")


def test_allow_empty_fleet_allows_only_an_inventory_that_was_read():
    assert "No host matched the hosts pattern eks_clusters" in refused("stop", {}, inventory())
    assert check("stop", {"allow_empty_fleet": "true"}, inventory())["hosts"] == "eks_clusters"
    assert "no inventory was read" in refused("stop", {"allow_empty_fleet": "true"}, inventory(read=False))
    assert "no inventory was read" in refused("report", {}, inventory(read=False))


def _doc_options(module) -> set:
    return set(yaml.safe_load(module.DOCUMENTATION)["options"])


def test_every_setting_a_module_takes_is_one_of_its_options():
    shared = set(yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"])
    for setting in SETTINGS:
        option = setting.option or setting.name
        if setting.where == CONNECTION:
            assert option in shared, setting
        elif setting.where == SCALE:
            assert option in _doc_options(eks_nodegroup_scale) | shared, setting
    assert _doc_options(eks_cluster_info)  # the connection options reach it through the action group


@pytest.mark.parametrize("playbook", ["stop", "start", "report"])
def test_each_playbook_s_header_lists_exactly_what_it_takes(playbook):
    with open(os.path.join(ROOT, "playbooks", playbook + ".yml"), encoding="utf-8") as handle:
        header = [line for line in handle.read().splitlines() if line.startswith("#")]
    listed = [match.group(1) for line in header for match in [re.match(r"^#   ([a-z_]+) {2,}\S", line)] if match]
    assert listed == taken(playbook)
    for setting in SETTINGS:
        if playbook in setting.playbooks:
            for alias in setting.aliases:
                assert any(alias in line for line in header), alias


def readme_table() -> str:
    """The README's table of the playbooks' variables, as SETTINGS gives it (paste it into the README when this changes)."""
    rows = ["| Variable | stop | start | report | What it does |", "|---|---|---|---|---|"]
    for setting in SETTINGS:
        marks = ["yes" if playbook in setting.playbooks else "" for playbook in playbook_input.PLAYBOOKS]
        description = setting.description
        if setting.option:
            description += " eks_nodegroup_scale calls it %s." % setting.option
        if setting.aliases:
            description += " Old name: %s." % ", ".join(setting.aliases)
        rows.append("| `%s` | %s | %s |" % (setting.name, " | ".join(marks), description.replace("|", "\\|")))
    return "\n".join(rows) + "\n"


def test_the_readme_s_table_of_the_playbooks_variables_is_settings():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as handle:
        readme = handle.read()
    start = readme.index("| Variable | stop | start | report |")
    shown = readme[start:readme.index("\n\n", start) + 1]
    assert shown == readme_table(), "the README's table differs from SETTINGS; it should read:\n" + readme_table()


def test_the_states():
    assert playbook_input.STATES == {"stop": "stopped", "start": "started", "report": "status"}
    assert "playbook must be one of" in refused("restart", {})


def test_a_setting_with_choices_is_one_line_of_the_table(monkeypatch):
    """How the modules' coming settings join the playbooks: one Setting each (here a stand-in with choices)."""
    setting = playbook_input.Setting("autoscalers", playbook_input.ALL, playbook_input.one_of("ignore", "pause"), "What to do.", SCALE)
    monkeypatch.setattr(playbook_input, "SETTINGS", SETTINGS + (setting,))
    monkeypatch.setattr(playbook_input, "BY_NAME", dict(playbook_input.BY_NAME, autoscalers=setting))
    defaults = check("stop", {"autoscalers": "pause"}, inventory(FLEET))["module_defaults"][SCALE]
    assert defaults == {"start_unrecorded": False, "autoscalers": "pause"}
    assert "autoscalers must be one of ignore, pause, got 'stop'" in refused("stop", {"autoscalers": "stop"}, inventory(FLEET))
