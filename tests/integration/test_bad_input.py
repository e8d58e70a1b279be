# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bad input, table-driven through ansible-playbook: every case fails naming the option, and the simulator's call log stays empty."""

from __future__ import annotations

import os

import yaml

SCALE = "eks_tools.eksctl.eks_nodegroup_scale"
INFO = "eks_tools.eksctl.eks_cluster_info"
ONE = {"name": ["ng-1"], "desired_size": 1}
RESTORE_OK = {"desired_size": 1, "min_size": 1, "max_size": 2}

CASES = [
    # (module, arguments, the option the message must name)
    *[(SCALE, dict(ONE, cluster=value), "cluster") for value in
      ["", "my cluster", "a;b", "$(id)", "`id`", "a\nb", "-rf", "x" * 101, "a|b", "a&&b", "../etc", "démo"]],
    *[(SCALE, {"cluster": "demo", "name": [value], "desired_size": 1}, "name") for value in
      ["ng 1", "-ng", "--nodes=0", "ng;reboot", "$(reboot)", "`reboot`", "ng\n1", "n" * 64, "", "tf_workers"]],
    (SCALE, {"cluster": "demo", "name": ["ng-1"], "desired_size": -1}, "desired_size"),
    (SCALE, {"cluster": "demo", "name": ["ng-1"], "min_size": -1}, "min_size"),
    (SCALE, {"cluster": "demo", "name": ["ng-1"], "max_size": -3}, "max_size"),
    (SCALE, {"cluster": "demo", "name": ["ng-1"], "max_size": 0}, "max_size"),
    (SCALE, {"cluster": "demo", "name": ["ng-1"], "min_size": 3, "max_size": 2}, "min_size"),
    (SCALE, {"cluster": "demo", "name": ["ng-1"], "desired_size": 5, "max_size": 4}, "desired_size"),
    (SCALE, {"cluster": "demo", "name": ["ng-1"], "desired_size": 1, "min_size": 2}, "desired_size"),
    (SCALE, {"cluster": "demo", "name": ["ng-1"], "desired_size": "three"}, "desired_size"),
    (SCALE, {"cluster": "demo", "name": ["ng-1"], "max_size": "1.5"}, "max_size"),
    (SCALE, {"cluster": "demo", "name": ["ng-1"]}, "desired_size"),
    (SCALE, {"cluster": "demo", "desired_size": 1}, "name"),
    (SCALE, {"cluster": "demo", "state": "stopped", "desired_size": 0}, "desired_size"),
    (SCALE, {"cluster": "demo", "state": "started", "min_size": 1}, "min_size"),
    (SCALE, {"cluster": "demo", "state": "stopped", "restore_capacity": {"ng-1": RESTORE_OK}}, "restore_capacity"),
    (SCALE, {"cluster": "demo", "state": "started", "restore_capacity": {"ng-1": 3}}, "restore_capacity"),
    (SCALE, {"cluster": "demo", "state": "started", "restore_capacity": {"ng-1": {"desired_size": 1, "min_size": 1}}}, "restore_capacity"),
    (SCALE, {"cluster": "demo", "state": "started", "restore_capacity": {"ng-1": {"desired_size": 3, "min_size": 1, "max_size": 2}}},
     "restore_capacity"),
    (SCALE, {"cluster": "demo", "state": "started", "restore_capacity": {"ng 1": RESTORE_OK}}, "restore_capacity"),
    (SCALE, {"cluster": "demo", "state": "started", "restore_capacity": {"ng-1": {"desired_size": 1, "min_size": 1, "max_sizes": 2}}},
     "restore_capacity"),
    (SCALE, {"cluster": "demo", "state": "stopped", "region": "europe"}, "region"),
    (SCALE, {"cluster": "demo", "state": "stopped", "region": "us-east-1; id"}, "region"),
    (SCALE, {"cluster": "demo", "state": "stopped", "eksctl_path": "@DIR@"}, "eksctl_path"),
    (SCALE, {"cluster": "demo", "state": "stopped", "access_key": "AKIABADINPUT00000001"}, "secret_key"),
    (SCALE, {"cluster": "demo", "state": "stopped", "command_timeout": 0}, "command_timeout"),
    (SCALE, {"cluster": "demo", "state": "stopped", "parallelism": 0}, "parallelism"),
    # Inputs that used to reach eksctl.
    (SCALE, dict(ONE, cluster="demo\n"), "cluster"),
    (SCALE, {"cluster": "demo", "name": ["ng-1\n"], "desired_size": 1}, "name"),
    (SCALE, {"cluster": "demo", "state": "stopped", "region": "eu-north-1\n"}, "region"),
    (SCALE, {"cluster": "demo", "state": "stopped", "region": "eu-north-\u0661"}, "region"),
    (SCALE, {"cluster": "demo", "state": "stopped", "region": "eu-" + "a" * 5000 + "-1"}, "region"),
    (SCALE, {"cluster": "demo", "name": ["ng-1"], "desired_size": 10 ** 30, "max_size": 10 ** 30}, "desired_size"),
    (SCALE, {"cluster": "demo", "state": "stopped", "wait_sleep": float("nan")}, "wait_sleep"),
    (SCALE, {"cluster": "demo", "state": "stopped", "profile": "$HOME"}, "profile"),
    (INFO, {"name": "demo", "profile": "$HOME"}, "profile"),
    (INFO, {"name": "a b"}, "name"),
    (INFO, {"name": "demo", "all_regions": True}, "all_regions"),
    (INFO, {"region": "mars-1"}, "region"),
]


def test_bad_input_fails_naming_the_option_without_any_eksctl_call(sim):
    assert len(CASES) >= 30
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
