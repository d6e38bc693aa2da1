"""The pull-secret refresher as a cluster runs it: the rendered CronJob's pod, executed by the
kubelet stand-in (tests/support/kubelet.py) as uid 65534 with a read-only root, its volumes laid
out by the kubelet's rules, its API calls answered under the rendered RBAC, its token from moto.
One run inside a loopback-only network namespace covers every credentials mode and the
controls that must fail."""

from __future__ import annotations

import base64
import json
import os
import sys
from typing import Any

import pytest

from ecr_cluster_access import Parameters

from ..support.parameters import OIDC, params_dict
from ..support.tools import ROOT, require_tool, run
from ..unit.test_chart import chart_objects

pytestmark = pytest.mark.e2e

HOST = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
#: What moto's GetAuthorizationToken hands out, decoded: user AWS, this password.
MOTO_PASSWORD = "123456789012-auth-token"
NAMESPACES = ["apps", "default"]
REFRESHER_ROLE = "arn:aws:iam::123456789012:role/EcrClusterAccess-refresher"
WORKER_ROLE = "arn:aws:iam::123456789012:role/k8s-worker"
ASSUMED_ROLE = "arn:aws:iam::123456789012:role/ecr-puller"
OFF_AWS_PROVIDER = "arn:aws:iam::123456789012:oidc-provider/k8s.example.com/cluster-1"

#: Each credentials mode: the parameters' pullSecret, and what the cluster adds around the pod.
MODES: dict[str, dict[str, Any]] = {
    "irsa": {"pullSecret": {"credentials": "irsa", "oidcProviderArn": OIDC},
             "webhooks": ["irsa"], "roles": [REFRESHER_ROLE]},
    "web-identity": {"pullSecret": {"credentials": "web-identity",
                                    "oidcProviderArn": OFF_AWS_PROVIDER},
                     "roles": [REFRESHER_ROLE]},
    "pod-identity": {"pullSecret": {"credentials": "pod-identity", "clusterName": "builds"},
                     "webhooks": ["pod-identity"], "roles": [REFRESHER_ROLE],
                     "associations": [["default", "ecr-pull-refresher", REFRESHER_ROLE]]},
    "secret": {"pullSecret": {"credentials": "secret"}, "accessKey": True},
    "secret-role": {"pullSecret": {"credentials": "secret", "roleArn": ASSUMED_ROLE},
                    "accessKey": True, "roles": [ASSUMED_ROLE]},
    "node": {"pullSecret": {"credentials": "node"}, "workerAccess": "pull",
             "nodeRole": WORKER_ROLE, "roles": [WORKER_ROLE]},
}


def case(name: str, mode: dict[str, Any], change: Any = None) -> dict[str, Any]:
    extra = {"workerAccess": "pull", "builderIdentity": {
        "mode": "pod-identity", "clusterName": "builds"}} if "workerAccess" in mode else {}
    settings = {"mode": "cronjob", "namespaces": NAMESPACES, **mode["pullSecret"]}
    objects = chart_objects(**extra, pullSecret=settings)
    if change is not None:
        (cronjob,) = [o for o in objects if o["kind"] == "CronJob"]
        change(cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"])
    params = Parameters.from_mapping(params_dict(**extra, pullSecret=settings))
    out: dict[str, Any] = {"name": name, "namespace": "default", "objects": objects,
                           "webhooks": mode.get("webhooks", []), "roles": mode.get("roles", []),
                           "associations": mode.get("associations", []),
                           "nodeRole": mode.get("nodeRole")}
    if mode.get("accessKey"):
        out["accessKeyUser"] = (params.refresher_user_arn or "").rsplit("/", 1)[1] + f"-{name}"
        out["accessKeySecret"] = params.credentials_secret_name
    return out


def without_fs_group(pod: dict[str, Any]) -> None:
    del pod["securityContext"]["fsGroup"]


def group_readable_without_fs_group(pod: dict[str, Any]) -> None:
    """A tempting wrong fix: mode 0440, but the kubelet leaves the files group root."""
    del pod["securityContext"]["fsGroup"]
    (volume,) = [v for v in pod["volumes"] if v["name"] == "aws-credentials"]
    volume["secret"]["defaultMode"] = 0o440


def without_writable_home(pod: dict[str, Any]) -> None:
    (container,) = pod["containers"]
    container["volumeMounts"] = [m for m in container["volumeMounts"] if m["name"] != "tmp"]


CONTROLS = {"secret-without-fs-group": ("secret", without_fs_group),
            "secret-with-mode-0440-and-no-fs-group": ("secret", group_readable_without_fs_group),
            "secret-with-a-read-only-home": ("secret", without_writable_home)}


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    for tool in ("unshare", "ip", "bwrap", "setpriv", "curl"):
        require_tool(tool)
    require_tool(os.environ.get("POD_IMAGE_AWS") or ROOT / ".venv-image" / "bin" / "aws")
    if os.geteuid() != 0:
        pytest.fail("the kubelet stand-in needs root (unshare -n, setpriv): run `make test` as "
                    "root, as CI does")
    work = tmp_path_factory.mktemp("kubelet")
    cases = [case(name, mode) for name, mode in MODES.items()]
    cases += [case(name, MODES[mode], change) for name, (mode, change) in CONTROLS.items()]
    (work / "cases.json").write_text(json.dumps(cases))
    result = run(["unshare", "-n", "--", sys.executable, "-m", "tests.support.kubelet",
                  str(work / "cases.json"), str(work)], cwd=ROOT, timeout=900, check=True)
    out: dict[str, Any] = json.loads(result.stdout)
    assert out["stopped"] is True
    # the pods ran the image's AWS CLI (.venv-image), not another aws on PATH
    assert out["image_aws"].startswith("aws-cli/1.45.11 "), out["image_aws"]
    return out


def auths_of(secret: dict[str, Any]) -> Any:
    return json.loads(base64.b64decode(secret["data"][".dockerconfigjson"]))


EXPECTED_AUTHS = {"auths": {HOST: {
    "username": "AWS", "password": MOTO_PASSWORD,
    "auth": base64.b64encode(f"AWS:{MOTO_PASSWORD}".encode()).decode()}}}


@pytest.mark.parametrize("mode", list(MODES))
def test_the_cronjob_fills_the_pull_secret_in_every_namespace(
        report: dict[str, Any], mode: str) -> None:
    ran = report["cases"][mode]
    assert report["password"] == MOTO_PASSWORD
    assert ran["returncode"] == 0, (ran.get("event"), ran.get("stderr"))
    # as nobody, with fsGroup, on a read-only root
    assert (ran["uid"], ran["gid"], ran["groups"], ran["read_only_root"]) == (
        65534, 65534, [65534], True)
    for namespace in NAMESPACES:
        assert auths_of(ran["secrets"][f"{namespace}/ecr-pull"]) == EXPECTED_AUTHS
    assert ran["stdout"].splitlines() == [
        f"ecr-pull-refresher: refreshed {namespace}/ecr-pull" for namespace in NAMESPACES]
    # through the API server, as the refresher's ServiceAccount, under the rendered RBAC
    assert [(r["verb"], r["path"], r["code"], r.get("user")) for r in ran["requests"]] == [
        ("patch", f"/api/v1/namespaces/{namespace}/secrets/ecr-pull", 200,
         "system:serviceaccount:default:ecr-pull-refresher") for namespace in NAMESPACES]
    # the ECR token was in no process's command line while the Secret was patched
    assert ran["leaks"] == []
    # only the modes that assume a role went to STS
    sts = [c for c in ran["connects"] if c.startswith("sts.")]
    assert bool(sts) == (mode in ("irsa", "web-identity", "secret-role")), ran["connects"]
    assert "api.ecr.us-east-1.amazonaws.com:443" in ran["connects"]


@pytest.mark.parametrize("control,message", [
    ("secret-without-fs-group", "Permission denied"),
    ("secret-with-mode-0440-and-no-fs-group", "Permission denied"),
    ("secret-with-a-read-only-home", "Read-only file system"),
])
def test_the_controls_fail_and_keep_the_last_secret(
        report: dict[str, Any], control: str, message: str) -> None:
    ran = report["cases"][control]
    assert ran["returncode"] not in (0, None), ran
    assert message in ran["stderr"], ran["stderr"]
    assert "the pull secret keeps its last value" in ran["stderr"]
    for namespace in NAMESPACES:  # still the placeholder
        assert auths_of(ran["secrets"][f"{namespace}/ecr-pull"]) == {"auths": {}}
    assert [r for r in ran["requests"] if r["verb"] == "patch"] == []
