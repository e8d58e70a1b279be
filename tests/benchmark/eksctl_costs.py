# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What each collection operation costs with the real eksctl: eksctl processes and AWS API calls.

For every eksctl binary of the end-to-end tier (or the one in ``EKSCTL``), each operation runs once
through Ansible against the emulated AWS, which counts every request it receives by name. Beside
each figure stands the least a direct AWS API client would need for the same operation
(ListNodegroups, one DescribeNodegroup per nodegroup, one UpdateNodegroupConfig per change).
Run with ``make bench``; it prints tables. It is a measurement, not a test: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path[:0] = [os.path.join(ROOT, "tests", name) for name in ("e2e", "utils", "simulator")]

import eksctl_simulator  # noqa: E402  pylint: disable=wrong-import-position
import go_tools  # noqa: E402  pylint: disable=wrong-import-position
from aws_emulator import AwsEmulator  # noqa: E402  pylint: disable=wrong-import-position
from worlds import EmulatedWorld  # noqa: E402  pylint: disable=wrong-import-position

REGION = "eu-north-1"


def minimum(operation: str, count: int) -> int:
    """AWS calls a direct API client needs: list 1; read N = ListNodegroups + N DescribeNodegroup (+ DescribeCluster for info)."""
    read = 1 + count
    return {"list": 1, "info": 1 + read, "no-op": read, "stop": read + count, "start": read + count,
            "stop and wait": 2 * read + count, "wait, per poll": read}[operation]


def operations() -> list[tuple[str, str, str]]:
    """(label, module and arguments, the state it starts from): a fresh cluster, or one stopped and settled."""
    base = "cluster=bench region=%s" % REGION
    return [
        ("list", "eks_cluster_info region=%s" % REGION, "fresh"),
        ("info", "eks_cluster_info name=bench region=%s" % REGION, "fresh"),
        ("no-op", "eks_nodegroup_scale %s name=ng-00 desired_size=2" % base, "fresh"),
        ("stop", "eks_nodegroup_scale %s state=stopped" % base, "fresh"),
        ("start", "eks_nodegroup_scale %s state=started" % base, "stopped"),
        ("stop and wait", "eks_nodegroup_scale %s state=stopped wait=true wait_sleep=0.2" % base, "fresh"),
    ]


def prepare(world: EmulatedWorld, aws: AwsEmulator, count: int, state: str) -> None:
    aws.reset(seed=False)
    aws.add_cluster(eksctl_simulator.new_cluster(
        "bench", REGION, [eksctl_simulator.new_nodegroup("bench", "ng-%02d" % i, sizes=(2, 1, 4)) for i in range(count)]))
    if state == "stopped":
        # Stopped (the sizes recorded in this world's snapshot file) and settled: a read sees each nodegroup ACTIVE.
        world.module("eks_nodegroup_scale", "cluster=bench region=%s state=stopped wait=true wait_sleep=0.2" % REGION)


def measure(world: EmulatedWorld, aws: AwsEmulator, args: str) -> tuple[int, collections.Counter, float]:
    module, _space, arguments = args.partition(" ")
    world.reset_calls()
    aws.reset_counts()
    started = time.monotonic()
    _result, completed = world.module(module, arguments)
    elapsed = time.monotonic() - started
    if completed.returncode != 0:
        raise SystemExit("step failed: %s\n%s%s" % (args, completed.stdout, completed.stderr))
    return len(world.calls()), collections.Counter(aws.aws_counts()), elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--nodegroups", type=int, nargs="+", default=[5, 20], help="managed nodegroups in the measured cluster")
    options = parser.parse_args()
    own = os.environ.get("EKSCTL")
    binaries = [own] if own else go_tools.built_binaries()
    if not binaries:
        print("real eksctl: no binary built (run `make eksctl`, or give EKSCTL=/path/to/eksctl); AWS call counts not measured")
        return
    with AwsEmulator(seed=False) as aws, tempfile.TemporaryDirectory(prefix="eks-costs-") as root:
        for binary, count in [(binary, count) for binary in binaries for count in options.nodegroups]:
            world = EmulatedWorld(tempfile.mkdtemp(dir=root), binary, aws)
            print()
            print("real eksctl %s on the emulated AWS, one cluster of %d managed nodegroups" % (world.version, count))
            print("%-16s %7s %10s %8s %8s  %s" % ("operation", "eksctl", "AWS calls", "minimum", "seconds", "AWS calls by name"))
            seen: dict[str, tuple[int, collections.Counter]] = {}
            for label, args, state in operations():
                prepare(world, aws, count, state)
                processes, calls, elapsed = measure(world, aws, args)
                seen[label] = (processes, calls)
                print(row(label, processes, calls, minimum(label, count), elapsed))
            # A waiting stop is the stop plus its polls: what it costs beyond the stop is the polling.
            stop_processes, stop_calls = seen["stop"]
            wait_processes, wait_calls = seen["stop and wait"]
            polls = wait_processes - stop_processes
            per_poll = collections.Counter({name: value // max(1, polls) for name, value in (wait_calls - stop_calls).items()})
            print(row("wait, per poll", 1 if polls else 0, per_poll, minimum("wait, per poll", count), None) + "  (%d polls)" % polls)


def row(label: str, processes: int, calls: collections.Counter, least: int, elapsed: float | None) -> str:
    names = ", ".join("%s %d" % (name, value) for name, value in sorted(calls.items(), key=lambda item: (-item[1], item[0])))
    seconds = "%8.2f" % elapsed if elapsed is not None else "%8s" % "-"
    return "%-16s %7d %10d %8d %s  %s" % (label, processes, sum(calls.values()), least, seconds, names)


if __name__ == "__main__":
    main()
