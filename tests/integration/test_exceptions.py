# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Exceptions as data, through the inventory and the shipped playbooks: the cluster tags skip-until and power=always-on,
skip_dates in a time zone, and a start that finds nodegroups restarted behind its back."""

from __future__ import annotations

import datetime
import os
import zoneinfo

import pytest

from test_fleet import add_fleet, fleet_run, write_inventory

SKIP, POWER = "eks_tools.eksctl/skip-until", "eks_tools.eksctl/power"


def tag(sim, tags_by_cluster):
    def change(state):
        for cluster in state["clusters"]:
            cluster["tags"].update(tags_by_cluster.get(cluster["name"], {}))
    sim.update(change)


def eks_fleet(results):
    (fleet,) = [entry["result"]["ansible_stats"]["data"]["eks_fleet"] for entry in results if "ansible_stats" in entry["result"]]
    return fleet


def stopped(sizes):
    return all(size[:2] == (0, 0) for size in sizes.values())


def scale_calls(sim):
    return [call for call in sim.calls() if call["argv"][:2] == ["scale", "nodegroup"]]


@pytest.mark.release_sensitive  # set_stats and custom stats
def test_tagged_clusters_are_skipped_and_named_expired_and_malformed_tags_are_ignored(sim):
    expected = add_fleet(sim, count=4)
    future = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    tag(sim, {"dev-00": {POWER: "always-on"}, "dev-01": {SKIP: future}, "dev-02": {SKIP: "2020-01-01"}, "dev-03": {SKIP: "next tuesday"}})
    inventory = write_inventory(sim)
    binary = os.path.join(os.path.dirname(sim.env["ANSIBLE_PYTHON_INTERPRETER"]), "ansible-inventory")
    graph = sim.run([binary, "-i", inventory, "--graph"], check=True)
    groups = {block.split(":")[0]: block for block in graph.stdout.split("@")[1:]}
    assert "dev-00.eu-north-1" in groups["eks_always_on"] and "dev-01.us-east-1" in groups["eks_skip_until"]
    assert "dev-02.eu-north-1" in groups["eks_exception_notes"] and "dev-03.us-east-1" in groups["eks_exception_notes"]
    assert "dev-03.us-east-1: tag eks_tools.eksctl/skip-until='next tuesday' is not an ISO 8601 date" in " ".join(graph.stderr.split())

    # The report says what tonight's stop would skip, and why.
    _results, report = fleet_run(sim, "eks_tools.eksctl.report", inventory)
    assert report.returncode == 0, report.stdout + report.stderr
    assert "the next stop would skip: dev-00.eu-north-1 (always-on), dev-01.us-east-1 (skip-until)" in report.stdout
    assert "dev-01.us-east-1 would be left as it is: tag eks_tools.eksctl/skip-until, until %s" % future in report.stdout

    results, stop = fleet_run(sim, "eks_tools.eksctl.stop", inventory)
    assert stop.returncode == 0, stop.stdout + stop.stderr
    assert sim.sizes("dev-00", "eu-north-1") == expected[("dev-00", "eu-north-1")]
    assert sim.sizes("dev-01", "us-east-1") == expected[("dev-01", "us-east-1")]
    assert stopped(sim.sizes("dev-02", "eu-north-1")) and stopped(sim.sizes("dev-03", "us-east-1"))
    fleet = eks_fleet(results)
    assert fleet["skipped"] == {"dev-00.eu-north-1": {"reason": "always-on"}, "dev-01.us-east-1": {"reason": "skip-until", "until": future}}
    assert fleet["exception_notes"]["dev-02.eu-north-1"] == ["tag eks_tools.eksctl/skip-until='2020-01-01' has expired (2020-01-01T00:00:00Z): ignored"]
    assert "is not an ISO 8601 date or date-time" in fleet["exception_notes"]["dev-03.us-east-1"][0]
    assert (fleet["stopped"], fleet["unchanged"], fleet["failed"]) == (2, 2, 0)
    assert "skipped: dev-00.eu-north-1 (always-on), dev-01.us-east-1 (skip-until)" in stop.stdout
    assert "dev-00.eu-north-1 skipped: tag eks_tools.eksctl/power=always-on" in stop.stdout

    # The start does not skip for tags: what was stopped starts, what was left running stays as it runs. dev-00's batch is at
    # zero with nothing recorded (the stop never visited the cluster): left as it is, with a note, not a failure.
    _results, start = fleet_run(sim, "eks_tools.eksctl.start", inventory)
    assert start.returncode == 0, start.stdout + start.stderr
    assert ("dev-00.eu-north-1: nodegroup(s) batch: nothing recorded, left as they are; the stop leaves this cluster running (always-on)"
            in start.stdout)
    for (name, region), sizes in expected.items():
        assert sim.sizes(name, region) == sizes, name


def zone_with_another_date():
    """A zone whose date is not UTC's at this moment (UTC+14 from 10:00 UTC, UTC-11 before 11:00 UTC)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    for name in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
        local = now.astimezone(zoneinfo.ZoneInfo(name)).date()
        if local != now.date():
            return name, local.isoformat()
    raise AssertionError("no zone with another date")  # cannot happen: the two windows cover the day


@pytest.mark.release_sensitive  # set_stats and custom stats
def test_a_skip_date_in_the_zone_leaves_the_fleet_as_it_is_and_ends_green(sim):
    expected = add_fleet(sim, count=2)
    inventory = write_inventory(sim)
    zone, today_there = zone_with_another_date()
    skip = ["-e", '{"skip_dates": ["2020-01-01", "%s..%s"], "timezone": "%s"}' % (today_there, today_there, zone)]
    for playbook, verb in (("eks_tools.eksctl.stop", "stop"), ("eks_tools.eksctl.start", "start")):
        sim.reset_calls()
        results, completed = fleet_run(sim, playbook, inventory, *skip)
        assert completed.returncode == 0, completed.stdout + completed.stderr
        line = "fleet %s skipped: %s is one of skip_dates (%s); nothing changed on 2 cluster(s)" % (verb, today_there, zone)
        assert line in completed.stdout
        assert not scale_calls(sim)
        fleet = eks_fleet(results)
        assert fleet["skip_date"] == {"date": today_there, "timezone": zone} and fleet["lines"] == [line]
        assert set(fleet["skipped"]) == {"dev-00.eu-north-1", "dev-01.us-east-1"}
    _results, report = fleet_run(sim, "eks_tools.eksctl.report", inventory, *skip)
    assert report.returncode == 0 and "today the stop or start is skipped: %s is one of skip_dates (%s)" % (today_there, zone) in report.stdout
    for (name, region), sizes in expected.items():
        assert sim.sizes(name, region) == sizes
    # The same date in UTC is not today: the stop runs.
    _results, completed = fleet_run(sim, "eks_tools.eksctl.stop", inventory, "-e", '{"skip_dates": ["%s"]}' % today_there)
    assert completed.returncode == 0 and "2 cluster(s): 2 stopped" in completed.stdout
    assert all(stopped(sim.sizes(name, region)) for name, region in expected)


def test_a_skip_date_skips_one_named_cluster_too(sim):
    today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    before = sim.sizes("demo")
    _results, completed = sim.playbook("eks_tools.eksctl.stop", "-e", "cluster=demo", "-e", "region=eu-north-1", "-e", "skip_dates=" + today)
    assert "fleet stop skipped: %s is one of skip_dates (UTC); nothing changed on 1 cluster(s)" % today in completed.stdout
    assert sim.sizes("demo") == before and not scale_calls(sim)


@pytest.mark.parametrize("variables, message", [
    ("skip_dates=2026-13-01", "skip_dates lists '2026-13-01', which is not a date"),
    ("skip_dates=24.12.2026", "skip_dates must list dates YYYY-MM-DD and ranges YYYY-MM-DD..YYYY-MM-DD, got '24.12.2026'"),
    ("timezone=Europe/Berln", "timezone must be an IANA time zone name such as Europe/Berlin or UTC, got 'Europe/Berln'"),
])
def test_bad_skip_dates_or_timezone_fail_in_one_line_before_any_eksctl_call(sim, variables, message):
    _results, completed = sim.playbook("eks_tools.eksctl.stop", "-e", "cluster=demo", "-e", "region=eu-north-1", "-e", variables, check=False)
    assert completed.returncode != 0 and message in completed.stdout
    assert sim.calls() == []


@pytest.mark.release_sensitive  # set_stats and custom stats
def test_a_nodegroup_scaled_up_between_stop_and_start_is_named_and_saves_nothing(sim):
    expected = add_fleet(sim, count=2)
    inventory = write_inventory(sim)
    _results, completed = fleet_run(sim, "eks_tools.eksctl.stop", inventory)
    assert completed.returncode == 0, completed.stdout

    def scale_up(state):
        (cluster,) = [cluster for cluster in state["clusters"] if cluster["name"] == "dev-00"]
        (web,) = [nodegroup for nodegroup in cluster["nodegroups"] if nodegroup["name"] == "web"]
        web.update(desired=2, min=1)
    sim.update(scale_up)
    results, completed = fleet_run(sim, "eks_tools.eksctl.start", inventory)
    assert completed.returncode == 0, completed.stdout
    fleet = eks_fleet(results)
    assert list(fleet["restarted_externally"]) == ["dev-00.eu-north-1"]
    assert fleet["restarted_externally"]["dev-00.eu-north-1"]["web"]["found"]["desired_size"] == 2
    assert "restarted outside this collection, no savings counted: dev-00.eu-north-1 (web)" in completed.stdout
    starts = {entry["host"]: entry["result"] for entry in results if "savings" in entry["result"]}
    assert "web" not in starts["dev-00.eu-north-1"]["savings"]["nodegroups"]
    assert sim.sizes("dev-01", "us-east-1") == expected[("dev-01", "us-east-1")]
