# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulator against the real eksctl: the same command lines on the same seed data.

Exit codes, stdout and stderr must be equal once what can never be equal is masked: log
timestamps, AWS request ids, and what the emulation itself makes up (the cluster endpoint and CA,
which point at the local Kubernetes API, and the identity in a Kubernetes refusal). JSON documents
are compared as data, key order included. After every command the sizes left behind are compared
too. The differences that remain are masked below, each with its reason, and listed in the
simulator's docstring; a new eksctl release that changes any other output fails this test.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(os.path.dirname(HERE), "simulator"), os.path.join(os.path.dirname(HERE), "utils")]

import eksctl_simulator  # noqa: E402  pylint: disable=wrong-import-position
from worlds import SimulatedWorld, run_eksctl  # noqa: E402  pylint: disable=wrong-import-position

R = "--region=eu-north-1"
W = "--region=eu-west-1"
COMMANDS = {
    "version": ["version"],
    "version json": ["version", "-o", "json"],
    "list a region": ["get", "cluster", "-o", "json", R],
    "list another region": ["get", "cluster", "--output=json", "--region=us-east-1"],
    "list all regions": ["get", "cluster", "--all-regions", "--output=json", R],
    "list all regions without a region": ["get", "cluster", "-A", "-o", "json"],
    "list an unsupported region": ["get", "cluster", "-o", "json", "--region=xx-east-9"],
    "describe demo": ["get", "cluster", "--name=demo", "--output=json", R],
    "describe legacy-tf": ["get", "cluster", "--name", "legacy-tf", "-o", "json", R],
    "describe staging": ["get", "cluster", "staging", "-o", "json", "--region=us-east-1"],
    "describe an unknown cluster": ["get", "cluster", "--name=nope", "--output=json", R],
    "describe with -A": ["get", "cluster", "--name=demo", "-A", "-o", "json", R],
    "nodegroups of demo": ["get", "nodegroup", "--cluster=demo", "--output=json", R],
    "nodegroups of legacy-tf": ["get", "nodegroup", "--cluster=legacy-tf", "--output=json", R],
    "nodegroups of staging": ["get", "nodegroup", "--cluster=staging", "--output=json", "--region=us-east-1"],
    "nodegroups of sandbox": ["get", "nodegroups", "--cluster=sandbox", "-o", "json", "--region=us-east-1"],
    "one nodegroup by name": ["get", "ng", "--cluster=demo", "--name=ng-1", "-o", "json", R],
    "a self-managed nodegroup by name": ["get", "nodegroup", "--cluster=demo", "--name=ng-self", "-o", "json", R],
    "an unknown nodegroup": ["get", "nodegroup", "--cluster=demo", "--name=ng-9", "-o", "json", R],
    "nodegroups of an unknown cluster": ["get", "nodegroup", "--cluster=nope", "-o", "json", R],
    "nodegroups without a cluster": ["get", "nodegroup", "-o", "json", R],
    "scale a managed nodegroup": ["scale", "nodegroup", "--cluster=demo", "--name=ng-1", "--nodes=4", R],
    "scale a managed nodegroup to zero": ["scale", "nodegroup", "--cluster=demo", "--name=ng-2", "--nodes=0", "--nodes-min=0", R],
    "scale a self-managed nodegroup": ["scale", "nodegroup", "--cluster=demo", "--name=ng-self", "--nodes=3", "--nodes-max=5", R],
    "scale a self-managed nodegroup to zero": ["scale", "ng", "--cluster=demo", "--name=ng-self", "--nodes=0", "--nodes-min=0", R],
    "scale above max, managed": ["scale", "nodegroup", "--cluster=demo", "--name=ng-1", "--nodes=9", R],
    "scale above max, self-managed": ["scale", "nodegroup", "--cluster=demo", "--name=ng-self", "--nodes=9", R],
    "scale below min, managed": ["scale", "nodegroup", "--cluster=demo", "--name=ng-1", "--nodes=1", R],
    "scale a name eksctl refuses": ["scale", "nodegroup", "--cluster=legacy-tf", "--name=tf_workers", "--nodes=3", R],
    "scale an unknown nodegroup": ["scale", "nodegroup", "--cluster=demo", "--name=ng-9", "--nodes=1", R],
    "scale in an unknown cluster": ["scale", "nodegroup", "--cluster=nope", "--name=ng-1", "--nodes=1", R],
    "scale without sizes": ["scale", "nodegroup", "--cluster=demo", "--name=ng-1", R],
    "scale with a negative size": ["scale", "nodegroup", "--cluster=demo", "--name=ng-1", "--nodes=-1", R],
    "scale with min above max": ["scale", "nodegroup", "--cluster=demo", "--name=ng-1", "--nodes-min=3", "--nodes-max=2", R],
    "scale with desired above max": ["scale", "nodegroup", "--cluster=demo", "--name=ng-1", "--nodes=4", "--nodes-max=3", R],
    "scale without a cluster": ["scale", "nodegroup", "--name=ng-1", "--nodes=1", R],
    "scale with a name flag and argument": ["scale", "nodegroup", "ng-2", "--cluster=demo", "--name=ng-1", "--nodes=1", R],
    "an unknown flag": ["get", "cluster", "--bogus", R],
    "an unknown output": ["get", "cluster", "-o", "xml", R],
    # What a nodegroup stop leaves running: Fargate profiles, EKS Auto Mode, extended support (the seed's third region).
    "list the third region": ["get", "cluster", "-o", "json", W],
    "describe a cluster with Fargate profiles": ["get", "cluster", "--name=fargate-demo", "-o", "json", W],
    "describe an Auto Mode cluster": ["get", "cluster", "--name=auto-demo", "-o", "json", W],
    "describe a cluster on extended support": ["get", "cluster", "extended-demo", "-o", "json", W],
    "nodegroups of an Auto Mode cluster": ["get", "nodegroup", "--cluster=auto-demo", "-o", "json", W],
    "nodegroups of a cluster on extended support": ["get", "nodegroup", "--cluster=extended-demo", "-o", "json", W],
    "fargate profiles": ["get", "fargateprofile", "--cluster=fargate-demo", "-o", "json", W],
    "fargate profiles as yaml": ["get", "fargateprofile", "--cluster=fargate-demo", "--output=yaml", W],
    "fargate profiles as a table": ["get", "fargateprofiles", "-c", "fargate-demo", W],
    "one fargate profile by name": ["get", "fargateprofile", "--cluster=fargate-demo", "--name=fp-batch", "-o", "json", W],
    "one fargate profile by argument": ["get", "fargateprofiles", "fp-default", "--cluster=fargate-demo", "-o", "json", W],
    "an unknown fargate profile": ["get", "fargateprofile", "--cluster=fargate-demo", "--name=fp-nope", "-o", "json", W],
    "no fargate profiles": ["get", "fargateprofile", "--cluster=demo", "-o", "json", R],
    "no fargate profiles as yaml": ["get", "fargateprofile", "--cluster=demo", "-o", "yaml", R],
    "no fargate profiles as a table": ["get", "fargateprofile", "--cluster=auto-demo", W],
    "fargate profiles of an unknown cluster": ["get", "fargateprofile", "--cluster=nope", "-o", "json", R],
    "fargate profiles without a cluster": ["get", "fargateprofile", "-o", "json", R],
    "fargate profile by name flag and argument": ["get", "fargateprofile", "fp-batch", "--cluster=fargate-demo", "--name=fp-default", W],
    "fargate profiles with two arguments": ["get", "fargateprofile", "a", "b", "--cluster=fargate-demo", W],
    "fargate profile with -n": ["get", "fargateprofile", "--cluster=fargate-demo", "-n", "fp-batch", W],
    "fargate profiles, unknown output": ["get", "fargateprofile", "--cluster=fargate-demo", "-o", "xml", W],
    "fargate profiles, unknown output and profile": ["get", "fargateprofile", "--cluster=fargate-demo", "--name=x", "-o", "xml", W],
    "fargate profiles in an unsupported region": ["get", "fargateprofile", "--cluster=fargate-demo", "-o", "json", "--region=xx-east-9"],
}
# Changes made before the command, in both worlds (see SimulatedWorld and EmulatedWorld).
SETUPS = {
    "connector cluster listed": (("add_connector_cluster", "edge"), ["get", "cluster", "-o", "json", R]),
    "connector cluster described": (("add_connector_cluster", "edge"), ["get", "cluster", "--name=edge", "-o", "json", R]),
    "connector cluster nodegroups": (("add_connector_cluster", "edge"), ["get", "nodegroup", "--cluster=edge", "-o", "json", R]),
    "connector cluster scale": (("add_connector_cluster", "edge"), ["scale", "nodegroup", "--cluster=edge", "--name=a", "--nodes=1", R]),
    "connector cluster fargate profiles": (("add_connector_cluster", "edge"), ["get", "fargateprofile", "--cluster=edge", "-o", "json", R]),
    "Kubernetes API forbidden": (("set_kube_api", "forbidden"), ["get", "nodegroup", "--cluster=demo", "-o", "json", R]),
    "Kubernetes API unreachable": (("set_kube_api", "unreachable"), ["get", "nodegroup", "--cluster=demo", "-o", "json", R]),
    "Kubernetes API refused, stopped cluster": (("set_kube_api", "forbidden"),
                                                ["get", "nodegroup", "--cluster=staging", "-o", "json", "--region=us-east-1"]),
    "Kubernetes API refused, managed by name": (("set_kube_api", "forbidden"), ["get", "nodegroup", "--cluster=demo", "--name=ng-1", "-o", "json", R]),
    "Kubernetes API refused, scale": (("set_kube_api", "unreachable"), ["scale", "nodegroup", "--cluster=demo", "--name=ng-self", "--nodes=1", R]),
    "rolled-back stack": (("set_stack_status", "demo", "ng-self", "UPDATE_ROLLBACK_COMPLETE"),
                          ["get", "nodegroup", "--cluster=demo", "-o", "json", R]),
    "scale with a rolled-back stack": (("set_stack_status", "demo", "ng-self", "UPDATE_ROLLBACK_COMPLETE"),
                                       ["scale", "nodegroup", "--cluster=demo", "--name=ng-self", "--nodes=3", R]),
}

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ", re.M)
REQUEST_ID = re.compile(r"RequestID: [0-9a-fA-F-]+")
# A Kubernetes refusal names the caller's identity, and an unreachable endpoint its address: both are the emulation's.
KUBE_USER = re.compile(r'User "[^"]*"')
KUBE_URL = re.compile(r'Get "https://[^"]*/api/v1/nodes[^"]*": .*$', re.M)
# The emulation's cluster endpoint (the local Kubernetes API) and CA certificate, and the simulator's.
MADE_UP = ("Endpoint", "CertificateAuthority")
# Fields of DescribeCluster that only newer eksctl releases print (their AWS SDK has them); the simulator
# follows the newest pinned release, so for an older one they are left out of both sides.
SDK_FIELDS = ("ControlPlaneScalingConfig", "KubeApiServerConfig", "KubeControllerManagerConfig", "KubeSchedulerConfig",
              "ResourcesVpcConfig.ControlPlaneEgressMode")
# The regions eksctl supports grow with its releases; the simulator has the newest pinned release's list.
SUPPORTED_LIST = re.compile(r"(is not supported - use one of: ).*$", re.M)


def newest(version: str) -> bool:
    return version == eksctl_simulator.VERSION


def mask_text(text: str, version: str) -> str:
    if not newest(version):
        text = SUPPORTED_LIST.sub(r"\1<the release's regions>", text)
    text = TIMESTAMP.sub("<time> ", text)
    text = REQUEST_ID.sub("RequestID: <id>", text)
    text = KUBE_USER.sub('User "<caller>"', text)
    return KUBE_URL.sub('Get "<endpoint>/api/v1/nodes": <no route>', text)


def mask_document(document: object, version: str) -> object:
    """Mask what the emulation makes up in a DescribeCluster answer; keep everything else, in order."""
    if isinstance(document, list):
        return [mask_document(item, version) for item in document]
    if isinstance(document, dict) and "Arn" in document and "ResourcesVpcConfig" in document:
        masked = {key: ("<emulation>" if key in MADE_UP and value else value) for key, value in document.items()}
        if not newest(version):
            for path in SDK_FIELDS:
                parent, _dot, field = path.rpartition(".")
                holder = masked.get(parent) if parent else masked
                if isinstance(holder, dict):
                    holder.pop(field, None)
        return masked
    if isinstance(document, dict) and set(document) == {"Version", "PreReleaseID", "Metadata"}:
        # The simulator claims the newest pinned release; another binary prints its own build.
        return dict(document, Version="<version>", Metadata={key: "<build>" for key in document["Metadata"]})
    return document


def normalised(completed: subprocess.CompletedProcess, version: str) -> tuple:
    stdout = completed.stdout
    try:
        document: object = mask_document(json.loads(stdout), version)
        stdout_form = "json" if stdout.lstrip().startswith(("[", "{")) else "text"
    except ValueError:
        document, stdout_form = mask_text(stdout, version), "text"
    if stdout_form == "text" and re.fullmatch(r"\d+\.\d+\.\d+\n", stdout):
        document = "<version>\n"
    return completed.returncode, stdout_form, document, mask_text(completed.stderr, version), stdout.endswith("\n")


def run_in(world, argv: list[str]) -> subprocess.CompletedProcess:
    """One eksctl command line in a world: the simulator's bin or the wrapper of the real binary."""
    return run_eksctl(["eksctl"] + argv, world.env, world.root)


def all_sizes(world) -> dict:
    return {(cluster, region): world.sizes(cluster, region)
            for cluster, region in (("demo", "eu-north-1"), ("legacy-tf", "eu-north-1"), ("staging", "us-east-1"),
                                    ("fargate-demo", "eu-west-1"), ("extended-demo", "eu-west-1"))}


def compare(world, simulated, argv: list[str], version: str) -> None:
    """Neither world has a region in its environment: the command lines give it, or go without."""
    real = run_in(world, argv)
    fake = run_in(simulated, argv)
    assert normalised(fake, version) == normalised(real, version), "eksctl %s\nreal:\n%s%s\nsimulator:\n%s%s" % (
        " ".join(argv), real.stdout, real.stderr, fake.stdout, fake.stderr)
    assert all_sizes(simulated) == all_sizes(world)


@pytest.fixture(name="simulated")
def simulated_fixture(tmp_path):
    root = tmp_path / "simulated"
    root.mkdir()
    return SimulatedWorld(str(root))


@pytest.mark.parametrize("argv", list(COMMANDS.values()), ids=list(COMMANDS))
def test_same_output(real, simulated, argv):
    compare(real, simulated, argv, real.version)


@pytest.mark.parametrize("setup, argv", list(SETUPS.values()), ids=list(SETUPS))
def test_same_output_after_a_change(real, simulated, setup, argv):
    for world in (real, simulated):
        getattr(world, setup[0])(*setup[1:])
    compare(real, simulated, argv, real.version)


def test_updating_then_active_after_a_managed_scale(real, simulated):
    """A managed nodegroup reads UPDATING once after a scale, then ACTIVE; a second scale meanwhile gets 409."""
    scale = ["scale", "nodegroup", "--cluster=demo", "--name=ng-1", "--nodes=4", R]
    read = ["get", "nodegroup", "--cluster=demo", "--name=ng-1", "-o", "json", R]
    for argv in (scale, ["scale", "nodegroup", "--cluster=demo", "--name=ng-1", "--nodes=3", R], read, read):
        compare(real, simulated, argv, real.version)


def test_simulator_seed_is_the_emulators(real, simulated):
    assert all_sizes(simulated) == all_sizes(real)
    assert eksctl_simulator.VERSION in open(os.path.join(HERE, "go_tools.py"), encoding="utf-8").read()
