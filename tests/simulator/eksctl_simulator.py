# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A stateful stand-in for the eksctl binary, used by the collection's tests and its demo.

It implements the subset of eksctl that the collection drives (``version``, ``get cluster``,
``get nodegroup``, ``scale nodegroup``) as eksctl 0.230.0 does: the same flags and aliases, the same
JSON shapes and formatting (4-space indent, no trailing newline, Go's HTML escaping), the same error
texts, exit codes and streams, and the behaviours of section 8 of the project's eksctl contract
(``-A`` needs a region; EKS-Connector clusters are listed but refused; a self-managed nodegroup
with nodes needs the cluster's Kubernetes API; ``scale`` refuses names with characters other than
letters, digits and ``-`` after its AWS calls; rolled-back stacks are settled).

tests/e2e/test_differential.py runs the same command lines here and against each real eksctl of the
end-to-end tier on the same seed, and compares exit codes, stdout and stderr. What it masks, and so
what still differs, with the reason:

* log timestamps and AWS request ids, which differ on every run;
* the cluster endpoint and CA, which the emulated AWS points at its local Kubernetes API, and the
  identity and address in a Kubernetes refusal, which are the emulation's;
* for an older eksctl than the newest pinned one: the DescribeCluster fields its AWS SDK predates
  (``ControlPlaneScalingConfig``, ``Kube*Config``, ``ControlPlaneEgressMode``), its shorter list of
  supported regions, and its version; the simulator follows the newest pinned release.

Differences the differential test does not cover, because the collection never causes them:
``-o table`` output (eksctl pads columns with extra tabs, drops fractional seconds and orders
``get nodegroup`` rows differently), ``--config-file`` and ``-o yaml`` (not implemented: rc 1),
``scale --wait`` (eksctl's waiter waits at least 30 s; the simulator returns at once), and ``scale``
of a cluster that is CREATING, DELETING or FAILED (eksctl fails building its Kubernetes client;
the simulator scales). Where EKS's own behaviour is not documented, the simulator follows the
emulated AWS: clusters are listed by name within a region, and a managed nodegroup reads
``UPDATING`` for ``settings.updating_reads`` reads after a scale (default 1) and refuses a second
scale meanwhile with 409.

State lives in a JSON file named by ``EKSCTL_SIM_STATE`` (seeded on first use).
Every call is appended to a JSON-lines log (``EKSCTL_SIM_LOG``, default
``<state>.log``) with its argv and the AWS variables it saw, secrets masked.

Knobs for tests, all kept in the state file (see ``Simulator`` below):
``settings.latency`` (seconds per call; ``EKSCTL_SIM_LATENCY`` overrides it),
``settings.updating_reads`` (how many ``get nodegroup`` reads a managed
nodegroup stays ``UPDATING`` after a scale), ``settings.require_credentials``,
per cluster ``connector`` and ``kubernetes_api`` (``ok``, ``forbidden``, ``unreachable``),
and ``faults`` (fail, throttle, hang, print garbage or truncated JSON, answer
409, fail STS, or kill the calling process, for the next N matching calls).

This file is test tooling; it is not part of the built collection.
"""

from __future__ import annotations

import datetime
import fcntl
import hashlib
import json
import os
import re
import signal
import sys
import time
import uuid

VERSION = "0.230.0"
VERSION_INFO = {"Version": VERSION, "PreReleaseID": "", "Metadata": {"BuildDate": "2026-08-13T23:20:02Z", "GitCommit": "6ee3b76"}}
ACCOUNT = "111122223333"

# eksctl's SupportedRegions(), in its order (--all-regions visits the enabled ones in this order).
SUPPORTED_REGIONS = [
    "us-west-1", "us-west-2", "us-east-1", "us-east-2", "ca-central-1", "ca-west-1", "eu-west-1", "eu-west-2", "eu-west-3",
    "eu-north-1", "eu-central-1", "eu-central-2", "eu-south-1", "eu-south-2", "ap-northeast-1", "ap-northeast-2",
    "ap-northeast-3", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
    "ap-southeast-7", "ap-south-1", "ap-south-2", "ap-east-1", "ap-east-2", "me-central-1", "me-south-1", "sa-east-1",
    "af-south-1", "cn-northwest-1", "cn-north-1", "il-central-1", "us-gov-west-1", "us-gov-east-1", "us-iso-east-1",
    "us-isob-east-1", "us-isob-west-1", "us-iso-west-1", "mx-central-1", "ap-southeast-6", "us-isof-south-1",
    "us-isof-east-1", "eu-isoe-west-1",
]

MANAGED_STATUSES_BUSY = ("CREATING", "UPDATING", "DELETING")
SECRET_VARIABLES = ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ACCESS_KEY_ID")
LOGGED_VARIABLES = SECRET_VARIABLES + ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_CONFIG_FILE")

NAME_REFUSED = re.compile(r"[^a-zA-Z0-9\-]+")
THROTTLE_MESSAGE = "api error ThrottlingException: Rate exceeded"


class Exit(Exception):
    """Ends the command with an exit code; the text is already printed."""

    def __init__(self, rc: int) -> None:
        super().__init__(rc)
        self.rc = rc


class CommandError(Exception):
    """An error cobra prints as ``Error: <msg>`` on stderr, exit 1."""


# --------------------------------------------------------------------------- output helpers


def go_json(document: object) -> str:
    """Serialise like Go's json.MarshalIndent(obj, "", "    "): HTML-escaped, no trailing newline."""
    text = json.dumps(document, indent=4, ensure_ascii=False)
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text


def log_line(icon: str, message: str) -> str:
    stamp = datetime.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    return "%s [%s]  %s\n" % (stamp, icon, message)


def request_id() -> str:
    return str(uuid.uuid4())


def not_found_cluster(name: str) -> str:
    return ("operation error EKS: DescribeCluster, https response error StatusCode: 404, RequestID: %s, "
            "ResourceNotFoundException: No cluster found for name: %s." % (request_id(), name))


def not_found_nodegroup(operation: str, name: str) -> str:
    return ("operation error EKS: %s, https response error StatusCode: 404, RequestID: %s, "
            "ResourceNotFoundException: No node group found for name: %s." % (operation, request_id(), name))


# --------------------------------------------------------------------------- seed data


def _nodegroup(cluster: str, name: str, kind: str, status: str, sizes: tuple[int, int, int], created: str,
               instance_type: str = "t3.medium", eksctl_stack: bool = True) -> dict:
    desired, minimum, maximum = sizes
    managed = kind == "managed"
    return {
        "name": name,
        "type": kind,
        "status": status,
        "desired": desired,
        "min": minimum,
        "max": maximum,
        "instance_type": instance_type,
        "image_id": "AL2023_x86_64_STANDARD" if managed else "ami-0123456789abcdef0",
        "created": created,
        "stack_name": "eksctl-%s-nodegroup-%s" % (cluster, name) if eksctl_stack else "",
        "role_arn": "arn:aws:iam::%s:role/eksctl-%s-nodegroup-%s-NodeInstanceRole-ABC" % (ACCOUNT, cluster, name),
        "asg": ("eks-%s-4ac6f1d2-0000-1111-2222-333344445555" % name) if managed else "eksctl-%s-nodegroup-%s-NodeGroup-XYZ" % (cluster, name),
        "version": "1.31",
        "kubelet_version": "1.31.2",
        "pending_reads": 0,
    }


def new_cluster(name: str, region: str, nodegroups: list | None = None, owned: str = "True",
                status: str = "ACTIVE", version: str = "1.31", created: str = "2026-05-01T10:20:30.123Z",
                connector: bool = False, kubernetes_api: str = "ok") -> dict:
    """A cluster record. ``connector`` makes it an EKS-Connector registration; ``kubernetes_api`` is how its
    Kubernetes API answers eksctl's node list: ``ok``, ``forbidden`` (no RBAC) or ``unreachable`` (private endpoint)."""
    return {
        "connector": connector,
        "kubernetes_api": kubernetes_api,
        "name": name,
        "region": region,
        "owned": owned,
        "status": status,
        "version": version,
        "created": created,
        "tags": {"alpha.eksctl.io/cluster-name": name} if owned == "True" else {"team": "platform"},
        "nodegroups": nodegroups or [],
    }


def new_nodegroup(cluster: str, name: str, kind: str = "managed", sizes: tuple[int, int, int] = (2, 1, 3),
                  status: str | None = None) -> dict:
    """A nodegroup record; sizes are (desired, min, max)."""
    default_status = "ACTIVE" if kind == "managed" else "CREATE_COMPLETE"
    return _nodegroup(cluster, name, kind, status or default_status, sizes, "2026-05-02T08:00:00.5Z")


def seed_state() -> dict:
    clusters = [
        new_cluster("demo", "eu-north-1", [
            _nodegroup("demo", "ng-self", "unmanaged", "CREATE_COMPLETE", (2, 1, 4), "2026-05-01T10:30:00.123Z", "m5.large"),
            _nodegroup("demo", "ng-1", "managed", "ACTIVE", (3, 2, 5), "2026-05-01T10:40:00.456Z"),
            _nodegroup("demo", "ng-2", "managed", "ACTIVE", (1, 1, 3), "2026-05-01T10:41:00.789Z", "t3.large"),
        ]),
        new_cluster("legacy-tf", "eu-north-1", [
            # Made outside eksctl (no stack), with a name eksctl can read but not scale.
            _nodegroup("legacy-tf", "tf_workers", "managed", "ACTIVE", (2, 2, 6), "2025-11-03T09:00:00Z", "m6i.xlarge", eksctl_stack=False),
        ], owned="False", version="1.30", created="2025-11-03T08:12:44.5Z"),
        new_cluster("staging", "us-east-1", [
            _nodegroup("staging", "ng-a", "managed", "ACTIVE", (0, 0, 3), "2026-04-11T12:00:00Z"),
            _nodegroup("staging", "ng-b", "unmanaged", "UPDATE_COMPLETE", (0, 0, 2), "2026-04-11T12:05:00Z", "c5.large"),
        ], created="2026-04-11T11:48:10Z"),
        new_cluster("sandbox", "us-east-1", [], created="2026-06-20T15:00:00Z"),
    ]
    return {
        "settings": {"latency": 0.0, "updating_reads": 1, "require_credentials": False, "hang_seconds": 3600},
        "faults": [],
        "clusters": clusters,
    }


# --------------------------------------------------------------------------- state file


class StateFile:
    """The JSON state, read and written under an exclusive lock."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._lock_fd: int | None = None

    def __enter__(self) -> dict:
        self._lock_fd = os.open(self.path + ".lock", os.O_CREAT | os.O_RDWR, 0o600)
        fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
        if os.path.exists(self.path):
            with open(self.path, encoding="utf-8") as handle:
                self.state = json.load(handle)
        else:
            self.state = seed_state()
        return self.state

    def save(self) -> None:
        temp = "%s.%d.tmp" % (self.path, os.getpid())
        with open(temp, "w", encoding="utf-8") as handle:
            json.dump(self.state, handle, indent=1)
        os.replace(temp, self.path)

    def __exit__(self, *exc_info: object) -> None:
        if self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None


def read_state(path: str) -> dict:
    with StateFile(path) as state:
        return json.loads(json.dumps(state))


def write_state(path: str, state: dict) -> None:
    handle = StateFile(path)
    with handle:
        handle.state = state
        handle.save()


def log_path_for(state_path: str) -> str:
    return os.environ.get("EKSCTL_SIM_LOG") or state_path + ".log"


def read_log(state_path: str, log_path: str | None = None) -> list[dict]:
    """Every call in start order, with ``end`` and ``rc`` merged in once the call finished."""
    path = log_path or log_path_for(state_path)
    if not os.path.exists(path):
        return []
    calls: list[dict] = []
    by_pid: dict[int, dict] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            entry = json.loads(line)
            if "argv" in entry:
                calls.append(entry)
                by_pid[entry["pid"]] = entry
            elif entry.get("pid") in by_pid:
                by_pid[entry["pid"]].update(entry)
    return calls


def mask(value: str) -> str:
    return "***sha256:%s" % hashlib.sha256(value.encode("utf-8")).hexdigest()[:12]


# --------------------------------------------------------------------------- flag parsing (pflag rules)


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
    ("scale", "nodegroup"): AWS_FLAGS + [
        Flag("cluster", "c", "string", ""), Flag("name", "n", "string", ""), Flag("config-file", "f", "string", ""),
        Flag("nodes", "N", "int", -1), Flag("nodes-min", "m", "int", -1), Flag("nodes-max", "M", "int", -1),
        Flag("wait", "w", "bool", False), Flag("cfn-role-arn", None, "string", ""),
        Flag("cfn-disable-rollback", None, "bool", False),
    ],
}
ALIASES = {
    "get": {"cluster": "cluster", "clusters": "cluster", "nodegroup": "nodegroup", "nodegroups": "nodegroup", "ng": "nodegroup"},
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


# --------------------------------------------------------------------------- the simulator


class Simulator:
    def __init__(self, state_path: str, environ: dict[str, str]) -> None:
        self.state_path = state_path
        self.environ = environ
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self.log_writer = self.stdout

    # ---- plumbing

    def info(self, message: str, icon: str = "\u2139") -> None:
        self.log_writer.append(log_line(icon, message))

    def resolve_region(self, values: dict, changed: set) -> str:
        region = values["region"] if "region" in changed else ""
        if not region:
            region = self.environ.get("AWS_REGION") or self.environ.get("AWS_DEFAULT_REGION") or self._profile_region(values)
        if not region:
            raise CommandError("AWS Region must be set, please set the AWS Region in AWS config file or as environment variable")
        if region not in SUPPORTED_REGIONS:
            raise CommandError("--region=%s is not supported - use one of: %s" % (region, ", ".join(SUPPORTED_REGIONS)))
        return region

    def _profile_region(self, values: dict) -> str:
        profile = values.get("profile") or self.environ.get("AWS_PROFILE") or self.environ.get("AWS_DEFAULT_PROFILE") or "default"
        path = self.environ.get("AWS_CONFIG_FILE") or os.path.join(self.environ.get("HOME", "/"), ".aws", "config")
        section = "default" if profile == "default" else "profile %s" % profile
        current = None
        try:
            with open(path, encoding="utf-8") as handle:
                for line in handle:
                    line = line.strip()
                    if line.startswith("[") and line.endswith("]"):
                        current = line[1:-1].strip()
                    elif current == section and "=" in line:
                        key, _separator, value = line.partition("=")
                        if key.strip() == "region":
                            return value.strip()
        except OSError:
            return ""
        return ""

    def check_credentials(self, state: dict, values: dict) -> None:
        if not state["settings"].get("require_credentials"):
            return
        has_keys = self.environ.get("AWS_ACCESS_KEY_ID") and self.environ.get("AWS_SECRET_ACCESS_KEY")
        has_profile = values.get("profile") or self.environ.get("AWS_PROFILE")
        if not (has_keys or has_profile):
            raise CommandError(
                "checking AWS STS access \u2013 cannot get role ARN for current session: operation error STS: GetCallerIdentity, "
                "get identity: get credentials: failed to refresh cached credentials, no EC2 IMDS role found, "
                "operation error ec2imds: GetMetadata, request canceled, context deadline exceeded")

    @staticmethod
    def find_cluster(state: dict, region: str, name: str) -> dict | None:
        for cluster in state["clusters"]:
            if cluster["region"] == region and cluster["name"] == name:
                return cluster
        return None

    # ---- faults

    def take_fault(self, state: dict, command: str, argv: list[str]) -> dict | None:
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
        return None

    def apply_fault(self, fault: dict, state: dict, wrap: str, operation: str, document: str = "") -> None:
        """Act out a fault. ``wrap`` is the command's own error prefix (with a trailing ': ')."""
        kind = fault["kind"]
        if kind == "hang":
            time.sleep(float(fault.get("seconds", state["settings"].get("hang_seconds", 3600))))
            return
        if kind == "garbage":
            self.stdout.append(fault.get("output", "panic: runtime error\n\x1b[31m<html>oops"))
            raise Exit(0)
        if kind == "truncate":
            self.stdout.append(document[: max(1, len(document) // 2)])
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

    # ---- commands

    def run(self, argv: list[str]) -> int:
        try:
            return self._dispatch(argv)
        except CommandError as error:
            self.stderr.append("Error: %s\n" % error)
            return 1
        except Exit as done:
            return done.rc

    def _dispatch(self, argv: list[str]) -> int:
        words = [arg for arg in argv if not arg.startswith("-")]
        if not words:
            raise CommandError("the simulator needs a command (version, get, scale)")
        verb = words[0]
        if verb == "version":
            return self.version(argv[argv.index("version") + 1:])
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
        handler = getattr(self, "%s_%s" % (verb, noun))
        return handler(argv, values, changed, positional)

    def version(self, args: list[str]) -> int:
        values, changed, positional = parse_flags(args, COMMAND_FLAGS[("version",)])
        if positional:
            raise CommandError('unknown command "%s" for "eksctl version"' % positional[0])
        output = values["output"]
        if output == "json":
            self.stdout.append(json.dumps(VERSION_INFO, separators=(",", ":")) + "\n")
        elif output in ("", None):
            self.stdout.append(VERSION + "\n")
        else:
            raise CommandError("unknown output: %s" % output)
        return 0

    @staticmethod
    def _name_arg(values: dict, changed: set, positional: list[str]) -> str:
        if len(positional) > 1:
            # cmdutils.GetNameArg logs through the logger (stdout) and exits 1 itself.
            raise Exit(1)
        if positional and "name" in changed and values["name"]:
            raise CommandError("--name=%s and argument %s cannot be used at the same time" % (values["name"], positional[0]))
        return positional[0] if positional else values["name"]

    def _check_output(self, values: dict) -> str:
        output = values["output"]
        if output not in ("table", "json", "yaml"):
            raise CommandError('unknown output printer type: expected {"yaml","json","table"} but got "%s"' % output)
        if output == "yaml":
            raise CommandError("the eksctl simulator does not implement -o yaml")
        if output != "table":
            self.log_writer = self.stderr
        return output

    def get_cluster(self, argv: list[str], values: dict, changed: set, positional: list[str]) -> int:
        if len(positional) > 1:
            self.stdout.append(log_line("\u2716", "only one argument is allowed to be used as a name"))
            raise Exit(1)
        name = self._name_arg(values, changed, positional)
        if name and values["all-regions"]:
            raise CommandError("--all-regions is for listing all clusters, it must be used without cluster name flag/argument")
        if values["output"] != "table":
            self.log_writer = self.stderr
        handle = StateFile(self.state_path)
        with handle as state:
            if values["all-regions"]:
                # Contract 8.1/8.2: -A still builds a provider first, so it needs a region like any call (and
                # logs nothing about a --region flag); then it visits the enabled regions in eksctl's order.
                self.resolve_region(values, changed)
                regions = SUPPORTED_REGIONS
            else:
                regions = [self.resolve_region(values, changed)]
            self.check_credentials(state, values)
            fault = self.take_fault(state, "get cluster", argv)
            handle.save()
        cluster = self.find_cluster(state, regions[0], name) if name else None
        if name:
            document = go_json([self.describe(cluster)]) if cluster else ""
            wrap, operation = 'unable to describe control plane "%s": ' % name, "DescribeCluster"
        else:
            # Within a region, in ListClusters' order. EKS does not document that order; the emulated AWS the
            # simulator is checked against answers by name, and so does the simulator. The collection never relies on it.
            rows = [{"Name": c["name"], "Region": c["region"], "Owned": c["owned"]}
                    for region in regions for c in sorted(state["clusters"], key=lambda c: c["name"]) if c["region"] == region]
            document = go_json(rows)
            wrap, operation = "", "ListClusters"
        if fault:
            self.apply_fault(fault, state, wrap, operation, document)
        if name and cluster is None:
            raise CommandError(wrap + not_found_cluster(name))
        output = self._check_output(values)
        if output == "json":
            self.stdout.append(document)
        elif cluster:
            self.stdout.append("NAME\tVERSION\tSTATUS\tCREATED\n%s\t%s\t%s\t%s\n"
                               % (cluster["name"], cluster["version"], cluster["status"], cluster["created"]))
        elif document == "[]":
            self.stdout.append("No clusters found\n")
        else:
            lines = ["NAME\tREGION\tEKSCTL CREATED"] + ["%s\t%s\t%s" % (r["Name"], r["Region"], r["Owned"]) for r in json.loads(document)]
            self.stdout.append("\n".join(lines) + "\n")
        return 0

    @staticmethod
    def describe(cluster: dict) -> dict:
        if cluster.get("connector"):
            return Simulator.describe_registration(cluster)
        name, region = cluster["name"], cluster["region"]
        ident = hashlib.sha256(("%s/%s" % (region, name)).encode()).hexdigest()[:32].upper()
        return {
            "AccessConfig": {"AuthenticationMode": "API_AND_CONFIG_MAP", "BootstrapClusterCreatorAdminPermissions": None},
            "Arn": "arn:aws:eks:%s:%s:cluster/%s" % (region, ACCOUNT, name),
            "CertificateAuthority": {"Data": "LS0tLS1CRUdJTi1DRVJUSUZJQ0FURS0tLS0tCg=="},
            "ClientRequestToken": None,
            "ComputeConfig": None,
            "ConnectorConfig": None,
            "ControlPlaneScalingConfig": None,
            "CreatedAt": cluster["created"],
            "DeletionProtection": None,
            "EncryptionConfig": None,
            "Endpoint": "https://%s.gr7.%s.eks.amazonaws.com" % (ident, region),
            "Health": {"Issues": []},
            "Id": None,
            "Identity": {"Oidc": {"Issuer": "https://oidc.eks.%s.amazonaws.com/id/%s" % (region, ident)}},
            "KubeApiServerConfig": None,
            "KubeControllerManagerConfig": None,
            "KubeSchedulerConfig": None,
            "KubernetesNetworkConfig": {"ElasticLoadBalancing": None, "IpFamily": "ipv4", "ServiceIpv4Cidr": "10.100.0.0/16", "ServiceIpv6Cidr": None},
            "Logging": {"ClusterLogging": [{"Enabled": False, "Types": ["api", "audit", "authenticator", "controllerManager", "scheduler"]}]},
            "Name": name,
            "OutpostConfig": None,
            "PlatformVersion": "eks.5",
            "RemoteNetworkConfig": None,
            "ResourcesVpcConfig": {
                "ClusterSecurityGroupId": "sg-0123", "ControlPlaneEgressMode": "", "EndpointPrivateAccess": False, "EndpointPublicAccess": True,
                "PublicAccessCidrs": ["0.0.0.0/0"], "SecurityGroupIds": ["sg-0456"], "SubnetIds": ["subnet-a", "subnet-b"],
                "VpcId": "vpc-0789",
            },
            "RoleArn": "arn:aws:iam::%s:role/eksctl-%s-cluster-ServiceRole-XYZ" % (ACCOUNT, name),
            "Status": cluster["status"],
            "StorageConfig": None,
            "Tags": dict(sorted(cluster["tags"].items())),
            "UpgradePolicy": {"SupportType": "EXTENDED"},
            "Version": cluster["version"],
            "ZonalShiftConfig": None,
        }

    @staticmethod
    def describe_registration(cluster: dict) -> dict:
        """A cluster registered through EKS Connector: EKS runs no control plane for it, so the description holds
        little beyond its name, ARN, status, tags and the connector's configuration."""
        fields = dict.fromkeys(Simulator.describe(dict(cluster, connector=False)), None)
        fields.update({
            "Arn": "arn:aws:eks:%s:%s:cluster/%s" % (cluster["region"], ACCOUNT, cluster["name"]),
            "ConnectorConfig": {"ActivationCode": None, "ActivationExpiry": "2026-05-04T10:00:00Z",
                                "ActivationId": "a1b2c3d4-0000-1111-2222-333344445555", "Provider": "OTHER",
                                "RoleArn": "arn:aws:iam::%s:role/eks-connector-agent-role" % ACCOUNT},
            "CreatedAt": cluster["created"],
            "Name": cluster["name"],
            "Status": cluster["status"],
            "Tags": dict(sorted(cluster["tags"].items())),
        })
        return fields

    @staticmethod
    def summary(cluster: dict, nodegroup: dict, status: str) -> dict:
        managed = nodegroup["type"] == "managed"
        if managed:
            version = nodegroup["version"]
        else:
            version = "" if nodegroup["desired"] == 0 else nodegroup["kubelet_version"]
        return {
            "StackName": nodegroup["stack_name"],
            "Cluster": cluster["name"],
            "Name": nodegroup["name"],
            "Status": status,
            "MaxSize": nodegroup["max"],
            "MinSize": nodegroup["min"],
            "DesiredCapacity": nodegroup["desired"],
            "InstanceType": nodegroup["instance_type"],
            "ImageID": nodegroup["image_id"],
            "CreationTime": nodegroup["created"],
            "NodeInstanceRoleARN": nodegroup["role_arn"],
            "AutoScalingGroupName": nodegroup["asg"],
            "Version": version,
            "Type": nodegroup["type"],
        }

    def _existing_cluster(self, values: dict, changed: set, state: dict) -> dict:
        region = self.resolve_region(values, changed)
        self.check_credentials(state, values)
        cluster = self.find_cluster(state, region, values["cluster"])
        if cluster is None:
            raise CommandError("unable to describe cluster control plane: %s" % not_found_cluster(values["cluster"]))
        if cluster.get("connector"):
            # Contract 8.3: RefreshClusterStatus refuses a cluster with a ConnectorConfig.
            raise CommandError("cannot perform this operation on a non-EKS cluster; please follow the documentation for "
                               "cluster %s's Kubernetes provider" % cluster["name"])
        return cluster

    def get_nodegroup(self, argv: list[str], values: dict, changed: set, positional: list[str]) -> int:
        if len(positional) > 1:
            self.stdout.append(log_line("\u2716", "only one argument is allowed to be used as a name"))
            raise Exit(1)
        if not values["cluster"]:
            raise CommandError("--cluster must be set")
        name = self._name_arg(values, changed, positional)
        if values["output"] != "table":
            self.log_writer = self.stderr
        handle = StateFile(self.state_path)
        with handle as state:
            cluster = self._existing_cluster(values, changed, state)
            fault = self.take_fault(state, "get nodegroup", argv)
            if cluster["status"] in ("CREATING", "DELETING", "FAILED"):
                handle.save()
                raise CommandError('cannot perform Kubernetes API operations on cluster "%s" in "%s" region due to status "%s"'
                                   % (cluster["name"], cluster["region"], cluster["status"]))
            selected = [ng for ng in cluster["nodegroups"] if not name or ng["name"] == name]
            if name and not selected:
                handle.save()
                raise CommandError(not_found_nodegroup("DescribeNodegroup", name))
            # eksctl lists unmanaged (CloudFormation) nodegroups first, then managed ones.
            ordered = [ng for ng in selected if ng["type"] != "managed"] + [ng for ng in selected if ng["type"] == "managed"]
            rows = []
            for nodegroup in ordered:
                if nodegroup["type"] != "managed" and nodegroup["desired"] > 0:
                    # Contract 8.4: the Version of a self-managed nodegroup with nodes comes from the node list.
                    self._list_nodes(cluster, handle)
                status = nodegroup["status"]
                if nodegroup["pending_reads"] > 0:
                    nodegroup["pending_reads"] -= 1
                    status = "UPDATING"
                    if nodegroup["pending_reads"] == 0:
                        nodegroup["status"] = nodegroup.get("settle_status", "ACTIVE")
                rows.append(self.summary(cluster, nodegroup, status))
            handle.save()
        document = go_json(rows)
        if fault:
            self.apply_fault(fault, state, "", "ListNodegroups", document)
        output = self._check_output(values)
        if output == "json":
            self.stdout.append(document)
        elif not rows:
            raise CommandError("No nodegroups found")
        else:
            lines = ["CLUSTER\tNODEGROUP\tSTATUS\tCREATED\tMIN SIZE\tMAX SIZE\tDESIRED CAPACITY\tINSTANCE TYPE\tIMAGE ID\tASG NAME\tTYPE"]
            lines += ["%(Cluster)s\t%(Name)s\t%(Status)s\t%(CreationTime)s\t%(MinSize)d\t%(MaxSize)d\t%(DesiredCapacity)d\t%(InstanceType)s\t"
                      "%(ImageID)s\t%(AutoScalingGroupName)s\t%(Type)s" % row for row in rows]
            self.stdout.append("\n".join(lines) + "\n")
        return 0

    @staticmethod
    def _list_nodes(cluster: dict, handle: StateFile) -> None:
        access = cluster.get("kubernetes_api", "ok")
        if access == "ok":
            return
        handle.save()
        if access == "forbidden":
            cause = ('nodes is forbidden: User "arn:aws:iam::%s:user/ops" cannot list resource "nodes" in API group "" at the '
                     'cluster scope' % ACCOUNT)
        else:
            cause = ('Get "%s/api/v1/nodes?labelSelector=alpha.eksctl.io%%2Fnodegroup-name%%3D...": dial tcp 10.0.12.34:443: i/o timeout'
                     % Simulator.describe(cluster)["Endpoint"])
        raise CommandError("getting nodegroup's kubernetes version: failed to list nodes: %s" % cause)

    @staticmethod
    def validate_scale(values: dict, changed: set, name: str) -> None:
        """The CLI checks of pkg/ctl/cmdutils/scale.go, in their order."""
        if not name:
            raise CommandError("a config file is required when --name is not set or when scaling multiple nodegroups")
        if not values["cluster"]:
            raise CommandError("--cluster must be set")
        sizes = {flag: values[flag] for flag in ("nodes", "nodes-min", "nodes-max") if flag in changed}
        if not sizes:
            raise CommandError("at least one of minimum, maximum and desired nodes must be set")
        nodes, minimum, maximum = sizes.get("nodes"), sizes.get("nodes-min"), sizes.get("nodes-max")
        if nodes is not None and nodes < 0:
            raise CommandError("number of nodes must be 0 or greater")
        if minimum is not None and minimum < 0:
            raise CommandError("minimum of nodes must be 0 or greater")
        if maximum is not None and maximum < 0:
            raise CommandError("maximum of nodes must be 0 or greater")
        if maximum is not None and minimum is not None and maximum < minimum:
            raise CommandError("maximum number of nodes must be greater than minimum number of nodes")
        if maximum is not None and nodes is not None and maximum < nodes:
            raise CommandError("maximum number of nodes must be greater than or equal to number of nodes")
        if minimum is not None and nodes is not None and minimum > nodes:
            raise CommandError("minimum number of nodes must be fewer than or equal to number of nodes")

    def scale_nodegroup(self, argv: list[str], values: dict, changed: set, positional: list[str]) -> int:
        if len(positional) > 1:
            self.stdout.append(log_line("\u2716", "only one argument is allowed to be used as a name"))
            raise Exit(1)
        if positional and "name" in changed and values["name"]:
            raise CommandError("--name=%s and argument %s cannot be used at the same time" % (values["name"], positional[0]))
        name = positional[0] if positional else values["name"]
        # Check 1 (no name) runs before check 2 (no cluster), and the name/argument clash after both.
        self.validate_scale(values, changed, name)
        handle = StateFile(self.state_path)
        with handle as state:
            cluster = self._existing_cluster(values, changed, state)
            fault = self.take_fault(state, "scale nodegroup", argv)
            handle.save()
        if NAME_REFUSED.search(name):
            # Contract 8.5: the nodegroup config is validated after the provider's AWS calls. The message quotes a
            # pattern, but the check only refuses characters other than letters, digits and "-".
            raise CommandError("validation for %s failed, name must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*" % name)
        wrap = 'failed to scale nodegroup "%s" for cluster "%s", error: ' % (name, cluster["name"])
        nodegroup = next((ng for ng in cluster["nodegroups"] if ng["name"] == name), None)
        operation = "UpdateNodegroupConfig" if nodegroup is None or nodegroup["type"] == "managed" else "UpdateAutoScalingGroup"
        self.info('scaling nodegroup "%s" in cluster %s' % (name, cluster["name"]))
        if fault and fault["kind"] != "kill_parent":
            self.apply_fault(fault, state, wrap, operation)
        handle = StateFile(self.state_path)
        with handle as state:
            cluster = self.find_cluster(state, cluster["region"], cluster["name"])
            nodegroup = next((ng for ng in cluster["nodegroups"] if ng["name"] == name), None)
            if nodegroup is None:
                raise CommandError(wrap + not_found_nodegroup("UpdateNodegroupConfig", name))
            target = {
                "desired": values["nodes"] if "nodes" in changed else nodegroup["desired"],
                "min": values["nodes-min"] if "nodes-min" in changed else nodegroup["min"],
                "max": values["nodes-max"] if "nodes-max" in changed else nodegroup["max"],
            }
            if nodegroup["type"] == "managed":
                self._validate_managed(nodegroup, target, wrap)
            else:
                self._validate_asg(target, wrap)
            nodegroup.update(target)
            if nodegroup["type"] == "managed":
                nodegroup["status"] = "UPDATING"
                nodegroup["pending_reads"] = int(state["settings"].get("updating_reads", 1))
                nodegroup["settle_status"] = state["settings"].get("settle_status", "ACTIVE")
                if nodegroup["pending_reads"] <= 0:
                    nodegroup["status"] = nodegroup["settle_status"]
            handle.save()
        self.info("initiated scaling of nodegroup")
        if values["wait"]:
            self.info('waiting for scaling of nodegroup "%s" to complete' % name)
            self.info("nodegroup successfully scaled")
        else:
            self.info("to see the status of the scaling run `eksctl get nodegroup --cluster %s --region %s --name %s`"
                      % (cluster["name"], cluster["region"], name))
        if fault and fault["kind"] == "kill_parent":
            # Stands for the caller dying between two writes (a crash, an OOM kill, a cancelled job).
            os.kill(os.getppid(), signal.SIGKILL)
        return 0

    @staticmethod
    def _validate_managed(nodegroup: dict, target: dict, wrap: str) -> None:
        # The EKS wording below is taken from the contract where it is known; the others are [inferred].
        if nodegroup["status"] != "ACTIVE" or nodegroup["pending_reads"] > 0:
            raise CommandError("%soperation error EKS: UpdateNodegroupConfig, https response error StatusCode: 409, RequestID: %s, "
                               "ResourceInUseException: Nodegroup cannot be updated as it is currently not in Active State" % (wrap, request_id()))
        problem = None
        if target["max"] < 1:
            problem = "Maximum capacity %d can't be less than 1" % target["max"]
        elif target["min"] > target["desired"]:
            problem = "Minimum capacity %d can't be greater than desired size %d" % (target["min"], target["desired"])
        elif target["desired"] > target["max"]:
            problem = "Desired capacity %d can't be greater than max size %d" % (target["desired"], target["max"])
        if problem:
            raise CommandError("%soperation error EKS: UpdateNodegroupConfig, https response error StatusCode: 400, RequestID: %s, "
                               "InvalidParameterException: %s" % (wrap, request_id(), problem))

    @staticmethod
    def _validate_asg(target: dict, wrap: str) -> None:
        if not target["min"] <= target["desired"] <= target["max"]:
            raise CommandError("%soperation error Auto Scaling: UpdateAutoScalingGroup, https response error StatusCode: 400, RequestID: %s, "
                               "api error ValidationError: Desired capacity:%d must be between the specified min size:%d and max size:%d"
                               % (wrap, request_id(), target["desired"], target["min"], target["max"]))


def _log_call(state_path: str, argv: list[str], environ: dict[str, str], started: float) -> None:
    seen = {}
    for name in LOGGED_VARIABLES:
        if name in environ:
            seen[name] = mask(environ[name]) if name in SECRET_VARIABLES else environ[name]
    _append_log(state_path, {"argv": argv, "env": seen, "pid": os.getpid(), "start": started})


def _append_log(state_path: str, entry: dict) -> None:
    line = json.dumps(entry, sort_keys=True) + "\n"
    fd = os.open(log_path_for(state_path), os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o600)
    try:
        os.write(fd, line.encode("utf-8"))
    finally:
        os.close(fd)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    environ = dict(os.environ)
    state_path = environ.get("EKSCTL_SIM_STATE") or os.path.join(environ.get("HOME", "/tmp"), ".eksctl-simulator.json")
    started = time.time()
    _log_call(state_path, argv, environ, started)
    latency = environ.get("EKSCTL_SIM_LATENCY")
    if latency is None:
        latency = read_state(state_path)["settings"].get("latency", 0)
    if float(latency) > 0:
        time.sleep(float(latency))
    simulator = Simulator(state_path, environ)
    rc = simulator.run(argv)
    sys.stdout.write("".join(simulator.stdout))
    sys.stdout.flush()
    sys.stderr.write("".join(simulator.stderr))
    sys.stderr.flush()
    _append_log(state_path, {"pid": os.getpid(), "end": time.time(), "rc": rc})
    return rc


if __name__ == "__main__":
    sys.exit(main())
