# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The README as it ships, read by someone who has only the built tarball.

The collection is built, and the README inside the tarball is followed from an empty HOME (an empty collections path)
in a directory outside the checkout: its install command installs the tarball, and then every command it shows runs as
written, in its order, with nothing of the checkout on hand but an eksctl on ``PATH`` (the simulator's, standing in for
the user's own). A command needs the source checkout when it is a ``make`` command or sits in a section whose heading
says "(source checkout)", as the README says at its top; those are not run here (tests/integration/test_readme_commands.py
runs them in the checkout). Installing from Galaxy and installing Python libraries with pip need the network, so they are
named below and not run. Every relative link outside those sections leads to a file of the installed collection, and an
anchor to a heading of the file it names.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile

import pytest
import yaml

import readme_text

from conftest import ROOT, SIMULATOR

CHECKOUT_NOTE = "need a clone of the collection's source repository"
NETWORK = ("ansible-galaxy collection install eks_tools.eksctl", "python3 -m pip install ")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def slug(heading: str) -> str:
    """GitHub's anchor of a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(path: str) -> set[str]:
    with open(path, encoding="utf-8") as handle:
        return {slug(match.group(2)) for match in re.finditer(r"^(#{1,6}) (.+)$", handle.read(), re.M)}


@pytest.fixture(name="shipped", scope="module")
def shipped_fixture(tmp_path_factory):
    """The built tarball in an empty working directory, and an environment with an empty HOME and no trace of the checkout."""
    base = tmp_path_factory.mktemp("shipped")
    build, work, home = base / "build", base / "work", base / "home"
    for directory in (build, work, home):
        directory.mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ANSIBLE_", "AWS_", "EKSCTL_", "PYTHON"))}
    env.update(HOME=str(home), EKSCTL_SIM_STATE=str(base / "eksctl-state.json"), ANSIBLE_NOCOLOR="1",
               PATH=os.pathsep.join([os.path.join(SIMULATOR, "bin"), os.path.dirname(sys.executable), env.get("PATH", "")]))
    completed = subprocess.run(["ansible-galaxy", "collection", "build", "--output-path", str(build), ROOT], env=env,
                               capture_output=True, text=True, timeout=300, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    (tarball,) = build.iterdir()
    shutil.copy(tarball, work)
    with tarfile.open(tarball) as archive:
        members = archive.getnames()
        readme = archive.extractfile("README.md").read().decode("utf-8")
    return {"work": work, "home": home, "env": env, "tarball": tarball.name, "members": members, "readme": readme}


def run(shipped, command: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", command], cwd=str(shipped["work"]), env=shipped["env"], capture_output=True,
                          text=True, timeout=600, check=False)


def installed(shipped) -> str:
    return os.path.join(str(shipped["home"]), ".ansible", "collections", "ansible_collections", "eks_tools", "eksctl")


def test_the_tarball_carries_no_test_tooling_it_cannot_run():
    """Checked again on every build (make build); here on the list itself: of tests/, only what runs from an install."""
    with open(os.path.join(ROOT, "galaxy.yml"), encoding="utf-8") as handle:
        ignored = yaml.safe_load(handle)["build_ignore"]
    for tooling in ("tests/e2e", "tests/simulator", "tests/integration", "tests/benchmark", "tests/utils", "tests/env.sh",
                    "tests/pytest.ini", "tests/requirements*.txt", "CONTRIBUTING.md", "docs/development.md"):
        assert tooling in ignored, tooling


def test_the_shipped_readme_works_from_the_installed_tarball(shipped):
    members = shipped["members"]
    tooling = [name for name in members if name.startswith("tests/")
               and name.rstrip("/") not in ("tests", "tests/config.yml", "tests/unit") and not name.startswith("tests/unit/")]
    assert tooling == [], tooling
    readme = shipped["readme"]
    assert CHECKOUT_NOTE in " ".join(readme.split()), "the README no longer says which commands need the source checkout"
    with open(os.path.join(ROOT, "galaxy.yml"), encoding="utf-8") as handle:
        version = yaml.safe_load(handle)["version"]
    assert shipped["tarball"] == "eks_tools-eksctl-%s.tar.gz" % version

    checkout_only, commands, files = readme_text.split_commands(readme)
    for name, body in files.items():
        (shipped["work"] / name).write_text(body, encoding="utf-8")
    ran, network = [], []
    for command in commands:
        if command.startswith(NETWORK):
            network.append(command)
            continue
        assert "tests/" not in command, "a command outside the source-checkout sections uses the checkout: %s" % command
        completed = run(shipped, command)
        assert completed.returncode == 0, "shipped README command failed: %s\nstdout:\n%s\nstderr:\n%s" % (
            command, completed.stdout[-4000:], completed.stderr[-4000:])
        ran.append(command)
        if command.startswith("ansible-galaxy collection install"):
            assert os.path.isdir(installed(shipped)), completed.stdout
    assert "ansible-galaxy collection install %s" % shipped["tarball"] in ran
    assert {"nightly.yml", "clusters.eks_clusters.yml"} <= set(files)
    assert sorted(network) == sorted(["ansible-galaxy collection install eks_tools.eksctl", "python3 -m pip install botocore kubernetes"])
    assert any(command.startswith("ansible-doc ") for command in ran) and any("--syntax-check" in command for command in ran)
    assert any("eksctl_path=" in command and "--check" in command for command in ran)
    assert len(ran) >= 15 and "make demo" in " ".join(checkout_only)
    with open(os.path.join(installed(shipped), "README.md"), encoding="utf-8") as handle:
        assert handle.read() == readme


def test_the_shipped_readme_s_links_lead_into_the_installed_collection(shipped):
    root = installed(shipped)
    if not os.path.isdir(root):
        completed = run(shipped, "ansible-galaxy collection install %s" % shipped["tarball"])
        assert completed.returncode == 0, completed.stdout + completed.stderr
    checked = 0
    for piece, marked in readme_text.sections(shipped["readme"]):
        for target in LINK.findall(piece):
            if marked or re.match(r"^[a-z]+:", target):
                continue
            path, anchor = (target.split("#", 1) + [""])[:2]
            full = os.path.join(root, path) if path else os.path.join(root, "README.md")
            assert os.path.exists(full), "the shipped README links to %s, which the installed collection lacks" % target
            if anchor:
                assert anchor in anchors(full), "%s has no heading for #%s" % (path or "README.md", anchor)
            checked += 1
    assert checked >= 8


def test_the_unit_tests_run_from_the_installed_tarball(shipped):
    """tests/unit ships with the collection, so it must run from an installed copy."""
    root = installed(shipped)
    if not os.path.isdir(root):
        completed = run(shipped, "ansible-galaxy collection install %s" % shipped["tarball"])
        assert completed.returncode == 0, completed.stdout + completed.stderr
    collections = os.path.dirname(os.path.dirname(os.path.dirname(root)))
    completed = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
                                "ansible_collections/eks_tools/eksctl/tests/unit"], cwd=collections, env=shipped["env"],
                               capture_output=True, text=True, timeout=900, check=False)
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-2000:]
    assert re.search(r"\d+ passed", completed.stdout), completed.stdout[-2000:]
