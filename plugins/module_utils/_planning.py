# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils file is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""Pure planning: the nodegroups eksctl reported + a checked request -> per-nodegroup steps, or InvalidRequest.

Nothing here runs a process or touches a file, so all of it is unit-tested table-driven. The recording a stop
writes and a start spends is planned here too; ``_recording`` keeps it.
"""

from __future__ import annotations

import typing as t

from ._errors import InvalidRequest
from ._model import (
    ACTION_FALLBACK,
    ACTION_KEPT_STOPPED,
    ACTION_RESTORED,
    ACTION_SCALED,
    ACTION_STOPPED,
    ACTION_UNCHANGED,
    Capacity,
    Recording,
    Step,
    capacity_of,
)
from ._validation import EKSCTL_NODEGROUP_RULE, eksctl_can_scale


# --------------------------------------------------------------------------- selecting nodegroups


def select_nodegroups(nodegroups: list[dict[str, t.Any]], names: t.Sequence[str] | None, *, cluster: str) -> list[dict[str, t.Any]]:
    """The nodegroups a request names (all of them when ``names`` is empty), in eksctl's order."""
    if not names:
        return list(nodegroups)
    existing = {nodegroup["name"]: nodegroup for nodegroup in nodegroups}
    unknown = [name for name in names if name not in existing]
    if unknown:
        raise InvalidRequest("name: nodegroup(s) %s not found in cluster %r; it has: %s"
                             % (", ".join(repr(name) for name in unknown), cluster, ", ".join(sorted(existing)) or "no nodegroups"))
    wanted = set(names)
    return [nodegroup for nodegroup in nodegroups if nodegroup["name"] in wanted]


# --------------------------------------------------------------------------- plans


def refuse_unscalable(steps: list[Step], *, cluster: str) -> None:
    """No write starts when one of them would reach a nodegroup eksctl cannot scale.

    Only nodegroups that need a write count: one already at its target is never sent to eksctl.
    """
    blocked = [step.name for step in steps if step.changed and not eksctl_can_scale(step.name)]
    if blocked:
        raise InvalidRequest("cluster %r: eksctl cannot scale nodegroup(s) %s: it takes only letters, digits and '-' in a nodegroup name "
                             "(its rule %s); nothing was changed. Name the other nodegroups in name, and scale these with the EKS console "
                             "or API" % (cluster, ", ".join(repr(name) for name in blocked), EKSCTL_NODEGROUP_RULE))


def _conflict(name: str, requested: t.Mapping[str, int], current: Capacity, after: Capacity) -> str | None:
    """Explain a target that breaks min <= desired <= max because of a size the user did not give."""
    checks = (
        ("min_size", "max_size", after.min_size <= after.max_size),
        ("desired_size", "min_size", after.desired_size >= after.min_size),
        ("desired_size", "max_size", after.desired_size <= after.max_size),
    )
    for first, second, holds in checks:
        if holds:
            continue
        given, other = (first, second) if first in requested else (second, first)
        return ("%s=%d conflicts with the current %s %d of nodegroup %r (%s); add %s to the request"
                % (given, requested[given], other, getattr(current, other), name,
                   "min <= desired <= max must hold", other))
    if after.max_size < 1:
        return "nodegroup %r would end with max_size 0, which EKS rejects; add max_size to the request" % name
    return None


def plan_present(nodegroups: list[dict[str, t.Any]], requested: t.Mapping[str, int]) -> list[Step]:
    """Set the given sizes; the sizes not given are kept, and a no-op is no write."""
    steps = []
    for nodegroup in nodegroups:
        before = capacity_of(nodegroup)
        after = before._replace(**requested)
        if after == before:
            steps.append(Step(nodegroup["name"], nodegroup["type"], before, after, ACTION_UNCHANGED, {}))
            continue
        problem = _conflict(nodegroup["name"], requested, before, after)
        if problem:
            raise InvalidRequest(problem)
        steps.append(Step(nodegroup["name"], nodegroup["type"], before, after, ACTION_SCALED, dict(requested)))
    return steps


def plan_stop(nodegroups: list[dict[str, t.Any]], recorded: Recording) -> tuple[list[Step], Recording, list[str]]:
    """Desired and min to 0, max kept. Returns the steps and the capacity to record before writing.

    * A nodegroup that is running is recorded with its current sizes.
    * A nodegroup that is already stopped keeps its earlier recording, so a second stop after an
      interrupted one loses nothing.
    * A cluster whose selected nodegroups are all stopped records nothing new: zeros never
      replace a recording.
    * Otherwise a stopped nodegroup with no recording is recorded at zero, so that the start puts
      it back at zero (a pool kept at zero on purpose stays there) instead of guessing, and a
      warning says so: if it was running before an earlier, interrupted stop whose recording is
      lost, only the operator knows its sizes.
    """
    steps = []
    warnings = []
    snapshot = dict(recorded)
    running = any(not capacity_of(nodegroup).stopped for nodegroup in nodegroups)
    for nodegroup in nodegroups:
        before = capacity_of(nodegroup)
        if before.stopped:
            if running and nodegroup["name"] not in snapshot:
                snapshot[nodegroup["name"]] = before
                warnings.append("nodegroup %r was already stopped and had no recorded sizes; it is recorded at zero, so a start leaves it "
                                "stopped (give its sizes in restore_capacity if it ran before an earlier, interrupted stop)" % nodegroup["name"])
            steps.append(Step(nodegroup["name"], nodegroup["type"], before, before, ACTION_UNCHANGED, {}))
            continue
        snapshot[nodegroup["name"]] = before
        after = Capacity(0, 0, before.max_size)
        steps.append(Step(nodegroup["name"], nodegroup["type"], before, after, ACTION_STOPPED, {"desired_size": 0, "min_size": 0}))
    return steps, snapshot, warnings


def plan_start(nodegroups: list[dict[str, t.Any]], recorded: Recording, *, cluster: str,
               start_unrecorded: bool = True) -> tuple[list[Step], list[str]]:
    """Stopped nodegroups go back to their recorded capacity; without one, to desired max(min, 1), or, with
    ``start_unrecorded`` false, they stay stopped (a cluster that was stopped before the stop that recorded the others)."""
    steps = []
    warnings = []
    for nodegroup in nodegroups:
        name = nodegroup["name"]
        before = capacity_of(nodegroup)
        target = recorded.get(name)
        if target == before or before.desired_size > 0:
            if target is not None and target != before:
                warnings.append("nodegroup %r of cluster %r is already running with desired/min/max %d/%d/%d, not the recorded %d/%d/%d; "
                                "it was left as it is" % (name, cluster, before.desired_size, before.min_size, before.max_size,
                                                          target.desired_size, target.min_size, target.max_size))
            steps.append(Step(name, nodegroup["type"], before, before, ACTION_UNCHANGED, {}))
        elif target is not None:
            steps.append(Step(name, nodegroup["type"], before, target, ACTION_RESTORED, target.as_dict()))
        elif not start_unrecorded:
            warnings.append("no recorded capacity for nodegroup %r of cluster %r; it was kept stopped (start_unrecorded=false)" % (name, cluster))
            steps.append(Step(name, nodegroup["type"], before, before, ACTION_KEPT_STOPPED, {}))
        else:
            desired = max(before.min_size, 1)
            if desired > before.max_size:
                raise InvalidRequest("nodegroup %r of cluster %r is stopped with max_size %d and no recorded capacity; give its sizes in "
                                     "restore_capacity" % (name, cluster, before.max_size))
            warnings.append("no recorded capacity for nodegroup %r of cluster %r; started it with desired_size %d (max(min_size, 1)), "
                            "min_size %d, max_size %d" % (name, cluster, desired, before.min_size, before.max_size))
            steps.append(Step(name, nodegroup["type"], before, before._replace(desired_size=desired), ACTION_FALLBACK,
                              {"desired_size": desired}))
    return steps, warnings
