# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import typing as t

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase
from ansible.plugins.loader import lookup_loader
from ansible.utils.vars import load_extra_vars

from ansible_collections.eks_tools.eksctl.plugins.module_utils._errors import InvalidRequest
from ansible_collections.eks_tools.eksctl.plugins.plugin_utils import _inventory_sources
from ansible_collections.eks_tools.eksctl.plugins.plugin_utils._playbook_input import Inventory, check


class ActionModule(ActionBase):
    """Check the extra variables of the collection's playbooks (documented in plugins/modules/playbook_input.py)."""

    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("playbook",))

    def run(self, tmp: t.Any = None, task_vars: dict[str, t.Any] | None = None) -> dict[str, t.Any]:
        result = super().run(tmp, task_vars)
        task_vars = task_vars or {}
        # The command line's extra variables as ansible-core loaded them (-e NAME=VALUE, -e JSON, -e @FILE; AWX and
        # ansible-runner pass theirs as -e @env/extravars): never the inventory's or group_vars' variables.
        given = {str(name): self._templar.template(value) for name, value in load_extra_vars(self._loader).items()}
        inventory = Inventory(hosts=lambda pattern: self._hosts(pattern, task_vars),
                              unreadable=_inventory_sources.unreadable(),
                              sources_read=bool(_inventory_sources.read()) or bool(task_vars.get("groups", {}).get("all")))
        try:
            result["input"] = check(str(self._task.args.get("playbook")), given, inventory)
        except InvalidRequest as exc:
            raise AnsibleActionFail(exc.msg) from None
        result["changed"] = False
        return result

    def _hosts(self, pattern: str, task_vars: dict[str, t.Any]) -> list[str]:
        """The inventory hosts a pattern matches, as the play's ``hosts`` would (without --limit)."""
        lookup = lookup_loader.get("ansible.builtin.inventory_hostnames", loader=self._loader, templar=self._templar)
        return [str(host) for host in lookup.run([pattern], variables=task_vars)]
