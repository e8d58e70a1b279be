# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils file is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""The preflight of a stop or a start: every reason it would not do what the user expects, each with a one-line fix.
Pure: it judges what the check-mode run read and planned, and the scaler attaches it to the check-mode result."""

from __future__ import annotations

import typing as t

from ._model import ACTION_FALLBACK, Step, nodegroup_has_failed, nodegroup_is_busy
from ._validation import eksctl_can_scale

FIXES = {
    "fargate_profile": "scale the workloads it selects to zero (kubectl scale) or delete the profile; a nodegroup stop cannot stop them",
    "auto_mode": "scale the workloads on Auto Mode nodes to zero, or turn the node pools off; Auto Mode then removes the idle nodes",
    "unscalable_nodegroup": "scale it with the EKS console or API (aws eks update-nodegroup-config); eksctl refuses the name",
    "connector": "stop it with the tools of the provider that runs it; eksctl cannot reach its nodes",
}
KUBERNETES_ACCESS_FIX = ("let this host reach the cluster's API endpoint and grant this identity 'list nodes' (an access entry or "
                         "aws-auth), or name only managed nodegroups in name")


def entry(check: str, subject: str, problem: str, fix: str) -> dict[str, str]:
    return {"check": check, "subject": subject, "problem": problem, "fix": fix}


def preflight(state: str, selected: list[dict[str, t.Any]], steps: list[Step], still_running: list[dict[str, str]], *,
              ages: t.Mapping[str, float] | None = None, max_age: float = 0) -> list[dict[str, str]]:
    """The problems of a planned stop (``state=stopped``) or start (``state=started``), in a stable order.

    ``ages`` holds, per selected nodegroup with a recording that has a stop time, how many hours ago it was stopped;
    a recording older than ``max_age`` hours (0: no limit) is named, since sizes recorded long ago may no longer be wanted.
    """
    found = []
    for name, hours in sorted((ages or {}).items()):
        if max_age and hours > max_age:
            found.append(entry("stale_recording", name, "nodegroup %r was recorded when it was stopped %.1f hours ago, more than "
                                                        "recording_max_age=%g; its start restores those sizes" % (name, hours, max_age),
                               "check that the recorded sizes are still wanted, or give them in restore_capacity"))
    changing = {step.name for step in steps if step.changed}
    for nodegroup in selected:
        name, status = nodegroup["name"], nodegroup["status"]
        if nodegroup_has_failed(status):
            found.append(entry("nodegroup_failed", name, "nodegroup %r is %s; EKS may refuse to scale it" % (name, status),
                               "repair it (its health issues show in the EKS console) or leave it out with name"))
        elif nodegroup_is_busy(status) and name in changing:
            found.append(entry("nodegroup_busy", name, "nodegroup %r is %s; the run waits for it, up to wait_timeout" % (name, status),
                               "let the change in progress finish first, or raise wait_timeout"))
        if name in changing and not eksctl_can_scale(name):
            found.append(entry("unscalable_name", name, "eksctl cannot scale nodegroup %r (letters, digits and '-' only), so the run "
                                                        "refuses to start and changes nothing" % name,
                               "name the other nodegroups in name, and scale this one with the EKS console or API"))
    if state == "started":
        for step in steps:
            if step.action == ACTION_FALLBACK:
                found.append(entry("unrecorded", step.name, "nodegroup %r is stopped and has no recorded sizes; it would start at desired "
                                                            "max(min_size, 1) = %d" % (step.name, step.after.desired_size),
                                   "give its sizes in restore_capacity, or pass back the eks_recordings fact of the stop"))
    for running in still_running:
        if running["kind"] == "unscalable_nodegroup" and running["name"] in changing:
            continue  # listed above as a name the run refuses
        found.append(entry("still_running", "%s %s" % (running["kind"], running["name"]), running["detail"], FIXES[running["kind"]]))
    return found
