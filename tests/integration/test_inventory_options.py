# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The eks_clusters inventory through ansible-inventory: its options checked as the modules check theirs before any eksctl
call, command_timeout bounding each call whatever eksctl's children do, two options for two decisions (strict for
constructed, on_unreadable for unreadable regions and clusters), and messages that lead with the cause."""

from __future__ import annotations

import os
import signal
import stat
import time

import pytest

import eksctl_simulator

BASE = "plugin: eks_tools.eksctl.eks_clusters\nregions: [eu-north-1, us-east-1]\n"
ACCESS_DENIED = ("unable to list nodegroups: operation error EKS: ListNodegroups, https response error StatusCode: 403, "
                 "api error AccessDeniedException: User is not authorized to perform: eks:ListNodegroups")


def inventory(sim, text, *extra, env=None):
    path = sim.inventory_file(text)
    return sim.run([os.path.join(os.path.dirname(sim.env["ANSIBLE_PYTHON_INTERPRETER"]), "ansible-inventory"), "-i", path, "--graph",
                    *extra], env=env)


def our_message(stderr: str) -> list[str]:
    """The plugin's own message, line by line: what ansible-core prints after its "<<< caused by >>>"."""
    text = stderr.split("<<< caused by >>>", 1)[-1]
    return [line for line in text.strip().splitlines() if line.strip()]


@pytest.mark.parametrize("line, says", [
    ("profile: ''", "profile must not be empty"), ("profile: 'a b'", "profile='a b' is not an AWS profile name"),
    ("profile: '-x'", "profile='-x' is not an AWS profile name"), ("command_timeout: 0", "command_timeout must be at least 1, got 0"),
    ("command_timeout: -1", "command_timeout must be at least 1, got -1"), ("parallelism: 0", "parallelism must be at least 1"),
    ("strict: maybe", "strict must be true or false, got 'maybe'"), ("phase_groups: maybe", "phase_groups must be true or false"),
    ("on_unreadable: maybe", "'maybe' for config 'on_unreadable'"),
])
def test_a_bad_option_fails_naming_it_before_any_eksctl_call(sim, line, says):
    completed = inventory(sim, BASE + line + "\n", env={"ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED": "true"})
    assert completed.returncode != 0
    assert says in our_message(completed.stderr)[0], completed.stderr
    assert sim.calls() == []


def test_command_timeout_bounds_a_call_whose_child_holds_the_output(sim, tmp_path):
    """eksctl leaves a child in a session of its own that keeps the output pipe open: the inventory does not wait for it."""
    pid_file = tmp_path / "child.pid"
    wrapper = tmp_path / "eksctl"
    simulator = os.path.join(os.path.dirname(os.path.abspath(eksctl_simulator.__file__)), "bin", "eksctl")
    wrapper.write_text("#!/bin/sh\nsetsid sh -c 'echo $$ >> %s; exec sleep 40' &\nexec %s \"$@\"\n" % (pid_file, simulator), encoding="utf-8")
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
    try:
        started = time.monotonic()
        completed = inventory(sim, BASE + "command_timeout: 3\neksctl_path: %s\n" % wrapper)
        elapsed = time.monotonic() - started
    finally:
        time.sleep(0.5)
        for pid in pid_file.read_text().split() if pid_file.exists() else []:
            try:
                os.kill(int(pid), signal.SIGKILL)
            except ProcessLookupError:
                pass
    assert completed.returncode == 0, completed.stderr
    assert "demo.eu-north-1" in completed.stdout
    assert elapsed < 30, elapsed  # each call ends when eksctl has exited, not when its child lets go of the pipe 40 s later


def test_an_unreadable_cluster_fails_the_inventory_leading_with_the_cause(sim):
    sim.fault("fail", command="get nodegroup", match="--cluster=staging", count=1, message=ACCESS_DENIED)
    completed = inventory(sim, BASE, env={"ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED": "true"})
    assert completed.returncode != 0
    first, *details = our_message(completed.stderr)
    assert first == "Cannot read cluster staging in us-east-1: AccessDeniedException: User is not authorized to perform: eks:ListNodegroups"
    assert len(first) <= 160 and "strict" not in completed.stderr
    assert any(line.startswith("eks_clusters inventory ") and "1 region(s) or cluster(s) could not be read" in line for line in details)
    assert any("on_unreadable: warn" in line for line in details)


def test_on_unreadable_warn_goes_on_and_groups_the_unreadable(sim):
    sim.fault("fail", command="get nodegroup", match="--cluster=staging", count=1, message=ACCESS_DENIED)
    completed = inventory(sim, BASE + "on_unreadable: warn\n")
    assert completed.returncode == 0
    assert "@eks_unreadable:" in completed.stdout and "staging.us-east-1" in completed.stdout.split("@eks_unreadable:")[1]
    assert "Cannot read cluster staging in us-east-1: AccessDeniedException" in " ".join(completed.stderr.split())
    assert "Going on without them (on_unreadable: warn)" in completed.stderr


def test_strict_keeps_only_constructed_s_meaning(sim):
    """strict: false no longer lets an unreadable cluster through; strict: true fails a compose expression that fails."""
    sim.fault("fail", command="get nodegroup", match="--cluster=staging", count=1, message=ACCESS_DENIED)
    completed = inventory(sim, BASE + "strict: false\n", env={"ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED": "true"})
    assert completed.returncode != 0 and "Cannot read cluster staging" in completed.stderr
    sim.reset_calls()
    compose = BASE + "strict: true\ncompose:\n  owner: eks_cluster_tags.owner\n"
    completed = inventory(sim, compose, env={"ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED": "true"})
    assert completed.returncode != 0 and "eks_cluster_tags" in completed.stderr
    completed = inventory(sim, compose.replace("strict: true", "strict: false"))
    assert completed.returncode == 0 and "demo.eu-north-1" in completed.stdout


def test_ansible_inventory_exits_non_zero_on_a_broken_source_when_told_to(sim):
    """ansible-core only warns about a source that fails; ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED (docs/awx.md) makes it fail."""
    sim.fault("fail", command="get nodegroup", match="--cluster=staging", count=2, message=ACCESS_DENIED)
    assert inventory(sim, BASE).returncode == 0
    assert inventory(sim, BASE, env={"ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED": "true"}).returncode != 0
