"""The example app (`examples/app_with_roles`): the construct wired to an ``iam.Role`` worker
role of the same app, ``grant_pull`` for a CodeBuild project and ``grant_push_pull`` for a
deploy role. Synthesized by the real CDK CLI (cdk-nag AwsSolutions runs inside the app),
linted by cfn-lint, deployed to moto_server, and the deployed identity policies evaluated by
an independent engine (@cloud-copilot/iam-simulate): each grantee has exactly what its grant
names. Also: an env-agnostic stack and its account/region Rule through cfn-lint (moto does
not evaluate Rules: a probe stack with a failing Rule deploys there).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import boto3
import pytest

from ecr_cluster_access import EcrClusterAccess, Parameters, documents

from ..support.oracle import ask_the_engine, simulation
from ..support.servers import DUMMY_CREDENTIALS, MotoServer
from ..support.tools import NODE_BIN, ROOT, VENV_BIN, require_tool, run

pytestmark = pytest.mark.e2e

EXAMPLE = ROOT / "examples" / "app_with_roles"
ACCOUNT = "123456789012"
REPOSITORIES = [f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/builds/{n}" for n in ("api", "web")]


def cdk_cli(*args: str, **env: str) -> Any:
    return run([require_tool(NODE_BIN / "cdk"), *args, "--no-notices"], cwd=EXAMPLE,
               timeout=900, check=True, **env)


def test_the_example_synthesizes_with_cdk_nag_and_passes_cfn_lint(tmp_path: Path) -> None:
    cdk_cli("synth", "--quiet", "-o", str(tmp_path))
    template = tmp_path / "PlatformWithRoles.template.json"
    result = run([require_tool(VENV_BIN / "cfn-lint"), "--format", "parseable", str(template)])
    assert (result.returncode, result.stdout) == (0, "")


def test_an_env_agnostic_stack_and_its_rule_pass_cfn_lint(tmp_path: Path) -> None:
    app = cdk.App(outdir=str(tmp_path))
    stack = cdk.Stack(app, "Agnostic")
    EcrClusterAccess(stack, "Registry", params=Parameters(
        account=ACCOUNT, region="us-east-1", repositories=["builds/api"],
        worker_role_arns=[f"arn:aws:iam::{ACCOUNT}:role/k8s-worker"]))
    app.synth()
    path = tmp_path / "Agnostic.template.json"
    assert any("EnvironmentMatchesParameters" in name
               for name in json.loads(path.read_text())["Rules"])
    result = run([require_tool(VENV_BIN / "cfn-lint"), "--format", "parseable", str(path)])
    assert (result.returncode, result.stdout) == (0, "")


def inline_policies(iam: Any, role: str) -> list[Any]:
    names = iam.list_role_policies(RoleName=role)["PolicyNames"]
    return [iam.get_role_policy(RoleName=role, PolicyName=n)["PolicyDocument"] for n in names]


def test_the_deployed_grants_give_exactly_what_they_name(tmp_path: Path) -> None:
    with MotoServer(tmp_path / "moto.log") as server:
        outdir = str(tmp_path / "cdk.out")
        cdk_cli("bootstrap", f"aws://{ACCOUNT}/us-east-1", "-o", outdir, **server.env)
        cdk_cli("deploy", "--require-approval", "never", "--method=direct", "-o", outdir,
            **server.env)
        iam = boto3.client("iam", endpoint_url=server.url, region_name="us-east-1",
                           aws_access_key_id=DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                           aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"])
        roles = [r["RoleName"] for r in iam.list_roles()["Roles"]]
        (project_role,) = [r for r in roles if r.startswith("PlatformWithRoles-ImageTestsRole")]
        identity = {role: inline_policies(iam, role)
                    for role in (project_role, "image-deployer", "cluster-nodes")}
    seven = {"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload",
             "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload", "ecr:PutImage",
             "ecr:UploadLayerPart"}
    pull = {"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"}
    expected = {project_role: pull, "image-deployer": seven,
                # the worker role of the app: its own policy, as the parameters' workers get
                "cluster-nodes": seven}
    points = []
    actions = sorted(set(documents.PUSH_PULL_ACTIONS) | set(documents.ECR_CHANGE_ACTIONS))
    for role, allowed in expected.items():
        arn = f"arn:aws:iam::{ACCOUNT}:role/{role}"
        for repository in REPOSITORIES:
            for action in actions:
                points.append(((role, action, repository), action in allowed, simulation(
                    arn, action, repository, identity=identity[role])))
        points.append(((role, "token", "*"), True, simulation(
            arn, documents.AUTHORIZATION_TOKEN_ACTION, "*", identity=identity[role])))
    # the worker role from the app gets the token too
    points.append((("cluster-nodes", "token", "*"), True, simulation(
        f"arn:aws:iam::{ACCOUNT}:role/cluster-nodes", documents.AUTHORIZATION_TOKEN_ACTION,
        "*", identity=identity["cluster-nodes"])))
    answers = ask_the_engine([s for _, _, s in points])
    wrong = [(what, answer) for (what, allowed, _), answer in zip(points, answers, strict=False)
             if (answer == "Allowed") != allowed]
    assert not wrong, wrong[:10]
    assert len(points) > 100


def test_the_example_runs_as_a_plain_python_app(tmp_path: Path) -> None:
    run([sys.executable, "app.py"], cwd=EXAMPLE, check=True, CDK_OUTDIR=str(tmp_path))
    assert (tmp_path / "PlatformWithRoles.template.json").exists()


TWO_INSTANCES = '''
import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from ecr_cluster_access import EcrClusterAccess, Parameters

app = cdk.App()
stack = cdk.Stack(app, "TwoRegistries",
                  env=cdk.Environment(account="123456789012", region="us-east-1"))
nodes = iam.Role(stack, "Nodes", role_name="cluster-nodes",
                 assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"))
for name, repositories in (("TeamA", ["team-a/api"]), ("TeamB", ["team-b/api", "team-b/web"])):
    EcrClusterAccess(stack, name, worker_roles=[nodes], params=Parameters(
        account="123456789012", region="us-east-1", stack_name=name,
        repositories=repositories))
app.synth()
'''


def test_two_instances_in_one_stack_synthesize_pass_cfn_lint_and_deploy(tmp_path: Path) -> None:
    """Two registries of one app on one shared worker role: their own names (each
    ``stackName``), one grant each on the role, all three repositories deployed."""
    (tmp_path / "app.py").write_text(TWO_INSTANCES)
    (tmp_path / "cdk.json").write_text(json.dumps({"app": f"{sys.executable} app.py",
                                                   "versionReporting": False}))

    def cli(*args: str, **env: str) -> Any:
        return run([require_tool(NODE_BIN / "cdk"), *args, "--no-notices"], cwd=tmp_path,
                   timeout=900, check=True, CDK_HOME=str(tmp_path / "cdk-home"), **env)

    outdir = str(tmp_path / "cdk.out")
    cli("synth", "--quiet", "-o", outdir)
    template = tmp_path / "cdk.out" / "TwoRegistries.template.json"
    result = run([require_tool(VENV_BIN / "cfn-lint"), "--format", "parseable", str(template)])
    assert (result.returncode, result.stdout) == (0, "")
    with MotoServer(tmp_path / "moto.log") as server:
        cli("bootstrap", f"aws://{ACCOUNT}/us-east-1", "-o", outdir, **server.env)
        cli("deploy", "--require-approval", "never", "--method=direct", "-o", outdir,
            **server.env)
        session = {"endpoint_url": server.url, "region_name": "us-east-1",
                   "aws_access_key_id": DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                   "aws_secret_access_key": DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"]}
        ecr = boto3.client("ecr", **session)
        names = sorted(r["repositoryName"] for r in ecr.describe_repositories()["repositories"]
                       if not r["repositoryName"].startswith("cdk-"))  # the bootstrap's
        policies = sorted(boto3.client("iam", **session).list_role_policies(
            RoleName="cluster-nodes")["PolicyNames"])
    assert names == ["team-a/api", "team-b/api", "team-b/web"]
    # one grant of each instance on the shared role, in the role's scope
    assert [p.startswith("NodesEcrClusterAccessGrant") for p in policies] == [True, True]
