"""The synthesized templates pass cfn-lint, checkov and, for the member-account stack,
cdk-nag AwsSolutions: the linters run as a user runs them, on every test parameter set.

Each linter also gets a control it must reject, so a linter that silently checks nothing
fails the suite instead of passing it. (cdk-nag on the main stack of each set, and its
controls, are unit tests: ``tests/unit/test_compliance.py``.)
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_iam as iam

from ecr_cluster_access import Parameters

from ..support.parameters import AWS_SETS, params_dict
from ..support.synth import member_template, synth_app
from ..support.tools import ROOT, VENV_BIN, require_tool, run


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    directory = tmp_path_factory.mktemp("templates")
    out = {}
    for name, overrides in AWS_SETS.items():
        path = directory / f"{name}.template.json"
        path.write_text(json.dumps(synth_app(Parameters.from_mapping(params_dict(**overrides))),
                                   indent=1))
        out[name] = path
    path = directory / "member.template.json"
    path.write_text(json.dumps(member_template(nag=False), indent=1))
    out["member"] = path
    return out


def test_the_member_stack_passes_cdk_nag_aws_solutions() -> None:
    member_template(nag=True)  # raises on any unacknowledged AwsSolutions error


def public_repository_template(path: Path) -> Path:
    """A control: a repository open to everyone, which every linter must reject."""
    app = cdk.App()
    stack = cdk.Stack(app, "Control")
    repository = ecr.Repository(stack, "Open", repository_name="open")
    repository.add_to_resource_policy(iam.PolicyStatement(
        principals=[iam.AnyPrincipal()], actions=["ecr:BatchGetImage"]))
    path.write_text(json.dumps(app.synth().get_stack_by_name("Control").template, indent=1))
    return path


# --- cfn-lint ---------------------------------------------------------------------------------

def test_templates_pass_cfn_lint_with_no_errors_or_warnings(templates: dict[str, Path]) -> None:
    cfn_lint = require_tool(VENV_BIN / "cfn-lint")
    result = run([cfn_lint, "--format", "parseable", *map(str, templates.values())])
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""


def test_cfn_lint_rejects_a_misspelled_action(tmp_path: Path) -> None:
    cfn_lint = require_tool(VENV_BIN / "cfn-lint")
    template = synth_app(Parameters.from_mapping(params_dict()))
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::IAM::Policy":
            resource["Properties"]["PolicyDocument"]["Statement"][0]["Action"] = (
                "ecr:GetAuthorisationToken")
    path = tmp_path / "misspelled.template.json"
    path.write_text(json.dumps(template))
    result = run([cfn_lint, "--format", "parseable", str(path)])
    assert result.returncode != 0 and ":W3037:" in result.stdout, result.stdout


def test_cfn_lint_rejects_a_registry_feature_ecr_does_not_accept(tmp_path: Path) -> None:
    """Control for the registry features: an upstream ECR does not know, and a third scanning
    rule (ECR takes two), must each be refused."""
    cfn_lint = require_tool(VENV_BIN / "cfn-lint")
    template = synth_app(Parameters.from_mapping(params_dict(**AWS_SETS["registry-features"])))
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::ECR::PullThroughCacheRule":
            resource["Properties"]["UpstreamRegistry"] = "dockerhub"
        if resource["Type"] == "AWS::ECR::RegistryScanningConfiguration":
            resource["Properties"]["Rules"] *= 2
    path = tmp_path / "registry.template.json"
    path.write_text(json.dumps(template))
    result = run([cfn_lint, "--format", "parseable", str(path)])
    assert result.returncode != 0, result.stdout
    assert "'dockerhub' is not one of" in result.stdout, result.stdout
    assert ":E3032:expected maximum item count: 2, found: 4" in result.stdout, result.stdout


# --- checkov ----------------------------------------------------------------------------------

def test_templates_pass_checkov(templates: dict[str, Path], tmp_path: Path) -> None:
    checkov = require_tool(os.environ.get("CHECKOV") or str(ROOT / ".venv-checkov/bin/checkov"))
    control = public_repository_template(tmp_path / "control.template.json")
    files = [*map(str, templates.values()), str(control)]
    args = [checkov, "--config-file", str(ROOT / ".checkov.yaml"), "--framework",
            "cloudformation", "--skip-download", "--output", "json", "--quiet"]
    for file in files:
        args += ["-f", file]
    result = run(args, timeout=600, CKV_SKIP_PACKAGE_UPDATE_CHECK="true")
    reports = json.loads(result.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    failed = [(Path(c["file_path"]).name, c["check_id"], c["resource"])
              for report in reports for c in report["results"]["failed_checks"]]
    passed = sum(report["summary"]["passed"] for report in reports)
    ours = [f for f in failed if f[0] != control.name]
    assert ours == []
    assert any(f[0] == control.name and f[1] == "CKV_AWS_32" for f in failed), failed
    assert passed > 0
