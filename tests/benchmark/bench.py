# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark: eksctl calls and wall time of the collection against the naive loop.

Every eksctl call of the simulator sleeps EKSCTL_SIM_LATENCY seconds (0.5 by default), standing for
the STS and EKS round trips a real eksctl call makes. Run with ``make bench``; it prints a table.
It is a measurement, not a test: nothing here passes or fails.

The fleet part (``--fleet 1 10 100``) reads the inventory, then stops and starts fleets of 1, 10 and 100 clusters of five
nodegroups (tests/utils/fleets.py) through the eks_clusters inventory and the shipped playbooks, side by side at the same
latency, and prints each step's wall time, eksctl calls and CPU seconds, and each step's ratio to the smaller fleets.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path[:0] = [os.path.join(ROOT, "tests", "simulator"), os.path.join(ROOT, "tests", "utils")]

import eksctl_simulator  # noqa: E402  pylint: disable=wrong-import-position
import fleets  # noqa: E402  pylint: disable=wrong-import-position

BIN = os.path.dirname(sys.executable)
REGION = "eu-north-1"

NAIVE_PLAYBOOK = """---
- name: The naive way, one eksctl scale after the other
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Scale each nodegroup to zero
      ansible.builtin.command:
        argv: [eksctl, scale, nodegroup, --cluster=bench, "--name={{ item }}", --nodes=0, --nodes-min=0, --region=eu-north-1]
      loop: "{{ nodegroups }}"
"""


class Bench:
    def __init__(self, root: str, latency: float) -> None:
        self.root = root
        self.state = os.path.join(root, "state.json")
        self.cpu = 0.0
        self.env = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "ANSIBLE_"))}
        self.env.update({
            "PATH": os.pathsep.join([os.path.join(ROOT, "tests", "simulator", "bin"), BIN, os.environ.get("PATH", "")]),
            "HOME": os.path.join(root, "home"),
            "EKSCTL_SIM_STATE": self.state,
            "EKSCTL_SIM_LATENCY": str(latency),
            "ANSIBLE_COLLECTIONS_PATH": os.environ["ANSIBLE_COLLECTIONS_PATH"],
            "ANSIBLE_LOCALHOST_WARNING": "false",
            "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
        })
        os.makedirs(self.env["HOME"], exist_ok=True)

    def reset(self, clusters: list[dict]) -> None:
        state = eksctl_simulator.seed_state()
        state["settings"]["updating_reads"] = 0
        state["clusters"] = clusters
        eksctl_simulator.write_state(self.state, state)
        log = eksctl_simulator.log_path_for(self.state)
        if os.path.exists(log):
            os.unlink(log)

    def timed(self, argv: list[str]) -> tuple[float, int]:
        log = eksctl_simulator.log_path_for(self.state)
        before = len(eksctl_simulator.read_log(self.state, log))
        cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        completed = subprocess.run(argv, env=self.env, cwd=self.root, capture_output=True, text=True, check=False)
        elapsed = time.monotonic() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        # The CPU seconds of every process of the step (Ansible's workers, the modules, each simulated eksctl): what bounds
        # a large fleet's wall time on a small controller.
        self.cpu = (after.ru_utime + after.ru_stime) - (cpu.ru_utime + cpu.ru_stime)
        if completed.returncode != 0:
            raise SystemExit("benchmark step failed: %s\n%s\n%s" % (argv, completed.stdout, completed.stderr))
        return elapsed, len(eksctl_simulator.read_log(self.state, log)) - before

    def module(self, module: str, args: str) -> tuple[float, int]:
        return self.timed([os.path.join(BIN, "ansible"), "localhost", "-m", "eks_tools.eksctl." + module, "-a", args])


def cluster(name: str, count: int) -> dict:
    return eksctl_simulator.new_cluster(name, REGION, [eksctl_simulator.new_nodegroup(name, "ng-%02d" % i, sizes=(2, 1, 4)) for i in range(count)])


def nodegroup_scenarios(bench: Bench, count: int) -> list[tuple[str, float, int]]:
    names = ",".join("ng-%02d" % i for i in range(count))
    bench.reset([cluster("bench", count)])
    rows = [("info", *bench.module("eks_cluster_info", "name=bench region=%s" % REGION)),
            ("no-op scale", *bench.module("eks_nodegroup_scale", "cluster=bench region=%s name=%s desired_size=2" % (REGION, names))),
            ("stop", *bench.module("eks_nodegroup_scale", "cluster=bench region=%s state=stopped" % REGION)),
            ("no-op stop", *bench.module("eks_nodegroup_scale", "cluster=bench region=%s state=stopped" % REGION)),
            ("start", *bench.module("eks_nodegroup_scale", "cluster=bench region=%s state=started" % REGION))]
    bench.reset([cluster("bench", count)])
    playbook = os.path.join(bench.root, "naive.yml")
    with open(playbook, "w", encoding="utf-8") as handle:
        handle.write(NAIVE_PLAYBOOK)
    rows.append(("naive stop loop", *bench.timed([os.path.join(BIN, "ansible-playbook"), playbook, "-e",
                                                  json.dumps({"nodegroups": names.split(",")})])))
    return rows


def fleet_scenario(bench: Bench) -> list[tuple[str, float, int]]:
    inventory = os.path.join(bench.root, "fleet.eks_clusters.yml")
    with open(inventory, "w", encoding="utf-8") as handle:
        handle.write("---\nplugin: eks_tools.eksctl.eks_clusters\nregions: [%s]\nphase_groups: false\n" % REGION)
    playbook = [os.path.join(BIN, "ansible-playbook"), "eks_tools.eksctl.stop"]
    bench.reset([cluster("one", 3)])
    one = bench.timed(playbook + ["-e", "cluster=one", "-e", "region=%s" % REGION])
    bench.reset([cluster("fleet-%02d" % i, 3) for i in range(10)])
    fleet = bench.timed(playbook + ["-i", inventory, "-f", "10"])
    return [("stop 1 cluster (-e cluster=)", *one), ("stop 10 clusters (inventory, -f 10)", *fleet)]


def fleet_scale(bench: Bench, counts: list[int], forks: int, parallelism: int | None = None) -> list[tuple[int, str, float, int, float]]:
    """The inventory read, the stop and the start of fleets of ``counts`` clusters of five nodegroups, through the
    inventory plugin and the shipped playbooks (each playbook run reads the inventory too)."""
    inventory = os.path.join(bench.root, "scale.eks_clusters.yml")
    with open(inventory, "w", encoding="utf-8") as handle:
        handle.write(fleets.INVENTORY + ("parallelism: %d\n" % parallelism if parallelism else ""))
    rows = []
    for count in counts:
        records, _expected = fleets.clusters(count)
        bench.reset(records)
        recording = os.path.join(bench.root, "recordings-%d.json" % count)
        run = ["-i", inventory, "-f", str(forks), "-e", "recording_path=%s" % recording]
        for name, argv in (("inventory", [os.path.join(BIN, "ansible-inventory"), "-i", inventory, "--list"]),
                           ("stop", [os.path.join(BIN, "ansible-playbook"), "eks_tools.eksctl.stop"] + run),
                           ("start", [os.path.join(BIN, "ansible-playbook"), "eks_tools.eksctl.start"] + run)):
            rows.append((count, name, *bench.timed(argv), bench.cpu))
    return rows


def print_fleet_scale(rows: list[tuple[int, str, float, int, float]], forks: int) -> None:
    print("%-11s %-38s %7s %9s %9s" % ("clusters", "fleet of 5 nodegroups each, -f %d" % forks, "calls", "seconds", "CPU s"))
    seconds = {(count, name): elapsed for count, name, elapsed, _calls, _cpu in rows}
    for count, name, elapsed, calls, cpu in rows:
        print("%-11d %-38s %7d %9.2f %9.2f" % (count, name, calls, elapsed, cpu))
    counts = sorted({row[0] for row in rows})
    for name in ("inventory", "stop", "start"):
        for count in counts[1:]:
            print("%-11d %-38s %17.2fx" % (count, "%s / %s at %d" % (name, name, counts[0]), seconds[(count, name)] / seconds[(counts[0], name)]))
        for low, high in zip(counts[1:], counts[2:]):
            print("%-11d %-38s %17.2fx" % (high, "%s / %s at %d" % (name, name, low), seconds[(high, name)] / seconds[(low, name)]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--latency", type=float, default=0.5, help="seconds each simulated eksctl call takes")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 5, 20], help="nodegroup counts")
    parser.add_argument("--fleet", type=int, nargs="*", default=[1, 10, 100], help="cluster counts of the fleet scenario")
    parser.add_argument("--forks", type=int, default=20, help="ansible-playbook -f of the fleet scenario")
    parser.add_argument("--only-fleet", action="store_true", help="run the fleet scenario only")
    parser.add_argument("--inventory-parallelism", type=int, help="the fleet inventory's parallelism (default: the plugin's)")
    options = parser.parse_args()
    print("eksctl simulator latency: %.2fs per call; %d CPUs; ansible via %s" % (options.latency, os.cpu_count() or 0, BIN))
    print("%-11s %-38s %7s %9s" % ("nodegroups", "scenario", "calls", "seconds"))
    with tempfile.TemporaryDirectory(prefix="eks-bench-") as root:
        bench = Bench(root, options.latency)
        if options.only_fleet:
            options.sizes = []
        for count in options.sizes:
            rows = nodegroup_scenarios(bench, count)
            for name, seconds, calls in rows:
                print("%-11d %-38s %7d %9.2f" % (count, name, calls, seconds))
            timings = {name: seconds for name, seconds, _calls in rows}
            print("%-11d %-38s %17.2fx" % (count, "stop / no-op stop", timings["stop"] / timings["no-op stop"]))
            print("%-11d %-38s %17.2fx" % (count, "naive stop loop / stop", timings["naive stop loop"] / timings["stop"]))
        if not options.only_fleet:
            for name, seconds, calls in fleet_scenario(bench):
                print("%-11s %-38s %7d %9.2f" % ("3 each", name, calls, seconds))
        if options.fleet:
            print_fleet_scale(fleet_scale(bench, options.fleet, options.forks, options.inventory_parallelism), options.forks)


if __name__ == "__main__":
    main()
