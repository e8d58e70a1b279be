# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This plugin_utils file is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""Exceptions to the schedule, as data: what a cluster's tags and the playbooks' ``skip_dates`` ask of a stop or start.

Pure: the time is always given (``now``, an aware datetime), nothing is read or run here. The inventory plugin, the
playbooks' input check and the ``cluster_exception`` filter all decide through these functions, so the decision is one.

- ``eks_tools.eksctl/skip-until``: an ISO 8601 date or date-time. A date-time without a zone is UTC; a date is 00:00 UTC of
  that date (the first stop on or after it runs). Until then the stop leaves the cluster running.
- ``eks_tools.eksctl/power`` = ``always-on``: the stop always leaves the cluster running.
- A malformed value is reported and treated as absent; an expired ``skip-until`` is ignored with a note.
"""

from __future__ import annotations

import datetime
import re
import typing as t
import zoneinfo

SKIP_UNTIL_TAG = "eks_tools.eksctl/skip-until"
POWER_TAG = "eks_tools.eksctl/power"
TAGS = (SKIP_UNTIL_TAG, POWER_TAG)
ALWAYS_ON = "always-on"
# The reasons a stop leaves a cluster running (eks_fleet.skipped[].reason).
REASON_ALWAYS_ON, REASON_SKIP_UNTIL, REASON_SKIP_DATE = "always-on", "skip-until", "skip_dates"

# ISO 8601's extended forms that EKS tag values can carry: a date, or a date and time (seconds and fraction optional) with
# an optional zone (Z or an offset). The basic forms (20261227) are refused: a tag is read by people too.
_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A tag value in a message: long enough to recognise, never a whole page of it.
_SHOWN = 64


def _shown(value: t.Any) -> str:
    text = str(value)
    return repr(text if len(text) <= _SHOWN else text[:_SHOWN - 3] + "...")


def iso(instant: datetime.datetime) -> str:
    """An instant in UTC as ISO 8601 with Z, to the second."""
    return instant.astimezone(datetime.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def parse_skip_until(value: t.Any) -> datetime.datetime:
    """The instant a skip-until value names, aware and in UTC; ValueError when it is not one."""
    text = value.strip() if isinstance(value, str) else ""
    if not _INSTANT.match(text):
        raise ValueError(value)
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    instant = datetime.datetime.fromisoformat(text)  # ValueError for 2026-02-30 or 25:00
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=datetime.timezone.utc)
    return instant.astimezone(datetime.timezone.utc)


def cluster_exception(tags: t.Mapping[str, t.Any] | None, now: datetime.datetime) -> dict[str, t.Any]:
    """What a cluster's tags ask of a stop at ``now``: ``skip`` (bool), ``reason`` (always-on or skip-until, or None),
    ``until`` (ISO 8601 UTC, for skip-until), ``notes``, one line per expired tag, and ``problems``, one line per malformed
    tag: each ignored."""
    tags = tags if isinstance(tags, dict) else {}
    notes: list[str] = []
    problems: list[str] = []
    until = None
    if SKIP_UNTIL_TAG in tags:
        value = tags[SKIP_UNTIL_TAG]
        try:
            until = parse_skip_until(value)
        except ValueError:
            problems.append("tag %s=%s is not an ISO 8601 date or date-time (such as 2026-12-27 or 2026-12-27T06:00:00Z): ignored"
                            % (SKIP_UNTIL_TAG, _shown(value)))
        else:
            if until <= now:
                notes.append("tag %s=%s has expired (%s): ignored" % (SKIP_UNTIL_TAG, _shown(value), iso(until)))
                until = None
    power = tags.get(POWER_TAG)
    always_on = isinstance(power, str) and power.strip().lower() == ALWAYS_ON
    if power is not None and not always_on:
        problems.append("tag %s=%s is not %s: ignored" % (POWER_TAG, _shown(power), ALWAYS_ON))
    if always_on:
        return {"skip": True, "reason": REASON_ALWAYS_ON, "until": None, "notes": notes, "problems": problems}
    if until is not None:
        return {"skip": True, "reason": REASON_SKIP_UNTIL, "until": iso(until), "notes": notes, "problems": problems}
    return {"skip": False, "reason": None, "until": None, "notes": notes, "problems": problems}


def exception_tags(tags: t.Mapping[str, t.Any] | None) -> dict[str, str]:
    """Only the collection's own tags of a cluster's tags: what the inventory keeps of them."""
    tags = tags if isinstance(tags, dict) else {}
    return {name: str(tags[name]) for name in TAGS if name in tags}


# ---------------------------------------------------------------------------- skip_dates and timezone


def timezone(name: str, value: t.Any) -> zoneinfo.ZoneInfo:
    """An IANA zone by name (Europe/Berlin, UTC); ValueError with a one-line message naming the variable."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("%s must be an IANA time zone name such as Europe/Berlin or UTC, got %r" % (name, value))
    try:
        return zoneinfo.ZoneInfo(value.strip())
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError("%s must be an IANA time zone name such as Europe/Berlin or UTC, got %r" % (name, value)) from None


def _day(name: str, text: str) -> datetime.date:
    if not _DAY.match(text):
        raise ValueError("%s must list dates YYYY-MM-DD and ranges YYYY-MM-DD..YYYY-MM-DD, got %r" % (name, text))
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ValueError("%s lists %r, which is not a date" % (name, text)) from None


def skip_dates(name: str, value: t.Any) -> list[tuple[datetime.date, datetime.date]]:
    """The listed dates and ranges as (first, last) days, both included; ValueError with a one-line message naming the variable."""
    if isinstance(value, str):
        # -e skip_dates=2026-12-24,2026-12-31 or an AWX survey's text, one per line.
        value = [entry for entry in re.split(r"[,\s]+", value) if entry]
    if not isinstance(value, list) or not value:
        raise ValueError("%s must be a list of dates YYYY-MM-DD and ranges YYYY-MM-DD..YYYY-MM-DD, got %r" % (name, value))
    ranges = []
    for entry in value:
        # YAML reads an unquoted 2026-12-24 as a date.
        text = entry.isoformat() if isinstance(entry, datetime.date) else entry.strip() if isinstance(entry, str) else repr(entry)
        first, _dots, last = text.partition("..")
        days = (_day(name, first.strip()), _day(name, (last or first).strip()))
        if days[1] < days[0]:
            raise ValueError("%s lists the range %r, which ends before it begins" % (name, text))
        ranges.append(days)
    return ranges


def skip_date(ranges: t.Sequence[tuple[datetime.date, datetime.date]], zone: datetime.tzinfo,
              now: datetime.datetime) -> datetime.date | None:
    """Today's date in ``zone`` at ``now`` when it is one of ``ranges``, else None. The zone's own rules give the date, so a
    daylight-saving change moves midnight with it."""
    today = now.astimezone(zone).date()
    return today if any(first <= today <= last for first, last in ranges) else None
