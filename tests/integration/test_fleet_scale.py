# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A hundred clusters of five nodegroups, a night stop and a morning start through the eks_clusters inventory and the
shipped playbooks, with every eksctl call slowed down, one in twenty throttled, and one cluster failing part way through
its stop.

One test, and not release-sensitive: ``make test`` runs it once, on the newest ansible-core (tests/utils/matrix.py).
"""

from __future__ import annotations

import json
import os
import re

import fleets

CLUSTERS = 100
# Seconds per eksctl call: small, so the test stays within the suite's time budget, yet every call is a wait that the
# forks and the module's parallelism have to overlap.
LATENCY = 0.05
THROTTLE_EVERY = 20
FORKS = "20"
FAILING = 42
FAILING_NODEGROUP = "ng-3"
FAILURE = "api error InternalFailure: the fleet test's failure"
# The latency from the environment: given in the state instead, every call would read the whole state once more for it.
ENV = {"EKSCTL_SIM_LATENCY": str(LATENCY)}


def summary_block(stdout: str) -> list[str]:
    """The lines the summary task printed."""
    block = stdout.split(": Print the summary]", 1)[1].split("TASK [", 1)[0]
    return [line for line in block.splitlines() if line.strip() and not line.startswith("*")]


def test_hundred_clusters_night_and_morning_with_throttling_and_a_failure(sim):
    records, expected = fleets.clusters(CLUSTERS)
    failing_name, failing_region = fleets.cluster_name(FAILING), fleets.REGIONS[FAILING % len(fleets.REGIONS)]
    failing_host = fleets.host_name(FAILING)

    def seed(state):
        state["clusters"].extend(records)
        state["settings"].update(throttle_every=THROTTLE_EVERY)
        # Not retried (an InternalFailure), and only once: the cluster's other nodegroups are stopped, this one is not.
        state["faults"].append({"kind": "fail", "command": "scale nodegroup", "count": 1,
                                "match": "--cluster=%s --name=%s " % (failing_name, FAILING_NODEGROUP),
                                "message": 'failed to scale nodegroup "%s" for cluster "%s", error: operation error EKS: '
                                           "UpdateNodegroupConfig, https response error StatusCode: 500, %s"
                                           % (FAILING_NODEGROUP, failing_name, FAILURE)})
    sim.update(seed)
    inventory = sim.inventory_file(fleets.INVENTORY, name="fleet.eks_clusters.yml")
    recording = os.path.join(sim.home, ".ansible", "eks_tools.eksctl", "recordings.json")

    # The night: every cluster stopped but one, which fails the play and is named in a summary that fits a screen.
    _results, night = sim.playbook("eks_tools.eksctl.stop", "-i", inventory, "-f", FORKS, env=ENV, check=False)
    with open(os.path.join(sim.root, "night.txt"), "w", encoding="utf-8") as handle:
        handle.write(night.stdout)
    assert night.returncode == 2, night.stdout[-4000:] + night.stderr[-4000:]
    lines = summary_block(night.stdout)
    assert len(lines) <= 20, "\n".join(lines)
    headline = " ".join(lines)
    assert "fleet %d cluster(s): %d stopped, 0 unchanged, 1 failed" % (CLUSTERS, CLUSTERS - 1) in headline, headline
    assert "; failed: %s" % failing_host in headline, "\n".join(lines)
    assert "%s failed: " % failing_host in headline and "Failed to scale nodegroup '%s' of cluster '%s'" % (FAILING_NODEGROUP, failing_name) \
        in headline, "\n".join(lines)
    assert re.search(r"fatal: \[%s\]: FAILED!" % re.escape(failing_host), night.stdout)
    after_night = fleets.sizes_of(sim.state())
    for (name, region), sizes in expected.items():
        if name == failing_name:
            continue
        assert all(size == (0, 0, sizes[nodegroup][2]) for nodegroup, size in after_night[(name, region)].items()), name
    failing_now = after_night[(failing_name, failing_region)]
    assert failing_now[FAILING_NODEGROUP] == expected[(failing_name, failing_region)][FAILING_NODEGROUP]
    stopped_there = sorted(nodegroup for nodegroup, size in failing_now.items() if size[:2] == (0, 0))
    assert stopped_there, failing_now

    # Every stopped nodegroup recorded at its sizes of before, the failing cluster's too.
    with open(recording, encoding="utf-8") as handle:
        recorded = json.load(handle)["clusters"]
    for (name, region), sizes in expected.items():
        entry = recorded["%s/%s" % (region, name)]["nodegroups"]
        kept = {nodegroup: (entry[nodegroup]["desired_size"], entry[nodegroup]["min_size"], entry[nodegroup]["max_size"])
                for nodegroup in entry}
        wanted = sizes if name != failing_name else {nodegroup: sizes[nodegroup] for nodegroup in stopped_there}
        assert {nodegroup: kept[nodegroup] for nodegroup in wanted} == wanted, name

    # The rerun of the failed cluster (the fault has passed) stops the rest of it, and keeps the first stop's sizes.
    _results, rerun = sim.playbook("eks_tools.eksctl.stop", "-i", inventory, "--limit", failing_host, env=ENV)
    assert "fleet 1 cluster(s): 1 stopped, 0 unchanged, 0 failed" in rerun.stdout
    assert all(size[:2] == (0, 0) for size in sim.sizes(failing_name, failing_region).values())

    # The morning: every size comes back exactly, the failed cluster's included.
    _results, morning = sim.playbook("eks_tools.eksctl.start", "-i", inventory, "-f", FORKS, env=ENV, check=False)
    assert morning.returncode == 0, morning.stdout[-4000:] + morning.stderr[-4000:]
    lines = summary_block(morning.stdout)
    assert len(lines) <= 20 and "fleet %d cluster(s): %d started, 0 unchanged, 0 failed" % (CLUSTERS, CLUSTERS) in " ".join(lines)
    assert fleets.sizes_of(sim.state()) == expected
    # What stays recorded is only what the stop found already stopped (at zero), which a start leaves stopped.
    with open(recording, encoding="utf-8") as handle:
        left = json.load(handle)["clusters"]
    assert all(entry["desired_size"] == 0 for cluster in left.values() for entry in cluster["nodegroups"].values()), left

    # About one call in twenty was throttled, and each was retried: nothing failed for it.
    counters = sim.state()["counters"]
    assert counters["throttled"] == counters["calls"] // THROTTLE_EVERY and counters["throttled"] >= 50, counters
