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


# --------------------------------------------------------------------------- the savings ledger's inputs

FACT_ENTRY = {"desired_size": 3, "min_size": 2, "max_size": 5, "stopped_at": "2026-11-27T21:30:00Z", "instance_type": "m5.large", "nodes": 3}


def test_recordings_take_the_facts_ledger_fields_and_restore_capacity_does_not():
    from ansible_collections.eks_tools.eksctl.plugins.module_utils._model import Capacity, StopRecord

    snapshots, ledgers = validation.validate_recordings({"eu-north-1/demo": {"ng-1": FACT_ENTRY,
                                                                             "ng-2": {"desired_size": 1, "min_size": 1, "max_size": 2}}})
    assert snapshots == {"eu-north-1/demo": {"ng-1": Capacity(3, 2, 5), "ng-2": Capacity(1, 1, 2)}}
    assert ledgers == {"eu-north-1/demo": {"ng-1": StopRecord("2026-11-27T21:30:00Z", "m5.large", 3)}}
    with pytest.raises(InvalidRequest, match=r"restore_capacity\[ng-1\] has unknown keys: instance_type, nodes, stopped_at"):
        validation.validate_restore_capacity({"ng-1": FACT_ENTRY})


@pytest.mark.parametrize("entry, message", [
    (dict(FACT_ENTRY, stopped_at="yesterday"),
     "recordings[eu-north-1/demo][ng-1].stopped_at must be a UTC time written like 2026-11-27T21:30:00Z, got 'yesterday'"),
    (dict(FACT_ENTRY, nodes=-3), "recordings[eu-north-1/demo][ng-1].nodes must be an integer from 0 to 2147483647, got -3"),
    ({key: value for key, value in FACT_ENTRY.items() if key != "nodes"},
     "recordings[eu-north-1/demo][ng-1].nodes must be given with stopped_at and instance_type"),
    (dict(FACT_ENTRY, colour="red"), "recordings[eu-north-1/demo][ng-1] has unknown keys: colour"),
    (dict(FACT_ENTRY, max_size=None), "recordings[eu-north-1/demo][ng-1] lacks max_size"),
])
def test_recordings_ledger_fields_are_checked(entry, message):
    with pytest.raises(InvalidRequest) as caught:
        validation.validate_recordings({"eu-north-1/demo": {"ng-1": entry}})
    assert caught.value.msg == message


@pytest.mark.parametrize("value, expected", [
    (None, None), ({}, None), ({"m5.large": 0.096, "t3.micro": 0}, {"m5.large": 0.096, "t3.micro": 0.0}), ({"m5.large": 1}, {"m5.large": 1.0}),
])
def test_hourly_prices_accepted(value, expected):
    assert validation.validate_hourly_prices(value) == expected


@pytest.mark.parametrize("value, message", [
    ([0.096], "hourly_prices must be a dictionary of instance type to price per hour, for example {m5.large: 0.096}"),
    ({"m5.large": "0.096"}, "hourly_prices[m5.large] must be a number (the price per hour of one node), got '0.096'"),
    ({"m5.large": True}, "hourly_prices[m5.large] must be a number (the price per hour of one node), got True"),
    ({"m5.large": None}, "hourly_prices[m5.large] must be a number (the price per hour of one node), got None"),
    ({"m5.large": -0.1}, "hourly_prices[m5.large] must be a finite number of 0 or more, got -0.1"),
    ({"m5.large": float("nan")}, "hourly_prices[m5.large] must be a finite number of 0 or more, got nan"),
    ({"m5.large": float("inf")}, "hourly_prices[m5.large] must be a finite number of 0 or more, got inf"),
    ({"m5.large": 10 ** 400}, "hourly_prices[m5.large] must be a finite number of 0 or more, got a larger number"),
    ({"": 1.0}, "hourly_prices keys must be single instance type names such as m5.large, got ''"),
    ({"m5.large,m5a.large": 1.0}, "hourly_prices keys must be single instance type names such as m5.large, got 'm5.large,m5a.large'"),
])
def test_hourly_prices_refused_in_one_line_naming_the_option(value, message):
    with pytest.raises(InvalidRequest) as caught:
        validation.validate_hourly_prices(value)
    assert caught.value.msg == message and "\n" not in caught.value.msg
