# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: capacity_rows
short_description: Report lines of a cluster's nodegroups and sizes
version_added: 1.0.0
description:
  - Turns one cluster returned by M(eks_tools.eksctl.eks_cluster_info) into one formatted line per nodegroup
    (cluster, region, phase, nodegroup, type, status, desired, min, max), for readable reports.
  - A cluster without nodegroups gives one line with C(-) in the nodegroup columns.
options:
  _input:
    description: A cluster as returned in RV(eks_tools.eksctl.eks_cluster_info#module:clusters).
    type: dict
    required: true
  row_format:
    description: A C(%)-format with nine fields.
    type: str
    default: "%-12s %-12s %-8s %-10s %-9s %-15s %7s %4s %4s"
author:
  - eks_tools.eksctl contributors (@eks-tools)
"""

EXAMPLES = r"""
- name: Print a table of one cluster's nodegroups
  ansible.builtin.debug:
    msg: "{{ info.clusters | map('eks_tools.eksctl.capacity_rows') | flatten }}"
"""

RETURN = r"""
_value:
  description: One line per nodegroup.
  type: list
  elements: str
"""

import typing as t

from ansible.errors import AnsibleFilterError

DEFAULT_FORMAT = "%-12s %-12s %-8s %-10s %-9s %-15s %7s %4s %4s"


def capacity_rows(cluster: dict[str, t.Any], row_format: str = DEFAULT_FORMAT) -> list[str]:
    """One report line per nodegroup of a cluster returned by eks_cluster_info."""
    if not isinstance(cluster, dict) or "name" not in cluster:
        raise AnsibleFilterError("capacity_rows expects a cluster from eks_tools.eksctl.eks_cluster_info, got %r" % (cluster,))
    phase = (cluster.get("status_summary") or {}).get("phase", "-")
    nodegroups = cluster.get("nodegroups") or []
    if not nodegroups:
        return [row_format % (cluster["name"], cluster.get("region") or "-", phase, "-", "-", "-", "-", "-", "-")]
    return [row_format % (cluster["name"], cluster.get("region") or "-", phase, ng["name"], ng["type"], ng["status"],
                          ng["desired_size"], ng["min_size"], ng["max_size"]) for ng in nodegroups]


class FilterModule:
    def filters(self) -> dict[str, t.Callable[..., list[str]]]:
        return {"capacity_rows": capacity_rows}
