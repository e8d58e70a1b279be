# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A scripted stand-in for the runner seam: replays results per argv and records every call."""

from __future__ import annotations

import json
import threading

from ansible_collections.eks_tools.eksctl.plugins.module_utils._runner import CommandResult

BINARY = "/opt/eksctl/bin/eksctl"


def nodegroups_json(*rows):
    """A ``get nodegroup -o json`` document; rows are (name, type, status, desired, min, max)."""
    items = []
    for name, kind, status, desired, minimum, maximum in rows:
        items.append({
            "StackName": "eksctl-demo-nodegroup-%s" % name, "Cluster": "demo", "Name": name, "Status": status,
            "MaxSize": maximum, "MinSize": minimum, "DesiredCapacity": desired, "InstanceType": "t3.medium",
            "ImageID": "AL2023_x86_64_STANDARD", "CreationTime": "2026-05-01T10:40:00.456Z",
            "NodeInstanceRoleARN": "arn:aws:iam::111122223333:role/x", "AutoScalingGroupName": "asg-%s" % name,
            "Version": "1.31", "Type": kind,
        })
    return json.dumps(items, indent=4)


class FakeEksctl:
    def __init__(self, script=None):
        self.script = {tuple(argv): list(results) for argv, results in (script or {}).items()}
        self.calls = []
        self.lock = threading.Lock()

    def add(self, argv, *results):
        self.script.setdefault(tuple(argv), []).extend(results)

    def run(self, argv, env, timeout):
        key = tuple(argv[1:])
        with self.lock:
            self.calls.append({"argv": list(argv), "env": dict(env), "timeout": timeout})
            queue = self.script.get(key)
            if not queue:
                raise AssertionError("unexpected eksctl call: %r" % (argv,))
            result = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(result, Exception):
            raise result
        if isinstance(result, str):
            return CommandResult(0, result, "")
        return CommandResult(*result)

    def argvs(self):
        return [call["argv"][1:] for call in self.calls]
