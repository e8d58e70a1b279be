# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A scripted stand-in for the Kubernetes seam (``ClusterApi``): answers GETs from a table of paths, applies merge patches and
deletes to it as the API server would for the fields the collection touches, and records every call."""

from __future__ import annotations

import copy
import typing as t

from ansible_collections.eks_tools.eksctl.plugins.module_utils._kubernetes.access import KubernetesError, refusal

KARPENTER = "/apis/karpenter.sh/v1"


def node(name, *, nodegroup=None, nodepool=None, ready=True, eksctl_label=False):
    labels = {}
    if nodegroup:
        labels["alpha.eksctl.io/nodegroup-name" if eksctl_label else "eks.amazonaws.com/nodegroup"] = nodegroup
    if nodepool:
        labels["karpenter.sh/nodepool"] = nodepool
    return {"metadata": {"name": name, "labels": labels},
            "status": {"conditions": [{"type": "Ready", "status": "True" if ready else "False"}]}}


def deployment(name, namespace="kube-system", replicas=1, labels=None):
    return {"metadata": {"name": name, "namespace": namespace, "labels": labels or {}}, "spec": {"replicas": replicas}}


def nodepool(name, limits=None):
    spec = {} if limits is None else {"limits": dict(limits)}
    return {"metadata": {"name": name}, "spec": spec}


def nodeclaim(name, pool):
    return {"metadata": {"name": name, "labels": {"karpenter.sh/nodepool": pool}}}


class FakeClusterApi:
    """One cluster's API. ``objects`` maps a list path to its items; ``karpenter=False`` answers 404 for Karpenter's kinds."""

    def __init__(self, *, nodes=(), deployments=(), nodepools=(), nodeclaims=(), karpenter=True, pods=(), budgets=(),
                 refuse: str | None = None, cluster: str = "demo") -> None:
        self.objects: dict[str, list] = {"/api/v1/nodes": list(nodes), "/apis/apps/v1/deployments": list(deployments),
                                         "/api/v1/pods": list(pods), "/apis/policy/v1/poddisruptionbudgets": list(budgets)}
        if karpenter:
            self.objects[KARPENTER + "/nodepools"] = list(nodepools)
            self.objects[KARPENTER + "/nodeclaims"] = list(nodeclaims)
        self.refuse = refuse
        self.cluster = cluster
        self.calls: list[tuple] = []
        self.closed = False
        self.on_get: t.Callable[[str], None] | None = None  # runs before each GET: a test can change the cluster meanwhile

    def _check(self) -> None:
        if self.refuse:
            raise refusal(self.cluster, self.refuse, "GET /api/v1/nodes: HTTP 403 nodes is forbidden")

    def get(self, path, query=None):
        self.calls.append(("GET", path))
        self._check()
        if self.on_get:
            self.on_get(path)
        if path not in self.objects:
            return None
        found = self.objects[path]
        if query and "fieldSelector" in query:
            node = query["fieldSelector"].split("=", 1)[1]
            found = [item for item in found if (item.get("spec") or {}).get("nodeName") == node]
        return {"items": copy.deepcopy(found)}

    def _find(self, kind_path: str, name: str, namespace: str | None = None) -> dict:
        for item in self.objects[kind_path]:
            if item["metadata"]["name"] == name and (namespace is None or item["metadata"].get("namespace") == namespace):
                return item
        raise refusal(self.cluster, "failed", "no such object %s" % name)

    def patch(self, path, body):
        self.calls.append(("PATCH", path, copy.deepcopy(body)))
        self._check()
        parts = path.strip("/").split("/")
        if path.endswith("/scale"):
            self._find("/apis/apps/v1/deployments", parts[-2], parts[-4])["spec"]["replicas"] = body["spec"]["replicas"]
        else:
            spec = self._find(KARPENTER + "/nodepools", parts[-1])["spec"]
            limits = body["spec"]["limits"]
            if limits is None:
                spec.pop("limits", None)
            else:
                merged = dict(spec.get("limits") or {}, **limits)
                spec["limits"] = {key: value for key, value in merged.items() if value is not None}
        return {}

    def delete(self, path):
        self.calls.append(("DELETE", path))
        self._check()
        name = path.rsplit("/", 1)[1]
        self.objects[KARPENTER + "/nodeclaims"] = [item for item in self.objects[KARPENTER + "/nodeclaims"] if item["metadata"]["name"] != name]

    def close(self):
        self.closed = True


def unreachable(description):
    raise refusal(description.get("name", "demo"), "unreachable", "GET /api/v1/nodes: connection refused")


__all__ = ["FakeClusterApi", "KubernetesError", "deployment", "node", "nodeclaim", "nodepool", "unreachable"]
