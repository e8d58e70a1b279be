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
  - For a start it also sums the savings ledger of every host (RV(eks_tools.eksctl.eks_nodegroup_scale#module:savings.total)),
    so a notification can say how many node-hours the stop avoided and, when the start was given prices, about how much it saved.
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

- name: Say what the night saved, after a start
  ansible.builtin.debug:
    msg: >-
      {{ summary.started }} cluster(s) started; the night stop saved {{ summary.node_hours_avoided }} node-hours
      {{- ' (about %.2f)' % summary.estimated_saving if summary.estimated_saving is not none else '' }}
  vars:
    summary: "{{ dict(ansible_play_hosts_all | zip(results)) | eks_tools.eksctl.fleet_summary('started') }}"
  run_once: true
"""

RETURN = r"""
_value:
  description:
    - C(state), C(clusters), the count of clusters V(stopped) (or V(started)), C(unchanged) and C(failed), the desired nodes
      of every nodegroup before (C(nodes_before)) and after (C(nodes_after)), C(failed_clusters), host name to message, and
      C(kept_stopped), host name to the nodegroups a start left stopped because nothing was recorded for them.
    - For V(started) also C(node_hours_avoided), the sum of the hosts' node-hours avoided (2 decimals), C(estimated_saving), the
      sum of their estimated savings (V(null) when no host was given prices), and C(savings_partial), V(true) when a host's
      figures leave out a nodegroup (no recorded stop time, or no price for its instance type).
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


def _number(value: t.Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _add_savings(summary: dict[str, t.Any], result: dict[str, t.Any]) -> None:
    """A start's savings ledger totals (a failed start's too: the nodegroups it restored were stopped all the same)."""
    savings = result.get("savings")
    total = savings.get("total") if isinstance(savings, dict) else None
    if not isinstance(total, dict):
        return
    summary["node_hours_avoided"] += _number(total.get("node_hours_avoided")) or 0.0
    saving = _number(total.get("estimated_saving"))
    if saving is not None:
        summary["estimated_saving"] = (summary["estimated_saving"] or 0.0) + saving
    summary["savings_partial"] = summary["savings_partial"] or bool(total.get("partial"))


def fleet_summary(results: dict[str, t.Any], state: str) -> dict[str, t.Any]:
    """One summary of a fleet run from each host's eks_nodegroup_scale result (a failed one included)."""
    if not isinstance(results, dict):
        raise AnsibleFilterError("fleet_summary expects a dictionary of host name to eks_nodegroup_scale result, got %r" % (results,))
    if state not in OUTCOMES:
        raise AnsibleFilterError("fleet_summary state must be stopped or started, got %r" % (state,))
    summary: dict[str, t.Any] = {"state": state, "clusters": len(results), OUTCOMES[state]: 0, "unchanged": 0, "failed": 0,
                                 "nodes_before": 0, "nodes_after": 0, "failed_clusters": {}, "kept_stopped": {}}
    if state == "started":
        summary.update(node_hours_avoided=0.0, estimated_saving=None, savings_partial=False)
    for host, result in sorted(results.items()):
        result = result if isinstance(result, dict) else {}
        if state == "started":
            _add_savings(summary, result)
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
    if state == "started":
        summary["node_hours_avoided"] = round(summary["node_hours_avoided"], 2)
        if summary["estimated_saving"] is not None:
            summary["estimated_saving"] = round(summary["estimated_saving"], 2)
    return summary


class FilterModule:
    def filters(self) -> dict[str, t.Callable[..., dict[str, t.Any]]]:
        return {"fleet_summary": fleet_summary}
