# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The on-disk capacity snapshot."""

from __future__ import annotations

import json
import os
import threading

import pytest

from ansible_collections.eks_tools.eksctl.plugins.module_utils._planning import Capacity
from ansible_collections.eks_tools.eksctl.plugins.module_utils._snapshots import SnapshotError, SnapshotStore, snapshot_key


def test_record_load_forget_roundtrip(tmp_path):
    path = tmp_path / "deep" / "snap.json"
    store = SnapshotStore(str(path))
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
    store = SnapshotStore(str(path))
    with pytest.raises(SnapshotError, match="cannot read the capacity snapshot"):
        store.record("eu-north-1/demo", {"a": Capacity(1, 1, 1)})
    assert path.read_text() == "{not json"


def test_malformed_entry_is_reported(tmp_path):
    path = tmp_path / "snap.json"
    path.write_text(json.dumps({"version": 1, "clusters": {"r/c": {"nodegroups": {"a": {"desired_size": 1}}}}}))
    with pytest.raises(SnapshotError, match="malformed entry for nodegroup 'a'"):
        SnapshotStore(str(path)).load("r/c")


def test_parallel_writers_lose_nothing(tmp_path):
    store = SnapshotStore(str(tmp_path / "snap.json"))
    threads = [threading.Thread(target=store.record, args=("r/c%d" % index, {"a": Capacity(index, 0, 50)})) for index in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for index in range(20):
        assert store.load("r/c%d" % index) == {"a": Capacity(index, 0, 50)}


def test_snapshot_key():
    assert snapshot_key("eu-north-1", "demo") == "eu-north-1/demo"
    assert snapshot_key(None, "demo") == "default/demo"
