# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The eks_clusters inventory plugin marks every string from eksctl unsafe, on every supported ansible-core.

ansible-core 2.19 never templates inventory-sourced strings, while 2.17 and 2.18 do unless they are wrapped; this
suite runs on 2.19, so it checks that each value passes through wrap_var (replaced here by a recording marker).
"""

from __future__ import annotations

import pytest

from ansible.inventory.data import InventoryData

from ansible_collections.eks_tools.eksctl.plugins.inventory import eks_clusters

OPTIONS = {"strict": False, "on_unreadable": "fail", "compose": {}, "groups": {}, "keyed_groups": [], "leading_separator": True, "use_extra_vars": False}


class Marked(str):
    """What the test's wrap_var returns for a string."""


def mark(value):
    if isinstance(value, str):
        return Marked(value)
    if isinstance(value, dict):
        return {key: mark(item) for key, item in value.items()}
    return value


def all_strings_marked(value):
    if isinstance(value, str):
        return isinstance(value, Marked)
    if isinstance(value, dict):
        return all(all_strings_marked(item) for item in value.values())
    return True


@pytest.fixture(name="plugin")
def plugin_fixture(monkeypatch):
    monkeypatch.setattr(eks_clusters, "wrap_var", mark)
    plugin = eks_clusters.InventoryModule()
    plugin.inventory = InventoryData()
    monkeypatch.setattr(plugin, "get_option", OPTIONS.__getitem__)
    return plugin


def test_every_string_from_eksctl_is_unsafe(plugin):
    summary = {"phase": "running", "ready": True, "nodegroups_total": 1, "nodegroups_ready": 1, "nodegroups_stopped": 0, "desired_nodes": 2}
    plugin._populate([
        {"name": "dev-01", "region": "eu-north-1", "owned": True, "status_summary": summary},
        {"name": "dev-02", "region": "us-east-1", "owned": None, "error": "Failed to list: {{ lookup('pipe', 'id') }}"},
    ])
    for host in ("dev-01.eu-north-1", "dev-02.us-east-1"):
        variables = plugin.inventory.get_host(host).vars
        for name in ("eks_cluster_name", "eks_cluster_region"):
            assert isinstance(variables[name], Marked), (host, name)
        assert all(all_strings_marked(value) for name, value in variables.items()
                   if name.startswith("eks_")), (host, variables)
    assert isinstance(plugin.inventory.get_host("dev-02.us-east-1").vars["eks_cluster_error"], Marked)
    assert plugin.inventory.get_host("dev-01.eu-north-1").vars["eks_cluster_phase"] == "running"


@pytest.mark.parametrize("name, region", [
    ("{{ lookup('pipe', 'id') }}", "eu-north-1"),
    ("dev-01\n", "eu-north-1"),
    ("dev-01", "eu-north-1; id"),
    ("-rf", "eu-north-1"),
])
def test_a_name_or_region_eks_could_not_have_is_no_host(name, region):
    problems = []
    assert eks_clusters.InventoryModule._valid({"name": name, "region": region}, problems) is False
    assert len(problems) == 1 and "cannot be one" in problems[0].message


ACCESS_DENIED = ("Failed to list the nodegroups of cluster 'dev-03': unable to list nodegroups: operation error EKS: ListNodegroups, https "
                 "response error StatusCode: 403, RequestID: 4b1c, api error AccessDeniedException: User: arn:aws:iam::123456789012:user/ci "
                 "is not authorized to perform: eks:ListNodegroups (check the AWS credentials: access_key/secret_key/session_token, profile, "
                 "or the environment)")


def test_an_unreadable_message_leads_with_the_cause_in_one_short_line():
    problems = [eks_clusters.Problem("cluster dev-03 in us-east-1", ACCESS_DENIED),
                eks_clusters.Problem("the clusters of eu-west-1", "eksctl did not finish within command_timeout=3s and was killed: eksctl get cluster")]
    message = eks_clusters.unreadable_message("/srv/inventories/dev.eks_clusters.yml", problems, failing=True)
    first, *details = message.splitlines()
    assert len(first) <= 160
    assert first.startswith("Cannot read cluster dev-03 in us-east-1 (and 1 more): AccessDeniedException: User: arn:aws:iam::123456789012:user/ci")
    assert "strict" not in message and "on_unreadable: warn" in details[-1]
    assert details[0] == "eks_clusters inventory /srv/inventories/dev.eks_clusters.yml: 2 region(s) or cluster(s) could not be read:"
    assert details[1] == "  - cluster dev-03 in us-east-1: " + ACCESS_DENIED
    assert eks_clusters.Problem("x", "eksctl did not finish").cause() == "eksctl did not finish"
    assert "Going on without them" in eks_clusters.unreadable_message("p", problems, failing=False)
