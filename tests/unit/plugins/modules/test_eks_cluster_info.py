# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""eks_cluster_info in-process against contract outputs."""

from __future__ import annotations

import pytest

from ansible_collections.eks_tools.eksctl.plugins.modules import eks_cluster_info
from ansible_collections.eks_tools.eksctl.tests.unit import contract
from ansible_collections.eks_tools.eksctl.tests.unit.fake_eksctl import FakeEksctl
from ansible_collections.eks_tools.eksctl.tests.unit.module_harness import clean_aws_environment, run_module


@pytest.fixture(name="eksctl")
def eksctl_fixture(tmp_path, monkeypatch):
    clean_aws_environment(monkeypatch)
    exe = tmp_path / "eksctl"
    exe.write_text("#!/bin/sh\nexit 99\n")
    exe.chmod(0o755)
    return str(exe)


def test_listing_is_one_call(monkeypatch, eksctl):
    fake = FakeEksctl({("get", "cluster", "--output=json", "--region=eu-north-1"): [contract.CLUSTER_LIST]})
    result, failed = run_module(monkeypatch, eks_cluster_info.main, {"region": "eu-north-1", "eksctl_path": eksctl}, fake, check_mode=True)
    assert not failed and result["changed"] is False
    assert result["clusters"] == [{"name": "demo", "region": "eu-north-1", "owned": True},
                                  {"name": "legacy-tf", "region": "eu-north-1", "owned": False}]
    assert fake.calls == [{"argv": [eksctl, "get", "cluster", "--output=json", "--region=eu-north-1"], "env": {}, "timeout": None}]


def test_named_cluster_with_profile_and_no_region(monkeypatch, eksctl):
    fake = FakeEksctl({
        ("get", "cluster", "--name=demo", "--output=json", "--profile=ops"): [contract.CLUSTER_DESCRIPTION],
        ("get", "nodegroup", "--cluster=demo", "--output=json", "--profile=ops"): [(0, contract.NODEGROUPS_MIXED, contract.GET_LOG_ON_STDERR)],
        ("get", "fargateprofile", "--cluster=demo", "--output=json", "--profile=ops"): [(0, contract.FARGATE_PROFILES, contract.GET_LOG_ON_STDERR)],
    })
    result, failed = run_module(monkeypatch, eks_cluster_info.main, {"cluster": "demo", "profile": "ops", "eksctl_path": eksctl}, fake)
    assert not failed, result
    (cluster,) = result["clusters"]
    assert cluster["region"] == "eu-north-1"
    assert [ng["type"] for ng in cluster["nodegroups"]] == ["unmanaged", "managed"]
    assert cluster["status_summary"]["phase"] == "running"
    assert [entry["kind"] for entry in cluster["status_summary"]["still_running"]] == ["fargate_profile"]
    assert len(fake.calls) == 3


def test_missing_cluster_is_empty_list(monkeypatch, eksctl):
    fake = FakeEksctl({
        ("get", "cluster", "--name=X", "--output=json", "--region=eu-north-1"): [(1, "", contract.CLUSTER_NOT_FOUND_STDERR)],
        ("get", "nodegroup", "--cluster=X", "--output=json", "--region=eu-north-1"): [(1, "", contract.CLUSTER_NOT_FOUND_FOR_NODEGROUPS_STDERR)],
        ("get", "fargateprofile", "--cluster=X", "--output=json", "--region=eu-north-1"): [(1, "", contract.CLUSTER_NOT_FOUND_STDERR)],
    })
    result, failed = run_module(monkeypatch, eks_cluster_info.main, {"name": "X", "region": "eu-north-1", "eksctl_path": eksctl}, fake)
    assert not failed and result["clusters"] == []


def test_garbage_output_is_a_clean_parse_error(monkeypatch, eksctl):
    fake = FakeEksctl({("get", "cluster", "--output=json", "--region=eu-north-1"): ["<html>503</html>"]})
    result, failed = run_module(monkeypatch, eks_cluster_info.main, {"region": "eu-north-1", "eksctl_path": eksctl}, fake)
    assert failed and "not valid JSON" in result["msg"] and "<html>503</html>" in result["msg"]


@pytest.mark.parametrize("args, option", [
    ({"name": "a b"}, "name"),
    ({"name": "demo", "all_regions": True}, "all_regions"),
    ({"region": "moon-1"}, "region"),
    ({"details": "maybe"}, "details"),
])
def test_bad_input(monkeypatch, eksctl, args, option):
    fake = FakeEksctl()
    result, failed = run_module(monkeypatch, eks_cluster_info.main, dict(args, eksctl_path=eksctl), fake)
    assert failed and option in result["msg"] and fake.calls == []
