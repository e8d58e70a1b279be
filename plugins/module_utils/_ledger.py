# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils file is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""The savings ledger: what a start reports from what its stop recorded of each nodegroup (when, which instance type,
how many nodes; the recording keeps those fields, ``_recording``): how long each nodegroup was stopped, the node-hours
avoided and, given prices, the estimated saving.

Pure: the times of the stop and the start come in as values, so every figure is exact under test.

* Times are UTC, to the second, written ``YYYY-MM-DDTHH:MM:SSZ``.
* A nodegroup without an entry (a recording made before there was a ledger, or sizes given only in
  ``restore_capacity``) has an unknown ledger: the start lists it as unknown and never guesses its stop time.
* A price is never guessed either: a nodegroup whose instance type has no price in ``hourly_prices`` is listed as
  unpriced, and the total says it is partial.
"""

from __future__ import annotations

import datetime
import typing as t

from ._model import Ledger
from ._recording.document import TIME_FORMAT, parse_time


def moment(now: datetime.datetime) -> datetime.datetime:
    """A time as the ledger keeps it: UTC, whole seconds."""
    return now.astimezone(datetime.timezone.utc).replace(microsecond=0)


def timestamp(at: datetime.datetime) -> str:
    return moment(at).strftime(TIME_FORMAT)


def parse_timestamp(text: str) -> datetime.datetime:
    """``YYYY-MM-DDTHH:MM:SSZ`` to an aware UTC time; ValueError otherwise."""
    return parse_time(text)


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


def savings_of_start(restored: t.Mapping[str, datetime.datetime], ledger: Ledger, started_at: datetime.datetime,
                     prices: t.Mapping[str, float] | None) -> dict[str, t.Any]:
    """What the stop saved, for the nodegroups a start restores (each to the time its restore began: this start's, or that
    of an earlier start that was interrupted after its write), from their ledger entries.

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
    for name, restored_at in sorted(restored.items()):
        stop = ledger.get(name)
        if stop is None:
            report["unknown"][name] = ("its recording has no stop time (recorded before the savings ledger, or its sizes were given "
                                       "only in restore_capacity)")
            continue
        seconds = int((moment(restored_at) - parse_timestamp(stop.stopped_at)).total_seconds())
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
