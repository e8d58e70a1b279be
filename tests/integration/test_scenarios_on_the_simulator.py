# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The end-to-end tier's scenarios (tests/e2e/test_scenarios.py) that no other test of this tier makes on the simulator,
run here from that file itself with the simulator as their world: the end-to-end tier runs them on the real eksctl only.

Each other scenario has its test here already: listing a region (test_cluster_info.py) or all regions (the same, with a
region, from a profile, without one), the details of a listing, sizes set then unchanged (test_nodegroup_scale.py), check
mode with diff, the name eksctl cannot scale (test_eksctl_second_reading.py), a stop, a second stop and a start from the
file (test_faults.py, test_recording.py), restore_capacity in a fresh HOME, a fleet stop through the inventory
(test_fleet.py), Fargate, Auto Mode and extended support (test_cost_picture.py), the connector cluster and the
rolled-back stack (test_eksctl_second_reading.py)."""

from __future__ import annotations

import os
import sys

import pytest

from conftest import ROOT

sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))

# pylint: disable-next=wrong-import-position,unused-import
from test_scenarios import (  # noqa: E402,F401  (collected by pytest from here)
    test_info_with_details_of_every_seeded_cluster, test_inventory_plugin_groups_by_region_and_phase, test_kubernetes_api_refused,
    test_set_size_of_a_self_managed_nodegroup, test_stop_and_start_playbooks_restore_exact_sizes,
    test_unknown_cluster_is_empty_for_info_and_an_error_for_scale, test_unknown_nodegroup_names_the_existing_ones)


@pytest.fixture(name="world")
def world_fixture(sim):
    return sim
