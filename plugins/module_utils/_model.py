# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils file is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""The ground floor: the collection's value types and status rules. It imports nothing of the collection's own,
so every other file can build on it.

* ``Capacity``: a nodegroup's desired/min/max sizes; ``Step``: what a plan does to one nodegroup; ``Outcome``:
  what happened to it; ``StopRecord``: what a stop recorded of a nodegroup for the savings ledger.
* ``ScaleRequest`` and ``InfoRequest``: a module's options, checked and typed once (see ``_validation``).
* How nodegroup statuses count: ready, busy or failed.
"""

from __future__ import annotations

import typing as t

SIZE_OPTIONS = ("desired_size", "min_size", "max_size")

STATES = ("present", "stopped", "started")

ACTION_SCALED = "scaled"
ACTION_UNCHANGED = "unchanged"
ACTION_STOPPED = "stopped"
ACTION_RESTORED = "restored"
ACTION_FALLBACK = "started_with_fallback"
ACTION_KEPT_STOPPED = "kept_stopped"  # stopped, nothing recorded, and start_unrecorded=false
ACTION_SKIPPED = "skipped"  # eksctl cannot scale it (a name with "_"): the others are stopped or started all the same
ACTION_FAILED = "failed"
ACTION_NOT_ATTEMPTED = "not_attempted"


class Capacity(t.NamedTuple):
    desired_size: int
    min_size: int
    max_size: int

    def as_dict(self) -> dict[str, int]:
        return {"desired_size": self.desired_size, "min_size": self.min_size, "max_size": self.max_size}

    @property
    def stopped(self) -> bool:
        return self.desired_size == 0 and self.min_size == 0


Recording = t.Dict[str, Capacity]


class StopRecord(t.NamedTuple):
    """What a stop recorded of one nodegroup for the savings ledger: when (UTC, ``YYYY-MM-DDTHH:MM:SSZ``), its instance
    type as eksctl printed it (None when eksctl printed none), and its node count (its desired size when stopped)."""

    stopped_at: str
    instance_type: str | None
    nodes: int

    def as_dict(self) -> dict[str, t.Any]:
        return {"stopped_at": self.stopped_at, "instance_type": self.instance_type, "nodes": self.nodes}


# Per nodegroup, beside a Recording: a nodegroup without an entry has an unknown ledger (recorded before there was one).
Ledger = t.Dict[str, StopRecord]


def capacity_of(nodegroup: t.Mapping[str, t.Any]) -> Capacity:
    return Capacity(nodegroup["desired_size"], nodegroup["min_size"], nodegroup["max_size"])


Nodegroups = t.List[t.Dict[str, t.Any]]


class Step(t.NamedTuple):
    """What happens to one nodegroup. ``send`` holds the sizes to pass to ``eksctl scale``; empty means no write.
    ``reason`` says why a nodegroup is skipped or kept as it is."""

    name: str
    type: str
    before: Capacity
    after: Capacity
    action: str
    send: dict[str, int]
    reason: str | None = None

    @property
    def changed(self) -> bool:
        return bool(self.send)


class Outcome(t.NamedTuple):
    """What happened to one nodegroup: the plan's step until a write fails, is not attempted or does not hold."""

    name: str
    type: str
    before: Capacity
    after: Capacity
    changed: bool
    action: str
    error: str | None = None
    rc: int | None = None
    stderr: str | None = None
    reason: str | None = None

    @classmethod
    def planned(cls, step: Step) -> Outcome:
        return cls(step.name, step.type, step.before, step.after, step.changed, step.action, reason=step.reason)

    def as_dict(self) -> dict[str, t.Any]:
        shown: dict[str, t.Any] = {"name": self.name, "type": self.type, "before": self.before.as_dict(), "after": self.after.as_dict(),
                                   "changed": self.changed, "action": self.action}
        shown.update((key, value) for key, value in (("reason", self.reason), ("error", self.error), ("rc", self.rc),
                                                     ("stderr", self.stderr)) if value is not None)
        return shown


class Plan(t.NamedTuple):
    """What one read of the cluster and the request decided: the nodegroups read, those the request selects, the region
    and recording key of the cluster, the steps, and the warnings of the planning."""

    nodegroups: Nodegroups
    selected: Nodegroups
    region: str
    key: str
    steps: list[Step]
    warnings: list[str]

    def changing(self) -> list[Step]:
        return [step for step in self.steps if step.changed]


class ScaleRequest(t.NamedTuple):
    """``eks_nodegroup_scale``'s request, checked. ``names`` empty means the whole cluster; ``sizes`` holds only the sizes given.
    Where the recording comes from and is kept is the recording keeper's (``_recording.keeper``), built from the options."""

    cluster: str
    state: str = "present"
    names: tuple[str, ...] = ()
    sizes: t.Mapping[str, int] = {}
    restore_names: tuple[str, ...] = ()  # the nodegroups whose sizes restore_capacity gives
    hourly_prices: t.Mapping[str, float] | None = None
    recording_max_age: float = 72
    wait: bool = False
    wait_timeout: float = 1200
    wait_sleep: float = 10
    diff: bool = False
    start_unrecorded: bool = True
    autoscalers: str = "ignore"  # or "pause": what a stop does to cluster-autoscaler and Karpenter (``_kubernetes``)


class InfoRequest(t.NamedTuple):
    """``eks_cluster_info``'s request, checked."""

    name: str | None = None
    details: bool = False
    all_regions: bool = False
    kubernetes: bool = False


# --------------------------------------------------------------------------- statuses

# Managed nodegroups report the EKS NodegroupStatus; self-managed ones report their CloudFormation stack status,
# which is never ACTIVE. The settled stack statuses are eksctl's own (``nonTransitionalReadyStackStatuses``): a stack
# whose last update rolled back is settled, and its Auto Scaling group scales normally, since a scale does not touch
# the stack.
READY_STATUSES = frozenset(("ACTIVE", "CREATE_COMPLETE", "UPDATE_COMPLETE", "ROLLBACK_COMPLETE", "UPDATE_ROLLBACK_COMPLETE"))
# IMPORT_ROLLBACK_COMPLETE is not in eksctl's settled list; eksctl never imports nodegroup stacks, so a stack in it
# was changed outside eksctl, and it counts as failed rather than as busy for ever.
FAILED_STATUSES = frozenset(("DEGRADED", "CREATE_FAILED", "DELETE_FAILED", "UPDATE_FAILED", "ROLLBACK_FAILED",
                             "UPDATE_ROLLBACK_FAILED", "IMPORT_ROLLBACK_FAILED", "IMPORT_ROLLBACK_COMPLETE"))
CLUSTER_BUSY_STATUSES = frozenset(("CREATING", "UPDATING", "DELETING", "PENDING"))


def nodegroup_is_ready(status: str) -> bool:
    return status in READY_STATUSES


def nodegroup_has_failed(status: str) -> bool:
    return status in FAILED_STATUSES or status.endswith("_FAILED")


def nodegroup_is_busy(status: str) -> bool:
    return not nodegroup_is_ready(status) and not nodegroup_has_failed(status)
