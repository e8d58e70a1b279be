# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""An emulated AWS, with a real Kubernetes API server per cluster, for running the real eksctl binary in tests.

``AwsEmulator`` starts moto's ``ThreadedMotoServer`` on 127.0.0.1 in this process behind a small WSGI
gateway that adds what eksctl needs and moto lacks (aws_gateway), seeds it with the same data as the
simulator's ``seed_state()`` (aws_seeding), and gives each seeded EKS cluster a real Kubernetes control
plane (kube-apiserver with etcd, kwok, optionally Karpenter: kube_world, kube_cluster) that its
``endpoint`` and ``certificateAuthority`` point at, with EKS token authentication and RBAC.

The emulator by job: aws_gateway (the HTTP front, request naming and counting, MOTO_GAPS), aws_seeding
(seed records to moto records), this file (lifecycle, the hooks that add EKS's and Auto Scaling's behaviour,
the environment for eksctl, changes between steps and read-backs), kube_world (each cluster's Kubernetes
objects, kept in step with the nodegroups' sizes), kube_cluster/kube_processes/kube_pki/kube_auth/kube_client
(the control planes themselves).

Endpoint variables honoured by eksctl (read in eksctl v0.230.0 and v0.215.0, with the AWS SDK
for Go v2 it pins):

* eksctl sets the endpoint itself for STS, CloudFormation, EC2, EKS, IAM, ELB, ELBv2 and
  CloudTrail, taking the first variable that is *set* (even to an empty string) of
  ``AWS_<SVC>_ENDPOINT``, ``AWS_ENDPOINT_URL_<SVC>``, ``AWS_ENDPOINT_URL``:
  ``AWS_STS_ENDPOINT``/``AWS_ENDPOINT_URL_STS``, ``AWS_CLOUDFORMATION_ENDPOINT``/
  ``AWS_ENDPOINT_URL_CLOUDFORMATION``, ``AWS_EC2_ENDPOINT``/``AWS_ENDPOINT_URL_EC2``,
  ``AWS_EKS_ENDPOINT``/``AWS_ENDPOINT_URL_EKS``, ``AWS_IAM_ENDPOINT``/``AWS_ENDPOINT_URL_IAM``,
  ``AWS_ELB_ENDPOINT``/``AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING``, ``AWS_ELBV2_ENDPOINT``/
  ``AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2``, ``AWS_CLOUDTRAIL_ENDPOINT``/
  ``AWS_ENDPOINT_URL_CLOUDTRAIL`` (``pkg/eks/services_v2.go``, ``pkg/eks/api.go``). When none
  is set eksctl overwrites the SDK's choice with nothing, so for these services an
  ``endpoint_url`` in the AWS config file is ignored.
* Auto Scaling, SSM, Outposts and CloudWatch Logs clients are built by the SDK alone: they honour
  ``AWS_ENDPOINT_URL_AUTO_SCALING`` (``_SSM``, ``_OUTPOSTS``, ``_CLOUDWATCH_LOGS``),
  ``AWS_ENDPOINT_URL``, and the config file's ``endpoint_url``. There is no
  ``AWS_AUTOSCALING_ENDPOINT``.
* The STS presigner that makes the Kubernetes token has no endpoint override of eksctl's, but the SDK's
  own ``AWS_ENDPOINT_URL`` applies: the URL in the token is the emulator's (only signed, never sent), which
  the clusters' token webhook accepts as an STS endpoint (kube_auth).

One variable, ``AWS_ENDPOINT_URL``, therefore reaches every service eksctl uses; ``env()`` sets it
and nothing else endpoint-related.

What the gateway adds in front of moto (see ``MOTO_GAPS`` for the full list):

* EKS ``DescribeClusterVersions`` (``GET /cluster-versions``), which moto answers with 404 and
  eksctl calls on every provider it builds;
* EKS's and Auto Scaling's refusals of out-of-bounds sizes, EKS's 409 for a nodegroup that is not
  ACTIVE, and an UPDATING phase after a managed scale (``updating_reads``, like the simulator's);
* the account id ``ACCOUNT`` on every request (moto's ``x-moto-account-id`` header), so ARNs and
  ``GetCallerIdentity`` match the simulator;
* counting of every AWS request by ``<signing service>:<Operation>``, with the HTTP status, for
  benchmarks and for spotting new gaps; Kubernetes requests (``kube:<METHOD> <path>``) are read from
  each API server's audit log (requests of webhook-authenticated users and refused tokens only);
* keeping each cluster's Nodes in step with its nodegroups: after an ``UpdateNodegroupConfig`` or an
  ``UpdateAutoScalingGroup``, Nodes are added or drained and removed (kube_world).

State patched inside moto's backends (no public API exists for them): cluster and nodegroup
``createdAt``, cluster and nodegroup status, DescribeCluster fields moto gets wrong, the clusters'
``endpoint`` and ``certificateAuthority`` (to the cluster's API server, at each DescribeCluster), EKS Auto Mode's and the
upgrade policy's DescribeCluster fields (moto has none of them), the managed nodegroups'
Auto Scaling group names, the CloudFormation stack status and creation time, an AMI with the
simulator's image id, the empty MixedInstancesPolicy of groups made by CloudFormation, and
``connectorConfig`` for a connected cluster.

How the seed is represented (``seed()``, from ``eksctl_simulator.seed_state()``):

* a cluster is an EKS cluster; an owned one (``owned == "True"``) also gets a stack
  ``eksctl-<cluster>-cluster`` tagged ``alpha.eksctl.io/cluster-name``, which is what makes eksctl
  print ``Owned: True`` (it matches stack names against ``eksctl-.*-cluster`` and checks the tag);
* a managed nodegroup is an EKS nodegroup; with a ``stack_name`` it also gets a stack
  ``eksctl-<cluster>-nodegroup-<ng>`` tagged ``alpha.eksctl.io/nodegroup-type: managed`` (eksctl
  prints its name as ``StackName``); without one eksctl prints ``StackName: ""``;
* a self-managed nodegroup is a stack ``eksctl-<cluster>-nodegroup-<ng>`` with eksctl's
  ``alpha.eksctl.io/*`` tags (``nodegroup-type: unmanaged``), a launch template
  ``NodeGroupLaunchTemplate`` (instance type and AMI, which eksctl reads from the template) and an
  Auto Scaling group ``NodeGroup`` (live sizes), plus the output ``InstanceRoleARN``;
* each nodegroup's instances are Nodes in the cluster's API server (one per desired instance, the seed's
  kubelet version and instance type; labelled ``eks.amazonaws.com/nodegroup`` when managed,
  ``alpha.eksctl.io/nodegroup-name`` when self-managed), made when the control plane starts;
* the seed's managed nodegroup with an underscore in its name (``tf_workers`` of ``legacy-tf``) is made
  outside eksctl: no stack, so eksctl lists it but never scales it (docs/eksctl.md, scale-names);
* a cluster's ``connector`` (if true) makes it a connected cluster (``add_connector_cluster``, no control
  plane); its ``kubernetes_api`` (``ok``/``forbidden``/``unreachable``) sets how its Kubernetes API answers
  (``forbidden``: the tests' access key maps to a user without RBAC; ``unreachable``: the endpoint is a closed
  port); its ``kubernetes`` record (Karpenter NodePools and NodeClaims, a cluster-autoscaler Deployment, Nodes
  in no nodegroup, Pods held by a PodDisruptionBudget) is created in its API server (kube_world);
* a cluster's Fargate profiles are made through the EKS API (moto keeps them and answers
  ListFargateProfiles and DescribeFargateProfile as EKS does); its ``auto_mode`` and ``support_type``
  are patched into moto's cluster record (``describe_like_aws``).

Scenarios beyond the seed: ``add_connector_cluster()`` (docs/eksctl.md, connector: a cluster whose
DescribeCluster carries ``connectorConfig``; eksctl refuses every nodegroup command on it),
``add_self_managed_nodegroup(stack_status="UPDATE_ROLLBACK_COMPLETE")`` or ``set_stack_status()``
(docs/eksctl.md, rolled-back), ``set_kube_api("forbidden" | "unreachable")`` (docs/eksctl.md, kubernetes-api), ``remove_image()``
(docs/eksctl.md, ami-check), ``set_cluster_status()``, ``set_nodegroup_status()``, ``set_asg_sizes()``,
``delete_nodegroup()``, ``seed_kubernetes_worlds()`` (the seed's clusters whose Kubernetes side matters, in a
region of their own); ``sizes()`` and ``stack_status()`` read state back; ``kubernetes`` (an
``EmulatedKubernetes``) reads and changes the clusters' Kubernetes objects (``node_counts``, ``add_node_pool``,
``add_node_claims``, ``add_cluster_autoscaler``, ``add_loose_node``, ``add_held_pod``, ``plane`` for a client).
"""

from __future__ import annotations

import collections
import os
import shutil
import tempfile
import urllib.request
from typing import Any, Mapping

import boto3

from aws_behaviour import Behaviour
from aws_gateway import (ACCESS_KEY, ACCOUNT, CLUSTER_VERSIONS, DEFAULT_REGION, HELPER_ACCESS_KEY, MOTO_GAPS, NO_DEFAULT_AMIS,
                         SECRET_KEY, Gateway, GatewayMotoServer, RequestLog, closed_port, eksctl_simulator, speed_up_moto)
from aws_seeding import Seeding, parse_time, underscore_nodegroup
from kube_world import KUBE_FORBIDDEN, KUBE_OK, KUBE_UNREACHABLE, EmulatedKubernetes

# What tests and tools import from here (some defined in the emulator's other files).
__all__ = ["ACCESS_KEY", "ACCOUNT", "CLUSTER_VERSIONS", "DEFAULT_REGION", "HELPER_ACCESS_KEY", "KUBE_FORBIDDEN", "KUBE_OK",
           "KUBE_UNREACHABLE", "MOTO_GAPS", "SECRET_KEY", "AwsEmulator", "closed_port", "eksctl_simulator", "parse_time",
           "underscore_nodegroup"]


class AwsEmulator(Seeding, Behaviour):
    """moto plus the pieces eksctl needs, seeded like the simulator, each cluster with a real API server; a context manager.

    ``reset()`` empties moto and seeds again (cheap enough per test; the clusters' API servers keep running and
    get their objects back); ``counts()`` and ``reset_counts()`` give the AWS (and Kubernetes) requests seen since.
    """

    def __init__(self, seed: bool = True, account: str = ACCOUNT) -> None:
        self.account = account
        self.seed_on_reset = seed
        self.log = RequestLog()
        self.home = tempfile.mkdtemp(prefix="e2e-aws-home-")
        self.updating_reads = 1
        self.errors: list[str] = []
        self._pending_reads: dict[tuple[str, str, str], int] = {}
        self._removed_images: set[tuple[str, str]] = set()
        self._moto = GatewayMotoServer(self._make_gateway)
        self.kubernetes = EmulatedKubernetes(self._desired)
        self._clients: dict[tuple[str, str], Any] = {}
        self._dead_port = closed_port()
        self._saved_amis_setting: str | None = None
        self.url = ""

    # -- lifecycle

    def __enter__(self) -> "AwsEmulator":
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> None:
        """Start moto and the clusters' shared Kubernetes pieces (API servers start per cluster, later), then seed."""
        self._saved_amis_setting = os.environ.get(NO_DEFAULT_AMIS)
        os.environ[NO_DEFAULT_AMIS] = "false"
        speed_up_moto()
        self._moto.start()
        host, port = self._moto.get_host_and_port()
        self.url = "http://%s:%d" % (host, port)
        self.kubernetes.webhook.sts_endpoints = (self.url,)
        self.kubernetes.start()
        self.reset()

    def stop(self) -> None:
        self._moto.stop()
        self.kubernetes.stop()
        if self._saved_amis_setting is None:
            os.environ.pop(NO_DEFAULT_AMIS, None)
        else:
            os.environ[NO_DEFAULT_AMIS] = self._saved_amis_setting
        shutil.rmtree(self.home, ignore_errors=True)

    def reset(self, seed: bool | None = None) -> None:
        """Empty every moto backend, seed again, bring the used API servers back to the seed, zero the counts."""
        request = urllib.request.Request(self.url + "/moto-api/reset", method="POST", data=b"")
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
        self._pending_reads.clear()
        self._removed_images.clear()
        self.kubernetes.clear()
        if self.seed_on_reset if seed is None else seed:
            self.seed()
        self.kubernetes.settle()
        self.log.reset()

    # -- gateway hooks (behaviour moto lacks)

    def _make_gateway(self, app: Any) -> Gateway:
        gateway = Gateway(app, self.log, self.account)
        gateway.hooks["eks:DescribeCluster"] = self._point_at_kubernetes
        gateway.hooks["eks:UpdateNodegroupConfig"] = self._check_nodegroup_update
        gateway.after_hooks["eks:UpdateNodegroupConfig"] = self._after_nodegroup_update
        gateway.after_hooks["eks:DescribeNodegroup"] = self._count_updating_read
        gateway.hooks["autoscaling:UpdateAutoScalingGroup"] = self._check_asg_update
        gateway.after_hooks["autoscaling:UpdateAutoScalingGroup"] = self._after_asg_update
        gateway.hooks["ec2:DescribeImages"] = self._describe_removed_images
        return gateway

    # -- counts

    def counts(self, prefix: str = "") -> dict[str, int]:
        """Requests by ``service:Operation`` (and ``kube:<METHOD> <path>``) since the last reset."""
        merged = collections.Counter(self.log.counts())
        merged.update(name for name, _status in self.kubernetes.requests())
        return {name: count for name, count in sorted(merged.items()) if name.startswith(prefix)}

    def aws_counts(self) -> dict[str, int]:
        """Only the AWS requests."""
        return self.log.counts()

    def failures(self) -> dict[tuple[str, int], int]:
        """Requests answered with an HTTP status >= 400, by (name, status)."""
        merged = collections.Counter(self.log.failures())
        merged.update(request for request in self.kubernetes.requests() if request[1] >= 400)
        return dict(sorted(merged.items()))

    def reset_counts(self) -> None:
        self.log.reset()
        for plane in self.kubernetes.planes.running():
            plane.forget_audit()

    # -- environment for eksctl

    def env(self, region: str | None = DEFAULT_REGION, *, profile: str | None = None,
            profile_region: str | None = None, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """A complete environment for running eksctl against the emulator.

        ``region`` sets ``AWS_REGION``; ``profile`` (with ``profile_region``) writes an AWS config
        file holding that profile's region and sets ``AWS_PROFILE`` (not for ``"default"``, which
        is used without it); with ``region=None`` and no profile, no region is resolvable. HOME is
        a new empty directory; credentials are fake ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``;
        every other ``AWS_*``/``EKSCTL_*`` variable of this process is dropped.
        """
        home = tempfile.mkdtemp(prefix="home-", dir=self.home)
        environment = {key: value for key, value in os.environ.items()
                       if not key.startswith(("AWS_", "EKSCTL_")) and key not in ("KUBECONFIG", "HOME")}
        environment.update({
            "HOME": home,
            "AWS_ENDPOINT_URL": self.url,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_CONFIG_FILE": os.path.join(home, ".aws", "config"),
            "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, ".aws", "credentials"),
            "AWS_EC2_METADATA_DISABLED": "true",
            "KUBECONFIG": os.path.join(home, ".kube", "config"),
        })
        if region is not None:
            environment["AWS_REGION"] = region
        if profile is not None:
            os.makedirs(os.path.join(home, ".aws"))
            section = "[default]" if profile == "default" else "[profile %s]" % profile
            with open(environment["AWS_CONFIG_FILE"], "w", encoding="utf-8") as handle:
                handle.write(section + "\n" + ("region = %s\n" % profile_region if profile_region else ""))
            if profile != "default":
                environment["AWS_PROFILE"] = profile
        environment.update(extra or {})
        return environment

    # -- boto3 and moto backends

    def client(self, service: str, region: str = DEFAULT_REGION) -> Any:
        """A boto3 client on the emulator; its requests are not counted and do not advance UPDATING reads."""
        key = (service, region)
        if key not in self._clients:
            self._clients[key] = boto3.session.Session().client(
                service, region_name=region, endpoint_url=self.url,
                aws_access_key_id=HELPER_ACCESS_KEY, aws_secret_access_key=SECRET_KEY)
        return self._clients[key]

    def _eks_backend(self, region: str) -> Any:
        from moto.eks.models import eks_backends
        return eks_backends[self.account][region]

    def _cfn_backend(self, region: str) -> Any:
        from moto.cloudformation.models import cloudformation_backends
        return cloudformation_backends[self.account][region]

    def _ec2_backend(self, region: str) -> Any:
        from moto.ec2.models import ec2_backends
        return ec2_backends[self.account][region]

    def _asg_backend(self, region: str) -> Any:
        from moto.autoscaling.models import autoscaling_backends
        return autoscaling_backends[self.account][region]

    def _stack(self, region: str, name: str) -> Any:
        for stack in self._cfn_backend(region).stacks.values():
            if stack.name == name and stack.status != "DELETE_COMPLETE":
                return stack
        raise KeyError("no stack %s in %s" % (name, region))

    # -- state changes between steps

    def set_kube_api(self, mode: str, cluster: str | None = None, region: str = DEFAULT_REGION) -> None:
        """How the Kubernetes API answers: ``ok``, ``forbidden`` (the tests' access key maps to a user without
        RBAC: 403 on list nodes) or ``unreachable`` (the endpoint is a closed port), for one cluster or
        (``cluster=None``) for every cluster. Takes effect at the cluster's next DescribeCluster."""
        targets = [(region, cluster)] if cluster is not None else list(self._all_clusters())
        for target in targets:
            self.kubernetes.set_mode(target[0], target[1], mode)

    def set_cluster_status(self, cluster: str, status: str, region: str = DEFAULT_REGION) -> None:
        self._eks_backend(region).clusters[cluster].status = status

    def set_nodegroup_status(self, cluster: str, nodegroup: str, status: str, region: str = DEFAULT_REGION) -> None:
        """A managed nodegroup's EKS status (for example UPDATING or DEGRADED)."""
        self._eks_backend(region).clusters[cluster].nodegroups[nodegroup].status = status

    def set_stack_status(self, cluster: str, nodegroup: str, status: str, region: str = DEFAULT_REGION) -> None:
        """The status of eksctl's stack for a nodegroup (for example UPDATE_ROLLBACK_COMPLETE)."""
        self._stack(region, "eksctl-%s-nodegroup-%s" % (cluster, nodegroup)).status = status

    def set_asg_sizes(self, cluster: str, nodegroup: str, desired: int, minimum: int, maximum: int,
                      region: str = DEFAULT_REGION) -> None:
        """Change a self-managed nodegroup's Auto Scaling group outside eksctl."""
        self.client("autoscaling", region).update_auto_scaling_group(
            AutoScalingGroupName=self.asg_name(cluster, nodegroup, region),
            DesiredCapacity=desired, MinSize=minimum, MaxSize=maximum)
        self.kubernetes.reconcile(region, cluster, nodegroup)

    def delete_nodegroup(self, cluster: str, nodegroup: str, region: str = DEFAULT_REGION) -> None:
        """Delete a nodegroup as if done outside eksctl (managed via EKS, self-managed via its stack)."""
        backend = self._eks_backend(region)
        stack_name = "eksctl-%s-nodegroup-%s" % (cluster, nodegroup)
        self.kubernetes.remove_nodegroup(region, cluster, nodegroup)
        if nodegroup in backend.clusters[cluster].nodegroups:
            self.client("eks", region).delete_nodegroup(clusterName=cluster, nodegroupName=nodegroup)
        try:
            self._stack(region, stack_name)
        except KeyError:
            return
        self.client("cloudformation", region).delete_stack(StackName=stack_name)

    # -- reading state back

    def asg_name(self, cluster: str, nodegroup: str, region: str = DEFAULT_REGION) -> str:
        """The Auto Scaling group behind a self-managed nodegroup's stack."""
        detail = self.client("cloudformation", region).describe_stack_resource(
            StackName="eksctl-%s-nodegroup-%s" % (cluster, nodegroup), LogicalResourceId="NodeGroup")
        return detail["StackResourceDetail"]["PhysicalResourceId"]

    def sizes(self, cluster: str, nodegroup: str, region: str = DEFAULT_REGION) -> tuple[int, int, int]:
        """(desired, min, max) of a nodegroup, managed or self-managed, read through the APIs."""
        if nodegroup in self._eks_backend(region).clusters[cluster].nodegroups:
            config = self.client("eks", region).describe_nodegroup(
                clusterName=cluster, nodegroupName=nodegroup)["nodegroup"]["scalingConfig"]
            return config["desiredSize"], config["minSize"], config["maxSize"]
        group = self.client("autoscaling", region).describe_auto_scaling_groups(
            AutoScalingGroupNames=[self.asg_name(cluster, nodegroup, region)])["AutoScalingGroups"][0]
        return group["DesiredCapacity"], group["MinSize"], group["MaxSize"]

    def stack_status(self, cluster: str, nodegroup: str, region: str = DEFAULT_REGION) -> str:
        return self._stack(region, "eksctl-%s-nodegroup-%s" % (cluster, nodegroup)).status
