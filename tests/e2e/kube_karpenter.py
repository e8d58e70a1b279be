# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Karpenter in a local control plane: its real CRDs, a kwok NodeClass, NodePools, NodeClaims and its real controller.

The controller is Karpenter's own (``sigs.k8s.io/karpenter``'s ``kwok`` command: the core controllers with the
kwok cloud provider, which "launches" an instance by creating a Node annotated for kwok), built by go_tools and
run against the cluster's API server with the harness's credentials, leader election off (Karpenter has no
webhooks since v1). So what tests see is Karpenter's real reaction: a NodePool whose ``limits`` are used up
launches nothing, a deleted NodeClaim is drained (through the Eviction API, so PodDisruptionBudgets hold) and
its Node removed.

Seeded NodeClaims are created the way Karpenter's provisioner creates them (one instance type, the pool's
label); Karpenter launches each and registers its Node. No scheduler runs here, so a Pod meant to make
Karpenter provision is marked unschedulable by ``mark_unschedulable`` (the scheduler's verdict, which
Karpenter waits for before it considers a Pod).
"""

from __future__ import annotations

import json
import os
from typing import Any

import kube_objects as objects
from kube_client import path
from kube_cluster import ControlPlane

CRDS = ("karpenter.sh_nodepools.yaml", "karpenter.sh_nodeclaims.yaml", "karpenter.sh_nodeoverlays.yaml",
        "karpenter.kwok.sh_kwoknodeclasses.yaml")
LAUNCH_TIMEOUT = 60.0
# Short batching windows: the provisioner decides within a second of the last pending Pod.
CONTROLLER_ENV = {"BATCH_MAX_DURATION": "2s", "BATCH_IDLE_DURATION": "300ms", "LOG_LEVEL": "info"}


def _nodes_of_pool(plane: ControlPlane, pool: str) -> list[dict[str, Any]]:
    return plane.client.items("nodes", selector="%s=%s" % (objects.NODEPOOL_LABEL, pool))


def install(plane: ControlPlane) -> None:
    """Karpenter's CRDs, the kwok NodeClass, and the running controller (once per control plane start)."""
    plane.install_crds(CRDS)
    plane.client.call("POST", path("kwoknodeclasses"), objects.kwok_node_class(), accept=(409,))
    if plane.karpenter is None or not plane.karpenter.alive():
        types_file = os.path.join(plane.directory, "karpenter-instance-types.json")
        with open(types_file, "w", encoding="utf-8") as handle:
            json.dump(objects.karpenter_instance_types(plane.region), handle)
        plane.start_karpenter(dict(CONTROLLER_ENV, INSTANCE_TYPES_FILE_PATH=types_file))


def add_node_pool(plane: ControlPlane, name: str, limits: dict[str, str], nodes: int = 0,
                  instance_type: str = "m5.large") -> list[str]:
    """A NodePool with ``limits`` and ``nodes`` NodeClaims launched by Karpenter; returns their Nodes' names."""
    install(plane)
    plane.client.call("POST", path("nodepools"), objects.node_pool(name, limits, sorted(objects.INSTANCE_TYPES)), accept=(409,))
    return add_node_claims(plane, name, nodes, instance_type)


def add_node_claims(plane: ControlPlane, pool: str, count: int, instance_type: str = "m5.large") -> list[str]:
    """``count`` more NodeClaims of ``pool``; waits until Karpenter launched and registered each one's Node."""
    before = len(_nodes_of_pool(plane, pool))
    existing = {claim["metadata"]["name"] for claim in plane.client.items("nodeclaims")}
    made = 0
    index = 0
    while made < count:
        name = "%s-%05d" % (pool, index)
        index += 1
        if name in existing:
            continue
        plane.client.create("nodeclaims", objects.node_claim(name, pool, instance_type))
        made += 1
    plane.client.wait("Karpenter to launch %d Node(s) of NodePool %s" % (count, pool),
                      lambda: len(_registered(plane, pool)) >= before + count, timeout=LAUNCH_TIMEOUT)
    return sorted(node["metadata"]["name"] for node in _nodes_of_pool(plane, pool))


def _registered(plane: ControlPlane, pool: str) -> list[dict[str, Any]]:
    """The NodeClaims of ``pool`` whose Node registered (Karpenter sets the Registered condition)."""
    claims = plane.client.items("nodeclaims", selector="%s=%s" % (objects.NODEPOOL_LABEL, pool))
    return [claim for claim in claims
            if any(c["type"] == "Registered" and c["status"] == "True" for c in claim.get("status", {}).get("conditions", []))]


def mark_unschedulable(plane: ControlPlane, namespace: str, name: str) -> None:
    """What kube-scheduler writes on a Pod no Node can take (absent here; Karpenter provisions only for such Pods)."""
    plane.client.call("PATCH", path("pods", name, namespace, "status"), {"status": {"conditions": [{
        "type": "PodScheduled", "status": "False", "reason": "Unschedulable",
        "message": "0/0 nodes are available: no nodes match.", "lastTransitionTime": None}]}},
        content_type="application/strategic-merge-patch+json")


def stop(plane: ControlPlane) -> None:
    plane.stop_karpenter()
