# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test helper: append every task result as a JSON line to the file named by RECORD_RESULTS_FILE.

Each line also names, under ``deprecations``, the text of every deprecation warning the result carries (its own
and its loop items'), so the tests can fail on any: ansible-core 2.19 keeps them in the result as objects that a
plain JSON dump turns into unreadable strings, older releases as dictionaries."""

from __future__ import annotations

import json
import os

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r"""
name: record_results
type: aggregate
short_description: Record task results as JSON lines for the collection's tests
description:
  - Appends one JSON object per task result (task name, host, status, result, and the texts of the result's deprecation
    warnings) to the file in E(RECORD_RESULTS_FILE).
requirements:
  - E(RECORD_RESULTS_FILE) set to a writable path.
"""


def deprecation_text(deprecation):
    """The message of one deprecation: a DeprecationSummary (ansible-core 2.19+), a dictionary, or anything else."""
    event = getattr(deprecation, "event", None)
    if event is not None and getattr(event, "msg", None):
        return str(event.msg)
    if isinstance(deprecation, dict):
        return str(deprecation.get("msg", deprecation))
    return str(deprecation)


def deprecations_of(result):
    """The deprecation texts of a task result and of its loop items."""
    texts = [deprecation_text(entry) for entry in result.get("deprecations") or []]
    for item in result.get("results") or []:
        if isinstance(item, dict):
            texts.extend(deprecation_text(entry) for entry in item.get("deprecations") or [])
    return texts


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "record_results"
    CALLBACK_NEEDS_ENABLED = True

    def _record(self, result, status):
        path = os.environ.get("RECORD_RESULTS_FILE")
        if not path:
            return
        entry = {"task": result.task_name, "host": result._host.get_name(), "status": status, "result": result._result,
                 "deprecations": deprecations_of(result._result)}
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, default=str) + "\n")

    def v2_runner_on_ok(self, result):
        self._record(result, "changed" if result._result.get("changed") else "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, "failed")

    def v2_runner_on_skipped(self, result):
        self._record(result, "skipped")
