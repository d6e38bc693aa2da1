"""Sharded layouts through the real tools: 10,000 repositories synthesized by the CDK CLI and
linted by cfn-lint, one added in the middle changing one template, and a registry stack with
two shards deployed to a local AWS API (moto_server) with ``--concurrency 2`` and checked."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ecr_cluster_access import Parameters, documents, layout, naming
from ecr_cluster_access.documents import policy_text
from ecr_cluster_access.params.template_size import plan

from ..support.parameters import params_dict
from ..support.servers import MotoServer
from ..support.tools import NODE_BIN, VENV_BIN, require_tool, run, write_params
from .test_deploy import (
    apply_expected_settings,
    cdk,
    check,
    client,
    create_worker_roles,
    repository_names,
)

pytestmark = pytest.mark.e2e

TEN_THOUSAND = params_dict(
    repositories=[f"team-{i // 100:03d}/service-{i:05d}" for i in range(10_000)], shards=26)
NEW = "team-050/a-new-service"


def synth(tmp_path: Path, data: dict[str, object], name: str) -> Path:
    outdir = tmp_path / name
    run([require_tool(NODE_BIN / "cdk"), "synth", "--quiet", "--no-notices", "-o", str(outdir)],
        ECR_CLUSTER_ACCESS_CONFIG=str(write_params(tmp_path, data, f"{name}.json")),
        timeout=900, check=True)
    return outdir


def lint(paths: list[Path]) -> list[str]:
    """cfn-lint's error lines for ``paths``, in two processes (one a core)."""
    halves = [paths[0::2], paths[1::2]]
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda half: run(
            [require_tool(VENV_BIN / "cfn-lint"), "--format", "parseable", *map(str, half)],
            timeout=1200), halves))
    return [line for r in results for line in r.stdout.splitlines() if ":E" in line]


def test_ten_thousand_repositories_synthesize_into_shards_cfn_lint_accepts(
        tmp_path: Path) -> None:
    params = Parameters.from_mapping(TEN_THOUSAND)
    outdir = synth(tmp_path, TEN_THOUSAND, "before")
    stacks = {s.stack_name: s for s in plan(params)}
    files = {p.name.removesuffix(".template.json"): p for p in outdir.glob("*.template.json")}
    assert sorted(files) == sorted(stacks)
    assert len(files) == 27
    held = []
    for name, path in files.items():
        template = json.loads(path.read_text())
        resources = template["Resources"]
        assert path.stat().st_size == stacks[name].template_bytes < 1_000_000, name
        assert len(resources) == stacks[name].resources < 500, name
        held += [r["Properties"]["RepositoryName"] for r in resources.values()
                 if r["Type"] == "AWS::ECR::Repository"]
    assert sorted(held) == sorted(params.repositories)

    # cfn-lint finds no error in any template, and flags the control (a tag key of 128)
    control = tmp_path / "control.template.json"
    broken = json.loads(files["EcrClusterAccess-shard-000"].read_text())
    next(iter(broken["Resources"].values()))["Properties"]["Tags"] = [
        {"Key": "k" * 128, "Value": "v"}]
    control.write_text(json.dumps(broken, indent=1))
    errors = lint([*files.values(), control])
    assert [e for e in errors if not e.startswith(str(control))] == [], errors[:20]
    assert any(":E3033:" in e for e in errors if e.startswith(str(control))), errors


def test_one_repository_added_in_the_middle_changes_exactly_its_shard_s_template(
        tmp_path: Path) -> None:
    # the same 26 shards over 2,600 of the names (a shard's assignment depends on the name and
    # the count only, not on how many there are): two syntheses by the CDK CLI, compared
    # byte for byte
    before_data = {**TEN_THOUSAND, "repositories": TEN_THOUSAND["repositories"][:2_600]}  # type: ignore[index]
    before = synth(tmp_path, before_data, "before")
    names = list(before_data["repositories"])
    names.insert(1_300, NEW)
    after = synth(tmp_path, {**before_data, "repositories": names}, "after")
    files = sorted(p.name for p in before.glob("*.template.json"))
    assert len(files) == 27 and files == sorted(p.name for p in after.glob("*.template.json"))
    changed = sorted(name.removesuffix(".template.json") for name in files
                     if (after / name).read_bytes() != (before / name).read_bytes())
    assert changed == [naming.shard_stack_name("EcrClusterAccess", naming.shard_of(NEW, 26))]


SMALL = params_dict(repositories=[f"builds/service-{i:02d}" for i in range(16)], shards=2,
                    stackName="Sharded")


def test_two_shards_and_the_registry_deploy_in_parallel_and_check_reads_them_all(
        tmp_path: Path) -> None:
    params = Parameters.from_mapping(SMALL)
    second = layout.repositories_of(params, 1)
    assert len(second) > 0 and len(layout.repositories_of(params, 0)) > 0
    config = write_params(tmp_path, SMALL)
    outdir = tmp_path / "cdk.out"
    with MotoServer(tmp_path / "moto.log") as server:
        create_worker_roles(server, params)
        cdk(server, config, outdir, "bootstrap", f"aws://{params.account}/{params.region}")
        # --method direct: moto 5.2.5's ExecuteChangeSet finds a change set by its name alone
        # (cloudformation/models.py, execute_change_set), and the CLI names every stack's
        # "cdk-deploy-change-set", so two stacks deployed at once through change sets make one
        # stack twice and leave the other in REVIEW_IN_PROGRESS (real CloudFormation keys
        # change sets by stack); CreateStack has no such name
        cdk(server, config, outdir, "deploy", "--all", "--concurrency", "2", "--method",
            "direct", "--require-approval", "never")
        stacks = {s["StackName"]: s["StackStatus"] for s in client(
            server, "cloudformation").describe_stacks()["Stacks"]}
        assert {k: v for k, v in stacks.items() if k.startswith("Sharded")} == {
            "Sharded-registry": "CREATE_COMPLETE", "Sharded-shard-000": "CREATE_COMPLETE",
            "Sharded-shard-001": "CREATE_COMPLETE"}
        assert set(params.repositories) <= repository_names(server)
        # the token grant came from the registry stack: with the repositories' settings
        # applied (moto's CloudFormation ignores them), check is in sync
        apply_expected_settings(server, params)
        clean = check(server, config)
        assert (clean.returncode, clean.stderr) == (0, ""), clean.stdout
        assert clean.stdout.startswith("in sync: 16 repositories and ")

        # a drift in the second shard: one action removed from one repository's policy
        victim = second[-1]
        document = documents.repository_policy(params)
        document["Statement"][0]["Action"].remove("ecr:PutImage")
        client(server, "ecr").set_repository_policy(repositoryName=victim,
                                                    policyText=policy_text(document))
        drift = check(server, config)
        assert drift.returncode == 1, drift.stdout + drift.stderr
        assert (f"drift: {victim}: worker role arn:aws:iam::123456789012:role/k8s-worker is "
                "not granted ecr:PutImage") in drift.stdout.splitlines(), drift.stdout

        # destroying every stack keeps every repository
        cdk(server, config, outdir, "destroy", "--all", "--force")
        assert set(params.repositories) <= repository_names(server)


def test_app_py_makes_the_member_accounts_stacks_through_the_cli(tmp_path: Path) -> None:
    data = params_dict(workerOrganization={
        "organizationId": "o-a1b2c3d4e5", "roleArnPattern": "arn:aws:iam::*:role/eks-node-*",
        "memberAccounts": [{"account": "444455556666", "roleNames": ["eks-node-group-a"]},
                           {"account": "777788889999"}]})
    outdir = synth(tmp_path, data, "organization")
    manifest = json.loads((outdir / "manifest.json").read_text())
    stacks = {name: artifact["environment"] for name, artifact in manifest["artifacts"].items()
              if artifact["type"] == "aws:cloudformation:stack"}
    assert stacks == {
        "EcrClusterAccess": "aws://123456789012/us-east-1",
        "EcrClusterAccess-member-444455556666": "aws://444455556666/us-east-1",
        "EcrClusterAccess-member-777788889999": "aws://777788889999/us-east-1"}
