# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""eks_nodegroup_scale in-process, the savings ledger: one test per case of test_eks_nodegroup_scale_ledger.yaml (what a stop
records and a start reports, the ledger's inputs refused in one line before any eksctl call). The exact figures on a clock
the tests set are in tests/unit/plugins/module_utils/test__ledger.py and test__scaler_ledger.py."""

from __future__ import annotations

import pytest

from ansible_collections.eks_tools.eksctl.plugins.modules import eks_nodegroup_scale
from ansible_collections.eks_tools.eksctl.tests.unit.module_cases import load_next_to
from ansible_collections.eks_tools.eksctl.tests.unit.module_harness import run_case

CASES = load_next_to(__file__)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_case(case, monkeypatch, capsys, tmp_path):
    run_case(eks_nodegroup_scale.main, case, monkeypatch, capsys, tmp_path)
