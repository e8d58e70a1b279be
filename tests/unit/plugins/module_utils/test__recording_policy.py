# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rules of a recording's life, pure: what a stop records, what a start marks and spends, and how copies written side by
side are joined without losing either."""

from __future__ import annotations

import itertools

import pytest

from ansible_collections.eks_tools.eksctl.plugins.module_utils._model import Capacity, StopRecord
from ansible_collections.eks_tools.eksctl.plugins.module_utils._recording import policy
from ansible_collections.eks_tools.eksctl.plugins.module_utils._recording.document import EMPTY, ClusterRecording, NodegroupRecord

EARLIER = "2026-11-26T21:30:00Z"
NIGHT = "2026-11-27T21:30:00Z"
MORNING = "2026-11-28T06:30:00Z"


def ng(name, desired, minimum, maximum, instance_type="m5.large"):
    return {"name": name, "desired_size": desired, "min_size": minimum, "max_size": maximum, "instance_type": instance_type}


def record(sizes, at=NIGHT, instance_type="m5.large", restoring_at=None):
    return NodegroupRecord(Capacity(*sizes), StopRecord(at, instance_type, sizes[0]), restoring_at)


def test_a_stop_records_what_it_stops_and_keeps_the_first_stop_of_the_rest():
    known = ClusterRecording({"stopped-before": record((4, 1, 6), EARLIER), "gone": record((1, 1, 2), EARLIER)}, EARLIER)
    nodegroups = [ng("running", 3, 2, 5), ng("stopped-before", 0, 0, 6), ng("zero", 0, 0, 2, "-")]
    recording, warnings = policy.of_stop(known, nodegroups, ["running"], NIGHT, cluster="demo")
    assert recording == ClusterRecording({
        "running": record((3, 2, 5)),
        "stopped-before": record((4, 1, 6), EARLIER),       # the first stop wins
        "zero": NodegroupRecord(Capacity(0, 0, 2), StopRecord(NIGHT, None, 0)),  # found stopped, nothing recorded: at zero
        "gone": record((1, 1, 2), EARLIER),                  # not selected: kept
    }, NIGHT, False)
    assert len(warnings) == 1 and "'zero' of cluster 'demo' was already stopped" in warnings[0]


def test_a_nodegroup_found_running_again_replaces_its_old_recording():
    """Started outside the collection after a stop: this stop's sizes, time and node count replace the old ones."""
    known = ClusterRecording({"ng": record((2, 1, 6), EARLIER)})
    recording, _warnings = policy.of_stop(known, [ng("ng", 5, 1, 6, "m5.xlarge")], ["ng"], NIGHT)
    assert recording.nodegroups["ng"] == record((5, 1, 6), NIGHT, "m5.xlarge")


def test_a_stop_that_finds_everything_stopped_and_nothing_recorded_records_the_cluster_as_already_stopped():
    recording, warnings = policy.of_stop(EMPTY, [ng("a", 0, 0, 5), ng("b", 0, 0, 3)], [], NIGHT)
    assert recording.already_stopped and recording.recorded_at == NIGHT
    assert recording.sizes() == {"a": Capacity(0, 0, 5), "b": Capacity(0, 0, 3)} and warnings == []
    # A second stop changes nothing: the recording stays as the first stop made it.
    again, _warnings = policy.of_stop(recording, [ng("a", 0, 0, 5), ng("b", 0, 0, 3)], [], MORNING)
    assert again == recording


def test_a_stop_written_over_a_store_keeps_the_stores_first_stop_for_what_it_found_stopped():
    stored = ClusterRecording({"ng-1": record((3, 2, 5), EARLIER)}, EARLIER)
    ours = ClusterRecording({"ng-1": NodegroupRecord(Capacity(0, 0, 5), StopRecord(NIGHT, None, 0)), "ng-2": record((1, 1, 3))}, NIGHT)
    merged = policy.apply_stop(stored, ours, fresh=["ng-2"])
    assert merged.nodegroups == {"ng-1": record((3, 2, 5), EARLIER), "ng-2": record((1, 1, 3))} and merged.recorded_at == NIGHT


def test_a_start_marks_what_it_restores_once_and_spends_all_but_what_was_recorded_at_zero():
    recording = ClusterRecording({"a": record((3, 2, 5)), "idle": NodegroupRecord(Capacity(0, 0, 4), StopRecord(NIGHT, None, 0))})
    marked = policy.mark_restoring(recording, ["a", "missing"], MORNING)
    assert marked.nodegroups["a"].restoring_at == MORNING and marked.nodegroups["idle"].restoring_at is None
    assert policy.mark_restoring(marked, ["a"], "2026-11-28T09:00:00Z").nodegroups["a"].restoring_at == MORNING
    assert policy.spendable(marked, ["a", "idle", "missing"]) == ["a"]


@pytest.mark.parametrize("entry, current, expected", [
    (record((3, 2, 5)), Capacity(4, 2, 5), True),                           # running at other sizes, and no start of ours began it
    (record((3, 2, 5)), Capacity(3, 2, 5), False),                          # as recorded: never stopped (a killed stop), or started by us
    (record((3, 2, 5), restoring_at=MORNING), Capacity(3, 2, 5), False),    # restored by an interrupted start of ours
    (record((3, 2, 5)), Capacity(0, 0, 5), False),                          # still stopped
    (NodegroupRecord(Capacity(0, 0, 4)), Capacity(2, 1, 4), False),         # recorded at zero: it was not ours to start
])
def test_restarted_externally(entry, current, expected):
    assert policy.restarted_externally(entry, current) is expected


# --------------------------------------------------------------------------- joining copies written side by side

STOP_A = ClusterRecording({"a": record((3, 2, 5))}, NIGHT)
STOP_B = ClusterRecording({"a": record((3, 2, 5)), "b": record((1, 1, 2))}, NIGHT)


def test_a_join_keeps_both_stops_of_different_nodegroups():
    joined, spent = policy.join(STOP_A, {}, ClusterRecording({"b": record((1, 1, 2))}, NIGHT), {})
    assert joined.sizes() == {"a": Capacity(3, 2, 5), "b": Capacity(1, 1, 2)} and spent == {}


def test_what_a_start_spent_stays_spent_whichever_copy_still_holds_it():
    after_start = STOP_B.without(["a"])
    joined, spent = policy.join(after_start, policy.newly_spent(STOP_B, after_start), STOP_B, {})
    assert joined.sizes() == {"b": Capacity(1, 1, 2)} and spent == {"a": NIGHT}
    # A later stop that found "a" running again is a new recording, never taken for the spent one.
    later = ClusterRecording({"a": record((4, 2, 5), MORNING)}, MORNING)
    joined, _spent = policy.join(joined, spent, later, {})
    assert joined.nodegroups["a"] == record((4, 2, 5), MORNING)


def test_a_recording_of_sizes_found_running_beats_one_at_zero_and_the_later_stop_wins():
    zero = ClusterRecording({"a": NodegroupRecord(Capacity(0, 0, 5), StopRecord(MORNING, None, 0))}, MORNING)
    assert policy.join(zero, {}, STOP_A, {})[0].nodegroups["a"] == record((3, 2, 5))
    later = ClusterRecording({"a": record((4, 2, 5), MORNING)}, MORNING)
    assert policy.join(STOP_A, {}, later, {})[0].nodegroups["a"] == record((4, 2, 5), MORNING)


def test_a_join_does_not_depend_on_order_or_repetition():
    copies = [(STOP_A, {}), (STOP_B.without(["a"]), {"a": NIGHT}), (ClusterRecording({"c": record((2, 2, 2), MORNING)}, MORNING), {}),
              (policy.mark_restoring(STOP_B, ["b"], MORNING), {})]
    results = set()
    for order in itertools.permutations(copies):
        joined, spent = EMPTY, {}
        for copy, copy_spent in order + order[:1]:
            joined, spent = policy.join(joined, spent, copy, copy_spent)
        results.add((repr(sorted(joined.nodegroups.items())), repr(sorted(spent.items()))))
    assert len(results) == 1


def test_merge_takes_each_nodegroup_from_the_first_source_that_has_it():
    merged = policy.merge(ClusterRecording({"a": record((1, 1, 2))}), STOP_B)
    assert merged.sizes() == {"a": Capacity(1, 1, 2), "b": Capacity(1, 1, 2)} and merged.recorded_at == NIGHT


@pytest.mark.parametrize("instance_type, expected", [
    ("m5.large", "m5.large"), ("m5.large,m5.xlarge", "m5.large,m5.xlarge"), ("-", None), ("", None), (None, None), (3, None),
])
def test_instance_type_of(instance_type, expected):
    assert policy.instance_type_of({"instance_type": instance_type}) == expected
