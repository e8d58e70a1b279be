# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils file is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""The one seam through which eksctl is executed.

A runner takes an argv list (never a shell string), the variables to add to the child's
environment and a timeout, and returns ``(rc, stdout, stderr)``. Modules use ``ModuleRunner``
(backed by ``AnsibleModule.run_command``); the inventory plugin, which has no module, uses
``SubprocessRunner`` (``plugins/plugin_utils/_subprocess.py``, controller side); unit tests pass a fake.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import typing as t

from ._errors import CommandTimeout, EksctlNotFound

if t.TYPE_CHECKING:
    from ansible.module_utils.basic import AnsibleModule

# eksctl is a Go program and ignores the locale, but whatever it runs (credential_process
# helpers, for instance) should speak plainly too.
C_LOCALE = {"LANG": "C", "LC_ALL": "C", "LC_MESSAGES": "C"}


# eksctl runs as the leader of a new process group, so a timeout kills whatever it started too (a wrapper
# script that does not exec, credential helpers). run_command cannot start a new session itself, so a tiny
# Python prelude does, then execs eksctl: the process is eksctl, with the argv given.
SESSION_PRELUDE = (
    "import os, sys\n"
    "os.setsid()\n"
    "try:\n"
    "    os.execv(sys.argv[1], sys.argv[1:])\n"
    "except OSError as exc:\n"
    "    sys.stderr.write('cannot execute eksctl at %s: %s\\n' % (sys.argv[1], exc.strerror))\n"
    "    sys.exit(127)\n"
)
EXEC_FAILED = "cannot execute eksctl at "


def in_own_process_group(argv: list[str]) -> list[str]:
    return [sys.executable, "-c", SESSION_PRELUDE] + list(argv)


def kill_process_group(process: subprocess.Popen) -> None:
    """Kill the child's whole process group; the child alone if its group does not exist yet."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except OSError:
        with contextlib.suppress(OSError):
            process.kill()


class CommandResult(t.NamedTuple):
    rc: int
    stdout: str
    stderr: str


class Runner(t.Protocol):
    def run(self, argv: list[str], env: dict[str, str], timeout: float) -> CommandResult:
        """Run argv with env added to the current environment; raise CommandTimeout past timeout seconds."""


def timeout_error(argv: list[str], timeout: float) -> CommandTimeout:
    return CommandTimeout("eksctl did not finish within command_timeout=%gs and was killed: %s" % (timeout, " ".join(argv)),
                          cmd=list(argv), timeout=timeout)


class ModuleRunner:
    """Runs eksctl through ``AnsibleModule.run_command`` with a kill timer.

    ``run_command`` has no timeout of its own; a timer started from its
    ``before_communicate_callback`` kills the child, which closes its pipes and ends the read loop.
    ``run_command`` keeps no per-call state on the module, so calls may run in parallel threads.
    """

    def __init__(self, module: AnsibleModule) -> None:
        self.module = module

    def run(self, argv: list[str], env: dict[str, str], timeout: float) -> CommandResult:
        expired = threading.Event()
        timers: list[threading.Timer] = []

        def arm(process: subprocess.Popen) -> None:
            def kill() -> None:
                expired.set()
                kill_process_group(process)

            timer = threading.Timer(timeout, kill)
            timer.daemon = True
            timers.append(timer)
            timer.start()

        try:
            # expand_user_and_vars=False: argv carries user strings ("$HOME", "~") that must reach eksctl as they are.
            rc, stdout, stderr = self.module.run_command(
                in_own_process_group(argv), environ_update=dict(C_LOCALE, **env), before_communicate_callback=arm,
                handle_exceptions=False, expand_user_and_vars=False)
        except OSError as exc:
            raise EksctlNotFound("cannot execute eksctl at %s: %s" % (argv[0], exc.strerror or exc), cmd=list(argv)) from None
        finally:
            for timer in timers:
                timer.cancel()
        if expired.is_set():
            raise timeout_error(argv, timeout)
        if rc == 127 and stderr.startswith(EXEC_FAILED):
            raise EksctlNotFound(stderr.strip(), cmd=list(argv))
        return CommandResult(rc, stdout, stderr)
