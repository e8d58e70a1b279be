# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""Pure: the lines a person reads about one scale, stop or start (``summary_lines`` in the result), and the lines of a wait."""

from __future__ import annotations

import typing as t

VERBS = {"present": "scaled", "stopped": "stopped", "started": "started"}


def _sizes(capacity: t.Mapping[str, int]) -> str:
    return "%d/%d/%d" % (capacity["desired_size"], capacity["min_size"], capacity["max_size"])


def summary_lines(cluster: str, region: str | None, state: str, nodegroups: list[dict[str, t.Any]], *,
                  check_mode: bool = False) -> list[str]:
    """One line for the cluster, then one per nodegroup: desired/min/max before -> after, and what happened."""
    changed = [ng for ng in nodegroups if ng.get("changed")]
    before = sum(ng["before"]["desired_size"] for ng in nodegroups)
    after = sum(ng["after"]["desired_size"] for ng in nodegroups)
    head = "cluster %s%s %s: %d of %d nodegroup(s) %s, desired nodes %d -> %d" % (
        cluster, " (%s)" % region if region else "", "would be " + VERBS[state] if check_mode else VERBS[state],
        len(changed), len(nodegroups), "would change" if check_mode else "changed", before, after)
    width = max([len(ng["name"]) for ng in nodegroups] + [9])
    lines = [head]
    for ng in nodegroups:
        lines.append("  %-*s  desired/min/max %s -> %s  %s%s" % (
            width, ng["name"], _sizes(ng["before"]), _sizes(ng["after"]), ng["action"],
            ": %s" % ng["error"] if ng.get("error") else ""))
    return lines


def wait_line(poll: int, elapsed: float, pending: list[str]) -> str:
    """One poll of a wait: what is still pending, or that every nodegroup is ready."""
    if pending:
        return "wait poll %d after %.0fs: pending %s" % (poll, elapsed, ", ".join(pending))
    return "wait poll %d after %.0fs: every changed nodegroup is ready at its new sizes" % (poll, elapsed)


def wait_summary(polls: int, elapsed: float) -> str:
    return "waited %.0fs, %d poll(s): every changed nodegroup is ready at its new sizes" % (elapsed, polls)
