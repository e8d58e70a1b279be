# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The README's commands that need the source checkout run, as written, in the shell of its "Try it by hand" section
(``tests/env.sh``): the ``$`` lines of its console blocks and the commands in its inline code that are ``make`` commands or
sit in a section whose heading says "(source checkout)", in the README's order, each in a fresh ``bash`` that sources
tests/env.sh, in one working directory with one simulator state and one HOME. The YAML blocks that start with
``# <file>.yml`` are written to that directory first (the playbook and the fleet's inventory file).

Every other command (the "Install" section's, and those a user with only the built collection runs) runs from the built
collection installed alone: tests/integration/test_shipped_readme.py. tests/utils/readme_text.py reads the README for both,
so each command runs once per ``make test``.

``make`` commands are run with ``make -n`` (a dry run: the target exists and its recipe expands), except ``make setup``
and ``make demo``, which run for real (``make demo`` on .venv, whichever release runs these tests); ``make test`` is the run
these tests are part of."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

import eksctl_simulator
import readme_text

from conftest import ROOT

README = os.path.join(ROOT, "README.md")
RUN_FOR_REAL = ("make setup", "make demo")
INSTALL_SECTION = re.compile(r"^## Install\n.*?(?=^## )", re.M | re.S)


def readme() -> str:
    """The README without its "Install" section (see above)."""
    with open(README, encoding="utf-8") as handle:
        text = handle.read()
    assert INSTALL_SECTION.search(text), "the README has no Install section"
    return INSTALL_SECTION.sub("", text)


def test_the_readme_shows_commands_and_files():
    commands, files = readme_text.commands_and_files(readme())
    checkout, elsewhere, _files = readme_text.split_commands(readme())
    assert sorted(checkout + elsewhere) == sorted(commands)
    assert ". tests/env.sh" in " ".join(checkout) and "make demo" in map(readme_text.without_comment, checkout)
    assert any(command.startswith("ansible-playbook -i clusters.eks_clusters.yml") for command in elsewhere)
    assert {"nightly.yml", "clusters.eks_clusters.yml"} <= set(files)
    assert any(command.startswith("ansible-playbook -i clusters.eks_clusters.yml") for command in commands)
    assert any(command.startswith("ansible localhost -m") for command in commands)


@pytest.fixture(name="shell")
def shell_fixture(tmp_path):
    work = tmp_path / "work"
    home = tmp_path / "home"
    work.mkdir()
    home.mkdir()
    (work / "tests").symlink_to(os.path.join(ROOT, "tests"))  # `. tests/env.sh` as in the checkout, files kept out of it
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ANSIBLE_", "AWS_", "EKSCTL_"))}
    env.update(HOME=str(home), EKSCTL_SIM_STATE=str(tmp_path / "eksctl-state.json"),
               EKS_TOOLS_VENV=os.path.dirname(os.path.dirname(sys.executable)))

    def run(command: str) -> subprocess.CompletedProcess:
        if command.startswith("make ") and command.split("#")[0].strip() not in RUN_FOR_REAL:
            return subprocess.run(["bash", "-c", "make -n " + command[len("make "):]], cwd=ROOT, env=env, capture_output=True,
                                  text=True, timeout=120, check=False)
        script = ". tests/env.sh && %s" % command
        cwd = ROOT if command.startswith("make ") else str(work)
        return subprocess.run(["bash", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False)

    run.work = work  # type: ignore[attr-defined]
    return run


def test_every_checkout_command_of_the_readme_runs_as_written(shell):
    commands, _elsewhere, files = readme_text.split_commands(readme())
    for name, body in files.items():
        (shell.work / name).write_text(body, encoding="utf-8")
    ran = []
    for command in commands:
        completed = shell(command)
        assert completed.returncode == 0, "README command failed: %s\nstdout:\n%s\nstderr:\n%s" % (
            command, completed.stdout[-4000:], completed.stderr[-4000:])
        ran.append(command)
    assert len(ran) == len(commands) >= 8


def test_the_fleet_example_matches_clusters_of_the_seed(shell):
    _commands, files = readme_text.commands_and_files(readme())
    (shell.work / "clusters.eks_clusters.yml").write_text(files["clusters.eks_clusters.yml"], encoding="utf-8")
    completed = shell("ansible-inventory -i clusters.eks_clusters.yml --graph eks_clusters")
    assert completed.returncode == 0, completed.stderr
    hosts = re.findall(r"\|--([\w.-]+)$", completed.stdout, re.M)
    seeded = {"%s.%s" % (cluster["name"], cluster["region"]) for cluster in eksctl_simulator.seed_state()["clusters"]}
    assert hosts and set(hosts) <= seeded, (hosts, seeded)
    assert "demo.eu-north-1" in hosts


def test_make_shell_gives_the_same_environment():
    completed = subprocess.run(["make", "--no-print-directory", "shell"], cwd=ROOT, input="eksctl version\ncommand -v ansible\n",
                               env=dict(os.environ, SHELL="/bin/bash"), capture_output=True, text=True, timeout=300, check=False)
    assert completed.returncode == 0, completed.stderr
    assert eksctl_simulator.VERSION in completed.stdout
    assert os.path.join(ROOT, ".venv", "bin", "ansible") in completed.stdout
