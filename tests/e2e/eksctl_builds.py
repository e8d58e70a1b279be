# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The old entry point of the tier's builds, kept while the Makefile still calls it: it runs ``go_tools.py``.

``python tests/e2e/eksctl_builds.py [--require]`` builds every pinned tool of the end-to-end tier (the real eksctl
releases and the Kubernetes control plane), with go_tools's exit codes: 0 built, 1 failed (or Go missing with
``--require``), 3 Go missing. The pins and the builds live in go_tools.py.

This file is test tooling; it is not part of the built collection.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from go_tools import main  # noqa: E402  pylint: disable=wrong-import-position

if __name__ == "__main__":
    sys.exit(main())
