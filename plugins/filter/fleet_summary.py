# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: fleet_summary
short_description: One summary of a fleet stop, start or report
version_added: 1.0.0
description:
  - Turns the M(eks_tools.eksctl.eks_nodegroup_scale) results of every host of a run (failed ones included) into one
    dictionary, for C(ansible.builtin.set_stats), so AWX can show it and notify on it, with the lines a person reads in C(lines).
  - A host with no result, or a failed one, counts as failed, with its message in C(failed_clusters).
  - A preview (O(preview=true), a check-mode run, and always for O(state=status), the report) speaks in the conditional
    (C(would stop), C(would start at ...), C(would stay stopped)) and counts nothing as stopped or started.
  - For a start it also sums the savings ledger of every host (RV(eks_tools.eksctl.eks_nodegroup_scale#module:savings.total)),
    so a notification can say how many node-hours the stop avoided and, when the start was given prices, about how much it saved.
  - Names the clusters an exception left as they are (C(skipped)), the cluster tags it ignored as expired or malformed
    (C(exception_notes)), and after a start the nodegroups found started behind its back (C(restarted_externally)), whose savings
    the module never counts. On a day of C(skip_dates) (O(skip_date)) the summary is one line.
  - Names, per cluster, the nodegroups a stop left running because eksctl cannot scale them (C(nodegroups[].action=skipped) with
    its C(reason), or a C(still_running) entry of kind C(unscalable_nodegroup)).
options:
  _input:
    description: A dictionary of inventory host name to that host's M(eks_tools.eksctl.eks_nodegroup_scale) result.
    type: dict
    required: true
  state:
    description:
      - The state the run asked for; V(status) for a report, whose results are check-mode stops and starts (each its own).
    type: str
    required: true
    choices: [stopped, started, status]
  preview:
    description: Whether the results are those of a check-mode run.
    type: bool
    default: false
  cluster:
    description:
      - For a run on one named cluster (its one host is the controller, C(localhost)), the cluster's name, used instead of the
        host name.
    type: str
  region:
    description: The region of O(cluster) when the result does not name it.
    type: str
  skip_date:
    description:
      - The C(skip_date) of the checked playbook input (M(eks_tools.eksctl.playbook_input)), the date and the zone, when today is
        one of the variable C(skip_dates); V(null) otherwise.
    type: dict
author:
  - eks_tools.eksctl contributors (@eks-tools)
"""

EXAMPLES = r"""
- name: Summarize the fleet run
  ansible.builtin.set_stats:
    data:
      eks_fleet: "{{ dict(ansible_play_hosts_all | zip(results)) | eks_tools.eksctl.fleet_summary('stopped', preview=ansible_check_mode) }}"
  run_once: true

- name: Say what the night saved, after a start
  ansible.builtin.debug:
    msg: >-
      {{ summary.started }} cluster(s) started; the night stop saved {{ summary.node_hours_avoided }} node-hours
      {{- ' (about %.2f)' % summary.estimated_saving if summary.estimated_saving is not none else '' }}
  vars:
    summary: "{{ dict(ansible_play_hosts_all | zip(results)) | eks_tools.eksctl.fleet_summary('started') }}"
  run_once: true
"""

RETURN = r"""
_value:
  description:
    - C(state), C(preview), C(clusters), the count of clusters V(stopped) (or V(started); V(0) in a preview, which counts
      C(would_stop) or C(would_start) instead; a report counts both), C(unchanged) and C(failed), the desired nodes of every
      nodegroup before (C(nodes_before)) and after (C(nodes_after), predicted in a preview), C(failed_clusters), cluster to message,
      C(kept_stopped), cluster to the nodegroups a start left (or would leave) stopped because nothing was recorded for them, and
      C(not_stopped), cluster to nodegroup to why a stop could not stop it.
    - For V(started) also C(node_hours_avoided), the sum of the hosts' node-hours avoided (2 decimals), C(estimated_saving), the
      sum of their estimated savings (V(null) when no host was given prices), and C(savings_partial), V(true) when a host's
      figures leave out a nodegroup (no recorded stop time, or no price for its instance type).
    - C(skipped), cluster to why an exception left it as it is (C(reason) V(always-on), V(skip-until) with C(until) in UTC, or
      V(skip_dates) with C(date) and C(timezone)); for a report, what the next stop would skip. C(exception_notes), cluster to the
      lines of its tags ignored (expired or malformed) and of nodegroups a start left as they are. C(skip_date), O(skip_date).
    - For V(started) also C(restarted_externally), cluster to the start's
      RV(eks_tools.eksctl.eks_nodegroup_scale#module:restarted_externally) (nodegroup to the sizes recorded and found).
    - C(nodes_seen), when a host's result carries RV(eks_tools.eksctl.eks_nodegroup_scale#module:nodes) (a wait that read the
      cluster's Kubernetes API), the Node counts of those clusters summed, C(clusters), C(total) and C(ready); its first line
      then says how many Nodes are left after a stop, or Ready after a start, and in how many clusters they were read.
    - C(lines), the summary as a person reads it, then one line per failed cluster and per nodegroup a stop could not stop; a
      preview has one line per cluster instead. It stays one screen at any fleet size, as each list of the first line names at most
      10 clusters and the lines under it are at most 20, each followed by C(... and N more); the other keys name every cluster.
    - A cluster is named by its inventory host name (C(<cluster>.<region>) for the eks_clusters inventory), or by O(cluster).
  type: dict
  sample: {"state": "stopped", "preview": false, "clusters": 3, "stopped": 2, "unchanged": 0, "failed": 1, "nodes_before": 14,
           "nodes_after": 0, "failed_clusters": {"dev-02.us-east-1": "Failed to scale nodegroup(s) web of cluster 'dev-02': ..."},
           "kept_stopped": {}, "not_stopped": {}, "skipped": {"ops-01.eu-north-1": {"reason": "always-on"}}, "exception_notes": {},
           "skip_date": null,
           "lines": ["fleet 3 cluster(s): 2 stopped, 0 unchanged, 1 failed; desired nodes 14 before, 0 after; failed: dev-02.us-east-1"]}
"""

import collections
import typing as t

from ansible.errors import AnsibleFilterError

STATES = ("stopped", "started", "status")
DONE = {"stopped": "stopped", "started": "started"}
WOULD = {"stopped": "would_stop", "started": "would_start"}
UNSCALABLE = "eksctl cannot scale it"
# The printed summary stays one screen at any fleet size: at most this many names in a list of the headline, and this many
# lines under it; the rest is counted ("... and 85 more"). The dictionary keeps every cluster, for AWX and notifications.
SHOWN_NAMES = 10
SHOWN_LINES = 20

# What a person reads for each reason a run leaves a cluster as it is (see the cluster_exception filter).
EXCEPTIONS = {
    "always-on": "tag eks_tools.eksctl/power=always-on",
    "skip-until": "tag eks_tools.eksctl/skip-until, until %(until)s",
    "skip_dates": "%(date)s is one of skip_dates (%(timezone)s)",
}


def _exception(result: dict[str, t.Any]) -> dict[str, t.Any]:
    exception = result.get("exception")
    return exception if isinstance(exception, dict) else {}


def _why(exception: dict[str, t.Any]) -> str:
    return EXCEPTIONS.get(str(exception.get("reason")), str(exception.get("reason"))) % collections.defaultdict(str, exception)


def _sizes_line(sizes: t.Any) -> str:
    return "/".join(str(value) for value in sizes.values()) if isinstance(sizes, dict) else "?"


def _nodegroups(result: dict[str, t.Any]) -> list[dict[str, t.Any]]:
    nodegroups = result.get("nodegroups")
    return [entry for entry in nodegroups if isinstance(entry, dict)] if isinstance(nodegroups, list) else []


def _desired(nodegroups: list[dict[str, t.Any]], side: str) -> int:
    total = 0
    for nodegroup in nodegroups:
        sizes = nodegroup.get(side)
        if isinstance(sizes, dict) and isinstance(sizes.get("desired_size"), int):
            total += sizes["desired_size"]
    return total


def _sizes(sizes: t.Any) -> str:
    sizes = sizes if isinstance(sizes, dict) else {}
    return "/".join(str(sizes.get(key, "?")) for key in ("desired_size", "min_size", "max_size"))


def _number(value: t.Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _add_savings(summary: dict[str, t.Any], result: dict[str, t.Any]) -> None:
    """A start's savings ledger totals (a failed start's too: the nodegroups it restored were stopped all the same)."""
    savings = result.get("savings")
    total = savings.get("total") if isinstance(savings, dict) else None
    if not isinstance(total, dict):
        return
    summary["node_hours_avoided"] += _number(total.get("node_hours_avoided")) or 0.0
    saving = _number(total.get("estimated_saving"))
    if saving is not None:
        summary["estimated_saving"] = (summary["estimated_saving"] or 0.0) + saving
    summary["savings_partial"] = summary["savings_partial"] or bool(total.get("partial"))


def _not_stopped(result: dict[str, t.Any]) -> dict[str, str]:
    """Nodegroups a stop left running because eksctl cannot scale them, with why; read defensively from either place."""
    found = {str(entry["name"]): str(entry.get("reason") or UNSCALABLE) for entry in _nodegroups(result)
             if entry.get("action") == "skipped" and entry.get("name")}
    running = result.get("still_running")
    for entry in running if isinstance(running, list) else []:
        if isinstance(entry, dict) and entry.get("kind") == "unscalable_nodegroup" and entry.get("name"):
            found.setdefault(str(entry["name"]), str(entry.get("detail") or UNSCALABLE))
    # A preview's preflight names them too: as a name eksctl refuses, or as what a stop leaves running.
    checks = result.get("preflight")
    for entry in checks if isinstance(checks, list) else []:
        if not isinstance(entry, dict):
            continue
        subject = str(entry.get("subject") or "")
        if entry.get("check") == "unscalable_name" and subject:
            found.setdefault(subject, str(entry.get("problem") or UNSCALABLE))
        elif entry.get("check") == "still_running" and subject.startswith("unscalable_nodegroup "):
            found.setdefault(subject.split(" ", 1)[1], str(entry.get("problem") or UNSCALABLE))
    return found


def _message(result: dict[str, t.Any]) -> str:
    """The failure's own message; for a loop, the first failed item's rather than "One or more items failed"."""
    items = result.get("results")
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and item.get("failed") and item.get("msg"):
            return str(item["msg"])
    return str(result.get("msg") or "no result")


def _first_line(text: t.Any, limit: int = 200) -> str:
    line = (str(text).strip().splitlines() or [""])[0]
    return line if len(line) <= limit else line[:limit - 3] + "..."


def _preview(name: str, result: dict[str, t.Any], state: str | None, not_stopped: dict[str, str], left: bool = False) -> str:
    """One line of what the run would do to one cluster, in the conditional."""
    if result.get("failed") or not result:
        return "  %s would fail: %s" % (name, _first_line(_message(result)))
    if left:
        return "  %s would be left as it is: %s" % (name, _why(_exception(result)))
    if result.get("skipped"):
        return "  %s: nothing to preview (not found, or not a cluster eksctl can scale)" % name
    nodegroups = _nodegroups(result)
    changing = [entry for entry in nodegroups if entry.get("changed")]
    parts = []
    if state in ("stopped", None):
        if changing:
            parts.append("would stop: desired nodes %d -> %d" % (_desired(nodegroups, "before"), _desired(nodegroups, "after")))
        parts.extend("would not stop %s: %s" % (nodegroup, reason) for nodegroup, reason in sorted(not_stopped.items()))
    elif state == "started":
        if changing:
            parts.append("would start at desired/min/max %s" % ", ".join(
                "%s %s%s" % (entry.get("name"), _sizes(entry.get("after")),
                             " (nothing recorded)" if entry.get("action") == "started_with_fallback" else "") for entry in changing))
        kept = sorted(str(entry.get("name")) for entry in nodegroups if entry.get("action") == "kept_stopped")
        if kept:
            parts.append("%s would stay stopped (nothing recorded)" % ", ".join(kept))
    return "  %s %s" % (name, "; ".join(parts) or "would stay as it is")


def _capped(items: t.Sequence[str], limit: int, separator: str = ", ") -> str:
    """The first ``limit`` items joined, and how many more there are."""
    shown = list(items[:limit])
    if len(items) > limit:
        shown.append("... and %d more" % (len(items) - limit))
    return separator.join(shown)


def _capped_lines(lines: list[str], limit: int = SHOWN_LINES) -> list[str]:
    return lines if len(lines) <= limit else lines[:limit] + ["  ... and %d more" % (len(lines) - limit)]


def _add_nodes(summary: dict[str, t.Any], result: dict[str, t.Any]) -> None:
    """The Nodes a host's wait read last (the module's ``nodes``), summed over the clusters whose Kubernetes API was read."""
    nodes = result.get("nodes")
    if isinstance(nodes, dict) and isinstance(nodes.get("total"), int):
        seen = summary.setdefault("nodes_seen", {"clusters": 0, "total": 0, "ready": 0})
        seen["clusters"] += 1
        seen["total"] += nodes["total"]
        seen["ready"] += nodes.get("ready") if isinstance(nodes.get("ready"), int) else 0


def _headline(summary: dict[str, t.Any]) -> str:
    state, preview = summary["state"], summary["preview"]
    nodes = (summary["nodes_before"], summary["nodes_after"])
    if state == "status":
        line = ("report %d cluster(s): %d would stop, %d would start, %d would stay as they are, %d failed; desired nodes %d now, %d after "
                "the next stop or start" % ((summary["clusters"], summary["would_stop"], summary["would_start"], summary["unchanged"],
                                             summary["failed"]) + nodes))
    elif preview:
        verb = "stop" if state == "stopped" else "start"
        line = ("fleet preview %d cluster(s): %d would %s, %d would stay as they are, %d failed; desired nodes %d now, %d after the %s"
                % ((summary["clusters"], summary[WOULD[state]], verb, summary["unchanged"], summary["failed"]) + nodes + (verb,)))
    else:
        line = ("fleet %d cluster(s): %d %s, %d unchanged, %d failed; desired nodes %d before, %d after"
                % ((summary["clusters"], summary[DONE[state]], DONE[state], summary["unchanged"], summary["failed"]) + nodes))
    if state == "started":
        line += "; the stop %s %s node-hours" % ("has saved" if preview else "saved", summary["node_hours_avoided"])
        if summary["estimated_saving"] is not None:
            line += ", about %.2f" % summary["estimated_saving"]
        if summary["savings_partial"]:
            line += " (partial)"
    seen = summary.get("nodes_seen")
    if seen and state in DONE and not preview:
        line += "; Nodes %s in the %d cluster(s) whose API was read" % (
            "left: %d" % seen["total"] if state == "stopped" else "Ready: %d of %d" % (seen["ready"], seen["total"]), seen["clusters"])
    if summary["skipped"] and not summary["skip_date"]:
        line += "; %s: %s" % ("the next stop would skip" if state == "status" else "would skip" if preview else "skipped", _capped(
            ["%s (%s)" % (name, exception["reason"]) for name, exception in summary["skipped"].items()], SHOWN_NAMES))
    if summary.get("restarted_externally"):
        line += "; restarted outside this collection, no savings counted: %s" % _capped(
            ["%s (%s)" % (name, ", ".join(sorted(nodegroups))) for name, nodegroups in summary["restarted_externally"].items()], SHOWN_NAMES)
    if summary["failed_clusters"]:
        line += "; failed: " + _capped(list(summary["failed_clusters"]), SHOWN_NAMES)
    if summary["kept_stopped"]:
        line += "; %s, nothing recorded: %s" % ("would stay stopped" if preview else "kept stopped", _capped(list(summary["kept_stopped"]), SHOWN_NAMES))
    if summary["not_stopped"]:
        line += "; %s: %s" % ("would not stop" if preview else "not stopped", _capped(
            ["%s (%s)" % (name, ", ".join(sorted(nodegroups))) for name, nodegroups in summary["not_stopped"].items()], SHOWN_NAMES))
    return line


def _skip_date_line(summary: dict[str, t.Any]) -> str:
    verb = {"stopped": "stop", "started": "start"}.get(summary["state"], "stop or start")
    why = _why(dict(summary["skip_date"], reason="skip_dates"))
    if summary["state"] == "status":
        return "today the %s is skipped: %s; it would change nothing" % (verb, why)
    return "fleet %s skipped: %s; nothing changed on %d cluster(s)" % (verb, why, summary["clusters"])


def _exceptions(summary: dict[str, t.Any], name: str, result: dict[str, t.Any], details: list[str], preview: bool, left: bool) -> None:
    """The cluster's exception (left as it is, and why; tags ignored, and why), and a start's nodegroups restarted externally."""
    exception = _exception(result)
    if left:
        summary["skipped"][name] = {key: exception.get(key) for key in ("reason", "until", "date", "timezone") if exception.get(key)}
        if not preview and not summary["skip_date"]:
            details.append("  %s skipped: %s" % (name, _why(exception)))
    notes = [str(note) for key in ("problems", "notes") for note in exception.get(key) or []]
    if notes:
        summary["exception_notes"][name] = notes
        details.extend("  %s: %s" % (name, note) for note in notes)
    external = result.get("restarted_externally")
    if summary["state"] == "started" and isinstance(external, dict) and external:
        summary["restarted_externally"][name] = external
        details.extend("  %s: nodegroup %s was started outside this collection while stopped (found %s, recorded %s): no savings counted"
                       % (name, nodegroup, _sizes_line(found.get("found")), _sizes_line(found.get("recorded")))
                       for nodegroup, found in sorted(external.items()) if isinstance(found, dict))


def fleet_summary(results: dict[str, t.Any], state: str, preview: bool = False, cluster: str | None = None,
                  region: str | None = None, skip_date: dict[str, str] | None = None) -> dict[str, t.Any]:
    """One summary of a run from each host's eks_nodegroup_scale result (a failed one included)."""
    if not isinstance(results, dict):
        raise AnsibleFilterError("fleet_summary expects a dictionary of host name to eks_nodegroup_scale result, got %r" % (results,))
    if state not in STATES:
        raise AnsibleFilterError("fleet_summary state must be one of %s, got %r" % (", ".join(STATES), state))
    preview = bool(preview) or state == "status"
    summary: dict[str, t.Any] = {"state": state, "preview": preview, "clusters": len(results)}
    if state in DONE:
        summary[DONE[state]] = 0
    if preview:
        summary.update((WOULD[own], 0) for own in (DONE if state == "status" else (state,)))
    summary.update(unchanged=0, failed=0, nodes_before=0, nodes_after=0, failed_clusters={}, kept_stopped={}, not_stopped={},
                   skipped={}, exception_notes={}, skip_date=skip_date if isinstance(skip_date, dict) and skip_date.get("date") else None)
    if state == "started":
        summary.update(node_hours_avoided=0.0, estimated_saving=None, savings_partial=False, restarted_externally={})
    details = []
    for host, result in sorted(results.items()):
        result = result if isinstance(result, dict) else {}
        where = result.get("region") or region
        name = ("%s.%s" % (cluster, where) if where else str(cluster)) if cluster else str(host)
        own_state = result.get("state") if state == "status" else state
        if state == "started":
            _add_savings(summary, result)
        _add_nodes(summary, result)
        nodegroups = _nodegroups(result)
        # Left as it is by an exception: a stop or start skipped it; a report previews the next stop, or any run on a skip date.
        left = bool(_exception(result).get("skip")) and (state != "status" or own_state == "stopped" or bool(summary["skip_date"]))
        summary["nodes_before"] += _desired(nodegroups, "before")
        summary["nodes_after"] += _desired(nodegroups, "before" if left else "after")
        kept = sorted(str(entry.get("name")) for entry in nodegroups if entry.get("action") == "kept_stopped")
        if kept:
            summary["kept_stopped"][name] = kept
        # A report's preflight that the real stop would refuse carries no state of its own, only its preflight.
        not_stopped = _not_stopped(result) if own_state in ("stopped", None) else {}
        if not_stopped:
            summary["not_stopped"][name] = not_stopped
        if result.get("failed") or not result:
            summary["failed"] += 1
            summary["failed_clusters"][name] = _message(result)
        elif not left and not result.get("skipped") and own_state in DONE and (result.get("changed") or any(entry.get("changed") for entry in nodegroups)):
            summary[WOULD[own_state] if preview else DONE[own_state]] += 1
        else:
            summary["unchanged"] += 1
        if preview and not (summary["skip_date"] and state != "status"):
            details.append(_preview(name, result, own_state, not_stopped, left))
        elif not preview:
            if name in summary["failed_clusters"]:
                details.append("  %s failed: %s" % (name, _first_line(summary["failed_clusters"][name])))
            details.extend("  %s: nodegroup %s not stopped: %s" % (name, nodegroup, reason) for nodegroup, reason in sorted(not_stopped.items()))
        _exceptions(summary, name, result, details, preview, left)
    if state == "started":
        summary["node_hours_avoided"] = round(summary["node_hours_avoided"], 2)
        if summary["estimated_saving"] is not None:
            summary["estimated_saving"] = round(summary["estimated_saving"], 2)
    if summary["skip_date"]:
        # A stop or start on a skip date changed nothing: that is the whole story. A report still shows what it read.
        summary["lines"] = [_skip_date_line(summary)] + _capped_lines(details if state != "status" else [_headline(summary)] + details)
    else:
        summary["lines"] = [_headline(summary)] + _capped_lines(details)
    return summary


class FilterModule:
    def filters(self) -> dict[str, t.Callable[..., dict[str, t.Any]]]:
        return {"fleet_summary": fleet_summary}
