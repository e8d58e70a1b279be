# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils file is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""The cluster reader: what a cluster is and holds, read with eksctl and never written.

``eks_cluster_info`` and the inventory plugin read clusters through it, and the scaler reads nodegroups
through it. It owns the order of the reads (a cluster's description and its nodegroups side by side),
their tolerance of clusters whose nodegroups cannot be read (CREATING, DELETING, FAILED, or registered
through EKS Connector), and the read of named nodegroups one by one when the cluster's Kubernetes API
cannot be reached.
"""

from __future__ import annotations

import functools
import typing as t

from . import _errors as errors
from ._concurrency import run_parallel
from ._eksctl import EksctlClient
from ._kubernetes.access import ClusterApi, KubernetesError, read_cluster
from ._kubernetes.objects import report as kubernetes_report
from ._model import InfoRequest, Nodegroups
from ._parsing import unavailable_cluster_status
from ._status import summarize_status

# eksctl tags the clusters it creates; a cluster without the tag may still own a stack, so that is "unknown".
EKSCTL_CLUSTER_TAGS = ("alpha.eksctl.io/cluster-name", "eksctl.cluster.k8s.io/v1alpha1/cluster-name")


def owned_from_tags(tags: dict[str, str]) -> bool | None:
    return True if any(tag in tags for tag in EKSCTL_CLUSTER_TAGS) else None


Connect = t.Callable[[t.Dict[str, t.Any]], ClusterApi]


class ClusterReader:
    def __init__(self, client: EksctlClient, *, parallelism: int = 10, connect: Connect | None = None) -> None:
        """``connect`` opens a cluster's Kubernetes API from its description (the module's credentials); None: never read it."""
        self.client = client
        self.connect = connect
        self.parallelism = max(1, parallelism)
        self._by_name = False
        self.unread: dict[str, str] = {}  # what a read could not tell, and why (see fargate_profiles)

    def in_region(self, region: str, *, parallelism: int) -> ClusterReader:
        """A reader of the same client aimed at ``region`` (a listed cluster is read where it lives)."""
        client = self.client if region == self.client.region else self.client.for_region(region)
        return ClusterReader(client, parallelism=parallelism, connect=self.connect)

    # ------------------------------------------------------------------ nodegroups

    def nodegroups(self, cluster: str, names: t.Sequence[str] | None = None) -> Nodegroups:
        """The cluster's nodegroups with one read; or, when that read fails for want of Kubernetes API access and the
        request names its nodegroups, those nodegroups read one by one (a managed nodegroup read by name needs no node
        list). Once a read by name was needed, the later reads of this reader (wait, retries) go the same way."""
        if names and self._by_name:
            return self._nodegroups_by_name(cluster, names)
        try:
            return self.client.list_nodegroups(cluster)
        except errors.KubernetesAccessError:
            if not names:
                raise
            self._by_name = True
            return self._nodegroups_by_name(cluster, names)

    def _nodegroups_by_name(self, cluster: str, names: t.Sequence[str]) -> Nodegroups:
        def read(name: str) -> Nodegroups:
            try:
                return self.client.get_nodegroup(cluster, name)
            except errors.NodegroupNotFound:
                return []
        return [nodegroup for found in run_parallel([functools.partial(read, name) for name in names], self.parallelism)
                for nodegroup in found]

    def _nodegroups_of_what_it_is(self, name: str, names: t.Sequence[str] | None = None, *,
                                  tolerant: bool = True) -> tuple[Nodegroups, errors.CommandFailed | None]:
        """The nodegroups, or, with ``tolerant``, none and the error when the cluster cannot have readable ones
        (CREATING/DELETING/FAILED, or not an EKS cluster at all)."""
        try:
            return self.nodegroups(name, names), None
        except (errors.ClusterUnavailable, errors.NotEksCluster) as exc:
            if tolerant:
                return [], exc
            raise

    def _describe_with_nodegroups(self, name: str, *, tolerant: bool, names: t.Sequence[str] | None = None, fargate: bool = False) -> tuple[
            dict[str, t.Any] | None, Nodegroups | None, errors.CommandFailed | None, list[dict[str, t.Any]] | None]:
        """The cluster's description and its nodegroups (and with ``fargate`` its Fargate profiles), read side by side;
        None for what does not exist or was not read."""
        def nodegroups() -> tuple[Nodegroups | None, errors.CommandFailed | None]:
            try:
                return self._nodegroups_of_what_it_is(name, names, tolerant=tolerant)
            except errors.ClusterNotFound:
                return None, None

        reads: list[t.Callable[[], t.Any]] = [lambda: self.client.describe_cluster(name), nodegroups]
        if fargate:
            reads.append(functools.partial(self.fargate_profiles, name))
        description, (groups, problem), *profiles = run_parallel(reads, self.parallelism)
        return description, groups, problem, profiles[0] if profiles else None

    def fargate_profiles(self, name: str) -> list[dict[str, t.Any]] | None:
        """The cluster's Fargate profiles, or None when they cannot be read. A report stays useful without them: a cluster
        that cannot have profiles (CREATING, DELETING, a connector, gone) reads as None, and any other failure (an identity
        without eks:ListFargateProfiles, throttling, a timeout, output that cannot be read) is a warning, not a failed
        report; ``unread`` keeps why, so a preview never takes an unread answer for an empty one."""
        try:
            return self.client.list_fargate_profiles(name)
        except (errors.ClusterNotFound, errors.ClusterUnavailable, errors.NotEksCluster):
            return None
        except errors.EksctlError as exc:
            if isinstance(exc, (errors.InvalidRequest, errors.EksctlNotFound)):
                raise
            self.unread["fargate_profiles"] = exc.msg
            self.client.warnings.append("the Fargate profiles of cluster %r could not be read, so what runs on Fargate is unknown: %s"
                                        % (name, exc.msg))
            return None

    @staticmethod
    def _summary(name: str, groups: Nodegroups, description: dict[str, t.Any] | None, problem: errors.CommandFailed | None,
                 profiles: list[dict[str, t.Any]] | None = None) -> dict[str, t.Any]:
        description = description or {}
        cluster_status = description.get("status")
        if cluster_status is None and isinstance(problem, errors.ClusterUnavailable):
            cluster_status = unavailable_cluster_status(problem.details.get("stderr", ""))
        return summarize_status(groups, cluster_status, cluster=name,
                                connector=bool(description.get("connector")) or isinstance(problem, errors.NotEksCluster),
                                fargate_profiles=profiles, auto_mode=description.get("auto_mode"), kubernetes=description.get("kubernetes"))

    # ------------------------------------------------------------------ clusters

    def beyond_nodegroups(self, name: str) -> tuple[dict[str, t.Any] | None, list[dict[str, t.Any]] | None, dict[str, str]]:
        """The cluster's description and Fargate profiles, read side by side: what runs besides its nodegroups; and what of
        it could not be read, and why."""
        reads: list[t.Callable[[], t.Any]] = [functools.partial(self.client.describe_cluster, name), functools.partial(self.fargate_profiles, name)]
        description, profiles = run_parallel(reads, self.parallelism)
        return description, profiles, dict(self.unread)

    def kubernetes(self, description: dict[str, t.Any]) -> dict[str, t.Any]:
        """What the cluster's Kubernetes API shows (one round of four reads side by side), or why it could not be read."""
        if self.connect is None:
            raise errors.InvalidRequest("reading Kubernetes needs a way to connect")  # a programming error, never a user's
        try:
            api = self.connect(description)
        except KubernetesError as exc:
            return {"reachable": False, "error": exc.msg}
        try:
            return kubernetes_report(*read_cluster(api))
        except KubernetesError as exc:
            return {"reachable": False, "error": exc.msg}
        finally:
            api.close()

    def cluster_details(self, name: str, *, kubernetes: bool = False) -> dict[str, t.Any] | None:
        """Description, nodegroups and Fargate profiles of one cluster (three reads, side by side), and with ``kubernetes`` what its
        Kubernetes API shows (one more round); None if it does not exist."""
        description, groups, problem, profiles = self._describe_with_nodegroups(name, tolerant=True, fargate=True)
        if description is None:
            return None
        groups = groups or []
        authority = description.pop("certificate_authority", None)
        if kubernetes:
            description["kubernetes"] = self.kubernetes(dict(description, certificate_authority=authority))
        summary = self._summary(name, groups, description, problem, profiles)
        description.update(
            owned=owned_from_tags(description["tags"]),
            nodegroups=groups,
            fargate_profiles=profiles,
            nodes_exist=summary["desired_nodes"] > 0,
            status_summary=summary,
        )
        return description

    def status_summary(self, name: str) -> dict[str, t.Any]:
        """The ``status_summary`` of a listed cluster from its nodegroups alone (one read)."""
        groups, problem = self._nodegroups_of_what_it_is(name)
        return self._summary(name, groups, None, problem)

    def tags(self, name: str) -> dict[str, str]:
        """The cluster's tags (one description); none for a cluster deleted since it was listed."""
        description = self.client.describe_cluster(name)
        return description["tags"] if description else {}

    def survey(self, clusters: list[dict[str, t.Any]], *, summary: bool = True, tags: bool = False) -> list[dict[str, t.Any] | errors.EksctlError]:
        """Of each listed cluster, read in its own region: its ``status_summary`` (one read) and with ``tags`` its ``tags`` (one
        description), every read side by side within the one bound; the error in place of a cluster that could not be read, so
        one unreadable cluster does not hide the others (the inventory's view)."""
        wanted = [what for what, asked in (("status_summary", summary), ("tags", tags)) if asked]

        def read(listed: dict[str, t.Any], what: str) -> t.Any:
            try:
                return getattr(self.in_region(listed["region"], parallelism=1), what)(listed["name"])
            except errors.EksctlError as exc:
                return exc
        found = run_parallel([functools.partial(read, listed, what) for what in wanted for listed in clusters], self.parallelism)
        per_cluster = [dict(zip(wanted, found[index::len(clusters)])) for index in range(len(clusters))] if clusters else []
        return [next((part for part in reads.values() if isinstance(part, errors.EksctlError)), reads) for reads in per_cluster]

    def cluster_info(self, request: InfoRequest) -> list[dict[str, t.Any]]:
        """``eks_cluster_info``'s clusters: one described cluster, or the listed ones (each described with ``details``)."""
        if request.name:
            cluster = self.cluster_details(request.name, kubernetes=request.kubernetes)
            return [cluster] if cluster else []
        clusters = self.client.list_clusters(all_regions=request.all_regions)
        if not request.details:
            return clusters

        def detail(listed: dict[str, t.Any]) -> dict[str, t.Any] | None:
            # Each cluster is read in its own region, its three reads side by side within the overall bound.
            found = self.in_region(listed["region"], parallelism=3).cluster_details(listed["name"], kubernetes=request.kubernetes)
            if found is not None:
                found["owned"] = listed["owned"]
            return found

        described = run_parallel([functools.partial(detail, listed) for listed in clusters], max(1, self.parallelism // 3))
        return [cluster for cluster in described if cluster is not None]

    def read_nodegroups(self, cluster: str, names: t.Sequence[str] | None = None) -> tuple[Nodegroups, str]:
        """The cluster's nodegroups and its region. The region comes from the options when known;
        otherwise (resolved by eksctl from the profile) it is read from the cluster's ARN, in parallel."""
        if self.client.region:
            try:
                return self.nodegroups(cluster, names), self.client.region
            except errors.ClusterNotFound as exc:
                raise errors.ClusterNotFound("cluster %r was not found in region %s" % (cluster, self.client.region), **exc.details) from None

        description, groups, _problem, _profiles = self._describe_with_nodegroups(cluster, tolerant=False, names=names)
        if description is None or groups is None:
            raise errors.ClusterNotFound("cluster %r was not found in the region eksctl resolved" % cluster)
        if not description["region"]:
            # The region keys the recorded sizes; a guess would file them where the start never looks.
            raise errors.OutputParseError("cannot tell the region of cluster %r from its ARN %r; set the region option" % (cluster, description["arn"]))
        return groups, description["region"]
