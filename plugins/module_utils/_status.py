# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils file is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""A cluster's ``status_summary``: its nodegroups aggregated into one phase. Pure; ``eks_cluster_info`` and the
inventory plugin both get it from the cluster reader."""

from __future__ import annotations

import typing as t

from ._model import CLUSTER_BUSY_STATUSES, nodegroup_has_failed, nodegroup_is_busy, nodegroup_is_ready


def summarize_status(nodegroups: list[dict[str, t.Any]], cluster_status: str | None = None, *, cluster: str = "",
                     connector: bool = False) -> dict[str, t.Any]:
    """Aggregate nodegroup statuses into ``status_summary``.

    A self-managed nodegroup in a settled stack status (CREATE_COMPLETE, UPDATE_COMPLETE and the two
    rolled-back ones) is ready; a nodegroup at desired 0 is stopped, not running, whatever its status.
    A cluster registered through EKS Connector is ``unsupported``, with the reason.
    """
    total = len(nodegroups)
    stopped = sum(1 for ng in nodegroups if ng["desired_size"] == 0 and nodegroup_is_ready(ng["status"]))
    running = sum(1 for ng in nodegroups if ng["desired_size"] > 0 and nodegroup_is_ready(ng["status"]))
    failed = any(nodegroup_has_failed(ng["status"]) for ng in nodegroups)
    busy = any(nodegroup_is_busy(ng["status"]) for ng in nodegroups)
    if cluster_status == "FAILED" or failed:
        phase = "degraded"
    elif cluster_status in CLUSTER_BUSY_STATUSES or busy:
        phase = "updating"
    elif total == 0:
        phase = "empty"
    elif stopped == total:
        phase = "stopped"
    elif running == total:
        phase = "running"
    else:
        phase = "partial"
    summary: dict[str, t.Any] = {
        "phase": phase,
        "ready": total > 0 and running == total,
        "nodegroups_total": total,
        "nodegroups_ready": running,
        "nodegroups_stopped": stopped,
        "desired_nodes": sum(ng["desired_size"] for ng in nodegroups),
    }
    if connector:
        # Registered through EKS Connector: listed by eksctl, but it has no nodegroups eksctl can read or scale.
        summary.update(phase="unsupported", reason="cluster %r is registered through EKS Connector; eksctl cannot read or scale "
                                                   "its nodes, which its own Kubernetes provider manages" % cluster)
    return summary
