# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""``eksctl version [-o json]``."""

from __future__ import annotations

import json

from ..aws import VERSION, VERSION_INFO
from ..call import Call
from ..flags import COMMAND_FLAGS, parse_flags
from ..output import CommandError


def version(call: Call, args: list[str]) -> int:
    values, _changed, positional = parse_flags(args, COMMAND_FLAGS[("version",)])
    if positional:
        raise CommandError('unknown command "%s" for "eksctl version"' % positional[0])
    output = values["output"]
    if output == "json":
        call.stdout.append(json.dumps(VERSION_INFO, separators=(",", ":")) + "\n")
    elif output in ("", None):
        call.stdout.append(VERSION + "\n")
    else:
        raise CommandError("unknown output: %s" % output)
    return 0
