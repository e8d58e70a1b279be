# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test helper: append every task result as a JSON line to the file named by RECORD_RESULTS_FILE."""

from __future__ import annotations

import json
import os

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r"""
name: record_results
type: aggregate
short_description: Record task results as JSON lines for the collection's tests
description:
  - Appends one JSON object per task result (task name, host, status, result) to the file in E(RECORD_RESULTS_FILE).
requirements:
  - E(RECORD_RESULTS_FILE) set to a writable path.
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "record_results"
    CALLBACK_NEEDS_ENABLED = True

    def _record(self, result, status):
        path = os.environ.get("RECORD_RESULTS_FILE")
        if not path:
            return
        entry = {"task": result.task_name, "host": result._host.get_name(), "status": status, "result": result._result}
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, default=str) + "\n")

    def v2_runner_on_ok(self, result):
        self._record(result, "changed" if result._result.get("changed") else "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, "failed")

    def v2_runner_on_skipped(self, result):
        self._record(result, "skipped")
