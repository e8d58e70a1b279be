# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Exceptions as data: the cluster tags skip-until and power, skip_dates in a time zone (daylight-saving changes included)."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.eks_tools.eksctl.plugins.filter.cluster_exception import cluster_exception as exception_filter
from ansible_collections.eks_tools.eksctl.plugins.filter.exempt_start import exempt_start
from ansible_collections.eks_tools.eksctl.plugins.module_utils._errors import InvalidRequest
from ansible_collections.eks_tools.eksctl.plugins.plugin_utils import _schedule
from ansible_collections.eks_tools.eksctl.plugins.plugin_utils._playbook_input import Inventory, check

UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 12, 3, 13, 45, tzinfo=UTC)
SKIP, POWER = _schedule.SKIP_UNTIL_TAG, _schedule.POWER_TAG


@pytest.mark.parametrize("value, until", [
    ("2026-12-27", "2026-12-27T00:00:00Z"),                # a date: 00:00 UTC of it
    ("2026-12-27T06:30", "2026-12-27T06:30:00Z"),          # a date-time without a zone is UTC
    ("2026-12-27T06:30:15", "2026-12-27T06:30:15Z"),
    ("2026-12-27 06:30:15.250", "2026-12-27T06:30:15Z"),
    ("2026-12-27T06:30:00Z", "2026-12-27T06:30:00Z"),
    ("2026-12-27T07:30:00+01:00", "2026-12-27T06:30:00Z"),
    ("2026-12-27T01:30:00-0500", "2026-12-27T06:30:00Z"),
    (" 2026-12-27 ", "2026-12-27T00:00:00Z"),
])
def test_skip_until_in_the_future_skips_the_stop_until_then(value, until):
    assert _schedule.cluster_exception({SKIP: value}, NOW) == {"skip": True, "reason": "skip-until", "until": until, "notes": [], "problems": []}


@pytest.mark.parametrize("value", ["2026-12-03", "2026-12-03T13:45:00Z", "2026-12-03T14:44:59+01:00", "2025-01-01"])
def test_an_expired_skip_until_is_ignored_with_a_note(value):
    found = _schedule.cluster_exception({SKIP: value}, NOW)
    assert found["skip"] is False and found["problems"] == []
    assert found["notes"] == ["tag %s=%r has expired (%s): ignored" % (SKIP, value, _schedule.iso(_schedule.parse_skip_until(value)))]


@pytest.mark.parametrize("value", ["tomorrow", "", "27.12.2026", "20261227", "2026-12-32", "2026-02-30", "2026-12-27T25:00",
                                   "2026-12-27T06:30+1", "2026-W52", "2026-12-27/2026-12-28", 20261227, None, ["2026-12-27"]])
def test_a_malformed_skip_until_is_reported_and_treated_as_absent(value):
    found = _schedule.cluster_exception({SKIP: value}, NOW)
    assert found["skip"] is False and found["notes"] == []
    assert len(found["problems"]) == 1 and "is not an ISO 8601 date or date-time" in found["problems"][0]


def test_a_long_malformed_value_is_shortened_in_the_message():
    found = _schedule.cluster_exception({SKIP: "x" * 500}, NOW)
    assert len(found["problems"][0]) < 200


@pytest.mark.parametrize("value", ["always-on", "Always-On", " always-on "])
def test_always_on_skips_every_stop(value):
    assert _schedule.cluster_exception({POWER: value}, NOW) == {"skip": True, "reason": "always-on", "until": None, "notes": [], "problems": []}


@pytest.mark.parametrize("value", ["on", "always", "alwayson", "", "true"])
def test_another_power_value_is_reported_and_ignored(value):
    found = _schedule.cluster_exception({POWER: value}, NOW)
    assert found["skip"] is False and found["problems"] == ["tag %s=%r is not always-on: ignored" % (POWER, value)]


def test_always_on_wins_over_skip_until_and_a_malformed_one_is_still_reported():
    found = _schedule.cluster_exception({POWER: "always-on", SKIP: "soon"}, NOW)
    assert found["skip"] is True and found["reason"] == "always-on" and len(found["problems"]) == 1


@pytest.mark.parametrize("tags", [None, {}, {"team": "platform"}, "not a dict"])
def test_no_tag_of_ours_is_no_exception(tags):
    assert _schedule.cluster_exception(tags, NOW) == {"skip": False, "reason": None, "until": None, "notes": [], "problems": []}


def test_the_inventory_keeps_only_the_collection_s_own_tags():
    assert _schedule.exception_tags({"team": "a", SKIP: "2026-12-27", POWER: "always-on"}) == {SKIP: "2026-12-27", POWER: "always-on"}
    assert _schedule.exception_tags(None) == {}


# ---------------------------------------------------------------------------- the filter: which run skips for what


def test_a_start_never_skips_for_tags():
    assert exception_filter({POWER: "always-on"}, "started", now=NOW)["skip"] is False
    assert exception_filter({POWER: "always-on"}, "stopped", now=NOW)["skip"] is True
    assert exception_filter({SKIP: "2026-12-27"}, "status", now=NOW)["reason"] == "skip-until"


@pytest.mark.parametrize("state", ["stopped", "started", "status"])
def test_a_skip_date_skips_every_run_whatever_the_tags(state):
    found = exception_filter({}, state, skip_date={"date": "2026-12-24", "timezone": "Europe/Berlin"}, now=NOW)
    assert found == {"skip": True, "reason": "skip_dates", "until": None, "date": "2026-12-24", "timezone": "Europe/Berlin",
                     "notes": [], "problems": []}


# ---------------------------------------------------------------------------- skip_dates and timezone


def test_skip_dates_takes_dates_and_ranges():
    assert _schedule.skip_dates("skip_dates", ["2026-12-24", "2026-12-31..2027-01-01", datetime.date(2027, 4, 5)]) == [
        (datetime.date(2026, 12, 24),) * 2, (datetime.date(2026, 12, 31), datetime.date(2027, 1, 1)), (datetime.date(2027, 4, 5),) * 2]
    assert _schedule.skip_dates("skip_dates", "2026-12-24, 2026-12-25\n2026-12-26") == [(datetime.date(2026, 12, day),) * 2 for day in (24, 25, 26)]


@pytest.mark.parametrize("value, words", [
    ([], "must be a list"), ("", "must be a list"), ({"a": 1}, "must be a list"), (["24.12.2026"], "must list dates"),
    (["2026-12-32"], "which is not a date"), (["2026-12-26..2026-12-24"], "ends before it begins"), ([20261224], "must list dates"),
    (["2026-12-24..."], "must list dates"),
])
def test_bad_skip_dates_name_the_variable(value, words):
    with pytest.raises(ValueError) as caught:
        _schedule.skip_dates("skip_dates", value)
    assert str(caught.value).startswith("skip_dates ") and words in str(caught.value)


@pytest.mark.parametrize("value", ["Mars/Olympus", "", "../etc/passwd", "CEST+2", 7, None])
def test_a_bad_timezone_names_the_variable(value):
    with pytest.raises(ValueError) as caught:
        _schedule.timezone("timezone", value)
    assert str(caught.value).startswith("timezone must be an IANA time zone name")


BERLIN = _schedule.timezone("timezone", "Europe/Berlin")


@pytest.mark.parametrize("now, listed, skipped", [
    # Spring forward: 2026-03-29 02:00 CET becomes 03:00 CEST. The Berlin day of 29 March is 23 hours long, 28 Mar 23:00Z to 29 Mar 22:00Z.
    ("2026-03-28T22:59:59", "2026-03-29", False),
    ("2026-03-28T23:00:00", "2026-03-29", True),
    ("2026-03-29T01:30:00", "2026-03-29", True),   # the hour that does not exist in Berlin goes by in UTC
    ("2026-03-29T21:59:59", "2026-03-29", True),
    ("2026-03-29T22:00:00", "2026-03-29", False),  # a fixed +01:00 would still call it the 29th
    ("2026-03-29T22:00:00", "2026-03-30", True),
    # Fall back: 2026-10-25 03:00 CEST becomes 02:00 CET. The Berlin day of 25 October is 25 hours long, 24 Oct 22:00Z to 25 Oct 23:00Z.
    ("2026-10-24T21:59:59", "2026-10-25", False),
    ("2026-10-24T22:00:00", "2026-10-25", True),   # a fixed +01:00 would still call it the 24th
    ("2026-10-25T00:30:00", "2026-10-25", True),   # 02:30 CEST, the first time round
    ("2026-10-25T01:30:00", "2026-10-25", True),   # 02:30 CET, the second time round
    ("2026-10-25T22:59:59", "2026-10-25", True),   # a fixed +02:00 would call it the 26th
    ("2026-10-25T23:00:00", "2026-10-25", False),
])
def test_the_date_in_the_zone_follows_daylight_saving_on_both_changes(now, listed, skipped):
    instant = datetime.datetime.fromisoformat(now).replace(tzinfo=UTC)
    found = _schedule.skip_date(_schedule.skip_dates("skip_dates", [listed]), BERLIN, instant)
    assert (found == datetime.date.fromisoformat(listed)) is skipped


def test_a_range_includes_both_ends():
    ranges = _schedule.skip_dates("skip_dates", ["2026-12-24..2026-12-26"])
    days = [_schedule.skip_date(ranges, UTC, datetime.datetime(2026, 12, day, 12, tzinfo=UTC)) for day in (23, 24, 26, 27)]
    assert days == [None, datetime.date(2026, 12, 24), datetime.date(2026, 12, 26), None]


# ---------------------------------------------------------------------------- through the playbooks' input check


def fleet():
    return Inventory(hosts=lambda pattern: ["dev-01.eu-north-1"], unreadable={}, sources_read=True)


@pytest.mark.parametrize("playbook", ["stop", "start", "report"])
def test_the_input_carries_today_s_skip_date_in_the_zone(playbook):
    berlin_new_year = datetime.datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # 00:30 on 1 January in Berlin
    given = {"skip_dates": ["2027-01-01"], "timezone": "Europe/Berlin"}
    found = check(playbook, given, fleet(), now=berlin_new_year)
    assert found["skip_date"] == {"date": "2027-01-01", "timezone": "Europe/Berlin"}
    assert found["variables"] == {"skip_dates": ["2027-01-01"], "timezone": "Europe/Berlin"}
    assert found["module_defaults"]["scale"] == {"start_unrecorded": False}  # no module option
    assert check(playbook, {"skip_dates": ["2027-01-01"]}, fleet(), now=berlin_new_year)["skip_date"] is None  # UTC: still 31 December
    assert check(playbook, {}, fleet(), now=berlin_new_year)["skip_date"] is None


def test_ranges_are_written_out_in_the_input():
    found = check("stop", {"skip_dates": "2026-12-24..2026-12-26,2026-12-31"}, fleet(), now=NOW)
    assert found["variables"]["skip_dates"] == ["2026-12-24..2026-12-26", "2026-12-31"] and found["skip_date"] is None


@pytest.mark.parametrize("given, message", [
    ({"skip_dates": ["2026-13-01"]}, "skip_dates lists '2026-13-01', which is not a date"),
    ({"skip_dates": ["2026-12-24"], "timezone": "Europe/Berln"}, "timezone must be an IANA time zone name such as Europe/Berlin or UTC, got 'Europe/Berln'"),
])
def test_bad_values_fail_the_check_in_one_line_naming_the_variable(given, message):
    with pytest.raises(InvalidRequest) as caught:
        check("stop", given, fleet(), now=NOW)
    assert caught.value.msg == message


# ---------------------------------------------------------------------------- a start on a cluster the stop leaves running

UNRECORDED = {"failed": True, "msg": "cluster 'dev-00': no recording of nodegroup(s) batch anywhere, so they were kept stopped; ...",
              "nodegroups": [{"name": "web", "action": "unchanged"}, {"name": "batch", "action": "kept_stopped"}]}


def test_a_start_on_a_cluster_the_stop_leaves_running_does_not_fail_for_what_was_never_recorded():
    exempted = exempt_start(UNRECORDED, exception_filter({POWER: "always-on"}, "started", now=NOW))
    assert exempted["failed"] is False and "msg" not in exempted
    assert [entry["action"] for entry in exempted["nodegroups"]] == ["unchanged", "unchanged"]
    assert exempted["exception"]["notes"] == [
        "nodegroup(s) batch: nothing recorded, left as they are; the stop leaves this cluster running (always-on)"]


@pytest.mark.parametrize("result, tags", [
    (UNRECORDED, {}),                                                                      # no exception: a lost recording
    (UNRECORDED, {SKIP: "2020-01-01"}),                                                    # expired: the stop did visit it
    (dict(UNRECORDED, nodegroups=UNRECORDED["nodegroups"] + [{"name": "x", "action": "failed"}]), {POWER: "always-on"}),
    ({"failed": True, "msg": "AccessDenied"}, {POWER: "always-on"}),
    ({"changed": True, "nodegroups": []}, {POWER: "always-on"}),
])
def test_every_other_start_result_is_left_as_it_is(result, tags):
    assert exempt_start(result, exception_filter(tags, "started", now=NOW)) is result
