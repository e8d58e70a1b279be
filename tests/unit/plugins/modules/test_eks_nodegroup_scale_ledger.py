# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""eks_nodegroup_scale in-process: the savings ledger's options and results, and bad ledger input refused before any eksctl call."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.eks_tools.eksctl.plugins.modules import eks_nodegroup_scale
from ansible_collections.eks_tools.eksctl.tests.unit import contract
from ansible_collections.eks_tools.eksctl.tests.unit.fake_eksctl import FakeEksctl, nodegroups_json
from ansible_collections.eks_tools.eksctl.tests.unit.module_harness import clean_aws_environment, run_module

READ = ("get", "nodegroup", "--cluster=demo", "--output=json", "--region=eu-north-1")
STOPPED = nodegroups_json(("ng-self", "unmanaged", "CREATE_COMPLETE", 0, 0, 4), ("ng-1", "managed", "ACTIVE", 0, 0, 5))
FORMAT = "%Y-%m-%dT%H:%M:%SZ"


@pytest.fixture(name="eksctl")
def eksctl_fixture(tmp_path, monkeypatch):
    clean_aws_environment(monkeypatch)
    monkeypatch.setenv("HOME", str(tmp_path))
    exe = tmp_path / "eksctl"
    exe.write_text("#!/bin/sh\nexit 99\n")
    exe.chmod(0o755)
    return str(exe)


def base(eksctl, **extra):
    args = {"cluster": "demo", "region": "eu-north-1", "eksctl_path": eksctl}
    args.update(extra)
    return args


def fact(stopped_at):
    return {"eu-north-1/demo": {
        "ng-self": {"desired_size": 2, "min_size": 1, "max_size": 4, "stopped_at": stopped_at, "instance_type": "t3.medium", "nodes": 2},
        "ng-1": {"desired_size": 3, "min_size": 2, "max_size": 5, "stopped_at": stopped_at, "instance_type": "t3.medium", "nodes": 3}}}


def test_start_from_the_fact_reports_the_savings_to_the_time_it_says(monkeypatch, eksctl):
    stopped_at = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=9, minutes=30)).replace(microsecond=0)
    fake = FakeEksctl({READ: [STOPPED]})
    fake.add(("scale", "nodegroup", "--cluster=demo", "--name=ng-self", "--nodes=2", "--nodes-min=1", "--nodes-max=4", "--region=eu-north-1"),
             contract.SCALE_STDOUT)
    fake.add(("scale", "nodegroup", "--cluster=demo", "--name=ng-1", "--nodes=3", "--nodes-min=2", "--nodes-max=5", "--region=eu-north-1"),
             contract.SCALE_STDOUT)
    args = base(eksctl, state="started", capacity_snapshots=fact(stopped_at.strftime(FORMAT)), hourly_prices={"t3.medium": 0.0416})
    result, failed = run_module(monkeypatch, eks_nodegroup_scale.main, args, fake)
    assert not failed, result
    savings = result["savings"]
    started_at = datetime.datetime.strptime(savings["started_at"], FORMAT).replace(tzinfo=datetime.timezone.utc)
    seconds = int((started_at - stopped_at).total_seconds())
    assert 34200 <= seconds < 34200 + 300
    assert savings["total"] == {"nodegroups": 2, "stopped_for": {"seconds": seconds, "human": savings["total"]["stopped_for"]["human"]},
                                "node_hours_avoided": round(5 * seconds / 3600, 2), "estimated_saving": round(5 * seconds * 0.0416 / 3600, 2),
                                "partial": False}
    assert savings["total"]["stopped_for"]["human"].startswith("9h 3")
    assert result["ansible_facts"] == {"eks_capacity_snapshots": {}}


@pytest.mark.parametrize("args, message", [
    ({"state": "started", "hourly_prices": {"m5.large": "cheap"}},
     "hourly_prices[m5.large] must be a number (the price per hour of one node), got 'cheap'"),
    ({"state": "started", "hourly_prices": {"m5.large": -1}}, "hourly_prices[m5.large] must be a finite number of 0 or more, got -1"),
    ({"state": "started", "hourly_prices": {"m5.large": float("nan")}}, "hourly_prices[m5.large] must be a finite number of 0 or more, got nan"),
    ({"state": "stopped", "hourly_prices": {"m5.large": 0.096}},
     "hourly_prices can only be used with state=started: the start reports what the stop saved"),
    ({"state": "started", "capacity_snapshots": fact("21:30 yesterday")},
     "capacity_snapshots[eu-north-1/demo][ng-self].stopped_at must be a UTC time written like 2026-11-27T21:30:00Z, got '21:30 yesterday'"),
    ({"state": "started", "restore_capacity": fact("2026-11-27T21:30:00Z")["eu-north-1/demo"]},
     "restore_capacity[ng-self] has unknown keys: instance_type, nodes, stopped_at"),
])
def test_bad_ledger_input_fails_in_one_line_before_any_eksctl_call(monkeypatch, eksctl, args, message):
    fake = FakeEksctl()
    result, failed = run_module(monkeypatch, eks_nodegroup_scale.main, base(eksctl, **args), fake)
    assert failed and fake.calls == []
    assert result["msg"] == message
