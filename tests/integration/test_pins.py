# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The eksctl versions named in several places are the ones the real-eksctl tier tests."""

from __future__ import annotations

import os
import re
import sys

import eksctl_simulator

from conftest import ROOT

sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))

import go_tools  # noqa: E402  pylint: disable=wrong-import-position


def test_the_simulator_claims_the_newest_tested_release():
    assert eksctl_simulator.VERSION == go_tools.EKSCTL_VERSIONS[0]
    assert eksctl_simulator.VERSION_INFO["Version"] == go_tools.EKSCTL_VERSIONS[0]


def test_the_execution_environment_installs_a_tested_release():
    with open(os.path.join(ROOT, "examples", "execution-environment", "execution-environment.yml"), encoding="utf-8") as handle:
        pinned = re.search(r"EKSCTL_VERSION=(\S+)", handle.read()).group(1)
    assert pinned in go_tools.EKSCTL_VERSIONS


def test_the_readme_names_the_tested_releases():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as handle:
        readme = handle.read()
    for version in go_tools.EKSCTL_VERSIONS:
        assert "**%s**" % version in readme
