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


SIZE_FLAGS = {"--nodes": "DesiredCapacity", "--nodes-min": "MinSize", "--nodes-max": "MaxSize"}


class FakeEksctl:
    """Replays scripted results. Like eksctl, a successful scale shows in the ``get nodegroup`` reads that follow it,
    unless ``apply_scales`` is False (eksctl exits 0 but nothing changed)."""

    def __init__(self, script=None, apply_scales=True):
        self.script = {tuple(argv): list(results) for argv, results in (script or {}).items()}
        self.calls = []
        self.lock = threading.Lock()
        self.apply_scales = apply_scales
        self.applied = {}

    def _after(self, argv, result):
        succeeded = isinstance(result, str) or (isinstance(result, tuple) and result[0] == 0)
        if argv[1:3] == ["scale", "nodegroup"] and succeeded and self.apply_scales:
            flags = dict(arg.split("=", 1) for arg in argv[3:] if "=" in arg)
            self.applied.setdefault((flags["--cluster"], flags["--name"]), {}).update(
                (SIZE_FLAGS[flag], int(value)) for flag, value in flags.items() if flag in SIZE_FLAGS)
        if argv[1:3] == ["get", "nodegroup"] and isinstance(result, str) and self.applied:
            try:
                items = json.loads(result)
            except ValueError:
                return result
            for item in items if isinstance(items, list) else []:
                if isinstance(item, dict):
                    item.update(self.applied.get((item.get("Cluster"), item.get("Name")), {}))
            return json.dumps(items, indent=4)
        return result

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
            if not isinstance(result, Exception):
                result = self._after(list(argv), result)
        if isinstance(result, Exception):
            raise result
        if isinstance(result, str):
            return CommandResult(0, result, "")
        return CommandResult(*result)

    def argvs(self):
        return [call["argv"][1:] for call in self.calls]
