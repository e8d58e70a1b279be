# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Kubernetes side of the emulated AWS: what each emulated EKS cluster's real API server holds.

``EmulatedKubernetes`` keeps, per emulated cluster, the seed's description of its Kubernetes side (its
nodegroups, and the ``kubernetes`` record of the simulator's seed: Karpenter NodePools and NodeClaims, a
cluster-autoscaler Deployment, Nodes in no nodegroup, Pods held by a PodDisruptionBudget) and how its API
answers eksctl (``ok``, ``forbidden``: the tests' access key maps to a user without RBAC, ``unreachable``:
the endpoint is a closed port). A cluster's control plane (kube_cluster) starts the first time the cluster
is described (EKS DescribeCluster, which is how eksctl finds the endpoint) or a test asks for it, and is
then filled from that description: one Node per desired instance of each nodegroup, and the rest.

Nodes follow the nodegroups' sizes: when the emulated AWS applies a scaling change (``reconcile``), missing
Nodes are added (kwok makes them Ready) and surplus Nodes drained through the Eviction API and deleted,
except a Node whose Pod a PodDisruptionBudget protects (the eviction is refused, 429), which stays, as a
managed nodegroup's drain respects it. Between tests (``settle``), a control plane that anyone used, or whose
cluster's description changed, is emptied and filled again; the others are left as they are.
"""

from __future__ import annotations

import json
import threading
from typing import Any, Callable

import kube_karpenter as karpenter
import kube_objects as objects
from aws_gateway import ACCESS_KEY, ACCOUNT, HELPER_ACCESS_KEY, SECRET_KEY
from kube_client import KubeError, path
from kube_cluster import ControlPlane, ControlPlanes

KUBE_OK, KUBE_FORBIDDEN, KUBE_UNREACHABLE = "ok", "forbidden", "unreachable"
READONLY_ACCESS_KEY = "AKIAE2EREADONLY00001"  # an identity mapped to a user without any RBAC binding
ADMIN_USER = "arn:aws:sts::%s:assumed-role/e2e-admin/e2e" % ACCOUNT
READONLY_USER = "arn:aws:sts::%s:assumed-role/e2e-readonly/e2e" % ACCOUNT
SECRETS = {ACCESS_KEY: SECRET_KEY, READONLY_ACCESS_KEY: SECRET_KEY, HELPER_ACCESS_KEY: SECRET_KEY}
NAMESPACED = ("pods", "poddisruptionbudgets", "deployments")
WRITES = ("create", "update", "patch", "delete", "deletecollection")
METHODS = {"get": "GET", "list": "GET", "watch": "GET", "create": "POST", "update": "PUT", "patch": "PATCH",
           "delete": "DELETE", "deletecollection": "DELETE"}

Key = tuple  # (region, cluster)


class EmulatedKubernetes:
    """The clusters' Kubernetes objects, kept in step with the emulated AWS. ``desired(region, cluster, nodegroup)``
    reads a nodegroup's desired size from AWS (None when it has none)."""

    def __init__(self, desired: Callable[[str, str, str], int | None]) -> None:
        self.planes = ControlPlanes(SECRETS, ACCOUNT, ADMIN_USER)
        self.webhook = self.planes.webhook
        self._desired = desired
        self.nodegroups: dict[Key, dict[str, dict[str, Any]]] = {}
        self.worlds: dict[Key, dict[str, Any]] = {}
        self.modes: dict[Key, str] = {}
        self._filled: dict[Key, str] = {}  # the fingerprint each control plane was last filled from
        self._used: set[Key] = set()
        self._seeding = False  # between clear() and settle(): Nodes are made by settle, not one nodegroup at a time
        self._lock = threading.RLock()

    @property
    def ca_pem(self) -> str:
        return self.planes.pki.ca_pem

    def start(self) -> None:
        self.planes.start()

    def stop(self) -> None:
        self.planes.stop()

    # -- the description, filled by the emulator's seeding

    def clear(self) -> None:
        """Forget the description (a reseed follows, then ``settle``)."""
        self._seeding = True
        with self._lock:
            self.nodegroups.clear()
            self.worlds.clear()
            self.modes.clear()
            self.webhook.identities.clear()

    def add_cluster(self, region: str, cluster: str, world: dict[str, Any] | None = None, mode: str = KUBE_OK) -> None:
        with self._lock:
            self.nodegroups.setdefault((region, cluster), {})
            self.worlds[(region, cluster)] = json.loads(json.dumps(world or {}))
        self.set_mode(region, cluster, mode)

    def add_nodegroup(self, region: str, cluster: str, nodegroup: dict[str, Any]) -> None:
        """A nodegroup (a seed record); its Nodes appear at once if the control plane runs."""
        with self._lock:
            self.nodegroups.setdefault((region, cluster), {})[nodegroup["name"]] = {
                "managed": nodegroup["type"] == "managed", "instance_type": nodegroup["instance_type"],
                "kubelet": nodegroup["kubelet_version"]}
        self.reconcile(region, cluster, nodegroup["name"])

    def remove_nodegroup(self, region: str, cluster: str, nodegroup: str) -> None:
        """A deleted nodegroup: its instances are terminated, PodDisruptionBudgets or not."""
        with self._lock:
            spec = self.nodegroups.get((region, cluster), {}).pop(nodegroup, None)
        plane = self.planes.get(region, cluster)
        if spec and plane:
            self._used.add((region, cluster))
            for node in plane.client.items("nodes", selector=self._selector(nodegroup, spec)):
                self._delete_node(plane, node)

    def set_mode(self, region: str, cluster: str, mode: str) -> None:
        if mode not in (KUBE_OK, KUBE_FORBIDDEN, KUBE_UNREACHABLE):
            raise ValueError(mode)
        with self._lock:
            self.modes[(region, cluster)] = mode
        self.webhook.map(region, cluster, {
            ACCESS_KEY: {"username": READONLY_USER if mode == KUBE_FORBIDDEN else ADMIN_USER, "groups": []},
            READONLY_ACCESS_KEY: {"username": READONLY_USER, "groups": []},
        })

    def settle(self) -> None:
        """After a reseed: empty and refill every running control plane that was written to (by the harness, a test,
        or any webhook-authenticated user) or whose cluster's description changed; leave the others as they are. A
        control plane whose cluster is gone stays empty until the cluster comes back (then ``_plane`` fills it)."""
        self._seeding = False
        for plane in self.planes.running():
            key = (plane.region, plane.cluster)
            written = any(event.get("verb") in WRITES for event in plane.audit("settle"))
            changed = key in self._filled and self._filled[key] != self._fingerprint(key)
            if written or key in self._used or changed:
                self._empty(plane)
                if key in self.worlds:
                    self._fill(plane)
            plane.forget_audit("settle")
            plane.forget_audit("count")
        self._used.clear()
        self.webhook.forget()

    # -- what the emulated AWS asks

    def endpoint(self, region: str, cluster: str) -> str | None:
        """The API server's URL for a described cluster (started and filled on first need); None when unreachable."""
        if self.modes.get((region, cluster)) == KUBE_UNREACHABLE or (region, cluster) not in self.worlds:
            return None
        return self._plane(region, cluster).url

    def reconcile(self, region: str, cluster: str, nodegroup: str) -> None:
        """Bring a nodegroup's Nodes to its desired size (nothing to do until its control plane is started and filled:
        filling makes every nodegroup's Nodes at its size then)."""
        plane = self.planes.get(region, cluster)
        if plane is not None and (region, cluster) in self._filled and not self._seeding:
            self._reconcile(plane, nodegroup)

    def _reconcile(self, plane: ControlPlane, nodegroup: str) -> None:
        region, cluster = plane.region, plane.cluster
        spec = self.nodegroups.get((region, cluster), {}).get(nodegroup)
        desired = self._desired(region, cluster, nodegroup) if spec else None
        if spec is None or desired is None:
            return
        nodes = plane.client.items("nodes", selector=self._selector(nodegroup, spec))
        if len(nodes) != desired:
            self._used.add((region, cluster))
        names = {node["metadata"]["name"] for node in nodes}
        index = 0
        while len(names) < desired:
            name = objects.nodegroup_node_name(region, nodegroup, index)
            index += 1
            if name not in names:
                plane.client.create("nodes", objects.node(name, region, spec["instance_type"], spec["kubelet"],
                                                          objects.nodegroup_labels(cluster, nodegroup, spec["managed"])))
                names.add(name)
        surplus = len(nodes) - desired
        if surplus <= 0:
            return
        protected = self._protected_nodes(plane)
        # Nodes nothing protects go first (newest first); a protected one is tried only when it must go, and stays.
        for node in sorted(nodes, key=lambda item: (item["metadata"]["name"] in protected, _negated(item["metadata"]["name"]))):
            if surplus == 0:
                break
            if self._drain(plane, node["metadata"]["name"]):
                self._delete_node(plane, node)
            surplus -= 1

    # -- for tests

    def plane(self, cluster: str, region: str) -> ControlPlane:
        """The cluster's control plane (started and filled if it was not); counted as used (reset after the test)."""
        plane = self._plane(region, cluster)
        self._used.add((region, cluster))
        return plane

    def start_clusters(self, clusters: list[str], region: str) -> None:
        """Start the control planes of several clusters side by side (a test that needs many waits for one start)."""
        keys = [(region, cluster) for cluster in clusters if self.modes.get((region, cluster)) != KUBE_UNREACHABLE]
        missing = [key for key in keys if key not in self.worlds]
        if missing:
            raise LookupError("no emulated cluster %s" % missing)
        self.planes.ensure(keys, on_start=self._fill)

    def nodes(self, cluster: str, region: str, selector: str = "") -> list[dict[str, Any]]:
        return self._plane(region, cluster).client.items("nodes", selector=selector)

    def node_counts(self, cluster: str, region: str) -> dict[str, int]:
        """Nodes by owner: ``<nodegroup>``, ``nodepool/<pool>``, or ``-`` for a Node of neither."""
        counts: dict[str, int] = {}
        for node in self.nodes(cluster, region):
            labels = node["metadata"].get("labels", {})
            owner = (labels.get(objects.MANAGED_LABEL) or labels.get(objects.SELF_MANAGED_LABEL)
                     or ("nodepool/" + labels[objects.NODEPOOL_LABEL] if objects.NODEPOOL_LABEL in labels else "-"))
            counts[owner] = counts.get(owner, 0) + 1
        return dict(sorted(counts.items()))

    def add_node_pool(self, cluster: str, region: str, name: str, limits: dict[str, str], nodes: int = 0,
                      instance_type: str = "m5.large") -> list[str]:
        """A Karpenter NodePool with ``limits`` and ``nodes`` NodeClaims (and Nodes labelled ``karpenter.sh/nodepool``)."""
        return karpenter.add_node_pool(self.plane(cluster, region), name, limits, nodes, instance_type)

    def add_node_claims(self, cluster: str, region: str, pool: str, count: int, instance_type: str = "m5.large") -> list[str]:
        """``count`` more NodeClaims of an existing NodePool, launched by Karpenter; returns the pool's Nodes."""
        return karpenter.add_node_claims(self.plane(cluster, region), pool, count, instance_type)

    def add_cluster_autoscaler(self, cluster: str, region: str, replicas: int = 1) -> dict[str, Any]:
        return self.plane(cluster, region).client.create("deployments", objects.cluster_autoscaler(replicas))

    def add_loose_node(self, cluster: str, region: str, name: str, instance_type: str = "t3.large") -> dict[str, Any]:
        """A Node in no nodegroup and no NodePool (joined by hand, or left behind)."""
        return self.plane(cluster, region).client.create("nodes", objects.node(name, region, instance_type, "1.31.2", {}))

    def add_held_pod(self, cluster: str, region: str, nodegroup: str, name: str, namespace: str = "default",
                     min_available: int = 1) -> str:
        """A running Pod on the nodegroup's first Node and a PodDisruptionBudget that allows it no disruption;
        returns the Node's name."""
        return self._add_held_pod(self.plane(cluster, region), nodegroup, name, namespace, min_available)

    def _add_held_pod(self, plane: ControlPlane, nodegroup: str, name: str, namespace: str, min_available: int) -> str:
        spec = self.nodegroups[(plane.region, plane.cluster)][nodegroup]
        nodes = sorted(node["metadata"]["name"] for node in plane.client.items("nodes", selector=self._selector(nodegroup, spec)))
        if not nodes:
            raise LookupError("nodegroup %s of %s has no Node to hold" % (nodegroup, plane.cluster))
        plane.ensure_namespace(namespace)
        labels = {"app": name}
        plane.client.create("pods", objects.pod(name, namespace, nodes[0], labels))
        plane.client.wait("kwok to run Pod %s/%s" % (namespace, name), lambda: _running(plane, namespace, name))
        budget = plane.client.create("poddisruptionbudgets", objects.pod_disruption_budget(name, namespace, labels, min_available))
        matching = [item for item in plane.client.items("pods", namespace, ",".join("%s=%s" % kv for kv in labels.items()))
                    if item.get("status", {}).get("phase") == "Running"]
        plane.client.patch(path("poddisruptionbudgets", name, namespace, "status"),
                           objects.disruption_status(budget, len(matching), len(matching)))
        return nodes[0]

    def requests(self) -> list[tuple[str, int]]:
        """(``kube:<METHOD> <path>``, status) of every request a webhook-authenticated user (or a refused token)
        made since the last reset, from the API servers' audit logs."""
        seen = []
        for plane in self.planes.running():
            # One event per request: its last stage (ResponseComplete, or ResponseStarted for a refused token).
            last = {event["auditID"]: event for event in plane.audit()}
            for event in last.values():
                target = event.get("requestURI", "").split("?", 1)[0]
                seen.append(("kube:%s %s" % (METHODS.get(event.get("verb", ""), event.get("verb", "").upper()), target),
                             int(event.get("responseStatus", {}).get("code", 0))))
        return seen

    # -- inside

    def _plane(self, region: str, cluster: str) -> ControlPlane:
        """The cluster's control plane, started (and filled) if need be; filled again if it was emptied meanwhile."""
        if (region, cluster) not in self.worlds:
            raise LookupError("no emulated cluster %s in %s" % (cluster, region))
        plane = self.planes.ensure([(region, cluster)], on_start=self._fill)[0]
        with self._lock:
            if (region, cluster) not in self._filled:
                self._fill(plane)
        return plane

    @staticmethod
    def _selector(nodegroup: str, spec: dict[str, Any]) -> str:
        return "%s=%s" % (objects.MANAGED_LABEL if spec["managed"] else objects.SELF_MANAGED_LABEL, nodegroup)

    def _fingerprint(self, key: Key) -> str:
        nodegroups = {name: dict(spec, desired=self._desired(key[0], key[1], name))
                      for name, spec in self.nodegroups.get(key, {}).items()}
        return json.dumps([self.worlds.get(key), nodegroups, self.modes.get(key)], sort_keys=True)

    def _fill(self, plane: ControlPlane) -> None:
        """Fill a control plane from its cluster's description."""
        key = (plane.region, plane.cluster)
        self._filled[key] = ""  # filling: the nodegroups' Nodes follow their sizes from now on
        for nodegroup in list(self.nodegroups.get(key, {})):
            self._reconcile(plane, nodegroup)
        world = self.worlds.get(key) or {}
        for pool in world.get("node_pools", []):
            karpenter.add_node_pool(plane, pool["name"], pool["limits"], pool.get("nodes", 0), pool.get("instance_type", "m5.large"))
        if world.get("cluster_autoscaler"):
            plane.client.create("deployments", objects.cluster_autoscaler(world["cluster_autoscaler"]["replicas"]))
        for loose in world.get("loose_nodes", []):
            plane.client.create("nodes", objects.node(loose["name"], plane.region, loose.get("instance_type", "t3.large"),
                                                      loose.get("kubelet_version", "1.31.2"), {}))
        for held in world.get("held_pods", []):
            self._add_held_pod(plane, held["nodegroup"], held["name"], held.get("namespace", "default"), held.get("min_available", 1))
        self._filled[key] = self._fingerprint(key)
        self._used.discard(key)

    def _empty(self, plane: ControlPlane) -> None:
        """Remove every object the harness or a test made (finalizers first: no controller is left to honour them)."""
        karpenter.stop(plane)
        kinds = [kind for kind, crd in (("nodeclaims", "karpenter.sh_nodeclaims.yaml"), ("nodepools", "karpenter.sh_nodepools.yaml"),
                                        ("kwoknodeclasses", "karpenter.kwok.sh_kwoknodeclasses.yaml")) if crd in plane.crds]
        for kind in kinds + ["nodes"]:
            for item in plane.client.items(kind):
                if item["metadata"].get("finalizers"):
                    plane.client.call("PATCH", path(kind, item["metadata"]["name"]), {"metadata": {"finalizers": None}},
                                      content_type="application/merge-patch+json", accept=(404,))
            plane.client.call("DELETE", path(kind))
        for namespace in plane.client.items("namespaces"):
            for kind in NAMESPACED:
                plane.client.call("DELETE", path(kind, namespace=namespace["metadata"]["name"], gracePeriodSeconds=0))
        plane.client.call("DELETE", path("clusterrolebindings", labelSelector=objects.HARNESS_LABEL))
        self._filled.pop((plane.region, plane.cluster), None)

    def _protected_nodes(self, plane: ControlPlane) -> set[str]:
        """Nodes running a Pod that a PodDisruptionBudget allows no disruption (what a drain would stop at)."""
        protected = set()
        budgets = [budget for budget in plane.client.get("/apis/policy/v1/poddisruptionbudgets")["items"]
                   if budget.get("status", {}).get("disruptionsAllowed", 0) == 0]
        for budget in budgets:
            selector = ",".join("%s=%s" % kv for kv in budget["spec"].get("selector", {}).get("matchLabels", {}).items())
            for item in plane.client.items("pods", budget["metadata"]["namespace"], selector):
                if item["spec"].get("nodeName"):
                    protected.add(item["spec"]["nodeName"])
        return protected

    def _drain(self, plane: ControlPlane, node: str) -> bool:
        """Evict every Pod of the Node through the Eviction API; False when one is refused (a PodDisruptionBudget)."""
        for item in plane.client.get("/api/v1/pods?fieldSelector=spec.nodeName%3D" + node)["items"]:
            meta = item["metadata"]
            eviction = {"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": meta["name"], "namespace": meta["namespace"]},
                        "deleteOptions": {"gracePeriodSeconds": 0}}
            status, _document = plane.client.request("POST", path("pods", meta["name"], meta["namespace"], "eviction"), eviction)
            if status == 429:
                return False
            if status >= 400 and status != 404:
                raise KubeError("POST", "eviction of %s/%s" % (meta["namespace"], meta["name"]), status, _document)
        return True

    @staticmethod
    def _delete_node(plane: ControlPlane, node: dict[str, Any]) -> None:
        name = node["metadata"]["name"]
        for item in plane.client.get("/api/v1/pods?fieldSelector=spec.nodeName%3D" + name)["items"]:
            plane.client.delete(path("pods", item["metadata"]["name"], item["metadata"]["namespace"]))
        plane.client.delete(path("nodes", name))


def _negated(name: str) -> list[int]:
    """A sort key ordering names from last to first."""
    return [-ord(char) for char in name]


def _running(plane: ControlPlane, namespace: str, name: str) -> bool:
    status = plane.client.get(path("pods", name, namespace)).get("status", {})
    return status.get("phase") == "Running" and any(
        condition["type"] == "Ready" and condition["status"] == "True" for condition in status.get("conditions", []))
