# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The stop, start and report playbooks act on exactly the target the user named: every setting the modules take reaches
eksctl, any other extra variable fails by its exact name before any call, and each inventory host acts on its own cluster
and region, whatever the command line or group_vars say."""

from __future__ import annotations

import json
import os
import re

import pytest

import eksctl_simulator
from conftest import scale_calls

FLEET = "plugin: eks_tools.eksctl.eks_clusters\nregions: [eu-north-1, us-east-1]\nexclude: ['legacy-*']\n"
SEED_DEMO = {"ng-self": (2, 1, 4), "ng-1": (3, 2, 5), "ng-2": (1, 1, 3)}
STOPPED_DEMO = {"ng-self": (0, 0, 4), "ng-1": (0, 0, 5), "ng-2": (0, 0, 3)}
STAGING = {"ng-a": (0, 0, 3), "ng-b": (0, 0, 2)}
ONE = ("-e", "cluster=demo", "-e", "region=eu-north-1")


def one_line(text: str) -> str:
    return " ".join(text.split())


def recording(sim) -> tuple[str, str]:
    return "-e", "recording_path=" + os.path.join(sim.root, "recordings.json")


def failed_messages(results) -> list[str]:
    """The messages of the failed results, and of their failed loop items."""
    failed = [entry["result"] for entry in results if entry["status"] == "failed"]
    items = [item for result in failed for item in result.get("results") or [] if isinstance(item, dict) and item.get("failed")]
    return [result.get("msg", "") for result in failed + items]


def playbook_calls(sim, inventory_calls: int = 0) -> list:
    """The eksctl calls made after the inventory's own reads."""
    return sim.calls()[inventory_calls:]


# ---------------------------------------------------------------- every setting reaches eksctl


@pytest.mark.parametrize("playbook", ["stop", "start", "report"])
def test_profile_reaches_every_eksctl_call(sim, playbook):
    """With credentials required and none in the environment, only the profile makes eksctl succeed; its region comes from it."""
    sim.settings(require_credentials=True)
    config = os.path.join(sim.root, "aws-config")
    with open(config, "w", encoding="utf-8") as handle:
        handle.write("[profile dev]\nregion = eu-north-1\n")
    results, completed = sim.playbook("eks_tools.eksctl." + playbook, "-e", "cluster=demo", "-e", "profile=dev", *recording(sim),
                                      env={"AWS_CONFIG_FILE": config}, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    calls = sim.calls()
    assert calls and all("--profile=dev" in call["argv"] for call in calls)
    if playbook == "stop":
        assert sim.sizes("demo") == STOPPED_DEMO


def test_an_aws_profile_the_playbook_does_not_take_fails_before_any_call(sim):
    _results, completed = sim.playbook("eks_tools.eksctl.stop", *ONE, "-e", "aws_profile=dev", check=False)
    assert completed.returncode != 0
    assert "does not take the extra variable(s) aws_profile (did you mean profile?)" in one_line(completed.stdout)
    assert sim.calls() == []


def test_eksctl_path_is_the_eksctl_that_runs(sim, tmp_path):
    """PATH has no eksctl at all: only eksctl_path can make the run work (and the message never says "set eksctl_path")."""
    simulator = os.path.join(os.path.dirname(os.path.abspath(eksctl_simulator.__file__)), "bin", "eksctl")
    path = os.pathsep.join(entry for entry in sim.env["PATH"].split(os.pathsep) if "simulator" not in entry)
    for playbook in ("stop", "report", "start"):
        _results, completed = sim.playbook("eks_tools.eksctl." + playbook, *ONE, "-e", "eksctl_path=" + simulator, *recording(sim),
                                           env={"PATH": path}, check=False)
        assert completed.returncode == 0, completed.stdout + completed.stderr
    assert sim.sizes("demo") == SEED_DEMO and scale_calls(sim.calls())


def test_nodegroups_stops_and_starts_only_those(sim):
    sim.playbook("eks_tools.eksctl.stop", *ONE, "-e", "nodegroups=ng-1,ng-2", *recording(sim))
    assert sim.sizes("demo") == dict(SEED_DEMO, **{"ng-1": (0, 0, 5), "ng-2": (0, 0, 3)})
    sim.playbook("eks_tools.eksctl.start", *ONE, "-e", json.dumps({"nodegroups": ["ng-2"]}), *recording(sim))
    assert sim.sizes("demo") == dict(SEED_DEMO, **{"ng-1": (0, 0, 5)})


def test_wait_timeout_bounds_the_wait(sim):
    sim.settings(updating_reads=10000)
    results, completed = sim.playbook("eks_tools.eksctl.stop", *ONE, "-e", "wait=true", "-e", "wait_timeout=1", "-e", "wait_sleep=0.2",
                                      *recording(sim), check=False)
    assert completed.returncode != 0
    assert any("wait_timeout" in message for message in failed_messages(results)), failed_messages(results)


@pytest.mark.parametrize("playbook", ["stop", "report"])
def test_command_timeout_bounds_each_call(sim, playbook):
    sim.fault("hang", command="get nodegroup", seconds=20, count=1)
    results, completed = sim.playbook("eks_tools.eksctl." + playbook, *ONE, "-e", "command_timeout=1", check=False)
    assert completed.returncode != 0
    assert any("command_timeout=1s" in message for message in failed_messages(results)), failed_messages(results)


def overlapping(calls: list) -> int:
    """The most calls that ran at the same time."""
    edges = sorted([(call["start"], 1) for call in calls] + [(call["end"], -1) for call in calls])
    running = most = 0
    for _time, step in edges:
        running += step
        most = max(most, running)
    return most


def test_parallelism_bounds_the_calls_side_by_side(sim):
    sim.settings(latency=0.4)
    sim.playbook("eks_tools.eksctl.stop", *ONE, "-e", "parallelism=1", *recording(sim))
    assert len(scale_calls(sim.calls())) == 3 and overlapping(scale_calls(sim.calls())) == 1


def test_start_unrecorded_false_keeps_a_named_cluster_stopped(sim):
    results, completed = sim.playbook("eks_tools.eksctl.start", "-e", "cluster=staging", "-e", "region=us-east-1",
                                      "-e", "start_unrecorded=false", *recording(sim), check=False)
    # Kept stopped, and the run fails: nothing says whether it was off before a stop or its recording was lost.
    assert completed.returncode != 0
    assert sim.sizes("staging", "us-east-1") == STAGING
    assert not scale_calls(sim.calls())
    assert "kept stopped, nothing recorded: staging.us-east-1" in one_line(completed.stdout)


def test_hourly_prices_and_recording_path_reach_the_module(sim):
    path = os.path.join(sim.root, "elsewhere", "recordings.json")
    sim.playbook("eks_tools.eksctl.stop", *ONE, "-e", "recording_path=" + path)
    assert os.path.exists(path)
    results, completed = sim.playbook("eks_tools.eksctl.start", *ONE, "-e", "recording_path=" + path,
                                      "-e", json.dumps({"hourly_prices": {"t3.medium": 0.0416, "t3.large": 0.0832, "m5.large": 0.096}}))
    start = [entry["result"] for entry in results if entry["result"].get("savings")]
    assert start and start[-1]["savings"]["total"].get("estimated_saving") is not None
    assert re.search(r"the stop saved [0-9.]+ node-hours, about [0-9.]+", completed.stdout)


# ---------------------------------------------------------------- exact names, before any call


@pytest.mark.parametrize("variable", ["cluster_name", "clustername", "cluster-name", "aws_region", "region_name"])
def test_a_name_close_to_cluster_or_region_never_stops_the_fleet(sim, variable):
    inventory = sim.inventory_file(FLEET)
    _results, completed = sim.playbook("eks_tools.eksctl.stop", "-i", inventory, "-e", "%s=demo" % variable, check=False)
    assert completed.returncode != 0
    assert "The stop playbook does not take the extra variable(s) %s" % variable in one_line(completed.stdout)
    assert not [call for call in sim.calls() if call["argv"][:2] != ["get", "cluster"] and call["argv"][:2] != ["get", "nodegroup"]]
    assert sim.sizes("demo") == SEED_DEMO


@pytest.mark.parametrize("old, value, playbook", [
    ("eks_hosts", "eks_region_eu_north_1", "stop"), ("eks_snapshot_path", "@", "stop"), ("cluster_power_start_unrecorded", "true", "start"),
])
def test_old_names_still_work(sim, old, value, playbook):
    inventory = sim.inventory_file(FLEET)
    value = os.path.join(sim.root, "old.json") if value == "@" else value
    # For the start: no stop first, so staging (stopped, never recorded) is what start_unrecorded=true starts.
    sim.playbook("eks_tools.eksctl." + playbook, "-i", inventory, "-e", "%s=%s" % (old, value), *recording(sim)[:0] if old == "eks_snapshot_path"
                 else recording(sim))
    if old == "eks_hosts":
        assert sim.sizes("demo") == STOPPED_DEMO and sim.sizes("staging", "us-east-1") == STAGING
        assert not [call for call in scale_calls(sim.calls()) if "--cluster=staging" in call["argv"]]
    elif old == "eks_snapshot_path":
        assert os.path.exists(value)
    else:
        assert sim.sizes("staging", "us-east-1") == {"ng-a": (1, 0, 3), "ng-b": (1, 0, 2)}


def test_awx_s_own_variables_pass(sim):
    _results, completed = sim.playbook("eks_tools.eksctl.report", *ONE, "-e", json.dumps(
        {"awx_job_id": 42, "tower_job_id": 42, "awx_job_launch_type": "scheduled", "awx_user_name": "admin",
         "awx_workflow_job_id": 7, "tower_parent_job_schedule_name": "nightly"}))
    assert completed.returncode == 0


# ---------------------------------------------------------------- each host acts on its own cluster and region


def twin_demo(sim):
    """A cluster named demo in us-east-1 too: a same-named cluster in another region."""
    sim.update(lambda state: state["clusters"].append(eksctl_simulator.new_cluster("demo", "us-east-1", [
        eksctl_simulator.new_nodegroup("demo", "web", sizes=(4, 1, 6))])))


@pytest.mark.parametrize("extra", [("-e", "region=us-east-1"), ("-e", "cluster=demo"), ("-e", "cluster=demo", "-e", "region=us-east-1")])
def test_cluster_or_region_with_inventory_hosts_is_refused_before_any_call(sim, extra):
    twin_demo(sim)
    inventory = sim.inventory_file("plugin: eks_tools.eksctl.eks_clusters\nregions: [eu-north-1]\ninclude: [demo]\n")
    sim.run([os.path.join(os.path.dirname(sim.env["ANSIBLE_PYTHON_INTERPRETER"]), "ansible-inventory"), "-i", inventory, "--list"], check=True)
    inventory_calls = len(sim.calls())
    sim.reset_calls()
    _results, completed = sim.playbook("eks_tools.eksctl.stop", "-i", inventory, *extra, check=False)
    assert completed.returncode != 0
    messages = [line for line in completed.stdout.splitlines() if '"msg":' in line]
    assert messages and ("cannot go with inventory hosts" in messages[-1] or "region goes with cluster" in messages[-1])
    assert len(sim.calls()) == inventory_calls  # only the inventory's own reads
    assert not scale_calls(sim.calls())
    assert sim.sizes("demo") == SEED_DEMO and sim.sizes("demo", "us-east-1") == {"web": (4, 1, 6)}


def test_group_vars_beside_the_inventory_cannot_redirect_a_host(sim):
    twin_demo(sim)
    directory = os.path.join(sim.root, "inventory")
    os.makedirs(os.path.join(directory, "group_vars"))
    with open(os.path.join(directory, "dev.eks_clusters.yml"), "w", encoding="utf-8") as handle:
        handle.write("plugin: eks_tools.eksctl.eks_clusters\nregions: [eu-north-1]\ninclude: [demo]\n")
    with open(os.path.join(directory, "group_vars", "all.yml"), "w", encoding="utf-8") as handle:
        handle.write("region: us-east-1\ncluster: staging\nregions: [us-east-1]\n")
    _results, completed = sim.playbook("eks_tools.eksctl.stop", "-i", directory, *recording(sim), check=False)
    assert completed.returncode == 0, completed.stdout
    assert sim.sizes("demo") == STOPPED_DEMO
    assert sim.sizes("demo", "us-east-1") == {"web": (4, 1, 6)} and sim.sizes("staging", "us-east-1") == STAGING
    assert all("--region=eu-north-1" in call["argv"] for call in scale_calls(sim.calls()))
    # The report's own variable (regions) in group_vars is no command-line input either.
    _results, completed = sim.playbook("eks_tools.eksctl.report", "-i", directory, *recording(sim), check=False)
    assert completed.returncode == 0 and "demo.eu-north-1 would start at" in one_line(completed.stdout)


def test_a_limit_keeps_the_check_and_narrows_the_fleet(sim):
    inventory = sim.inventory_file(FLEET)
    _results, completed = sim.playbook("eks_tools.eksctl.stop", "-i", inventory, "--limit", "demo.eu-north-1", *recording(sim))
    assert sim.sizes("demo") == STOPPED_DEMO
    assert "fleet 1 cluster(s): 1 stopped" in one_line(completed.stdout)
    _results, completed = sim.playbook("eks_tools.eksctl.stop", "-i", inventory, "--limit", "demo.eu-north-1", "-e", "cluster_name=x",
                                       check=False)
    assert completed.returncode != 0 and "does not take the extra variable(s) cluster_name" in one_line(completed.stdout)


# ---------------------------------------------------------------- the whole fleet or a failure

EXPIRED = ("checking AWS STS access \u2013 cannot get role ARN for current session: operation error STS: GetCallerIdentity, "
           "https response error StatusCode: 403, api error ExpiredToken: The security token included in the request is expired")


def two_sources(sim):
    directory = os.path.join(sim.root, "sources")
    os.makedirs(directory)
    paths = []
    for name, region in (("a.eks_clusters.yml", "eu-north-1"), ("b.eks_clusters.yml", "us-east-1")):
        paths.append(os.path.join(directory, name))
        with open(paths[-1], "w", encoding="utf-8") as handle:
            handle.write("plugin: eks_tools.eksctl.eks_clusters\nregions: [%s]\nexclude: ['legacy-*']\n" % region)
    return paths


@pytest.mark.parametrize("playbook", ["stop", "start", "report"])
@pytest.mark.parametrize("extra", [(), ("-e", "allow_empty_fleet=true"), ("--check",)])
def test_one_unreadable_source_of_two_fails_the_run_naming_it(sim, playbook, extra):
    good, bad = two_sources(sim)
    sim.fault("fail", command="get cluster", match="--region=us-east-1", count=1, message=EXPIRED)
    _results, completed = sim.playbook("eks_tools.eksctl." + playbook, "-i", good, "-i", bad, *extra, *recording(sim), check=False)
    assert completed.returncode != 0
    message = one_line(completed.stdout)
    assert "1 inventory source(s) could not be read, so the %s playbook changed nothing: %s: Cannot read the clusters of us-east-1: " \
           "ExpiredToken" % (playbook, bad) in message, completed.stdout
    assert not scale_calls(sim.calls()) and sim.sizes("demo") == SEED_DEMO
    assert len([call for call in sim.calls() if call["argv"][:2] == ["get", "nodegroup"]]) <= 2  # the inventory's reads only


def test_allow_empty_fleet_allows_an_inventory_read_that_matched_nothing(sim):
    inventory = sim.inventory_file("plugin: eks_tools.eksctl.eks_clusters\nregions: [eu-north-1]\ninclude: ['nothing-*']\n")
    _results, completed = sim.playbook("eks_tools.eksctl.stop", "-i", inventory, check=False)
    assert completed.returncode != 0 and "No host matched the hosts pattern eks_clusters" in one_line(completed.stdout)
    _results, completed = sim.playbook("eks_tools.eksctl.stop", "-i", inventory, "-e", "allow_empty_fleet=true")
    assert completed.returncode == 0


def test_allow_empty_fleet_never_hides_an_inventory_that_failed_entirely(sim):
    inventory = sim.inventory_file(FLEET)
    sim.fault("fail", command="get cluster", count=2, message=EXPIRED)
    _results, completed = sim.playbook("eks_tools.eksctl.stop", "-i", inventory, "-e", "allow_empty_fleet=true", check=False)
    assert completed.returncode != 0 and "could not be read" in one_line(completed.stdout)


# ---------------------------------------------------------------- previews speak in the conditional


def set_stats_of(results) -> list[dict]:
    return [entry["result"]["ansible_stats"]["data"]["eks_fleet"] for entry in results
            if "eks_fleet" in entry["result"].get("ansible_stats", {}).get("data", {})]


def preview(sim, playbook: str, inventory: str, *, fails: bool = False) -> tuple[dict, str]:
    """A check-mode fleet run: the summary it handed to AWX, which must count nothing as done, and its output. ``fails``: a
    preview of a start that would keep a cluster stopped for want of a recording fails, as the start itself would."""
    results, completed = sim.playbook("eks_tools.eksctl." + playbook, "-i", inventory, "--check", *recording(sim), check=not fails)
    assert (completed.returncode != 0) is fails, completed.stdout
    (summary,) = set_stats_of(results)
    done, would = {"stop": ("stopped", "would_stop"), "start": ("started", "would_start")}[playbook]
    assert (summary["preview"], summary[done], summary[would]) == (True, 0, 1)
    return summary, one_line(completed.stdout)


def test_a_check_mode_fleet_stop_is_a_preview_and_hands_awx_no_stop(sim):
    _summary, output = preview(sim, "stop", sim.inventory_file(FLEET))
    assert "fleet preview 3 cluster(s): 1 would stop, 2 would stay as they are, 0 failed; desired nodes 6 now, 0 after the stop" in output
    assert "demo.eu-north-1 would stop: desired nodes 6 -> 0" in output
    assert not re.search(r"\b1 stopped\b", output)
    assert not scale_calls(sim.calls()) and sim.sizes("demo") == SEED_DEMO


def test_a_check_mode_fleet_start_says_what_would_start_and_stay_stopped(sim):
    inventory = sim.inventory_file(FLEET)
    # The stop visits demo only: staging, stopped before and never recorded, is what a start cannot tell from a lost recording.
    sim.playbook("eks_tools.eksctl.stop", "-i", inventory, "--limit", "demo.eu-north-1", *recording(sim))
    _summary, output = preview(sim, "start", inventory, fails=True)
    assert "demo.eu-north-1 would start at desired/min/max ng-self 2/1/4, ng-1 3/2/5, ng-2 1/1/3" in output
    assert "would stay stopped, nothing recorded: staging.us-east-1" in output
    assert "cluster 'staging': no recording of nodegroup(s) ng-b, ng-a anywhere, so they would stay stopped" in output
    assert sim.sizes("demo") == STOPPED_DEMO


def test_the_report_predicts_what_the_fleet_start_then_does(sim):
    inventory = sim.inventory_file(FLEET)
    _results, report = sim.playbook("eks_tools.eksctl.report", "-i", inventory, *recording(sim))
    output = one_line(report.stdout)
    assert "report 3 cluster(s): 1 would stop, 0 would start, 2 would stay as they are, 0 failed" in output
    assert "staging.us-east-1 ng-a, ng-b would stay stopped (nothing recorded)" in output
    summary = output.rsplit("TASK [eks_tools.eksctl.cluster_power : Print the summary]", maxsplit=1)[-1]
    assert "started it" not in summary
    _results, started = sim.playbook("eks_tools.eksctl.start", "-i", inventory, *recording(sim), check=False)
    assert sim.sizes("staging", "us-east-1") == STAGING  # as the report said
    assert started.returncode != 0 and "kept stopped, nothing recorded: staging.us-east-1" in one_line(started.stdout)
    _results, one = sim.playbook("eks_tools.eksctl.report", "-e", "cluster=staging", "-e", "region=us-east-1", *recording(sim))
    assert "staging.us-east-1 would start at desired/min/max ng-a 1/0/3 (nothing recorded), ng-b 1/0/2 (nothing recorded)" in one_line(one.stdout) \
        or "staging.us-east-1 would start at desired/min/max ng-b 1/0/2 (nothing recorded), ng-a 1/0/3 (nothing recorded)" in one_line(one.stdout)


def test_a_failure_of_one_named_cluster_is_summarized_by_its_name(sim):
    sim.fault("fail", command="get nodegroup", match="--cluster=demo", count=1)
    results, completed = sim.playbook("eks_tools.eksctl.stop", *ONE, *recording(sim), check=False)
    (summary,) = set_stats_of(results)
    assert list(summary["failed_clusters"]) == ["demo.eu-north-1"]
    assert "failed: demo.eu-north-1" in one_line(completed.stdout) and "failed: localhost" not in completed.stdout


def test_a_report_of_regions_lists_every_cluster_of_them(sim):
    _results, completed = sim.playbook("eks_tools.eksctl.report", "-e", json.dumps({"regions": ["eu-north-1", "us-east-1"]}))
    rows = [line.split()[:2] for line in completed.stdout.splitlines() if re.match(r"^(demo|legacy-tf|staging|sandbox) +(eu-north-1|us-east-1) ", line)]
    assert {tuple(row) for row in rows} == {("demo", "eu-north-1"), ("legacy-tf", "eu-north-1"), ("staging", "us-east-1"),
                                            ("sandbox", "us-east-1")}
    assert not scale_calls(sim.calls())
