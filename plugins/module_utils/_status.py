# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils file is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""A cluster's ``status_summary``: its nodegroups aggregated into one phase, and what a nodegroup stop would leave
running. Pure; ``eks_cluster_info``, the inventory plugin and the scaler's preflight get it through the cluster reader."""

from __future__ import annotations

import typing as t

from ._failures import UNSCALABLE_RULE, eksctl_can_scale
from ._kubernetes.objects import still_running as kubernetes_still_running
from ._model import CLUSTER_BUSY_STATUSES, nodegroup_has_failed, nodegroup_is_busy, nodegroup_is_ready

CONNECTOR_REASON = "cluster %r is registered through EKS Connector; eksctl cannot read or scale its nodes, which its own Kubernetes provider manages"


def summarize_status(nodegroups: list[dict[str, t.Any]], cluster_status: str | None = None, *, cluster: str = "",
                     connector: bool = False, fargate_profiles: list[dict[str, t.Any]] | None = None,
                     auto_mode: dict[str, t.Any] | None = None, kubernetes: dict[str, t.Any] | None = None) -> dict[str, t.Any]:
    """Aggregate nodegroup statuses into ``status_summary``.

    A self-managed nodegroup in a settled stack status (CREATE_COMPLETE, UPDATE_COMPLETE and the two
    rolled-back ones) is ready; a nodegroup at desired 0 is stopped, not running, whatever its status.
    A cluster registered through EKS Connector is ``unsupported``, with the reason. ``still_running`` lists what
    a stop of every nodegroup would not stop, from what was read (see ``still_running``).
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
        "still_running": still_running(nodegroups, cluster=cluster, connector=connector, fargate_profiles=fargate_profiles,
                                       auto_mode=auto_mode) + kubernetes_still_running(kubernetes),
    }
    if connector:
        # Registered through EKS Connector: listed by eksctl, but it has no nodegroups eksctl can read or scale.
        summary.update(phase="unsupported", reason=CONNECTOR_REASON % cluster)
    return summary


def _selected(selector: dict[str, t.Any]) -> str:
    labels = ", ".join("%s=%s" % item for item in sorted((selector.get("labels") or {}).items()))
    return "namespace %s%s" % (selector.get("namespace"), " with labels " + labels if labels else "")


def still_running(nodegroups: list[dict[str, t.Any]], *, cluster: str = "", connector: bool = False,
                  fargate_profiles: list[dict[str, t.Any]] | None = None, auto_mode: dict[str, t.Any] | None = None) -> list[dict[str, str]]:
    """What a stop of every nodegroup leaves running, as far as the reads show; empty when it stops everything it can see.

    Each entry has ``kind``, ``name`` and ``detail``. Fargate profiles and Auto Mode come from ``eks_cluster_info``'s
    reads; a reader that did not read them (the inventory reads nodegroups only) passes None and they are not listed.
    """
    entries = []
    if connector:
        entries.append({"kind": "connector", "name": cluster, "detail": CONNECTOR_REASON % cluster})
    for nodegroup in nodegroups:
        if nodegroup["desired_size"] > 0 and not eksctl_can_scale(nodegroup["name"]):
            entries.append({"kind": "unscalable_nodegroup", "name": nodegroup["name"],
                            "detail": "%s; its %d node(s) keep running" % (UNSCALABLE_RULE, nodegroup["desired_size"])})
    for profile in fargate_profiles or []:
        entries.append({"kind": "fargate_profile", "name": profile["name"],
                        "detail": "pods of %s run on Fargate, billed per pod, whatever the nodegroups"
                                  % "; ".join(_selected(selector) for selector in profile["selectors"])})
    if auto_mode and auto_mode.get("enabled"):
        pools = auto_mode.get("node_pools") or []
        entries.append({"kind": "auto_mode", "name": ", ".join(pools) or "(no built-in node pools)",
                        "detail": "EKS Auto Mode launches and bills its own instances for its node pools; a nodegroup stop does not reach them"})
    return entries
