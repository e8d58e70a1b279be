# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet summary of the stop and start playbooks."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.eks_tools.eksctl.plugins.filter.fleet_summary import fleet_summary


def result(changed, *pairs, failed=False, msg=None):
    entry = {"changed": changed, "nodegroups": [{"before": {"desired_size": b}, "after": {"desired_size": a}} for b, a in pairs]}
    if failed:
        entry.update(failed=True, msg=msg)
    return entry


def test_counts_and_nodes():
    summary = fleet_summary({
        "a.eu-north-1": result(True, (3, 0), (2, 0)),
        "b.eu-north-1": result(False, (0, 0)),
        "c.us-east-1": result(True, (4, 4), (1, 0), failed=True, msg="Failed to scale nodegroup(s) x"),
        "d.us-east-1": {},
    }, "stopped")
    assert summary == {"state": "stopped", "clusters": 4, "stopped": 1, "unchanged": 1, "failed": 2, "nodes_before": 10, "nodes_after": 4,
                       "failed_clusters": {"c.us-east-1": "Failed to scale nodegroup(s) x", "d.us-east-1": "no result"}, "kept_stopped": {}}


def test_a_start_names_per_cluster_the_nodegroups_it_kept_stopped():
    kept = {"changed": False, "nodegroups": [{"name": "ng-a", "action": "kept_stopped", "before": {"desired_size": 0}, "after": {"desired_size": 0}},
                                             {"name": "ng-b", "action": "kept_stopped", "before": {"desired_size": 0}, "after": {"desired_size": 0}}]}
    started = {"changed": True, "nodegroups": [{"name": "ng-1", "action": "restored", "before": {"desired_size": 0}, "after": {"desired_size": 3}}]}
    summary = fleet_summary({"staging.us-east-1": kept, "demo.eu-north-1": started}, "started")
    assert summary["kept_stopped"] == {"staging.us-east-1": ["ng-a", "ng-b"]}
    assert (summary["started"], summary["unchanged"], summary["nodes_after"]) == (1, 1, 3)


@pytest.mark.parametrize("results, state", [([], "stopped"), ({}, "present")])
def test_bad_input(results, state):
    with pytest.raises(AnsibleFilterError):
        fleet_summary(results, state)


def started(node_hours, saving=None, partial=False, failed=False):
    total = {"node_hours_avoided": node_hours, "partial": partial}
    if saving is not None:
        total["estimated_saving"] = saving
    entry = dict(result(True, (0, 3)), savings={"total": total})
    if failed:
        entry.update(failed=True, msg="Failed to scale nodegroup(s) y")
    return entry


def test_a_start_sums_the_savings_ledger_of_every_host():
    summary = fleet_summary({
        "a.eu-north-1": started(57.01, 3.53),
        "b.eu-north-1": started(100.5, 9.62, partial=True),
        "c.us-east-1": started(54.49, failed=True),  # a failed start still saved what it restored
        "d.us-east-1": {},
    }, "started")
    assert (summary["node_hours_avoided"], summary["estimated_saving"], summary["savings_partial"]) == (212.0, 13.15, True)
    assert summary["started"] == 2 and summary["failed"] == 2


def test_a_start_without_prices_has_no_estimated_saving():
    summary = fleet_summary({"a.eu-north-1": started(28.5), "b.eu-north-1": started(0)}, "started")
    assert (summary["node_hours_avoided"], summary["estimated_saving"], summary["savings_partial"]) == (28.5, None, False)


def test_a_stop_summary_has_no_savings():
    assert "node_hours_avoided" not in fleet_summary({"a.eu-north-1": result(True, (3, 0))}, "stopped")
