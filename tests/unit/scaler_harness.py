# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A cluster reader and a nodegroup scaler on a fake eksctl and a fake clock, for the unit tests of both.

Why a second harness beside module_harness.py: that one runs a module's ``main()`` whole, as Ansible does (argument spec, JSON
result, one scripted eksctl per case), so it tests what a user sees; this one builds the provider's objects directly, with a
fake clock, fake stores and a fake Kubernetes API, so a test can drive what a module run cannot reach in one call (a write
that fails part way, a wait that times out, a recording the store refuses) without sleeping or touching the disk."""

from __future__ import annotations

import datetime
import json
import typing as t

from ansible_collections.eks_tools.eksctl.plugins.module_utils._eksctl import EksctlClient
from ansible_collections.eks_tools.eksctl.plugins.module_utils._model import Capacity, InfoRequest, ScaleRequest
from ansible_collections.eks_tools.eksctl.plugins.module_utils._reader import ClusterReader
from ansible_collections.eks_tools.eksctl.plugins.module_utils._recording import policy
from ansible_collections.eks_tools.eksctl.plugins.module_utils._recording.document import ClusterRecording, NodegroupRecord, from_document
from ansible_collections.eks_tools.eksctl.plugins.module_utils._recording.keeper import RecordingKeeper
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


def build(fake, *, check_mode=False, region="eu-north-1", wait_timeout=60, parallelism=5, kubernetes=None):
    """``kubernetes``: the cluster's API (a FakeClusterApi, or a function of the description that raises); None: never read."""
    clock = Clock()
    client = EksctlClient(fake, BINARY, region=region, sleep=clock.sleep)
    connect = kubernetes if kubernetes is None or callable(kubernetes) else (lambda description: kubernetes)
    reader = ClusterReader(client, parallelism=parallelism, connect=connect)
    scaler = NodegroupScaler(reader, check_mode=check_mode, clock=clock, sleep=clock.sleep, now=clock.wall)
    return Made(scaler, reader, client, wait_timeout), clock


def apply(made, store=None, restore=None, recordings=None, **kwargs):
    """Apply a request; ``store`` is the recording file, ``restore`` the sizes restore_capacity gives (name to Capacity),
    ``recordings`` the host fact given back (as ``validate_recordings`` returns it)."""
    given = ClusterRecording({name: NodegroupRecord(capacity) for name, capacity in (restore or {}).items()})
    facts = {key: as_recording(value) for key, value in (recordings or {}).items()}
    made.scaler.keeper = RecordingKeeper(given=given, facts=facts, stores=[store] if store else [],
                                         check_mode=made.scaler.check_mode)
    request = {"cluster": "demo", "state": "present", "names": (), "sizes": {}, "wait": False, "diff": True,
               "wait_timeout": made.wait_timeout, "wait_sleep": 5, "restore_names": tuple(sorted(restore or ()))}
    request.update(kwargs)
    request["names"] = tuple(request["names"] or ())
    return made.scaler.apply(ScaleRequest(**request))


def as_recording(value):
    """A recording from a ClusterRecording, a mapping of name to Capacity, or any shape the module returns."""
    if isinstance(value, ClusterRecording):
        return value
    if all(isinstance(entry, Capacity) for entry in value.values()):
        return ClusterRecording({name: NodegroupRecord(capacity) for name, capacity in value.items()})
    return from_document(value)


def seed(store, key, sizes, ledger=None):
    """A recording in the file, as an earlier stop left it: name to Capacity, and name to StopRecord for the ledger."""
    recording = ClusterRecording({name: NodegroupRecord(capacity, (ledger or {}).get(name)) for name, capacity in sizes.items()})
    store.update(key, lambda held: policy.merge(recording, held))


def held(store, key):
    """The sizes and the ledger the file holds for the cluster."""
    recording = store.load(key)
    return recording.sizes(), recording.ledger()


def info(made, **request):
    return made.reader.cluster_info(InfoRequest(**request))


def describe_json(name, region="eu-north-1", connector=None):
    """``get cluster --name`` output for a cluster of that name and region (a connector registration with ``connector``)."""
    items = json.loads(contract.CLUSTER_DESCRIPTION)
    items[0].update(Name=name, Arn="arn:aws:eks:%s:111122223333:cluster/%s" % (region, name), ConnectorConfig=connector)
    return json.dumps(items, indent=4)
