# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils file is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""The nodegroup scaler: read, compare, then write only what differs. Orchestration only.

It owns the order of what happens around a change: the read and the plan (``_planner``); the recording of a stop, or the mark
of a start, before the first write; a stop's pause of the autoscalers (``_kubernetes``); the writes and their verification
(``_waiting``); a start's resume of the autoscalers; the proof at the Node level; the start's spending of its recording; and
the result (``_result``). Check mode reads and predicts, and never writes, not even the recording.
"""

from __future__ import annotations

import datetime
import functools
import time
import typing as t

from . import _errors as errors
from ._failures import KUBERNETES_ACCESS_FIX
from ._kubernetes.access import KubernetesError
from ._kubernetes.autoscalers import Autoscalers
from ._kubernetes.objects import Change
from ._ledger import moment, timestamp
from ._model import ACTION_KEPT_STOPPED, ACTION_RESTORED, ACTION_UNCHANGED, Outcome, Plan, ScaleRequest
from ._planner import Planner
from ._preflight import entry as preflight_entry
from ._reader import ClusterReader
from ._recording.document import ClusterRecording
from ._recording.keeper import RecordingKeeper
from ._recording.policy import of_stop, spendable
from ._result import Run, scale_result
from ._waiting import Waiter


def utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


class NodegroupScaler:
    def __init__(self, reader: ClusterReader, keeper: RecordingKeeper | None = None, *, check_mode: bool = False,
                 clock: t.Callable[[], float] = time.monotonic, sleep: t.Callable[[float], None] = time.sleep,
                 now: t.Callable[[], datetime.datetime] = utc_now) -> None:
        self.reader = reader
        self.keeper = keeper or RecordingKeeper(check_mode=check_mode)
        self.check_mode = check_mode
        self.clock = clock
        self.waiter = Waiter(reader, clock=clock, sleep=sleep)
        # The wall clock of the recording and the savings ledger; ``clock`` only measures waits.
        self.now = now

    def apply(self, request: ScaleRequest) -> dict[str, t.Any]:
        """Bring the request's nodegroups to its state; the module's result."""
        self.opened: list[Autoscalers] = []
        try:
            return self._apply(request)
        finally:
            for kube in self.opened:
                kube.close()

    def _apply(self, request: ScaleRequest) -> dict[str, t.Any]:
        deadline = self.clock() + request.wait_timeout
        planner = Planner(self.reader, self.keeper, self.waiter, check_mode=self.check_mode)
        try:
            plan, known = planner.plan_when_idle(request, deadline)
        except errors.KubernetesAccessError as exc:
            if not self.check_mode or request.state == "present":
                raise
            problem = "eksctl cannot read the nodes of the cluster's self-managed nodegroups, so no stop or start of the whole cluster would run"
            refusal = [preflight_entry("kubernetes_access", request.cluster, problem, KUBERNETES_ACCESS_FIX)]
            raise type(exc)(exc.msg, **dict(exc.details, preflight=refusal)) from None
        at = moment(self.now())  # after any wait for busy nodegroups: the time the stop or start really runs
        description: dict[str, t.Any] | None = None
        profiles: list[dict[str, t.Any]] | None = None
        unread: dict[str, str] = {}
        if self.check_mode and request.state != "present":
            description, profiles, unread = self.reader.beyond_nodegroups(request.cluster)
        kube, kubernetes = self._kubernetes(request, plan, known, description)
        pause: list[Change] = []
        if kube is not None and request.state == "stopped":
            pause, recorded, _counts = kube.plan_pause(known.autoscalers)
            if request.autoscalers == "pause":
                known = known._replace(autoscalers=recorded)
            elif pause:
                plan.warnings.append("cluster %r runs %s, left as they are (autoscalers=ignore): they can undo or outlive the stop; "
                                     "pass autoscalers=pause" % (request.cluster, ", ".join("%s %s" % (c.kind, c.name) for c in pause)))
                pause = []
        checks = None
        if self.check_mode and request.state != "present":
            if kubernetes is not None and not kubernetes.get("reachable"):
                unread["kubernetes"] = kubernetes.get("error") or "not read"
            checks = planner.preflight(request, plan, known, at, description, profiles, unread, kubernetes)
        known = self._before_writes(request, plan, known, at)
        changes: list[Change] = list(pause)
        run = Run(request, plan, self.check_mode, at, known, functools.partial(self.reader.client.scale_argv, request.cluster),
                  self.waiter.log, functools.partial(self.keeper.fact, plan.key), changes)
        extra = {} if checks is None else {"preflight": checks}

        def report(outcomes: list[Outcome], remaining: ClusterRecording = known) -> dict[str, t.Any]:
            return dict(scale_result(run, outcomes, remaining, plan.warnings + self.keeper.warnings), **extra)

        planner.refuse_when_nothing_can_change(request, plan, report)
        outcomes = [Outcome.planned(step) for step in plan.steps]
        self._guarded(lambda: kube.apply(pause, "paused") if kube else None, report, outcomes)
        written = plan.changing()
        if written and not self.check_mode:
            outcomes = self.waiter.write_all(request, written, outcomes, deadline, report)
            try:
                outcomes = self.waiter.settle(request, written, deadline, outcomes, report)
            except errors.CommandFailed as exc:
                # The writes are done: a read after them that fails (throttled, a broken connection, an expired token) still
                # reports what changed and carries the recording, or the role could not keep it.
                raise type(exc)("%s; the writes before it went through, see nodegroups[]" % exc.msg, **dict(report(outcomes), **exc.details)) from None
        resumed = self._resume(request, kube, known, changes, report, outcomes)
        if kube is not None and request.wait and not self.check_mode:
            self._prove(request, plan, kube, deadline, functools.partial(report, outcomes))
        remaining = self._spend(request, plan, known, resumed) if request.state == "started" else known
        result = report(outcomes, remaining)
        nodes = kube.nodes_seen_last() if kube is not None else None
        if nodes is not None:
            result["nodes"] = nodes
        unrecorded = [step.name for step in plan.steps if step.action == ACTION_KEPT_STOPPED]
        if unrecorded:
            kept = "would stay" if self.check_mode else "were kept"
            raise errors.Unrecorded("cluster %r: no recording of nodegroup(s) %s anywhere, so they %s stopped; find the recording, or start "
                                    "them with start_unrecorded=true" % (request.cluster, ", ".join(unrecorded), kept), **result)
        if not self.check_mode and self._keeps_facts(request, known, remaining):
            result["ansible_facts"] = {"eks_recordings": result["eks_recordings"]}
        return result

    # ------------------------------------------------------------------ the cluster's Kubernetes API

    def _kubernetes(self, request: ScaleRequest, plan: Plan, known: ClusterRecording,
                    description: dict[str, t.Any] | None) -> tuple[Autoscalers | None, dict[str, t.Any] | None]:
        """The cluster's Kubernetes API (opened once, read in one round), where the task needs it: for a pause (a stop) and its
        resume (a start whose recording holds one), for the proof at the Node level (``wait``), and for a preview. A pause or
        resume that cannot reach it fails before any write; the others go on without it, saying why."""
        needed = request.autoscalers == "pause" or (request.state == "started" and bool(known.autoscalers))
        if request.state == "present" or self.reader.connect is None or not (needed or request.wait or self.check_mode):
            return None, None
        description = description or self.reader.client.describe_cluster(request.cluster) or {}
        try:
            kube = Autoscalers(self.reader.connect(description), check_mode=self.check_mode)
            self.opened.append(kube)
            kubernetes = kube.report()
        except KubernetesError as exc:
            if needed:
                raise KubernetesError("cluster %r: nothing was changed, since %s needs the cluster's Kubernetes API: %s"
                                      % (request.cluster, "the pause" if request.state == "stopped" else "giving back the recorded pause",
                                         exc.msg), **exc.details) from None
            if request.wait and not self.check_mode:
                plan.warnings.append("the Nodes of cluster %r could not be checked, so only the nodegroups' sizes prove the %s: %s"
                                     % (request.cluster, "stop" if request.state == "stopped" else "start", exc.msg))
            return None, {"reachable": False, "error": exc.msg}
        return kube, kubernetes

    def _guarded(self, change: t.Callable[[], None], report: t.Callable[[list[Outcome]], dict[str, t.Any]], outcomes: list[Outcome]) -> None:
        try:
            change()
        except KubernetesError as exc:
            raise KubernetesError(exc.msg, **dict(report(outcomes), **exc.details)) from None

    def _resume(self, request: ScaleRequest, kube: Autoscalers | None, known: ClusterRecording, changes: list[Change],
                report: t.Callable[[list[Outcome]], dict[str, t.Any]], outcomes: list[Outcome]) -> bool:
        """After a start's nodegroup writes: the NodePools' limits, then the autoscalers' replicas, as the pause found them."""
        if request.state != "started" or kube is None or not known.autoscalers:
            return False
        resume, missing = kube.plan_resume(known.autoscalers)
        changes.extend(resume)
        if missing:
            self.keeper.warnings.append("recorded %s no longer exist in cluster %r; the rest was given back" % (", ".join(missing), request.cluster))
        self._guarded(lambda: kube.apply(resume, "resumed"), report, outcomes)
        return True

    def _prove(self, request: ScaleRequest, plan: Plan, kube: Autoscalers, deadline: float, report: t.Callable[[], dict[str, t.Any]]) -> None:
        """With ``wait``: a stop waits until the Nodes of its nodegroups (and with the pause, Karpenter's) are gone; a start until
        the restored nodegroups have their Ready Nodes."""
        if request.state == "stopped":
            names = [step.name for step in plan.steps if step.after.stopped]
            self.waiter.wait_for_nodes(request, deadline, lambda: kube.nodes_still_there(names, karpenter=request.autoscalers == "pause"),
                                       kube.why, "gone", report)
        else:
            wanted = {step.name: step.after.desired_size for step in plan.steps if step.action == ACTION_RESTORED}
            self.waiter.wait_for_nodes(request, deadline, lambda: ["%s (%d of %d Ready)" % (name, *counts)
                                                                   for name, counts in kube.nodes_not_ready(wanted).items()],
                                       lambda name: None, "Ready", report)

    # ------------------------------------------------------------------ the recording around the writes

    def _before_writes(self, request: ScaleRequest, plan: Plan, known: ClusterRecording, at: datetime.datetime) -> ClusterRecording:
        """A stop records, and a start marks what it restores, in every durable store before the first write, so a run
        killed part way loses nothing and its rerun knows what it did."""
        if request.state == "stopped":
            fresh = [step.name for step in plan.changing()]
            recording, warnings = of_stop(known, plan.selected, fresh, timestamp(at), cluster=request.cluster)
            plan.warnings.extend(warnings)
            return self.keeper.record_stop(plan.key, recording, fresh) if recording != known else known
        if request.state == "started":
            restoring = [step.name for step in plan.steps if step.action == ACTION_RESTORED]
            return self.keeper.mark_restoring(plan.key, restoring, timestamp(at), known)
        return known

    def _spend(self, request: ScaleRequest, plan: Plan, known: ClusterRecording, resumed: bool) -> ClusterRecording:
        """Every selected nodegroup now runs at its restored (or its own) sizes: its recording is spent, and so is the
        recording of a nodegroup that no longer exists when the whole cluster was started, and a pause once resumed."""
        done = [step.name for step in plan.steps if step.action == ACTION_RESTORED or (step.action == ACTION_UNCHANGED and not step.before.stopped)]
        if not request.names:
            existing = {nodegroup["name"] for nodegroup in plan.nodegroups}
            done += [name for name in known.nodegroups if name not in existing]
        spent = spendable(known, done)
        self.keeper.spend(plan.key, spent, autoscalers=resumed)
        return known.without(spent, autoscalers=resumed)

    @staticmethod
    def _keeps_facts(request: ScaleRequest, known: ClusterRecording, remaining: ClusterRecording) -> bool:
        """Whether the result sets the host fact: a stop that recorded something, a start that changed the recording. A start
        that found nothing to spend leaves a cached fact as it was."""
        if request.state == "stopped":
            return not remaining.empty
        return request.state == "started" and remaining != known
