# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: cluster_exception
short_description: Whether a stop or start leaves a cluster as it is, from its tags and the run's skip date
version_added: 1.0.0
description:
  - Decides, for one cluster and one run of the role C(eks_tools.eksctl.cluster_power), whether the run leaves the cluster as it is.
  - "A day of the run's O(skip_date) leaves every cluster as it is, for a stop and a start alike."
  - "For a stop (and the report's preview of one), the cluster's tags decide: C(eks_tools.eksctl/power=always-on) always leaves it
    running; C(eks_tools.eksctl/skip-until) leaves it running until that time (an ISO 8601 date or date-time; a date-time without
    a zone is UTC, a date is 00:00 UTC of that date)."
  - A start never skips a cluster for its tags (C(skip=false)), but keeps their C(reason). A cluster tagged after the last stop must
    still be started with what that stop recorded, while one the stop left running has nothing recorded. For such a cluster,
    the filter C(eks_tools.eksctl.exempt_start) turns the start's failure for nodegroups with nothing recorded (at zero because their owners keep them there)
    into a note, since the stop never visited the cluster and no recording is missing.
  - A malformed tag value is named in C(problems) and treated as absent; an expired C(skip-until) is named in C(notes) and ignored.
options:
  _input:
    description:
      - The cluster's tags of this collection, the host variable C(eks_cluster_exception_tags) of the C(eks_tools.eksctl.eks_clusters)
        inventory; V(null) or V({}) for none.
    type: dict
    required: true
  state:
    description: The state the run asks for; V(status) for the report, which previews the stop.
    type: str
    required: true
    choices: [stopped, started, status]
  skip_date:
    description: The C(skip_date) of the checked playbook input (the date and the zone), or V(null) when today is no skip date.
    type: dict
author:
  - eks_tools.eksctl contributors (@eks-tools)
"""

EXAMPLES = r"""
- name: Decide whether tonight's stop leaves this cluster running
  ansible.builtin.set_fact:
    exception: "{{ eks_cluster_exception_tags | default({}) | eks_tools.eksctl.cluster_exception('stopped') }}"
"""

RETURN = r"""
_value:
  description:
    - C(skip), whether the run leaves the cluster as it is; C(reason), V(always-on), V(skip-until) or V(skip_dates) (V(null) when
      not skipped); C(until), for V(skip-until), the time in UTC (ISO 8601); C(date) and C(timezone), for V(skip_dates).
    - C(notes), one line per expired tag ignored, and C(problems), one line per malformed tag ignored (both empty for a start).
    - For a start, C(skip) is V(false) and C(reason) and C(until) are those a stop would have.
  type: dict
  sample: {"skip": true, "reason": "skip-until", "until": "2026-12-27T00:00:00Z", "notes": [], "problems": []}
"""

import datetime
import typing as t

from ansible.errors import AnsibleFilterError

from ansible_collections.eks_tools.eksctl.plugins.plugin_utils import _schedule

STATES = ("stopped", "started", "status")


def cluster_exception(tags: t.Any, state: str, skip_date: t.Any = None, now: datetime.datetime | None = None) -> dict[str, t.Any]:
    if state not in STATES:
        raise AnsibleFilterError("cluster_exception state must be one of %s, got %r" % (", ".join(STATES), state))
    if isinstance(skip_date, dict) and skip_date.get("date"):
        return {"skip": True, "reason": _schedule.REASON_SKIP_DATE, "until": None, "date": str(skip_date["date"]),
                "timezone": str(skip_date.get("timezone") or "UTC"), "notes": [], "problems": []}
    decision = _schedule.cluster_exception(tags, now or datetime.datetime.now(datetime.timezone.utc))
    # A start acts on every cluster; the reason stays for exempt_start, the notes were the stop's to give.
    return dict(decision, skip=False, notes=[], problems=[]) if state == "started" else decision


class FilterModule:
    def filters(self) -> dict[str, t.Callable[..., dict[str, t.Any]]]:
        return {"cluster_exception": cluster_exception}
