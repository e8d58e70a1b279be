# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The worlds the collection's tests run it in, as a user would: through ansible, ansible-playbook and
ansible-inventory, reading back every task result (recorded by the ``record_results`` callback of
tests/integration).

``AnsibleHarness`` is what every world shares; ``SimulatedWorld`` puts the eksctl simulator first on
PATH with its own state file; ``EmulatedWorld`` puts a real eksctl there (through a wrapper that logs
each call) with the environment of an emulated AWS (``tests/e2e/aws_emulator.py``). Both answer the
same queries (``sizes``, ``calls``) and take the same changes between steps.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import typing as t

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TESTS, "simulator"))

import eksctl_simulator  # noqa: E402  pylint: disable=wrong-import-position

ROOT = os.path.dirname(TESTS)
CALLBACKS = os.path.join(TESTS, "integration", "callback_plugins")
BIN = os.path.dirname(sys.executable)
AWS_VARIABLES = ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY",
                 "AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_CONFIG_FILE",
                 "AWS_SHARED_CREDENTIALS_FILE", "AWS_ENDPOINT_URL", "EKSCTL_SIM_LATENCY")


# Against the emulated AWS on loopback, eksctl's HTTP client now and then fails to read an STS answer it already got
# ("use of closed network connection"), and eksctl retries no STS call. The collection retries such a failure itself
# (RETRIED in plugins/module_utils/_eksctl.py); the tests that run eksctl directly run it again, at most four times more:
# a listing of every region makes one STS call per region, and on a machine kept busy by pytest's parallel workers two
# of them in one listing have been seen to fail so.
TRANSIENT = "use of closed network connection"
ATTEMPTS = 5


def run_eksctl(argv: list[str], env: dict[str, str], cwd: str | None = None,
               before: t.Callable[[], None] | None = None) -> subprocess.CompletedProcess:
    """One eksctl command line, again while it fails for the transient reason above; ``before`` runs before each try."""
    for _attempt in range(ATTEMPTS):
        if before:
            before()
        completed = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=300, check=False)
        if TRANSIENT not in completed.stderr:
            break
    return completed


@functools.lru_cache(maxsize=None)
def version_of(binary: str) -> str:
    """What an eksctl binary says its version is (asked once per binary)."""
    return subprocess.run([binary, "version"], capture_output=True, text=True, check=True, timeout=60).stdout.strip()


class AnsibleHarness:
    """One test's world: a root directory, a HOME inside it, and the environment Ansible runs in."""

    def __init__(self, root: str, eksctl_dir: str, extra_env: dict[str, str] | None = None) -> None:
        self.root = root
        self.home = os.path.join(root, "home")
        os.makedirs(self.home, exist_ok=True)
        self.results_path = os.path.join(root, "results.jsonl")
        env = {key: value for key, value in os.environ.items()
               if key not in AWS_VARIABLES and not key.startswith(("ANSIBLE_", "AWS_ENDPOINT_URL"))}
        env.update({
            "PATH": os.pathsep.join([eksctl_dir, BIN, env.get("PATH", "")]),
            "HOME": self.home,
            "ANSIBLE_COLLECTIONS_PATH": os.environ["ANSIBLE_COLLECTIONS_PATH"],
            "ANSIBLE_LOCALHOST_WARNING": "false",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_CALLBACK_PLUGINS": CALLBACKS,
            "ANSIBLE_CALLBACKS_ENABLED": "record_results",
            "ANSIBLE_LOAD_CALLBACK_PLUGINS": "true",
            "RECORD_RESULTS_FILE": self.results_path,
            "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
        })
        env.update(extra_env or {})
        self.env = env

    def results(self) -> list:
        """The task results recorded since the last call (the file is consumed).

        Fails when any of them carries a deprecation warning (from ansible-core or anyone else): what is deprecated
        today breaks with a later ansible-core, so every test that runs a task checks it."""
        if not os.path.exists(self.results_path):
            return []
        with open(self.results_path, encoding="utf-8") as handle:
            entries = [json.loads(line) for line in handle]
        os.unlink(self.results_path)
        deprecated = ["%s (%s): %s" % (entry["task"], entry["host"], text) for entry in entries for text in entry.get("deprecations", [])]
        assert not deprecated, "task results carry deprecation warnings:\n" + "\n".join(deprecated)
        return entries

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
        """An FQCN playbook of the collection, an absolute path, or a file in tests/integration/playbooks."""
        path = playbook if playbook.startswith("eks_tools.") or os.path.isabs(playbook) else os.path.join(TESTS, "integration", "playbooks", playbook)
        completed = self.run([os.path.join(BIN, "ansible-playbook"), path] + list(extra), env=env, cwd=cwd, check=check)
        return self.results(), completed

    def inventory_file(self, text: str, name: str = "clusters.eks_clusters.yml") -> str:
        path = os.path.join(self.root, name)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        return path


class SimulatedWorld(AnsibleHarness):
    """One simulated AWS account: state file, call log, the simulated clusters' Kubernetes API, and the environment to run
    Ansible against it. The Kubernetes API signs its tokens with fake credentials from a shared credentials file (eksctl's
    stand-in reads none; the real SDKs do)."""

    def __init__(self, root: str, *, kubernetes_worlds: bool = False) -> None:
        """``kubernetes_worlds`` adds the seed's clusters whose Kubernetes side matters (Karpenter, cluster-autoscaler, ...)."""
        self.state_path = os.path.join(root, "eksctl-state.json")
        credentials = os.path.join(root, "aws-credentials")
        with open(credentials, "w", encoding="utf-8") as handle:
            handle.write("[default]\naws_access_key_id = AKIASIMULATOR\naws_secret_access_key = simulated-secret\n")
        super().__init__(root, os.path.join(TESTS, "simulator", "bin"), {"EKSCTL_SIM_STATE": self.state_path,
                                                                         "AWS_SHARED_CREDENTIALS_FILE": credentials,
                                                                         "AWS_EC2_METADATA_DISABLED": "true"})
        state = eksctl_simulator.seed_state(with_kubernetes_worlds=kubernetes_worlds)
        self.kube = eksctl_simulator.KubeServer(self.state_path).start()
        state["settings"]["kube_endpoint"] = self.kube.url
        eksctl_simulator.write_state(self.state_path, state)

    def close(self) -> None:
        self.kube.stop()

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

    # ---- changes between steps, named as in the end-to-end tier's world
    def _cluster(self, state: dict, cluster: str, region: str) -> dict:
        return next(entry for entry in state["clusters"] if entry["name"] == cluster and entry["region"] == region)

    def add_connector_cluster(self, name: str, region: str = "eu-north-1") -> None:
        registration = eksctl_simulator.new_cluster(name, region, owned="False", connector=True, created="2026-05-03T10:00:00Z")
        self.update(lambda state: state["clusters"].append(registration))

    def set_kube_api(self, mode: str) -> None:
        """How every cluster's Kubernetes API answers eksctl's node list: ``ok``, ``forbidden`` or ``unreachable``."""
        self.update(lambda state: [cluster.update(kubernetes_api=mode) for cluster in state["clusters"]])

    def set_stack_status(self, cluster: str, nodegroup: str, status: str, region: str = "eu-north-1") -> None:
        def change(state: dict) -> None:
            found = next(ng for ng in self._cluster(state, cluster, region)["nodegroups"] if ng["name"] == nodegroup)
            found["status"] = status
        self.update(change)

    def delete_nodegroup(self, cluster: str, nodegroup: str, region: str = "eu-north-1") -> None:
        def change(state: dict) -> None:
            entry = self._cluster(state, cluster, region)
            entry["nodegroups"] = [ng for ng in entry["nodegroups"] if ng["name"] != nodegroup]
        self.update(change)


# The wrapper every real eksctl runs through: it runs eksctl, passes its output and exit code on, and logs its
# arguments (one line a call, written at once so calls side by side never interleave, fields split by the unit
# separator), so the tier counts eksctl processes as the simulator does. A call that failed for the transient reason
# above is logged with a leading "transient" field: the collection retried it, and the counts leave it out.
WRAPPER = """#!/bin/sh
separator=$(printf '\\037')
errors=$(mktemp)
%(binary)s "$@" 2>"$errors"
rc=$?
cat "$errors" >&2
line=""
if grep -q '%(transient)s' "$errors"; then line="transient$separator"; fi
rm -f "$errors"
for argument in "$@"; do line="$line$argument$separator"; done
printf '%%s\\n' "$line" >> "$EKSCTL_CALL_LOG"
# A job killed part way (kill -9, as a container is): after the scale of the nodegroup EKSCTL_KILL_AFTER names, the module dies.
case " $* " in *" --name=$EKSCTL_KILL_AFTER "*) if [ -n "$EKSCTL_KILL_AFTER" ] && [ "$1" = scale ]; then kill -9 "$PPID"; fi;; esac
exit $rc
"""


class EmulatedWorld(AnsibleHarness):
    """The real eksctl, run through a logging wrapper, against the emulated AWS (reset and seeded per test)."""

    def __init__(self, root: str, binary: str, aws: t.Any) -> None:
        self.binary = binary
        self.version = version_of(binary)
        self.aws = aws
        self.call_log = os.path.join(root, "eksctl-calls.log")
        bin_dir = os.path.join(root, "bin")
        os.makedirs(bin_dir)
        with open(os.path.join(bin_dir, "eksctl"), "w", encoding="utf-8") as handle:
            handle.write(WRAPPER % {"binary": binary, "transient": TRANSIENT})
        os.chmod(os.path.join(bin_dir, "eksctl"), 0o755)
        environment = aws.env(region=None)
        environment = {key: value for key, value in environment.items() if key.startswith("AWS_") or key == "KUBECONFIG"}
        environment["EKSCTL_CALL_LOG"] = self.call_log
        super().__init__(root, bin_dir, environment)

    # ---- the same queries as SimulatedWorld
    def sizes(self, cluster: str, region: str = "eu-north-1") -> dict:
        return {name: self.aws.sizes(cluster, name, region) for name in self.nodegroup_names(cluster, region)}

    def nodegroup_names(self, cluster: str, region: str) -> list[str]:
        """Managed nodegroups from EKS, self-managed ones from eksctl's stacks (as eksctl finds them)."""
        managed = self.aws.client("eks", region).list_nodegroups(clusterName=cluster)["nodegroups"]
        prefix = "eksctl-%s-nodegroup-" % cluster
        stacks = self.aws.client("cloudformation", region).describe_stacks()["Stacks"]
        own = [stack["StackName"][len(prefix):] for stack in stacks
               if stack["StackName"].startswith(prefix) and stack["StackStatus"] != "DELETE_COMPLETE"]
        return sorted(set(managed) | set(own))

    def calls(self) -> list:
        if not os.path.exists(self.call_log):
            return []
        with open(self.call_log, encoding="utf-8") as handle:
            fields = [line.rstrip("\n").split("\x1f")[:-1] for line in handle if line.strip()]
        return [{"argv": argv} for argv in fields if argv[:1] != ["transient"]]

    def reset_calls(self) -> None:
        if os.path.exists(self.call_log):
            os.unlink(self.call_log)

    # ---- changes between steps, named as in SimulatedWorld
    def add_connector_cluster(self, name: str, region: str = "eu-north-1") -> None:
        self.aws.add_connector_cluster(name, region)

    def set_kube_api(self, mode: str) -> None:
        self.aws.set_kube_api(mode)

    def set_stack_status(self, cluster: str, nodegroup: str, status: str, region: str = "eu-north-1") -> None:
        self.aws.set_stack_status(cluster, nodegroup, status, region)

    def delete_nodegroup(self, cluster: str, nodegroup: str, region: str = "eu-north-1") -> None:
        self.aws.delete_nodegroup(cluster, nodegroup, region)
