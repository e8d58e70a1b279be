# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This plugin_utils file is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""The runner of controller-side plugins (the inventory plugin), which have no AnsibleModule and so no ``run_command``:
``subprocess``, with the same C locale, process group and timeout as ``ModuleRunner`` (``plugins/module_utils/_runner.py``)."""

from __future__ import annotations

import os
import subprocess

from ansible_collections.eks_tools.eksctl.plugins.module_utils._errors import EksctlNotFound
from ansible_collections.eks_tools.eksctl.plugins.module_utils._runner import C_LOCALE, CommandResult, kill_process_group, timeout_error


class SubprocessRunner:
    """Runs eksctl with ``subprocess`` for controller-side plugins, which have no AnsibleModule."""

    def run(self, argv: list[str], env: dict[str, str], timeout: float) -> CommandResult:
        child_env = dict(os.environ)
        child_env.update(C_LOCALE)
        child_env.update(env)
        try:
            process = subprocess.Popen(argv, env=child_env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       text=True, encoding="utf-8", errors="replace", start_new_session=True)
        except OSError as exc:
            raise EksctlNotFound("cannot execute eksctl at %s: %s" % (argv[0], exc.strerror or exc), cmd=list(argv)) from None
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            # The whole group: a wrapper that does not exec would otherwise leave eksctl running.
            kill_process_group(process)
            process.communicate()
            raise timeout_error(argv, timeout) from None
        return CommandResult(process.returncode, stdout, stderr)
