# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils file is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""What the Kubernetes reads mean, pure: the objects come in as the API's JSON (lists of items), so every rule is tested
table-driven without a server.

* A Node belongs to a nodegroup by EKS's label (``eks.amazonaws.com/nodegroup``) or eksctl's (``alpha.eksctl.io/nodegroup-name``),
  to a Karpenter NodePool by ``karpenter.sh/nodepool``, and otherwise to neither ("other": self-managed groups eksctl did not
  make, Auto Mode, hand-made instances).
* cluster-autoscaler is a Deployment named ``cluster-autoscaler`` (its manifest) or labelled so (``app``,
  ``app.kubernetes.io/name``: ``cluster-autoscaler``, or ``aws-cluster-autoscaler`` as its Helm chart names it).
* A pause sets the autoscalers' replicas to 0 and every NodePool's ``limits`` to zero CPU and memory, so Karpenter launches
  nothing, and deletes the NodeClaims, so Karpenter drains and terminates their instances. What it changed is recorded, and a
  start gives back exactly that.
"""

from __future__ import annotations

import re
import typing as t

NODEGROUP_LABELS = ("eks.amazonaws.com/nodegroup", "alpha.eksctl.io/nodegroup-name")
NODEPOOL_LABEL = "karpenter.sh/nodepool"
AUTOSCALER_NAMES = frozenset(("cluster-autoscaler", "aws-cluster-autoscaler"))
AUTOSCALER_LABELS = ("app", "app.kubernetes.io/name", "k8s-app")
# Limits no instance fits in: Karpenter launches nothing for a NodePool whose limits its nodes would exceed.
ZERO_LIMITS = {"cpu": "0", "memory": "0"}

Item = t.Dict[str, t.Any]


class Node(t.NamedTuple):
    name: str
    nodegroup: str | None
    nodepool: str | None
    ready: bool


class Change(t.NamedTuple):
    """One change of a pause or a resume: what (``deployment``, ``nodepool``, ``nodeclaim``), its name and namespace, and the
    value before and after (replicas; limits; for a NodeClaim, its NodePool before and None after its deletion)."""

    kind: str
    name: str
    namespace: str | None
    before: t.Any
    after: t.Any

    def as_dict(self) -> dict[str, t.Any]:
        shown = {"kind": self.kind, "name": self.name, "before": self.before, "after": self.after}
        if self.namespace:
            shown["namespace"] = self.namespace
        return shown


def _labels(item: Item) -> dict[str, str]:
    labels = (item.get("metadata") or {}).get("labels") or {}
    return labels if isinstance(labels, dict) else {}


def _name(item: Item) -> str:
    return str((item.get("metadata") or {}).get("name") or "")


def node_of(item: Item) -> Node:
    labels = _labels(item)
    conditions = ((item.get("status") or {}).get("conditions")) or []
    ready = any(isinstance(condition, dict) and condition.get("type") == "Ready" and condition.get("status") == "True" for condition in conditions)
    nodegroup = next((labels[label] for label in NODEGROUP_LABELS if labels.get(label)), None)
    return Node(_name(item), nodegroup, labels.get(NODEPOOL_LABEL) or None, ready)


def node_counts(nodes: t.Sequence[Node]) -> dict[str, t.Any]:
    """Nodes in total and Ready, per nodegroup, per Karpenter NodePool, and in neither."""
    by_nodegroup: dict[str, int] = {}
    karpenter: dict[str, int] = {}
    for node in nodes:
        if node.nodegroup:
            by_nodegroup[node.nodegroup] = by_nodegroup.get(node.nodegroup, 0) + 1
        elif node.nodepool:
            karpenter[node.nodepool] = karpenter.get(node.nodepool, 0) + 1
    return {"total": len(nodes), "ready": sum(1 for node in nodes if node.ready), "by_nodegroup": dict(sorted(by_nodegroup.items())),
            "karpenter": dict(sorted(karpenter.items())), "other": sum(1 for node in nodes if not node.nodegroup and not node.nodepool)}


def autoscalers_of(deployments: t.Sequence[Item]) -> list[dict[str, t.Any]]:
    """The cluster-autoscaler Deployments, by namespace and name, with their replicas."""
    found = []
    for item in deployments:
        labels = _labels(item)
        if _name(item) in AUTOSCALER_NAMES or any(labels.get(label) in AUTOSCALER_NAMES for label in AUTOSCALER_LABELS):
            replicas = (item.get("spec") or {}).get("replicas")
            found.append({"namespace": (item.get("metadata") or {}).get("namespace"), "name": _name(item),
                          "replicas": replicas if isinstance(replicas, int) else 1})
    return sorted(found, key=lambda entry: (str(entry["namespace"]), entry["name"]))


def nodepools_of(items: t.Sequence[Item]) -> list[dict[str, t.Any]]:
    found = []
    for item in items:
        limits = (item.get("spec") or {}).get("limits")
        found.append({"name": _name(item), "limits": dict(limits) if isinstance(limits, dict) else None})
    return sorted(found, key=lambda pool: pool["name"])


def report(nodes: t.Sequence[Item], deployments: t.Sequence[Item], nodepools: t.Sequence[Item] | None,
           nodeclaims: t.Sequence[Item] | None) -> dict[str, t.Any]:
    """``eks_cluster_info``'s ``kubernetes`` of a cluster whose API answered; NodePools and NodeClaims are None when Karpenter's
    CRDs are not installed."""
    autoscalers = autoscalers_of(deployments)
    return {
        "reachable": True,
        "nodes": node_counts([node_of(item) for item in nodes]),
        "cluster_autoscaler": autoscalers[0] if autoscalers else None,
        "karpenter": None if nodepools is None else {"nodepools": nodepools_of(nodepools), "nodeclaims": len(nodeclaims or [])},
    }


def still_running(kubernetes: t.Mapping[str, t.Any] | None) -> list[dict[str, str]]:
    """What a nodegroup stop leaves running or would undo, as the Kubernetes reads show it (``status_summary.still_running``)."""
    if not kubernetes or not kubernetes.get("reachable"):
        return []
    entries = []
    nodes = kubernetes["nodes"]
    for pool, count in nodes["karpenter"].items():
        entries.append({"kind": "karpenter_nodes", "name": pool, "detail": "Karpenter NodePool %s runs %d node(s) outside every nodegroup, "
                                                                           "billed until its NodeClaims are deleted" % (pool, count)})
    if nodes["other"]:
        entries.append({"kind": "other_nodes", "name": "%d node(s)" % nodes["other"],
                        "detail": "%d node(s) belong to no nodegroup and no NodePool; a nodegroup stop does not reach them" % nodes["other"]})
    autoscaler = kubernetes.get("cluster_autoscaler")
    if autoscaler and autoscaler["replicas"]:
        entries.append({"kind": "cluster_autoscaler", "name": "%s/%s" % (autoscaler["namespace"], autoscaler["name"]),
                        "detail": "cluster-autoscaler runs (%d replica(s)) and can scale a stopped nodegroup back up for pending pods"
                                  % autoscaler["replicas"]})
    return entries


# --------------------------------------------------------------------------- the pause and its resume


ZERO_QUANTITY = re.compile(r"^\+?(0+(\.0*)?|\.0+)[a-zA-Z]*$")


def can_launch(limits: t.Mapping[str, t.Any] | None) -> bool:
    """Whether a NodePool with these limits can launch an instance: not when its CPU or memory limit is zero ("0", "0Gi")."""
    given = limits or {}
    return not any(resource in given and ZERO_QUANTITY.match(str(given[resource])) for resource in ("cpu", "memory"))


def pause_changes(deployments: t.Sequence[Item], nodepools: t.Sequence[Item], nodeclaims: t.Sequence[Item]) -> list[Change]:
    """What a pause changes: autoscalers running scaled to 0, NodePools that could launch limited to nothing, NodeClaims deleted."""
    changes = [Change("deployment", entry["name"], entry["namespace"], entry["replicas"], 0)
               for entry in autoscalers_of(deployments) if entry["replicas"]]
    changes += [Change("nodepool", pool["name"], None, pool["limits"], dict(ZERO_LIMITS))
                for pool in nodepools_of(nodepools) if can_launch(pool["limits"])]
    changes += [Change("nodeclaim", _name(item), None, _labels(item).get(NODEPOOL_LABEL), None) for item in nodeclaims]
    return changes


def recorded_of_pause(changes: t.Sequence[Change], known: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    """What the recording keeps of a pause: each autoscaler's replicas and each NodePool's limits as the pause found them. What an
    earlier, interrupted pause recorded wins (it saw the values before any pause); NodeClaims are not recorded: Karpenter makes
    new ones for the pods once the limits are back."""
    recorded = {"deployments": dict(known.get("deployments") or {}), "nodepools": dict(known.get("nodepools") or {})}
    for change in changes:
        if change.kind == "deployment":
            recorded["deployments"].setdefault("%s/%s" % (change.namespace, change.name), change.before)
        elif change.kind == "nodepool":
            recorded["nodepools"].setdefault(change.name, change.before)
    return {key: value for key, value in recorded.items() if value}


def resume_changes(recorded: t.Mapping[str, t.Any], deployments: t.Sequence[Item], nodepools: t.Sequence[Item]) -> list[Change]:
    """What a start gives back: the recorded limits of each NodePool, then the recorded replicas of each autoscaler, where they
    differ now. An object that no longer exists is left out (the caller names it)."""
    pools = {pool["name"]: pool["limits"] for pool in nodepools_of(nodepools)}
    running = {"%s/%s" % (entry["namespace"], entry["name"]): entry["replicas"] for entry in autoscalers_of(deployments)}
    changes = [Change("nodepool", name, None, pools[name], limits) for name, limits in sorted((recorded.get("nodepools") or {}).items())
               if name in pools and pools[name] != limits]
    for key, replicas in sorted((recorded.get("deployments") or {}).items()):
        namespace, _slash, name = key.partition("/")
        if key in running and running[key] != replicas:
            changes.append(Change("deployment", name, namespace, running[key], replicas))
    return changes


def missing_on_resume(recorded: t.Mapping[str, t.Any], deployments: t.Sequence[Item], nodepools: t.Sequence[Item]) -> list[str]:
    pools = {pool["name"] for pool in nodepools_of(nodepools)}
    running = {"%s/%s" % (entry["namespace"], entry["name"]) for entry in autoscalers_of(deployments)}
    missing = ["NodePool %s" % name for name in sorted(recorded.get("nodepools") or {}) if name not in pools]
    missing.extend("Deployment %s" % key for key in sorted(recorded.get("deployments") or {}) if key not in running)
    return missing


# --------------------------------------------------------------------------- proof at the Node level


def nodes_left(nodes: t.Sequence[Item], nodegroups: t.Collection[str], *, karpenter: bool) -> list[Node]:
    """The Nodes a stop must see gone: those of the stopped nodegroups, and with ``karpenter`` every Karpenter Node."""
    found = [node_of(item) for item in nodes]
    return [node for node in found if node.nodegroup in nodegroups or (karpenter and node.nodepool)]


def nodes_missing(nodes: t.Sequence[Item], wanted: t.Mapping[str, int]) -> dict[str, tuple[int, int]]:
    """Per restored nodegroup still short of Ready Nodes: (Ready now, desired)."""
    ready: dict[str, int] = {}
    for node in (node_of(item) for item in nodes):
        if node.nodegroup and node.ready:
            ready[node.nodegroup] = ready.get(node.nodegroup, 0) + 1
    return {name: (ready.get(name, 0), desired) for name, desired in sorted(wanted.items()) if ready.get(name, 0) < desired}


def held_by(node: str, pods: t.Sequence[Item], budgets: t.Sequence[Item]) -> str | None:
    """Why a Node is still there, when visible: a pod on it that a PodDisruptionBudget allowing no disruption covers."""
    for pod in pods:
        if (pod.get("spec") or {}).get("nodeName") != node:
            continue
        namespace, labels = (pod.get("metadata") or {}).get("namespace"), _labels(pod)
        for budget in budgets:
            if (budget.get("metadata") or {}).get("namespace") != namespace or (budget.get("status") or {}).get("disruptionsAllowed", 1) != 0:
                continue
            selector = ((budget.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
            if selector and all(labels.get(key) == value for key, value in selector.items()):
                return "PodDisruptionBudget %s/%s allows no disruption of pod %s" % (namespace, _name(budget), _name(pod))
    return None
