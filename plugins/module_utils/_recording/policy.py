# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils file is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""What a stop records, what a start marks and spends, and how recordings merge. Pure: every rule of the recording's
life is here, and each store applies these functions to what it holds.

* A stop records each nodegroup it scales to zero with its sizes as it found them and the ledger's fields (the time of
  the stop, the instance type, the node count). A nodegroup found running is recorded afresh: its sizes are the truth now.
* A nodegroup the stop finds already stopped keeps its earlier recording (the first stop wins, so a second stop after an
  interrupted one loses nothing); without one, it is recorded at zero, so the start leaves it stopped rather than guess.
* A stop that finds nothing running and nothing recorded records the cluster as ``already_stopped``, with the time.
* Before its writes, a start marks each nodegroup it restores (``restoring_at``): a rerun after an interrupted start
  tells its own restores (their savings counted up to that time) from a nodegroup someone else started.
* A recorded nodegroup a start finds running at other sizes, unmarked, was started by someone else: it counts no savings.
* A start spends the recordings of the nodegroups it restored or found running; the zeros of a nodegroup recorded as
  already stopped are kept, so a rerun of the start still leaves it stopped quietly.
"""

from __future__ import annotations

import typing as t

from .._model import Capacity, StopRecord
from .document import ClusterRecording, NodegroupRecord

# eksctl prints "-" (or "" for a self-managed group with mixed instances) when it knows no instance type.
NO_INSTANCE_TYPE = ("", "-")


def instance_type_of(nodegroup: t.Mapping[str, t.Any]) -> str | None:
    value = nodegroup.get("instance_type")
    return value if isinstance(value, str) and value.strip() not in NO_INSTANCE_TYPE else None


def merge(*sources: ClusterRecording) -> ClusterRecording:
    """One recording from several, in order of precedence: per nodegroup the first source that has it wins; the cluster's
    own fields come from the first source that has a stop time."""
    nodegroups: dict[str, NodegroupRecord] = {}
    for source in sources:
        for name, record in source.nodegroups.items():
            nodegroups.setdefault(name, record)
    stamped = next((source for source in sources if source.recorded_at), ClusterRecording())
    return ClusterRecording(nodegroups, stamped.recorded_at, stamped.already_stopped, merge_autoscalers(*sources))


def merge_autoscalers(*sources: ClusterRecording) -> dict[str, dict[str, t.Any]]:
    """What pauses recorded, per autoscaler and NodePool the first source that has it: the values before any pause."""
    merged: dict[str, dict[str, t.Any]] = {}
    for source in sources:
        for part, values in source.autoscalers.items():
            for name, value in values.items():
                merged.setdefault(part, {}).setdefault(name, value)
    return merged


def of_stop(known: ClusterRecording, nodegroups: t.Sequence[t.Mapping[str, t.Any]], stopping: t.Collection[str],
            at: str, *, cluster: str = "") -> tuple[ClusterRecording, list[str]]:
    """What a stop at ``at`` records of the selected ``nodegroups``, of which it scales ``stopping`` to zero, given what
    was ``known`` before; with a warning for each nodegroup recorded at zero while others of the cluster run."""
    recorded = dict(known.nodegroups)
    warnings = []
    found_unrecorded = []
    for nodegroup in nodegroups:
        name = nodegroup["name"]
        before = Capacity(nodegroup["desired_size"], nodegroup["min_size"], nodegroup["max_size"])
        if name in stopping:
            recorded[name] = NodegroupRecord(before, StopRecord(at, instance_type_of(nodegroup), before.desired_size))
        elif name not in recorded and before.stopped:
            recorded[name] = NodegroupRecord(before, StopRecord(at, instance_type_of(nodegroup), 0))
            found_unrecorded.append(name)
    if stopping:
        warnings = ["nodegroup %r of cluster %r was already stopped and had no recorded sizes; it is recorded at zero, so a start leaves "
                    "it stopped (give its sizes in restore_capacity if it ran before an earlier, interrupted stop)" % (name, cluster)
                    for name in found_unrecorded]
    already_stopped = not stopping and bool(found_unrecorded) and len(found_unrecorded) == len(nodegroups)
    if not stopping and not found_unrecorded:
        return known._replace(nodegroups=recorded), warnings
    return ClusterRecording(recorded, at, already_stopped, known.autoscalers), warnings


def apply_stop(stored: ClusterRecording, ours: ClusterRecording, fresh: t.Collection[str]) -> ClusterRecording:
    """A stop's recording written over what a store holds: the nodegroups it found running (``fresh``) replace any older
    recording; for the rest the store's recording wins (the first stop wins, even a concurrent one)."""
    ran = ClusterRecording({name: record for name, record in ours.nodegroups.items() if name in fresh}, ours.recorded_at, ours.already_stopped)
    merged = merge(ran, stored, ours)._replace(autoscalers=merge_autoscalers(stored, ours))
    return merged._replace(recorded_at=ours.recorded_at or stored.recorded_at,
                           already_stopped=ours.already_stopped if ours.recorded_at else stored.already_stopped)


def mark_restoring(stored: ClusterRecording, names: t.Iterable[str], at: str) -> ClusterRecording:
    """The nodegroups a start is about to restore, marked with the time it began (a mark already there is kept)."""
    marked = dict(stored.nodegroups)
    for name in names:
        if name in marked and marked[name].restoring_at is None:
            marked[name] = marked[name]._replace(restoring_at=at)
    return stored._replace(nodegroups=marked)


def spendable(recording: ClusterRecording, names: t.Iterable[str]) -> list[str]:
    """Of the nodegroups a start is done with, those whose recording it spends: all but the ones recorded at zero."""
    return sorted(name for name in names if name in recording.nodegroups and not recording.nodegroups[name].found_stopped)


def restarted_externally(record: NodegroupRecord, current: Capacity) -> bool:
    """A nodegroup recorded by a stop (not at zero) that a start finds running at other sizes, though no start of ours began
    restoring it: someone or something else started it (a terraform apply, a person, an autoscaler), so the night did not
    save what the ledger says. Found at exactly its recorded sizes, it was never stopped (a stop killed before its write) or
    another start restored it: no savings either, and nobody to name."""
    return not record.found_stopped and current.desired_size > 0 and record.restoring_at is None and current != record.capacity


# --------------------------------------------------------------------------- merging copies written side by side


def _better(one: NodegroupRecord, other: NodegroupRecord) -> NodegroupRecord:
    """Of two recordings of one nodegroup: one of sizes found running beats one at zero; then the later stop (it found the
    nodegroup running later, so its sizes are the truth); then the one a start began to restore."""
    return max(one, other, key=lambda record: (not record.found_stopped, record.stopped_at, record.restoring_at or ""))


def join(one: ClusterRecording, spent_one: t.Mapping[str, str], other: ClusterRecording,
         spent_other: t.Mapping[str, str]) -> tuple[ClusterRecording, dict[str, str]]:
    """Two copies of a recording that were written side by side, joined so that neither copy's change is lost.

    ``spent_*`` map each nodegroup whose recording a start spent to that recording's stop time: a recording of the same
    stop or an earlier one is spent in the join too, whichever copy still holds it. The join does not depend on order and
    joining a copy twice changes nothing, so writers that join every version they missed agree in the end.
    """
    spent = dict(spent_one)
    for name, stopped_at in spent_other.items():
        spent[name] = max(stopped_at, spent.get(name, ""))
    nodegroups: dict[str, NodegroupRecord] = {}
    for source in (one, other):
        for name, record in source.nodegroups.items():
            if name in spent and record.stopped_at <= spent[name]:
                continue
            nodegroups[name] = _better(nodegroups[name], record) if name in nodegroups else record
    latest = max((one, other), key=lambda recording: recording.recorded_at or "")
    return ClusterRecording(nodegroups, latest.recorded_at, latest.already_stopped, merge_autoscalers(one, other)), spent


def newly_spent(before: ClusterRecording, after: ClusterRecording) -> dict[str, str]:
    """The nodegroups whose recording ``after`` no longer holds (or holds from another stop), with the spent stop time."""
    return {name: record.stopped_at for name, record in before.nodegroups.items()
            if name not in after.nodegroups or after.nodegroups[name].stopped_at != record.stopped_at}
