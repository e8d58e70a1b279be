# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The scaler's savings ledger: what a stop records and reports, what a start reports, on a wall clock the tests set."""

from __future__ import annotations

import json

import pytest

from ansible_collections.eks_tools.eksctl.plugins.module_utils import _errors as errors
from ansible_collections.eks_tools.eksctl.plugins.module_utils._model import Capacity, StopRecord
from ansible_collections.eks_tools.eksctl.plugins.module_utils._recording.file import RecordingFile
from ansible_collections.eks_tools.eksctl.tests.unit import contract
from ansible_collections.eks_tools.eksctl.tests.unit.fake_eksctl import FakeEksctl
from ansible_collections.eks_tools.eksctl.tests.unit.scaler_harness import READ, apply, build, held, scale, seed

KEY = "eu-north-1/demo"
NIGHT = "2026-11-27T21:30:00Z"  # the harness's wall clock starts at 2026-11-28T07:00:00Z, 9h 30m later
HOURS_9_30 = {"seconds": 34200, "human": "9h 30m"}
PRICES = {"m5.large": 0.096, "t3.medium": 0.0416}


def nodegroups(*rows):
    """``get nodegroup`` JSON; rows are (name, instance type, desired, min, max), all managed and ACTIVE."""
    return json.dumps([{"StackName": "eksctl-demo-nodegroup-%s" % name, "Cluster": "demo", "Name": name, "Status": "ACTIVE", "MaxSize": maximum,
                        "MinSize": minimum, "DesiredCapacity": desired, "InstanceType": instance_type, "ImageID": "AL2023_x86_64_STANDARD",
                        "CreationTime": "2026-05-01T10:40:00.456Z", "NodeInstanceRoleARN": "arn:aws:iam::111122223333:role/x",
                        "AutoScalingGroupName": "asg-%s" % name, "Version": "1.31", "Type": "managed"}
                       for name, instance_type, desired, minimum, maximum in rows], indent=4)


RUNNING = nodegroups(("ng-a", "m5.large", 3, 2, 5), ("ng-b", "t3.medium", 2, 1, 4), ("ng-c", "-", 1, 1, 2))
STOPPED = nodegroups(("ng-a", "m5.large", 0, 0, 5), ("ng-b", "t3.medium", 0, 0, 4), ("ng-c", "-", 0, 0, 2))
SIZES = {"ng-a": Capacity(3, 2, 5), "ng-b": Capacity(2, 1, 4), "ng-c": Capacity(1, 1, 2)}


def restores(fake, names):
    for name in names:
        capacity = SIZES[name]
        fake.add(scale(name, "--nodes=%d" % capacity.desired_size, "--nodes-min=%d" % capacity.min_size, "--nodes-max=%d" % capacity.max_size),
                 contract.SCALE_STDOUT)


def stops(fake, names):
    for name in names:
        fake.add(scale(name, "--nodes=0", "--nodes-min=0"), contract.SCALE_STDOUT)


def fact_entry(name, stopped_at, instance_type, nodes):
    return dict(SIZES[name].as_dict(), stopped_at=stopped_at, instance_type=instance_type, nodes=nodes)


def test_a_stop_records_its_time_instance_types_and_node_counts_in_the_file_and_the_fact(tmp_path):
    store = RecordingFile(str(tmp_path / "snap.json"))
    fake = FakeEksctl({READ: [RUNNING]})
    stops(fake, SIZES)
    made, clock = build(fake)
    clock.now = -34200.0  # the stop runs at 21:30 the evening before the harness's start time
    result = apply(made, store=store, state="stopped")
    expected = {"ng-a": StopRecord(NIGHT, "m5.large", 3), "ng-b": StopRecord(NIGHT, "t3.medium", 2), "ng-c": StopRecord(NIGHT, None, 1)}
    assert result["ledger"] == {name: stop.as_dict() for name, stop in expected.items()}
    assert held(store, KEY) == (SIZES, expected)
    assert result["ansible_facts"]["eks_recordings"][KEY]["nodegroups"]["ng-c"] == fact_entry("ng-c", NIGHT, None, 1)


def test_check_mode_stop_reports_the_ledger_it_would_record_and_writes_nothing(tmp_path):
    fake = FakeEksctl({READ: [RUNNING], ("get", "cluster", "--name=demo", "--output=json", "--region=eu-north-1"): [contract.CLUSTER_DESCRIPTION],
                       ("get", "fargateprofile", "--cluster=demo", "--output=json", "--region=eu-north-1"): ["[]"]})
    made, _clock = build(fake, check_mode=True)
    result = apply(made, store=RecordingFile(str(tmp_path / "snap.json")), state="stopped")
    assert result["ledger"]["ng-a"] == {"stopped_at": "2026-11-28T07:00:00Z", "instance_type": "m5.large", "nodes": 3}
    assert not (tmp_path / "snap.json").exists() and "ansible_facts" not in result


def test_a_start_from_the_fact_alone_reports_exact_savings_with_prices(tmp_path):
    """A fresh container: no snapshot file, the fact carries the sizes and the stop time."""
    fake = FakeEksctl({READ: [STOPPED]})
    restores(fake, SIZES)
    made, _clock = build(fake)
    fact = {KEY: {"ng-a": fact_entry("ng-a", NIGHT, "m5.large", 3), "ng-b": fact_entry("ng-b", NIGHT, "t3.medium", 2),
                  "ng-c": fact_entry("ng-c", NIGHT, None, 1)}}
    from ansible_collections.eks_tools.eksctl.plugins.module_utils._validation import validate_recordings

    recordings = validate_recordings(fact)
    result = apply(made, store=RecordingFile(str(tmp_path / "fresh.json")), state="started", recordings=recordings,
                   hourly_prices=PRICES)
    savings = result["savings"]
    assert savings["started_at"] == "2026-11-28T07:00:00Z"
    assert savings["nodegroups"]["ng-a"] == {"stopped_at": NIGHT, "instance_type": "m5.large", "nodes": 3, "stopped_for": HOURS_9_30,
                                             "node_hours_avoided": 28.5, "hourly_price": 0.096, "estimated_saving": 2.74}
    assert savings["nodegroups"]["ng-b"]["node_hours_avoided"] == 19.0 and savings["nodegroups"]["ng-b"]["estimated_saving"] == 0.79
    assert savings["unpriced"] == {"ng-c": "no instance type was recorded for it (eksctl printed none)"}
    # 28.5 + 19 + 9.5 node-hours; 28.5 x 0.096 + 19 x 0.0416 = 3.5264
    assert savings["total"] == {"nodegroups": 3, "stopped_for": HOURS_9_30, "node_hours_avoided": 57.0, "estimated_saving": 3.53, "partial": True}
    # Every recording spent: nothing of the ledger is left in the fact either.
    assert result["eks_recordings"] == {}


def test_partial_stop_then_a_later_stop_of_the_rest_keep_their_own_times(tmp_path):
    store = RecordingFile(str(tmp_path / "snap.json"))
    fake = FakeEksctl({READ: [RUNNING]})
    stops(fake, ["ng-a"])
    made, clock = build(fake)
    clock.now = -12 * 3600.0  # 19:00
    apply(made, store=store, state="stopped", names=["ng-a"])
    fake = FakeEksctl({READ: [nodegroups(("ng-a", "m5.large", 0, 0, 5), ("ng-b", "t3.medium", 2, 1, 4), ("ng-c", "-", 1, 1, 2))]})
    stops(fake, ["ng-b", "ng-c"])
    made, clock = build(fake)
    clock.now = -6 * 3600.0  # 01:00
    stop = apply(made, store=store, state="stopped")
    assert {name: entry["stopped_at"] for name, entry in stop["ledger"].items()} == {
        "ng-a": "2026-11-27T19:00:00Z", "ng-b": "2026-11-28T01:00:00Z", "ng-c": "2026-11-28T01:00:00Z"}
    fake = FakeEksctl({READ: [STOPPED]})
    restores(fake, SIZES)
    made, _clock = build(fake)
    savings = apply(made, store=store, state="started")["savings"]
    assert {name: (entry["stopped_for"]["human"], entry["node_hours_avoided"]) for name, entry in savings["nodegroups"].items()} == {
        "ng-a": ("12h", 36.0), "ng-b": ("6h", 12.0), "ng-c": ("6h", 6.0)}
    assert savings["total"] == {"nodegroups": 3, "stopped_for": {"seconds": 43200, "human": "12h"}, "node_hours_avoided": 54.0, "partial": False}
    assert "unpriced" not in savings and "estimated_saving" not in savings["nodegroups"]["ng-a"]


def test_a_subset_start_reports_only_what_it_restores_and_keeps_the_rest_of_the_ledger(tmp_path):
    store = RecordingFile(str(tmp_path / "snap.json"))
    ledger = {"ng-a": StopRecord(NIGHT, "m5.large", 3), "ng-b": StopRecord(NIGHT, "t3.medium", 2)}
    seed(store, KEY, {"ng-a": SIZES["ng-a"], "ng-b": SIZES["ng-b"]}, ledger)
    fake = FakeEksctl({READ: [STOPPED]})
    restores(fake, ["ng-a"])
    made, _clock = build(fake)
    result = apply(made, store=store, state="started", names=["ng-a"], hourly_prices=PRICES)
    assert list(result["savings"]["nodegroups"]) == ["ng-a"] and result["savings"]["total"]["estimated_saving"] == 2.74
    assert result["eks_recordings"] == {KEY: {"nodegroups": {"ng-b": fact_entry("ng-b", NIGHT, "t3.medium", 2)}}}
    assert held(store, KEY) == ({"ng-b": SIZES["ng-b"]}, {"ng-b": ledger["ng-b"]})


def test_check_mode_start_reports_the_savings_so_far_and_spends_nothing(tmp_path):
    store = RecordingFile(str(tmp_path / "snap.json"))
    seed(store, KEY, dict(SIZES), {"ng-a": StopRecord(NIGHT, "m5.large", 3)})
    before = (tmp_path / "snap.json").read_text()
    fake = FakeEksctl({READ: [STOPPED], ("get", "cluster", "--name=demo", "--output=json", "--region=eu-north-1"): [contract.CLUSTER_DESCRIPTION],
                       ("get", "fargateprofile", "--cluster=demo", "--output=json", "--region=eu-north-1"): ["[]"]})
    made, _clock = build(fake, check_mode=True)
    result = apply(made, store=store, state="started", hourly_prices=PRICES)
    assert result["savings"]["nodegroups"]["ng-a"]["estimated_saving"] == 2.74
    assert sorted(result["savings"]["unknown"]) == ["ng-b", "ng-c"]  # recorded without a stop time: never guessed
    assert result["savings"]["total"]["partial"] is True
    assert (tmp_path / "snap.json").read_text() == before and not [argv for argv in fake.argvs() if argv[0] == "scale"]


def test_a_failed_start_reports_the_savings_of_what_it_restored_and_keeps_the_rest_recorded(tmp_path):
    store = RecordingFile(str(tmp_path / "snap.json"))
    ledger = {name: StopRecord(NIGHT, "m5.large", SIZES[name].desired_size) for name in SIZES}
    seed(store, KEY, dict(SIZES), ledger)
    fake = FakeEksctl({READ: [STOPPED]})
    restores(fake, ["ng-a"])
    fake.add(scale("ng-b", "--nodes=2", "--nodes-min=1", "--nodes-max=4"), (1, "", "Error: failed to scale nodegroup \"ng-b\": boom\n"))
    made, _clock = build(fake, parallelism=1)
    with pytest.raises(errors.OperationFailed) as raised:
        apply(made, store=store, state="started")
    details = raised.value.details
    assert list(details["savings"]["nodegroups"]) == ["ng-a"] and details["savings"]["total"]["node_hours_avoided"] == 28.5
    assert held(store, KEY) == (SIZES, ledger)  # a failed start spends nothing


def test_a_wait_before_the_stop_stamps_the_time_the_stop_ran(tmp_path):
    """A busy nodegroup is waited for: the stop time is the time of the read the writes follow, not the task's start."""
    busy = nodegroups(("ng-a", "m5.large", 3, 2, 5)).replace('"ACTIVE"', '"UPDATING"')
    fake = FakeEksctl({READ: [busy, nodegroups(("ng-a", "m5.large", 3, 2, 5))]})
    stops(fake, ["ng-a"])
    made, _clock = build(fake)
    result = apply(made, store=RecordingFile(str(tmp_path / "snap.json")), state="stopped")
    assert result["ledger"]["ng-a"]["stopped_at"] == "2026-11-28T07:00:05Z"  # after one wait_sleep of 5 s


def test_hourly_prices_are_only_for_a_start():
    from ansible_collections.eks_tools.eksctl.plugins.module_utils._validation import scale_request

    params = {"state": "stopped", "cluster": "demo", "name": None, "desired_size": None, "min_size": None, "max_size": None,
              "restore_capacity": None, "recordings": None, "hourly_prices": {"m5.large": 0.096}, "wait_timeout": 10,
              "wait_sleep": 1, "recording_path": "/nonexistent/snap.json", "wait": False, "recording_max_age": 72, "start_unrecorded": True,
              "recording_file": True, "recording_ssm_prefix": None, "autoscalers": "ignore"}
    with pytest.raises(errors.InvalidRequest, match="^hourly_prices can only be used with state=started"):
        scale_request(params)
    assert scale_request(dict(params, state="started"))[0].hourly_prices == {"m5.large": 0.096}
