#!/usr/bin/python
# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file only documents the action plugin plugins/action/playbook_input.py, which runs on the controller.

from __future__ import annotations

DOCUMENTATION = r"""
module: playbook_input
short_description: Check the extra variables given to the collection's stop, start and report playbooks
version_added: 1.0.0
description:
  - The first task of the playbooks C(eks_tools.eksctl.stop), C(eks_tools.eksctl.start) and C(eks_tools.eksctl.report); it fails
    before any eksctl call when their input is wrong, and returns it checked and normalized for the rest of the play.
  - Reads only the extra variables of the command line (C(-e), also as AWX and ansible-runner pass them), never variables of the
    inventory or of C(group_vars), so a C(region) or C(cluster) beside the inventory can never redirect a host.
  - Fails on every extra variable the playbook does not take, by its exact name; a close name is named as a hint only
    (C(-e cluster_name=demo) fails with "did you mean cluster?"). AWX's own C(awx_*) and C(tower_*) variables, ansible-core's own
    C(ansible_*) ones, and what the workflow of the collection's AWX guide hands on (C(eks_fleet), C(notify_webhook_url),
    C(notify_title)) are allowed.
  - Accepts the old names C(eks_hosts), C(eks_snapshot_path), C(snapshot_max_age) and C(cluster_power_start_unrecorded) for
    C(hosts_pattern), C(recording_path), C(recording_max_age) and C(start_unrecorded).
  - Converts and checks each value as the modules would (a profile, a region, a cluster or nodegroup name, a timeout in range).
  - Checks C(skip_dates) (dates C(YYYY-MM-DD) and ranges C(YYYY-MM-DD..YYYY-MM-DD), a list or one string separated by commas or
    new lines) and C(timezone) (an IANA name, default C(UTC)), and returns in RV(input.skip_date) whether today, in that zone, is
    one of them.
  - Refuses C(cluster) or C(region) together with inventory hosts (the hosts pattern matches any), since each inventory host acts
    on its own cluster and region.
  - Fails when any source of the C(eks_tools.eksctl.eks_clusters) inventory plugin could not be read, naming it, whatever
    the other sources gave; and, for a run on the inventory's hosts, when the hosts pattern matches no host, unless
    C(allow_empty_fleet) is true and an inventory was read.
attributes:
  check_mode:
    support: full
    description: Checks in check mode as well (on the controller); it never changes anything, so it has no diff either.
options:
  playbook:
    description: The playbook whose variables to check.
    type: str
    required: true
    choices: [stop, start, report]
notes:
  - Sources of other inventory plugins that cannot be parsed are only a warning of ansible-core; set
    E(ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED=true) to make them fail the run too.
author:
  - eks_tools.eksctl contributors (@eks-tools)
"""

EXAMPLES = r"""
- name: Check what the stop playbook was given, once for the play
  run_once: true
  eks_tools.eksctl.playbook_input:
    playbook: stop
  register: checked
"""

RETURN = r"""
input:
  description: The input, checked and normalized.
  returned: success
  type: dict
  contains:
    playbook:
      description: The playbook.
      type: str
      returned: always
      sample: stop
    target:
      description: V(cluster) (one named cluster), V(regions) (every cluster of some regions, report only) or V(fleet) (the inventory's hosts).
      type: str
      returned: always
      sample: fleet
    hosts:
      description: The hosts the playbook acts on, V(localhost) for one cluster or regions, else the hosts pattern.
      type: str
      returned: always
      sample: eks_clusters
    cluster:
      description: The named cluster, V(null) for the inventory's hosts.
      type: str
      returned: always
      sample: null
    region:
      description: The region of the named cluster, V(null) when not given.
      type: str
      returned: always
      sample: null
    regions:
      description: The regions of a report of every cluster of some regions.
      type: list
      elements: str
      returned: always
      sample: []
    variables:
      description: Every variable given, under its own name (an old name resolved), converted to its type.
      type: dict
      returned: always
      sample: {"profile": "dev", "wait_timeout": 600}
    skip_date:
      description:
        - When today, in the zone of the variable C(timezone), is one of the variable C(skip_dates), the date and the zone; the stop or
          start then changes nothing and ends green, and the report says so. V(null) otherwise.
        - The date follows the zone's own rules, daylight-saving changes included.
      type: dict
      returned: always
      sample: {"date": "2026-12-24", "timezone": "Europe/Berlin"}
    module_defaults:
      description:
        - The module options the variables become; C(connection) for the action group C(eks_tools.eksctl.eks), C(scale) for
          M(eks_tools.eksctl.eks_nodegroup_scale).
        - C(scale.start_unrecorded) is always set, V(false) for the inventory's hosts and V(true) for one named cluster, unless given.
      type: dict
      returned: always
      sample: {"connection": {"profile": "dev"}, "scale": {"wait_timeout": 600, "start_unrecorded": false}}
"""
