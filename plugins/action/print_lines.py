# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import typing as t

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

display = Display()


class ActionModule(ActionBase):
    """Print lines as plain text on the controller (documented in plugins/modules/print_lines.py)."""

    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("lines", "verbosity"))

    def run(self, tmp: t.Any = None, task_vars: dict[str, t.Any] | None = None) -> dict[str, t.Any]:
        result = super().run(tmp, task_vars)
        result["changed"] = False
        lines = self._task.args.get("lines")
        if isinstance(lines, str):
            lines = lines.splitlines()
        if not isinstance(lines, list):
            raise AnsibleActionFail("print_lines: lines must be a list of strings or a string, got %s" % type(lines).__name__)
        try:
            verbosity = int(self._task.args.get("verbosity", 0))
        except (TypeError, ValueError):
            raise AnsibleActionFail("print_lines: verbosity must be an integer, got %r" % (self._task.args.get("verbosity"),)) from None
        if display.verbosity < verbosity:
            result["printed"] = 0
            return result
        text = [str(line) for line in lines]
        if text:
            display.display("\n".join(text))
        result["printed"] = len(text)
        return result
