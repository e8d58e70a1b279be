# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulated AWS's HTTP front: moto's threaded server behind a small WSGI gateway, and what moto lacks.

``GatewayMotoServer`` runs moto's application in-process on 127.0.0.1 wrapped by ``Gateway``, which names
every AWS request ``<signing service>:<Operation>`` (``OperationNamer``), counts it with its HTTP status
(``RequestLog``), lets hooks answer instead of moto (EKS ``DescribeClusterVersions``, EKS's and Auto Scaling's
refusals) or act after it (``after_hooks``), and stamps the simulator's account on every request.
``MOTO_GAPS`` lists every difference from AWS the emulator makes up for. The constants here (account, the
tests' and the emulator's own credentials) are shared by the whole emulator.
"""

from __future__ import annotations

import collections
import dataclasses
import functools
import io
import json
import os
import re
import socket
import sys
import threading
import urllib.parse
import uuid
from typing import Any, Callable, Iterable, Mapping

import botocore.session
from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "simulator"))
# The simulator's seed is the one source of seed data.
import eksctl_simulator  # noqa: E402  pylint: disable=wrong-import-position

ACCOUNT = eksctl_simulator.ACCOUNT
ACCESS_KEY = "AKIAE2EEMULATOR00001"
HELPER_ACCESS_KEY = "AKIAE2EEMULATORSELF1"  # the emulator's own boto3 calls: not counted, no after-hooks
SECRET_KEY = "e2e-emulator-secret-key-not-real"
DEFAULT_REGION = "eu-north-1"

MOTO_GAPS = {
    "eks:UpdateNodegroupConfig": "moto accepts any scaling config and any nodegroup status; EKS answers 400 "
                                 "InvalidParameterException (max < 1, min > desired, desired > max) and 409 "
                                 "ResourceInUseException when not ACTIVE. moto also has no UPDATING phase: the "
                                 "gateway shows UPDATING for `updating_reads` DescribeNodegroup calls after a scale.",
    "autoscaling:UpdateAutoScalingGroup": "moto accepts a DesiredCapacity outside [MinSize, MaxSize]; Auto Scaling "
                                          "answers 400 ValidationError.",
    "eks:requestId": "moto's EKS request ids are 52 random characters; EKS gives UUIDs (seen in eksctl's errors).",
    "eks:DescribeClusterVersions": "moto has no route for GET /cluster-versions (404); eksctl calls it "
                                   "for every provider it builds, so the gateway answers it.",
    "account": "moto's default account is 123456789012; the gateway sends x-moto-account-id so ARNs and "
               "GetCallerIdentity carry the simulator's account.",
    "eks:cluster.endpoint": "moto invents an unreachable endpoint and random CA data; on DescribeCluster they are "
                            "patched to the cluster's own local kube-apiserver (started then, see kube_world).",
    "eks:RegisterCluster": "moto cannot register (connect) a cluster; connectorConfig is set on a created "
                           "cluster in moto's backend.",
    "eks:createdAt": "moto stamps createdAt with the current time; the seed's times are patched in.",
    "eks:nodegroup.resources": "moto names a managed nodegroup's Auto Scaling group eks-<uuid> and creates "
                               "no such group; the seed's name is patched in.",
    "cloudformation:status": "moto has no way to put a stack in UPDATE_COMPLETE/UPDATE_ROLLBACK_COMPLETE "
                             "without an update; the status and creation time are patched.",
    "eks:cluster.fields": "moto echoes clientRequestToken, answers encryptionConfig [] and omits accessConfig, "
                          "health, upgradePolicy, vpcId and clusterSecurityGroupId; patched to EKS's shape, the "
                          "upgrade policy from the seed's support_type.",
    "eks:computeConfig": "moto has no EKS Auto Mode (computeConfig, storageConfig, "
                         "kubernetesNetworkConfig.elasticLoadBalancing are never set); a seed cluster with auto_mode "
                         "gets them in moto's backend.",
    "autoscaling:MixedInstancesPolicy": "a group made by moto's CloudFormation reports an empty MixedInstancesPolicy, "
                                        "which makes eksctl's pre-scale AMI check fail; it is cleared.",
    "speed": "moto loads ~5000 AMIs per EC2 region backend on every reset and builds a boto3 Session per "
             "EKS role check; the emulator disables the first and caches the second (0.15 s per reset).",
    "ec2:DescribeImages": "moto answers InvalidAMIID.NotFound for a removed image; EC2 answers an empty list for a "
                          "deregistered public AMI, which is what eksctl's AMI check expects (docs/eksctl.md, ami-check).",
    "ec2:image": "moto registers images only with random ids; the seed's AMI id is added to moto's backend "
                 "so eksctl's AMI check before a self-managed scale finds it.",
}

# EKS versions served by DescribeClusterVersions (what eksctl accepts: any non-empty list of
# "major.minor" strings with a status other than UNSUPPORTED).
CLUSTER_VERSIONS: list[tuple[str, str, bool]] = [
    ("1.28", "EXTENDED_SUPPORT", False),
    ("1.29", "EXTENDED_SUPPORT", False),
    ("1.30", "EXTENDED_SUPPORT", False),
    ("1.31", "EXTENDED_SUPPORT", False),
    ("1.32", "STANDARD_SUPPORT", False),
    ("1.33", "STANDARD_SUPPORT", False),
    ("1.34", "STANDARD_SUPPORT", True),
    ("1.35", "STANDARD_SUPPORT", False),
]


# moto loads ~5000 public AMIs into every EC2 region backend it (re)builds, which makes a reset
# cost ~0.4 s per region; the emulator turns that off while it runs (only seeded AMIs exist).
NO_DEFAULT_AMIS = "MOTO_EC2_LOAD_DEFAULT_AMIS"


def speed_up_moto() -> None:
    """Cache moto's EKS role-ARN check, which builds a new boto3 Session (~0.15 s) per call.

    Only successful checks are cached (a raising call is not), so behaviour is unchanged.
    """
    import moto.eks.models as eks_models
    if not hasattr(eks_models.validate_role_arn, "cache_info"):
        eks_models.validate_role_arn = functools.lru_cache(maxsize=None)(eks_models.validate_role_arn)


# --------------------------------------------------------------------------- request naming


class OperationNamer:
    """Names an AWS request ``<service>:<Operation>`` from its signature, protocol and path."""

    _SCOPE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request")

    def __init__(self) -> None:
        self._rest: dict[str, list[tuple[str, re.Pattern[str], str]]] = {}

    def _rest_routes(self, service: str) -> list[tuple[str, re.Pattern[str], str]]:
        """(method, path regex, operation) for a REST service, from botocore's model."""
        if service not in self._rest:
            routes = []
            model = botocore.session.get_session().get_service_model(service)
            for name in model.operation_names:
                http = model.operation_model(name).http
                path = http["requestUri"].split("?")[0]
                pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path))
                routes.append((http["method"], re.compile("^%s/?$" % pattern), name))
            self._rest[service] = routes
        return self._rest[service]

    def service(self, environ: Mapping[str, Any]) -> str | None:
        match = self._SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
        return match.group(1) if match else None

    def name(self, environ: Mapping[str, Any], body: bytes) -> str | None:
        """``service:Operation`` or None for an unsigned (non-AWS) request."""
        service = self.service(environ)
        if service is None:
            return None
        target = environ.get("HTTP_X_AMZ_TARGET")
        if target:
            return "%s:%s" % (service, target.rsplit(".", 1)[-1])
        fields = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
        if "form-urlencoded" in environ.get("CONTENT_TYPE", ""):
            fields.update(urllib.parse.parse_qs(body.decode("utf-8", "replace")))
        if "Action" in fields:
            return "%s:%s" % (service, fields["Action"][0])
        return "%s:%s" % (service, self._rest_operation(service, environ))

    def _rest_operation(self, service: str, environ: Mapping[str, Any]) -> str:
        method, path = environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", "/")
        try:
            routes = self._rest_routes(service)
        except Exception:  # pylint: disable=broad-except
            return "%s %s" % (method, path)
        for route_method, pattern, name in routes:
            if route_method == method and pattern.match(path):
                return name
        return "%s %s" % (method, path)


class RequestLog:
    """Thread-safe counts of requests by name, and of the failed ones by name and status."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: collections.Counter[str] = collections.Counter()
        self._failures: collections.Counter[tuple[str, int]] = collections.Counter()

    def add(self, name: str, status: int) -> None:
        with self._lock:
            self._counts[name] += 1
            if status >= 400:
                self._failures[(name, status)] += 1

    def counts(self) -> dict[str, int]:
        with self._lock:
            return dict(sorted(self._counts.items()))

    def failures(self) -> dict[tuple[str, int], int]:
        with self._lock:
            return dict(sorted(self._failures.items()))

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()
            self._failures.clear()


# --------------------------------------------------------------------------- the AWS gateway


def describe_cluster_versions_body() -> bytes:
    """The answer to ``GET /cluster-versions`` (EKS DescribeClusterVersions)."""
    versions = [{
        "clusterType": "eks",
        "clusterVersion": version,
        "defaultPlatformVersion": "eks.1",
        "defaultVersion": default,
        "kubernetesPatchVersion": version + ".0",
        "releaseDate": 1700000000,
        "endOfStandardSupportDate": 1900000000,
        "endOfExtendedSupportDate": 1950000000,
        "status": status,
        "versionStatus": status,
    } for version, status, default in CLUSTER_VERSIONS]
    return json.dumps({"clusterVersions": versions}).encode("utf-8")


@dataclasses.dataclass
class Call:
    """One AWS request as the gateway's hooks see it."""

    name: str
    region: str
    method: str
    path: str
    params: dict[str, str]
    body: bytes
    internal: bool = False

    def json(self) -> dict:
        return json.loads(self.body or b"{}")


@dataclasses.dataclass
class Reply:
    """A response a hook gives instead of moto's."""

    status: int
    body: bytes
    content_type: str = "application/json"
    headers: list[tuple[str, str]] = dataclasses.field(default_factory=list)


Hook = Callable[[Call], "Reply | None"]
AfterHook = Callable[[Call, int], None]

STATUS_TEXT = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 409: "Conflict"}


def eks_error(status: int, code: str, message: str) -> Reply:
    """An EKS (REST-JSON) error the AWS SDK for Go parses as ``<code>: <message>``."""
    body = json.dumps({"message": message}).encode("utf-8")
    return Reply(status, body, headers=[("x-amzn-ErrorType", code)])


def query_error(code: str, message: str, namespace: str) -> Reply:
    """A query-protocol (Auto Scaling, CloudFormation) error document."""
    body = ('<ErrorResponse xmlns="%s"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error>'
            "<RequestId>%s</RequestId></ErrorResponse>" % (namespace, code, message, uuid.uuid4()))
    return Reply(400, body.encode("utf-8"), content_type="text/xml")


def drain(iterable: Iterable[bytes]) -> list[bytes]:
    """Read a WSGI response fully and close it, as a server would."""
    try:
        return list(iterable)
    finally:
        close = getattr(iterable, "close", None)
        if close is not None:
            close()


class Gateway:
    """WSGI middleware in front of moto: names and counts requests, runs hooks, adds missing operations.

    ``hooks[name]`` may answer a request instead of moto; ``after_hooks[name]`` run after moto
    answered (with its status). EKS answers get a UUID request id, as real EKS gives. Requests
    signed with ``HELPER_ACCESS_KEY`` (seeding, read-backs) are neither counted nor after-hooked.
    """

    def __init__(self, app: Callable[..., Iterable[bytes]], log: RequestLog, account: str) -> None:
        self.app = app
        self.log = log
        self.account = account
        self.namer = OperationNamer()
        self.hooks: dict[str, Hook] = {"eks:DescribeClusterVersions": lambda call: Reply(200, describe_cluster_versions_body())}
        self.after_hooks: dict[str, AfterHook] = {}

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        environ.setdefault("HTTP_X_MOTO_ACCOUNT_ID", self.account)
        name = self.namer.name(environ, body)
        if name is None:
            return self.app(environ, start_response)
        call = self._call(name, environ, body)
        hook = self.hooks.get(name)
        reply = hook(call) if hook else None
        if reply is not None:
            return self._send(call, reply, start_response)
        statuses: list[int] = []

        def recording_start_response(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
            statuses.append(int(status.split(" ", 1)[0]))
            if name.startswith("eks:"):
                headers = [(key, value) for key, value in headers if key.lower() != "x-amzn-requestid"]
                headers.append(("x-amzn-RequestId", str(uuid.uuid4())))
            return start_response(status, headers, *args)

        result = drain(self.app(environ, recording_start_response))
        after = self.after_hooks.get(name)
        if statuses and not call.internal:
            self.log.add(name, statuses[0])
            if after:
                after(call, statuses[0])
        return result

    def _call(self, name: str, environ: Mapping[str, Any], body: bytes) -> Call:
        scope = re.search(r"Credential=[^/]+/\d{8}/([^/]+)/", environ.get("HTTP_AUTHORIZATION", ""))
        params = {key: values[0] for key, values in urllib.parse.parse_qs(environ.get("QUERY_STRING", "")).items()}
        if "form-urlencoded" in environ.get("CONTENT_TYPE", ""):
            params.update({key: values[0] for key, values in urllib.parse.parse_qs(body.decode("utf-8", "replace")).items()})
        internal = "Credential=%s/" % HELPER_ACCESS_KEY in environ.get("HTTP_AUTHORIZATION", "")
        return Call(name, scope.group(1) if scope else DEFAULT_REGION, environ.get("REQUEST_METHOD", "GET"),
                    environ.get("PATH_INFO", "/"), params, body, internal)

    def _send(self, call: Call, reply: Reply, start_response: Callable[..., Any]) -> list[bytes]:
        if not call.internal:
            self.log.add(call.name, reply.status)
        headers = [("Content-Type", reply.content_type), ("Content-Length", str(len(reply.body))),
                   ("x-amzn-RequestId", str(uuid.uuid4()))] + reply.headers
        start_response("%d %s" % (reply.status, STATUS_TEXT.get(reply.status, "Error")), headers)
        return [reply.body]


class QuietRequestHandler(MotoRequestHandler):
    """moto's request handler without the per-request access log line, one request per connection.

    With HTTP/1.1 keep-alive, about one STS GetCallerIdentity in a thousand failed in eksctl with
    ``deserialization failed, failed to decode response body, read tcp ...: use of closed network
    connection`` after a 200 answer; one request per connection makes that rarer and the emulator
    faster. It still happens now and then: see ``TRANSIENT`` in tests/utils/worlds.py.
    """

    protocol_version = "HTTP/1.0"

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return


class GatewayMotoServer(ThreadedMotoServer):
    """moto's threaded server with the Gateway wrapped around its application."""

    def __init__(self, gateway: Callable[[Any], Gateway]) -> None:
        super().__init__(ip_address="127.0.0.1", port=0, verbose=False)
        self._make_gateway = gateway

    def _server_entry(self) -> None:
        app = self._make_gateway(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(self._ip_address, self._port, app, True, request_handler=QuietRequestHandler)
        self._server_ready_event.set()
        self._server.serve_forever()


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def scaling_problem(desired: int, minimum: int, maximum: int) -> str | None:
    """EKS's InvalidParameterException text for a scaling config, in EKS's check order (docs/eksctl.md, eks-answers)."""
    if maximum < 1:
        return "Maximum capacity %d can't be less than 1" % maximum
    if minimum > desired:
        return "Minimum capacity %d can't be greater than desired size %d" % (minimum, desired)
    if desired > maximum:
        return "Desired capacity %d can't be greater than max size %d" % (desired, maximum)
    return None
