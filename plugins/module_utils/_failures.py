# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils file is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""Every kind of failure the collection knows, in one table: how eksctl's error reads, the exception it becomes, the
hint a message carries, whether it is retried, and the fix the preflight names. Each rule's words are written here once;
everything else refers to them.

Pure: imports only the exception classes.
"""

from __future__ import annotations

import re
import typing as t

from . import _errors as errors


class FailureKind(t.NamedTuple):
    name: str
    pattern: re.Pattern[str] | None   # matched against eksctl's error line; None: raised by the collection itself
    error: type[errors.EksctlError]
    problem: str = ""                  # what is wrong, in a few words: a message leads with it and the hint
    hint: str = ""                     # what to do, short
    retried: bool = False              # worth another attempt (transient)
    fix: str = ""                      # the preflight's one-line fix, where the preflight names this kind


# ---------------------------------------------------------------------------- rules written once

# eksctl's check of the nodegroup it scales (IsInvalidNameArg) refuses any character other than letters, digits and "-",
# after its AWS calls; its message quotes a stricter pattern than the check it runs. A nodegroup made by Terraform or the
# console with "_" in its name can be read, never scaled, by eksctl.
EKSCTL_NODEGROUP_PATTERN = re.compile(r"[a-zA-Z0-9-]+")
UNSCALABLE_RULE = "eksctl scales only nodegroups named with letters, digits and '-'"
UNSCALABLE_FIX = "scale it with the EKS console or API (aws eks update-nodegroup-config)"

KUBERNETES_ACCESS_FIX = ("let this host reach the cluster's API endpoint and grant this identity 'list nodes' (an access entry or aws-auth), "
                         "or name only managed nodegroups")


def eksctl_can_scale(name: str) -> bool:
    return bool(EKSCTL_NODEGROUP_PATTERN.fullmatch(name))


# ---------------------------------------------------------------------------- the table

# Order matters: the first pattern that matches wins. The substrings come from eksctl's error texts as the real binaries
# print them. A Kubernetes refusal or a broken connection can come wrapped in the STS check's words, so they come first.
KINDS = (
    FailureKind("throttling", re.compile(r"ThrottlingException|TooManyRequestsException|Rate exceeded|RequestLimitExceeded|SlowDown"),
                errors.ThrottlingError, retried=True, problem="AWS kept throttling the calls",
                hint="raise retries or retry_delay, or lower parallelism"),
    FailureKind("not_eks", re.compile(r"cannot perform this operation on a non-EKS cluster"), errors.NotEksCluster,
                problem="the cluster is registered through EKS Connector", hint="its own Kubernetes provider runs its nodes, not eksctl",
                fix="stop it with the tools of the provider that runs it; eksctl cannot reach its nodes"),
    FailureKind("kubernetes_access", re.compile(r"getting nodegroup's kubernetes version|failed to list nodes"),
                errors.KubernetesAccessError, problem="eksctl cannot read the nodes of the cluster's self-managed nodegroups",
                hint=KUBERNETES_ACCESS_FIX, fix=KUBERNETES_ACCESS_FIX),
    # A connection that broke off mid-answer is transient; eksctl retries no STS call, so these reach its output.
    FailureKind("network", re.compile(r"use of closed network connection|connection reset by peer|broken pipe|TLS handshake timeout|"
                                      r"unexpected EOF|server closed idle connection"),
                errors.CommandFailed, retried=True, problem="the connection to AWS kept breaking off",
                hint="check the network path or proxy, or raise retries"),
    FailureKind("credentials", re.compile(r"checking AWS STS access|get credentials|InvalidClientTokenId|ExpiredToken|"
                                          r"UnrecognizedClientException|SignatureDoesNotMatch|NoCredentialProviders"),
                errors.CredentialsError, problem="AWS refused the credentials",
                hint="check access_key, secret_key and session_token, the profile, or the environment"),
    # Credentials AWS accepted, for an identity whose IAM policy lacks the call: other advice than for bad credentials.
    FailureKind("permissions", re.compile(r"AccessDenied|is not authorized to perform"),
                errors.CredentialsError, problem="AWS denied this identity the call",
                hint="grant it the IAM action named at the end of this message (the README lists every one)"),
    FailureKind("unscalable_name", re.compile(r"validation for \S+ failed, name must satisfy regular expression pattern"),
                errors.CommandFailed, problem=UNSCALABLE_RULE, hint=UNSCALABLE_FIX, fix=UNSCALABLE_FIX),
    FailureKind("region", re.compile(r"AWS Region must be set|is not supported - use one of"), errors.RegionError,
                problem="no region is set", hint="set the region option, AWS_REGION or a profile region"),
    FailureKind("nodegroup_not_found", re.compile(r"No node ?group found for name"), errors.NodegroupNotFound),
    FailureKind("cluster_not_found", re.compile(r"No cluster found for name|ResourceNotFoundException"), errors.ClusterNotFound),
    FailureKind("resource_in_use", re.compile(r"ResourceInUseException|StatusCode: 409"), errors.ResourceInUse),
    FailureKind("cluster_unavailable", re.compile(r"cannot perform Kubernetes API operations on cluster"), errors.ClusterUnavailable),
)
BY_NAME = {kind.name: kind for kind in KINDS}


def classify(text: str) -> FailureKind | None:
    """The kind of failure eksctl's error line names, or None."""
    return next((kind for kind in KINDS if kind.pattern is not None and kind.pattern.search(text)), None)
