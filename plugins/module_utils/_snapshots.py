# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils file is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""The on-disk capacity snapshot: the sizes a stop recorded, for the start that follows.

One JSON file holds every cluster, keyed ``<region>/<cluster>``. Each change is a
read-modify-write under an exclusive lock (parallel forks share the file) and lands with an
atomic rename, so a crash leaves either the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import json
import os
import tempfile
import typing as t

from ._errors import EksctlError
from ._planning import SIZE_OPTIONS, Capacity

FORMAT_VERSION = 1


class SnapshotError(EksctlError):
    """The snapshot file cannot be read or written."""


def snapshot_key(region: str | None, cluster: str) -> str:
    return "%s/%s" % (region or "default", cluster)


def capacities_to_dict(capacities: dict[str, Capacity]) -> dict[str, dict[str, int]]:
    return {name: capacity.as_dict() for name, capacity in sorted(capacities.items())}


def capacities_from_dict(data: dict[str, t.Any], *, source: str) -> dict[str, Capacity]:
    capacities = {}
    for name, entry in data.items():
        try:
            capacities[name] = Capacity(*(int(entry[key]) for key in SIZE_OPTIONS))
        except (KeyError, TypeError, ValueError):
            raise SnapshotError("%s has a malformed entry for nodegroup %r: %r" % (source, name, entry)) from None
    return capacities


class SnapshotStore:
    def __init__(self, path: str) -> None:
        self.path = path

    @contextlib.contextmanager
    def _locked(self) -> t.Iterator[dict[str, t.Any]]:
        directory = os.path.dirname(self.path) or "."
        try:
            os.makedirs(directory, mode=0o700, exist_ok=True)
            lock_fd = os.open(self.path + ".lock", os.O_CREAT | os.O_RDWR, 0o600)
        except OSError as exc:
            raise SnapshotError("cannot open the capacity snapshot %s: %s" % (self.path, exc.strerror)) from None
        try:
            fcntl.flock(lock_fd, fcntl.LOCK_EX)
            yield self._read()
        finally:
            fcntl.flock(lock_fd, fcntl.LOCK_UN)
            os.close(lock_fd)

    def _read(self) -> dict[str, t.Any]:
        try:
            with open(self.path, encoding="utf-8") as handle:
                document = json.load(handle)
        except FileNotFoundError:
            return {"version": FORMAT_VERSION, "clusters": {}}
        except (OSError, ValueError) as exc:
            # Never overwrite a snapshot we cannot read: it may hold the only copy of the sizes.
            raise SnapshotError("cannot read the capacity snapshot %s (%s); fix or move it, or pass restore_capacity" % (self.path, exc)) from None
        if not isinstance(document, dict) or not isinstance(document.get("clusters"), dict):
            raise SnapshotError("the capacity snapshot %s is not in the expected format; fix or move it" % self.path)
        return document

    def _write(self, document: dict[str, t.Any]) -> None:
        if not document["clusters"]:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path)
            return
        directory = os.path.dirname(self.path) or "."
        try:
            fd, temp = tempfile.mkstemp(prefix=".capacity-", dir=directory)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(document, handle, indent=2, sort_keys=True)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, self.path)
        except OSError as exc:
            raise SnapshotError("cannot write the capacity snapshot %s: %s" % (self.path, exc.strerror)) from None

    def load(self, key: str) -> dict[str, Capacity]:
        with self._locked() as document:
            entry = document["clusters"].get(key) or {}
        return capacities_from_dict(entry.get("nodegroups") or {}, source=self.path)

    def record(self, key: str, capacities: dict[str, Capacity]) -> None:
        """Store the cluster's recorded capacity (the whole set the stop planned, never zeros)."""
        with self._locked() as document:
            document["clusters"][key] = {
                "recorded_at": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "nodegroups": capacities_to_dict(capacities),
            }
            self._write(document)

    def forget(self, key: str, names: t.Iterable[str]) -> None:
        """Drop restored nodegroups; the cluster's entry, then the file, go when empty."""
        with self._locked() as document:
            entry = document["clusters"].get(key)
            if not entry:
                return
            for name in names:
                entry["nodegroups"].pop(name, None)
            if not entry["nodegroups"]:
                del document["clusters"][key]
            self._write(document)
