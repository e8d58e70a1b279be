# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module case harness itself: every check it promises fails when it should, on small stand-in modules.

These are not scenarios of a module, so they stay Python: each builds a ``main`` that misbehaves in one way.
"""

from __future__ import annotations

import threading

import pytest
from ansible.module_utils.basic import AnsibleModule

from ansible_collections.eks_tools.eksctl.plugins.module_utils._runner import ModuleRunner
from ansible_collections.eks_tools.eksctl.tests.unit.module_cases import load_text
from ansible_collections.eks_tools.eksctl.tests.unit.module_harness import run_case

READ_A = ["get", "cluster", "--name=a", "--output=json"]
READ_B = ["get", "cluster", "--name=b", "--output=json"]


def stand_in(behaviour):
    """A module with eksctl_path and a secret option that calls eksctl through the collection's runner, then behaves."""

    def main():
        module = AnsibleModule(argument_spec={"eksctl_path": {"type": "path"}, "secret_key": {"type": "str", "no_log": True},
                                              "reads": {"type": "list", "elements": "str", "default": []},
                                              "side_by_side": {"type": "bool", "default": False}})
        runner = ModuleRunner(module)
        env = {"AWS_SECRET_ACCESS_KEY": module.params["secret_key"]} if module.params["secret_key"] else {}

        def read(name):
            runner.run([module.params["eksctl_path"], "get", "cluster", "--name=%s" % name, "--output=json"], env, 60)

        if module.params["side_by_side"]:
            threads = [threading.Thread(target=read, args=(name,)) for name in module.params["reads"]]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        else:
            for name in module.params["reads"]:
                read(name)
        behaviour(module)

    return main


def case(text):
    (loaded,) = load_text(text)
    return loaded


def exits(module):
    module.exit_json(changed=False)


OK = "cases: [{id: ok, params: {eksctl_path: '@EKSCTL@'}}]"


def test_a_well_behaved_module_passes(monkeypatch, capsys, tmp_path):
    outcome = run_case(stand_in(exits), case(OK), monkeypatch, capsys, tmp_path)
    assert outcome.result["changed"] is False and not outcome.failed


def test_a_deprecation_in_the_result_fails_the_case(monkeypatch, capsys, tmp_path):
    def deprecates(module):
        module.deprecate("the old way", version="9.0.0", collection_name="eks_tools.eksctl")
        module.exit_json(changed=False)

    with pytest.raises(AssertionError, match="deprecations: .*the old way"):
        run_case(stand_in(deprecates), case(OK), monkeypatch, capsys, tmp_path)


def test_warnings_passed_to_fail_json_fail_the_case(monkeypatch, capsys, tmp_path):
    def fails_with_warnings(module):
        module.fail_json(msg="it broke", warnings=["careful"])

    failing = case("cases: [{id: x, params: {eksctl_path: '@EKSCTL@'}, expect: {failed: true, warnings: [careful]}}]")
    with pytest.raises(AssertionError, match="deprecations: .*Passing `warnings`"):
        run_case(stand_in(fails_with_warnings), failing, monkeypatch, capsys, tmp_path)


def warns(module):
    module.warn("one")
    module.exit_json(changed=False)


def test_a_warning_the_case_does_not_expect_fails(monkeypatch, capsys, tmp_path):
    with pytest.raises(AssertionError, match="one"):
        run_case(stand_in(warns), case(OK), monkeypatch, capsys, tmp_path)


def test_the_warnings_a_case_expects_pass(monkeypatch, capsys, tmp_path):
    expected = case("cases: [{id: x, params: {eksctl_path: '@EKSCTL@'}, expect: {warnings: [one]}}]")
    run_case(stand_in(warns), expected, monkeypatch, capsys, tmp_path)


PARALLEL = """
cases:
  - id: x
    params: {eksctl_path: '@EKSCTL@', reads: [b, a], side_by_side: true}
    calls:
      - parallel:
          - {argv: [get, cluster, --name=a, --output=json]}
          - {argv: [get, cluster, --name=b, --output=json]}
"""


def test_calls_of_a_parallel_group_match_by_argv_in_any_order(monkeypatch, capsys, tmp_path):
    outcome = run_case(stand_in(exits), case(PARALLEL), monkeypatch, capsys, tmp_path)
    assert sorted(call["argv"] for call in outcome.calls) == [READ_A, READ_B]


def test_calls_in_sequence_must_come_in_order(monkeypatch, capsys, tmp_path):
    sequence = case("""
cases:
  - id: x
    params: {eksctl_path: '@EKSCTL@', reads: [b, a]}
    calls:
      - {argv: [get, cluster, --name=a, --output=json]}
      - {argv: [get, cluster, --name=b, --output=json]}
""")
    with pytest.raises(AssertionError, match="unexpected eksctl call"):
        run_case(stand_in(exits), sequence, monkeypatch, capsys, tmp_path)


@pytest.mark.parametrize("reads, message", [
    (["a"], "expected eksctl calls that were not made"),
    (["a", "b", "b"], "unexpected eksctl call"),
])
def test_one_call_fewer_or_more_fails(monkeypatch, capsys, tmp_path, reads, message):
    text = PARALLEL.replace("reads: [b, a], side_by_side: true", "reads: %s" % reads)
    with pytest.raises(AssertionError, match=message):
        run_case(stand_in(exits), case(text), monkeypatch, capsys, tmp_path)


def test_another_environment_fails(monkeypatch, capsys, tmp_path):
    text = "cases: [{id: x, params: {eksctl_path: '@EKSCTL@', secret_key: s3cr3t, reads: [a]}, calls: [{argv: %s}]}]" % READ_A
    with pytest.raises(AssertionError, match="environment"):
        run_case(stand_in(exits), case(text), monkeypatch, capsys, tmp_path)


def test_a_credential_in_the_result_fails(monkeypatch, capsys, tmp_path):
    def leaks(module):
        module.exit_json(changed=False, echo="key is %s" % module.params["secret_key"])

    text = "cases: [{id: x, params: {eksctl_path: '@EKSCTL@', secret_key: s3cr3t}}]"
    with pytest.raises(AssertionError, match="credential"):
        run_case(stand_in(leaks), case(text), monkeypatch, capsys, tmp_path)


def test_a_failure_message_of_two_lines_fails(monkeypatch, capsys, tmp_path):
    def fails(module):
        module.fail_json(msg="first\nsecond")

    with pytest.raises(AssertionError, match="first"):
        run_case(stand_in(fails), case("cases: [{id: x, params: {eksctl_path: '@EKSCTL@'}, expect: {failed: true}}]"),
                 monkeypatch, capsys, tmp_path)


@pytest.mark.parametrize("expect, message", [
    ("{changed: true}", "changed"),
    ("{failed: true}", "failed"),
    ("{msg: other}", "msg"),
    ("{result: {changed: true}}", "changed"),
    ("{result: {nothing.here: 1}}", "no key 'nothing'"),
    ("{absent: [changed]}", "changed is in the result"),
])
def test_each_expectation_can_fail(monkeypatch, capsys, tmp_path, expect, message):
    text = "cases: [{id: x, params: {eksctl_path: '@EKSCTL@'}, expect: %s}]" % expect
    with pytest.raises(AssertionError, match=message):
        run_case(stand_in(exits), case(text), monkeypatch, capsys, tmp_path)


@pytest.mark.parametrize("text, message", [
    ("cases: [{id: x, expcet: {failed: true}}]", "unknown keys expcet"),
    ("cases: [{id: x, expect: {faild: true}}]", "unknown keys faild"),
    ("cases: [{id: x, calls: [{argv: [get], stdot: x}]}]", "unknown keys stdot"),
    ("cases: [{id: x, calls: [{argv: [get], stdout: {contract: NO_SUCH}}]}]", "no contract output"),
    ("cases: [{id: x}, {id: x}]", "unique"),
    ("cases: [{params: {}}]", "needs an id"),
    ("tests: []", "unknown keys tests"),
])
def test_the_loader_refuses_what_would_assert_nothing(text, message):
    with pytest.raises(ValueError, match=message):
        load_text(text)
