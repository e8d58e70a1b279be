# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""status_summary: nodegroup statuses aggregated into one phase."""

from __future__ import annotations

import pytest

from ansible_collections.eks_tools.eksctl.plugins.module_utils import _status as status


def ng(name, desired, minimum, maximum, kind="managed", status="ACTIVE"):
    return {"name": name, "type": kind, "status": status, "desired_size": desired, "min_size": minimum, "max_size": maximum}


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
    summary = status.summarize_status(nodegroups, cluster_status)
    assert (summary["phase"], summary["ready"], summary["nodegroups_stopped"]) == (phase, ready, stopped_count)
    assert summary["nodegroups_total"] == len(nodegroups)
    assert summary["desired_nodes"] == sum(n["desired_size"] for n in nodegroups)


def test_a_connector_cluster_is_unsupported_with_the_reason():
    summary = status.summarize_status([], None, cluster="edge", connector=True)
    assert summary["phase"] == "unsupported"
    assert summary["reason"].startswith("cluster 'edge' is registered through EKS Connector")
    assert "reason" not in status.summarize_status([], None, cluster="demo")
