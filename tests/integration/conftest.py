# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Integration tests: the collection through ansible, ansible-playbook, ansible-inventory and
ansible-runner, against the eksctl simulator first on PATH.

Run with ``make integration`` (it sets ANSIBLE_COLLECTIONS_PATH to a directory holding
ansible_collections/eks_tools/eksctl).
"""

from __future__ import annotations

import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SIMULATOR = os.path.join(ROOT, "tests", "simulator")
sys.path[:0] = [SIMULATOR, os.path.join(ROOT, "tests", "utils")]  # the simulator and the shared test worlds

from worlds import SimulatedWorld as Sim  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture(name="sim")
def sim_fixture(tmp_path):
    return Sim(str(tmp_path))


def scale_calls(calls: list) -> list:
    return [call for call in calls if call["argv"][:2] == ["scale", "nodegroup"]]


def read_calls(calls: list) -> list:
    return [call for call in calls if call["argv"][:1] == ["get"]]
