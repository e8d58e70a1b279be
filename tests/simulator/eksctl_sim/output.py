# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How eksctl ends a command and formats what it prints: cobra's errors, the logger's lines, the JSON printer."""

from __future__ import annotations

import datetime
import json


class Exit(Exception):
    """Ends the command with an exit code; the text is already printed."""

    def __init__(self, rc: int) -> None:
        super().__init__(rc)
        self.rc = rc


class CommandError(Exception):
    """An error cobra prints as ``Error: <msg>`` on stderr, exit 1."""


def go_json(document: object) -> str:
    """Serialise like Go's json.MarshalIndent(obj, "", "    "): HTML-escaped, no trailing newline."""
    text = json.dumps(document, indent=4, ensure_ascii=False)
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text


def log_line(icon: str, message: str) -> str:
    stamp = datetime.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    return "%s [%s]  %s\n" % (stamp, icon, message)
