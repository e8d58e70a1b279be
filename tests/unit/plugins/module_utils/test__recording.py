# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The on-disk capacity snapshot."""

from __future__ import annotations

import json
import os
import threading

import pytest

from ansible_collections.eks_tools.eksctl.plugins.module_utils._model import Capacity, StopRecord
from ansible_collections.eks_tools.eksctl.plugins.module_utils._recording import RecordingError, RecordingFile, recording_key


def test_record_load_forget_roundtrip(tmp_path):
    path = tmp_path / "deep" / "snap.json"
    store = RecordingFile(str(path))
    assert store.load("eu-north-1/demo") == {}
    store.record("eu-north-1/demo", {"a": Capacity(3, 2, 5), "b": Capacity(1, 1, 2)})
    store.record("us-east-1/other", {"x": Capacity(1, 0, 1)})
    assert store.load("eu-north-1/demo") == {"a": Capacity(3, 2, 5), "b": Capacity(1, 1, 2)}
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    store.forget("eu-north-1/demo", ["a"])
    assert store.load("eu-north-1/demo") == {"b": Capacity(1, 1, 2)}
    store.forget("eu-north-1/demo", ["b"])
    assert "eu-north-1/demo" not in json.loads(path.read_text())["clusters"]
    store.forget("us-east-1/other", ["x"])
    assert not path.exists()


def test_unreadable_snapshot_is_never_overwritten(tmp_path):
    path = tmp_path / "snap.json"
    path.write_text("{not json")
    store = RecordingFile(str(path))
    with pytest.raises(RecordingError, match="cannot read the capacity snapshot"):
        store.record("eu-north-1/demo", {"a": Capacity(1, 1, 1)})
    assert path.read_text() == "{not json"


def test_malformed_entry_is_reported(tmp_path):
    path = tmp_path / "snap.json"
    path.write_text(json.dumps({"version": 1, "clusters": {"r/c": {"nodegroups": {"a": {"desired_size": 1}}}}}))
    with pytest.raises(RecordingError, match="malformed entry for nodegroup 'a'"):
        RecordingFile(str(path)).load("r/c")


@pytest.mark.parametrize("version, fragment", [
    (2, "has format version 2, written by a newer eks_tools.eksctl (this one reads version 1); upgrade the collection"),
    ("1", "has no valid format version ('1'); fix or move it"),
    (0, "has no valid format version (0)"),
    (True, "has no valid format version (True)"),
])
def test_a_snapshot_of_another_format_version_is_refused_and_kept(tmp_path, version, fragment):
    path = tmp_path / "snap.json"
    text = json.dumps({"version": version, "clusters": {"r/c": {"nodegroups": {"a": {"desired_size": 1, "min_size": 1, "max_size": 2}}}}})
    path.write_text(text)
    store = RecordingFile(str(path))
    for read in (lambda: store.load("r/c"), lambda: store.record("r/c", {"b": Capacity(1, 1, 1)}), lambda: store.forget("r/c", ["a"])):
        with pytest.raises(RecordingError) as raised:
            read()
        assert fragment in raised.value.msg
    assert path.read_text() == text


def test_a_snapshot_without_a_version_is_read_as_version_1(tmp_path):
    path = tmp_path / "snap.json"
    path.write_text(json.dumps({"clusters": {"r/c": {"nodegroups": {"a": {"desired_size": 1, "min_size": 1, "max_size": 2}}}}}))
    assert RecordingFile(str(path)).load("r/c") == {"a": Capacity(1, 1, 2)}


def test_parallel_writers_lose_nothing(tmp_path):
    store = RecordingFile(str(tmp_path / "snap.json"))
    threads = [threading.Thread(target=store.record, args=("r/c%d" % index, {"a": Capacity(index, 0, 50)})) for index in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for index in range(20):
        assert store.load("r/c%d" % index) == {"a": Capacity(index, 0, 50)}


def test_recording_key():
    assert recording_key("eu-north-1", "demo") == "eu-north-1/demo"
    assert recording_key(None, "demo") == "default/demo"


def test_record_merges_under_the_lock_so_concurrent_stops_keep_both(tmp_path):
    """Two stops of different nodegroups of one cluster, the second planned before the first wrote: both recordings stay."""
    store = RecordingFile(str(tmp_path / "snap.json"))
    first_planned = {"ng-1": Capacity(3, 2, 5)}
    second_planned = {"ng-2": Capacity(1, 1, 3)}
    assert store.load("r/c") == {} and RecordingFile(str(tmp_path / "snap.json")).load("r/c") == {}
    store.record("r/c", first_planned, first_planned)
    merged, _ledger = RecordingFile(str(tmp_path / "snap.json")).record("r/c", second_planned, second_planned)
    assert merged == {"ng-1": Capacity(3, 2, 5), "ng-2": Capacity(1, 1, 3)}
    assert store.load("r/c") == merged


def test_record_first_stop_wins_for_nodegroups_it_did_not_find_running(tmp_path):
    store = RecordingFile(str(tmp_path / "snap.json"))
    store.record("r/c", {"ng-1": Capacity(3, 2, 5)})
    # A later stop found ng-1 at zero (planned at zero) and ng-2 running: ng-1 keeps the first recording.
    merged, _ledger = store.record("r/c", {"ng-2": Capacity(1, 1, 3)}, {"ng-1": Capacity(0, 0, 5), "ng-2": Capacity(1, 1, 3)})
    assert merged == {"ng-1": Capacity(3, 2, 5), "ng-2": Capacity(1, 1, 3)}


def test_record_waits_for_a_lock_held_by_another_process_and_loses_nothing(tmp_path):
    import fcntl
    import subprocess
    import sys

    path = tmp_path / "snap.json"
    RecordingFile(str(path)).record("r/c", {"ng-1": Capacity(3, 2, 5)})
    # Another process reads under the lock, and writes ng-2 only after this one has tried to record ng-3: without
    # waiting for the lock, ng-3 would be written in between and then lost.
    holder = subprocess.Popen([sys.executable, "-c", (
        "import fcntl, json, os, sys\n"
        "fd = os.open(sys.argv[1] + '.lock', os.O_RDWR)\n"
        "fcntl.flock(fd, fcntl.LOCK_EX)\n"
        "doc = json.load(open(sys.argv[1]))\n"
        "print('locked', flush=True)\n"
        "sys.stdin.readline()\n"
        "doc['clusters']['r/c']['nodegroups']['ng-2'] = {'desired_size': 1, 'min_size': 1, 'max_size': 3}\n"
        "json.dump(doc, open(sys.argv[1], 'w'))\n"), str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        recorder = threading.Thread(target=RecordingFile(str(path)).record, args=("r/c", {"ng-3": Capacity(2, 0, 4)}))
        recorder.start()
        recorder.join(0.2)
        assert recorder.is_alive(), "record must wait for the lock"
        holder.stdin.write("go\n")
        holder.stdin.flush()
        recorder.join()
    finally:
        holder.communicate()
    assert fcntl  # the holder used flock, as RecordingFile does
    assert RecordingFile(str(path)).load("r/c") == {"ng-1": Capacity(3, 2, 5), "ng-2": Capacity(1, 1, 3), "ng-3": Capacity(2, 0, 4)}


def test_symlinked_path_is_written_through(tmp_path):
    real = tmp_path / "real" / "snap.json"
    real.parent.mkdir()
    real.write_text(json.dumps({"version": 1, "clusters": {}}))
    link = tmp_path / "link.json"
    link.symlink_to(real)
    store = RecordingFile(str(link))
    store.record("r/c", {"a": Capacity(1, 1, 2)})
    assert link.is_symlink()
    assert json.loads(real.read_text())["clusters"]["r/c"]["nodegroups"] == {"a": {"desired_size": 1, "min_size": 1, "max_size": 2}}
    assert store.load("r/c") == {"a": Capacity(1, 1, 2)}


def test_load_creates_nothing(tmp_path):
    path = tmp_path / "missing-dir" / "snap.json"
    assert RecordingFile(str(path)).load("r/c") == {}
    RecordingFile(str(path)).forget("r/c", ["a"])
    assert not (tmp_path / "missing-dir").exists()


def test_recordings_merge_first_source_wins_and_fact_shape():
    from ansible_collections.eks_tools.eksctl.plugins.module_utils._recording import facts_with, merge_recordings, without

    merged = merge_recordings({"a": Capacity(1, 1, 2)}, {"a": Capacity(9, 9, 9), "b": Capacity(3, 0, 4)})
    assert merged == {"a": Capacity(1, 1, 2), "b": Capacity(3, 0, 4)}
    assert without(merged, ["a"]) == {"b": Capacity(3, 0, 4)}
    others = {"us-east-1/x": {"n": Capacity(2, 1, 3)}, "eu-north-1/demo": {"a": Capacity(0, 0, 1)}}
    assert facts_with(others, "eu-north-1/demo", {"b": Capacity(3, 0, 4)}) == {
        "eu-north-1/demo": {"b": {"desired_size": 3, "min_size": 0, "max_size": 4}},
        "us-east-1/x": {"n": {"desired_size": 2, "min_size": 1, "max_size": 3}}}
    assert facts_with(others, "eu-north-1/demo", {}) == {"us-east-1/x": {"n": {"desired_size": 2, "min_size": 1, "max_size": 3}}}


# --------------------------------------------------------------------------- the savings ledger beside the sizes

NIGHT = "2026-11-27T21:30:00Z"
LATER = "2026-11-28T01:00:00Z"


def test_the_ledger_is_recorded_beside_the_sizes_and_read_back(tmp_path):
    path = tmp_path / "snap.json"
    store = RecordingFile(str(path))
    recording, ledger = store.record("r/c", {"a": Capacity(3, 2, 5)}, None, {"a": StopRecord(NIGHT, "m5.large", 3)})
    assert (recording, ledger) == ({"a": Capacity(3, 2, 5)}, {"a": StopRecord(NIGHT, "m5.large", 3)})
    document = json.loads(path.read_text())
    assert document["version"] == 1  # the new fields are optional: the format stays version 1
    assert document["clusters"]["r/c"]["nodegroups"] == {"a": {"desired_size": 3, "min_size": 2, "max_size": 5, "stopped_at": NIGHT,
                                                               "instance_type": "m5.large", "nodes": 3}}
    assert store.load_entry("r/c") == (recording, ledger)
    store.forget("r/c", ["a"])
    assert not path.exists()


def test_a_file_written_before_the_ledger_is_read_with_an_unknown_ledger(tmp_path):
    path = tmp_path / "snap.json"
    path.write_text(json.dumps({"version": 1, "clusters": {"r/c": {"recorded_at": NIGHT, "nodegroups": {
        "a": {"desired_size": 3, "min_size": 2, "max_size": 5}}}}}))
    assert RecordingFile(str(path)).load_entry("r/c") == ({"a": Capacity(3, 2, 5)}, {})


def test_a_ledger_field_that_cannot_be_read_leaves_the_sizes_readable(tmp_path):
    """The ledger never keeps a start from restoring: a broken stop time makes only the ledger unknown."""
    path = tmp_path / "snap.json"
    path.write_text(json.dumps({"version": 1, "clusters": {"r/c": {"nodegroups": {
        "a": {"desired_size": 3, "min_size": 2, "max_size": 5, "stopped_at": "last night", "nodes": 3},
        "b": {"desired_size": 1, "min_size": 1, "max_size": 2, "stopped_at": NIGHT, "instance_type": None, "nodes": 1}}}}}))
    assert RecordingFile(str(path)).load_entry("r/c") == ({"a": Capacity(3, 2, 5), "b": Capacity(1, 1, 2)}, {"b": StopRecord(NIGHT, None, 1)})


def test_record_keeps_each_nodegroups_ledger_with_the_sizes_it_keeps(tmp_path):
    """A partial stop, then a later stop of the rest: each nodegroup keeps the time of the stop that stopped it (first stop wins)."""
    store = RecordingFile(str(tmp_path / "snap.json"))
    store.record("r/c", {"ng-1": Capacity(3, 2, 5)}, None, {"ng-1": StopRecord(NIGHT, "m5.large", 3)})
    # The later stop found ng-1 at zero and planned it from an older source (which the file overrules), and ng-2 running.
    planned = {"ng-1": Capacity(0, 0, 5), "ng-2": Capacity(1, 1, 3)}
    stops = {"ng-1": StopRecord(LATER, "m5.large", 0), "ng-2": StopRecord(LATER, "t3.large", 1)}
    recording, ledger = store.record("r/c", {"ng-2": Capacity(1, 1, 3)}, planned, stops)
    assert recording == {"ng-1": Capacity(3, 2, 5), "ng-2": Capacity(1, 1, 3)}
    assert ledger == {"ng-1": StopRecord(NIGHT, "m5.large", 3), "ng-2": StopRecord(LATER, "t3.large", 1)}
    assert store.load_entry("r/c") == (recording, ledger)


def test_record_over_a_recording_without_ledger_keeps_it_unknown(tmp_path):
    path = tmp_path / "snap.json"
    path.write_text(json.dumps({"version": 1, "clusters": {"r/c": {"nodegroups": {"old": {"desired_size": 2, "min_size": 1, "max_size": 3}}}}}))
    store = RecordingFile(str(path))
    _recording, ledger = store.record("r/c", {"new": Capacity(1, 1, 2)}, {"old": Capacity(0, 0, 3), "new": Capacity(1, 1, 2)},
                                      {"old": StopRecord(LATER, None, 0), "new": StopRecord(LATER, None, 1)})
    assert ledger == {"new": StopRecord(LATER, None, 1)}


def test_the_fact_carries_each_clusters_ledger():
    from ansible_collections.eks_tools.eksctl.plugins.module_utils._recording import facts_with

    others = {"us-east-1/x": {"n": Capacity(2, 1, 3), "m": Capacity(1, 1, 1)}}
    ledgers = {"us-east-1/x": {"n": StopRecord(NIGHT, "t3.medium", 2)}}
    mine = {"a": StopRecord(LATER, "m5.large", 3), "spent": StopRecord(LATER, "m5.large", 1)}
    assert facts_with(others, "eu-north-1/demo", {"a": Capacity(3, 2, 5)}, ledgers, mine) == {
        "eu-north-1/demo": {"a": {"desired_size": 3, "min_size": 2, "max_size": 5, "stopped_at": LATER, "instance_type": "m5.large", "nodes": 3}},
        "us-east-1/x": {"n": {"desired_size": 2, "min_size": 1, "max_size": 3, "stopped_at": NIGHT, "instance_type": "t3.medium", "nodes": 2},
                        "m": {"desired_size": 1, "min_size": 1, "max_size": 1}}}
