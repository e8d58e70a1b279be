# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The scaler: which eksctl calls a change runs, in which order, and what is reported."""

from __future__ import annotations

import json

import pytest

from ansible_collections.eks_tools.eksctl.plugins.module_utils import _errors as errors
from ansible_collections.eks_tools.eksctl.plugins.module_utils._model import Capacity
from ansible_collections.eks_tools.eksctl.plugins.module_utils._recording import RecordingFile
from ansible_collections.eks_tools.eksctl.tests.unit import contract
from ansible_collections.eks_tools.eksctl.tests.unit.fake_eksctl import BINARY, FakeEksctl, nodegroups_json
from ansible_collections.eks_tools.eksctl.tests.unit.scaler_harness import READ, RUNNING, STOPPED, apply, build, scale


def test_noop_is_one_read_and_unchanged():
    fake = FakeEksctl({READ: [RUNNING]})
    made, _clock = build(fake)
    result = apply(made, names=["ng-1"], sizes={"desired_size": 3})
    assert fake.argvs() == [list(READ)]
    assert result["changed"] is False and result["commands"] == []
    assert result["nodegroups"][0]["action"] == "unchanged"
    assert result["diff"] == {"before": {"nodegroups": {}}, "after": {"nodegroups": {}}}


def test_check_mode_reads_predicts_and_never_writes():
    fake = FakeEksctl({READ: [RUNNING]})
    made, _clock = build(fake, check_mode=True)
    result = apply(made, names=["ng-1"], sizes={"desired_size": 4})
    assert fake.argvs() == [list(READ)]
    assert result["changed"] is True
    assert result["commands"] == [[BINARY] + list(scale("ng-1", "--nodes=4"))]
    assert result["diff"]["after"]["nodegroups"]["ng-1"] == {"desired_size": 4, "min_size": 2, "max_size": 5}


def test_stop_records_before_writing_and_writes_each_changed_nodegroup(tmp_path):
    store = RecordingFile(str(tmp_path / "snap.json"))
    fake = FakeEksctl({READ: [RUNNING]})
    fake.add(scale("ng-self", "--nodes=0", "--nodes-min=0"), contract.SCALE_STDOUT)
    fake.add(scale("ng-1", "--nodes=0", "--nodes-min=0"), contract.SCALE_STDOUT)
    recorded_at_write = []
    replay = fake.run

    def run(argv, env, timeout):
        if argv[1] == "scale":
            recorded_at_write.append(store.load("eu-north-1/demo"))
        return replay(argv, env, timeout)

    fake.run = run
    made, _clock = build(fake)
    result = apply(made, store=store, state="stopped")
    expected = {"ng-self": Capacity(2, 1, 4), "ng-1": Capacity(3, 2, 5)}
    assert recorded_at_write == [expected, expected]
    assert sorted(fake.argvs()[1:3]) == sorted([list(scale("ng-self", "--nodes=0", "--nodes-min=0")), list(scale("ng-1", "--nodes=0", "--nodes-min=0"))])
    assert fake.argvs()[3:] == [list(READ)]  # the sizes read back once after the writes
    assert [n["action"] for n in result["nodegroups"]] == ["stopped", "stopped"]
    assert result["recording"] == {"ng-1": {"desired_size": 3, "min_size": 2, "max_size": 5},
                                   "ng-self": {"desired_size": 2, "min_size": 1, "max_size": 4}}
    # The ledger: the time of the stop, each nodegroup's instance type and node count, beside the sizes in the fact.
    assert result["ledger"] == {"ng-1": {"stopped_at": "2026-11-28T07:00:00Z", "instance_type": "t3.medium", "nodes": 3},
                                "ng-self": {"stopped_at": "2026-11-28T07:00:00Z", "instance_type": "t3.medium", "nodes": 2}}
    assert result["ansible_facts"] == {"eks_recordings": {"eu-north-1/demo": {
        name: dict(sizes, **result["ledger"][name]) for name, sizes in result["recording"].items()}}}


def test_stop_of_stopped_cluster_is_ok_and_sets_no_fact(tmp_path):
    fake = FakeEksctl({READ: [STOPPED]})
    made, _clock = build(fake)
    result = apply(made, store=RecordingFile(str(tmp_path / "snap.json")), state="stopped")
    assert result["changed"] is False and len(fake.calls) == 1
    assert "ansible_facts" not in result
    assert not (tmp_path / "snap.json").exists()


def test_start_restores_from_file_and_removes_it(tmp_path):
    store = RecordingFile(str(tmp_path / "snap.json"))
    store.record("eu-north-1/demo", {"ng-self": Capacity(2, 1, 4), "ng-1": Capacity(3, 2, 5)})
    fake = FakeEksctl({READ: [STOPPED]})
    fake.add(scale("ng-self", "--nodes=2", "--nodes-min=1", "--nodes-max=4"), contract.SCALE_STDOUT)
    fake.add(scale("ng-1", "--nodes=3", "--nodes-min=2", "--nodes-max=5"), contract.SCALE_STDOUT)
    made, _clock = build(fake)
    result = apply(made, store=store, state="started")
    assert [n["action"] for n in result["nodegroups"]] == ["restored", "restored"]
    assert len(fake.calls) == 4  # read, two writes, one read back
    assert not (tmp_path / "snap.json").exists()
    # Every nodegroup restored: the cluster's key is gone from the fact.
    assert result["ansible_facts"] == {"eks_recordings": {}}


def test_restore_capacity_wins_over_file(tmp_path):
    store = RecordingFile(str(tmp_path / "snap.json"))
    store.record("eu-north-1/demo", {"ng-1": Capacity(1, 1, 5)})
    fake = FakeEksctl({READ: [STOPPED]})
    fake.add(scale("ng-1", "--nodes=3", "--nodes-min=2", "--nodes-max=5"), contract.SCALE_STDOUT)
    made, _clock = build(fake)
    result = apply(made, store=store, state="started", names=["ng-1"], restore={"ng-1": Capacity(3, 2, 5)})
    assert result["nodegroups"][0]["after"] == {"desired_size": 3, "min_size": 2, "max_size": 5}


def test_partial_failure_reports_each_nodegroup():
    fake = FakeEksctl({READ: [RUNNING]})
    fake.add(scale("ng-self", "--nodes=0", "--nodes-min=0"), contract.SCALE_STDOUT)
    fake.add(scale("ng-1", "--nodes=0", "--nodes-min=0"), (1, "", "Error: failed to scale nodegroup \"ng-1\": boom\n"))
    made, _clock = build(fake, parallelism=1)
    with pytest.raises(errors.OperationFailed) as caught:
        apply(made, state="stopped")
    outcome = {n["name"]: n for n in caught.value.details["nodegroups"]}
    assert outcome["ng-self"]["action"] == "stopped" and outcome["ng-self"]["changed"] is True
    assert outcome["ng-1"]["action"] == "failed" and "boom" in outcome["ng-1"]["error"]
    assert caught.value.details["changed"] is True
    assert "changed: ng-self" in caught.value.msg


def test_after_a_failure_no_new_write_starts():
    three = nodegroups_json(("a", "managed", "ACTIVE", 1, 1, 2), ("b", "managed", "ACTIVE", 1, 1, 2), ("c", "managed", "ACTIVE", 1, 1, 2))
    fake = FakeEksctl({READ: [three]})
    fake.add(scale("a", "--nodes=0", "--nodes-min=0"), (1, "", "Error: boom\n"))
    made, _clock = build(fake, parallelism=1)
    with pytest.raises(errors.OperationFailed) as caught:
        apply(made, state="stopped")
    assert [n["action"] for n in caught.value.details["nodegroups"]] == ["failed", "not_attempted", "not_attempted"]
    assert len(fake.calls) == 2
    assert caught.value.details["commands"] == [[BINARY] + list(scale("a", "--nodes=0", "--nodes-min=0"))]


def test_busy_nodegroup_is_waited_for_before_scaling():
    busy = nodegroups_json(("ng-1", "managed", "UPDATING", 3, 2, 5))
    idle = nodegroups_json(("ng-1", "managed", "ACTIVE", 3, 2, 5))
    fake = FakeEksctl({READ: [busy, busy, idle]})
    fake.add(scale("ng-1", "--nodes=4"), contract.SCALE_STDOUT)
    made, clock = build(fake)
    result = apply(made, names=["ng-1"], sizes={"desired_size": 4})
    assert result["changed"] is True
    assert [argv[0] for argv in fake.argvs()] == ["get", "get", "get", "scale", "get"]
    assert clock.sleeps == [5, 5]


def test_busy_nodegroup_times_out():
    busy = nodegroups_json(("ng-1", "managed", "UPDATING", 3, 2, 5))
    fake = FakeEksctl({READ: [busy]})
    made, _clock = build(fake, wait_timeout=12)
    with pytest.raises(errors.WaitTimeout, match="ng-1"):
        apply(made, names=["ng-1"], sizes={"desired_size": 4})
    assert all(argv[0] == "get" for argv in fake.argvs())


def test_conflict_409_waits_then_retries_once():
    fake = FakeEksctl({READ: [RUNNING, nodegroups_json(("ng-1", "managed", "UPDATING", 3, 2, 5)), RUNNING]})
    fake.add(scale("ng-1", "--nodes=4"), (1, "", contract.IN_USE_STDERR), contract.SCALE_STDOUT)
    made, _clock = build(fake)
    result = apply(made, names=["ng-1"], sizes={"desired_size": 4})
    assert result["changed"] is True
    assert [argv[0] for argv in fake.argvs()] == ["get", "scale", "get", "get", "scale", "get"]


def test_wait_polls_once_per_interval_for_all_nodegroups():
    updating = nodegroups_json(("ng-self", "unmanaged", "CREATE_COMPLETE", 0, 0, 4), ("ng-1", "managed", "UPDATING", 0, 0, 5))
    fake = FakeEksctl({READ: [RUNNING, updating, updating, STOPPED]})
    fake.add(scale("ng-self", "--nodes=0", "--nodes-min=0"), contract.SCALE_STDOUT)
    fake.add(scale("ng-1", "--nodes=0", "--nodes-min=0"), contract.SCALE_STDOUT)
    made, clock = build(fake)
    apply(made, state="stopped", wait=True)
    assert [argv[0] for argv in fake.argvs()] == ["get", "scale", "scale", "get", "get", "get"]
    assert clock.sleeps == [5, 5]


def test_wait_fails_at_once_on_degraded():
    degraded = nodegroups_json(("ng-1", "managed", "DEGRADED", 4, 2, 5))
    fake = FakeEksctl({READ: [RUNNING, degraded]})
    fake.add(scale("ng-1", "--nodes=4"), contract.SCALE_STDOUT)
    made, clock = build(fake)
    with pytest.raises(errors.NodegroupFailed, match="DEGRADED") as caught:
        apply(made, names=["ng-1"], sizes={"desired_size": 4}, wait=True)
    assert clock.sleeps == []
    assert caught.value.details["nodegroups"][0]["action"] == "scaled"


def test_wait_timeout_names_pending_nodegroups():
    updating = nodegroups_json(("ng-self", "unmanaged", "CREATE_COMPLETE", 2, 1, 4), ("ng-1", "managed", "UPDATING", 4, 2, 5))
    fake = FakeEksctl({READ: [RUNNING, updating]})
    fake.add(scale("ng-1", "--nodes=4"), contract.SCALE_STDOUT)
    made, _clock = build(fake, wait_timeout=11)
    with pytest.raises(errors.WaitTimeout, match=r"still pending: ng-1 \(UPDATING, 4/2/5\)"):
        apply(made, names=["ng-1"], sizes={"desired_size": 4}, wait=True)


def test_region_from_arn_when_no_region_is_given(tmp_path):
    read = ("get", "nodegroup", "--cluster=demo", "--output=json")
    fake = FakeEksctl({read: [STOPPED], ("get", "cluster", "--name=demo", "--output=json"): [contract.CLUSTER_DESCRIPTION]})
    made, _clock = build(fake, region=None)
    result = apply(made, store=RecordingFile(str(tmp_path / "s.json")), state="stopped")
    assert result["region"] == "eu-north-1"
    assert len(fake.calls) == 2


def test_missing_cluster_fails_with_cluster_not_found():
    fake = FakeEksctl({READ: [(1, "", contract.CLUSTER_NOT_FOUND_FOR_NODEGROUPS_STDERR)]})
    made, _clock = build(fake)
    with pytest.raises(errors.ClusterNotFound, match="cluster 'demo' was not found in region eu-north-1"):
        apply(made, state="stopped")


def test_connector_cluster_fails_a_scale_with_what_it_is():
    fake = FakeEksctl({("get", "nodegroup", "--cluster=edge", "--output=json", "--region=eu-north-1"): [(1, "", contract.NOT_EKS_STDERR)]})
    made, _clock = build(fake)
    with pytest.raises(errors.NotEksCluster, match="non-EKS cluster.*EKS Connector"):
        apply(made, cluster="edge", state="stopped")


def test_kubernetes_access_failure_says_what_to_fix_when_no_nodegroup_is_named():
    fake = FakeEksctl({READ: [(1, "", contract.LIST_NODES_FORBIDDEN_STDERR)]})
    made, _clock = build(fake)
    with pytest.raises(errors.KubernetesAccessError) as raised:
        apply(made, state="stopped")
    assert "failed to list nodes" in raised.value.msg
    for fix in ("API endpoint", "list nodes", "access entry", "name managed nodegroups"):
        assert fix in raised.value.msg
    assert fake.argvs() == [list(READ)]


def test_kubernetes_access_failure_falls_back_to_reading_named_nodegroups_one_by_one():
    by_name = ("get", "nodegroup", "--cluster=demo", "--name=ng-1", "--output=json", "--region=eu-north-1")
    fake = FakeEksctl({READ: [(1, "", contract.LIST_NODES_FORBIDDEN_STDERR)],
                       by_name: [nodegroups_json(("ng-1", "managed", "ACTIVE", 3, 2, 5)), nodegroups_json(("ng-1", "managed", "ACTIVE", 4, 2, 5))]})
    fake.add(scale("ng-1", "--nodes=4"), contract.SCALE_STDOUT)
    made, _clock = build(fake)
    result = apply(made, names=["ng-1"], sizes={"desired_size": 4}, wait=True)
    assert result["changed"] is True
    # One failed whole-cluster read, then reads by name only: the plan, the write, the wait's poll.
    assert fake.argvs() == [list(READ), list(by_name), list(scale("ng-1", "--nodes=4")), list(by_name)]


def test_nodegroup_eksctl_cannot_scale_is_refused_before_any_write():
    fake = FakeEksctl({READ: [nodegroups_json(("ng-1", "managed", "ACTIVE", 3, 2, 5), ("tf_workers", "managed", "ACTIVE", 2, 2, 6))]})
    made, _clock = build(fake)
    with pytest.raises(errors.InvalidRequest, match="tf_workers"):
        apply(made, state="stopped")
    assert fake.argvs() == [list(READ)]


def test_a_broken_connection_is_retried_like_throttling():
    broken = ("Error: could not create cluster provider from options: checking AWS STS access \u2013 cannot get role ARN for current "
              "session: operation error STS: GetCallerIdentity, https response error StatusCode: 200, RequestID: x, deserialization failed, "
              "failed to decode response body, read tcp 127.0.0.1:1->127.0.0.1:2: use of closed network connection\n")
    fake = FakeEksctl({READ: [(1, "", broken), RUNNING]})
    made, clock = build(fake)
    result = apply(made, names=["ng-1"], sizes={"desired_size": 3})
    assert result["changed"] is False and len(fake.calls) == 2 and len(clock.sleeps) == 1


THREE_STOPPED = nodegroups_json(("ng-self", "unmanaged", "CREATE_COMPLETE", 0, 0, 4), ("ng-1", "managed", "ACTIVE", 0, 0, 5),
                                ("ng-2", "managed", "ACTIVE", 0, 0, 3))
RECORDED = {"ng-self": Capacity(2, 1, 4), "ng-1": Capacity(3, 2, 5), "ng-2": Capacity(1, 1, 3)}
OTHER = {"us-east-1/other": {"x": Capacity(1, 0, 2)}}


SIZES = ("desired_size", "min_size", "max_size")


def as_dicts(recording):
    return {name: capacity.as_dict() for name, capacity in recording.items()}


def test_region_from_the_profile_keys_stop_and_start_alike(tmp_path):
    """No region option: the stop records under the ARN's region, and the start given the whole fact finds it there."""
    describe = ("get", "cluster", "--name=demo", "--output=json")
    read = ("get", "nodegroup", "--cluster=demo", "--output=json")
    fake = FakeEksctl({describe: [contract.CLUSTER_DESCRIPTION], read: [THREE_STOPPED]})
    for name, capacity in RECORDED.items():
        fake.add(("scale", "nodegroup", "--cluster=demo", "--name=%s" % name, "--nodes=%d" % capacity.desired_size,
                  "--nodes-min=%d" % capacity.min_size, "--nodes-max=%d" % capacity.max_size), contract.SCALE_STDOUT)
    made, _clock = build(fake, region=None)
    # A fresh HOME (no file): only the fact carries the recording, keyed as the stop keyed it.
    fact = {"eu-north-1/demo": RECORDED}
    result = apply(made, store=RecordingFile(str(tmp_path / "fresh.json")), state="started", snapshots=fact)
    assert result["recording_key"] == "eu-north-1/demo"
    assert [ng["action"] for ng in result["nodegroups"]] == ["restored", "restored", "restored"]
    assert result["eks_recordings"] == {}


def test_subset_start_spends_only_its_nodegroups(tmp_path):
    store = RecordingFile(str(tmp_path / "snap.json"))
    store.record("eu-north-1/demo", RECORDED)
    fake = FakeEksctl({READ: [THREE_STOPPED]})
    fake.add(scale("ng-1", "--nodes=3", "--nodes-min=2", "--nodes-max=5"), contract.SCALE_STDOUT)
    made, _clock = build(fake)
    result = apply(made, store=store, state="started", names=["ng-1"], snapshots=dict(OTHER, **{"eu-north-1/demo": RECORDED}))
    left = {"ng-self": RECORDED["ng-self"], "ng-2": RECORDED["ng-2"]}
    assert result["eks_recordings"] == {"eu-north-1/demo": as_dicts(left), "us-east-1/other": as_dicts(OTHER["us-east-1/other"])}
    assert result["ansible_facts"]["eks_recordings"] == result["eks_recordings"]
    assert store.load("eu-north-1/demo") == left


def test_subset_stop_keeps_the_other_recordings(tmp_path):
    store = RecordingFile(str(tmp_path / "snap.json"))
    running_ng1 = nodegroups_json(("ng-self", "unmanaged", "CREATE_COMPLETE", 0, 0, 4), ("ng-1", "managed", "ACTIVE", 3, 2, 5))
    fake = FakeEksctl({READ: [running_ng1]})
    fake.add(scale("ng-1", "--nodes=0", "--nodes-min=0"), contract.SCALE_STDOUT)
    made, _clock = build(fake)
    fact = {"eu-north-1/demo": {"ng-self": Capacity(2, 1, 4)}}
    result = apply(made, store=store, state="stopped", names=["ng-1"], snapshots=fact)
    both = {"ng-1": {"desired_size": 3, "min_size": 2, "max_size": 5, "stopped_at": "2026-11-28T07:00:00Z", "instance_type": "t3.medium",
                     "nodes": 3},
            "ng-self": {"desired_size": 2, "min_size": 1, "max_size": 4}}
    assert result["eks_recordings"] == {"eu-north-1/demo": both}
    assert as_dicts(store.load("eu-north-1/demo")) == {name: {key: entry[key] for key in SIZES} for name, entry in both.items()}


def test_deleted_nodegroup_is_warned_about_and_the_others_start(tmp_path):
    store = RecordingFile(str(tmp_path / "snap.json"))
    store.record("eu-north-1/demo", dict(RECORDED, **{"ng-gone": Capacity(4, 1, 6)}))
    fake = FakeEksctl({READ: [THREE_STOPPED]})
    for name, capacity in RECORDED.items():
        fake.add(scale(name, "--nodes=%d" % capacity.desired_size, "--nodes-min=%d" % capacity.min_size, "--nodes-max=%d" % capacity.max_size),
                 contract.SCALE_STDOUT)
    made, _clock = build(fake)
    result = apply(made, store=store, state="started")
    assert [ng["action"] for ng in result["nodegroups"]] == ["restored", "restored", "restored"]
    assert any("ng-gone" in warning for warning in result["warnings"])
    assert result["eks_recordings"] == {} and not (tmp_path / "snap.json").exists()


def test_corrupt_file_with_restore_capacity_starts_and_only_warns(tmp_path):
    path = tmp_path / "snap.json"
    path.write_text("{corrupt")
    fake = FakeEksctl({READ: [THREE_STOPPED]})
    for name, capacity in RECORDED.items():
        fake.add(scale(name, "--nodes=%d" % capacity.desired_size, "--nodes-min=%d" % capacity.min_size, "--nodes-max=%d" % capacity.max_size),
                 contract.SCALE_STDOUT)
    made, _clock = build(fake)
    result = apply(made, store=RecordingFile(str(path)), state="started", restore=dict(RECORDED))
    assert result["changed"] is True
    assert [ng["action"] for ng in result["nodegroups"]] == ["restored", "restored", "restored"]
    assert any("cannot read the capacity snapshot" in warning for warning in result["warnings"])
    assert path.read_text() == "{corrupt"


DESCRIBE = ("get", "cluster", "--name=demo", "--output=json", "--region=eu-north-1")
FARGATE = ("get", "fargateprofile", "--cluster=demo", "--output=json", "--region=eu-north-1")


def test_check_mode_stop_creates_no_directory_and_no_lock(tmp_path):
    fake = FakeEksctl({READ: [RUNNING], DESCRIBE: [contract.CLUSTER_DESCRIPTION], FARGATE: ["[]"]})
    made, _clock = build(fake, check_mode=True)
    apply(made, store=RecordingFile(str(tmp_path / "new" / "snap.json")), state="stopped")
    apply(made, store=RecordingFile(str(tmp_path / "new" / "snap.json")), state="started")
    assert not (tmp_path / "new").exists()


def test_exit_0_without_a_change_fails_after_one_read_back(tmp_path):
    """eksctl says the scale is done, but the sizes read back are the old ones: the task fails, naming the nodegroup."""
    store = RecordingFile(str(tmp_path / "snap.json"))
    fake = FakeEksctl({READ: [RUNNING]}, apply_scales=False)
    fake.add(scale("ng-self", "--nodes=0", "--nodes-min=0"), contract.SCALE_STDOUT)
    fake.add(scale("ng-1", "--nodes=0", "--nodes-min=0"), contract.SCALE_STDOUT)
    made, _clock = build(fake)
    with pytest.raises(errors.OperationFailed, match="read.* back.*old sizes") as raised:
        apply(made, store=store, state="stopped")
    assert [argv[0] for argv in fake.argvs()] == ["get", "scale", "scale", "get"]
    details = raised.value.details
    assert {ng["name"]: ng["action"] for ng in details["nodegroups"]} == {"ng-self": "failed", "ng-1": "failed"}
    assert details["changed"] is False
    # The recording made before the writes travels with the failure, its ledger entry with it.
    assert details["eks_recordings"]["eu-north-1/demo"]["ng-1"] == {
        "desired_size": 3, "min_size": 2, "max_size": 5, "stopped_at": "2026-11-28T07:00:00Z", "instance_type": "t3.medium", "nodes": 3}


def test_exit_0_without_a_change_fails_in_the_first_wait_poll():
    fake = FakeEksctl({READ: [RUNNING]}, apply_scales=False)
    fake.add(scale("ng-1", "--nodes=4"), contract.SCALE_STDOUT)
    made, clock = build(fake)
    with pytest.raises(errors.OperationFailed, match="ng-1"):
        apply(made, names=["ng-1"], sizes={"desired_size": 4}, wait=True)
    assert [argv[0] for argv in fake.argvs()] == ["get", "scale", "get"] and clock.sleeps == []


def test_a_nodegroup_still_updating_is_not_a_lost_write():
    fake = FakeEksctl({READ: [RUNNING, nodegroups_json(("ng-self", "unmanaged", "CREATE_COMPLETE", 2, 1, 4),
                                                       ("ng-1", "managed", "UPDATING", 3, 2, 5))]}, apply_scales=False)
    fake.add(scale("ng-1", "--nodes=4"), contract.SCALE_STDOUT)
    made, _clock = build(fake)
    assert apply(made, names=["ng-1"], sizes={"desired_size": 4})["changed"] is True


def test_a_failed_read_back_after_the_writes_still_reports_them_and_the_recording(tmp_path):
    store = RecordingFile(str(tmp_path / "snap.json"))
    fake = FakeEksctl({READ: [RUNNING, (1, "", contract.THROTTLED_STDERR)]})
    fake.add(scale("ng-self", "--nodes=0", "--nodes-min=0"), contract.SCALE_STDOUT)
    fake.add(scale("ng-1", "--nodes=0", "--nodes-min=0"), contract.SCALE_STDOUT)
    made, _clock = build(fake)
    made.client.retries = 0
    with pytest.raises(errors.ThrottlingError) as raised:
        apply(made, store=store, state="stopped")
    details = raised.value.details
    assert "the writes before it went through" in raised.value.msg
    assert details["changed"] is True
    assert [outcome["action"] for outcome in details["nodegroups"]] == ["stopped", "stopped"]
    assert details["eks_recordings"]["eu-north-1/demo"]["ng-1"] == {
        "desired_size": 3, "min_size": 2, "max_size": 5, "stopped_at": "2026-11-28T07:00:00Z", "instance_type": "t3.medium", "nodes": 3}


def test_check_mode_preflight_lists_each_problem_with_its_fix_and_writes_nothing(tmp_path):
    nodegroups = nodegroups_json(("ng-busy", "managed", "UPDATING", 2, 1, 4), ("ng-bad", "managed", "DEGRADED", 1, 1, 2),
                                 ("tf_workers", "managed", "ACTIVE", 2, 1, 3), ("ng-off", "managed", "ACTIVE", 0, 0, 3))
    items = json.loads(contract.CLUSTER_DESCRIPTION)
    items[0]["ComputeConfig"] = {"Enabled": True, "NodePools": ["system"], "NodeRoleArn": None}
    fake = FakeEksctl({READ: [nodegroups], DESCRIBE: [json.dumps(items)], FARGATE: [contract.FARGATE_PROFILES]})
    made, clock = build(fake, check_mode=True)
    with pytest.raises(errors.InvalidRequest) as raised:
        apply(made, store=RecordingFile(str(tmp_path / "snap.json")), state="stopped")
    checks = raised.value.details["preflight"]
    assert [(check["check"], check["subject"]) for check in checks] == [
        ("nodegroup_busy", "ng-busy"), ("nodegroup_failed", "ng-bad"), ("unscalable_name", "tf_workers"),
        ("still_running", "fargate_profile fp-default"), ("still_running", "auto_mode system")]
    assert all(check["problem"] and check["fix"] for check in checks)
    assert clock.sleeps == [] and not [call for call in fake.argvs() if call[1] == "scale"]
    assert not (tmp_path / "snap.json").exists()


def test_check_mode_start_names_the_nodegroups_without_a_recording(tmp_path):
    fake = FakeEksctl({READ: [STOPPED], DESCRIBE: [contract.CLUSTER_DESCRIPTION], FARGATE: ["[]"]})
    made, _clock = build(fake, check_mode=True)
    result = apply(made, store=RecordingFile(str(tmp_path / "snap.json")), state="started", restore={"ng-1": Capacity(3, 2, 5)})
    (check,) = result["preflight"]
    assert (check["check"], check["subject"]) == ("unrecorded", "ng-self")
    assert "max(min_size, 1) = 1" in check["problem"] and "restore_capacity" in check["fix"]


def test_check_mode_preflight_without_kubernetes_api_access_says_so():
    fake = FakeEksctl({READ: [(1, "", contract.LIST_NODES_FORBIDDEN_STDERR)]})
    made, _clock = build(fake, check_mode=True)
    with pytest.raises(errors.KubernetesAccessError) as raised:
        apply(made, state="stopped")
    (check,) = raised.value.details["preflight"]
    assert check["check"] == "kubernetes_access" and "list nodes" in check["fix"]


def test_a_real_run_has_no_preflight_and_makes_no_extra_read():
    fake = FakeEksctl({READ: [RUNNING]})
    made, _clock = build(fake)
    result = apply(made, names=["ng-1"], sizes={"desired_size": 3})
    assert "preflight" not in result and len(fake.calls) == 1


def test_check_mode_preflight_names_a_recording_older_than_recording_max_age(tmp_path):
    import datetime
    path = tmp_path / "snap.json"
    path.write_text(json.dumps({"version": 1, "clusters": {"eu-north-1/demo": {"nodegroups": {
        "ng-1": {"desired_size": 3, "min_size": 2, "max_size": 5, "stopped_at": "2026-11-20T19:00:00Z", "instance_type": "m5.large", "nodes": 3},
        "ng-self": {"desired_size": 2, "min_size": 1, "max_size": 4, "stopped_at": "2026-11-27T19:00:00Z", "instance_type": "t3.medium",
                    "nodes": 2}}}}}))
    fake = FakeEksctl({READ: [STOPPED], DESCRIBE: [contract.CLUSTER_DESCRIPTION], FARGATE: ["[]"]})
    made, _clock = build(fake, check_mode=True)
    made = made._replace(scaler=type(made.scaler)(made.reader, check_mode=True, clock=made.scaler.clock, sleep=made.scaler.sleep,
                                                  now=lambda: datetime.datetime(2026, 11, 28, 7, 0, tzinfo=datetime.timezone.utc)))
    result = apply(made, store=RecordingFile(str(path)), state="started", recording_max_age=72)
    (check,) = result["preflight"]
    assert (check["check"], check["subject"]) == ("stale_recording", "ng-1")
    assert "stopped 180.0 hours ago, more than recording_max_age=72" in check["problem"]
    assert apply(made, store=RecordingFile(str(path)), state="started", recording_max_age=0)["preflight"] == []
