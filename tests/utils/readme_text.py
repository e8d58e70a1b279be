# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The README read as the README tests read it: its commands in order, the files its YAML blocks name, and which commands
need the source checkout.

Every command the README shows runs once per ``make test``: those that need the source checkout (a ``make`` command, or a
command in a section whose heading says "(source checkout)") in the checkout (tests/integration/test_readme_commands.py),
every other one from the built collection installed alone (tests/integration/test_shipped_readme.py).
"""

from __future__ import annotations

import re

FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.M | re.S)
COMMAND = re.compile(r"^(?:ansible|ansible-playbook|ansible-doc|ansible-inventory|ansible-galaxy|eksctl|make)\s")
HEADING = re.compile(r"^(#{2,3}) (.+)$", re.M)
CHECKOUT_MARK = "(source checkout)"


def console_commands(block: str) -> list[str]:
    """The ``$`` lines of a console block, a line ending in a backslash joined with the next."""
    commands, current = [], None
    for line in block.splitlines():
        if current is not None:
            current += "\n" + line
        elif line.startswith("$ "):
            current = line[2:]
        else:
            continue
        if not current.endswith("\\"):
            commands.append(current)
            current = None
    return commands


def commands_and_files(text: str) -> tuple[list[str], dict[str, str]]:
    """The commands in the text's order (each once, whatever comment follows it: console blocks and inline code that looks
    like a command) and the files its YAML blocks name (a block whose first line is ``# <file>.yml``)."""
    commands: list[str] = []
    seen: set[str] = set()
    files: dict[str, str] = {}
    position = 0
    pieces = []
    for match in FENCE.finditer(text):
        pieces.append(("prose", text[position:match.start()]))
        pieces.append((match.group(1), match.group(2)))
        position = match.end()
    pieces.append(("prose", text[position:]))
    for kind, body in pieces:
        if kind == "prose":
            found = [span for span in re.findall(r"`([^`\n]+)`", body) if COMMAND.match(span)]
        elif kind == "console":
            found = console_commands(body)
        else:
            first = body.splitlines()[0] if body else ""
            named = re.match(r"^# (\S+\.ya?ml)$", first)
            if kind == "yaml" and named:
                files[named.group(1)] = body
            found = []
        for command in found:
            if without_comment(command) not in seen:
                seen.add(without_comment(command))
                commands.append(command)
    return commands, files


def without_comment(command: str) -> str:
    """A command without the shell comment at its end: ``make demo    # sets up .venv`` is ``make demo`` shown again."""
    return re.sub(r"\s+#\s.*$", "", command)


def sections(text: str) -> list[tuple[str, bool]]:
    """The text cut at its level-2 and level-3 headings: each piece's text, and whether it needs the source checkout (its
    heading, or the level-2 heading above it, says so). Code blocks hold no such headings (their comments start with one #)."""
    pieces: list[tuple[str, bool]] = []
    starts = [match.start() for match in HEADING.finditer(text)]
    bounds = [0] + starts + [len(text)]
    marked_above = False
    for begin, end in zip(bounds, bounds[1:]):
        piece = text[begin:end]
        heading = HEADING.match(piece)
        if heading:
            marked = CHECKOUT_MARK in heading.group(2)
            if len(heading.group(1)) == 2:
                marked_above = marked
            else:
                marked = marked or marked_above
        else:
            marked = False
        pieces.append((piece, marked))
    return pieces


def needs_checkout(command: str, marked: bool) -> bool:
    """Whether a command runs only in the source checkout: a ``make`` command, or any command of a marked section."""
    return marked or command.startswith("make ")


def split_commands(text: str) -> tuple[list[str], list[str], dict[str, str]]:
    """The commands that need the checkout and those that do not, each in the text's order and once, and every file."""
    checkout: list[str] = []
    elsewhere: list[str] = []
    seen: set[str] = set()
    files: dict[str, str] = {}
    for piece, marked in sections(text):
        commands, named = commands_and_files(piece)
        files.update(named)
        for command in commands:
            if without_comment(command) not in seen:
                seen.add(without_comment(command))
                (checkout if needs_checkout(command, marked) else elsewhere).append(command)
    return checkout, elsewhere, files
