# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils file is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""The eksctl client: argv from declared formatters, credentials through the environment,
throttling and broken connections retried with jittered backoff, failures turned into typed errors."""

from __future__ import annotations

import copy
import os
import random
import time
import typing as t

from . import _errors as errors
from ._failures import FailureKind, classify
from ._parsing import (
    classify_failure,
    error_line,
    excerpt,
    parse_cluster_description,
    parse_cluster_list,
    parse_fargate_profiles,
    parse_nodegroups,
    region_advice,
    short_cause,
    skipped_regions,
)
from ._runner import CommandResult, Runner

MAX_BACKOFF = 60.0
# eksctl's cause in a message, after what went wrong and what to do; the whole of it is in the result's stderr.
CAUSE_LENGTH = 200
# Every eksctl command the collection runs may run again (reads are reads, and a scale sets absolute sizes), so each
# failure kind the table marks as retried (AWS asked to slow down, a connection broke off mid-answer) is tried again.
ALL_REGIONS_START = "us-east-1"

T = t.TypeVar("T")


# Where the credentials come from when no option gives them, in order: the SDKs' names, then the older ones
# (AWX sets AWS_SECURITY_TOKEN). The modules' argument spec and the inventory plugin read the same variables.
CREDENTIAL_VARIABLES = {
    "access_key": ("AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY"),
    "secret_key": ("AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY"),
    "session_token": ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"),
}


def redact(text: str, secrets: t.Iterable[str]) -> str:
    """The text with every secret the client knows replaced: nothing eksctl echoes reaches a message or a log."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "********")
    return text


def first_set(names: t.Iterable[str]) -> str | None:
    """The first of the environment variables that is set and not empty (the SDKs treat an empty one as unset)."""
    return next((os.environ[name] for name in names if os.environ.get(name)), None)


# What introduces eksctl's own cause at the end of a failure's message; readers of the message (the inventory) split on it.
EKSCTL_SAID = "eksctl said: "


class Credentials(t.NamedTuple):
    access_key: str | None = None
    secret_key: str | None = None
    session_token: str | None = None

    @classmethod
    def from_environment(cls) -> Credentials:
        """The credentials eksctl will find in the environment, as the modules read them."""
        return cls(*(first_set(CREDENTIAL_VARIABLES[field]) for field in cls._fields))

    def environment(self) -> dict[str, str]:
        """Only these reach eksctl; never argv. The SDK reads AWS_SESSION_TOKEN, not AWX's AWS_SECURITY_TOKEN."""
        env = {}
        if self.access_key:
            env["AWS_ACCESS_KEY_ID"] = self.access_key
        if self.secret_key:
            env["AWS_SECRET_ACCESS_KEY"] = self.secret_key
        if self.session_token:
            env["AWS_SESSION_TOKEN"] = self.session_token
        return env

    def secrets(self) -> list[str]:
        return [value for value in self if value]


# Per-flag formatters (the CmdRunner idiom): None -> nothing, bool -> bare flag, value -> --flag=value.
# The "=" form keeps any value, even one starting with "-", bound to its flag.
def format_flag(flag: str, value: t.Any) -> list[str]:
    if value is None or value is False:
        return []
    if value is True:
        return ["--%s" % flag]
    return ["--%s=%s" % (flag, value)]


SCALE_FLAGS = {"desired_size": "nodes", "min_size": "nodes-min", "max_size": "nodes-max"}


# The one message for a missing eksctl, from the modules and from the inventory plugin alike.
EKSCTL_NOT_FOUND = "eksctl was not found on PATH; install it (https://eksctl.io/installation/) or set eksctl_path to the eksctl executable"


def resolve_binary(path: str | None, find_on_path: t.Callable[[], str | None]) -> str:
    """The eksctl to run: an explicit path (checked here) or the one on PATH (``find_on_path`` returns None when there is none)."""
    if path is None:
        found = find_on_path()
        if not found:
            raise errors.EksctlNotFound(EKSCTL_NOT_FOUND)
        return found
    if os.path.isdir(path):
        raise errors.InvalidRequest("eksctl_path=%s is a directory, not the eksctl executable" % path)
    if not os.path.isfile(path):
        raise errors.EksctlNotFound("eksctl_path=%s does not exist" % path)
    if not os.access(path, os.X_OK):
        raise errors.EksctlNotFound("eksctl_path=%s is not executable" % path)
    return path


class EksctlClient:
    def __init__(self, runner: Runner, binary: str, *, region: str | None = None, profile: str | None = None,
                 credentials: Credentials = Credentials(), command_timeout: float = 300, retries: int = 5,
                 retry_delay: float = 2.0, sleep: t.Callable[[float], None] = time.sleep,
                 jitter: t.Callable[[float, float], float] = random.uniform) -> None:
        self.runner = runner
        self.binary = binary
        self.region = region
        self.profile = profile
        self.credentials = credentials
        self.command_timeout = command_timeout
        self.retries = retries
        self.retry_delay = retry_delay
        self.sleep = sleep
        self.jitter = jitter
        # What a successful call still had to say (regions `get cluster -A` could not read); shared by for_region copies.
        self.warnings: list[str] = []

    def for_region(self, region: str) -> EksctlClient:
        """The same client aimed at another region (all_regions reads each cluster where it lives)."""
        other = copy.copy(self)
        other.region = region
        return other

    # ---- argv and environment

    def argv(self, words: t.Sequence[str], flags: dict[str, t.Any]) -> list[str]:
        argv = [self.binary] + list(words)
        for flag, value in flags.items():
            argv.extend(format_flag(flag, value))
        argv.extend(format_flag("region", self.region))
        argv.extend(format_flag("profile", self.profile))
        return argv

    def environment(self) -> dict[str, str]:
        return self.credentials.environment()

    def _redact(self, text: str) -> str:
        return redact(text, self.credentials.secrets())

    # ---- running

    def backoff(self, attempt: int) -> float:
        """Equal-jitter exponential backoff: half the window fixed, half random."""
        window = min(MAX_BACKOFF, self.retry_delay * (2 ** attempt))
        return window / 2 + self.jitter(0, window / 2)

    def call(self, words: t.Sequence[str], flags: dict[str, t.Any], *, what: str,
             incomplete: t.Callable[[CommandResult], bool] = lambda result: False) -> CommandResult:
        """Run eksctl; retry throttling and broken connections; raise a typed error on failure.

        ``incomplete`` tells a success that is worth another attempt too (while attempts remain), such as a
        ``get cluster -A`` that skipped a region for a transient reason."""
        argv = self.argv(words, flags)
        attempt = 0
        while True:
            result = self.runner.run(argv, self.environment(), self.command_timeout)
            if result.rc == 0:
                if incomplete(result) and attempt < self.retries:
                    self.sleep(self.backoff(attempt))
                    attempt += 1
                    continue
                return result
            kind = classify_failure(result.stderr)
            if kind is not None and kind.retried and attempt < self.retries:
                self.sleep(self.backoff(attempt))
                attempt += 1
                continue
            raise self.failure(argv, result, kind, what=what, attempts=attempt + 1)

    def failure(self, argv: list[str], result: CommandResult, kind: FailureKind | None, *, what: str, attempts: int) -> errors.EksctlError:
        """One line that leads with what went wrong and what to do (within about 160 characters), then eksctl's own cause,
        shortened; the whole of it is in the result's ``stderr``."""
        stderr = self._redact(result.stderr)
        stdout = self._redact(result.stdout)
        cause = self._redact(error_line(result.stderr) or error_line(result.stdout)) or "exit status %d with no output" % result.rc
        problem, hint = (kind.problem, kind.hint) if kind else ("", "")
        if kind is not None and kind.name == "region":
            problem, hint, cause = region_advice(cause, self.region)
        if kind is not None and kind.retried:
            problem = "%s (%d attempts)" % (problem, attempts)
        cause = excerpt(short_cause(cause), CAUSE_LENGTH)
        if problem:
            message = "Failed to %s: %s; %s%s %s%s" % (what, problem, hint, "" if hint.endswith(("?", ".")) else ".", EKSCTL_SAID, cause)
        else:
            message = "Failed to %s: %s" % (what, cause)
        return (kind.error if kind else errors.CommandFailed)(message, cmd=argv, rc=result.rc, stdout=stdout, stderr=stderr)

    def parse(self, parser: t.Callable[[str], T], result: CommandResult, argv: list[str]) -> T:
        """Parse eksctl's stdout; a parse error names the command, and like every failure carries no secret."""
        try:
            return parser(result.stdout)
        except errors.OutputParseError as exc:
            message = exc.msg
        except (TypeError, ValueError, KeyError, AttributeError, RecursionError) as exc:
            # JSON of a shape no parser check foresaw (or nested past Python's recursion limit): still one clean line.
            message = "eksctl printed JSON of an unexpected shape for %s (%s)" % (" ".join(argv[1:3]), type(exc).__name__)
        raise errors.OutputParseError(self._redact(message), cmd=argv, rc=result.rc, stdout=self._redact(result.stdout),
                                      stderr=self._redact(result.stderr))

    def read(self, words: t.Sequence[str], flags: dict[str, t.Any], parser: t.Callable[[str], T], *, what: str) -> T:
        return self.parse(parser, self.call(words, flags, what=what), self.argv(words, flags))

    # ---- commands

    def list_clusters(self, *, all_regions: bool = False) -> list[dict[str, t.Any]]:
        where = "all regions" if all_regions else "region %s" % (self.region or "(resolved by eksctl)")
        flags = {"all-regions": all_regions, "output": "json"}

        def skipped_for_a_transient_reason(result: CommandResult) -> bool:
            return any(getattr(classify(cause), "retried", False) for cause in skipped_regions(result.stderr).values())

        try:
            result = self.call(["get", "cluster"], flags, what="list the clusters of %s" % where, incomplete=skipped_for_a_transient_reason)
        except errors.RegionError:
            if not all_regions or self.region:
                raise
            # --all-regions still needs a region to start from (it asks that region for the enabled ones), and fails
            # without one. None was given or configured, so start where the commercial partition always answers.
            return self.for_region(ALL_REGIONS_START).list_clusters(all_regions=True)
        self.warnings.extend("eksctl could not read region %s, so its clusters are missing from the list: %s"
                             % (region, self._redact(cause)) for region, cause in sorted(skipped_regions(result.stderr).items()))
        return self.parse(parse_cluster_list, result, self.argv(["get", "cluster"], flags))

    def describe_cluster(self, name: str) -> dict[str, t.Any] | None:
        """The cluster's description, or None when EKS says it does not exist."""
        try:
            return self.read(["get", "cluster"], {"name": name, "output": "json"}, parse_cluster_description, what="describe cluster %r" % name)
        except errors.ClusterNotFound:
            return None

    def list_nodegroups(self, cluster: str) -> list[dict[str, t.Any]]:
        return self.read(["get", "nodegroup"], {"cluster": cluster, "output": "json"}, parse_nodegroups,
                         what="list the nodegroups of cluster %r" % cluster)

    def get_nodegroup(self, cluster: str, name: str) -> list[dict[str, t.Any]]:
        """One nodegroup by name (a one-element list); NodegroupNotFound when it does not exist."""
        return self.read(["get", "nodegroup"], {"cluster": cluster, "name": name, "output": "json"}, parse_nodegroups,
                         what="read nodegroup %r of cluster %r" % (name, cluster))

    def list_fargate_profiles(self, cluster: str) -> list[dict[str, t.Any]]:
        return self.read(["get", "fargateprofile"], {"cluster": cluster, "output": "json"}, parse_fargate_profiles,
                         what="list the Fargate profiles of cluster %r" % cluster)

    @staticmethod
    def _scale_flags(cluster: str, nodegroup: str, sizes: dict[str, int]) -> dict[str, t.Any]:
        flags: dict[str, t.Any] = {"cluster": cluster, "name": nodegroup}
        flags.update((SCALE_FLAGS[key], sizes[key]) for key in ("desired_size", "min_size", "max_size") if key in sizes)
        return flags

    def scale_argv(self, cluster: str, nodegroup: str, sizes: dict[str, int]) -> list[str]:
        """The argv a scale would run, for ``commands`` (also in check mode). It holds no secret."""
        return self.argv(["scale", "nodegroup"], self._scale_flags(cluster, nodegroup, sizes))

    def scale_nodegroup(self, cluster: str, nodegroup: str, sizes: dict[str, int]) -> CommandResult:
        return self.call(["scale", "nodegroup"], self._scale_flags(cluster, nodegroup, sizes),
                         what="scale nodegroup %r of cluster %r" % (nodegroup, cluster))
