# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils file is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""Domain exceptions. Modules turn them into ``fail_json`` in one place (``_module.run_module``)."""

from __future__ import annotations

import typing as t


class EksctlError(Exception):
    """Base of every error the collection reports.

    ``details`` holds what ``fail_json`` returns next to ``msg``: the command, rc and
    streams of a failed eksctl call, and the partial result of a multi-step operation.
    """

    def __init__(self, msg: str, **details: t.Any) -> None:
        super().__init__(msg)
        self.msg = msg
        self.details = details


class InvalidRequest(EksctlError):
    """The request itself is wrong; raised before any eksctl call."""


class EksctlNotFound(EksctlError):
    """The eksctl binary is missing or cannot be executed."""


class CommandTimeout(EksctlError):
    """An eksctl call ran longer than ``command_timeout`` and was killed."""


class OutputParseError(EksctlError):
    """eksctl exited 0 but printed something that is not the expected JSON."""


class CommandFailed(EksctlError):
    """eksctl exited non-zero for a reason with no more specific class."""


class ClusterNotFound(CommandFailed):
    """EKS answered ResourceNotFoundException for the cluster."""


class NodegroupNotFound(CommandFailed):
    """EKS answered ResourceNotFoundException for a nodegroup."""


class CredentialsError(CommandFailed):
    """The STS identity check (or the credential chain) failed."""


class RegionError(CommandFailed):
    """No region could be resolved, or the region is not one eksctl supports."""


class ThrottlingError(CommandFailed):
    """AWS kept throttling the call after every retry."""


class ResourceInUse(CommandFailed):
    """EKS answered 409 ResourceInUseException (nodegroup not ACTIVE)."""


class ClusterUnavailable(CommandFailed):
    """The cluster is CREATING, DELETING or FAILED, so nodegroups cannot be read."""


class NotEksCluster(CommandFailed):
    """The cluster is registered through EKS Connector; eksctl reads and scales only EKS clusters."""


class KubernetesAccessError(CommandFailed):
    """eksctl could not list the cluster's Kubernetes nodes (it does for self-managed nodegroups with nodes)."""


class WaitTimeout(EksctlError):
    """Nodegroups did not settle within ``wait_timeout``."""


class NodegroupFailed(EksctlError):
    """A nodegroup reached DEGRADED or a failed status while being waited for."""


class OperationFailed(EksctlError):
    """Some writes of a multi-nodegroup operation failed; ``details`` has the per-nodegroup outcome."""


class Unrecorded(EksctlError):
    """A start found stopped nodegroups with no recording anywhere and, told not to guess (``start_unrecorded=false``), kept
    them stopped: a recording may have been lost, and only a person can tell. ``details`` has the result."""
