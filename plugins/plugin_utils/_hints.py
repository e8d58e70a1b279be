# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This plugin_utils file is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""The "did you mean" hint of the messages about a name that is not known: a hint only, never a match."""

from __future__ import annotations

import difflib
import typing as t


def did_you_mean(name: str, known: t.Iterable[str]) -> str:
    """`` (did you mean X?)`` when a known name is close to this one, else nothing."""
    close = difflib.get_close_matches(str(name), sorted(str(entry) for entry in known), n=1, cutoff=0.6)
    return " (did you mean %s?)" % close[0] if close else ""
