# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulated clusters' Kubernetes API: the answers a real kube-apiserver gives to the reads and writes the collection
makes, from the simulator's state file, so the simulator tier has the capability the real tier has
(tests/e2e/test_differential.py holds these answers against a real kube-apiserver's).

One server (``kube_server.KubeServer``, apart so that an eksctl call does not import an HTTP server) answers every
simulated cluster, on loopback, under ``/k8s/<region>/<cluster>``; ``settings.kube_endpoint`` in the state file is its
address, and ``get cluster --name`` then prints ``<kube_endpoint>/k8s/<region>/<cluster>`` as the cluster's endpoint.
It speaks plain HTTP: TLS against the cluster's own CA is exercised by the real tier.

What a cluster holds comes from its record's declarative ``kubernetes`` (``seed.kubernetes_objects()``, the same record the
emulated AWS builds a real API server from): Karpenter NodePools with their limits and NodeClaims (Karpenter's kinds exist only
where there are NodePools), a cluster-autoscaler Deployment, Nodes in no nodegroup, and Pods a PodDisruptionBudget protects.
The objects are made from it on first use and kept in the record's ``objects``, where writes change them. The Nodes of each
nodegroup are its desired size, named ``<nodegroup>-<n>``, labelled as EKS labels a managed nodegroup's Nodes and eksctl a
self-managed one's, Ready; a Node a PodDisruptionBudget allowing no disruption holds stays after a scale down (the drain
respects it). A deleted NodeClaim takes its Node with it, as Karpenter's termination does. ``kubernetes_api`` of the cluster: ``forbidden``
answers 403 as RBAC does; ``unreachable`` is served no endpoint. A request without an EKS bearer token is 401.
"""

from __future__ import annotations

import collections
import re

KARPENTER = "/apis/karpenter.sh/v1"
HELD = "kubernetes.simulator/held-after-scale"  # a Node kept by a PodDisruptionBudget: its nodegroup and index


def status(code: int, reason: str, message: str) -> dict:
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message, "reason": reason, "code": code}


def objects(cluster: dict) -> dict:
    """The cluster's Kubernetes objects, made from its declarative record on first use and kept in it."""
    declared = cluster.setdefault("kubernetes", {})
    if "objects" in declared:
        return declared["objects"]
    made: dict = {"nodes": [], "deployments": [], "pods": [], "pdbs": [], "held": {}}
    if declared.get("node_pools"):
        made["nodepools"], made["nodeclaims"] = [], []
    for pool in declared.get("node_pools", []):
        made["nodepools"].append({"kind": "NodePool", "metadata": {"name": pool["name"]}, "spec": {"limits": dict(pool["limits"])}})
        for index in range(pool.get("nodes", 0)):
            claim = "%s-%05d" % (pool["name"], index)  # as the real tier names the NodeClaims it seeds
            made["nodeclaims"].append({"kind": "NodeClaim", "metadata": {"name": claim, "labels": {"karpenter.sh/nodepool": pool["name"]}},
                                       "status": {"nodeName": claim + "-node"}})
            made["nodes"].append(node_document(claim + "-node", {"karpenter.sh/nodepool": pool["name"]}))
    if declared.get("cluster_autoscaler"):
        made["deployments"].append({"kind": "Deployment", "metadata": {"name": "cluster-autoscaler", "namespace": "kube-system",
                                                                       "labels": {"app": "cluster-autoscaler"}},
                                    "spec": {"replicas": declared["cluster_autoscaler"]["replicas"]}})
    made["nodes"] += [node_document(loose["name"], {}) for loose in declared.get("loose_nodes", [])]
    for held in declared.get("held_pods", []):
        namespace = held.get("namespace", "default")
        made["pods"].append({"kind": "Pod", "metadata": {"name": held["name"], "namespace": namespace, "labels": {"app": held["name"]}},
                             "spec": {"nodeName": "%s-0" % held["nodegroup"]}})
        made["pdbs"].append({"kind": "PodDisruptionBudget", "metadata": {"name": held["name"], "namespace": namespace},
                             "spec": {"minAvailable": held.get("min_available", 1), "selector": {"matchLabels": {"app": held["name"]}}},
                             "status": {"disruptionsAllowed": 0}})
    declared["objects"] = made
    return made


def nodegroup_nodes(cluster: dict) -> list[dict]:
    nodes = []
    kube = objects(cluster)
    for nodegroup in cluster["nodegroups"]:
        label = "eks.amazonaws.com/nodegroup" if nodegroup["type"] == "managed" else "alpha.eksctl.io/nodegroup-name"
        held = set(kube.get("held", {}).get(nodegroup["name"], []))
        for index in sorted(set(range(nodegroup["desired"])) | held):
            nodes.append(node_document("%s-%d" % (nodegroup["name"], index), {label: nodegroup["name"]}, nodegroup["kubelet_version"]))
    return nodes


def node_document(name: str, labels: dict, kubelet: str = "1.31.2", ready: bool = True) -> dict:
    return {"kind": "Node", "apiVersion": "v1", "metadata": {"name": name, "labels": dict(labels, **{"kubernetes.io/hostname": name})},
            "status": {"conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
                       "nodeInfo": {"kubeletVersion": "v%s-eks-1a2b3c4" % kubelet}}}


def listing(kind: str, items: list) -> dict:
    return {"kind": kind + "List", "apiVersion": "v1", "metadata": {"resourceVersion": "1"}, "items": items}


def held_nodes(cluster: dict, nodegroup: dict, desired: int) -> list[int]:
    """After a scale to ``desired``: the indexes above it whose Node a pod under a PodDisruptionBudget allowing no disruption keeps."""
    kube = objects(cluster)
    blocked = {pod["spec"]["nodeName"] for pod in kube.get("pods", []) for budget in kube.get("pdbs", [])
               if budget.get("status", {}).get("disruptionsAllowed", 1) == 0
               and budget["metadata"].get("namespace") == pod["metadata"].get("namespace")
               and all(pod["metadata"].get("labels", {}).get(key) == value
                       for key, value in budget["spec"]["selector"].get("matchLabels", {}).items())}
    candidates = set(range(desired, max(nodegroup["desired"], desired))) | {index for index in kube["held"].get(nodegroup["name"], []) if index >= desired}
    return sorted(index for index in candidates if "%s-%d" % (nodegroup["name"], index) in blocked)


# An HTTP status code and the JSON body. A plain namedtuple: typing's NamedTuple would make every eksctl call import typing.
Answer = collections.namedtuple("Answer", "code body")


def answer(state: dict, method: str, path: str, query: dict, body: dict | None, token: str | None) -> Answer:
    match = re.match(r"^/k8s/(?P<region>[^/]+)/(?P<cluster>[^/]+)(?P<rest>/.*)$", path)
    cluster = next((entry for entry in state["clusters"] if match and entry["region"] == match.group("region")
                    and entry["name"] == match.group("cluster")), None)
    if cluster is None or cluster.get("connector"):
        return Answer(404, status(404, "NotFound", "the server could not find the requested resource"))
    if not token or not token.startswith("Bearer k8s-aws-v1."):
        return Answer(401, status(401, "Unauthorized", "Unauthorized"))
    rest = match.group("rest")  # type: ignore[union-attr]
    if cluster.get("kubernetes_api") == "forbidden":
        return Answer(403, status(403, "Forbidden", 'nodes is forbidden: User "eks-tools-test" cannot list resource "nodes" in API '
                                                    'group "" at the cluster scope'))
    kube = objects(cluster)
    lists = {"/api/v1/nodes": ("Node", nodegroup_nodes(cluster) + kube.get("nodes", [])),
             "/apis/apps/v1/deployments": ("Deployment", kube.get("deployments", [])),
             "/api/v1/pods": ("Pod", kube.get("pods", [])), "/apis/policy/v1/poddisruptionbudgets": ("PodDisruptionBudget", kube.get("pdbs", []))}
    if "nodepools" in kube:
        lists[KARPENTER + "/nodepools"] = ("NodePool", kube["nodepools"])
        lists[KARPENTER + "/nodeclaims"] = ("NodeClaim", kube.get("nodeclaims", []))
    if method == "GET" and rest in lists:
        kind, items = lists[rest]
        selector = (query.get("fieldSelector") or [""])[0]
        if selector.startswith("spec.nodeName="):
            items = [item for item in items if item.get("spec", {}).get("nodeName") == selector.split("=", 1)[1]]
        return Answer(200, listing(kind, items))
    scale = re.match(r"^/apis/apps/v1/namespaces/([^/]+)/deployments/([^/]+)/scale$", rest)
    if method == "PATCH" and scale:
        found = next((item for item in kube.get("deployments", []) if item["metadata"]["name"] == scale.group(2)
                      and item["metadata"]["namespace"] == scale.group(1)), None)
        if found is None:
            return Answer(404, status(404, "NotFound", 'deployments.apps "%s" not found' % scale.group(2)))
        found["spec"]["replicas"] = body["spec"]["replicas"]
        return Answer(200, {"kind": "Scale", "spec": {"replicas": found["spec"]["replicas"]}})
    named = re.match(r"^%s/(nodepools|nodeclaims)/([^/]+)$" % re.escape(KARPENTER), rest)
    if named and "nodepools" in kube:
        items = kube.setdefault(named.group(1), [])
        found = next((item for item in items if item["metadata"]["name"] == named.group(2)), None)
        if found is None:
            return Answer(404, status(404, "NotFound", '%s.karpenter.sh "%s" not found' % (named.group(1), named.group(2))))
        if method == "DELETE" and named.group(1) == "nodeclaims":
            items.remove(found)
            kube["nodes"] = [node for node in kube.get("nodes", []) if node["metadata"]["name"] != found.get("status", {}).get("nodeName")]
            return Answer(200, found)
        if method == "PATCH" and named.group(1) == "nodepools":
            limits = body["spec"].get("limits")
            spec = found.setdefault("spec", {})
            if limits is None:
                spec.pop("limits", None)
            else:
                merged = dict(spec.get("limits") or {}, **limits)
                spec["limits"] = {key: value for key, value in merged.items() if value is not None}
            return Answer(200, found)
    return Answer(405 if method != "GET" else 404, status(404, "NotFound", "the server could not find the requested resource"))
