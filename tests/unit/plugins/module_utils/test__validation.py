# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validation: options in, checked values or a one-line InvalidRequest naming the option out."""

from __future__ import annotations

import pytest

from ansible_collections.eks_tools.eksctl.plugins.module_utils import _validation as validation
from ansible_collections.eks_tools.eksctl.plugins.module_utils._errors import InvalidRequest


@pytest.mark.parametrize("sizes, fragment", [
    ({"desired_size": -1}, "desired_size must be 0 or greater"),
    ({"min_size": -2}, "min_size must be 0 or greater"),
    ({"max_size": 0}, "max_size must be at least 1"),
    ({"min_size": 3, "max_size": 2}, "min_size (3) must not be greater than max_size (2)"),
    ({"desired_size": 1, "min_size": 2}, "desired_size (1) must not be below min_size (2)"),
    ({"desired_size": 5, "max_size": 4}, "desired_size (5) must not be above max_size (4)"),
    ({"desired_size": "3"}, "desired_size must be an integer"),
    ({"desired_size": True}, "desired_size must be an integer"),
])
def test_validate_sizes(sizes, fragment):
    with pytest.raises(InvalidRequest) as caught:
        validation.validate_sizes(sizes)
    assert fragment in caught.value.msg


def test_validate_sizes_returns_given_only():
    assert validation.validate_sizes({"desired_size": 2, "min_size": None, "max_size": 4}) == {"desired_size": 2, "max_size": 4}


@pytest.mark.parametrize("value", ["", " demo", "-rf", "a;b", "$(id)", "`id`", "a\nb", "a b", "a" * 101, None, 5])
def test_validate_cluster_name_refuses(value):
    with pytest.raises(InvalidRequest, match="cluster"):
        validation.validate_name(value, option="cluster", kind="cluster")


@pytest.mark.parametrize("value", ["demo", "a", "Prod_01-eu", "1abc", "a" * 100])
def test_validate_cluster_name_accepts(value):
    assert validation.validate_name(value, option="cluster", kind="cluster") == value


def test_nodegroup_name_limit_is_63():
    validation.validate_name("n" * 63, option="name", kind="nodegroup")
    with pytest.raises(InvalidRequest, match="at most 63"):
        validation.validate_name("n" * 64, option="name", kind="nodegroup")


@pytest.mark.parametrize("value, ok", [
    ("eu-north-1", True), ("us-gov-west-1", True), ("ap-southeast-5", True), ("cn-northwest-1", True),
    ("eu_north_1", False), ("EU-NORTH-1", False), ("europe", False), ("us-east-1; rm", False), ("", False),
])
def test_validate_region(value, ok):
    if ok:
        assert validation.validate_region(value) == value
    else:
        with pytest.raises(InvalidRequest, match="region"):
            validation.validate_region(value)


@pytest.mark.parametrize("value, fragment", [
    ([], "must be a dictionary"),
    ({"ng-1": 3}, "must be a dictionary with"),
    ({"ng-1": {"desired_size": 1, "min_size": 1}}, "lacks max_size"),
    ({"ng-1": {"desired_size": 1, "min_size": 1, "max_size": 2, "extra": 1}}, "unknown keys: extra"),
    ({"ng-1": {"desired_size": 3, "min_size": 1, "max_size": 2}}, "restore_capacity[ng-1].desired_size"),
    ({"bad name": {"desired_size": 1, "min_size": 1, "max_size": 2}}, "restore_capacity key"),
])
def test_validate_restore_capacity(value, fragment):
    with pytest.raises(InvalidRequest) as caught:
        validation.validate_restore_capacity(value)
    assert fragment in caught.value.msg


@pytest.mark.parametrize("name, scalable", [
    ("ng-1", True), ("Workers", True), ("a", True), ("1ng", True),
    ("tf_workers", False), ("ng-1\n", False), ("ng.1", False),
])
def test_validate_scalable_name_follows_eksctls_rule(name, scalable):
    if scalable:
        assert validation.validate_scalable_name(name, option="name") == name
    else:
        with pytest.raises(InvalidRequest) as raised:
            validation.validate_scalable_name(name, option="name")
        assert raised.value.msg.startswith("name=")


def test_unscalable_name_message_names_eksctls_rule():
    with pytest.raises(InvalidRequest, match=r"name='tf_workers': eksctl cannot scale .*\[a-zA-Z\]\[-a-zA-Z0-9\]\*"):
        validation.validate_scalable_name("tf_workers", option="name")
