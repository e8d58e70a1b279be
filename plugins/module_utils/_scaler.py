# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils file is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""The nodegroup scaler: read, compare, then write only what differs.

It owns the order of eksctl calls around a change: one read through the cluster reader, the recording of a
stop before its first write, the writes side by side, then one read back that verifies them (the first poll
while waiting). Check mode reads and predicts, and never writes (not even the recording). Each phase returns
the nodegroups' outcomes; the module's result is put together from them once, and an error after a write
carries that result, recording included, so the role can keep it.
"""

from __future__ import annotations

import datetime
import functools
import time
import typing as t

from . import _errors as errors
from ._concurrency import run_parallel
from ._ledger import ledger_of_stop, moment, parse_timestamp, savings_of_start, timestamp
from ._model import (
    ACTION_FAILED,
    ACTION_NOT_ATTEMPTED,
    ACTION_RESTORED,
    Capacity,
    Ledger,
    Outcome,
    Recording,
    ScaleRequest,
    Step,
    capacity_of,
    nodegroup_has_failed,
    nodegroup_is_busy,
    nodegroup_is_ready,
)
from ._planning import plan_present, plan_start, plan_stop, refuse_unscalable, select_nodegroups
from ._preflight import KUBERNETES_ACCESS_FIX, preflight
from ._preflight import entry as preflight_entry
from ._reader import ClusterReader, Nodegroups
from ._status import still_running
from ._summary import summary_lines, wait_line, wait_summary
from ._recording import RecordingError, RecordingFile, capacities_to_dict, facts_with, merge_recordings, recording_from_facts, recording_key, without


class Plan(t.NamedTuple):
    """What one read of the cluster and the request decided."""

    nodegroups: Nodegroups
    selected: Nodegroups
    region: str
    key: str
    steps: list[Step]
    recorded: Recording
    warnings: list[str]
    ledger: Ledger  # the ledger entries known before this run (fact, then file)


def utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


class NodegroupScaler:
    def __init__(self, reader: ClusterReader, *, check_mode: bool = False, clock: t.Callable[[], float] = time.monotonic,
                 sleep: t.Callable[[float], None] = time.sleep, now: t.Callable[[], datetime.datetime] = utc_now) -> None:
        self.reader = reader
        self.client = reader.client
        self.check_mode = check_mode
        self.clock = clock
        self.sleep = sleep
        # The wall clock of the savings ledger (the time of a stop, the time of a start); ``clock`` only measures waits.
        self.now = now
        self.wait_log: list[str] = []  # one line per poll of the last wait

    def apply(self, request: ScaleRequest) -> dict[str, t.Any]:
        """Bring the request's nodegroups to its state; the module's result."""
        self.wait_log = []
        deadline = self.clock() + request.wait_timeout
        store = RecordingFile(request.recording_path) if request.recording_path else None
        try:
            plan = self._plan_when_idle(request, store, deadline)
            checks = self._preflight(request, plan) if self.check_mode and request.state != "present" else None
            try:
                refuse_unscalable(plan.steps, cluster=request.cluster)
            except errors.InvalidRequest as exc:
                raise errors.InvalidRequest(exc.msg, **({} if checks is None else {"preflight": checks})) from None
        except errors.KubernetesAccessError as exc:
            if not self.check_mode or request.state == "present":
                raise
            checks = [preflight_entry("kubernetes_access", request.cluster, "eksctl cannot read the nodes of the cluster's self-managed "
                                                                            "nodegroups, so no stop or start of the whole cluster can run",
                                      KUBERNETES_ACCESS_FIX)]
            raise type(exc)(exc.msg, **dict(exc.details, preflight=checks)) from None
        recorded, ledger, at = plan.recorded, plan.ledger, moment(self.now())
        if request.state == "stopped":
            ledger = ledger_of_stop(plan.nodegroups, plan.steps, recorded, plan.ledger, timestamp(at))
        if request.state == "stopped" and not self.check_mode and store and recorded:
            # Recorded before the first write, so an interrupted stop still has every size to restore.
            recorded, ledger = store.record(plan.key, {step.name: step.before for step in plan.steps if step.changed}, recorded, ledger)
        report = functools.partial(self._result, request, plan, recorded, ledger, at)
        outcomes = [Outcome.planned(step) for step in plan.steps]
        written = [step for step in plan.steps if step.changed]
        if written and not self.check_mode:
            outcomes = self._write_all(request, written, outcomes)
            self._raise_if_failed(request.cluster, outcomes, report)
            try:
                outcomes = self._settle(request, written, deadline, outcomes, report)
            except errors.CommandFailed as exc:
                # The writes are done: a read after them that fails (throttled, a broken connection, an expired token) still
                # reports what changed and carries the recording, or the role could not keep it.
                raise type(exc)("%s; the writes before it went through, see nodegroups[]" % exc.msg, **dict(report(outcomes), **exc.details)) from None
        remaining = recorded
        if request.state == "started":
            remaining = self._forget_restored(request, plan, recorded, store)
        result = report(outcomes, remaining)
        if checks is not None:
            result["preflight"] = checks
        if self._keeps_facts(request, recorded):
            result["ansible_facts"] = {"eks_recordings": result["eks_recordings"]}
        return result

    # ------------------------------------------------------------------ planning

    def _plan_when_idle(self, request: ScaleRequest, store: RecordingFile | None, deadline: float) -> Plan:
        """Read and plan; while a nodegroup that needs a write is busy, wait and read again (EKS answers 409 to a
        scale while a nodegroup is UPDATING)."""
        while True:
            nodegroups, region = self.reader.read_nodegroups(request.cluster, request.names)
            selected = select_nodegroups(nodegroups, request.names, cluster=request.cluster)
            key = recording_key(region, request.cluster)
            steps, recorded, warnings, ledger = self._steps(request, nodegroups, selected, store, key)
            changing = {step.name for step in steps if step.changed}
            busy = [ng for ng in selected if ng["name"] in changing and nodegroup_is_busy(ng["status"])]
            # Check mode reads once and predicts: the preflight says which nodegroups the run would wait for.
            if not busy or self.check_mode:
                return Plan(nodegroups, selected, region, key, steps, recorded, warnings, ledger)
            self._sleep_before(request, deadline, "nodegroup(s) %s of cluster %r to leave %s before scaling"
                               % (", ".join(ng["name"] for ng in busy), request.cluster, "/".join(sorted({ng["status"] for ng in busy}))))

    def _preflight(self, request: ScaleRequest, plan: Plan) -> list[dict[str, str]]:
        """Check mode of a stop or start: what would keep it from doing what the user expects, from the plan and from what
        runs besides the nodegroups (two more reads, side by side)."""
        description, profiles = self.reader.beyond_nodegroups(request.cluster)
        description = description or {}
        running = still_running(plan.nodegroups, cluster=request.cluster, connector=bool(description.get("connector")),
                                fargate_profiles=profiles, auto_mode=description.get("auto_mode"))
        now = moment(self.now())
        selected = {nodegroup["name"] for nodegroup in plan.selected}
        ages = {name: (now - parse_timestamp(record.stopped_at)).total_seconds() / 3600 for name, record in plan.ledger.items()
                if name in selected and name in plan.recorded}
        return preflight(request.state, plan.selected, plan.steps, running, ages=ages, max_age=request.recording_max_age)

    @staticmethod
    def _steps(request: ScaleRequest, nodegroups: Nodegroups, selected: Nodegroups, store: RecordingFile | None,
               key: str) -> tuple[list[Step], Recording, list[str], Ledger]:
        """Steps, the capacity recorded for stop/start, warnings, and the ledger entries known so far.

        The recording merges, per nodegroup: restore_capacity, then the host fact (snapshots), then the file; the
        ledger (which restore_capacity has not): the host fact, then the file.
        """
        if request.state == "present":
            return plan_present(selected, request.sizes), {}, [], {}
        given = merge_recordings(request.restore or {}, recording_from_facts(request.snapshots, key))
        warnings: list[str] = []
        empty: tuple[Recording, Ledger] = ({}, {})
        if request.state == "stopped":
            # A stop never writes past a file it cannot read: it may hold the only copy of earlier sizes.
            from_file, file_ledger = store.load_entry(key) if store else empty
        else:
            try:
                from_file, file_ledger = store.load_entry(key) if store else empty
            except RecordingError as exc:
                # A start needs the file only for stopped nodegroups whose sizes were not given.
                if any(capacity_of(ng).desired_size == 0 and ng["name"] not in given for ng in selected):
                    raise
                warnings.append("%s; it was not needed, every stopped nodegroup's sizes were given" % exc.msg)
                from_file, file_ledger = empty
        recorded = merge_recordings(given, from_file)
        ledger = merge_recordings(dict(request.ledgers.get(key) or {}), file_ledger)
        if request.state == "stopped":
            steps, recorded, stop_warnings = plan_stop(selected, recorded)
            return steps, recorded, warnings + stop_warnings, ledger
        existing = {nodegroup["name"] for nodegroup in nodegroups}
        gone = sorted(set(recorded) - existing)
        if gone:
            warnings.append("recorded nodegroup(s) %s no longer exist in cluster %r; %s"
                            % (", ".join(gone), request.cluster,
                               "the others are started" if request.names else "their recording is dropped and the others are started"))
        steps, start_warnings = plan_start(selected, recorded, cluster=request.cluster, start_unrecorded=request.start_unrecorded)
        return steps, recorded, warnings + start_warnings, ledger

    # ------------------------------------------------------------------ the result

    def _result(self, request: ScaleRequest, plan: Plan, recorded: Recording, ledger: Ledger, at: datetime.datetime,
                outcomes: list[Outcome], remaining: Recording | None = None) -> dict[str, t.Any]:
        """The module's result from the outcomes so far; ``remaining`` is what stays recorded (all of it until a start is done).
        ``ledger`` holds the ledger entries of the recording, ``at`` is the time of this stop or start."""
        attempted = {outcome.name for outcome in outcomes if outcome.action != ACTION_NOT_ATTEMPTED}
        result: dict[str, t.Any] = {
            "warnings": plan.warnings,
            "cluster": request.cluster,
            "region": plan.region,
            "state": request.state,
            "changed": any(outcome.changed for outcome in outcomes),
            "nodegroups": [outcome.as_dict() for outcome in outcomes],
            "summary_lines": summary_lines(request.cluster, plan.region, request.state, [outcome.as_dict() for outcome in outcomes],
                                           check_mode=self.check_mode),
            "commands": [self.client.scale_argv(request.cluster, step.name, step.send) for step in plan.steps
                         if step.changed and step.name in attempted],
        }
        if self.wait_log:
            result["wait_log"] = list(self.wait_log)
            result["summary_lines"].append(self.wait_log[-1])
        if request.diff:
            changed = [step for step in plan.steps if step.changed]
            result["diff"] = {
                "before": {"nodegroups": {step.name: step.before.as_dict() for step in changed}},
                "after": {"nodegroups": {step.name: step.after.as_dict() for step in changed}},
            }
        if request.state != "present":
            result["recording"] = capacities_to_dict(recorded)
            result["recording_key"] = plan.key
            result["eks_recordings"] = facts_with(request.snapshots, plan.key, recorded if remaining is None else remaining,
                                                          request.ledgers, ledger)
        if request.state == "stopped":
            result["ledger"] = {name: ledger[name].as_dict() for name in sorted(recorded) if name in ledger}
        elif request.state == "started":
            restored = [outcome.name for outcome in outcomes if outcome.action == ACTION_RESTORED]
            result["savings"] = savings_of_start(restored, ledger, at, request.hourly_prices)
        return result

    def _keeps_facts(self, request: ScaleRequest, recorded: Recording) -> bool:
        """Whether the result sets the host fact: not for present or check mode, nor for a stop that recorded nothing
        (already stopped, no recording anywhere), which leaves a cached fact untouched."""
        return request.state != "present" and not self.check_mode and not (request.state == "stopped" and not recorded)

    def _forget_restored(self, request: ScaleRequest, plan: Plan, recorded: Recording, store: RecordingFile | None) -> Recording:
        """Every selected nodegroup now runs at its restored (or its own) sizes: its recording is spent, and so is
        the recording of a nodegroup that no longer exists when the whole cluster was started. Others are kept."""
        spent = [step.name for step in plan.steps]
        if not request.names:
            existing = {nodegroup["name"] for nodegroup in plan.nodegroups}
            spent += [name for name in recorded if name not in existing]
        if not self.check_mode and store:
            try:
                store.forget(plan.key, spent)
            except RecordingError as exc:
                # Every nodegroup is started: a snapshot file that cannot be cleaned up is worth a warning, not a failure.
                plan.warnings.append("%s; the nodegroups were started, but their recording could not be removed from it" % exc.msg)
        return without(recorded, spent)

    # ------------------------------------------------------------------ writes

    def _write_all(self, request: ScaleRequest, steps: list[Step], outcomes: list[Outcome]) -> list[Outcome]:
        """Run the writes side by side. After a failure no new write starts; running ones finish and are reported."""
        updated = {outcome.name: outcome for outcome in outcomes}
        failed: list[str] = []

        def write(step: Step) -> None:
            if failed:
                updated[step.name] = updated[step.name]._replace(changed=False, action=ACTION_NOT_ATTEMPTED, after=step.before)
                return
            try:
                self._scale(request, step)
            except errors.EksctlError as exc:
                failed.append(step.name)
                updated[step.name] = updated[step.name]._replace(changed=False, action=ACTION_FAILED, after=step.before, error=exc.msg,
                                                                 rc=exc.details.get("rc"), stderr=exc.details.get("stderr"))

        run_parallel([functools.partial(write, step) for step in steps], self.reader.parallelism)
        return [updated[outcome.name] for outcome in outcomes]

    @staticmethod
    def _raise_if_failed(cluster: str, outcomes: list[Outcome], report: t.Callable[[list[Outcome]], dict[str, t.Any]]) -> None:
        failed = [outcome for outcome in outcomes if outcome.action == ACTION_FAILED]
        if not failed:
            return
        done = [outcome.name for outcome in outcomes if outcome.changed]
        skipped = [outcome.name for outcome in outcomes if outcome.action == ACTION_NOT_ATTEMPTED]
        raise errors.OperationFailed(
            "Failed to scale nodegroup(s) %s of cluster %r (changed: %s; not attempted: %s); see nodegroups[] for each one's state: %s"
            % (", ".join(outcome.name for outcome in failed), cluster, ", ".join(done) or "none", ", ".join(skipped) or "none",
               failed[0].error), **report(outcomes))

    def _scale(self, request: ScaleRequest, step: Step) -> None:
        try:
            self.client.scale_nodegroup(request.cluster, step.name, step.send)
        except errors.ResourceInUse:
            # 409: the nodegroup went busy between our read and the write. Wait for it once, then retry once.
            deadline = self.clock() + request.wait_timeout
            while True:
                current = {ng["name"]: ng for ng in self.reader.nodegroups(request.cluster, [step.name])}.get(step.name)
                if current is None or not nodegroup_is_busy(current["status"]):
                    break
                self._sleep_before(request, deadline, "nodegroup %r of cluster %r to become ACTIVE after EKS answered 409"
                                   % (step.name, request.cluster))
            self.client.scale_nodegroup(request.cluster, step.name, step.send)

    def _sleep_before(self, request: ScaleRequest, deadline: float, what: str) -> None:
        if self.clock() + request.wait_sleep > deadline:
            raise errors.WaitTimeout("Timed out after wait_timeout=%gs waiting for %s" % (request.wait_timeout, what))
        self.sleep(request.wait_sleep)

    # ------------------------------------------------------------------ after the writes

    def _settle(self, request: ScaleRequest, steps: list[Step], deadline: float, outcomes: list[Outcome],
                report: t.Callable[[list[Outcome]], dict[str, t.Any]]) -> list[Outcome]:
        """Read the written nodegroups back once, or with ``wait`` poll (one ``get nodegroup`` per interval) until every one
        is ready at its new sizes. Every read also verifies the writes (see ``_verified``)."""
        # The read back without wait is the request's own read; the polls read only what was written.
        names = [step.name for step in steps] if request.wait else request.names
        started = self.clock()
        while True:
            current = {ng["name"]: ng for ng in self.reader.nodegroups(request.cluster, names)}
            outcomes = self._verified(request.cluster, steps, current, outcomes, report)
            if not request.wait:
                return outcomes
            pending = self._pending(request.cluster, steps, current, outcomes, report)
            self.wait_log.append(wait_line(len(self.wait_log) + 1, self.clock() - started, pending))
            if not pending:
                self.wait_log.append(wait_summary(len(self.wait_log), self.clock() - started))
                return outcomes
            try:
                self._sleep_before(request, deadline, "nodegroups of cluster %r to settle; still pending: %s" % (request.cluster, ", ".join(pending)))
            except errors.WaitTimeout as exc:
                raise errors.WaitTimeout(exc.msg, **report(outcomes)) from None

    @staticmethod
    def _verified(cluster: str, steps: list[Step], current: dict[str, dict[str, t.Any]], outcomes: list[Outcome],
                  report: t.Callable[[list[Outcome]], dict[str, t.Any]]) -> list[Outcome]:
        """Don't trust exit 0: a nodegroup eksctl reported scaled that reads back ready at its old sizes was not scaled."""
        unapplied: dict[str, Capacity] = {}
        for step in steps:
            nodegroup = current.get(step.name)
            if nodegroup is None or nodegroup_is_busy(nodegroup["status"]):
                continue  # gone (reported by the wait) or still updating: not a sign that the write was lost
            now = capacity_of(nodegroup)
            if now != step.after and now == step.before:
                unapplied[step.name] = now
        if not unapplied:
            return outcomes
        outcomes = [outcome._replace(changed=False, action=ACTION_FAILED, after=unapplied[outcome.name],
                                     error="eksctl reported the scale as done, but the sizes read back unchanged")
                    if outcome.name in unapplied else outcome for outcome in outcomes]
        raise errors.OperationFailed(
            "eksctl reported scaling nodegroup(s) %s of cluster %r as done, but reading them back shows the old sizes; "
            "see nodegroups[] for each one's state" % (", ".join(unapplied), cluster), **report(outcomes))

    @staticmethod
    def _pending(cluster: str, steps: list[Step], current: dict[str, dict[str, t.Any]], outcomes: list[Outcome],
                 report: t.Callable[[list[Outcome]], dict[str, t.Any]]) -> list[str]:
        """The written nodegroups not yet ready at their new sizes; a nodegroup gone or failed ends the wait."""
        pending = []
        for step in steps:
            nodegroup = current.get(step.name)
            if nodegroup is None:
                raise errors.NodegroupFailed("nodegroup %r of cluster %r disappeared while waiting" % (step.name, cluster), **report(outcomes))
            if nodegroup_has_failed(nodegroup["status"]):
                raise errors.NodegroupFailed("nodegroup %r of cluster %r is %s while waiting for it to scale"
                                             % (step.name, cluster, nodegroup["status"]), **report(outcomes))
            # Ready and at the new sizes: DescribeNodegroup may show the new sizes before UPDATING ends.
            size = capacity_of(nodegroup)
            if not (nodegroup_is_ready(nodegroup["status"]) and size == step.after):
                pending.append("%s (%s, %d/%d/%d)" % (step.name, nodegroup["status"], size.desired_size, size.min_size, size.max_size))
        return pending
