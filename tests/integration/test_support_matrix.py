# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the collection claims about ansible-core is what ``make test`` runs: meta/runtime.yml, the role's metadata, the
README's matrix, the default virtualenv and the stages of ``make test`` all follow tests/utils/matrix.py."""

from __future__ import annotations

import os
import re

import yaml

import matrix
import stages

from conftest import ROOT


def read(*parts: str) -> str:
    with open(os.path.join(ROOT, *parts), encoding="utf-8") as handle:
        return handle.read()


def test_requires_ansible_is_the_oldest_release_of_the_matrix():
    runtime = yaml.safe_load(read("meta", "runtime.yml"))
    assert runtime["requires_ansible"] == ">=%s.0" % matrix.RELEASES[0].series
    role = yaml.safe_load(read("roles", "cluster_power", "meta", "main.yml"))
    assert role["galaxy_info"]["min_ansible_version"] == matrix.RELEASES[0].series


def test_the_releases_are_consecutive_and_the_newest_is_last():
    minors = [int(entry.series.split(".")[1]) for entry in matrix.RELEASES]
    assert minors == list(range(minors[0], minors[0] + len(minors)))
    assert len(matrix.RELEASES) == 3  # ansible-core maintains its newest release and the two before it
    for entry in matrix.RELEASES:
        assert entry.core.startswith(entry.series + ".")


def test_the_default_virtualenv_holds_the_first_release():
    assert "ansible-core==%s\n" % matrix.DEFAULT.core in read("tests", "requirements.txt")


def test_the_readme_shows_the_matrix():
    readme = read("README.md")
    for entry in matrix.RELEASES:
        row = r"\|\s*%s\s*\|\s*%s\s*\|\s*%s\s*\|\s*%s\s*\|" % (
            re.escape(entry.series), re.escape(entry.core), re.escape(entry.controller),
            r"\s*,\s*".join(re.escape(version) for version in entry.targets))
        assert re.search(row, readme), "README has no matrix row for %s" % (entry,)


def test_make_test_runs_sanity_units_and_integration_on_every_release():
    names = [stage.name for stage in stages.stages("full")]
    for entry in matrix.RELEASES:
        for kind in ("sanity", "units", "integration"):
            assert any(name.startswith(kind + " (ansible-core %s," % entry.core) for name in names), (kind, entry)
    for other in ("typecheck", "e2e", "lint", "build", "certify", "ee"):
        assert any(name.startswith(other) for name in names), other
    quick = [stage.name for stage in stages.stages("quick")]
    assert not any("ansible-core %s" % entry.core in name for entry in matrix.RELEASES[1:] for name in quick)


def test_the_execution_environment_pins_a_release_of_the_matrix():
    definition = yaml.safe_load(read("examples", "execution-environment", "execution-environment.yml"))
    pinned = definition["dependencies"]["ansible_core"]["package_pip"]
    assert pinned in ["ansible-core==%s" % entry.core for entry in matrix.RELEASES]
