"""Both halves through both CLIs from one parameters file: one change reaches both outputs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from ..support.parameters import params_dict
from ..support.tools import NODE_BIN, require_tool, run, write_params
from ..unit.test_sync import secret_hosts


def synth_both(data: dict[str, Any], out: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run the real `cdk synth` and `cdk8s synth` on one parameters file."""
    out.mkdir(parents=True)
    config = write_params(out, data)
    env = {"ECR_CLUSTER_ACCESS_CONFIG": str(config)}
    run([require_tool(NODE_BIN / "cdk"), "synth", "--quiet", "--no-notices",
         "-o", str(out / "cdk.out")], check=True, **env)
    run([require_tool(NODE_BIN / "cdk8s"), "synth", "--check-upgrade=false",
         "--output", str(out / "dist")], check=True, **env)
    (template_file,) = (out / "cdk.out").glob("*.template.json")
    (secret,) = yaml.safe_load_all((out / "dist" / "ecr-cluster-access.k8s.yaml").read_text())
    return json.loads(template_file.read_text()), secret


@pytest.fixture(scope="module")
def before(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], dict[str, Any]]:
    return synth_both(params_dict(), tmp_path_factory.mktemp("before") / "out")


@pytest.mark.parametrize("key,value,output", [
    ("account", "210987654321", "RegistryHost"),
    ("region", "eu-west-1", "RegistryHost"),
    ("secretName", "other-secret", "SecretName"),
    ("namespace", "builds", "SecretNamespace"),
])
def test_changing_one_value_in_the_one_file_changes_both_outputs(
        tmp_path: Path, before: tuple[dict[str, Any], dict[str, Any]],
        key: str, value: str, output: str) -> None:
    after = params_dict(**{key: value})
    if key == "account":
        after["workerRoleArns"] = [f"arn:aws:iam::{value}:role/k8s-worker"]
    template_1, secret_1 = before
    template_2, secret_2 = synth_both(after, tmp_path / "after")
    assert template_1["Outputs"][output] != template_2["Outputs"][output]
    assert secret_1 != secret_2
    assert secret_hosts(secret_2) == {template_2["Outputs"]["RegistryHost"]["Value"]}
    assert secret_2["metadata"]["name"] == template_2["Outputs"]["SecretName"]["Value"]
    assert secret_2["metadata"]["namespace"] == template_2["Outputs"]["SecretNamespace"]["Value"]
