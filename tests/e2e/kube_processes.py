# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The child processes of the tier's control planes: loopback ports, starting, waiting, stopping by pid.

Every process is started through one long-lived thread with ``setpriv --pdeathsig TERM`` (when setpriv
exists), so none outlives a killed test run, and stopped by its own pid (SIGTERM, then SIGKILL), never by name.
"""

from __future__ import annotations

import os
import queue
import random
import shutil
import signal
import socket
import subprocess
import threading
import time
from typing import Callable, Iterable, Mapping

START_TIMEOUT = 60.0
_PORTS_TAKEN: set[int] = set()
_PORTS_LOCK = threading.Lock()


def free_port() -> int:
    """A free loopback port below the ephemeral range (so no outgoing connection takes it meanwhile)."""
    with _PORTS_LOCK:
        while True:
            port = random.randint(20000, 32000)
            if port in _PORTS_TAKEN:
                continue
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
                try:
                    probe.bind(("127.0.0.1", port))
                except OSError:
                    continue
            _PORTS_TAKEN.add(port)
            return port


class Launcher:
    """Starts child processes from one thread that lives as long as the test process.

    ``setpriv --pdeathsig`` ties a child to the thread that forked it: from a short-lived request thread
    the child would die with that thread, from this one it dies only with the test process.
    """

    def __init__(self) -> None:
        self._requests: queue.Queue = queue.Queue()
        self._wrapper = ["setpriv", "--pdeathsig", "TERM", "--"] if shutil.which("setpriv") else []
        threading.Thread(target=self._serve, name="process-launcher", daemon=True).start()

    def _serve(self) -> None:
        while True:
            argv, env, log, answer = self._requests.get()
            try:
                answer.put(subprocess.Popen(self._wrapper + argv, env=env, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True))
            except OSError as exc:
                answer.put(exc)

    def launch(self, argv: list[str], log_path: str, env: Mapping[str, str] | None = None) -> "Process":
        answer: queue.Queue = queue.Queue()
        with open(log_path, "ab") as log:
            self._requests.put((argv, dict(env or os.environ), log, answer))
            started = answer.get()
        if isinstance(started, Exception):
            raise started
        return Process(argv, started, log_path)


class Process:
    """A started child: stopped by its pid only."""

    def __init__(self, argv: list[str], popen: subprocess.Popen, log_path: str) -> None:
        self.argv = argv
        self.popen = popen
        self.log_path = log_path

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def log_tail(self, size: int = 3000) -> str:
        with open(self.log_path, "rb") as handle:
            handle.seek(max(0, os.path.getsize(self.log_path) - size))
            return handle.read().decode("utf-8", "replace")

    def terminate(self) -> None:
        if self.alive():
            os.kill(self.pid, signal.SIGTERM)

    def stop(self, grace: float = 10.0) -> None:
        self.terminate()
        try:
            self.popen.wait(grace)
        except subprocess.TimeoutExpired:
            os.kill(self.pid, signal.SIGKILL)
            self.popen.wait(10)


def stop_all(processes: Iterable[Process | None], grace: float = 10.0) -> None:
    """SIGTERM every process first, then wait for each (a stop costs the slowest, not the sum)."""
    started = [process for process in processes if process is not None]
    for process in started:
        process.terminate()
    for process in started:
        process.stop(grace)


def wait_until(what: str, ready: Callable[[], bool], process: Process, timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if not process.alive():
            raise RuntimeError("%s exited (rc %s):\n%s" % (what, process.popen.returncode, process.log_tail()))
        if time.monotonic() > deadline:
            raise RuntimeError("%s not ready after %.0f s:\n%s" % (what, timeout, process.log_tail()))
        time.sleep(0.05)
