# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: eks_clusters
short_description: Amazon EKS clusters as inventory hosts, read with eksctl
version_added: 1.0.0
description:
  - Lists EKS clusters with C(eksctl get cluster), one inventory host per cluster, named C(<cluster>.<region>).
  - Every host runs locally with the controller's Python (C(ansible_connection=local)), so modules of this collection run once per cluster
    and Ansible's forks, or AWX job slicing, spread a fleet over processes and execution nodes.
  - Hosts get the variables C(eks_cluster_name), C(eks_cluster_region), C(eks_cluster_owned), with O(phase_groups=true),
    C(eks_cluster_phase) and C(eks_cluster_status_summary), and with O(exception_tags=true), C(eks_cluster_exception_tags) and
    C(eks_cluster_exception).
  - Hosts are grouped in C(eks_clusters), by region (C(eks_region_eu_north_1)) and, with O(phase_groups=true),
    by status phase (C(eks_phase_running), C(eks_phase_stopped), ...), and with O(exception_tags=true) by exception
    (C(eks_always_on), C(eks_skip_until), C(eks_exception_notes)).
  - The inventory source file name must end with C(eks_clusters.yml) or C(eks_clusters.yaml).
  - eksctl reads AWS credentials from the environment (as AWX's inventory sources provide them) or from O(profile).
  - Every value taken from eksctl's output is marked unsafe, so it is never templated, on every supported ansible-core. A cluster
    whose name or region EKS could not have (eksctl's output is not trusted to be well-formed) is not made a host; it is reported
    like an unreadable cluster.
  - By default (O(on_unreadable=fail)) the inventory fails, naming every region and cluster that could not be read, so a fleet job
    never runs on part of the fleet without saying so. The collection's playbooks also fail when any source of this plugin could
    not be read, naming it, even when ansible-core went on with the other sources.
  - The options are checked as the modules check theirs (O(profile), O(command_timeout), O(parallelism), O(regions), and booleans
    that must be V(true) or V(false)) before any eksctl call.
extends_documentation_fragment:
  - ansible.builtin.constructed
  - ansible.builtin.inventory_cache
options:
  plugin:
    description: Marks this file as an inventory source of this plugin.
    type: str
    required: true
    choices: [eks_tools.eksctl.eks_clusters]
  regions:
    description:
      - Regions to list clusters in, one eksctl call each, run side by side.
      - When empty, every region is listed with one C(eksctl get cluster --all-regions) call. eksctl needs a region to start
        from even then; without E(AWS_REGION), E(AWS_DEFAULT_REGION) or a profile region the plugin starts from C(us-east-1)
        (the commercial partition). For another partition, list its regions here.
      - eksctl skips a region it cannot read and still succeeds; the plugin retries a region skipped for a transient reason,
        and reports every region still missing like a region that cannot be listed (see O(on_unreadable)).
    type: list
    elements: str
    default: []
  include:
    description: Shell-style patterns (C(fnmatch)); when given, only clusters whose name matches one of them become hosts.
    type: list
    elements: str
    default: []
  exclude:
    description: Shell-style patterns; clusters whose name matches one of them are left out.
    type: list
    elements: str
    default: []
  on_unreadable:
    description:
      - What to do when a region cannot be listed or a cluster's nodegroups cannot be read (for example C(AccessDenied) or an
        expired session token).
      - V(fail) fails the inventory, naming each.
      - V(warn) keeps every cluster that could be read, and reports the rest in one warning; an unreadable cluster still becomes a host,
        in the groups C(eks_clusters) and C(eks_unreadable), with its error in C(eks_cluster_error), so a stop or start on it fails
        loudly. A region that cannot be listed is named in the warning.
      - O(strict) has only the meaning it has in C(constructed), for O(compose), O(groups) and O(keyed_groups).
    type: str
    choices: [fail, warn]
    default: fail
  phase_groups:
    description:
      - Read each cluster's nodegroups (one eksctl call per cluster, side by side) to set C(eks_cluster_phase) and group hosts by phase.
    type: bool
    default: true
  exception_tags:
    description:
      - Read each cluster's tags (one C(eksctl get cluster --name) call per cluster, side by side with the nodegroup reads, within
        O(parallelism)) for the exceptions its owners set, which the collection's stop playbook honours.
      - "C(eks_tools.eksctl/power=always-on): the stop always leaves the cluster running. Group C(eks_always_on)."
      - "C(eks_tools.eksctl/skip-until): an ISO 8601 date or date-time (a date-time without a zone is UTC; a date is 00:00 UTC of
        that date); the stop leaves the cluster running until then. Group C(eks_skip_until)."
      - Hosts get C(eks_cluster_exception_tags) (those two tags as set) and C(eks_cluster_exception) (the decision at the time of the
        read; the stop decides again at its own time). A malformed value is reported as a warning and treated as absent; an expired
        C(skip-until) is ignored with a note. A host with either is in the group C(eks_exception_notes).
      - With V(false) no tag is read and no cluster is skipped for its tags.
    type: bool
    default: true
  profile:
    description: AWS profile eksctl uses (C(--profile)); letters, digits and C(_.+@:/-), starting with a letter, digit or C(_).
    type: str
  eksctl_path:
    description: Path of the eksctl executable; by default eksctl is looked up on E(PATH).
    type: path
  command_timeout:
    description:
      - Longest time in seconds one eksctl call may run, from V(1) to V(86400), whatever the processes eksctl starts do; a call that
        runs longer is killed and counts as unreadable.
    type: int
    default: 300
  parallelism:
    description:
      - How many eksctl calls may run at the same time, from V(1) to V(100).
      - With O(phase_groups=true) the inventory makes one call per cluster, so a fleet of a hundred clusters is read in
        about 100 / O(parallelism) rounds of one call each. eksctl retries throttling, and so does the plugin; lower it if
        AWS keeps throttling the account.
    type: int
    default: 25
notes:
  - ansible-core turns an inventory source that fails into a warning and goes on with the others, and C(ansible-inventory) then exits
    0; a plugin cannot change that (ansible-core catches every error a plugin raises). Set E(ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED=true)
    (or C(any_unparsed_is_failed = true) in the C([inventory]) section of C(ansible.cfg)) to make C(ansible-inventory),
    C(ansible-playbook) and AWX's inventory updates fail on it, whatever the plugin of the source.
  - The phases are those of M(eks_tools.eksctl.eks_cluster_info) (C(running), C(stopped), C(partial), C(updating), C(degraded), C(empty),
    C(unsupported) for clusters registered through EKS Connector), computed from the nodegroups only.
seealso:
  - module: eks_tools.eksctl.eks_cluster_info
author:
  - eks_tools.eksctl contributors (@eks-tools)
"""

EXAMPLES = r"""
# clusters.eks_clusters.yml: every dev cluster of two regions, grouped by region and phase
plugin: eks_tools.eksctl.eks_clusters
regions:
  - eu-north-1
  - us-east-1
include:
  - "dev-*"
keyed_groups:
  - key: eks_cluster_owned | string
    prefix: owned

# Then stop the whole fleet with 20 forks:
#   ansible-playbook -i clusters.eks_clusters.yml eks_tools.eksctl.stop -f 20
"""

import datetime
import fnmatch
import functools
import re
import shutil
import sys
import typing as t

from ansible import constants as C
from ansible.errors import AnsibleError, AnsibleParserError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable
from ansible.utils.unsafe_proxy import wrap_var

from ansible_collections.eks_tools.eksctl.plugins.module_utils._eksctl import EKSCTL_SAID, Credentials, EksctlClient, resolve_binary
from ansible_collections.eks_tools.eksctl.plugins.module_utils._errors import EksctlError
from ansible_collections.eks_tools.eksctl.plugins.module_utils._concurrency import run_parallel
from ansible_collections.eks_tools.eksctl.plugins.module_utils._reader import ClusterReader
from ansible_collections.eks_tools.eksctl.plugins.module_utils._validation import check_range, validate_name, validate_profile, validate_region
from ansible_collections.eks_tools.eksctl.plugins.plugin_utils import _inventory_sources
from ansible_collections.eks_tools.eksctl.plugins.plugin_utils._hints import did_you_mean
from ansible_collections.eks_tools.eksctl.plugins.plugin_utils._schedule import REASON_ALWAYS_ON, REASON_SKIP_UNTIL, cluster_exception, exception_tags
from ansible_collections.eks_tools.eksctl.plugins.plugin_utils._subprocess import SubprocessRunner

# The first line of a message, which says what is wrong; the details follow on the next lines.
HEADLINE = 160
# "... api error AccessDeniedException: User is not authorized ..." (eksctl's words) or "... HTTP 403, AccessDeniedException: ..."
# (the collection's short form of them) -> the API's own words, the cause in short.
API_ERROR = re.compile(r"(?:api error |HTTP \d{3}, )(?P<cause>\w+: [^(]*)")


def group_name(prefix: str, value: str) -> str:
    return "%s_%s" % (prefix, re.sub(r"[^A-Za-z0-9_]", "_", value).lower())


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


class Problem(t.NamedTuple):
    """A region or cluster that could not be read: what (``cluster dev-03 in us-east-1``) and eksctl's message."""
    subject: str
    message: str

    def cause(self) -> str:
        """What went wrong, in the API's own words, without repeating what was being read: the cause the collection's eksctl
        failure ends with ("... eksctl said: <cause>"), or eksctl's raw "api error <cause>", or the problem of "Failed to ...: <problem>"."""
        said = self.message.rsplit(EKSCTL_SAID, 1)[1].strip() if EKSCTL_SAID in self.message else self.message
        found = API_ERROR.search(said)
        if found:
            return found.group("cause").strip()
        if said.startswith("Failed to ") and ": " in said:
            return said.split(": ", 1)[1]
        return said


def unreadable_message(path: str, problems: list[Problem], *, failing: bool) -> str:
    """The cause first, in a line of at most HEADLINE characters; then the source, each problem in full, and the choice."""
    more = " (and %d more)" % (len(problems) - 1) if len(problems) > 1 else ""
    lines = [shorten("Cannot read %s%s: %s" % (problems[0].subject, more, problems[0].cause()), HEADLINE),
             "eks_clusters inventory %s: %d region(s) or cluster(s) could not be read:" % (path, len(problems))]
    lines.extend("  - %s: %s" % problem for problem in problems)
    if failing:
        lines.append("The inventory fails so that no job runs on part of the fleet. With on_unreadable: warn it goes on without them "
                     "(an unreadable cluster is then a host of eks_unreadable, on which a stop or start fails).")
    else:
        lines.append("Going on without them (on_unreadable: warn).")
    return "\n".join(lines)


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    NAME = "eks_tools.eksctl.eks_clusters"

    def verify_file(self, path: str) -> bool:
        return super().verify_file(path) and path.endswith(("eks_clusters.yml", "eks_clusters.yaml"))

    def _client(self, region: str | None) -> EksctlClient:
        return EksctlClient(SubprocessRunner(), resolve_binary(self.get_option("eksctl_path"), lambda: shutil.which("eksctl")), region=region,
                            profile=self.get_option("profile"), command_timeout=self.get_option("command_timeout"),
                            # Known to the client, so it redacts them from every message; AWX's AWS_SECURITY_TOKEN reaches eksctl
                            # as AWS_SESSION_TOKEN.
                            credentials=Credentials.from_environment())

    def _read(self) -> tuple[list[dict], list[Problem]]:
        """The clusters, and each region or cluster that could not be read."""
        regions = self.get_option("regions")
        workers = self.get_option("parallelism")
        problems: list[Problem] = []
        if regions:
            listings = run_parallel([functools.partial(self._list, region, problems) for region in regions], workers)
        else:
            listings = [self._list(None, problems)]
        clusters = []
        for region, listing in zip(regions or ["all regions"], listings):
            if isinstance(listing, EksctlError):
                problems.append(Problem("the clusters of %s" % region, listing.msg))
            else:
                clusters.extend(listing)
        clusters = [cluster for cluster in clusters if self._valid(cluster, problems) and self._wanted(cluster["name"])]
        phases, tags = self.get_option("phase_groups"), self.get_option("exception_tags")
        if phases or tags:
            reads = ClusterReader(self._client(None), parallelism=workers).survey(clusters, summary=phases, tags=tags)
            for cluster, read in zip(clusters, reads):
                if isinstance(read, EksctlError):
                    cluster["error"] = read.msg
                    problems.append(Problem("cluster %s in %s" % (cluster["name"], cluster["region"]), read.msg))
                    continue
                if phases:
                    cluster["status_summary"] = read["status_summary"]
                if tags:
                    # Only the collection's own tags are kept (and cached): the others are none of its business.
                    cluster["exception_tags"] = exception_tags(read["tags"])
        return clusters, problems

    def _list(self, region: str | None, problems: list[Problem]) -> list[dict] | EksctlError:
        """The clusters of a region (all regions for None), or the error; a region --all-regions skipped is a problem."""
        client = self._client(region)
        try:
            clusters = client.list_clusters(all_regions=region is None)
        except EksctlError as exc:
            return exc
        problems.extend(Problem("a region", warning) for warning in client.warnings)
        return clusters

    @staticmethod
    def _valid(cluster: dict, problems: list[Problem]) -> bool:
        """A name or region EKS could not have is not made a host: eksctl's output is not trusted to be well-formed."""
        try:
            validate_name(cluster["name"], option="cluster name", kind="cluster")
            validate_region(cluster["region"], option="cluster region")
        except EksctlError as exc:
            problems.append(Problem("a cluster eksctl reported", "it cannot be one: %s" % exc.msg))
            return False
        return True

    def _wanted(self, name: str) -> bool:
        include = self.get_option("include")
        if include and not any(fnmatch.fnmatchcase(name, pattern) for pattern in include):
            return False
        return not any(fnmatch.fnmatchcase(name, pattern) for pattern in self.get_option("exclude"))

    def _populate(self, clusters: list[dict]) -> None:
        strict = self.get_option("strict")
        self.inventory.add_group("eks_clusters")
        for cluster in clusters:
            host = "%s.%s" % (cluster["name"], cluster["region"])
            self.inventory.add_host(host, group="eks_clusters")
            variables = {
                "eks_cluster_name": cluster["name"],
                "eks_cluster_region": cluster["region"],
                "eks_cluster_owned": cluster["owned"],
                "ansible_connection": "local",
                # The controller's own Python: host variables from an inventory plugin are never templated.
                "ansible_python_interpreter": sys.executable,
            }
            groups = [group_name("eks_region", cluster["region"])]
            if "status_summary" in cluster:
                variables["eks_cluster_phase"] = cluster["status_summary"]["phase"]
                variables["eks_cluster_status_summary"] = cluster["status_summary"]
                groups.append(group_name("eks_phase", cluster["status_summary"]["phase"]))
            if "exception_tags" in cluster:
                groups.extend(self._exception(host, cluster["exception_tags"], variables))
            if "error" in cluster:
                variables["eks_cluster_error"] = cluster["error"]
                groups.append("eks_unreadable")
            # Everything here came from eksctl's output: unsafe, so it is never templated (ansible-core 2.17/2.18 would).
            variables = {name: value if name in ("ansible_connection", "ansible_python_interpreter") else wrap_var(value)
                         for name, value in variables.items()}
            for name, value in variables.items():
                self.inventory.set_variable(host, name, value)
            for group in groups:
                self.inventory.add_group(group)
                self.inventory.add_child(group, host)
            self._set_composite_vars(self.get_option("compose"), variables, host, strict=strict)
            self._add_host_to_composed_groups(self.get_option("groups"), variables, host, strict=strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), variables, host, strict=strict)

    def _exception(self, host: str, tags: dict[str, str], variables: dict[str, t.Any]) -> list[str]:
        """The host variables and groups of the cluster's exception tags, as a stop decided now would read them; a malformed
        tag is reported. The stop decides again at its own time (eks_tools.eksctl.cluster_exception)."""
        exception = cluster_exception(tags, datetime.datetime.now(datetime.timezone.utc))
        variables.update(eks_cluster_exception_tags=tags, eks_cluster_exception=exception)
        for problem in exception["problems"]:
            self.display.warning("eks_clusters inventory, host %s: %s" % (host, problem))
        return [group for group, member in (("eks_always_on", exception["reason"] == REASON_ALWAYS_ON),
                                            ("eks_skip_until", exception["reason"] == REASON_SKIP_UNTIL),
                                            ("eks_exception_notes", bool(exception["notes"] or exception["problems"]))) if member]

    def _check_options(self, path: str, loader: t.Any) -> None:
        """The inventory file checked before any eksctl call, as the modules check their options: no unknown key (``region:``
        for ``regions:`` would be ignored and the inventory read with defaults), booleans that are booleans (``strict: maybe``
        would be read as false), values in range."""
        data = loader.load_from_file(path)
        data = data if isinstance(data, dict) else {}
        definitions = C.config.get_configuration_definitions("inventory", self._load_name) or {}
        known = set(definitions)
        unknown = sorted(str(key) for key in data if key not in known)
        if unknown:
            raise AnsibleParserError("Unknown key(s) %s (eks_clusters inventory %s); see ansible-doc -t inventory eks_tools.eksctl.eks_clusters"
                                     % (", ".join(key + did_you_mean(key, known) for key in unknown), path))
        try:
            for key, value in data.items():
                if definitions.get(key, {}).get("type") in ("bool", "boolean"):
                    try:
                        boolean(value, strict=True)
                    except TypeError:
                        raise EksctlError("%s must be true or false, got %r" % (key, value)) from None
            if self.get_option("profile") is not None:
                validate_profile(self.get_option("profile"))
            for option, maximum in (("command_timeout", 86400), ("parallelism", 100)):
                check_range({option: self.get_option(option)}, option, 1, maximum)
            for region in self.get_option("regions"):
                validate_region(region, option="regions[]")
        except EksctlError as exc:
            raise AnsibleParserError("%s (eks_clusters inventory %s)" % (exc.msg, path)) from None

    def parse(self, inventory: t.Any, loader: t.Any, path: str, cache: bool = True) -> None:
        try:
            self._parse(inventory, loader, path, cache)
        except AnsibleError as exc:
            # Kept for the collection's playbooks, which fail on it even when ansible-core goes on with the other sources.
            _inventory_sources.record(path, (str(exc.message).strip().splitlines() or ["failed"])[0])
            raise
        _inventory_sources.record(path, None)

    def _parse(self, inventory: t.Any, loader: t.Any, path: str, cache: bool) -> None:
        super().parse(inventory, loader, path, cache)
        self._read_config_data(path)
        self._check_options(path, loader)
        cache_key = self.get_cache_key(path)
        use_cache = self.get_option("cache") and cache
        update_cache = self.get_option("cache") and not cache
        clusters = None
        if use_cache:
            try:
                clusters = self._cache[cache_key]
            except KeyError:
                update_cache = True
        if clusters is None:
            try:
                clusters, problems = self._read()
            except EksctlError as exc:
                raise AnsibleParserError("%s (eks_clusters inventory %s)" % (exc.msg, path)) from None
            if problems and self.get_option("on_unreadable") == "fail":
                raise AnsibleParserError(unreadable_message(path, problems, failing=True))
            if problems:
                self.display.warning(unreadable_message(path, problems, failing=False))
        if update_cache:
            self._cache[cache_key] = clusters
        self._populate(clusters)
