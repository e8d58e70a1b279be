# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils package is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""The cluster's own Kubernetes API: what really runs (Nodes, Karpenter's NodePools and NodeClaims, cluster-autoscaler), and
pausing what would undo or outlive a stop.

* ``objects``: what the reads mean, pure: Node counts per nodegroup and NodePool, the autoscalers found, what a pause
  changes and a start gives back, which Nodes are still there and why.
* ``access``: the reads and writes, through the ``kubernetes`` Python client, authenticated as ``aws eks get-token`` does it
  (a presigned STS ``GetCallerIdentity`` URL, signed by botocore with the credentials eksctl gets); one clear line for an
  endpoint it cannot reach, an identity the cluster does not know, or RBAC that refuses.
* ``autoscalers``: the pause before a stop's nodegroup writes and the resume after a start's, recorded in the recording.
"""
