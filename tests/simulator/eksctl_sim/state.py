# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The state file (seeded on first use, read and written under a lock) and the call log beside it."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os

from .seed import seed_state

SECRET_VARIABLES = ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ACCESS_KEY_ID")
LOGGED_VARIABLES = SECRET_VARIABLES + ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_CONFIG_FILE")


class StateFile:
    """The JSON state, read and written under an exclusive lock."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._lock_fd: int | None = None

    def __enter__(self) -> dict:
        self._lock_fd = os.open(self.path + ".lock", os.O_CREAT | os.O_RDWR, 0o600)
        fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
        if os.path.exists(self.path):
            with open(self.path, encoding="utf-8") as handle:
                self.state = json.load(handle)
        else:
            self.state = seed_state()
        return self.state

    def save(self) -> None:
        temp = "%s.%d.tmp" % (self.path, os.getpid())
        # Compact, in one C-encoded string: every call writes the state under the lock, and at a hundred clusters an
        # indented dump (Python's encoder) made the lock, not the latency knob, the pace of a fleet run.
        with open(temp, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(self.state, separators=(",", ":")))
        os.replace(temp, self.path)

    def __exit__(self, *exc_info: object) -> None:
        if self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None


def read_state(path: str) -> dict:
    with StateFile(path) as state:
        return json.loads(json.dumps(state))


def write_state(path: str, state: dict) -> None:
    handle = StateFile(path)
    with handle:
        handle.state = state
        handle.save()


def log_path_for(state_path: str) -> str:
    return os.environ.get("EKSCTL_SIM_LOG") or state_path + ".log"


def read_log(state_path: str, log_path: str | None = None) -> list[dict]:
    """Every call in start order, with ``end`` and ``rc`` merged in once the call finished."""
    path = log_path or log_path_for(state_path)
    if not os.path.exists(path):
        return []
    calls: list[dict] = []
    by_pid: dict[int, dict] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            entry = json.loads(line)
            if "argv" in entry:
                calls.append(entry)
                by_pid[entry["pid"]] = entry
            elif entry.get("pid") in by_pid:
                by_pid[entry["pid"]].update(entry)
    return calls


def mask(value: str) -> str:
    return "***sha256:%s" % hashlib.sha256(value.encode("utf-8")).hexdigest()[:12]


def log_call(state_path: str, argv: list[str], environ: dict[str, str], started: float) -> None:
    seen = {}
    for name in LOGGED_VARIABLES:
        if name in environ:
            seen[name] = mask(environ[name]) if name in SECRET_VARIABLES else environ[name]
    append_log(state_path, {"argv": argv, "env": seen, "pid": os.getpid(), "start": started})


def append_log(state_path: str, entry: dict) -> None:
    line = json.dumps(entry, sort_keys=True) + "\n"
    fd = os.open(log_path_for(state_path), os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o600)
    try:
        os.write(fd, line.encode("utf-8"))
    finally:
        os.close(fd)
