# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This plugin_utils file is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""The runner of controller-side plugins (the inventory plugin), which have no AnsibleModule and so no ``run_command``:
``subprocess``, with the same C locale, process group and timeout as ``ModuleRunner`` (``plugins/module_utils/_runner.py``).

``command_timeout`` bounds the whole call, whatever eksctl's children do: a child that left eksctl's process group (a
daemon a credential helper started, say) and holds the output pipes open is not waited for. Like ``run_command``, the
output is complete once eksctl has exited and its pipes have been quiet for a moment.
"""

from __future__ import annotations

import os
import selectors
import subprocess
import time

from ansible_collections.eks_tools.eksctl.plugins.module_utils._errors import EksctlNotFound
from ansible_collections.eks_tools.eksctl.plugins.module_utils._runner import C_LOCALE, CommandResult, kill_process_group, timeout_error

# How long the pipes must stay quiet after eksctl exited before what it printed counts as all of it (run_command waits 1 s).
QUIET = 0.5
READ_SIZE = 65536


class SubprocessRunner:
    """Runs eksctl with ``subprocess`` for controller-side plugins, which have no AnsibleModule."""

    def run(self, argv: list[str], env: dict[str, str], timeout: float) -> CommandResult:
        child_env = dict(os.environ)
        child_env.update(C_LOCALE)
        child_env.update(env)
        try:
            process = subprocess.Popen(argv, env=child_env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       start_new_session=True)
        except OSError as exc:
            raise EksctlNotFound("cannot execute eksctl at %s: %s" % (argv[0], exc.strerror or exc), cmd=list(argv)) from None
        try:
            stdout, stderr = _collect(process, time.monotonic() + timeout)
        except TimeoutError:
            # The whole group: a wrapper that does not exec would otherwise leave eksctl running.
            kill_process_group(process)
            process.wait()
            raise timeout_error(argv, timeout) from None
        finally:
            for pipe in (process.stdout, process.stderr):
                if pipe is not None:
                    pipe.close()
        return CommandResult(process.returncode, stdout, stderr)


def _collect(process: subprocess.Popen, deadline: float) -> tuple[str, str]:
    """Both output streams until they close, or until the process has exited and they stayed quiet for QUIET seconds;
    TimeoutError at the deadline."""
    chunks: dict[int, list[bytes]] = {}
    with selectors.DefaultSelector() as selector:
        for pipe in (process.stdout, process.stderr):
            if pipe is not None:
                selector.register(pipe, selectors.EVENT_READ)
                chunks[pipe.fileno()] = []
        while selector.get_map():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            events = selector.select(min(remaining, QUIET))
            if not events and process.poll() is not None:
                break
            for key, _mask in events:
                data = os.read(key.fd, READ_SIZE)
                if data:
                    chunks[key.fd].append(data)
                else:
                    selector.unregister(key.fileobj)
    remaining = deadline - time.monotonic()
    try:
        process.wait(timeout=max(remaining, 0.001))
    except subprocess.TimeoutExpired:
        raise TimeoutError from None
    stdout, stderr = (b"".join(chunks.get(pipe.fileno(), [])).decode("utf-8", errors="replace") if pipe is not None else ""
                      for pipe in (process.stdout, process.stderr))
    return stdout, stderr
