# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The eksctl simulator's names for the tests, benchmarks and the emulated AWS that import it.

The simulator itself is the package ``eksctl_sim`` beside this file (its docstring says what it models and
how it is checked against the real eksctl); ``python eksctl_simulator.py ARGS`` runs it as ``bin/eksctl`` does.

This file is test tooling; it is not part of the built collection.
"""

from __future__ import annotations

import sys

from eksctl_sim.aws import ACCOUNT, SUPPORTED_REGIONS, VERSION, VERSION_INFO
from eksctl_sim.cli import main
from eksctl_sim.commands.get_cluster import describe
from eksctl_sim.commands.get_nodegroup import summary
from eksctl_sim.kube_server import KubeServer
from eksctl_sim.output import go_json
from eksctl_sim.seed import (KUBERNETES_REGION, fargate_profile, held_pod, kubernetes_objects, kubernetes_worlds, new_cluster,
                             new_nodegroup, node_pool, seed_state)
from eksctl_sim.state import log_path_for, read_log, read_state, write_state

__all__ = ["ACCOUNT", "KUBERNETES_REGION", "KubeServer", "SUPPORTED_REGIONS", "VERSION", "VERSION_INFO", "describe", "fargate_profile", "go_json",
           "held_pod", "kubernetes_objects", "kubernetes_worlds", "log_path_for", "main", "new_cluster", "new_nodegroup", "node_pool",
           "read_log", "read_state", "seed_state", "summary", "write_state"]

if __name__ == "__main__":
    sys.exit(main())
