# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils file is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""The preflight of a stop or a start: every reason it would not do what the user expects, each with a one-line fix.
Pure: it judges what the check-mode run read and planned, and the scaler attaches it to the check-mode result."""

from __future__ import annotations

import typing as t

from ._failures import BY_NAME, UNSCALABLE_FIX
from ._model import ACTION_FALLBACK, ACTION_KEPT_STOPPED, ACTION_SKIPPED, Step, nodegroup_has_failed, nodegroup_is_busy

# The fix of each kind of what keeps running after a stop (``_status.still_running``).
FIXES = {
    "fargate_profile": "scale the workloads it selects to zero (kubectl scale) or delete the profile; a nodegroup stop cannot stop them",
    "auto_mode": "scale the workloads on Auto Mode nodes to zero, or turn the node pools off; Auto Mode then removes the idle nodes",
    "unscalable_nodegroup": UNSCALABLE_FIX,
    "connector": BY_NAME["not_eks"].fix,
    "karpenter_nodes": "stop with autoscalers=pause (its NodePools limited to nothing, its NodeClaims deleted), or delete the NodeClaims",
    "other_nodes": "stop them where they were made (their own Auto Scaling group, Auto Mode, by hand); a nodegroup stop cannot",
    "cluster_autoscaler": "stop with autoscalers=pause (its replicas to 0 while stopped), or scale it to 0 yourself",
}
# What a preview could not read, and how to read it next time.
UNREAD_FIXES = {
    "fargate_profiles": "grant eks:ListFargateProfiles and eks:DescribeFargateProfile (or wait out the throttling), then preview again",
    "kubernetes": "let this host reach the cluster's API and give this identity an access entry with read RBAC (docs/awx.md), then preview again",
}


def entry(check: str, subject: str, problem: str, fix: str) -> dict[str, str]:
    return {"check": check, "subject": subject, "problem": problem, "fix": fix}


def preflight(state: str, selected: list[dict[str, t.Any]], steps: list[Step], still_running: list[dict[str, str]], *,
              ages: t.Mapping[str, float] | None = None, max_age: float = 0, unread: t.Mapping[str, str] | None = None) -> list[dict[str, str]]:
    """The problems of a planned stop (``state=stopped``) or start (``state=started``), in a stable order, said as what the run
    would do.

    ``ages`` holds, per selected nodegroup with a recording that has a stop time, how many hours ago it was stopped; a
    recording older than ``max_age`` hours (0: no limit) is named, since sizes recorded long ago may no longer be wanted.
    ``unread`` names each read the preview depends on that failed, with why: what it would have shown is unknown, never
    "nothing found".
    """
    found = []
    for name, hours in sorted((ages or {}).items()):
        if max_age and hours > max_age:
            found.append(entry("stale_recording", name, "nodegroup %r was recorded when it was stopped %.1f hours ago, more than "
                                                        "recording_max_age=%g; the start would restore those sizes" % (name, hours, max_age),
                               "check that the recorded sizes are still wanted, or give them in restore_capacity"))
    changing = {step.name for step in steps if step.changed}
    for nodegroup in selected:
        name, status = nodegroup["name"], nodegroup["status"]
        if nodegroup_has_failed(status):
            found.append(entry("nodegroup_failed", name, "nodegroup %r is %s; EKS may refuse to scale it" % (name, status),
                               "repair it (its health issues show in the EKS console) or leave it out with name"))
        elif nodegroup_is_busy(status) and name in changing:
            found.append(entry("nodegroup_busy", name, "nodegroup %r is %s; the run would wait for it, up to wait_timeout" % (name, status),
                               "let the change in progress finish first, or raise wait_timeout"))
    for step in steps:
        if step.action == ACTION_SKIPPED:
            found.append(entry("unscalable_name", step.name, "nodegroup %r would be skipped and keep its %d node(s): %s"
                                                             % (step.name, step.before.desired_size, step.reason), UNSCALABLE_FIX))
        elif state == "started" and step.action == ACTION_FALLBACK:
            found.append(entry("unrecorded", step.name, "nodegroup %r is stopped with no recording; it would start at desired "
                                                        "max(min_size, 1) = %d" % (step.name, step.after.desired_size),
                               "give its sizes in restore_capacity, or pass back the eks_recordings fact of the stop"))
        elif state == "started" and step.action == ACTION_KEPT_STOPPED:
            found.append(entry("unrecorded", step.name, "nodegroup %r is stopped with no recording anywhere; it would stay stopped and "
                                                        "the start would fail" % step.name,
                               "find the recording (recording_ssm_prefix, the eks_recordings fact, the file), or pass start_unrecorded=true"))
    skipped = {step.name for step in steps if step.action == ACTION_SKIPPED}
    for running in still_running:
        if running["kind"] == "unscalable_nodegroup" and running["name"] in skipped:
            continue  # listed above as a nodegroup the run would skip
        found.append(entry("still_running", "%s %s" % (running["kind"], running["name"]), running["detail"], FIXES[running["kind"]]))
    for what, why in sorted((unread or {}).items()):
        found.append(entry("unknown", what, "the %s could not be read, so what runs there is unknown: %s"
                                            % (what.replace("_", " ") if what != "kubernetes" else "cluster's Kubernetes API", why),
                           UNREAD_FIXES[what]))
    return found
