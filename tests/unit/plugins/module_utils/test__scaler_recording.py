# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the scaler does with the recording around its writes: a start marks what it restores before its writes, spends only
what it restored, tells an interrupted start of its own from a nodegroup someone else started, keeps a nodegroup with no
recording anywhere stopped and says so, and never rewrites a recording it did not spend."""

from __future__ import annotations

import json

import pytest

from ansible_collections.eks_tools.eksctl.plugins.module_utils import _errors as errors
from ansible_collections.eks_tools.eksctl.plugins.module_utils._model import StopRecord
from ansible_collections.eks_tools.eksctl.plugins.module_utils._recording.file import RecordingFile
from ansible_collections.eks_tools.eksctl.tests.unit import contract
from ansible_collections.eks_tools.eksctl.tests.unit.fake_eksctl import FakeEksctl
from ansible_collections.eks_tools.eksctl.tests.unit.plugins.module_utils.test__scaler_ledger import (
    KEY,
    NIGHT,
    SIZES,
    STOPPED,
    nodegroups,
    restores,
)
from ansible_collections.eks_tools.eksctl.tests.unit.scaler_harness import READ, apply, build, held, seed

LEDGER = {name: StopRecord(NIGHT, "m5.large", SIZES[name].desired_size) for name in SIZES}
RESTORED = nodegroups(("ng-a", "m5.large", 3, 2, 5), ("ng-b", "t3.medium", 2, 1, 4), ("ng-c", "-", 1, 1, 2))
DESCRIBE = ("get", "cluster", "--name=demo", "--output=json", "--region=eu-north-1")
FARGATE = ("get", "fargateprofile", "--cluster=demo", "--output=json", "--region=eu-north-1")


def test_a_start_marks_what_it_restores_in_the_file_before_its_first_write(tmp_path):
    store = RecordingFile(str(tmp_path / "recordings.json"))
    seed(store, KEY, SIZES, LEDGER)
    fake = FakeEksctl({READ: [STOPPED, RESTORED]})
    restores(fake, SIZES)
    marked_at_write = []
    replay = fake.run

    def run(argv, env, timeout):
        if argv[1] == "scale":
            marked_at_write.append({name: record.restoring_at for name, record in store.load(KEY).nodegroups.items()})
        return replay(argv, env, timeout)

    fake.run = run
    made, _clock = build(fake)
    result = apply(made, store=store, state="started")
    assert marked_at_write and all(marks == dict.fromkeys(SIZES, "2026-11-28T07:00:00Z") for marks in marked_at_write)
    assert held(store, KEY) == ({}, {}) and result["ansible_facts"]["eks_recordings"] == {}


def test_a_rerun_after_a_start_killed_past_its_writes_counts_the_savings_it_made_and_spends_them(tmp_path):
    """The killed start restored ng-a and ng-b at 06:00 and marked them; ng-c it never reached. The rerun at 07:00 restores ng-c."""
    store = RecordingFile(str(tmp_path / "recordings.json"))
    seed(store, KEY, SIZES, LEDGER)
    store.update(KEY, lambda held_: held_._replace(nodegroups={name: record._replace(restoring_at="2026-11-28T06:00:00Z")
                                                               if name != "ng-c" else record for name, record in held_.nodegroups.items()}))
    half = nodegroups(("ng-a", "m5.large", 3, 2, 5), ("ng-b", "t3.medium", 2, 1, 4), ("ng-c", "-", 0, 0, 2))
    fake = FakeEksctl({READ: [half, RESTORED]})
    restores(fake, ["ng-c"])
    made, _clock = build(fake)
    result = apply(made, store=store, state="started")
    assert [ng["action"] for ng in result["nodegroups"]] == ["unchanged", "unchanged", "restored"]
    assert result["restarted_externally"] == {}
    assert {name: entry["stopped_for"]["human"] for name, entry in result["savings"]["nodegroups"].items()} == {
        "ng-a": "8h 30m", "ng-b": "8h 30m", "ng-c": "9h 30m"}
    assert result["savings"]["total"]["node_hours_avoided"] == 3 * 8.5 + 2 * 8.5 + 1 * 9.5
    assert held(store, KEY) == ({}, {})


def test_a_nodegroup_started_by_someone_else_while_stopped_is_named_counts_no_savings_and_is_left_as_it_is(tmp_path):
    store = RecordingFile(str(tmp_path / "recordings.json"))
    seed(store, KEY, SIZES, LEDGER)
    # A terraform apply set ng-a back to 2/2/5 during the night; ng-b and ng-c are still stopped.
    found = nodegroups(("ng-a", "m5.large", 2, 2, 5), ("ng-b", "t3.medium", 0, 0, 4), ("ng-c", "-", 0, 0, 2))
    fake = FakeEksctl({READ: [found, RESTORED]})
    restores(fake, ["ng-b", "ng-c"])
    made, _clock = build(fake)
    result = apply(made, store=store, state="started")
    assert [ng["action"] for ng in result["nodegroups"]] == ["unchanged", "restored", "restored"]
    assert result["restarted_externally"] == {"ng-a": {"recorded": {"desired_size": 3, "min_size": 2, "max_size": 5},
                                                       "found": {"desired_size": 2, "min_size": 2, "max_size": 5}, "stopped_at": NIGHT}}
    assert set(result["savings"]["nodegroups"]) == {"ng-b", "ng-c"}
    assert any("ng-a was started outside this collection while stopped" in line for line in result["summary_lines"])
    assert held(store, KEY) == ({}, {})


def test_restore_capacity_of_a_nodegroup_someone_started_restores_exactly_those_sizes(tmp_path):
    found = nodegroups(("ng-a", "m5.large", 2, 2, 5))
    fake = FakeEksctl({READ: [found, nodegroups(("ng-a", "m5.large", 3, 2, 5))]})
    restores(fake, ["ng-a"])
    made, _clock = build(fake)
    result = apply(made, state="started", restore={"ng-a": SIZES["ng-a"]})
    assert result["nodegroups"][0]["action"] == "restored" and result["changed"] is True


@pytest.mark.parametrize("check_mode", [False, True])
def test_a_stopped_nodegroup_with_no_recording_anywhere_stays_stopped_and_the_start_fails_naming_it(tmp_path, check_mode):
    store = RecordingFile(str(tmp_path / "recordings.json"))
    seed(store, KEY, {"ng-a": SIZES["ng-a"]}, LEDGER)
    after = nodegroups(("ng-a", "m5.large", 3, 2, 5), ("ng-b", "t3.medium", 0, 0, 4), ("ng-c", "-", 0, 0, 2))
    fake = FakeEksctl({READ: [STOPPED, after], DESCRIBE: [contract.CLUSTER_DESCRIPTION], FARGATE: ["[]"]})
    if not check_mode:
        restores(fake, ["ng-a"])
    made, _clock = build(fake, check_mode=check_mode)
    with pytest.raises(errors.Unrecorded) as raised:
        apply(made, store=store, state="started", start_unrecorded=False)
    verb = "would stay" if check_mode else "were kept"
    assert raised.value.msg == ("cluster 'demo': no recording of nodegroup(s) ng-b, ng-c anywhere, so they %s stopped; find the recording, "
                                "or start them with start_unrecorded=true" % verb)
    details = raised.value.details
    assert [ng["action"] for ng in details["nodegroups"]] == ["restored", "kept_stopped", "kept_stopped"]
    if check_mode:
        assert [check["check"] for check in details["preflight"]] == ["unrecorded", "unrecorded"]
        assert held(store, KEY)[0] == {"ng-a": SIZES["ng-a"]}
    else:
        assert held(store, KEY) == ({}, {})  # what it restored is spent; nothing else was ever recorded


def test_a_start_that_finds_nothing_to_spend_leaves_every_store_and_the_fact_as_they_were(tmp_path):
    """A weekend's expired fact cache: nothing recorded, every nodegroup stopped. Nothing is written over anything."""
    path = tmp_path / "recordings.json"
    path.write_text(json.dumps({"version": 1, "clusters": {"us-east-1/other": {"nodegroups": {
        "x": {"desired_size": 1, "min_size": 1, "max_size": 2}}}}}))
    before = path.read_text()
    fake = FakeEksctl({READ: [STOPPED]})
    made, _clock = build(fake)
    with pytest.raises(errors.Unrecorded) as raised:
        apply(made, store=RecordingFile(str(path)), state="started", start_unrecorded=False,
              recordings={"us-east-1/other": {"x": {"desired_size": 1, "min_size": 1, "max_size": 2}}})
    assert "ansible_facts" not in raised.value.details and path.read_text() == before
    assert raised.value.details["eks_recordings"] == {"us-east-1/other": {"nodegroups": {"x": {"desired_size": 1, "min_size": 1, "max_size": 2}}}}


def test_a_preview_whose_fargate_read_failed_says_what_runs_there_is_unknown_never_nothing():
    fake = FakeEksctl({READ: [RESTORED], DESCRIBE: [contract.CLUSTER_DESCRIPTION],
                       FARGATE: [(1, "", "Error: operation error EKS: ListFargateProfiles, https response error StatusCode: 403, RequestID: 1, "
                                         "AccessDeniedException: not authorized\n")]})
    made, _clock = build(fake, check_mode=True)
    result = apply(made, state="stopped")
    (check,) = [check for check in result["preflight"] if check["check"] == "unknown"]
    assert check["subject"] == "fargate_profiles" and "could not be read" in check["problem"] and "AccessDeniedException" in check["problem"]
    assert "eks:ListFargateProfiles" in check["fix"]


def test_a_fargate_read_that_times_out_or_prints_garbage_is_a_warning_in_a_report():
    from ansible_collections.eks_tools.eksctl.tests.unit.scaler_harness import info

    fake = FakeEksctl({READ: [RESTORED], DESCRIBE: [contract.CLUSTER_DESCRIPTION], FARGATE: ["{not json"]})
    made, _clock = build(fake)
    (cluster,) = info(made, name="demo")
    assert cluster["fargate_profiles"] is None
    assert any("Fargate profiles of cluster 'demo' could not be read" in warning for warning in made.client.warnings)
