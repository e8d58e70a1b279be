# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The recording in SSM Parameter Store: one parameter per cluster, and two jobs writing it side by side never lose a recording.

Parameter Store has no conditional write; these tests put another job's write between this job's read and its write (and
between its writes) on a fake Parameter Store with versions and history, as the real one keeps them."""

from __future__ import annotations

import json
import typing as t

import pytest

from ansible_collections.eks_tools.eksctl.plugins.module_utils._model import Capacity, StopRecord
from ansible_collections.eks_tools.eksctl.plugins.module_utils._recording import policy
from ansible_collections.eks_tools.eksctl.plugins.module_utils._recording.document import EMPTY, ClusterRecording, NodegroupRecord
from ansible_collections.eks_tools.eksctl.plugins.module_utils._recording.file import RecordingError
from ansible_collections.eks_tools.eksctl.plugins.module_utils._recording.ssm import SsmStore, parameter_name

NIGHT = "2026-11-27T21:30:00Z"
KEY = "eu-north-1/demo"
NAME = "/eks_tools/recordings/eu-north-1/demo"


class FakeParameters:
    """Versions and history as Parameter Store keeps them; ``before_put`` runs once before each of the next puts (another job)."""

    def __init__(self) -> None:
        self.versions: dict[str, list[str]] = {}
        self.before_put: list[t.Callable[[], None]] = []
        self.calls: list[str] = []

    def get(self, name: str) -> tuple[str, int] | None:
        self.calls.append("get")
        found = self.versions.get(name)
        return (found[-1], len(found)) if found else None

    def history(self, name: str) -> dict[int, str]:
        self.calls.append("history")
        return dict(enumerate(self.versions.get(name, []), 1))

    def put(self, name: str, value: str, *, overwrite: bool) -> int | None:
        self.calls.append("put")
        if self.before_put:
            self.before_put.pop(0)()
        if name in self.versions and not overwrite:
            return None
        self.versions.setdefault(name, []).append(value)
        return len(self.versions[name])


def record(sizes, at=NIGHT):
    return NodegroupRecord(Capacity(*sizes), StopRecord(at, None, sizes[0]))


def stop(**sizes):
    ours = ClusterRecording({name: record(triple) for name, triple in sizes.items()}, NIGHT)
    return lambda held: policy.apply_stop(held, ours, set(sizes))


def spend(*names):
    return lambda held: held.without(names)


@pytest.fixture(name="store")
def store_fixture():
    parameters = FakeParameters()
    store = SsmStore("/eks_tools/recordings/", lambda region: parameters)
    store.fake = parameters  # type: ignore[attr-defined]
    return store


def test_one_parameter_per_cluster_in_the_current_shape(store):
    assert parameter_name("/eks_tools/recordings/", KEY) == NAME
    assert store.load(KEY) == EMPTY
    store.update(KEY, stop(a=(3, 2, 5)))
    document = json.loads(store.fake.versions[NAME][-1])
    assert document == {"version": 1, "key": KEY, "recorded_at": NIGHT,
                        "nodegroups": {"a": {"desired_size": 3, "min_size": 2, "max_size": 5, "stopped_at": NIGHT, "instance_type": None,
                                             "nodes": 3}}}
    assert store.load(KEY).sizes() == {"a": Capacity(3, 2, 5)}
    assert store.fake.calls == ["get", "get", "put", "get"]


def test_a_change_that_changes_nothing_writes_nothing(store):
    store.update(KEY, stop(a=(3, 2, 5)))
    store.fake.calls.clear()
    store.update(KEY, spend("missing"))
    assert store.fake.calls == ["get"]


def test_two_stops_of_different_nodegroups_side_by_side_keep_both(store):
    store.fake.before_put.append(lambda: store.fake.versions.setdefault(NAME, []).append(
        json.dumps({"version": 1, "key": KEY, "nodegroups": {"b": {"desired_size": 1, "min_size": 1, "max_size": 2}}})))
    kept = store.update(KEY, stop(a=(3, 2, 5)))
    assert kept.sizes() == store.load(KEY).sizes() == {"a": Capacity(3, 2, 5), "b": Capacity(1, 1, 2)}


def test_a_stop_between_a_starts_read_and_its_write_is_joined_and_the_spent_recording_stays_spent(store):
    store.update(KEY, stop(a=(3, 2, 5), b=(1, 1, 2)))

    def concurrent_stop_of_c():
        SsmStore("/eks_tools/recordings", lambda region: store.fake).update(KEY, stop(c=(2, 2, 4)))

    store.fake.before_put.append(concurrent_stop_of_c)
    store.update(KEY, spend("a"))
    assert store.load(KEY).sizes() == {"b": Capacity(1, 1, 2), "c": Capacity(2, 2, 4)}
    assert json.loads(store.fake.versions[NAME][-1])["spent"] == {"a": NIGHT}


def test_another_write_between_this_jobs_two_writes_is_joined_as_well(store):
    def write(**sizes):
        return lambda: SsmStore("/eks_tools/recordings", lambda region: store.fake).update(KEY, stop(**sizes))

    store.fake.before_put.extend([write(b=(1, 1, 2)), write(c=(2, 2, 4))])
    store.update(KEY, stop(a=(3, 2, 5)))
    assert store.load(KEY).sizes() == {"a": Capacity(3, 2, 5), "b": Capacity(1, 1, 2), "c": Capacity(2, 2, 4)}


def test_a_parameter_created_by_another_job_since_the_read_is_read_again(store):
    store.fake.before_put.append(lambda: store.fake.versions.setdefault(NAME, []).append(
        json.dumps({"version": 1, "nodegroups": {"b": {"desired_size": 1, "min_size": 1, "max_size": 2}}})))
    store.update(KEY, stop(a=(3, 2, 5)))
    assert store.load(KEY).sizes() == {"a": Capacity(3, 2, 5), "b": Capacity(1, 1, 2)}


@pytest.mark.parametrize("value, fragment", [
    ("{not json", "cannot read SSM parameter %s" % NAME),
    (json.dumps({"version": 1, "nodegroups": {"a": {"desired_size": 1}}}), "lacks min_size, max_size"),
    (json.dumps({"version": 2, "nodegroups": {}}), "written by a newer eks_tools.eksctl (format 2)"),
])
def test_a_parameter_that_cannot_be_read_is_never_overwritten(store, value, fragment):
    store.fake.versions[NAME] = [value]
    with pytest.raises(RecordingError) as raised:
        store.update(KEY, stop(b=(1, 1, 1)))
    assert fragment in raised.value.msg
    assert store.fake.versions[NAME] == [value]
