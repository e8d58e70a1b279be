# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: preflight_rows
short_description: Report lines of the preflight of a stop or start
version_added: 1.0.0
description:
  - Turns the RV(eks_tools.eksctl.eks_nodegroup_scale#module:preflight) list of a check-mode stop or start into report lines
    (cluster, check, subject, problem), each followed by a line with its fix.
  - An empty list gives one line that says nothing was found.
options:
  _input:
    description: The RV(eks_tools.eksctl.eks_nodegroup_scale#module:preflight) list.
    type: list
    elements: dict
    required: true
  cluster:
    description: The cluster name for the first column.
    type: str
    required: true
  row_format:
    description: A C(%)-format with four fields.
    type: str
    default: "%-12s %-18s %-30s %s"
author:
  - eks_tools.eksctl contributors (@eks-tools)
"""

EXAMPLES = r"""
- name: Print the preflight of a stop as a table
  ansible.builtin.debug:
    msg: "{{ check_stop.preflight | eks_tools.eksctl.preflight_rows('demo') }}"
"""

RETURN = r"""
_value:
  description: Two lines per check (the problem, then its fix), or one line when there is none.
  type: list
  elements: str
"""

import typing as t

from ansible.errors import AnsibleFilterError

DEFAULT_FORMAT = "%-12s %-18s %-30s %s"
FIELDS = ("check", "subject", "problem", "fix")


def preflight_rows(checks: list[dict[str, t.Any]], cluster: str, row_format: str = DEFAULT_FORMAT) -> list[str]:
    """Two report lines per preflight check of eks_nodegroup_scale (what, then the fix); one line when there is none."""
    if not isinstance(checks, list) or not all(isinstance(check, dict) and all(field in check for field in FIELDS) for check in checks):
        raise AnsibleFilterError("preflight_rows expects the preflight list of eks_tools.eksctl.eks_nodegroup_scale, got %r" % (checks,))
    if not checks:
        return [row_format % (cluster, "-", "-", "nothing found: a stop or start would do what is expected")]
    rows = []
    for check in checks:
        rows.append(row_format % (cluster, check["check"], check["subject"], check["problem"]))
        rows.append(row_format % ("", "", "", "fix: " + check["fix"]))
    return rows


class FilterModule:
    def filters(self) -> dict[str, t.Callable[..., list[str]]]:
        return {"preflight_rows": preflight_rows}
