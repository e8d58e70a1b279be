# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulator's own tests: its answers against eksctl's outputs (docs/eksctl.md). They check the simulator, not the collection, and do
not depend on the ansible-core release, so ``make test`` runs them once (``make simulator``)."""

from __future__ import annotations

import os
import sys

import pytest

TESTS = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path[:0] = [os.path.join(TESTS, "simulator"), os.path.join(TESTS, "utils")]  # the simulator and the shared test worlds

from worlds import SimulatedWorld  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture(name="sim")
def sim_fixture(tmp_path):
    """A simulated AWS account of its own: seeded state file and call log in the test's directory."""
    return SimulatedWorld(str(tmp_path))
