# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""``eksctl get nodegroup --cluster C [--name N]``: eksctl's NodeGroupSummary of each nodegroup."""

from __future__ import annotations

from ..aws import ACCOUNT, not_found_nodegroup
from ..call import Call
from ..faults import take_fault
from ..output import CommandError, go_json
from ..state import StateFile
from .get_cluster import describe


def get_nodegroup(call: Call, argv: list[str], values: dict, changed: set, positional: list[str]) -> int:
    call.refuse_extra_arguments(positional)
    if not values["cluster"]:
        raise CommandError("--cluster must be set")
    name = call.name_arg(values, changed, positional)
    if values["output"] != "table":
        call.log_writer = call.stderr
    handle = StateFile(call.state_path)
    with handle as state:
        cluster = call.existing_cluster(values, changed, state)
        fault = take_fault(state, "get nodegroup", argv)
        if cluster["status"] in ("CREATING", "DELETING", "FAILED"):
            handle.save()
            raise CommandError('cannot perform Kubernetes API operations on cluster "%s" in "%s" region due to status "%s"'
                               % (cluster["name"], cluster["region"], cluster["status"]))
        selected = [ng for ng in cluster["nodegroups"] if not name or ng["name"] == name]
        if name and not selected:
            handle.save()
            raise CommandError(not_found_nodegroup("DescribeNodegroup", name))
        # eksctl lists unmanaged (CloudFormation) nodegroups first, then managed ones.
        ordered = [ng for ng in selected if ng["type"] != "managed"] + [ng for ng in selected if ng["type"] == "managed"]
        rows = []
        for nodegroup in ordered:
            if nodegroup["type"] != "managed" and nodegroup["desired"] > 0:
                # docs/eksctl.md, kubernetes-api: the Version of a self-managed nodegroup with nodes comes from the node list.
                _list_nodes(cluster, handle)
            stale = nodegroup.get("stale")
            if stale and stale["reads"] > 0:
                # The stale_reads knob: settled, at the sizes before the scale (what a waiter must not take as done).
                stale["reads"] -= 1
                rows.append(summary(cluster, dict(nodegroup, desired=stale["desired"], min=stale["min"], max=stale["max"]), stale["status"]))
                continue
            status = nodegroup["status"]
            if nodegroup["pending_reads"] > 0:
                nodegroup["pending_reads"] -= 1
                status = "UPDATING"
                if nodegroup["pending_reads"] == 0:
                    nodegroup["status"] = nodegroup.get("settle_status", "ACTIVE")
            rows.append(summary(cluster, nodegroup, status))
        handle.save()
    document = go_json(rows)
    if fault:
        call.apply_fault(fault, state, "", "ListNodegroups", document)
    output = call.check_output(values)
    if output == "json":
        call.stdout.append(document)
    elif not rows:
        raise CommandError("No nodegroups found")
    else:
        lines = ["CLUSTER\tNODEGROUP\tSTATUS\tCREATED\tMIN SIZE\tMAX SIZE\tDESIRED CAPACITY\tINSTANCE TYPE\tIMAGE ID\tASG NAME\tTYPE"]
        lines += ["%(Cluster)s\t%(Name)s\t%(Status)s\t%(CreationTime)s\t%(MinSize)d\t%(MaxSize)d\t%(DesiredCapacity)d\t%(InstanceType)s\t"
                  "%(ImageID)s\t%(AutoScalingGroupName)s\t%(Type)s" % row for row in rows]
        call.stdout.append("\n".join(lines) + "\n")
    return 0


def summary(cluster: dict, nodegroup: dict, status: str) -> dict:
    """One nodegroup as eksctl prints it (its NodeGroupSummary, in field order)."""
    managed = nodegroup["type"] == "managed"
    if managed:
        version = nodegroup["version"]
    else:
        version = "" if nodegroup["desired"] == 0 else nodegroup["kubelet_version"]
    return {
        "StackName": nodegroup["stack_name"],
        "Cluster": cluster["name"],
        "Name": nodegroup["name"],
        "Status": status,
        "MaxSize": nodegroup["max"],
        "MinSize": nodegroup["min"],
        "DesiredCapacity": nodegroup["desired"],
        "InstanceType": nodegroup["instance_type"],
        "ImageID": nodegroup["image_id"],
        "CreationTime": nodegroup["created"],
        "NodeInstanceRoleARN": nodegroup["role_arn"],
        "AutoScalingGroupName": nodegroup["asg"],
        "Version": version,
        "Type": nodegroup["type"],
    }


def _list_nodes(cluster: dict, handle: StateFile) -> None:
    access = cluster.get("kubernetes_api", "ok")
    if access == "ok":
        return
    handle.save()
    if access == "forbidden":
        cause = ('nodes is forbidden: User "arn:aws:iam::%s:user/ops" cannot list resource "nodes" in API group "" at the '
                 'cluster scope' % ACCOUNT)
    else:
        cause = ('Get "%s/api/v1/nodes?labelSelector=alpha.eksctl.io%%2Fnodegroup-name%%3D...": dial tcp 10.0.12.34:443: i/o timeout'
                 % describe(cluster)["Endpoint"])
    raise CommandError("getting nodegroup's kubernetes version: failed to list nodes: %s" % cause)
