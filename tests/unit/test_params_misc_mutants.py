"""Small helpers of ``ecr_cluster_access.params`` called directly, with literal expectations.

Several of them run at import time (the quotas, the schema file, the README tables), where a
test that only reads their results cannot tell a changed helper from the original; each is
called here at test time. Every value is built inside its test.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ecr_cluster_access.params import (
    LifecycleRule,
    ParameterError,
    Parameters,
    load_parameters,
    quotas,
    schema,
)
from ecr_cluster_access.params.limits import minimum_shards
from ecr_cluster_access.params.rules import push_principals
from ecr_cluster_access.params.template_size import plan, template_model

from ..support.parameters import params_dict

# --- rules.push_principals --------------------------------------------------------------------

BUILDER = {"mode": "pod-identity", "cluster_name": "c"}
DEVELOPERS = ["arn:aws:iam::123456789012:role/dev"]


@pytest.mark.parametrize(("values", "who"), [
    ({}, ["the worker roles"]),
    ({"worker_access": "push-pull"}, ["the worker roles"]),
    ({"worker_access": "pull"}, []),
    ({"worker_access": "pull", "builder_identity": BUILDER}, ["the builder role"]),
    ({"worker_access": "pull", "developer_principal_arns": DEVELOPERS},
     ["the developer principals"]),
    ({"worker_access": "pull", "developer_principal_arns": []}, []),
    ({"builder_identity": BUILDER, "developer_principal_arns": DEVELOPERS},
     ["the builder role", "the developer principals", "the worker roles"]),
])
def test_push_principals_names_who_may_push(values: dict[str, Any], who: list[str]) -> None:
    assert push_principals(values) == who


# --- schema -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "cell"), [
    ("plain", "plain"),
    ("a|b", "a\\|b"),
    ("x || y", "x \\|\\| y"),
    ("<tag>", "&lt;tag>"),
    ("*.example", "\\*.example"),
    ("a|<*", "a\\|&lt;\\*"),
])
def test_cell_escapes_column_breaks_tags_and_emphasis(text: str, cell: str) -> None:
    assert schema._cell(text) == cell


@pytest.mark.parametrize(("cdk_json", "title"), [
    (False, "ecr-cluster-access parameters"),
    (True, "cdk.json with an ecr-cluster-access block"),
])
def test_schema_text_is_the_schema_asked_for(cdk_json: bool, title: str) -> None:
    text = schema.schema_text(cdk_json)
    assert text.startswith('{\n  "$schema": "https://json-schema.org/draft/2020-12/schema",\n')
    assert text.endswith("\n}\n")
    assert json.loads(text)["title"] == title


@pytest.mark.parametrize("cdk_json", [False, True])
def test_schema_text_writes_non_ascii_text_as_is(monkeypatch: pytest.MonkeyPatch,
                                                 cdk_json: bool) -> None:
    """The shipped text is UTF-8 as written, not ``\\u`` escapes (today's schema is ASCII)."""
    fake = {"description": "équipe → ✓"}
    monkeypatch.setattr(schema, "json_schema", lambda: fake)
    monkeypatch.setattr(schema, "cdk_json_schema", lambda: fake)
    assert schema.schema_text(cdk_json) == '{\n  "description": "équipe → ✓"\n}\n'


def test_object_schema_takes_its_description_from_the_docstring_only(
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert schema._object_schema(LifecycleRule)["description"] == (
        "A lifecycle rule for tagged images: which tags, and how many or how old to keep.")
    monkeypatch.setattr(LifecycleRule, "__doc__", None)
    with pytest.raises(IndexError):  # no invented description
        schema._object_schema(LifecycleRule)


# --- template_size.plan -----------------------------------------------------------------------

def test_plan_measures_each_stack_of_its_own_part() -> None:
    """Each stack's bytes are its whole template as ``cdk synth`` writes it (indent 1, UTF-8):
    the registry stack holds no repository, each shard two."""
    params = Parameters.from_mapping(
        params_dict(repositories=["alpha", "beta", "gamma", "delta"], shards=2))
    stacks = plan(params)
    assert [(s.stack_name, s.part, s.repositories) for s in stacks] == [
        ("EcrClusterAccess-registry", "registry", 0),
        ("EcrClusterAccess-shard-000", 0, 2),
        ("EcrClusterAccess-shard-001", 1, 2)]
    for stack in stacks:
        whole = json.dumps(template_model(params, part=stack.part), indent=1,
                           ensure_ascii=False)
        assert stack.template_bytes == len(whole.encode())


# --- quotas -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("key", "pick", "names", "limit"), [
    ("maxLength", min, ("AWS::ECR::Repository.Tags.Key",), 127),
    ("maxLength", min, ("AWS::ECR::Repository.Tags.Key", "AWS::IAM::Role.Tags.Key"), 127),
    ("maxLength", max, ("AWS::ECR::Repository.Tags.Key", "AWS::IAM::Role.Tags.Key"), 128),
    ("minLength", max, ("AWS::ECR::Repository.Tags.Value", "AWS::IAM::Role.Tags.Value"), 1),
    ("minLength", min, ("AWS::ECR::Repository.Tags.Value", "AWS::IAM::Role.Tags.Value"), 0),
    ("maxLength", min, ("AWS::IAM::Role.RoleName", "AWS::IAM::User.UserName"), 64),
    ("minLength", max, ("AWS::ECR::Repository.RepositoryName",), 2),
])
def test_limit_picks_among_the_resources_schemas(key: str, pick: Any, names: tuple[str, ...],
                                                 limit: int) -> None:
    assert quotas._limit(key, pick, *names) == limit


# --- limits.minimum_shards --------------------------------------------------------------------

@pytest.mark.parametrize(("repositories", "shards"), [
    (0, 2), (1, 2), (392, 2), (784, 2), (785, 3), (980, 3), (1176, 3), (1177, 4),
    (3920, 10), (3921, 11),
])
def test_minimum_shards_fills_stacks_to_80_percent_of_490(repositories: int,
                                                          shards: int) -> None:
    assert minimum_shards(repositories) == shards


# --- io.load_parameters: the CLI dropped cdk.json's __proto__ key ------------------------------

@pytest.mark.parametrize("context_block", [
    params_dict(region="us-west-2"),  # same keys, one value differs
    params_dict(stackName="FromContext"),  # a key the file does not have
])
def test_a_context_block_not_the_files_without_proto_is_the_context(
        tmp_path: Path, context_block: dict[str, Any]) -> None:
    (tmp_path / "cdk.json").write_text(json.dumps(
        {"context": {"ecr-cluster-access": {**params_dict(), "__proto__": 1}}}),
        encoding="utf-8")
    env = {"CDK_CONTEXT_JSON": json.dumps({"ecr-cluster-access": context_block})}
    params = load_parameters(tmp_path, env)
    assert (params.region, params.stack_name) == (
        context_block["region"], context_block.get("stackName", "EcrClusterAccess"))


def test_the_files_block_is_read_when_only_proto_was_dropped(tmp_path: Path) -> None:
    (tmp_path / "cdk.json").write_text(json.dumps(
        {"context": {"ecr-cluster-access": {**params_dict(), "__proto__": 1}}}),
        encoding="utf-8")
    env = {"CDK_CONTEXT_JSON": json.dumps({"ecr-cluster-access": params_dict()})}
    with pytest.raises(ParameterError) as caught:
        load_parameters(tmp_path, env)
    assert caught.value.problems[0].startswith(
        f"{tmp_path}/cdk.json context.ecr-cluster-access: __proto__: unknown key: ")
