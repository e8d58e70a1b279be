# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The inventory plugin's runner: command_timeout bounds a call whatever eksctl's children do."""

from __future__ import annotations

import os
import signal
import time

import pytest

from ansible_collections.eks_tools.eksctl.plugins.module_utils._errors import CommandTimeout, EksctlNotFound
from ansible_collections.eks_tools.eksctl.plugins.plugin_utils._subprocess import SubprocessRunner


@pytest.fixture(name="detached")
def detached_fixture(tmp_path):
    """A shell snippet that starts a child in a session of its own which holds the output pipes for 45 s; killed afterwards by its pid."""
    pid_file = tmp_path / "detached.pid"
    yield "setsid sh -c 'echo $$ > %s; exec sleep 45' &" % pid_file
    for _attempt in range(50):
        if pid_file.exists() and pid_file.read_text().strip():
            os.kill(int(pid_file.read_text()), signal.SIGKILL)
            return
        time.sleep(0.1)


def timed(call):
    started = time.monotonic()
    try:
        return call(), time.monotonic() - started
    except CommandTimeout as exc:
        return exc, time.monotonic() - started


def test_output_exit_status_and_environment():
    result = SubprocessRunner().run(["sh", "-c", "echo out; echo $EXTRA $LC_ALL >&2; exit 3"], {"EXTRA": "extra"}, 5)
    assert (result.rc, result.stdout, result.stderr) == (3, "out\n", "extra C\n")


def test_a_detached_child_holding_the_output_is_not_waited_for(detached):
    result, elapsed = timed(lambda: SubprocessRunner().run(["sh", "-c", detached + " echo '[]'"], {}, 3))
    assert (result.rc, result.stdout) == (0, "[]\n")
    assert elapsed < 3


def test_a_call_that_hangs_with_a_detached_child_ends_at_its_timeout(detached):
    error, elapsed = timed(lambda: SubprocessRunner().run(["sh", "-c", detached + " sleep 30"], {}, 2))
    assert isinstance(error, CommandTimeout) and "command_timeout=2s" in error.msg
    assert elapsed < 5


def test_output_that_never_stops_ends_at_the_timeout():
    error, elapsed = timed(lambda: SubprocessRunner().run(["sh", "-c", "while true; do echo x; sleep 0.05; done"], {}, 1))
    assert isinstance(error, CommandTimeout) and elapsed < 4


def test_large_output_is_read_whole():
    result = SubprocessRunner().run(["sh", "-c", "head -c 2000000 /dev/zero | tr '\\0' a"], {}, 10)
    assert len(result.stdout) == 2000000


def test_a_missing_binary():
    with pytest.raises(EksctlNotFound):
        SubprocessRunner().run(["/nonexistent/eksctl"], {}, 1)
