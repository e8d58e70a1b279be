# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A cluster reader and a nodegroup scaler on a fake eksctl and a fake clock, for the unit tests of both."""

from __future__ import annotations

import datetime
import json
import typing as t

from ansible_collections.eks_tools.eksctl.plugins.module_utils._eksctl import EksctlClient
from ansible_collections.eks_tools.eksctl.plugins.module_utils._model import InfoRequest, ScaleRequest
from ansible_collections.eks_tools.eksctl.plugins.module_utils._reader import ClusterReader
from ansible_collections.eks_tools.eksctl.plugins.module_utils._scaler import NodegroupScaler
from ansible_collections.eks_tools.eksctl.tests.unit import contract
from ansible_collections.eks_tools.eksctl.tests.unit.fake_eksctl import BINARY, nodegroups_json

READ = ("get", "nodegroup", "--cluster=demo", "--output=json", "--region=eu-north-1")
RUNNING = nodegroups_json(("ng-self", "unmanaged", "CREATE_COMPLETE", 2, 1, 4), ("ng-1", "managed", "ACTIVE", 3, 2, 5))
STOPPED = nodegroups_json(("ng-self", "unmanaged", "CREATE_COMPLETE", 0, 0, 4), ("ng-1", "managed", "ACTIVE", 0, 0, 5))


def scale(name, *flags):
    return ("scale", "nodegroup", "--cluster=demo", "--name=%s" % name) + flags + ("--region=eu-north-1",)


# The wall clock of every scaler made here starts at this time and moves with the fake clock's sleeps.
WALL_START = datetime.datetime(2026, 11, 28, 7, 0, 0, tzinfo=datetime.timezone.utc)


class Clock:
    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def wall(self):
        return WALL_START + datetime.timedelta(seconds=self.now)

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


class Made(t.NamedTuple):
    scaler: NodegroupScaler
    reader: ClusterReader
    client: EksctlClient
    wait_timeout: float


def build(fake, *, check_mode=False, region="eu-north-1", wait_timeout=60, parallelism=5):
    clock = Clock()
    client = EksctlClient(fake, BINARY, region=region, sleep=clock.sleep)
    reader = ClusterReader(client, parallelism=parallelism)
    scaler = NodegroupScaler(reader, check_mode=check_mode, clock=clock, sleep=clock.sleep, now=clock.wall)
    return Made(scaler, reader, client, wait_timeout), clock


def apply(made, store=None, **kwargs):
    request = {"cluster": "demo", "state": "present", "names": (), "sizes": {}, "restore": None, "wait": False, "diff": True,
               "recording_path": store.path if store else None, "wait_timeout": made.wait_timeout, "wait_sleep": 5}
    request.update(kwargs)
    request["names"] = tuple(request["names"] or ())
    return made.scaler.apply(ScaleRequest(**request))


def info(made, **request):
    return made.reader.cluster_info(InfoRequest(**request))


def describe_json(name, region="eu-north-1", connector=None):
    """``get cluster --name`` output for a cluster of that name and region (a connector registration with ``connector``)."""
    items = json.loads(contract.CLUSTER_DESCRIPTION)
    items[0].update(Name=name, Arn="arn:aws:eks:%s:111122223333:cluster/%s" % (region, name), ConnectorConfig=connector)
    return json.dumps(items, indent=4)
