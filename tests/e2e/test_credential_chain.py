"""The guide's in-cluster push, minus the cluster: the rendered Secret's config.json drives
skopeo, which runs the real docker-credential-ecr-login, which gets its token from the local
AWS API; the push lands in a local registry. All inside a loopback-only network namespace."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import sys
from pathlib import Path

import pytest
import yaml

from ..support.tools import NODE_BIN, ROOT, require_tool, run

pytestmark = pytest.mark.e2e


def test_rendered_secret_pushes_through_the_real_credential_helper(tmp_path: Path) -> None:
    for tool in ("unshare", "ip", "skopeo", "docker-credential-ecr-login", "docker-registry",
                 "aws", "kubectl"):
        require_tool(tool)
    if os.geteuid() != 0:
        pytest.fail("unshare -n needs root: run `make test` as root, as CI does")
    # GIVEN the Secret rendered by the real cdk8s CLI from the embedded default parameters
    run([require_tool(NODE_BIN / "cdk8s"), "synth", "--check-upgrade=false",
         "--output", str(tmp_path / "dist")], check=True)
    (secret,) = yaml.safe_load_all((tmp_path / "dist" / "ecr-cluster-access.k8s.yaml").read_text())
    authfile = tmp_path / "config.json"
    authfile.write_bytes(base64.b64decode(secret["data"][".dockerconfigjson"]))
    work = tmp_path / "work"
    work.mkdir()
    refresher = tmp_path / "refresher.json"
    refresher.write_text(json.dumps(refresher_specs()))
    # WHEN skopeo pushes with it (and with an empty authfile) in a loopback-only namespace
    result = run(["unshare", "-n", "--", sys.executable, "-m", "tests.support.credential_chain",
                  str(authfile), str(work), str(refresher)], cwd=ROOT, timeout=600, check=True)
    report = json.loads(result.stdout)
    # THEN without credentials the registry refuses the push, and no token was asked for
    assert report["control"]["returncode"] != 0
    assert "unauthorized" in report["control"]["stderr"]
    assert "api.ecr.us-east-1.amazonaws.com:443" not in report["connects_before_push"]
    # AND with the Secret's config.json the helper fetched moto's token and the push landed
    assert report["push"]["returncode"] == 0, report["push"]["stderr"]
    assert "api.ecr.us-east-1.amazonaws.com:443" in report["connects"]
    assert report["token_user"] == "AWS"
    assert report["inspect"]["returncode"] == 0, report["inspect"]["stderr"]
    stored = report["inspect"]["stdout"].encode()
    assert f"sha256:{hashlib.sha256(stored).hexdigest()}" == report["pushed_digest"]
    # AND everything listened on loopback only and was stopped
    for line in report["listening"].splitlines():
        assert line.split()[3].startswith("127.0.0.1:"), line
    assert report["stopped"] == [True, True]
    # AND in each credentials mode that can run here, the pull-secret CronJob's script, run with
    # the real aws CLI and kubectl, wrote the kubelet's auths config with the same token into
    # each namespace's placeholder Secret, and skopeo pulls the pushed image with it
    host = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
    auth = base64.b64encode(f"AWS:{report['password']}".encode()).decode()
    assert sorted(report["refreshers"]) == sorted(REFRESHER_MODES)
    for name, refreshed in report["refreshers"].items():
        assert refreshed["returncode"] == 0, (name, refreshed["stderr"])
        assert sorted(refreshed["patched"]) == ["apps", "default"], name
        for secret in refreshed["patched"].values():
            assert secret["type"] == "kubernetes.io/dockerconfigjson"
            assert json.loads(base64.b64decode(secret["data"][".dockerconfigjson"])) == {
                "auths": {host: {"username": "AWS", "password": report["password"],
                                 "auth": auth}}}
        for namespace, pulled in refreshed["pulls"].items():
            assert pulled["returncode"] == 0, (name, namespace, pulled["stderr"])
        # the modes that assume a role went to STS first; the others did not
        sts = [c for c in refreshed["connects"] if c.startswith("sts.")]
        assert bool(sts) == (name in ("irsa", "secret-role")), (name, refreshed["connects"])


#: The refresher's credentials modes that run here, with the parameters that select them.
#: pod-identity cannot: it needs the EKS Pod Identity Agent, and moto has no Pod Identity.
REFRESHER_MODES: dict[str, dict[str, object]] = {
    "node": {"credentials": "node", "workerAccess": "pull"},
    "secret": {"credentials": "secret"},
    "secret-role": {"credentials": "secret",
                    "roleArn": "arn:aws:iam::123456789012:role/ecr-puller"},
    "irsa": {"credentials": "irsa", "oidcProviderArn": (
        "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/X")},
}


def refresher_specs() -> list[dict[str, object]]:
    """For each mode: the CronJob script, its env, its credentials volume and the placeholder
    Secrets, as the chart renders them, and the identity names the AWS half would create."""
    import cdk8s

    from cdk8s_charts import EcrConfigChart
    from ecr_cluster_access import Parameters

    from ..support.parameters import params_dict

    specs = []
    for name, mode in REFRESHER_MODES.items():
        settings = {k: v for k, v in mode.items() if k != "workerAccess"}
        extra = {"workerAccess": mode["workerAccess"],
                 "builderIdentity": {"mode": "pod-identity", "clusterName": "c"}} \
            if "workerAccess" in mode else {}
        params = Parameters.from_mapping(params_dict(**extra, stackName=f"Ecr-{name}", pullSecret={
            "mode": "cronjob", "namespaces": ["apps", "default"], **settings}))
        objects = cdk8s.Testing.synth(EcrConfigChart(cdk8s.Testing.app(), "t", params=params))
        (cronjob,) = [o for o in objects if o["kind"] == "CronJob"]
        pod = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]
        (container,) = pod["containers"]
        env = {e["name"]: e["value"] for e in container["env"]}
        env.pop("HOME")
        volume = next((v["secret"] for v in pod["volumes"] if "secret" in v), None)
        placeholders = {o["metadata"]["namespace"]: o for o in objects
                        if o["kind"] == "Secret" and o["metadata"]["name"] == "ecr-pull"}
        specs.append({
            "name": name, "credentials": mode["credentials"], "script": container["command"][2],
            "env": env, "volume": volume, "placeholders": placeholders,
            "roleArn": mode.get("roleArn"), "irsaRoleArn": params.refresher_role_arn,
            "userName": (params.refresher_user_arn or "").rsplit("/", 1)[-1]})
    return specs
