# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The records the state is made of (clusters and their nodegroups), and the seed both test worlds start from.

The end-to-end tier's emulated AWS (tests/e2e/aws_emulator.py) is seeded from ``seed_state()`` too, so the
simulator and the real eksctl read the same account.

A cluster's ``kubernetes`` record describes what its Kubernetes API holds beyond one Node per desired instance
of each nodegroup (``kubernetes_objects()``): Karpenter NodePools with their ``limits`` and NodeClaims (each with
a Node labelled ``karpenter.sh/nodepool``), a ``cluster-autoscaler`` Deployment in kube-system, Nodes in no
nodegroup and no NodePool, and Pods held by a PodDisruptionBudget that allows them no disruption. The clusters
where that matters are ``kubernetes_worlds()``, in a region of their own (ap-southeast-2) so that the seed's other
regions, and everything that lists them, stay as they are; ``seed_state(with_kubernetes_worlds=True)`` includes them.
The emulated AWS builds these objects in each cluster's real API server (tests/e2e/kube_world.py).
"""

from __future__ import annotations

from .aws import ACCOUNT


def _nodegroup(cluster: str, name: str, kind: str, status: str, sizes: tuple[int, int, int], created: str,
               instance_type: str = "t3.medium", eksctl_stack: bool = True) -> dict:
    desired, minimum, maximum = sizes
    managed = kind == "managed"
    return {
        "name": name,
        "type": kind,
        "status": status,
        "desired": desired,
        "min": minimum,
        "max": maximum,
        "instance_type": instance_type,
        "image_id": "AL2023_x86_64_STANDARD" if managed else "ami-0123456789abcdef0",
        "created": created,
        "stack_name": "eksctl-%s-nodegroup-%s" % (cluster, name) if eksctl_stack else "",
        "role_arn": "arn:aws:iam::%s:role/eksctl-%s-nodegroup-%s-NodeInstanceRole-ABC" % (ACCOUNT, cluster, name),
        "asg": ("eks-%s-4ac6f1d2-0000-1111-2222-333344445555" % name) if managed else "eksctl-%s-nodegroup-%s-NodeGroup-XYZ" % (cluster, name),
        "version": "1.31",
        "kubelet_version": "1.31.2",
        "pending_reads": 0,
    }


def new_cluster(name: str, region: str, nodegroups: list | None = None, owned: str = "True",
                status: str = "ACTIVE", version: str = "1.31", created: str = "2026-05-01T10:20:30.123Z",
                connector: bool = False, kubernetes_api: str = "ok", support_type: str = "STANDARD",
                auto_mode_pools: list | None = None, fargate_profiles: list | None = None,
                kubernetes: dict | None = None) -> dict:
    """A cluster record. ``connector`` makes it an EKS-Connector registration; ``kubernetes_api`` is how its
    Kubernetes API answers eksctl's node list: ``ok``, ``forbidden`` (no RBAC) or ``unreachable`` (private endpoint).
    ``support_type`` is its upgrade policy (``STANDARD`` or ``EXTENDED``); ``auto_mode_pools`` turns EKS Auto Mode on
    with those node pools; ``fargate_profiles`` are ``fargate_profile()`` records; ``kubernetes`` is a
    ``kubernetes_objects()`` record (default: only the nodegroups' Nodes)."""
    return {
        "connector": connector,
        "kubernetes_api": kubernetes_api,
        "name": name,
        "region": region,
        "owned": owned,
        "status": status,
        "version": version,
        "created": created,
        "tags": {"alpha.eksctl.io/cluster-name": name} if owned == "True" else {"team": "platform"},
        "support_type": support_type,
        "auto_mode": {"node_pools": list(auto_mode_pools),
                      "node_role_arn": "arn:aws:iam::%s:role/%s-AutoModeNodeRole" % (ACCOUNT, name)} if auto_mode_pools else None,
        "fargate_profiles": fargate_profiles or [],
        "kubernetes": kubernetes or kubernetes_objects(),
        "nodegroups": nodegroups or [],
    }


def fargate_profile(cluster: str, name: str, selectors: list, tags: dict | None = None, subnets: list | None = None,
                    status: str = "ACTIVE") -> dict:
    """A Fargate profile record; ``selectors`` are ``{"namespace": N}`` with optional ``"labels"``."""
    return {
        "name": name,
        "selectors": selectors,
        "pod_execution_role_arn": "arn:aws:iam::%s:role/eksctl-%s-cluster-FargatePodExecutionRole-ABC" % (ACCOUNT, cluster),
        "subnets": list(subnets) if subnets is not None else ["subnet-a", "subnet-b"],
        "tags": dict(tags or {}),
        "status": status,
    }


def kubernetes_objects(node_pools: list | None = None, cluster_autoscaler: int | None = None, loose_nodes: list | None = None,
                       held_pods: list | None = None) -> dict:
    """What a cluster's Kubernetes API holds besides its nodegroups' Nodes. ``node_pools`` are ``node_pool()``
    records; ``cluster_autoscaler`` is the replica count of a ``cluster-autoscaler`` Deployment in kube-system (None:
    no Deployment); ``loose_nodes`` are ``{"name", "instance_type"}`` Nodes of no nodegroup and no NodePool;
    ``held_pods`` are ``held_pod()`` records."""
    return {
        "node_pools": list(node_pools or []),
        "cluster_autoscaler": {"replicas": cluster_autoscaler} if cluster_autoscaler is not None else None,
        "loose_nodes": list(loose_nodes or []),
        "held_pods": list(held_pods or []),
    }


def node_pool(name: str, cpu_limit: str, nodes: int = 0, instance_type: str = "m5.large") -> dict:
    """A Karpenter NodePool limited to ``cpu_limit`` vCPUs (``"0"``: it may launch nothing), with ``nodes``
    NodeClaims, each with its Node, of ``instance_type``."""
    return {"name": name, "limits": {"cpu": cpu_limit}, "nodes": nodes, "instance_type": instance_type}


def held_pod(nodegroup: str, name: str, namespace: str = "default", min_available: int = 1) -> dict:
    """A running Pod on the first Node of ``nodegroup`` and a PodDisruptionBudget (``minAvailable``) over it that
    allows no disruption: a drain stops at that Node."""
    return {"nodegroup": nodegroup, "name": name, "namespace": namespace, "min_available": min_available}


def new_nodegroup(cluster: str, name: str, kind: str = "managed", sizes: tuple[int, int, int] = (2, 1, 3),
                  status: str | None = None) -> dict:
    """A nodegroup record; sizes are (desired, min, max)."""
    default_status = "ACTIVE" if kind == "managed" else "CREATE_COMPLETE"
    return _nodegroup(cluster, name, kind, status or default_status, sizes, "2026-05-02T08:00:00.5Z")


KUBERNETES_REGION = "ap-southeast-2"


def kubernetes_worlds() -> list:
    """The clusters whose Kubernetes side the tests look at, in ``KUBERNETES_REGION``."""
    region = KUBERNETES_REGION
    return [
        # Karpenter beside a small managed nodegroup: a pool with room for more, and one whose limits allow nothing.
        new_cluster("karpenter-demo", region, [
            _nodegroup("karpenter-demo", "ng-system", "managed", "ACTIVE", (2, 1, 3), "2026-08-03T09:10:00Z"),
        ], created="2026-08-03T09:00:00Z", kubernetes=kubernetes_objects(node_pools=[
            node_pool("general", "32", nodes=2), node_pool("frozen", "0"),
        ])),
        # cluster-autoscaler scaling a managed nodegroup (it would scale it back up after a stop).
        new_cluster("autoscaler-demo", region, [
            _nodegroup("autoscaler-demo", "ng-app", "managed", "ACTIVE", (3, 1, 6), "2026-08-04T09:10:00Z"),
        ], created="2026-08-04T09:00:00Z", kubernetes=kubernetes_objects(cluster_autoscaler=1)),
        # Both, plus a self-managed nodegroup and a Node that belongs to nothing eksctl or Karpenter knows.
        new_cluster("hybrid-demo", region, [
            _nodegroup("hybrid-demo", "ng-base", "managed", "ACTIVE", (1, 1, 3), "2026-08-05T09:10:00Z"),
            _nodegroup("hybrid-demo", "ng-legacy", "unmanaged", "CREATE_COMPLETE", (1, 0, 2), "2026-08-05T09:20:00Z", "m5.large"),
        ], created="2026-08-05T09:00:00Z", kubernetes=kubernetes_objects(
            node_pools=[node_pool("burst", "16", nodes=1)], cluster_autoscaler=2,
            loose_nodes=[{"name": "ip-10-0-99-7.%s.compute.internal" % region, "instance_type": "t3.large"}])),
        # An API that maps the tests' identity to a user without RBAC: every node read is a real 403.
        new_cluster("locked-demo", region, [
            _nodegroup("locked-demo", "ng-self", "unmanaged", "CREATE_COMPLETE", (2, 1, 3), "2026-08-06T09:10:00Z", "m5.large"),
            _nodegroup("locked-demo", "ng-1", "managed", "ACTIVE", (1, 1, 2), "2026-08-06T09:20:00Z"),
        ], created="2026-08-06T09:00:00Z", kubernetes_api="forbidden"),
        # A private endpoint: nothing answers from where the tests run.
        new_cluster("private-demo", region, [
            _nodegroup("private-demo", "ng-self", "unmanaged", "CREATE_COMPLETE", (1, 1, 2), "2026-08-07T09:10:00Z", "m5.large"),
            _nodegroup("private-demo", "ng-1", "managed", "ACTIVE", (2, 1, 3), "2026-08-07T09:20:00Z"),
        ], created="2026-08-07T09:00:00Z", kubernetes_api="unreachable"),
        # A Pod that a PodDisruptionBudget protects: a drain (a scale to zero) leaves its Node running.
        new_cluster("pdb-demo", region, [
            _nodegroup("pdb-demo", "ng-app", "managed", "ACTIVE", (2, 0, 3), "2026-08-08T09:10:00Z"),
        ], created="2026-08-08T09:00:00Z", kubernetes=kubernetes_objects(held_pods=[held_pod("ng-app", "ledger-0", "payments")])),
    ]


def seed_state(with_kubernetes_worlds: bool = False) -> dict:
    """The seed; ``with_kubernetes_worlds`` adds the clusters of ``kubernetes_worlds()``."""
    clusters = [
        new_cluster("demo", "eu-north-1", [
            _nodegroup("demo", "ng-self", "unmanaged", "CREATE_COMPLETE", (2, 1, 4), "2026-05-01T10:30:00.123Z", "m5.large"),
            _nodegroup("demo", "ng-1", "managed", "ACTIVE", (3, 2, 5), "2026-05-01T10:40:00.456Z"),
            _nodegroup("demo", "ng-2", "managed", "ACTIVE", (1, 1, 3), "2026-05-01T10:41:00.789Z", "t3.large"),
        ]),
        new_cluster("legacy-tf", "eu-north-1", [
            # Made outside eksctl (no stack), with a name eksctl can read but not scale.
            _nodegroup("legacy-tf", "tf_workers", "managed", "ACTIVE", (2, 2, 6), "2025-11-03T09:00:00Z", "m6i.xlarge", eksctl_stack=False),
        ], owned="False", version="1.30", created="2025-11-03T08:12:44.5Z"),
        new_cluster("staging", "us-east-1", [
            _nodegroup("staging", "ng-a", "managed", "ACTIVE", (0, 0, 3), "2026-04-11T12:00:00Z"),
            _nodegroup("staging", "ng-b", "unmanaged", "UPDATE_COMPLETE", (0, 0, 2), "2026-04-11T12:05:00Z", "c5.large"),
        ], created="2026-04-11T11:48:10Z"),
        new_cluster("sandbox", "us-east-1", [], created="2026-06-20T15:00:00Z"),
        # What a nodegroup stop leaves running, in a third region so the two regions above stay as they were: pods on
        # Fargate, EKS Auto Mode's node pools, and a control plane billed at the extended support rate.
        new_cluster("fargate-demo", "eu-west-1", [
            _nodegroup("fargate-demo", "ng-core", "managed", "ACTIVE", (2, 1, 3), "2026-03-02T09:20:00Z"),
        ], created="2026-03-02T09:00:00Z", fargate_profiles=[
            fargate_profile("fargate-demo", "fp-default", [{"namespace": "default"}]),
            fargate_profile("fargate-demo", "fp-batch", [{"namespace": "batch", "labels": {"tier": "night", "app": "etl"}},
                                                         {"namespace": "reports"}], tags={"team": "data"}),
        ]),
        new_cluster("auto-demo", "eu-west-1", [], version="1.33", created="2026-07-14T08:30:00Z",
                    auto_mode_pools=["general-purpose", "system"]),
        new_cluster("extended-demo", "eu-west-1", [
            dict(_nodegroup("extended-demo", "ng-old", "managed", "ACTIVE", (1, 1, 2), "2024-02-20T10:10:00Z"),
                 version="1.29", kubelet_version="1.29.15"),
        ], version="1.29", support_type="EXTENDED", created="2024-02-20T10:00:00Z"),
    ]
    if with_kubernetes_worlds:
        clusters += kubernetes_worlds()
    return {
        "settings": {"latency": 0.0, "updating_reads": 1, "require_credentials": False, "hang_seconds": 3600},
        "faults": [],
        "clusters": clusters,
    }
