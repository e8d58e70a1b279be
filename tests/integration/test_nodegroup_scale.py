# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""eks_nodegroup_scale through ansible and ansible-playbook against the simulator."""

from __future__ import annotations

import json
import os

import pytest

from conftest import read_calls, scale_calls

SEED_DEMO = {"ng-self": (2, 1, 4), "ng-1": (3, 2, 5), "ng-2": (1, 1, 3)}


@pytest.mark.release_sensitive  # the module_defaults action group of meta/runtime.yml
def test_four_step_present_stopped_started(sim):
    results, _completed = sim.playbook("four_step.yml")
    assert [entry["status"] for entry in results if entry["task"].endswith("assert")] == ["ok", "ok", "ok"]
    assert sim.sizes("demo") == {"ng-self": (2, 1, 4), "ng-1": (4, 2, 6), "ng-2": (1, 1, 3)}


def test_ad_hoc_scale_then_ok_with_one_read(sim):
    args = "cluster=demo region=eu-north-1 name=ng-2 desired_size=2"
    result, _completed = sim.module("eks_nodegroup_scale", args)
    assert result["changed"] is True and sim.sizes("demo")["ng-2"] == (2, 1, 3)
    sim.reset_calls()
    result, _completed = sim.module("eks_nodegroup_scale", args)
    assert result["changed"] is False
    assert [call["argv"] for call in sim.calls()] == [["get", "nodegroup", "--cluster=demo", "--output=json", "--region=eu-north-1"]]


def test_check_mode_changes_nothing_and_diff_shows_sizes(sim):
    result, completed = sim.module("eks_nodegroup_scale", "cluster=demo region=eu-north-1 name=ng-1 max_size=9", "--check", "--diff")
    assert result["changed"] is True
    assert '"max_size": 9' in completed.stdout and '"max_size": 5' in completed.stdout
    assert sim.sizes("demo") == SEED_DEMO
    assert scale_calls(sim.calls()) == []


def test_only_given_sizes_are_sent(sim):
    sim.module("eks_nodegroup_scale", "cluster=demo region=eu-north-1 name=ng-1 min_size=1")
    (call,) = scale_calls(sim.calls())
    assert call["argv"] == ["scale", "nodegroup", "--cluster=demo", "--name=ng-1", "--nodes-min=1", "--region=eu-north-1"]
    assert sim.sizes("demo")["ng-1"] == (3, 1, 5)


def test_conflict_with_current_size_names_option_and_writes_nothing(sim):
    result, completed = sim.module("eks_nodegroup_scale", "cluster=demo region=eu-north-1 name=ng-1 desired_size=1")
    assert completed.returncode != 0
    assert "add min_size" in result["msg"]
    assert scale_calls(sim.calls()) == []


def stop_start_playbook(sim, name, content):
    path = os.path.join(sim.root, name)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(content)
    return path


def fresh_dirs(sim, label):
    cwd = os.path.join(sim.root, label, "cwd")
    home = os.path.join(sim.root, label, "home")
    os.makedirs(cwd)
    os.makedirs(home)
    return cwd, home


@pytest.mark.release_sensitive  # the jsonfile fact cache between runs
def test_stop_start_in_separate_runs_with_jsonfile_fact_cache(sim):
    cache = os.path.join(sim.root, "facts")
    env = {"ANSIBLE_CACHE_PLUGIN": "ansible.builtin.jsonfile", "ANSIBLE_CACHE_PLUGIN_CONNECTION": cache, "ANSIBLE_GATHERING": "explicit"}
    for label, playbook in (("night", "eks_tools.eksctl.stop"), ("morning", "eks_tools.eksctl.start")):
        cwd, home = fresh_dirs(sim, label)
        run_env = dict(env, HOME=home)
        sim.playbook(playbook, "-e", "cluster=demo", "-e", "region=eu-north-1", env=run_env, cwd=cwd)
        if label == "night":
            assert sim.sizes("demo") == {"ng-self": (0, 0, 4), "ng-1": (0, 0, 5), "ng-2": (0, 0, 3)}
            # The fact cache is all that the two runs share (HOME and the working directory differ).
            assert [name for name in os.listdir(cache) if name.endswith("localhost")]
    assert sim.sizes("demo") == SEED_DEMO


def test_stop_start_in_separate_runs_with_restore_capacity(sim):
    cwd, home = fresh_dirs(sim, "night")
    result, _completed = sim.module("eks_nodegroup_scale", "cluster=demo region=eu-north-1 state=stopped", env={"HOME": home})
    snapshot = result["recording"]
    cwd, home = fresh_dirs(sim, "morning")
    playbook = stop_start_playbook(sim, "start.yml", """---
- name: Start with restore_capacity
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Start demo
      eks_tools.eksctl.eks_nodegroup_scale:
        cluster: demo
        region: eu-north-1
        state: started
        restore_capacity: "{{ snapshot }}"
      register: started
    - name: Check
      ansible.builtin.assert:
        that:
          - started is changed
          - started.warnings is not defined
""")
    sim.playbook(playbook, "-e", json.dumps({"snapshot": snapshot}), env={"HOME": home}, cwd=cwd)
    assert sim.sizes("demo") == SEED_DEMO


def test_stop_start_with_on_disk_snapshot_only(sim):
    for state in ("stopped", "started"):
        cwd, _home = fresh_dirs(sim, state)
        sim.run([os.path.join(os.path.dirname(sim.env["ANSIBLE_PYTHON_INTERPRETER"]), "ansible"), "localhost", "-m",
                 "eks_tools.eksctl.eks_nodegroup_scale", "-a", "cluster=demo region=eu-north-1 state=%s" % state], cwd=cwd, check=True)
        sim.results()
    assert sim.sizes("demo") == SEED_DEMO
    assert not os.path.exists(os.path.join(sim.home, ".ansible", "eks_tools.eksctl", "recordings.json"))


def test_start_without_recording_falls_back_with_warning(sim):
    result, completed = sim.module("eks_nodegroup_scale", "cluster=staging region=us-east-1 state=started")
    assert result["changed"] is True
    assert [ng["action"] for ng in result["nodegroups"]] == ["started_with_fallback", "started_with_fallback"]
    assert "no recording of" in completed.stderr + completed.stdout
    assert sim.sizes("staging", "us-east-1") == {"ng-b": (1, 0, 2), "ng-a": (1, 0, 3)}


def test_busy_nodegroup_is_waited_for_instead_of_409(sim):
    sim.settings(updating_reads=2)
    sim.module("eks_nodegroup_scale", "cluster=demo region=eu-north-1 name=ng-1 desired_size=4")
    result, completed = sim.module("eks_nodegroup_scale", "cluster=demo region=eu-north-1 name=ng-1 desired_size=5 wait_sleep=0.1")
    assert completed.returncode == 0, result
    assert sim.sizes("demo")["ng-1"] == (5, 2, 5)
    assert len(read_calls(sim.calls())) >= 3


@pytest.mark.release_sensitive  # a failed task's facts in the cache
def test_failed_stop_still_carries_the_recording_through_the_fact_cache(sim):
    cache = os.path.join(sim.root, "facts")
    env = {"ANSIBLE_CACHE_PLUGIN": "ansible.builtin.jsonfile", "ANSIBLE_CACHE_PLUGIN_CONNECTION": cache}
    sim.fault("fail", command="scale nodegroup", match="--name=ng-1")
    cwd, home = fresh_dirs(sim, "night")
    _results, completed = sim.playbook("eks_tools.eksctl.stop", "-e", "cluster=demo", "-e", "region=eu-north-1",
                                       env=dict(env, HOME=home), cwd=cwd, check=False)
    assert completed.returncode != 0
    assert sim.sizes("demo") == {"ng-self": (0, 0, 4), "ng-1": (3, 2, 5), "ng-2": (0, 0, 3)}
    # A fresh machine (another HOME, so no on-disk snapshot): a retried stop, then the start.
    for label, playbook in (("retry", "eks_tools.eksctl.stop"), ("morning", "eks_tools.eksctl.start")):
        cwd, home = fresh_dirs(sim, label)
        sim.playbook(playbook, "-e", "cluster=demo", "-e", "region=eu-north-1", env=dict(env, HOME=home), cwd=cwd)
    assert sim.sizes("demo") == SEED_DEMO
