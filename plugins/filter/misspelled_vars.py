# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: misspelled_vars
short_description: Variable names that look like a misspelling of the ones a playbook takes
version_added: 1.0.0
description:
  - Given the names of the variables defined for a host (for example from the P(ansible.builtin.varnames#lookup) lookup) and
    the names a playbook takes, returns each defined name that is not one of them but is close to one, with the name it is
    close to, so a playbook can fail on C(-e clustr=demo) instead of ignoring it.
  - Close means a similarity ratio of at least O(cutoff), as Python's C(difflib) measures it.
options:
  _input:
    description: The names of the variables that are defined.
    type: list
    elements: str
    required: true
  known:
    description: The names the playbook takes.
    type: list
    elements: str
    required: true
  cutoff:
    description: The least similarity, from V(0) to V(1), for a name to count as a misspelling.
    type: float
    default: 0.8
author:
  - eks_tools.eksctl contributors (@eks-tools)
"""

EXAMPLES = r"""
- name: Fail on a misspelled variable
  ansible.builtin.assert:
    that: misspelled | length == 0
    fail_msg: "Unknown variable(s): {{ misspelled | join(', ') }}"
  vars:
    misspelled: "{{ lookup('ansible.builtin.varnames', '.+', wantlist=True) | eks_tools.eksctl.misspelled_vars(['cluster', 'region']) }}"
"""

RETURN = r"""
_value:
  description: One C(<name> (did you mean <known>?)) per misspelled name, sorted.
  type: list
  elements: str
  sample: ["clustr (did you mean cluster?)"]
"""

import difflib
import typing as t

from ansible.errors import AnsibleFilterError


def misspelled_vars(names: list[str], known: list[str], cutoff: float = 0.8) -> list[str]:
    """Each name that is not known but close to a known one, with the known name it is close to."""
    if not isinstance(names, list) or not isinstance(known, list):
        raise AnsibleFilterError("misspelled_vars expects a list of names and a list of known names, got %r and %r" % (names, known))
    if not 0 <= float(cutoff) <= 1:
        raise AnsibleFilterError("misspelled_vars cutoff must be between 0 and 1, got %r" % (cutoff,))
    wanted = [str(name) for name in known]
    found = []
    for name in sorted({str(name) for name in names} - set(wanted)):
        close = difflib.get_close_matches(name, wanted, n=1, cutoff=float(cutoff))
        if close:
            found.append("%s (did you mean %s?)" % (name, close[0]))
    return found


class FilterModule:
    def filters(self) -> dict[str, t.Callable[..., list[str]]]:
        return {"misspelled_vars": misspelled_vars}
