"""The cluster half: the ecr-config Secret, through cdk8s, the cdk8s CLI, kubectl and
kubernetes-validate."""

from __future__ import annotations

import base64
import json
import re
import sys
from pathlib import Path
from typing import Any

import cdk8s
import kubernetes_validate
import pytest
import yaml

from cdk8s_charts import BuilderServiceAccount, EcrConfigChart, EcrConfigSecret
from ecr_cluster_access import ParameterError, Parameters

from .conftest import NODE_BIN, VENV_BIN, params_dict, require_tool, run, write_params

GUIDE_CONFIG = {"credHelpers": {"123456789012.dkr.ecr.us-east-1.amazonaws.com": "ecr-login"}}


def chart_objects(**overrides: Any) -> list[dict[str, Any]]:
    chart = EcrConfigChart(cdk8s.Testing.app(), "test",
                           params=Parameters.from_mapping(params_dict(**overrides)))
    objects: list[dict[str, Any]] = cdk8s.Testing.synth(chart)
    return objects


def secret_of(objects: list[dict[str, Any]]) -> dict[str, Any]:
    (secret,) = [o for o in objects if o["kind"] == "Secret"]
    return secret


def decoded_payload(secret: dict[str, Any]) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(base64.b64decode(secret["data"][".dockerconfigjson"]))
    return payload


def cdk8s_synth(outdir: Path, **env: str) -> Any:
    cli = require_tool(NODE_BIN / "cdk8s")
    return run([cli, "synth", "--check-upgrade=false", "--output", str(outdir)], **env)


# --- the chart, in process --------------------------------------------------------------------

def test_secret_has_the_parameters_name_and_namespace_without_a_hash() -> None:
    secret = secret_of(chart_objects(secretName="registry-auth", namespace="builds"))
    assert secret["metadata"]["name"] == "registry-auth"
    assert secret["metadata"]["namespace"] == "builds"


def test_secret_is_a_dockerconfigjson_with_the_guides_payload() -> None:
    secret = secret_of(chart_objects())
    assert secret["apiVersion"] == "v1"
    assert secret["type"] == "kubernetes.io/dockerconfigjson"
    assert list(secret["data"]) == [".dockerconfigjson"]
    assert decoded_payload(secret) == GUIDE_CONFIG


def test_china_region_uses_the_com_cn_suffix() -> None:
    secret = secret_of(chart_objects(
        region="cn-northwest-1", workerRoleArns=["arn:aws-cn:iam::123456789012:role/w"]))
    assert decoded_payload(secret) == {
        "credHelpers": {"123456789012.dkr.ecr.cn-northwest-1.amazonaws.com.cn": "ecr-login"}}


def test_chart_renders_only_the_secret_by_default() -> None:
    assert [o["kind"] for o in chart_objects()] == ["Secret"]


# --- the cdk8s app through the real cdk8s CLI --------------------------------------------------

@pytest.mark.e2e
def test_cdk8s_synth_writes_the_manifest_to_dist(tmp_path: Path) -> None:
    result = cdk8s_synth(tmp_path / "dist")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "dist").iterdir()) == [
        "ecr-cluster-access.k8s.yaml"]


@pytest.mark.e2e
def test_cdk8s_synth_refuses_bad_parameters_and_leaves_no_dist(tmp_path: Path) -> None:
    config = write_params(tmp_path, params_dict(namespace="Kube_System"))
    result = cdk8s_synth(tmp_path / "dist", ECR_CLUSTER_ACCESS_CONFIG=str(config))
    assert result.returncode != 0
    assert (f"ecr-cluster-access: error: {config}: namespace: 'Kube_System' is not a DNS-1123 "
            "label") in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "dist").exists()


@pytest.mark.e2e
def test_two_cdk8s_synths_give_byte_identical_files(tmp_path: Path) -> None:
    config = write_params(tmp_path, params_dict(
        region="eu-west-1", workerRoleArns=["arn:aws:iam::123456789012:role/nodes"]))
    files = []
    for attempt in ("one", "two"):
        assert cdk8s_synth(tmp_path / attempt,
                           ECR_CLUSTER_ACCESS_CONFIG=str(config)).returncode == 0
        files.append((tmp_path / attempt / "ecr-cluster-access.k8s.yaml").read_bytes())
    assert files[0] == files[1]


@pytest.mark.e2e
def test_running_the_cdk8s_half_never_imports_aws_cdk(tmp_path: Path) -> None:
    code = (
        "import runpy, sys\n"
        "runpy.run_path('main.py', run_name='__main__')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'aws_cdk', 'cdk8s'}))\n"
    )
    result = run([sys.executable, "-c", code], CDK8S_OUTDIR=str(tmp_path), check=True)
    assert result.stdout.strip() == "['cdk8s']"
    assert (tmp_path / "ecr-cluster-access.k8s.yaml").exists()


# --- equivalence with the guide's kubectl command ---------------------------------------------

@pytest.mark.e2e
def test_secret_equals_what_the_guides_kubectl_command_makes(tmp_path: Path) -> None:
    # GIVEN the config.json bytes, printed by the project's command
    cli = require_tool(VENV_BIN / "ecr-cluster-access")
    config_json = run([cli, "docker-config"], check=True).stdout.encode()
    (tmp_path / "config.json").write_bytes(config_json)
    # WHEN the guide's command runs on them, and the chart is synthesized by the cdk8s CLI
    kubectl = require_tool("kubectl")
    guide = yaml.safe_load(run(
        [kubectl, "--namespace", "default", "create", "secret", "generic", "ecr-config",
         "--from-file=.dockerconfigjson=./config.json", "--type=kubernetes.io/dockerconfigjson",
         "--dry-run=client", "-o", "yaml"], cwd=tmp_path, check=True).stdout)
    assert cdk8s_synth(tmp_path / "dist").returncode == 0
    (ours,) = yaml.safe_load_all((tmp_path / "dist" / "ecr-cluster-access.k8s.yaml").read_text())
    # THEN name, namespace, type and decoded payload are identical
    for secret in (guide, ours):
        assert secret["kind"] == "Secret" and secret["apiVersion"] == "v1"
    assert ours["metadata"]["name"] == guide["metadata"]["name"] == "ecr-config"
    assert ours["metadata"]["namespace"] == guide["metadata"]["namespace"] == "default"
    assert ours["type"] == guide["type"] == "kubernetes.io/dockerconfigjson"
    assert base64.b64decode(ours["data"][".dockerconfigjson"]) == base64.b64decode(
        guide["data"][".dockerconfigjson"]) == config_json
    # AND the payload is the guide's JSON
    assert json.loads(config_json) == GUIDE_CONFIG


# --- schema validation ------------------------------------------------------------------------

def kubernetes_versions() -> list[str]:
    """Every Kubernetes version kubernetes-validate ships strict schemas for, 1.25 and later."""
    schemas = Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema"
    found = [m.group(1) for p in schemas.iterdir()
             if (m := re.fullmatch(r"v(\d+\.\d+\.\d+)-local-strict", p.name))]
    return sorted((v for v in found if tuple(map(int, v.split("."))) >= (1, 25, 0)),
                  key=lambda v: tuple(map(int, v.split("."))))


def test_kubernetes_validate_ships_schemas_from_1_25() -> None:
    versions = kubernetes_versions()
    assert versions[0] == "1.25.0" and len(versions) >= 10


#: Every option the cluster half renders, for the schema checks.
FULL_CRONJOB = params_dict(
    pullSecret={"mode": "cronjob", "namespaces": ["apps", "default"],
                "serviceAccounts": ["puller", "ecr-builder"]},
    builderIdentity={"mode": "irsa", "oidcProviderArn": "arn:aws:iam::123456789012:"
                     "oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E5"})
FULL_EXTERNAL_SECRETS = params_dict(
    pullSecret={"mode": "external-secrets", "namespaces": ["apps", "web"],
                "serviceAccounts": ["puller"], "refreshHours": 4},
    builderIdentity={"mode": "pod-identity", "clusterName": "builds"})


@pytest.mark.e2e
def test_manifests_pass_kubernetes_validate_strict_for_every_version(tmp_path: Path) -> None:
    manifests = []
    for name, data in (("default", None), ("cronjob", FULL_CRONJOB),
                       ("external-secrets", FULL_EXTERNAL_SECRETS)):
        env = {"ECR_CLUSTER_ACCESS_CONFIG": str(write_params(tmp_path, data, f"{name}.json"))
               } if data else {}
        assert cdk8s_synth(tmp_path / name, **env).returncode == 0
        manifests += sorted(map(str, (tmp_path / name).glob("*.k8s.yaml")))
    validate = require_tool(VENV_BIN / "kubernetes-validate")
    for version in kubernetes_versions():
        result = run([validate, "--strict", "--quiet", "-k", version, *manifests])
        assert result.returncode == 0, f"{version}: {result.stdout}{result.stderr}"
        # kubernetes-validate cannot know the External Secrets kinds: those are checked below
        skipped = [line for line in result.stdout.splitlines() if "ExternalSecret" not in line
                   and "ECRAuthorizationToken" not in line and "passed" not in line]
        assert skipped == [], skipped


@pytest.mark.e2e
def test_kubernetes_validate_strict_rejects_an_unknown_field(tmp_path: Path) -> None:
    assert cdk8s_synth(tmp_path / "dist").returncode == 0
    (manifest,) = (tmp_path / "dist").glob("*.k8s.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text(manifest.read_text().replace("type:", "secretType:"))
    result = run([require_tool(VENV_BIN / "kubernetes-validate"), "--strict", "--quiet",
                  str(broken)])
    assert result.returncode != 0


# --- the builder's ServiceAccount -------------------------------------------------------------

OIDC = ("arn:aws:iam::123456789012:oidc-provider/"
        "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE")


def test_irsa_service_account_carries_the_role_annotation() -> None:
    objects = chart_objects(builderIdentity={"mode": "irsa", "oidcProviderArn": OIDC,
                                             "namespace": "ci", "serviceAccount": "buildkit"})
    (account,) = [o for o in objects if o["kind"] == "ServiceAccount"]
    assert account["metadata"]["name"] == "buildkit"
    assert account["metadata"]["namespace"] == "ci"
    assert account["metadata"]["annotations"] == {
        "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/EcrClusterAccess-builder"}


def test_pod_identity_service_account_has_no_annotation() -> None:
    objects = chart_objects(builderIdentity={"mode": "pod-identity", "clusterName": "c"})
    (account,) = [o for o in objects if o["kind"] == "ServiceAccount"]
    assert "annotations" not in account["metadata"]
    assert account["metadata"]["namespace"] == "default"


# --- the refreshed pull secret ----------------------------------------------------------------

def test_cronjob_pull_secret_is_one_placeholder_per_namespace() -> None:
    objects = chart_objects(pullSecret={"mode": "cronjob", "namespaces": ["apps", "web"]})
    secrets = [o for o in objects if o["kind"] == "Secret" and o["metadata"]["name"] == "ecr-pull"]
    assert sorted(o["metadata"]["namespace"] for o in secrets) == ["apps", "web"]
    for secret in secrets:
        assert secret["type"] == "kubernetes.io/dockerconfigjson"
        assert decoded_payload(secret) == {"auths": {}}


def test_cronjob_may_only_get_and_patch_that_one_secret() -> None:
    objects = chart_objects(pullSecret={"mode": "cronjob", "namespaces": ["apps", "web"]})
    roles = [o for o in objects if o["kind"] == "Role"]
    assert sorted(r["metadata"]["namespace"] for r in roles) == ["apps", "web"]
    for role in roles:
        assert role["rules"] == [{"apiGroups": [""], "resources": ["secrets"],
                                  "resourceNames": ["ecr-pull"], "verbs": ["get", "patch"]}]
    assert not [o for o in objects if o["kind"] in ("ClusterRole", "ClusterRoleBinding")]
    for binding in (o for o in objects if o["kind"] == "RoleBinding"):
        assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "ecr-pull-refresher",
                                        "namespace": "default"}]
        assert binding["roleRef"]["name"] == "ecr-pull-refresher"


def test_cronjob_refreshes_inside_12_hours_with_the_configured_image() -> None:
    objects = chart_objects(pullSecret={"mode": "cronjob", "refreshHours": 4,
                                        "image": "registry.example/tools/aws-kubectl:1"})
    (cronjob,) = [o for o in objects if o["kind"] == "CronJob"]
    assert cronjob["spec"]["schedule"] == "0 */4 * * *"
    pod = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["serviceAccountName"] == "ecr-pull-refresher"
    (container,) = pod["containers"]
    assert container["image"] == "registry.example/tools/aws-kubectl:1"
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env["REGISTRIES"] == "123456789012.dkr.ecr.us-east-1.amazonaws.com=us-east-1"
    assert (env["SECRET"], env["NAMESPACES"]) == ("ecr-pull", "default")
    assert container["securityContext"]["runAsNonRoot"] is True


def test_external_secrets_mode_renders_generator_and_external_secret_per_namespace() -> None:
    objects = chart_objects(pullSecret={"mode": "external-secrets", "namespaces": ["apps"],
                                        "refreshHours": 4})
    (generator,) = [o for o in objects if o["kind"] == "ECRAuthorizationToken"]
    (external,) = [o for o in objects if o["kind"] == "ExternalSecret"]
    assert generator["spec"] == {"region": "us-east-1"}
    assert external["metadata"] == generator["metadata"] | {"name": "ecr-pull"}
    assert external["spec"]["refreshInterval"] == "4h"
    assert external["spec"]["target"]["template"]["type"] == "kubernetes.io/dockerconfigjson"
    assert external["spec"]["dataFrom"][0]["sourceRef"]["generatorRef"]["kind"] == (
        "ECRAuthorizationToken")
    assert not [o for o in objects if o["kind"] == "CronJob"]


def test_external_secret_template_renders_to_an_auths_config() -> None:
    objects = chart_objects(pullSecret={"mode": "external-secrets"})
    (external,) = [o for o in objects if o["kind"] == "ExternalSecret"]
    template = external["spec"]["target"]["template"]["data"][".dockerconfigjson"]
    # what the operator's Go template makes of it, for username AWS and password TOKEN
    rendered = (template.replace("{{ .r0_username }}", "AWS")
                .replace("{{ .r0_password }}", "TOKEN")
                .replace('{{ printf "%s:%s" .r0_username .r0_password | b64enc }}',
                         base64.b64encode(b"AWS:TOKEN").decode()))
    assert json.loads(rendered) == {"auths": {"123456789012.dkr.ecr.us-east-1.amazonaws.com": {
        "username": "AWS", "password": "TOKEN", "auth": base64.b64encode(b"AWS:TOKEN").decode()}}}


def test_pull_secret_is_attached_to_the_listed_service_accounts() -> None:
    objects = chart_objects(
        pullSecret={"mode": "cronjob", "namespaces": ["apps", "default"],
                    "serviceAccounts": ["puller", "ecr-builder"]},
        builderIdentity={"mode": "pod-identity", "clusterName": "c"})
    accounts = {(o["metadata"]["namespace"], o["metadata"]["name"]): o.get("imagePullSecrets")
                for o in objects if o["kind"] == "ServiceAccount"}
    assert accounts == {
        ("default", "ecr-builder"): [{"name": "ecr-pull"}],
        ("apps", "puller"): [{"name": "ecr-pull"}],
        ("apps", "ecr-builder"): [{"name": "ecr-pull"}],
        ("default", "puller"): [{"name": "ecr-pull"}],
        ("default", "ecr-pull-refresher"): None,
    }


@pytest.mark.e2e
def test_external_secrets_resources_match_the_operator_schemas() -> None:
    objects = chart_objects(pullSecret={"mode": "external-secrets", "namespaces": ["a", "b"]})
    node = require_tool("node")
    script = str(Path(__file__).parent / "validate_crds.mjs")
    results = json.loads(run([node, script], input=json.dumps(objects), check=True).stdout)
    assert [(r["kind"], r["namespace"], r["error"]) for r in results] == [
        ("ECRAuthorizationToken", "a", None), ("ExternalSecret", "a", None),
        ("ECRAuthorizationToken", "b", None), ("ExternalSecret", "b", None)]
    # control: a value the schema refuses is caught
    for o in objects:
        if o["kind"] == "ExternalSecret":
            o["spec"]["target"]["creationPolicy"] = "Sometimes"
    results = json.loads(run([node, script], input=json.dumps(objects), check=True).stdout)
    assert all("creationPolicy" in r["error"] for r in results if r["kind"] == "ExternalSecret")


# --- replication ------------------------------------------------------------------------------

def test_cred_helpers_list_each_regions_registry_host() -> None:
    secret = secret_of([o for o in chart_objects(replicationRegions=["us-west-2"])
                        if o["metadata"]["name"] == "ecr-config"])
    assert decoded_payload(secret) == {"credHelpers": {
        "123456789012.dkr.ecr.us-east-1.amazonaws.com": "ecr-login",
        "123456789012.dkr.ecr.us-west-2.amazonaws.com": "ecr-login"}}


def test_external_secrets_pull_secret_has_a_generator_per_region() -> None:
    objects = chart_objects(replicationRegions=["us-west-2"],
                            pullSecret={"mode": "external-secrets"})
    generators = [(o["metadata"]["name"], o["spec"]["region"]) for o in objects
                  if o["kind"] == "ECRAuthorizationToken"]
    assert generators == [("ecr-pull", "us-east-1"), ("ecr-pull-us-west-2", "us-west-2")]
    (external,) = [o for o in objects if o["kind"] == "ExternalSecret"]
    assert [d["sourceRef"]["generatorRef"]["name"] for d in external["spec"]["dataFrom"]] == [
        "ecr-pull", "ecr-pull-us-west-2"]
    template = external["spec"]["target"]["template"]["data"][".dockerconfigjson"]
    assert '"123456789012.dkr.ecr.us-west-2.amazonaws.com":{"username":"{{ .r1_username }}"' in (
        template)


# --- small constructs for users' own charts ---------------------------------------------------

def test_no_rendered_object_is_named_default() -> None:
    objects = chart_objects(
        pullSecret={"mode": "cronjob", "namespaces": ["apps", "default"],
                    "serviceAccounts": ["puller"]},
        builderIdentity={"mode": "pod-identity", "clusterName": "c"})
    assert objects and all(o["metadata"]["name"] != "default" for o in objects)


def test_the_default_service_account_is_refused_with_the_alternative() -> None:
    with pytest.raises(ParameterError) as caught:
        Parameters.from_mapping(params_dict(pullSecret={"mode": "cronjob",
                                                        "serviceAccounts": ["default"]}))
    (problem,) = caught.value.problems
    assert problem.startswith("pullSecret.serviceAccounts[0]: 'default' is not accepted: "
                              "Kubernetes creates 'default' in every namespace")
    assert "spec.imagePullSecrets" in problem


def test_the_secret_construct_goes_into_a_users_chart_with_its_metadata() -> None:
    app = cdk8s.Testing.app()
    chart = cdk8s.Chart(app, "mine", namespace="tools")
    params = Parameters.from_mapping(params_dict(namespace="tools"))
    secret = EcrConfigSecret(chart, "Registry", params=params, labels={"team": "x"},
                             annotations={"note": "y"})
    assert secret.resource.node.id == "Resource"
    (rendered,) = cdk8s.Testing.synth(chart)
    assert rendered["metadata"] == {
        "name": "ecr-config", "namespace": "tools", "annotations": {"note": "y"},
        "labels": {"app.kubernetes.io/managed-by": "ecr-cluster-access", "team": "x"}}
    assert decoded_payload(rendered) == GUIDE_CONFIG


def test_the_builder_service_account_construct_needs_a_builder_identity() -> None:
    with pytest.raises(ValueError, match="builderIdentity: not set"):
        BuilderServiceAccount(cdk8s.Chart(cdk8s.Testing.app(), "c"), "Sa",
                              params=Parameters.from_mapping(params_dict()))


def test_a_chart_namespace_other_than_the_parameters_is_refused() -> None:
    with pytest.raises(ValueError, match=r"namespace: 'tools' differs from the parameters' "
                                         r"namespace 'default'"):
        EcrConfigChart(cdk8s.Testing.app(), "c", params=Parameters.from_mapping(params_dict()),
                       namespace="tools")


def test_the_chart_accepts_its_own_namespace_and_name_hashes_either_way() -> None:
    params = Parameters.from_mapping(params_dict(namespace="tools"))
    for hashes in (True, False):
        chart = EcrConfigChart(cdk8s.Testing.app(), "c", params=params, namespace="tools",
                               disable_resource_name_hashes=hashes, labels={"tier": "infra"})
        (secret,) = cdk8s.Testing.synth(chart)
        assert secret["metadata"]["name"] == "ecr-config"
        assert secret["metadata"]["labels"]["tier"] == "infra"


USER_CHART = """
import cdk8s
from cdk8s_charts import EcrConfigSecret
from ecr_cluster_access import load_parameters_or_exit

params = load_parameters_or_exit()
app = cdk8s.App()
chart = cdk8s.Chart(app, "platform", namespace=params.namespace)
EcrConfigSecret(chart, "Registry", params=params)
app.synth()
"""


@pytest.mark.e2e
def test_a_users_chart_with_the_secret_matches_the_guides_kubectl_command(tmp_path: Path) -> None:
    # GIVEN a user's own cdk8s app using EcrConfigSecret in a chart with its own namespace
    (tmp_path / "app.py").write_text(USER_CHART)
    (tmp_path / "cdk8s.yaml").write_text(f"language: python\napp: {sys.executable} app.py\n")
    config = write_params(tmp_path, params_dict(namespace="tools"))
    result = run([require_tool(NODE_BIN / "cdk8s"), "synth", "--check-upgrade=false"],
                 cwd=tmp_path, ECR_CLUSTER_ACCESS_CONFIG=str(config))
    assert result.returncode == 0, result.stderr
    (ours,) = yaml.safe_load_all((tmp_path / "dist" / "platform.k8s.yaml").read_text())
    # WHEN the guide's command runs on the config.json the project prints
    cli = require_tool(VENV_BIN / "ecr-cluster-access")
    config_json = run([cli, "docker-config", "--config", str(config)], check=True).stdout
    (tmp_path / "config.json").write_text(config_json)
    guide = yaml.safe_load(run(
        [require_tool("kubectl"), "--namespace", "tools", "create", "secret", "generic",
         "ecr-config", "--from-file=.dockerconfigjson=./config.json",
         "--type=kubernetes.io/dockerconfigjson", "--dry-run=client", "-o", "yaml"],
        cwd=tmp_path, check=True).stdout)
    # THEN both are the same Secret
    for key in ("name", "namespace"):
        assert ours["metadata"][key] == guide["metadata"][key]
    assert ours["type"] == guide["type"]
    assert base64.b64decode(ours["data"][".dockerconfigjson"]) == base64.b64decode(
        guide["data"][".dockerconfigjson"])


def test_each_pull_secret_piece_has_one_resource_and_works_in_a_users_chart() -> None:
    from constructs import Construct

    import cdk8s_charts

    params = Parameters.from_mapping(params_dict(pullSecret={
        "mode": "cronjob", "namespaces": ["apps"], "serviceAccounts": ["puller"]}))
    chart = EcrConfigChart(cdk8s.Testing.app(), "c", params=params)
    assert chart.pull_secret is not None
    pieces = [c for c in chart.pull_secret.node.children if isinstance(c, Construct)]
    assert {type(p).__name__ for p in pieces} == {
        "PullSecretPlaceholder", "RefresherServiceAccount", "RefresherRole",
        "RefresherRoleBinding", "RefresherCronJob", "PullSecretServiceAccount"}
    for piece in pieces:
        assert [c.node.id for c in piece.node.children] == ["Resource"]
    # one piece alone, in a chart of the user's
    mine = cdk8s.Chart(cdk8s.Testing.app(), "mine")
    cdk8s_charts.EcrTokenGenerator(mine, "Token", params=params, namespace="tools", index=0)
    (generator,) = cdk8s.Testing.synth(mine)
    assert (generator["kind"], generator["metadata"]["namespace"]) == (
        "ECRAuthorizationToken", "tools")
