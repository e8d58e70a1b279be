# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This plugin_utils file is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""The input of the collection's playbooks (stop, start, report): the one table of the extra variables they take, and the
one check of what the command line gave them. Pure: the action plugin ``playbook_input`` reads the command line and the
inventory and hands them here; nothing here runs eksctl.

A variable is known by its exact name (or an old name kept as an alias); a name that is only close to one is refused,
with the close one as a hint. Each setting that a module takes is passed to it through ``module_defaults``, so a new
setting of the modules reaches the playbooks with one line in ``SETTINGS``.
"""

from __future__ import annotations

import datetime
import typing as t

from ansible.module_utils.common.validation import check_type_bool, check_type_dict, check_type_float, check_type_int, check_type_list

from ansible_collections.eks_tools.eksctl.plugins.module_utils._errors import InvalidRequest
from ansible_collections.eks_tools.eksctl.plugins.module_utils._validation import (
    check_range,
    validate_hourly_prices,
    validate_name,
    validate_profile,
    validate_region,
    validate_scalable_name,
    validate_ssm_prefix,
)
from ansible_collections.eks_tools.eksctl.plugins.plugin_utils import _schedule
from ansible_collections.eks_tools.eksctl.plugins.plugin_utils._hints import did_you_mean

PLAYBOOKS = ("stop", "start", "report")
# The cluster_power role's action for each playbook.
STATES = {"stop": "stopped", "start": "started", "report": "status"}
STOP, START, REPORT = (frozenset((name,)) for name in PLAYBOOKS)
ALL = frozenset(PLAYBOOKS)
FLEET_GROUP = "eks_clusters"
# Where a setting goes: the options both modules share (the action group eks), or only eks_nodegroup_scale's.
CONNECTION, SCALE = "connection", "scale"

# Extra variables that are not the playbooks' input but reach every job all the same: AWX's own (awx_*, tower_*: job,
# user, inventory, schedule and workflow of the job), ansible-core's own (ansible_*, such as ansible_python_interpreter),
# and what the workflow of docs/awx.md hands on to each of its nodes (the fleet summary of an earlier job, the
# notification template's settings). They are allowed, by these exact names and prefixes only.
OWN_PREFIXES = ("awx_", "tower_", "ansible_")
WORKFLOW_VARIABLES = frozenset(("eks_fleet", "notify_webhook_url", "notify_title"))


# ---------------------------------------------------------------------------- converters: value in, typed value out


def _typed(check: t.Callable[[t.Any], t.Any], kind: str) -> t.Callable[[str, t.Any], t.Any]:
    def convert(name: str, value: t.Any) -> t.Any:
        try:
            return check(value)
        except (TypeError, ValueError):
            raise InvalidRequest("%s must be %s, got %r" % (name, kind, value)) from None
    return convert


def _not_a(value: t.Any) -> t.NoReturn:
    raise TypeError(value)


# check_type_bool refuses what is not one of Ansible's booleans ("maybe"); a bool is no number here.
_as_bool = _typed(check_type_bool, "true or false")
_as_int = _typed(lambda value: _not_a(value) if isinstance(value, bool) else check_type_int(value), "a whole number")
_as_float = _typed(lambda value: _not_a(value) if isinstance(value, bool) else check_type_float(value), "a number")
_as_list = _typed(check_type_list, "a list")
_as_dict = _typed(check_type_dict, "a dictionary")


def text(name: str, value: t.Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequest("%s must be a non-empty string, got %r" % (name, value))
    return value


def cluster_name(name: str, value: t.Any) -> str:
    return validate_name(value, option=name, kind="cluster")


def region(name: str, value: t.Any) -> str:
    return validate_region(value, option=name)


def regions(name: str, value: t.Any) -> list[str]:
    listed = _as_list(name, value)
    if not listed:
        raise InvalidRequest("%s must name at least one region" % name)
    return [validate_region(entry, option="%s[]" % name) for entry in listed]


def nodegroups(name: str, value: t.Any) -> list[str]:
    listed = _as_list(name, value)
    if not listed:
        raise InvalidRequest("%s must name at least one nodegroup; leave it out for every nodegroup" % name)
    return [validate_scalable_name(entry, option="%s[]" % name) for entry in listed]


def ssm_prefix(name: str, value: t.Any) -> str:
    return validate_ssm_prefix(value, option=name)


def profile(name: str, value: t.Any) -> str:
    return validate_profile(value, option=name)


def ranged(convert: t.Callable[[str, t.Any], t.Any], minimum: float, maximum: float) -> t.Callable[[str, t.Any], t.Any]:
    def check(name: str, value: t.Any) -> t.Any:
        number = convert(name, value)
        check_range({name: number}, name, minimum, maximum)
        return number
    return check


def one_of(*choices: str) -> t.Callable[[str, t.Any], str]:
    """A value among choices, such as a module option's ``choices``."""
    def check(name: str, value: t.Any) -> str:
        if value not in choices:
            raise InvalidRequest("%s must be one of %s, got %r" % (name, ", ".join(choices), value))
        return str(value)
    return check


def prices(name: str, value: t.Any) -> dict[str, float] | None:
    return validate_hourly_prices(_as_dict(name, value), option=name)


def skip_dates(name: str, value: t.Any) -> list[str]:
    """The dates and ranges, checked and written out (2026-12-24, 2026-12-24..2026-12-26): the input stays plain data."""
    try:
        ranges = _schedule.skip_dates(name, value)
    except ValueError as exc:
        raise InvalidRequest(str(exc)) from None
    return [first.isoformat() if first == last else "%s..%s" % (first, last) for first, last in ranges]


def timezone(name: str, value: t.Any) -> str:
    try:
        return str(_schedule.timezone(name, value))
    except ValueError as exc:
        raise InvalidRequest(str(exc)) from None


# ---------------------------------------------------------------------------- the table


class Setting(t.NamedTuple):
    name: str
    playbooks: frozenset
    convert: t.Callable[[str, t.Any], t.Any]
    description: str
    where: str | None = None     # CONNECTION or SCALE: the module option it becomes; None: the playbook itself uses it
    option: str | None = None    # the module option's name, when it differs from the variable's
    aliases: tuple[str, ...] = ()


SETTINGS = (
    Setting("cluster", ALL, cluster_name, "One cluster to act on, instead of the inventory's hosts."),
    Setting("region", ALL, region, "The region of cluster; without it, AWS_REGION or the profile's region."),
    Setting("regions", REPORT, regions, "Report every cluster of these regions, instead of one cluster or the inventory's hosts."),
    Setting("hosts_pattern", ALL, text, "The inventory hosts to act on (a host pattern); default eks_clusters.", aliases=("eks_hosts",)),
    Setting("allow_empty_fleet", ALL, _as_bool, "true: an inventory that was read and matched no host is not an error."),
    Setting("nodegroups", ALL, nodegroups, "Only these nodegroups of each cluster.", SCALE, "name"),
    Setting("profile", ALL, profile, "The AWS profile eksctl uses.", CONNECTION),
    Setting("eksctl_path", ALL, text, "The eksctl executable; default eksctl on PATH.", CONNECTION),
    Setting("command_timeout", ALL, ranged(_as_int, 1, 86400), "Longest time in seconds one eksctl call may run (default 300).",
            CONNECTION),
    Setting("parallelism", ALL, ranged(_as_int, 1, 100), "How many eksctl calls of one cluster run side by side (default 10).",
            CONNECTION),
    # A report never waits (its preflight runs in check mode), but takes the same command line as the stop and start.
    Setting("wait", ALL, _as_bool, "true: return when every changed nodegroup is ready at its new sizes.", SCALE),
    Setting("wait_timeout", ALL, ranged(_as_int, 0, 7 * 86400), "Longest wait in seconds (default 1200).", SCALE),
    Setting("wait_sleep", ALL, ranged(_as_float, 0.001, 3600), "Seconds between two polls while waiting (default 10).", SCALE),
    Setting("hourly_prices", START, prices, "Price per hour of one node per instance type, for the estimated saving.", SCALE),
    Setting("start_unrecorded", START, _as_bool,
            "true: start a nodegroup with no recording at max(min_size, 1); default true for one cluster.", SCALE,
            aliases=("cluster_power_start_unrecorded",)),
    Setting("recording_path", ALL, text, "The recording file (default ~/.ansible/eks_tools.eksctl/recordings.json).", SCALE,
            aliases=("eks_snapshot_path",)),
    Setting("recording_ssm_prefix", ALL, ssm_prefix,
            "Also keep the recording in SSM Parameter Store under this path, such as /eks-tools/recordings.", SCALE),
    Setting("recording_file", ALL, _as_bool, "false: keep no recording file on the controller (needs recording_ssm_prefix).", SCALE),
    Setting("autoscalers", STOP | REPORT, one_of("ignore", "pause"),
            "pause: the stop also sets Karpenter's NodePool limits to zero and cluster-autoscaler to zero replicas.", SCALE),
    Setting("recording_max_age", REPORT, ranged(_as_float, 0, 366 * 24),
            "The preflight names recordings older than this many hours (default 72, 0 for no limit).", SCALE,
            aliases=("snapshot_max_age",)),
    Setting("skip_dates", ALL, skip_dates,
            "Dates YYYY-MM-DD and ranges YYYY-MM-DD..YYYY-MM-DD in timezone on which the job changes nothing (the report says so)."),
    Setting("timezone", ALL, timezone, "The IANA time zone of skip_dates, such as Europe/Berlin (default UTC)."),
)
BY_NAME = {setting.name: setting for setting in SETTINGS}


def taken(playbook: str) -> list[str]:
    """The names a playbook takes, in the table's order."""
    return [setting.name for setting in SETTINGS if playbook in setting.playbooks]


def aliases(playbook: str) -> dict[str, str]:
    return {alias: setting.name for setting in SETTINGS if playbook in setting.playbooks for alias in setting.aliases}


def _allowed_anyway(name: str) -> bool:
    return name.startswith(OWN_PREFIXES) or name in WORKFLOW_VARIABLES


# ---------------------------------------------------------------------------- the check


class Inventory(t.NamedTuple):
    """What the check needs to know of the inventory: which hosts a pattern matches, and which sources could not be read."""
    hosts: t.Callable[[str], list[str]]
    unreadable: t.Mapping[str, str]
    sources_read: bool


def unknown_message(playbook: str, unknown: list[str]) -> str:
    known = taken(playbook)
    named = ", ".join("%s%s" % (name, did_you_mean(name, known + list(aliases(playbook)))) for name in unknown)
    return ("The %s playbook does not take the extra variable(s) %s, so it changed nothing. It takes %s (and AWX's own awx_* and "
            "tower_* variables)." % (playbook, named, ", ".join(known)))


def normalize(playbook: str, given: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    """The given extra variables under their own names, converted and checked; InvalidRequest names the first bad one."""
    if playbook not in PLAYBOOKS:
        raise InvalidRequest("playbook must be one of %s, got %r" % (", ".join(PLAYBOOKS), playbook))
    old_names = aliases(playbook)
    unknown = sorted(name for name in given if name not in taken(playbook) and name not in old_names and not _allowed_anyway(name))
    if unknown:
        raise InvalidRequest(unknown_message(playbook, unknown))
    values: dict[str, t.Any] = {}
    for name, value in given.items():
        if _allowed_anyway(name) and name not in BY_NAME:
            continue
        own = old_names.get(name, name)
        if own in values:
            old = name if name != own else next(alias for alias in BY_NAME[own].aliases if alias in given)
            raise InvalidRequest("%s and %s are the same variable (%s is its old name): give one of them" % (own, old, old))
        if value is None or (isinstance(value, str) and not value.strip()):
            raise InvalidRequest("The variable %s is empty: give it a value, or leave it out" % name)
        values[own] = BY_NAME[own].convert(name, value)
    return values


def check(playbook: str, given: t.Mapping[str, t.Any], inventory: Inventory,
          now: datetime.datetime | None = None) -> dict[str, t.Any]:
    """The normalized input of one run of a playbook, or InvalidRequest with a one-line message; see ``playbook_input``.
    ``now`` (aware; default the current time) is the time that tells whether today is one of ``skip_dates``."""
    values = normalize(playbook, given)
    if inventory.unreadable:
        raise InvalidRequest("%d inventory source(s) could not be read, so the %s playbook changed nothing: %s" % (
            len(inventory.unreadable), playbook, "; ".join("%s: %s" % (source, " ".join(problem.split())[:300])
                                                           for source, problem in sorted(inventory.unreadable.items()))))
    pattern = values.get("hosts_pattern", FLEET_GROUP)
    cluster = values.get("cluster")
    if cluster is not None or "region" in values:
        _one_cluster(playbook, values, inventory, pattern)
        target, hosts = "cluster", "localhost"
    elif "regions" in values:
        for name in ("hosts_pattern", "nodegroups"):
            if name in values:
                raise InvalidRequest("%s cannot be used with regions, which reports every cluster of the regions" % name)
        target, hosts = "regions", "localhost"
    else:
        target, hosts = "fleet", pattern
        if not inventory.hosts(pattern) and not (values.get("allow_empty_fleet") and inventory.sources_read):
            raise InvalidRequest(_nothing_matched(playbook, pattern, inventory))
    return {
        "playbook": playbook,
        "state": STATES[playbook],
        "target": target,
        "hosts": hosts,
        "cluster": cluster,
        "region": values.get("region"),
        "regions": values.get("regions", []),
        "variables": values,
        "skip_date": _skip_date(values, now or datetime.datetime.now(datetime.timezone.utc)),
        "module_defaults": _module_defaults(values, start_unrecorded=target == "cluster"),
    }


def _one_cluster(playbook: str, values: dict[str, t.Any], inventory: Inventory, pattern: str) -> None:
    if values.get("cluster") is None:
        raise InvalidRequest("region goes with cluster: give -e cluster=NAME too; the inventory's hosts each use their own region")
    for name in ("hosts_pattern", "regions"):
        if name in values:
            raise InvalidRequest("cluster and %s cannot be used together: give one cluster, or %s" % (name, name))
    matched = inventory.hosts(pattern)
    if matched:
        raise InvalidRequest("-e cluster/region cannot go with inventory hosts (%d in %s), which use their own; pick hosts with -e hosts_pattern=%s"
                             % (len(matched), pattern, matched[0]))


def _nothing_matched(playbook: str, pattern: str, inventory: Inventory) -> str:
    verb = {"stop": "stopped", "start": "started", "report": "reported"}[playbook]
    if not inventory.sources_read:
        return ("Nothing to %s: no cluster given and no inventory was read. Give -e cluster=NAME -e region=REGION, or an eks_clusters "
                "inventory (-i clusters.eks_clusters.yml)%s" % (playbook, ", or -e '{\"regions\": [\"eu-north-1\"]}'" if playbook == "report" else ""))
    return ("No host matched the hosts pattern %s, so nothing was %s. Check the pattern against the inventory (ansible-inventory --graph); "
            "pass -e allow_empty_fleet=true when an empty fleet is fine" % (pattern, verb))


def _skip_date(values: dict[str, t.Any], now: datetime.datetime) -> dict[str, str] | None:
    """Today, when it is one of skip_dates in the given zone: the date and the zone, for the role and the summary."""
    if "skip_dates" not in values:
        return None
    zone = values.get("timezone", "UTC")
    today = _schedule.skip_date(_schedule.skip_dates("skip_dates", values["skip_dates"]), _schedule.timezone("timezone", zone), now)
    return {"date": today.isoformat(), "timezone": zone} if today else None


def _module_defaults(values: dict[str, t.Any], *, start_unrecorded: bool) -> dict[str, dict[str, t.Any]]:
    """The module options the settings become, for ``module_defaults``: CONNECTION for the action group, SCALE for the scale module.

    A start through the inventory keeps a cluster with nothing recorded stopped, one named cluster starts at max(min_size, 1);
    the report's preflight of a start predicts the same."""
    defaults: dict[str, dict[str, t.Any]] = {CONNECTION: {}, SCALE: {"start_unrecorded": start_unrecorded}}
    for name, value in values.items():
        setting = BY_NAME[name]
        if setting.where:
            defaults[setting.where][setting.option or name] = value
    return defaults
