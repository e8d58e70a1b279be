# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The client: exact argv, credentials only in the environment, retries and typed errors."""

from __future__ import annotations

import pytest

from ansible_collections.eks_tools.eksctl.plugins.module_utils import _errors as errors
from ansible_collections.eks_tools.eksctl.plugins.module_utils._eksctl import Credentials, EksctlClient, format_flag, redact, resolve_binary
from ansible_collections.eks_tools.eksctl.tests.unit import contract
from ansible_collections.eks_tools.eksctl.tests.unit.fake_eksctl import BINARY, FakeEksctl

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
TOKEN = "IQoJb3JpZ2luX2VjEXAMPLETOKEN"


def client(fake, **kwargs):
    sleeps = []
    kwargs.setdefault("region", "eu-north-1")
    made = EksctlClient(fake, BINARY, sleep=sleeps.append, jitter=lambda low, high: high, **kwargs)
    return made, sleeps


@pytest.mark.parametrize("flag, value, expected", [
    ("region", None, []),
    ("all-regions", False, []),
    ("all-regions", True, ["--all-regions"]),
    ("nodes", 0, ["--nodes=0"]),
    ("name", "-rf", ["--name=-rf"]),
])
def test_format_flag(flag, value, expected):
    assert format_flag(flag, value) == expected


def test_list_clusters_argv_and_env():
    fake = FakeEksctl({("get", "cluster", "--output=json", "--region=eu-north-1"): [contract.CLUSTER_LIST]})
    made, _sleeps = client(fake, credentials=Credentials("AKIAEXAMPLE", SECRET, TOKEN), command_timeout=42)
    assert [c["name"] for c in made.list_clusters()] == ["demo", "legacy-tf"]
    assert fake.calls == [{
        "argv": [BINARY, "get", "cluster", "--output=json", "--region=eu-north-1"],
        "env": {"AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": SECRET, "AWS_SESSION_TOKEN": TOKEN},
        "timeout": 42,
    }]


def test_no_region_and_profile_flag():
    fake = FakeEksctl({("get", "cluster", "--all-regions", "--output=json", "--profile=ops"): [contract.EMPTY_LIST]})
    made, _sleeps = client(fake, region=None, profile="ops")
    assert made.list_clusters(all_regions=True) == []
    assert fake.calls[0]["env"] == {}


def test_scale_argv_sends_only_given_sizes():
    fake = FakeEksctl()
    made, _sleeps = client(fake)
    assert made.scale_argv("demo", "ng-1", {"min_size": 0, "desired_size": 0}) == [
        BINARY, "scale", "nodegroup", "--cluster=demo", "--name=ng-1", "--nodes=0", "--nodes-min=0", "--region=eu-north-1"]


def test_describe_missing_cluster_is_none():
    fake = FakeEksctl({("get", "cluster", "--name=X", "--output=json", "--region=eu-north-1"): [(1, "", contract.CLUSTER_NOT_FOUND_STDERR)]})
    made, _sleeps = client(fake)
    assert made.describe_cluster("X") is None


def test_throttling_is_retried_with_backoff_then_succeeds():
    fake = FakeEksctl({("get", "nodegroup", "--cluster=demo", "--output=json", "--region=eu-north-1"): [
        (1, "", contract.THROTTLED_STDERR), (1, "", contract.THROTTLED_STDERR), contract.NODEGROUPS_MIXED]})
    made, sleeps = client(fake, retries=3, retry_delay=1.0)
    assert len(made.list_nodegroups("demo")) == 2
    assert len(fake.calls) == 3
    assert sleeps == [1.0, 2.0]


def test_throttling_exhausted_names_throttling():
    fake = FakeEksctl({("get", "nodegroup", "--cluster=demo", "--output=json", "--region=eu-north-1"): [(1, "", contract.THROTTLED_STDERR)]})
    made, sleeps = client(fake, retries=2, retry_delay=0.5)
    with pytest.raises(errors.ThrottlingError) as caught:
        made.list_nodegroups("demo")
    assert caught.value.msg.startswith("Failed to list the nodegroups of cluster 'demo': AWS kept throttling the calls (3 attempts); raise retries")
    assert "Rate exceeded" in caught.value.msg
    assert len(fake.calls) == 3 and sleeps == [0.5, 1.0]


def test_backoff_is_capped_and_jittered():
    made = EksctlClient(FakeEksctl(), BINARY, retry_delay=10, jitter=lambda low, high: low)
    assert made.backoff(0) == 5.0
    assert made.backoff(10) == 30.0


@pytest.mark.parametrize("stderr, error_class", [
    (contract.STS_STDERR, errors.CredentialsError),
    (contract.REGION_MISSING_STDERR, errors.RegionError),
    (contract.CLUSTER_NOT_FOUND_FOR_NODEGROUPS_STDERR, errors.ClusterNotFound),
    (contract.UNAVAILABLE_STDERR, errors.ClusterUnavailable),
    ("Error: something else\n", errors.CommandFailed),
])
def test_failures_are_typed_and_carry_the_command(stderr, error_class):
    fake = FakeEksctl({("get", "nodegroup", "--cluster=demo", "--output=json", "--region=eu-north-1"): [(1, "", stderr)]})
    made, _sleeps = client(fake)
    with pytest.raises(errors.CommandFailed) as caught:
        made.list_nodegroups("demo")
    assert caught.type is error_class
    assert caught.value.details["cmd"][0] == BINARY and caught.value.details["rc"] == 1
    assert caught.value.msg.startswith("Failed to list the nodegroups of cluster 'demo': ")
    assert "\n" not in caught.value.msg


def test_secrets_are_redacted_from_errors():
    stderr = "Error: bad token %s for key AKIAEXAMPLE\n" % TOKEN
    fake = FakeEksctl({("get", "cluster", "--output=json", "--region=eu-north-1"): [(1, "oops " + SECRET, stderr)]})
    made, _sleeps = client(fake, credentials=Credentials("AKIAEXAMPLE", SECRET, TOKEN))
    with pytest.raises(errors.CommandFailed) as caught:
        made.list_clusters()
    flat = repr((caught.value.msg, caught.value.details))
    for secret in (SECRET, TOKEN, "AKIAEXAMPLE"):
        assert secret not in flat


def test_resolve_binary(tmp_path):
    exe = tmp_path / "eksctl"
    exe.write_text("#!/bin/sh\n")
    with pytest.raises(errors.EksctlNotFound, match="not executable"):
        resolve_binary(str(exe), lambda: "unused")
    exe.chmod(0o755)
    assert resolve_binary(str(exe), lambda: "unused") == str(exe)
    with pytest.raises(errors.InvalidRequest, match="is a directory"):
        resolve_binary(str(tmp_path), lambda: "unused")
    with pytest.raises(errors.EksctlNotFound, match="does not exist"):
        resolve_binary(str(tmp_path / "missing"), lambda: "unused")
    assert resolve_binary(None, lambda: "/usr/bin/eksctl") == "/usr/bin/eksctl"


def test_parse_error_names_the_command_and_hides_secrets():
    fake = FakeEksctl({("get", "cluster", "--output=json", "--region=eu-north-1"): ["garbage with %s inside" % SECRET]})
    made, _sleeps = client(fake, credentials=Credentials("AKIAEXAMPLE", SECRET, TOKEN))
    with pytest.raises(errors.OutputParseError) as caught:
        made.list_clusters()
    assert caught.value.details["cmd"] == [BINARY, "get", "cluster", "--output=json", "--region=eu-north-1"]
    assert SECRET not in repr((caught.value.msg, caught.value.details))
    assert "garbage with ******** inside" in caught.value.msg


def test_redact_replaces_every_secret():
    assert redact("key=AKIA1 secret=s3cr3t again s3cr3t", ["s3cr3t", "AKIA1", ""]) == "key=******** secret=******** again ********"


def test_a_region_eksctl_does_not_support_gets_the_closest_one_it_does_not_its_whole_list():
    listed = ", ".join(["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-north-1", "eu-west-1", "eu-central-1"] * 6)
    stderr = "Error: --region=eu-nroth-1 is not supported - use one of: %s\n" % listed
    fake = FakeEksctl({("get", "cluster", "--output=json", "--region=eu-nroth-1"): [(1, "", stderr)]})
    made, _sleeps = client(fake, region="eu-nroth-1")
    with pytest.raises(errors.RegionError) as caught:
        made.list_clusters()
    assert caught.value.msg == ("Failed to list the clusters of region eu-nroth-1: eksctl does not support region eu-nroth-1; did you mean "
                                "eu-north-1? eksctl said: --region=eu-nroth-1 is not supported")
    assert listed in caught.value.details["stderr"]


@pytest.mark.parametrize("stderr", [contract.THROTTLED_STDERR, contract.STS_STDERR, contract.NOT_EKS_STDERR, contract.LIST_NODES_FORBIDDEN_STDERR])
def test_a_failure_of_a_known_kind_says_what_is_wrong_and_what_to_do_within_160_characters(stderr):
    fake = FakeEksctl({("get", "nodegroup", "--cluster=demo", "--output=json", "--region=eu-north-1"): [(1, "", stderr)]})
    made, _sleeps = client(fake, retries=0)
    with pytest.raises(errors.EksctlError) as caught:
        made.list_nodegroups("demo")
    head = caught.value.msg.split(" eksctl said: ", 1)[0]
    assert len(head) <= 160 or caught.value.msg.index("; ") < 160, head
    assert " eksctl said: " in caught.value.msg
