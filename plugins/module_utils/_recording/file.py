# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils file is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""The recording file on the controller (``recording_path``): every cluster of the user, keyed ``<region>/<cluster>``.

* Reads take no lock: every write lands with an atomic rename, so a read sees the old file or the new one.
* Each change is a read-change-write under an exclusive lock, since forks of one run share the file; waiting for the
  lock is bounded, and the message names the lock file and the process that held it last.
* A file that cannot be read is never overwritten (it may hold the only copy of the sizes), and a file of a newer
  format is refused, never rewritten. A path that is not a regular file (a FIFO, a device) is refused without opening
  it, since a read would wait for ever. A symlinked path is written through, to the file it points at.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import socket
import stat
import tempfile
import time
import typing as t

from .._errors import EksctlError
from .document import EMPTY, ClusterRecording, from_document, to_document

# The file's format. A reader refuses a newer one rather than rewrite what it does not understand.
FORMAT_VERSION = 1
DEFAULT_PATH = "~/.ansible/eks_tools.eksctl/recordings.json"
LOCK_POLL = 0.2


class RecordingError(EksctlError):
    """A store of the recording cannot be read or written."""


def not_a_regular_file(path: str) -> str | None:
    """What the path is when it exists and is no regular file (following links), without opening it; None otherwise."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode):
        return None
    return "a directory" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode) else "not a regular file"


class RecordingFile:
    def __init__(self, path: str, *, lock_timeout: float = 300, sleep: t.Callable[[float], None] = time.sleep,
                 clock: t.Callable[[], float] = time.monotonic) -> None:
        self.path = path
        self.name = "the recording file %s" % path
        self.lock_timeout = lock_timeout
        self.sleep = sleep
        self.clock = clock

    def _target(self) -> str:
        # A symlinked recording_path is written through: the rename lands on the file it points at.
        return os.path.realpath(self.path)

    def _lock(self, lock_fd: int, lock_path: str) -> None:
        deadline = self.clock() + self.lock_timeout
        while True:
            try:
                fcntl.flock(lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
            if self.clock() + LOCK_POLL > deadline:
                with contextlib.suppress(OSError):
                    holder = os.pread(lock_fd, 200, 0).decode("utf-8", "replace").strip()
                raise RecordingError("%s stays locked by another run (%s) after %gs; let that run finish, then run again (lock file %s)"
                                     % (self.name, holder or "holder unknown", self.lock_timeout, lock_path))
            self.sleep(LOCK_POLL)

    @contextlib.contextmanager
    def _locked(self) -> t.Iterator[dict[str, t.Any]]:
        target = self._target()
        lock_path = target + ".lock"
        try:
            os.makedirs(os.path.dirname(target) or ".", mode=0o700, exist_ok=True)
            lock_fd = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o600)
        except OSError as exc:
            raise RecordingError("cannot open %s: %s" % (self.name, exc.strerror)) from None
        try:
            self._lock(lock_fd, lock_path)
            with contextlib.suppress(OSError):
                os.ftruncate(lock_fd, 0)
                os.pwrite(lock_fd, ("pid %d on %s" % (os.getpid(), socket.gethostname())).encode("utf-8"), 0)
            # Read under the lock: the write that follows is based on what no other writer can change meanwhile.
            yield self._read(target)
        finally:
            with contextlib.suppress(OSError):
                fcntl.flock(lock_fd, fcntl.LOCK_UN)
            os.close(lock_fd)

    def _read(self, target: str) -> dict[str, t.Any]:
        kind = not_a_regular_file(target)
        if kind:
            raise RecordingError("%s is %s; give recording_path a regular file" % (self.name, kind))
        try:
            with open(target, encoding="utf-8") as handle:
                document = json.load(handle)
        except FileNotFoundError:
            return {"version": FORMAT_VERSION, "clusters": {}}
        except (OSError, ValueError, RecursionError) as exc:
            # Never overwrite a recording we cannot read: it may hold the only copy of the sizes.
            raise RecordingError("cannot read %s (%s); fix or move it, or pass restore_capacity" % (self.name, exc)) from None
        if not isinstance(document, dict) or not isinstance(document.get("clusters"), dict):
            raise RecordingError("%s is not in the expected format; fix or move it" % self.name)
        # A hand-written file may lack the version: it is read as version 1, the only format there has been so far.
        version = document.get("version", FORMAT_VERSION)
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise RecordingError("%s has no valid format version (%r); fix or move it" % (self.name, version))
        if version > FORMAT_VERSION:
            raise RecordingError("%s has format version %d, written by a newer eks_tools.eksctl (this one reads version %d); "
                                 "upgrade the collection on this controller, or pass restore_capacity" % (self.name, version, FORMAT_VERSION))
        return document

    def _write(self, target: str, document: dict[str, t.Any]) -> None:
        if not document["clusters"]:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(target)
            return
        try:
            fd, temp = tempfile.mkstemp(prefix=".recordings-", dir=os.path.dirname(target) or ".")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(document, handle, indent=2, sort_keys=True)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, target)
        except OSError as exc:
            raise RecordingError("cannot write %s: %s" % (self.name, exc.strerror)) from None

    def _entry(self, document: dict[str, t.Any], key: str) -> ClusterRecording:
        entry = document["clusters"].get(key)
        if not entry:
            return EMPTY
        try:
            # A ledger field that cannot be read makes only the ledger unknown: it never keeps a start from restoring.
            return from_document(entry, strict_ledger=False)
        except ValueError as exc:
            raise RecordingError("%s has a malformed entry for %s: nodegroup%s" % (self.name, key, exc)) from None

    def load(self, key: str) -> ClusterRecording:
        """The cluster's recording. Creates nothing (no directory, no lock file), so check mode may call it."""
        return self._entry(self._read(self._target()), key)

    def update(self, key: str, change: t.Callable[[ClusterRecording], ClusterRecording]) -> ClusterRecording:
        """Apply ``change`` to the cluster's recording under the lock; returns what the file holds now. A cluster left with
        no nodegroup loses its entry, and the file goes when no cluster is left."""
        if not os.path.exists(self._target()) and change(EMPTY) == EMPTY:
            return EMPTY
        with self._locked() as document:
            before = self._entry(document, key)
            after = change(before)
            if after == before:
                return after
            document["version"] = FORMAT_VERSION
            if not after.empty:
                document["clusters"][key] = to_document(after)
            else:
                document["clusters"].pop(key, None)
            self._write(self._target(), document)
            return after
