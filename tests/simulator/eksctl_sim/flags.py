# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Each command's flags and the resource aliases, parsed by spf13/pflag's rules."""

from __future__ import annotations

from .output import CommandError


class Flag:
    def __init__(self, long: str, short: str | None, kind: str, default: object) -> None:
        self.long = long
        self.short = short
        self.kind = kind
        self.default = default

    def label(self) -> str:
        return ("-%s, --%s" % (self.short, self.long)) if self.short else "--%s" % self.long


GLOBAL_FLAGS = [
    Flag("verbose", "v", "int", 3),
    Flag("color", "C", "string", "true"),
    Flag("dumpLogs", "d", "bool", False),
    Flag("help", "h", "bool", False),
]
AWS_FLAGS = [
    Flag("region", "r", "string", ""),
    Flag("profile", "p", "string", ""),
    Flag("timeout", None, "string", "25m0s"),
]
GET_FLAGS = AWS_FLAGS + [
    Flag("output", "o", "string", "table"),
    Flag("chunk-size", None, "int", 100),
    Flag("config-file", "f", "string", ""),
]
COMMAND_FLAGS = {
    ("version",): [Flag("output", "o", "string", "")],
    ("get", "cluster"): GET_FLAGS + [Flag("name", "n", "string", ""), Flag("all-regions", "A", "bool", False)],
    ("get", "nodegroup"): GET_FLAGS + [Flag("cluster", "c", "string", ""), Flag("name", "n", "string", "")],
    ("get", "fargateprofile"): GET_FLAGS + [Flag("cluster", "c", "string", ""), Flag("name", None, "string", "")],
    ("scale", "nodegroup"): AWS_FLAGS + [
        Flag("cluster", "c", "string", ""), Flag("name", "n", "string", ""), Flag("config-file", "f", "string", ""),
        Flag("nodes", "N", "int", -1), Flag("nodes-min", "m", "int", -1), Flag("nodes-max", "M", "int", -1),
        Flag("wait", "w", "bool", False), Flag("cfn-role-arn", None, "string", ""),
        Flag("cfn-disable-rollback", None, "bool", False),
    ],
}
ALIASES = {
    "get": {"cluster": "cluster", "clusters": "cluster", "nodegroup": "nodegroup", "nodegroups": "nodegroup", "ng": "nodegroup",
            "fargateprofile": "fargateprofile", "fargateprofiles": "fargateprofile"},
    "scale": {"nodegroup": "nodegroup", "ng": "nodegroup"},
}


def _convert(flag: Flag, raw: str) -> object:
    if flag.kind == "int":
        try:
            return int(raw, 0)
        except ValueError:
            raise CommandError('invalid argument "%s" for "%s" flag: strconv.ParseInt: parsing "%s": invalid syntax'
                               % (raw, flag.label(), raw)) from None
    if flag.kind == "bool":
        if raw in ("1", "t", "T", "TRUE", "true", "True"):
            return True
        if raw in ("0", "f", "F", "FALSE", "false", "False"):
            return False
        raise CommandError('invalid argument "%s" for "%s" flag: strconv.ParseBool: parsing "%s": invalid syntax'
                           % (raw, flag.label(), raw))
    return raw


def _value_after(flag: Flag, args: list[str], index: int, missing: str) -> tuple[str, int]:
    """A flag given without "=": a bool means true; any other takes the next argument, even one starting with "-"."""
    if flag.kind == "bool":
        return "true", index
    if index < len(args):
        return args[index], index + 1
    raise CommandError(missing)


def parse_flags(args: list[str], flags: list[Flag]) -> tuple[dict, set, list[str]]:
    """Parse like spf13/pflag: returns (values, changed flag names, positional args)."""
    known = flags + GLOBAL_FLAGS
    by_long = {flag.long: flag for flag in known}
    by_short = {flag.short: flag for flag in known if flag.short}
    values = {flag.long: flag.default for flag in known}
    changed: set[str] = set()
    positional: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        index += 1
        if arg == "--":
            positional.extend(args[index:])
            break
        if arg.startswith("--") and len(arg) > 2:
            name, has_value, value = arg[2:].partition("=")
            flag = by_long.get(name)
            if flag is None:
                raise CommandError("unknown flag: --%s" % name)
            if not has_value:
                value, index = _value_after(flag, args, index, "flag needs an argument: --%s" % name)
            values[flag.long] = _convert(flag, value)
            changed.add(flag.long)
        elif arg.startswith("-") and len(arg) > 1:
            letter, rest = arg[1], arg[2:]
            flag = by_short.get(letter)
            if flag is None:
                raise CommandError("unknown shorthand flag: '%s' in %s" % (letter, arg))
            if rest.startswith("="):
                value = rest[1:]
            elif rest:
                value = rest
            else:
                value, index = _value_after(flag, args, index, "flag needs an argument: '%s' in -%s" % (letter, letter))
            values[flag.long] = _convert(flag, value)
            changed.add(flag.long)
        else:
            positional.append(arg)
    return values, changed, positional
