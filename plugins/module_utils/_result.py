# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils file is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""``eks_nodegroup_scale``'s result, put together once from the nodegroups' outcomes: what changed, the lines a person
reads, the commands, the diff, the recording and the host fact, and for a stop the ledger, for a start the savings and
the nodegroups someone else started while they were stopped. Pure: an error after a write carries the same result."""

from __future__ import annotations

import datetime
import typing as t

from ._kubernetes.objects import Change
from ._ledger import parse_timestamp, savings_of_start
from ._model import ACTION_NOT_ATTEMPTED, ACTION_RESTORED, ACTION_SKIPPED, Outcome, Plan, ScaleRequest
from ._recording.document import ClusterRecording, to_document
from ._recording.policy import restarted_externally
from ._summary import summary_lines


class Run(t.NamedTuple):
    """What a result is made from besides the outcomes."""

    request: ScaleRequest
    plan: Plan
    check_mode: bool
    at: datetime.datetime                      # the time of this stop or start
    known: ClusterRecording                    # the recording as this run found it (marked, for a start)
    scale_argv: t.Callable[[str, dict[str, int]], list[str]]
    wait_log: list[str]
    fact: t.Callable[[ClusterRecording], dict[str, t.Any]]
    kubernetes_changes: list[Change]           # what a pause or resume changed (or, in check mode, would change)


def _externally_started(run: Run) -> dict[str, dict[str, t.Any]]:
    found = {}
    for step in run.plan.steps:
        record = run.known.nodegroups.get(step.name)
        if record is not None and step.action != ACTION_RESTORED and restarted_externally(record, step.before):
            found[step.name] = {"recorded": record.capacity.as_dict(), "found": step.before.as_dict(), "stopped_at": record.stopped_at or None}
    return found


def _restored(run: Run, outcomes: list[Outcome], external: t.Collection[str]) -> dict[str, datetime.datetime]:
    """Each nodegroup the start restored, to the time its restore began: now, or for one an earlier start restored before it
    was interrupted (found running at its recorded sizes, marked), the time of that start."""
    restored = {outcome.name: run.at for outcome in outcomes if outcome.action == ACTION_RESTORED}
    for outcome in outcomes:
        record = run.known.nodegroups.get(outcome.name)
        if record is None or not record.restoring_at or outcome.before != record.capacity:
            continue
        if outcome.name not in restored and outcome.name not in external:
            restored[outcome.name] = parse_timestamp(record.restoring_at)
    return restored


def change_line(change: Change) -> str:
    if change.kind == "nodeclaim":
        return "NodeClaim %s deleted" % change.name
    if change.kind == "deployment":
        return "Deployment %s/%s replicas %s -> %s" % (change.namespace, change.name, change.before, change.after)
    return "NodePool %s limits %s -> %s" % (change.name, _limits(change.before), _limits(change.after))


def _limits(limits: t.Any) -> str:
    return "none" if not limits else ",".join("%s=%s" % item for item in sorted(limits.items()))


def scale_result(run: Run, outcomes: list[Outcome], remaining: ClusterRecording, warnings: list[str]) -> dict[str, t.Any]:
    """The module's result from the outcomes so far; ``remaining`` is the recording as it stands after this run."""
    request, plan = run.request, run.plan
    attempted = {outcome.name for outcome in outcomes if outcome.action != ACTION_NOT_ATTEMPTED}
    shown = [outcome.as_dict() for outcome in outcomes]
    result: dict[str, t.Any] = {
        "warnings": warnings,
        "cluster": request.cluster,
        "region": plan.region,
        "state": request.state,
        "changed": any(outcome.changed for outcome in outcomes),
        "nodegroups": shown,
        "summary_lines": summary_lines(request.cluster, plan.region, request.state, shown, check_mode=run.check_mode),
        "commands": [run.scale_argv(step.name, step.send) for step in plan.changing() if step.name in attempted],
    }
    if run.wait_log:
        result["wait_log"] = list(run.wait_log)
        # What the waits proved: the nodegroups' sizes, then, when read, the Nodes.
        result["summary_lines"] += [line for line in run.wait_log if line.startswith(("waited ", "Nodes gone after", "Nodes Ready after"))]
    if run.kubernetes_changes or request.autoscalers == "pause":
        result["autoscalers"] = [change.as_dict() for change in run.kubernetes_changes]
        result["changed"] = result["changed"] or bool(run.kubernetes_changes)
        if run.kubernetes_changes:
            verb = "paused" if request.state == "stopped" else "given back"
            changes = ", ".join(change_line(change) for change in run.kubernetes_changes)
            result["summary_lines"].append("  autoscalers %s: %s" % ("would be " + verb if run.check_mode else verb, changes))
    if request.diff:
        changed = plan.changing()
        result["diff"] = {"before": {"nodegroups": {step.name: step.before.as_dict() for step in changed}},
                          "after": {"nodegroups": {step.name: step.after.as_dict() for step in changed}}}
        if run.kubernetes_changes:
            result["diff"]["before"]["kubernetes"] = {"%s %s" % (change.kind, change.name): change.before for change in run.kubernetes_changes}
            result["diff"]["after"]["kubernetes"] = {"%s %s" % (change.kind, change.name): change.after for change in run.kubernetes_changes}
    skipped = {outcome.name: outcome.reason for outcome in outcomes if outcome.action == ACTION_SKIPPED}
    if skipped:
        result["skipped"] = skipped
    if request.state == "present":
        return result
    result["recording"] = to_document(remaining)
    result["recording_key"] = plan.key
    result["eks_recordings"] = run.fact(remaining)
    if request.state == "stopped":
        result["ledger"] = {name: stop.as_dict() for name, stop in sorted(remaining.ledger().items())
                            if name in {nodegroup["name"] for nodegroup in plan.selected}}
    else:
        external = _externally_started(run)
        result["restarted_externally"] = external
        result["savings"] = savings_of_start(_restored(run, outcomes, external), run.known.ledger(), run.at, request.hourly_prices)
        for name in external:
            result["summary_lines"].append("  %s was started outside this collection while stopped (found %s, recorded %s): no savings counted"
                                           % (name, "/".join(str(value) for value in external[name]["found"].values()),
                                              "/".join(str(value) for value in external[name]["recorded"].values())))
    return result
