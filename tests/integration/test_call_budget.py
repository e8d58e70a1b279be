# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The call budget, counted in the simulator's log, and writes that run side by side."""

from __future__ import annotations

import eksctl_simulator
import pytest

from conftest import OVERLAP_LATENCY, read_calls, scale_calls


def add_wide_cluster(sim, count, stopped=0):
    def change(state):
        nodegroups = [eksctl_simulator.new_nodegroup("wide", "ng-%02d" % index, sizes=(0, 0, 4) if index < stopped else (2, 1, 4))
                      for index in range(count)]
        state["clusters"].append(eksctl_simulator.new_cluster("wide", "eu-north-1", nodegroups))
    sim.update(change)


def test_listing_is_one_call_and_info_three_side_by_side(sim):
    sim.module("eks_cluster_info", "region=eu-north-1")
    assert len(sim.calls()) == 1
    sim.reset_calls()
    sim.settings(latency=OVERLAP_LATENCY)
    sim.module("eks_cluster_info", "name=demo region=eu-north-1")
    calls = sim.calls()
    assert sorted(" ".join(call["argv"][:2]) for call in calls) == ["get cluster", "get fargateprofile", "get nodegroup"]
    # All three at once: each starts before any of them ends.
    assert max(call["start"] for call in calls) < min(call["end"] for call in calls)


@pytest.mark.parametrize("args", [
    "cluster=demo region=eu-north-1 name=ng-1 desired_size=3",
    "cluster=staging region=us-east-1 state=stopped",
    "cluster=demo region=eu-north-1 state=started",
])
def test_noop_is_one_call(sim, args):
    result, _completed = sim.module("eks_nodegroup_scale", args)
    assert result["changed"] is False
    assert len(sim.calls()) == 1


@pytest.mark.parametrize("count, already_stopped", [(5, 0), (8, 3), (20, 19)])
def test_stop_and_start_of_n_nodegroups_is_one_read_k_writes_one_read_back(sim, count, already_stopped):
    add_wide_cluster(sim, count, stopped=already_stopped)
    # The stop's nodegroups have settled by the time of the start (a start waits for UPDATING ones first).
    sim.settings(updating_reads=0)
    to_change = count - already_stopped
    sim.module("eks_nodegroup_scale", "cluster=wide region=eu-north-1 state=stopped")
    assert (len(read_calls(sim.calls())), len(scale_calls(sim.calls()))) == (2, to_change)
    sim.reset_calls()
    result, _completed = sim.module("eks_nodegroup_scale", "cluster=wide region=eu-north-1 state=started")
    assert (len(read_calls(sim.calls())), len(scale_calls(sim.calls()))) == (2, to_change)
    assert result["changed"] is True
    # The nodegroups that were already at zero were recorded at zero and stay there.
    assert [ng["action"] for ng in result["nodegroups"]].count("unchanged") == already_stopped


def test_wait_polls_one_read_per_interval_for_all_pending(sim):
    add_wide_cluster(sim, 6)
    sim.settings(updating_reads=3)
    sim.module("eks_nodegroup_scale", "cluster=wide region=eu-north-1 state=stopped wait=true wait_sleep=0.1")
    calls = sim.calls()
    assert len(scale_calls(calls)) == 6
    # One read before the writes, then one read per poll (the first also verifies the writes): each poll sees every nodegroup,
    # and every managed nodegroup reads UPDATING three times before ACTIVE. The proof at the Node level adds one description
    # (the endpoint of the cluster's Kubernetes API) and no other eksctl call.
    reads = [call["argv"][:2] for call in read_calls(calls)]
    assert reads.count(["get", "nodegroup"]) == 1 + 4 and reads.count(["get", "cluster"]) == 1 and len(reads) == 6


def test_writes_run_side_by_side_bounded_by_parallelism_in_stable_order(sim):
    add_wide_cluster(sim, 12)
    sim.settings(latency=OVERLAP_LATENCY)
    result, _completed = sim.module("eks_nodegroup_scale", "cluster=wide region=eu-north-1 state=stopped parallelism=4")
    writes = scale_calls(sim.calls())
    assert len(writes) == 12
    # The most writes running at one moment: at each write's start, count the writes already started and not yet ended.
    running_at_once = max(sum(1 for other in writes if other["start"] <= write["start"] < other["end"]) for write in writes)
    assert 2 <= running_at_once <= 4
    assert [ng["name"] for ng in result["nodegroups"]] == ["ng-%02d" % index for index in range(12)]
