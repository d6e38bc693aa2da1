"""The cluster half through the real tools: the cdk8s CLI, kubectl, kubernetes-validate and the
External Secrets operator's schemas."""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from ..support.parameters import OIDC, params_dict
from ..support.tools import NODE_BIN, SUPPORT, VENV_BIN, require_tool, run, write_params
from ..unit.test_chart import GUIDE_CONFIG, chart_objects, kubernetes_versions


def cdk8s_synth(outdir: Path, **env: str) -> Any:
    cli = require_tool(NODE_BIN / "cdk8s")
    return run([cli, "synth", "--check-upgrade=false", "--output", str(outdir)], **env)


def test_cdk8s_synth_writes_the_manifest_to_dist(tmp_path: Path) -> None:
    result = cdk8s_synth(tmp_path / "dist")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "dist").iterdir()) == [
        "ecr-cluster-access.k8s.yaml"]


def test_cdk8s_synth_refuses_bad_parameters_and_leaves_no_dist(tmp_path: Path) -> None:
    config = write_params(tmp_path, params_dict(namespace="Kube_System"))
    result = cdk8s_synth(tmp_path / "dist", ECR_CLUSTER_ACCESS_CONFIG=str(config))
    assert result.returncode != 0
    assert (f"ecr-cluster-access: error: {config}: namespace: 'Kube_System' is not a DNS-1123 "
            "label") in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "dist").exists()


def test_two_cdk8s_synths_give_byte_identical_files(tmp_path: Path) -> None:
    config = write_params(tmp_path, params_dict(
        region="eu-west-1", workerRoleArns=["arn:aws:iam::123456789012:role/nodes"]))
    files = []
    for attempt in ("one", "two"):
        assert cdk8s_synth(tmp_path / attempt,
                           ECR_CLUSTER_ACCESS_CONFIG=str(config)).returncode == 0
        files.append((tmp_path / attempt / "ecr-cluster-access.k8s.yaml").read_bytes())
    assert files[0] == files[1]


def test_running_the_cdk8s_half_never_imports_aws_cdk(tmp_path: Path) -> None:
    code = (
        "import runpy, sys\n"
        "runpy.run_path('main.py', run_name='__main__')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'aws_cdk', 'cdk8s'}))\n"
    )
    result = run([sys.executable, "-c", code], CDK8S_OUTDIR=str(tmp_path), check=True)
    assert result.stdout.strip() == "['cdk8s']"
    assert (tmp_path / "ecr-cluster-access.k8s.yaml").exists()


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


#: Every option the cluster half renders, for the schema checks.
FULL_CRONJOB = params_dict(
    pullSecret={"mode": "cronjob", "credentials": "secret", "namespaces": ["apps", "default"],
                "serviceAccounts": ["puller", "ecr-builder"]},
    builderIdentity={"mode": "irsa", "oidcProviderArn": "arn:aws:iam::123456789012:"
                     "oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E5"})


FULL_EXTERNAL_SECRETS = params_dict(
    pullSecret={"mode": "external-secrets", "credentials": "secret", "namespaces": ["apps", "web"],
                "serviceAccounts": ["puller"], "refreshHours": 4},
    builderIdentity={"mode": "pod-identity", "clusterName": "builds"})


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


def test_kubernetes_validate_strict_rejects_an_unknown_field(tmp_path: Path) -> None:
    assert cdk8s_synth(tmp_path / "dist").returncode == 0
    (manifest,) = (tmp_path / "dist").glob("*.k8s.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text(manifest.read_text().replace("type:", "secretType:"))
    result = run([require_tool(VENV_BIN / "kubernetes-validate"), "--strict", "--quiet",
                  str(broken)])
    assert result.returncode != 0


def operator_schema_results(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``{kind, name, namespace, error}`` for each External Secrets object, from the typed
    models of the operator's CRD schemas (@kubernetes-models/external-secrets)."""
    script = str(SUPPORT / "validate_crds.mjs")
    results: list[dict[str, Any]] = json.loads(
        run([require_tool("node"), script], input=json.dumps(objects), check=True).stdout)
    return results


VALID_IN_A_AND_B = [("ECRAuthorizationToken", "a", None), ("ExternalSecret", "a", None),
                    ("ECRAuthorizationToken", "b", None), ("ExternalSecret", "b", None)]


def test_external_secrets_resources_match_the_operator_schemas() -> None:
    objects = chart_objects(pullSecret={"mode": "external-secrets", "credentials": "secret",
                                        "namespaces": ["a", "b"]})
    assert [(r["kind"], r["namespace"], r["error"])
            for r in operator_schema_results(objects)] == VALID_IN_A_AND_B
    # control: a value the schema refuses is caught
    for o in objects:
        if o["kind"] == "ExternalSecret":
            o["spec"]["target"]["creationPolicy"] = "Sometimes"
    assert all("creationPolicy" in r["error"] for r in operator_schema_results(objects)
               if r["kind"] == "ExternalSecret")


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


#: Each credentials mode of the External Secrets variant (pod-identity is refused for it: the
#: generator can only use the operator's own Pod Identity), and the part of the generator it
#: sets, which its control breaks.
ESO_MODES: dict[str, tuple[dict[str, Any], list[str]]] = {
    "node": ({"credentials": "node"}, ["region"]),
    "irsa": ({"credentials": "irsa", "oidcProviderArn": OIDC},
             ["auth", "jwt", "serviceAccountRef", "name"]),
    "secret": ({"credentials": "secret"},
               ["auth", "secretRef", "accessKeyIDSecretRef", "key"]),
    "secret-role": ({"credentials": "secret",
                     "roleArn": "arn:aws:iam::123456789012:role/ecr-puller"}, ["role"]),
}


@pytest.mark.parametrize("mode", sorted(ESO_MODES))
def test_each_credentials_mode_renders_valid_external_secrets_resources(mode: str) -> None:
    settings, part = ESO_MODES[mode]
    extra = {"workerAccess": "pull", "builderIdentity": {
        "mode": "pod-identity", "clusterName": "c"}} if mode == "node" else {}
    objects = chart_objects(**extra, pullSecret={"mode": "external-secrets",
                                                 "namespaces": ["a", "b"], **settings})
    assert [(r["kind"], r["namespace"], r["error"])
            for r in operator_schema_results(objects)] == VALID_IN_A_AND_B
    generators = [o for o in objects if o["kind"] == "ECRAuthorizationToken"]
    spec = generators[0]["spec"]
    value: Any = spec
    for key in part:
        value = value[key]  # the mode's own part is there
    assert ("auth" in spec) == (mode != "node") and ("role" in spec) == (mode == "secret-role")
    accounts = [o for o in objects if o["kind"] == "ServiceAccount"
                and o["metadata"]["name"] == "ecr-pull-refresher"]
    assert [(a["metadata"]["namespace"], a["metadata"].get("annotations")) for a in accounts] == (
        [(ns, {"eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/"
               "EcrClusterAccess-refresher"}) for ns in ("a", "b")] if mode == "irsa" else [])
    # control: the mode's own part with a value of the wrong type is refused by the schema
    for generator in generators:
        target = generator["spec"]
        for key in part[:-1]:
            target = target[key]
        target[part[-1]] = 12345
    refused = [r for r in operator_schema_results(objects)
               if r["kind"] == "ECRAuthorizationToken"]
    assert refused and all(r["error"] and part[-1] in r["error"] for r in refused), refused


KPLUS_APP = '''
import cdk8s
import cdk8s_plus_35 as kplus

from cdk8s_charts import EcrConfigSecret, EcrPullSecret
from ecr_cluster_access.params import load_parameters_or_exit

params = load_parameters_or_exit()
app = cdk8s.App()
chart = cdk8s.Chart(app, "workloads")
builder_auth = EcrConfigSecret(chart, "Config", params=params)
pull = EcrPullSecret(chart, "Pull", params=params)
for name, secret in (("builder", builder_auth), ("web", pull)):
    kplus.Deployment(chart, name, docker_registry_auth=secret, containers=[
        kplus.ContainerProps(image="nginx@sha256:" + "a" * 64)])
app.synth()
'''


def test_a_cdk8s_plus_deployment_lists_the_secrets_in_image_pull_secrets(tmp_path: Path) -> None:
    # GIVEN a user's cdk8s-plus app that hands both Secrets to Deployments
    (tmp_path / "app.py").write_text(KPLUS_APP)
    (tmp_path / "cdk8s.yaml").write_text(f"language: python\napp: {sys.executable} app.py\n")
    config = write_params(tmp_path, params_dict(
        pullSecret={"mode": "cronjob", "credentials": "secret"}))
    # WHEN the cdk8s CLI synthesizes it
    result = run([require_tool(NODE_BIN / "cdk8s"), "synth", "--check-upgrade=false"],
                 cwd=tmp_path, ECR_CLUSTER_ACCESS_CONFIG=str(config))
    assert result.returncode == 0, result.stderr
    objects = list(yaml.safe_load_all((tmp_path / "dist" / "workloads.k8s.yaml").read_text()))
    # THEN each Deployment names its Secret, never an empty reference
    pulls = {o["metadata"]["name"].split("-")[1]:
             o["spec"]["template"]["spec"]["imagePullSecrets"]
             for o in objects if o["kind"] == "Deployment"}
    assert pulls == {"builder": [{"name": "ecr-config"}], "web": [{"name": "ecr-pull"}]}
