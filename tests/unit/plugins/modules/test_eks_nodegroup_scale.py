# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""eks_nodegroup_scale in-process: exact argv and environment of every eksctl call, and bad input refused before any call."""

from __future__ import annotations

import json

import pytest

from ansible_collections.eks_tools.eksctl.plugins.modules import eks_nodegroup_scale
from ansible_collections.eks_tools.eksctl.tests.unit import contract
from ansible_collections.eks_tools.eksctl.tests.unit.fake_eksctl import FakeEksctl, nodegroups_json
from ansible_collections.eks_tools.eksctl.tests.unit.module_harness import clean_aws_environment, run_module

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
TOKEN = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN"
RUNNING = nodegroups_json(("ng-self", "unmanaged", "CREATE_COMPLETE", 2, 1, 4), ("ng-1", "managed", "ACTIVE", 3, 2, 5))


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


def test_scale_exact_argv_and_environment(monkeypatch, eksctl):
    monkeypatch.setenv("AWS_SECURITY_TOKEN", TOKEN)
    fake = FakeEksctl()
    fake.add(("get", "nodegroup", "--cluster=demo", "--output=json", "--region=eu-north-1"), RUNNING)
    fake.add(("scale", "nodegroup", "--cluster=demo", "--name=ng-1", "--nodes=4", "--nodes-max=6", "--region=eu-north-1"), contract.SCALE_STDOUT)
    result, failed = run_module(monkeypatch, eks_nodegroup_scale.main,
                                base(eksctl, name=["ng-1"], desired_size=4, max_size=6, access_key="AKIAEXAMPLE", secret_key=SECRET), fake)
    assert not failed, result
    env = {"AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": SECRET, "AWS_SESSION_TOKEN": TOKEN}
    assert fake.calls == [
        {"argv": [eksctl, "get", "nodegroup", "--cluster=demo", "--output=json", "--region=eu-north-1"], "env": env, "timeout": None},
        {"argv": [eksctl, "scale", "nodegroup", "--cluster=demo", "--name=ng-1", "--nodes=4", "--nodes-max=6", "--region=eu-north-1"],
         "env": env, "timeout": None},
        {"argv": [eksctl, "get", "nodegroup", "--cluster=demo", "--output=json", "--region=eu-north-1"], "env": env, "timeout": None},
    ]
    assert result["changed"] is True
    assert result["commands"] == [fake.calls[1]["argv"]]
    for secret in (SECRET, TOKEN):
        assert secret not in json.dumps(result)


def test_noop_is_one_call_and_ok(monkeypatch, eksctl):
    fake = FakeEksctl({("get", "nodegroup", "--cluster=demo", "--output=json", "--region=eu-north-1"): [RUNNING]})
    result, failed = run_module(monkeypatch, eks_nodegroup_scale.main, base(eksctl, name="ng-1", desired_size=3, min_size=2), fake)
    assert not failed and result["changed"] is False and len(fake.calls) == 1


def test_check_mode_and_diff(monkeypatch, eksctl):
    fake = FakeEksctl({("get", "nodegroup", "--cluster=demo", "--output=json", "--region=eu-north-1"): [RUNNING],
                       ("get", "cluster", "--name=demo", "--output=json", "--region=eu-north-1"): [contract.CLUSTER_DESCRIPTION],
                       ("get", "fargateprofile", "--cluster=demo", "--output=json", "--region=eu-north-1"): [contract.FARGATE_PROFILES]})
    result, failed = run_module(monkeypatch, eks_nodegroup_scale.main, base(eksctl, state="stopped"), fake, check_mode=True, diff=True)
    assert not failed and result["changed"] is True and len(fake.calls) == 3
    assert [fake_call["argv"][1:3] for fake_call in fake.calls if fake_call["argv"][1:3] == ["scale", "nodegroup"]] == []
    assert [(check["check"], check["subject"]) for check in result["preflight"]] == [("still_running", "fargate_profile fp-default")]
    assert result["diff"]["after"]["nodegroups"] == {"ng-self": {"desired_size": 0, "min_size": 0, "max_size": 4},
                                                     "ng-1": {"desired_size": 0, "min_size": 0, "max_size": 5}}
    assert "ansible_facts" not in result
    assert result["capacity_snapshot"]["ng-1"] == {"desired_size": 3, "min_size": 2, "max_size": 5}


# An empty AWS_REGION counts as unset, as it does for eksctl.
@pytest.mark.parametrize("environment", [{"AWS_DEFAULT_REGION": "us-east-1"}, {"AWS_REGION": "", "AWS_DEFAULT_REGION": "us-east-1"}])
def test_region_from_environment(monkeypatch, eksctl, environment):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    fake = FakeEksctl({("get", "nodegroup", "--cluster=demo", "--output=json", "--region=us-east-1"): [RUNNING]})
    args = base(eksctl, name="ng-1", desired_size=3)
    del args["region"]
    result, failed = run_module(monkeypatch, eks_nodegroup_scale.main, args, fake)
    assert not failed and result["region"] == "us-east-1"


def test_unknown_nodegroup_lists_existing_after_one_read_and_no_write(monkeypatch, eksctl):
    fake = FakeEksctl({("get", "nodegroup", "--cluster=demo", "--output=json", "--region=eu-north-1"): [RUNNING]})
    result, failed = run_module(monkeypatch, eks_nodegroup_scale.main, base(eksctl, name=["ng-zz"], desired_size=1), fake)
    assert failed and "it has: ng-1, ng-self" in result["msg"]
    assert [call["argv"][1] for call in fake.calls] == ["get"]


def test_restore_capacity_for_missing_nodegroup_warns_and_starts_the_others(monkeypatch, eksctl):
    stopped = nodegroups_json(("ng-self", "unmanaged", "CREATE_COMPLETE", 0, 0, 4), ("ng-1", "managed", "ACTIVE", 0, 0, 5))
    fake = FakeEksctl({("get", "nodegroup", "--cluster=demo", "--output=json", "--region=eu-north-1"): [stopped]})
    fake.add(("scale", "nodegroup", "--cluster=demo", "--name=ng-1", "--nodes=3", "--nodes-min=2", "--nodes-max=5", "--region=eu-north-1"),
             contract.SCALE_STDOUT)
    fake.add(("scale", "nodegroup", "--cluster=demo", "--name=ng-self", "--nodes=2", "--nodes-min=1", "--nodes-max=4", "--region=eu-north-1"),
             contract.SCALE_STDOUT)
    warnings = []
    monkeypatch.setattr(eks_nodegroup_scale.AnsibleModule, "warn", lambda self, warning: warnings.append(warning))
    restore = {"ng-gone": {"desired_size": 1, "min_size": 1, "max_size": 2}, "ng-1": {"desired_size": 3, "min_size": 2, "max_size": 5},
               "ng-self": {"desired_size": 2, "min_size": 1, "max_size": 4}}
    result, failed = run_module(monkeypatch, eks_nodegroup_scale.main, base(eksctl, state="started", restore_capacity=restore), fake)
    assert not failed, result
    assert [ng["action"] for ng in result["nodegroups"]] == ["restored", "restored"]
    assert any("ng-gone" in warning and "no longer exist" in warning for warning in warnings)
    assert result["eks_capacity_snapshots"] == {}


def test_eksctl_failure_gives_one_line_with_cmd_rc_stderr(monkeypatch, eksctl):
    fake = FakeEksctl({("get", "nodegroup", "--cluster=demo", "--output=json", "--region=eu-north-1"): [(1, "", contract.STS_STDERR)]})
    result, failed = run_module(monkeypatch, eks_nodegroup_scale.main, base(eksctl, state="stopped"), fake)
    assert failed and "\n" not in result["msg"] and "STS" in result["msg"]
    assert result["rc"] == 1 and result["cmd"][0] == eksctl and result["stderr"] == contract.STS_STDERR


NAME_CASES = ["", "my cluster", "a;b", "$(id)", "`id`", "a\nb", "-rf", "x" * 101, "a|b", "a&&b", "a>b"]


@pytest.mark.parametrize("args, option", [
    *[({"cluster": value, "name": ["ng-1"], "desired_size": 1}, "cluster") for value in NAME_CASES],
    ({"name": ["ng 1"], "desired_size": 1}, "name"),
    ({"name": ["-ng"], "desired_size": 1}, "name"),
    ({"name": ["ng;reboot"], "desired_size": 1}, "name"),
    ({"name": ["$(reboot)"], "desired_size": 1}, "name"),
    ({"name": ["`reboot`"], "desired_size": 1}, "name"),
    ({"name": ["ng\n1"], "desired_size": 1}, "name"),
    ({"name": ["n" * 64], "desired_size": 1}, "name"),
    ({"name": [""], "desired_size": 1}, "name"),
    ({"name": ["ng-1"], "desired_size": -1}, "desired_size"),
    ({"name": ["ng-1"], "min_size": -1}, "min_size"),
    ({"name": ["ng-1"], "max_size": -3}, "max_size"),
    ({"name": ["ng-1"], "max_size": 0}, "max_size"),
    ({"name": ["ng-1"], "min_size": 3, "max_size": 2}, "min_size"),
    ({"name": ["ng-1"], "desired_size": 5, "max_size": 4}, "desired_size"),
    ({"name": ["ng-1"], "desired_size": 1, "min_size": 2}, "desired_size"),
    ({"name": ["ng-1"], "desired_size": "three"}, "desired_size"),
    ({"name": ["ng-1"], "max_size": "1.5"}, "max_size"),
    ({"name": ["ng-1"]}, "desired_size"),
    ({"desired_size": 1}, "name"),
    ({"state": "stopped", "desired_size": 1}, "desired_size"),
    ({"state": "started", "min_size": 1}, "min_size"),
    ({"state": "stopped", "restore_capacity": {"ng-1": {"desired_size": 1, "min_size": 1, "max_size": 2}}}, "restore_capacity"),
    ({"state": "started", "restore_capacity": {"ng-1": 3}}, "restore_capacity"),
    ({"state": "started", "restore_capacity": {"ng-1": {"desired_size": 1, "min_size": 1}}}, "restore_capacity"),
    ({"state": "started", "restore_capacity": {"ng-1": {"desired_size": 3, "min_size": 1, "max_size": 2}}}, "restore_capacity"),
    ({"state": "started", "restore_capacity": {"ng 1": {"desired_size": 1, "min_size": 1, "max_size": 2}}}, "restore_capacity"),
    ({"state": "started", "restore_capacity": {"ng-1": {"desired_size": "x", "min_size": 1, "max_size": 2}}}, "restore_capacity"),
    ({"state": "stopped", "region": "europe"}, "region"),
    ({"state": "stopped", "region": "us-east-1; id"}, "region"),
    ({"state": "stopped", "region": "EU-NORTH-1"}, "region"),
    ({"state": "stopped", "state_bogus": 1}, "state_bogus"),
    ({"state": "paused"}, "state"),
    ({"state": "stopped", "wait_timeout": -1}, "wait_timeout"),
    ({"state": "stopped", "wait_sleep": 0}, "wait_sleep"),
    ({"state": "stopped", "command_timeout": 0}, "command_timeout"),
    ({"state": "stopped", "parallelism": 0}, "parallelism"),
    ({"state": "stopped", "retries": -1}, "retries"),
    ({"state": "stopped", "access_key": "AKIAEXAMPLE"}, "secret_key"),
    ({"state": "stopped", "eksctl_path": "@DIR@"}, "eksctl_path"),
    ({"state": "stopped", "snapshot_path": "@DIR@"}, "snapshot_path"),
    # Inputs that used to reach eksctl: "$" accepting a trailing newline, "\d" accepting any Unicode digit, no length or size limit,
    # nan passing every comparison, and a profile that run_command expanded.
    ({"cluster": "demo\n", "name": ["ng-1"], "desired_size": 1}, "cluster"),
    ({"name": ["ng-1\n"], "desired_size": 1}, "name"),
    ({"state": "stopped", "region": "eu-north-1\n"}, "region"),
    ({"state": "stopped", "region": "eu-north-\u0661"}, "region"),
    ({"state": "stopped", "region": "eu-north-\uff11"}, "region"),
    ({"state": "stopped", "region": "eu-" + "a" * 5000 + "-1"}, "region"),
    ({"name": ["ng-1"], "desired_size": 10 ** 30}, "desired_size"),
    ({"name": ["ng-1"], "max_size": 2 ** 31}, "max_size"),
    ({"state": "started", "restore_capacity": {"ng-1": {"desired_size": 10 ** 30, "min_size": 1, "max_size": 10 ** 30}}}, "restore_capacity"),
    ({"state": "stopped", "wait_sleep": float("nan")}, "wait_sleep"),
    ({"state": "stopped", "wait_sleep": float("inf")}, "wait_sleep"),
    ({"state": "stopped", "retry_delay": float("nan")}, "retry_delay"),
    ({"state": "stopped", "command_timeout": 10 ** 30}, "command_timeout"),
    ({"state": "stopped", "wait_timeout": 10 ** 30}, "wait_timeout"),
    ({"state": "stopped", "profile": "$HOME"}, "profile"),
    ({"state": "stopped", "profile": "~root"}, "profile"),
    ({"state": "stopped", "profile": "-p"}, "profile"),
    ({"state": "stopped", "profile": "a b"}, "profile"),
    ({"state": "stopped", "capacity_snapshots": {"demo": {}}}, "capacity_snapshots"),
    ({"state": "stopped", "capacity_snapshots": {"eu-north-1/demo": {"ng-1": {"desired_size": 1}}}}, "capacity_snapshots"),
    ({"name": ["ng-1"], "desired_size": 1, "capacity_snapshots": {}}, "capacity_snapshots"),
])
def test_bad_input_fails_before_any_eksctl_call(monkeypatch, eksctl, tmp_path, args, option):
    fake = FakeEksctl()
    module_args = base(eksctl)
    module_args.update({key: str(tmp_path) if value == "@DIR@" else value for key, value in args.items()})
    result, failed = run_module(monkeypatch, eks_nodegroup_scale.main, module_args, fake)
    assert failed, result
    assert fake.calls == []
    assert option in result["msg"]
    assert "\n" not in result["msg"] and "Traceback" not in result["msg"]


def test_profile_reaches_eksctl_unexpanded(monkeypatch, eksctl):
    fake = FakeEksctl({("get", "nodegroup", "--cluster=demo", "--output=json", "--region=eu-north-1", "--profile=team/dev+ops"): [RUNNING]})
    result, failed = run_module(monkeypatch, eks_nodegroup_scale.main, base(eksctl, name="ng-1", desired_size=3, profile="team/dev+ops"), fake)
    assert not failed, result


def test_failure_with_warnings_warns_instead_of_passing_warnings_to_fail_json(monkeypatch, eksctl):
    stopped = nodegroups_json(("ng-1", "managed", "ACTIVE", 0, 0, 5))
    fake = FakeEksctl({("get", "nodegroup", "--cluster=demo", "--output=json", "--region=eu-north-1"): [stopped]})
    fake.add(("scale", "nodegroup", "--cluster=demo", "--name=ng-1", "--nodes=3", "--nodes-min=2", "--nodes-max=5", "--region=eu-north-1"),
             (1, "", "Error: simulated failure\n"))
    warnings = []
    monkeypatch.setattr(eks_nodegroup_scale.AnsibleModule, "warn", lambda self, warning: warnings.append(warning))
    restore = {"ng-1": {"desired_size": 3, "min_size": 2, "max_size": 5}, "ng-gone": {"desired_size": 1, "min_size": 1, "max_size": 2}}
    result, failed = run_module(monkeypatch, eks_nodegroup_scale.main, base(eksctl, state="started", restore_capacity=restore), fake)
    assert failed and "warnings" not in result
    assert any("ng-gone" in warning for warning in warnings)
    assert result["eks_capacity_snapshots"]["eu-north-1/demo"]["ng-1"] == {"desired_size": 3, "min_size": 2, "max_size": 5}


@pytest.mark.parametrize("stdout", [
    json.dumps([{"Name": "demo", "Arn": 12345, "Status": "ACTIVE"}]),
    json.dumps([{"Name": "demo", "Arn": "arn:aws:eks:eu-north-1:1:cluster/demo", "Status": ["ACTIVE"]}]),
    "[" * 100000 + "]" * 100000,
    json.dumps([{"Name": "demo", "Arn": "arn:aws:eks:eu-north-1:1:cluster/demo", "Version": {"Major": 1}}]),
])
def test_malformed_description_is_a_clean_parse_error(monkeypatch, eksctl, stdout):
    fake = FakeEksctl({("get", "cluster", "--name=demo", "--output=json"): [stdout],
                       ("get", "nodegroup", "--cluster=demo", "--output=json"): [RUNNING]})
    args = base(eksctl, state="stopped")
    del args["region"]
    result, failed = run_module(monkeypatch, eks_nodegroup_scale.main, args, fake)
    assert failed and "\n" not in result["msg"] and "Traceback" not in result["msg"], result
    assert "eksctl" in result["msg"] and not any(call["argv"][1] == "scale" for call in fake.calls)
