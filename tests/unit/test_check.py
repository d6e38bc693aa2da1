"""The drift check on account states: every case that once read as "in sync" when access
differed, every response shape that once crashed it, and the comparisons it keeps (the
live runs against moto_server are in test_check_live.py and test_deploy.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ecr_cluster_access import PUSH_PULL_ACTIONS, Parameters, documents
from ecr_cluster_access.check import CANNOT_VERIFY, AccountState, Finding, findings
from ecr_cluster_access.check.compare import (
    creation_template_findings,
    replication_findings,
    repository_policy_findings,
    settings_findings,
)
from ecr_cluster_access.documents import policy_text, repository_policy_document

from ..support.accounts import in_sync_state, policy_of, set_policy
from ..support.parameters import OIDC, params_dict

ROLE = "arn:aws:iam::123456789012:role/k8s-worker"
ROLE_2 = "arn:aws:iam::123456789012:role/second"
STRANGER = "arn:aws:iam::999999999999:role/stranger"
FULL = params_dict(
    repositories=["builds/app", "builds/web"],
    workerRoleArns=[ROLE, ROLE_2, "arn:aws:iam::210987654321:role/other-cluster"],
    builderIdentity={"mode": "irsa", "oidcProviderArn": OIDC, "namespace": "ci",
                     "serviceAccount": "buildkit", "for": "custom"},
    replicationRegions=["us-west-2"], lifecycle={"untaggedExpireDays": 7},
    developerPrincipalArns=["arn:aws:iam::123456789012:group/devs"],
    createOnPushPrefix="builds", tags={"team": "platform"})
BUILDER = "arn:aws:iam::123456789012:role/EcrClusterAccess-builder"


def full() -> tuple[Parameters, AccountState]:
    params = Parameters.from_mapping(FULL)
    return params, in_sync_state(params)


def lines(found: list[Finding]) -> list[str]:
    return [f"{'cannot verify' if f.kind == CANNOT_VERIFY else 'drift'}: {f}" for f in found]


def deny_all(action: str = "ecr:*") -> dict[str, Any]:
    return {"Version": "2012-10-17",
            "Statement": [{"Effect": "Deny", "Action": action, "Resource": "*"}]}


# --- in sync ------------------------------------------------------------------------------------

def test_the_deployed_state_is_in_sync() -> None:
    params, state = full()
    assert findings(params, state) == []


def test_the_minimal_deployed_state_is_in_sync() -> None:
    params = Parameters.from_mapping(params_dict())
    assert findings(params, in_sync_state(params)) == []


# --- blocked workers ----------------------------------------------------------------------------

def test_a_second_inline_policy_denying_ecr_is_drift_naming_role_action_and_policy() -> None:
    params, state = full()
    state.roles[ROLE].inline["lockdown"] = deny_all()
    (finding,) = [f for f in findings(params, state) if f.role == ROLE]
    assert str(finding).startswith(f"role {ROLE}: is denied ecr:BatchCheckLayerAvailability, ")
    assert finding.message.endswith("on 5 repositories and '*' by inline policy lockdown")
    assert "ecr:GetAuthorizationToken" in finding.actions
    # the replicas, and create-on-push under the prefix (a new name there stands for it)
    assert finding.repositories == ("builds/app", "builds/web", "builds/app in us-west-2",
                                    "builds/web in us-west-2", "builds/x")


def test_a_deny_of_the_token_alone_is_drift() -> None:
    params, state = full()
    state.roles[ROLE].inline["no-token"] = deny_all("ecr:GetAuthorizationToken")
    assert lines(findings(params, state)) == [
        f"drift: role {ROLE}: is denied ecr:GetAuthorizationToken on '*' by inline policy "
        "no-token"]


def test_a_boundary_allowing_only_s3_is_drift_naming_the_boundary() -> None:
    params, state = full()
    role = state.roles[ROLE]
    role.boundary_arn = "arn:aws:iam::123456789012:policy/s3-only"
    role.boundary = {"Version": "2012-10-17",
                     "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    (finding,) = findings(params, state)
    assert finding.message.startswith("is not allowed ecr:BatchCheckLayerAvailability")
    assert finding.message.endswith(
        "its permissions boundary arn:aws:iam::123456789012:policy/s3-only does not allow it")


def test_a_boundary_allowing_ecr_keeps_it_in_sync() -> None:
    params, state = full()
    role = state.roles[ROLE]
    role.boundary_arn = "arn:aws:iam::123456789012:policy/ecr-and-s3"
    role.boundary = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["ecr:*", "s3:*"], "Resource": "*"}]}
    assert findings(params, state) == []


# --- widened access -----------------------------------------------------------------------------

def test_a_replication_destination_in_another_account_is_drift() -> None:
    params, state = full()
    assert state.replication is not None
    state.replication["rules"][0]["destinations"].append(
        {"region": "eu-west-1", "registryId": "999999999999"})
    assert lines(findings(params, state)) == [
        "drift: replication configuration: has a rule the parameters do not make: repositories "
        "starting with [\"builds/app\",\"builds/web\",\"builds/\"] to us-west-2 in 123456789012, "
        "eu-west-1 in 999999999999 (another account)",
        "drift: replication configuration: lacks the rule replicating 3 prefixes to us-west-2 "
        "in 123456789012"]


def test_a_replication_rule_without_replication_regions_is_drift() -> None:
    params = Parameters.from_mapping(params_dict())
    state = in_sync_state(params)
    state.replication = {"rules": [{"destinations": [
        {"region": "us-east-1", "registryId": "999999999999"}]}]}
    assert lines(findings(params, state)) == [
        "drift: replication configuration: has a rule the parameters do not make: every "
        "repository to us-east-1 in 999999999999 (another account)"]


def test_a_loosened_builder_trust_is_drift() -> None:
    params, state = full()
    trust = state.roles[BUILDER].trust
    issuer = OIDC.split(":oidc-provider/")[1]
    trust["Statement"][0]["Condition"] = {
        "StringLike": {f"{issuer}:sub": "system:serviceaccount:*:*"},
        "StringEquals": {f"{issuer}:aud": "sts.amazonaws.com"}}
    found = lines(findings(params, state))
    assert len(found) == 2
    assert found[0].startswith(f"drift: role {BUILDER}: the trust policy has Allow of "
                               "sts:AssumeRoleWithWebIdentity for Federated")
    assert "system:serviceaccount:*:*" in found[0]
    assert found[1].startswith(f"drift: role {BUILDER}: the trust policy lacks Allow of "
                               "sts:AssumeRoleWithWebIdentity")


@pytest.mark.parametrize("role", [ROLE, BUILDER])
def test_ecr_star_on_star_for_a_role_is_drift(role: str) -> None:
    params, state = full()
    state.roles[role].inline["admin"] = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}]}
    found = [f for f in findings(params, state) if "is also allowed" in f.message]
    (finding,) = found
    assert finding.role == role and "ecr:DeleteRepository" in finding.actions
    assert finding.message.startswith("is also allowed ecr:BatchDeleteImage, ")
    assert "by inline policy admin, beyond what the parameters grant" in finding.message
    if role == BUILDER:
        assert f"drift: role {BUILDER}: has inline policy admin, which the stack does not " \
            "attach" in lines(findings(params, state))


def test_a_registry_policy_letting_another_account_create_repositories_is_drift() -> None:
    params, state = full()
    state.registry_policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "Others", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"},
        "Action": ["ecr:CreateRepository", "ecr:ReplicateImage"],
        "Resource": "arn:aws:ecr:us-east-1:123456789012:repository/*"}]})
    assert lines(findings(params, state)) == [
        "drift: registry policy: has statement 'Others': Allow of ecr:CreateRepository, "
        "ecr:ReplicateImage for AWS arn:aws:iam::999999999999:root on "
        "arn:aws:ecr:us-east-1:123456789012:repository/*; the parameters set no registry policy"]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("appliedFor", ["CREATE_ON_PUSH", "REPLICATION"],
     "applies to [\"CREATE_ON_PUSH\",\"REPLICATION\"], the parameters say [\"CREATE_ON_PUSH\"]"),
    ("customRoleArn", "arn:aws:iam::123456789012:role/anything",
     "custom role is \"arn:aws:iam::123456789012:role/anything\", the parameters say "
     "\"arn:aws:iam::123456789012:role/EcrClusterAccess-us-east-1-ecr-template\""),
    ("resourceTags", [{"Key": "team", "Value": "platform"}, {"Key": "x", "Value": "y"}],
     "resource tags are {\"team\":\"platform\",\"x\":\"y\"}, the parameters say "
     "{\"team\":\"platform\"}"),
])
def test_every_creation_template_field_is_compared(field: str, value: Any, message: str) -> None:
    params, state = full()
    assert state.creation_template is not None
    state.creation_template[field] = value
    assert lines(findings(params, state)) == [f"drift: creation template builds/: {message}"]


# --- ignored before -----------------------------------------------------------------------------

def test_a_grant_on_another_repository_is_not_a_grant() -> None:
    params, state = full()
    document = policy_of(state, "builds/app")
    document["Statement"][0]["Resource"] = "arn:aws:ecr:us-east-1:123456789012:repository/other"
    set_policy(state, "builds/app", document)
    found = lines(findings(params, state))
    assert any("the repository policy's statement 'AllowPushPull': Allow of " in line and
               "on arn:aws:ecr:us-east-1:123456789012:repository/other is not a grant the "
               "parameters make" in line for line in found)
    assert any(line.startswith(f"drift: role {ROLE}: is not allowed ecr:CompleteLayerUpload, "
                               "ecr:InitiateLayerUpload, ecr:PutImage, ecr:UploadLayerPart on "
                               "builds/app") for line in found)


# --- crashes and misleading errors --------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "[]", "null", "7", '"text"', "{}", '{"Statement": "x"}', '{"Statement": ["x", 3]}',
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": '
    '[{"a": 1}]}, "Action": "ecr:PutImage"}]}',
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": '
    '"arn:aws:iam::123456789012:role/k8s-worker"}, "Action": [1, null]}]}',
    "not json", "%7B%22x%22",
])
def test_no_repository_policy_shape_crashes_the_check(text: str) -> None:
    params, state = full()
    set_policy(state, "builds/app", text)
    found = findings(params, state)
    assert found and all(f.kind in ("drift", CANNOT_VERIFY) for f in found)
    assert any(f.subject == "builds/app" for f in found)


@pytest.mark.parametrize("text", [
    '{"rules": [{"selection": {"tagStatus": "any"}, "action": {"type": "expire"}}]}',
    '{"rules": "x"}', "[]", "null", "{", '{"rules": [3]}'])
def test_no_lifecycle_shape_crashes_the_check(text: str) -> None:
    params, state = full()
    state.repositories["builds/app"].lifecycle = text
    (finding,) = [f for f in findings(params, state) if f.subject == "builds/app"]
    assert "lifecycle" in finding.message


@pytest.mark.parametrize("document", [None, [], "x", {"Statement": None},
                                      {"Version": "2012-10-17", "Statement": [{"Effect": 1}]}])
def test_no_identity_policy_shape_crashes_the_check(document: Any) -> None:
    params, state = full()
    state.roles[ROLE].inline["odd"] = document
    found = findings(params, state)
    assert found and {f.kind for f in found} == {CANNOT_VERIFY}


# --- false drift --------------------------------------------------------------------------------

def test_a_token_granted_through_not_action_is_not_missing() -> None:
    params, state = full()
    del state.roles[ROLE].inline[documents.token_policy_name(params)]
    state.roles[ROLE].attached.clear()
    state.roles[ROLE].inline["broad"] = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "NotAction": ["iam:*", "s3:*"], "Resource": "*"}]}
    found = lines(findings(params, state))
    assert not any("ecr:GetAuthorizationToken" in line and "is not allowed" in line
                   for line in found)
    # ...but the stack's own policy is gone, and the broad one allows far more
    assert any("the stack's inline policy EcrClusterAccess-us-east-1-ecr-token does not exist"
               in line for line in found)
    assert any("is also allowed ecr:BatchDeleteImage" in line for line in found)


# --- the deny line names the role and the action ------------------------------------------------

def test_a_deny_in_a_repository_policy_names_role_and_action() -> None:
    params, state = full()
    document = policy_of(state, "builds/web")
    document["Statement"].append({"Sid": "NoPush", "Effect": "Deny",
                                  "Principal": {"AWS": ROLE}, "Action": "ecr:PutImage"})
    set_policy(state, "builds/web", document)
    assert lines(findings(params, state)) == [
        f"drift: builds/web: the repository policy's statement 'NoPush': Deny of ecr:PutImage "
        f"for AWS {ROLE} is not a grant the parameters make",
        f"drift: role {ROLE}: is denied ecr:PutImage on builds/web by the repository policy"]


# --- undecidable is never in sync ---------------------------------------------------------------

def test_a_condition_that_could_deny_is_cannot_verify() -> None:
    params, state = full()
    state.roles[ROLE].inline["maybe"] = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Deny", "Action": "ecr:PutImage", "Resource": "*",
        "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}}]}
    (finding,) = findings(params, state)
    assert finding.kind == CANNOT_VERIFY
    assert finding.message == ("needs ecr:PutImage on builds/app, builds/web; whether it has "
                               "them depends on inline policy maybe (a Condition), which check "
                               "cannot decide")


# --- the documents the stack manages ------------------------------------------------------------

def test_the_worker_token_policy_is_compared_exactly() -> None:
    params, state = full()
    token = documents.token_policy_name(params)
    state.roles[ROLE].inline[token]["Statement"][0]["Action"] = ["ecr:GetAuthorizationToken",
                                                                 "ecr:DescribeImages"]
    assert lines(findings(params, state)) == [
        f"drift: role {ROLE}: the stack's inline policy {token} has statement "
        "'AllowEcrAuthorizationToken': Allow of ecr:GetAuthorizationToken, ecr:DescribeImages "
        "on *, which the parameters do not make",
        f"drift: role {ROLE}: the stack's inline policy {token} lacks statement "
        "'AllowEcrAuthorizationToken': Allow of ecr:GetAuthorizationToken on *"]


def test_the_builder_role_carries_only_the_stacks_policies() -> None:
    params, state = full()
    state.roles[BUILDER].attached["arn:aws:iam::aws:policy/ReadOnlyAccess"] = {
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:Get*",
                                                 "Resource": "*"}]}
    assert lines(findings(params, state)) == [
        f"drift: role {BUILDER}: has attached policy arn:aws:iam::aws:policy/ReadOnlyAccess, "
        "which the stack does not attach"]


def test_the_developer_policy_and_its_attachments_are_compared() -> None:
    params, state = full()
    assert state.developer_policy is not None
    state.developer_policy["attached"]["users"].append("mallory")
    assert lines(findings(params, state)) == [
        "drift: developer policy EcrClusterAccess-us-east-1-ecr-developers: is attached to "
        "users ['mallory'], the parameters say []"]


def test_a_missing_worker_role_and_repository_are_named() -> None:
    params, state = full()
    del state.roles[ROLE_2]
    del state.repositories["builds/web"]
    assert lines(findings(params, state)) == [
        "drift: builds/web: repository does not exist",
        f"drift: role {ROLE_2}: role does not exist"]


# --- repository policy comparisons (kept from before) -------------------------------------------

def messages(text: str | None, roles: list[str] | None = None) -> list[str]:
    return [f.message for f in repository_policy_findings(
        "repo", text, dict.fromkeys(roles or [ROLE], documents.PUSH_PULL_ACTIONS))]


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


def test_an_extra_action_is_named() -> None:
    document = repository_policy_document([ROLE])
    document["Statement"][0]["Action"].append("ecr:DeleteRepository")
    assert messages(json.dumps(document)) == [
        f"worker role {ROLE} is also granted ecr:DeleteRepository, beyond the seven actions"]


def test_a_wildcard_action_is_not_a_grant_the_parameters_make() -> None:
    document = repository_policy_document([ROLE])
    document["Statement"][0]["Action"] = ["ecr:*"]
    assert messages(json.dumps(document)) == [
        f"the repository policy's statement 'AllowPushPull': Allow of ecr:* for AWS {ROLE} is "
        "not a grant the parameters make",
        f"worker role {ROLE} is not granted {', '.join(PUSH_PULL_ACTIONS)}"]


def test_an_extra_principal_is_named() -> None:
    document = repository_policy_document([ROLE, STRANGER])
    (message,) = messages(json.dumps(document))
    assert message.endswith(f"names {STRANGER}, not in the parameters")


def test_a_wildcard_principal_is_named() -> None:
    document = repository_policy_document([ROLE])
    document["Statement"].append({"Sid": "Open", "Effect": "Allow", "Principal": "*",
                                  "Action": "ecr:BatchGetImage"})
    assert messages(json.dumps(document)) == [
        "the repository policy's statement 'Open': Allow of ecr:BatchGetImage for everyone (*) "
        "is not a grant the parameters make"]


# --- settings, template, replication (kept from before) -----------------------------------------

def describe(**overrides: Any) -> dict[str, Any]:
    description = {"imageTagMutability": "MUTABLE",
                   "imageScanningConfiguration": {"scanOnPush": True},
                   "encryptionConfiguration": {"encryptionType": "AES256"}}
    description.update(overrides)
    return description


def test_settings_drift_is_named_one_line_each() -> None:
    params = Parameters.from_mapping(params_dict(lifecycle={"untaggedExpireDays": 7}))
    found = settings_findings("repo", describe(imageTagMutability="IMMUTABLE",
                                               imageScanningConfiguration={"scanOnPush": False}),
                              None, params)
    assert [f.message for f in found] == [
        "image tag mutability is \"IMMUTABLE\", the parameters say MUTABLE",
        "scan on push is off, the parameters say on",
        "has no lifecycle policy; the parameters set lifecycle rules"]


def test_lifecycle_is_compared_by_rule_not_by_text() -> None:
    params = Parameters.from_mapping(params_dict(lifecycle={"keepLastImages": 30}))
    document = documents.lifecycle_policy(params)
    assert document
    rules = document["rules"]
    rules[0]["description"] = "edited in the console"
    assert settings_findings("repo", describe(), json.dumps({"rules": rules}), params) == []
    rules[0]["selection"]["countNumber"] = 31
    assert [f.message for f in settings_findings("repo", describe(), json.dumps(
        {"rules": rules}), params)] == [
        "lifecycle policy differs from the parameters' lifecycle rules"]


def test_a_missing_creation_template_is_reported() -> None:
    params = Parameters.from_mapping(params_dict(createOnPushPrefix="builds"))
    assert [str(f) for f in creation_template_findings(None, params)] == [
        "creation template builds/: does not exist: pushes of new image names will fail"]


def test_replication_missing_region_is_named() -> None:
    params = Parameters.from_mapping(params_dict(repositories=["builds/a", "other/b"],
                                                 replicationRegions=["us-west-2", "eu-west-1"]))
    config = {"rules": [{"destinations": [{"region": "us-west-2", "registryId": "123456789012"}],
                         "repositoryFilters": [{"filter": f, "filterType": "PREFIX_MATCH"}
                                               for f in ("builds/a", "other/b")]}]}
    assert [str(f) for f in replication_findings(config, params)][-1] == (
        "replication configuration: lacks the rule replicating 2 prefixes to us-west-2, "
        "eu-west-1 in 123456789012")


# --- found in review: false "in sync" cases, each its own test ---------------------------------

A = "123456789012"
R = f"arn:aws:ecr:us-east-1:{A}:repository"


def with_extra(*statements: dict[str, Any], boundary: bool = False) -> list[str]:
    params, state = full()
    document = {"Version": "2012-10-17", "Statement": list(statements)}
    if boundary:
        state.roles[ROLE].boundary_arn = f"arn:aws:iam::{A}:policy/b"
        state.roles[ROLE].boundary = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"}, *statements]}
    else:
        state.roles[ROLE].inline["extra"] = document
    return lines(findings(params, state))


def test_change_actions_on_replicas_are_checked() -> None:
    (line,) = with_extra({"Effect": "Allow", "Action": "ecr:*",
                          "Resource": f"arn:aws:ecr:us-west-2:{A}:repository/*"})
    assert line.startswith(f"drift: role {ROLE}: is also allowed ecr:BatchDeleteImage")
    assert "builds/app in us-west-2" in line


@pytest.mark.parametrize("resource", [f"{R}/${{aws:PrincipalTag/team}}/*",
                                      f"{R}/${{aws:username, 'builds/app'}}"])
@pytest.mark.parametrize(("effect", "boundary"), [("Allow", False), ("Deny", False),
                                                  ("Deny", True)])
def test_policy_variables_are_cannot_verify(resource: str, effect: str, boundary: bool) -> None:
    found = with_extra({"Effect": effect, "Action": "ecr:*" if effect == "Allow" else
                        "ecr:PutImage", "Resource": resource}, boundary=boundary)
    assert found and all(line.startswith("cannot verify: ") for line in found), found
    assert all("a policy variable" in line for line in found)


@pytest.mark.parametrize("statement", [
    {"Effect": "Allow", "Action": ["ecr:DeleteRepository", "ecr:SetRepositoryPolicy"],
     "NotResource": [f"arn:aws:ecr:us-east-1:{A}:*/app", f"arn:aws:ecr:us-east-1:{A}:*/web"]},
    {"Effect": "Deny", "Action": "ecr:*", "Resource": f"arn:aws:ecr:*:{A}:*/builds/*"},
    {"Effect": "Deny", "Action": "ecr:*", "Resource": f"arn:AWS:ecr:us-east-1:{A}:repository/*"},
    {"Effect": "Deny", "Action": "ecr:*", "Resource": f"arn:aws:ECR:US-EAST-1:{A}:repository/*"},
    {"Effect": "Deny", "Action": "ecr:PutImage", "Resource": "arn:aws:ecr"},
    {"Effect": "Allow", "Action": "ecr:*", "Resource": "arn:aws:ecr:us-east-1"},
    {"Effect": "Deny", "Action": "ecr:*", "Resource": f" {R}/builds/app"},
])
def test_arn_patterns_engines_read_differently_are_cannot_verify(
        statement: dict[str, Any]) -> None:
    found = with_extra(statement)
    assert found and all(line.startswith("cannot verify: ") for line in found), found


@pytest.mark.parametrize("resource", [f"{R}/*", f"{R}/prod"])
def test_changes_on_repositories_outside_the_parameters_are_drift(resource: str) -> None:
    found = with_extra({"Effect": "Allow", "Action": ["ecr:CreateRepository",
                                                      "ecr:DeleteRepository"],
                        "Resource": resource})
    assert any("is also allowed ecr:CreateRepository, ecr:DeleteRepository on " in line and
               "by inline policy extra" in line for line in found), found


def test_create_on_push_under_the_prefix_stays_in_sync() -> None:
    assert with_extra({"Effect": "Allow", "Action": "ecr:CreateRepository",
                       "Resource": f"{R}/builds/*"}) == []


def test_findings_that_differ_only_in_role_sort_without_crashing() -> None:
    params, state = full()
    document = policy_of(state, "builds/app")
    document["Statement"] += [
        {"Effect": "Deny", "Principal": {"AWS": "a, b"}, "Action": "ecr:PutImage"},
        {"Effect": "Deny", "Principal": {"AWS": ["a", "b"]}, "Action": "ecr:PutImage"}]
    set_policy(state, "builds/app", document)
    assert findings(params, state)


def test_a_repository_policy_with_a_repeated_key_is_drift() -> None:
    params, state = full()
    text = policy_of(state, "builds/app")
    grant = json.dumps(text["Statement"][0])
    state.repositories["builds/app"].policy = (
        '{"Version": "2012-10-17", "Statement": [{"Principal": "*", "Action": "ecr:*", '
        + grant[1:] + "]}")
    assert any(line.startswith("drift: builds/app: the repository policy is not a policy "
                               "document") for line in lines(findings(params, state)))


def test_lifecycle_text_that_is_not_json_is_drift() -> None:
    params, state = full()
    state.repositories["builds/app"].lifecycle = "{not json"
    assert [line for line in lines(findings(params, state)) if "builds/app" in line] == [
        "drift: builds/app: the lifecycle policy is not a lifecycle document: \"{not json\""]


def test_a_missing_setting_in_a_description_is_cannot_verify() -> None:
    params, state = full()
    del state.repositories["builds/app"].description["imageScanningConfiguration"]
    assert lines(findings(params, state)) == [
        "cannot verify: builds/app: the scan-on-push setting was not returned"]


def test_a_creation_template_that_is_not_an_object_is_drift() -> None:
    params = Parameters.from_mapping(FULL)
    assert [f.message for f in creation_template_findings(["x"], params)] == [  # type: ignore[arg-type]
        'is not a template: ["x"]']


# --- pull-only workers and the pull-secret refresher ---------------------------------------------

REFRESHERS = {
    "irsa": {"credentials": "irsa", "oidcProviderArn": OIDC},
    "pod-identity": {"credentials": "pod-identity", "clusterName": "builds"},
    "secret": {"credentials": "secret"},
    "secret-role": {"credentials": "secret",
                    "roleArn": "arn:aws:iam::123456789012:role/ecr-puller"},
    "node": {"credentials": "node"},
}


def refreshed(credentials: str, worker_access: str = "pull") -> Parameters:
    return Parameters.from_mapping({**FULL, "workerAccess": worker_access, "pullSecret": {
        "mode": "cronjob", **REFRESHERS[credentials]}})


@pytest.mark.parametrize("credentials", sorted(REFRESHERS))
@pytest.mark.parametrize("worker_access", ["pull", "push-pull"])
def test_every_refresher_mode_is_in_sync_as_deployed(credentials: str, worker_access: str) -> None:
    if credentials == "node" and worker_access == "push-pull":
        params = Parameters.from_mapping({**FULL, "pullSecret": {
            "mode": "cronjob", "credentials": "node", "allowPushToken": True}})
    else:
        params = refreshed(credentials, worker_access)
    assert findings(params, in_sync_state(params)) == []


def test_a_refresher_role_widened_to_push_is_drift_twice() -> None:
    params = refreshed("irsa")
    state = in_sync_state(params)
    arn = params.refresher_role_arn or ""
    state.roles[arn].attached["arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPowerUser"] = {
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ecr:*",
                                                "Resource": "*"}]}
    found = lines(findings(params, state))
    assert (f"drift: role {arn}: has attached policy arn:aws:iam::aws:policy/"
            "AmazonEC2ContainerRegistryPowerUser, which the stack does not attach") in found
    (extra,) = [f for f in findings(params, state) if "is also allowed" in f.message]
    assert {"ecr:PutImage", "ecr:BatchDeleteImage"} <= set(extra.actions)


def test_a_refresher_users_console_password_missing_user_and_pushing_assumed_role() -> None:
    params = refreshed("secret-role")
    state = in_sync_state(params)
    user = params.refresher_user_arn or ""
    state.roles[user].console_access = True
    assumed = params.assumed_role_arn or ""
    state.roles[assumed].inline["push"] = documents.push_pull_identity_document(
        params.repository_arns)
    found = lines(findings(params, state))
    assert (f"drift: user {user}: has a console password: the refresher's user must have "
            "none") in found
    assert any(line.startswith(f"drift: role {assumed}: is also allowed ecr:CompleteLayerUpload")
               for line in found), found
    del state.roles[user]
    assert (f"drift: user {user}: the refresher user does not exist"
            in lines(findings(params, state)))


def test_a_pull_only_worker_that_can_push_is_drift() -> None:
    params = refreshed("irsa")
    state = in_sync_state(params)
    state.roles[ROLE].inline["push"] = documents.push_pull_identity_document(
        params.repository_arns)
    (finding,) = [f for f in findings(params, state) if f.role == ROLE]
    assert str(finding).startswith(f"role {ROLE}: is also allowed ecr:CompleteLayerUpload, "
                                   "ecr:InitiateLayerUpload, ecr:PutImage, ecr:UploadLayerPart")


def test_the_pod_identity_trust_without_its_conditions_is_drift() -> None:
    params = refreshed("pod-identity")
    state = in_sync_state(params)
    arn = params.refresher_role_arn or ""
    del state.roles[arn].trust["Statement"][0]["Condition"]
    assert lines(findings(params, state)) == [
        f"drift: role {arn}: the trust policy has Allow of sts:AssumeRole, sts:TagSession for "
        "Service pods.eks.amazonaws.com, which the parameters do not make",
        f"drift: role {arn}: the trust policy lacks Allow of sts:AssumeRole, sts:TagSession for "
        'Service pods.eks.amazonaws.com when {"StringEquals":{"aws:RequestTag/eks-cluster-arn":'
        '"arn:aws:eks:us-east-1:123456789012:cluster/builds","aws:RequestTag/eks-cluster-name":'
        '"builds","aws:RequestTag/kubernetes-namespace":"default","aws:RequestTag/kubernetes-'
        'service-account":"ecr-pull-refresher"}}']


# --- tags, replicas, kept repositories, escalation, registry scanning (issue "4 of 6") --------

def test_tags_are_compared_key_by_key_and_aws_keys_are_awss() -> None:
    from ecr_cluster_access.check.compare import tag_findings

    params = Parameters.from_mapping(params_dict(tags={"team": "platform", "tier": "1"}))
    found = tag_findings("builds/app", {"team": "everyone", "owner": "me",
                                        "aws:cloudformation:stack-name": "S"}, params)
    assert [str(f) for f in found] == [
        'builds/app: has tag "owner" = "me", which the parameters do not set',
        'builds/app: tag "team" is "everyone", the parameters say "platform"',
        'builds/app: tag "tier" is missing, the parameters say "1"']
    assert tag_findings("builds/app", {"team": "platform", "tier": "1",
                                       "aws:cloudformation:logical-id": "R"}, params) == []
    assert tag_findings("builds/app", None, params) == []  # not read


def test_a_replica_with_a_policy_or_a_lifecycle_is_drift_in_its_region() -> None:
    from ecr_cluster_access.check.compare import replica_findings

    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "All", "Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "ecr:*"}]})
    (with_policy, with_lifecycle) = replica_findings("builds/app in us-west-2", policy,
                                                     '{"rules": []}', "us-west-2")
    assert str(with_policy) == (
        "replica builds/app in us-west-2: has a repository policy, which the stack does not "
        f"set on replicas: statement 'All': Allow of ecr:* for AWS {ROLE}")
    assert str(with_lifecycle) == ("replica builds/app in us-west-2: has a lifecycle policy, "
                                   "which the stack does not set on replicas")
    assert with_policy.to_json("us-east-1")["region"] == "us-west-2"
    assert replica_findings("builds/app in us-west-2", None, None, "us-west-2") == []


def test_a_kept_repository_is_reported_for_the_stacks_tags_or_its_grants() -> None:
    from ecr_cluster_access.check.compare import kept_findings

    params = Parameters.from_mapping(params_dict(tags={"team": "platform"}))
    grant = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "Old", "Effect": "Allow", "Principal": {"AWS": [ROLE]},
         "Action": ["ecr:PutImage"]}]})
    (both,) = kept_findings("old/app", grant, {"team": "platform"}, params, [ROLE])
    assert str(both) == (
        "old/app: kept, not managed: not in the parameters, but it carries the stack's tags, "
        f"and its repository policy still grants statement 'Old': Allow of ecr:PutImage for "
        f"AWS {ROLE} (delete it, or list it again)")
    # controls: someone else's grant, other tags, a tag subset
    assert kept_findings("old/app", grant, {"team": "x"}, params, [ROLE_2]) == []
    assert kept_findings("old/app", None, {"other": "platform"}, params, [ROLE]) == []


def test_registry_scanning_without_the_parameter_must_be_awss_default() -> None:
    from ecr_cluster_access.check.compare import registry_scanning_findings

    params = Parameters.from_mapping(params_dict())
    assert registry_scanning_findings({"scanType": "BASIC", "rules": []}, params) == []
    (enhanced,) = registry_scanning_findings({"scanType": "ENHANCED", "rules": []}, params)
    assert str(enhanced) == (
        'registry scanning: scan type is "ENHANCED", the parameters set no registryScanning, '
        "so each repository's scanOnPush decides: BASIC")
    (rule,) = registry_scanning_findings({"scanType": "BASIC", "rules": [
        {"scanFrequency": "SCAN_ON_PUSH", "repositoryFilters": [
            {"filter": "*", "filterType": "WILDCARD"}]}]}, params)
    assert "has a SCAN_ON_PUSH rule" in str(rule)


@pytest.mark.parametrize(("action", "resource", "reported"), [
    ("iam:PutRolePolicy", ROLE, True), ("iam:AttachRolePolicy", "*", True),
    ("iam:PassRole", "arn:aws:iam::123456789012:role/*", True), ("sts:AssumeRole", ROLE, True),
    ("iam:Put*", ROLE, True),
    # controls: another role, a read
    ("iam:PutRolePolicy", "arn:aws:iam::123456789012:role/unrelated", False),
    ("iam:GetRole", ROLE, False)])
def test_a_right_to_widen_a_managed_roles_permissions_is_drift(
        action: str, resource: str, reported: bool) -> None:
    from ecr_cluster_access.check.access import RoleState, escalation_findings

    params = Parameters.from_mapping(params_dict(workerRoleArns=[ROLE]))
    role = RoleState(ROLE, inline={"p": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": action, "Resource": resource}]}})
    found = escalation_findings(params, {ROLE: role})
    assert bool(found) == reported, found
    if reported:
        assert found[0].message.startswith("may change its own or a managed identity's "
                                           f"permissions: {action if '*' not in action else ''}")
