# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A fleet: the eks_clusters inventory plugin, the FQCN stop/start playbooks with forks, and the report."""

from __future__ import annotations

import json
import os

import pytest

import eksctl_simulator

FLEET_INVENTORY = """---
plugin: eks_tools.eksctl.eks_clusters
regions:
  - eu-north-1
  - us-east-1
include:
  - "dev-*"
exclude:
  - "dev-skip*"
keyed_groups:
  - key: eks_cluster_owned | string
    prefix: owned
"""


def add_fleet(sim, count=10):
    """``count`` dev clusters over two regions, each with a mix of managed and self-managed nodegroups."""
    expected = {}

    def change(state):
        for index in range(count):
            region = "eu-north-1" if index % 2 == 0 else "us-east-1"
            name = "dev-%02d" % index
            nodegroups = [
                eksctl_simulator.new_nodegroup(name, "web", sizes=(index % 3 + 1, 1, 5)),
                eksctl_simulator.new_nodegroup(name, "batch", kind="unmanaged", sizes=(index % 4, 0, 6)),
            ]
            state["clusters"].append(eksctl_simulator.new_cluster(name, region, nodegroups))
            expected[(name, region)] = {ng["name"]: (ng["desired"], ng["min"], ng["max"]) for ng in nodegroups}
        state["clusters"].append(eksctl_simulator.new_cluster("dev-skipped", "eu-north-1", []))
    sim.update(change)
    return expected


def write_inventory(sim):
    path = os.path.join(sim.root, "clusters.eks_clusters.yml")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(FLEET_INVENTORY)
    return path


@pytest.mark.release_sensitive  # host variables marked unsafe, keyed groups templated
def test_inventory_graph_shows_region_and_phase_groups(sim):
    add_fleet(sim)
    inventory = write_inventory(sim)
    completed = sim.run([os.path.join(os.path.dirname(sim.env["ANSIBLE_PYTHON_INTERPRETER"]), "ansible-inventory"), "-i", inventory, "--graph"],
                        check=True)
    graph = completed.stdout
    for group in ("@eks_clusters:", "@eks_region_eu_north_1:", "@eks_region_us_east_1:", "@eks_phase_running:", "@owned_True:"):
        assert group in graph
    assert "dev-00.eu-north-1" in graph and "dev-01.us-east-1" in graph
    assert "demo" not in graph and "dev-skipped" not in graph
    completed = sim.run([os.path.join(os.path.dirname(sim.env["ANSIBLE_PYTHON_INTERPRETER"]), "ansible-inventory"), "-i", inventory, "--list"],
                        check=True)
    # Strings from an inventory plugin are marked unsafe (never templated); ansible-inventory shows the marker.
    hostvars = json.loads(completed.stdout, object_hook=lambda value: value.get("__ansible_unsafe", value))["_meta"]["hostvars"]
    assert hostvars["dev-03.us-east-1"]["eks_cluster_name"] == "dev-03"
    assert hostvars["dev-03.us-east-1"]["eks_cluster_region"] == "us-east-1"
    assert hostvars["dev-03.us-east-1"]["eks_cluster_phase"] == "running"
    assert hostvars["dev-00.eu-north-1"]["ansible_connection"] == "local"
    # Per inventory command: one listing per region, and one nodegroup read and one description (its tags) per kept cluster
    # (excluded ones are never read).
    calls = sim.calls()
    assert len([c for c in calls if c["argv"][:2] == ["get", "cluster"] and not any(a.startswith("--name") for a in c["argv"])]) == 4
    assert len([c for c in calls if c["argv"][:2] == ["get", "cluster"] and any(a.startswith("--name") for a in c["argv"])]) == 2 * 10
    assert len([c for c in calls if c["argv"][:2] == ["get", "nodegroup"]]) == 2 * 10


@pytest.mark.release_sensitive  # forks and the fact cache; 2.20 returns no invocation
def test_fleet_stop_and_start_in_separate_runs_restores_every_size(sim):
    expected = add_fleet(sim)
    inventory = write_inventory(sim)
    cache = os.path.join(sim.root, "fact-cache")
    env = {"ANSIBLE_CACHE_PLUGIN": "ansible.builtin.jsonfile", "ANSIBLE_CACHE_PLUGIN_CONNECTION": cache}
    for label, playbook in (("night", "eks_tools.eksctl.stop"), ("morning", "eks_tools.eksctl.start")):
        workdir = os.path.join(sim.root, label)
        home = os.path.join(workdir, "home")
        os.makedirs(home)
        results, _completed = sim.playbook(playbook, "-i", inventory, "-f", "10", env=dict(env, HOME=home), cwd=workdir)
        # The scale results (ansible-core 2.20 and later return no ``invocation`` by default): they carry the state and the key.
        module_results = [r for r in results if r["result"].get("state") in ("stopped", "started") and "recording_key" in r["result"]]
        assert len(module_results) == 10 and all(r["status"] in ("changed", "ok") for r in module_results)
        if label == "night":
            for (name, region), sizes in expected.items():
                assert all(size[0] == 0 and size[1] == 0 for size in sim.sizes(name, region).values())
    for (name, region), sizes in expected.items():
        assert sim.sizes(name, region) == sizes, name


def test_report_playbook_prints_a_table(sim):
    _results, completed = sim.playbook("eks_tools.eksctl.report", "-e", "cluster=demo", "-e", "region=eu-north-1")
    assert "CLUSTER      REGION       PHASE    NODEGROUP" in completed.stdout
    assert "demo         eu-north-1   running  ng-1       managed   ACTIVE                3    2    5" in completed.stdout


ACCESS_DENIED = ("unable to list nodegroups: operation error EKS: ListNodegroups, https response error StatusCode: 403, "
                 "api error AccessDeniedException: User is not authorized to perform: eks:ListNodegroups")
EXPIRED = ("checking AWS STS access \u2013 cannot get role ARN for current session: operation error STS: GetCallerIdentity, "
           "https response error StatusCode: 403, api error ExpiredToken: The security token included in the request is expired")


def fleet_run(sim, playbook, inventory, *extra):
    return sim.playbook(playbook, "-i", inventory, "-f", "10", *extra, env={"ANSIBLE_SHOW_CUSTOM_STATS": "true"}, check=False)


def test_fleet_stop_with_one_unreadable_cluster_fails_naming_it_and_stops_nothing(sim):
    expected = add_fleet(sim)
    inventory = write_inventory(sim)
    sim.fault("fail", command="get nodegroup", match="--cluster=dev-03", count=1, message=ACCESS_DENIED)
    _results, completed = fleet_run(sim, "eks_tools.eksctl.stop", inventory)
    assert completed.returncode != 0
    output = completed.stdout + completed.stderr
    assert "could not be read, so the stop playbook changed nothing: %s: Cannot read cluster dev-03 in us-east-1: AccessDenied" % inventory \
        in " ".join(output.split())
    for (name, region), sizes in expected.items():
        assert sim.sizes(name, region) == sizes


def test_fleet_start_with_an_expired_token_fails(sim):
    add_fleet(sim)
    inventory = write_inventory(sim)
    sim.fault("fail", command="get cluster", match="--region=us-east-1", count=1, message=EXPIRED)
    _results, completed = fleet_run(sim, "eks_tools.eksctl.start", inventory)
    assert completed.returncode != 0
    assert "us-east-1" in completed.stdout + completed.stderr and "ExpiredToken" in completed.stdout + completed.stderr


@pytest.mark.release_sensitive  # custom stats shown at the end of the play
def test_on_unreadable_warn_groups_unreadable_clusters_warns_and_still_fails_them(sim):
    expected = add_fleet(sim)
    inventory = write_inventory(sim)
    with open(inventory, "a", encoding="utf-8") as handle:
        handle.write("on_unreadable: warn\n")
    # Unreadable for the inventory and for the stop that follows.
    sim.fault("fail", command="get nodegroup", match="--cluster=dev-03", count=5, message=ACCESS_DENIED)
    completed = sim.run([os.path.join(os.path.dirname(sim.env["ANSIBLE_PYTHON_INTERPRETER"]), "ansible-inventory"), "-i", inventory, "--graph"],
                        check=True)
    assert "@eks_unreadable:" in completed.stdout and "dev-03.us-east-1" in completed.stdout.split("@eks_unreadable:")[1]
    assert "dev-03" in completed.stderr and "on_unreadable: warn" in completed.stderr
    sim.update(lambda state: [fault.update(count=5) for fault in state["faults"]])
    _results, completed = fleet_run(sim, "eks_tools.eksctl.stop", inventory)
    assert completed.returncode != 0
    assert "10 cluster(s): 9 stopped, 0 unchanged, 1 failed" in completed.stdout and "failed: dev-03.us-east-1" in completed.stdout
    assert '"failed": 1' in completed.stdout and '"stopped": 9' in completed.stdout  # the set_stats custom stats
    for (name, region), sizes in expected.items():
        if name == "dev-03":
            assert sim.sizes(name, region) == sizes
        else:
            assert all(size[:2] == (0, 0) for size in sim.sizes(name, region).values())


def test_empty_fleet_fails_unless_allowed(sim):
    path = os.path.join(sim.root, "empty.eks_clusters.yml")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(FLEET_INVENTORY.replace('"dev-*"', '"nothing-*"'))
    _results, completed = fleet_run(sim, "eks_tools.eksctl.stop", path)
    assert completed.returncode != 0 and "No host matched the hosts pattern eks_clusters" in completed.stdout + completed.stderr
    _results, completed = fleet_run(sim, "eks_tools.eksctl.stop", path, "-e", "allow_empty_fleet=true")
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_fleet_summary_counts_and_nodes(sim):
    expected = add_fleet(sim, count=4)
    inventory = write_inventory(sim)
    before = sum(size[0] for sizes in expected.values() for size in sizes.values())
    _results, completed = fleet_run(sim, "eks_tools.eksctl.stop", inventory)
    assert completed.returncode == 0, completed.stdout
    assert "4 cluster(s): 4 stopped, 0 unchanged, 0 failed; desired nodes %d before, 0 after" % before in completed.stdout
    _results, completed = fleet_run(sim, "eks_tools.eksctl.stop", inventory)
    assert "4 cluster(s): 0 stopped, 4 unchanged, 0 failed; desired nodes 0 before, 0 after" in completed.stdout


SECRET_KEY = "iNvEnToRySeCrEt/0123456789abcdefEXAMPLE"
SESSION_TOKEN = "FwoGZXIvYXdzEINVENTORYSESSIONTOKEN0123456789"
ECHOING_ERROR = ("operation error STS: GetCallerIdentity, failed to sign request: credentials AKIAINVENTORYTEST001 / %s / %s were rejected"
                 % (SECRET_KEY, SESSION_TOKEN))


@pytest.mark.parametrize("verbosity", [[], ["-vvvv"]])
def test_inventory_never_prints_credentials_an_error_echoes(sim, verbosity):
    add_fleet(sim, count=2)
    inventory = write_inventory(sim)
    credentials = {"AWS_ACCESS_KEY_ID": "AKIAINVENTORYTEST001", "AWS_SECRET_ACCESS_KEY": SECRET_KEY, "AWS_SECURITY_TOKEN": SESSION_TOKEN}
    sim.fault("fail", command="get cluster", match="--region=us-east-1", count=1, message=ECHOING_ERROR)
    sim.fault("fail", command="get nodegroup", match="--cluster=dev-00", count=1, message=ECHOING_ERROR)
    completed = sim.run([os.path.join(os.path.dirname(sim.env["ANSIBLE_PYTHON_INTERPRETER"]), "ansible-inventory"), "-i", inventory,
                         "--list"] + verbosity, env=credentials)
    assert "were rejected" in completed.stderr
    sim.fault("fail", command="get nodegroup", match="--cluster=dev-00", count=1, message=ECHOING_ERROR)
    _results, played = sim.playbook("eks_tools.eksctl.stop", "-i", inventory, *verbosity, env=credentials, check=False)
    for text in (completed.stdout, completed.stderr, played.stdout, played.stderr):
        assert SECRET_KEY not in text and SESSION_TOKEN not in text
    assert played.returncode != 0


@pytest.mark.release_sensitive  # how untrusted inventory strings are tagged
def test_a_cluster_name_that_is_a_template_is_never_run(sim):
    add_fleet(sim, count=2)
    marker = os.path.join(sim.root, "injected")
    injected = "dev-{{ lookup('ansible.builtin.pipe', 'touch %s') }}" % marker
    sim.update(lambda state: state["clusters"].append(eksctl_simulator.new_cluster(injected, "eu-north-1", [])))
    inventory = write_inventory(sim)
    _results, completed = fleet_run(sim, "eks_tools.eksctl.stop", inventory)
    assert completed.returncode != 0 and "cannot be one" in completed.stdout + completed.stderr
    with open(inventory, "a", encoding="utf-8") as handle:
        handle.write("on_unreadable: warn\n")
    for playbook in ("eks_tools.eksctl.stop", "eks_tools.eksctl.report", "eks_tools.eksctl.start"):
        _results, completed = fleet_run(sim, playbook, inventory)
        assert completed.returncode == 0, completed.stdout + completed.stderr
    assert not os.path.exists(marker)
