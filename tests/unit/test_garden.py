"""builder-config's provider block, judged by Garden's own provider schema.

``GARDEN_KUBERNETES_PROVIDER`` is a transcription, into JSON Schema, of the Joi schema of
Garden's ``kubernetes`` provider, for the fields builder-config prints, taken from
garden-io/garden at commit 94dc2ec90579ac2e8de0e5ac012a7b085550b3f1,
``core/src/plugins/kubernetes/config.ts`` (``configSchema``: ``kubernetesConfigBase()`` plus
``name``, ``context: k8sContextSchema().required()``, ``deploymentRegistry``, ``namespace``,
..., ``.unknown(false)``; ``secretRef``: ``name: joiIdentifier().required()``, ``namespace:
joiIdentifier()``; ``buildMode`` one of ``local-docker``, ``kaniko``, ``cluster-buildkit``;
``clusterBuildkit``/``kaniko`` ``serviceAccountAnnotations: joiStringMap(joi.string())``) and
``core/src/config/common.ts`` (``identifierRegex``). Written here by hand, not generated from
this project, so a block Garden would refuse fails this test.
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from typing import Any

import jsonschema
import pytest
import yaml

from ecr_cluster_access.cli import main

from ..support.parameters import OIDC, params_dict
from ..support.tools import write_params

#: garden-io/garden core/src/config/common.ts, identifierRegex (a DNS label, not all digits).
GARDEN_IDENTIFIER = r"^(?![0-9]+$)(?!.*-$)(?!-)[a-z0-9-]{1,63}$"
STRING_MAP = {"type": "object", "additionalProperties": {"type": "string"}}
SECRET_REF = {"type": "object", "required": ["name"], "additionalProperties": False,
              "properties": {"name": {"type": "string", "pattern": GARDEN_IDENTIFIER},
                             "namespace": {"type": "string", "pattern": GARDEN_IDENTIFIER}}}
GARDEN_KUBERNETES_PROVIDER: dict[str, Any] = {
    "type": "object",
    "required": ["name", "context"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "pattern": GARDEN_IDENTIFIER},
        "context": {"type": "string"},
        "namespace": {"anyOf": [{"type": "string"}, {"type": "object"}]},
        "buildMode": {"enum": ["local-docker", "kaniko", "cluster-buildkit"]},
        "imagePullSecrets": {"type": "array", "items": SECRET_REF},
        "copySecrets": {"type": "array", "items": SECRET_REF},
        "deploymentRegistry": {
            "type": "object", "required": ["hostname"], "additionalProperties": False,
            "properties": {"hostname": {"type": "string"}, "port": {"type": "integer"},
                           "namespace": {"type": "string"}, "insecure": {"type": "boolean"}}},
        "clusterBuildkit": {"type": "object", "properties": {
            "serviceAccountAnnotations": STRING_MAP, "annotations": STRING_MAP,
            "cache": {"type": "array"}, "rootless": {"type": "boolean"}}},
        "kaniko": {"type": "object", "properties": {
            "serviceAccountAnnotations": STRING_MAP, "annotations": STRING_MAP,
            "namespace": {"type": ["string", "null"]}}},
    },
}


def builder_config(tmp_path: Any, *args: str, **overrides: Any) -> tuple[int, str]:
    config = write_params(tmp_path, params_dict(**overrides))
    out = io.StringIO()
    with redirect_stdout(out):
        try:
            code = main(["builder-config", "--config", str(config), *args])
        except SystemExit as stopped:
            code = int(stopped.code or 0)
    return code, out.getvalue()


def provider_of(printed: str) -> Any:
    (provider,) = yaml.safe_load(printed)["providers"]
    return provider


@pytest.mark.parametrize("overrides,args", [
    ({}, []),
    ({}, ["--context", "eks-prod", "--build-mode", "kaniko"]),
    ({"builderIdentity": {"mode": "irsa", "oidcProviderArn": OIDC, "namespace": "garden-x"},
      "pullSecret": {"mode": "cronjob", "credentials": "irsa", "oidcProviderArn": OIDC}},
     ["--context", "eks-prod"]),
    ({"builderIdentity": {"mode": "irsa", "oidcProviderArn": OIDC}, "imageTagMutability":
      "IMMUTABLE", "imageTagMutabilityExclusionFilters": ["_buildcache"]},
     ["--build-mode", "kaniko"]),
    ({"createOnPushPrefix": "ci", "namespace": "builds", "secretName": "registry-auth"}, []),
])
def test_the_provider_block_is_what_garden_s_schema_accepts(
        tmp_path: Any, overrides: dict[str, Any], args: list[str]) -> None:
    code, printed = builder_config(tmp_path, *args, **overrides)
    assert code == 0
    jsonschema.validate(provider_of(printed), GARDEN_KUBERNETES_PROVIDER)


def test_garden_s_schema_refuses_what_garden_refuses() -> None:
    good = {"name": "kubernetes", "context": "c", "buildMode": "cluster-buildkit",
            "imagePullSecrets": [{"name": "ecr-config", "namespace": "default"}]}
    jsonschema.validate(good, GARDEN_KUBERNETES_PROVIDER)
    for bad in ({k: v for k, v in good.items() if k != "context"},
                {**good, "registry": "x"},
                {**good, "buildMode": "buildkit"},
                {**good, "imagePullSecrets": [{"name": "registry.auth"}]},
                {**good, "clusterBuildkit": {"serviceAccountAnnotations": {"a": 1}}}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, GARDEN_KUBERNETES_PROVIDER)


def test_the_block_lists_the_pull_secret_the_annotation_and_the_context(tmp_path: Any) -> None:
    code, printed = builder_config(
        tmp_path, "--context", "eks-prod",
        builderIdentity={"mode": "irsa", "oidcProviderArn": OIDC, "namespace": "garden-x"},
        pullSecret={"mode": "cronjob", "credentials": "irsa", "oidcProviderArn": OIDC})
    assert code == 0
    assert provider_of(printed) == {
        "name": "kubernetes", "context": "eks-prod",
        "imagePullSecrets": [{"name": "ecr-config", "namespace": "default"},
                             {"name": "ecr-pull", "namespace": "default"}],
        "deploymentRegistry": {"hostname": "123456789012.dkr.ecr.us-east-1.amazonaws.com",
                               "namespace": "builds"},
        "buildMode": "cluster-buildkit",
        "clusterBuildkit": {"serviceAccountAnnotations": {
            "eks.amazonaws.com/role-arn":
                "arn:aws:iam::123456789012:role/EcrClusterAccess-builder"}}}
    assert "# context:" not in printed


def test_immutable_tags_warn_about_garden_s_cache_tag_unless_it_is_excluded(
        tmp_path: Any) -> None:
    warning = ("# imageTagMutability IMMUTABLE: Garden's cluster-buildkit overwrites its cache "
               "tag _buildcache on every build and ECR will refuse that push; add "
               "'_buildcache*' to imageTagMutabilityExclusionFilters")
    _, printed = builder_config(tmp_path, imageTagMutability="IMMUTABLE")
    assert warning in printed.splitlines()
    for filters in (["_buildcache"], ["_build*"], ["*cache"]):
        _, printed = builder_config(tmp_path, imageTagMutability="IMMUTABLE",
                                    imageTagMutabilityExclusionFilters=filters)
        assert warning not in printed.splitlines(), filters
    _, printed = builder_config(tmp_path, "--build-mode", "kaniko",
                               imageTagMutability="IMMUTABLE")
    assert warning not in printed.splitlines()


def test_a_secret_name_garden_cannot_reference_is_refused(tmp_path: Any, capsys: Any) -> None:
    code, printed = builder_config(tmp_path, secretName="registry.auth")
    assert code == 2 and printed == ""  # bad input, as every command
    assert capsys.readouterr().err.strip().endswith(
        "secretName: 'registry.auth' cannot be named in Garden's imagePullSecrets: Garden "
        "accepts a DNS label there (at most 63 lowercase letters, digits and '-', not only "
        "digits); rename the Secret")


def test_the_json_form_carries_the_same_block(tmp_path: Any) -> None:
    code, printed = builder_config(tmp_path, "--format", "json", "--context", "c")
    document = json.loads(printed)
    assert code == 0 and document["context"] == "c"
    assert document["warnings"] == []
