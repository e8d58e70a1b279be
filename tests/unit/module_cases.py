# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Module test cases as data: a YAML file of cases next to the test file that runs them.

A case file is a mapping with ``cases`` (a list) and, optionally, ``bases``: values that cases share through
YAML anchors and merge keys (``params: {<<: *demo, state: stopped}``); the loader reads nothing else from it. A case
that changes a shared option spells its options out rather than overriding a merged key, which Ansible's YAML loader
(the one ansible-lint uses) reports as a duplicate.
One case is one scenario::

    - id: scale_one_nodegroup          # the pytest id, unique in the file
      params: {cluster: demo, ...}     # module options; "@EKSCTL@" is the path of a stand-in eksctl, "@TMP@" a fresh directory
                                       # (in expect, "@NOW@" matches a UTC time while the module ran)
      check_mode: false                # optional
      diff: false                      # optional
      environment: {AWS_REGION: ...}   # optional: variables of the module's process (every AWS_* variable is unset first)
      calls:                           # every eksctl call, in order; the harness fails on one more, one fewer or another
        - argv: [get, nodegroup, ...]  # eksctl's arguments (the binary, @EKSCTL@, is checked separately)
          env: {AWS_PROFILE: x}        # optional, default {}: exactly what the call adds to the environment (the C locale aside)
          rc: 0                        # optional, default 0
          stdout: ...                  # optional, default ""
          stderr: ...                  # optional, default ""
        - parallel:                    # calls the module makes side by side: matched by argv, in any order
            - argv: [...]
      expect:
        failed: false                  # optional, default false
        changed: true                  # optional
        msg: ...                       # optional: the exact message
        msg_contains: [...]            # optional: texts the message contains
        warnings: [...]                # optional, default []: exactly the warnings the module gave
        result: {path: value}          # optional: selected result values, by path: key, key.sub, key[0], key[*].sub
        absent: [key]                  # optional: result keys that must not be there

An stdout or stderr is a string, or a mapping with one key that builds it: ``{contract: NAME}`` (an output of
tests/unit/contract.py), ``{nodegroups: [[name, type, status, desired, min, max], ...]}`` (a ``get nodegroup -o json``
document), ``{description: {Status: CREATING}}`` (contract.py's cluster description with top-level fields replaced),
``{json: value}`` (any value as a JSON text), ``{repeat: [text, count]}`` and ``{join: [output, ...]}``. Plain YAML
throughout (no tags), so every YAML tool reads the files.
"""

from __future__ import annotations

import json
import os
import typing as t

import yaml

from ansible_collections.eks_tools.eksctl.tests.unit import contract
from ansible_collections.eks_tools.eksctl.tests.unit.fake_eksctl import nodegroups_json

CASE_KEYS = frozenset(("id", "params", "check_mode", "diff", "environment", "calls", "expect"))
CALL_KEYS = frozenset(("argv", "env", "rc", "stdout", "stderr"))
EXPECT_KEYS = frozenset(("failed", "changed", "msg", "msg_contains", "warnings", "result", "absent"))


class ExpectedCall(t.NamedTuple):
    argv: tuple
    env: dict
    rc: int
    stdout: str
    stderr: str


class Case(t.NamedTuple):
    id: str
    params: dict
    check_mode: bool
    diff: bool
    environment: dict
    steps: list  # of lists of ExpectedCall: one call, or the calls of a parallel group
    expect: dict


def _contract(name: t.Any) -> str:
    if not isinstance(name, str) or not hasattr(contract, name):
        raise ValueError("no contract output named %r" % (name,))
    return getattr(contract, name)


def _description(fields: t.Any) -> str:
    (item,) = json.loads(contract.CLUSTER_DESCRIPTION)
    item.update(fields)
    return json.dumps([item], indent=4)


def _repeat(spec: t.Any) -> str:
    text, count = spec
    return text * count


OUTPUT_BUILDERS: dict[str, t.Callable[[t.Any], str]] = {
    "contract": _contract,
    "nodegroups": lambda rows: nodegroups_json(*[tuple(row) for row in rows]),
    "description": _description,
    "json": json.dumps,
    "repeat": _repeat,
    "join": lambda parts: "".join(output(part, "join") for part in parts),
}


def output(value: t.Any, where: str) -> str:
    """An stdout or stderr: a string, or a mapping with one of the builders above."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and len(value) == 1 and next(iter(value)) in OUTPUT_BUILDERS:
        ((name, spec),) = value.items()
        return OUTPUT_BUILDERS[name](spec)
    raise ValueError("%s must be a string or one of {%s: ...}, got %r" % (where, "|".join(OUTPUT_BUILDERS), value))


def _only(mapping: t.Any, allowed: frozenset, what: str) -> dict:
    """A mapping with no key but the allowed ones: a misspelt key would otherwise assert nothing."""
    if not isinstance(mapping, dict):
        raise ValueError("%s must be a mapping, got %r" % (what, mapping))
    unknown = sorted(set(mapping) - allowed)
    if unknown:
        raise ValueError("%s has unknown keys %s; allowed: %s" % (what, ", ".join(unknown), ", ".join(sorted(allowed))))
    return mapping


def _call(data: t.Any, where: str) -> ExpectedCall:
    data = _only(data, CALL_KEYS, where)
    if not isinstance(data.get("argv"), list) or not all(isinstance(arg, str) for arg in data["argv"]):
        raise ValueError("%s needs argv, a list of strings" % where)
    return ExpectedCall(tuple(data["argv"]), dict(data.get("env") or {}), int(data.get("rc", 0)),
                        output(data.get("stdout", ""), where + " stdout"), output(data.get("stderr", ""), where + " stderr"))


def _steps(calls: t.Any, where: str) -> list:
    steps = []
    for index, entry in enumerate(calls or []):
        if isinstance(entry, dict) and "parallel" in entry:
            _only(entry, frozenset(("parallel",)), "%s calls[%d]" % (where, index))
            steps.append([_call(call, "%s calls[%d].parallel[%d]" % (where, index, number)) for number, call in enumerate(entry["parallel"])])
        else:
            steps.append([_call(entry, "%s calls[%d]" % (where, index))])
    return steps


def _case(data: t.Any, index: int) -> Case:
    where = "case %d" % index
    data = _only(data, CASE_KEYS, where)
    case_id = data.get("id")
    if not isinstance(case_id, str) or not case_id:
        raise ValueError("%s needs an id" % where)
    where = "case %s" % case_id
    expect = _only(data.get("expect") or {}, EXPECT_KEYS, "%s expect" % where)
    return Case(case_id, dict(data.get("params") or {}), bool(data.get("check_mode", False)), bool(data.get("diff", False)),
                dict(data.get("environment") or {}), _steps(data.get("calls"), where), expect)


def load_text(text: str) -> list[Case]:
    document = yaml.safe_load(text)
    document = _only(document, frozenset(("bases", "cases")), "a case file")
    cases = [_case(data, index) for index, data in enumerate(document.get("cases") or [])]
    ids = [case.id for case in cases]
    duplicates = sorted({case_id for case_id in ids if ids.count(case_id) > 1})
    if duplicates:
        raise ValueError("case ids must be unique: %s" % ", ".join(duplicates))
    return cases


def load_next_to(test_file: str) -> list[Case]:
    """The cases of ``test_x.yaml`` for the test file ``test_x.py``."""
    path = os.path.splitext(test_file)[0] + ".yaml"
    with open(path, encoding="utf-8") as handle:
        cases = load_text(handle.read())
    if not cases:
        raise ValueError("%s holds no cases" % path)
    return cases
