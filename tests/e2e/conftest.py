# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The end-to-end tier: the collection against the real eksctl on an emulated AWS.

Every scenario runs once per real eksctl the tier was given, on the same seed data as the
simulator's, with the assertions the integration tier makes on the simulator (the scenarios it
has no test of its own for run there from tests/e2e/test_scenarios.py itself:
tests/integration/test_scenarios_on_the_simulator.py). The real binaries are the pinned
releases built by ``go_tools.py`` or, with ``EKSCTL=/path/to/eksctl``, the user's own. The
emulated AWS gives each cluster a real Kubernetes API server (etcd, kube-apiserver, kwok and
Karpenter, also built by ``go_tools.py``).

pytest runs the tier in parallel workers (``-n``); each worker starts its own emulated AWS, and
every test has its own directory.

Fixtures: ``aws`` (the emulated AWS, reset and seeded for the test), ``kube_worlds`` (the same, plus
the seed's Kubernetes worlds in their own region: ``eksctl_simulator.kubernetes_worlds()``), ``eksctl``
(each real binary), ``world`` and ``real`` (an Ansible harness on a real eksctl).
A cluster's Kubernetes side is ``aws.kubernetes`` (kube_world.EmulatedKubernetes).

Run with ``make e2e`` (or ``make e2e EKSCTL=/path/to/eksctl``).
"""

from __future__ import annotations

import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
sys.path[:0] = [HERE, os.path.join(TESTS, "utils"), os.path.join(TESTS, "simulator")]

import go_tools  # noqa: E402  pylint: disable=wrong-import-position
from aws_emulator import AwsEmulator  # noqa: E402  pylint: disable=wrong-import-position
from worlds import EmulatedWorld, version_of  # noqa: E402  pylint: disable=wrong-import-position


def real_binaries() -> list[str]:
    own = os.environ.get("EKSCTL")
    if own:
        if not os.access(own, os.X_OK):
            raise pytest.UsageError("EKSCTL=%s is not an executable eksctl" % own)
        return [own]
    built = go_tools.built_binaries()
    if not built:
        raise pytest.UsageError("no real eksctl to test: run `python tests/e2e/go_tools.py` first (make e2e does), "
                                "or give one with EKSCTL=/path/to/eksctl")
    return built


def pytest_configure(config: pytest.Config) -> None:
    """The control plane's tools are needed by every test of the tier that starts the emulated AWS."""
    del config
    missing = [tool.key for tool in go_tools.missing(["etcd", "kube-apiserver", "kwok", "karpenter"])]
    if missing:
        raise pytest.UsageError("the emulated clusters' Kubernetes tools are not built (%s): run `python tests/e2e/go_tools.py` "
                                "first (make e2e does)" % ", ".join(missing))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``world`` and ``eksctl`` run a test on every real eksctl."""
    binaries = real_binaries()
    names = ["eksctl-%s" % version_of(binary) for binary in binaries]
    if "world" in metafunc.fixturenames:
        metafunc.parametrize("world", binaries, ids=names, indirect=True)
    elif "eksctl" in metafunc.fixturenames:
        metafunc.parametrize("eksctl", binaries, ids=names, indirect=True)


@pytest.fixture(name="emulator", scope="session")
def emulator_fixture():
    """One emulated AWS for the session of each worker (a few seconds to start; loopback ports chosen by the system)."""
    with AwsEmulator() as emulator:
        yield emulator


@pytest.fixture(name="aws")
def aws_fixture(emulator):
    """The emulated AWS, emptied and seeded again for this test (a fraction of a second)."""
    emulator.reset()
    return emulator


@pytest.fixture(name="kube_worlds")
def kube_worlds_fixture(aws):
    """The emulated AWS with the seed's Kubernetes worlds added (their API servers start when first used)."""
    aws.seed_kubernetes_worlds()
    return aws


@pytest.fixture(name="eksctl")
def eksctl_fixture(request):
    return request.param


@pytest.fixture(name="newest_eksctl")
def newest_eksctl_fixture():
    """The newest real eksctl only, for a test of what does not depend on eksctl's release (the Kubernetes side)."""
    return real_binaries()[0]


@pytest.fixture(name="world")
def world_fixture(request, tmp_path, aws):
    """A real eksctl's world on a freshly seeded emulated AWS."""
    return EmulatedWorld(str(tmp_path), request.param, aws)


@pytest.fixture(name="real")
def real_fixture(eksctl, tmp_path, aws):
    return EmulatedWorld(str(tmp_path), eksctl, aws)
