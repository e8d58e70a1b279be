# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils file is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""Reads and writes of a cluster's Kubernetes API: the one seam through which the collection talks to it.

``ClusterApi`` is the seam (``get``, ``patch``, ``delete`` of API paths, answers as JSON); production passes ``ClientApi``, on the
``kubernetes`` Python client's HTTP transport, TLS (the cluster's own CA) and bearer authentication; tests pass a fake. The token
is made as ``aws eks get-token`` makes it: a presigned STS ``GetCallerIdentity`` URL that signs the ``x-k8s-aws-id`` header
(the cluster's name), signed by botocore with the credentials eksctl gets, renewed before it expires. No credential is ever
on a command line or in a result.

Every failure is one ``KubernetesError`` line that says what to fix: an endpoint this host cannot reach, an identity the cluster
does not know (401), or RBAC that refuses (403).
"""

from __future__ import annotations

import base64
import functools
import json
import os
import tempfile
import time
import typing as t

from .._concurrency import run_parallel
from .._errors import KubernetesAccessError

TOKEN_PREFIX = "k8s-aws-v1."
TOKEN_LIFETIME = 600  # seconds a token is used before a new one is made (EKS accepts one for 15 minutes)
KARPENTER = "/apis/karpenter.sh/v1"
FIXES = {
    "unreachable": "let this host reach the cluster's API endpoint (public endpoint access, or a network path to the private one)",
    "unauthorized": "give this identity an access entry in the cluster (or map it in aws-auth)",
    "credentials": "give the module AWS credentials (access_key and secret_key, a profile, or the environment), as eksctl gets them",
    "forbidden": ("grant this identity, through its access entry or aws-auth, get/list on nodes, pods and poddisruptionbudgets, and for "
                  "autoscalers=pause patch on deployments/scale and karpenter.sh nodepools and delete on nodeclaims (docs/awx.md)"),
}


class KubernetesError(KubernetesAccessError):
    """The cluster's Kubernetes API could not be read or written. ``details`` has ``reason``: unreachable, credentials,
    unauthorized, forbidden or failed."""


class ClusterApi(t.Protocol):
    def get(self, path: str, query: dict[str, str] | None = None) -> t.Any:
        """The JSON answer; None when the API answers 404 (the object or the kind does not exist)."""

    def patch(self, path: str, body: dict[str, t.Any]) -> t.Any:
        """A JSON merge patch."""

    def delete(self, path: str) -> None:
        """Delete; an object already gone is no error."""

    def close(self) -> None:
        """Let go of what the connection holds (the file of the cluster's CA)."""


def eks_token(session: t.Any, cluster: str, region: str, credentials: t.Mapping[str, str | None]) -> str:
    """An EKS bearer token, as ``aws eks get-token`` makes it, signed by botocore's presigner."""
    sts = session.create_client("sts", region_name=region, **credentials)

    def name_the_cluster(request: t.Any, **_kwargs: t.Any) -> None:
        request.headers["x-k8s-aws-id"] = cluster

    sts.meta.events.register("before-sign.sts.GetCallerIdentity", name_the_cluster)
    url = sts.generate_presigned_url("get_caller_identity", Params={}, ExpiresIn=60, HttpMethod="GET")
    return TOKEN_PREFIX + base64.urlsafe_b64encode(url.encode("utf-8")).decode("ascii").rstrip("=")


class ClientApi:
    """``ClusterApi`` on the kubernetes Python client. Made by ``connect``."""

    def __init__(self, client: t.Any, api_error: type[Exception], transport_errors: tuple[type[Exception], ...], *, cluster: str,
                 timeout: float, ca_path: str) -> None:
        self.client = client
        self.api_error = api_error
        self.transport_errors = transport_errors
        self.cluster = cluster
        self.timeout = timeout
        self.ca_path = ca_path

    def close(self) -> None:
        """Remove the file of the cluster's CA that the TLS connections verify against."""
        if os.path.exists(self.ca_path):
            os.unlink(self.ca_path)

    def _call(self, method: str, path: str, *, query: dict[str, str] | None = None, body: t.Any = None) -> t.Any:
        headers = {"Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/merge-patch+json"
        try:
            response = self.client.call_api(path, method, query_params=list((query or {}).items()), header_params=headers, body=body,
                                            auth_settings=["BearerToken"], _preload_content=False, _return_http_data_only=True,
                                            _request_timeout=self.timeout)
        except self.api_error as exc:
            status = getattr(exc, "status", None)
            if status == 404:
                return None
            reason = {401: "unauthorized", 403: "forbidden"}.get(status, "failed")  # type: ignore[arg-type]
            cause = first_line(getattr(exc, "body", None) or getattr(exc, "reason", ""))
            raise refusal(self.cluster, reason, "%s %s: HTTP %s %s" % (method, path, status, cause)) from None
        except self.transport_errors as exc:  # urllib3's connection, timeout and TLS errors; the OS's
            raise refusal(self.cluster, "unreachable", "%s %s: %s" % (method, path, first_line(str(exc)))) from None
        return json.loads(response.data or b"null")

    def get(self, path: str, query: dict[str, str] | None = None) -> t.Any:
        return self._call("GET", path, query=query)

    def patch(self, path: str, body: dict[str, t.Any]) -> t.Any:
        return self._call("PATCH", path, body=body)

    def delete(self, path: str) -> None:
        self._call("DELETE", path)


def first_line(text: t.Any) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    try:
        message = json.loads(text).get("message")  # a Status object: its message says what was refused
    except (ValueError, AttributeError, TypeError):
        message = None
    flat = " ".join(str(message or text).split())
    return flat if len(flat) <= 200 else flat[:200] + "..."


def refusal(cluster: str, reason: str, cause: str) -> KubernetesError:
    fix = FIXES.get(reason, "check the cluster's API server and run again")
    return KubernetesError("Cannot use the Kubernetes API of cluster %r (%s): %s; %s" % (cluster, reason, cause, fix), reason=reason)


def connect(description: t.Mapping[str, t.Any], *, profile: str | None, credentials: t.Mapping[str, str | None],
            timeout: float) -> ClientApi:
    """The cluster's API from its description (endpoint and CA), authenticated with an EKS token; ``close()`` it when done. Needs
    the kubernetes and botocore Python libraries, imported here: only a task that reads Kubernetes needs them."""
    cluster = description["name"]
    if not description.get("endpoint") or not description.get("certificate_authority"):
        raise refusal(cluster, "unreachable", "its description has no API endpoint or certificate authority (is it ACTIVE?)")
    try:
        import botocore.exceptions  # pylint: disable=import-outside-toplevel
        import botocore.session  # pylint: disable=import-outside-toplevel
        import urllib3  # pylint: disable=import-outside-toplevel
        from kubernetes import client as kubernetes_client  # pylint: disable=import-outside-toplevel
    except ImportError as exc:
        raise KubernetesError("Reading the Kubernetes API needs the kubernetes and botocore Python libraries where the module runs "
                              "(pip install kubernetes botocore): %s" % exc, reason="failed") from None
    session = botocore.session.Session(profile=profile)
    configuration = kubernetes_client.Configuration()
    configuration.host = description["endpoint"]
    configuration.retries = 1
    made = [0.0]

    def renew(conf: t.Any) -> None:
        if time.monotonic() - made[0] > TOKEN_LIFETIME:
            try:
                conf.api_key["authorization"] = eks_token(session, cluster, description["region"], credentials)
            except botocore.exceptions.BotoCoreError as exc:
                raise refusal(cluster, "credentials", "cannot sign an EKS token: %s" % exc) from None
            made[0] = time.monotonic()

    configuration.api_key_prefix["authorization"] = "Bearer"
    configuration.refresh_api_key_hook = renew
    renew(configuration)  # a token now: missing credentials fail here, in one line, before any request
    try:
        authority = base64.b64decode(description["certificate_authority"], validate=True)
    except (ValueError, TypeError):
        raise refusal(cluster, "failed", "its certificate authority in the cluster's description is not base64") from None
    handle, ca_path = tempfile.mkstemp(prefix="eks-ca-", suffix=".pem")
    with os.fdopen(handle, "wb") as ca_file:
        ca_file.write(authority)
    configuration.ssl_ca_cert = ca_path
    return ClientApi(kubernetes_client.ApiClient(configuration), kubernetes_client.exceptions.ApiException,
                     (urllib3.exceptions.HTTPError, OSError), cluster=cluster, timeout=timeout, ca_path=ca_path)


# --------------------------------------------------------------------------- the reads


def items(answer: t.Any) -> list[dict[str, t.Any]] | None:
    found = answer.get("items") if isinstance(answer, dict) else None
    return [item for item in found if isinstance(item, dict)] if isinstance(found, list) else None


def read_cluster(api: ClusterApi) -> tuple[list[dict[str, t.Any]], list[dict[str, t.Any]], list[dict[str, t.Any]] | None, list[dict[str, t.Any]] | None]:
    """Nodes, Deployments, NodePools and NodeClaims, in one round of four reads side by side. NodePools and NodeClaims are None
    when Karpenter's CRDs are not installed (the API answers 404)."""
    paths = ["/api/v1/nodes", "/apis/apps/v1/deployments", KARPENTER + "/nodepools", KARPENTER + "/nodeclaims"]
    reads: list[t.Callable[[], list[dict[str, t.Any]] | None]] = [functools.partial(listed, api, path) for path in paths]
    nodes, deployments, nodepools, nodeclaims = run_parallel(reads, 4)
    return nodes or [], deployments or [], nodepools, nodeclaims


def listed(api: ClusterApi, path: str) -> list[dict[str, t.Any]] | None:
    return items(api.get(path))


def read_nodes(api: ClusterApi) -> list[dict[str, t.Any]]:
    return items(api.get("/api/v1/nodes")) or []


def why_held(api: ClusterApi, node: str) -> tuple[list[dict[str, t.Any]], list[dict[str, t.Any]]]:
    """The pods on a Node and every PodDisruptionBudget, side by side: what keeps it when a drain does not finish."""
    reads: list[t.Callable[[], list[dict[str, t.Any]] | None]] = [
        lambda: items(api.get("/api/v1/pods", {"fieldSelector": "spec.nodeName=%s" % node})),
        functools.partial(listed, api, "/apis/policy/v1/poddisruptionbudgets")]
    pods, budgets = run_parallel(reads, 2)
    return pods or [], budgets or []
