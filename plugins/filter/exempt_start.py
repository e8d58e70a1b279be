# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: exempt_start
short_description: A start's result on a cluster that its tags keep out of the stop
version_added: 1.0.0
description:
  - The stop leaves a cluster tagged C(eks_tools.eksctl/power=always-on), or C(eks_tools.eksctl/skip-until) a later time, running
    and never visits it, so nothing is recorded for it. A fleet start fails on a stopped nodegroup with nothing recorded (its
    recording may have been lost); on such a cluster that nodegroup is at zero because its owners keep it there.
  - This filter turns exactly that failure, on such a cluster, into a success that names those nodegroups in C(exception.notes)
    and reports them V(unchanged). Every other result, failed or not, is returned as it is.
options:
  _input:
    description: The M(eks_tools.eksctl.eks_nodegroup_scale) result of a start, failed or not.
    type: dict
    required: true
  exception:
    description: The cluster's C(eks_tools.eksctl.cluster_exception) decision for the start.
    type: dict
    required: true
seealso:
  - plugin: eks_tools.eksctl.cluster_exception
    plugin_type: filter
author:
  - eks_tools.eksctl contributors (@eks-tools)
"""

EXAMPLES = r"""
- name: Keep a start's result, a tagged cluster's nodegroups with nothing recorded not counting as a failure
  ansible.builtin.set_fact:
    result: "{{ ansible_failed_result | eks_tools.eksctl.exempt_start(exception) }}"
"""

RETURN = r"""
_value:
  description: The result, or for the one failure above the result with C(failed=false), no C(msg), and the note in C(exception.notes).
  type: dict
"""

import typing as t

from ansible_collections.eks_tools.eksctl.plugins.plugin_utils import _schedule


def exempt_start(result: t.Any, exception: t.Any) -> t.Any:
    """A start that failed only for nodegroups with nothing recorded, on a cluster its tags keep out of the stop: not a failure,
    those nodegroups left as they are and named in a note. Any other result is returned as it is."""
    reason = exception.get("reason") if isinstance(exception, dict) else None
    if not isinstance(result, dict) or not result.get("failed") or reason not in (_schedule.REASON_ALWAYS_ON, _schedule.REASON_SKIP_UNTIL):
        return result
    nodegroups = [entry for entry in result.get("nodegroups") or [] if isinstance(entry, dict)]
    actions = [entry.get("action") for entry in nodegroups]
    if "kept_stopped" not in actions or any(action in ("failed", "not_attempted") for action in actions):
        return result
    kept = sorted(str(entry.get("name")) for entry in nodegroups if entry.get("action") == "kept_stopped")
    note = "nodegroup(s) %s: nothing recorded, left as they are; the stop leaves this cluster running (%s)" % (", ".join(kept), reason)
    exempted = {key: value for key, value in result.items() if key not in ("failed", "msg", "exception")}
    exempted["nodegroups"] = [dict(entry, action="unchanged") if entry.get("action") == "kept_stopped" else entry for entry in nodegroups]
    exempted.update(failed=False, exception=dict(exception, notes=list(exception.get("notes") or []) + [note]))
    return exempted


class FilterModule:
    def filters(self) -> dict[str, t.Callable[..., t.Any]]:
        return {"exempt_start": exempt_start}
