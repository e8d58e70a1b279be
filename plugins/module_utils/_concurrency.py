# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils file is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""Running independent eksctl calls side by side, with a bound on how many run at once."""

from __future__ import annotations

import typing as t
from concurrent.futures import ThreadPoolExecutor

T = t.TypeVar("T")


def run_parallel(calls: t.Sequence[t.Callable[[], T]], workers: int) -> list[T]:
    """Run the calls side by side (at most ``workers`` at once); results keep the calls' order."""
    if len(calls) <= 1 or workers <= 1:
        return [call() for call in calls]
    with ThreadPoolExecutor(max_workers=min(workers, len(calls))) as pool:
        futures = [pool.submit(call) for call in calls]
        return [future.result() for future in futures]
