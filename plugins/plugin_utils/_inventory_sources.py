# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This plugin_utils file is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""Which sources of the eks_clusters inventory plugin this controller process read, and why the others could not be read.

ansible-core turns a source that no plugin could parse into a warning (unless ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED is
set) and goes on with the other sources, so a playbook cannot tell half a fleet from the whole one. The plugin records
each source here as it parses it; the playbooks' input check (``playbook_input``) reads it and fails on any source that
could not be read. The inventory is parsed in the controller process before any play, and ansible-core runs each task in a
worker forked from it (``ansible.utils.multiprocessing`` uses the ``fork`` context), so the worker sees what was recorded.
"""

from __future__ import annotations

# source path -> None when it was read, else why it could not be
_SOURCES: dict[str, str | None] = {}


def record(source: str, problem: str | None) -> None:
    _SOURCES[source] = problem


def unreadable() -> dict[str, str]:
    return {source: problem for source, problem in _SOURCES.items() if problem is not None}


def read() -> list[str]:
    return sorted(source for source, problem in _SOURCES.items() if problem is None)
