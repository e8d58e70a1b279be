# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A small JSON client for the local Kubernetes API servers: what the harness and the tests need, nothing more.

It speaks plain REST over HTTPS (``http.client``), with the harness's client certificate or a bearer token.
Resource paths are built by ``path()`` from the names in ``RESOURCES``.
"""

from __future__ import annotations

import http.client
import json
import ssl
import time
import urllib.parse
from typing import Any, Callable

# name -> (API prefix, plural, namespaced)
RESOURCES = {
    "namespaces": ("/api/v1", "namespaces", False),
    "nodes": ("/api/v1", "nodes", False),
    "pods": ("/api/v1", "pods", True),
    "serviceaccounts": ("/api/v1", "serviceaccounts", True),
    "deployments": ("/apis/apps/v1", "deployments", True),
    "poddisruptionbudgets": ("/apis/policy/v1", "poddisruptionbudgets", True),
    "clusterrolebindings": ("/apis/rbac.authorization.k8s.io/v1", "clusterrolebindings", False),
    "customresourcedefinitions": ("/apis/apiextensions.k8s.io/v1", "customresourcedefinitions", False),
    "nodepools": ("/apis/karpenter.sh/v1", "nodepools", False),
    "nodeclaims": ("/apis/karpenter.sh/v1", "nodeclaims", False),
    "kwoknodeclasses": ("/apis/karpenter.kwok.sh/v1alpha1", "kwoknodeclasses", False),
}


def path(resource: str, name: str = "", namespace: str = "", subresource: str = "", **query: Any) -> str:
    """``/api/v1/namespaces/default/pods/web/eviction?...`` from its parts."""
    prefix, plural, namespaced = RESOURCES[resource]
    parts = [prefix]
    if namespaced and namespace:
        parts += ["namespaces", namespace]
    parts.append(plural)
    if name:
        parts.append(name)
    if subresource:
        parts.append(subresource)
    text = "/".join(parts)
    if query:
        text += "?" + urllib.parse.urlencode({key: value for key, value in query.items() if value is not None})
    return text


class KubeError(Exception):
    """A request the API server answered with an error status."""

    def __init__(self, method: str, target: str, status: int, document: dict) -> None:
        self.status = status
        self.reason = document.get("reason", "")
        self.document = document
        super().__init__("%s %s: %d %s" % (method, target, status, document.get("message", document)))


class KubeClient:
    """Requests to one API server, as the harness (client certificate) or with ``token`` (a bearer token)."""

    def __init__(self, url: str, ca: str, cert: tuple[str, str] | None = None, token: str | None = None,
                 timeout: float = 30.0) -> None:
        parsed = urllib.parse.urlsplit(url)
        self.host, self.port = parsed.hostname or "127.0.0.1", parsed.port or 443
        self.token = token
        self.timeout = timeout
        self._context = ssl.create_default_context(cafile=ca)
        if cert:
            self._context.load_cert_chain(*cert)

    def request(self, method: str, target: str, body: Any = None, content_type: str = "application/json") -> tuple[int, dict]:
        """(status, JSON document) of one request; never raises for an HTTP status."""
        connection = http.client.HTTPSConnection(self.host, self.port, context=self._context, timeout=self.timeout)
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        payload = None
        if body is not None:
            payload = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = content_type
        try:
            connection.request(method, target, body=payload, headers=headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        try:
            document = json.loads(data) if data else {}
        except ValueError:
            document = {"message": data.decode("utf-8", "replace")}
        return response.status, document

    def call(self, method: str, target: str, body: Any = None, content_type: str = "application/json",
             accept: tuple[int, ...] = ()) -> dict:
        """The document of a successful request (or of an accepted error status); KubeError otherwise."""
        status, document = self.request(method, target, body, content_type)
        if status >= 400 and status not in accept:
            raise KubeError(method, target, status, document)
        return document

    def get(self, target: str) -> dict:
        return self.call("GET", target)

    def items(self, resource: str, namespace: str = "", selector: str = "") -> list[dict]:
        return self.get(path(resource, namespace=namespace, labelSelector=selector or None))["items"]

    def create(self, resource: str, document: dict, namespace: str = "") -> dict:
        return self.call("POST", path(resource, namespace=namespace or document["metadata"].get("namespace", "")), document)

    def patch(self, target: str, change: dict) -> dict:
        return self.call("PATCH", target, change, content_type="application/merge-patch+json")

    def delete(self, target: str, missing_ok: bool = True) -> dict:
        return self.call("DELETE", target, {"kind": "DeleteOptions", "apiVersion": "v1", "gracePeriodSeconds": 0},
                         accept=(404,) if missing_ok else ())

    def wait(self, what: str, condition: Callable[[], bool], timeout: float = 30.0, every: float = 0.1) -> None:
        """Poll ``condition`` until it holds; AssertionError naming ``what`` after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError("timed out after %.0f s waiting for %s" % (timeout, what))
            time.sleep(every)
