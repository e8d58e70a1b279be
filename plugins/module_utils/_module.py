# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils file is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""Glue between AnsibleModule and the collection: the shared argument spec (mirrored by the
``eks_tools.eksctl._eksctl`` doc fragment), building the client, each module's one action, and the one
place where domain exceptions become ``fail_json``."""

from __future__ import annotations

import functools
import typing as t

from ansible.module_utils.basic import env_fallback
from ansible.module_utils.errors import AnsibleFallbackNotFound

from ._eksctl import CREDENTIAL_VARIABLES, Credentials, EksctlClient, first_set, resolve_binary
from ._errors import EksctlError
from ._kubernetes.access import connect
from ._reader import ClusterReader, Connect
from ._recording.file import RecordingFile
from ._recording.keeper import RecordingKeeper, RecordingOptions, Store
from ._recording.ssm import SsmStore, botocore_parameters
from ._runner import ModuleRunner
from ._scaler import NodegroupScaler
from ._validation import info_request, scale_request, validate_connection

if t.TYPE_CHECKING:
    from ansible.module_utils.basic import AnsibleModule


def non_empty_env_fallback(*names: str) -> str:
    """The first of the variables that is set and not empty: the AWS SDKs treat AWS_REGION="" as unset."""
    value = first_set(names)
    if value is None:
        raise AnsibleFallbackNotFound
    return value


SHARED_ARGUMENT_SPEC: dict[str, dict[str, t.Any]] = {
    "region": {"type": "str", "aliases": ["aws_region"], "fallback": (non_empty_env_fallback, ["AWS_REGION", "AWS_DEFAULT_REGION"])},
    "profile": {"type": "str", "aliases": ["aws_profile"]},
    "access_key": {"type": "str", "aliases": ["aws_access_key_id", "aws_access_key"], "no_log": True,
                   "fallback": (env_fallback, list(CREDENTIAL_VARIABLES["access_key"]))},
    "secret_key": {"type": "str", "aliases": ["aws_secret_access_key", "aws_secret_key"], "no_log": True,
                   "fallback": (env_fallback, list(CREDENTIAL_VARIABLES["secret_key"]))},
    "session_token": {"type": "str", "aliases": ["aws_session_token", "security_token", "aws_security_token"], "no_log": True,
                      "fallback": (env_fallback, list(CREDENTIAL_VARIABLES["session_token"]))},
    "eksctl_path": {"type": "path"},
    "command_timeout": {"type": "int", "default": 300},
    "retries": {"type": "int", "default": 5},
    "retry_delay": {"type": "float", "default": 2.0},
    "parallelism": {"type": "int", "default": 10},
}


def argument_spec(**module_options: dict[str, t.Any]) -> dict[str, dict[str, t.Any]]:
    spec = dict(SHARED_ARGUMENT_SPEC)
    spec.update(module_options)
    return spec


def build_client(module: AnsibleModule) -> EksctlClient:
    """Check the shared options, then find eksctl once. Raises InvalidRequest before any eksctl call."""
    params = module.params
    validate_connection(params)
    # Not required here: a missing eksctl fails through resolve_binary with the message the inventory plugin gives too.
    binary = resolve_binary(params["eksctl_path"], lambda: module.get_bin_path("eksctl", required=False))
    return EksctlClient(
        ModuleRunner(module),
        binary,
        region=params["region"],
        profile=params["profile"],
        credentials=Credentials(params["access_key"], params["secret_key"], params["session_token"]),
        command_timeout=params["command_timeout"],
        retries=params["retries"],
        retry_delay=params["retry_delay"],
    )


def kubernetes_connector(module: AnsibleModule) -> Connect:
    """How a cluster's Kubernetes API is opened: its endpoint and CA from its description, a token made with the credentials
    eksctl gets (the options, or the usual chain), and command_timeout for each request."""
    params = module.params
    credentials = {"aws_access_key_id": params["access_key"] or None, "aws_secret_access_key": params["secret_key"] or None,
                   "aws_session_token": params["session_token"] or None}
    return functools.partial(connect, profile=params["profile"], credentials=credentials, timeout=params["command_timeout"])


def report_clusters(module: AnsibleModule) -> dict[str, t.Any]:
    """``eks_cluster_info``: read, never write."""
    request = info_request(module.params)
    client = build_client(module)
    clusters = ClusterReader(client, parallelism=module.params["parallelism"], connect=kubernetes_connector(module)).cluster_info(request)
    return {"changed": False, "clusters": clusters, "warnings": client.warnings}


def recording_keeper(module: AnsibleModule, options: RecordingOptions) -> RecordingKeeper:
    """The recording's sources and stores as the options give them: the file, and the SSM parameter with the credentials
    eksctl gets."""
    params = module.params
    stores: list[Store] = []
    if options.path:
        stores.append(RecordingFile(options.path, lock_timeout=params["command_timeout"]))
    if options.ssm_prefix:
        stores.append(SsmStore(options.ssm_prefix, botocore_parameters(
            profile=params["profile"], access_key=params["access_key"], secret_key=params["secret_key"],
            session_token=params["session_token"], retries=params["retries"], timeout=params["command_timeout"])))
    return RecordingKeeper(given=options.given, facts=options.facts, stores=stores, check_mode=module.check_mode)


def scale_nodegroups(module: AnsibleModule) -> dict[str, t.Any]:
    """``eks_nodegroup_scale``: the request is checked whole before the first eksctl call."""
    request, options = scale_request(module.params, diff=module._diff)
    client = build_client(module)
    keeper = recording_keeper(module, options)
    reader = ClusterReader(client, parallelism=module.params["parallelism"], connect=kubernetes_connector(module))
    return NodegroupScaler(reader, keeper, check_mode=module.check_mode).apply(request)


def run_module(module: AnsibleModule, action: t.Callable[[AnsibleModule], dict[str, t.Any]]) -> None:
    """Run the module's one action; every domain error becomes a one-line ``fail_json``."""
    try:
        result = action(module)
    except EksctlError as exc:
        details = dict(exc.details)
        # Warnings go through module.warn: fail_json(warnings=...) is deprecated in ansible-core.
        for warning in details.pop("warnings", None) or []:
            module.warn(warning)
        module.fail_json(msg=exc.msg, **details)
    for warning in result.pop("warnings", []):
        module.warn(warning)
    module.exit_json(**result)
