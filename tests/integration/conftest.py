# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Integration tests: the collection through ansible, ansible-playbook, ansible-inventory and
ansible-runner, against the eksctl simulator first on PATH.

Run with ``make integration`` (it sets ANSIBLE_COLLECTIONS_PATH to a directory holding
ansible_collections/eks_tools/eksctl). pytest runs the tier in parallel workers (``-n``): every test
has its own directory, HOME, simulator state and call log (the ``sim`` fixture), and servers bind
loopback ports the system chooses.
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

# The simulator's latency (seconds per call) in the tests that check that calls run side by side: long enough that they
# still overlap when pytest's workers and other work keep the machine busy and starting a process takes a second.
OVERLAP_LATENCY = 1.5


# A module that deprecates something when asked: it shows that the tests fail on deprecation warnings.
DEPRECATING_MODULE = '''#!/usr/bin/python
from __future__ import annotations

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(argument_spec={"deprecate": {"type": "bool", "default": False}})
    if module.params["deprecate"]:
        module.deprecate("the old way is going away", version="99.0.0", collection_name="eks_tools.eksctl")
    module.exit_json(changed=False)


if __name__ == "__main__":
    main()
'''


@pytest.fixture(name="deprecating_library")
def deprecating_library_fixture(tmp_path):
    """A module directory (for ANSIBLE_LIBRARY or a playbook's library/) holding the module ``recorder_check``."""
    directory = tmp_path / "library"
    directory.mkdir()
    (directory / "recorder_check.py").write_text(DEPRECATING_MODULE, encoding="utf-8")
    return str(directory)


@pytest.fixture(name="sim")
def sim_fixture(tmp_path):
    world = Sim(str(tmp_path))
    yield world
    world.close()


def scale_calls(calls: list) -> list:
    return [call for call in calls if call["argv"][:2] == ["scale", "nodegroup"]]


def read_calls(calls: list) -> list:
    return [call for call in calls if call["argv"][:1] == ["get"]]
