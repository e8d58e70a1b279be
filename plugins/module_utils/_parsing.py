# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils file is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""Pure functions that read what eksctl prints. No I/O here.

The shapes are eksctl's (0.230.0 and 0.215.0, checked against the real binaries; docs/eksctl.md):

* ``get cluster -o json``: a list of ``{Name, Region, Owned}``; ``Owned`` is the string
  ``True``/``False``/``Unknown``.
* ``get cluster --name X -o json``: a one-element list holding an EKS DescribeCluster
  object; it has no ``Region`` key, so the region is read from ``Arn``.
* ``get nodegroup -o json``: a list of the 14-key nodegroup summary whose type key is ``Type``.
* ``get fargateprofile -o json``: a list of eksctl's own FargateProfile (``name``, ``selectors`` of ``namespace`` and
  ``labels``, ``podExecutionRoleARN``, ``subnets``, ``tags``, ``status``), ``[]`` for none (``pkg/fargate/print.go``).
* JSON is 4-space indented with no trailing newline; log lines of ``get`` go to stderr.
"""

from __future__ import annotations

import difflib
import json
import re
import typing as t

from ._errors import OutputParseError
from ._failures import BY_NAME, FailureKind, classify

EXCERPT_LENGTH = 200

ARN_PATTERN = re.compile(r"^arn:aws[a-zA-Z-]*:eks:(?P<region>[a-z0-9-]+):\d*:cluster/")
OWNED_VALUES = {"True": True, "False": False}


def excerpt(text: str, limit: int = EXCERPT_LENGTH) -> str:
    """A short single-line excerpt for messages."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit] + "..."


def load_json_list(stdout: str, *, what: str) -> list[t.Any]:
    """Decode a JSON list printed by eksctl; anything else raises OutputParseError."""
    text = stdout.strip()
    if not text:
        raise OutputParseError("eksctl printed nothing where %s JSON was expected" % what, stdout=stdout)
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise OutputParseError("eksctl printed %s output that is not valid JSON (%s): %s" % (what, exc, excerpt(text)), stdout=stdout) from None
    if not isinstance(document, list):
        raise OutputParseError("eksctl printed %s JSON that is not a list: %s" % (what, excerpt(text)), stdout=stdout)
    for item in document:
        if not isinstance(item, dict):
            raise OutputParseError("eksctl printed %s JSON whose items are not objects: %s" % (what, excerpt(text)), stdout=stdout)
    return document


def _field(item: dict[str, t.Any], key: str, kind: type, *, what: str) -> t.Any:
    if key not in item:
        raise OutputParseError("eksctl %s JSON lacks the key %r: %s" % (what, key, excerpt(json.dumps(item))))
    value = item[key]
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise OutputParseError("eksctl %s JSON has a non-integer %r: %r" % (what, key, value))
    if kind is str and not isinstance(value, str):
        raise OutputParseError("eksctl %s JSON has a non-string %r: %r" % (what, key, value))
    return value


def _optional_str(item: dict[str, t.Any], key: str, *, what: str) -> str | None:
    value = item.get(key)
    if value is not None and not isinstance(value, str):
        raise OutputParseError("eksctl %s JSON has a non-string %r: %s" % (what, key, excerpt(repr(value))))
    return value


def parse_cluster_list(stdout: str) -> list[dict[str, t.Any]]:
    """``get cluster -o json`` (list form) to ``[{name, region, owned}]``."""
    clusters = []
    for item in load_json_list(stdout, what="cluster list"):
        owned = _field(item, "Owned", str, what="cluster list")
        clusters.append({
            "name": _field(item, "Name", str, what="cluster list"),
            "region": _field(item, "Region", str, what="cluster list"),
            "owned": OWNED_VALUES.get(owned),
        })
    return clusters


def region_from_arn(arn: str | None) -> str | None:
    match = ARN_PATTERN.match(arn or "")
    return match.group("region") if match else None


def parse_cluster_description(stdout: str) -> dict[str, t.Any]:
    """``get cluster --name X -o json`` (DescribeCluster form) to the collection's cluster fields."""
    items = load_json_list(stdout, what="cluster description")
    if len(items) != 1:
        raise OutputParseError("eksctl printed %d cluster descriptions where one was expected" % len(items))
    item = items[0]
    arn = _optional_str(item, "Arn", what="cluster description")
    tags = item.get("Tags") or {}
    return {
        "name": _field(item, "Name", str, what="cluster description"),
        "region": region_from_arn(arn),
        "arn": arn,
        "status": _optional_str(item, "Status", what="cluster description"),
        "version": _optional_str(item, "Version", what="cluster description"),
        "endpoint": _optional_str(item, "Endpoint", what="cluster description"),
        # The cluster's CA (base64 PEM), which the Kubernetes API's TLS is verified against; never returned by eks_cluster_info.
        "certificate_authority": _optional_str(_object(item, "CertificateAuthority"), "Data", what="cluster description"),
        "created_at": _optional_str(item, "CreatedAt", what="cluster description"),
        "tags": dict(tags) if isinstance(tags, dict) else {},
        # An EKS-Connector registration carries its ConnectorConfig; an EKS cluster has null there.
        "connector": bool(item.get("ConnectorConfig")),
        "auto_mode": _auto_mode(item),
        # UpgradePolicy.SupportType: STANDARD, or EXTENDED (billed at a higher hourly rate once standard support ends).
        "support_type": _optional_str(_object(item, "UpgradePolicy"), "SupportType", what="cluster description"),
    }


def _object(item: dict[str, t.Any], key: str) -> dict[str, t.Any]:
    """A nested object of eksctl's JSON; absent or null (an older eksctl, or a cluster without it) reads as empty."""
    value = item.get(key)
    return value if isinstance(value, dict) else {}


def _auto_mode(item: dict[str, t.Any]) -> dict[str, t.Any]:
    """EKS Auto Mode, from the description's ComputeConfig: whether it is on, and the node pools it runs."""
    compute = _object(item, "ComputeConfig")
    pools = compute.get("NodePools")
    return {
        "enabled": compute.get("Enabled") is True,
        "node_pools": [pool for pool in pools if isinstance(pool, str)] if isinstance(pools, list) else [],
        "node_role_arn": _optional_str(compute, "NodeRoleArn", what="cluster description"),
    }


def parse_nodegroups(stdout: str) -> list[dict[str, t.Any]]:
    """``get nodegroup -o json`` to the collection's nodegroup fields, in eksctl's order."""
    nodegroups = []
    for item in load_json_list(stdout, what="nodegroup"):
        kind = _field(item, "Type", str, what="nodegroup")
        _sizes_that_can_be(item)
        nodegroups.append({
            "name": _field(item, "Name", str, what="nodegroup"),
            "type": "unmanaged" if kind == "unmanaged" else "managed",
            "status": _field(item, "Status", str, what="nodegroup"),
            "desired_size": _field(item, "DesiredCapacity", int, what="nodegroup"),
            "min_size": _field(item, "MinSize", int, what="nodegroup"),
            "max_size": _field(item, "MaxSize", int, what="nodegroup"),
            "instance_type": item.get("InstanceType"),
            "image_id": item.get("ImageID"),
            "version": item.get("Version"),
            "stack_name": item.get("StackName"),
            "autoscaling_group_name": item.get("AutoScalingGroupName"),
            "created_at": item.get("CreationTime"),
        })
    return nodegroups


def _sizes_that_can_be(item: dict[str, t.Any]) -> None:
    """Sizes are checked before anything records, compares or replays them: integers, none negative, min <= desired <= max.
    (A self-managed group whose stack has no live Auto Scaling group could print anything; a replayed --nodes=-3 is refused.)"""
    desired, minimum, maximum = (_field(item, key, int, what="nodegroup") for key in ("DesiredCapacity", "MinSize", "MaxSize"))
    if min(desired, minimum, maximum) < 0 or not minimum <= desired <= maximum:
        raise OutputParseError("eksctl printed sizes nodegroup %s cannot have: desired/min/max %d/%d/%d (none may be negative, and min <= "
                               "desired <= max); check it in the EKS console" % (item.get("Name"), desired, minimum, maximum))


def parse_fargate_profiles(stdout: str) -> list[dict[str, t.Any]]:
    """``get fargateprofile -o json``: a list of eksctl's FargateProfile (``[]`` when the cluster has none)."""
    profiles = []
    for item in load_json_list(stdout, what="Fargate profile"):
        selectors = item.get("selectors") or []
        if not isinstance(selectors, list) or not all(isinstance(selector, dict) for selector in selectors):
            raise OutputParseError("eksctl Fargate profile JSON has selectors that are not a list of objects: %s" % excerpt(json.dumps(item)))
        profiles.append({
            "name": _field(item, "name", str, what="Fargate profile"),
            "status": _optional_str(item, "status", what="Fargate profile"),
            "selectors": [{"namespace": selector.get("namespace"), "labels": dict(selector.get("labels") or {})} for selector in selectors],
            "pod_execution_role_arn": _optional_str(item, "podExecutionRoleARN", what="Fargate profile"),
            "subnets": list(item.get("subnets") or []),
        })
    return profiles


def classify_failure(stderr: str) -> FailureKind | None:
    """The kind of failure of a non-zero eksctl exit, from its stderr, or None."""
    return classify(error_line(stderr))


REGION_LIST = re.compile(r"is not supported - use one of:? *(?P<regions>[a-z0-9, -]+)")


def supported_regions(text: str) -> list[str]:
    """The regions eksctl lists when it refuses one it does not support."""
    match = REGION_LIST.search(text)
    return [region.strip() for region in match.group("regions").split(",") if region.strip()] if match else []


def region_advice(cause: str, region: str | None) -> tuple[str, str, str]:
    """A refused region as what is wrong, what to do, and eksctl's cause without the list of every region it supports (45
    names): the region it is closest to is the advice."""
    regions = supported_regions(cause)
    kind = BY_NAME["region"]
    if not regions:
        return kind.problem, kind.hint, cause
    given = region or cause.split(" is not supported", 1)[0].rsplit("=", 1)[-1].strip()
    close = difflib.get_close_matches(given, regions, n=1, cutoff=0.6)
    hint = "did you mean %s?" % close[0] if close else "set region to one of the %d regions eksctl supports (listed in stderr)" % len(regions)
    return "eksctl does not support region %s" % given, hint, cause.split(" - use one of", 1)[0]


SDK_FRAMING = (
    (re.compile(r"operation error ([\w ]+): (\w+), "), r"\1 \2: "),
    (re.compile(r"https response error StatusCode: (\d+), "), r"HTTP \1, "),
    (re.compile(r"RequestID: [\w-]*, "), ""),
    (re.compile(r"api error "), ""),
)


def short_cause(text: str) -> str:
    """eksctl's error line without the AWS SDK's framing: ``operation error EKS: DescribeCluster, https response error
    StatusCode: 404, RequestID: 1c7e, ResourceNotFoundException: No cluster found for name: x.`` reads
    ``EKS DescribeCluster: HTTP 404, ResourceNotFoundException: No cluster found for name: x.``"""
    for pattern, replacement in SDK_FRAMING:
        text = pattern.sub(replacement, text)
    return text


# `get cluster -A` goes on when it cannot read a region: it logs the region and exits 0 without its clusters.
SKIPPED_REGION = re.compile(r'error (?:creating provider|listing clusters) in "(?P<region>[^"]+)" region: (?P<cause>.*)$', re.M)


def skipped_regions(stderr: str) -> dict[str, str]:
    """The regions a successful ``get cluster -A`` could not read, with eksctl's reason for each."""
    return {match.group("region"): match.group("cause").strip() for match in SKIPPED_REGION.finditer(stderr)}


UNAVAILABLE_STATUS = re.compile(r'due to status "(?P<status>[A-Z_]+)"')


def unavailable_cluster_status(stderr: str) -> str | None:
    """The cluster status named by eksctl's "cannot perform Kubernetes API operations" error."""
    match = UNAVAILABLE_STATUS.search(stderr)
    return match.group("status") if match else None


def error_line(stderr: str) -> str:
    """The line that says what went wrong.

    eksctl prints warnings to stderr before cobra's ``Error: ...`` line, so the first line can
    hide the cause. Prefer the last ``Error:`` line, then the last non-empty one.
    """
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in reversed(lines):
        if line.startswith("Error: "):
            return line[len("Error: "):]
    return lines[-1] if lines else ""
