# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The TLS material and kubeconfigs of the tier's local Kubernetes control planes.

One self-signed CA per emulator signs: the serving certificate every loopback server uses (each
kube-apiserver and the TokenReview webhook, all on 127.0.0.1), the client certificate of the harness
itself (group ``system:masters``, also used by kwok and Karpenter), and nothing else: eksctl's identities
come through the webhook, never through certificates. The service-account signing key (which
kube-apiserver requires) is made here too. Everything is written into one directory, removed with it.
"""

from __future__ import annotations

import datetime
import ipaddress
import os

import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

HARNESS_USER = "e2e-harness"
MASTERS = "system:masters"


def _name(common_name: str, organization: str | None = None) -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if organization:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    return x509.Name(attributes)


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


class Pki:
    """A CA and the certificates signed by it, as files in ``directory``.

    Attributes are file paths (``ca``, ``server_cert``, ``server_key``, ``client_cert``, ``client_key``,
    ``service_account_key``, ``service_account_pub``) and ``ca_pem``, the CA certificate's text.
    """

    def __init__(self, directory: str) -> None:
        self.directory = directory
        now = datetime.datetime.now(datetime.timezone.utc)
        self._validity = (now - datetime.timedelta(hours=1), now + datetime.timedelta(days=2))
        self._ca_key = ec.generate_private_key(ec.SECP256R1())
        self._ca_name = _name("e2e-kubernetes-ca")
        usage = x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                              key_encipherment=False, data_encipherment=False, key_agreement=False, encipher_only=False,
                              decipher_only=False)
        ca_cert = (self._builder(self._ca_name, self._ca_key.public_key())
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .add_extension(usage, critical=True)
                   .sign(self._ca_key, hashes.SHA256()))
        self.ca_pem = ca_cert.public_bytes(serialization.Encoding.PEM).decode("ascii")
        self.ca = self._write("ca.crt", self.ca_pem.encode("ascii"))
        self.server_cert, self.server_key = self._leaf(
            "server", _name("kube-apiserver"), ExtendedKeyUsageOID.SERVER_AUTH,
            [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost"), x509.DNSName("kubernetes"),
             x509.DNSName("kubernetes.default.svc")])
        self.client_cert, self.client_key = self._leaf("harness", _name(HARNESS_USER, MASTERS), ExtendedKeyUsageOID.CLIENT_AUTH)
        account_key = ec.generate_private_key(ec.SECP256R1())
        self.service_account_key = self._write("service-account.key", _pem_key(account_key))
        self.service_account_pub = self._write("service-account.pub", account_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))

    def _builder(self, subject: x509.Name, public_key: ec.EllipticCurvePublicKey) -> x509.CertificateBuilder:
        return (x509.CertificateBuilder().subject_name(subject).issuer_name(self._ca_name).public_key(public_key)
                .serial_number(x509.random_serial_number())
                .not_valid_before(self._validity[0]).not_valid_after(self._validity[1]))

    def _leaf(self, stem: str, subject: x509.Name, purpose: x509.ObjectIdentifier,
              names: list[x509.GeneralName] | None = None) -> tuple[str, str]:
        key = ec.generate_private_key(ec.SECP256R1())
        builder = self._builder(subject, key.public_key()).add_extension(x509.ExtendedKeyUsage([purpose]), critical=False)
        if names:
            builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
        cert = builder.sign(self._ca_key, hashes.SHA256())
        return (self._write(stem + ".crt", cert.public_bytes(serialization.Encoding.PEM)),
                self._write(stem + ".key", _pem_key(key)))

    def _write(self, name: str, data: bytes) -> str:
        path = os.path.join(self.directory, name)
        with open(path, "wb") as handle:
            handle.write(data)
        os.chmod(path, 0o600)
        return path

    def kubeconfig(self, path: str, server: str, *, client: bool = True, name: str = "e2e") -> str:
        """A kubeconfig for ``server`` trusting the CA; with ``client`` it presents the harness's certificate."""
        user = {"client-certificate": self.client_cert, "client-key": self.client_key} if client else {}
        document = {
            "apiVersion": "v1", "kind": "Config", "current-context": name, "preferences": {},
            "clusters": [{"name": name, "cluster": {"server": server, "certificate-authority": self.ca}}],
            "users": [{"name": name, "user": user}],
            "contexts": [{"name": name, "context": {"cluster": name, "user": name}}],
        }
        with open(path, "w", encoding="utf-8") as handle:
            yaml.safe_dump(document, handle, sort_keys=False)
        return path
