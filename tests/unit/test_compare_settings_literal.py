"""``check/compare.py``'s settings, creation template, registry policy, registry scanning,
replication and pull-through cache lines, and its small helpers (``_text``, ``load_document``,
``_names``, ``same_statement``, ``without_organization_grant``), compared field by field with
findings written here as rows ``(subject, message, kind, role, actions, repositories,
region)``."""

from __future__ import annotations

import dataclasses
import datetime
import json
from typing import Any

import pytest

from ecr_cluster_access import Parameters
from ecr_cluster_access.check import compare
from ecr_cluster_access.check.findings import Finding

from ..support import expected_access
from ..support.parameters import AWS_SETS, params_dict

ROLE = "arn:aws:iam::123456789012:role/k8s-worker"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
SEVEN = sorted(expected_access.SEVEN)
DEFAULT = Parameters.from_mapping(params_dict())
FILTERS = Parameters.from_mapping(params_dict(
    imageTagMutability="IMMUTABLE", imageTagMutabilityExclusionFilters=["latest", "cache-*"]))
KMS = Parameters.from_mapping(params_dict(encryption="KMS", kmsKeyArn=KEY))
KMS_NO_KEY = Parameters.from_mapping(params_dict(encryption="KMS"))
LIFECYCLE = Parameters.from_mapping(params_dict(lifecycle={"untaggedExpireDays": 7}))
ORGANIZATION = Parameters.from_mapping(params_dict(**AWS_SETS["organization"],
                                                   createOnPushPrefix="builds"))
#: What a repository in sync with ``DEFAULT`` describes.
REPOSITORY = {"imageTagMutability": "MUTABLE", "imageScanningConfiguration": {"scanOnPush": True},
              "encryptionConfiguration": {"encryptionType": "AES256"}}
WHERE = ("builds/app",)


def rows(found: list[Finding]) -> list[tuple[Any, ...]]:
    return [dataclasses.astuple(f) for f in found]


def settings(params: Parameters = DEFAULT, lifecycle: str | None = None,
             **description: Any) -> list[tuple[Any, ...]]:
    return rows(compare.settings_findings("builds/app", {**REPOSITORY, **description},
                                          lifecycle, params))


# --- settings_findings ------------------------------------------------------------------------

@pytest.mark.parametrize(("params", "description", "expected"), [
    (DEFAULT, {}, []),
    (DEFAULT, {"imageTagMutability": "IMMUTABLE"}, [
        ("builds/app", 'image tag mutability is "IMMUTABLE", the parameters say MUTABLE',
         "drift", None, (), WHERE, None)]),
    (DEFAULT, {"imageTagMutabilityExclusionFilters": [
        {"filter": "latest", "filterType": "WILDCARD"}, "junk", {"filterType": "WILDCARD"}]}, [
        ("builds/app", "tag mutability exclusion filters are ['None', 'latest'], the parameters "
         "say []", "drift", None, (), WHERE, None)]),
    (DEFAULT, {"imageTagMutabilityExclusionFilters": []}, []),
    (FILTERS, {"imageTagMutability": "IMMUTABLE_WITH_EXCLUSION",
               "imageTagMutabilityExclusionFilters": [{"filter": "cache-*"},
                                                      {"filter": "latest"}]}, []),
    (FILTERS, {"imageTagMutability": "IMMUTABLE_WITH_EXCLUSION"}, [
        ("builds/app", "tag mutability exclusion filters are [], the parameters say "
         "['cache-*', 'latest']", "drift", None, (), WHERE, None)]),
    (DEFAULT, {"imageScanningConfiguration": {}}, [
        ("builds/app", "the scan-on-push setting was not returned", "cannot-verify", None, (),
         WHERE, None)]),
    (DEFAULT, {"imageScanningConfiguration": {"scanOnPush": False}}, [
        ("builds/app", "scan on push is off, the parameters say on", "drift", None, (), WHERE,
         None)]),
    (DEFAULT, {"encryptionConfiguration": None}, [
        ("builds/app", "the encryption setting was not returned", "cannot-verify", None, (),
         WHERE, None)]),
    (DEFAULT, {"encryptionConfiguration": {"encryptionType": "KMS", "kmsKey": KEY}}, [
        ("builds/app", 'encryption is "KMS", the parameters say AES256 (set only when a '
         "repository is created)", "drift", None, (), WHERE, None)]),
    # an AES256 repository's stray kmsKey is not read
    (DEFAULT, {"encryptionConfiguration": {"encryptionType": "AES256", "kmsKey": KEY}}, []),
    (KMS, {"encryptionConfiguration": {"encryptionType": "KMS", "kmsKey": KEY}}, []),
    (KMS, {"encryptionConfiguration": {"encryptionType": "KMS"}}, []),
    (KMS, {"encryptionConfiguration": {"encryptionType": "KMS", "kmsKey": "arn:other"}}, [
        ("builds/app", f'the KMS key is "arn:other", the parameters say {KEY}', "drift", None,
         (), WHERE, None)]),
    # KMS with AWS's own key: any key the repository names is not compared
    (KMS_NO_KEY, {"encryptionConfiguration": {"encryptionType": "KMS", "kmsKey": KEY}}, []),
])
def test_each_setting_is_one_line_naming_the_repository(
        params: Parameters, description: dict[str, Any], expected: list[Any]) -> None:
    assert settings(params, **description) == expected


def test_a_creation_template_without_scan_or_encryption_is_not_drift() -> None:
    template = {"prefix": "builds", "imageTagMutability": "MUTABLE"}
    assert rows(compare.settings_findings("t", template, None, DEFAULT)) == []
    assert rows(compare.settings_findings("t", {**template, "encryptionConfiguration": "AES256"},
                                          None, DEFAULT)) == []


UNTAGGED_RULE = {"rulePriority": 1, "description": "Expire untagged images 7 days after push",
                 "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed",
                               "countUnit": "days", "countNumber": 7},
                 "action": {"type": "expire"}}


@pytest.mark.parametrize(("params", "lifecycle", "message"), [
    (LIFECYCLE, json.dumps({"rules": [UNTAGGED_RULE]}), None),
    # keys in another order, description changed: the same rule
    (LIFECYCLE, '{"rules": [{"action": {"type": "expire"}, "selection": {"countNumber": 7, '
                '"countUnit": "days", "countType": "sinceImagePushed", "tagStatus": '
                '"untagged"}, "description": "mine", "rulePriority": 1}]}', None),
    (LIFECYCLE, None, "has no lifecycle policy; the parameters set lifecycle rules"),
    (LIFECYCLE, '{"rules": [{"rulePriority": 2}]}',
     "lifecycle policy differs from the parameters' lifecycle rules"),
    (DEFAULT, '{"rules": [{"rulePriority": 1}]}',
     "has a lifecycle policy; the parameters set no lifecycle rule"),
    (DEFAULT, "not json", 'the lifecycle policy is not a lifecycle document: "not json"'),
])
def test_the_lifecycle_policy_is_compared_rule_by_rule(
        params: Parameters, lifecycle: str | None, message: str | None) -> None:
    assert settings(params, lifecycle) == (
        [] if message is None else [("builds/app", message, "drift", None, (), WHERE, None)])


def test_lifecycle_rules_are_text_with_sorted_keys() -> None:
    assert compare._lifecycle_rules({"rules": [{"b": 1, "a": {"d": 2, "c": 3}}]}) == [
        '{"a": {"c": 3, "d": 2}, "b": 1}']


# --- creation templates -----------------------------------------------------------------------

def test_a_create_on_push_template_is_compared_with_the_organization_grant() -> None:
    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": SEVEN}]})
    template = {"prefix": "builds", "appliedFor": ["CREATE_ON_PUSH"],
                "repositoryPolicy": policy, "imageTagMutability": "IMMUTABLE",
                "encryptionConfiguration": {"encryptionType": "AES256"}}
    subject = "creation template builds/"
    assert rows(compare.creation_template_findings(template, ORGANIZATION)) == [
        (subject, "the repository policy lacks the organization grant statement "
         "'AllowOrganizationPushPull': Allow of " + ", ".join(SEVEN) + " for everyone (*) "
         'when {"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/eks-node-*"},'
         '"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":["o-a1b2c3d4e5/r-ab12/'
         'ou-ab12-11111111/*"]},"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}',
         "drift", None, tuple(SEVEN), (subject,), None),
        (subject, 'image tag mutability is "IMMUTABLE", the parameters say MUTABLE', "drift",
         None, (), (subject,), None)]


def test_a_pull_through_cache_template_keeps_every_line() -> None:
    template = {"prefix": "quay", "appliedFor": ["CREATE_ON_PUSH"], "imageTagMutability": "MUTABLE",
                "encryptionConfiguration": {"encryptionType": "AES256"}}
    assert rows(compare.creation_template_findings(template, ORGANIZATION, "quay",
                                                   "PULL_THROUGH_CACHE")) == [
        ("creation template quay/", 'applies to ["CREATE_ON_PUSH"], the parameters say '
         '["PULL_THROUGH_CACHE"]', "drift", None, (), (), None),
        ("creation template quay/", "the repository policy does not exist", "drift", None, (),
         (), None)]


def test_a_template_that_is_not_an_object_is_one_line() -> None:
    assert rows(compare.creation_template_findings("x", ORGANIZATION)) == [
        ("creation template builds/", 'is not a template: "x"', "drift", None, (), (), None)]


# --- compare_documents ------------------------------------------------------------------------

STATEMENT = {"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"}


def test_compare_documents_lines_carry_where() -> None:
    def compared(deployed: Any) -> list[tuple[Any, ...]]:
        return rows(compare.compare_documents("s", "the policy", deployed, {
            "Version": "2012-10-17", "Statement": [STATEMENT]}, repositories=("r",)))
    assert compared(None) == [("s", "the policy does not exist", "drift", None, (), ("r",),
                               None)]
    assert compared(["x"]) == [("s", 'the policy is not a policy document: ["x"]', "drift",
                                None, (), ("r",), None)]
    assert compared({"Version": "2008-10-17", "Statement": [STATEMENT]}) == [
        ("s", 'the policy has Version "2008-10-17", not 2012-10-17', "drift", None, (), ("r",),
         None)]
    assert compared({"Version": "2012-10-17", "Statement": [
        STATEMENT, {**STATEMENT, "Effect": "Deny"}]}) == [
        ("s", "the policy has Deny of ecr:BatchGetImage for everyone (*), which the parameters "
         "do not make", "drift", None, (), ("r",), None)]


# --- registry policy --------------------------------------------------------------------------

def policy(*statements: Any) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


NINE = [f"ecr:A{i}" for i in range(1, 10)]


@pytest.mark.parametrize(("text", "messages"), [
    (None, []),
    ("not json", ['is not a policy document: "not json"']),
    (policy(), ["exists; the parameters set no registry policy"]),
    (policy({"Effect": "Allow", "Action": NINE[:8]}),
     ["has Allow of " + ", ".join(NINE[:8]) + "; the parameters set no registry policy"]),
    (policy({"Effect": "Allow", "Action": NINE}),
     ["has Allow of " + ", ".join(NINE[:8]) + " and 1 more; the parameters set no registry "
      "policy"]),
    (policy({"Effect": "Allow", "Action": [*NINE, "ecr:A10"]}),
     ["has Allow of " + ", ".join(NINE[:8]) + " and 2 more; the parameters set no registry "
      "policy"]),
    (policy({"Effect": "Allow", "Action": [], "Principal": ["a"], "Resource": [1, "b"]}),
     ['has Allow of nothing for ["a"] on [1,"b"]; the parameters set no registry policy']),
])
def test_a_registry_policy_the_parameters_do_not_set(text: str | None,
                                                      messages: list[str]) -> None:
    assert rows(compare.registry_policy_findings(text)) == [
        ("registry policy", m, "drift", None, (), (), None) for m in messages]


# --- registry scanning ------------------------------------------------------------------------

def test_registry_scanning_lines() -> None:
    say = "the parameters set no registryScanning, so each repository's scanOnPush decides:"
    assert rows(compare.registry_scanning_findings("x", DEFAULT)) == [
        ("registry scanning", f'configuration is "x", {say} {{"rules":[],"scanType":"BASIC"}}',
         "drift", None, (), (), None)]
    assert rows(compare.registry_scanning_findings({"scanType": "BASIC", "rules": [
        {"scanFrequency": "SCAN_ON_PUSH", "repositoryFilters": [
            {"filter": "*", "filterType": "WILDCARD"}]}]}, DEFAULT)) == [
        ("registry scanning", "has a SCAN_ON_PUSH rule for ['* (WILDCARD)'], which the "
         "parameters do not make", "drift", None, (), (), None)]


# --- replication ------------------------------------------------------------------------------

REPLICATION = Parameters.from_mapping(params_dict(replicationRegions=["us-west-2"]))
RULE = {"destinations": [{"region": "us-west-2", "registryId": "123456789012"}],
        "repositoryFilters": [{"filter": "builds/sample-app", "filterType": "PREFIX_MATCH"}]}


def test_replication_rules_beyond_the_one_the_parameters_make() -> None:
    other = {"destinations": [{"region": "eu-west-1", "registryId": "210987654321"}]}
    assert rows(compare.replication_findings({"rules": [RULE, other]}, REPLICATION)) == [
        ("replication configuration", "has a rule the parameters do not make: every repository "
         "to eu-west-1 in 210987654321 (another account)", "drift", None, (), (), None)]
    assert rows(compare.replication_findings({"rules": [RULE, RULE]}, REPLICATION)) == [
        ("replication configuration", "differs from the parameters' replication rule", "drift",
         None, (), (), None)]
    assert rows(compare.replication_findings({"rules": [None]}, REPLICATION)) == [
        ("replication configuration", "has a rule the parameters do not make: null", "drift",
         None, (), (), None),
        ("replication configuration", "lacks the rule replicating 1 prefixes to us-west-2 in "
         "123456789012", "drift", None, (), (), None)]


# --- pull-through cache -----------------------------------------------------------------------

def test_pull_through_cache_rules_extra_missing_and_with_arns_the_parameters_do_not_set() -> None:
    params = Parameters.from_mapping(params_dict(pullThroughCache=[
        {"upstream": "k8s", "prefix": "k8s"}, {"upstream": "quay", "prefix": "quay"}]))
    found = [{"ecrRepositoryPrefix": "quay", "upstreamRegistryUrl": "quay.io",
              "upstreamRegistry": "quay", "credentialArn": "arn:c", "customRoleArn": "arn:r"},
             {"ecrRepositoryPrefix": "hub", "upstreamRegistryUrl": "registry-1.docker.io"}]
    assert rows(compare.pull_through_cache_findings(found, params)) == [
        ("pull-through cache rule hub/", 'exists for "registry-1.docker.io"; the parameters do '
         "not make it", "drift", None, (), (), None),
        ("pull-through cache rule k8s/", "does not exist: pulls through it fail", "drift", None,
         (), (), None),
        ("pull-through cache rule quay/", 'credentialArn is "arn:c"; the parameters set none',
         "drift", None, (), (), None),
        ("pull-through cache rule quay/", 'customRoleArn is "arn:r"; the parameters set none',
         "drift", None, (), (), None)]


# --- tags ------------------------------------------------------------------------------------

def test_a_missing_tag_names_the_repository() -> None:
    tagged = Parameters.from_mapping(params_dict(tags={"team": "a"}))
    assert rows(compare.tag_findings("builds/app", {}, tagged)) == [
        ("builds/app", 'tag "team" is missing, the parameters say "a"', "drift", None, (), WHERE,
         None)]


# --- helpers ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "text"), [
    ("a" * 158, '"' + "a" * 158 + '"'),
    ("a" * 159, '"' + "a" * 156 + "..."),
    ({"b": 1, "a": [1, 2]}, '{"a":[1,2],"b":1}'),
    (datetime.date(2024, 1, 2), '"2024-01-02"'),
    ({(1, 2): "x"}, "{(1, 2): 'x'}"),
])
def test_text_is_compact_json_bounded_to_160(value: Any, text: str) -> None:
    assert compare._text(value) == text


def test_load_document_reads_url_encoded_json() -> None:
    assert compare.load_document("%7B%22a%22%3A%201%7D") == {"a": 1}
    assert compare.load_document('{"a": 1, "a": 2}') is None
    assert compare.load_document({"a": 1}) == {"a": 1}


def test_same_statement_without_actions() -> None:
    assert not compare.same_statement({"Effect": "Allow"}, {"Effect": "Allow", "Action": []})


ORGANIZATION_GRANT = {"Effect": "Allow", "Principal": "*", "Action": ["ecr:BatchGetImage"],
                      "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-1"}}}


def test_without_organization_grant_drops_only_that_statement() -> None:
    kept = {"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "ecr:BatchGetImage"}
    document = {"Version": "2012-10-17",
                "Statement": [{**ORGANIZATION_GRANT, "Action": "ECR:BatchGetImage"}, kept]}
    assert compare.without_organization_grant(document, ORGANIZATION_GRANT) == {
        "Version": "2012-10-17", "Statement": [kept]}
    assert compare.without_organization_grant(document, None) is document
    assert compare.without_organization_grant("x", ORGANIZATION_GRANT) == "x"


@pytest.mark.parametrize(("statement", "message", "role", "action"), [
    ({"Effect": "Allow", "Principal": {"AWS": ROLE, "Service": "x.amazonaws.com"},
      "Action": "ecr:BatchGetImage"},
     f"Allow of ecr:BatchGetImage for AWS {ROLE}; Service x.amazonaws.com", None,
     "ecr:BatchGetImage"),
    ({"Effect": "Allow", "Principal": {"AWS": []}, "Action": "ecr:BatchGetImage"},
     "Allow of ecr:BatchGetImage for AWS nothing", None, "ecr:BatchGetImage"),
    ({"Effect": "Allow", "Action": "ecr:BatchGetImage"}, "Allow of ecr:BatchGetImage", None,
     "ecr:BatchGetImage"),
    ({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "ecr:BatchGetImage"},
     "Allow of ecr:BatchGetImage for AWS *", "*", "ecr:BatchGetImage"),
    ({"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "ecr:BatchGet?mage"},
     f"Allow of ecr:BatchGet?mage for AWS {ROLE}", ROLE, "ecr:BatchGet?mage"),
])
def test_a_statement_that_is_not_a_plain_grant(statement: dict[str, Any], message: str,
                                               role: str | None, action: str) -> None:
    """Only an Allow of named actions (no wildcard) to named AWS principals, nothing else, is
    a grant; any other statement is one line with its actions."""
    grant = {"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": SEVEN}
    found = compare.repository_policy_findings("builds/app", policy(grant, statement),
                                               {ROLE: tuple(SEVEN)})
    assert rows(found) == [
        ("builds/app", f"the repository policy's {message} is not a grant the parameters make",
         "drift", role, (action,), WHERE, None)]
