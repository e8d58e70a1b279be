# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils file is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""Glue between AnsibleModule and the provider: the shared argument spec (mirrored by the
``eks_tools.eksctl._eksctl`` doc fragment), building the client, and the one place where
domain exceptions become ``fail_json``."""

from __future__ import annotations

import math
import re
import typing as t

from ansible.module_utils.basic import env_fallback
from ansible.module_utils.errors import AnsibleFallbackNotFound

from ._eksctl import CREDENTIAL_VARIABLES, Credentials, EksctlClient, first_set, resolve_binary
from ._errors import EksctlError, InvalidRequest
from ._planning import validate_region
from ._provider import CapacityProvider
from ._runner import ModuleRunner

if t.TYPE_CHECKING:
    from ansible.module_utils.basic import AnsibleModule

# AWS profile names as the CLI and SDKs write them in ~/.aws/config; nothing that a shell or eksctl could read otherwise.
PROFILE_PATTERN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.+@:/-]{0,127}")


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


def check_range(params: dict[str, t.Any], option: str, minimum: float, maximum: float) -> None:
    """A finite number within [minimum, maximum]: nan passes every comparison, and huge values overflow timers."""
    value = params[option]
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidRequest("%s must be a finite number, got %s" % (option, value))
    if value < minimum:
        raise InvalidRequest("%s must be at least %s, got %s" % (option, minimum, value))
    if value > maximum:
        raise InvalidRequest("%s must be at most %s, got a larger number" % (option, maximum))


def build_client(module: AnsibleModule) -> EksctlClient:
    """Check the shared options, then find eksctl once. Raises InvalidRequest before any eksctl call."""
    params = module.params
    region = params["region"]
    if region is not None:
        validate_region(region)
    if params["profile"] is not None and not params["profile"].strip():
        raise InvalidRequest("profile must not be empty")
    if params["profile"] is not None and not PROFILE_PATTERN.fullmatch(params["profile"]):
        raise InvalidRequest("profile=%r is not an AWS profile name: use letters, digits and _.+@:/-, starting with a letter, digit or _"
                             % params["profile"][:130])
    check_range(params, "command_timeout", 1, 86400)
    check_range(params, "retries", 0, 100)
    check_range(params, "retry_delay", 0, 3600)
    check_range(params, "parallelism", 1, 100)
    if bool(params["access_key"]) != bool(params["secret_key"]):
        raise InvalidRequest("access_key and secret_key must be given together (as options or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)")
    binary = resolve_binary(params["eksctl_path"], lambda: module.get_bin_path("eksctl", required=True))
    return EksctlClient(
        ModuleRunner(module),
        binary,
        region=region,
        profile=params["profile"],
        credentials=Credentials(params["access_key"], params["secret_key"], params["session_token"]),
        command_timeout=params["command_timeout"],
        retries=params["retries"],
        retry_delay=params["retry_delay"],
    )


def build_provider(module: AnsibleModule, client: EksctlClient, **options: t.Any) -> CapacityProvider:
    return CapacityProvider(client, check_mode=module.check_mode, parallelism=module.params["parallelism"], **options)


def run_module(module: AnsibleModule, action: t.Callable[[], dict[str, t.Any]]) -> None:
    """Run the module's one provider call; every domain error becomes a one-line ``fail_json``."""
    try:
        result = action()
    except EksctlError as exc:
        details = dict(exc.details)
        # Warnings go through module.warn: fail_json(warnings=...) is deprecated in ansible-core.
        for warning in details.pop("warnings", None) or []:
            module.warn(warning)
        module.fail_json(msg=exc.msg, **details)
    for warning in result.pop("warnings", []):
        module.warn(warning)
    module.exit_json(**result)
