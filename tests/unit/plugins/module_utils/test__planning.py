# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Planning is pure: current capacity + request -> steps or InvalidRequest."""

from __future__ import annotations

import pytest

from ansible_collections.eks_tools.eksctl.plugins.module_utils import _planning as planning
from ansible_collections.eks_tools.eksctl.plugins.module_utils._errors import InvalidRequest
from ansible_collections.eks_tools.eksctl.plugins.module_utils._model import Capacity


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


def test_plan_stop_stops_running_nodegroups_and_leaves_stopped_ones():
    nodegroups = [ng("a", 3, 2, 5), ng("b", 0, 0, 4), ng("c", 1, 1, 2, kind="unmanaged", status="CREATE_COMPLETE")]
    steps = planning.plan_stop(nodegroups)
    assert [(s.name, s.action, tuple(s.after), s.send) for s in steps] == [
        ("a", "stopped", (0, 0, 5), {"desired_size": 0, "min_size": 0}),
        ("b", "unchanged", (0, 0, 4), {}),
        ("c", "stopped", (0, 0, 2), {"desired_size": 0, "min_size": 0}),
    ]


def test_plan_stop_skips_a_nodegroup_eksctl_cannot_scale_and_stops_the_others():
    steps = planning.plan_stop([ng("ng-1", 3, 2, 5), ng("tf_workers", 2, 2, 6), ng("tf_idle", 0, 0, 6)])
    assert [(s.name, s.action, s.send) for s in steps] == [
        ("ng-1", "stopped", {"desired_size": 0, "min_size": 0}), ("tf_workers", "skipped", {}), ("tf_idle", "unchanged", {})]
    assert "letters, digits and '-'" in steps[1].reason and "EKS console or API" in steps[1].reason


def test_plan_start_keeps_a_nodegroup_recorded_at_zero_stopped():
    steps, warnings = planning.plan_start([ng("web", 0, 0, 3), ng("gpu", 0, 0, 6)],
                                          {"web": Capacity(2, 1, 3), "gpu": Capacity(0, 0, 4)}, cluster="demo")
    assert [(s.name, s.action) for s in steps] == [("web", "restored"), ("gpu", "unchanged")]
    assert warnings == []


def test_plan_start_restores_a_running_nodegroup_only_when_its_sizes_were_given():
    recorded = {"a": Capacity(5, 2, 10)}
    steps, warnings = planning.plan_start([ng("a", 2, 2, 10)], recorded, cluster="demo")
    assert steps[0].action == "unchanged" and "already running" in warnings[0]
    steps, warnings = planning.plan_start([ng("a", 2, 2, 10)], recorded, cluster="demo", given=["a"])
    assert (steps[0].action, steps[0].send) == ("restored", {"desired_size": 5, "min_size": 2, "max_size": 10}) and warnings == []


def test_plan_start_restores_exact_capacity_in_one_write():
    recorded = {"a": Capacity(3, 2, 5), "b": Capacity(2, 1, 4)}
    steps, warnings = planning.plan_start([ng("a", 0, 0, 5), ng("b", 2, 1, 4)], recorded, cluster="demo")
    assert [(s.name, s.action, tuple(s.after), s.send) for s in steps] == [
        ("a", "restored", (3, 2, 5), {"desired_size": 3, "min_size": 2, "max_size": 5}),
        ("b", "unchanged", (2, 1, 4), {}),
    ]
    assert warnings == []


def test_plan_start_fallback_warns_naming_the_cluster():
    steps, warnings = planning.plan_start([ng("a", 0, 0, 5)], {}, cluster="demo")
    assert (steps[0].action, tuple(steps[0].after), steps[0].send) == ("started_with_fallback", (1, 0, 5), {"desired_size": 1})
    assert len(warnings) == 1 and "max(min_size, 1)" in warnings[0] and "of cluster 'demo'" in warnings[0]


@pytest.mark.parametrize("recorded, expected", [
    ({}, [("a", "kept_stopped", (0, 0, 5), {}), ("b", "kept_stopped", (0, 1, 4), {})]),
    ({"a": Capacity(3, 2, 5)}, [("a", "restored", (3, 2, 5), {"desired_size": 3, "min_size": 2, "max_size": 5}),
                                ("b", "kept_stopped", (0, 1, 4), {})]),
])
def test_plan_start_without_start_unrecorded_keeps_unrecorded_nodegroups_stopped(recorded, expected):
    steps, warnings = planning.plan_start([ng("a", 0, 0, 5), ng("b", 0, 1, 4)], recorded, cluster="staging", start_unrecorded=False)
    assert [(s.name, s.action, tuple(s.after), s.send) for s in steps] == expected
    assert all("no recording" in step.reason for step in steps if step.action == "kept_stopped")
    assert warnings == []


def test_plan_start_leaves_running_nodegroup_alone_and_says_so():
    steps, warnings = planning.plan_start([ng("a", 4, 2, 5)], {"a": Capacity(3, 2, 5)}, cluster="demo")
    assert steps[0].action == "unchanged" and not steps[0].changed
    assert "already running" in warnings[0]


def test_plan_start_refuses_fallback_above_max():
    with pytest.raises(InvalidRequest, match="restore_capacity"):
        planning.plan_start([ng("a", 0, 0, 0, kind="unmanaged", status="CREATE_COMPLETE")], {}, cluster="demo")


def test_select_nodegroups_lists_existing_on_unknown():
    with pytest.raises(InvalidRequest) as caught:
        planning.select_nodegroups([ng("a", 1, 1, 2), ng("b", 1, 1, 2)], ["a", "zz"], cluster="demo")
    assert "'zz'" in caught.value.msg and "it has: a, b" in caught.value.msg
