"""The CDK app through the real programs a user runs: `python app.py` and the CDK CLI."""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path

import pytest
import yaml

from ..support.parameters import params_dict
from ..support.tools import NODE_BIN, ROOT, VENV_BIN, require_tool, run, write_params

pytestmark = pytest.mark.e2e

BAD = params_dict(account="12345", repositories=["ok-repo", "Bad_Repo"])
BAD_LINES = [
    "account: '12345' is not an AWS account ID: use 12 digits",
    "repositories[1]: 'Bad_Repo' is not a valid ECR repository name: use 2-256 lowercase "
    "letters and digits, separated by single . _ - or /",
]


def cdk(*args: str) -> list[str]:
    return [require_tool(NODE_BIN / "cdk"), *args, "--no-notices"]


def assert_clean_failure(stderr: str, config: Path) -> None:
    assert "Traceback" not in stderr
    for line in BAD_LINES:
        assert f"ecr-cluster-access: error: {config}: {line}\n" in stderr


def test_python_app_py_prints_one_line_per_problem_and_writes_nothing(tmp_path: Path) -> None:
    config = write_params(tmp_path, BAD)
    outdir = tmp_path / "cdk.out"
    result = run([sys.executable, "app.py"], ECR_CLUSTER_ACCESS_CONFIG=str(config),
                 CDK_OUTDIR=str(outdir))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"ecr-cluster-access: error: {config}: {line}" for line in BAD_LINES]
    assert not outdir.exists()


def test_cdk_synth_refuses_bad_parameters_without_a_traceback_or_template(tmp_path: Path) -> None:
    config = write_params(tmp_path, BAD)
    outdir = tmp_path / "cdk.out"
    result = run(cdk("synth", "--quiet", "-o", str(outdir)),
                 ECR_CLUSTER_ACCESS_CONFIG=str(config))
    assert result.returncode != 0
    assert_clean_failure(result.stderr, config)
    assert list(outdir.glob("*.template.json")) == []


def test_cdk_synth_on_the_embedded_default_writes_the_template(tmp_path: Path) -> None:
    outdir = tmp_path / "cdk.out"
    run(cdk("synth", "--quiet", "-o", str(outdir)), check=True)
    template = json.loads((outdir / "EcrClusterAccess.template.json").read_text())
    (repository,) = [r for r in template["Resources"].values()
                     if r["Type"] == "AWS::ECR::Repository"]
    assert repository["Properties"]["RepositoryName"] == "builds/sample-app"
    manifest = json.loads((outdir / "manifest.json").read_text())
    assert manifest["artifacts"]["EcrClusterAccess"]["environment"] == (
        "aws://123456789012/us-east-1")


def test_cdk_synth_reads_a_yaml_parameters_file(tmp_path: Path) -> None:
    config = tmp_path / "params.yaml"
    config.write_text("account: '210987654321'\nregion: eu-west-1\nrepositories: [team/app]\n"
                      "workerRoleArns: ['arn:aws:iam::210987654321:role/nodes']\n"
                      "stackName: Builds\n")
    outdir = tmp_path / "cdk.out"
    run(cdk("synth", "--quiet", "-o", str(outdir)), ECR_CLUSTER_ACCESS_CONFIG=str(config),
        check=True)
    template = json.loads((outdir / "Builds.template.json").read_text())
    assert template["Outputs"]["RegistryHost"]["Value"] == (
        "210987654321.dkr.ecr.eu-west-1.amazonaws.com")


def test_two_cdk_synths_give_byte_identical_templates(tmp_path: Path) -> None:
    config = write_params(tmp_path, params_dict(
        repositories=["b2", "a1", "team/c3"], tags={"z": "1", "a": "2"},
        lifecycle={"untaggedExpireDays": 3},
        workerRoleArns=["arn:aws:iam::123456789012:role/z", "arn:aws:iam::123456789012:role/a"]))
    outputs = []
    for attempt in ("one", "two"):
        outdir = tmp_path / attempt
        run(cdk("synth", "--quiet", "-o", str(outdir)), ECR_CLUSTER_ACCESS_CONFIG=str(config),
            check=True)
        outputs.append((outdir / "EcrClusterAccess.template.json").read_bytes())
    assert outputs[0] == outputs[1]


def near_the_limit(count: int) -> dict[str, object]:
    """A set whose template grows by about 4 KB a repository, with a tag value in another
    script (UTF-8 takes 3 bytes a character in the file the CLI writes)."""
    return params_dict(
        repositories=[f"team/service-{i:03d}" for i in range(count)],
        workerRoleArns=[f"arn:aws:iam::123456789012:role/eks-worker-{j:03d}" for j in range(60)],
        tags={"team": "ビルド基盤"}, lifecycle={"untaggedExpireDays": 7})


def test_the_largest_accepted_template_is_under_1_mb_as_the_cli_writes_it(
        tmp_path: Path) -> None:
    """The size check is exact, not an estimate: at the largest accepted count the file the
    CDK CLI writes has the bytes the loader computed, within CloudFormation's 1,000,000; one
    repository more, and `cdk synth` refuses with the size."""
    from ecr_cluster_access import ParameterError, Parameters
    from ecr_cluster_access.params import template_bytes

    def accepted(count: int) -> bool:
        try:
            Parameters.from_mapping(near_the_limit(count))
        except ParameterError:
            return False
        return True

    low, high = 1, 490  # the largest accepted count, by bisection
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if accepted(middle) else (low, middle - 1)
    assert 100 < low < 490, low
    outdir = tmp_path / "cdk.out"
    config = write_params(tmp_path, near_the_limit(low))
    run(cdk("synth", "--quiet", "-o", str(outdir)), ECR_CLUSTER_ACCESS_CONFIG=str(config),
        CDK_HOME=str(tmp_path / "cdk-home"), check=True)
    written = (outdir / "EcrClusterAccess.template.json").stat().st_size
    assert 990_000 < written <= 1_000_000
    assert written == template_bytes(Parameters.from_mapping(near_the_limit(low)))
    config = write_params(tmp_path, near_the_limit(low + 1), "over.json")
    result = run(cdk("synth", "--quiet", "-o", str(tmp_path / "over")),
                 ECR_CLUSTER_ACCESS_CONFIG=str(config), CDK_HOME=str(tmp_path / "cdk-home"))
    assert result.returncode != 0
    assert f"repositories: {low + 1} repositories make a template of 1" in result.stderr
    assert "over CloudFormation's 1000000" in result.stderr


# --- the ecr-cluster-access command ----------------------------------------------------------

def cli(*args: str) -> list[str]:
    return [require_tool(VENV_BIN / "ecr-cluster-access"), *args]


def test_cli_validate_summarises_the_embedded_default() -> None:
    result = run(cli("validate"), check=True)
    assert result.stdout == (
        "ok: 1 repository in 123456789012/us-east-1, 1 worker role, Secret default/ecr-config\n")


def test_cli_validate_prints_json_with_every_default() -> None:
    result = run(cli("validate", "--format", "json"), check=True)
    report = json.loads(result.stdout)
    assert report["valid"] is True
    assert report["parameters"]["secretName"] == "ecr-config"  # a default, filled in
    assert report["registryHosts"] == ["123456789012.dkr.ecr.us-east-1.amazonaws.com"]


def test_cli_help_shows_no_rest_markup() -> None:
    for command in ("builder-config", "docker-config", "check", "validate", "schema"):
        result = run(cli(command, "--help"), check=True)
        assert "``" not in result.stdout and ":class:" not in result.stdout, command


def test_cli_reports_bad_parameters_in_one_line_each_and_exits_2(tmp_path: Path) -> None:
    config = write_params(tmp_path, BAD)
    result = run(cli("validate", "--config", str(config)))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"ecr-cluster-access: error: {config}: {line}" for line in BAD_LINES]


def test_cli_prints_the_repository_policy() -> None:
    document = json.loads(run(cli("repository-policy"), check=True).stdout)
    assert document["Statement"][0]["Principal"] == {
        "AWS": ["arn:aws:iam::123456789012:role/k8s-worker"]}


def test_cli_prints_the_identity_policy_for_cross_account_roles() -> None:
    document = json.loads(run(cli("identity-policy"), check=True).stdout)
    assert document["Statement"][0]["Resource"] == [
        "arn:aws:ecr:us-east-1:123456789012:repository/builds/sample-app"]
    assert document["Statement"][1]["Action"] == "ecr:GetAuthorizationToken"


def test_cli_prints_the_builder_provider_block() -> None:
    result = run(cli("builder-config"), check=True)
    assert yaml.safe_load(result.stdout) == {"providers": [{
        "name": "kubernetes",
        "context": "REPLACE-WITH-YOUR-KUBECTL-CONTEXT",
        "imagePullSecrets": [{"name": "ecr-config", "namespace": "default"}],
        "deploymentRegistry": {"hostname": "123456789012.dkr.ecr.us-east-1.amazonaws.com",
                               "namespace": "builds"},
        "buildMode": "cluster-buildkit",
    }]}


def test_cli_prints_the_builder_configuration_as_plain_json(tmp_path: Path) -> None:
    config = write_params(tmp_path, params_dict(
        repositories=["ci/a", "ci/b"], secretName="registry-auth", namespace="builds"))
    document = json.loads(run(cli("builder-config", "--format", "json", "--build-mode", "kaniko",
                                  "--config", str(config)), check=True).stdout)
    host = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
    assert document == {
        "registryHost": host, "registryHosts": [host],
        "repositoryUris": [f"{host}/ci/a", f"{host}/ci/b"],
        "secretName": "registry-auth", "secretNamespace": "builds",
        "deploymentRegistry": {"hostname": host, "namespace": "ci"},
        "imagePullSecrets": [{"name": "registry-auth", "namespace": "builds"}],
        "buildMode": "kaniko",
        "context": "REPLACE-WITH-YOUR-KUBECTL-CONTEXT",
        "warnings": ["context: set it to your cluster's kubectl context (kubectl config "
                     "current-context), or pass --context"],
        "access": {"push": ["worker role arn:aws:iam::123456789012:role/k8s-worker"],
                   "pullOnly": []},
        "pullThroughCache": [],
        "builderServiceAccount": None,
    }


def test_cli_builder_config_says_who_may_push_and_who_may_only_pull(tmp_path: Path) -> None:
    config = write_params(tmp_path, params_dict(
        workerAccess="pull", builderIdentity={"mode": "pod-identity", "clusterName": "c"},
        pullSecret={"mode": "cronjob", "credentials": "irsa"}))
    result = run(cli("builder-config", "--config", str(config)), check=True)
    assert result.stdout.splitlines()[:3] == [
        "# may push: builder role arn:aws:iam::123456789012:role/EcrClusterAccess-builder",
        "# may only pull: worker role arn:aws:iam::123456789012:role/k8s-worker",
        "# may only pull: pull-secret refresher role "
        "arn:aws:iam::123456789012:role/EcrClusterAccess-refresher"]
    assert yaml.safe_load(result.stdout)["providers"][0]["buildMode"] == "cluster-buildkit"


def test_cli_builder_config_needs_a_registry_namespace_when_names_share_none(
        tmp_path: Path) -> None:
    config = write_params(tmp_path, params_dict(repositories=["a1", "team/b2"]))
    result = run(cli("builder-config", "--config", str(config)))
    assert result.returncode == 2
    assert result.stderr.startswith(
        "ecr-cluster-access: error: deploymentRegistry.namespace: repositories ['a1', 'team/b2'] "
        "share no first path segment: pass --registry-namespace NAME")
    ok = run(cli("builder-config", "--config", str(config), "--registry-namespace", "team"))
    assert yaml.safe_load(ok.stdout)["providers"][0]["deploymentRegistry"]["namespace"] == "team"


def test_cli_prints_the_config_json_byte_for_byte() -> None:
    result = run(cli("docker-config"), check=True)
    assert result.stdout == (
        '{\n  "credHelpers": {\n'
        '    "123456789012.dkr.ecr.us-east-1.amazonaws.com": "ecr-login"\n  }\n}\n')


def test_cli_builder_config_prints_the_irsa_annotations(tmp_path: Path) -> None:
    oidc = ("arn:aws:iam::123456789012:oidc-provider/"
            "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE")
    config = write_params(tmp_path, params_dict(builderIdentity={
        "mode": "irsa", "oidcProviderArn": oidc, "serviceAccount": "kaniko", "for": "custom"}))
    role = "arn:aws:iam::123456789012:role/EcrClusterAccess-builder"
    provider = yaml.safe_load(run(cli("builder-config", "--build-mode", "kaniko", "--config",
                                      str(config)), check=True).stdout)["providers"][0]
    assert provider["kaniko"] == {
        "serviceAccountAnnotations": {"eks.amazonaws.com/role-arn": role}}
    document = json.loads(run(cli("builder-config", "--format", "json", "--config",
                                  str(config)), check=True).stdout)
    assert document["builderServiceAccount"] == {
        "name": "kaniko", "for": "custom", "namespace": "default", "roleArn": role,
        "mode": "irsa",
        "annotations": {"eks.amazonaws.com/role-arn": role}}


def test_cli_builder_config_uses_the_create_on_push_prefix(tmp_path: Path) -> None:
    config = write_params(tmp_path, params_dict(repositories=["a1"], createOnPushPrefix="ci"))
    provider = yaml.safe_load(run(cli("builder-config", "--config", str(config)),
                                  check=True).stdout)["providers"][0]
    assert provider["deploymentRegistry"]["namespace"] == "ci"


# --- CDK context: -c and cdk.context.json, as CDK users expect --------------------------------

def test_cdk_synth_honours_the_block_given_with_dash_c(tmp_path: Path) -> None:
    block = json.dumps(params_dict(account="210987654321", region="eu-west-1",
                                   workerRoleArns=["arn:aws:iam::210987654321:role/nodes"]))
    outdir = tmp_path / "cdk.out"
    run(cdk("synth", "--quiet", "-o", str(outdir), "-c", f"ecr-cluster-access={block}"),
        check=True)
    template = json.loads((outdir / "EcrClusterAccess.template.json").read_text())
    assert template["Outputs"]["RegistryHost"]["Value"] == (
        "210987654321.dkr.ecr.eu-west-1.amazonaws.com")


def test_cdk_synth_reports_a_bad_dash_c_block_in_one_line(tmp_path: Path) -> None:
    outdir = tmp_path / "cdk.out"
    result = run(cdk("synth", "--quiet", "-o", str(outdir), "-c",
                     'ecr-cluster-access={"account": "1"'))
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert ("ecr-cluster-access: error: CDK context ecr-cluster-access: not valid JSON at line "
            "1 column 16: Expecting ',' delimiter\n") in result.stderr
    assert list(outdir.glob("*.template.json")) == []


def project(tmp_path: Path, *, in_cdk_json: dict[str, object] | None,
            in_context_json: dict[str, object] | None) -> Path:
    """A user's project directory running this project's two apps."""
    directory = tmp_path / "project"
    directory.mkdir()
    cdk_json: dict[str, object] = {"app": f"{sys.executable} {ROOT / 'app.py'}"}
    if in_cdk_json is not None:
        cdk_json["context"] = {"ecr-cluster-access": in_cdk_json}
    (directory / "cdk.json").write_text(json.dumps(cdk_json))
    if in_context_json is not None:
        (directory / "cdk.context.json").write_text(
            json.dumps({"ecr-cluster-access": in_context_json}))
    (directory / "cdk8s.yaml").write_text(
        f"language: python\napp: {sys.executable} {ROOT / 'main.py'}\noutput: dist\n")
    return directory


def test_both_halves_read_the_block_from_cdk_context_json(tmp_path: Path) -> None:
    block = params_dict(account="210987654321",
                        workerRoleArns=["arn:aws:iam::210987654321:role/nodes"])
    directory = project(tmp_path, in_cdk_json=None, in_context_json=block)
    run(cdk("synth", "--quiet", "-o", "cdk.out"), cwd=directory, check=True)
    template = json.loads((directory / "cdk.out/EcrClusterAccess.template.json").read_text())
    host = template["Outputs"]["RegistryHost"]["Value"]
    assert host == "210987654321.dkr.ecr.us-east-1.amazonaws.com"
    run([require_tool(NODE_BIN / "cdk8s"), "synth", "--check-upgrade=false"], cwd=directory,
        check=True)
    (path,) = (directory / "dist").glob("*.k8s.yaml")
    manifest = yaml.safe_load(path.read_text())
    config = json.loads(base64.b64decode(manifest["data"][".dockerconfigjson"]))
    assert config == {"credHelpers": {host: "ecr-login"}}


def test_a_block_in_both_cdk_json_and_cdk_context_json_is_refused(tmp_path: Path) -> None:
    directory = project(tmp_path, in_cdk_json=params_dict(), in_context_json=params_dict())
    for command in (cdk("synth", "--quiet", "-o", "cdk.out"), cli("validate")):
        result = run(command, cwd=directory)
        assert result.returncode != 0 and "Traceback" not in result.stderr
        assert ("ecr-cluster-access: error: cdk.context.json: also holds a 'ecr-cluster-access' "
                "block, as does cdk.json") in result.stderr
    assert not list(directory.glob("cdk.out/*.template.json"))


def test_cli_builder_config_names_the_images_pulled_through_the_cache(tmp_path: Path) -> None:
    from ..support.parameters import REGISTRY_FEATURES

    config = write_params(tmp_path, params_dict(**REGISTRY_FEATURES))
    host = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
    lines = run(cli("builder-config", "--config", str(config)), check=True).stdout.splitlines()
    assert [line for line in lines if line.startswith("# pull through")] == [
        f"# pull through the cache: registry-1.docker.io/<image> as {host}/docker-hub/<image>, "
        f"for example {host}/docker-hub/library/node:20",
        f"# pull through the cache: registry.k8s.io/<image> as {host}/k8s/<image>, for example "
        f"{host}/k8s/pause:3.10",
        "# pull through the cache: 210987654321.dkr.ecr.us-east-1.amazonaws.com/<image> as "
        f"{host}/upstream-ecr/<image>, for example {host}/upstream-ecr/<repository>:<tag>"]
    document = json.loads(run(cli("builder-config", "--format", "json", "--config",
                                  str(config)), check=True).stdout)
    assert document["pullThroughCache"][0] == {
        "upstream": "docker-hub", "upstreamRegistryUrl": "registry-1.docker.io",
        "imagePrefix": f"{host}/docker-hub/", "example": f"{host}/docker-hub/library/node:20"}
    docker = run(cli("docker-config", "--config", str(config)), check=True).stdout
    assert docker == run(cli("docker-config"), check=True).stdout  # nothing new for the cache


@pytest.mark.parametrize("key", ["account", "ecr-cluster-access.account"])
def test_cdk_synth_refuses_a_context_key_that_looks_like_a_parameter(
        tmp_path: Path, key: str) -> None:
    outdir = tmp_path / "cdk.out"
    result = run(cdk("synth", "--quiet", "-o", str(outdir), "-c", f"{key}=210987654321"))
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert (f"ecr-cluster-access: error: CDK context '{key}': not read: the parameters are one "
            "block; pass -c ecr-cluster-access='{\"account\": ...}' with every field you set, "
            "or put them in cdk.json's context.ecr-cluster-access\n") in result.stderr
    assert list(outdir.glob("*.template.json")) == []


def test_every_entry_point_reads_cdk_json_s_keys_alike(tmp_path: Path) -> None:
    # the CDK CLI drops __proto__ when it hands cdk.json's context on; validate reads the file
    directory = project(tmp_path, in_cdk_json={**params_dict(), "__proto__": {"x": 1}},
                        in_context_json=None)
    line = "ecr-cluster-access: error: cdk.json context.ecr-cluster-access: __proto__: "
    for command in (cdk("synth", "--quiet", "-o", "cdk.out"), cli("validate")):
        result = run(command, cwd=directory)
        assert result.returncode != 0 and "Traceback" not in result.stderr
        assert line in result.stderr, result.stderr
    assert not list(directory.glob("cdk.out/*.template.json"))


def test_cli_import_mapping_names_each_repository_by_its_logical_id() -> None:
    # the logical ID `cdk synth` gives the embedded default's repository (its template)
    result = run(cli("import-mapping", "--repository", "builds/sample-app"), check=True)
    assert json.loads(result.stdout) == {
        "RepositoriesbuildssampleappE9E37BDE": {"RepositoryName": "builds/sample-app"}}
    refused = run(cli("import-mapping", "--repository", "builds/other"))
    assert (refused.returncode, refused.stdout) == (2, "")
    assert refused.stderr == (
        "ecr-cluster-access: error: --repository: 'builds/other' is not one of the parameters' "
        "repositories: use one of builds/sample-app\n")
