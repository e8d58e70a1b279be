# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run one module case (tests/unit/module_cases.py) in-process and check everything it expects.

The module's ``main()`` runs as Ansible runs it, with its real ``exit_json``/``fail_json`` (so the result is the JSON
Ansible reads, warnings and deprecations included); only ``AnsibleModule.run_command`` is replaced, by the case's
scripted eksctl. Besides what the case expects, every case checks that:

- eksctl is called with an argv list, never through a shell, unexpanded, in its own process group, in the C locale;
- the calls are exactly the expected ones, with exactly the expected environment;
- the result carries no ``deprecations`` (ansible-core reports its own there, for example for ``warnings`` passed to
  ``fail_json``), and the module passes neither ``warnings`` nor ``deprecations`` to ``exit_json``/``fail_json``;
- no credential given to the module appears in an argv or in the result (before Ansible's own masking);
- a failure's message is one line without a traceback.
"""

from __future__ import annotations

import copy
import datetime
import json
import os
import re
import threading
import typing as t

from ansible.module_utils import _internal as ansible_internal
from ansible.module_utils import basic
from ansible.module_utils.common import warnings as ansible_warnings
from ansible.module_utils.testing import patch_module_args

from ansible_collections.eks_tools.eksctl.plugins.module_utils import _module as module_glue
from ansible_collections.eks_tools.eksctl.plugins.module_utils._runner import C_LOCALE, in_own_process_group
from ansible_collections.eks_tools.eksctl.tests.unit import fake_kubernetes
from ansible_collections.eks_tools.eksctl.tests.unit.module_cases import Case, ExpectedCall

AWS_VARIABLES = ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY",
                 "AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")
CREDENTIAL_OPTIONS = ("access_key", "aws_access_key_id", "aws_access_key", "secret_key", "aws_secret_access_key", "aws_secret_key",
                      "session_token", "aws_session_token", "security_token", "aws_security_token")
CREDENTIAL_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY", "AWS_SESSION_TOKEN",
                        "AWS_SECURITY_TOKEN")
PATH_TOKEN = re.compile(r"\[(\d+|\*)\]|\.?([^.\[\]]+)")


class ScriptedEksctl:
    """The case's expected calls, answered with their canned outputs.

    The calls are steps: one call, or a group the module makes side by side in threads. A call is matched by its argv
    among the calls left in the current step, so the calls of a group may come in any order; a step is done when all of
    its calls came. A call that matches nothing, or comes with another environment, is recorded as a problem (and
    raised in the module, which may or may not swallow it: ``problems`` is checked after the run either way).
    """

    def __init__(self, steps: list) -> None:
        self.left = [list(step) for step in steps]
        self.position = 0
        self.made: list[dict] = []
        self.problems: list[str] = []
        self.lock = threading.Lock()

    def run(self, argv: list[str], env: dict[str, str]) -> tuple[int, str, str]:
        with self.lock:
            self.made.append({"argv": list(argv), "env": dict(env)})
            while self.position < len(self.left) and not self.left[self.position]:
                self.position += 1
            step = self.left[self.position] if self.position < len(self.left) else []
            match: ExpectedCall | None = next((call for call in step if list(call.argv) == list(argv)), None)
            if match is None:
                expected = [list(call.argv) for call in step]
                problem = "unexpected eksctl call %r; expected now: %s" % (argv, expected or "no more calls")
                self.problems.append(problem)
                raise AssertionError(problem)
            step.remove(match)
            if env != match.env:
                problem = "eksctl call %r: environment %r, expected %r" % (argv, env, match.env)
                self.problems.append(problem)
                raise AssertionError(problem)
            return match.rc, match.stdout, match.stderr

    def missing(self) -> list[list[str]]:
        return [list(call.argv) for step in self.left for call in step]


class Outcome(t.NamedTuple):
    result: dict  # the module's JSON output, as Ansible reads it
    passed: dict  # the keyword arguments the module passed to exit_json or fail_json, before Ansible's formatting
    failed: bool
    calls: list
    window: tuple = ()  # the UTC times (to the second) the module ran between


class During:
    """Equal to a recording's time (``YYYY-MM-DDTHH:MM:SSZ``) within the window the module ran in: ``@NOW@`` in a case."""

    def __init__(self, window: tuple) -> None:
        self.window = window

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and bool(self.window) and self.window[0] <= other <= self.window[1]

    def __repr__(self) -> str:
        return "a time from %s to %s" % self.window


def utc_second() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def clean_aws_environment(monkeypatch) -> None:
    for name in AWS_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def substitute(value: t.Any, tokens: dict[str, t.Any]) -> t.Any:
    """The value with every placeholder string (``@EKSCTL@``, ``@TMP@``, ``@NOW@``) replaced, at any depth."""
    if isinstance(value, str):
        return tokens.get(value, value)
    if isinstance(value, list):
        return [substitute(item, tokens) for item in value]
    if isinstance(value, dict):
        return {key: substitute(item, tokens) for key, item in value.items()}
    return value


def stand_in_eksctl(directory: str) -> str:
    """An executable that must never run: every call goes through the replaced run_command."""
    path = os.path.join(directory, "eksctl")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("#!/bin/sh\nexit 99\n")
    os.chmod(path, 0o755)
    return path


def run(main: t.Callable[[], None], case: Case, monkeypatch, capsys, tmp_path) -> Outcome:
    """Run ``main`` on the case's params and calls; returns what it reported. Checks the calls, not the expectations."""
    clean_aws_environment(monkeypatch)
    home = tmp_path / "home"
    scratch = tmp_path / "scratch"
    home.mkdir()
    scratch.mkdir()
    monkeypatch.setenv("HOME", str(home))
    tokens = {"@EKSCTL@": stand_in_eksctl(str(tmp_path)), "@TMP@": str(scratch)}
    for name, value in substitute(case.environment, tokens).items():
        monkeypatch.setenv(name, value)
    # A module runs on a target, where ansible-core returns its warnings and deprecations in the result. Once controller
    # code is imported (other tests do), the process counts as the controller and they would go to the display instead.
    monkeypatch.setattr(ansible_internal, "is_controller", False)
    # ansible-core keeps a module's warnings and deprecations in process-wide registries.
    monkeypatch.setattr(ansible_warnings, "_global_warnings", {})
    monkeypatch.setattr(ansible_warnings, "_global_deprecations", {})

    eksctl = ScriptedEksctl(case.steps)
    binary = tokens["@EKSCTL@"]
    passed: dict = {}

    def run_command(self, argv, environ_update=None, before_communicate_callback=None, handle_exceptions=True, **kwargs):
        assert not kwargs.get("use_unsafe_shell"), "eksctl must never run through a shell"
        assert kwargs.get("expand_user_and_vars") is False, "argv must reach eksctl unexpanded ($HOME, ~)"
        assert isinstance(argv, list)
        # eksctl starts in its own process group (so a timeout kills all it started) through the runner's prelude.
        assert argv[:3] == in_own_process_group([])
        argv = argv[3:]
        assert argv[0] == binary, "eksctl ran as %r, not as the binary the module was given" % argv[0]
        env = dict(environ_update or {})
        for name, value in C_LOCALE.items():
            assert env.pop(name) == value
        return eksctl.run(argv[1:], env)

    real_exit_json = basic.AnsibleModule.exit_json
    real_fail_json = basic.AnsibleModule.fail_json

    def exit_json(self, **kwargs):
        passed.update(copy.deepcopy(kwargs))
        real_exit_json(self, **kwargs)

    def fail_json(self, msg, **kwargs):
        passed.update(copy.deepcopy(kwargs), msg=msg)
        real_fail_json(self, msg, **kwargs)

    # The cluster's Kubernetes API: a case without one finds it unreachable, as a host with no network path to it would.
    monkeypatch.setattr(module_glue, "connect", lambda description, **_options: fake_kubernetes.unreachable(description))
    monkeypatch.setattr(basic.AnsibleModule, "run_command", run_command)
    monkeypatch.setattr(basic.AnsibleModule, "exit_json", exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", fail_json)
    module_args = substitute(case.params, tokens)
    if case.check_mode:
        module_args["_ansible_check_mode"] = True
    if case.diff:
        module_args["_ansible_diff"] = True
    capsys.readouterr()
    started = utc_second()
    exit_codes = []
    with patch_module_args(module_args):
        try:
            main()
        except SystemExit as done:
            exit_codes.append(done.code)
    assert exit_codes, "the module returned without exit_json or fail_json"
    exit_code = exit_codes[0]
    result = json.loads(capsys.readouterr().out)
    assert not eksctl.problems, eksctl.problems
    assert not eksctl.missing(), "expected eksctl calls that were not made: %s" % eksctl.missing()
    assert (exit_code != 0) == bool(result.get("failed")), (exit_code, result)
    return Outcome(result, passed, bool(result.get("failed")), eksctl.made, (started, utc_second()))


def message(entry: t.Any) -> str:
    """A warning's or deprecation's text, from ansible-core 2.19's summaries or older plain strings and dictionaries."""
    if isinstance(entry, dict):
        event = entry.get("event")
        if isinstance(event, dict):
            return str(event.get("msg"))
        return str(entry.get("msg"))
    return str(entry)


def select(result: t.Any, path: str) -> t.Any:
    """The value at a path such as ``clusters[0].nodegroups[*].type``."""
    tokens: list[t.Any] = []
    position = 0
    while position < len(path):
        match = PATH_TOKEN.match(path, position)
        if not match:
            raise ValueError("bad result path %r" % path)
        index, key = match.groups()
        tokens.append(key if key is not None else ("*" if index == "*" else int(index)))
        position = match.end()

    def walk(value: t.Any, rest: list[t.Any], where: str) -> t.Any:
        if not rest:
            return value
        head = rest[0]
        if head == "*":
            assert isinstance(value, list), "%s is not a list: %r" % (where, value)
            return [walk(item, rest[1:], "%s[%d]" % (where, number)) for number, item in enumerate(value)]
        if isinstance(head, int):
            assert isinstance(value, list) and len(value) > head, "%s has no item %d: %r" % (where, head, value)
            return walk(value[head], rest[1:], "%s[%d]" % (where, head))
        assert isinstance(value, dict) and head in value, "%s has no key %r: %r" % (where, head, value)
        return walk(value[head], rest[1:], "%s.%s" % (where, head) if where else head)

    return walk(result, tokens, "")


def credentials(case: Case) -> list[str]:
    secrets = [case.params.get(option) for option in CREDENTIAL_OPTIONS] + [case.environment.get(name) for name in CREDENTIAL_VARIABLES]
    return [secret for secret in secrets if isinstance(secret, str) and secret]


def check(case: Case, outcome: Outcome, tokens: dict[str, str] | None = None) -> None:
    """Everything the case expects of the outcome, and what every case expects."""
    result, expect = outcome.result, substitute(case.expect, tokens or {})
    deprecations = [message(entry) for entry in result.get("deprecations") or []]
    assert not deprecations, "the module's result carries deprecations: %s" % deprecations
    for key in ("warnings", "deprecations"):
        assert key not in outcome.passed, "the module passed %s= to exit_json/fail_json instead of module.warn/deprecate" % key
    for secret in credentials(case):
        assert secret not in json.dumps(outcome.passed), "a credential is in the result"
        assert not any(secret in arg for call in outcome.calls for arg in call["argv"]), "a credential is in an eksctl argv"

    assert outcome.failed == expect.get("failed", False), "failed is %s, expected %s: %r" % (outcome.failed, expect.get("failed", False), result)
    msg = result.get("msg", "")
    if outcome.failed:
        assert "\n" not in msg and "Traceback" not in msg, msg
    if "changed" in expect:
        assert result.get("changed") == expect["changed"], "changed is %r, expected %r" % (result.get("changed"), expect["changed"])
    if "msg" in expect:
        assert msg == expect["msg"], "msg %r, expected %r" % (msg, expect["msg"])
    for text in expect.get("msg_contains", []):
        assert text in msg, "%r is not in the message %r" % (text, msg)
    warnings = [message(entry) for entry in result.get("warnings") or []]
    assert warnings == expect.get("warnings", []), "warnings %r, expected %r" % (warnings, expect.get("warnings", []))
    for path, value in (expect.get("result") or {}).items():
        assert select(result, path) == value, "%s: %r, expected %r" % (path, select(result, path), value)
    for key in expect.get("absent", []):
        assert key not in result, "%s is in the result: %r" % (key, result[key])


def run_case(main: t.Callable[[], None], case: Case, monkeypatch, capsys, tmp_path) -> Outcome:
    outcome = run(main, case, monkeypatch, capsys, tmp_path)
    check(case, outcome, {"@EKSCTL@": str(tmp_path / "eksctl"), "@TMP@": str(tmp_path / "scratch"), "@NOW@": During(outcome.window)})
    return outcome
