# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Exact restore through the cluster_power role and the stop/start playbooks, in the flows that used to lose sizes:
region from the profile, fresh HOMEs with only a fact cache, subset stops and starts, a nodegroup deleted in between,
concurrent stops of different nodegroups, and a corrupt snapshot file."""

from __future__ import annotations

import json
import os
import subprocess

SEED_DEMO = {"ng-self": (2, 1, 4), "ng-1": (3, 2, 5), "ng-2": (1, 1, 3)}
STOPPED_DEMO = {"ng-self": (0, 0, 4), "ng-1": (0, 0, 5), "ng-2": (0, 0, 3)}


class Runs:
    """ansible-playbook runs that share only a jsonfile fact cache; each run gets a fresh HOME and working directory."""

    def __init__(self, sim, *, region_args=("-e", "region=eu-north-1"), env=None):
        self.sim = sim
        self.count = 0
        self.region_args = list(region_args)
        self.env = {"ANSIBLE_CACHE_PLUGIN": "ansible.builtin.jsonfile",
                    "ANSIBLE_CACHE_PLUGIN_CONNECTION": os.path.join(sim.root, "facts")}
        self.env.update(env or {})

    def fresh(self, home=None):
        self.count += 1
        cwd = os.path.join(self.sim.root, "run%02d" % self.count)
        os.makedirs(cwd)
        if home is None:
            home = os.path.join(cwd, "home")
            os.makedirs(home)
        return cwd, home

    def argv(self, action, *extra):
        return ["eks_tools.eksctl.%s" % action, "-e", "cluster=demo"] + self.region_args + list(extra)

    def run(self, action, *extra, home=None, check=True):
        cwd, home = self.fresh(home)
        results, completed = self.sim.playbook(*self.argv(action, *extra), env=dict(self.env, HOME=home), cwd=cwd, check=check)
        return module_results(results), completed


def module_results(results):
    return [entry["result"] for entry in results if "recording" in entry["result"]]


def nodegroups(names):
    return ("-e", json.dumps({"nodegroups": names}))


def test_region_from_the_profile_restores_every_size(sim):
    config = os.path.join(sim.root, "aws-config")
    with open(config, "w", encoding="utf-8") as handle:
        handle.write("[default]\nregion = eu-north-1\n")
    runs = Runs(sim, region_args=(), env={"AWS_CONFIG_FILE": config})
    (stop,), _completed = runs.run("stop")
    assert sim.sizes("demo") == STOPPED_DEMO
    (start,), completed = runs.run("start")
    assert sim.sizes("demo") == SEED_DEMO
    assert [ng["action"] for ng in start["nodegroups"]] == ["restored", "restored", "restored"]
    assert "no recording of" not in completed.stdout + completed.stderr
    assert stop["recording_key"] == "eu-north-1/demo" and start["eks_recordings"] == {}


def test_subset_stop_then_subset_start_then_full_start(sim):
    runs = Runs(sim)
    runs.run("stop", *nodegroups(["ng-1"]))
    assert sim.sizes("demo") == dict(SEED_DEMO, **{"ng-1": (0, 0, 5)})
    runs.run("stop")
    assert sim.sizes("demo") == STOPPED_DEMO
    (start,), _completed = runs.run("start", *nodegroups(["ng-2"]))
    assert sim.sizes("demo") == dict(STOPPED_DEMO, **{"ng-2": (1, 1, 3)})
    (start,), completed = runs.run("start")
    assert sim.sizes("demo") == SEED_DEMO
    assert "no recording of" not in completed.stdout + completed.stderr


def test_nodegroup_deleted_between_stop_and_start(sim):
    runs = Runs(sim)
    runs.run("stop")

    def delete_ng2(state):
        for cluster in state["clusters"]:
            if cluster["name"] == "demo":
                cluster["nodegroups"] = [ng for ng in cluster["nodegroups"] if ng["name"] != "ng-2"]
    sim.update(delete_ng2)
    (start,), completed = runs.run("start")
    assert [ng["action"] for ng in start["nodegroups"]] == ["restored", "restored"]
    assert "ng-2" in completed.stdout + completed.stderr and "no longer exist" in completed.stdout + completed.stderr
    assert sim.sizes("demo") == {"ng-self": (2, 1, 4), "ng-1": (3, 2, 5)}
    # Nothing is left that would block or warn on the next start.
    (again,), completed = runs.run("start")
    assert again["changed"] is False and "no longer exist" not in completed.stdout + completed.stderr


def test_two_concurrent_stops_of_different_nodegroups(sim):
    """Same HOME (one snapshot file), separate fact caches: the file must keep both recordings."""
    home = os.path.join(sim.root, "shared-home")
    os.makedirs(home)
    processes = []
    for index, name in enumerate(("ng-1", "ng-2")):
        cwd = os.path.join(sim.root, "concurrent%d" % index)
        os.makedirs(cwd)
        env = dict(sim.env, HOME=home, ANSIBLE_CACHE_PLUGIN="ansible.builtin.jsonfile",
                   ANSIBLE_CACHE_PLUGIN_CONNECTION=os.path.join(cwd, "facts"))
        env.pop("ANSIBLE_CALLBACKS_ENABLED")
        argv = [os.path.join(os.path.dirname(sim.env["ANSIBLE_PYTHON_INTERPRETER"]), "ansible-playbook"),
                "eks_tools.eksctl.stop", "-e", "cluster=demo", "-e", "region=eu-north-1", *nodegroups([name])]
        processes.append(subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    for process in processes:
        output, _unused = process.communicate(timeout=600)
        assert process.returncode == 0, output
    assert sim.sizes("demo") == dict(SEED_DEMO, **{"ng-1": (0, 0, 5), "ng-2": (0, 0, 3)})
    with open(os.path.join(home, ".ansible", "eks_tools.eksctl", "recordings.json"), encoding="utf-8") as handle:
        recorded = json.load(handle)["clusters"]["eu-north-1/demo"]["nodegroups"]
    sizes = {name: {key: entry[key] for key in ("desired_size", "min_size", "max_size")} for name, entry in recorded.items()}
    assert sizes == {"ng-1": {"desired_size": 3, "min_size": 2, "max_size": 5}, "ng-2": {"desired_size": 1, "min_size": 1, "max_size": 3}}
    # Each stop's ledger entry is kept with the sizes it recorded.
    assert (recorded["ng-1"]["nodes"], recorded["ng-2"]["nodes"]) == (3, 1) and all(entry["stopped_at"] for entry in recorded.values())
    runs = Runs(sim)
    runs.run("stop", home=home)
    runs.run("start", home=home)
    assert sim.sizes("demo") == SEED_DEMO


def test_corrupt_snapshot_file_with_the_recording_in_the_fact(sim):
    home = os.path.join(sim.root, "machine-home")
    os.makedirs(home)
    runs = Runs(sim)
    runs.run("stop", home=home)
    path = os.path.join(home, ".ansible", "eks_tools.eksctl", "recordings.json")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("{corrupt")
    (start,), completed = runs.run("start", home=home)
    assert start["changed"] is True and "failed" not in start
    assert "cannot read the recording file" in completed.stdout + completed.stderr
    assert sim.sizes("demo") == SEED_DEMO
    (again,), completed = runs.run("start", home=home)
    assert again["changed"] is False
