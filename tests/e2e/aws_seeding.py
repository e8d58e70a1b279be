# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How the simulator's seed records become the emulated AWS: moto's records, eksctl's stacks, the clusters' Kubernetes.

``Seeding`` is the part of ``AwsEmulator`` that creates things (it relies on the emulator's ``client()``, its moto
backends and its ``kubernetes``); the functions above it are eksctl's stack templates and tags, and the DescribeCluster
fields moto gets wrong. How each record is represented is described in aws_emulator's docstring.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any, Mapping

from aws_gateway import DEFAULT_REGION, eksctl_simulator
from kube_world import KUBE_OK


def parse_time(text: str) -> datetime.datetime:
    """A seed timestamp (``2026-05-01T10:30:00.123Z``) as an aware datetime."""
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def underscore_nodegroup(state: dict | None = None) -> tuple[dict, dict]:
    """(cluster, nodegroup) of the first nodegroup with an underscore in its name in the seed."""
    for cluster in (state or eksctl_simulator.seed_state())["clusters"]:
        for nodegroup in cluster["nodegroups"]:
            if "_" in nodegroup["name"]:
                return cluster, nodegroup
    raise LookupError("no nodegroup with an underscore in the seed")


def cluster_stack_template(cluster: str) -> str:
    """A stand-in for eksctl's cluster stack (only its name and tags matter to eksctl's reads).

    moto accepts a stack without resources (CloudFormation would not); eksctl never reads them.
    """
    return json.dumps({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "EKS cluster (dedicated VPC: true, dedicated IAM: true) [created and managed by eksctl]",
        "Resources": {},
        "Outputs": {"ClusterStackName": {"Value": "eksctl-%s-cluster" % cluster}},
    })


def managed_stack_template() -> str:
    """A stand-in for the stack eksctl makes for a managed nodegroup (moto has no AWS::EKS::Nodegroup)."""
    return json.dumps({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "EKS Managed Nodes (SSH access: false) [created by eksctl]",
        "Resources": {},
    })


def unmanaged_stack_template(nodegroup: dict, region: str) -> str:
    """The parts of eksctl's self-managed nodegroup stack that ``get``/``scale nodegroup`` read."""
    return json.dumps({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "EKS nodes (AMI family: AmazonLinux2023) [created and managed by eksctl]",
        "Resources": {
            "NodeGroupLaunchTemplate": {
                "Type": "AWS::EC2::LaunchTemplate",
                "Properties": {
                    "LaunchTemplateName": nodegroup["stack_name"],
                    "LaunchTemplateData": {"ImageId": nodegroup["image_id"], "InstanceType": nodegroup["instance_type"]},
                },
            },
            "NodeGroup": {
                "Type": "AWS::AutoScaling::AutoScalingGroup",
                "Properties": {
                    "AutoScalingGroupName": nodegroup["asg"],
                    "AvailabilityZones": [region + "a"],
                    "DesiredCapacity": str(nodegroup["desired"]),
                    "MinSize": str(nodegroup["min"]),
                    "MaxSize": str(nodegroup["max"]),
                    "LaunchTemplate": {
                        "LaunchTemplateId": {"Ref": "NodeGroupLaunchTemplate"},
                        "Version": {"Fn::GetAtt": ["NodeGroupLaunchTemplate", "LatestVersionNumber"]},
                    },
                },
            },
        },
        "Outputs": {"InstanceRoleARN": {"Value": nodegroup["role_arn"]}},
    })


def describe_like_aws(record: Any, region: str, name: str, cluster: Mapping[str, Any] | None = None) -> None:
    """Give a moto cluster the DescribeCluster fields real EKS returns (and the simulator prints).

    moto echoes the client token, answers ``encryptionConfig: []`` and leaves out ``accessConfig``,
    ``health``, ``upgradePolicy``, the VPC and cluster security group ids; it has no EKS Auto Mode
    (``computeConfig``, ``storageConfig``, ``kubernetesNetworkConfig.elasticLoadBalancing``), which are
    set from the seed's cluster record (``auto_mode``), as is the upgrade policy (``support_type``).
    """
    cluster = cluster or {}
    ident = hashlib.sha256(("%s/%s" % (region, name)).encode()).hexdigest()[:32].upper()
    record.client_request_token = None
    record.encryption_config = None
    record.access_config = {"authenticationMode": "API_AND_CONFIG_MAP"}
    record.health = {"issues": []}
    record.upgrade_policy = {"supportType": cluster.get("support_type", "STANDARD")}
    auto_mode = cluster.get("auto_mode")
    if auto_mode:
        record.compute_config = {"enabled": True, "nodePools": list(auto_mode["node_pools"]), "nodeRoleArn": auto_mode["node_role_arn"]}
        record.storage_config = {"blockStorage": {"enabled": True}}
        record.kubernetes_network_config = dict(record.kubernetes_network_config, elasticLoadBalancing={"enabled": True})
    record.platformVersion = "eks.5"
    record.identity = {"oidc": {"issuer": "https://oidc.eks.%s.amazonaws.com/id/%s" % (region, ident)}}
    record.resources_vpc_config = dict(record.resources_vpc_config, clusterSecurityGroupId="sg-0123", vpcId="vpc-0789")


def stack_tags(cluster: str, nodegroup: str | None = None, kind: str | None = None) -> list[dict[str, str]]:
    """eksctl's ``alpha.eksctl.io/*`` stack tags."""
    tags = {"alpha.eksctl.io/cluster-name": cluster, "eksctl.cluster.k8s.io/v1alpha1/cluster-name": cluster,
            "alpha.eksctl.io/eksctl-version": "0.230.0"}
    if nodegroup is not None:
        tags["alpha.eksctl.io/nodegroup-name"] = nodegroup
        tags["alpha.eksctl.io/nodegroup-type"] = kind or "unmanaged"
    return [{"Key": key, "Value": value} for key, value in tags.items()]


class Seeding:
    """Creating seed records in moto (and registering them with the clusters' Kubernetes side)."""

    # Provided by AwsEmulator: account, kubernetes, _removed_images, client(), _eks_backend(), _ec2_backend(),
    # _asg_backend(), _stack().

    def seed(self) -> None:
        """Create the simulator's seed in moto: the one seed both worlds share."""
        for cluster in eksctl_simulator.seed_state()["clusters"]:
            self.add_cluster(cluster)

    def seed_kubernetes_worlds(self) -> list[dict]:
        """Add the seed's Kubernetes worlds (``eksctl_simulator.kubernetes_worlds()``, a region of their own): clusters
        with Karpenter, cluster-autoscaler, both, an API that refuses the tests' identity, an unreachable endpoint, and
        a Node held by a PodDisruptionBudget. Returns their records."""
        worlds = eksctl_simulator.kubernetes_worlds()
        for cluster in worlds:
            self.add_cluster(cluster)
        return worlds

    def add_cluster(self, cluster: dict) -> None:
        """Create a cluster record (``eksctl_simulator.new_cluster``) with its nodegroups."""
        name, region = cluster["name"], cluster["region"]
        if cluster.get("connector"):
            self.add_connector_cluster(name, region, tags=cluster["tags"], created=cluster["created"])
            return
        self.client("eks", region).create_cluster(
            name=name, version=cluster["version"], tags=cluster["tags"],
            roleArn="arn:aws:iam::%s:role/eksctl-%s-cluster-ServiceRole-XYZ" % (self.account, name),
            resourcesVpcConfig={"subnetIds": ["subnet-a", "subnet-b"], "securityGroupIds": ["sg-0456"],
                                "endpointPublicAccess": True, "endpointPrivateAccess": False,
                                "publicAccessCidrs": ["0.0.0.0/0"]},
            kubernetesNetworkConfig={"serviceIpv4Cidr": "10.100.0.0/16", "ipFamily": "ipv4"})
        self.kubernetes.add_cluster(region, name, cluster.get("kubernetes"), cluster.get("kubernetes_api", KUBE_OK))
        if cluster["owned"] == "True":
            self.client("cloudformation", region).create_stack(
                StackName="eksctl-%s-cluster" % name, TemplateBody=cluster_stack_template(name), Tags=stack_tags(name))
            self._stack(region, "eksctl-%s-cluster" % name).creation_time = parse_time(cluster["created"])
        for nodegroup in cluster["nodegroups"]:
            self.add_nodegroup(name, region, nodegroup)
        for profile in cluster.get("fargate_profiles", []):
            self.add_fargate_profile(name, region, profile)
        record = self._eks_backend(region).clusters[name]
        record.created_at = parse_time(cluster["created"])
        record.status = cluster["status"]
        describe_like_aws(record, region, name, cluster)

    def add_nodegroup(self, cluster: str, region: str, nodegroup: dict) -> None:
        """Create a nodegroup record (``eksctl_simulator.new_nodegroup``): managed via EKS, else a stack + ASG."""
        if nodegroup["type"] == "managed":
            self._add_managed(cluster, region, nodegroup)
        else:
            self._add_unmanaged(cluster, region, nodegroup)

    def _add_managed(self, cluster: str, region: str, nodegroup: dict) -> None:
        name = nodegroup["name"]
        self.client("eks", region).create_nodegroup(
            clusterName=cluster, nodegroupName=name, nodeRole=nodegroup["role_arn"],
            scalingConfig={"desiredSize": nodegroup["desired"], "minSize": nodegroup["min"], "maxSize": nodegroup["max"]},
            instanceTypes=[nodegroup["instance_type"]], amiType=nodegroup["image_id"], version=nodegroup["version"],
            subnets=["subnet-a", "subnet-b"], releaseVersion=nodegroup["kubelet_version"] + "-20260101",
            tags={"alpha.eksctl.io/nodegroup-name": name, "alpha.eksctl.io/nodegroup-type": "managed"}
            if nodegroup["stack_name"] else {})
        record = self._eks_backend(region).clusters[cluster].nodegroups[name]
        record.created_at = record.modified_at = parse_time(nodegroup["created"])
        record.status = nodegroup["status"]
        record.resources = {"autoScalingGroups": [{"name": nodegroup["asg"]}]}
        if nodegroup["stack_name"]:
            self.client("cloudformation", region).create_stack(
                StackName=nodegroup["stack_name"], TemplateBody=managed_stack_template(),
                Tags=stack_tags(cluster, name, "managed"))
            self._stack(region, nodegroup["stack_name"]).creation_time = parse_time(nodegroup["created"])
        self.kubernetes.add_nodegroup(region, cluster, nodegroup)

    def _add_unmanaged(self, cluster: str, region: str, nodegroup: dict) -> None:
        self.add_image(region, nodegroup["image_id"])
        stack_name = nodegroup["stack_name"] or "eksctl-%s-nodegroup-%s" % (cluster, nodegroup["name"])
        nodegroup = dict(nodegroup, stack_name=stack_name)
        self.client("cloudformation", region).create_stack(
            StackName=stack_name, TemplateBody=unmanaged_stack_template(nodegroup, region),
            Tags=stack_tags(cluster, nodegroup["name"], "unmanaged"), Capabilities=["CAPABILITY_IAM"])
        stack = self._stack(region, stack_name)
        stack.creation_time = parse_time(nodegroup["created"])
        stack.status = nodegroup["status"]
        # moto gives a group made by CloudFormation an empty MixedInstancesPolicy instead of none.
        self._asg_backend(region).autoscaling_groups[stack.resource_map["NodeGroup"].name].mixed_instances_policy = None
        self.kubernetes.add_nodegroup(region, cluster, nodegroup)

    def add_fargate_profile(self, cluster: str, region: str, profile: dict) -> None:
        """Create a Fargate profile record (``eksctl_simulator.fargate_profile``) through the EKS API."""
        self.client("eks", region).create_fargate_profile(
            fargateProfileName=profile["name"], clusterName=cluster, podExecutionRoleArn=profile["pod_execution_role_arn"],
            subnets=profile["subnets"], tags=profile["tags"],
            selectors=[dict(selector) for selector in profile["selectors"]])
        self._eks_backend(region).clusters[cluster].fargate_profiles[profile["name"]].status = profile["status"]

    def add_image(self, region: str, image_id: str) -> None:
        """Put an AMI with a fixed id into moto's EC2 backend (RegisterImage only makes random ids)."""
        from moto.ec2.models.amis import Ami
        backend = self._ec2_backend(region)
        if image_id not in backend.amis:
            backend.amis[image_id] = Ami(backend, image_id, name="amazon-eks-node-al2023-x86_64-standard-1.31-v20260101",
                                         architecture="x86_64", virtualization_type="hvm", region_name=region,
                                         root_device_type="ebs", root_device_name="/dev/xvda")

    def remove_image(self, region: str, image_id: str) -> None:
        """Deregister an AMI the way EC2 reports a removed public AMI: DescribeImages by id answers an
        empty list (moto would answer InvalidAMIID.NotFound). A self-managed scale then fails eksctl's
        AMI check (docs/eksctl.md, ami-check)."""
        self._ec2_backend(region).amis.pop(image_id, None)
        self._removed_images.add((region, image_id))

    # -- extra scenarios

    def add_connector_cluster(self, name: str = "onprem", region: str = DEFAULT_REGION,
                              tags: Mapping[str, str] | None = None, created: str = "2026-05-03T10:00:00Z") -> None:
        """A connected (EKS-Connector) cluster: ``connectorConfig`` set, no version/endpoint (docs/eksctl.md, connector)."""
        self.client("eks", region).create_cluster(
            name=name, roleArn="arn:aws:iam::%s:role/eks-connector-agent-role" % self.account,
            resourcesVpcConfig={}, tags=dict(tags or {"team": "platform"}))
        record = self._eks_backend(region).clusters[name]
        record.connector_config = {
            "activationId": "a1b2c3d4-0000-1111-2222-333344445555",
            "activationExpiry": parse_time("2026-05-04T10:00:00Z"),
            "provider": "OTHER",
            "roleArn": "arn:aws:iam::%s:role/eks-connector-agent-role" % self.account,
        }
        for attribute in ("version", "endpoint", "certificate_authority", "resources_vpc_config", "role_arn",
                          "kubernetes_network_config", "platformVersion", "identity", "logging",
                          "client_request_token", "encryption_config"):
            setattr(record, attribute, None)
        record.created_at = parse_time(created)

    def add_self_managed_nodegroup(self, cluster: str, name: str, region: str = DEFAULT_REGION,
                                   sizes: tuple[int, int, int] = (2, 1, 3), stack_status: str = "CREATE_COMPLETE") -> dict:
        """A self-managed nodegroup; ``stack_status="UPDATE_ROLLBACK_COMPLETE"`` gives the case of docs/eksctl.md, rolled-back."""
        nodegroup = eksctl_simulator.new_nodegroup(cluster, name, "unmanaged", sizes, stack_status)
        self._add_unmanaged(cluster, region, nodegroup)
        return nodegroup

    def add_managed_nodegroup(self, cluster: str, name: str, region: str = DEFAULT_REGION,
                              sizes: tuple[int, int, int] = (2, 1, 3), eksctl_stack: bool = True) -> dict:
        """A managed nodegroup, with or without eksctl's stack."""
        nodegroup = eksctl_simulator.new_nodegroup(cluster, name, "managed", sizes)
        if not eksctl_stack:
            nodegroup["stack_name"] = ""
        self._add_managed(cluster, region, nodegroup)
        return nodegroup
