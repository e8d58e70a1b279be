# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The recording file on the controller: format, atomic locked changes, what is never overwritten, and its bounds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import pytest

from ansible_collections.eks_tools.eksctl.plugins.module_utils._model import Capacity, StopRecord
from ansible_collections.eks_tools.eksctl.plugins.module_utils._recording.document import EMPTY, ClusterRecording, NodegroupRecord
from ansible_collections.eks_tools.eksctl.plugins.module_utils._recording.file import RecordingError, RecordingFile
from ansible_collections.eks_tools.eksctl.plugins.module_utils._recording.policy import apply_stop

NIGHT = "2026-11-27T21:30:00Z"


def recorded(**sizes):
    """A recording of nodegroups name=(desired, min, max), stopped at NIGHT."""
    return ClusterRecording({name: NodegroupRecord(Capacity(*triple), StopRecord(NIGHT, None, triple[0])) for name, triple in sizes.items()},
                            NIGHT)


def put(store, key, recording):
    return store.update(key, lambda held: apply_stop(held, recording, set(recording.nodegroups)))


def test_update_load_spend_roundtrip(tmp_path):
    path = tmp_path / "deep" / "recordings.json"
    store = RecordingFile(str(path))
    assert store.load("eu-north-1/demo") == EMPTY
    put(store, "eu-north-1/demo", recorded(a=(3, 2, 5), b=(1, 1, 2)))
    put(store, "us-east-1/other", recorded(x=(1, 0, 1)))
    assert store.load("eu-north-1/demo") == recorded(a=(3, 2, 5), b=(1, 1, 2))
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    document = json.loads(path.read_text())
    assert document["version"] == 1
    assert document["clusters"]["eu-north-1/demo"] == {"recorded_at": NIGHT, "nodegroups": {
        "a": {"desired_size": 3, "min_size": 2, "max_size": 5, "stopped_at": NIGHT, "instance_type": None, "nodes": 3},
        "b": {"desired_size": 1, "min_size": 1, "max_size": 2, "stopped_at": NIGHT, "instance_type": None, "nodes": 1}}}
    store.update("eu-north-1/demo", lambda held: held.without(["a"]))
    assert set(store.load("eu-north-1/demo").nodegroups) == {"b"}
    store.update("eu-north-1/demo", lambda held: held.without(["b"]))
    assert "eu-north-1/demo" not in json.loads(path.read_text())["clusters"]
    store.update("us-east-1/other", lambda held: held.without(["x"]))
    assert not path.exists()


def test_an_unreadable_file_is_never_overwritten(tmp_path):
    path = tmp_path / "recordings.json"
    path.write_text("{not json")
    with pytest.raises(RecordingError, match="cannot read the recording file"):
        put(RecordingFile(str(path)), "eu-north-1/demo", recorded(a=(1, 1, 1)))
    assert path.read_text() == "{not json"


def test_a_malformed_entry_is_reported_naming_the_nodegroup(tmp_path):
    path = tmp_path / "recordings.json"
    path.write_text(json.dumps({"version": 1, "clusters": {"r/c": {"nodegroups": {"a": {"desired_size": 1}}}}}))
    with pytest.raises(RecordingError, match=r"malformed entry for r/c: nodegroup\[a\] lacks min_size, max_size"):
        RecordingFile(str(path)).load("r/c")


@pytest.mark.parametrize("version, fragment", [
    (2, "has format version 2, written by a newer eks_tools.eksctl (this one reads version 1); upgrade the collection"),
    ("1", "has no valid format version ('1'); fix or move it"),
    (0, "has no valid format version (0)"),
    (True, "has no valid format version (True)"),
])
def test_a_file_of_another_format_version_is_refused_and_kept(tmp_path, version, fragment):
    path = tmp_path / "recordings.json"
    text = json.dumps({"version": version, "clusters": {"r/c": {"nodegroups": {"a": {"desired_size": 1, "min_size": 1, "max_size": 2}}}}})
    path.write_text(text)
    store = RecordingFile(str(path))
    for change in (lambda: store.load("r/c"), lambda: put(store, "r/c", recorded(b=(1, 1, 1))), lambda: store.update("r/c", lambda h: h.without("a"))):
        with pytest.raises(RecordingError) as raised:
            change()
        assert fragment in raised.value.msg
    assert path.read_text() == text


def test_a_file_without_a_version_is_read_as_version_1(tmp_path):
    path = tmp_path / "recordings.json"
    path.write_text(json.dumps({"clusters": {"r/c": {"nodegroups": {"a": {"desired_size": 1, "min_size": 1, "max_size": 2}}}}}))
    assert RecordingFile(str(path)).load("r/c").sizes() == {"a": Capacity(1, 1, 2)}


def test_a_ledger_field_that_cannot_be_read_leaves_the_sizes_readable(tmp_path):
    """The ledger never keeps a start from restoring: a broken stop time makes only the ledger unknown."""
    path = tmp_path / "recordings.json"
    path.write_text(json.dumps({"version": 1, "clusters": {"r/c": {"nodegroups": {
        "a": {"desired_size": 3, "min_size": 2, "max_size": 5, "stopped_at": "last night", "nodes": 3},
        "b": {"desired_size": 1, "min_size": 1, "max_size": 2, "stopped_at": NIGHT, "instance_type": None, "nodes": 1}}}}}))
    recording = RecordingFile(str(path)).load("r/c")
    assert recording.sizes() == {"a": Capacity(3, 2, 5), "b": Capacity(1, 1, 2)}
    assert recording.ledger() == {"b": StopRecord(NIGHT, None, 1)}


def test_parallel_writers_lose_nothing(tmp_path):
    store = RecordingFile(str(tmp_path / "recordings.json"))
    threads = [threading.Thread(target=put, args=(store, "r/c%d" % index, recorded(a=(index, 0, 50)))) for index in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for index in range(20):
        assert store.load("r/c%d" % index).sizes() == {"a": Capacity(index, 0, 50)}


def test_concurrent_stops_of_different_nodegroups_keep_both(tmp_path):
    """The second stop planned before the first wrote: the change is applied to what the file holds under the lock."""
    put(RecordingFile(str(tmp_path / "recordings.json")), "r/c", recorded(**{"ng-1": (3, 2, 5)}))
    merged = put(RecordingFile(str(tmp_path / "recordings.json")), "r/c", recorded(**{"ng-2": (1, 1, 3)}))
    assert merged.sizes() == {"ng-1": Capacity(3, 2, 5), "ng-2": Capacity(1, 1, 3)}


def test_a_lock_held_by_another_process_is_waited_for_and_loses_nothing(tmp_path):
    path = tmp_path / "recordings.json"
    put(RecordingFile(str(path)), "r/c", recorded(**{"ng-1": (3, 2, 5)}))
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
        recorder = threading.Thread(target=put, args=(RecordingFile(str(path)), "r/c", recorded(**{"ng-3": (2, 0, 4)})))
        recorder.start()
        recorder.join(0.5)
        assert recorder.is_alive(), "the change must wait for the lock"
        holder.stdin.write("go\n")
        holder.stdin.flush()
        recorder.join()
    finally:
        holder.communicate()
    assert RecordingFile(str(path)).load("r/c").sizes() == {"ng-1": Capacity(3, 2, 5), "ng-2": Capacity(1, 1, 3), "ng-3": Capacity(2, 0, 4)}


def test_waiting_for_the_lock_is_bounded_and_names_the_holder_and_the_lock_file(tmp_path):
    import fcntl

    path = tmp_path / "recordings.json"
    put(RecordingFile(str(path)), "r/c", recorded(a=(1, 1, 2)))
    fd = os.open(str(path) + ".lock", os.O_RDWR)
    os.write(fd, b"pid 4242 on awx-node")
    fcntl.flock(fd, fcntl.LOCK_EX)
    now = [0.0]
    store = RecordingFile(str(path), lock_timeout=3, clock=lambda: now[0], sleep=lambda seconds: now.__setitem__(0, now[0] + seconds))
    try:
        with pytest.raises(RecordingError) as raised:
            put(store, "r/c", recorded(b=(1, 1, 2)))
    finally:
        os.close(fd)
    assert raised.value.msg.startswith("the recording file %s stays locked by another run (pid 4242 on awx-node) after 3s" % path)
    assert raised.value.msg.endswith("(lock file %s.lock)" % path)
    assert 2.5 < now[0] <= 3


def test_a_fifo_is_refused_without_opening_it(tmp_path):
    """Reading a FIFO waits for a writer for ever: the store refuses it after a stat, in check mode too."""
    path = tmp_path / "recordings.json"
    os.mkfifo(str(path))
    with pytest.raises(RecordingError, match="is a FIFO; give recording_path a regular file"):
        RecordingFile(str(path)).load("r/c")


def test_a_symlinked_path_is_written_through(tmp_path):
    real = tmp_path / "real" / "recordings.json"
    real.parent.mkdir()
    real.write_text(json.dumps({"version": 1, "clusters": {}}))
    link = tmp_path / "link.json"
    link.symlink_to(real)
    put(RecordingFile(str(link)), "r/c", recorded(a=(1, 1, 2)))
    assert link.is_symlink()
    assert set(json.loads(real.read_text())["clusters"]["r/c"]["nodegroups"]) == {"a"}


def test_load_and_a_change_that_changes_nothing_create_nothing(tmp_path):
    path = tmp_path / "missing-dir" / "recordings.json"
    store = RecordingFile(str(path))
    assert store.load("r/c") == EMPTY
    store.update("r/c", lambda held: held.without(["a"]))
    assert not (tmp_path / "missing-dir").exists()
