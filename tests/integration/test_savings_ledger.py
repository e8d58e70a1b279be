# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The savings ledger through the cluster_power role and the stop/start playbooks: a stop records when it stopped each
nodegroup, its instance type and node count; a start reports the node-hours avoided and, given prices, the estimated saving.

The stop time is set by the test (in the fact cache and the snapshot file, where the stop wrote it) to a known time 9h 30m
before the start; the start's result says the time it computed to (``savings.started_at``), so every figure is checked exactly.
"""

from __future__ import annotations

import datetime
import json
import os
import re

import pytest

# The simulator's demo cluster: nodegroup -> (instance type, desired nodes).
DEMO = {"ng-self": ("m5.large", 2), "ng-1": ("t3.medium", 3), "ng-2": ("t3.large", 1)}
PRICES = {"m5.large": 0.096, "t3.medium": 0.0416, "t3.large": 0.0832}
NIGHT = datetime.timedelta(hours=9, minutes=30)
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def utc(text):
    return datetime.datetime.strptime(text, TIME_FORMAT).replace(tzinfo=datetime.timezone.utc)


class Runs:
    """Playbook runs of the demo cluster that share a jsonfile fact cache; each has its own working directory and, unless
    given one, a fresh HOME (no snapshot file: a fresh AWX container)."""

    def __init__(self, sim):
        self.sim = sim
        self.count = 0
        self.facts = os.path.join(sim.root, "facts")
        self.env = {"ANSIBLE_CACHE_PLUGIN": "ansible.builtin.jsonfile", "ANSIBLE_CACHE_PLUGIN_CONNECTION": self.facts}

    def run(self, action, *extra, home=None):
        self.count += 1
        cwd = os.path.join(self.sim.root, "run%02d" % self.count)
        home = home or os.path.join(cwd, "home")
        os.makedirs(cwd)
        os.makedirs(home, exist_ok=True)
        results, completed = self.sim.playbook("eks_tools.eksctl.%s" % action, "-e", "cluster=demo", "-e", "region=eu-north-1", *extra,
                                               env=dict(self.env, HOME=home), cwd=cwd)
        scale = [entry["result"] for entry in results if "recording" in entry["result"]]
        stats = [entry["result"]["ansible_stats"]["data"]["eks_fleet"] for entry in results if "ansible_stats" in entry["result"]]
        assert len(scale) == 1 and len(stats) == 1, completed.stdout
        return scale[0], stats[0], completed

    def set_stop_time(self, stopped_at, home=None):
        """Every recorded stop time, in the fact cache and in the snapshot file, becomes ``stopped_at``; returns how many."""
        paths = [os.path.join(self.facts, name) for name in os.listdir(self.facts)]
        if home:
            paths.append(os.path.join(home, ".ansible", "eks_tools.eksctl", "recordings.json"))
        changed = 0
        for path in paths:
            with open(path, encoding="utf-8") as handle:
                document = json.load(handle)
            # ansible-core 2.19's jsonfile cache keeps the facts as a JSON string under __payload__.
            payload = json.loads(document["__payload__"]) if "__payload__" in document else None
            changed += _replace_stop_times(document if payload is None else payload, stopped_at)
            if payload is not None:
                document["__payload__"] = json.dumps(payload)
            with open(path, "w", encoding="utf-8") as handle:
                json.dump(document, handle)
        return changed


def _replace_stop_times(node, stopped_at):
    count = 0
    if isinstance(node, dict):
        if "stopped_at" in node:
            node["stopped_at"] = stopped_at
            count += 1
        for value in node.values():
            count += _replace_stop_times(value, stopped_at)
    elif isinstance(node, list):
        for value in node:
            count += _replace_stop_times(value, stopped_at)
    return count


def prices_args(prices):
    return ("-e", json.dumps({"hourly_prices": prices}))


def stop_at_a_known_time(runs, home=None):
    """Stop the demo cluster through the role, check what the stop recorded, and move its stop time to 9h 30m ago."""
    before = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    stop, _stats, _completed = runs.run("stop", home=home)
    after = datetime.datetime.now(datetime.timezone.utc)
    assert {name: (entry["instance_type"], entry["nodes"]) for name, entry in stop["ledger"].items()} == DEMO
    assert all(before <= utc(entry["stopped_at"]) <= after for entry in stop["ledger"].values())
    # The fact carries the ledger beside the sizes, so a start anywhere has it.
    sizes = {"desired_size": 3, "min_size": 2, "max_size": 5}
    assert stop["eks_recordings"]["eu-north-1/demo"]["nodegroups"]["ng-1"] == dict(sizes, **stop["ledger"]["ng-1"])
    stopped_at = (before - NIGHT).strftime(TIME_FORMAT)
    assert runs.set_stop_time(stopped_at, home) >= 3
    return utc(stopped_at)


def expected_savings(start, stopped_at, prices=None):
    """The exact figures for the demo cluster, from the stop time the test set and the start time the start reports."""
    seconds = int((utc(start["savings"]["started_at"]) - stopped_at).total_seconds())
    assert NIGHT.total_seconds() <= seconds <= NIGHT.total_seconds() + 600  # the start ran right after the test set the time
    nodegroups = {}
    for name, (instance_type, nodes) in DEMO.items():
        entry = {"stopped_at": stopped_at.strftime(TIME_FORMAT), "stopped_for": {"seconds": seconds, "human": human(seconds)},
                 "instance_type": instance_type, "nodes": nodes, "node_hours_avoided": round(nodes * seconds / 3600, 2)}
        if prices and instance_type in prices:
            entry.update(hourly_price=prices[instance_type], estimated_saving=round(nodes * seconds * prices[instance_type] / 3600, 2))
        nodegroups[name] = entry
    total = {"nodegroups": 3, "stopped_for": {"seconds": seconds, "human": human(seconds)},
             "node_hours_avoided": round(sum(nodes for _type, nodes in DEMO.values()) * seconds / 3600, 2)}
    report = {"started_at": start["savings"]["started_at"], "nodegroups": nodegroups, "unknown": {}, "total": total}
    if prices:
        unpriced = {name: "instance type %s has no price in hourly_prices" % instance_type
                    for name, (instance_type, _nodes) in DEMO.items() if instance_type not in prices}
        report["unpriced"] = unpriced
        total["estimated_saving"] = round(sum(nodes * seconds * prices[instance_type]
                                              for instance_type, nodes in DEMO.values() if instance_type in prices) / 3600, 2)
    total["partial"] = bool(prices) and bool(report["unpriced"])
    return report


def human(seconds):
    """The human form for the durations these tests see: 9h 30m and up to ten minutes more."""
    hours, minutes = divmod(seconds // 60, 60)
    return "%dh %dm" % (hours, minutes) if minutes else "%dh" % hours


def test_stop_then_start_through_the_role_with_prices_reports_exact_savings(sim):
    runs = Runs(sim)
    home = os.path.join(sim.root, "machine-home")
    stopped_at = stop_at_a_known_time(runs, home)
    start, fleet, completed = runs.run("start", *prices_args(PRICES), home=home)
    assert sim.sizes("demo") == {"ng-self": (2, 1, 4), "ng-1": (3, 2, 5), "ng-2": (1, 1, 3)}
    assert start["savings"] == expected_savings(start, stopped_at, PRICES)
    total = start["savings"]["total"]
    assert total["partial"] is False and total["estimated_saving"] > 0
    # The fleet summary for AWX carries the totals, and the play says them.
    assert (fleet["node_hours_avoided"], fleet["estimated_saving"], fleet["savings_partial"]) == (
        total["node_hours_avoided"], total["estimated_saving"], False)
    assert "the stop saved %s node-hours, about %.2f" % (total["node_hours_avoided"], total["estimated_saving"]) in completed.stdout
    # The recording is spent: the next start has nothing to report.
    again, fleet, _completed = runs.run("start", *prices_args(PRICES), home=home)
    assert again["changed"] is False and again["savings"]["nodegroups"] == {} and fleet["node_hours_avoided"] == 0


def test_without_prices_the_start_reports_node_hours_only(sim):
    runs = Runs(sim)
    home = os.path.join(sim.root, "machine-home")
    stopped_at = stop_at_a_known_time(runs, home)
    start, fleet, completed = runs.run("start", home=home)
    assert start["savings"] == expected_savings(start, stopped_at)
    assert "estimated_saving" not in start["savings"]["total"] and "unpriced" not in start["savings"]
    assert fleet["node_hours_avoided"] == start["savings"]["total"]["node_hours_avoided"] and fleet["estimated_saving"] is None
    # Node-hours, and no estimated saving after them.
    assert re.search(r"the stop saved %s node-hours(?!, about)" % re.escape(str(start["savings"]["total"]["node_hours_avoided"])),
                     completed.stdout)


@pytest.mark.release_sensitive  # the cache's file format
def test_a_start_from_the_fact_only_prices_what_it_can_and_says_the_rest_is_unpriced(sim):
    """As in a fresh AWX container: the start's HOME has no snapshot file, only the fact cache carries the stop time."""
    runs = Runs(sim)
    stopped_at = stop_at_a_known_time(runs)
    prices = {"m5.large": 0.096, "t3.medium": 0.0416}  # no price for ng-2's t3.large
    start, fleet, _completed = runs.run("start", *prices_args(prices))
    assert [ng["action"] for ng in start["nodegroups"]] == ["restored", "restored", "restored"]
    assert start["savings"] == expected_savings(start, stopped_at, prices)
    assert start["savings"]["unpriced"] == {"ng-2": "instance type t3.large has no price in hourly_prices"}
    assert start["savings"]["total"]["partial"] is True and fleet["savings_partial"] is True


def test_a_recording_without_stop_times_restores_and_says_the_ledger_is_unknown(sim):
    """A snapshot file written before the ledger (sizes only, format version 1) still restores exactly; the start never
    guesses its stop time."""
    home = os.path.join(sim.root, "machine-home")
    path = os.path.join(home, ".ansible", "eks_tools.eksctl", "recordings.json")
    os.makedirs(os.path.dirname(path))
    sizes = {"ng-self": (2, 1, 4), "ng-1": (3, 2, 5), "ng-2": (1, 1, 3)}
    with open(path, "w", encoding="utf-8") as handle:
        json.dump({"version": 1, "clusters": {"eu-north-1/demo": {"recorded_at": "2026-11-27T21:30:00Z", "nodegroups": {
            name: {"desired_size": desired, "min_size": minimum, "max_size": maximum} for name, (desired, minimum, maximum) in sizes.items()}}}},
            handle)
    sim.update(lambda state: [ng.update(desired=0, min=0) for cluster in state["clusters"] if cluster["name"] == "demo"
                              for ng in cluster["nodegroups"]])
    runs = Runs(sim)
    start, fleet, _completed = runs.run("start", *prices_args(PRICES), home=home)
    assert sim.sizes("demo") == sizes
    assert sorted(start["savings"]["unknown"]) == sorted(sizes) and start["savings"]["nodegroups"] == {}
    assert start["savings"]["total"] == {"nodegroups": 0, "stopped_for": None, "node_hours_avoided": 0, "estimated_saving": 0, "partial": True}
    assert fleet["savings_partial"] is True


@pytest.mark.release_sensitive  # set_stats summed over every host
def test_a_fleet_start_sums_every_clusters_savings_for_awx(sim):
    from test_fleet import add_fleet, fleet_run, write_inventory  # pylint: disable=import-outside-toplevel

    expected = add_fleet(sim, count=4)
    inventory = write_inventory(sim)
    _results, completed = fleet_run(sim, "eks_tools.eksctl.stop", inventory)
    assert completed.returncode == 0, completed.stdout
    # The fleet shares this HOME's snapshot file: move every recorded stop time to 9h 30m ago.
    path = os.path.join(sim.home, ".ansible", "eks_tools.eksctl", "recordings.json")
    with open(path, encoding="utf-8") as handle:
        document = json.load(handle)
    stopped_at = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) - NIGHT
    # Every nodegroup is recorded, with a stop time: those the stop scaled to zero, and those it found at zero (recorded there).
    assert _replace_stop_times(document, stopped_at.strftime(TIME_FORMAT)) == sum(len(sizes) for sizes in expected.values())
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(document, handle)
    results, completed = fleet_run(sim, "eks_tools.eksctl.start", inventory, *prices_args({"t3.medium": 0.0416}))
    assert completed.returncode == 0, completed.stdout
    starts = {entry["host"]: entry["result"] for entry in results if "savings" in entry["result"]}
    assert len(starts) == 4
    for host, start in starts.items():
        name, region = host.split(".", 1)
        nodes = sum(size[0] for size in expected[(name, region)].values())
        seconds = int((utc(start["savings"]["started_at"]) - stopped_at).total_seconds())
        total = start["savings"]["total"]
        assert total["node_hours_avoided"] == round(nodes * seconds / 3600, 2)
        assert total["estimated_saving"] == round(nodes * seconds * 0.0416 / 3600, 2) and total["partial"] is False
    (fleet,) = [entry["result"]["ansible_stats"]["data"]["eks_fleet"] for entry in results if "ansible_stats" in entry["result"]]
    assert fleet["started"] == 4 and fleet["savings_partial"] is False
    assert fleet["node_hours_avoided"] == round(sum(start["savings"]["total"]["node_hours_avoided"] for start in starts.values()), 2)
    assert fleet["estimated_saving"] == round(sum(start["savings"]["total"]["estimated_saving"] for start in starts.values()), 2)
    assert "the stop saved %s node-hours, about %.2f" % (fleet["node_hours_avoided"], fleet["estimated_saving"]) in completed.stdout
