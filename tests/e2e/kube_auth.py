# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""EKS authentication for the local control planes: a TokenReview webhook on loopback.

EKS authenticates a bearer token ``k8s-aws-v1.<base64url of a presigned STS GetCallerIdentity URL>``:
the URL is signed (AWS Signature Version 4, in the query string) over the ``host`` header and an
``x-k8s-aws-id`` header holding the cluster's name, so a token made for one cluster fails on another.
Real EKS asks STS to check the signature; this webhook checks it itself, with the secret key of the
access key id named in ``X-Amz-Credential`` (the emulator's credentials are known), then maps that access
key id to a Kubernetes user through a per-cluster table, the way an access entry or the ``aws-auth``
ConfigMap maps an IAM principal. What that user may do is up to RBAC in the API server.

Every kube-apiserver of the tier is started with ``--authentication-token-webhook-config-file`` pointing
at ``TokenWebhook.url(region, cluster)``, version v1, cache TTL 0. kube-apiserver still keeps every successful
authentication of a token for 10 s (its TokenSuccessCacheTTL, which no flag sets): a token string it saw is not
reviewed again meanwhile. An EKS token changes every second (``X-Amz-Date``), so ``fence()`` waits, when a
cluster's table maps an access key to another user, until the second of the last accepted token has passed:
every token made afterwards is new to the API server, and reviewed.
"""

from __future__ import annotations

import base64
import binascii
import collections
import datetime
import hashlib
import hmac
import json
import re
import ssl
import threading
import time
import unittest.mock
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Mapping

from botocore.auth import SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

TOKEN_PREFIX = "k8s-aws-v1."
CLUSTER_HEADER = "x-k8s-aws-id"
MAX_SKEW = datetime.timedelta(minutes=15)  # how old (or new) a token's X-Amz-Date may be, as aws-iam-authenticator allows
EMPTY_PAYLOAD = hashlib.sha256(b"").hexdigest()
STS_HOST = re.compile(r"sts(\.[a-z0-9-]+)?\.amazonaws\.com(\.cn)?")


class InvalidToken(Exception):
    """Why a bearer token is not a valid EKS token for this cluster."""


def eks_token(cluster: str, access_key: str, secret_key: str, region: str = "us-east-1",
              when: datetime.datetime | None = None) -> str:
    """A token as ``aws eks get-token`` makes it (botocore's presigner, so the check below meets a second signer);
    ``when`` signs it at another time (botocore reads the clock itself: it is stubbed for this one call)."""
    request = AWSRequest(method="GET", url="https://sts.%s.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15" % region,
                         headers={CLUSTER_HEADER: cluster})
    signer = SigV4QueryAuth(Credentials(access_key, secret_key), "sts", region, expires=60)
    if when is None:
        signer.add_auth(request)
    else:
        with unittest.mock.patch("botocore.auth.get_current_datetime", return_value=when.replace(tzinfo=None)):
            signer.add_auth(request)
    url = request.prepare().url
    return TOKEN_PREFIX + base64.urlsafe_b64encode(url.encode("utf-8")).decode("ascii").rstrip("=")


def _quote(text: str) -> str:
    return urllib.parse.quote(text, safe="-_.~")


def _signature(secret_key: str, scope: list[str], string_to_sign: str) -> str:
    key = ("AWS4" + secret_key).encode("utf-8")
    for part in scope:
        key = hmac.new(key, part.encode("utf-8"), hashlib.sha256).digest()
    return hmac.new(key, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def verify_eks_token(token: str, cluster: str, secrets: Mapping[str, str], now: datetime.datetime | None = None,
                     endpoints: tuple[str, ...] = ()) -> tuple[str, str]:
    """The access key id that signed ``token`` for ``cluster``, and when (``X-Amz-Date``); InvalidToken says why not.

    The URL must be an STS endpoint's: AWS's (``https://sts[.<region>].amazonaws.com``) or one of ``endpoints``
    (the emulated STS: an SDK presigns against ``AWS_ENDPOINT_URL`` when it is set, as eksctl's does)."""
    if not token.startswith(TOKEN_PREFIX):
        raise InvalidToken("not a k8s-aws-v1 token")
    encoded = token[len(TOKEN_PREFIX):]
    try:
        url = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidToken("the token is not base64url: %s" % exc) from exc
    parsed = urllib.parse.urlsplit(url)
    aws_sts = parsed.scheme == "https" and STS_HOST.fullmatch(parsed.netloc)
    if not (aws_sts or "%s://%s" % (parsed.scheme, parsed.netloc) in endpoints) or parsed.path not in ("", "/"):
        raise InvalidToken("not an STS URL: %s" % url[:80])
    pairs = urllib.parse.parse_qsl(parsed.query, keep_blank_values=True)
    query = dict(pairs)
    if query.get("Action") != "GetCallerIdentity" or query.get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256":
        raise InvalidToken("not a presigned GetCallerIdentity call")
    signed = query.get("X-Amz-SignedHeaders", "").split(";")
    if CLUSTER_HEADER not in signed or "host" not in signed:
        raise InvalidToken("the signed headers %s lack %s" % (signed, CLUSTER_HEADER))
    try:
        access_key, day, region, service, terminal = query["X-Amz-Credential"].split("/")
        stamp = datetime.datetime.strptime(query["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)
    except (KeyError, ValueError) as exc:
        raise InvalidToken("malformed credential or date") from exc
    if service != "sts" or terminal != "aws4_request" or not query["X-Amz-Date"].startswith(day):
        raise InvalidToken("malformed credential scope")
    if abs((now or datetime.datetime.now(datetime.timezone.utc)) - stamp) > MAX_SKEW:
        raise InvalidToken("X-Amz-Date is out of the 15 minute window")
    if access_key not in secrets:
        raise InvalidToken("unknown access key id %s" % access_key)
    headers = {"host": parsed.netloc, CLUSTER_HEADER: cluster}
    if set(signed) - set(headers):
        raise InvalidToken("unexpected signed headers %s" % signed)
    canonical_query = "&".join("%s=%s" % (_quote(key), _quote(value))
                               for key, value in sorted(pairs) if key != "X-Amz-Signature")
    canonical_headers = "".join("%s:%s\n" % (name, headers[name]) for name in signed)
    scope = [day, region, service, terminal]
    for payload in (EMPTY_PAYLOAD, "UNSIGNED-PAYLOAD"):
        canonical = "\n".join(["GET", "/", canonical_query, canonical_headers, ";".join(signed), payload])
        string_to_sign = "\n".join(["AWS4-HMAC-SHA256", query["X-Amz-Date"], "/".join(scope),
                                    hashlib.sha256(canonical.encode("utf-8")).hexdigest()])
        if hmac.compare_digest(_signature(secrets[access_key], scope, string_to_sign), query.get("X-Amz-Signature", "")):
            return access_key, query["X-Amz-Date"]
    raise InvalidToken("the signature does not match (a token for another cluster, or not signed by %s)" % access_key)


def _review(authenticated: bool, user: Mapping[str, Any] | None = None, error: str = "") -> bytes:
    status: dict[str, Any] = {"authenticated": authenticated}
    if user:
        status["user"] = dict(user)
    if error:
        status["error"] = error
    return json.dumps({"apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview", "status": status}).encode("utf-8")


class TokenWebhook:
    """The TokenReview webhook of every local control plane (one HTTPS server, one path per cluster).

    ``secrets`` maps access key ids to secret keys; ``identities[(region, cluster)]`` maps access key ids
    to users (``{"username": ..., "groups": [...]}``). ``reviews`` counts answers by (cluster, outcome).
    """

    def __init__(self, cert: str, key: str, secrets: Mapping[str, str], account: str) -> None:
        self.secrets = dict(secrets)
        self.sts_endpoints: tuple[str, ...] = ()  # the emulated STS's URL, where AWS_ENDPOINT_URL points the SDK
        self.account = account
        self.identities: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
        self.reviews: collections.Counter[tuple[str, str, str]] = collections.Counter()
        self.accepted: dict[tuple[str, str], tuple[str, str, str]] = {}  # (X-Amz-Date, key, user) of the newest accepted
        self.last_token = ""
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(target=self._server.serve_forever, name="token-webhook", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def url(self, region: str, cluster: str) -> str:
        return "https://127.0.0.1:%d/authenticate/%s/%s" % (self._server.server_address[1], region, cluster)

    def map(self, region: str, cluster: str, table: Mapping[str, Mapping[str, Any]]) -> None:
        """Map access key ids to users in this cluster (``{access key: {"username": ..., "groups": [...]}}``)."""
        with self._lock:
            self.identities[(region, cluster)] = {key: dict(user) for key, user in table.items()}
            stamp, access_key, username = self.accepted.get((region, cluster), ("", "", ""))
        remapped = access_key and table.get(access_key, {}).get("username") != username
        while remapped and stamp >= datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ"):
            time.sleep(0.05)

    def forget(self) -> None:
        with self._lock:
            self.reviews.clear()

    def review(self, region: str, cluster: str, token: str) -> bytes:
        """The TokenReview answer for a token presented to ``cluster``."""
        try:
            access_key, stamp = verify_eks_token(token, cluster, self.secrets, endpoints=self.sts_endpoints)
            user = self.identities.get((region, cluster), {}).get(access_key)
            if user is None:
                raise InvalidToken("access key id %s is mapped to no user in cluster %s" % (access_key, cluster))
        except InvalidToken as exc:
            outcome, answer = "rejected", _review(False, error=str(exc))
        else:
            outcome = "accepted"
            answer = _review(True, dict(user, uid="aws-iam-authenticator:%s:%s" % (self.account, access_key),
                                        extra={"accessKeyId": [access_key]}))
        with self._lock:
            self.reviews[(region, cluster, outcome)] += 1
            self.last_token = token
            if outcome == "accepted" and stamp >= self.accepted.get((region, cluster), ("",))[0]:
                self.accepted[(region, cluster)] = (stamp, access_key, user["username"])
        return answer

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        webhook = self

        class Handler(BaseHTTPRequestHandler):
            """POST /authenticate/<region>/<cluster> with a TokenReview."""

            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802  (BaseHTTPRequestHandler's name)
                parts = urllib.parse.urlsplit(self.path).path.strip("/").split("/")  # the API server adds ?timeout=
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    token = json.loads(body)["spec"]["token"]
                except (ValueError, KeyError, TypeError):
                    token = ""
                if len(parts) == 3 and parts[0] == "authenticate":
                    payload, status = webhook.review(parts[1], parts[2], token), 200
                else:
                    payload, status = b'{"error": "unknown path"}', 404
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002  (BaseHTTPRequestHandler's name)
                return

        return Handler
