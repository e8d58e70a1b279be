# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils file is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""A cluster's recording as a value, and its one JSON shape. Pure.

One cluster's recording reads, wherever it is kept (the file, the host fact ``eks_recordings``, an SSM parameter, the
result's ``recording``)::

    {"nodegroups": {"ng-1": {"desired_size": 3, "min_size": 2, "max_size": 5,          # the sizes to bring back
                             "stopped_at": "2026-11-27T21:30:00Z",                     # the savings ledger: when,
                             "instance_type": "m5.large", "nodes": 3,                  #   what and how many it stopped
                             "restoring_at": "2026-11-28T06:30:00Z"}},                 # a start began to restore it
     "recorded_at": "2026-11-27T21:30:00Z",   # the last stop that visited the cluster
     "already_stopped": true,                 # that stop found nothing running and nothing recorded
     "autoscalers": {"deployments": {"kube-system/cluster-autoscaler": 1},     # what a pause changed, as it found it:
                     "nodepools": {"default": {"cpu": "100"}}}}                #   replicas, and NodePool limits (null: none)

A nodegroup recorded at zero (``desired_size`` and ``min_size`` 0) is one the stop found already stopped: a start leaves
it stopped. Every shape the collection returned before is read too: a mapping of nodegroup name to its sizes, with or
without the ledger's fields. Keys this version does not know are ignored where the sizes are complete, so a recording
written by a later version is still read; a nodegroup whose sizes are incomplete is refused, naming what it lacks.
"""

from __future__ import annotations

import datetime
import typing as t

from .._model import SIZE_OPTIONS, Capacity, Ledger, Recording, StopRecord

TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
TIME_EXAMPLE = "2026-11-27T21:30:00Z"
LEDGER_KEYS = ("stopped_at", "instance_type", "nodes")
ENTRY_KEYS = SIZE_OPTIONS + LEDGER_KEYS + ("restoring_at",)
# EKS and Auto Scaling take sizes (and so node counts) as 32-bit integers.
SIZE_LIMIT = 2 ** 31 - 1


class NodegroupRecord(t.NamedTuple):
    """One recorded nodegroup: its sizes, what the stop recorded for the savings ledger, and when a start began to restore it."""

    capacity: Capacity
    stop: StopRecord | None = None
    restoring_at: str | None = None

    @property
    def stopped_at(self) -> str:
        """The time of the stop that recorded it ("" when unknown: recorded before there was a ledger)."""
        return self.stop.stopped_at if self.stop else ""

    @property
    def found_stopped(self) -> bool:
        """Recorded at zero: the stop found it already stopped, so a start leaves it so."""
        return self.capacity.stopped


class ClusterRecording(t.NamedTuple):
    nodegroups: t.Mapping[str, NodegroupRecord] = {}
    recorded_at: str | None = None
    already_stopped: bool = False
    # What a pause changed in the cluster's Kubernetes API, as it found it: "deployments" (namespace/name to replicas) and
    # "nodepools" (name to limits, None for none). Empty when nothing was paused.
    autoscalers: t.Mapping[str, t.Mapping[str, t.Any]] = {}

    def sizes(self) -> Recording:
        return {name: record.capacity for name, record in self.nodegroups.items()}

    def ledger(self) -> Ledger:
        return {name: record.stop for name, record in self.nodegroups.items() if record.stop is not None}

    def without(self, names: t.Iterable[str], *, autoscalers: bool = False) -> ClusterRecording:
        """Less the nodegroups a start spent (and, with ``autoscalers``, what a pause recorded, once given back)."""
        spent = set(names)
        return self._replace(nodegroups={name: record for name, record in self.nodegroups.items() if name not in spent},
                             autoscalers={} if autoscalers else self.autoscalers)

    @property
    def empty(self) -> bool:
        return not self.nodegroups and not self.autoscalers


EMPTY = ClusterRecording()


def parse_time(text: str) -> datetime.datetime:
    """``YYYY-MM-DDTHH:MM:SSZ`` to an aware UTC time; ValueError otherwise."""
    return datetime.datetime.strptime(text, TIME_FORMAT).replace(tzinfo=datetime.timezone.utc)


def _time(entry: t.Mapping[str, t.Any], key: str) -> str:
    value = entry[key]
    try:
        parse_time(value)
    except (TypeError, ValueError):
        raise ValueError("%s must be a UTC time written like %s, got %r" % (key, TIME_EXAMPLE, value)) from None
    return value


def sizes_problem(sizes: t.Mapping[str, t.Any]) -> str | None:
    """Why three sizes cannot be a nodegroup's (integers, 0 to 2**31-1, min <= desired <= max, max at least 1), or None."""
    for key in SIZE_OPTIONS:
        value = sizes[key]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= SIZE_LIMIT:
            return "%s must be an integer from 0 to %d, got %r" % (key, SIZE_LIMIT, value)
    desired, minimum, maximum = (sizes[key] for key in SIZE_OPTIONS)
    if not minimum <= desired <= maximum:
        return "the sizes must keep min_size <= desired_size <= max_size, got %d/%d/%d" % (desired, minimum, maximum)
    if maximum < 1:
        return "max_size must be at least 1 (EKS rejects a maximum of 0)"
    return None


def stop_from_dict(entry: t.Mapping[str, t.Any]) -> StopRecord | None:
    """The ledger fields of one recorded nodegroup, or None when it has none. ValueError names the field that is wrong."""
    if not any(key in entry for key in LEDGER_KEYS):
        return None
    missing = [key for key in ("stopped_at", "nodes") if entry.get(key) is None]
    if missing:
        raise ValueError("%s must be given with %s" % (" and ".join(missing), " and ".join(key for key in LEDGER_KEYS if key in entry)))
    nodes, instance_type = entry["nodes"], entry.get("instance_type")
    if isinstance(nodes, bool) or not isinstance(nodes, int) or not 0 <= nodes <= SIZE_LIMIT:
        raise ValueError("nodes must be an integer from 0 to %d, got %r" % (SIZE_LIMIT, nodes))
    if instance_type is not None and (not isinstance(instance_type, str) or not instance_type.strip()):
        raise ValueError("instance_type must be an instance type name or null, got %r" % (instance_type,))
    return StopRecord(_time(entry, "stopped_at"), instance_type, nodes)


def nodegroup_from_dict(entry: t.Any, *, strict_ledger: bool = True) -> NodegroupRecord:
    """One recorded nodegroup. ValueError says what is wrong. With ``strict_ledger`` false, ledger fields that cannot be read
    make only the ledger unknown (a start never fails for want of a stop time)."""
    if not isinstance(entry, dict):
        raise ValueError("must be a dictionary with desired_size, min_size and max_size")
    missing = [key for key in SIZE_OPTIONS if entry.get(key) is None]
    if missing:
        unknown = sorted(str(key) for key in entry if key not in ENTRY_KEYS)
        raise ValueError("lacks %s%s" % (", ".join(missing), "; unknown keys: %s" % ", ".join(unknown) if unknown else ""))
    problem = sizes_problem(entry)
    if problem:
        raise ValueError(problem)
    try:
        stop = stop_from_dict(entry)
        restoring_at = _time(entry, "restoring_at") if entry.get("restoring_at") is not None else None
    except ValueError:
        if strict_ledger:
            raise
        stop, restoring_at = None, None
    return NodegroupRecord(Capacity(*(entry[key] for key in SIZE_OPTIONS)), stop, restoring_at)


def nodegroup_to_dict(record: NodegroupRecord) -> dict[str, t.Any]:
    entry: dict[str, t.Any] = record.capacity.as_dict()
    if record.stop is not None:
        entry.update(record.stop.as_dict())
    if record.restoring_at is not None:
        entry["restoring_at"] = record.restoring_at
    return entry


def _is_entry(value: t.Any) -> bool:
    return isinstance(value, dict) and any(key in value for key in SIZE_OPTIONS)


def from_document(data: t.Any, *, strict_ledger: bool = True) -> ClusterRecording:
    """A cluster's recording from any shape the collection returns; ValueError names the nodegroup and what is wrong.

    The current shape has ``nodegroups``; the earlier one maps nodegroup names to their entries (a nodegroup named
    ``nodegroups`` in it holds sizes, which tells the two apart)."""
    if not isinstance(data, dict):
        raise ValueError("must be a dictionary: a recording as the module returns it")
    current = isinstance(data.get("nodegroups"), dict) and not _is_entry(data.get("nodegroups"))
    entries = data["nodegroups"] if current else data
    nodegroups = {}
    for name, entry in entries.items():
        if not isinstance(name, str) or not name:
            raise ValueError("has a nodegroup name that is not a string: %r" % (name,))
        try:
            nodegroups[name] = nodegroup_from_dict(entry, strict_ledger=strict_ledger)
        except ValueError as exc:
            field = str(exc).split(" ", 1)[0]
            raise ValueError("[%s]%s%s" % (name, "." if field in ENTRY_KEYS else " ", exc)) from None
    if not current:
        return ClusterRecording(nodegroups)
    autoscalers = data.get("autoscalers") or {}
    if not isinstance(autoscalers, dict) or not all(isinstance(autoscalers.get(part, {}), dict) for part in ("deployments", "nodepools")):
        raise ValueError("autoscalers must be a dictionary of deployments and nodepools, as the module records them")
    replicas = autoscalers.get("deployments") or {}
    if not all(isinstance(value, int) and not isinstance(value, bool) and value >= 0 for value in replicas.values()):
        raise ValueError("autoscalers.deployments must map namespace/name to a number of replicas")
    recorded_at = data.get("recorded_at")
    if recorded_at is not None:
        try:
            recorded_at = _time(data, "recorded_at")
        except ValueError:
            if strict_ledger:
                raise
            recorded_at = None
    kept = {part: dict(autoscalers[part]) for part in ("deployments", "nodepools") if autoscalers.get(part)}
    return ClusterRecording(nodegroups, recorded_at, data.get("already_stopped") is True, kept)


def to_document(recording: ClusterRecording) -> dict[str, t.Any]:
    document: dict[str, t.Any] = {"nodegroups": {name: nodegroup_to_dict(record) for name, record in sorted(recording.nodegroups.items())}}
    if recording.recorded_at is not None:
        document["recorded_at"] = recording.recorded_at
    if recording.already_stopped:
        document["already_stopped"] = True
    if recording.autoscalers:
        document["autoscalers"] = {part: dict(sorted(values.items())) for part, values in sorted(recording.autoscalers.items())}
    return document


def recordings_from_facts(value: t.Any) -> dict[str, ClusterRecording]:
    """The host fact ``eks_recordings`` given back: ``<region>/<cluster>`` to a recording. ValueError names the key."""
    if not isinstance(value, dict):
        raise ValueError("must be a dictionary of <region>/<cluster> to a recording, as eks_recordings holds them")
    recordings = {}
    for key, data in value.items():
        region, _separator, cluster = str(key).partition("/")
        if not region or not cluster:
            raise ValueError("keys must be <region>/<cluster>, as eks_recordings has them; got %r" % (key,))
        try:
            recordings[str(key)] = from_document(data)
        except ValueError as exc:
            raise ValueError("[%s]%s" % (key, exc if str(exc).startswith("[") else " " + str(exc))) from None
    return recordings


def facts_document(recordings: t.Mapping[str, ClusterRecording]) -> dict[str, dict[str, t.Any]]:
    """The host fact: every cluster that has something recorded, in the current shape."""
    return {key: to_document(recording) for key, recording in sorted(recordings.items()) if not recording.empty}


def recording_key(region: str | None, cluster: str) -> str:
    return "%s/%s" % (region or "default", cluster)
