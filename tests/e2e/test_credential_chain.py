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
    # WHEN skopeo pushes with it (and with an empty authfile) in a loopback-only namespace
    result = run(["unshare", "-n", "--", sys.executable, "-m", "tests.support.credential_chain",
                  str(authfile), str(work)], cwd=ROOT, timeout=600, check=True)
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
