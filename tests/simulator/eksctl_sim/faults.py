# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fault knobs: ``faults`` in the state file, each acted out by the next N calls that match it.

A fault is ``{"kind": K, "command": "get cluster" | "get nodegroup" | "get fargateprofile" | "scale nodegroup" | "*",
"count": N, "match": "<substring of the argv>"}`` plus what its kind takes. Kinds: ``fail`` (any other kind; an
``InternalFailure``, or ``message``), ``throttle``, ``hang`` (``seconds``), ``garbage`` (``output``), ``truncate``
(half the JSON document), ``resource_in_use`` (409), ``sts`` (an STS refusal), ``kill_parent`` (the caller dies
after a scale). The settings knobs (``settings.*``) are read where they act: see the simulator's docstring, except
``settings.throttle_every``, read here: with N > 0, every Nth call that no fault above matches is throttled (counted in
``counters.calls`` of the state, under its lock, so a fleet run sees the same share of throttling whatever the order of
its calls), as AWS throttles a share of a busy account's calls.
"""

from __future__ import annotations

import time

from .aws import THROTTLE_MESSAGE, request_id
from .output import CommandError, Exit


def take_fault(state: dict, command: str, argv: list[str]) -> dict | None:
    """The first fault that matches this call, its count taken down by one (the caller saves the state)."""
    joined = " ".join(argv)
    for fault in state["faults"]:
        if fault.get("count", 1) <= 0:
            continue
        if fault.get("command", "*") not in ("*", command):
            continue
        if fault.get("match") and fault["match"] not in joined:
            continue
        fault["count"] = fault.get("count", 1) - 1
        return fault
    return _periodic_throttle(state)


def _periodic_throttle(state: dict) -> dict | None:
    every = int(state["settings"].get("throttle_every", 0) or 0)
    if every <= 0:
        return None
    counters = state.setdefault("counters", {})
    counters["calls"] = counters.get("calls", 0) + 1
    if counters["calls"] % every:
        return None
    counters["throttled"] = counters.get("throttled", 0) + 1
    return {"kind": "throttle"}


def apply_fault(stdout: list[str], fault: dict, state: dict, wrap: str, operation: str, document: str = "") -> None:
    """Act out a fault. ``wrap`` is the command's own error prefix (with a trailing ': ')."""
    kind = fault["kind"]
    if kind == "hang":
        time.sleep(float(fault.get("seconds", state["settings"].get("hang_seconds", 3600))))
        return
    if kind == "garbage":
        stdout.append(fault.get("output", "panic: runtime error\n\x1b[31m<html>oops"))
        raise Exit(0)
    if kind == "truncate":
        stdout.append(document[: max(1, len(document) // 2)])
        raise Exit(0)
    if kind == "kill_parent":
        return
    if kind == "throttle":
        raise CommandError("%soperation error EKS: %s, exceeded maximum number of attempts, 3, https response error StatusCode: 429, "
                           "RequestID: %s, %s" % (wrap, operation, request_id(), fault.get("message", THROTTLE_MESSAGE)))
    if kind == "sts":
        raise CommandError("checking AWS STS access \u2013 cannot get role ARN for current session: operation error STS: GetCallerIdentity, "
                           "https response error StatusCode: 403, RequestID: %s, api error InvalidClientTokenId: "
                           "The security token included in the request is invalid." % request_id())
    if kind == "resource_in_use":
        raise CommandError("%soperation error EKS: %s, https response error StatusCode: 409, RequestID: %s, "
                           "ResourceInUseException: Nodegroup cannot be updated as it is currently not in Active State"
                           % (wrap, operation, request_id()))
    raise CommandError(fault.get("message", "%soperation error EKS: %s, https response error StatusCode: 500, RequestID: %s, "
                                 "api error InternalFailure: simulated failure" % (wrap, operation, request_id())))
