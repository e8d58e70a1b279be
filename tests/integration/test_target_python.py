# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The modules run on the oldest and the newest target Python of the running ansible-core release (the support matrix in
tests/utils/matrix.py), chosen per host with ``ansible_python_interpreter``: a report, a scale, a stop and a start.

The interpreter is a small wrapper that logs each module it runs and then runs the real one, so the test knows that
the module ran there, not on the controller's Python."""

from __future__ import annotations

import os
import subprocess

import pytest
import yaml
from ansible.release import __version__ as ansible_core_version

import matrix

from conftest import ROOT

RELEASE = matrix.release(matrix.series_of(ansible_core_version))
pytestmark = pytest.mark.release_sensitive  # each release has target Pythons of its own
SEED_DEMO = {"ng-self": (2, 1, 4), "ng-1": (3, 2, 5), "ng-2": (1, 1, 3)}


def supported_target_pythons() -> list[str]:
    """What ansible-test of the running release lists as target Pythons, from the collection's own minimum up."""
    from ansible_test._util.target.common import constants  # pylint: disable=import-outside-toplevel

    with open(os.path.join(ROOT, "tests", "config.yml"), encoding="utf-8") as handle:
        minimum = yaml.safe_load(handle)["modules"]["python_requires"].lstrip(">=")
    versions = list(constants.REMOTE_ONLY_PYTHON_VERSIONS) + list(constants.CONTROLLER_PYTHON_VERSIONS)
    return sorted((version for version in versions if _key(version) >= _key(minimum)), key=_key)


def _key(version: str) -> tuple:
    return tuple(int(part) for part in version.split("."))


def test_the_matrix_names_the_release_s_oldest_target_and_its_newest_the_machine_type_has():
    """Against the declared matrix, not against what this machine's pyenv holds (a missing one fails the run itself)."""
    supported = supported_target_pythons()
    assert RELEASE.targets[0] == supported[0]
    assert RELEASE.targets[-1] == [version for version in supported if _key(version) <= _key(matrix.NEWEST_MACHINE_PYTHON)][-1]


def test_the_controller_python_is_one_the_release_supports():
    from ansible_test._util.target.common import constants  # pylint: disable=import-outside-toplevel

    assert RELEASE.controller in constants.CONTROLLER_PYTHON_VERSIONS
    assert RELEASE.core == ansible_core_version


def wrapper(sim, version: str) -> tuple[str, str]:
    real = matrix.interpreter(version)
    log = os.path.join(sim.root, "python%s.log" % version)
    path = os.path.join(sim.root, "python%s-wrapper" % version)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write('#!/bin/sh\nprintf "%%s\\n" "$*" >> "%s"\nexec "%s" "$@"\n' % (log, real))
    os.chmod(path, 0o755)
    return path, log


@pytest.mark.parametrize("version", RELEASE.targets)
def test_the_modules_run_on_the_target_python(sim, version):
    real = matrix.interpreter(version)
    reported = subprocess.run([real, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                              capture_output=True, text=True, check=True).stdout.strip()
    assert reported == version
    interpreter, log = wrapper(sim, version)
    target = ("-e", "ansible_python_interpreter=" + interpreter)

    info, completed = sim.module("eks_cluster_info", "name=demo region=eu-north-1", *target)
    assert not info.get("failed"), completed.stdout
    assert [ng["name"] for ng in info["clusters"][0]["nodegroups"]] == list(SEED_DEMO)

    scale, completed = sim.module("eks_nodegroup_scale", "cluster=demo region=eu-north-1 name=ng-2 desired_size=2", *target)
    assert scale["changed"] and not scale.get("failed"), completed.stdout
    assert sim.sizes("demo")["ng-2"] == (2, 1, 3)

    snapshot = os.path.join(sim.root, "snapshots.json")
    common = ["-e", "cluster=demo", "-e", "region=eu-north-1", "-e", "recording_path=" + snapshot] + list(target)
    sim.playbook("eks_tools.eksctl.stop", *common)
    assert set(sim.sizes("demo").values()) == {(0, 0, 4), (0, 0, 5), (0, 0, 3)}
    sim.playbook("eks_tools.eksctl.start", *common)
    assert sim.sizes("demo") == dict(SEED_DEMO, **{"ng-2": (2, 1, 3)})

    with open(log, encoding="utf-8") as handle:
        ran = handle.read()
    assert "AnsiballZ_eks_cluster_info.py" in ran
    assert ran.count("AnsiballZ_eks_nodegroup_scale.py") >= 3
