# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: fleet_summary
short_description: One summary of a fleet stop or start
version_added: 1.0.0
description:
  - Turns the M(eks_tools.eksctl.eks_nodegroup_scale) results of every host of a fleet run (failed ones included) into one
    dictionary, for C(ansible.builtin.set_stats), so AWX can show it and notify on it.
  - A host with no result, or a failed one, counts as failed, with its message in C(failed_clusters).
options:
  _input:
    description: A dictionary of inventory host name to that host's M(eks_tools.eksctl.eks_nodegroup_scale) result.
    type: dict
    required: true
  state:
    description: The state the run asked for.
    type: str
    required: true
    choices: [stopped, started]
author:
  - eks_tools.eksctl contributors (@eks-tools)
"""

EXAMPLES = r"""
- name: Summarize the fleet run
  ansible.builtin.set_stats:
    data:
      eks_fleet: "{{ dict(ansible_play_hosts_all | zip(results)) | eks_tools.eksctl.fleet_summary('stopped') }}"
  run_once: true
"""

RETURN = r"""
_value:
  description:
    - C(state), C(clusters), the count of clusters V(stopped) (or V(started)), C(unchanged) and C(failed), the desired nodes
      of every nodegroup before (C(nodes_before)) and after (C(nodes_after)), C(failed_clusters), host name to message, and
      C(kept_stopped), host name to the nodegroups a start left stopped because nothing was recorded for them.
  type: dict
  sample: {"state": "stopped", "clusters": 3, "stopped": 2, "unchanged": 0, "failed": 1, "nodes_before": 14, "nodes_after": 0,
           "failed_clusters": {"dev-02.us-east-1": "Failed to scale nodegroup(s) web of cluster 'dev-02': ..."}, "kept_stopped": {}}
"""

import typing as t

from ansible.errors import AnsibleFilterError

OUTCOMES = {"stopped": "stopped", "started": "started"}


def _nodes(nodegroups: t.Any, side: str) -> int:
    total = 0
    for nodegroup in nodegroups if isinstance(nodegroups, list) else []:
        sizes = nodegroup.get(side) if isinstance(nodegroup, dict) else None
        if isinstance(sizes, dict) and isinstance(sizes.get("desired_size"), int):
            total += sizes["desired_size"]
    return total


def fleet_summary(results: dict[str, t.Any], state: str) -> dict[str, t.Any]:
    """One summary of a fleet run from each host's eks_nodegroup_scale result (a failed one included)."""
    if not isinstance(results, dict):
        raise AnsibleFilterError("fleet_summary expects a dictionary of host name to eks_nodegroup_scale result, got %r" % (results,))
    if state not in OUTCOMES:
        raise AnsibleFilterError("fleet_summary state must be stopped or started, got %r" % (state,))
    summary: dict[str, t.Any] = {"state": state, "clusters": len(results), OUTCOMES[state]: 0, "unchanged": 0, "failed": 0,
                                 "nodes_before": 0, "nodes_after": 0, "failed_clusters": {}, "kept_stopped": {}}
    for host, result in sorted(results.items()):
        result = result if isinstance(result, dict) else {}
        nodegroups = result.get("nodegroups")
        summary["nodes_before"] += _nodes(nodegroups, "before")
        summary["nodes_after"] += _nodes(nodegroups, "after")
        kept = [ng.get("name") for ng in nodegroups if isinstance(ng, dict) and ng.get("action") == "kept_stopped"] \
            if isinstance(nodegroups, list) else []
        if kept:
            summary["kept_stopped"][host] = kept
        if result.get("failed") or not result:
            summary["failed"] += 1
            summary["failed_clusters"][host] = str(result.get("msg") or "no result")
        elif result.get("changed"):
            summary[OUTCOMES[state]] += 1
        else:
            summary["unchanged"] += 1
    return summary


class FilterModule:
    def filters(self) -> dict[str, t.Callable[..., dict[str, t.Any]]]:
        return {"fleet_summary": fleet_summary}
