# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils file is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""What a stop does in the cluster's Kubernetes API, and a start gives back: the pause of what would undo or outlive the stop
(cluster-autoscaler's replicas to 0, every Karpenter NodePool's limits to nothing, its NodeClaims deleted), and the proof at
the Node level that the compute is gone (or, after a start, Ready).

The order is the user's safety: a stop records what it will change first (the scaler writes the recording), then pauses the
autoscaler (so it cannot scale a stopped nodegroup back up), then limits the NodePools (so Karpenter launches nothing), then
deletes the NodeClaims. A start restores the nodegroups first (the scaler), then the NodePools' limits, then the autoscaler's
replicas. A change that fails stops the rest and says what was done and what was not; the next run completes it.
"""

from __future__ import annotations

import typing as t

from .access import KARPENTER, ClusterApi, KubernetesError, read_cluster, read_nodes, why_held
from .objects import (Change, held_by, missing_on_resume, node_counts, node_of, nodes_left, nodes_missing, pause_changes, recorded_of_pause, report,
                      resume_changes)


def _path(change: Change) -> str:
    if change.kind == "deployment":
        return "/apis/apps/v1/namespaces/%s/deployments/%s/scale" % (change.namespace, change.name)
    return "%s/%ss/%s" % (KARPENTER, change.kind, change.name)


def _limits_patch(before: t.Mapping[str, t.Any] | None, after: t.Mapping[str, t.Any] | None) -> t.Any:
    """A merge patch from one ``limits`` to another: keys the new one lacks are removed (null), none at all removes ``limits``."""
    if after is None:
        return None
    patch: dict[str, t.Any] = dict.fromkeys(before or {}, None)
    patch.update(after)
    return patch


class Autoscalers:
    def __init__(self, api: ClusterApi, *, check_mode: bool = False) -> None:
        self.api = api
        self.check_mode = check_mode
        self._read: t.Any = None
        self._nodes: list[t.Any] | None = None   # the Nodes as the last poll of a wait read them

    def close(self) -> None:
        close = getattr(self.api, "close", None)
        if close:
            close()

    def read(self, *, again: bool = False) -> t.Any:
        """Nodes, Deployments, NodePools and NodeClaims (one round of reads side by side), kept until read ``again``."""
        if self._read is None or again:
            self._read = read_cluster(self.api)
        return self._read

    def report(self) -> dict[str, t.Any]:
        return report(*self.read())

    def plan_pause(self, recorded: t.Mapping[str, t.Any]) -> tuple[list[Change], dict[str, t.Any], int]:
        """The pause's changes, what the recording keeps of it (what an earlier pause recorded wins), and the Node count now."""
        nodes, deployments, nodepools, nodeclaims = self.read()
        changes = pause_changes(deployments, nodepools or [], nodeclaims or [])
        return changes, recorded_of_pause(changes, recorded), len(nodes)

    def plan_resume(self, recorded: t.Mapping[str, t.Any]) -> tuple[list[Change], list[str]]:
        """The resume's changes, and what was recorded that no longer exists (read again: the nodegroups have changed since)."""
        _nodes, deployments, nodepools, _claims = self.read(again=True)
        return resume_changes(recorded, deployments, nodepools or []), missing_on_resume(recorded, deployments, nodepools or [])

    def apply(self, changes: t.Sequence[Change], what: str) -> None:
        """Make the changes in order; a failure names what was done and what was not (``what``: "paused" or "resumed")."""
        if self.check_mode:
            return
        for number, change in enumerate(changes):
            try:
                if change.kind == "deployment":
                    self.api.patch(_path(change), {"spec": {"replicas": change.after}})
                elif change.kind == "nodepool":
                    self.api.patch(_path(change), {"spec": {"limits": _limits_patch(change.before, change.after)}})
                else:
                    self.api.delete(_path(change))
            except KubernetesError as exc:
                done = ", ".join("%s %s" % (done.kind, done.name) for done in changes[:number]) or "nothing"
                left = ", ".join("%s %s" % (rest.kind, rest.name) for rest in changes[number:])
                raise KubernetesError("%s; %s: %s; not %s: %s; run again to complete it" % (exc.msg, what, done, what, left),
                                      **exc.details) from None

    # ------------------------------------------------------------------ proof at the Node level

    def _poll_nodes(self) -> list[t.Any]:
        self._nodes = read_nodes(self.api)
        return self._nodes

    def nodes_still_there(self, nodegroups: t.Collection[str], *, karpenter: bool) -> list[str]:
        """The Nodes a stop waits to see gone."""
        return [node.name for node in nodes_left(self._poll_nodes(), nodegroups, karpenter=karpenter)]

    def nodes_not_ready(self, wanted: t.Mapping[str, int]) -> dict[str, tuple[int, int]]:
        """Per restored nodegroup short of Ready Nodes: (Ready, desired)."""
        return nodes_missing(self._poll_nodes(), wanted)

    def nodes_seen_last(self) -> dict[str, t.Any] | None:
        """The cluster's Node counts as the last poll of a wait read them (None before any poll): what a stop or start proved."""
        return None if self._nodes is None else node_counts([node_of(item) for item in self._nodes])

    def why(self, node: str) -> str | None:
        pods, budgets = why_held(self.api, node)
        return held_by(node, pods, budgets)

    def node_count(self) -> int:
        return len(read_nodes(self.api))
