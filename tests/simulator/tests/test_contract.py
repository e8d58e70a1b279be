# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulator against eksctl's outputs (docs/eksctl.md): keys, formatting, error texts, streams and exit codes (what
the real eksctl is held to in tests/e2e/test_differential.py)."""

from __future__ import annotations

import json
import os
import re
import subprocess

import pytest

NODEGROUP_KEYS = ["StackName", "Cluster", "Name", "Status", "MaxSize", "MinSize", "DesiredCapacity", "InstanceType", "ImageID",
                  "CreationTime", "NodeInstanceRoleARN", "AutoScalingGroupName", "Version", "Type"]
DESCRIBE_KEYS = sorted("""AccessConfig Arn CertificateAuthority ClientRequestToken ComputeConfig ConnectorConfig ControlPlaneScalingConfig
CreatedAt DeletionProtection EncryptionConfig Endpoint Health Id Identity KubeApiServerConfig KubeControllerManagerConfig
KubeSchedulerConfig KubernetesNetworkConfig Logging Name OutpostConfig PlatformVersion RemoteNetworkConfig ResourcesVpcConfig
RoleArn Status StorageConfig Tags UpgradePolicy Version ZonalShiftConfig""".split())
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[\u2139\]  \S")
REQUEST_ID = re.compile(r"RequestID: [0-9a-f-]{36}")


@pytest.fixture(name="eksctl")
def eksctl_fixture(sim):
    def run(*argv, **env):
        full_env = dict(sim.env)
        full_env.update(env)
        completed = subprocess.run(["eksctl"] + list(argv), env=full_env, capture_output=True, text=True, check=False)
        return completed.returncode, completed.stdout, completed.stderr
    return run


def test_version(eksctl):
    assert eksctl("version") == (0, "0.230.0\n", "")
    rc, out, _err = eksctl("version", "-o", "json")
    assert rc == 0 and out.endswith("}\n") and json.loads(out)["Version"] == "0.230.0" and ", " not in out
    assert eksctl("version", "-o", "xml") == (1, "", "Error: unknown output: xml\n")


def test_cluster_list_shape_and_formatting(eksctl):
    rc, out, err = eksctl("get", "cluster", "--region", "eu-north-1", "-o", "json")
    assert rc == 0 and err == ""
    assert out.startswith("[\n    {\n        \"Name\": \"demo\",") and out.endswith("}\n]")
    assert [list(item) for item in json.loads(out)] == [["Name", "Region", "Owned"]] * 2


def test_empty_list_is_brackets_without_newline(eksctl):
    assert eksctl("get", "cluster", "--region", "ap-south-1", "-o", "json") == (0, "[]", "")
    assert eksctl("get", "nodegroup", "--cluster", "sandbox", "--region", "us-east-1", "-o", "json") == (0, "[]", "")
    assert eksctl("get", "cluster", "--region", "ap-south-1") == (0, "No clusters found\n", "")
    assert eksctl("get", "nodegroup", "--cluster", "sandbox", "--region", "us-east-1") == (1, "", "Error: No nodegroups found\n")


def test_describe_has_no_region_key_and_sdk_keys(eksctl):
    rc, out, _err = eksctl("get", "cluster", "demo", "--region", "eu-north-1", "-o", "json")
    (item,) = json.loads(out)
    assert rc == 0 and sorted(item) == DESCRIBE_KEYS and list(item) == DESCRIBE_KEYS
    assert "Region" not in item and "Owned" not in item and item["Arn"].startswith("arn:aws:eks:eu-north-1:")


def test_nodegroup_summary_keys_in_order_unmanaged_first(eksctl):
    rc, out, _err = eksctl("get", "ng", "--cluster=demo", "--region=eu-north-1", "--output=json")
    items = json.loads(out)
    assert rc == 0 and all(list(item) == NODEGROUP_KEYS for item in items)
    assert [(item["Name"], item["Type"], item["Status"]) for item in items] == [
        ("ng-self", "unmanaged", "CREATE_COMPLETE"), ("ng-1", "managed", "ACTIVE"), ("ng-2", "managed", "ACTIVE")]
    assert "NodeGroupType" not in out and out.endswith("}\n]")


@pytest.mark.parametrize("argv, message", [
    (["get", "cluster", "nope", "-r", "eu-north-1", "-o", "json"],
     'Error: unable to describe control plane "nope": operation error EKS: DescribeCluster, https response error StatusCode: 404, '
     'RequestID: ID, ResourceNotFoundException: No cluster found for name: nope.\n'),
    (["get", "nodegroup", "--cluster", "nope", "-r", "eu-north-1", "-o", "json"],
     "Error: unable to describe cluster control plane: operation error EKS: DescribeCluster, https response error StatusCode: 404, "
     "RequestID: ID, ResourceNotFoundException: No cluster found for name: nope.\n"),
    (["get", "nodegroup", "--cluster", "demo", "--name", "zz", "-r", "eu-north-1", "-o", "json"],
     "Error: operation error EKS: DescribeNodegroup, https response error StatusCode: 404, RequestID: ID, "
     "ResourceNotFoundException: No node group found for name: zz.\n"),
    (["get", "nodegroup", "-o", "json"], "Error: --cluster must be set\n"),
    (["get", "cluster", "--name", "a", "b"], "Error: --name=a and argument b cannot be used at the same time\n"),
    (["get", "cluster", "--name", "a", "-A"],
     "Error: --all-regions is for listing all clusters, it must be used without cluster name flag/argument\n"),
    (["get", "cluster", "-r", "eu-north-1", "-o", "xml"], 'Error: unknown output printer type: expected {"yaml","json","table"} but got "xml"\n'),
    (["get", "cluster", "-o", "json"], "Error: AWS Region must be set, please set the AWS Region in AWS config file or as environment variable\n"),
])
def test_error_texts_streams_and_exit_codes(eksctl, argv, message):
    rc, out, err = eksctl(*argv)
    assert (rc, out, REQUEST_ID.sub("RequestID: ID", err)) == (1, "", message)


@pytest.mark.parametrize("flags, message", [
    ([], "a config file is required when --name is not set or when scaling multiple nodegroups"),
    (["--name", "ng-1"], "--cluster must be set"),
    (["--cluster", "demo", "--name", "ng-1"], "at least one of minimum, maximum and desired nodes must be set"),
    (["--cluster", "demo", "--name", "ng-1", "--nodes", "-1"], "number of nodes must be 0 or greater"),
    (["--cluster", "demo", "--name", "ng-1", "--nodes-min", "-1"], "minimum of nodes must be 0 or greater"),
    (["--cluster", "demo", "--name", "ng-1", "--nodes-max", "-1"], "maximum of nodes must be 0 or greater"),
    (["--cluster", "demo", "--name", "ng-1", "-m", "3", "-M", "2"], "maximum number of nodes must be greater than minimum number of nodes"),
    (["--cluster", "demo", "--name", "ng-1", "-N", "3", "-M", "2"], "maximum number of nodes must be greater than or equal to number of nodes"),
    (["--cluster", "demo", "--name", "ng-1", "-N", "1", "-m", "2"], "minimum number of nodes must be fewer than or equal to number of nodes"),
])
def test_scale_validation_order_and_messages(sim, eksctl, flags, message):
    assert eksctl("scale", "nodegroup", *flags) == (1, "", "Error: %s\n" % message)
    assert all(call["argv"][0] == "scale" for call in sim.calls())


def test_scale_success_output_and_only_given_sizes_change(sim, eksctl):
    rc, out, err = eksctl("scale", "nodegroup", "--cluster=demo", "--name=ng-1", "--nodes-max=7", "--region=eu-north-1")
    lines = out.splitlines()
    assert rc == 0 and err == "" and len(lines) == 3 and all(LOG_LINE.match(line) for line in lines)
    assert lines[0].endswith('scaling nodegroup "ng-1" in cluster demo')
    assert lines[2].endswith("`eksctl get nodegroup --cluster demo --region eu-north-1 --name ng-1`")
    assert sim.sizes("demo")["ng-1"] == (3, 2, 7)


def test_managed_goes_updating_and_answers_409_meanwhile(sim, eksctl):
    eksctl("scale", "nodegroup", "--cluster=demo", "--name=ng-1", "--nodes=4", "--region=eu-north-1")
    rc, _out, err = eksctl("scale", "nodegroup", "--cluster=demo", "--name=ng-1", "--nodes=5", "--region=eu-north-1")
    assert rc == 1 and "StatusCode: 409" in err and "ResourceInUseException" in err
    statuses = [json.loads(eksctl("get", "ng", "--cluster=demo", "--region=eu-north-1", "-o", "json")[1])[1]["Status"] for _read in range(2)]
    assert statuses == ["UPDATING", "ACTIVE"]


def test_stale_reads_show_the_old_sizes_settled_then_the_new_ones(sim, eksctl):
    sim.settings(updating_reads=1, stale_reads=2)
    eksctl("scale", "nodegroup", "--cluster=demo", "--name=ng-1", "--nodes=4", "--region=eu-north-1")
    reads = [json.loads(eksctl("get", "ng", "--cluster=demo", "--name=ng-1", "--region=eu-north-1", "-o", "json")[1])[0] for _read in range(4)]
    assert [(read["Status"], read["DesiredCapacity"]) for read in reads] == [("ACTIVE", 3), ("ACTIVE", 3), ("UPDATING", 4), ("ACTIVE", 4)]


def test_throttle_every_nth_call_throttles_a_share_and_changes_nothing(sim, eksctl):
    sim.settings(throttle_every=3)
    outcomes = [eksctl("scale", "nodegroup", "--cluster=demo", "--name=ng-self", "--nodes=%d" % nodes, "--region=eu-north-1", "--nodes-max=9")
                for nodes in (2, 3, 4)]
    rc, _out, err = outcomes[2]
    assert [outcome[0] for outcome in outcomes] == [0, 0, 1]
    assert "StatusCode: 429" in err and "ThrottlingException: Rate exceeded" in err and 'scale nodegroup "ng-self"' in err
    assert sim.sizes("demo")["ng-self"] == (3, 1, 9)
    assert sim.state()["counters"] == {"calls": 3, "throttled": 1}


def test_fargate_profiles_shape_order_and_empty_cases(eksctl):
    region = "--region=eu-west-1"
    rc, out, err = eksctl("get", "fargateprofile", "--cluster=fargate-demo", region, "-o", "json")
    assert rc == 0 and err == "" and out.endswith("}\n]")
    profiles = json.loads(out)
    assert [profile["name"] for profile in profiles] == ["fp-batch", "fp-default"]
    # eksctl's own type with its json tags: empty tags are left out, label keys sorted.
    assert [list(profile) for profile in profiles] == [["name", "podExecutionRoleARN", "selectors", "subnets", "tags", "status"],
                                                       ["name", "podExecutionRoleARN", "selectors", "subnets", "status"]]
    assert profiles[0]["selectors"] == [{"namespace": "batch", "labels": {"app": "etl", "tier": "night"}}, {"namespace": "reports"}]
    assert eksctl("get", "fargateprofile", "--cluster=auto-demo", region, "-o", "json") == (0, "[]", "")
    assert eksctl("get", "fargateprofile", "--cluster=auto-demo", region, "-o", "yaml") == (0, "[]\n", "")
    assert eksctl("get", "fargateprofile", "--cluster=auto-demo", region) == (0, "No fargateprofiles found\n", "")
    rc, out, err = eksctl("get", "fargateprofile", "--cluster=fargate-demo", "--name=fp-nope", region, "-o", "json")
    assert (rc, out) == (1, "") and err.startswith('Error: failed to get Fargate profile "fp-nope": operation error EKS: DescribeFargateProfile')
    assert err.endswith("ResourceNotFoundException: No Fargate Profile found with name: fp-nope.\n")
    assert eksctl("get", "fargateprofile", region) == (1, "", "Error: --cluster must be set\n")
    assert eksctl("get", "fargateprofile", "--cluster=fargate-demo", "-n", "fp-batch", region) == (1, "", "Error: unknown shorthand flag: 'n' in -n\n")


def test_auto_mode_and_support_type_in_the_description(eksctl):
    described = {name: json.loads(eksctl("get", "cluster", name, "--region=eu-west-1", "-o", "json")[1])[0]
                 for name in ("auto-demo", "extended-demo", "fargate-demo")}
    auto = described["auto-demo"]
    assert auto["ComputeConfig"] == {"Enabled": True, "NodePools": ["general-purpose", "system"],
                                     "NodeRoleArn": "arn:aws:iam::111122223333:role/auto-demo-AutoModeNodeRole"}
    assert auto["StorageConfig"] == {"BlockStorage": {"Enabled": True}}
    assert auto["KubernetesNetworkConfig"]["ElasticLoadBalancing"] == {"Enabled": True}
    assert {name: item["UpgradePolicy"]["SupportType"] for name, item in described.items()} == {
        "auto-demo": "STANDARD", "extended-demo": "EXTENDED", "fargate-demo": "STANDARD"}
    assert described["fargate-demo"]["ComputeConfig"] is None and described["fargate-demo"]["StorageConfig"] is None


def test_unmanaged_status_is_cloudformation_and_version_empty_at_zero(sim, eksctl):
    eksctl("scale", "nodegroup", "--cluster=demo", "--name=ng-self", "--nodes=0", "--nodes-min=0", "--region=eu-north-1")
    item = json.loads(eksctl("get", "ng", "--cluster=demo", "--region=eu-north-1", "-o", "json")[1])[0]
    assert (item["Status"], item["Version"], item["DesiredCapacity"]) == ("CREATE_COMPLETE", "", 0)


def test_managed_rejects_desired_below_live_min(eksctl):
    rc, _out, err = eksctl("scale", "nodegroup", "--cluster=demo", "--name=ng-1", "--nodes=0", "--region=eu-north-1")
    assert rc == 1 and "InvalidParameterException: Minimum capacity 2 can't be greater than desired size 0" in err


def test_region_precedence(sim, eksctl):
    assert json.loads(eksctl("get", "cluster", "-o", "json", AWS_DEFAULT_REGION="us-east-1")[1])[0]["Region"] == "us-east-1"
    out = eksctl("get", "cluster", "-o", "json", AWS_REGION="eu-north-1", AWS_DEFAULT_REGION="us-east-1")[1]
    assert json.loads(out)[0]["Region"] == "eu-north-1"
    out = eksctl("get", "cluster", "-o", "json", "--region", "us-east-1", AWS_REGION="eu-north-1")[1]
    assert json.loads(out)[0]["Region"] == "us-east-1"
    rc, _out, err = eksctl("get", "cluster", "-o", "json", "--region", "xx-east-9")
    assert rc == 1 and err.startswith("Error: --region=xx-east-9 is not supported - use one of: ")


def test_call_log_masks_secrets(sim, eksctl):
    eksctl("version", AWS_SECRET_ACCESS_KEY="very-secret", AWS_SESSION_TOKEN="token-value")
    with open(sim.state_path + ".log", encoding="utf-8") as handle:
        text = handle.read()
    assert "very-secret" not in text and "token-value" not in text
    assert sim.calls()[0]["env"]["AWS_SECRET_ACCESS_KEY"].startswith("***sha256:")
    assert os.path.exists(sim.state_path)
