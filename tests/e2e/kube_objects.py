# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Kubernetes objects the emulated clusters hold, as plain documents (pure functions, no I/O).

Nodes look like the ones EKS nodes register: managed nodegroups' nodes carry ``eks.amazonaws.com/nodegroup``,
self-managed ones eksctl's ``alpha.eksctl.io/nodegroup-name`` (what ``eksctl get nodegroup`` selects on to read
a kubelet version), Karpenter's ``karpenter.sh/nodepool``. Every Node carries kwok's annotation, so kwok makes
it Ready and runs the Pods bound to it.
"""

from __future__ import annotations

import hashlib
import zlib
from typing import Any

KWOK_ANNOTATION = "kwok.x-k8s.io/node"
MANAGED_LABEL = "eks.amazonaws.com/nodegroup"
SELF_MANAGED_LABEL = "alpha.eksctl.io/nodegroup-name"
NODEPOOL_LABEL = "karpenter.sh/nodepool"
HARNESS_LABEL = "e2e.eks-tools/seeded"  # what the harness made (and removes on reset)
KWOK_NODECLASS = {"group": "karpenter.kwok.sh", "kind": "KWOKNodeClass", "name": "default"}

# Capacity of the instance types the seed uses: (vCPU, memory, pods), as EKS nodes report them.
INSTANCE_TYPES = {
    "t3.medium": ("2", "4Gi", "17"), "t3.large": ("2", "8Gi", "35"), "m5.large": ("2", "8Gi", "29"),
    "m5.xlarge": ("4", "16Gi", "58"), "m6i.xlarge": ("4", "16Gi", "58"), "c5.large": ("2", "4Gi", "29"),
}
PRICES = {"t3.medium": 0.0416, "t3.large": 0.0832, "m5.large": 0.096, "m5.xlarge": 0.192, "m6i.xlarge": 0.192, "c5.large": 0.085}


def capacity(instance_type: str) -> dict[str, str]:
    cpu, memory, pods = INSTANCE_TYPES.get(instance_type, ("2", "8Gi", "29"))
    return {"cpu": cpu, "memory": memory, "pods": pods, "ephemeral-storage": "20Gi"}


def nodegroup_node_name(region: str, nodegroup: str, index: int) -> str:
    return "ip-192-168-%d-%d.%s.compute.internal" % (zlib.crc32(nodegroup.encode("utf-8")) % 200, index + 10, region)


def node(name: str, region: str, instance_type: str, kubelet: str, labels: dict[str, str],
         provider_id: str | None = None) -> dict[str, Any]:
    """A Node as an EKS node registers it (status included: the API server keeps a created Node's status)."""
    instance = "i-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:17]
    return {
        "apiVersion": "v1", "kind": "Node",
        "metadata": {
            "name": name,
            "labels": dict({"kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
                            "node.kubernetes.io/instance-type": instance_type, "topology.kubernetes.io/region": region,
                            "topology.kubernetes.io/zone": region + "a", HARNESS_LABEL: "true"}, **labels),
            "annotations": {KWOK_ANNOTATION: "fake"},
        },
        "spec": {"providerID": provider_id or "aws:///%sa/%s" % (region, instance)},
        "status": {"capacity": capacity(instance_type), "allocatable": capacity(instance_type),
                   "nodeInfo": {"kubeletVersion": "v%s-eks-1a2b3c4" % kubelet, "architecture": "amd64",
                                "operatingSystem": "linux", "osImage": "Amazon Linux 2023",
                                "containerRuntimeVersion": "containerd://1.7.27", "kernelVersion": "6.1.0",
                                "kubeProxyVersion": "", "machineID": "", "systemUUID": "", "bootID": ""}},
    }


def nodegroup_labels(cluster: str, nodegroup: str, managed: bool) -> dict[str, str]:
    if managed:
        return {MANAGED_LABEL: nodegroup, "eks.amazonaws.com/capacityType": "ON_DEMAND"}
    return {SELF_MANAGED_LABEL: nodegroup, "alpha.eksctl.io/cluster-name": cluster}


def pod(name: str, namespace: str, node_name: str | None, labels: dict[str, str], cpu: str = "100m") -> dict[str, Any]:
    """A Pod; bound to ``node_name`` (no scheduler runs), or pending when None."""
    spec: dict[str, Any] = {"containers": [{"name": "main", "image": "public.ecr.aws/eks-distro/kubernetes/pause:3.10",
                                            "resources": {"requests": {"cpu": cpu, "memory": "64Mi"}}}],
                            "terminationGracePeriodSeconds": 0}
    if node_name:
        spec["nodeName"] = node_name
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": namespace, "labels": dict(labels, **{HARNESS_LABEL: "true"})}, "spec": spec}


def pod_disruption_budget(name: str, namespace: str, selector: dict[str, str], min_available: int) -> dict[str, Any]:
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
            "metadata": {"name": name, "namespace": namespace, "labels": {HARNESS_LABEL: "true"}},
            "spec": {"minAvailable": min_available, "selector": {"matchLabels": dict(selector)}}}


def disruption_status(budget: dict[str, Any], matching_pods: int, healthy_pods: int) -> dict[str, Any]:
    """What the disruption controller (kube-controller-manager, absent here) would write into a PDB's status."""
    desired = int(budget["spec"]["minAvailable"])
    return {"status": {"observedGeneration": budget["metadata"].get("generation", 1), "expectedPods": matching_pods,
                       "currentHealthy": healthy_pods, "desiredHealthy": desired,
                       "disruptionsAllowed": max(0, healthy_pods - desired),
                       "conditions": [{"type": "DisruptionAllowed", "status": "True" if healthy_pods > desired else "False",
                                       "reason": "SufficientPods" if healthy_pods > desired else "InsufficientPods",
                                       "message": "", "lastTransitionTime": "2026-01-01T00:00:00Z",
                                       "observedGeneration": budget["metadata"].get("generation", 1)}]}}


def deployment(name: str, namespace: str, replicas: int, image: str, labels: dict[str, str]) -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": namespace, "labels": dict(labels, **{HARNESS_LABEL: "true"})},
            "spec": {"replicas": replicas, "selector": {"matchLabels": dict(labels)},
                     "template": {"metadata": {"labels": dict(labels)},
                                  "spec": {"containers": [{"name": name, "image": image}]}}}}


def cluster_autoscaler(replicas: int) -> dict[str, Any]:
    return deployment("cluster-autoscaler", "kube-system", replicas, "registry.k8s.io/autoscaling/cluster-autoscaler:v1.35.0",
                      {"app": "cluster-autoscaler", "app.kubernetes.io/name": "cluster-autoscaler"})


def kwok_node_class() -> dict[str, Any]:
    return {"apiVersion": "karpenter.kwok.sh/v1alpha1", "kind": "KWOKNodeClass",
            "metadata": {"name": KWOK_NODECLASS["name"], "labels": {HARNESS_LABEL: "true"}}, "spec": {}}


def node_pool(name: str, limits: dict[str, str], instance_types: list[str]) -> dict[str, Any]:
    """A NodePool that never disrupts on its own (tests count its nodes) and launches only these instance types."""
    return {"apiVersion": "karpenter.sh/v1", "kind": "NodePool",
            "metadata": {"name": name, "labels": {HARNESS_LABEL: "true"}},
            "spec": {"limits": dict(limits),
                     "disruption": {"consolidationPolicy": "WhenEmptyOrUnderutilized", "consolidateAfter": "Never"},
                     "template": {"metadata": {"labels": {"e2e.eks-tools/pool": name}},
                                  "spec": {"nodeClassRef": dict(KWOK_NODECLASS), "expireAfter": "Never",
                                           "requirements": [
                                               {"key": "node.kubernetes.io/instance-type", "operator": "In",
                                                "values": list(instance_types)},
                                               {"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["on-demand"]},
                                               {"key": "kubernetes.io/os", "operator": "In", "values": ["linux"]}]}}}}


def node_claim(name: str, pool: str, instance_type: str) -> dict[str, Any]:
    """A NodeClaim of ``pool`` for one instance type, as Karpenter's provisioner would make it."""
    return {"apiVersion": "karpenter.sh/v1", "kind": "NodeClaim",
            "metadata": {"name": name, "labels": {NODEPOOL_LABEL: pool, "e2e.eks-tools/pool": pool, HARNESS_LABEL: "true"},
                         "annotations": {"karpenter.sh/nodepool-hash-version": "v3"}},
            "spec": {"nodeClassRef": dict(KWOK_NODECLASS), "expireAfter": "Never",
                     "requirements": [
                         {"key": "node.kubernetes.io/instance-type", "operator": "In", "values": [instance_type]},
                         {"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["on-demand"]},
                         {"key": NODEPOOL_LABEL, "operator": "In", "values": [pool]},
                         {"key": "kubernetes.io/os", "operator": "In", "values": ["linux"]}],
                     "resources": {"requests": {"cpu": "100m"}}}}


def karpenter_instance_types(region: str) -> list[dict[str, Any]]:
    """The instance types Karpenter's kwok provider may launch (its INSTANCE_TYPES_FILE_PATH format)."""
    return [{"name": name, "architecture": "amd64", "operatingSystems": ["linux"], "resources": capacity(name),
             "offerings": [{"Price": PRICES[name], "Available": True,
                            "Requirements": [{"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["on-demand"]},
                                             {"key": "topology.kubernetes.io/zone", "operator": "In", "values": [region + zone]}]}
                           for zone in ("a", "b")]}
            for name in sorted(INSTANCE_TYPES)]
