# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bad input through ansible-playbook: a refused argument fails its task naming the option, in one line without a
traceback, and the simulator's call log stays empty.

Every refused value has its case in the unit tier (tests/unit/plugins/modules/*.yaml), where the module's own checks and
ansible-core's argument spec run in-process on every release of the matrix. These cases are the ones that also prove
something about the way there: one per kind of check (the collection's own validation, ansible-core's type conversion,
required_together, mutually exclusive options, nested options), and the values that ansible-playbook itself has to carry
to the module (a NaN float, an integer beyond 64 bits, a non-ASCII digit, a path)."""

from __future__ import annotations

import os

import pytest
import yaml

pytestmark = pytest.mark.release_sensitive  # how a refused argument reaches the user depends on the release

SCALE = "eks_tools.eksctl.eks_nodegroup_scale"
INFO = "eks_tools.eksctl.eks_cluster_info"
ONE = {"name": ["ng-1"], "desired_size": 1}

CASES = [
    # (module, arguments, the option the message must name)
    (SCALE, dict(ONE, cluster="a;b"), "cluster"),
    (SCALE, {"cluster": "demo", "name": ["$(reboot)"], "desired_size": 1}, "name"),
    (SCALE, {"cluster": "demo", "name": ["ng-1"], "desired_size": "three"}, "desired_size"),
    (SCALE, {"cluster": "demo", "name": ["ng-1"], "min_size": 3, "max_size": 2}, "min_size"),
    (SCALE, {"cluster": "demo", "state": "started", "restore_capacity": {"ng-1": 3}}, "restore_capacity"),
    (SCALE, {"cluster": "demo", "state": "stopped", "region": "us-east-1; id"}, "region"),
    (SCALE, {"cluster": "demo", "state": "stopped", "region": "eu-north-\u0661"}, "region"),
    (SCALE, {"cluster": "demo", "state": "stopped", "eksctl_path": "@DIR@"}, "eksctl_path"),
    (SCALE, {"cluster": "demo", "state": "stopped", "access_key": "AKIABADINPUT00000001"}, "secret_key"),
    (SCALE, {"cluster": "demo", "name": ["ng-1"], "desired_size": 10 ** 30, "max_size": 10 ** 30}, "desired_size"),
    (SCALE, {"cluster": "demo", "state": "stopped", "wait_sleep": float("nan")}, "wait_sleep"),
    (INFO, {"name": "demo", "all_regions": True}, "all_regions"),
    (INFO, {"region": "mars-1"}, "region"),
]


def test_bad_input_fails_naming_the_option_without_any_eksctl_call(sim):
    tasks = []
    for index, (module, arguments, _option) in enumerate(CASES):
        arguments = {key: sim.root if value == "@DIR@" else value for key, value in arguments.items()}
        tasks.append({"name": "case %02d" % index, module: arguments, "ignore_errors": True})
    play = [{"name": "Bad input", "hosts": "localhost", "gather_facts": False,
             "module_defaults": {"group/eks_tools.eksctl.eks": {"region": "eu-north-1"}}, "tasks": tasks}]
    path = os.path.join(sim.root, "bad_input.yml")
    with open(path, "w", encoding="utf-8") as handle:
        yaml.safe_dump(play, handle, allow_unicode=True)
    results, _completed = sim.playbook(path)
    by_task = {entry["task"]: entry for entry in results}
    for index, (_module, arguments, option) in enumerate(CASES):
        entry = by_task["case %02d" % index]
        message = entry["result"]["msg"]
        assert entry["status"] == "failed", (arguments, entry)
        assert option in message, (arguments, message)
        # ansible-core 2.19 marks every failed result with exception "(traceback unavailable)" unless tracebacks are turned on.
        assert "\n" not in message and "Traceback" not in message, (arguments, entry)
        assert entry["result"].get("exception") in (None, "(traceback unavailable)"), (arguments, entry)
    assert sim.calls() == []
