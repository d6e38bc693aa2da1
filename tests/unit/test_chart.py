"""The cluster half: the ecr-config Secret, through cdk8s, the cdk8s CLI, kubectl and
kubernetes-validate."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

import cdk8s
import kubernetes_validate
import pytest

from cdk8s_charts import BuilderServiceAccount, EcrConfigChart, EcrConfigSecret
from ecr_cluster_access import ParameterError, Parameters

from ..support.parameters import OIDC, params_dict

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


def test_irsa_service_account_carries_the_role_annotation() -> None:
    objects = chart_objects(builderIdentity={"mode": "irsa", "oidcProviderArn": OIDC,
                                             "namespace": "ci", "serviceAccount": "buildkit",
                                             "for": "custom"})
    (account,) = [o for o in objects if o["kind"] == "ServiceAccount"]
    assert account["metadata"]["name"] == "buildkit"
    assert account["metadata"]["namespace"] == "ci"
    assert account["metadata"]["annotations"] == {
        "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/EcrClusterAccess-builder"}


def test_pod_identity_service_account_has_no_annotation() -> None:
    objects = chart_objects(builderIdentity={"mode": "pod-identity", "clusterName": "c",
                                             "for": "custom"})
    (account,) = [o for o in objects if o["kind"] == "ServiceAccount"]
    assert "annotations" not in account["metadata"]
    assert account["metadata"]["namespace"] == "default"


def test_a_garden_builder_gets_no_service_account_garden_makes_its_own() -> None:
    for mode in ({"mode": "pod-identity", "clusterName": "c"},
                 {"mode": "irsa", "oidcProviderArn": OIDC}):
        objects = chart_objects(builderIdentity=mode)
        assert [o["kind"] for o in objects] == ["Secret"]
    assert one_problem_of(builderIdentity={"mode": "pod-identity", "clusterName": "c",
                                           "serviceAccount": "buildkit"}) == (
        "builderIdentity.serviceAccount: 'buildkit' with for garden: Garden's in-cluster "
        "builder always runs as 'garden-in-cluster-builder', so the role would trust a "
        "ServiceAccount no builder uses; remove serviceAccount, or set for: custom")


def one_problem_of(**overrides: Any) -> str:
    with pytest.raises(ParameterError) as caught:
        Parameters.from_mapping(params_dict(**overrides))
    (problem,) = caught.value.problems
    return str(problem)


def test_cronjob_pull_secret_is_one_placeholder_per_namespace() -> None:
    objects = chart_objects(pullSecret={"mode": "cronjob", "credentials": "secret",
                                        "namespaces": ["apps", "web"]})
    secrets = [o for o in objects if o["kind"] == "Secret" and o["metadata"]["name"] == "ecr-pull"]
    assert sorted(o["metadata"]["namespace"] for o in secrets) == ["apps", "web"]
    for secret in secrets:
        assert secret["type"] == "kubernetes.io/dockerconfigjson"
        assert decoded_payload(secret) == {"auths": {}}


def test_cronjob_may_only_get_and_patch_that_one_secret() -> None:
    objects = chart_objects(pullSecret={"mode": "cronjob", "credentials": "secret",
                                        "namespaces": ["apps", "web"]})
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
    objects = chart_objects(pullSecret={"mode": "cronjob", "credentials": "secret",
                                        "refreshHours": 4,
                                        "image": "registry.example/tools/aws-curl:1",
                                        "allowUnpinnedImage": True})
    (cronjob,) = [o for o in objects if o["kind"] == "CronJob"]
    assert cronjob["spec"]["schedule"] == "0 */4 * * *"
    pod = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["serviceAccountName"] == "ecr-pull-refresher"
    (container,) = pod["containers"]
    assert container["image"] == "registry.example/tools/aws-curl:1"
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env["REGISTRIES"] == "123456789012.dkr.ecr.us-east-1.amazonaws.com=us-east-1"
    assert (env["SECRET"], env["NAMESPACES"]) == ("ecr-pull", "default")
    assert container["securityContext"]["runAsNonRoot"] is True


def test_cronjob_runs_as_nobody_with_fs_group_so_the_kubelet_lets_it_read_the_access_key() -> None:
    objects = chart_objects(pullSecret={"mode": "cronjob", "credentials": "secret"})
    (cronjob,) = [o for o in objects if o["kind"] == "CronJob"]
    job = cronjob["spec"]["jobTemplate"]["spec"]
    pod = job["template"]["spec"]
    assert pod["securityContext"] == {
        "fsGroup": 65534, "runAsGroup": 65534, "runAsNonRoot": True, "runAsUser": 65534,
        "seccompProfile": {"type": "RuntimeDefault"}}
    assert pod["automountServiceAccountToken"] is True
    assert (job["activeDeadlineSeconds"], job["backoffLimit"]) == (600, 3)
    (container,) = pod["containers"]
    assert container["resources"]["limits"] == {"cpu": "500m", "memory": "256Mi"}
    assert {"name": "aws-credentials", "secret": {
        "secretName": "ecr-pull-aws-credentials", "defaultMode": 256, "items": [
            {"key": "access-key-id", "path": "access-key-id"},
            {"key": "secret-access-key", "path": "secret-access-key"}]}} in pod["volumes"]
    # the token travels in files: nothing secret, and no kubectl, on the command line
    assert container["command"][:2] == ["/bin/sh", "-c"]
    script = container["command"][2]
    assert "--data-binary \"@$HOME/patch.json\"" in script
    assert "--header \"@$HOME/authorization\"" in script
    assert "kubectl" not in script


def test_web_identity_cronjob_mounts_its_own_sts_token_and_names_the_role() -> None:
    provider = "arn:aws:iam::123456789012:oidc-provider/k8s.example.com/cluster-1"
    objects = chart_objects(pullSecret={"mode": "cronjob", "credentials": "web-identity",
                                        "oidcProviderArn": provider})
    (cronjob,) = [o for o in objects if o["kind"] == "CronJob"]
    pod = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env["AWS_ROLE_ARN"] == "arn:aws:iam::123456789012:role/EcrClusterAccess-refresher"
    assert env["AWS_WEB_IDENTITY_TOKEN_FILE"] == (
        "/var/run/secrets/sts.amazonaws.com/serviceaccount/token")
    assert {"name": "aws-token", "projected": {"sources": [{"serviceAccountToken": {
        "audience": "sts.amazonaws.com", "expirationSeconds": 3600, "path": "token"}}]}} in (
        pod["volumes"])
    assert {"name": "aws-token", "mountPath": "/var/run/secrets/sts.amazonaws.com/"
            "serviceaccount", "readOnly": True} in container["volumeMounts"]
    # no EKS webhook annotation: off EKS nothing reads it, on EKS it would inject twice
    (account,) = [o for o in objects if o["kind"] == "ServiceAccount"]
    assert "annotations" not in account["metadata"]


def test_external_secrets_mode_renders_generator_and_external_secret_per_namespace() -> None:
    objects = chart_objects(pullSecret={"mode": "external-secrets", "credentials": "secret",
                                        "namespaces": ["apps"],
                                        "refreshHours": 4})
    (generator,) = [o for o in objects if o["kind"] == "ECRAuthorizationToken"]
    (external,) = [o for o in objects if o["kind"] == "ExternalSecret"]
    assert generator["spec"] == {"region": "us-east-1", "auth": {"secretRef": {
        "accessKeyIDSecretRef": {"name": "ecr-pull-aws-credentials", "key": "access-key-id"},
        "secretAccessKeySecretRef": {"name": "ecr-pull-aws-credentials",
                                     "key": "secret-access-key"}}}}
    assert external["metadata"] == generator["metadata"] | {"name": "ecr-pull"}
    assert external["spec"]["refreshInterval"] == "4h"
    assert external["spec"]["target"]["template"]["type"] == "kubernetes.io/dockerconfigjson"
    assert external["spec"]["dataFrom"][0]["sourceRef"]["generatorRef"]["kind"] == (
        "ECRAuthorizationToken")
    assert not [o for o in objects if o["kind"] == "CronJob"]


def test_external_secret_template_renders_to_an_auths_config() -> None:
    objects = chart_objects(pullSecret={"mode": "external-secrets", "credentials": "secret"})
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
        pullSecret={"mode": "cronjob", "credentials": "secret", "namespaces": ["apps", "default"],
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


def test_cred_helpers_list_each_regions_registry_host() -> None:
    secret = secret_of([o for o in chart_objects(replicationRegions=["us-west-2"])
                        if o["metadata"]["name"] == "ecr-config"])
    assert decoded_payload(secret) == {"credHelpers": {
        "123456789012.dkr.ecr.us-east-1.amazonaws.com": "ecr-login",
        "123456789012.dkr.ecr.us-west-2.amazonaws.com": "ecr-login"}}


def test_external_secrets_pull_secret_has_a_generator_per_region() -> None:
    objects = chart_objects(replicationRegions=["us-west-2"],
                            pullSecret={"mode": "external-secrets", "credentials": "secret"})
    generators = [(o["metadata"]["name"], o["spec"]["region"]) for o in objects
                  if o["kind"] == "ECRAuthorizationToken"]
    assert generators == [("ecr-pull", "us-east-1"), ("ecr-pull-us-west-2", "us-west-2")]
    (external,) = [o for o in objects if o["kind"] == "ExternalSecret"]
    assert [d["sourceRef"]["generatorRef"]["name"] for d in external["spec"]["dataFrom"]] == [
        "ecr-pull", "ecr-pull-us-west-2"]
    template = external["spec"]["target"]["template"]["data"][".dockerconfigjson"]
    assert '"123456789012.dkr.ecr.us-west-2.amazonaws.com":{"username":"{{ .r1_username }}"' in (
        template)


def test_no_rendered_object_is_named_default() -> None:
    objects = chart_objects(
        pullSecret={"mode": "cronjob", "credentials": "secret", "namespaces": ["apps", "default"],
                    "serviceAccounts": ["puller"]},
        builderIdentity={"mode": "pod-identity", "clusterName": "c"})
    assert objects and all(o["metadata"]["name"] != "default" for o in objects)


def test_the_default_service_account_is_refused_with_the_alternative() -> None:
    with pytest.raises(ParameterError) as caught:
        Parameters.from_mapping(params_dict(pullSecret={"mode": "cronjob", "credentials": "secret",
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


def test_each_pull_secret_piece_has_one_resource_and_works_in_a_users_chart() -> None:
    from constructs import Construct

    import cdk8s_charts

    params = Parameters.from_mapping(params_dict(pullSecret={
        "mode": "cronjob", "credentials": "secret",
"namespaces": ["apps"], "serviceAccounts": ["puller"]}))
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


def test_the_cronjob_reads_its_access_key_from_the_mounted_secret_never_the_manifest() -> None:
    objects = chart_objects(pullSecret={"mode": "cronjob", "credentials": "secret",
                                        "roleArn": "arn:aws:iam::123456789012:role/ecr-puller"})
    (cronjob,) = [o for o in objects if o["kind"] == "CronJob"]
    pod = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["AWS_CREDENTIALS_DIR"] == "/var/run/secrets/ecr-refresher"
    assert env["ASSUME_ROLE_ARN"] == "arn:aws:iam::123456789012:role/ecr-puller"
    assert not [k for k in env if k.startswith("AWS_ACCESS") or k.startswith("AWS_SECRET")]
    assert {"name": "aws-credentials", "mountPath": "/var/run/secrets/ecr-refresher",
            "readOnly": True} in container["volumeMounts"]
    (volume,) = [v for v in pod["volumes"] if "secret" in v]
    assert volume["secret"] == {"secretName": "ecr-pull-aws-credentials", "defaultMode": 0o400,
                                "items": [{"key": "access-key-id", "path": "access-key-id"},
                                          {"key": "secret-access-key",
                                           "path": "secret-access-key"}]}
    (tmp,) = [v for v in pod["volumes"] if v["name"] == "tmp"]
    assert tmp["emptyDir"]["medium"] == "Memory"


@pytest.mark.parametrize("credentials,annotated", [("irsa", True), ("pod-identity", False),
                                                   ("secret", False)])
def test_the_refresher_service_account_carries_the_role_only_for_irsa(
        credentials: str, annotated: bool) -> None:
    settings = {"irsa": {"oidcProviderArn": OIDC}, "pod-identity": {"clusterName": "c"},
                "secret": {}}[credentials]
    objects = chart_objects(pullSecret={"mode": "cronjob", "credentials": credentials,
                                        **settings})
    (account,) = [o for o in objects if o["kind"] == "ServiceAccount"
                  and o["metadata"]["name"] == "ecr-pull-refresher"]
    assert account["metadata"].get("annotations") == ({
        "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/EcrClusterAccess-refresher"}
        if annotated else None)


@pytest.mark.parametrize("construct", ["EcrConfigSecret", "BuilderServiceAccount",
                                       "EcrPullSecret", "PullSecretPlaceholder",
                                       "RefresherCronJob", "RefresherServiceAccount"])
def test_every_construct_refuses_a_chart_namespace_other_than_the_parameters(
        construct: str) -> None:
    import cdk8s_charts

    params = Parameters.from_mapping(params_dict(
        builderIdentity={"mode": "pod-identity", "clusterName": "c"},
        pullSecret={"mode": "cronjob", "credentials": "secret"}))
    chart = cdk8s.Chart(cdk8s.Testing.app(), "mine", namespace="tools")
    extra: dict[str, Any] = {"namespace": "default"} if construct == "PullSecretPlaceholder" \
        else {}
    with pytest.raises(ValueError, match=r"^namespace: 'tools' differs from the parameters' "
                                         r"namespace 'default'"):
        getattr(cdk8s_charts, construct)(chart, "X", params=params, **extra)
    # in a chart of the parameters' own namespace, or of none, it renders
    for namespace in ("default", None):
        fine = cdk8s.Chart(cdk8s.Testing.app(), "fine", namespace=namespace)
        getattr(cdk8s_charts, construct)(fine, "X", params=params, **extra)
        assert cdk8s.Testing.synth(fine)


def test_a_cdk8s_plus_workload_names_both_secrets_in_image_pull_secrets() -> None:
    import cdk8s_plus_35 as kplus

    import cdk8s_charts

    params = Parameters.from_mapping(params_dict(
        pullSecret={"mode": "cronjob", "credentials": "secret"}))
    chart = cdk8s.Chart(cdk8s.Testing.app(), "mine")
    config = cdk8s_charts.EcrConfigSecret(chart, "Config", params=params)
    pull = cdk8s_charts.EcrPullSecret(chart, "Pull", params=params)
    for name, secret in (("builder", config), ("app", pull)):
        kplus.Deployment(chart, name, docker_registry_auth=secret, containers=[
            kplus.ContainerProps(image="nginx@sha256:" + "a" * 64)])
    deployments = {o["metadata"]["name"].split("-")[1]: o for o in cdk8s.Testing.synth(chart)
                   if o["kind"] == "Deployment"}
    assert deployments["builder"]["spec"]["template"]["spec"]["imagePullSecrets"] == [
        {"name": "ecr-config"}]
    assert deployments["app"]["spec"]["template"]["spec"]["imagePullSecrets"] == [
        {"name": "ecr-pull"}]
    assert kplus.EnvValue.from_secret_value(kplus.SecretValue(secret=config, key="k")) \
        .value_from is not None


@pytest.mark.parametrize("overrides", [
    {},
    {"builderIdentity": {"mode": "irsa", "oidcProviderArn": OIDC}},
    {"pullSecret": {"mode": "cronjob", "credentials": "secret", "namespaces": ["a", "b"],
                    "serviceAccounts": ["puller"]},
     "builderIdentity": {"mode": "pod-identity", "clusterName": "c", "namespace": "a",
                         "serviceAccount": "puller", "for": "custom"}},
    {"pullSecret": {"mode": "external-secrets", "credentials": "irsa", "oidcProviderArn": OIDC,
                    "namespaces": ["a", "b"]}, "replicationRegions": ["eu-west-1"]},
    {"pullSecret": {"mode": "external-secrets", "credentials": "secret",
                    "credentialsSecret": "keys"}},
])
def test_the_names_validation_checks_are_the_objects_the_chart_renders(
        overrides: dict[str, Any]) -> None:
    from ecr_cluster_access.params.rules import rendered_objects

    params = Parameters.from_mapping(params_dict(**overrides))
    rendered = {(o["kind"], o["metadata"]["namespace"], o["metadata"]["name"])
                for o in chart_objects(**overrides)}
    listed = {(kind, namespace, name)
              for kind, namespace, name, _ in rendered_objects(vars(params))}
    # listed too: the access key Secret and the Secret the operator writes, which are not
    # rendered but must not collide either
    assert rendered <= listed
    settings = params.pull_secret
    referred = set()
    if settings is not None and settings.mode == "external-secrets":
        referred |= {("Secret", n, settings.name) for n in params.pull_secret_namespaces}
    if params.credentials_secret_name is not None:
        namespaces = [params.namespace] if settings and settings.mode == "cronjob" else \
            params.pull_secret_namespaces
        referred |= {("Secret", n, params.credentials_secret_name) for n in namespaces}
    if params.builder_identity is not None and params.builder_identity.for_ == "garden":
        referred.add(("ServiceAccount", params.builder_namespace,
                      params.builder_service_account))
    assert listed - rendered == referred


def test_charts_and_constructs_take_scope_and_id_as_cdk8s_spells_them() -> None:
    params = Parameters.from_mapping(params_dict())
    app = cdk8s.App()
    EcrConfigChart(app, id="whole", params=params)
    chart = cdk8s.Chart(app, "own", namespace="default")
    EcrConfigSecret(scope=chart, id="secret", params=params)
    kinds = [o["kind"] for o in chart.to_json()]
    assert kinds == ["Secret"]
