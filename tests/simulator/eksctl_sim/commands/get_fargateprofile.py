# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""``eksctl get fargateprofile --cluster C [--name N] [-o json|yaml|table]``: eksctl's own FargateProfile of each.

As eksctl 0.230.0 does it (``pkg/ctl/get/fargate.go``, ``pkg/fargate/get.go`` and ``print.go``), confirmed against the
real binaries by tests/e2e/test_differential.py:

* the flags: ``--cluster``/``-c``, ``--name`` (no shorthand), or the name as the one argument; the common get and
  AWS flags;
* checks before any AWS call: more than one argument (logged with ``[✖]`` on stdout, exit 1), then ``--cluster must
  be set``, then ``--name=A and argument B cannot be used at the same time``; then the provider's, as for ``get
  nodegroup`` (region, STS, ``unable to describe cluster control plane: ...`` for an unknown cluster, the refusal of
  an EKS-Connector cluster); the cluster's status does not matter;
* without a name: ListFargateProfiles, then DescribeFargateProfile of each; with a name only the latter, and an
  unknown name fails with ``failed to get Fargate profile "N": operation error EKS: DescribeFargateProfile, ...
  ResourceNotFoundException: No Fargate Profile found with name: N.``; a failed list with ``failed to get Fargate
  profile(s) for cluster "C": ...``;
* ``-o json``: a list of ``{"name", "podExecutionRoleARN", "selectors": [{"namespace", "labels"}], "subnets",
  "tags", "status"}`` in that order (eksctl's json tags: ``podExecutionRoleARN``, ``labels``, ``subnets`` and
  ``tags`` are left out when empty; map keys sorted), ``[]`` for none, no trailing newline; ``-o yaml``: the same as
  YAML (keys sorted), ``[]`` for none; ``-o table``: one row per selector, sorted, ``No fargateprofiles found`` for
  none; an unknown ``-o`` fails after the reads;
* EKS's list order is not documented; the emulated AWS answers by name and so does the simulator.
"""

from __future__ import annotations

from ..aws import request_id
from ..call import Call
from ..faults import take_fault
from ..output import CommandError, go_json, go_table, go_yaml
from ..state import StateFile

COLUMNS = ["NAME", "SELECTOR_NAMESPACE", "SELECTOR_LABELS", "POD_EXECUTION_ROLE_ARN", "SUBNETS", "TAGS", "STATUS"]


def get_fargateprofile(call: Call, argv: list[str], values: dict, changed: set, positional: list[str]) -> int:
    call.refuse_extra_arguments(positional)
    if not values["cluster"]:
        raise CommandError("--cluster must be set")
    name = call.name_arg(values, changed, positional)
    if values["output"] != "table":
        call.log_writer = call.stderr
    handle = StateFile(call.state_path)
    with handle as state:
        cluster = call.existing_cluster(values, changed, state)
        fault = take_fault(state, "get fargateprofile", argv)
        handle.save()
    profiles = sorted(cluster.get("fargate_profiles", []), key=lambda profile: profile["name"])
    if name:
        wrap, operation = 'failed to get Fargate profile "%s": ' % name, "DescribeFargateProfile"
        profiles = [profile for profile in profiles if profile["name"] == name]
    else:
        wrap, operation = 'failed to get Fargate profile(s) for cluster "%s": ' % cluster["name"], "ListFargateProfiles"
    document = [printed(profile) for profile in profiles]
    if fault:
        call.apply_fault(fault, state, wrap, operation, go_json(document))
    if name and not profiles:
        raise CommandError("%soperation error EKS: DescribeFargateProfile, https response error StatusCode: 404, RequestID: %s, "
                           "ResourceNotFoundException: No Fargate Profile found with name: %s." % (wrap, request_id(), name))
    output = call.check_output(values, yaml=True)
    if output == "json":
        call.stdout.append(go_json(document))
    elif output == "yaml":
        call.stdout.append(go_yaml(document))
    else:
        rows = [[profile["name"], selector["namespace"], format_labels(selector.get("labels")), profile["pod_execution_role_arn"],
                 ",".join(profile["subnets"]) or "<none>", format_labels(profile["tags"]), profile["status"]]
                for profile in profiles for selector in profile["selectors"]]
        call.stdout.append(go_table(COLUMNS, rows) if rows else "No fargateprofiles found\n")
    return 0


def printed(profile: dict) -> dict:
    """One profile as eksctl's api.FargateProfile marshals it."""
    document: dict = {"name": profile["name"]}
    if profile["pod_execution_role_arn"]:
        document["podExecutionRoleARN"] = profile["pod_execution_role_arn"]
    document["selectors"] = [dict({"namespace": selector["namespace"]},
                                  **({"labels": dict(sorted(selector["labels"].items()))} if selector.get("labels") else {}))
                             for selector in profile["selectors"]]
    if profile["subnets"]:
        document["subnets"] = list(profile["subnets"])
    if profile["tags"]:
        document["tags"] = dict(sorted(profile["tags"].items()))
    document["status"] = profile["status"]
    return document


def format_labels(labels: dict | None) -> str:
    """Kubernetes' labels.FormatLabels: ``k=v`` pairs sorted by key, ``<none>`` for none."""
    return ",".join("%s=%s" % pair for pair in sorted((labels or {}).items())) or "<none>"
