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
    assert "ansible-core==%s\n" % matrix.DEFAULT.core in read("tests", "requirements-run.txt")


def test_the_demo_installs_the_run_set_only_and_the_suite_the_test_set_on_top():
    run_set = [line for line in read("tests", "requirements-run.txt").splitlines() if line and not line.startswith("#")]
    # ansible-core first, then the run-time libraries (SSM store, Kubernetes reads), each pinned as the matrix's virtualenvs pin it.
    assert run_set[0] == "ansible-core==%s" % matrix.DEFAULT.core
    assert sorted(pin.split("==")[0] for pin in run_set[1:]) == ["botocore", "kubernetes", "python-dateutil"]
    matrix_pins = read("tests", "requirements-matrix.txt").splitlines()
    assert all(pin in matrix_pins for pin in run_set[1:]), run_set
    assert "-r requirements-run.txt" in read("tests", "requirements.txt").splitlines()
    makefile = read("Makefile")
    (demo,) = re.findall(r"^demo: (.*)$", makefile, re.M)
    assert demo.split() == ["$(BIN)/.installed-run", "$(LINK)"]
    (test,) = re.findall(r"^test: (.*)$", makefile, re.M)
    assert test.split() == ["setup"]


def test_the_readme_shows_the_matrix():
    readme = read("README.md")
    for entry in matrix.RELEASES:
        row = r"\|\s*%s\s*\|\s*%s\s*\|\s*%s\s*\|\s*%s\s*\|" % (
            re.escape(entry.series), re.escape(entry.core), re.escape(entry.controller),
            r"\s*,\s*".join(re.escape(version) for version in entry.targets))
        assert re.search(row, readme), "README has no matrix row for %s" % (entry,)


def test_make_test_runs_sanity_units_and_integration_on_every_release():
    """Sanity and units on every release; the whole integration tier on the newest, its release-sensitive tests on the
    others; every release-independent stage once."""
    plan = stages.stages("full")
    names = [stage.name for stage in plan]
    for entry in matrix.RELEASES:
        for kind in ("sanity", "units", "integration"):
            assert [name for name in names if name.startswith(kind + " (ansible-core %s," % entry.core)], (kind, entry)
    integration = {stage.name: stage.argv for stage in plan if stage.name.startswith("integration (")}
    newest = [argv for argv in integration.values() if "CORE=" + matrix.RELEASES[-1].series in argv]
    assert newest == [stages.make("integration", "CORE=" + matrix.RELEASES[-1].series)]
    for entry in matrix.RELEASES[:-1]:
        (argv,) = [argv for argv in integration.values() if "CORE=" + entry.series in argv]
        assert "INTEGRATION=subset" in argv, argv
    for other in ("simulator", "typecheck", "e2e", "lint", "build", "certify", "ee", "tools"):
        assert len([name for name in names if name.startswith(other + " (")]) == 1, other
    quick = [stage.name for stage in stages.stages("quick")]
    assert not any("ansible-core %s" % entry.core in name for entry in matrix.RELEASES[1:] for name in quick)


def test_the_subset_of_the_older_releases_is_marked_and_registered():
    with open(os.path.join(ROOT, "tests", "pytest.ini"), encoding="utf-8") as handle:
        assert "release_sensitive:" in handle.read()
    marked = [name for name in os.listdir(os.path.join(ROOT, "tests", "integration"))
              if name.startswith("test_") and "pytest.mark.release_sensitive" in read("tests", "integration", name)]
    # Each file the matrix's docstring names for its release-sensitive tests carries the marker.
    for name in re.findall(r"``(test_\w+\.py)``", matrix.__doc__ or ""):
        assert name in marked, name


def test_the_execution_environment_pins_a_release_of_the_matrix():
    definition = yaml.safe_load(read("examples", "execution-environment", "execution-environment.yml"))
    pinned = definition["dependencies"]["ansible_core"]["package_pip"]
    assert pinned in ["ansible-core==%s" % entry.core for entry in matrix.RELEASES]
