# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Output a person reads at 3 a.m.: the stop and start print per nodegroup what they did (before -> after) in the normal
output, reports print a plain table, a wait prints a summary (and each poll at -v), task names in a fleet name no cluster
of one host, fleet warnings name their cluster; ``make test`` prints a header per stage, runs every stage, keeps pip quiet and
ends with a summary."""

from __future__ import annotations

import os
import re

import pytest

import stages

from conftest import ROOT

FLEET = "plugin: eks_tools.eksctl.eks_clusters\nregions: [eu-north-1, us-east-1]\nexclude: ['legacy-*']\n"


def fleet(sim, action, *extra):
    inventory = sim.inventory_file(FLEET)
    return sim.playbook("eks_tools.eksctl." + action, "-i", inventory, "-e", "recording_path=" + os.path.join(sim.root, "s.json"), *extra)


def test_a_fleet_stop_and_start_print_each_nodegroup_before_and_after(sim):
    _results, stopped = fleet(sim, "stop")
    assert "cluster demo (eu-north-1) stopped: 3 of 3 nodegroup(s) changed, desired nodes 6 -> 0" in stopped.stdout
    assert re.search(r"^  ng-1 +desired/min/max 3/2/5 -> 0/0/5  stopped$", stopped.stdout, re.M)
    assert re.search(r"^  ng-a +desired/min/max 0/0/3 -> 0/0/3  unchanged$", stopped.stdout, re.M)
    assert "fleet 3 cluster(s): 1 stopped, 2 unchanged, 0 failed" in stopped.stdout
    _results, started = fleet(sim, "start")
    assert re.search(r"^  ng-1 +desired/min/max 0/0/5 -> 3/2/5  restored$", started.stdout, re.M)
    # staging was already stopped when the stop visited it, and is recorded so: the start leaves it as it is.
    assert re.search(r"^  ng-a +desired/min/max 0/0/3 -> 0/0/3  unchanged$", started.stdout, re.M)
    for output in (stopped.stdout, started.stdout):
        headers = re.findall(r"^TASK \[(.*)\]", output, re.M)
        assert headers and not [header for header in headers if re.search(r"\b(demo|staging|sandbox)\b", header)], headers


@pytest.mark.release_sensitive  # how warnings are displayed
def test_fleet_warnings_name_their_cluster(sim):
    # A stop of part of a cluster, with a nodegroup of it already at zero beside one it stops: that one is recorded at zero.
    sim.update(lambda state: state["clusters"][2]["nodegroups"][0].update(desired=2, min=1))
    _results, stopped = fleet(sim, "stop")
    warnings = " ".join(re.findall(r"\[WARNING\]: (.*(?:\n(?!\[|\S).*)*)", stopped.stdout + stopped.stderr))
    assert "nodegroup 'ng-b' of cluster 'staging' was already stopped and had no recorded sizes" in " ".join(warnings.split())


@pytest.mark.release_sensitive  # how print_lines output is displayed
def test_a_report_prints_a_plain_table(sim):
    _results, completed = sim.playbook("eks_tools.eksctl.report", "-e", "cluster=demo", "-e", "region=eu-north-1")
    lines = completed.stdout.splitlines()
    assert any(re.match(r"^CLUSTER +REGION +PHASE +NODEGROUP", line) for line in lines), completed.stdout
    assert any(re.match(r"^demo +eu-north-1 +running +ng-1 +managed +ACTIVE +3 +2 +5$", line) for line in lines), completed.stdout
    assert '"msg": [' not in completed.stdout and '"CLUSTER' not in completed.stdout


def test_a_wait_prints_its_summary_always_and_each_poll_at_v(sim):
    common = ["-e", "cluster=demo", "-e", "region=eu-north-1", "-e", "wait=true", "-e", "wait_sleep=0.2",
              "-e", "recording_path=" + os.path.join(sim.root, "s.json")]
    _results, stopped = sim.playbook("eks_tools.eksctl.stop", *common)
    assert re.search(r"^waited \d+s, \d+ poll\(s\): every changed nodegroup is ready at its new sizes$", stopped.stdout, re.M)
    assert "wait poll 1 after" not in stopped.stdout
    _results, started = sim.playbook("eks_tools.eksctl.start", *common, "-v")
    assert re.search(r"^wait poll 1 after \d+s: pending ", started.stdout, re.M), started.stdout
    assert re.search(r"^waited \d+s, \d+ poll\(s\)", started.stdout, re.M)


@pytest.mark.parametrize("cpus", ["1", "2"])
def test_make_test_runs_every_stage_and_sums_them_up(monkeypatch, capsys, tmp_path, cpus):
    """A failed stage hides none after it; side by side (2 CPUs) each stage's output still comes whole, after its header."""
    plan = [stages.Stage("first", ["sh", "-c", "echo '10 passed in 0.1s'; echo '2 passed, 1 skipped in 0.2s'"], stages.pytest_counts),
            stages.Stage("second", ["sh", "-c", "echo 'Running sanity test \"pep8\"'; echo 'Running sanity test \"pylint\"'"],
                         stages.sanity_counts),
            stages.Stage("third", ["sh", "-c", "echo third says; exit 3"], stages.pytest_counts, cpus=stages.WHOLE_MACHINE),
            stages.Stage("fourth", ["sh", "-c", "echo '1 passed in 0.1s'"], stages.pytest_counts, after=("first",))]
    monkeypatch.setattr(stages, "stages", lambda kind: plan)
    monkeypatch.setattr(stages, "LOGS", str(tmp_path))
    monkeypatch.setenv("STAGE_CPUS", cpus)
    assert stages.run("full") == 1
    output = capsys.readouterr().out
    for number, name in enumerate(("first", "second", "third", "fourth"), 1):
        assert "==== [%d/4] %s: started" % (number, name) in output
    assert re.search(r"^==== \[3/4\] third: FAILED \(rc 3\) in \dm\d\ds$", output, re.M)
    assert output.index("third says") < output.index("==== [3/4] third: FAILED")
    summary = output[output.index("==== summary"):]
    assert re.search(r"^first +ok +12 passed, 1 skipped +\dm\d\ds$", summary, re.M)
    assert re.search(r"^second +ok +2 sanity tests", summary, re.M)
    assert re.search(r"^third +FAILED \(rc 3\)", summary, re.M)
    assert re.search(r"^fourth +ok +1 passed", summary, re.M)
    assert re.search(r"^total \dm\d\ds: 3 of 4 stages passed$", summary, re.M)
    assert sorted(os.listdir(str(tmp_path))) == ["01-first.log", "02-second.log", "03-third.log", "04-fourth.log"]


def test_every_pip_install_of_the_suite_is_quiet():
    sources = {name: open(os.path.join(ROOT, name), encoding="utf-8").read() for name in ("Makefile", "tests/utils/matrix.py")}
    installs = [(name, line) for name, text in sources.items() for line in text.splitlines() if "pip" in line and "install" in line
                and not line.lstrip().startswith("#")]
    assert len(installs) >= 3
    for name, line in installs:
        assert '"-q"' in line or " -q " in line, (name, line)
