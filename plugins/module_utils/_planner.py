# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils file is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""The scaler's first phase: read the cluster and its recording, and plan. While a nodegroup that needs a write is busy, it
waits and reads again (EKS answers 409 to a scale while a nodegroup is UPDATING); check mode reads once and predicts, and its
preflight says what the run would wait for, skip or leave running."""

from __future__ import annotations

import datetime
import typing as t

from . import _errors as errors
from ._kubernetes.objects import still_running as kubernetes_still_running
from ._ledger import parse_timestamp
from ._model import ACTION_SKIPPED, Outcome, Plan, ScaleRequest, nodegroup_is_busy
from ._planning import plan_present, plan_start, plan_stop, select_nodegroups
from ._preflight import preflight
from ._reader import ClusterReader
from ._recording.document import EMPTY, ClusterRecording, recording_key
from ._recording.keeper import RecordingKeeper
from ._status import still_running
from ._waiting import Waiter


class Planner:
    def __init__(self, reader: ClusterReader, keeper: RecordingKeeper, waiter: Waiter, *, check_mode: bool = False) -> None:
        self.reader = reader
        self.keeper = keeper
        self.waiter = waiter
        self.check_mode = check_mode

    def plan_when_idle(self, request: ScaleRequest, deadline: float) -> tuple[Plan, ClusterRecording]:
        """Read and plan; while a nodegroup that needs a write is busy, wait and read again (EKS answers 409 to a scale while
        a nodegroup is UPDATING). Check mode reads once and predicts: the preflight says what the run would wait for."""
        while True:
            nodegroups, region = self.reader.read_nodegroups(request.cluster, request.names)
            selected = select_nodegroups(nodegroups, request.names, cluster=request.cluster)
            key = recording_key(region, request.cluster)
            plan, known = self._plan(request, Plan(nodegroups, selected, region, key, [], []))
            busy = [ng for ng in selected if ng["name"] in {step.name for step in plan.changing()} and nodegroup_is_busy(ng["status"])]
            if not busy or self.check_mode:
                return plan, known
            self.waiter.sleep_before(request, deadline, "nodegroup(s) %s of cluster %r to leave %s before scaling"
                                     % (", ".join(ng["name"] for ng in busy), request.cluster, "/".join(sorted({ng["status"] for ng in busy}))))

    def _plan(self, request: ScaleRequest, read: Plan) -> tuple[Plan, ClusterRecording]:
        plan, known = self._steps(request, read)
        plan.warnings.extend("nodegroup %r of cluster %r was skipped, its %d node(s) keep running: %s"
                             % (step.name, request.cluster, step.before.desired_size, step.reason)
                             for step in plan.steps if step.action == ACTION_SKIPPED and step.before.desired_size)
        plan.warnings.extend("nodegroup %r of cluster %r stays stopped: %s" % (step.name, request.cluster, step.reason)
                             for step in plan.steps if step.action == ACTION_SKIPPED and not step.before.desired_size)
        return plan, known

    def _steps(self, request: ScaleRequest, read: Plan) -> tuple[Plan, ClusterRecording]:
        if request.state == "present":
            return read._replace(steps=plan_present(read.selected, request.sizes)), EMPTY
        if request.state == "stopped":
            return read._replace(steps=plan_stop(read.selected)), self.keeper.load(read.key, stopping=True)

        def needed(recording: ClusterRecording) -> bool:
            return any(ng["desired_size"] == 0 and ng["name"] not in recording.nodegroups for ng in read.selected)

        known = self.keeper.load(read.key, stopping=False, needed=needed)
        steps, warnings = plan_start(read.selected, known.sizes(), cluster=request.cluster, start_unrecorded=request.start_unrecorded,
                                     given=request.restore_names)
        existing = {nodegroup["name"] for nodegroup in read.nodegroups}
        gone = sorted(set(known.nodegroups) - existing)
        if gone:
            warnings.insert(0, "recorded nodegroup(s) %s no longer exist in cluster %r; %s"
                            % (", ".join(gone), request.cluster,
                               "the others are started" if request.names else "their recording is dropped and the others are started"))
        return read._replace(steps=steps, warnings=warnings), known

    def preflight(self, request: ScaleRequest, plan: Plan, known: ClusterRecording, at: datetime.datetime,
                  description: dict[str, t.Any] | None, profiles: list[dict[str, t.Any]] | None, unread: dict[str, str],
                  kubernetes: dict[str, t.Any] | None) -> list[dict[str, str]]:
        """Check mode of a stop or start: what would keep it from doing what the user expects, from the plan, from what runs
        besides the nodegroups (the description and Fargate profiles, read side by side) and from the Kubernetes reads."""
        description = description or {}
        running = still_running(plan.nodegroups, cluster=request.cluster, connector=bool(description.get("connector")),
                                fargate_profiles=profiles, auto_mode=description.get("auto_mode")) + kubernetes_still_running(kubernetes)
        selected = {nodegroup["name"] for nodegroup in plan.selected}
        ages = {name: (at - parse_timestamp(stop.stopped_at)).total_seconds() / 3600 for name, stop in known.ledger().items()
                if name in selected and not known.nodegroups[name].found_stopped}
        return preflight(request.state, plan.selected, plan.steps, running, ages=ages, max_age=request.recording_max_age, unread=unread)

    @staticmethod
    def refuse_when_nothing_can_change(request: ScaleRequest, plan: Plan, report: t.Callable[..., dict[str, t.Any]]) -> None:
        """A stop or start that skips nodegroups eksctl cannot scale goes on with the others, but not when there are none."""
        skipped = [step for step in plan.steps if step.action == ACTION_SKIPPED]
        if skipped and len(skipped) == len(plan.steps):
            raise errors.OperationFailed("cluster %r: nothing could be %s: %s (%s)"
                                         % (request.cluster, "started" if request.state == "started" else "stopped",
                                            skipped[0].reason, ", ".join(step.name for step in skipped)),
                                         **report([Outcome.planned(step) for step in plan.steps]))
