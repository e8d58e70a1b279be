# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The results recorder fails a test on any task result that carries a deprecation warning.

Shown with a throw-away module, written for the test (the ``deprecating_library`` fixture), that deprecates
something; the same module without the deprecation passes. The check lives in the harness every integration and end-to-end test reads results through.
"""

from __future__ import annotations

import os

import pytest
from worlds import BIN

pytestmark = pytest.mark.release_sensitive  # how a task result carries its deprecation warnings

PLAYBOOK = """---
- name: Items of a loop
  hosts: localhost
  gather_facts: false
  tasks:
    - name: One item deprecates
      recorder_check:
        deprecate: "{{ item }}"
      loop: [false, true]
"""


@pytest.fixture(name="library")
def library_fixture(deprecating_library):
    return {"ANSIBLE_LIBRARY": deprecating_library}


def ad_hoc(sim, library, args):
    return sim.run([os.path.join(BIN, "ansible"), "localhost", "-m", "recorder_check", "-a", args], env=library, check=True)


def test_a_task_without_deprecations_is_recorded(sim, library):
    ad_hoc(sim, library, "deprecate=false")
    (entry,) = sim.results()
    assert entry["status"] == "ok" and entry["deprecations"] == []


def test_a_task_result_with_a_deprecation_fails_the_test(sim, library):
    completed = ad_hoc(sim, library, "deprecate=true")
    assert "the old way is going away" in completed.stdout + completed.stderr  # ansible shows it, and passes
    with pytest.raises(AssertionError, match="deprecation warnings:\nrecorder_check .*the old way is going away"):
        sim.results()


def test_a_loop_item_with_a_deprecation_fails_the_test(sim, library):
    playbook = os.path.join(sim.root, "loop.yml")
    with open(playbook, "w", encoding="utf-8") as handle:
        handle.write(PLAYBOOK)
    with pytest.raises(AssertionError, match="One item deprecates .*the old way is going away"):
        sim.playbook(playbook, env=library)
