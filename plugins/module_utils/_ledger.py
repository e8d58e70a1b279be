# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils file is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""The savings ledger: what a stop records of each nodegroup (when, which instance type, how many nodes), and what
a start reports from it (how long each nodegroup was stopped, the node-hours avoided and, given prices, the
estimated saving).

Pure: the time of the stop or start comes in as a value, so every figure is exact under test. ``_recording`` keeps
the entries beside the recorded sizes, in the file and in the host fact.

* Times are UTC, to the second, written ``YYYY-MM-DDTHH:MM:SSZ``.
* A nodegroup without an entry (a recording made before there was a ledger, or sizes given only in
  ``restore_capacity``) has an unknown ledger: the start lists it as unknown and never guesses its stop time.
* A price is never guessed either: a nodegroup whose instance type has no price in ``hourly_prices`` is listed as
  unpriced, and the total says it is partial.
"""

from __future__ import annotations

import datetime
import typing as t

from ._model import Capacity, Ledger, StopRecord, Step

TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
TIME_EXAMPLE = "2026-11-27T21:30:00Z"
LEDGER_KEYS = ("stopped_at", "instance_type", "nodes")
# eksctl prints "-" (or "" for a self-managed group with mixed instances) when it knows no instance type.
NO_INSTANCE_TYPE = ("", "-")
NODES_LIMIT = 2 ** 31 - 1


def moment(now: datetime.datetime) -> datetime.datetime:
    """A time as the ledger keeps it: UTC, whole seconds."""
    return now.astimezone(datetime.timezone.utc).replace(microsecond=0)


def timestamp(at: datetime.datetime) -> str:
    return moment(at).strftime(TIME_FORMAT)


def parse_timestamp(text: str) -> datetime.datetime:
    """``YYYY-MM-DDTHH:MM:SSZ`` to an aware UTC time; ValueError otherwise."""
    return datetime.datetime.strptime(text, TIME_FORMAT).replace(tzinfo=datetime.timezone.utc)


def instance_type_of(nodegroup: t.Mapping[str, t.Any]) -> str | None:
    value = nodegroup.get("instance_type")
    return value if isinstance(value, str) and value.strip() not in NO_INSTANCE_TYPE else None


def stop_record_from_dict(entry: t.Mapping[str, t.Any]) -> StopRecord | None:
    """The ledger fields of one recorded nodegroup, or None when it has none. ValueError names the field that is wrong."""
    if not any(key in entry for key in LEDGER_KEYS):
        return None
    missing = [key for key in ("stopped_at", "nodes") if entry.get(key) is None]
    if missing:
        raise ValueError("%s must be given with %s" % (" and ".join(missing), " and ".join(key for key in LEDGER_KEYS if key in entry)))
    stopped_at, instance_type, nodes = entry["stopped_at"], entry.get("instance_type"), entry["nodes"]
    try:
        parse_timestamp(stopped_at)
    except (TypeError, ValueError):
        raise ValueError("stopped_at must be a UTC time written like %s, got %r" % (TIME_EXAMPLE, stopped_at)) from None
    if isinstance(nodes, bool) or not isinstance(nodes, int) or not 0 <= nodes <= NODES_LIMIT:
        raise ValueError("nodes must be an integer from 0 to %d, got %r" % (NODES_LIMIT, nodes))
    if instance_type is not None and (not isinstance(instance_type, str) or not instance_type.strip()):
        raise ValueError("instance_type must be an instance type name or null, got %r" % (instance_type,))
    return StopRecord(stopped_at, instance_type, nodes)


# --------------------------------------------------------------------------- the stop


def ledger_of_stop(nodegroups: t.Iterable[t.Mapping[str, t.Any]], steps: t.Iterable[Step], recorded: t.Mapping[str, Capacity],
                   known: Ledger, stopped_at: str) -> Ledger:
    """What a stop records for the ledger, per recorded nodegroup.

    A nodegroup this stop scales to zero gets this stop's time, its instance type and its node count (desired size)
    now. One that is already stopped keeps its earlier entry, as it keeps its earlier sizes (the first stop wins), or
    has none.
    """
    types = {nodegroup["name"]: instance_type_of(nodegroup) for nodegroup in nodegroups}
    stopping = {step.name: step for step in steps if step.changed}
    ledger: Ledger = {}
    for name in recorded:
        if name in stopping:
            ledger[name] = StopRecord(stopped_at, types.get(name), stopping[name].before.desired_size)
        elif name in known:
            ledger[name] = known[name]
    return ledger


# --------------------------------------------------------------------------- the start


def human_duration(seconds: int) -> str:
    """``9h 30m``, ``1d 2h``, ``45m``, ``12s``: days, hours and minutes (zero parts left out), seconds only under a minute."""
    if seconds < 60:
        return "%ds" % seconds
    days, rest = divmod(seconds // 60, 24 * 60)
    hours, minutes = divmod(rest, 60)
    return " ".join("%d%s" % (value, unit) for value, unit in ((days, "d"), (hours, "h"), (minutes, "m")) if value)


def duration(seconds: int) -> dict[str, t.Any]:
    return {"seconds": seconds, "human": human_duration(seconds)}


def hourly_price(instance_type: str | None, prices: t.Mapping[str, float]) -> tuple[float | None, str | None]:
    """The price per hour of one node of the nodegroup, or None and why not.

    A nodegroup of several instance types (eksctl prints them joined with ",") is priced only when every one of them
    has the same price: which of them ran is not recorded.
    """
    if instance_type is None:
        return None, "no instance type was recorded for it (eksctl printed none)"
    names = [name.strip() for name in instance_type.split(",") if name.strip()]
    missing = [name for name in names if name not in prices]
    if missing:
        return None, "instance type %s has no price in hourly_prices" % ", ".join(missing)
    found = sorted({prices[name] for name in names})
    if len(found) > 1:
        return None, "its instance types %s have different prices in hourly_prices, and which of them ran is not recorded" % ", ".join(names)
    return found[0], None


def savings_of_start(restored: t.Iterable[str], ledger: Ledger, started_at: datetime.datetime,
                     prices: t.Mapping[str, float] | None) -> dict[str, t.Any]:
    """What the stop saved, for the nodegroups a start restores, from their ledger entries and the start's time.

    Node-hours are nodes x hours stopped; the estimated saving is node-hours x the price per hour of the instance type.
    Each figure is rounded to 2 decimals; a total is rounded from the exact sum, not summed from rounded figures.
    """
    started_at = moment(started_at)
    report: dict[str, t.Any] = {"started_at": timestamp(started_at), "nodegroups": {}, "unknown": {}}
    if prices:
        report["unpriced"] = {}
    node_seconds = 0
    priced_cost = 0.0  # node-seconds x price per hour
    longest = None
    for name in restored:
        stop = ledger.get(name)
        if stop is None:
            report["unknown"][name] = ("its recording has no stop time (recorded before the savings ledger, or its sizes were given "
                                       "only in restore_capacity)")
            continue
        seconds = int((started_at - parse_timestamp(stop.stopped_at)).total_seconds())
        if seconds < 0:
            report["unknown"][name] = ("its recorded stop time %s is later than this start (%s): the clocks of the stop and the start "
                                       "disagree" % (stop.stopped_at, report["started_at"]))
            continue
        longest = seconds if longest is None else max(longest, seconds)
        node_seconds += stop.nodes * seconds
        entry: dict[str, t.Any] = dict(stop.as_dict(), stopped_for=duration(seconds), node_hours_avoided=round(stop.nodes * seconds / 3600, 2))
        if prices:
            price, why_not = hourly_price(stop.instance_type, prices)
            if price is None:
                report["unpriced"][name] = why_not
            else:
                priced_cost += stop.nodes * seconds * price
                entry.update(hourly_price=price, estimated_saving=round(stop.nodes * seconds * price / 3600, 2))
        report["nodegroups"][name] = entry
    total: dict[str, t.Any] = {"nodegroups": len(report["nodegroups"]), "stopped_for": None if longest is None else duration(longest),
                               "node_hours_avoided": round(node_seconds / 3600, 2)}
    if prices:
        total["estimated_saving"] = round(priced_cost / 3600, 2)
    total["partial"] = bool(report["unknown"] or report.get("unpriced"))
    report["total"] = total
    return report
