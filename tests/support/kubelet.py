"""A kubelet stand-in: runs a rendered pod template the way a kubelet would, not a copy of its
script. Used inside a loopback-only network namespace:

    unshare -n -- python -m tests.support.kubelet CASES.json WORKDIR

CASES is a JSON list, each ``{name, namespace, objects, node_role?, associations?, webhooks?}``
with ``objects`` the chart's rendered manifests (its CronJob among them) plus any Secret the
cluster would hold (the access key); prints a JSON report per case.

What it does as a kubelet and the control plane do (Kubernetes sources named):

- **User.** ``runAsUser``/``runAsGroup``/``runAsNonRoot`` of the container, else the pod
  (``pkg/kubelet/kuberuntime/security_context.go``); ``runAsNonRoot`` without a user is refused
  as the kubelet refuses it ("image will run as root", ``verifyRunAsNonRoot``); ``fsGroup``
  and ``supplementalGroups`` are the process's supplementary groups. The process runs as that
  user for real (``setpriv``), not in a user namespace that maps it to root.
- **Volumes** laid out owned by root: ``emptyDir`` a 0777 directory (``pkg/volume/emptydir``);
  ``secret`` files with the item's ``mode`` or ``defaultMode`` (0644 by default), Secret not
  found and not ``optional`` fails the pod (``pkg/volume/secret/secret.go``); ``projected``
  ``serviceAccountToken`` sources with their audience and life, mode 0600 owned by the pod's
  common ``runAsUser`` when it has ``fsGroup`` or such a user (``pkg/volume/projected``).
  With ``fsGroup`` every file of these read-only volumes is group-owned by it with 0440
  added, directories setgid (``SetVolumeOwnership``, ``pkg/volume/volume_linux.go``).
- **The ServiceAccount admission plugin's** ``kube-api-access`` volume (token, ``ca.crt``,
  ``namespace``) at ``/var/run/secrets/kubernetes.io/serviceaccount`` unless
  ``automountServiceAccountToken: false``, and ``KUBERNETES_SERVICE_HOST``/``_PORT``.
- **Mounts and root.** ``readOnly`` mounts read-only; ``readOnlyRootFilesystem: true`` gives a
  read-only root with only the declared mounts writable (``false`` is not supported here);
  ``capabilities.drop: [ALL]`` and ``allowPrivilegeEscalation: false`` become an empty
  bounding set and ``no_new_privs``. ``command`` and ``args`` run exactly as written, with the
  manifest's ``env``; the Job's ``activeDeadlineSeconds`` is the time limit.
- **EKS webhooks** (awslabs/amazon-eks-pod-identity-webhook; EKS Pod Identity): ``irsa`` adds
  ``AWS_ROLE_ARN``, ``AWS_WEB_IDENTITY_TOKEN_FILE`` and the ``aws-iam-token`` projected volume
  (audience ``sts.amazonaws.com``) for an annotated ServiceAccount; ``pod-identity`` adds
  ``AWS_CONTAINER_CREDENTIALS_FULL_URI``/``AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`` and the
  ``eks-pod-identity-token`` volume (audience ``pods.eks.amazonaws.com``) for an associated one.
- **The node**: IMDSv2 on 169.254.169.254 and the Pod Identity Agent on 169.254.170.23, handing
  out moto STS credentials; **the API server**: HTTPS with its own CA, bearer tokens it issued,
  RBAC from the rendered Roles and RoleBindings, ``GET``/``PATCH`` of Secrets (merge patch).
  While it answers a request it reads every process's command line, so a test can prove a
  secret never appears in one.

Where it differs from a real kubelet: the image is the host's userland (Debian: ``sh``,
``curl``, coreutils) with the AWS CLI from ``.venv-image`` at ``/usr/local/bin/aws``, not the
image's own files; no cgroup limits (CPU and memory limits are not enforced); no image pull, DNS
or Service network (the API server is 127.0.0.1); ``emptyDir`` ``medium: Memory`` is a directory
on disk; ``HTTPS_PROXY``, ``NO_PROXY`` and ``AWS_CA_BUNDLE`` are added so the AWS CLI reaches
moto through the TLS proxy, plumbing a real cluster does not need.
"""

from __future__ import annotations

import base64
import copy
import datetime
import http.server
import json
import os
import secrets
import ssl
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import boto3

SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"
IRSA_DIR = "/var/run/secrets/eks.amazonaws.com/serviceaccount"
POD_IDENTITY_DIR = "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount"
IMAGE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
IMDS, AGENT = "169.254.169.254", "169.254.170.23"
REGION = "us-east-1"
ROOT = Path(__file__).resolve().parent.parent.parent


class PodFailed(Exception):
    """The kubelet would not start the container; the message is its event's."""


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386."""
    if not isinstance(patch, dict):
        return patch
    out = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge_patch(out.get(key), value)
    return out


class ApiServer:
    """The API server's part: tokens, RBAC from the rendered Roles, Secrets GET and PATCH."""

    def __init__(self, directory: Path, objects: list[dict[str, Any]],
                 issuer: str = "https://kubernetes.default.svc") -> None:
        self.issuer = issuer
        self.objects = {(o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"]):
                        copy.deepcopy(o) for o in objects}
        self.tokens: dict[str, tuple[str, str, list[str]]] = {}
        self.requests: list[dict[str, Any]] = []
        self.needles: list[str] = []
        self.leaks: list[str] = []
        from .credential_chain import make_certificates

        # the API server's address here is 127.0.0.1, the only name in its certificate
        self.ca, cert, key = make_certificates(directory, ips=("127.0.0.1",), stem="api-")
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def issue_token(self, namespace: str, account: str, audience: str | None = None,
                    seconds: int = 3607) -> str:
        now = int(datetime.datetime.now(datetime.timezone.utc).timestamp())
        audiences = [audience or self.issuer]
        payload = {"iss": self.issuer, "sub": f"system:serviceaccount:{namespace}:{account}",
                   "aud": audiences, "iat": now, "nbf": now, "exp": now + seconds,
                   "kubernetes.io": {"namespace": namespace,
                                     "serviceaccount": {"name": account}}}
        token = ".".join([_b64url(b'{"alg":"RS256","kid":"stand-in"}'),
                          _b64url(json.dumps(payload).encode()), _b64url(secrets.token_bytes(32))])
        self.tokens[token] = (namespace, account, audiences)
        return token

    def allowed(self, account: tuple[str, str], verb: str, namespace: str, name: str) -> bool:
        for (kind, ns, _), binding in self.objects.items():
            if kind != "RoleBinding" or ns != namespace:
                continue
            subjects = binding.get("subjects", [])
            if not any(s.get("kind") == "ServiceAccount" and (s.get("namespace"), s["name"])
                       == account for s in subjects):
                continue
            role = self.objects.get(("Role", ns, binding["roleRef"]["name"]))
            for rule in (role or {}).get("rules", []):
                if "" in rule.get("apiGroups", []) and "secrets" in rule.get("resources", []) \
                        and (verb in rule.get("verbs", []) or "*" in rule.get("verbs", [])) \
                        and (not rule.get("resourceNames") or name in rule["resourceNames"]):
                    return True
        return False

    def secret(self, namespace: str, name: str) -> dict[str, Any] | None:
        return self.objects.get(("Secret", namespace, name))

    def _scan(self) -> None:
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            try:
                line = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            for needle in self.needles:
                if needle and needle in line:
                    self.leaks.append(line[:200])

    def _handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        api = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return

            def _answer(self, code: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _status(self, code: int, reason: str, message: str) -> None:
                self._answer(code, {"kind": "Status", "apiVersion": "v1", "status": "Failure",
                                    "message": message, "reason": reason, "code": code})

            def _serve(self, verb: str) -> None:
                api._scan()
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                record: dict[str, Any] = {"verb": verb, "path": self.path}
                api.requests.append(record)
                auth = self.headers.get("Authorization", "")
                who = api.tokens.get(auth.removeprefix("Bearer ")) if auth.startswith(
                    "Bearer ") else None
                if who is None or api.issuer not in who[2]:
                    record["code"] = 401
                    return self._status(401, "Unauthorized", "Unauthorized")
                record["user"] = f"system:serviceaccount:{who[0]}:{who[1]}"
                parts = self.path.split("?")[0].strip("/").split("/")
                if len(parts) != 6 or parts[:2] != ["api", "v1"] or parts[2] != "namespaces" \
                        or parts[4] != "secrets":
                    record["code"] = 404
                    return self._status(404, "NotFound", "the server could not find it")
                namespace, name = parts[3], parts[5]
                if not api.allowed((who[0], who[1]), verb, namespace, name):
                    record["code"] = 403
                    return self._status(403, "Forbidden", f'secrets "{name}" is forbidden: User '
                                        f'"{record["user"]}" cannot {verb} resource "secrets"')
                current = api.secret(namespace, name)
                if current is None:
                    record["code"] = 404
                    return self._status(404, "NotFound", f'secrets "{name}" not found')
                if verb == "patch":
                    kind = self.headers.get("Content-Type", "").split(";")[0]
                    if kind not in ("application/merge-patch+json",
                                    "application/strategic-merge-patch+json"):
                        record["code"] = 415
                        return self._status(415, "UnsupportedMediaType", kind)
                    try:
                        patch = json.loads(body)
                    except ValueError:
                        record["code"] = 400
                        return self._status(400, "BadRequest", "invalid JSON")
                    current = merge_patch(current, patch)
                    data = current.get("data", {}).get(".dockerconfigjson")
                    if current.get("type") == "kubernetes.io/dockerconfigjson":
                        try:  # what the API server validates of such a Secret
                            json.loads(base64.b64decode(data or "", validate=True))
                        except ValueError:
                            record["code"] = 422
                            return self._status(422, "Invalid", "invalid .dockerconfigjson")
                    api.objects[("Secret", namespace, name)] = current
                record["code"] = 200
                self._answer(200, current)

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                self._serve("get")

            def do_PATCH(self) -> None:  # noqa: N802
                self._serve("patch")

        return Handler

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Node:
    """IMDSv2 (the node role) and the EKS Pod Identity Agent, on their link-local addresses,
    handing out moto STS credentials."""

    def __init__(self, api: ApiServer, moto_url: str, node_role: str | None,
                 associations: dict[tuple[str, str], str]) -> None:
        for address in (IMDS, AGENT):
            subprocess.run(["ip", "addr", "add", f"{address}/32", "dev", "lo"], check=False,
                           capture_output=True)
        self.sts = boto3.client("sts", endpoint_url=moto_url, region_name=REGION,
                                aws_access_key_id="testing", aws_secret_access_key="testing")
        self.api, self.node_role, self.associations = api, node_role, associations
        self.imds_tokens: set[str] = set()
        self.servers = [http.server.ThreadingHTTPServer((IMDS, 80), self._imds()),
                        http.server.ThreadingHTTPServer((AGENT, 80), self._agent())]
        for server in self.servers:
            threading.Thread(target=server.serve_forever, daemon=True).start()

    def credentials(self, role: str) -> dict[str, str]:
        found = self.sts.assume_role(RoleArn=role, RoleSessionName="stand-in")["Credentials"]
        return {"AccessKeyId": found["AccessKeyId"], "SecretAccessKey": found["SecretAccessKey"],
                "Token": found["SessionToken"],
                "Expiration": found["Expiration"].strftime("%Y-%m-%dT%H:%M:%SZ")}

    def _imds(self) -> type[http.server.BaseHTTPRequestHandler]:
        node = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return

            def _send(self, code: int, text: str) -> None:
                self.send_response(code)
                self.send_header("Content-Length", str(len(text.encode())))
                self.end_headers()
                self.wfile.write(text.encode())

            def do_PUT(self) -> None:  # noqa: N802
                if self.path != "/latest/api/token" or not self.headers.get(
                        "X-aws-ec2-metadata-token-ttl-seconds"):
                    return self._send(400, "")
                token = secrets.token_hex(16)
                node.imds_tokens.add(token)
                self._send(200, token)

            def do_GET(self) -> None:  # noqa: N802
                if self.headers.get("X-aws-ec2-metadata-token") not in node.imds_tokens:
                    return self._send(401, "")
                base = "/latest/meta-data/iam/security-credentials/"
                if node.node_role is None or not self.path.startswith(base):
                    if self.path == "/latest/meta-data/placement/region":
                        return self._send(200, REGION)
                    return self._send(404, "")
                name = node.node_role.rsplit("/", 1)[1]
                if self.path == base:
                    return self._send(200, name)
                if self.path != base + name:
                    return self._send(404, "")
                self._send(200, json.dumps({"Code": "Success", "Type": "AWS-HMAC",
                                            "LastUpdated": "2026-01-01T00:00:00Z",
                                            **node.credentials(node.node_role)}))

        return Handler

    def _agent(self) -> type[http.server.BaseHTTPRequestHandler]:
        node = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return

            def do_GET(self) -> None:  # noqa: N802
                who = node.api.tokens.get(self.headers.get("Authorization", ""))
                role = None
                if who is not None and "pods.eks.amazonaws.com" in who[2]:
                    role = node.associations.get((who[0], who[1]))
                code, body = (200, json.dumps({**node.credentials(role),
                                               "AccountId": role.split(":")[4]})) \
                    if role else (403, '{"message": "no association for this token"}')
                self.send_response(code)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body.encode())

        return Handler

    def close(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()


def _security(pod: dict[str, Any], container: dict[str, Any]) -> tuple[int, int, list[int]]:
    pod_sc, sc = pod.get("securityContext") or {}, container.get("securityContext") or {}
    uid = sc.get("runAsUser", pod_sc.get("runAsUser"))
    non_root = sc.get("runAsNonRoot", pod_sc.get("runAsNonRoot"))
    if uid is None and non_root:
        raise PodFailed("Error: container has runAsNonRoot and image will run as root")
    if uid == 0 and non_root:
        raise PodFailed("Error: container's runAsUser breaks non-root policy")
    gid = sc.get("runAsGroup", pod_sc.get("runAsGroup", 0))
    groups = [g for g in [pod_sc.get("fsGroup"), *pod_sc.get("supplementalGroups", [])]
              if g is not None]
    return int(uid or 0), int(gid), groups


def _webhooks(pod: dict[str, Any], api: ApiServer, namespace: str, webhooks: list[str],
              associations: dict[tuple[str, str], str]) -> dict[str, Any]:
    pod = copy.deepcopy(pod)
    account = pod.get("serviceAccountName", "default")
    sa = api.objects.get(("ServiceAccount", namespace, account), {})
    role = (sa.get("metadata", {}).get("annotations") or {}).get("eks.amazonaws.com/role-arn")
    (container,) = pod["containers"]
    env, mounts = container.setdefault("env", []), container.setdefault("volumeMounts", [])
    if "irsa" in webhooks and role:
        env += [{"name": "AWS_ROLE_ARN", "value": role},
                {"name": "AWS_WEB_IDENTITY_TOKEN_FILE", "value": f"{IRSA_DIR}/token"},
                {"name": "AWS_STS_REGIONAL_ENDPOINTS", "value": "regional"},
                {"name": "AWS_REGION", "value": REGION},
                {"name": "AWS_DEFAULT_REGION", "value": REGION}]
        pod.setdefault("volumes", []).append({"name": "aws-iam-token", "projected": {"sources": [
            {"serviceAccountToken": {"audience": "sts.amazonaws.com",
                                     "expirationSeconds": 86400, "path": "token"}}]}})
        mounts.append({"name": "aws-iam-token", "mountPath": IRSA_DIR, "readOnly": True})
    if "pod-identity" in webhooks and (namespace, account) in associations:
        env += [{"name": "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                 "value": f"http://{AGENT}/v1/credentials"},
                {"name": "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                 "value": f"{POD_IDENTITY_DIR}/eks-pod-identity-token"}]
        pod.setdefault("volumes", []).append({"name": "eks-pod-identity-token", "projected": {
            "sources": [{"serviceAccountToken": {"audience": "pods.eks.amazonaws.com",
                                                 "expirationSeconds": 86400,
                                                 "path": "eks-pod-identity-token"}}]}})
        mounts.append({"name": "eks-pod-identity-token", "mountPath": POD_IDENTITY_DIR,
                       "readOnly": True})
    automount = pod.get("automountServiceAccountToken", sa.get("automountServiceAccountToken",
                                                                True))
    if automount:
        pod.setdefault("volumes", []).append({"name": "kube-api-access", "projected": {
            "defaultMode": 0o644, "sources": [
                {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                {"caCert": True}, {"namespace": True}]}})
        mounts.append({"name": "kube-api-access", "mountPath": SA_DIR, "readOnly": True})
    return pod


def _write(path: Path, data: bytes, mode: int, owner: int, fs_group: int | None) -> None:
    path.write_bytes(data)
    os.chown(path, owner, 0 if fs_group is None else fs_group)
    os.chmod(path, mode | (0o440 if fs_group is not None else 0))  # SetVolumeOwnership, read-only


def _volumes(pod: dict[str, Any], api: ApiServer, namespace: str, base: Path, uid: int,
             fs_group: int | None) -> dict[str, Path]:
    out = {}
    account = pod.get("serviceAccountName", "default")
    for volume in pod.get("volumes", []):
        directory = base / volume["name"]
        directory.mkdir(parents=True)
        os.chown(directory, 0, 0 if fs_group is None else fs_group)
        if "emptyDir" in volume:
            os.chmod(directory, 0o777 | (0o2000 if fs_group is not None else 0))
        elif "secret" in volume:
            os.chmod(directory, 0o755 | (0o2000 if fs_group is not None else 0))
            source = volume["secret"]
            found = api.secret(namespace, source["secretName"])
            if found is None:
                if source.get("optional"):
                    out[volume["name"]] = directory
                    continue
                raise PodFailed(f'MountVolume.SetUp failed for volume "{volume["name"]}": '
                                f'secret "{source["secretName"]}" not found')
            data = {k: base64.b64decode(v) for k, v in found.get("data", {}).items()}
            items = source.get("items") or [{"key": k, "path": k} for k in data]
            for item in items:
                if item["key"] not in data:
                    raise PodFailed(f'MountVolume.SetUp failed for volume "{volume["name"]}": '
                                    f'key {item["key"]} not found')
                _write(directory / item["path"], data[item["key"]],
                       item.get("mode", source.get("defaultMode", 0o644)), 0, fs_group)
        elif "projected" in volume:
            os.chmod(directory, 0o755 | (0o2000 if fs_group is not None else 0))
            mode = volume["projected"].get("defaultMode", 0o644)
            for source in volume["projected"]["sources"]:
                if "serviceAccountToken" in source:
                    token = source["serviceAccountToken"]
                    value = api.issue_token(namespace, account, token.get("audience"),
                                            token.get("expirationSeconds", 3600))
                    # projected.go: the token is 0600 and owned by the pod's user when the pod
                    # has an fsGroup or a common runAsUser
                    _write(directory / token["path"], value.encode(), 0o600, uid, fs_group)
                elif source.get("caCert"):
                    _write(directory / "ca.crt", api.ca.read_bytes(), mode, 0, fs_group)
                elif source.get("namespace"):
                    _write(directory / "namespace", namespace.encode(), mode, 0, fs_group)
                else:
                    raise PodFailed(f"projected source not supported here: {source}")
        else:
            raise PodFailed(f"volume type not supported here: {volume}")
        out[volume["name"]] = directory
    return out


#: Where the image's AWS CLI (a virtual environment) is mounted: a path no pod mounts over
#: (a venv's scripts name their own path, which a pod's /tmp volume could hide, and a shell
#: would then silently run the next ``aws`` on PATH).
IMAGE_AWS_DIR = "/opt/aws-cli"


def _image_binds() -> list[str]:
    """The image's AWS CLI at /usr/local/bin/aws: a launcher running ``python -m awscli`` from
    the venv mounted at :data:`IMAGE_AWS_DIR`, and the venv's base interpreter at its path."""
    aws = Path(os.environ.get("POD_IMAGE_AWS") or ROOT / ".venv-image" / "bin" / "aws")
    venv = aws.parent.parent
    home = next(line.split("=", 1)[1].strip() for line in (venv / "pyvenv.cfg").read_text()
                .splitlines() if line.startswith("home"))
    python_root = Path(home).parent
    binds = []
    for parent in reversed(python_root.parents[:-1]):  # readable parents, as in an image
        binds += ["--perms", "0755", "--dir", str(parent)]
    binds += ["--ro-bind", str(python_root), str(python_root)]
    launcher = venv / "pod-aws-launcher"
    launcher.write_text(f'#!/bin/sh\nexec {IMAGE_AWS_DIR}/bin/python -m awscli "$@"\n')
    launcher.chmod(0o755)
    return ["--perms", "0755", "--dir", "/opt", "--ro-bind", str(venv), IMAGE_AWS_DIR, *binds,
            "--tmpfs", "/usr/local/bin", "--ro-bind", str(launcher), "/usr/local/bin/aws",
            "--remount-ro", "/usr/local/bin"]


def image_probe() -> str:
    """``aws --version`` as the pod's shell finds it: proves which AWS CLI the pods run."""
    done = subprocess.run(["bwrap", "--die-with-parent", "--tmpfs", "/", "--ro-bind", "/usr",
                           "/usr", "--ro-bind", "/etc", "/etc", "--proc", "/proc", "--dev",
                           "/dev", *_root_links(), *_image_binds(), "--remount-ro", "/", "--",
                           "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--",
                           "/bin/sh", "-c", "aws --version"], capture_output=True, text=True,
                          timeout=120, env={"PATH": IMAGE_PATH})
    return (done.stdout + done.stderr).strip()


def _root_links() -> list[str]:
    out = []
    for link in ("bin", "lib", "lib64", "sbin"):
        if Path(f"/{link}").is_symlink():
            out += ["--symlink", os.readlink(f"/{link}"), f"/{link}"]
    return out


def run_pod(pod: dict[str, Any], *, namespace: str, api: ApiServer, work: Path,
            deadline: int, webhooks: list[str] | None = None,
            associations: dict[tuple[str, str], str] | None = None,
            extra_env: dict[str, str] | None = None,
            extra_ro_binds: dict[str, str] | None = None) -> dict[str, Any]:
    """Run the pod template's one container as a kubelet would; returns ``returncode``,
    ``stdout``, ``stderr`` and what it ran as."""
    pod = _webhooks(pod, api, namespace, webhooks or [], associations or {})
    (container,) = pod["containers"]
    sc = container.get("securityContext") or {}
    if not sc.get("readOnlyRootFilesystem"):
        raise PodFailed("readOnlyRootFilesystem false is not supported by this runner")
    uid, gid, groups = _security(pod, container)
    fs_group = (pod.get("securityContext") or {}).get("fsGroup")
    volumes = _volumes(pod, api, namespace, work / "volumes", uid, fs_group)
    args = ["bwrap", "--die-with-parent", "--tmpfs", "/", "--perms", "0755", "--dir", "/run",
            "--perms", "0755", "--dir", "/var", "--perms", "01777", "--dir", "/tmp",
            "--ro-bind", "/usr", "/usr",
            "--ro-bind", "/etc", "/etc", "--proc", "/proc", "--dev", "/dev"]
    args += _root_links()
    args += ["--symlink", "../run", "/var/run"]
    args += _image_binds()
    for host, inside in (extra_ro_binds or {}).items():
        args += ["--ro-bind", host, inside]
    made = {"/run", "/var"}
    for mount in container.get("volumeMounts", []):
        path = mount["mountPath"].replace("/var/run/", "/run/", 1)
        for parent in reversed(Path(path).parents[:-1]):  # 0755, as a runtime makes them
            if str(parent) not in made:
                made.add(str(parent))
                args += ["--perms", "0755", "--dir", str(parent)]
        args += ["--ro-bind" if mount.get("readOnly") else "--bind",
                 str(volumes[mount["name"]]), path]
    args += ["--remount-ro", "/"]
    caps = ["--inh-caps=-all", "--bounding-set=-all"] if "ALL" in (
        (sc.get("capabilities") or {}).get("drop") or []) else []
    nnp = ["--no-new-privs"] if sc.get("allowPrivilegeEscalation") is False else []
    user = ["setpriv", f"--reuid={uid}", f"--regid={gid}",
            f"--groups={','.join(map(str, groups))}" if groups else "--clear-groups",
            *caps, *nnp, "--"]
    env = {"PATH": IMAGE_PATH, "HOSTNAME": "refresher-stand-in",
           "KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": str(api.port),
           "KUBERNETES_SERVICE_PORT_HTTPS": str(api.port),
           "KUBERNETES_PORT": f"tcp://127.0.0.1:{api.port}", **(extra_env or {})}
    for item in container.get("env", []):
        if "value" in item:
            env[item["name"]] = item["value"]
        elif item.get("valueFrom", {}).get("fieldRef", {}).get("fieldPath") == (
                "metadata.namespace"):
            env[item["name"]] = namespace
        else:
            raise PodFailed(f"env source not supported here: {item}")
    command = [*container["command"], *container.get("args", [])]
    done = subprocess.run([*args, "--", *user, *command], env=env, capture_output=True,
                          text=True, timeout=deadline, stdin=subprocess.DEVNULL)
    return {"returncode": done.returncode, "stdout": done.stdout[-4000:],
            "stderr": done.stderr[-4000:], "uid": uid, "gid": gid, "groups": groups,
            "read_only_root": True}


def main(cases_file: Path, work: Path) -> dict[str, Any]:
    from .credential_chain import ACCOUNT, TlsProxy, make_certificates
    from .servers import DUMMY_CREDENTIALS, free_port, stop, wait_for_port

    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    ca, cert, key = make_certificates(work)
    moto_port = free_port()
    moto = subprocess.Popen([str(Path(sys.executable).parent / "moto_server"), "-H",
                             "127.0.0.1", "-p", str(moto_port)],
                            stdout=open(work / "moto.log", "wb"), stderr=subprocess.STDOUT)
    report: dict[str, Any] = {"cases": {}}
    proxy = None
    try:
        wait_for_port(moto_port, moto)
        moto_url = f"http://127.0.0.1:{moto_port}"
        proxy = TlsProxy(cert, key, moto_port, moto_port)
        iam = boto3.client("iam", endpoint_url=moto_url, region_name=REGION,
                           aws_access_key_id="testing", aws_secret_access_key="testing")
        ecr = boto3.client("ecr", endpoint_url=moto_url, region_name=REGION, **{
            k.lower(): v for k, v in DUMMY_CREDENTIALS.items()})
        token = ecr.get_authorization_token()["authorizationData"][0]["authorizationToken"]
        report["password"] = base64.b64decode(token).decode().split(":", 1)[1]
        report["image_aws"] = image_probe()
        trust = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
            "Action": "sts:AssumeRole"}]})
        made = {"/run", "/var"}
        for case in json.loads(cases_file.read_text()):
            case_dir = work / case["name"]
            case_dir.mkdir()
            objects = list(case["objects"])
            for role in case.get("roles", []):
                if role not in made:
                    iam.create_role(RoleName=role.rsplit("/", 1)[1],
                                    AssumeRolePolicyDocument=trust)
                    made.add(role)
            if case.get("accessKeyUser"):
                iam.create_user(UserName=case["accessKeyUser"])
                found = iam.create_access_key(UserName=case["accessKeyUser"])["AccessKey"]
                objects.append({"apiVersion": "v1", "kind": "Secret", "metadata": {
                    "name": case["accessKeySecret"], "namespace": case["namespace"]},
                    "data": {"access-key-id": base64.b64encode(
                        found["AccessKeyId"].encode()).decode(),
                        "secret-access-key": base64.b64encode(
                            found["SecretAccessKey"].encode()).decode()}})
            api = ApiServer(case_dir, objects)
            api.needles = [report["password"]]
            associations = {(a[0], a[1]): a[2] for a in case.get("associations", [])}
            node = Node(api, moto_url, case.get("nodeRole"), associations)
            (cronjob,) = [o for o in objects if o["kind"] == "CronJob"]
            job = cronjob["spec"]["jobTemplate"]["spec"]
            before = len(proxy.connects)
            try:
                result = run_pod(
                    job["template"]["spec"], namespace=case["namespace"], api=api,
                    work=case_dir, deadline=job.get("activeDeadlineSeconds", 600),
                    webhooks=case.get("webhooks", []), associations=associations,
                    extra_env={"HTTPS_PROXY": f"http://127.0.0.1:{proxy.port}",
                               "NO_PROXY": "127.0.0.1", "AWS_CA_BUNDLE": "/run/test-ca.pem"},
                    extra_ro_binds={str(ca): "/run/test-ca.pem"})
            except PodFailed as failed:
                result = {"returncode": None, "event": str(failed)}
            finally:
                node.close()
                api.close()
            result["connects"] = sorted(set(proxy.connects[before:]))
            result["secrets"] = {f"{ns}/{name}": obj for (kind, ns, name), obj
                                 in api.objects.items() if kind == "Secret"}
            result["requests"] = api.requests
            result["leaks"] = api.leaks
            report["cases"][case["name"]] = result
    finally:
        if proxy is not None:
            proxy.close()
        stop(moto)
        report["stopped"] = moto.poll() is not None
    return report


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), Path(sys.argv[2]))))
