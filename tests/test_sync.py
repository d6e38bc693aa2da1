"""Both halves built from one parameters object always agree."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import cdk8s
import pytest
import yaml

from cdk8s_charts import EcrConfigChart
from ecr_cluster_access import Parameters
from ecr_cluster_access.stack import EcrClusterAccessStack

from .conftest import NODE_BIN, params_dict, require_tool, run, write_params

PARAMETER_SETS: dict[str, dict[str, Any]] = {
    "default": {},
    "renamed": {"secretName": "registry-auth", "namespace": "ci-builds"},
    "other-account-region": {
        "account": "210987654321", "region": "eu-central-1",
        "repositories": ["team/a", "team/b"],
        "workerRoleArns": ["arn:aws:iam::210987654321:role/nodes"]},
    "china": {"region": "cn-north-1",
              "workerRoleArns": ["arn:aws-cn:iam::123456789012:role/k8s-worker"]},
    "govcloud": {"region": "us-gov-west-1",
                 "workerRoleArns": ["arn:aws-us-gov:iam::123456789012:role/k8s-worker"]},
    "irsa-builder": {"builderIdentity": {
        "mode": "irsa", "namespace": "ci", "serviceAccount": "buildkit",
        "oidcProviderArn": "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1."
                           "amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"}},
    "pod-identity-builder": {"builderIdentity": {
        "mode": "pod-identity", "clusterName": "builds", "roleName": "kaniko"}},
    "cronjob-pull-secret": {"region": "eu-west-1", "pullSecret": {
        "mode": "cronjob", "namespaces": ["apps", "web"]}},
    "external-secrets-pull-secret": {"account": "210987654321",
                                     "workerRoleArns": ["arn:aws:iam::210987654321:role/n"],
                                     "pullSecret": {"mode": "external-secrets"}},
    "replication-cronjob": {"replicationRegions": ["us-west-2", "eu-central-1"],
                            "pullSecret": {"mode": "cronjob"}},
    "replication-external-secrets": {"replicationRegions": ["ap-southeast-2"],
                                     "pullSecret": {"mode": "external-secrets",
                                                    "namespaces": ["a", "b"]}},
}


def pull_secret_hosts(objects: list[dict[str, Any]]) -> dict[str, set[str]]:
    """Registry host -> regions the pull secret machinery fetches tokens for."""
    found: dict[str, set[str]] = {}
    for cronjob in of_kind(objects, "CronJob"):
        (container,) = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
        env = {e["name"]: e["value"] for e in container["env"]}
        for pair in env["REGISTRIES"].split():
            host, region = pair.split("=")
            found.setdefault(host, set()).add(region)
    for external in of_kind(objects, "ExternalSecret"):
        namespace = external["metadata"]["namespace"]
        region_of = {g["metadata"]["name"]: g["spec"]["region"]
                     for g in of_kind(objects, "ECRAuthorizationToken")
                     if g["metadata"]["namespace"] == namespace}
        # generator i's keys are rewritten to r<i>_*; the template names them per host
        by_prefix = {d["rewrite"][0]["regexp"]["target"].split("$")[0]:
                     region_of[d["sourceRef"]["generatorRef"]["name"]]
                     for d in external["spec"]["dataFrom"]}
        template = external["spec"]["target"]["template"]["data"][".dockerconfigjson"]
        rendered = re.sub(r"\{\{ \.(r\d+_)password \}\}", r"\1", template)
        rendered = re.sub(r"\{\{[^}]*\}\}", "x", rendered)
        for host, entry in json.loads(rendered)["auths"].items():
            found.setdefault(host, set()).add(by_prefix[entry["password"]])
    return found


def independent_host(account: str, region: str) -> str:
    """The registry host, computed here without the project's code."""
    suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"{account}.dkr.ecr.{region}.{suffix}"


def both_halves(params: Parameters) -> tuple[dict[str, Any], str, list[dict[str, Any]]]:
    """Return (template, stack env, manifests) built from the one parameters object."""
    app = cdk.App()
    stack = EcrClusterAccessStack(app, params=params)
    assembly = app.synth().get_stack_by_name(stack.stack_name)
    chart = EcrConfigChart(cdk8s.Testing.app(), "sync", params=params)
    env = f"{assembly.environment.account}/{assembly.environment.region}"
    return assembly.template, env, cdk8s.Testing.synth(chart)


def of_kind(objects: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [o for o in objects if o["kind"] == kind]


def resources_of(template: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [r for r in template["Resources"].values() if r["Type"] == kind]


def secret_hosts(secret: dict[str, Any]) -> set[str]:
    payload = json.loads(base64.b64decode(secret["data"][".dockerconfigjson"]))
    return set(payload["credHelpers"])


def template_hosts(template: dict[str, Any], env: str) -> set[str]:
    """Registry hosts of the template's repositories: from their URIs and from the stack env."""
    names = [r["Properties"]["RepositoryName"] for r in template["Resources"].values()
             if r["Type"] == "AWS::ECR::Repository"]
    uris = template["Outputs"]["RepositoryUris"]["Value"].split(",")
    assert [u.split("/", 1)[1] for u in uris] == names
    from_uris = {u.split("/", 1)[0] for u in uris}
    account, region = env.split("/")
    assert from_uris == {independent_host(account, region)}
    replicas = {independent_host(d["RegistryId"], d["Region"])
                for r in template["Resources"].values()
                if r["Type"] == "AWS::ECR::ReplicationConfiguration"
                for rule in r["Properties"]["ReplicationConfiguration"]["Rules"]
                for d in rule["Destinations"]}
    return from_uris | replicas


@pytest.mark.parametrize("name", sorted(PARAMETER_SETS))
def test_secret_hosts_equal_template_hosts_and_names_equal_outputs(name: str) -> None:
    params = Parameters.from_mapping(params_dict(**PARAMETER_SETS[name]))
    template, env, objects = both_halves(params)
    (secret,) = [o for o in of_kind(objects, "Secret")
                 if o["metadata"]["name"] == params.secret_name]
    assert secret_hosts(secret) == template_hosts(template, env)
    assert template["Outputs"]["RegistryHost"]["Value"] in secret_hosts(secret)
    assert secret["metadata"]["name"] == template["Outputs"]["SecretName"]["Value"]
    assert secret["metadata"]["namespace"] == template["Outputs"]["SecretNamespace"]["Value"]


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


@pytest.mark.parametrize("name", ["cronjob-pull-secret", "external-secrets-pull-secret",
                                  "replication-cronjob", "replication-external-secrets"])
def test_pull_secret_hosts_equal_template_hosts(name: str) -> None:
    params = Parameters.from_mapping(params_dict(**PARAMETER_SETS[name]))
    template, env, objects = both_halves(params)
    hosts = pull_secret_hosts(objects)
    assert set(hosts) == template_hosts(template, env)
    # each host's token comes from that host's own region
    assert all(regions == {host.split(".")[3]} for host, regions in hosts.items())
    namespaces = {o["metadata"]["namespace"] for o in objects
                  if o["metadata"]["name"] == params.pull_secret.name
                  and o["kind"] in ("Secret", "ExternalSecret")}
    assert namespaces == set(params.pull_secret.namespaces or [params.namespace])


@pytest.mark.parametrize("name", ["irsa-builder", "pod-identity-builder"])
def test_builder_service_account_matches_the_builder_role(name: str) -> None:
    params = Parameters.from_mapping(params_dict(**PARAMETER_SETS[name]))
    template, env, objects = both_halves(params)
    (role,) = resources_of(template, "AWS::IAM::Role")
    (account,) = of_kind(objects, "ServiceAccount")
    meta = account["metadata"]
    role_arn = f"arn:aws:iam::{env.split('/')[0]}:role/{role['Properties']['RoleName']}"
    (trust,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    if name == "irsa-builder":
        assert meta["annotations"] == {"eks.amazonaws.com/role-arn": role_arn}
        (sub,) = [v for k, v in trust["Condition"]["StringEquals"].items() if k.endswith(":sub")]
        assert sub == f"system:serviceaccount:{meta['namespace']}:{meta['name']}"
    else:
        (association,) = resources_of(template, "AWS::EKS::PodIdentityAssociation")
        assert (association["Properties"]["Namespace"],
                association["Properties"]["ServiceAccount"]) == (meta["namespace"], meta["name"])
    for repository in resources_of(template, "AWS::ECR::Repository"):
        (statement,) = repository["Properties"]["RepositoryPolicyText"]["Statement"]
        assert role_arn in statement["Principal"]["AWS"]


@pytest.mark.e2e
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


def test_create_on_push_prefix_is_the_builders_registry_namespace() -> None:
    from ecr_cluster_access.cli import builder_configuration, registry_namespace

    params = Parameters.from_mapping(params_dict(createOnPushPrefix="ci", repositories=["a1"]))
    template, _, _ = both_halves(params)
    (creation,) = resources_of(template, "AWS::ECR::RepositoryCreationTemplate")
    provider = builder_configuration(params, registry_namespace(params), "cluster-buildkit")
    assert creation["Properties"]["Prefix"] == provider["deploymentRegistry"]["namespace"]
    (repository,) = resources_of(template, "AWS::ECR::Repository")
    assert json.loads(creation["Properties"]["RepositoryPolicy"]) == (
        repository["Properties"]["RepositoryPolicyText"])
    assert provider["deploymentRegistry"]["hostname"] == (
        template["Outputs"]["RegistryHost"]["Value"])
