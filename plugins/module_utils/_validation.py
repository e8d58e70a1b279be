# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils file is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""Input validation: a module's options (or an inventory file's) in, checked and typed values out, or
``InvalidRequest`` with a one-line message naming the option. Nothing here runs eksctl, so a bad input
never costs an eksctl call.
"""

from __future__ import annotations

import math
import re
import typing as t

from ._errors import InvalidRequest
from ._failures import UNSCALABLE_FIX, UNSCALABLE_RULE, eksctl_can_scale
from ._recording.document import EMPTY, ClusterRecording, from_document, recordings_from_facts
from ._recording.file import not_a_regular_file
from ._recording.keeper import RecordingOptions
from ._model import SIZE_OPTIONS, InfoRequest, ScaleRequest

# EKS: a cluster name is 1-100 characters, a nodegroup name 1-63; both start with a letter or
# digit and continue with letters, digits, hyphens and underscores. Refusing anything else up
# front also guarantees that no name can be read by eksctl as a flag or by anything as shell.
NAME_PATTERN = re.compile(r"[0-9A-Za-z][A-Za-z0-9_-]*")
NAME_LIMITS = {"cluster": 100, "nodegroup": 63}
# Matched whole (fullmatch: "$" would accept a trailing newline) and in ASCII ("\d" would accept any Unicode digit).
REGION_PATTERN = re.compile(r"[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}")
REGION_LIMIT = 32
# AWS profile names as the CLI and SDKs write them in ~/.aws/config; nothing that a shell or eksctl could read otherwise.
PROFILE_PATTERN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.+@:/-]{0,127}")
# The largest price per node-hour taken: a sum of prices x node-hours (2**31 nodes for a year) stays finite and valid JSON.
PRICE_LIMIT = 1000000
# EKS and Auto Scaling take sizes as 32-bit integers.
SIZE_LIMIT = 2 ** 31 - 1


def validate_name(value: t.Any, *, option: str, kind: str) -> str:
    """Return the name, or raise InvalidRequest naming the option."""
    limit = NAME_LIMITS[kind]
    if not isinstance(value, str) or not value:
        raise InvalidRequest("%s must be a non-empty %s name" % (option, kind))
    if len(value) > limit:
        raise InvalidRequest("%s must be at most %d characters long, got %d" % (option, limit, len(value)))
    if not NAME_PATTERN.fullmatch(value):
        raise InvalidRequest("%s=%r is not a valid EKS %s name: use letters, digits, '-' and '_', starting with a letter or digit"
                             % (option, value, kind))
    return value


def validate_scalable_name(value: t.Any, *, option: str) -> str:
    """A nodegroup name the user asks to scale: a valid EKS name that eksctl's scale also accepts."""
    name = validate_name(value, option=option, kind="nodegroup")
    if not eksctl_can_scale(name):
        raise InvalidRequest("%s=%r: %s; %s" % (option, name, UNSCALABLE_RULE, UNSCALABLE_FIX))
    return name


def validate_region(value: t.Any, *, option: str = "region") -> str:
    if not isinstance(value, str) or len(value) > REGION_LIMIT or not REGION_PATTERN.fullmatch(value):
        shown = value if not isinstance(value, str) or len(value) <= REGION_LIMIT else value[:REGION_LIMIT] + "..."
        raise InvalidRequest("%s=%r is not an AWS region name (for example eu-north-1)" % (option, shown))
    return value


def validate_profile(value: t.Any, *, option: str = "profile") -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequest("%s must not be empty" % option)
    if not PROFILE_PATTERN.fullmatch(value):
        raise InvalidRequest("%s=%r is not an AWS profile name: use letters, digits and _.+@:/-, starting with a letter, digit or _"
                             % (option, value[:130]))
    return value


def check_range(params: t.Mapping[str, t.Any], option: str, minimum: float, maximum: float) -> None:
    """A finite number within [minimum, maximum]: nan passes every comparison, and huge values overflow timers."""
    value = params[option]
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidRequest("%s must be a finite number, got %s" % (option, value))
    if value < minimum:
        raise InvalidRequest("%s must be at least %s, got %s" % (option, minimum, value))
    if value > maximum:
        raise InvalidRequest("%s must be at most %s, got a larger number" % (option, maximum))


def validate_sizes(sizes: t.Mapping[str, int | None], *, option_prefix: str = "") -> dict[str, int]:
    """Check the sizes a user gave against each other; returns only the given ones."""
    given = {key: value for key, value in sizes.items() if value is not None}
    for key, value in given.items():
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidRequest("%s%s must be an integer, got %r" % (option_prefix, key, value))
        if value < 0:
            raise InvalidRequest("%s%s must be 0 or greater, got %d" % (option_prefix, key, value))
        if value > SIZE_LIMIT:
            raise InvalidRequest("%s%s must be at most %d, got a larger number" % (option_prefix, key, SIZE_LIMIT))
    desired, minimum, maximum = (given.get(key) for key in SIZE_OPTIONS)
    if maximum is not None and maximum < 1:
        raise InvalidRequest("%smax_size must be at least 1 (EKS rejects a maximum of 0); to stop nodegroups use state=stopped" % option_prefix)
    if minimum is not None and maximum is not None and minimum > maximum:
        raise InvalidRequest("%smin_size (%d) must not be greater than max_size (%d)" % (option_prefix, minimum, maximum))
    if desired is not None and minimum is not None and desired < minimum:
        raise InvalidRequest("%sdesired_size (%d) must not be below min_size (%d)" % (option_prefix, desired, minimum))
    if desired is not None and maximum is not None and desired > maximum:
        raise InvalidRequest("%sdesired_size (%d) must not be above max_size (%d)" % (option_prefix, desired, maximum))
    return given


def validate_restore_capacity(value: t.Any, *, option: str = "restore_capacity") -> ClusterRecording:
    """Sizes to start with: one cluster's recording in any shape the module returns (the result's ``recording``, one
    cluster's entry of ``eks_recordings``, or a mapping of nodegroup name to its three sizes)."""
    try:
        recording = from_document(value)
    except ValueError as exc:
        raise InvalidRequest("%s%s" % (option, exc if str(exc).startswith("[") else " " + str(exc))) from None
    for name in recording.nodegroups:
        validate_name(name, option="%s key" % option, kind="nodegroup")
    return recording


def validate_recordings(value: t.Any, *, option: str = "recordings") -> dict[str, ClusterRecording]:
    """The host fact ``eks_recordings`` given back, in any shape the module returns."""
    if value is None:
        return {}
    try:
        recordings = recordings_from_facts(value)
    except ValueError as exc:
        raise InvalidRequest("%s%s" % (option, exc if str(exc).startswith("[") else " " + str(exc))) from None
    for key, recording in recordings.items():
        for name in recording.nodegroups:
            validate_name(name, option="%s[%s] key" % (option, key), kind="nodegroup")
    return recordings


# A Parameter Store name: a path of letters, digits and _.-/ (at most 1011 characters and 15 levels with the region and
# cluster the store adds); names starting with aws or ssm are AWS's own.
SSM_PREFIX_PATTERN = re.compile(r"(/[A-Za-z0-9_.-]+)+/?")


def validate_ssm_prefix(value: t.Any, *, option: str = "recording_ssm_prefix") -> str:
    if not isinstance(value, str) or not SSM_PREFIX_PATTERN.fullmatch(value) or len(value) > 800 or value.count("/") > 12:
        raise InvalidRequest("%s must be a Parameter Store path such as /eks_tools/recordings (letters, digits and _.-, at most 12 levels)"
                             % option)
    if value.lstrip("/").lower().startswith(("aws", "ssm")):
        raise InvalidRequest("%s=%s: Parameter Store reserves names starting with aws or ssm; choose another prefix" % (option, value))
    return value


def validate_recording_path(value: t.Any, *, option: str = "recording_path") -> str:
    """A file path the recording can live in: never empty (that would turn the file off without a word), never a directory
    or a FIFO (checked without opening it: a read of a FIFO waits for ever)."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequest("%s is empty; give a file path, or set recording_file=false with recording_ssm_prefix to keep no file" % option)
    kind = not_a_regular_file(value)
    if kind:
        raise InvalidRequest("%s=%s is %s; give a regular file path" % (option, value, kind))
    return value


def validate_hourly_prices(value: t.Any, *, option: str = "hourly_prices") -> dict[str, float] | None:
    """Instance type to a price per hour of one node: finite numbers of 0 or more. Empty or None means no price map."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise InvalidRequest("%s must be a dictionary of instance type to price per hour, for example {m5.large: 0.096}" % option)
    prices = {}
    for instance_type, price in value.items():
        if not isinstance(instance_type, str) or not instance_type.strip() or "," in instance_type:
            raise InvalidRequest("%s keys must be single instance type names such as m5.large, got %r" % (option, instance_type))
        if isinstance(price, bool) or not isinstance(price, (int, float)):
            raise InvalidRequest("%s[%s] must be a number (the price per hour of one node), got %r" % (option, instance_type, price))
        try:
            number = float(price)
        except OverflowError:  # an integer beyond any float
            raise InvalidRequest("%s[%s] must be a finite number of 0 or more, got a larger number" % (option, instance_type)) from None
        if not math.isfinite(number) or number < 0:
            raise InvalidRequest("%s[%s] must be a finite number of 0 or more, got %s" % (option, instance_type, price))
        if number > PRICE_LIMIT:
            raise InvalidRequest("%s[%s] must be at most %d (a price per hour of one node), got a larger number" % (option, instance_type, PRICE_LIMIT))
        prices[instance_type.strip()] = number
    return prices or None


# --------------------------------------------------------------------------- a module's options


def validate_connection(params: t.Mapping[str, t.Any]) -> None:
    """The options every module shares (region, profile, credentials, limits of the eksctl calls)."""
    if params["region"] is not None:
        validate_region(params["region"])
    if params["profile"] is not None:
        validate_profile(params["profile"])
    check_range(params, "command_timeout", 1, 86400)
    check_range(params, "retries", 0, 100)
    check_range(params, "retry_delay", 0, 3600)
    check_range(params, "parallelism", 1, 100)
    if bool(params["access_key"]) != bool(params["secret_key"]):
        raise InvalidRequest("access_key and secret_key must be given together (as options or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)")


def info_request(params: t.Mapping[str, t.Any]) -> InfoRequest:
    name = params["name"]
    if name is not None:
        validate_name(name, option="name", kind="cluster")
    if params["kubernetes"] and not name and not params["details"]:
        raise InvalidRequest("kubernetes=true needs name or details=true: it reads each described cluster's Kubernetes API")
    return InfoRequest(name=name, details=params["details"], all_regions=params["all_regions"], kubernetes=params["kubernetes"])


def scale_request(params: t.Mapping[str, t.Any], *, diff: bool = False) -> tuple[ScaleRequest, RecordingOptions]:
    """Every check of ``eks_nodegroup_scale``'s own options that needs no eksctl call."""
    state = params["state"]
    validate_name(params["cluster"], option="cluster", kind="cluster")
    names = tuple(params["name"] or ())
    for name in names:
        validate_scalable_name(name, option="name")
    sizes = {key: params[key] for key in SIZE_OPTIONS}
    given = [key for key, value in sizes.items() if value is not None]
    if state == "present":
        if not names:
            raise InvalidRequest("name is required with state=present")
        if not given:
            raise InvalidRequest("state=present needs at least one of desired_size, min_size, max_size")
    elif given:
        raise InvalidRequest("%s cannot be used with state=%s; stop and start keep or restore the recorded sizes" % (", ".join(given), state))
    if params["restore_capacity"] is not None and state != "started":
        raise InvalidRequest("restore_capacity can only be used with state=started")
    if params["recordings"] is not None and state == "present":
        raise InvalidRequest("recordings can only be used with state=stopped or state=started")
    if params["hourly_prices"] is not None and state != "started":
        raise InvalidRequest("hourly_prices can only be used with state=started: the start reports what the stop saved")
    check_range(params, "wait_timeout", 0, 7 * 86400)
    check_range(params, "recording_max_age", 0, 366 * 24)
    if params["wait_sleep"] <= 0:
        raise InvalidRequest("wait_sleep must be greater than 0")
    check_range(params, "wait_sleep", 0, 3600)
    restore = validate_restore_capacity(params["restore_capacity"]) if params["restore_capacity"] is not None else None
    request = ScaleRequest(
        cluster=params["cluster"],
        state=state,
        names=names,
        sizes=validate_sizes(sizes),
        restore_names=tuple(sorted(restore.nodegroups)) if restore else (),
        hourly_prices=validate_hourly_prices(params["hourly_prices"]),
        recording_max_age=params["recording_max_age"],
        wait=params["wait"],
        wait_timeout=params["wait_timeout"],
        wait_sleep=params["wait_sleep"],
        diff=diff,
        start_unrecorded=params["start_unrecorded"],
        autoscalers=params["autoscalers"],
    )
    if request.autoscalers == "pause" and state == "present":
        raise InvalidRequest("autoscalers=pause is for state=stopped (and the start that follows it); state=present sets sizes only")
    return request, recording_options(params, restore)


def recording_options(params: t.Mapping[str, t.Any], restore: ClusterRecording | None) -> RecordingOptions:
    """Where the recording comes from and is kept. No quiet way to keep it nowhere: the file is turned off only explicitly,
    and only when the SSM parameter keeps it."""
    prefix = validate_ssm_prefix(params["recording_ssm_prefix"]) if params["recording_ssm_prefix"] is not None else None
    if not params["recording_file"] and prefix is None:
        raise InvalidRequest("recording_file=false needs recording_ssm_prefix: a stop must keep its recording somewhere that outlives the task")
    path = validate_recording_path(params["recording_path"]) if params["recording_file"] else None
    return RecordingOptions(given=restore or EMPTY, facts=validate_recordings(params["recordings"]), path=path, ssm_prefix=prefix)
