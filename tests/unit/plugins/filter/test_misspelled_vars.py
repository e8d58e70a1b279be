# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The check of the stop, start and report playbooks for misspelled variables."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.eks_tools.eksctl.plugins.filter.misspelled_vars import misspelled_vars

KNOWN = ["cluster", "region", "wait", "wait_sleep", "eks_hosts", "allow_empty_fleet", "recording_path"]


@pytest.mark.parametrize("names, expected", [
    (["clustr"], ["clustr (did you mean cluster?)"]),
    (["clusters", "regoin"], ["clusters (did you mean cluster?)", "regoin (did you mean region?)"]),
    (["cluster", "region", "wait"], []),
    (["groups", "hostvars", "inventory_hostname", "eks_cluster_name", "ansible_check_mode", "omit", "playbook_dir"], []),
    (["wait_slep"], ["wait_slep (did you mean wait_sleep?)"]),
])
def test_misspellings_are_named_with_what_they_look_like(names, expected):
    assert misspelled_vars(names, KNOWN) == expected


@pytest.mark.parametrize("names, known, cutoff", [("cluster", KNOWN, 0.8), (["x"], "cluster", 0.8), (["x"], KNOWN, 2)])
def test_bad_input(names, known, cutoff):
    with pytest.raises(AnsibleFilterError):
        misspelled_vars(names, known, cutoff)
