# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The parsers against eksctl's exact outputs (tests/unit/contract.py, described in docs/eksctl.md)."""

from __future__ import annotations

import json

import pytest

from ansible_collections.eks_tools.eksctl.plugins.module_utils import _parsing as parsing
from ansible_collections.eks_tools.eksctl.plugins.module_utils._errors import OutputParseError
from ansible_collections.eks_tools.eksctl.tests.unit import contract


def test_cluster_list_uses_owned_not_eksctlcreated():
    assert parsing.parse_cluster_list(contract.CLUSTER_LIST) == [
        {"name": "demo", "region": "eu-north-1", "owned": True},
        {"name": "legacy-tf", "region": "eu-north-1", "owned": False},
    ]


@pytest.mark.parametrize("owned, expected", [("True", True), ("False", False), ("Unknown", None)])
def test_owned_values(owned, expected):
    document = '[\n    {\n        "Name": "a",\n        "Region": "us-east-1",\n        "Owned": "%s"\n    }\n]' % owned
    assert parsing.parse_cluster_list(document)[0]["owned"] is expected


def test_empty_cluster_list_is_brackets_without_newline():
    assert parsing.parse_cluster_list(contract.EMPTY_LIST) == []


def test_description_region_comes_from_arn():
    described = parsing.parse_cluster_description(contract.CLUSTER_DESCRIPTION)
    assert described == {
        "name": "demo",
        "region": "eu-north-1",
        "arn": "arn:aws:eks:eu-north-1:111122223333:cluster/demo",
        "status": "ACTIVE",
        "version": "1.31",
        "endpoint": "https://ABCDEF.gr7.eu-north-1.eks.amazonaws.com",
        "created_at": "2026-05-01T10:20:30.123Z",
        "tags": {"alpha.eksctl.io/cluster-name": "demo"},
        "connector": False,
        "auto_mode": {"enabled": False, "node_pools": [], "node_role_arn": None},
        "support_type": "EXTENDED",
        "certificate_authority": json.loads(contract.CLUSTER_DESCRIPTION)[0]["CertificateAuthority"]["Data"],
    }


def test_auto_mode_is_read_from_the_compute_config():
    items = json.loads(contract.CLUSTER_DESCRIPTION)
    items[0]["ComputeConfig"] = {"Enabled": True, "NodePools": ["general-purpose", "system"], "NodeRoleArn": "arn:aws:iam::1:role/n"}
    items[0]["UpgradePolicy"] = None
    described = parsing.parse_cluster_description(json.dumps(items))
    assert described["auto_mode"] == {"enabled": True, "node_pools": ["general-purpose", "system"], "node_role_arn": "arn:aws:iam::1:role/n"}
    assert described["support_type"] is None


def test_fargate_profiles():
    (profile,) = parsing.parse_fargate_profiles(contract.FARGATE_PROFILES)
    assert profile == {"name": "fp-default", "status": "ACTIVE",
                       "selectors": [{"namespace": "default", "labels": {}}, {"namespace": "batch", "labels": {"tier": "jobs"}}],
                       "pod_execution_role_arn": "arn:aws:iam::111122223333:role/eksctl-demo-cluster-FargatePodExecutionRole-ABC",
                       "subnets": ["subnet-a", "subnet-b"]}
    assert parsing.parse_fargate_profiles("[]") == []


@pytest.mark.parametrize("stdout", ['[{"selectors": []}]', '[{"name": "a", "selectors": "default"}]', '{"name": "a"}'])
def test_fargate_profiles_of_another_shape_are_refused(stdout):
    with pytest.raises(OutputParseError):
        parsing.parse_fargate_profiles(stdout)


@pytest.mark.parametrize("arn, region", [
    ("arn:aws:eks:eu-north-1:111122223333:cluster/demo", "eu-north-1"),
    ("arn:aws-us-gov:eks:us-gov-west-1:111122223333:cluster/gov", "us-gov-west-1"),
    ("arn:aws-cn:eks:cn-north-1:111122223333:cluster/cn", "cn-north-1"),
    ("not-an-arn", None),
    (None, None),
])
def test_region_from_arn(arn, region):
    assert parsing.region_from_arn(arn) == region


def test_nodegroups_read_type_key_and_keep_order():
    nodegroups = parsing.parse_nodegroups(contract.NODEGROUPS_MIXED)
    assert [(ng["name"], ng["type"], ng["status"], ng["desired_size"], ng["min_size"], ng["max_size"]) for ng in nodegroups] == [
        ("ng-self", "unmanaged", "CREATE_COMPLETE", 2, 1, 4),
        ("ng-1", "managed", "ACTIVE", 3, 2, 5),
    ]
    assert nodegroups[1] == {
        "name": "ng-1", "type": "managed", "status": "ACTIVE", "desired_size": 3, "min_size": 2, "max_size": 5,
        "instance_type": "t3.medium", "image_id": "AL2023_x86_64_STANDARD", "version": "1.31",
        "stack_name": "eksctl-demo-nodegroup-ng-1", "autoscaling_group_name": "eks-ng-1-4ac6f1d2-0000-1111-2222-333344445555",
        "created_at": "2026-05-01T10:40:00.456Z",
    }


@pytest.mark.parametrize("stdout, fragment", [
    ("", "printed nothing"),
    ("   \n", "printed nothing"),
    ("panic: runtime error", "not valid JSON"),
    ('[\n    {\n        "Name": "demo",', "not valid JSON"),
    ("{}", "not a list"),
    ("null", "not a list"),
    ('["demo"]', "items are not objects"),
    ('[{"Name": "ng", "Status": "ACTIVE"}]', "lacks the key 'Type'"),
    ('[{"Name": "ng", "Type": "managed", "Status": "ACTIVE", "DesiredCapacity": "3", "MinSize": 1, "MaxSize": 3}]', "non-integer"),
    ('[{"Name": "ng", "Type": "managed", "Status": "ACTIVE", "DesiredCapacity": true, "MinSize": 1, "MaxSize": 3}]', "non-integer"),
])
def test_bad_nodegroup_output_raises_parse_error(stdout, fragment):
    with pytest.raises(OutputParseError) as caught:
        parsing.parse_nodegroups(stdout)
    assert fragment in caught.value.msg
    assert "\n" not in caught.value.msg


def test_parse_error_excerpt_is_short():
    with pytest.raises(OutputParseError) as caught:
        parsing.parse_cluster_list("x" * 5000)
    assert len(caught.value.msg) < 400


def test_description_with_two_items_is_an_error():
    with pytest.raises(OutputParseError):
        parsing.parse_cluster_description("[{\"Name\": \"a\"}, {\"Name\": \"b\"}]")


@pytest.mark.parametrize("stderr, kind", [
    (contract.CLUSTER_NOT_FOUND_STDERR, "cluster_not_found"),
    (contract.CLUSTER_NOT_FOUND_FOR_NODEGROUPS_STDERR, "cluster_not_found"),
    (contract.NODEGROUP_NOT_FOUND_STDERR, "nodegroup_not_found"),
    (contract.SCALE_NODEGROUP_NOT_FOUND_STDERR, "nodegroup_not_found"),
    (contract.REGION_MISSING_STDERR, "region"),
    (contract.REGION_UNSUPPORTED_STDERR, "region"),
    (contract.STS_STDERR, "credentials"),
    (contract.THROTTLED_STDERR, "throttling"),
    ("Error: x: api error ThrottlingException: Rate exceeded\n", "throttling"),
    (contract.IN_USE_STDERR, "resource_in_use"),
    (contract.UNAVAILABLE_STDERR, "cluster_unavailable"),
    (contract.WARNING_THEN_ERROR_STDERR, "cluster_not_found"),
    ("Error: unknown flag: --bogus\n", None),
    ("", None),
])
def test_classify_failure(stderr, kind):
    assert getattr(parsing.classify_failure(stderr), "name", None) == kind


def test_error_line_prefers_the_error_over_an_earlier_warning():
    line = parsing.error_line(contract.WARNING_THEN_ERROR_STDERR)
    assert line.startswith("unable to describe cluster control plane:")


def test_error_line_without_error_prefix_takes_last_line():
    assert parsing.error_line("first\n\nsecond\n") == "second"


def test_unavailable_status():
    assert parsing.unavailable_cluster_status(contract.UNAVAILABLE_STDERR) == "CREATING"
    assert parsing.unavailable_cluster_status("other") is None


@pytest.mark.parametrize("stderr, kind", [
    ("Error: cannot perform this operation on a non-EKS cluster; please follow the documentation for cluster edge's Kubernetes provider\n",
     "not_eks"),
    ("Error: getting nodegroup's kubernetes version: failed to list nodes: nodes is forbidden: User \"x\" cannot list resource \"nodes\"\n",
     "kubernetes_access"),
    ("Error: getting nodegroup's kubernetes version: failed to list nodes: Get \"https://10.0.0.1/api/v1/nodes\": dial tcp: i/o timeout\n",
     "kubernetes_access"),
    ("Error: validation for tf_workers failed, name must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*\n", "unscalable_name"),
    ("Error: AWS Region must be set, please set the AWS Region in AWS config file or as environment variable\n", "region"),
    # Accepted credentials without the IAM action are not bad credentials: another problem, another fix.
    ("Error: operation error EKS: ListNodegroups, https response error StatusCode: 403, api error AccessDeniedException: User: "
     "arn:aws:iam::123456789012:user/ci is not authorized to perform: eks:ListNodegroups\n", "permissions"),
    ("Error: operation error STS: GetCallerIdentity, api error ExpiredToken: The security token included in the request is expired\n",
     "credentials"),
])
def test_failure_classes_of_the_second_reading(stderr, kind):
    assert getattr(parsing.classify_failure(stderr), "name", None) == kind


def test_connector_cluster_is_told_by_its_connector_config():
    item = {"Name": "edge", "Arn": "arn:aws:eks:eu-north-1:111122223333:cluster/edge", "ConnectorConfig": {"Provider": "OTHER"}}
    assert parsing.parse_cluster_description(json.dumps([item]))["connector"] is True
    item["ConnectorConfig"] = None
    assert parsing.parse_cluster_description(json.dumps([item]))["connector"] is False
