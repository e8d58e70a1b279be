# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Faults survived, secrets kept, nothing lost: through Ansible, with the simulator's fault knobs (bad input: see
test_bad_input.py)."""

from __future__ import annotations

import json
import os
import sys

import pytest

from conftest import scale_calls

ACCESS_KEY = "AKIAFAULTTESTKEY0001"
SECRET_KEY = "fAuLtTeStSeCrEt/0123456789abcdefEXAMPLE"
SESSION_TOKEN = "FwoGZXIvYXdzEFAULTTESTSESSIONTOKEN0123456789"
AWX_CREDENTIALS = {"AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY, "AWS_SECURITY_TOKEN": SESSION_TOKEN}
SEED_DEMO = {"ng-self": (2, 1, 4), "ng-1": (3, 2, 5), "ng-2": (1, 1, 3)}
STOP = "cluster=demo region=eu-north-1 state=stopped"
START = "cluster=demo region=eu-north-1 state=started"


def assert_no_secret(*texts):
    for text in texts:
        for secret in (SECRET_KEY, SESSION_TOKEN, ACCESS_KEY):
            assert secret not in text


def run(sim, module_args, *extra):
    """Run eks_nodegroup_scale with AWX-style credentials in the environment and -vvv; check no secret leaks anywhere."""
    result, completed = sim.module("eks_nodegroup_scale", module_args, "-vvv", *extra, env=AWX_CREDENTIALS)
    assert_no_secret(json.dumps(result), completed.stdout, completed.stderr)
    log_path = sim.state_path + ".log"
    if os.path.exists(log_path):
        with open(log_path, encoding="utf-8") as handle:
            assert_no_secret(handle.read())
    return result, completed


def test_credentials_reach_eksctl_only_through_environment(sim):
    run(sim, "cluster=demo region=eu-north-1 name=ng-1 desired_size=4")
    for call in sim.calls():
        assert call["env"]["AWS_SESSION_TOKEN"].startswith("***sha256:")
        assert call["env"]["AWS_SECRET_ACCESS_KEY"].startswith("***sha256:")
        assert not any(ACCESS_KEY in arg or SECRET_KEY in arg for arg in call["argv"])


@pytest.mark.parametrize("command", ["get nodegroup", "scale nodegroup"])
def test_throttling_is_retried_then_reports_normally(sim, command):
    sim.fault("throttle", command=command, count=2)
    result, completed = run(sim, "cluster=demo region=eu-north-1 name=ng-1 desired_size=4 retry_delay=0.05")
    assert completed.returncode == 0, result
    assert result["changed"] is True and sim.sizes("demo")["ng-1"] == (4, 2, 5)
    calls = [c for c in sim.calls() if " ".join(c["argv"]).startswith(command)]
    # Two throttled and one answered; a get nodegroup also reads the sizes back once after the write.
    assert len(calls) == (4 if command == "get nodegroup" else 3)


def test_throttling_exhausted_fails_naming_it(sim):
    sim.fault("throttle", command="get nodegroup", count=10, message="TooManyRequestsException: Rate exceeded")
    result, completed = run(sim, "%s retries=2 retry_delay=0.05" % STOP)
    assert completed.returncode != 0
    assert "throttl" in result["msg"] and "Rate exceeded" in result["msg"] and "(3 attempts)" in result["msg"]
    assert len(sim.calls()) == 3 and sim.sizes("demo") == SEED_DEMO


def test_conflict_409_waits_for_active_then_retries_once(sim):
    sim.fault("resource_in_use", command="scale nodegroup", count=1)
    result, completed = run(sim, "cluster=demo region=eu-north-1 name=ng-1 desired_size=4 wait_sleep=0.1")
    assert completed.returncode == 0, result
    assert len(scale_calls(sim.calls())) == 2 and sim.sizes("demo")["ng-1"] == (4, 2, 5)


def test_hang_is_killed_at_command_timeout(sim):
    # The hang outlasts the timeout by far: only a kill at command_timeout gives this message (a call that ran to its end would not).
    sim.fault("hang", command="get nodegroup", seconds=120)
    result, completed = run(sim, "%s command_timeout=2" % STOP)
    assert completed.returncode != 0
    assert "command_timeout=2s" in result["msg"] and "get nodegroup --cluster=demo" in result["msg"]


@pytest.mark.parametrize("kind, fragment", [("garbage", "not valid JSON"), ("truncate", "not valid JSON")])
def test_bad_output_is_a_clean_parse_error(sim, kind, fragment):
    sim.fault(kind, command="get nodegroup")
    result, completed = run(sim, STOP)
    assert completed.returncode != 0
    assert fragment in result["msg"] and "Traceback" not in completed.stdout + completed.stderr
    assert len(result["msg"]) < 500


def test_eksctl_missing_or_not_executable(sim):
    result, _completed = run(sim, "%s eksctl_path=/nonexistent/eksctl" % STOP)
    assert result["msg"] == "eksctl_path=/nonexistent/eksctl does not exist"
    plain = os.path.join(sim.root, "eksctl")
    with open(plain, "w", encoding="utf-8") as handle:
        handle.write("#!/bin/sh\n")
    result, _completed = run(sim, "%s eksctl_path=%s" % (STOP, plain))
    assert result["msg"] == "eksctl_path=%s is not executable" % plain
    path = os.pathsep.join(entry for entry in sim.env["PATH"].split(os.pathsep) if "simulator" not in entry)
    result, completed = sim.module("eks_nodegroup_scale", STOP, env=dict(AWX_CREDENTIALS, PATH=path))
    assert completed.returncode != 0
    assert result["msg"] == EKSCTL_NOT_FOUND
    assert sim.calls() == []


EKSCTL_NOT_FOUND = "eksctl was not found on PATH; install it (https://eksctl.io/installation/) or set eksctl_path to the eksctl executable"


def test_a_missing_eksctl_gets_the_same_message_from_the_modules_and_the_inventory(sim):
    path = os.pathsep.join(entry for entry in sim.env["PATH"].split(os.pathsep) if "simulator" not in entry)
    for module, args in (("eks_cluster_info", "region=eu-north-1"), ("eks_nodegroup_scale", STOP)):
        result, completed = sim.module(module, args, env={"PATH": path})
        assert completed.returncode != 0 and result["msg"] == EKSCTL_NOT_FOUND, (module, result)
    inventory = sim.inventory_file("plugin: eks_tools.eksctl.eks_clusters\nregions: [eu-north-1]\n")
    completed = sim.run([os.path.join(os.path.dirname(sys.executable), "ansible-inventory"), "-i", inventory, "--list"],
                        env={"PATH": path, "ANSIBLE_INVENTORY_UNPARSED_FAILED": "true"})
    assert completed.returncode != 0
    assert EKSCTL_NOT_FOUND in " ".join(completed.stderr.split()), completed.stderr


def test_sts_failure_is_one_actionable_line(sim):
    sim.fault("sts")
    result, _completed = run(sim, STOP)
    assert "checking AWS STS access" in result["msg"] and "credentials" in result["msg"] and "\n" not in result["msg"]
    assert result["rc"] == 1 and "InvalidClientTokenId" in result["stderr"]


def test_missing_credentials_fail_at_sts(sim):
    sim.settings(require_credentials=True)
    result, completed = sim.module("eks_nodegroup_scale", STOP)
    assert completed.returncode != 0 and "cannot get role ARN" in result["msg"]


def test_unsupported_region_is_one_line(sim):
    result, _completed = run(sim, "cluster=demo region=xx-north-9 state=stopped")
    assert "--region=xx-north-9 is not supported" in result["msg"] and "region" in result["msg"]


def test_no_region_anywhere_is_one_line(sim):
    result, _completed = run(sim, "cluster=demo state=stopped")
    assert "AWS Region must be set" in result["msg"]


def test_one_write_fails_others_reported(sim):
    sim.fault("fail", command="scale nodegroup", match="--name=ng-1")
    result, completed = run(sim, STOP)
    assert completed.returncode != 0
    outcome = {ng["name"]: ng for ng in result["nodegroups"]}
    assert outcome["ng-1"]["action"] == "failed" and "InternalFailure" in outcome["ng-1"]["error"]
    assert outcome["ng-self"]["action"] == "stopped" and outcome["ng-2"]["action"] == "stopped"
    assert result["changed"] is True and "ng-1" in result["msg"]
    assert sim.sizes("demo") == {"ng-self": (0, 0, 4), "ng-1": (3, 2, 5), "ng-2": (0, 0, 3)}
    # Nothing lost: the next start restores the two that were stopped.
    result, _completed = run(sim, START)
    assert sim.sizes("demo") == SEED_DEMO


def test_after_a_failure_later_writes_are_not_attempted(sim):
    sim.fault("fail", command="scale nodegroup", match="--name=ng-self")
    result, _completed = run(sim, "%s parallelism=1" % STOP)
    assert [ng["action"] for ng in result["nodegroups"]] == ["failed", "not_attempted", "not_attempted"]
    assert len(scale_calls(sim.calls())) == 1


def test_stop_interrupted_between_writes_loses_nothing(sim):
    sim.fault("kill_parent", command="scale nodegroup", match="--name=ng-1")
    _result, completed = run(sim, "%s parallelism=1" % STOP)
    assert completed.returncode != 0
    assert sim.sizes("demo") == {"ng-self": (0, 0, 4), "ng-1": (0, 0, 5), "ng-2": (1, 1, 3)}
    # Retrying the stop keeps the first recording of the nodegroups already at zero.
    result, _completed = run(sim, STOP)
    assert {name: (entry["desired_size"], entry["min_size"], entry["max_size"]) for name, entry in result["recording"]["nodegroups"].items()} == {
        "ng-self": (2, 1, 4), "ng-1": (3, 2, 5), "ng-2": (1, 1, 3)}
    result, _completed = run(sim, START)
    assert [ng["action"] for ng in result["nodegroups"]] == ["restored", "restored", "restored"]
    assert sim.sizes("demo") == SEED_DEMO


def test_second_stop_and_start_on_running_are_ok(sim):
    first, _completed = run(sim, STOP)
    second, _completed = run(sim, STOP)
    assert second["changed"] is False and second["recording"] == first["recording"]
    # The second stop keeps the first one's recording, stop times included (the first stop wins).
    assert second["ansible_facts"]["eks_recordings"] == first["ansible_facts"]["eks_recordings"]
    assert second["ledger"] == first["ledger"]
    run(sim, START)
    again, _completed = run(sim, START)
    assert again["changed"] is False and sim.sizes("demo") == SEED_DEMO


def test_degraded_while_waiting_fails_at_once(sim):
    sim.settings(updating_reads=1, settle_status="DEGRADED")
    result, completed = run(sim, "cluster=demo region=eu-north-1 name=ng-1 desired_size=4 wait=true wait_sleep=0.2 wait_timeout=60")
    assert completed.returncode != 0
    assert "DEGRADED" in result["msg"] and "ng-1" in result["msg"] and "Timed out" not in result["msg"]
    # At once: the read that shows DEGRADED is the last call (one poll while UPDATING, one that fails), not wait_timeout's worth.
    calls = [call["argv"][:2] for call in sim.calls()]
    assert calls == [["get", "nodegroup"], ["scale", "nodegroup"], ["get", "nodegroup"], ["get", "nodegroup"]], calls


def test_active_with_old_sizes_while_waiting_is_never_success(sim):
    """After the scale, the next read shows ng-1 settled (ACTIVE) at its old sizes, as an eventually consistent read can:
    the wait must not take that as done. The task fails at that read, naming ng-1 and the old sizes, without a success
    and without waiting out wait_timeout; once the reads show the new sizes, the same task finds nothing to do."""
    sim.settings(updating_reads=1, stale_reads=1)
    task = "cluster=demo region=eu-north-1 name=ng-1 desired_size=4 wait=true wait_sleep=0.2 wait_timeout=60"
    result, completed = run(sim, task)
    assert completed.returncode != 0
    assert "ng-1" in result["msg"] and "old sizes" in result["msg"]
    (outcome,) = [ng for ng in result["nodegroups"] if ng["name"] == "ng-1"]
    assert outcome["action"] == "failed"
    # Without waiting out wait_timeout: the read that shows the old sizes is the last call.
    calls = [call["argv"][:2] for call in sim.calls()]
    assert calls == [["get", "nodegroup"], ["scale", "nodegroup"], ["get", "nodegroup"]]
    assert sim.sizes("demo")["ng-1"] == (4, 2, 5)
    sim.reset_calls()
    result, completed = run(sim, task)
    assert completed.returncode == 0 and result["changed"] is False
    assert scale_calls(sim.calls()) == []


def process_alive(pid):
    try:
        with open("/proc/%d/stat" % pid, encoding="utf-8") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.parametrize("how", ["module", "inventory"])
def test_command_timeout_kills_what_a_wrapper_started(sim, how):
    """A wrapper script that does not exec eksctl: the timeout must kill the real eksctl too, not only the wrapper."""
    sim.fault("hang", command="get nodegroup" if how == "module" else "get cluster", seconds=120)
    pidfile = os.path.join(sim.root, "child.pid")
    wrapper = os.path.join(sim.root, "eksctl-wrapper")
    with open(wrapper, "w", encoding="utf-8") as handle:
        handle.write('#!/bin/sh\n%s "$@" &\necho $! > %s\nwait $!\n' % (os.path.join(sim.env["PATH"].split(os.pathsep)[0], "eksctl"), pidfile))
    os.chmod(wrapper, 0o755)
    if how == "module":
        result, completed = run(sim, "%s command_timeout=2 eksctl_path=%s" % (STOP, wrapper))
        assert completed.returncode != 0 and "command_timeout=2s" in result["msg"]
    else:
        inventory = os.path.join(sim.root, "hang.eks_clusters.yml")
        with open(inventory, "w", encoding="utf-8") as handle:
            handle.write("plugin: eks_tools.eksctl.eks_clusters\nregions: [eu-north-1]\ncommand_timeout: 2\neksctl_path: %s\n" % wrapper)
        completed = sim.run([os.path.join(os.path.dirname(sim.env["ANSIBLE_PYTHON_INTERPRETER"]), "ansible-inventory"), "-i", inventory,
                             "--list"])
        assert "command_timeout=2s" in completed.stderr
    with open(pidfile, encoding="utf-8") as handle:
        pid = int(handle.read())
    assert not process_alive(pid), "eksctl (pid %d) still runs after the timeout" % pid


@pytest.mark.parametrize("verbosity", [[], ["-vvvv"]])
def test_role_failure_output_holds_no_secret(sim, verbosity):
    """The stop playbook (role, summary, final failure) with AWX-style credentials and an error that echoes them."""
    echo = "operation error EKS: UpdateNodegroupConfig, rejected credentials %s %s %s" % (ACCESS_KEY, SECRET_KEY, SESSION_TOKEN)
    sim.fault("fail", command="scale nodegroup", match="--name=ng-1", message=echo)
    results, completed = sim.playbook("eks_tools.eksctl.stop", "-e", "cluster=demo", "-e", "region=eu-north-1", *verbosity,
                                      env=dict(AWX_CREDENTIALS, ANSIBLE_SHOW_CUSTOM_STATS="true"), check=False)
    assert completed.returncode != 0 and "rejected credentials" in completed.stdout
    assert_no_secret(completed.stdout, completed.stderr, json.dumps(results))
