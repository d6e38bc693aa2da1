"""Both halves built from one parameters object always agree."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import aws_cdk as cdk
import cdk8s
import pytest

from cdk8s_charts import EcrConfigChart
from ecr_cluster_access import Parameters
from ecr_cluster_access.stack import EcrClusterAccessStack

from ..support.parameters import SYNC_SETS, params_dict


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


@pytest.mark.parametrize("name", sorted(SYNC_SETS))
def test_secret_hosts_equal_template_hosts_and_names_equal_outputs(name: str) -> None:
    params = Parameters.from_mapping(params_dict(**SYNC_SETS[name]))
    template, env, objects = both_halves(params)
    (secret,) = [o for o in of_kind(objects, "Secret")
                 if o["metadata"]["name"] == params.secret_name]
    assert secret_hosts(secret) == template_hosts(template, env)
    assert template["Outputs"]["RegistryHost"]["Value"] in secret_hosts(secret)
    assert secret["metadata"]["name"] == template["Outputs"]["SecretName"]["Value"]
    assert secret["metadata"]["namespace"] == template["Outputs"]["SecretNamespace"]["Value"]


@pytest.mark.parametrize("name", ["cronjob-pull-secret", "external-secrets-pull-secret",
                                  "replication-cronjob", "replication-external-secrets"])
def test_pull_secret_hosts_equal_template_hosts(name: str) -> None:
    params = Parameters.from_mapping(params_dict(**SYNC_SETS[name]))
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
    params = Parameters.from_mapping(params_dict(**SYNC_SETS[name]))
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
