# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A recording's one JSON shape: written, read back, and every shape the collection ever returned read too."""

from __future__ import annotations

import pytest

from ansible_collections.eks_tools.eksctl.plugins.module_utils._model import Capacity, StopRecord
from ansible_collections.eks_tools.eksctl.plugins.module_utils._recording import document
from ansible_collections.eks_tools.eksctl.plugins.module_utils._recording.document import ClusterRecording, NodegroupRecord

NIGHT = "2026-11-27T21:30:00Z"
MORNING = "2026-11-28T06:30:00Z"
SIZES = {"desired_size": 3, "min_size": 2, "max_size": 5}
FULL = ClusterRecording({"ng-1": NodegroupRecord(Capacity(3, 2, 5), StopRecord(NIGHT, "m5.large", 3), MORNING),
                         "idle": NodegroupRecord(Capacity(0, 0, 4), StopRecord(NIGHT, None, 0))}, NIGHT, False)


def test_a_recording_round_trips_through_its_document():
    data = document.to_document(FULL)
    assert data == {"recorded_at": NIGHT, "nodegroups": {
        "idle": {"desired_size": 0, "min_size": 0, "max_size": 4, "stopped_at": NIGHT, "instance_type": None, "nodes": 0},
        "ng-1": dict(SIZES, stopped_at=NIGHT, instance_type="m5.large", nodes=3, restoring_at=MORNING)}}
    assert document.from_document(data) == FULL
    already = ClusterRecording({"idle": FULL.nodegroups["idle"]}, NIGHT, True)
    assert document.to_document(already)["already_stopped"] is True
    assert document.from_document(document.to_document(already)) == already


@pytest.mark.parametrize("shape", [
    {"ng-1": SIZES},                                                                     # a sizes-only map (restore_capacity)
    {"ng-1": dict(SIZES, stopped_at=NIGHT, instance_type="m5.large", nodes=3)},         # an entry of the fact with the ledger
    {"nodegroups": {"ng-1": SIZES}},                                                     # the current shape
    {"nodegroups": {"ng-1": dict(SIZES, colour="red")}, "recorded_at": NIGHT, "future": {"x": 1}},  # a later version's keys
])
def test_every_shape_the_module_returned_is_read(shape):
    assert document.from_document(shape).sizes() == {"ng-1": Capacity(3, 2, 5)}


def test_a_nodegroup_named_nodegroups_in_the_earlier_shape_is_not_taken_for_the_current_one():
    assert document.from_document({"nodegroups": SIZES}).sizes() == {"nodegroups": Capacity(3, 2, 5)}


@pytest.mark.parametrize("entry, message", [
    ({"desired_size": 3, "min_size": 2}, "[ng-1] lacks max_size"),
    ({"desired_size": 3, "min_size": 2, "max_sizes": 5}, "[ng-1] lacks max_size; unknown keys: max_sizes"),
    (dict(SIZES, desired_size=-3), "[ng-1].desired_size must be an integer from 0 to 2147483647, got -3"),
    (dict(SIZES, desired_size=True), "[ng-1].desired_size must be an integer from 0 to 2147483647, got True"),
    (dict(SIZES, desired_size=6), "[ng-1] the sizes must keep min_size <= desired_size <= max_size, got 6/2/5"),
    ({"desired_size": 0, "min_size": 0, "max_size": 0}, "[ng-1].max_size must be at least 1 (EKS rejects a maximum of 0)"),
    (dict(SIZES, stopped_at="yesterday", nodes=3), "[ng-1].stopped_at must be a UTC time written like 2026-11-27T21:30:00Z, got 'yesterday'"),
    (dict(SIZES, stopped_at=NIGHT), "[ng-1].nodes must be given with stopped_at"),
    (dict(SIZES, restoring_at="soon"), "[ng-1].restoring_at must be a UTC time written like 2026-11-27T21:30:00Z, got 'soon'"),
    (7, "[ng-1] must be a dictionary with desired_size, min_size and max_size"),
])
def test_a_nodegroup_that_cannot_be_one_is_refused_naming_it(entry, message):
    with pytest.raises(ValueError) as raised:
        document.from_document({"ng-1": entry})
    assert str(raised.value) == message


def test_ledger_fields_that_cannot_be_read_are_only_dropped_when_not_strict():
    entry = dict(SIZES, stopped_at="last night", nodes=3)
    recording = document.from_document({"ng-1": entry}, strict_ledger=False)
    assert recording.sizes() == {"ng-1": Capacity(3, 2, 5)} and recording.ledger() == {}


@pytest.mark.parametrize("entry, expected", [
    ({"desired_size": 3, "min_size": 2, "max_size": 5}, None),  # recorded before the ledger
    ({"stopped_at": NIGHT, "instance_type": "m5.large", "nodes": 3}, StopRecord(NIGHT, "m5.large", 3)),
    ({"stopped_at": NIGHT, "instance_type": None, "nodes": 0}, StopRecord(NIGHT, None, 0)),
    ({"stopped_at": NIGHT, "nodes": 2}, StopRecord(NIGHT, None, 2)),
])
def test_stop_from_dict(entry, expected):
    assert document.stop_from_dict(entry) == expected


@pytest.mark.parametrize("entry, fragment", [
    ({"stopped_at": NIGHT}, "nodes must be given with stopped_at"),
    ({"instance_type": "m5.large"}, "stopped_at and nodes must be given with instance_type"),
    ({"stopped_at": "2026-11-27 21:30", "nodes": 1}, "stopped_at must be a UTC time written like 2026-11-27T21:30:00Z, got '2026-11-27 21:30'"),
    ({"stopped_at": "2026-11-27T21:30:00+01:00", "nodes": 1}, "stopped_at must be a UTC time"),
    ({"stopped_at": 1764279000, "nodes": 1}, "stopped_at must be a UTC time"),
    ({"stopped_at": NIGHT, "nodes": -1}, "nodes must be an integer from 0 to"),
    ({"stopped_at": NIGHT, "nodes": True}, "nodes must be an integer"),
    ({"stopped_at": NIGHT, "nodes": "3"}, "nodes must be an integer"),
    ({"stopped_at": NIGHT, "nodes": 1, "instance_type": ""}, "instance_type must be an instance type name or null"),
    ({"stopped_at": NIGHT, "nodes": 1, "instance_type": 5}, "instance_type must be an instance type name or null"),
])
def test_stop_from_dict_refuses(entry, fragment):
    with pytest.raises(ValueError) as caught:
        document.stop_from_dict(entry)
    assert fragment in str(caught.value)


def test_the_fact_holds_every_cluster_with_a_recorded_nodegroup():
    facts = document.recordings_from_facts({"eu-north-1/demo": {"ng-1": SIZES}, "us-east-1/x": {"nodegroups": {}}})
    assert document.facts_document(facts) == {"eu-north-1/demo": {"nodegroups": {"ng-1": SIZES}}}
    with pytest.raises(ValueError, match=r"keys must be <region>/<cluster>"):
        document.recordings_from_facts({"demo": {"ng-1": SIZES}})
    with pytest.raises(ValueError, match=r"^\[eu-north-1/demo\]\[ng-1\] lacks max_size$"):
        document.recordings_from_facts({"eu-north-1/demo": {"ng-1": {"desired_size": 1, "min_size": 1}}})


def test_recording_key():
    assert document.recording_key("eu-north-1", "demo") == "eu-north-1/demo"
    assert document.recording_key(None, "demo") == "default/demo"
