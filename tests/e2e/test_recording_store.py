# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The recording that outlives every controller: kept in SSM Parameter Store (moto's, on the emulated AWS the real eksctl
talks to), a stop in one HOME and a start in another with no fact cache and no shared file restore every size exactly;
also after the stop was killed with SIGKILL part way, and after a fact cache expired between the two jobs."""

from __future__ import annotations

import json
import os

PREFIX = "/eks_tools/recordings"
SEED_DEMO = {"ng-self": (2, 1, 4), "ng-1": (3, 2, 5), "ng-2": (1, 1, 3)}


def home(real, name):
    path = os.path.join(real.root, name)
    os.makedirs(path, exist_ok=True)
    return {"HOME": path}


def scale(real, state, home_env, *extra, env=None):
    args = "cluster=demo region=eu-north-1 state=%s recording_ssm_prefix=%s %s" % (state, PREFIX, " ".join(extra))
    return real.module("eks_nodegroup_scale", args, env=dict(home_env, **(env or {})))


def parameter(real):
    answer = real.aws.client("ssm", "eu-north-1").get_parameter(Name=PREFIX + "/eu-north-1/demo")["Parameter"]
    return json.loads(answer["Value"]), answer["Version"]


def test_a_stop_and_a_start_in_two_fresh_homes_restore_every_size_from_ssm(real):
    stop, completed = scale(real, "stopped", home(real, "night"))
    assert completed.returncode == 0, completed.stdout
    assert real.sizes("demo") == {"ng-self": (0, 0, 4), "ng-1": (0, 0, 5), "ng-2": (0, 0, 3)}
    document, _version = parameter(real)
    assert {name: (entry["desired_size"], entry["min_size"], entry["max_size"]) for name, entry in document["nodegroups"].items()} == SEED_DEMO
    start, completed = scale(real, "started", home(real, "morning"))
    assert completed.returncode == 0, completed.stdout
    assert [ng["action"] for ng in start["nodegroups"]] == ["restored", "restored", "restored"]
    assert real.sizes("demo") == SEED_DEMO
    assert parameter(real)[0]["nodegroups"] == {}  # spent: what remains is what a concurrent writer needs to join


def test_a_stop_killed_after_its_first_write_loses_nothing_a_start_elsewhere_needs(real):
    _result, completed = scale(real, "stopped", home(real, "killed"), "parallelism=1", env={"EKSCTL_KILL_AFTER": "ng-self"})
    assert completed.returncode != 0
    assert real.sizes("demo")["ng-self"] == (0, 0, 4) and real.sizes("demo")["ng-1"] == (3, 2, 5)
    # The recording was written before the first write: the other nodegroups are recorded although never stopped.
    document, _version = parameter(real)
    assert set(document["nodegroups"]) == set(SEED_DEMO)
    start, completed = scale(real, "started", home(real, "fresh"))
    assert completed.returncode == 0, completed.stdout
    assert real.sizes("demo") == SEED_DEMO
    assert start["restarted_externally"] == {}  # the running ones were never stopped: recorded sizes, found as they are


def test_a_fact_cache_that_expired_between_the_jobs_does_not_matter_and_is_not_written_over(real):
    facts = os.path.join(real.root, "facts")
    cache = {"ANSIBLE_CACHE_PLUGIN": "ansible.builtin.jsonfile", "ANSIBLE_CACHE_PLUGIN_CONNECTION": facts, "ANSIBLE_CACHE_PLUGIN_TIMEOUT": "1"}
    play = [{"name": "Power", "hosts": "localhost", "gather_facts": False, "tasks": [{"name": "Scale", "eks_tools.eksctl.eks_nodegroup_scale": {
        "cluster": "demo", "region": "eu-north-1", "state": "{{ power }}", "recording_ssm_prefix": PREFIX,
        "recordings": "{{ ansible_facts['eks_recordings'] | default({}) }}"}}]}]
    path = os.path.join(real.root, "power.yml")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(play, handle)
    real.playbook(path, "-e", "power=stopped", env=dict(cache, **home(real, "night")))
    import time  # pylint: disable=import-outside-toplevel
    time.sleep(1.5)  # the cache's one-second timeout runs out: the morning job starts with no fact, as after a weekend
    results, _completed = real.playbook(path, "-e", "power=started", env=dict(cache, **home(real, "morning")))
    assert [ng["action"] for ng in results[-1]["result"]["nodegroups"]] == ["restored", "restored", "restored"]
    assert real.sizes("demo") == SEED_DEMO
