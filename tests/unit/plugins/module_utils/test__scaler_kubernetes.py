# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A stop that stops what the cluster runs: the pause of cluster-autoscaler and Karpenter before the nodegroup writes, its
resume after a start's, recorded with the sizes; and the proof at the Node level. On a fake Kubernetes API that applies what
the collection writes."""

from __future__ import annotations

import pytest

from ansible_collections.eks_tools.eksctl.plugins.module_utils import _errors as errors
from ansible_collections.eks_tools.eksctl.plugins.module_utils._model import Capacity
from ansible_collections.eks_tools.eksctl.plugins.module_utils._recording.file import RecordingFile
from ansible_collections.eks_tools.eksctl.tests.unit import contract
from ansible_collections.eks_tools.eksctl.tests.unit.fake_eksctl import FakeEksctl
from ansible_collections.eks_tools.eksctl.tests.unit.fake_kubernetes import FakeClusterApi, deployment, node, nodeclaim, nodepool, unreachable
from ansible_collections.eks_tools.eksctl.tests.unit.scaler_harness import READ, RUNNING, STOPPED, apply, build, scale

DESCRIBE = ("get", "cluster", "--name=demo", "--output=json", "--region=eu-north-1")
FARGATE = ("get", "fargateprofile", "--cluster=demo", "--output=json", "--region=eu-north-1")
KEY = "eu-north-1/demo"


def cluster_with_both():
    return FakeClusterApi(
        nodes=[node("ng-1-a", nodegroup="ng-1"), node("self-a", nodegroup="ng-self", eksctl_label=True), node("k-1", nodepool="default"),
               node("k-2", nodepool="default"), node("bastion")],
        deployments=[deployment("cluster-autoscaler", replicas=2), deployment("coredns", replicas=2)],
        nodepools=[nodepool("default", {"cpu": "100"}), nodepool("spot")],
        nodeclaims=[nodeclaim("default-abc", "default"), nodeclaim("default-def", "default")])


def stop_fake():
    fake = FakeEksctl({READ: [RUNNING, STOPPED], DESCRIBE: [contract.CLUSTER_DESCRIPTION]})
    fake.add(scale("ng-self", "--nodes=0", "--nodes-min=0"), contract.SCALE_STDOUT)
    fake.add(scale("ng-1", "--nodes=0", "--nodes-min=0"), contract.SCALE_STDOUT)
    return fake


def test_a_paused_stop_then_a_start_leave_every_size_limit_and_replica_exactly_as_before(tmp_path):
    api = cluster_with_both()
    store = RecordingFile(str(tmp_path / "recordings.json"))
    order = []
    api.on_get = lambda path: order.append(("read", path))
    fake = stop_fake()
    replay = fake.run
    fake.run = lambda argv, env, timeout: (order.append(("eksctl", argv[1])), replay(argv, env, timeout))[1]
    made, _clock = build(fake, kubernetes=api)
    stop = apply(made, store=store, state="stopped", autoscalers="pause")
    assert stop["changed"] is True
    assert [(change["kind"], change["name"], change["before"], change["after"]) for change in stop["autoscalers"]] == [
        ("deployment", "cluster-autoscaler", 2, 0), ("nodepool", "default", {"cpu": "100"}, {"cpu": "0", "memory": "0"}),
        ("nodepool", "spot", None, {"cpu": "0", "memory": "0"}), ("nodeclaim", "default-abc", "default", None),
        ("nodeclaim", "default-def", "default", None)]
    # The pause ran before the first nodegroup write, in order: autoscaler, limits, then the NodeClaims.
    writes = [call[:2] for call in api.calls if call[0] != "GET"]
    assert writes == [("PATCH", "/apis/apps/v1/namespaces/kube-system/deployments/cluster-autoscaler/scale"),
                      ("PATCH", "/apis/karpenter.sh/v1/nodepools/default"), ("PATCH", "/apis/karpenter.sh/v1/nodepools/spot"),
                      ("DELETE", "/apis/karpenter.sh/v1/nodeclaims/default-abc"), ("DELETE", "/apis/karpenter.sh/v1/nodeclaims/default-def")]
    assert [step for step in order if step[0] == "eksctl"][-3:][0] == ("eksctl", "scale")
    recorded = store.load(KEY).autoscalers
    assert recorded == {"deployments": {"kube-system/cluster-autoscaler": 2}, "nodepools": {"default": {"cpu": "100"}, "spot": None}}
    assert stop["recording"]["autoscalers"] == recorded
    # A second stop changes nothing and keeps what the first recorded.
    again = apply(build(FakeEksctl({READ: [STOPPED], DESCRIBE: [contract.CLUSTER_DESCRIPTION]}), kubernetes=api)[0], store=store,
                  state="stopped", autoscalers="pause")
    assert again["changed"] is False and again["autoscalers"] == [] and store.load(KEY).autoscalers == recorded
    # The start: nodegroups first, then the limits, then the replicas; whatever its own option says.
    fake = FakeEksctl({READ: [STOPPED, RUNNING], DESCRIBE: [contract.CLUSTER_DESCRIPTION]})
    fake.add(scale("ng-self", "--nodes=2", "--nodes-min=1", "--nodes-max=4"), contract.SCALE_STDOUT)
    fake.add(scale("ng-1", "--nodes=3", "--nodes-min=2", "--nodes-max=5"), contract.SCALE_STDOUT)
    start = apply(build(fake, kubernetes=api)[0], store=store, state="started")
    assert [(change["kind"], change["name"], change["after"]) for change in start["autoscalers"]] == [
        ("nodepool", "default", {"cpu": "100"}), ("nodepool", "spot", None), ("deployment", "cluster-autoscaler", 2)]
    assert api.objects["/apis/apps/v1/deployments"][0]["spec"]["replicas"] == 2
    assert [pool["spec"] for pool in api.objects["/apis/karpenter.sh/v1/nodepools"]] == [{"limits": {"cpu": "100"}}, {}]
    assert store.load(KEY).empty and api.closed


def test_check_mode_of_a_paused_stop_shows_every_kubernetes_change_and_makes_none():
    api = cluster_with_both()
    fake = FakeEksctl({READ: [RUNNING], DESCRIBE: [contract.CLUSTER_DESCRIPTION], FARGATE: ["[]"]})
    made, _clock = build(fake, check_mode=True, kubernetes=api)
    result = apply(made, state="stopped", autoscalers="pause")
    assert [call[0] for call in api.calls] == ["GET"] * 4
    assert result["diff"]["after"]["kubernetes"] == {"deployment cluster-autoscaler": 0, "nodepool default": {"cpu": "0", "memory": "0"},
                                                     "nodepool spot": {"cpu": "0", "memory": "0"}, "nodeclaim default-abc": None,
                                                     "nodeclaim default-def": None}
    assert [check["check"] for check in result["preflight"]] == ["still_running"] * 3
    assert {check["subject"] for check in result["preflight"]} == {"karpenter_nodes default", "other_nodes 1 node(s)",
                                                                   "cluster_autoscaler kube-system/cluster-autoscaler"}


def test_a_pause_without_kubernetes_access_fails_before_any_write(tmp_path):
    fake = FakeEksctl({READ: [RUNNING], DESCRIBE: [contract.CLUSTER_DESCRIPTION]})
    made, _clock = build(fake, kubernetes=unreachable)
    with pytest.raises(errors.KubernetesAccessError) as raised:
        apply(made, store=RecordingFile(str(tmp_path / "recordings.json")), state="stopped", autoscalers="pause")
    assert raised.value.msg.startswith("cluster 'demo': nothing was changed, since the pause needs the cluster's Kubernetes API: ")
    assert "let this host reach the cluster's API endpoint" in raised.value.msg
    assert not [argv for argv in fake.argvs() if argv[1] == "scale"] and not (tmp_path / "recordings.json").exists()


def test_a_pause_that_fails_part_way_says_what_it_paused_and_the_rerun_completes_it(tmp_path):
    api = cluster_with_both()
    real_patch = api.patch
    failures = ["/apis/karpenter.sh/v1/nodepools/spot"]

    def patch(path, body):
        if path in failures:
            failures.remove(path)
            raise errors.KubernetesAccessError("forbidden for a moment")
        return real_patch(path, body)

    api.patch = patch
    store = RecordingFile(str(tmp_path / "recordings.json"))
    with pytest.raises(errors.KubernetesAccessError):
        apply(build(FakeEksctl({READ: [RUNNING], DESCRIBE: [contract.CLUSTER_DESCRIPTION]}), kubernetes=api)[0],
              store=store, state="stopped", autoscalers="pause")
    # Recorded before the pause began: the values before any change survive the failure.
    assert store.load(KEY).autoscalers["nodepools"] == {"default": {"cpu": "100"}, "spot": None}
    rerun = apply(build(stop_fake(), kubernetes=api)[0], store=store, state="stopped", autoscalers="pause")
    assert [(change["kind"], change["name"]) for change in rerun["autoscalers"]][:1] == [("nodepool", "spot")]
    assert store.load(KEY).autoscalers["deployments"] == {"kube-system/cluster-autoscaler": 2}


def test_autoscalers_ignore_warns_when_it_finds_them_and_changes_nothing_in_kubernetes():
    api = cluster_with_both()
    # The nodegroups' Nodes go with the stop; Karpenter's stay (nothing paused them), and a stop without the pause does not wait for them.
    api.on_get = lambda path: api.objects.__setitem__(
        "/api/v1/nodes", [item for item in api.objects["/api/v1/nodes"] if "karpenter.sh/nodepool" in item["metadata"]["labels"]])
    made, _clock = build(stop_fake(), kubernetes=api)
    result = apply(made, state="stopped", wait=True)
    assert [call[0] for call in api.calls if call[0] != "GET"] == []
    assert result["nodes"]["by_nodegroup"] == {} and result["nodes"]["karpenter"] and result["nodes"]["total"] == sum(result["nodes"]["karpenter"].values())
    assert any("left as they are (autoscalers=ignore)" in warning for warning in result["warnings"])


def test_a_stop_with_wait_proves_the_nodes_gone_and_names_one_a_pdb_holds():
    api = cluster_with_both()
    api.objects["/api/v1/pods"] = [{"metadata": {"name": "db-0", "namespace": "data", "labels": {"app": "db"}}, "spec": {"nodeName": "ng-1-a"}}]
    budget = {"metadata": {"name": "db", "namespace": "data"}, "spec": {"selector": {"matchLabels": {"app": "db"}}}, "status": {"disruptionsAllowed": 0}}
    api.objects["/apis/policy/v1/poddisruptionbudgets"] = [budget]
    # The nodegroup drain removes ng-self's Node at once; the PDB keeps ng-1's.
    api.on_get = lambda path: api.objects.__setitem__(
        "/api/v1/nodes", [item for item in api.objects["/api/v1/nodes"] if item["metadata"]["name"] != "self-a"])
    made, _clock = build(stop_fake(), kubernetes=api, wait_timeout=30)
    with pytest.raises(errors.WaitTimeout) as raised:
        apply(made, state="stopped", wait=True)
    assert "waiting for Nodes gone of cluster 'demo'; still there: ng-1-a (PodDisruptionBudget data/db allows no disruption of pod db-0)" in raised.value.msg
    assert raised.value.details["nodegroups"][0]["action"] == "stopped"


def test_a_start_with_wait_waits_for_the_restored_nodegroups_ready_nodes():
    api = FakeClusterApi(nodes=[node("ng-1-a", nodegroup="ng-1", ready=False)])
    polls = []

    def become_ready(path):
        polls.append(path)
        if len([p for p in polls if p == "/api/v1/nodes"]) >= 3:
            api.objects["/api/v1/nodes"] = [node("ng-1-%d" % index, nodegroup="ng-1") for index in range(3)] + [
                node("s-%d" % index, nodegroup="ng-self", eksctl_label=True) for index in range(2)]

    api.on_get = become_ready
    fake = FakeEksctl({READ: [STOPPED, RUNNING], DESCRIBE: [contract.CLUSTER_DESCRIPTION]})
    fake.add(scale("ng-self", "--nodes=2", "--nodes-min=1", "--nodes-max=4"), contract.SCALE_STDOUT)
    fake.add(scale("ng-1", "--nodes=3", "--nodes-min=2", "--nodes-max=5"), contract.SCALE_STDOUT)
    made, clock = build(fake, kubernetes=api)
    result = apply(made, state="started", wait=True, restore={"ng-self": Capacity(2, 1, 4), "ng-1": Capacity(3, 2, 5)})
    assert "Nodes: waiting for ng-1 (0 of 3 Ready), ng-self (0 of 2 Ready)" in result["wait_log"], result["wait_log"]
    assert result["wait_log"][-1].startswith("Nodes Ready after")
    assert clock.sleeps  # it waited between polls
    # What the last poll proved, for the fleet's summary.
    assert result["nodes"] == {"total": 5, "ready": 5, "by_nodegroup": {"ng-1": 3, "ng-self": 2}, "karpenter": {}, "other": 0}


def test_a_wait_whose_kubernetes_api_cannot_be_read_says_so_and_proves_the_nodegroups_only():
    made, _clock = build(stop_fake(), kubernetes=unreachable)
    result = apply(made, state="stopped", wait=True)
    assert result["changed"] is True and "nodes" not in result
    assert any(warning.startswith("the Nodes of cluster 'demo' could not be checked, so only the nodegroups' sizes prove the stop")
               for warning in result["warnings"])
