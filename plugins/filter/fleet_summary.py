# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

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
                                 "nodes_before": 0, "nodes_after": 0, "failed_clusters": {}}
    if state == "started":
        summary.update(node_hours_avoided=0.0, estimated_saving=None, savings_partial=False)
    for host, result in sorted(results.items()):
        result = result if isinstance(result, dict) else {}
        if state == "started":
            _add_savings(summary, result)
        nodegroups = result.get("nodegroups")
        summary["nodes_before"] += _nodes(nodegroups, "before")
        summary["nodes_after"] += _nodes(nodegroups, "after")
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
