#!/usr/bin/python
# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: eks_cluster_info
short_description: List Amazon EKS clusters and report their nodegroups with eksctl
version_added: 1.0.0
description:
  - Lists the EKS clusters of a region (or of every region) with C(eksctl get cluster).
  - For one named cluster, or for every listed cluster with O(details=true), also reports its description,
    its nodegroups with their sizes, and an aggregated status.
  - A named cluster that does not exist is not an error; RV(clusters) is then empty.
  - Listing the clusters of a region takes one eksctl call; one named cluster takes three (C(get cluster), C(get nodegroup)
    and C(get fargateprofile)), run side by side.
  - RV(clusters[].status_summary.still_running) lists what a stop of every nodegroup would leave running (Fargate
    profiles, EKS Auto Mode node pools, nodegroups eksctl cannot scale, clusters registered through EKS Connector). A stop
    never stops the control plane, which EKS bills per hour (more on extended support, see RV(clusters[].support_type)),
    nor load balancers, nor instances launched outside nodegroups by Karpenter, which eksctl cannot see.
extends_documentation_fragment:
  - eks_tools.eksctl._eksctl
attributes:
  check_mode:
    support: full
    description: The module only reads, so it behaves the same in check mode.
  diff_mode:
    support: none
    description: The module changes nothing, so there is nothing to diff.
options:
  name:
    description:
      - Name of one cluster to report on. Without it, every cluster of the region is listed.
    type: str
    aliases: [cluster]
  details:
    description:
      - With no O(name), also describe every listed cluster and read its nodegroups and Fargate profiles (three eksctl
        calls per cluster).
      - A named cluster is always reported in detail.
    type: bool
    default: false
  all_regions:
    description:
      - List the clusters of every region eksctl supports (C(eksctl get cluster --all-regions)) instead of one region.
      - eksctl needs a region to start from even then (it asks that region which regions the account has enabled). When none is
        known (no O(region), no E(AWS_REGION), no profile region), the module starts from C(us-east-1), which serves the
        commercial partition; for another partition give O(region).
      - eksctl skips a region it cannot read (it logs the region and carries on); the module retries a region skipped for a
        transient reason (throttling, a broken connection) and warns about every region still missing from the list.
      - Cannot be combined with O(name).
    type: bool
    default: false
  kubernetes:
    description:
      - Also read each described cluster's own Kubernetes API (one round of four reads side by side, after the eksctl reads) and
        report RV(clusters[].kubernetes), with its Nodes by nodegroup and Karpenter NodePool, cluster-autoscaler, and Karpenter's NodePools.
      - Authenticates as C(aws eks get-token) does, with the credentials eksctl gets; the identity needs an access entry (or
        C(aws-auth)) with get/list on nodes and deployments, and on Karpenter's C(nodepools) and C(nodeclaims) where installed.
      - A cluster whose API cannot be read is reported with C(reachable=false) and a one-line C(error) saying what to fix; the
        report never fails for it.
      - Needs O(name) or O(details=true), and the kubernetes and botocore Python libraries where the module runs.
    type: bool
    default: false
seealso:
  - module: eks_tools.eksctl.eks_nodegroup_scale
  - name: eksctl get cluster
    description: The eksctl command this module runs.
    link: https://eksctl.io/usage/creating-and-managing-clusters/
author:
  - eks_tools.eksctl contributors (@eks-tools)
"""

EXAMPLES = r"""
- name: List the clusters of a region
  eks_tools.eksctl.eks_cluster_info:
    region: eu-north-1
  register: listing

- name: Report one cluster with its nodegroups and status
  eks_tools.eksctl.eks_cluster_info:
    name: demo
    region: eu-north-1
  register: demo

- name: Report what the cluster really runs, from its own Kubernetes API (Karpenter, cluster-autoscaler, Nodes)
  eks_tools.eksctl.eks_cluster_info:
    name: demo
    region: eu-north-1
    kubernetes: true
  register: demo_nodes

- name: Show the phase of the cluster
  ansible.builtin.debug:
    msg: "{{ demo.clusters[0].status_summary.phase if demo.clusters else 'cluster not found' }}"

- name: Report every cluster of every region in detail
  eks_tools.eksctl.eks_cluster_info:
    all_regions: true
    details: true
  register: fleet

- name: Set the region once for every module of the collection
  module_defaults:
    group/eks_tools.eksctl.eks:
      region: us-east-1
  block:
    - name: List clusters with the group default region
      eks_tools.eksctl.eks_cluster_info:
"""

RETURN = r"""
clusters:
  description:
    - The clusters found, in eksctl's order. Always a list; empty when a named cluster does not exist.
    - Without O(name) and O(details), each entry has only RV(clusters[].name), RV(clusters[].region) and RV(clusters[].owned).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Cluster name.
      type: str
      returned: always
      sample: demo
    region:
      description: AWS region of the cluster. For a described cluster it is read from its ARN.
      type: str
      returned: always
      sample: eu-north-1
    owned:
      description:
        - Whether eksctl created the cluster (C(Owned) of C(eksctl get cluster)); V(null) when eksctl could not tell.
        - For a described cluster that was not listed, V(true) when the cluster carries eksctl's tags, otherwise V(null).
      type: bool
      returned: always
      sample: true
    arn:
      description: Cluster ARN.
      type: str
      returned: when described
      sample: arn:aws:eks:eu-north-1:111122223333:cluster/demo
    status:
      description: EKS cluster status, one of C(CREATING), C(ACTIVE), C(DELETING), C(FAILED), C(UPDATING), C(PENDING).
      type: str
      returned: when described
      sample: ACTIVE
    version:
      description: Kubernetes version of the control plane.
      type: str
      returned: when described
      sample: "1.31"
    endpoint:
      description: API server endpoint.
      type: str
      returned: when described
      sample: https://ABCDEF.gr7.eu-north-1.eks.amazonaws.com
    created_at:
      description: Creation time (RFC 3339).
      type: str
      returned: when described
      sample: "2026-05-01T10:20:30.123Z"
    tags:
      description: Cluster tags.
      type: dict
      returned: when described
      sample: {"alpha.eksctl.io/cluster-name": "demo"}
    connector:
      description:
        - Whether the cluster is registered through EKS Connector (it has a C(ConnectorConfig)) rather than run by EKS.
        - eksctl lists such clusters but cannot read or scale their nodes; their RV(clusters[].status_summary.phase) is V(unsupported).
      type: bool
      returned: when described
      sample: false
    support_type:
      description:
        - The cluster's upgrade policy, C(STANDARD) or C(EXTENDED) (C(UpgradePolicy.SupportType) of its description).
        - A cluster on extended support is billed a higher hourly rate for its control plane, stopped nodegroups or not.
        - V(null) when eksctl's description has no upgrade policy.
      type: str
      returned: when described
      sample: STANDARD
    auto_mode:
      description: EKS Auto Mode, from the C(ComputeConfig) of the description.
      type: dict
      returned: when described
      contains:
        enabled:
          description: Whether Auto Mode runs compute for the cluster.
          type: bool
          returned: always
          sample: true
        node_pools:
          description: The built-in node pools Auto Mode runs; a nodegroup stop does not reach their instances.
          type: list
          elements: str
          returned: always
          sample: [general-purpose, system]
        node_role_arn:
          description: The IAM role of Auto Mode's nodes.
          type: str
          returned: always
          sample: arn:aws:iam::111122223333:role/AmazonEKSAutoNodeRole
    fargate_profiles:
      description:
        - The cluster's Fargate profiles (C(eksctl get fargateprofile)); pods they select run on Fargate whatever the nodegroups.
        - V(null) when they could not be read (a cluster that is not ACTIVE or not an EKS cluster, or an identity without
          C(eks:ListFargateProfiles), which also gives a warning).
      type: list
      elements: dict
      returned: when described
      contains:
        name:
          description: Profile name.
          type: str
          returned: always
          sample: fp-default
        status:
          description: Profile status, for example C(ACTIVE) or C(CREATING).
          type: str
          returned: always
          sample: ACTIVE
        selectors:
          description: The pods the profile runs on Fargate, as a namespace and optional labels each.
          type: list
          elements: dict
          returned: always
          sample: [{"namespace": "default", "labels": {}}, {"namespace": "batch", "labels": {"tier": "jobs"}}]
        pod_execution_role_arn:
          description: The IAM role of the profile's pods.
          type: str
          returned: always
          sample: arn:aws:iam::111122223333:role/eksctl-demo-cluster-FargatePodExecutionRole-ABC
        subnets:
          description: The subnets of the profile's pods.
          type: list
          elements: str
          returned: always
          sample: [subnet-a, subnet-b]
    nodegroups:
      description: The cluster's nodegroups, self-managed first, then managed (eksctl's order).
      type: list
      elements: dict
      returned: when described
      contains:
        name:
          description: Nodegroup name.
          type: str
          returned: always
          sample: ng-1
        type:
          description: V(managed) for EKS managed nodegroups, V(unmanaged) for self-managed ones.
          type: str
          returned: always
          sample: managed
        status:
          description:
            - For managed nodegroups the EKS status (C(ACTIVE), C(UPDATING), C(DEGRADED), ...).
            - For self-managed nodegroups the CloudFormation stack status (C(CREATE_COMPLETE), C(UPDATE_COMPLETE), ...).
          type: str
          returned: always
          sample: ACTIVE
        desired_size:
          description: Desired number of nodes.
          type: int
          returned: always
          sample: 3
        min_size:
          description: Minimum number of nodes.
          type: int
          returned: always
          sample: 2
        max_size:
          description: Maximum number of nodes.
          type: int
          returned: always
          sample: 5
        instance_type:
          description: Instance type(s); C(-) when eksctl could not tell.
          type: str
          returned: always
          sample: t3.medium
        image_id:
          description: AMI type for managed nodegroups (the AMI ID for custom AMIs), AMI ID for self-managed ones.
          type: str
          returned: always
          sample: AL2023_x86_64_STANDARD
        version:
          description: Kubernetes version of the nodegroup; empty for a self-managed nodegroup at desired 0.
          type: str
          returned: always
          sample: "1.31"
        stack_name:
          description: CloudFormation stack of the nodegroup; empty for nodegroups not created by eksctl.
          type: str
          returned: always
          sample: eksctl-demo-nodegroup-ng-1
        autoscaling_group_name:
          description: Name(s) of the Auto Scaling group(s).
          type: str
          returned: always
          sample: eks-ng-1-4ac6f1d2-0000-1111-2222-333344445555
        created_at:
          description: Creation time (RFC 3339).
          type: str
          returned: always
          sample: "2026-05-01T10:40:00.456Z"
    nodes_exist:
      description: Whether at least one nodegroup has a desired size above zero.
      type: bool
      returned: when described
      sample: true
    kubernetes:
      description:
        - With O(kubernetes=true), what the cluster's own Kubernetes API shows.
        - C(reachable), and when it is V(false) a one-line C(error) saying what to fix (endpoint access, the identity's access
          entry, RBAC).
        - C(nodes), with C(total), C(ready), C(by_nodegroup) (from C(eks.amazonaws.com/nodegroup) or eksctl's
          C(alpha.eksctl.io/nodegroup-name)), C(karpenter) (per C(karpenter.sh/nodepool)) and C(other) (in neither).
        - C(cluster_autoscaler), the Deployment found (C(namespace), C(name), C(replicas)), or null.
        - C(karpenter), its C(nodepools) (C(name), C(limits)) and the count of C(nodeclaims), or null without Karpenter's CRDs.
      type: dict
      returned: with O(kubernetes=true), for described clusters
      sample: {"reachable": true, "nodes": {"total": 8, "ready": 8, "by_nodegroup": {"ng-1": 3}, "karpenter": {"default": 4}, "other": 1},
               "cluster_autoscaler": {"namespace": "kube-system", "name": "cluster-autoscaler", "replicas": 1},
               "karpenter": {"nodepools": [{"name": "default", "limits": {"cpu": "100"}}], "nodeclaims": 4}}
    status_summary:
      description: The cluster's nodegroups, aggregated.
      type: dict
      returned: when described
      contains:
        phase:
          description:
            - V(running) when every nodegroup is ready with nodes; V(stopped) when every nodegroup is at desired 0;
              V(partial) for a mix of the two; V(updating) while a nodegroup (or the cluster) is changing;
              V(degraded) when a nodegroup is C(DEGRADED) or failed, or the cluster C(FAILED); V(empty) with no nodegroups;
              V(unsupported) for a cluster registered through EKS Connector, whose nodes eksctl cannot read or scale.
            - A self-managed nodegroup counts as ready in the stack statuses eksctl counts as settled, C(CREATE_COMPLETE),
              C(UPDATE_COMPLETE), C(UPDATE_ROLLBACK_COMPLETE) and C(ROLLBACK_COMPLETE).
          type: str
          returned: always
          sample: running
        reason:
          description: Why the phase is V(unsupported).
          type: str
          returned: when RV(clusters[].status_summary.phase) is V(unsupported)
          sample: cluster 'edge' is registered through EKS Connector; eksctl cannot read or scale its nodes, which its own Kubernetes provider manages
        ready:
          description: Whether every nodegroup is ready and running (false for stopped and empty clusters).
          type: bool
          returned: always
          sample: true
        nodegroups_total:
          description: Number of nodegroups.
          type: int
          returned: always
          sample: 3
        nodegroups_ready:
          description: Nodegroups that are ready with a desired size above zero.
          type: int
          returned: always
          sample: 3
        nodegroups_stopped:
          description: Nodegroups that are ready at desired size zero.
          type: int
          returned: always
          sample: 0
        desired_nodes:
          description: Sum of the desired sizes of all nodegroups.
          type: int
          returned: always
          sample: 6
        still_running:
          description:
            - What a stop of every nodegroup would leave running; empty when such a stop stops everything the reads can see.
            - Fargate profiles and Auto Mode node pools are listed from this module's reads; the inventory plugin reads
              nodegroups only, so its summaries list nodegroups eksctl cannot scale and connector clusters.
          type: list
          elements: dict
          returned: always
          sample: [{"kind": "fargate_profile", "name": "fp-default",
                    "detail": "pods of namespace default run on Fargate, billed per pod, whatever the nodegroups"}]
          contains:
            kind:
              description:
                - One of V(fargate_profile), V(auto_mode), V(unscalable_nodegroup), V(connector), and with O(kubernetes=true)
                  V(karpenter_nodes) (per NodePool), V(other_nodes) (in no nodegroup and no NodePool) and V(cluster_autoscaler)
                  (running, so it can scale a stopped nodegroup back up).
              type: str
              returned: always
              sample: fargate_profile
            name:
              description: The profile, the node pools, the nodegroup or the cluster.
              type: str
              returned: always
              sample: fp-default
            detail:
              description: What keeps running, in one line.
              type: str
              returned: always
              sample: pods of namespace default run on Fargate, billed per pod, whatever the nodegroups
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.eks_tools.eksctl.plugins.module_utils._module import argument_spec, report_clusters, run_module


def main() -> None:
    module = AnsibleModule(
        argument_spec=argument_spec(
            name={"type": "str", "aliases": ["cluster"]},
            details={"type": "bool", "default": False},
            all_regions={"type": "bool", "default": False},
            kubernetes={"type": "bool", "default": False},
        ),
        mutually_exclusive=[("name", "all_regions")],
        supports_check_mode=True,
    )
    run_module(module, report_clusters)


if __name__ == "__main__":
    main()
