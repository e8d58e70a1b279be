# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Planning is pure: current capacity + request -> steps or InvalidRequest."""

from __future__ import annotations

import pytest

from ansible_collections.eks_tools.eksctl.plugins.module_utils import _planning as planning
from ansible_collections.eks_tools.eksctl.plugins.module_utils._errors import InvalidRequest
from ansible_collections.eks_tools.eksctl.plugins.module_utils._planning import Capacity


def ng(name, desired, minimum, maximum, kind="managed", status="ACTIVE"):
    return {"name": name, "type": kind, "status": status, "desired_size": desired, "min_size": minimum, "max_size": maximum}


@pytest.mark.parametrize("current, request_, action, after, send", [
    ((3, 2, 5), {"desired_size": 4}, "scaled", (4, 2, 5), {"desired_size": 4}),
    ((3, 2, 5), {"desired_size": 3}, "unchanged", (3, 2, 5), {}),
    ((3, 2, 5), {"min_size": 2, "max_size": 5}, "unchanged", (3, 2, 5), {}),
    ((3, 2, 5), {"max_size": 8}, "scaled", (3, 2, 8), {"max_size": 8}),
    ((3, 2, 5), {"desired_size": 1, "min_size": 1}, "scaled", (1, 1, 5), {"desired_size": 1, "min_size": 1}),
    ((3, 2, 5), {"desired_size": 3, "max_size": 6}, "scaled", (3, 2, 6), {"desired_size": 3, "max_size": 6}),
    ((0, 0, 3), {"desired_size": 2, "min_size": 1, "max_size": 3}, "scaled", (2, 1, 3), {"desired_size": 2, "min_size": 1, "max_size": 3}),
])
def test_plan_present(current, request_, action, after, send):
    (step,) = planning.plan_present([ng("ng-1", *current)], request_)
    assert (step.action, tuple(step.after), step.send, step.changed) == (action, after, send, bool(send))
    assert tuple(step.before) == current


@pytest.mark.parametrize("current, request_, option_to_add", [
    ((3, 2, 5), {"desired_size": 1}, "add min_size"),
    ((3, 2, 5), {"desired_size": 6}, "add max_size"),
    ((3, 2, 5), {"min_size": 4}, "add desired_size"),
    ((3, 2, 5), {"max_size": 2}, "add desired_size"),
    ((3, 2, 5), {"min_size": 6, "desired_size": 6}, "add max_size"),
    ((1, 1, 5), {"max_size": 0}, "add"),
])
def test_plan_present_conflicts_name_the_option_to_add(current, request_, option_to_add):
    with pytest.raises(InvalidRequest) as caught:
        planning.plan_present([ng("ng-1", *current)], request_)
    assert option_to_add in caught.value.msg
    assert "'ng-1'" in caught.value.msg


def test_plan_stop_records_running_and_keeps_earlier_records():
    nodegroups = [ng("a", 3, 2, 5), ng("b", 0, 0, 4), ng("c", 1, 1, 2, kind="unmanaged", status="CREATE_COMPLETE")]
    steps, snapshot, warnings = planning.plan_stop(nodegroups, {"b": Capacity(2, 1, 4)})
    assert [(s.name, s.action, tuple(s.after), s.send) for s in steps] == [
        ("a", "stopped", (0, 0, 5), {"desired_size": 0, "min_size": 0}),
        ("b", "unchanged", (0, 0, 4), {}),
        ("c", "stopped", (0, 0, 2), {"desired_size": 0, "min_size": 0}),
    ]
    assert snapshot == {"a": Capacity(3, 2, 5), "b": Capacity(2, 1, 4), "c": Capacity(1, 1, 2)}
    assert warnings == []


def test_plan_stop_records_a_zero_pool_beside_running_ones_so_start_keeps_it_at_zero():
    _steps, snapshot, warnings = planning.plan_stop([ng("web", 2, 1, 3), ng("gpu", 0, 0, 4)], {})
    assert snapshot == {"web": Capacity(2, 1, 3), "gpu": Capacity(0, 0, 4)}
    assert len(warnings) == 1 and "'gpu' was already stopped" in warnings[0]
    steps, warnings = planning.plan_start([ng("web", 0, 0, 3), ng("gpu", 0, 0, 4)], snapshot)
    assert [(s.name, s.action) for s in steps] == [("web", "restored"), ("gpu", "unchanged")]
    assert warnings == []


def test_plan_stop_never_records_zeros():
    steps, snapshot, warnings = planning.plan_stop([ng("a", 0, 0, 5)], {})
    assert not any(step.changed for step in steps)
    assert snapshot == {} and warnings == []


def test_plan_stop_second_stop_keeps_first_recording():
    _steps, snapshot, _warnings = planning.plan_stop([ng("a", 0, 0, 5)], {"a": Capacity(3, 2, 5)})
    assert snapshot == {"a": Capacity(3, 2, 5)}


def test_plan_start_restores_exact_capacity_in_one_write():
    steps, warnings = planning.plan_start([ng("a", 0, 0, 5), ng("b", 2, 1, 4)], {"a": Capacity(3, 2, 5), "b": Capacity(2, 1, 4)})
    assert [(s.name, s.action, tuple(s.after), s.send) for s in steps] == [
        ("a", "restored", (3, 2, 5), {"desired_size": 3, "min_size": 2, "max_size": 5}),
        ("b", "unchanged", (2, 1, 4), {}),
    ]
    assert warnings == []


def test_plan_start_fallback_warns():
    steps, warnings = planning.plan_start([ng("a", 0, 0, 5)], {})
    assert (steps[0].action, tuple(steps[0].after), steps[0].send) == ("started_with_fallback", (1, 0, 5), {"desired_size": 1})
    assert len(warnings) == 1 and "max(min_size, 1)" in warnings[0]


def test_plan_start_leaves_running_nodegroup_alone_and_says_so():
    steps, warnings = planning.plan_start([ng("a", 4, 2, 5)], {"a": Capacity(3, 2, 5)})
    assert steps[0].action == "unchanged" and not steps[0].changed
    assert "already running" in warnings[0]


def test_plan_start_refuses_fallback_above_max():
    with pytest.raises(InvalidRequest, match="restore_capacity"):
        planning.plan_start([ng("a", 0, 0, 0, kind="unmanaged", status="CREATE_COMPLETE")], {})


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
        planning.validate_sizes(sizes)
    assert fragment in caught.value.msg


def test_validate_sizes_returns_given_only():
    assert planning.validate_sizes({"desired_size": 2, "min_size": None, "max_size": 4}) == {"desired_size": 2, "max_size": 4}


@pytest.mark.parametrize("value", ["", " demo", "-rf", "a;b", "$(id)", "`id`", "a\nb", "a b", "a" * 101, None, 5])
def test_validate_cluster_name_refuses(value):
    with pytest.raises(InvalidRequest, match="cluster"):
        planning.validate_name(value, option="cluster", kind="cluster")


@pytest.mark.parametrize("value", ["demo", "a", "Prod_01-eu", "1abc", "a" * 100])
def test_validate_cluster_name_accepts(value):
    assert planning.validate_name(value, option="cluster", kind="cluster") == value


def test_nodegroup_name_limit_is_63():
    planning.validate_name("n" * 63, option="name", kind="nodegroup")
    with pytest.raises(InvalidRequest, match="at most 63"):
        planning.validate_name("n" * 64, option="name", kind="nodegroup")


@pytest.mark.parametrize("value, ok", [
    ("eu-north-1", True), ("us-gov-west-1", True), ("ap-southeast-5", True), ("cn-northwest-1", True),
    ("eu_north_1", False), ("EU-NORTH-1", False), ("europe", False), ("us-east-1; rm", False), ("", False),
])
def test_validate_region(value, ok):
    if ok:
        assert planning.validate_region(value) == value
    else:
        with pytest.raises(InvalidRequest, match="region"):
            planning.validate_region(value)


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
        planning.validate_restore_capacity(value)
    assert fragment in caught.value.msg


def test_select_nodegroups_lists_existing_on_unknown():
    with pytest.raises(InvalidRequest) as caught:
        planning.select_nodegroups([ng("a", 1, 1, 2), ng("b", 1, 1, 2)], ["a", "zz"], cluster="demo")
    assert "'zz'" in caught.value.msg and "it has: a, b" in caught.value.msg


@pytest.mark.parametrize("nodegroups, cluster_status, phase, ready, stopped_count", [
    ([], "ACTIVE", "empty", False, 0),
    ([ng("a", 2, 1, 3)], "ACTIVE", "running", True, 0),
    ([ng("a", 2, 1, 3, kind="unmanaged", status="CREATE_COMPLETE")], None, "running", True, 0),
    ([ng("a", 2, 1, 3, kind="unmanaged", status="UPDATE_COMPLETE")], None, "running", True, 0),
    ([ng("a", 0, 0, 3)], "ACTIVE", "stopped", False, 1),
    ([ng("a", 0, 0, 3), ng("b", 0, 0, 2, kind="unmanaged", status="UPDATE_COMPLETE")], None, "stopped", False, 2),
    ([ng("a", 0, 0, 3), ng("b", 1, 1, 2)], None, "partial", False, 1),
    ([ng("a", 2, 1, 3, status="UPDATING")], None, "updating", False, 0),
    ([ng("a", 2, 1, 3, status="DEGRADED"), ng("b", 1, 1, 2, status="UPDATING")], None, "degraded", False, 0),
    ([ng("a", 2, 1, 3)], "FAILED", "degraded", True, 0),
    ([ng("a", 2, 1, 3)], "UPDATING", "updating", True, 0),
    ([ng("a", 2, 1, 3, kind="unmanaged", status="UPDATE_ROLLBACK_COMPLETE")], None, "running", True, 0),
    ([ng("a", 0, 0, 3, kind="unmanaged", status="ROLLBACK_COMPLETE")], None, "stopped", False, 1),
])
def test_summarize_status(nodegroups, cluster_status, phase, ready, stopped_count):
    summary = planning.summarize_status(nodegroups, cluster_status)
    assert (summary["phase"], summary["ready"], summary["nodegroups_stopped"]) == (phase, ready, stopped_count)
    assert summary["nodegroups_total"] == len(nodegroups)
    assert summary["desired_nodes"] == sum(n["desired_size"] for n in nodegroups)


@pytest.mark.parametrize("name, scalable", [
    ("ng-1", True), ("Workers", True), ("a", True), ("1ng", True),
    ("tf_workers", False), ("ng-1\n", False), ("ng.1", False),
])
def test_validate_scalable_name_follows_eksctls_rule(name, scalable):
    if scalable:
        assert planning.validate_scalable_name(name, option="name") == name
    else:
        with pytest.raises(InvalidRequest) as raised:
            planning.validate_scalable_name(name, option="name")
        assert raised.value.msg.startswith("name=")


def test_unscalable_name_message_names_eksctls_rule():
    with pytest.raises(InvalidRequest, match=r"name='tf_workers': eksctl cannot scale .*\[a-zA-Z\]\[-a-zA-Z0-9\]\*"):
        planning.validate_scalable_name("tf_workers", option="name")


def test_refuse_unscalable_blocks_every_write_but_ignores_nodegroups_left_alone():
    steps, _snapshot, _warnings = planning.plan_stop([ng("ng-1", 3, 2, 5), ng("tf_workers", 2, 2, 6)], {})
    with pytest.raises(InvalidRequest, match="'tf_workers'.*nothing was changed"):
        planning.refuse_unscalable(steps, cluster="legacy")
    steps, _snapshot, _warnings = planning.plan_stop([ng("ng-1", 3, 2, 5), ng("tf_workers", 0, 0, 6)], {})
    planning.refuse_unscalable(steps, cluster="legacy")
