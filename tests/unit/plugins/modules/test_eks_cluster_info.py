# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""eks_cluster_info in-process against eksctl's outputs of tests/unit/contract.py: one test per case of test_eks_cluster_info.yaml."""

from __future__ import annotations

import pytest

from ansible_collections.eks_tools.eksctl.plugins.modules import eks_cluster_info
from ansible_collections.eks_tools.eksctl.tests.unit.module_cases import load_next_to
from ansible_collections.eks_tools.eksctl.tests.unit.module_harness import run_case

CASES = load_next_to(__file__)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_case(case, monkeypatch, capsys, tmp_path):
    run_case(eks_cluster_info.main, case, monkeypatch, capsys, tmp_path)
