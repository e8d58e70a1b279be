# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils package is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""The recording: what a stop records of a cluster so that a start brings back exactly what the stop found.

This package is its one owner; the scaler asks it questions and never edits a recording itself.

* ``document``: the value types and their one JSON shape, the same in the file, the host fact, the SSM parameter and the
  results; reading every shape the collection ever returned. Pure.
* ``policy``: what a stop records, what a start marks and spends, and how two recordings merge. Pure.
* ``file`` and ``ssm``: the durable stores (a file on the controller; a parameter in the AWS account's SSM Parameter Store).
* ``keeper``: one cluster's recording across its sources (``restore_capacity``, the host fact, every store), the object
  the scaler asks.
"""
