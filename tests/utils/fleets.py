# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A large simulated fleet, the same for the 100-cluster integration test and ``make bench``: ``count`` clusters over
two regions, each with five nodegroups (four managed, one self-managed) of sizes that differ from cluster to cluster, so
a size restored to the wrong nodegroup or cluster shows.
"""

from __future__ import annotations

import os
import sys

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if os.path.join(TESTS, "simulator") not in sys.path:
    sys.path.insert(0, os.path.join(TESTS, "simulator"))

import eksctl_simulator  # noqa: E402  pylint: disable=wrong-import-position

REGIONS = ("eu-north-1", "us-east-1")
NODEGROUPS = 5
INVENTORY = """---
plugin: eks_tools.eksctl.eks_clusters
regions: [%s]
include:
  - "fleet-*"
""" % ", ".join(REGIONS)

Sizes = dict  # nodegroup name -> (desired, min, max)


def cluster_name(index: int) -> str:
    return "fleet-%03d" % index


def host_name(index: int) -> str:
    return "%s.%s" % (cluster_name(index), REGIONS[index % len(REGIONS)])


def clusters(count: int) -> tuple[list[dict], dict[tuple[str, str], Sizes]]:
    """The simulator's cluster records, and each cluster's sizes keyed (name, region)."""
    records, expected = [], {}
    for index in range(count):
        name, region = cluster_name(index), REGIONS[index % len(REGIONS)]
        nodegroups = [eksctl_simulator.new_nodegroup(name, "ng-%d" % number, sizes=(2 + (index + number) % 4, 1 + number % 2, 6 + number))
                      for number in range(NODEGROUPS - 1)]
        nodegroups.append(eksctl_simulator.new_nodegroup(name, "ng-self", kind="unmanaged", sizes=(index % 3, 0, 4)))
        records.append(eksctl_simulator.new_cluster(name, region, nodegroups))
        expected[(name, region)] = {ng["name"]: (ng["desired"], ng["min"], ng["max"]) for ng in nodegroups}
    return records, expected


def sizes_of(state: dict) -> dict[tuple[str, str], Sizes]:
    """Every fleet cluster's sizes in a simulator state, keyed as ``clusters`` keys them."""
    return {(entry["name"], entry["region"]): {ng["name"]: (ng["desired"], ng["min"], ng["max"]) for ng in entry["nodegroups"]}
            for entry in state["clusters"] if entry["name"].startswith("fleet-")}
