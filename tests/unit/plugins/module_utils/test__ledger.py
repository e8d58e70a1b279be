# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The savings ledger, pure: what a start reports from what its stop recorded, to the exact figure."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.eks_tools.eksctl.plugins.module_utils import _ledger as ledger
from ansible_collections.eks_tools.eksctl.plugins.module_utils._model import StopRecord

UTC = datetime.timezone.utc
START = datetime.datetime(2026, 11, 28, 7, 0, 0, tzinfo=UTC)
NIGHT = "2026-11-27T21:30:00Z"  # 9h 30m = 34200 s before START


@pytest.mark.parametrize("seconds, human", [
    (0, "0s"), (59, "59s"), (60, "1m"), (61, "1m"), (45 * 60, "45m"), (3600, "1h"), (34200, "9h 30m"), (86400, "1d"),
    (86400 + 2 * 3600, "1d 2h"), (86400 + 5 * 60, "1d 5m"), (3 * 86400 + 3600 + 60 + 59, "3d 1h 1m"),
])
def test_human_duration(seconds, human):
    assert ledger.human_duration(seconds) == human


def test_moment_and_timestamp_are_utc_to_the_second():
    at = datetime.datetime(2026, 11, 28, 8, 0, 0, 999999, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))
    assert ledger.moment(at) == datetime.datetime(2026, 11, 28, 7, 0, 0, tzinfo=UTC)
    assert ledger.timestamp(at) == "2026-11-28T07:00:00Z"
    assert ledger.parse_timestamp("2026-11-28T07:00:00Z") == START


def at_start(*names):
    """Nodegroups restored by a start at START."""
    return dict.fromkeys(names, START)


def test_a_restore_an_interrupted_start_made_counts_to_its_own_time():
    """Found running at its recorded sizes, marked by a start killed after its write: counted up to that start, not this one."""
    entries = {"early": StopRecord(NIGHT, "m5.large", 2), "now": StopRecord(NIGHT, "m5.large", 2)}
    earlier = START - datetime.timedelta(hours=2)
    report = ledger.savings_of_start({"early": earlier, "now": START}, entries, START, None)
    assert report["nodegroups"]["early"]["stopped_for"] == {"seconds": 34200 - 7200, "human": "7h 30m"}
    assert report["nodegroups"]["now"]["stopped_for"] == {"seconds": 34200, "human": "9h 30m"}
    assert report["total"]["node_hours_avoided"] == 2 * 7.5 + 2 * 9.5


PRICES = {"m5.large": 0.096, "t3.medium": 0.0416, "m5a.large": 0.096, "c6i.large": 0.085}


@pytest.mark.parametrize("instance_type, price, why_not", [
    ("m5.large", 0.096, None),
    ("m5.large,m5a.large", 0.096, None),  # several types, one price: exact whichever ran
    ("m5.large, m5a.large", 0.096, None),
    ("m5.large,c6i.large", None, "its instance types m5.large, c6i.large have different prices in hourly_prices"),
    ("m5.large,m6i.large", None, "instance type m6i.large has no price in hourly_prices"),
    ("r7g.large", None, "instance type r7g.large has no price in hourly_prices"),
    (None, None, "no instance type was recorded for it"),
])
def test_hourly_price_is_never_guessed(instance_type, price, why_not):
    found, reason = ledger.hourly_price(instance_type, PRICES)
    assert found == price
    assert (reason is None) if why_not is None else why_not in reason


def test_savings_of_a_night_without_prices_is_node_hours_only():
    entries = {"ng-1": StopRecord(NIGHT, "t3.medium", 3), "ng-self": StopRecord(NIGHT, "m5.large", 2)}
    report = ledger.savings_of_start(at_start("ng-self", "ng-1"), entries, START, None)
    night = {"seconds": 34200, "human": "9h 30m"}
    assert report == {
        "started_at": "2026-11-28T07:00:00Z",
        "nodegroups": {
            "ng-self": {"stopped_at": NIGHT, "instance_type": "m5.large", "nodes": 2, "stopped_for": night, "node_hours_avoided": 19.0},
            "ng-1": {"stopped_at": NIGHT, "instance_type": "t3.medium", "nodes": 3, "stopped_for": night, "node_hours_avoided": 28.5},
        },
        "unknown": {},
        "total": {"nodegroups": 2, "stopped_for": night, "node_hours_avoided": 47.5, "partial": False},
    }


# Table: (nodes, instance type, stopped_at) per nodegroup, the price map, and the expected per-nodegroup
# (node_hours_avoided, estimated_saving or None) and totals (node_hours_avoided, estimated_saving, partial).
CASES = {
    "one priced nodegroup": (
        {"a": (3, "m5.large", NIGHT)}, PRICES,
        {"a": (28.5, 2.74)}, (28.5, 2.74, False)),
    "two prices, totals rounded from the exact sums": (
        # a: 1 node x 1000 s x 0.096 = 0.02667; b: 1 x 1000 s x 0.0416 = 0.01156; total 0.03822 -> 0.04 (summing rounded: 0.03+0.01)
        {"a": (1, "m5.large", "2026-11-28T06:43:20Z"), "b": (1, "t3.medium", "2026-11-28T06:43:20Z")}, PRICES,
        {"a": (0.28, 0.03), "b": (0.28, 0.01)}, (0.56, 0.04, False)),
    "an unpriced instance type makes the saving partial": (
        {"a": (3, "m5.large", NIGHT), "b": (4, "r7g.large", NIGHT)}, PRICES,
        {"a": (28.5, 2.74), "b": (38.0, None)}, (66.5, 2.74, True)),
    "different stop times per nodegroup": (
        {"a": (2, "t3.medium", "2026-11-27T19:00:00Z"), "b": (2, "t3.medium", "2026-11-28T01:00:00Z")}, PRICES,
        {"a": (24.0, 1.0), "b": (12.0, 0.5)}, (36.0, 1.5, False)),
    "a nodegroup stopped at zero nodes saved nothing": (
        {"a": (0, "m5.large", NIGHT)}, PRICES,
        {"a": (0.0, 0.0)}, (0.0, 0.0, False)),
    "a free instance type is priced at zero": (
        {"a": (3, "t3.micro", NIGHT)}, {"t3.micro": 0},
        {"a": (28.5, 0.0)}, (28.5, 0.0, False)),
}


@pytest.mark.parametrize("entries, prices, per_nodegroup, totals", list(CASES.values()), ids=list(CASES))
def test_savings_table(entries, prices, per_nodegroup, totals):
    stops = {name: StopRecord(stopped_at, instance_type, nodes) for name, (nodes, instance_type, stopped_at) in entries.items()}
    report = ledger.savings_of_start(at_start(*entries), stops, START, prices)
    for name, (node_hours, saving) in per_nodegroup.items():
        entry = report["nodegroups"][name]
        assert entry["node_hours_avoided"] == node_hours
        assert entry.get("estimated_saving") == saving
        assert (name in report["unpriced"]) is (saving is None)
    total = report["total"]
    assert (total["node_hours_avoided"], total["estimated_saving"], total["partial"]) == totals


def test_savings_lists_unknown_ledgers_and_never_guesses_them():
    entries = {"known": StopRecord(NIGHT, "m5.large", 1), "skewed": StopRecord("2026-11-28T07:00:05Z", "m5.large", 1)}
    report = ledger.savings_of_start(at_start("known", "old", "skewed"), entries, START, PRICES)
    assert list(report["nodegroups"]) == ["known"]
    assert "no stop time" in report["unknown"]["old"]
    assert "later than this start" in report["unknown"]["skewed"] and "clocks" in report["unknown"]["skewed"]
    assert report["total"] == {"nodegroups": 1, "stopped_for": {"seconds": 34200, "human": "9h 30m"}, "node_hours_avoided": 9.5,
                               "estimated_saving": 0.91, "partial": True}


def test_savings_of_nothing_restored():
    assert ledger.savings_of_start({}, {}, START, PRICES) == {
        "started_at": "2026-11-28T07:00:00Z", "nodegroups": {}, "unknown": {}, "unpriced": {},
        "total": {"nodegroups": 0, "stopped_for": None, "node_hours_avoided": 0.0, "estimated_saving": 0.0, "partial": False}}


def test_the_total_stopped_for_is_the_longest():
    entries = {"a": StopRecord("2026-11-27T19:00:00Z", None, 1), "b": StopRecord("2026-11-28T06:00:00Z", None, 1)}
    assert ledger.savings_of_start(at_start("a", "b"), entries, START, None)["total"]["stopped_for"] == {"seconds": 43200, "human": "12h"}
