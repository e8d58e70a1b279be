# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Module code runs on Python 3.8+ targets: its grammar must be 3.8's, and nothing subscripts builtins at run time."""

from __future__ import annotations

import ast
import os

import pytest

PLUGINS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))), "plugins")
TARGET_FILES = sorted(
    os.path.join(PLUGINS, folder, name)
    for folder in ("modules", "module_utils")
    for name in os.listdir(os.path.join(PLUGINS, folder))
    if name.endswith(".py")
)


@pytest.mark.parametrize("path", TARGET_FILES, ids=os.path.basename)
def test_parses_with_python_38_grammar_and_postpones_annotations(path):
    with open(path, encoding="utf-8") as handle:
        source = handle.read()
    tree = ast.parse(source, filename=path, feature_version=(3, 8))
    future = [node for node in tree.body if isinstance(node, ast.ImportFrom) and node.module == "__future__"]
    assert any(alias.name == "annotations" for node in future for alias in node.names), path


def test_there_are_target_files():
    assert len(TARGET_FILES) >= 9
