# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lines a person reads about a scale, stop or start, and about a wait."""

from __future__ import annotations

import pytest

from ansible_collections.eks_tools.eksctl.plugins.module_utils import _summary as summary


def ng(name, before, after, action, changed=None, error=None):
    entry = {"name": name, "before": dict(zip(("desired_size", "min_size", "max_size"), before)),
             "after": dict(zip(("desired_size", "min_size", "max_size"), after)), "action": action,
             "changed": action in ("stopped", "restored", "scaled", "started_with_fallback") if changed is None else changed}
    if error:
        entry["error"] = error
    return entry


@pytest.mark.parametrize("state, region, nodegroups, check_mode, expected", [
    ("stopped", "eu-north-1", [ng("ng-1", (3, 2, 5), (0, 0, 5), "stopped"), ng("ng-2", (0, 0, 3), (0, 0, 3), "unchanged")], False, [
        "cluster demo (eu-north-1) stopped: 1 of 2 nodegroup(s) changed, desired nodes 3 -> 0",
        "  ng-1       desired/min/max 3/2/5 -> 0/0/5  stopped",
        "  ng-2       desired/min/max 0/0/3 -> 0/0/3  unchanged",
    ]),
    ("started", None, [ng("ng-a", (0, 0, 3), (0, 0, 3), "kept_stopped")], False, [
        "cluster demo started: 0 of 1 nodegroup(s) changed, desired nodes 0 -> 0",
        "  ng-a       desired/min/max 0/0/3 -> 0/0/3  kept_stopped",
    ]),
    ("present", "us-east-1", [ng("a-long-nodegroup-name", (1, 1, 2), (2, 1, 2), "scaled")], True, [
        "cluster demo (us-east-1) would be scaled: 1 of 1 nodegroup(s) would change, desired nodes 1 -> 2",
        "  a-long-nodegroup-name  desired/min/max 1/1/2 -> 2/1/2  scaled",
    ]),
    ("stopped", "eu-north-1", [ng("ng-1", (3, 2, 5), (3, 2, 5), "failed", changed=False, error="Rate exceeded")], False, [
        "cluster demo (eu-north-1) stopped: 0 of 1 nodegroup(s) changed, desired nodes 3 -> 3",
        "  ng-1       desired/min/max 3/2/5 -> 3/2/5  failed: Rate exceeded",
    ]),
])
def test_summary_lines(state, region, nodegroups, check_mode, expected):
    assert summary.summary_lines("demo", region, state, nodegroups, check_mode=check_mode) == expected


def test_wait_lines():
    assert summary.wait_line(1, 10.2, ["ng-1 (UPDATING, 0/0/5)"]) == "wait poll 1 after 10s: pending ng-1 (UPDATING, 0/0/5)"
    assert summary.wait_line(2, 20, []) == "wait poll 2 after 20s: every changed nodegroup is ready at its new sizes"
    assert summary.wait_summary(2, 20.4) == "waited 20s, 2 poll(s): every changed nodegroup is ready at its new sizes"
