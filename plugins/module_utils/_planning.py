# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils file is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""Pure planning: current capacity + request -> per-nodegroup steps, or InvalidRequest.

Nothing here runs a process or touches a file, so all of it is unit-tested table-driven.
"""

from __future__ import annotations

import re
import typing as t

from ._errors import InvalidRequest
from ._parsing import nodegroup_has_failed, nodegroup_is_busy, nodegroup_is_ready

SIZE_OPTIONS = ("desired_size", "min_size", "max_size")

# EKS: a cluster name is 1-100 characters, a nodegroup name 1-63; both start with a letter or
# digit and continue with letters, digits, hyphens and underscores. Refusing anything else up
# front also guarantees that no name can be read by eksctl as a flag or by anything as shell.
NAME_PATTERN = re.compile(r"[0-9A-Za-z][A-Za-z0-9_-]*")
NAME_LIMITS = {"cluster": 100, "nodegroup": 63}
# eksctl's own rule for the nodegroup it scales: it validates the name after its AWS calls, so a
# nodegroup made by Terraform or the console with "_" in its name can be read but never scaled.
# Its message quotes the pattern below, but the check it runs (IsInvalidNameArg) only refuses
# characters other than letters, digits and "-"; that check is the one mirrored here.
EKSCTL_NODEGROUP_RULE = "[a-zA-Z][-a-zA-Z0-9]*"
EKSCTL_NODEGROUP_PATTERN = re.compile(r"[a-zA-Z0-9-]+")
# Matched whole (fullmatch: "$" would accept a trailing newline) and in ASCII ("\d" would accept any Unicode digit).
REGION_PATTERN = re.compile(r"[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}")
REGION_LIMIT = 32
# EKS and Auto Scaling take sizes as 32-bit integers.
SIZE_LIMIT = 2 ** 31 - 1

ACTION_SCALED = "scaled"
ACTION_UNCHANGED = "unchanged"
ACTION_STOPPED = "stopped"
ACTION_RESTORED = "restored"
ACTION_FALLBACK = "started_with_fallback"


class Capacity(t.NamedTuple):
    desired_size: int
    min_size: int
    max_size: int

    def as_dict(self) -> dict[str, int]:
        return {"desired_size": self.desired_size, "min_size": self.min_size, "max_size": self.max_size}

    @property
    def stopped(self) -> bool:
        return self.desired_size == 0 and self.min_size == 0


class Step(t.NamedTuple):
    """What happens to one nodegroup. ``send`` holds the sizes to pass to ``eksctl scale``; empty means no write."""

    name: str
    type: str
    before: Capacity
    after: Capacity
    action: str
    send: dict[str, int]

    @property
    def changed(self) -> bool:
        return bool(self.send)


def capacity_of(nodegroup: dict[str, t.Any]) -> Capacity:
    return Capacity(nodegroup["desired_size"], nodegroup["min_size"], nodegroup["max_size"])


# --------------------------------------------------------------------------- input validation


def validate_name(value: t.Any, *, option: str, kind: str) -> str:
    """Return the name, or raise InvalidRequest naming the option."""
    limit = NAME_LIMITS[kind]
    if not isinstance(value, str) or not value:
        raise InvalidRequest("%s must be a non-empty %s name" % (option, kind))
    if len(value) > limit:
        raise InvalidRequest("%s must be at most %d characters long, got %d" % (option, limit, len(value)))
    if not NAME_PATTERN.fullmatch(value):
        raise InvalidRequest("%s=%r is not a valid EKS %s name: use letters, digits, '-' and '_', starting with a letter or digit"
                             % (option, value, kind))
    return value


def eksctl_can_scale(name: str) -> bool:
    return bool(EKSCTL_NODEGROUP_PATTERN.fullmatch(name))


def validate_scalable_name(value: t.Any, *, option: str) -> str:
    """A nodegroup name the user asks to scale: a valid EKS name that eksctl's scale also accepts."""
    name = validate_name(value, option=option, kind="nodegroup")
    if not eksctl_can_scale(name):
        raise InvalidRequest("%s=%r: eksctl cannot scale this nodegroup: it takes only letters, digits and '-' in a nodegroup name (its rule "
                             "%s); scale it with the EKS console or API" % (option, name, EKSCTL_NODEGROUP_RULE))
    return name


def validate_region(value: t.Any, *, option: str = "region") -> str:
    if not isinstance(value, str) or len(value) > REGION_LIMIT or not REGION_PATTERN.fullmatch(value):
        shown = value if not isinstance(value, str) or len(value) <= REGION_LIMIT else value[:REGION_LIMIT] + "..."
        raise InvalidRequest("%s=%r is not an AWS region name (for example eu-north-1)" % (option, shown))
    return value


def validate_sizes(sizes: dict[str, int | None], *, option_prefix: str = "") -> dict[str, int]:
    """Check the sizes a user gave against each other; returns only the given ones."""
    given = {key: value for key, value in sizes.items() if value is not None}
    for key, value in given.items():
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidRequest("%s%s must be an integer, got %r" % (option_prefix, key, value))
        if value < 0:
            raise InvalidRequest("%s%s must be 0 or greater, got %d" % (option_prefix, key, value))
        if value > SIZE_LIMIT:
            raise InvalidRequest("%s%s must be at most %d, got a larger number" % (option_prefix, key, SIZE_LIMIT))
    desired, minimum, maximum = (given.get(key) for key in SIZE_OPTIONS)
    if maximum is not None and maximum < 1:
        raise InvalidRequest("%smax_size must be at least 1 (EKS rejects a maximum of 0); to stop nodegroups use state=stopped" % option_prefix)
    if minimum is not None and maximum is not None and minimum > maximum:
        raise InvalidRequest("%smin_size (%d) must not be greater than max_size (%d)" % (option_prefix, minimum, maximum))
    if desired is not None and minimum is not None and desired < minimum:
        raise InvalidRequest("%sdesired_size (%d) must not be below min_size (%d)" % (option_prefix, desired, minimum))
    if desired is not None and maximum is not None and desired > maximum:
        raise InvalidRequest("%sdesired_size (%d) must not be above max_size (%d)" % (option_prefix, desired, maximum))
    return given


def validate_restore_capacity(value: t.Any, *, option: str = "restore_capacity") -> dict[str, Capacity]:
    """``restore_capacity`` must map nodegroup names to complete, consistent size triples."""
    if not isinstance(value, dict):
        raise InvalidRequest("%s must be a dictionary of nodegroup name to {desired_size, min_size, max_size}" % option)
    restored = {}
    for name, entry in value.items():
        validate_name(name, option="%s key" % option, kind="nodegroup")
        prefix = "%s[%s]." % (option, name)
        if not isinstance(entry, dict):
            raise InvalidRequest("%s[%s] must be a dictionary with desired_size, min_size and max_size" % (option, name))
        unknown = sorted(set(entry) - set(SIZE_OPTIONS))
        missing = [key for key in SIZE_OPTIONS if entry.get(key) is None]
        if unknown:
            raise InvalidRequest("%s[%s] has unknown keys: %s" % (option, name, ", ".join(unknown)))
        if missing:
            raise InvalidRequest("%s[%s] lacks %s" % (option, name, ", ".join(missing)))
        sizes = validate_sizes({key: entry[key] for key in SIZE_OPTIONS}, option_prefix=prefix)
        restored[name] = Capacity(sizes["desired_size"], sizes["min_size"], sizes["max_size"])
    return restored


# --------------------------------------------------------------------------- selecting nodegroups


def select_nodegroups(nodegroups: list[dict[str, t.Any]], names: list[str] | None, *, cluster: str) -> list[dict[str, t.Any]]:
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


def _conflict(name: str, requested: dict[str, int], current: Capacity, after: Capacity) -> str | None:
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


def plan_present(nodegroups: list[dict[str, t.Any]], requested: dict[str, int]) -> list[Step]:
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


def plan_stop(nodegroups: list[dict[str, t.Any]], recorded: dict[str, Capacity]) -> tuple[list[Step], dict[str, Capacity], list[str]]:
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


def plan_start(nodegroups: list[dict[str, t.Any]], recorded: dict[str, Capacity]) -> tuple[list[Step], list[str]]:
    """Stopped nodegroups go back to their recorded capacity, or to desired max(min, 1) without one."""
    steps = []
    warnings = []
    for nodegroup in nodegroups:
        name = nodegroup["name"]
        before = capacity_of(nodegroup)
        target = recorded.get(name)
        if target == before or before.desired_size > 0:
            if target is not None and target != before:
                warnings.append("nodegroup %r is already running with desired/min/max %d/%d/%d, not the recorded %d/%d/%d; it was left as it is"
                                % ((name,) + tuple(before) + tuple(target)))
            steps.append(Step(name, nodegroup["type"], before, before, ACTION_UNCHANGED, {}))
        elif target is not None:
            steps.append(Step(name, nodegroup["type"], before, target, ACTION_RESTORED, target.as_dict()))
        else:
            desired = max(before.min_size, 1)
            if desired > before.max_size:
                raise InvalidRequest("nodegroup %r is stopped with max_size %d and no recorded capacity; give its sizes in restore_capacity"
                                     % (name, before.max_size))
            warnings.append("no recorded capacity for nodegroup %r; started it with desired_size %d (max(min_size, 1)), min_size %d, max_size %d"
                            % (name, desired, before.min_size, before.max_size))
            steps.append(Step(name, nodegroup["type"], before, before._replace(desired_size=desired), ACTION_FALLBACK,
                              {"desired_size": desired}))
    return steps, warnings


# --------------------------------------------------------------------------- status


CLUSTER_BUSY_STATUSES = frozenset(("CREATING", "UPDATING", "DELETING", "PENDING"))


def summarize_status(nodegroups: list[dict[str, t.Any]], cluster_status: str | None = None) -> dict[str, t.Any]:
    """Aggregate nodegroup statuses into ``status_summary``.

    A self-managed nodegroup in a settled stack status (CREATE_COMPLETE, UPDATE_COMPLETE and the two
    rolled-back ones) is ready; a nodegroup at desired 0
    is stopped, not running, whatever its status.
    """
    total = len(nodegroups)
    stopped = sum(1 for ng in nodegroups if ng["desired_size"] == 0 and nodegroup_is_ready(ng["status"]))
    running = sum(1 for ng in nodegroups if ng["desired_size"] > 0 and nodegroup_is_ready(ng["status"]))
    failed = any(nodegroup_has_failed(ng["status"]) for ng in nodegroups)
    busy = any(nodegroup_is_busy(ng["status"]) for ng in nodegroups)
    if cluster_status == "FAILED" or failed:
        phase = "degraded"
    elif cluster_status in CLUSTER_BUSY_STATUSES or busy:
        phase = "updating"
    elif total == 0:
        phase = "empty"
    elif stopped == total:
        phase = "stopped"
    elif running == total:
        phase = "running"
    else:
        phase = "partial"
    return {
        "phase": phase,
        "ready": total > 0 and running == total,
        "nodegroups_total": total,
        "nodegroups_ready": running,
        "nodegroups_stopped": stopped,
        "desired_nodes": sum(ng["desired_size"] for ng in nodegroups),
    }
