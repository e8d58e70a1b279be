# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""An emulated AWS (and a tiny Kubernetes API) for running the real eksctl binary in tests.

``AwsEmulator`` starts moto's ``ThreadedMotoServer`` on 127.0.0.1 in this process, wraps it
with a small WSGI gateway that adds what eksctl needs and moto lacks, seeds it with the same
data as the simulator's ``seed_state()`` and serves a local HTTPS Kubernetes API that the
seeded clusters point at.

Endpoint variables honoured by eksctl (read in eksctl v0.230.0 and v0.215.0, with the AWS SDK
for Go v2 it pins):

* eksctl sets the endpoint itself for STS, CloudFormation, EC2, EKS, IAM, ELB, ELBv2 and
  CloudTrail, taking the first variable that is *set* (even to an empty string) of
  ``AWS_<SVC>_ENDPOINT``, ``AWS_ENDPOINT_URL_<SVC>``, ``AWS_ENDPOINT_URL``:
  ``AWS_STS_ENDPOINT``/``AWS_ENDPOINT_URL_STS``, ``AWS_CLOUDFORMATION_ENDPOINT``/
  ``AWS_ENDPOINT_URL_CLOUDFORMATION``, ``AWS_EC2_ENDPOINT``/``AWS_ENDPOINT_URL_EC2``,
  ``AWS_EKS_ENDPOINT``/``AWS_ENDPOINT_URL_EKS``, ``AWS_IAM_ENDPOINT``/``AWS_ENDPOINT_URL_IAM``,
  ``AWS_ELB_ENDPOINT``/``AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING``, ``AWS_ELBV2_ENDPOINT``/
  ``AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2``, ``AWS_CLOUDTRAIL_ENDPOINT``/
  ``AWS_ENDPOINT_URL_CLOUDTRAIL`` (``pkg/eks/services_v2.go``, ``pkg/eks/api.go``). When none
  is set eksctl overwrites the SDK's choice with nothing, so for these services an
  ``endpoint_url`` in the AWS config file is ignored.
* Auto Scaling, SSM, Outposts and CloudWatch Logs clients are built by the SDK alone: they honour
  ``AWS_ENDPOINT_URL_AUTO_SCALING`` (``_SSM``, ``_OUTPOSTS``, ``_CLOUDWATCH_LOGS``),
  ``AWS_ENDPOINT_URL``, and the config file's ``endpoint_url``. There is no
  ``AWS_AUTOSCALING_ENDPOINT``.
* The STS presigner that makes the Kubernetes token has no endpoint override of eksctl's; it only
  signs locally (no request is sent).

One variable, ``AWS_ENDPOINT_URL``, therefore reaches every service eksctl uses; ``env()`` sets it
and nothing else endpoint-related.

What the gateway adds in front of moto (see ``MOTO_GAPS`` for the full list):

* EKS ``DescribeClusterVersions`` (``GET /cluster-versions``), which moto answers with 404 and
  eksctl calls on every provider it builds;
* EKS's and Auto Scaling's refusals of out-of-bounds sizes, EKS's 409 for a nodegroup that is not
  ACTIVE, and an UPDATING phase after a managed scale (``updating_reads``, like the simulator's);
* the account id ``ACCOUNT`` on every request (moto's ``x-moto-account-id`` header), so ARNs and
  ``GetCallerIdentity`` match the simulator;
* counting of every AWS request by ``<signing service>:<Operation>`` and of every Kubernetes
  request, with the HTTP status, for benchmarks and for spotting new gaps.

State patched inside moto's backends (no public API exists for them): cluster and nodegroup
``createdAt``, cluster and nodegroup status, DescribeCluster fields moto gets wrong, the clusters'
``endpoint`` and ``certificateAuthority`` (to the local Kubernetes API), EKS Auto Mode's and the
upgrade policy's DescribeCluster fields (moto has none of them), the managed nodegroups'
Auto Scaling group names, the CloudFormation stack status and creation time, an AMI with the
simulator's image id, the empty MixedInstancesPolicy of groups made by CloudFormation, and
``connectorConfig`` for a connected cluster.

How the seed is represented (``seed()``, from ``eksctl_simulator.seed_state()``):

* a cluster is an EKS cluster; an owned one (``owned == "True"``) also gets a stack
  ``eksctl-<cluster>-cluster`` tagged ``alpha.eksctl.io/cluster-name``, which is what makes eksctl
  print ``Owned: True`` (it matches stack names against ``eksctl-.*-cluster`` and checks the tag);
* a managed nodegroup is an EKS nodegroup; with a ``stack_name`` it also gets a stack
  ``eksctl-<cluster>-nodegroup-<ng>`` tagged ``alpha.eksctl.io/nodegroup-type: managed`` (eksctl
  prints its name as ``StackName``); without one eksctl prints ``StackName: ""``;
* a self-managed nodegroup is a stack ``eksctl-<cluster>-nodegroup-<ng>`` with eksctl's
  ``alpha.eksctl.io/*`` tags (``nodegroup-type: unmanaged``), a launch template
  ``NodeGroupLaunchTemplate`` (instance type and AMI, which eksctl reads from the template) and an
  Auto Scaling group ``NodeGroup`` (live sizes), plus the output ``InstanceRoleARN``; its nodes
  (one per desired instance) are served by the Kubernetes API with the seed's kubelet version;
* the seed's managed nodegroup with an underscore in its name (``tf_workers`` of ``legacy-tf``) is made
  outside eksctl: no stack, so eksctl lists it but never scales it (contract 8.5);
* a cluster's ``connector`` (if true) makes it a connected cluster (``add_connector_cluster``) and
  its ``kubernetes_api`` (``ok``/``forbidden``/``unreachable``) sets how its Kubernetes API answers;
* a cluster's Fargate profiles are made through the EKS API (moto keeps them and answers
  ListFargateProfiles and DescribeFargateProfile as EKS does); its ``auto_mode`` and ``support_type``
  are patched into moto's cluster record (``describe_like_aws``).

Scenarios beyond the seed: ``add_connector_cluster()`` (contract 8.3: a cluster whose
DescribeCluster carries ``connectorConfig``; eksctl refuses every nodegroup command on it),
``add_self_managed_nodegroup(stack_status="UPDATE_ROLLBACK_COMPLETE")`` or ``set_stack_status()``
(contract 8.6), ``set_kube_api("forbidden" | "unreachable")`` (contract 8.4), ``remove_image()``
(contract 8.8), ``set_cluster_status()``, ``set_nodegroup_status()``, ``set_asg_sizes()``,
``delete_nodegroup()``; ``sizes()`` and ``stack_status()`` read state back.
"""

from __future__ import annotations

import base64
import collections
import dataclasses
import datetime
import functools
import hashlib
import io
import ipaddress
import json
import os
import re
import shutil
import socket
import ssl
import sys
import tempfile
import threading
import urllib.parse
import urllib.request
import uuid
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterable, Iterator, Mapping

import boto3
import botocore.session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(_HERE), "simulator"))
import eksctl_simulator  # noqa: E402  (the simulator's seed is the single source of seed data)

ACCOUNT = eksctl_simulator.ACCOUNT
ACCESS_KEY = "AKIAE2EEMULATOR00001"
HELPER_ACCESS_KEY = "AKIAE2EEMULATORSELF1"  # the emulator's own boto3 calls: not counted, no after-hooks
SECRET_KEY = "e2e-emulator-secret-key-not-real"
DEFAULT_REGION = "eu-north-1"
KUBE_PREFIX = "/k8s"

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
    "eks:cluster.endpoint": "moto invents an unreachable endpoint and random CA data; they are patched to "
                            "the local Kubernetes API that eksctl lists nodes from.",
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
                          "deregistered public AMI, which is what eksctl's AMI check expects (contract 8.8).",
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


def underscore_nodegroup(state: dict | None = None) -> tuple[dict, dict]:
    """(cluster, nodegroup) of the first nodegroup with an underscore in its name in the seed."""
    for cluster in (state or eksctl_simulator.seed_state())["clusters"]:
        for nodegroup in cluster["nodegroups"]:
            if "_" in nodegroup["name"]:
                return cluster, nodegroup
    raise LookupError("no nodegroup with an underscore in the seed")


KUBE_OK, KUBE_FORBIDDEN, KUBE_UNREACHABLE = "ok", "forbidden", "unreachable"

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


def parse_time(text: str) -> datetime.datetime:
    """A seed timestamp (``2026-05-01T10:30:00.123Z``) as an aware datetime."""
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


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


# --------------------------------------------------------------------------- the Kubernetes API


def make_tls_material(directory: str) -> tuple[str, str, str]:
    """A self-signed CA and a server certificate for 127.0.0.1; returns (ca_pem, cert_path, key_path)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "e2e-kubernetes-ca")])
    ca_cert = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
               .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=2))
               .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                            content_commitment=False, key_encipherment=False, data_encipherment=False,
                                            key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
               .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kube-apiserver")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                        x509.DNSName("localhost")]), critical=False)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    cert_path, key_path = os.path.join(directory, "kube.crt"), os.path.join(directory, "kube.key")
    with open(cert_path, "wb") as handle:
        handle.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as handle:
        handle.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    return ca_cert.public_bytes(serialization.Encoding.PEM).decode("ascii"), cert_path, key_path


NodeSource = Callable[[str, str, str], list[dict]]


class KubeApi:
    """An HTTPS Kubernetes API answering ``GET <prefix>/<region>/<cluster>/api/v1/nodes``.

    ``modes[(region, cluster)]`` is ``ok`` (the default: list nodes), ``forbidden`` (403 for every
    request) or ``unreachable`` (the emulator then points the cluster at a closed port).
    """

    def __init__(self, directory: str, nodes: NodeSource, log: RequestLog) -> None:
        self.ca_pem, cert_path, key_path = make_tls_material(directory)
        self.modes: dict[tuple[str, str], str] = {}
        self.last_authorization = ""
        self._nodes = nodes
        self._log = log
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_path, key_path)
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return "https://127.0.0.1:%d" % self._server.server_address[1]

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def answer(self, method: str, raw_path: str) -> tuple[int, dict]:
        """Status and JSON body for one request."""
        parsed = urllib.parse.urlsplit(raw_path)
        parts = parsed.path[len(KUBE_PREFIX):].strip("/").split("/", 2)
        rest = "/" + parts[2] if len(parts) == 3 else "/"
        forbidden = len(parts) == 3 and self.modes.get((parts[0], parts[1])) == KUBE_FORBIDDEN
        self._log.add("kube:%s %s" % (method, rest), 403 if forbidden else 200)
        if forbidden:
            return 403, forbidden_status(rest)
        if method == "GET" and rest == "/api/v1/nodes" and len(parts) == 3:
            selector = urllib.parse.parse_qs(parsed.query).get("labelSelector", [""])[0]
            return 200, {"kind": "NodeList", "apiVersion": "v1", "metadata": {"resourceVersion": "1"},
                         "items": self._nodes(parts[0], parts[1], selector)}
        if method == "GET" and rest == "/version":
            return 200, {"major": "1", "minor": "31", "gitVersion": "v1.31.2-eks-e2e", "platform": "linux/amd64"}
        return 404, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                     "message": "the server could not find the requested resource", "reason": "NotFound", "code": 404}

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            """Routes every method through ``KubeApi.answer``."""

            protocol_version = "HTTP/1.1"

            def _reply(self) -> None:
                api.last_authorization = self.headers.get("Authorization", "")
                status, document = api.answer(self.command, self.path)
                payload = json.dumps(document).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _reply

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002  (BaseHTTPRequestHandler's name)
                return

        return Handler


def forbidden_status(path: str) -> dict:
    """The Status a Kubernetes API returns to a user without ``list nodes`` RBAC."""
    user = "arn:aws:sts::%s:assumed-role/e2e-readonly/e2e" % ACCOUNT
    resource = "nodes" if path.startswith("/api/v1/nodes") else "resource"
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": 'nodes is forbidden: User "%s" cannot list resource "%s" in API group "" at the cluster scope'
                       % (user, resource),
            "reason": "Forbidden", "details": {"kind": resource}, "code": 403}


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --------------------------------------------------------------------------- templates


def cluster_stack_template(cluster: str) -> str:
    """A stand-in for eksctl's cluster stack (only its name and tags matter to eksctl's reads).

    moto accepts a stack without resources (CloudFormation would not); eksctl never reads them.
    """
    return json.dumps({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "EKS cluster (dedicated VPC: true, dedicated IAM: true) [created and managed by eksctl]",
        "Resources": {},
        "Outputs": {"ClusterStackName": {"Value": "eksctl-%s-cluster" % cluster}},
    })


def managed_stack_template() -> str:
    """A stand-in for the stack eksctl makes for a managed nodegroup (moto has no AWS::EKS::Nodegroup)."""
    return json.dumps({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "EKS Managed Nodes (SSH access: false) [created by eksctl]",
        "Resources": {},
    })


def unmanaged_stack_template(nodegroup: dict, region: str) -> str:
    """The parts of eksctl's self-managed nodegroup stack that ``get``/``scale nodegroup`` read."""
    return json.dumps({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "EKS nodes (AMI family: AmazonLinux2023) [created and managed by eksctl]",
        "Resources": {
            "NodeGroupLaunchTemplate": {
                "Type": "AWS::EC2::LaunchTemplate",
                "Properties": {
                    "LaunchTemplateName": nodegroup["stack_name"],
                    "LaunchTemplateData": {"ImageId": nodegroup["image_id"], "InstanceType": nodegroup["instance_type"]},
                },
            },
            "NodeGroup": {
                "Type": "AWS::AutoScaling::AutoScalingGroup",
                "Properties": {
                    "AutoScalingGroupName": nodegroup["asg"],
                    "AvailabilityZones": [region + "a"],
                    "DesiredCapacity": str(nodegroup["desired"]),
                    "MinSize": str(nodegroup["min"]),
                    "MaxSize": str(nodegroup["max"]),
                    "LaunchTemplate": {
                        "LaunchTemplateId": {"Ref": "NodeGroupLaunchTemplate"},
                        "Version": {"Fn::GetAtt": ["NodeGroupLaunchTemplate", "LatestVersionNumber"]},
                    },
                },
            },
        },
        "Outputs": {"InstanceRoleARN": {"Value": nodegroup["role_arn"]}},
    })


def scaling_problem(desired: int, minimum: int, maximum: int) -> str | None:
    """EKS's InvalidParameterException text for a scaling config, in EKS's check order (per the contract)."""
    if maximum < 1:
        return "Maximum capacity %d can't be less than 1" % maximum
    if minimum > desired:
        return "Minimum capacity %d can't be greater than desired size %d" % (minimum, desired)
    if desired > maximum:
        return "Desired capacity %d can't be greater than max size %d" % (desired, maximum)
    return None


def describe_like_aws(record: Any, region: str, name: str, cluster: Mapping[str, Any] | None = None) -> None:
    """Give a moto cluster the DescribeCluster fields real EKS returns (and the simulator prints).

    moto echoes the client token, answers ``encryptionConfig: []`` and leaves out ``accessConfig``,
    ``health``, ``upgradePolicy``, the VPC and cluster security group ids; it has no EKS Auto Mode
    (``computeConfig``, ``storageConfig``, ``kubernetesNetworkConfig.elasticLoadBalancing``), which are
    set from the seed's cluster record (``auto_mode``), as is the upgrade policy (``support_type``).
    """
    cluster = cluster or {}
    ident = hashlib.sha256(("%s/%s" % (region, name)).encode()).hexdigest()[:32].upper()
    record.client_request_token = None
    record.encryption_config = None
    record.access_config = {"authenticationMode": "API_AND_CONFIG_MAP"}
    record.health = {"issues": []}
    record.upgrade_policy = {"supportType": cluster.get("support_type", "STANDARD")}
    auto_mode = cluster.get("auto_mode")
    if auto_mode:
        record.compute_config = {"enabled": True, "nodePools": list(auto_mode["node_pools"]), "nodeRoleArn": auto_mode["node_role_arn"]}
        record.storage_config = {"blockStorage": {"enabled": True}}
        record.kubernetes_network_config = dict(record.kubernetes_network_config, elasticLoadBalancing={"enabled": True})
    record.platformVersion = "eks.5"
    record.identity = {"oidc": {"issuer": "https://oidc.eks.%s.amazonaws.com/id/%s" % (region, ident)}}
    record.resources_vpc_config = dict(record.resources_vpc_config, clusterSecurityGroupId="sg-0123", vpcId="vpc-0789")


def stack_tags(cluster: str, nodegroup: str | None = None, kind: str | None = None) -> list[dict[str, str]]:
    """eksctl's ``alpha.eksctl.io/*`` stack tags."""
    tags = {"alpha.eksctl.io/cluster-name": cluster, "eksctl.cluster.k8s.io/v1alpha1/cluster-name": cluster,
            "alpha.eksctl.io/eksctl-version": "0.230.0"}
    if nodegroup is not None:
        tags["alpha.eksctl.io/nodegroup-name"] = nodegroup
        tags["alpha.eksctl.io/nodegroup-type"] = kind or "unmanaged"
    return [{"Key": key, "Value": value} for key, value in tags.items()]


# --------------------------------------------------------------------------- the emulator


class AwsEmulator:
    """moto plus the pieces eksctl needs, seeded like the simulator; a context manager.

    ``reset()`` empties moto and seeds again (cheap enough per test); ``counts()`` and
    ``reset_counts()`` give the AWS (and Kubernetes) requests seen since the last reset.
    """

    def __init__(self, seed: bool = True, account: str = ACCOUNT) -> None:
        self.account = account
        self.seed_on_reset = seed
        self.log = RequestLog()
        self.home = tempfile.mkdtemp(prefix="e2e-aws-home-")
        self._tls_dir = tempfile.mkdtemp(prefix="e2e-kube-tls-")
        self.updating_reads = 1
        self._pending_reads: dict[tuple[str, str, str], int] = {}
        self._removed_images: set[tuple[str, str]] = set()
        self._moto = GatewayMotoServer(self._make_gateway)
        self.kube = KubeApi(self._tls_dir, self._nodes_for, self.log)
        self._kubelets: dict[tuple[str, str, str], str] = {}
        self._clients: dict[tuple[str, str], Any] = {}
        self._dead_port = closed_port()
        self._saved_amis_setting: str | None = None
        self.url = ""

    # -- lifecycle

    def __enter__(self) -> "AwsEmulator":
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> None:
        """Start moto and the Kubernetes API, then seed."""
        self._saved_amis_setting = os.environ.get(NO_DEFAULT_AMIS)
        os.environ[NO_DEFAULT_AMIS] = "false"
        speed_up_moto()
        self._moto.start()
        host, port = self._moto.get_host_and_port()
        self.url = "http://%s:%d" % (host, port)
        self.kube.start()
        self.reset()

    def stop(self) -> None:
        self._moto.stop()
        self.kube.stop()
        if self._saved_amis_setting is None:
            os.environ.pop(NO_DEFAULT_AMIS, None)
        else:
            os.environ[NO_DEFAULT_AMIS] = self._saved_amis_setting
        shutil.rmtree(self.home, ignore_errors=True)
        shutil.rmtree(self._tls_dir, ignore_errors=True)

    def reset(self, seed: bool | None = None) -> None:
        """Empty every moto backend, restore the Kubernetes API, seed again, zero the counts."""
        request = urllib.request.Request(self.url + "/moto-api/reset", method="POST", data=b"")
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
        self._kubelets.clear()
        self._pending_reads.clear()
        self._removed_images.clear()
        self.kube.modes.clear()
        if self.seed_on_reset if seed is None else seed:
            self.seed()
        self.log.reset()

    # -- gateway hooks (behaviour moto lacks)

    def _make_gateway(self, app: Any) -> Gateway:
        gateway = Gateway(app, self.log, self.account)
        gateway.hooks["eks:UpdateNodegroupConfig"] = self._check_nodegroup_update
        gateway.after_hooks["eks:UpdateNodegroupConfig"] = self._start_updating
        gateway.after_hooks["eks:DescribeNodegroup"] = self._count_updating_read
        gateway.hooks["autoscaling:UpdateAutoScalingGroup"] = self._check_asg_update
        gateway.hooks["ec2:DescribeImages"] = self._describe_removed_images
        return gateway

    def _describe_removed_images(self, call: Call) -> Reply | None:
        """An empty DescribeImages answer when every image asked for was removed with ``remove_image``."""
        wanted = [value for key, value in call.params.items() if key.startswith("ImageId.")]
        if not wanted or any((call.region, image) not in self._removed_images for image in wanted):
            return None
        body = ('<DescribeImagesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>%s</requestId>'
                "<imagesSet/></DescribeImagesResponse>" % uuid.uuid4())
        return Reply(200, body.encode("utf-8"), content_type="text/xml;charset=UTF-8")

    @staticmethod
    def _nodegroup_path(call: Call) -> tuple[str, str]:
        parts = [urllib.parse.unquote(part) for part in call.path.strip("/").split("/")]
        return parts[1], parts[3]

    def _check_nodegroup_update(self, call: Call) -> Reply | None:
        """EKS refuses a scaling config out of bounds (400) or a nodegroup that is not ACTIVE (409); moto does not."""
        cluster, name = self._nodegroup_path(call)
        try:
            record = self._eks_backend(call.region).clusters[cluster].nodegroups[name]
        except KeyError:
            return None
        if record.status != "ACTIVE":
            return eks_error(409, "ResourceInUseException",
                             "Nodegroup cannot be updated as it is currently not in Active State")
        current = record.scaling_config
        wanted = call.json().get("scalingConfig") or {}
        desired, minimum, maximum = (int(wanted.get(key, current[key])) for key in ("desiredSize", "minSize", "maxSize"))
        problem = scaling_problem(desired, minimum, maximum)
        return eks_error(400, "InvalidParameterException", problem) if problem else None

    def _start_updating(self, call: Call, status: int) -> None:
        """After a successful update, the nodegroup reads UPDATING for ``updating_reads`` DescribeNodegroup calls."""
        if status != 200 or self.updating_reads <= 0:
            return
        cluster, name = self._nodegroup_path(call)
        self._eks_backend(call.region).clusters[cluster].nodegroups[name].status = "UPDATING"
        self._pending_reads[(call.region, cluster, name)] = self.updating_reads

    def _count_updating_read(self, call: Call, status: int) -> None:
        cluster, name = self._nodegroup_path(call)
        key = (call.region, cluster, name)
        if status != 200 or key not in self._pending_reads:
            return
        self._pending_reads[key] -= 1
        if self._pending_reads[key] <= 0:
            del self._pending_reads[key]
            self._eks_backend(call.region).clusters[cluster].nodegroups[name].status = "ACTIVE"

    def _check_asg_update(self, call: Call) -> Reply | None:
        """Auto Scaling refuses an explicit desired capacity outside [min, max]; moto does not."""
        group = self._asg_backend(call.region).autoscaling_groups.get(call.params.get("AutoScalingGroupName", ""))
        if group is None or "DesiredCapacity" not in call.params:
            return None
        desired = int(call.params["DesiredCapacity"])
        minimum = int(call.params.get("MinSize", group.min_size))
        maximum = int(call.params.get("MaxSize", group.max_size))
        if minimum <= desired <= maximum:
            return None
        return query_error("ValidationError", "Desired capacity:%d must be between the specified min size:%d and max size:%d"
                           % (desired, minimum, maximum), "http://autoscaling.amazonaws.com/doc/2011-01-01/")

    # -- counts

    def counts(self, prefix: str = "") -> dict[str, int]:
        """Requests by ``service:Operation`` (and ``kube:<METHOD> <path>``) since the last reset."""
        return {name: count for name, count in self.log.counts().items() if name.startswith(prefix)}

    def aws_counts(self) -> dict[str, int]:
        """Only the AWS requests."""
        return {name: count for name, count in self.log.counts().items() if not name.startswith("kube:")}

    def failures(self) -> dict[tuple[str, int], int]:
        """Requests answered with an HTTP status >= 400, by (name, status)."""
        return self.log.failures()

    def reset_counts(self) -> None:
        self.log.reset()

    # -- environment for eksctl

    def env(self, region: str | None = DEFAULT_REGION, *, profile: str | None = None,
            profile_region: str | None = None, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """A complete environment for running eksctl against the emulator.

        ``region`` sets ``AWS_REGION``; ``profile`` (with ``profile_region``) writes an AWS config
        file holding that profile's region and sets ``AWS_PROFILE`` (not for ``"default"``, which
        is used without it); with ``region=None`` and no profile, no region is resolvable. HOME is
        a new empty directory; credentials are fake ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``;
        every other ``AWS_*``/``EKSCTL_*`` variable of this process is dropped.
        """
        home = tempfile.mkdtemp(prefix="home-", dir=self.home)
        environment = {key: value for key, value in os.environ.items()
                       if not key.startswith(("AWS_", "EKSCTL_")) and key not in ("KUBECONFIG", "HOME")}
        environment.update({
            "HOME": home,
            "AWS_ENDPOINT_URL": self.url,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_CONFIG_FILE": os.path.join(home, ".aws", "config"),
            "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, ".aws", "credentials"),
            "AWS_EC2_METADATA_DISABLED": "true",
            "KUBECONFIG": os.path.join(home, ".kube", "config"),
        })
        if region is not None:
            environment["AWS_REGION"] = region
        if profile is not None:
            os.makedirs(os.path.join(home, ".aws"))
            section = "[default]" if profile == "default" else "[profile %s]" % profile
            with open(environment["AWS_CONFIG_FILE"], "w", encoding="utf-8") as handle:
                handle.write(section + "\n" + ("region = %s\n" % profile_region if profile_region else ""))
            if profile != "default":
                environment["AWS_PROFILE"] = profile
        environment.update(extra or {})
        return environment

    # -- boto3 and moto backends

    def client(self, service: str, region: str = DEFAULT_REGION) -> Any:
        """A boto3 client on the emulator; its requests are not counted and do not advance UPDATING reads."""
        key = (service, region)
        if key not in self._clients:
            self._clients[key] = boto3.session.Session().client(
                service, region_name=region, endpoint_url=self.url,
                aws_access_key_id=HELPER_ACCESS_KEY, aws_secret_access_key=SECRET_KEY)
        return self._clients[key]

    def _eks_backend(self, region: str) -> Any:
        from moto.eks.models import eks_backends
        return eks_backends[self.account][region]

    def _cfn_backend(self, region: str) -> Any:
        from moto.cloudformation.models import cloudformation_backends
        return cloudformation_backends[self.account][region]

    def _ec2_backend(self, region: str) -> Any:
        from moto.ec2.models import ec2_backends
        return ec2_backends[self.account][region]

    def _asg_backend(self, region: str) -> Any:
        from moto.autoscaling.models import autoscaling_backends
        return autoscaling_backends[self.account][region]

    def _stack(self, region: str, name: str) -> Any:
        for stack in self._cfn_backend(region).stacks.values():
            if stack.name == name and stack.status != "DELETE_COMPLETE":
                return stack
        raise KeyError("no stack %s in %s" % (name, region))

    # -- seeding

    def seed(self) -> None:
        """Create the simulator's seed in moto: the one seed both worlds share."""
        for cluster in eksctl_simulator.seed_state()["clusters"]:
            self.add_cluster(cluster)

    def add_cluster(self, cluster: dict) -> None:
        """Create a cluster record (``eksctl_simulator.new_cluster``) with its nodegroups."""
        name, region = cluster["name"], cluster["region"]
        if cluster.get("connector"):
            self.add_connector_cluster(name, region, tags=cluster["tags"], created=cluster["created"])
            return
        self.client("eks", region).create_cluster(
            name=name, version=cluster["version"], tags=cluster["tags"],
            roleArn="arn:aws:iam::%s:role/eksctl-%s-cluster-ServiceRole-XYZ" % (self.account, name),
            resourcesVpcConfig={"subnetIds": ["subnet-a", "subnet-b"], "securityGroupIds": ["sg-0456"],
                                "endpointPublicAccess": True, "endpointPrivateAccess": False,
                                "publicAccessCidrs": ["0.0.0.0/0"]},
            kubernetesNetworkConfig={"serviceIpv4Cidr": "10.100.0.0/16", "ipFamily": "ipv4"})
        if cluster["owned"] == "True":
            self.client("cloudformation", region).create_stack(
                StackName="eksctl-%s-cluster" % name, TemplateBody=cluster_stack_template(name), Tags=stack_tags(name))
            self._stack(region, "eksctl-%s-cluster" % name).creation_time = parse_time(cluster["created"])
        for nodegroup in cluster["nodegroups"]:
            self.add_nodegroup(name, region, nodegroup)
        for profile in cluster.get("fargate_profiles", []):
            self.add_fargate_profile(name, region, profile)
        record = self._eks_backend(region).clusters[name]
        record.created_at = parse_time(cluster["created"])
        record.status = cluster["status"]
        describe_like_aws(record, region, name, cluster)
        self.set_kube_api(cluster.get("kubernetes_api", KUBE_OK), name, region)

    def add_nodegroup(self, cluster: str, region: str, nodegroup: dict) -> None:
        """Create a nodegroup record (``eksctl_simulator.new_nodegroup``): managed via EKS, else a stack + ASG."""
        if nodegroup["type"] == "managed":
            self._add_managed(cluster, region, nodegroup)
        else:
            self._add_unmanaged(cluster, region, nodegroup)

    def _add_managed(self, cluster: str, region: str, nodegroup: dict) -> None:
        name = nodegroup["name"]
        self.client("eks", region).create_nodegroup(
            clusterName=cluster, nodegroupName=name, nodeRole=nodegroup["role_arn"],
            scalingConfig={"desiredSize": nodegroup["desired"], "minSize": nodegroup["min"], "maxSize": nodegroup["max"]},
            instanceTypes=[nodegroup["instance_type"]], amiType=nodegroup["image_id"], version=nodegroup["version"],
            subnets=["subnet-a", "subnet-b"], releaseVersion=nodegroup["kubelet_version"] + "-20260101",
            tags={"alpha.eksctl.io/nodegroup-name": name, "alpha.eksctl.io/nodegroup-type": "managed"}
            if nodegroup["stack_name"] else {})
        record = self._eks_backend(region).clusters[cluster].nodegroups[name]
        record.created_at = record.modified_at = parse_time(nodegroup["created"])
        record.status = nodegroup["status"]
        record.resources = {"autoScalingGroups": [{"name": nodegroup["asg"]}]}
        if nodegroup["stack_name"]:
            self.client("cloudformation", region).create_stack(
                StackName=nodegroup["stack_name"], TemplateBody=managed_stack_template(),
                Tags=stack_tags(cluster, name, "managed"))
            self._stack(region, nodegroup["stack_name"]).creation_time = parse_time(nodegroup["created"])

    def _add_unmanaged(self, cluster: str, region: str, nodegroup: dict) -> None:
        self.add_image(region, nodegroup["image_id"])
        stack_name = nodegroup["stack_name"] or "eksctl-%s-nodegroup-%s" % (cluster, nodegroup["name"])
        nodegroup = dict(nodegroup, stack_name=stack_name)
        self.client("cloudformation", region).create_stack(
            StackName=stack_name, TemplateBody=unmanaged_stack_template(nodegroup, region),
            Tags=stack_tags(cluster, nodegroup["name"], "unmanaged"), Capabilities=["CAPABILITY_IAM"])
        stack = self._stack(region, stack_name)
        stack.creation_time = parse_time(nodegroup["created"])
        stack.status = nodegroup["status"]
        # moto gives a group made by CloudFormation an empty MixedInstancesPolicy instead of none.
        self._asg_backend(region).autoscaling_groups[stack.resource_map["NodeGroup"].name].mixed_instances_policy = None
        self._kubelets[(region, cluster, nodegroup["name"])] = nodegroup["kubelet_version"]

    def add_fargate_profile(self, cluster: str, region: str, profile: dict) -> None:
        """Create a Fargate profile record (``eksctl_simulator.fargate_profile``) through the EKS API."""
        self.client("eks", region).create_fargate_profile(
            fargateProfileName=profile["name"], clusterName=cluster, podExecutionRoleArn=profile["pod_execution_role_arn"],
            subnets=profile["subnets"], tags=profile["tags"],
            selectors=[dict(selector) for selector in profile["selectors"]])
        self._eks_backend(region).clusters[cluster].fargate_profiles[profile["name"]].status = profile["status"]

    def add_image(self, region: str, image_id: str) -> None:
        """Put an AMI with a fixed id into moto's EC2 backend (RegisterImage only makes random ids)."""
        from moto.ec2.models.amis import Ami
        backend = self._ec2_backend(region)
        if image_id not in backend.amis:
            backend.amis[image_id] = Ami(backend, image_id, name="amazon-eks-node-al2023-x86_64-standard-1.31-v20260101",
                                         architecture="x86_64", virtualization_type="hvm", region_name=region,
                                         root_device_type="ebs", root_device_name="/dev/xvda")

    def remove_image(self, region: str, image_id: str) -> None:
        """Deregister an AMI the way EC2 reports a removed public AMI: DescribeImages by id answers an
        empty list (moto would answer InvalidAMIID.NotFound). A self-managed scale then fails eksctl's
        AMI check (contract 8.8)."""
        self._ec2_backend(region).amis.pop(image_id, None)
        self._removed_images.add((region, image_id))

    # -- extra scenarios

    def add_connector_cluster(self, name: str = "onprem", region: str = DEFAULT_REGION,
                              tags: Mapping[str, str] | None = None, created: str = "2026-05-03T10:00:00Z") -> None:
        """A connected (EKS-Connector) cluster: ``connectorConfig`` set, no version/endpoint (contract 8.3)."""
        self.client("eks", region).create_cluster(
            name=name, roleArn="arn:aws:iam::%s:role/eks-connector-agent-role" % self.account,
            resourcesVpcConfig={}, tags=dict(tags or {"team": "platform"}))
        record = self._eks_backend(region).clusters[name]
        record.connector_config = {
            "activationId": "a1b2c3d4-0000-1111-2222-333344445555",
            "activationExpiry": parse_time("2026-05-04T10:00:00Z"),
            "provider": "OTHER",
            "roleArn": "arn:aws:iam::%s:role/eks-connector-agent-role" % self.account,
        }
        for attribute in ("version", "endpoint", "certificate_authority", "resources_vpc_config", "role_arn",
                          "kubernetes_network_config", "platformVersion", "identity", "logging",
                          "client_request_token", "encryption_config"):
            setattr(record, attribute, None)
        record.created_at = parse_time(created)

    def add_self_managed_nodegroup(self, cluster: str, name: str, region: str = DEFAULT_REGION,
                                   sizes: tuple[int, int, int] = (2, 1, 3), stack_status: str = "CREATE_COMPLETE") -> dict:
        """A self-managed nodegroup; ``stack_status="UPDATE_ROLLBACK_COMPLETE"`` gives contract 8.6's case."""
        nodegroup = eksctl_simulator.new_nodegroup(cluster, name, "unmanaged", sizes, stack_status)
        self._add_unmanaged(cluster, region, nodegroup)
        return nodegroup

    def add_managed_nodegroup(self, cluster: str, name: str, region: str = DEFAULT_REGION,
                              sizes: tuple[int, int, int] = (2, 1, 3), eksctl_stack: bool = True) -> dict:
        """A managed nodegroup, with or without eksctl's stack."""
        nodegroup = eksctl_simulator.new_nodegroup(cluster, name, "managed", sizes)
        if not eksctl_stack:
            nodegroup["stack_name"] = ""
        self._add_managed(cluster, region, nodegroup)
        return nodegroup

    # -- state changes between steps

    def set_kube_api(self, mode: str, cluster: str | None = None, region: str = DEFAULT_REGION) -> None:
        """How the Kubernetes API answers: ``ok``, ``forbidden`` (403 on list nodes) or ``unreachable``
        (the endpoint is a closed port), for one cluster or (``cluster=None``) for every cluster."""
        if mode not in (KUBE_OK, KUBE_FORBIDDEN, KUBE_UNREACHABLE):
            raise ValueError(mode)
        targets = [(region, cluster)] if cluster is not None else list(self._all_clusters())
        for target in targets:
            self.kube.modes[target] = mode
            self._point_at_kube(*target)

    def set_cluster_status(self, cluster: str, status: str, region: str = DEFAULT_REGION) -> None:
        self._eks_backend(region).clusters[cluster].status = status

    def set_nodegroup_status(self, cluster: str, nodegroup: str, status: str, region: str = DEFAULT_REGION) -> None:
        """A managed nodegroup's EKS status (for example UPDATING or DEGRADED)."""
        self._eks_backend(region).clusters[cluster].nodegroups[nodegroup].status = status

    def set_stack_status(self, cluster: str, nodegroup: str, status: str, region: str = DEFAULT_REGION) -> None:
        """The status of eksctl's stack for a nodegroup (for example UPDATE_ROLLBACK_COMPLETE)."""
        self._stack(region, "eksctl-%s-nodegroup-%s" % (cluster, nodegroup)).status = status

    def set_asg_sizes(self, cluster: str, nodegroup: str, desired: int, minimum: int, maximum: int,
                      region: str = DEFAULT_REGION) -> None:
        """Change a self-managed nodegroup's Auto Scaling group outside eksctl."""
        self.client("autoscaling", region).update_auto_scaling_group(
            AutoScalingGroupName=self.asg_name(cluster, nodegroup, region),
            DesiredCapacity=desired, MinSize=minimum, MaxSize=maximum)

    def delete_nodegroup(self, cluster: str, nodegroup: str, region: str = DEFAULT_REGION) -> None:
        """Delete a nodegroup as if done outside eksctl (managed via EKS, self-managed via its stack)."""
        backend = self._eks_backend(region)
        stack_name = "eksctl-%s-nodegroup-%s" % (cluster, nodegroup)
        if nodegroup in backend.clusters[cluster].nodegroups:
            self.client("eks", region).delete_nodegroup(clusterName=cluster, nodegroupName=nodegroup)
        try:
            self._stack(region, stack_name)
        except KeyError:
            return
        self.client("cloudformation", region).delete_stack(StackName=stack_name)
        self._kubelets.pop((region, cluster, nodegroup), None)

    # -- reading state back

    def asg_name(self, cluster: str, nodegroup: str, region: str = DEFAULT_REGION) -> str:
        """The Auto Scaling group behind a self-managed nodegroup's stack."""
        detail = self.client("cloudformation", region).describe_stack_resource(
            StackName="eksctl-%s-nodegroup-%s" % (cluster, nodegroup), LogicalResourceId="NodeGroup")
        return detail["StackResourceDetail"]["PhysicalResourceId"]

    def sizes(self, cluster: str, nodegroup: str, region: str = DEFAULT_REGION) -> tuple[int, int, int]:
        """(desired, min, max) of a nodegroup, managed or self-managed, read through the APIs."""
        if nodegroup in self._eks_backend(region).clusters[cluster].nodegroups:
            config = self.client("eks", region).describe_nodegroup(
                clusterName=cluster, nodegroupName=nodegroup)["nodegroup"]["scalingConfig"]
            return config["desiredSize"], config["minSize"], config["maxSize"]
        group = self.client("autoscaling", region).describe_auto_scaling_groups(
            AutoScalingGroupNames=[self.asg_name(cluster, nodegroup, region)])["AutoScalingGroups"][0]
        return group["DesiredCapacity"], group["MinSize"], group["MaxSize"]

    def stack_status(self, cluster: str, nodegroup: str, region: str = DEFAULT_REGION) -> str:
        return self._stack(region, "eksctl-%s-nodegroup-%s" % (cluster, nodegroup)).status

    # -- Kubernetes wiring

    def _all_clusters(self) -> Iterator[tuple[str, str]]:
        from moto.eks.models import eks_backends
        for region, backend in eks_backends[self.account].items():
            for name in list(backend.clusters):
                yield region, name

    def _point_at_kube(self, region: str, name: str) -> None:
        """Set a (non-connected) cluster's endpoint and CA to the local Kubernetes API."""
        record = self._eks_backend(region).clusters[name]
        if getattr(record, "connector_config", None):
            return
        unreachable = self.kube.modes.get((region, name)) == KUBE_UNREACHABLE
        base = "https://127.0.0.1:%d" % self._dead_port if unreachable else self.kube.url
        record.endpoint = "%s%s/%s/%s" % (base, KUBE_PREFIX, region, name)
        record.certificate_authority = {"data": base64.b64encode(self.kube.ca_pem.encode("ascii")).decode("ascii")}

    def _nodes_for(self, region: str, cluster: str, selector: str) -> list[dict]:
        """Nodes of the self-managed nodegroups of a cluster (one per desired instance), filtered by label."""
        wanted = dict(item.split("=", 1) for item in selector.split(",") if "=" in item)
        nodes = []
        for (ng_region, ng_cluster, nodegroup), kubelet in sorted(self._kubelets.items()):
            if (ng_region, ng_cluster) != (region, cluster):
                continue
            labels = {"alpha.eksctl.io/cluster-name": cluster, "alpha.eksctl.io/nodegroup-name": nodegroup}
            if any(labels.get(key) != value for key, value in wanted.items()):
                continue
            try:
                desired = self._desired_in_process(region, cluster, nodegroup)
            except KeyError:
                continue
            nodes += [node_document(region, nodegroup, index, labels, kubelet) for index in range(desired)]
        return nodes

    def _desired_in_process(self, region: str, cluster: str, nodegroup: str) -> int:
        stack = self._stack(region, "eksctl-%s-nodegroup-%s" % (cluster, nodegroup))
        asg_name = stack.resource_map["NodeGroup"].name
        return int(self._asg_backend(region).autoscaling_groups[asg_name].desired_capacity)


def node_document(region: str, nodegroup: str, index: int, labels: dict[str, str], kubelet: str) -> dict:
    """One Kubernetes Node object, as much of it as eksctl reads."""
    name = "ip-192-168-%d-%d.%s.compute.internal" % (zlib.crc32(nodegroup.encode("utf-8")) % 200, index + 10, region)
    return {
        "metadata": {"name": name, "labels": dict(labels, **{"kubernetes.io/hostname": name})},
        "status": {"nodeInfo": {"kubeletVersion": "v%s-eks-1a2b3c4" % kubelet},
                   "conditions": [{"type": "Ready", "status": "True"}]},
    }
