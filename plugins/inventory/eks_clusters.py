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
  - Hosts get the variables C(eks_cluster_name), C(eks_cluster_region), C(eks_cluster_owned) and, with O(phase_groups=true),
    C(eks_cluster_phase) and C(eks_cluster_status_summary).
  - Hosts are grouped in C(eks_clusters), by region (C(eks_region_eu_north_1)) and, with O(phase_groups=true),
    by status phase (C(eks_phase_running), C(eks_phase_stopped), ...).
  - The inventory source file name must end with C(eks_clusters.yml) or C(eks_clusters.yaml).
  - eksctl reads AWS credentials from the environment (as AWX's inventory sources provide them) or from O(profile).
  - Every value taken from eksctl's output is marked unsafe, so it is never templated, on every supported ansible-core. A cluster
    whose name or region EKS could not have (eksctl's output is not trusted to be well-formed) is not made a host; it is reported
    like an unreadable cluster.
  - By default (O(strict=true)) the inventory fails, naming every region and cluster that could not be read, so a fleet job never
    runs on part of the fleet without saying so.
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
        and reports every region still missing like a region that cannot be listed (see O(strict)).
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
  strict:
    description:
      - V(true) fails the inventory when any region cannot be listed or any cluster's nodegroups cannot be read (for example
        C(AccessDenied) or an expired session token), naming each, and, as in C(constructed), when a O(compose), O(groups) or
        O(keyed_groups) expression fails.
      - V(false) keeps every cluster that could be read, and reports the rest in one warning; an unreadable cluster still becomes a host,
        in the groups C(eks_clusters) and C(eks_unreadable), with its error in C(eks_cluster_error), so a stop or start on it fails loudly.
        A region that cannot be listed is named in the warning.
    type: bool
    default: true
  phase_groups:
    description:
      - Read each cluster's nodegroups (one eksctl call per cluster, side by side) to set C(eks_cluster_phase) and group hosts by phase.
    type: bool
    default: true
  profile:
    description: AWS profile eksctl uses (C(--profile)).
    type: str
  eksctl_path:
    description: Path of the eksctl executable; by default eksctl is looked up on E(PATH).
    type: path
  command_timeout:
    description: Longest time in seconds one eksctl call may run.
    type: int
    default: 300
  parallelism:
    description: How many eksctl calls may run at the same time.
    type: int
    default: 10
notes:
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

import difflib
import fnmatch
import functools
import re
import shutil
import sys
import typing as t

from ansible.errors import AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable
from ansible.utils.unsafe_proxy import wrap_var

from ansible_collections.eks_tools.eksctl.plugins.module_utils._eksctl import Credentials, EksctlClient, resolve_binary
from ansible_collections.eks_tools.eksctl.plugins.module_utils._errors import EksctlError
from ansible_collections.eks_tools.eksctl.plugins.module_utils._concurrency import run_parallel
from ansible_collections.eks_tools.eksctl.plugins.module_utils._reader import ClusterReader
from ansible_collections.eks_tools.eksctl.plugins.plugin_utils._subprocess import SubprocessRunner
from ansible_collections.eks_tools.eksctl.plugins.module_utils._validation import validate_name, validate_region


def group_name(prefix: str, value: str) -> str:
    return "%s_%s" % (prefix, re.sub(r"[^A-Za-z0-9_]", "_", value).lower())


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

    def _read(self) -> tuple[list[dict], list[str]]:
        """The clusters, and one line per region or cluster that could not be read."""
        regions = self.get_option("regions")
        for region in regions:
            validate_region(region, option="regions[]")
        workers = max(1, self.get_option("parallelism"))
        problems: list[str] = []
        if regions:
            listings = run_parallel([functools.partial(self._list, region, problems) for region in regions], workers)
        else:
            listings = [self._list(None, problems)]
        clusters = []
        for region, listing in zip(regions or ["all regions"], listings):
            if isinstance(listing, EksctlError):
                problems.append("cannot list the clusters of %s: %s" % (region, listing.msg))
            else:
                clusters.extend(listing)
        clusters = [cluster for cluster in clusters if self._valid(cluster, problems) and self._wanted(cluster["name"])]
        if self.get_option("phase_groups"):
            summaries = ClusterReader(self._client(None), parallelism=workers).summaries(clusters)
            for cluster, summary in zip(clusters, summaries):
                if isinstance(summary, EksctlError):
                    cluster["error"] = summary.msg
                    problems.append("cannot read cluster %s in %s: %s" % (cluster["name"], cluster["region"], summary.msg))
                else:
                    cluster["status_summary"] = summary
        return clusters, problems

    def _list(self, region: str | None, problems: list[str]) -> list[dict] | EksctlError:
        """The clusters of a region (all regions for None), or the error; a region --all-regions skipped is a problem."""
        client = self._client(region)
        try:
            clusters = client.list_clusters(all_regions=region is None)
        except EksctlError as exc:
            return exc
        problems.extend(client.warnings)
        return clusters

    @staticmethod
    def _valid(cluster: dict, problems: list[str]) -> bool:
        """A name or region EKS could not have is not made a host: eksctl's output is not trusted to be well-formed."""
        try:
            validate_name(cluster["name"], option="cluster name", kind="cluster")
            validate_region(cluster["region"], option="cluster region")
        except EksctlError as exc:
            problems.append("eksctl reported a cluster that cannot be one: %s" % exc.msg)
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

    def _refuse_unknown_keys(self, path: str, loader: t.Any) -> None:
        """A misspelled key (``region:`` for ``regions:``) would otherwise be ignored and the inventory read with defaults."""
        data = loader.load_from_file(path)
        known = set(self._options)
        unknown = sorted(key for key in (data if isinstance(data, dict) else {}) if key not in known)
        if unknown:
            hints = []
            for key in unknown:
                close = difflib.get_close_matches(str(key), sorted(known), n=1)
                hints.append("%s (did you mean %s?)" % (key, close[0]) if close else str(key))
            raise AnsibleParserError("eks_clusters inventory %s: unknown key(s) %s; see ansible-doc -t inventory eks_tools.eksctl.eks_clusters"
                                     % (path, ", ".join(hints)))

    def parse(self, inventory: t.Any, loader: t.Any, path: str, cache: bool = True) -> None:
        super().parse(inventory, loader, path, cache)
        self._read_config_data(path)
        self._refuse_unknown_keys(path, loader)
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
                raise AnsibleParserError("eks_clusters inventory %s: %s" % (path, exc.msg)) from None
            if problems and self.get_option("strict"):
                raise AnsibleParserError("eks_clusters inventory %s: %d unreadable (set strict: false to go on without them): %s"
                                         % (path, len(problems), "; ".join(problems)))
            if problems:
                self.display.warning("eks_clusters inventory %s: going on without what could not be read (strict: false): %s"
                                     % (path, "; ".join(problems)))
        if update_cache:
            self._cache[cache_key] = clusters
        self._populate(clusters)
