# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Integration tests: the collection through ansible, ansible-playbook, ansible-inventory and
ansible-runner, against the eksctl simulator first on PATH.

Run with ``make integration`` (it sets ANSIBLE_COLLECTIONS_PATH to a directory holding
ansible_collections/eks_tools/eksctl).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SIMULATOR = os.path.join(ROOT, "tests", "simulator")
sys.path.insert(0, SIMULATOR)

import eksctl_simulator  # noqa: E402  pylint: disable=wrong-import-position

BIN = os.path.dirname(sys.executable)
AWS_VARIABLES = ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY",
                 "AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "EKSCTL_SIM_LATENCY")


class Sim:
    """One simulated AWS account: state file, call log, and the environment to run Ansible against it."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.state_path = os.path.join(root, "eksctl-state.json")
        self.home = os.path.join(root, "home")
        os.makedirs(self.home)
        self.results_path = os.path.join(root, "results.jsonl")
        env = {key: value for key, value in os.environ.items() if key not in AWS_VARIABLES and not key.startswith("ANSIBLE_")}
        env.update({
            "PATH": os.pathsep.join([os.path.join(SIMULATOR, "bin"), BIN, env.get("PATH", "")]),
            "HOME": self.home,
            "EKSCTL_SIM_STATE": self.state_path,
            "ANSIBLE_COLLECTIONS_PATH": os.environ["ANSIBLE_COLLECTIONS_PATH"],
            "ANSIBLE_LOCALHOST_WARNING": "false",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_CALLBACK_PLUGINS": os.path.join(HERE, "callback_plugins"),
            "ANSIBLE_CALLBACKS_ENABLED": "record_results",
            "ANSIBLE_LOAD_CALLBACK_PLUGINS": "true",
            "RECORD_RESULTS_FILE": self.results_path,
            "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
        })
        self.env = env
        eksctl_simulator.write_state(self.state_path, eksctl_simulator.seed_state())

    # ---- simulator state
    def state(self) -> dict:
        return eksctl_simulator.read_state(self.state_path)

    def update(self, change) -> None:
        state = self.state()
        change(state)
        eksctl_simulator.write_state(self.state_path, state)

    def settings(self, **settings) -> None:
        self.update(lambda state: state["settings"].update(settings))

    def fault(self, kind: str, command: str = "*", count: int = 1, **extra) -> None:
        self.update(lambda state: state["faults"].append(dict(kind=kind, command=command, count=count, **extra)))

    def sizes(self, cluster: str, region: str = "eu-north-1") -> dict:
        for entry in self.state()["clusters"]:
            if entry["name"] == cluster and entry["region"] == region:
                return {ng["name"]: (ng["desired"], ng["min"], ng["max"]) for ng in entry["nodegroups"]}
        raise KeyError(cluster)

    def calls(self) -> list:
        return eksctl_simulator.read_log(self.state_path)

    def reset_calls(self) -> None:
        log = eksctl_simulator.log_path_for(self.state_path)
        if os.path.exists(log):
            os.unlink(log)

    def results(self) -> list:
        if not os.path.exists(self.results_path):
            return []
        with open(self.results_path, encoding="utf-8") as handle:
            entries = [json.loads(line) for line in handle]
        os.unlink(self.results_path)
        return entries

    # ---- running Ansible
    def run(self, argv: list, *, env: dict | None = None, cwd: str | None = None, check: bool = False) -> subprocess.CompletedProcess:
        full_env = dict(self.env)
        full_env.update(env or {})
        completed = subprocess.run(argv, env=full_env, cwd=cwd or self.root, capture_output=True, text=True, timeout=600, check=False)
        if check and completed.returncode != 0:
            raise AssertionError("%s failed (rc %d)\nstdout:\n%s\nstderr:\n%s" % (argv, completed.returncode, completed.stdout, completed.stderr))
        return completed

    def module(self, module: str, args: str, *extra: str, env: dict | None = None) -> tuple[dict, subprocess.CompletedProcess]:
        """``ansible localhost -m eks_tools.eksctl.<module> -a <args>``; returns (result, process)."""
        completed = self.run([os.path.join(BIN, "ansible"), "localhost", "-m", "eks_tools.eksctl." + module, "-a", args] + list(extra), env=env)
        results = [entry for entry in self.results() if entry["host"] == "localhost"]
        assert results, "no result recorded\nstdout:\n%s\nstderr:\n%s" % (completed.stdout, completed.stderr)
        return results[-1]["result"], completed

    def playbook(self, playbook: str, *extra: str, env: dict | None = None, cwd: str | None = None,
                 check: bool = True) -> tuple[list, subprocess.CompletedProcess]:
        # An FQCN playbook of the collection, an absolute path, or a file in tests/integration/playbooks.
        path = playbook if playbook.startswith("eks_tools.") or os.path.isabs(playbook) else os.path.join(HERE, "playbooks", playbook)
        completed = self.run([os.path.join(BIN, "ansible-playbook"), path] + list(extra), env=env, cwd=cwd, check=check)
        return self.results(), completed


@pytest.fixture(name="sim")
def sim_fixture(tmp_path):
    return Sim(str(tmp_path))


def scale_calls(calls: list) -> list:
    return [call for call in calls if call["argv"][:2] == ["scale", "nodegroup"]]


def read_calls(calls: list) -> list:
    return [call for call in calls if call["argv"][:1] == ["get"]]
