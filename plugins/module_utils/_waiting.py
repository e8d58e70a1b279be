# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils file is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""The writes of a scale and what follows them: the writes side by side (a 409 waited out and retried once), then the
read back that verifies them, and with ``wait`` the polls until every written nodegroup is ready at its new sizes.

Every failure here carries the module's result so far (``report``), so the user sees how far it got.
"""

from __future__ import annotations

import functools
import typing as t

from . import _errors as errors
from ._concurrency import run_parallel
from ._model import (
    ACTION_FAILED,
    ACTION_NOT_ATTEMPTED,
    Capacity,
    Outcome,
    ScaleRequest,
    Step,
    capacity_of,
    nodegroup_has_failed,
    nodegroup_is_busy,
    nodegroup_is_ready,
)
from ._reader import ClusterReader
from ._summary import wait_line, wait_summary

Report = t.Callable[[t.List[Outcome]], t.Dict[str, t.Any]]


class Waiter:
    def __init__(self, reader: ClusterReader, *, clock: t.Callable[[], float], sleep: t.Callable[[float], None]) -> None:
        self.reader = reader
        self.clock = clock
        self.sleep = sleep
        self.log: list[str] = []  # one line per poll of the last wait

    def sleep_before(self, request: ScaleRequest, deadline: float, what: str) -> None:
        if self.clock() + request.wait_sleep > deadline:
            raise errors.WaitTimeout("Timed out after wait_timeout=%gs waiting for %s" % (request.wait_timeout, what))
        self.sleep(request.wait_sleep)

    # ------------------------------------------------------------------ writes

    def write_all(self, request: ScaleRequest, steps: list[Step], outcomes: list[Outcome], deadline: float,
                  report: Report) -> list[Outcome]:
        """Run the writes side by side. After a failure no new write starts; running ones finish and are reported."""
        updated = {outcome.name: outcome for outcome in outcomes}
        failed: list[str] = []

        def write(step: Step) -> None:
            if failed:
                updated[step.name] = updated[step.name]._replace(changed=False, action=ACTION_NOT_ATTEMPTED, after=step.before)
                return
            try:
                self._scale(request, step, deadline)
            except errors.EksctlError as exc:
                failed.append(step.name)
                updated[step.name] = updated[step.name]._replace(changed=False, action=ACTION_FAILED, after=step.before, error=exc.msg,
                                                                 rc=exc.details.get("rc"), stderr=exc.details.get("stderr"))

        run_parallel([functools.partial(write, step) for step in steps], self.reader.parallelism)
        written = [updated[outcome.name] for outcome in outcomes]
        failures = [outcome for outcome in written if outcome.action == ACTION_FAILED]
        if failures:
            done = [outcome.name for outcome in written if outcome.changed]
            skipped = [outcome.name for outcome in written if outcome.action == ACTION_NOT_ATTEMPTED]
            raise errors.OperationFailed(
                "Failed to scale nodegroup(s) %s of cluster %r (changed: %s; not attempted: %s); see nodegroups[]: %s"
                % (", ".join(outcome.name for outcome in failures), request.cluster, ", ".join(done) or "none", ", ".join(skipped) or "none",
                   failures[0].error), **report(written))
        return written

    def _scale(self, request: ScaleRequest, step: Step, deadline: float) -> None:
        client = self.reader.client
        try:
            client.scale_nodegroup(request.cluster, step.name, step.send)
        except errors.ResourceInUse:
            # 409: the nodegroup went busy between our read and the write. Wait for it once, then retry once.
            while True:
                current = {ng["name"]: ng for ng in self.reader.nodegroups(request.cluster, [step.name])}.get(step.name)
                if current is None or not nodegroup_is_busy(current["status"]):
                    break
                self.sleep_before(request, deadline, "nodegroup %r of cluster %r to become ACTIVE after EKS answered 409"
                                  % (step.name, request.cluster))
            client.scale_nodegroup(request.cluster, step.name, step.send)

    # ------------------------------------------------------------------ after the writes

    def settle(self, request: ScaleRequest, steps: list[Step], deadline: float, outcomes: list[Outcome], report: Report) -> list[Outcome]:
        """Read the written nodegroups back once, or with ``wait`` poll (one ``get nodegroup`` per interval) until every one
        is ready at its new sizes. Every read also verifies the writes (see ``_verified``)."""
        # The read back without wait is the request's own read; the polls read only what was written.
        names = [step.name for step in steps] if request.wait else request.names
        started = self.clock()
        self.log.clear()
        while True:
            current = {ng["name"]: ng for ng in self.reader.nodegroups(request.cluster, names)}
            outcomes = self._verified(request.cluster, steps, current, outcomes, report)
            if not request.wait:
                return outcomes
            pending = self._pending(request.cluster, steps, current, outcomes, report)
            self.log.append(wait_line(len(self.log) + 1, self.clock() - started, pending))
            if not pending:
                self.log.append(wait_summary(len(self.log), self.clock() - started))
                return outcomes
            try:
                self.sleep_before(request, deadline, "nodegroups of cluster %r to settle; still pending: %s" % (request.cluster, ", ".join(pending)))
            except errors.WaitTimeout as exc:
                raise errors.WaitTimeout(exc.msg, **report(outcomes)) from None

    @staticmethod
    def _verified(cluster: str, steps: list[Step], current: dict[str, dict[str, t.Any]], outcomes: list[Outcome], report: Report) -> list[Outcome]:
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
            "eksctl reported scaling nodegroup(s) %s of cluster %r as done, but they read back at their old sizes; see nodegroups[]"
            % (", ".join(unapplied), cluster), **report(outcomes))

    @staticmethod
    def _pending(cluster: str, steps: list[Step], current: dict[str, dict[str, t.Any]], outcomes: list[Outcome], report: Report) -> list[str]:
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

    # ------------------------------------------------------------------ proof at the Node level

    def wait_for_nodes(self, request: ScaleRequest, deadline: float, pending: t.Callable[[], list[str]],
                       why: t.Callable[[str], str | None], what: str, report: t.Callable[[], t.Dict[str, t.Any]]) -> None:
        """``what`` completes "Nodes ...": "gone" after a stop, "Ready" after a start."""
        """Poll the cluster's Nodes (one list per interval) until ``pending`` is empty; on running out of ``wait_timeout``, name
        what is left and, for a Node that stays, why when it shows (a PodDisruptionBudget that allows no disruption)."""
        started = self.clock()
        while True:
            left = pending()
            if not left:
                self.log.append("Nodes %s after %.0fs: %s" % (what, self.clock() - started, {
                    "gone": "none of the stopped nodegroups' Nodes is left", "Ready": "every restored nodegroup has its Ready Nodes"}[what]))
                return
            self.log.append("Nodes: waiting for %s" % ", ".join(left))
            if self.clock() + request.wait_sleep > deadline:
                reasons = ["%s (%s)" % (name, why(name.split(" ")[0]) or "no reason visible") for name in left[:5]]
                raise errors.WaitTimeout("Timed out after wait_timeout=%gs waiting for Nodes %s of cluster %r; still there: %s%s"
                                         % (request.wait_timeout, what, request.cluster, "; ".join(reasons),
                                            " and %d more" % (len(left) - 5) if len(left) > 5 else ""), **report())
            self.sleep(request.wait_sleep)
