# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils file is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""The recorded sizes of stopped nodegroups: their key, how recordings merge, the host fact's
shape, and the on-disk capacity snapshot. This file is the one owner of all of it; the role
and the playbooks only pass the values through.

* The key of a cluster is ``<region>/<cluster>``, with the region the module resolved (its
  option, the environment, or the cluster's ARN when eksctl took it from the profile).
* Recordings merge per nodegroup, the first source that has a nodegroup winning: an explicit
  ``restore_capacity``, then the host fact ``eks_recordings``, then the file. A stop
  records only the nodegroups it found running (a nodegroup already at zero keeps its earlier
  recording: the first stop wins), and a start removes only the nodegroups it started.
* The fact is ``{"<region>/<cluster>": {"<nodegroup>": {desired_size, min_size, max_size, stopped_at,
  instance_type, nodes}}}`` for every cluster a host handled; a cluster with nothing recorded has no key.
* Beside its sizes, a nodegroup's entry holds what the stop recorded for the savings ledger (``_ledger``): the
  time of the stop, the instance type and the node count. It travels with the sizes everywhere (file, fact,
  merges) and is spent with them. A recording made before the ledger has no such fields and is still read
  (format version 1 either way); its ledger is unknown. A ledger field in the file that cannot be read makes
  only the ledger unknown: it never keeps a start from restoring the sizes.
* The file holds every cluster of the user. Reads take no lock (every write lands with an
  atomic rename, so a read sees the old file or the new one); each change is a
  read-merge-write under an exclusive lock (parallel forks share the file), so two stops of
  different nodegroups of one cluster both keep their recordings. A symlinked path is written
  through, to the file it points at.
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
from ._ledger import stop_record_from_dict
from ._model import SIZE_OPTIONS, Capacity, Ledger, Recording, StopRecord

Value = t.TypeVar("Value", Capacity, StopRecord)

# The file's format. A reader refuses a newer one rather than rewrite what it does not understand.
FORMAT_VERSION = 1
DEFAULT_RECORDING_PATH = "~/.ansible/eks_tools.eksctl/recordings.json"


class RecordingError(EksctlError):
    """The snapshot file cannot be read or written."""


def recording_key(region: str | None, cluster: str) -> str:
    return "%s/%s" % (region or "default", cluster)


def capacities_to_dict(capacities: t.Mapping[str, Capacity]) -> dict[str, dict[str, int]]:
    return {name: capacity.as_dict() for name, capacity in sorted(capacities.items())}


def entries_to_dict(recording: t.Mapping[str, Capacity], ledger: t.Mapping[str, StopRecord] | None = None) -> dict[str, dict[str, t.Any]]:
    """Recorded nodegroups as the file and the fact keep them: the sizes, and the ledger fields when there are any."""
    entries: dict[str, dict[str, t.Any]] = capacities_to_dict(recording)
    for name, entry in entries.items():
        if ledger and name in ledger:
            entry.update(ledger[name].as_dict())
    return entries


def ledger_from_dict(data: t.Mapping[str, t.Any]) -> Ledger:
    """The ledger fields of recorded nodegroups; a nodegroup whose fields are absent or cannot be read has none."""
    ledger: Ledger = {}
    for name, entry in data.items():
        try:
            stop = stop_record_from_dict(entry) if isinstance(entry, dict) else None
        except ValueError:
            stop = None
        if stop is not None:
            ledger[name] = stop
    return ledger


def capacities_from_dict(data: dict[str, t.Any], *, source: str) -> dict[str, Capacity]:
    capacities = {}
    for name, entry in data.items():
        try:
            capacities[name] = Capacity(*(int(entry[key]) for key in SIZE_OPTIONS))
        except (KeyError, TypeError, ValueError, OverflowError):
            raise RecordingError("%s has a malformed entry for nodegroup %r: %r" % (source, name, entry)) from None
    return capacities


# --------------------------------------------------------------------------- merging recordings (pure)


def merge_recordings(*sources: t.Mapping[str, Value]) -> dict[str, Value]:
    """One recording (or ledger) from several: per nodegroup, the first source that has it wins."""
    merged: dict[str, Value] = {}
    for source in sources:
        for name, capacity in source.items():
            merged.setdefault(name, capacity)
    return merged


def without(recording: t.Mapping[str, Capacity], names: t.Iterable[str]) -> Recording:
    """The recording less the nodegroups a start has spent."""
    spent = set(names)
    return {name: capacity for name, capacity in recording.items() if name not in spent}


def recording_from_facts(snapshots: t.Mapping[str, Recording] | None, key: str) -> Recording:
    return dict((snapshots or {}).get(key) or {})


def facts_with(snapshots: t.Mapping[str, Recording] | None, key: str, recording: t.Mapping[str, Capacity],
               ledgers: t.Mapping[str, Ledger] | None = None, ledger: Ledger | None = None) -> dict[str, dict[str, dict[str, t.Any]]]:
    """The fact ``eks_recordings``: every cluster of ``snapshots`` (with its ledger from ``ledgers``), and ``key``
    set to ``recording`` with the entries of ``ledger`` for its nodegroups (dropped when empty)."""
    facts = {other: entries_to_dict(entry, (ledgers or {}).get(other)) for other, entry in sorted((snapshots or {}).items()) if other != key}
    if recording:
        facts[key] = entries_to_dict(recording, ledger)
    return dict(sorted(facts.items()))


# --------------------------------------------------------------------------- the file


class RecordingFile:
    def __init__(self, path: str) -> None:
        self.path = path

    def _target(self) -> str:
        # A symlinked recording_path is written through: the rename lands on the file it points at.
        return os.path.realpath(self.path)

    @contextlib.contextmanager
    def _locked(self) -> t.Iterator[dict[str, t.Any]]:
        target = self._target()
        directory = os.path.dirname(target) or "."
        try:
            os.makedirs(directory, mode=0o700, exist_ok=True)
            lock_fd = os.open(target + ".lock", os.O_CREAT | os.O_RDWR, 0o600)
        except OSError as exc:
            raise RecordingError("cannot open the capacity snapshot %s: %s" % (self.path, exc.strerror)) from None
        try:
            fcntl.flock(lock_fd, fcntl.LOCK_EX)
            # Read under the lock: the write that follows is based on what no other writer can change meanwhile.
            yield self._read(target)
        finally:
            fcntl.flock(lock_fd, fcntl.LOCK_UN)
            os.close(lock_fd)

    def _read(self, target: str) -> dict[str, t.Any]:
        try:
            with open(target, encoding="utf-8") as handle:
                document = json.load(handle)
        except FileNotFoundError:
            return {"version": FORMAT_VERSION, "clusters": {}}
        except (OSError, ValueError, RecursionError) as exc:
            # Never overwrite a snapshot we cannot read: it may hold the only copy of the sizes.
            raise RecordingError("cannot read the capacity snapshot %s (%s); fix or move it, or pass restore_capacity" % (self.path, exc)) from None
        if not isinstance(document, dict) or not isinstance(document.get("clusters"), dict):
            raise RecordingError("the capacity snapshot %s is not in the expected format; fix or move it" % self.path)
        # A hand-written file may lack the version: it is read as version 1, the only format there has been so far.
        version = document.get("version", FORMAT_VERSION)
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise RecordingError("the capacity snapshot %s has no valid format version (%r); fix or move it" % (self.path, version))
        if version > FORMAT_VERSION:
            raise RecordingError("the capacity snapshot %s has format version %d, written by a newer eks_tools.eksctl (this one reads version %d); "
                                "upgrade the collection on this controller, or pass restore_capacity" % (self.path, version, FORMAT_VERSION))
        return document

    def _write(self, target: str, document: dict[str, t.Any]) -> None:
        if not document["clusters"]:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(target)
            return
        directory = os.path.dirname(target) or "."
        try:
            fd, temp = tempfile.mkstemp(prefix=".capacity-", dir=directory)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(document, handle, indent=2, sort_keys=True)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, target)
        except OSError as exc:
            raise RecordingError("cannot write the capacity snapshot %s: %s" % (self.path, exc.strerror)) from None

    @staticmethod
    def _entry(document: dict[str, t.Any], key: str, source: str) -> tuple[Recording, Ledger]:
        entry = document["clusters"].get(key) or {}
        if not isinstance(entry, dict) or not isinstance(entry.get("nodegroups") or {}, dict):
            raise RecordingError("%s has a malformed entry for %r" % (source, key))
        nodegroups = entry.get("nodegroups") or {}
        return capacities_from_dict(nodegroups, source=source), ledger_from_dict(nodegroups)

    def load(self, key: str) -> Recording:
        """The cluster's recording. Creates nothing (no directory, no lock file), so check mode may call it."""
        return self.load_entry(key)[0]

    def load_entry(self, key: str) -> tuple[Recording, Ledger]:
        """The cluster's recording and its ledger entries, in one read that creates nothing."""
        return self._entry(self._read(self._target()), key, self.path)

    def record(self, key: str, fresh: t.Mapping[str, Capacity], planned: t.Mapping[str, Capacity] | None = None,
               ledger: Ledger | None = None) -> tuple[Recording, Ledger]:
        """Record a stop under the lock and return the cluster's whole recording and ledger as the file now holds them.

        ``fresh`` are the nodegroups this stop found running, with their current sizes (they replace any
        older recording); ``planned`` is what the stop planned to record for the rest, which fills in only
        the nodegroups the file has no recording of (the first stop wins, even a concurrent one). ``ledger``
        holds the stop's ledger entries; each nodegroup keeps the entry of the source its sizes came from.
        """
        given = ledger or {}
        with self._locked() as document:
            target = self._target()
            on_file, on_file_ledger = self._entry(document, key, self.path)
            recording = merge_recordings(fresh, on_file, planned or {})
            kept = {name: (given if name in fresh or name not in on_file else on_file_ledger).get(name) for name in recording}
            recorded_ledger = {name: stop for name, stop in kept.items() if stop is not None}
            document["clusters"][key] = {
                "recorded_at": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "nodegroups": entries_to_dict(recording, recorded_ledger),
            }
            self._write(target, document)
        return recording, recorded_ledger

    def forget(self, key: str, names: t.Iterable[str]) -> None:
        """Drop the nodegroups a start has spent; the cluster's entry, then the file, go when empty."""
        if not os.path.exists(self._target()):
            return
        with self._locked() as document:
            entry = document["clusters"].get(key)
            if not entry:
                return
            for name in names:
                entry["nodegroups"].pop(name, None)
            if not entry["nodegroups"]:
                del document["clusters"][key]
            self._write(self._target(), document)
