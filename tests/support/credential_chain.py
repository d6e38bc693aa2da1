"""The guide's in-cluster push, minus the cluster; run inside a loopback-only network namespace.

    unshare -n -- python -m tests.support.credential_chain AUTHFILE WORKDIR

AUTHFILE is the decoded ``.dockerconfigjson`` of the rendered Secret. This brings loopback
up, then starts, all on 127.0.0.1 and all stopped by PID at the end:

- ``moto_server``: the ECR API, whose ``GetAuthorizationToken`` hands out the token;
- a small TLS proxy: ``docker-credential-ecr-login`` ignores ``AWS_ENDPOINT_URL`` but honours
  ``HTTPS_PROXY`` and ``AWS_CA_BUNDLE``, so the proxy answers ``CONNECT api.ecr.*:443`` with a
  certificate from a CA made here and forwards the requests to moto; ``CONNECT`` to the
  registry host is tunnelled unchanged to the registry;
- Debian's ``docker-registry``, serving the registry host name over TLS with htpasswd user
  ``AWS`` and moto's token as password.

Then ``skopeo`` pushes a small OCI image with AUTHFILE (its credHelpers run the real helper),
and again with an empty authfile, which the registry must refuse. Prints a JSON report. (The
pull-secret refresher is run by the kubelet stand-in, tests/support/kubelet.py, which reuses
the TLS proxy and certificates here.)
"""

from __future__ import annotations

import base64
import datetime
import gzip
import hashlib
import io
import json
import select
import socket
import ssl
import subprocess
import sys
import tarfile
import threading
from pathlib import Path
from typing import Any

import bcrypt
import boto3
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from .servers import DUMMY_CREDENTIALS, free_port, stop, wait_for_port

ACCOUNT, REGION = "123456789012", "us-east-1"
REGISTRY_HOST = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com"
API_HOST = f"api.ecr.{REGION}.amazonaws.com"
#: STS, for the refresher modes that assume a role (the AWS CLI may use either endpoint).
STS_HOSTS = ("sts.amazonaws.com", f"sts.{REGION}.amazonaws.com")
REPOSITORY = "builds/sample-app"


def make_certificates(directory: Path, names: tuple[str, ...] = (),
                      ips: tuple[str, ...] = (), stem: str = "") -> tuple[Path, Path, Path]:
    """A test CA, and one server certificate signed by it for ``names`` and ``ips`` (default:
    the registry host, the ECR API host and the STS hosts); written as ``<stem>ca.pem``,
    ``<stem>server.pem`` and ``<stem>server.key`` in ``directory``."""
    import ipaddress

    names = names or (REGISTRY_HOST, API_HOST, *STS_HOSTS)
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ecr-cluster-access test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - datetime.timedelta(minutes=5))
          .not_valid_after(now + datetime.timedelta(hours=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False,
                                       encipher_only=False, decipher_only=False), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    alternatives: list[x509.GeneralName] = [
        *map(x509.DNSName, names), *(x509.IPAddress(ipaddress.ip_address(ip)) for ip in ips)]
    leaf = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME,
                                                        (names or ips)[0])]))
            .issuer_name(ca_name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(hours=2))
            .add_extension(x509.SubjectAlternativeName(alternatives), critical=False)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    ca_file, cert_file = directory / f"{stem}ca.pem", directory / f"{stem}server.pem"
    key_file = directory / f"{stem}server.key"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_file.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return ca_file, cert_file, key_file


class TlsProxy:
    """An HTTP CONNECT proxy on 127.0.0.1: terminates TLS for the ECR API host and forwards
    to moto over plain HTTP; tunnels the registry host to the registry unchanged."""

    def __init__(self, cert: Path, key: Path, moto_port: int, registry_port: int) -> None:
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.context.load_cert_chain(cert, key)
        self.context.set_alpn_protocols(["http/1.1"])
        self.routes = {f"{API_HOST}:443": ("tls", moto_port),
                       **{f"{host}:443": ("tls", moto_port) for host in STS_HOSTS},
                       f"{REGISTRY_HOST}:443": ("tunnel", registry_port)}
        self.connects: list[str] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _handle(self, client: socket.socket) -> None:
        upstream = None
        try:
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = client.recv(4096)
                if not chunk:
                    return
                head += chunk
            method, target = head.split(b" ", 2)[:2]
            route = self.routes.get(target.decode())
            self.connects.append(target.decode())
            if method != b"CONNECT" or route is None:
                client.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
                return
            client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            mode, port = route
            upstream = socket.create_connection(("127.0.0.1", port))
            if mode == "tls":
                client = self.context.wrap_socket(client, server_side=True)
            self._pipe(client, upstream)
        except (OSError, ssl.SSLError):
            return
        finally:
            client.close()
            if upstream is not None:
                upstream.close()

    @staticmethod
    def _pipe(a: socket.socket, b: socket.socket) -> None:
        peers = {a: b, b: a}
        while True:
            readable, _, _ = select.select([a, b], [], [], 60)
            if not readable:
                return
            for sock in readable:
                data = sock.recv(65536)
                if not data:
                    return
                while isinstance(sock, ssl.SSLSocket) and sock.pending():
                    data += sock.recv(sock.pending())
                peers[sock].sendall(data)

    def close(self) -> None:
        self.listener.close()


def make_oci_image(layout: Path) -> str:
    """A one-layer OCI image layout at ``layout`` tagged ``latest``; returns the manifest digest."""
    blobs = layout / "blobs" / "sha256"
    blobs.mkdir(parents=True)

    def blob(data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        (blobs / digest).write_bytes(data)
        return f"sha256:{digest}"

    tar_bytes = io.BytesIO()
    with tarfile.open(fileobj=tar_bytes, mode="w") as tar:
        payload = b"pushed by the ecr-cluster-access credential-chain test\n"
        info = tarfile.TarInfo("hello.txt")
        info.size, info.mtime = len(payload), 0
        tar.addfile(info, io.BytesIO(payload))
    layer = gzip.compress(tar_bytes.getvalue(), mtime=0)
    config = json.dumps({"architecture": "amd64", "os": "linux", "config": {},
                         "rootfs": {"type": "layers", "diff_ids": [
                             f"sha256:{hashlib.sha256(tar_bytes.getvalue()).hexdigest()}"]}}
                        ).encode()
    manifest = json.dumps({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": blob(config), "size": len(config)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                    "digest": blob(layer), "size": len(layer)}],
    }).encode()
    manifest_digest = blob(manifest)
    (layout / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}')
    (layout / "index.json").write_text(json.dumps({"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": manifest_digest,
        "size": len(manifest),
        "annotations": {"org.opencontainers.image.ref.name": "latest"}}]}))
    return manifest_digest


def main(authfile: Path, work: Path) -> dict[str, Any]:
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    ca, cert, key = make_certificates(work)
    processes: list[subprocess.Popen[bytes]] = []
    proxy = None
    report: dict[str, Any] = {}
    try:
        moto_port = free_port()
        moto = subprocess.Popen([str(Path(sys.executable).parent / "moto_server"), "-H",
                                 "127.0.0.1", "-p", str(moto_port)],
                                stdout=open(work / "moto.log", "wb"), stderr=subprocess.STDOUT)
        processes.append(moto)
        wait_for_port(moto_port, moto)
        ecr = boto3.client("ecr", endpoint_url=f"http://127.0.0.1:{moto_port}",
                           region_name=REGION,
                           aws_access_key_id=DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                           aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"])
        token = ecr.get_authorization_token()["authorizationData"][0]["authorizationToken"]
        user, password = base64.b64decode(token).decode().split(":", 1)
        report["token_user"] = user

        registry_port = free_port()
        (work / "htpasswd").write_bytes(
            user.encode() + b":" + bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=5)))
        (work / "registry.yml").write_text(json.dumps({
            "version": 0.1, "log": {"level": "info"},
            "storage": {"filesystem": {"rootdirectory": str(work / "registry")}},
            "http": {"addr": f"127.0.0.1:{registry_port}",
                     "tls": {"certificate": str(cert), "key": str(key)}},
            "auth": {"htpasswd": {"realm": "ecr", "path": str(work / "htpasswd")}},
        }))
        registry = subprocess.Popen(["docker-registry", "serve", str(work / "registry.yml")],
                                    stdout=open(work / "registry.log", "wb"),
                                    stderr=subprocess.STDOUT)
        processes.append(registry)
        wait_for_port(registry_port, registry)
        proxy = TlsProxy(cert, key, moto_port, registry_port)

        layout = work / "image"
        report["pushed_digest"] = make_oci_image(layout)
        certs = work / "certs"
        certs.mkdir()
        (certs / "ca.crt").write_bytes(ca.read_bytes())
        (work / "policy.json").write_text('{"default": [{"type": "insecureAcceptAnything"}]}')
        (work / "empty.json").write_text("{}")
        (work / "home").mkdir()
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(work / "home"),
               "HTTPS_PROXY": f"http://127.0.0.1:{proxy.port}", "AWS_CA_BUNDLE": str(ca),
               "AWS_ECR_DISABLE_CACHE": "true", **DUMMY_CREDENTIALS}
        destination = f"docker://{REGISTRY_HOST}/{REPOSITORY}:e2e"

        def skopeo(*args: str) -> dict[str, Any]:
            done = subprocess.run(["skopeo", "--policy", str(work / "policy.json"), *args],
                                  env=env, capture_output=True, text=True, timeout=300)
            return {"returncode": done.returncode, "stdout": done.stdout,
                    "stderr": done.stderr[-2000:]}

        report["control"] = skopeo("copy", "--authfile", str(work / "empty.json"),
                                   "--dest-cert-dir", str(certs), f"oci:{layout}:latest",
                                   destination)
        report["connects_before_push"] = sorted(set(proxy.connects))
        report["push"] = skopeo("copy", "--authfile", str(authfile), "--dest-cert-dir",
                                str(certs), f"oci:{layout}:latest", destination)
        report["inspect"] = skopeo("inspect", "--raw", "--authfile", str(authfile),
                                   "--cert-dir", str(certs), destination)
        report["connects"] = sorted(set(proxy.connects))
        report["password"] = password
        report["listening"] = subprocess.run(["ss", "-ltnH"], capture_output=True,
                                             text=True).stdout if _has("ss") else ""
    finally:
        if proxy is not None:
            proxy.close()
        for process in reversed(processes):
            stop(process)
        report["stopped"] = [p.poll() is not None for p in processes]
    return report


def _has(tool: str) -> bool:
    from shutil import which

    return which(tool) is not None


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), Path(sys.argv[2]))))
