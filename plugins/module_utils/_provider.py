# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils file is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""The capacity provider: read, compare, then write only what differs.

Both modules and the inventory plugin sit on this class. It owns the order of eksctl calls
(one read per cluster, writes side by side, one poll per interval while waiting), check mode
(reads, predicts, never writes) and the capacity snapshot of stop/start.
"""

from __future__ import annotations

import functools
import time
import typing as t
from concurrent.futures import ThreadPoolExecutor

from . import _errors as errors
from ._eksctl import EksctlClient
from ._parsing import nodegroup_has_failed, nodegroup_is_busy, nodegroup_is_ready, unavailable_cluster_status
from ._planning import (
    Capacity,
    Step,
    capacity_of,
    check_restore_targets,
    plan_present,
    plan_start,
    plan_stop,
    refuse_unscalable,
    select_nodegroups,
    summarize_status,
)
from ._snapshots import SnapshotStore, capacities_to_dict, snapshot_key

T = t.TypeVar("T")

# eksctl tags the clusters it creates; a cluster without the tag may still own a stack, so that is "unknown".
EKSCTL_CLUSTER_TAGS = ("alpha.eksctl.io/cluster-name", "eksctl.cluster.k8s.io/v1alpha1/cluster-name")


def owned_from_tags(tags: dict[str, str]) -> bool | None:
    return True if any(tag in tags for tag in EKSCTL_CLUSTER_TAGS) else None


def run_parallel(calls: t.Sequence[t.Callable[[], T]], workers: int) -> list[T]:
    """Run the calls side by side (at most ``workers`` at once); results keep the calls' order."""
    if len(calls) <= 1 or workers <= 1:
        return [call() for call in calls]
    with ThreadPoolExecutor(max_workers=min(workers, len(calls))) as pool:
        futures = [pool.submit(call) for call in calls]
        return [future.result() for future in futures]


class CapacityProvider:
    def __init__(self, client: EksctlClient, *, check_mode: bool = False, parallelism: int = 10, wait_timeout: float = 1200,
                 wait_sleep: float = 10, clock: t.Callable[[], float] = time.monotonic,
                 sleep: t.Callable[[float], None] = time.sleep) -> None:
        self.client = client
        self.check_mode = check_mode
        self.parallelism = max(1, parallelism)
        self.wait_timeout = wait_timeout
        self.wait_sleep = wait_sleep
        self.clock = clock
        self.sleep = sleep
        self._by_name = False

    # ------------------------------------------------------------------ reads

    def _nodegroups(self, cluster: str, names: t.Sequence[str] | None = None) -> list[dict[str, t.Any]]:
        """The cluster's nodegroups with one read; or, when that read fails for want of Kubernetes API access and the
        request names its nodegroups, those nodegroups read one by one (a managed nodegroup read by name needs no node
        list). Once a read by name was needed, the later reads of this provider (wait, retries) go the same way."""
        if names and self._by_name:
            return self._nodegroups_by_name(cluster, names)
        try:
            return self.client.list_nodegroups(cluster)
        except errors.KubernetesAccessError:
            if not names:
                raise
            self._by_name = True
            return self._nodegroups_by_name(cluster, names)

    def _nodegroups_by_name(self, cluster: str, names: t.Sequence[str]) -> list[dict[str, t.Any]]:
        def read(name: str) -> list[dict[str, t.Any]]:
            try:
                return self.client.get_nodegroup(cluster, name)
            except errors.NodegroupNotFound:
                return []
        return [nodegroup for found in run_parallel([functools.partial(read, name) for name in names], self.parallelism)
                for nodegroup in found]

    def _describe_with_nodegroups(self, name: str, *, tolerant: bool, names: t.Sequence[str] | None = None) -> tuple[
            dict[str, t.Any] | None, list[dict[str, t.Any]] | None, errors.CommandFailed | None]:
        """The cluster's description and its nodegroups, read side by side; None for what does not exist.

        With ``tolerant``, a cluster whose nodegroups cannot be read because of what the cluster is
        (CREATING/DELETING/FAILED, or not an EKS cluster at all) gets no nodegroups and the error
        that says why, instead of failing the read.
        """
        def nodegroups() -> tuple[list[dict[str, t.Any]] | None, errors.CommandFailed | None]:
            try:
                return self._nodegroups(name, names), None
            except errors.ClusterNotFound:
                return None, None
            except (errors.ClusterUnavailable, errors.NotEksCluster) as exc:
                if tolerant:
                    return [], exc
                raise

        reads: list[t.Callable[[], t.Any]] = [lambda: self.client.describe_cluster(name), nodegroups]
        description, (groups, problem) = run_parallel(reads, self.parallelism)
        return description, groups, problem

    def cluster_details(self, name: str) -> dict[str, t.Any] | None:
        """Description and nodegroups of one cluster (two reads, side by side), or None if it does not exist."""
        description, groups, problem = self._describe_with_nodegroups(name, tolerant=True)
        if description is None:
            return None
        groups = groups or []
        summary = summarize_status(groups, description["status"])
        if description["connector"] or isinstance(problem, errors.NotEksCluster):
            # Registered through EKS Connector: listed by eksctl, but it has no nodegroups eksctl can read or scale.
            summary.update(phase="unsupported", reason="cluster %r is registered through EKS Connector; eksctl cannot read or scale "
                                                       "its nodes, which its own Kubernetes provider manages" % name)
        description.update(
            owned=owned_from_tags(description["tags"]),
            nodegroups=groups,
            nodes_exist=summary["desired_nodes"] > 0,
            status_summary=summary,
        )
        return description

    def status_summary(self, name: str) -> dict[str, t.Any]:
        """The ``status_summary`` of a listed cluster from its nodegroups alone (one read), for the inventory plugin."""
        try:
            return summarize_status(self.client.list_nodegroups(name))
        except errors.ClusterUnavailable as exc:
            return summarize_status([], unavailable_cluster_status(exc.details.get("stderr", "")))
        except errors.NotEksCluster as exc:
            return dict(summarize_status([]), phase="unsupported", reason=exc.msg)

    def cluster_info(self, *, name: str | None = None, details: bool = False, all_regions: bool = False) -> list[dict[str, t.Any]]:
        if name:
            cluster = self.cluster_details(name)
            return [cluster] if cluster else []
        clusters = self.client.list_clusters(all_regions=all_regions)
        if not details:
            return clusters

        def detail(listed: dict[str, t.Any]) -> t.Callable[[], dict[str, t.Any] | None]:
            def read() -> dict[str, t.Any] | None:
                # With all_regions each cluster is read in its own region.
                client = self.client if listed["region"] == self.client.region else self.client.for_region(listed["region"])
                found = CapacityProvider(client, parallelism=2).cluster_details(listed["name"])
                if found is not None:
                    found["owned"] = listed["owned"]
                return found
            return read

        described = run_parallel([detail(listed) for listed in clusters], max(1, self.parallelism // 2))
        return [cluster for cluster in described if cluster is not None]

    def read_nodegroups(self, cluster: str, names: t.Sequence[str] | None = None) -> tuple[list[dict[str, t.Any]], str | None]:
        """The cluster's nodegroups and its region. The region comes from the options when known;
        otherwise (resolved by eksctl from the profile) it is read from the cluster's ARN, in parallel."""
        if self.client.region:
            try:
                return self._nodegroups(cluster, names), self.client.region
            except errors.ClusterNotFound as exc:
                raise errors.ClusterNotFound("cluster %r was not found in region %s" % (cluster, self.client.region), **exc.details) from None

        description, groups, _problem = self._describe_with_nodegroups(cluster, tolerant=False, names=names)
        if description is None or groups is None:
            raise errors.ClusterNotFound("cluster %r was not found in the region eksctl resolved" % cluster)
        return groups, description["region"]

    # ------------------------------------------------------------------ writes

    def apply(self, *, cluster: str, state: str, names: list[str] | None, sizes: dict[str, int],
              restore: dict[str, Capacity] | None, store: SnapshotStore | None, wait: bool, diff: bool) -> dict[str, t.Any]:
        deadline = self.clock() + self.wait_timeout
        while True:
            nodegroups, region = self.read_nodegroups(cluster, names)
            selected = select_nodegroups(nodegroups, names, cluster=cluster)
            key = snapshot_key(region, cluster)
            steps, recorded, warnings = self._plan(state, cluster, nodegroups, selected, sizes, restore, store, key)
            refuse_unscalable(steps, cluster=cluster)
            changing = {step.name for step in steps if step.changed}
            busy = [ng for ng in selected if ng["name"] in changing and nodegroup_is_busy(ng["status"])]
            if not busy:
                break
            # EKS answers 409 to a scale while a nodegroup is UPDATING; wait for it instead.
            self._sleep_before(deadline, "nodegroup(s) %s of cluster %r to leave %s before scaling"
                               % (", ".join(ng["name"] for ng in busy), cluster, "/".join(sorted({ng["status"] for ng in busy}))))

        result: dict[str, t.Any] = {
            "warnings": warnings,
            "cluster": cluster,
            "region": region,
            "state": state,
            "changed": any(step.changed for step in steps),
            "nodegroups": [self._outcome(step) for step in steps],
            "commands": [self.client.scale_argv(cluster, step.name, step.send) for step in steps if step.changed],
        }
        if diff:
            result["diff"] = self._diff(steps)
        if state == "stopped" and not self.check_mode and store and recorded:
            # Recorded before the first write, so an interrupted stop still has every size to restore.
            store.record(key, recorded)
        if state != "present":
            result["capacity_snapshot"] = capacities_to_dict(recorded)
        if result["changed"] and not self.check_mode:
            self._write_all(cluster, steps, result)
            if wait:
                self._wait_until_settled(cluster, [step for step in steps if step.changed], deadline, result)
        self._forget_restored(state, steps, store, key)
        return self._with_facts(result, key, state)

    @staticmethod
    def _plan(state: str, cluster: str, nodegroups: list[dict[str, t.Any]], selected: list[dict[str, t.Any]], sizes: dict[str, int],
              restore: dict[str, Capacity] | None, store: SnapshotStore | None,
              key: str) -> tuple[list[Step], dict[str, Capacity], list[str]]:
        """Steps, the capacity recorded for stop/start, and warnings. Sizes for a start: restore_capacity, then the file."""
        if state == "present":
            return plan_present(selected, sizes), {}, []
        if state == "stopped":
            return plan_stop(selected, store.load(key) if store else {})
        if restore:
            check_restore_targets(restore, nodegroups, cluster=cluster)
            recorded = dict(restore)
        else:
            recorded = store.load(key) if store else {}
        steps, warnings = plan_start(selected, recorded)
        return steps, recorded, warnings

    def _forget_restored(self, state: str, steps: list[Step], store: SnapshotStore | None, key: str) -> None:
        if state == "started" and store and not self.check_mode:
            # Every selected nodegroup now runs at its restored (or its own) sizes: its recording is spent.
            store.forget(key, [step.name for step in steps])

    def _with_facts(self, result: dict[str, t.Any], key: str, state: str) -> dict[str, t.Any]:
        if state == "present" or self.check_mode:
            return result
        if state == "stopped" and not result["capacity_snapshot"]:
            # Nothing recorded (already stopped): leave a cached fact from the first stop untouched.
            return result
        remaining = {} if state == "started" else result["capacity_snapshot"]
        result["ansible_facts"] = {"eks_capacity_snapshots": {key: remaining}}
        return result

    @staticmethod
    def _outcome(step: Step) -> dict[str, t.Any]:
        return {"name": step.name, "type": step.type, "before": step.before.as_dict(), "after": step.after.as_dict(),
                "changed": step.changed, "action": step.action}

    @staticmethod
    def _diff(steps: list[Step]) -> dict[str, t.Any]:
        changed = [step for step in steps if step.changed]
        return {
            "before": {"nodegroups": {step.name: step.before.as_dict() for step in changed}},
            "after": {"nodegroups": {step.name: step.after.as_dict() for step in changed}},
        }

    def _write_all(self, cluster: str, steps: list[Step], result: dict[str, t.Any]) -> None:
        """Run the writes side by side. After a failure no new write starts; running ones finish and are reported."""
        outcomes = {outcome["name"]: outcome for outcome in result["nodegroups"]}
        failed: list[str] = []

        def write(step: Step) -> None:
            if failed:
                outcomes[step.name].update(changed=False, action="not_attempted", after=step.before.as_dict())
                return
            try:
                self._scale(cluster, step)
            except errors.EksctlError as exc:
                failed.append(step.name)
                outcomes[step.name].update(changed=False, action="failed", after=step.before.as_dict(), error=exc.msg,
                                           **{k: v for k, v in exc.details.items() if k in ("rc", "stderr")})

        run_parallel([functools.partial(write, step) for step in steps if step.changed], self.parallelism)
        result["changed"] = any(outcome["changed"] for outcome in result["nodegroups"])
        result["commands"] = [self.client.scale_argv(cluster, step.name, step.send) for step in steps
                              if step.changed and outcomes[step.name]["action"] != "not_attempted"]
        if failed:
            done = [o["name"] for o in result["nodegroups"] if o["changed"]]
            skipped = [o["name"] for o in result["nodegroups"] if o["action"] == "not_attempted"]
            raise errors.OperationFailed(
                "Failed to scale nodegroup(s) %s of cluster %r (changed: %s; not attempted: %s); see nodegroups[] for each one's state: %s"
                % (", ".join(failed), cluster, ", ".join(done) or "none", ", ".join(skipped) or "none",
                   outcomes[failed[0]]["error"]), **result)

    def _scale(self, cluster: str, step: Step) -> None:
        try:
            self.client.scale_nodegroup(cluster, step.name, step.send)
        except errors.ResourceInUse:
            # 409: the nodegroup went busy between our read and the write. Wait for it once, then retry once.
            deadline = self.clock() + self.wait_timeout
            while True:
                current = {ng["name"]: ng for ng in self._nodegroups(cluster, [step.name])}.get(step.name)
                if current is None or not nodegroup_is_busy(current["status"]):
                    break
                self._sleep_before(deadline, "nodegroup %r of cluster %r to become ACTIVE after EKS answered 409" % (step.name, cluster))
            self.client.scale_nodegroup(cluster, step.name, step.send)

    def _sleep_before(self, deadline: float, what: str) -> None:
        if self.clock() + self.wait_sleep > deadline:
            raise errors.WaitTimeout("Timed out after wait_timeout=%gs waiting for %s" % (self.wait_timeout, what))
        self.sleep(self.wait_sleep)

    def _wait_until_settled(self, cluster: str, steps: list[Step], deadline: float, result: dict[str, t.Any]) -> None:
        """Poll with one ``get nodegroup`` per interval until every changed nodegroup is ready at its new sizes."""
        targets = {step.name: step.after for step in steps}
        while True:
            current = {ng["name"]: ng for ng in self._nodegroups(cluster, list(targets))}
            pending = []
            for name, target in targets.items():
                nodegroup = current.get(name)
                if nodegroup is None:
                    raise errors.NodegroupFailed("nodegroup %r of cluster %r disappeared while waiting" % (name, cluster), **result)
                if nodegroup_has_failed(nodegroup["status"]):
                    raise errors.NodegroupFailed("nodegroup %r of cluster %r is %s while waiting for it to scale"
                                                 % (name, cluster, nodegroup["status"]), **result)
                # Ready and at the new sizes: DescribeNodegroup may show the new sizes before UPDATING ends.
                current_size = capacity_of(nodegroup)
                if not (nodegroup_is_ready(nodegroup["status"]) and current_size == target):
                    pending.append("%s (%s, %d/%d/%d)"
                                   % (name, nodegroup["status"], current_size.desired_size, current_size.min_size, current_size.max_size))
            if not pending:
                return
            try:
                self._sleep_before(deadline, "nodegroups of cluster %r to settle; still pending: %s" % (cluster, ", ".join(pending)))
            except errors.WaitTimeout as exc:
                raise errors.WaitTimeout(exc.msg, **result) from None
