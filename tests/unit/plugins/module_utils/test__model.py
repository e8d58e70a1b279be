# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ground floor: value types and how statuses count."""

from __future__ import annotations

import pytest

from ansible_collections.eks_tools.eksctl.plugins.module_utils import _model as model


@pytest.mark.parametrize("status, ready, failed, busy", [
    ("ACTIVE", True, False, False),
    ("CREATE_COMPLETE", True, False, False),
    ("UPDATE_COMPLETE", True, False, False),
    ("UPDATING", False, False, True),
    ("CREATING", False, False, True),
    ("UPDATE_IN_PROGRESS", False, False, True),
    ("DEGRADED", False, True, False),
    ("CREATE_FAILED", False, True, False),
    # eksctl's settled stack statuses (docs/eksctl.md, rolled-back): a rolled-back update leaves a working stack.
    ("UPDATE_ROLLBACK_COMPLETE", True, False, False),
    ("ROLLBACK_COMPLETE", True, False, False),
    ("UPDATE_ROLLBACK_FAILED", False, True, False),
    ("IMPORT_ROLLBACK_COMPLETE", False, True, False),
])
def test_status_classes(status, ready, failed, busy):
    assert (model.nodegroup_is_ready(status), model.nodegroup_has_failed(status), model.nodegroup_is_busy(status)) == (ready, failed, busy)


def test_capacity_stopped_and_as_dict():
    assert model.Capacity(0, 0, 5).stopped and not model.Capacity(0, 1, 5).stopped and not model.Capacity(1, 0, 5).stopped
    assert model.Capacity(3, 2, 5).as_dict() == {"desired_size": 3, "min_size": 2, "max_size": 5}


def test_an_outcome_shows_an_error_only_when_it_has_one():
    step = model.Step("ng-1", "managed", model.Capacity(3, 2, 5), model.Capacity(0, 0, 5), model.ACTION_STOPPED, {"desired_size": 0})
    planned = model.Outcome.planned(step)
    assert planned.as_dict() == {"name": "ng-1", "type": "managed", "before": {"desired_size": 3, "min_size": 2, "max_size": 5},
                                 "after": {"desired_size": 0, "min_size": 0, "max_size": 5}, "changed": True, "action": "stopped"}
    failed = planned._replace(changed=False, action=model.ACTION_FAILED, after=step.before, error="boom", rc=1, stderr="")
    assert {key: failed.as_dict()[key] for key in ("error", "rc", "stderr")} == {"error": "boom", "rc": 1, "stderr": ""}
