#!/usr/bin/python
# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file only documents the action plugin plugins/action/print_lines.py, which runs on the controller.

from __future__ import annotations

DOCUMENTATION = r"""
module: print_lines
short_description: Print lines of text as they are, for tables and summaries a person reads
version_added: 1.0.0
description:
  - Prints each line of O(lines) on the controller's output as plain text, without the quotes, brackets and escapes of a
    C(ansible.builtin.debug) result, so report tables and per-nodegroup summaries read as they are in the job's output.
  - Lines are printed together, one block per host, so hosts that run side by side never interleave.
  - Never changes anything.
extends_documentation_fragment: []
attributes:
  check_mode:
    support: full
    description: Prints in check mode as well.
  diff_mode:
    support: none
    description: Nothing to compare.
  platform:
    support: full
    platforms: all
    description: Runs on the controller.
options:
  lines:
    description:
      - The lines to print. A string is printed as it is (it may hold several lines).
    type: raw
    required: true
  verbosity:
    description:
      - Print only from this verbosity up (as C(-v) counts); V(0) always prints.
    type: int
    default: 0
author:
  - eks_tools.eksctl contributors (@eks-tools)
"""

EXAMPLES = r"""
- name: Print a table
  eks_tools.eksctl.print_lines:
    lines:
      - "CLUSTER      NODEGROUP  DESIRED"
      - "demo         ng-1             3"
"""

RETURN = r"""
printed:
  description: How many lines were printed (V(0) below O(verbosity)).
  type: int
  returned: always
  sample: 2
"""
