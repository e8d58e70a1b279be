# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The entry point: log the call, apply the latency knob, find the command, print what it printed."""

from __future__ import annotations

import os
import sys
import time

from .call import Call
from .commands.get_cluster import get_cluster
from .commands.get_fargateprofile import get_fargateprofile
from .commands.get_nodegroup import get_nodegroup
from .commands.scale_nodegroup import scale_nodegroup
from .commands.version import version
from .flags import ALIASES, COMMAND_FLAGS, parse_flags
from .output import CommandError, Exit
from .state import append_log, log_call, read_state

HANDLERS = {
    ("get", "cluster"): get_cluster,
    ("get", "nodegroup"): get_nodegroup,
    ("get", "fargateprofile"): get_fargateprofile,
    ("scale", "nodegroup"): scale_nodegroup,
}


def run(call: Call, argv: list[str]) -> int:
    """Run one command line; cobra's errors go to stderr with exit code 1."""
    try:
        return _dispatch(call, argv)
    except CommandError as error:
        call.stderr.append("Error: %s\n" % error)
        return 1
    except Exit as done:
        return done.rc


def _dispatch(call: Call, argv: list[str]) -> int:
    words = [arg for arg in argv if not arg.startswith("-")]
    if not words:
        raise CommandError("the simulator needs a command (version, get, scale)")
    verb = words[0]
    if verb == "version":
        return version(call, argv[argv.index("version") + 1:])
    if verb not in ALIASES:
        raise CommandError('unknown command "%s" for "eksctl"' % verb)
    rest = argv[argv.index(verb) + 1:]
    noun_index = next((i for i, arg in enumerate(rest) if not arg.startswith("-")), None)
    if noun_index is None:
        raise CommandError('"eksctl %s" needs a resource (the simulator prints no help)' % verb)
    noun = ALIASES[verb].get(rest[noun_index])
    if noun is None:
        raise CommandError('unknown command "%s" for "eksctl %s"' % (rest[noun_index], verb))
    args = rest[:noun_index] + rest[noun_index + 1:]
    values, changed, positional = parse_flags(args, COMMAND_FLAGS[(verb, noun)])
    if values["config-file"]:
        raise CommandError("the eksctl simulator does not implement --config-file")
    return HANDLERS[(verb, noun)](call, argv, values, changed, positional)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    environ = dict(os.environ)
    state_path = environ.get("EKSCTL_SIM_STATE") or os.path.join(environ.get("HOME", "/tmp"), ".eksctl-simulator.json")
    started = time.time()
    log_call(state_path, argv, environ, started)
    latency = environ.get("EKSCTL_SIM_LATENCY")
    if latency is None:
        latency = read_state(state_path)["settings"].get("latency", 0)
    if float(latency) > 0:
        time.sleep(float(latency))
    call = Call(state_path, environ)
    rc = run(call, argv)
    sys.stdout.write("".join(call.stdout))
    sys.stdout.flush()
    sys.stderr.write("".join(call.stderr))
    sys.stderr.flush()
    append_log(state_path, {"pid": os.getpid(), "end": time.time(), "rc": rc})
    return rc
