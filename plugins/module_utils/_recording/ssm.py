# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils file is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""The recording in the AWS account: one SSM Parameter Store parameter per cluster, ``<prefix>/<region>/<cluster>``, in the
cluster's region, so that every controller of the fleet (two AWX instances, a laptop's ad hoc start) sees the same one.

Parameter Store has no conditional write, so each change is written, then checked: ``PutParameter`` returns the version it
made, and a version other than the one after the version read means another job wrote in between. The store then reads
every version it missed from the parameter's history, joins them with its own (``policy.join``: nothing either job
recorded is lost, and what a start spent stays spent), and writes again, until its write follows the version it saw.
The parameter keeps, besides the recording, the stop time of each recording a start spent, which the join needs.

The parameter is a ``String`` (sizes are no secret) of the ``Intelligent-Tiering`` tier: standard while the recording fits
in 4 KB, advanced (8 KB) beyond. Reaching it needs ``ssm:GetParameter``, ``ssm:PutParameter`` and
``ssm:GetParameterHistory`` on the prefix.
"""

from __future__ import annotations

import json
import typing as t

from .document import EMPTY, ClusterRecording, from_document, to_document
from .file import RecordingError
from .policy import join, newly_spent

PARAMETER_VERSION = 1
ATTEMPTS = 8
PERMISSIONS = "grant ssm:GetParameter, ssm:PutParameter and ssm:GetParameterHistory on it"


class Parameters(t.Protocol):
    """The three Parameter Store calls the store makes (``BotocoreParameters`` in production, a fake in tests).
    Each raises RecordingError with a one-line message."""

    def get(self, name: str) -> tuple[str, int] | None:
        """The value and version of the parameter, or None when it does not exist."""

    def history(self, name: str) -> dict[int, str]:
        """Every version the history still holds, to its value."""

    def put(self, name: str, value: str, *, overwrite: bool) -> int | None:
        """Write a new version and return its number; None when ``overwrite`` is false and the parameter exists."""


def parameter_name(prefix: str, key: str) -> str:
    return "%s/%s" % (prefix.rstrip("/"), key)


def _decode(name: str, value: str) -> tuple[ClusterRecording, dict[str, str]]:
    try:
        data = json.loads(value)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        if isinstance(data.get("version"), int) and data["version"] > PARAMETER_VERSION:
            raise RecordingError("SSM parameter %s was written by a newer eks_tools.eksctl (format %d); upgrade the collection on this "
                                 "controller" % (name, data["version"]))
        spent = data.get("spent") or {}
        if not isinstance(spent, dict) or not all(isinstance(value, str) for value in spent.values()):
            raise ValueError("spent is not a mapping of nodegroup to stop time")
        return from_document(data, strict_ledger=False), dict(spent)
    except (ValueError, TypeError, RecursionError) as exc:
        # Never overwrite a recording we cannot read: it may hold the only copy of the sizes.
        raise RecordingError("cannot read SSM parameter %s (%s); fix or delete it, or pass restore_capacity" % (name, exc)) from None


def _encode(key: str, recording: ClusterRecording, spent: t.Mapping[str, str]) -> str:
    document = dict(to_document(recording), version=PARAMETER_VERSION, key=key)
    if spent:
        document["spent"] = dict(sorted(spent.items()))
    return json.dumps(document, sort_keys=True, separators=(",", ":"))


class SsmStore:
    def __init__(self, prefix: str, parameters: t.Callable[[str], Parameters]) -> None:
        """``parameters(region)`` gives the Parameter Store client of a region (made on first use)."""
        self.prefix = prefix
        self.parameters = parameters
        self.name = "the SSM parameters under %s" % prefix

    def _client(self, key: str) -> Parameters:
        return self.parameters(key.split("/", 1)[0])

    def load(self, key: str) -> ClusterRecording:
        name = parameter_name(self.prefix, key)
        found = self._client(key).get(name)
        return _decode(name, found[0])[0] if found else EMPTY

    def update(self, key: str, change: t.Callable[[ClusterRecording], ClusterRecording]) -> ClusterRecording:
        """Apply ``change`` to the cluster's recording and write it; returns the recording the parameter holds after it."""
        client, name = self._client(key), parameter_name(self.prefix, key)
        found = client.get(name)
        version = found[1] if found else 0
        before, spent = _decode(name, found[0]) if found else (EMPTY, {})
        after = change(before)
        if after == before:
            return after
        spent = join(EMPTY, spent, EMPTY, newly_spent(before, after))[1]
        value = _encode(key, after, spent)
        for _attempt in range(ATTEMPTS):
            written = client.put(name, value, overwrite=found is not None or version > 0)
            if written is None:
                # Created by another job since our read: start from its version.
                return self.update(key, change)
            if written == version + 1:
                return after
            # Versions written between ours and the one we read were overwritten by ours: join them back in, write again.
            history = client.history(name)
            for missed in range(version + 1, written):
                if missed not in history:
                    raise RecordingError("SSM parameter %s: version %d, written beside this job, is gone from its history; "
                                         "check the recording before the next start" % (name, missed))
                after, spent = join(after, spent, *_decode(name, history[missed]))
            version, value = written, _encode(key, after, spent)
        raise RecordingError("SSM parameter %s kept changing under this job (%d writes); run it again" % (name, ATTEMPTS))


class BotocoreParameters:
    """Parameter Store through botocore, with the collection's credentials, in one region; every error one line."""

    def __init__(self, client: t.Any, errors: tuple[type[BaseException], ...]) -> None:
        self.client = client
        self.errors = errors

    def _call(self, what: str, name: str, operation: t.Callable[..., t.Any], **arguments: t.Any) -> t.Any:
        try:
            return operation(Name=name, **arguments)
        except self.errors as exc:
            code = getattr(exc, "response", {}).get("Error", {}).get("Code", "")
            if code == "ParameterNotFound":
                return None
            if code == "ParameterAlreadyExists":
                return False
            hint = "; " + PERMISSIONS if code in ("AccessDeniedException", "AccessDenied") else ""
            raise RecordingError("cannot %s SSM parameter %s: %s%s" % (what, name, " ".join(str(exc).split()), hint)) from None

    def get(self, name: str) -> tuple[str, int] | None:
        answer = self._call("read", name, self.client.get_parameter)
        return (answer["Parameter"]["Value"], int(answer["Parameter"]["Version"])) if answer else None

    def history(self, name: str) -> dict[int, str]:
        versions: dict[int, str] = {}
        token: dict[str, str] = {}
        while True:
            answer = self._call("read the history of", name, self.client.get_parameter_history, MaxResults=50, **token) or {}
            versions.update((int(entry["Version"]), entry["Value"]) for entry in answer.get("Parameters", []))
            if not answer.get("NextToken"):
                return versions
            token = {"NextToken": answer["NextToken"]}

    def put(self, name: str, value: str, *, overwrite: bool) -> int | None:
        answer = self._call("write", name, self.client.put_parameter, Value=value, Type="String", Overwrite=overwrite,
                            Tier="Intelligent-Tiering", Description="eks_tools.eksctl recording of cluster %s" % name.rsplit("/", 1)[-1])
        return int(answer["Version"]) if answer else None


def botocore_parameters(*, profile: str | None, access_key: str | None, secret_key: str | None, session_token: str | None,
                        retries: int, timeout: float) -> t.Callable[[str], Parameters]:
    """A maker of Parameter Store clients per region, with the credentials eksctl gets (options, then the usual chain) and
    the endpoint botocore takes from the environment (``AWS_ENDPOINT_URL_SSM``, ``AWS_ENDPOINT_URL``). botocore is needed
    only when the recording is kept in SSM, so it is imported here and a missing one is one clear line."""
    try:
        import botocore.config  # pylint: disable=import-outside-toplevel
        import botocore.exceptions  # pylint: disable=import-outside-toplevel
        import botocore.session  # pylint: disable=import-outside-toplevel
    except ImportError:
        raise RecordingError("recording_ssm_prefix needs the botocore Python library where the module runs: pip install botocore") from None
    try:
        session = botocore.session.Session(profile=profile)
        session.get_config_variable("region")  # reads the profile once, so a profile that does not exist fails here
    except botocore.exceptions.BotoCoreError as exc:
        raise RecordingError("cannot use profile %s for the SSM recording: %s" % (profile, exc)) from None
    config = botocore.config.Config(retries={"max_attempts": retries + 1, "mode": "standard"}, connect_timeout=timeout, read_timeout=timeout)
    errors = (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError)
    made: dict[str, Parameters] = {}

    def parameters(region: str) -> Parameters:
        if region not in made:
            made[region] = BotocoreParameters(session.create_client("ssm", region_name=region, aws_access_key_id=access_key or None,
                                                                    aws_secret_access_key=secret_key or None,
                                                                    aws_session_token=session_token or None, config=config), errors)
        return made[region]
    return parameters
