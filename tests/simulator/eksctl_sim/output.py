# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How eksctl ends a command and formats what it prints: cobra's errors, the logger's lines, the JSON printer."""

from __future__ import annotations

import datetime
import json
import re


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


def go_table(header: list[str], rows: list[list[str]]) -> str:
    """eksctl's table printer (kops' tables): rows sorted by every column in turn, laid out by Go's text/tabwriter
    with a tab stop of 8, padding 1 and tabs as padding; the last column is not padded."""
    lines = [header] + sorted(rows)
    widths = [max(len(line[column]) for line in lines) + 1 for column in range(len(header) - 1)]
    widths = [(width + 7) // 8 * 8 for width in widths]
    text = ""
    for line in lines:
        for column, cell in enumerate(line[:-1]):
            text += cell + "\t" * ((widths[column] - len(cell) + 7) // 8)
        text += line[-1] + "\n"
    return text


_YAML_PLAIN_UNSAFE = re.compile(r"^$|^[-?:,\[\]{}#&*!|>'\"%@`\s]|: |\s#|\s$|[\n\x00-\x1f]")
_YAML_NOT_A_STRING = re.compile(r"^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON"
                                r"|off|Off|OFF|[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?|0x[0-9a-fA-F_]+"
                                r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")


def _yaml_scalar(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    if _YAML_NOT_A_STRING.match(text):
        return json.dumps(text)
    if _YAML_PLAIN_UNSAFE.search(text):
        return "'%s'" % text.replace("'", "''")
    return text


def _yaml_lines(value: object, indent: str) -> list[str]:
    """Block YAML as go-yaml writes it for sigs.k8s.io/yaml: keys sorted, a list inside a map not indented."""
    if isinstance(value, dict):
        if not value:
            return [indent + "{}"]
        lines = []
        for key in sorted(value):
            item = value[key]
            if isinstance(item, dict) and item:
                lines += [indent + "%s:" % _yaml_scalar(key)] + _yaml_lines(item, indent + "  ")
            elif isinstance(item, list) and item:
                lines += [indent + "%s:" % _yaml_scalar(key)] + _yaml_lines(item, indent)
            else:
                lines.append(indent + "%s: %s" % (_yaml_scalar(key), _yaml_lines(item, "")[0]))
        return lines
    if isinstance(value, list):
        if not value:
            return [indent + "[]"]
        lines = []
        for item in value:
            inner = _yaml_lines(item, indent + "  ")
            lines.append(indent + "- " + inner[0][len(indent) + 2:])
            lines += inner[1:]
        return lines
    return [indent + _yaml_scalar(value)]


def go_yaml(document: object) -> str:
    """Serialise like eksctl's YAML printer (sigs.k8s.io/yaml of the JSON document), with its trailing newline."""
    return "\n".join(_yaml_lines(document, "")) + "\n"
