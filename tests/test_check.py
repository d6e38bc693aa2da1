"""The drift check's comparisons, on policy documents (the live runs are in test_deploy)."""

from __future__ import annotations

import json
from typing import Any

from ecr_cluster_access import PUSH_PULL_ACTIONS, Parameters, documents
from ecr_cluster_access.check import (
    creation_template_findings,
    replication_findings,
    repository_policy_findings,
    settings_findings,
)
from ecr_cluster_access.documents import policy_text, repository_policy_document

from .conftest import params_dict

ROLE = "arn:aws:iam::123456789012:role/k8s-worker"
ROLE_2 = "arn:aws:iam::123456789012:role/second"


def messages(text: str | None, roles: list[str] | None = None) -> list[str]:
    return [f.message for f in repository_policy_findings("repo", text, roles or [ROLE])]


def test_the_rendered_policy_is_in_sync() -> None:
    assert messages(policy_text(repository_policy_document([ROLE, ROLE_2])), [ROLE, ROLE_2]) == []


def test_action_order_and_case_do_not_matter() -> None:
    document = repository_policy_document([ROLE])
    document["Statement"][0]["Action"] = [a.upper() for a in reversed(PUSH_PULL_ACTIONS)]
    assert messages(json.dumps(document)) == []


def test_roles_split_across_statements_are_in_sync() -> None:
    document: dict[str, Any] = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": role}, "Action": list(PUSH_PULL_ACTIONS)}
        for role in (ROLE, ROLE_2)]}
    assert messages(json.dumps(document), [ROLE, ROLE_2]) == []


def test_a_missing_policy_is_reported() -> None:
    assert messages(None) == ["no repository policy: the worker roles are not granted push/pull"]


def test_a_missing_action_is_named() -> None:
    document = repository_policy_document([ROLE])
    document["Statement"][0]["Action"].remove("ecr:UploadLayerPart")
    assert messages(json.dumps(document)) == [
        f"worker role {ROLE} is not granted ecr:UploadLayerPart"]


def test_a_role_missing_from_the_policy_lacks_all_seven() -> None:
    (message,) = messages(json.dumps(repository_policy_document([ROLE])), [ROLE, ROLE_2])
    assert message == f"worker role {ROLE_2} is not granted {', '.join(PUSH_PULL_ACTIONS)}"


def test_an_extra_action_is_named() -> None:
    document = repository_policy_document([ROLE])
    document["Statement"][0]["Action"].append("ecr:DeleteRepository")
    assert messages(json.dumps(document)) == [
        f"worker role {ROLE} is also granted ecr:DeleteRepository, beyond the seven actions"]


def test_a_wildcard_action_covers_the_seven_but_is_extra() -> None:
    document = repository_policy_document([ROLE])
    document["Statement"][0]["Action"] = ["ecr:*"]
    assert messages(json.dumps(document)) == [
        f"worker role {ROLE} is also granted ecr:*, beyond the seven actions"]


def test_a_partial_wildcard_names_what_it_misses() -> None:
    document = repository_policy_document([ROLE])
    document["Statement"][0]["Action"] = ["ecr:*LayerUpload", "ecr:Batch*"]
    assert messages(json.dumps(document)) == [
        f"worker role {ROLE} is not granted ecr:GetDownloadUrlForLayer, ecr:PutImage, "
        "ecr:UploadLayerPart",
        f"worker role {ROLE} is also granted ecr:*LayerUpload, ecr:Batch*, beyond the seven "
        "actions"]


def test_an_extra_principal_is_named() -> None:
    document = repository_policy_document([ROLE, "arn:aws:iam::999999999999:root"])
    assert messages(json.dumps(document)) == [
        "statement 'AllowPushPull' grants principal 'arn:aws:iam::999999999999:root', which is "
        "not a worker role in the parameters"]


def test_a_wildcard_principal_is_named() -> None:
    document = repository_policy_document([ROLE])
    document["Statement"].append({"Sid": "Open", "Effect": "Allow", "Principal": "*",
                                  "Action": "ecr:BatchGetImage"})
    assert messages(json.dumps(document)) == [
        "statement 'Open' grants principal '*', which is not a worker role in the parameters"]


def test_a_deny_or_conditional_statement_is_extra() -> None:
    document = repository_policy_document([ROLE])
    document["Statement"] += [
        {"Sid": "Deny", "Effect": "Deny", "Principal": {"AWS": ROLE}, "Action": "ecr:PutImage"},
        {"Sid": "Cond", "Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "ecr:PutImage",
         "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
    ]
    assert messages(json.dumps(document)) == [
        "statement 'Deny' is not in the parameters (Effect 'Deny')",
        "statement 'Cond' is not in the parameters (Condition)"]


def describe(**overrides: Any) -> dict[str, Any]:
    description = {"imageTagMutability": "MUTABLE",
                   "imageScanningConfiguration": {"scanOnPush": True},
                   "encryptionConfiguration": {"encryptionType": "AES256"}}
    description.update(overrides)
    return description


def test_settings_in_sync() -> None:
    assert settings_findings("repo", describe(), None, Parameters.from_mapping(params_dict())) == []


def test_settings_drift_is_named_one_line_each() -> None:
    params = Parameters.from_mapping(params_dict(lifecycle={"untaggedExpireDays": 7}))
    found = settings_findings("repo", describe(imageTagMutability="IMMUTABLE",
                                               imageScanningConfiguration={"scanOnPush": False}),
                              None, params)
    assert [f.message for f in found] == [
        "image tag mutability is 'IMMUTABLE', the parameters say 'MUTABLE'",
        "scan on push is False, the parameters say True",
        "has no lifecycle policy; the parameters set lifecycle rules"]


def test_lifecycle_is_compared_by_rule_not_by_text() -> None:
    params = Parameters.from_mapping(params_dict(lifecycle={"keepLastImages": 30}))
    assert documents.lifecycle_policy(params)
    rules = documents.lifecycle_policy(params)["rules"]
    rules[0]["description"] = "edited in the console"
    assert settings_findings("repo", describe(), json.dumps({"rules": rules}), params) == []
    rules[0]["selection"]["countNumber"] = 31
    assert [f.message for f in settings_findings("repo", describe(), json.dumps(
        {"rules": rules}), params)] == [
        "lifecycle policy differs from the parameters' lifecycle rules"]


def test_an_unexpected_lifecycle_policy_is_drift() -> None:
    params = Parameters.from_mapping(params_dict())
    text = json.dumps({"rules": [{"rulePriority": 1, "selection": {"tagStatus": "any"},
                                  "action": {"type": "expire"}}]})
    assert [f.message for f in settings_findings("repo", describe(), text, params)] == [
        "has a lifecycle policy; the parameters set no lifecycle rule"]


# --- the create-on-push template --------------------------------------------------------------

def template_description(params: Parameters, **overrides: Any) -> dict[str, Any]:
    description: dict[str, Any] = {
        "prefix": params.create_on_push_prefix, "appliedFor": ["CREATE_ON_PUSH"],
        "repositoryPolicy": policy_text(documents.repository_policy(params)),
        "imageTagMutability": params.effective_tag_mutability,
        "encryptionConfiguration": {"encryptionType": params.encryption}}
    description.update(overrides)
    return description


def test_a_matching_creation_template_is_in_sync() -> None:
    params = Parameters.from_mapping(params_dict(createOnPushPrefix="builds"))
    assert creation_template_findings(template_description(params), params) == []


def test_a_missing_creation_template_is_reported() -> None:
    params = Parameters.from_mapping(params_dict(createOnPushPrefix="builds"))
    assert [str(f) for f in creation_template_findings(None, params)] == [
        "creation template builds/: does not exist: pushes of new image names will fail"]


def test_creation_template_drift_is_named() -> None:
    params = Parameters.from_mapping(params_dict(createOnPushPrefix="builds"))
    document = documents.repository_policy(params)
    document["Statement"][0]["Action"].remove("ecr:PutImage")
    found = creation_template_findings(template_description(
        params, appliedFor=["REPLICATION"], repositoryPolicy=json.dumps(document),
        imageTagMutability="IMMUTABLE"), params)
    assert [f.message for f in found] == [
        "applies to ['REPLICATION'], not CREATE_ON_PUSH",
        f"worker role {ROLE} is not granted ecr:PutImage",
        "image tag mutability is 'IMMUTABLE', the parameters say 'MUTABLE'"]


# --- replication ------------------------------------------------------------------------------

def replication_params() -> Parameters:
    return Parameters.from_mapping(params_dict(repositories=["builds/a", "other/b"],
                                               replicationRegions=["us-west-2", "eu-west-1"]))


def rule(regions: list[str], filters: list[str] | None) -> dict[str, Any]:
    return {"destinations": [{"region": r, "registryId": "123456789012"} for r in regions],
            "repositoryFilters": [{"filter": f, "filterType": "PREFIX_MATCH"}
                                  for f in filters or []]}


def test_replication_in_sync() -> None:
    config = {"rules": [rule(["us-west-2", "eu-west-1"], ["builds/", "other/b"])]}
    assert replication_findings(config, replication_params()) == []


def test_replication_missing_region_and_repository_are_named() -> None:
    config = {"rules": [rule(["us-west-2"], ["builds/"])]}
    assert [str(f) for f in replication_findings(config, replication_params())] == [
        "other/b: is not replicated to us-west-2",
        "region eu-west-1: replication to this region is not configured"]
