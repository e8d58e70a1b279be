# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils file is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""Pure planning: the nodegroups eksctl reported + a checked request -> per-nodegroup steps, or InvalidRequest.

Nothing here runs a process or touches a file, so all of it is unit-tested table-driven. What a stop records and a
start spends is the recording's own (``_recording.policy``).
"""

from __future__ import annotations

import typing as t

from ._errors import InvalidRequest
from ._model import (
    ACTION_FALLBACK,
    ACTION_KEPT_STOPPED,
    ACTION_RESTORED,
    ACTION_SCALED,
    ACTION_SKIPPED,
    ACTION_STOPPED,
    ACTION_UNCHANGED,
    Capacity,
    Recording,
    Step,
    capacity_of,
)
from ._failures import UNSCALABLE_FIX, UNSCALABLE_RULE, eksctl_can_scale


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


def _skipped(nodegroup: dict[str, t.Any], before: Capacity) -> Step:
    return Step(nodegroup["name"], nodegroup["type"], before, before, ACTION_SKIPPED, {},
                "%s; %s" % (UNSCALABLE_RULE, UNSCALABLE_FIX))


def plan_stop(nodegroups: list[dict[str, t.Any]]) -> list[Step]:
    """Desired and min to 0, max kept (EKS refuses a maximum of 0). A nodegroup already stopped is left as it is, and one
    eksctl cannot scale (a name with "_") is skipped with the reason: the others are still stopped."""
    steps = []
    for nodegroup in nodegroups:
        before = capacity_of(nodegroup)
        if before.stopped:
            steps.append(Step(nodegroup["name"], nodegroup["type"], before, before, ACTION_UNCHANGED, {}))
        elif not eksctl_can_scale(nodegroup["name"]):
            steps.append(_skipped(nodegroup, before))
        else:
            steps.append(Step(nodegroup["name"], nodegroup["type"], before, Capacity(0, 0, before.max_size), ACTION_STOPPED,
                              {"desired_size": 0, "min_size": 0}))
    return steps


def plan_start(nodegroups: list[dict[str, t.Any]], recorded: Recording, *, cluster: str, start_unrecorded: bool = True,
               given: t.Collection[str] = ()) -> tuple[list[Step], list[str]]:
    """Stopped nodegroups go back to their recorded sizes; without any, to desired max(min, 1), or, with ``start_unrecorded``
    false, they stay stopped. A nodegroup already running is left as it is, unless its sizes were ``given`` in
    restore_capacity: then the user asked for exactly those sizes."""
    steps = []
    warnings = []
    for nodegroup in nodegroups:
        name = nodegroup["name"]
        before = capacity_of(nodegroup)
        target = recorded.get(name)
        running_as_asked = before.desired_size > 0 and not (name in given and target is not None)
        stays_stopped = target is not None and target.stopped and before.stopped  # recorded as found stopped: left so
        if target == before or running_as_asked or stays_stopped:
            if target is not None and target != before and not target.stopped:
                warnings.append("nodegroup %r of cluster %r is already running with desired/min/max %d/%d/%d, not the recorded %d/%d/%d; "
                                "it was left as it is" % (name, cluster, before.desired_size, before.min_size, before.max_size,
                                                          target.desired_size, target.min_size, target.max_size))
            steps.append(Step(name, nodegroup["type"], before, before, ACTION_UNCHANGED, {}))
        elif not eksctl_can_scale(name):
            steps.append(_skipped(nodegroup, before))
        elif target is not None:
            steps.append(Step(name, nodegroup["type"], before, target, ACTION_RESTORED, target.as_dict()))
        elif not start_unrecorded:
            steps.append(Step(name, nodegroup["type"], before, before, ACTION_KEPT_STOPPED, {},
                              "stopped, and no recording of it anywhere (start_unrecorded=false)"))
        else:
            desired = max(before.min_size, 1)
            if desired > before.max_size:
                raise InvalidRequest("nodegroup %r of cluster %r is stopped with max_size %d and no recording; give its sizes in "
                                     "restore_capacity" % (name, cluster, before.max_size))
            warnings.append("no recording of nodegroup %r of cluster %r; started it with desired_size %d (max(min_size, 1)), "
                            "min_size %d, max_size %d" % (name, cluster, desired, before.min_size, before.max_size))
            steps.append(Step(name, nodegroup["type"], before, before._replace(desired_size=desired), ACTION_FALLBACK,
                              {"desired_size": desired}))
    return steps, warnings
