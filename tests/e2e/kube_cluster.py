# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Real Kubernetes control planes on loopback for the emulated EKS clusters: etcd, kube-apiserver, kwok, Karpenter.

``ControlPlanes`` owns one etcd (each API server keeps its objects under its own ``--etcd-prefix``), the
shared TLS material (kube_pki) and the EKS TokenReview webhook (kube_auth), and starts one ``ControlPlane``
per emulated cluster on first need: a kube-apiserver with RBAC, the webhook authenticator and an audit log
of the requests eksctl (any webhook-authenticated user) makes; kwok (Nodes annotated for it become Ready,
Pods bound to them run); on request Karpenter's controller with its kwok cloud provider, and its CRDs.

One API server per cluster, because Nodes are cluster-scoped and tests compare exact Node counts per cluster;
they are started when a cluster is first described (about 3 s) and kept for the session, and the emulator
resets the objects between tests rather than restarting processes. What this control plane lacks compared
with EKS: no kube-controller-manager and no scheduler (Deployments make no Pods, nothing garbage-collects,
Pods are created bound to a Node), so the admission plugin whose controller half is missing is disabled:
``TaintNodesByCondition`` (it taints every new Node not-ready; the node lifecycle controller would lift it).
The ``ServiceAccount`` admission plugin stays on: the harness creates the ``default`` ServiceAccount of
each namespace it uses, which the service-account controller would have made.

Processes are started and stopped by kube_processes (by pid, never by name).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
import time
import urllib.request
from typing import Any, Callable, Iterable, Mapping

import yaml

import go_tools
from kube_auth import TokenWebhook
from kube_client import KubeClient, KubeError, path
from kube_pki import MASTERS, Pki
from kube_processes import START_TIMEOUT, Launcher, Process, free_port, stop_all, wait_until

AUDIT_POLICY = {
    "apiVersion": "audit.k8s.io/v1", "kind": "Policy", "omitStages": ["RequestReceived"],
    "rules": [
        # The harness, kwok, Karpenter and the API server's own loopback client are not what tests count.
        {"level": "None", "userGroups": [MASTERS]},
        {"level": "None", "nonResourceURLs": ["/readyz*", "/livez*", "/healthz*"]},
        {"level": "Metadata"},
    ],
}


class Etcd:
    """One etcd member on loopback, in-memory durability (no fsync): the store of every API server."""

    def __init__(self, directory: str, launcher: Launcher) -> None:
        self.directory = directory
        self.launcher = launcher
        self.process: Process | None = None
        self.url = ""

    def start(self) -> None:
        client, peer = free_port(), free_port()
        self.url = "http://127.0.0.1:%d" % client
        peer_url = "http://127.0.0.1:%d" % peer
        self.process = self.launcher.launch([
            go_tools.tool("etcd").path, "--name=e2e", "--data-dir=%s" % os.path.join(self.directory, "etcd-data"),
            "--listen-client-urls=%s" % self.url, "--advertise-client-urls=%s" % self.url,
            "--listen-peer-urls=%s" % peer_url, "--initial-advertise-peer-urls=%s" % peer_url,
            "--initial-cluster=e2e=%s" % peer_url, "--unsafe-no-fsync", "--log-level=warn",
            "--auto-compaction-mode=periodic", "--auto-compaction-retention=10m",
        ], os.path.join(self.directory, "etcd.log"))
        wait_until("etcd", self.healthy, self.process)

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + "/health", timeout=1) as response:
                return json.loads(response.read()).get("health") == "true"
        except (OSError, ValueError):
            return False

    def stop(self) -> None:
        stop_all([self.process])


class ControlPlane:
    """One emulated cluster's Kubernetes: its API server, kwok, and (when asked) Karpenter."""

    def __init__(self, region: str, cluster: str, directory: str, etcd_url: str, pki: Pki, webhook_url: str,
                 launcher: Launcher) -> None:
        self.region, self.cluster = region, cluster
        self.directory = directory
        self.pki = pki
        self.launcher = launcher
        self.port = 0
        self.url = ""
        self.client = KubeClient("https://127.0.0.1", pki.ca)
        self.kubeconfig = os.path.join(directory, "admin.kubeconfig")
        self.audit_log = os.path.join(directory, "audit.log")
        self._audit_offsets: dict[str, int] = {}
        self._etcd_url = etcd_url
        self._webhook_kubeconfig = pki.kubeconfig(os.path.join(directory, "webhook.kubeconfig"), webhook_url, client=False)
        self.apiserver: Process | None = None
        self.kwok: Process | None = None
        self.karpenter: Process | None = None
        self.crds: set[str] = set()

    # -- the API server

    def launch(self) -> None:
        """Start kube-apiserver on a free port (returns at once; ``wait_ready`` waits for /readyz)."""
        self.port = free_port()
        self.url = "https://127.0.0.1:%d" % self.port
        self.client = KubeClient(self.url, self.pki.ca, cert=(self.pki.client_cert, self.pki.client_key))
        self.pki.kubeconfig(self.kubeconfig, self.url)
        policy = os.path.join(self.directory, "audit-policy.yaml")
        with open(policy, "w", encoding="utf-8") as handle:
            yaml.safe_dump(AUDIT_POLICY, handle)
        self.apiserver = self.launcher.launch([
            go_tools.tool("kube-apiserver").path,
            "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", "--secure-port=%d" % self.port,
            "--etcd-servers=%s" % self._etcd_url, "--etcd-prefix=/clusters/%s/%s" % (self.region, self.cluster),
            "--tls-cert-file=%s" % self.pki.server_cert, "--tls-private-key-file=%s" % self.pki.server_key,
            "--client-ca-file=%s" % self.pki.ca,
            "--service-account-issuer=https://oidc.eks.%s.amazonaws.com/id/e2e-%s" % (self.region, self.cluster),
            "--service-account-key-file=%s" % self.pki.service_account_pub,
            "--service-account-signing-key-file=%s" % self.pki.service_account_key,
            "--service-cluster-ip-range=10.100.0.0/16", "--authorization-mode=RBAC",
            "--authentication-token-webhook-config-file=%s" % self._webhook_kubeconfig,
            "--authentication-token-webhook-version=v1", "--authentication-token-webhook-cache-ttl=0s",
            "--disable-admission-plugins=TaintNodesByCondition",
            "--audit-policy-file=%s" % policy, "--audit-log-path=%s" % self.audit_log, "--audit-log-format=json",
            "--audit-log-mode=blocking", "--audit-log-maxbackup=0",
            "--endpoint-reconciler-type=none", "--profiling=false", "--v=0",
        ], os.path.join(self.directory, "kube-apiserver.log"))

    def ready(self) -> bool:
        try:
            status, _document = self.client.request("GET", "/readyz")
        except OSError:
            return False
        return status == 200

    def wait_ready(self, attempts: int = 3) -> None:
        """Wait for /readyz; start again on another port if another process took this one meanwhile."""
        assert self.apiserver is not None
        for attempt in range(attempts):
            try:
                wait_until("kube-apiserver of %s/%s" % (self.region, self.cluster), self.ready, self.apiserver)
                return
            except RuntimeError:
                if attempt + 1 == attempts or self.apiserver.alive() or "address already in use" not in self.apiserver.log_tail():
                    raise
                self.launch()

    def bootstrap(self, admin_user: str) -> None:
        """What EKS sets up before anyone connects: the admin binding, default ServiceAccounts, kwok."""
        self.client.call("POST", path("clusterrolebindings"), {
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
            "metadata": {"name": "e2e-cluster-admin"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
            "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": admin_user}],
        }, accept=(409,))
        for namespace in ("default", "kube-system"):
            self.ensure_namespace(namespace)
        self.start_kwok()

    def ensure_namespace(self, namespace: str) -> None:
        """The namespace and its ``default`` ServiceAccount (the service-account controller's job in EKS)."""
        if namespace not in ("default", "kube-system", "kube-public", "kube-node-lease"):
            self.client.call("POST", path("namespaces"), {"apiVersion": "v1", "kind": "Namespace",
                                                          "metadata": {"name": namespace}}, accept=(409,))
        account = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": namespace}}
        # The API server makes kube-system a moment after /readyz: retry a missing namespace briefly.
        deadline = time.monotonic() + 10
        while True:
            status, document = self.client.request("POST", path("serviceaccounts", namespace=namespace), account)
            if status in (201, 409) or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        if status not in (201, 409):
            raise KubeError("POST", path("serviceaccounts", namespace=namespace), status, document)

    # -- kwok and Karpenter

    def start_kwok(self) -> None:
        tool = go_tools.tool("kwok")
        stages = os.path.join(self.directory, "kwok-stages.yaml")
        with open(stages, "w", encoding="utf-8") as handle:
            for name in sorted(os.listdir(os.path.join(tool.directory, "stages"))):
                with open(os.path.join(tool.directory, "stages", name), encoding="utf-8") as stage:
                    handle.write("---\n" + stage.read())
        self.kwok = self.launcher.launch([
            tool.path, "--kubeconfig=%s" % self.kubeconfig, "--config=%s" % stages,
            "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake", "--node-lease-duration-seconds=0",
        ], os.path.join(self.directory, "kwok.log"), env=dict(os.environ, HOME=self.directory))

    def install_crds(self, names: Iterable[str]) -> None:
        """Install Karpenter's CRDs (file names in the Karpenter tool's ``crds/``) and wait until they serve."""
        wanted = [name for name in names if name not in self.crds]
        directory = os.path.join(go_tools.tool("karpenter").directory, "crds")
        plurals = []
        for name in wanted:
            with open(os.path.join(directory, name), encoding="utf-8") as handle:
                crd = yaml.safe_load(handle)
            self.client.call("POST", path("customresourcedefinitions"), crd, accept=(409,))
            plurals.append(crd["metadata"]["name"])

        def established() -> bool:
            for plural in plurals:
                conditions = self.client.get(path("customresourcedefinitions", plural)).get("status", {}).get("conditions", [])
                if not any(c["type"] == "Established" and c["status"] == "True" for c in conditions):
                    return False
            return True

        self.client.wait("CRDs %s to be established" % plurals, established)
        self.crds.update(wanted)

    def start_karpenter(self, environment: Mapping[str, str]) -> None:
        """Karpenter's controller (kwok cloud provider), leader election off, ready when its probe says so."""
        probe = free_port()
        env = dict(os.environ, KUBECONFIG=self.kubeconfig, DISABLE_LEADER_ELECTION="true", SYSTEM_NAMESPACE="kube-system",
                   METRICS_PORT=str(free_port()), HEALTH_PROBE_PORT=str(probe), LOG_LEVEL="info", HOME=self.directory)
        env.update(environment)
        self.karpenter = self.launcher.launch([go_tools.tool("karpenter").path], os.path.join(self.directory, "karpenter.log"),
                                              env=env)

        def ready() -> bool:
            try:
                with urllib.request.urlopen("http://127.0.0.1:%d/readyz" % probe, timeout=1) as response:
                    return response.status == 200
            except OSError:
                return False

        wait_until("Karpenter of %s/%s" % (self.region, self.cluster), ready, self.karpenter)

    def stop_karpenter(self) -> None:
        stop_all([self.karpenter])
        self.karpenter = None

    # -- reading what eksctl asked

    def audit(self, since: str = "count") -> list[dict[str, Any]]:
        """The audited requests (webhook-authenticated users, and refused tokens) since ``forget_audit(since)``:
        ``count`` is the tests' count of requests, ``settle`` the emulator's reset between tests."""
        if not os.path.exists(self.audit_log):
            return []
        with open(self.audit_log, "rb") as handle:
            handle.seek(self._audit_offsets.get(since, 0))
            lines = handle.read().decode("utf-8", "replace").splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def forget_audit(self, since: str = "count") -> None:
        self._audit_offsets[since] = os.path.getsize(self.audit_log) if os.path.exists(self.audit_log) else 0

    def stop(self) -> None:
        stop_all([self.karpenter, self.kwok, self.apiserver])


class ControlPlanes:
    """The control planes of one emulator: shared etcd, TLS material and webhook; one API server per cluster."""

    def __init__(self, secrets: Mapping[str, str], account: str, admin_user: str) -> None:
        self.directory = tempfile.mkdtemp(prefix="e2e-kube-")
        self.pki = Pki(self.directory)
        self.webhook = TokenWebhook(self.pki.server_cert, self.pki.server_key, secrets, account)
        self.admin_user = admin_user
        self.launcher = Launcher()
        self.etcd = Etcd(self.directory, self.launcher)
        self.planes: dict[tuple[str, str], ControlPlane] = {}
        self._lock = threading.Lock()
        self._starting: dict[tuple[str, str], threading.Event] = {}

    def start(self) -> None:
        self.webhook.start()

    def stop(self) -> None:
        stop_all([process for plane in self.planes.values() for process in (plane.karpenter, plane.kwok, plane.apiserver)])
        self.etcd.stop()
        self.webhook.stop()
        shutil.rmtree(self.directory, ignore_errors=True)

    def running(self) -> list[ControlPlane]:
        with self._lock:
            return list(self.planes.values())

    def get(self, region: str, cluster: str) -> ControlPlane | None:
        with self._lock:
            return self.planes.get((region, cluster))

    def ensure(self, keys: Iterable[tuple[str, str]], on_start: Callable[[ControlPlane], None] | None = None) -> list[ControlPlane]:
        """The control planes of these clusters, starting the missing ones side by side; ``on_start`` runs
        once for each new one (seeding) before anyone else gets it."""
        keys = list(dict.fromkeys(keys))
        mine: list[ControlPlane] = []
        waits: list[threading.Event] = []
        with self._lock:
            if not self.etcd.process:
                self.etcd.start()
            for key in keys:
                if key in self._starting:
                    waits.append(self._starting[key])
                elif key not in self.planes:
                    self._starting[key] = threading.Event()
                    directory = os.path.join(self.directory, "%s-%s" % key)
                    os.makedirs(directory)
                    mine.append(ControlPlane(key[0], key[1], directory, self.etcd.url, self.pki, self.webhook.url(*key),
                                             self.launcher))
        try:
            for plane in mine:
                plane.launch()
            for plane in mine:
                plane.wait_ready()
                plane.bootstrap(self.admin_user)
                if on_start:
                    on_start(plane)
        except Exception:
            stop_all([process for plane in mine for process in (plane.kwok, plane.apiserver)])
            raise
        finally:
            with self._lock:
                for plane in mine:
                    if plane.apiserver and plane.apiserver.alive():
                        self.planes[(plane.region, plane.cluster)] = plane
                    self._starting.pop((plane.region, plane.cluster)).set()
        for event in waits:
            event.wait(START_TIMEOUT)
        with self._lock:
            missing = [key for key in keys if key not in self.planes]
            if missing:
                raise RuntimeError("no control plane for %s" % missing)
            return [self.planes[key] for key in keys]
