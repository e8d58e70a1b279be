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
import os
import re
import typing as t

from ._errors import InvalidRequest
from ._ledger import LEDGER_KEYS, stop_record_from_dict
from ._model import SIZE_OPTIONS, Capacity, InfoRequest, Ledger, Recording, ScaleRequest

# EKS: a cluster name is 1-100 characters, a nodegroup name 1-63; both start with a letter or
# digit and continue with letters, digits, hyphens and underscores. Refusing anything else up
# front also guarantees that no name can be read by eksctl as a flag or by anything as shell.
NAME_PATTERN = re.compile(r"[0-9A-Za-z][A-Za-z0-9_-]*")
NAME_LIMITS = {"cluster": 100, "nodegroup": 63}
# eksctl's own rule for the nodegroup it scales: it validates the name after its AWS calls, so a
# nodegroup made by Terraform or the console with "_" in its name can be read but never scaled.
# Its message quotes the pattern below, but the check it runs (IsInvalidNameArg) only refuses
# characters other than letters, digits and "-"; that check is the one mirrored here.
EKSCTL_NODEGROUP_RULE = "[a-zA-Z][-a-zA-Z0-9]*"
EKSCTL_NODEGROUP_PATTERN = re.compile(r"[a-zA-Z0-9-]+")
# Matched whole (fullmatch: "$" would accept a trailing newline) and in ASCII ("\d" would accept any Unicode digit).
REGION_PATTERN = re.compile(r"[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}")
REGION_LIMIT = 32
# AWS profile names as the CLI and SDKs write them in ~/.aws/config; nothing that a shell or eksctl could read otherwise.
PROFILE_PATTERN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.+@:/-]{0,127}")
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


def eksctl_can_scale(name: str) -> bool:
    return bool(EKSCTL_NODEGROUP_PATTERN.fullmatch(name))


def validate_scalable_name(value: t.Any, *, option: str) -> str:
    """A nodegroup name the user asks to scale: a valid EKS name that eksctl's scale also accepts."""
    name = validate_name(value, option=option, kind="nodegroup")
    if not eksctl_can_scale(name):
        raise InvalidRequest("%s=%r: eksctl cannot scale this nodegroup: it takes only letters, digits and '-' in a nodegroup name (its rule "
                             "%s); scale it with the EKS console or API" % (option, name, EKSCTL_NODEGROUP_RULE))
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


def validate_restore_capacity(value: t.Any, *, option: str = "restore_capacity") -> Recording:
    """``restore_capacity`` must map nodegroup names to complete, consistent size triples."""
    if not isinstance(value, dict):
        raise InvalidRequest("%s must be a dictionary of nodegroup name to {desired_size, min_size, max_size}" % option)
    restored = {}
    for name, entry in value.items():
        validate_name(name, option="%s key" % option, kind="nodegroup")
        prefix = "%s[%s]." % (option, name)
        if not isinstance(entry, dict):
            raise InvalidRequest("%s[%s] must be a dictionary with desired_size, min_size and max_size" % (option, name))
        unknown = sorted(set(entry) - set(SIZE_OPTIONS))
        missing = [key for key in SIZE_OPTIONS if entry.get(key) is None]
        if unknown:
            raise InvalidRequest("%s[%s] has unknown keys: %s" % (option, name, ", ".join(unknown)))
        if missing:
            raise InvalidRequest("%s[%s] lacks %s" % (option, name, ", ".join(missing)))
        sizes = validate_sizes({key: entry[key] for key in SIZE_OPTIONS}, option_prefix=prefix)
        restored[name] = Capacity(sizes["desired_size"], sizes["min_size"], sizes["max_size"])
    return restored


def validate_recordings(value: t.Mapping[str, t.Any] | None, *,
                                option: str = "recordings") -> tuple[dict[str, Recording], dict[str, Ledger]]:
    """The host fact eks_recordings as given back: "<region>/<cluster>" to a restore_capacity-like dictionary
    whose entries may also hold what the stop recorded for the savings ledger (stopped_at, instance_type, nodes)."""
    snapshots, ledgers = {}, {}
    for key, recording in (value or {}).items():
        region, _separator, cluster = str(key).partition("/")
        if not region or not cluster:
            raise InvalidRequest("%s keys must be <region>/<cluster>, as eks_recordings has them; got %r" % (option, key))
        where = "%s[%s]" % (option, key)
        if not isinstance(recording, dict):
            validate_restore_capacity(recording, option=where)  # refuses it, naming the option
        sizes = {name: {field: value for field, value in entry.items() if field not in LEDGER_KEYS} if isinstance(entry, dict) else entry
                 for name, entry in recording.items()}
        snapshots[key] = validate_restore_capacity(sizes, option=where)
        ledger = {}
        for name, entry in recording.items():
            try:
                stop = stop_record_from_dict(entry)
            except ValueError as exc:
                raise InvalidRequest("%s[%s].%s" % (where, name, exc)) from None
            if stop is not None:
                ledger[name] = stop
        if ledger:
            ledgers[key] = ledger
    return snapshots, ledgers


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
    return InfoRequest(name=name, details=params["details"], all_regions=params["all_regions"])


def scale_request(params: t.Mapping[str, t.Any], *, diff: bool = False) -> ScaleRequest:
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
    recording_path = params["recording_path"]
    if os.path.isdir(recording_path):
        raise InvalidRequest("recording_path=%s is a directory; give a file path" % recording_path)
    snapshots, ledgers = validate_recordings(params["recordings"])
    return ScaleRequest(
        cluster=params["cluster"],
        state=state,
        names=names,
        sizes=validate_sizes(sizes),
        restore=validate_restore_capacity(params["restore_capacity"]) if params["restore_capacity"] is not None else None,
        snapshots=snapshots,
        ledgers=ledgers,
        hourly_prices=validate_hourly_prices(params["hourly_prices"]),
        recording_max_age=params["recording_max_age"],
        recording_path=recording_path,
        wait=params["wait"],
        wait_timeout=params["wait_timeout"],
        wait_sleep=params["wait_sleep"],
        diff=diff,
        start_unrecorded=params["start_unrecorded"],
    )
