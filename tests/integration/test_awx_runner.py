# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""AWX-style acceptance with ansible-runner, the engine AWX jobs run on.

Each job gets its own private data dir, credentials are injected the way AWX's Amazon Web Services
credential does (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SECURITY_TOKEN; no region), the region
comes from extravars, and the night and morning jobs share nothing but a jsonfile fact cache: as AWX
does with fact caching on, the facts the night job left in its runner fact cache
(``artifacts/<job>/fact_cache``) are laid into the morning job's before it runs.
"""

from __future__ import annotations

import json
import os
import shutil

import ansible_runner
import pytest
import yaml

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "AKIARUNNERTEST000001", "AWS_SECRET_ACCESS_KEY": "rUnNeRsEcReT/abcdefEXAMPLE",
               "AWS_SECURITY_TOKEN": "FwoGZXIvYXdzERUNNERSESSIONTOKEN"}
SEED_DEMO = {"ng-self": (2, 1, 4), "ng-1": (3, 2, 5), "ng-2": (1, 1, 3)}
PROJECT = {
    "night.yml": "---\n- name: Night stop\n  ansible.builtin.import_playbook: eks_tools.eksctl.stop\n",
    "morning.yml": "---\n- name: Morning start\n  ansible.builtin.import_playbook: eks_tools.eksctl.start\n",
}

pytestmark = pytest.mark.release_sensitive  # ansible-runner's events, artifacts and fact cache, as AWX reads them


def write(path, content):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(content)


# What AWX adds to every job's extra variables (its own, which the playbooks allow by their prefixes).
AWX_VARIABLES = {"awx_job_id": 42, "tower_job_id": 42, "awx_job_launch_type": "scheduled", "tower_job_launch_type": "scheduled",
                 "awx_user_name": "admin", "awx_inventory_id": 3, "awx_inventory_name": "dev", "awx_workflow_job_id": 7,
                 "awx_parent_job_schedule_name": "nightly", "awx_project_revision": "0123abc"}


def job(sim, name, playbook, facts_from=None, cmdline=None, project=None, extravars=None, inventory=None):
    """One AWX job: a fresh private data dir with env/, inventory/ and project/. Returns (runner, events, fact cache dir).
    Fails when a task result carries a deprecation warning."""
    data = os.path.join(sim.root, "jobs", name)
    fact_cache = os.path.join(data, "artifacts", name, "fact_cache")
    if facts_from:
        shutil.copytree(facts_from, fact_cache)
    home = os.path.join(data, "home")
    os.makedirs(home)
    envvars = dict(CREDENTIALS)
    envvars.update({
        "HOME": home,
        "PATH": sim.env["PATH"],
        "EKSCTL_SIM_STATE": sim.state_path,
        "ANSIBLE_COLLECTIONS_PATH": sim.env["ANSIBLE_COLLECTIONS_PATH"],
        "ANSIBLE_LOCALHOST_WARNING": "false",
    })
    write(os.path.join(data, "env", "envvars"), yaml.safe_dump(envvars))
    given = {"region": "eu-north-1", "cluster": "demo"} if extravars is None else extravars
    write(os.path.join(data, "env", "extravars"), yaml.safe_dump(dict(AWX_VARIABLES, **given)))
    write(os.path.join(data, "inventory", "hosts"),
          "localhost ansible_connection=local ansible_python_interpreter=%s\n" % sim.env["ANSIBLE_PYTHON_INTERPRETER"])
    for file_name, content in (inventory or {}).items():
        write(os.path.join(data, "inventory", file_name), content)
    for file_name, content in (project or PROJECT).items():
        write(os.path.join(data, "project", file_name), content)
    runner = ansible_runner.run(private_data_dir=data, ident=name, playbook=playbook, cmdline=cmdline, quiet=True)
    events = list(runner.events)
    assert_no_deprecations(events)
    return runner, events, fact_cache


def assert_no_deprecations(events):
    deprecated = ["%s: %s" % (event["event_data"].get("task"), entry.get("msg", entry) if isinstance(entry, dict) else entry)
                  for event in events if event["event"].startswith("runner_")
                  for entry in (event.get("event_data", {}).get("res") or {}).get("deprecations") or []]
    assert not deprecated, "task results carry deprecation warnings:\n" + "\n".join(deprecated)


@pytest.fixture(name="clean_env")
def clean_env_fixture(monkeypatch):
    for name in list(os.environ):
        if name.startswith("AWS_") or name.startswith("EKSCTL_SIM"):
            monkeypatch.delenv(name)


def task_outcomes(events):
    outcomes = {}
    for event in events:
        if event["event"] in ("runner_on_ok", "runner_on_failed", "runner_on_skipped"):
            data = event["event_data"]
            status = {"runner_on_ok": "changed" if data.get("res", {}).get("changed") else "ok",
                      "runner_on_failed": "failed", "runner_on_skipped": "skipped"}[event["event"]]
            outcomes[data["task"]] = status
    return outcomes


def test_night_stop_and_morning_start_share_only_the_fact_cache(sim, clean_env):
    night, events, night_facts = job(sim, "night", "night.yml")
    assert night.status == "successful", night.stdout.read()
    assert task_outcomes(events)["Stop the nodegroups"] == "changed"
    assert sim.sizes("demo") == {"ng-self": (0, 0, 4), "ng-1": (0, 0, 5), "ng-2": (0, 0, 3)}
    assert os.listdir(night_facts)

    morning, events, _facts = job(sim, "morning", "morning.yml", facts_from=night_facts)
    assert morning.status == "successful", morning.stdout.read()
    outcomes = task_outcomes(events)
    assert outcomes["Start the nodegroups with their recorded sizes"] == "changed"
    assert sim.sizes("demo") == SEED_DEMO
    start = [e for e in events if e["event"] == "runner_on_ok" and e["event_data"]["task"].startswith("Start the nodegroups")][0]
    assert start["event_data"]["res"].get("warnings") in (None, [])
    assert [ng["action"] for ng in start["event_data"]["res"]["nodegroups"]] == ["restored", "restored", "restored"]
    # The stop times came through the fact cache too: the start reports what the night saved, and AWX's artifacts carry the total.
    savings = start["event_data"]["res"]["savings"]
    assert sorted(savings["nodegroups"]) == ["ng-1", "ng-2", "ng-self"] and savings["unknown"] == {}
    artifacts = [e for e in events if e["event"] == "playbook_on_stats"][0]["event_data"]["artifact_data"]
    assert artifacts["eks_fleet"]["node_hours_avoided"] == savings["total"]["node_hours_avoided"]

    # The AWX credential's session token reached eksctl as AWS_SESSION_TOKEN; no secret in any event.
    assert all("AWS_SESSION_TOKEN" in call["env"] for call in sim.calls())
    dumped = json.dumps(events)
    for secret in (CREDENTIALS["AWS_SECRET_ACCESS_KEY"], CREDENTIALS["AWS_SECURITY_TOKEN"]):
        assert secret not in dumped


def test_check_mode_job_with_diff_reports_changed_and_writes_nothing(sim, clean_env):
    runner, events, _facts = job(sim, "check", "night.yml", cmdline="--check --diff")
    assert runner.status == "successful", runner.stdout.read()
    outcomes = task_outcomes(events)
    assert outcomes["Stop the nodegroups"] == "changed"
    assert outcomes["Keep the recording of a failed stop in the cacheable eks_recordings fact"] == "skipped"
    diffs = [e["event_data"]["res"].get("diff") for e in events
             if e["event"] == "runner_on_ok" and e["event_data"]["task"] == "Stop the nodegroups"]
    assert diffs and diffs[0]["after"]["nodegroups"]["ng-1"] == {"desired_size": 0, "min_size": 0, "max_size": 5}
    assert sim.sizes("demo") == SEED_DEMO
    assert [c for c in sim.calls() if c["argv"][0] == "scale"] == []


def test_a_job_whose_task_result_carries_a_deprecation_fails(sim, clean_env, deprecating_library):
    with open(os.path.join(deprecating_library, "recorder_check.py"), encoding="utf-8") as handle:
        module = handle.read()
    project = {"deprecates.yml": "---\n- name: Deprecates\n  hosts: localhost\n  gather_facts: false\n  tasks:\n"
                                 "    - name: Use the old way\n      recorder_check:\n        deprecate: true\n",
               "library/recorder_check.py": module}
    with pytest.raises(AssertionError, match="Use the old way: the old way is going away"):
        job(sim, "deprecates", "deprecates.yml", project=project)


EXPIRED = ("checking AWS STS access \u2013 cannot get role ARN for current session: operation error STS: GetCallerIdentity, "
           "https response error StatusCode: 403, api error ExpiredToken: The security token included in the request is expired")
SOURCES = {"a.eks_clusters.yml": "plugin: eks_tools.eksctl.eks_clusters\nregions: [eu-north-1]\nexclude: ['legacy-*']\n",
           "b.eks_clusters.yml": "plugin: eks_tools.eksctl.eks_clusters\nregions: [us-east-1]\n"}


def failed_messages(events):
    return [event["event_data"]["res"].get("msg", "") for event in events if event["event"] == "runner_on_failed"]


def test_a_job_with_one_unreadable_inventory_source_fails_naming_it(sim, clean_env):
    """The inventory is parsed in ansible-playbook's own process, the check runs in a forked worker: it still knows."""
    sim.fault("fail", command="get cluster", match="--region=us-east-1", count=1, message=EXPIRED)
    runner, events, _facts = job(sim, "night", "night.yml", extravars={}, inventory=SOURCES)
    assert runner.status == "failed"
    (message,) = failed_messages(events)
    assert message.startswith("1 inventory source(s) could not be read, so the stop playbook changed nothing: ")
    # The source by name, then the cause first (the eksctl failure's own wording), as the inventory words it.
    assert "b.eks_clusters.yml: Cannot read the clusters of us-east-1: ExpiredToken" in message, message
    assert not [call for call in sim.calls() if call["argv"][0] == "scale"] and sim.sizes("demo") == SEED_DEMO


def test_a_job_given_a_variable_the_playbook_does_not_take_fails_before_any_call(sim, clean_env):
    runner, events, _facts = job(sim, "night", "night.yml", extravars={"cluster_name": "demo"}, inventory=SOURCES)
    assert runner.status == "failed"
    (message,) = failed_messages(events)
    assert "does not take the extra variable(s) cluster_name (did you mean cluster?)" in message
    assert not [call for call in sim.calls() if call["argv"][0] == "scale"] and sim.sizes("demo") == SEED_DEMO


def test_a_check_mode_fleet_job_hands_awx_a_preview(sim, clean_env):
    runner, events, _facts = job(sim, "check", "night.yml", cmdline="--check", extravars={}, inventory=SOURCES)
    assert runner.status == "successful", runner.stdout.read()
    artifacts = [e for e in events if e["event"] == "playbook_on_stats"][0]["event_data"]["artifact_data"]
    assert (artifacts["eks_fleet"]["preview"], artifacts["eks_fleet"]["stopped"], artifacts["eks_fleet"]["would_stop"]) == (True, 0, 1)
    assert artifacts["eks_fleet"]["lines"][0].startswith("fleet preview 3 cluster(s): 1 would stop, 2 would stay as they are, 0 failed")
    assert sim.sizes("demo") == SEED_DEMO
