# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils file is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""The capacity provider: read, compare, then write only what differs.

Both modules and the inventory plugin sit on this class. It owns the order of eksctl calls
(one read per cluster, writes side by side, one read back that verifies them, which is the
first poll while waiting) and check mode (reads, predicts, never writes). The recording of
stop/start is kept by ``_snapshots``; the provider decides when it is written and spent.
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
    plan_present,
    plan_start,
    plan_stop,
    refuse_unscalable,
    select_nodegroups,
    summarize_status,
)
from ._snapshots import (
    SnapshotError,
    SnapshotStore,
    capacities_to_dict,
    facts_with,
    merge_recordings,
    recording_from_facts,
    snapshot_key,
    without,
)

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
                return self._nodegroups_of_what_it_is(name, names, tolerant=tolerant)
            except errors.ClusterNotFound:
                return None, None

        reads: list[t.Callable[[], t.Any]] = [lambda: self.client.describe_cluster(name), nodegroups]
        description, (groups, problem) = run_parallel(reads, self.parallelism)
        return description, groups, problem

    def _nodegroups_of_what_it_is(self, name: str, names: t.Sequence[str] | None = None, *,
                                  tolerant: bool = True) -> tuple[list[dict[str, t.Any]], errors.CommandFailed | None]:
        """The nodegroups, or, with ``tolerant``, none and the error when the cluster cannot have readable ones
        (CREATING/DELETING/FAILED, or not an EKS cluster at all)."""
        try:
            return self._nodegroups(name, names), None
        except (errors.ClusterUnavailable, errors.NotEksCluster) as exc:
            if tolerant:
                return [], exc
            raise

    @staticmethod
    def _summary(name: str, groups: list[dict[str, t.Any]], cluster_status: str | None, problem: errors.CommandFailed | None,
                 connector: bool = False) -> dict[str, t.Any]:
        """``status_summary``: the nodegroups aggregated, or ``unsupported`` (with the reason) for a connector cluster."""
        if cluster_status is None and isinstance(problem, errors.ClusterUnavailable):
            cluster_status = unavailable_cluster_status(problem.details.get("stderr", ""))
        summary = summarize_status(groups, cluster_status)
        if connector or isinstance(problem, errors.NotEksCluster):
            # Registered through EKS Connector: listed by eksctl, but it has no nodegroups eksctl can read or scale.
            summary.update(phase="unsupported", reason="cluster %r is registered through EKS Connector; eksctl cannot read or scale "
                                                       "its nodes, which its own Kubernetes provider manages" % name)
        return summary

    def cluster_details(self, name: str) -> dict[str, t.Any] | None:
        """Description and nodegroups of one cluster (two reads, side by side), or None if it does not exist."""
        description, groups, problem = self._describe_with_nodegroups(name, tolerant=True)
        if description is None:
            return None
        groups = groups or []
        summary = self._summary(name, groups, description["status"], problem, description["connector"])
        description.update(
            owned=owned_from_tags(description["tags"]),
            nodegroups=groups,
            nodes_exist=summary["desired_nodes"] > 0,
            status_summary=summary,
        )
        return description

    def status_summary(self, name: str) -> dict[str, t.Any]:
        """The ``status_summary`` of a listed cluster from its nodegroups alone (one read), for the inventory plugin."""
        groups, problem = self._nodegroups_of_what_it_is(name)
        return self._summary(name, groups, None, problem)

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
        if not description["region"]:
            # The region keys the recorded sizes; a guess would file them where the start never looks.
            raise errors.OutputParseError("cannot tell the region of cluster %r from its ARN %r; set the region option" % (cluster, description["arn"]))
        return groups, description["region"]

    # ------------------------------------------------------------------ writes

    def apply(self, *, cluster: str, state: str, names: list[str] | None, sizes: dict[str, int],
              restore: dict[str, Capacity] | None, store: SnapshotStore | None, wait: bool, diff: bool,
              snapshots: dict[str, dict[str, Capacity]] | None = None) -> dict[str, t.Any]:
        deadline = self.clock() + self.wait_timeout
        while True:
            nodegroups, region = self.read_nodegroups(cluster, names)
            selected = select_nodegroups(nodegroups, names, cluster=cluster)
            key = snapshot_key(region, cluster)
            steps, recorded, warnings = self._plan(state, cluster, nodegroups, selected, sizes, restore, snapshots, store, key,
                                                   whole_cluster=not names)
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
            fresh = {step.name: step.before for step in steps if step.changed}
            recorded = store.record(key, fresh, recorded)
        if state != "present":
            # Set before the writes: a failed write still returns the recording for the role to keep.
            self._set_recording(result, snapshots, key, recorded, recorded)
        if result["changed"] and not self.check_mode:
            self._write_all(cluster, steps, result)
            written = [step for step in steps if step.changed]
            try:
                if wait:
                    self._wait_until_settled(cluster, written, deadline, result)
                else:
                    self._verify(cluster, written, {ng["name"]: ng for ng in self._nodegroups(cluster, names)}, result)
            except errors.CommandFailed as exc:
                # The writes are done: a read after them that fails (throttled, a broken connection, an expired token) still
                # reports what changed and carries the recording, or the role could not keep it.
                raise type(exc)("%s; the writes before it went through, see nodegroups[]" % exc.msg, **dict(result, **exc.details)) from None
        if state == "started":
            self._forget_restored(steps, recorded, nodegroups, store, key, whole_cluster=not names, result=result, snapshots=snapshots)
        return self._with_facts(result, state)

    def _plan(self, state: str, cluster: str, nodegroups: list[dict[str, t.Any]], selected: list[dict[str, t.Any]], sizes: dict[str, int],
              restore: dict[str, Capacity] | None, snapshots: dict[str, dict[str, Capacity]] | None, store: SnapshotStore | None,
              key: str, *, whole_cluster: bool) -> tuple[list[Step], dict[str, Capacity], list[str]]:
        """Steps, the capacity recorded for stop/start, and warnings.

        The recording merges, per nodegroup: restore_capacity, then the host fact (snapshots), then the file.
        """
        if state == "present":
            return plan_present(selected, sizes), {}, []
        given = merge_recordings(restore or {}, recording_from_facts(snapshots, key))
        warnings: list[str] = []
        if state == "stopped":
            # A stop never writes past a file it cannot read: it may hold the only copy of earlier sizes.
            from_file = store.load(key) if store else {}
        else:
            try:
                from_file = store.load(key) if store else {}
            except SnapshotError as exc:
                # A start needs the file only for stopped nodegroups whose sizes were not given.
                if any(capacity_of(ng).desired_size == 0 and ng["name"] not in given for ng in selected):
                    raise
                warnings.append("%s; it was not needed, every stopped nodegroup's sizes were given" % exc.msg)
                from_file = {}
        recorded = merge_recordings(given, from_file)
        if state == "stopped":
            steps, recorded, stop_warnings = plan_stop(selected, recorded)
            return steps, recorded, warnings + stop_warnings
        existing = {nodegroup["name"] for nodegroup in nodegroups}
        gone = sorted(set(recorded) - existing)
        if gone:
            warnings.append("recorded nodegroup(s) %s no longer exist in cluster %r; %s"
                            % (", ".join(gone), cluster,
                               "their recording is dropped and the others are started" if whole_cluster else "the others are started"))
        steps, start_warnings = plan_start(selected, recorded)
        return steps, recorded, warnings + start_warnings

    @staticmethod
    def _set_recording(result: dict[str, t.Any], snapshots: dict[str, dict[str, Capacity]] | None, key: str,
                       used: dict[str, Capacity], remaining: dict[str, Capacity]) -> None:
        result["capacity_snapshot"] = capacities_to_dict(used)
        result["capacity_snapshot_key"] = key
        result["eks_capacity_snapshots"] = facts_with(snapshots, key, remaining)

    def _forget_restored(self, steps: list[Step], recorded: dict[str, Capacity], nodegroups: list[dict[str, t.Any]],
                         store: SnapshotStore | None, key: str, *, whole_cluster: bool, result: dict[str, t.Any],
                         snapshots: dict[str, dict[str, Capacity]] | None) -> None:
        """Every selected nodegroup now runs at its restored (or its own) sizes: its recording is spent, and so is
        the recording of a nodegroup that no longer exists when the whole cluster was started. Others are kept."""
        spent = [step.name for step in steps]
        if whole_cluster:
            existing = {nodegroup["name"] for nodegroup in nodegroups}
            spent += [name for name in recorded if name not in existing]
        self._set_recording(result, snapshots, key, recorded, without(recorded, spent))
        if self.check_mode or not store:
            return
        try:
            store.forget(key, spent)
        except SnapshotError as exc:
            # Every nodegroup is started: a snapshot file that cannot be cleaned up is worth a warning, not a failure.
            result["warnings"].append("%s; the nodegroups were started, but their recording could not be removed from it" % exc.msg)

    def _with_facts(self, result: dict[str, t.Any], state: str) -> dict[str, t.Any]:
        if state == "present" or self.check_mode:
            return result
        if state == "stopped" and not result["capacity_snapshot"]:
            # Nothing recorded (already stopped, no recording anywhere): leave a cached fact untouched.
            return result
        result["ansible_facts"] = {"eks_capacity_snapshots": result["eks_capacity_snapshots"]}
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

    @staticmethod
    def _verify(cluster: str, steps: list[Step], current: dict[str, dict[str, t.Any]], result: dict[str, t.Any]) -> None:
        """Don't trust exit 0: a nodegroup eksctl reported scaled that reads back ready at its old sizes was not scaled."""
        outcomes = {outcome["name"]: outcome for outcome in result["nodegroups"]}
        unapplied = []
        for step in steps:
            nodegroup = current.get(step.name)
            if nodegroup is None or nodegroup_is_busy(nodegroup["status"]):
                continue  # gone (reported by the wait) or still updating: not a sign that the write was lost
            now = capacity_of(nodegroup)
            if now != step.after and now == step.before:
                unapplied.append(step.name)
                outcomes[step.name].update(changed=False, action="failed", after=now.as_dict(),
                                           error="eksctl reported the scale as done, but the sizes read back unchanged")
        if unapplied:
            result["changed"] = any(outcome["changed"] for outcome in result["nodegroups"])
            raise errors.OperationFailed(
                "eksctl reported scaling nodegroup(s) %s of cluster %r as done, but reading them back shows the old sizes; "
                "see nodegroups[] for each one's state" % (", ".join(unapplied), cluster), **result)

    def _wait_until_settled(self, cluster: str, steps: list[Step], deadline: float, result: dict[str, t.Any]) -> None:
        """Poll with one ``get nodegroup`` per interval until every changed nodegroup is ready at its new sizes.
        Every poll also verifies the writes (see ``_verify``)."""
        targets = {step.name: step.after for step in steps}
        while True:
            current = {ng["name"]: ng for ng in self._nodegroups(cluster, list(targets))}
            self._verify(cluster, steps, current, result)
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
