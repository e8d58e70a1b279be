# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What AWS does that moto does not, as the gateway's hooks: the part of ``AwsEmulator`` that answers or follows requests.

* EKS ``UpdateNodegroupConfig``: refused out of bounds (400) or when the nodegroup is not ACTIVE (409); afterwards the
  nodegroup reads UPDATING for ``updating_reads`` DescribeNodegroup calls, and the cluster's Nodes follow the size;
* Auto Scaling ``UpdateAutoScalingGroup``: refused outside [min, max] (400); afterwards the Nodes follow the size;
* EC2 ``DescribeImages`` of a removed image: an empty list, as EC2 answers for a deregistered public AMI;
* EKS ``DescribeCluster``: first the cluster's API server is started if need be (kube_world), and its URL and CA
  put in the record, so eksctl connects to a real Kubernetes API.

It relies on the emulator's moto backends, ``kubernetes`` and its ``updating_reads``/``_pending_reads``/``errors``.
"""

from __future__ import annotations

import base64
import urllib.parse
import uuid
from typing import Iterator

from aws_gateway import Call, Reply, eks_error, query_error, scaling_problem


class Behaviour:
    """The gateway hooks (see the module's docstring)."""

    def _describe_removed_images(self, call: Call) -> Reply | None:
        """An empty DescribeImages answer when every image asked for was removed with ``remove_image``."""
        wanted = [value for key, value in call.params.items() if key.startswith("ImageId.")]
        if not wanted or any((call.region, image) not in self._removed_images for image in wanted):
            return None
        body = ('<DescribeImagesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>%s</requestId>'
                "<imagesSet/></DescribeImagesResponse>" % uuid.uuid4())
        return Reply(200, body.encode("utf-8"), content_type="text/xml;charset=UTF-8")

    @staticmethod
    def _nodegroup_path(call: Call) -> tuple[str, str]:
        parts = [urllib.parse.unquote(part) for part in call.path.strip("/").split("/")]
        return parts[1], parts[3]

    def _check_nodegroup_update(self, call: Call) -> Reply | None:
        """EKS refuses a scaling config out of bounds (400) or a nodegroup that is not ACTIVE (409); moto does not."""
        cluster, name = self._nodegroup_path(call)
        try:
            record = self._eks_backend(call.region).clusters[cluster].nodegroups[name]
        except KeyError:
            return None
        if record.status != "ACTIVE":
            return eks_error(409, "ResourceInUseException",
                             "Nodegroup cannot be updated as it is currently not in Active State")
        current = record.scaling_config
        wanted = call.json().get("scalingConfig") or {}
        desired, minimum, maximum = (int(wanted.get(key, current[key])) for key in ("desiredSize", "minSize", "maxSize"))
        problem = scaling_problem(desired, minimum, maximum)
        return eks_error(400, "InvalidParameterException", problem) if problem else None

    def _after_nodegroup_update(self, call: Call, status: int) -> None:
        """After a successful update, the nodegroup reads UPDATING for ``updating_reads`` DescribeNodegroup calls,
        and the cluster's Nodes follow the new desired size."""
        if status != 200:
            return
        cluster, name = self._nodegroup_path(call)
        self.kubernetes.reconcile(call.region, cluster, name)
        if self.updating_reads <= 0:
            return
        self._eks_backend(call.region).clusters[cluster].nodegroups[name].status = "UPDATING"
        self._pending_reads[(call.region, cluster, name)] = self.updating_reads

    def _count_updating_read(self, call: Call, status: int) -> None:
        cluster, name = self._nodegroup_path(call)
        key = (call.region, cluster, name)
        if status != 200 or key not in self._pending_reads:
            return
        self._pending_reads[key] -= 1
        if self._pending_reads[key] <= 0:
            del self._pending_reads[key]
            self._eks_backend(call.region).clusters[cluster].nodegroups[name].status = "ACTIVE"

    def _check_asg_update(self, call: Call) -> Reply | None:
        """Auto Scaling refuses an explicit desired capacity outside [min, max]; moto does not."""
        group = self._asg_backend(call.region).autoscaling_groups.get(call.params.get("AutoScalingGroupName", ""))
        if group is None or "DesiredCapacity" not in call.params:
            return None
        desired = int(call.params["DesiredCapacity"])
        minimum = int(call.params.get("MinSize", group.min_size))
        maximum = int(call.params.get("MaxSize", group.max_size))
        if minimum <= desired <= maximum:
            return None
        return query_error("ValidationError", "Desired capacity:%d must be between the specified min size:%d and max size:%d"
                           % (desired, minimum, maximum), "http://autoscaling.amazonaws.com/doc/2011-01-01/")

    def _after_asg_update(self, call: Call, status: int) -> None:
        """After a successful Auto Scaling update, the self-managed nodegroup's Nodes follow its desired size."""
        if status != 200:
            return
        for (region, cluster), nodegroups in list(self.kubernetes.nodegroups.items()):
            for nodegroup, spec in list(nodegroups.items()):
                if region == call.region and not spec["managed"] and self._asg_of(region, cluster, nodegroup) == \
                        call.params.get("AutoScalingGroupName"):
                    self.kubernetes.reconcile(region, cluster, nodegroup)

    def _point_at_kubernetes(self, call: Call) -> Reply | None:
        """Before moto describes a cluster: start its API server if need be and put its URL and CA in the record."""
        name = urllib.parse.unquote(call.path.strip("/").split("/")[1])
        record = self._eks_backend(call.region).clusters.get(name)
        if record is None or getattr(record, "connector_config", None):
            return None
        # Whatever fails, eksctl should see why (and the test too, in self.errors).
        try:
            url = self.kubernetes.endpoint(call.region, name)
        except Exception as exc:  # pylint: disable=broad-except
            self.errors.append("control plane of %s/%s: %s" % (call.region, name, exc))
            return eks_error(500, "ServerException", "e2e emulator: the cluster's control plane did not start: %s" % exc)
        record.endpoint = url or "https://127.0.0.1:%d" % self._dead_port
        record.certificate_authority = {"data": base64.b64encode(self.kubernetes.ca_pem.encode("ascii")).decode("ascii")}
        return None

    # -- the clusters' Kubernetes side

    def _all_clusters(self) -> Iterator[tuple[str, str]]:
        """Every (region, cluster) with a Kubernetes side (connected clusters have none here)."""
        return iter(sorted(self.kubernetes.worlds))

    def _asg_of(self, region: str, cluster: str, nodegroup: str) -> str | None:
        try:
            return self._stack(region, "eksctl-%s-nodegroup-%s" % (cluster, nodegroup)).resource_map["NodeGroup"].name
        except KeyError:
            return None

    def _desired(self, region: str, cluster: str, nodegroup: str) -> int | None:
        """A nodegroup's desired size as AWS holds it now (None when it is gone)."""
        try:
            record = self._eks_backend(region).clusters[cluster].nodegroups.get(nodegroup)
        except KeyError:
            return None
        if record is not None:
            return int(record.scaling_config["desiredSize"])
        group = self._asg_of(region, cluster, nodegroup)
        if group is None or group not in self._asg_backend(region).autoscaling_groups:
            return None
        return int(self._asg_backend(region).autoscaling_groups[group].desired_capacity)
