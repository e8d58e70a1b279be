# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""``eksctl scale nodegroup --cluster C --name N [--nodes/-min/-max]``: the CLI checks, then EKS's or Auto Scaling's."""

from __future__ import annotations

import os
import re
import signal

from ..aws import not_found_nodegroup, request_id
from ..call import Call
from ..faults import take_fault
from ..kube import held_nodes, objects
from ..output import CommandError
from ..state import StateFile

NAME_REFUSED = re.compile(r"[^a-zA-Z0-9\-]+")


def scale_nodegroup(call: Call, argv: list[str], values: dict, changed: set, positional: list[str]) -> int:
    call.refuse_extra_arguments(positional)
    if positional and "name" in changed and values["name"]:
        raise CommandError("--name=%s and argument %s cannot be used at the same time" % (values["name"], positional[0]))
    name = positional[0] if positional else values["name"]
    # Check 1 (no name) runs before check 2 (no cluster), and the name/argument clash after both.
    validate_scale(values, changed, name)
    handle = StateFile(call.state_path)
    with handle as state:
        cluster = call.existing_cluster(values, changed, state)
        fault = take_fault(state, "scale nodegroup", argv)
        handle.save()
    if NAME_REFUSED.search(name):
        # docs/eksctl.md, scale-names: the nodegroup config is validated after the provider's AWS calls. The message quotes a
        # pattern, but the check only refuses characters other than letters, digits and "-".
        raise CommandError("validation for %s failed, name must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*" % name)
    wrap = 'failed to scale nodegroup "%s" for cluster "%s", error: ' % (name, cluster["name"])
    nodegroup = next((ng for ng in cluster["nodegroups"] if ng["name"] == name), None)
    operation = "UpdateNodegroupConfig" if nodegroup is None or nodegroup["type"] == "managed" else "UpdateAutoScalingGroup"
    call.info('scaling nodegroup "%s" in cluster %s' % (name, cluster["name"]))
    if fault and fault["kind"] != "kill_parent":
        call.apply_fault(fault, state, wrap, operation)
    handle = StateFile(call.state_path)
    with handle as state:
        cluster = call.find_cluster(state, cluster["region"], cluster["name"])
        nodegroup = next((ng for ng in cluster["nodegroups"] if ng["name"] == name), None)
        if nodegroup is None:
            raise CommandError(wrap + not_found_nodegroup("UpdateNodegroupConfig", name))
        target = {
            "desired": values["nodes"] if "nodes" in changed else nodegroup["desired"],
            "min": values["nodes-min"] if "nodes-min" in changed else nodegroup["min"],
            "max": values["nodes-max"] if "nodes-max" in changed else nodegroup["max"],
        }
        if nodegroup["type"] == "managed":
            _validate_managed(nodegroup, target, wrap)
        else:
            _validate_asg(target, wrap)
        stale_reads = int(state["settings"].get("stale_reads", 0))
        if stale_reads > 0:
            nodegroup["stale"] = {"reads": stale_reads, "status": nodegroup["status"],
                                  "desired": nodegroup["desired"], "min": nodegroup["min"], "max": nodegroup["max"]}
        # The drain of a scale down respects PodDisruptionBudgets: a Node whose pod one allowing no disruption covers stays.
        objects(cluster)["held"][name] = held_nodes(cluster, nodegroup, target["desired"])
        nodegroup.update(target)
        if nodegroup["type"] == "managed":
            nodegroup["status"] = "UPDATING"
            nodegroup["pending_reads"] = int(state["settings"].get("updating_reads", 1))
            nodegroup["settle_status"] = state["settings"].get("settle_status", "ACTIVE")
            if nodegroup["pending_reads"] <= 0:
                nodegroup["status"] = nodegroup["settle_status"]
        handle.save()
    call.info("initiated scaling of nodegroup")
    if values["wait"]:
        call.info('waiting for scaling of nodegroup "%s" to complete' % name)
        call.info("nodegroup successfully scaled")
    else:
        call.info("to see the status of the scaling run `eksctl get nodegroup --cluster %s --region %s --name %s`"
                  % (cluster["name"], cluster["region"], name))
    if fault and fault["kind"] == "kill_parent":
        # Stands for the caller dying between two writes (a crash, an OOM kill, a cancelled job).
        os.kill(os.getppid(), signal.SIGKILL)
    return 0


def validate_scale(values: dict, changed: set, name: str) -> None:
    """The CLI checks of pkg/ctl/cmdutils/scale.go, in their order."""
    if not name:
        raise CommandError("a config file is required when --name is not set or when scaling multiple nodegroups")
    if not values["cluster"]:
        raise CommandError("--cluster must be set")
    sizes = {flag: values[flag] for flag in ("nodes", "nodes-min", "nodes-max") if flag in changed}
    if not sizes:
        raise CommandError("at least one of minimum, maximum and desired nodes must be set")
    nodes, minimum, maximum = sizes.get("nodes"), sizes.get("nodes-min"), sizes.get("nodes-max")
    if nodes is not None and nodes < 0:
        raise CommandError("number of nodes must be 0 or greater")
    if minimum is not None and minimum < 0:
        raise CommandError("minimum of nodes must be 0 or greater")
    if maximum is not None and maximum < 0:
        raise CommandError("maximum of nodes must be 0 or greater")
    if maximum is not None and minimum is not None and maximum < minimum:
        raise CommandError("maximum number of nodes must be greater than minimum number of nodes")
    if maximum is not None and nodes is not None and maximum < nodes:
        raise CommandError("maximum number of nodes must be greater than or equal to number of nodes")
    if minimum is not None and nodes is not None and minimum > nodes:
        raise CommandError("minimum number of nodes must be fewer than or equal to number of nodes")


def _validate_managed(nodegroup: dict, target: dict, wrap: str) -> None:
    # The EKS wording below is EKS's where the differential test has seen it (docs/eksctl.md, eks-answers); the others are [inferred].
    if nodegroup["status"] != "ACTIVE" or nodegroup["pending_reads"] > 0:
        raise CommandError("%soperation error EKS: UpdateNodegroupConfig, https response error StatusCode: 409, RequestID: %s, "
                           "ResourceInUseException: Nodegroup cannot be updated as it is currently not in Active State" % (wrap, request_id()))
    problem = None
    if target["max"] < 1:
        problem = "Maximum capacity %d can't be less than 1" % target["max"]
    elif target["min"] > target["desired"]:
        problem = "Minimum capacity %d can't be greater than desired size %d" % (target["min"], target["desired"])
    elif target["desired"] > target["max"]:
        problem = "Desired capacity %d can't be greater than max size %d" % (target["desired"], target["max"])
    if problem:
        raise CommandError("%soperation error EKS: UpdateNodegroupConfig, https response error StatusCode: 400, RequestID: %s, "
                           "InvalidParameterException: %s" % (wrap, request_id(), problem))


def _validate_asg(target: dict, wrap: str) -> None:
    if not target["min"] <= target["desired"] <= target["max"]:
        raise CommandError("%soperation error Auto Scaling: UpdateAutoScalingGroup, https response error StatusCode: 400, RequestID: %s, "
                           "api error ValidationError: Desired capacity:%d must be between the specified min size:%d and max size:%d"
                           % (wrap, request_id(), target["desired"], target["min"], target["max"]))
