"""``check/compare.py``'s repository policy findings (each one's line, role, actions and
repository), the comparable text of a statement and of a replication rule, and a statement in
words, compared with lines and JSON written here."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest

from ecr_cluster_access.check import compare
from ecr_cluster_access.check.findings import Finding

from ..support import expected_access

NAME = "builds/app"
WORKER = "arn:aws:iam::123456789012:role/k8s-worker"
PULLER = "arn:aws:iam::123456789012:role/puller"
STRANGER = "arn:aws:iam::210987654321:role/stranger"
OTHER = "arn:aws:iam::210987654321:role/other"
SEVEN = sorted(expected_access.SEVEN)
THREE = sorted(expected_access.PULL)
GRANTS = {WORKER: SEVEN}
PULL_GRANTS = {PULLER: THREE}
#: An organization's pull grant, as ``documents.organization_statement`` would spell it.
ORGANIZATION = {"Sid": "AllowOrgPull", "Effect": "Allow", "Principal": "*", "Action": THREE,
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"},
                              "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/eks-*"}}}
ORGANIZATION_WORDS = (
    "statement 'AllowOrgPull': Allow of ecr:BatchCheckLayerAvailability, ecr:BatchGetImage, "
    "ecr:GetDownloadUrlForLayer for everyone (*) when {\"ArnLike\":{\"aws:PrincipalArn\":"
    "\"arn:aws:iam::*:role/eks-*\"},\"StringEquals\":{\"aws:PrincipalOrgID\":\"o-abc123\"}}")
DAY = datetime.date(2024, 1, 2)


def grant(principal: Any, actions: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": actions}


def policy(*statements: Any, version: Any = "2012-10-17") -> str:
    return json.dumps({"Version": version, "Statement": list(statements)})


def facts(found: list[Finding]) -> list[tuple[Any, ...]]:
    """Each finding as (line, kind, role, actions, repositories)."""
    return [(str(f), f.kind, f.role, f.actions, f.repositories) for f in found]


# --- repository_policy_findings -------------------------------------------------------------

def test_no_policy_and_a_policy_that_is_not_a_document_are_one_line_each() -> None:
    assert facts(compare.repository_policy_findings(NAME, None, GRANTS)) == [
        ("builds/app: no repository policy: the worker roles are not granted push/pull",
         "drift", None, (), ("builds/app",))]
    assert facts(compare.repository_policy_findings(NAME, "not json", GRANTS)) == [
        ('builds/app: the repository policy is not a policy document: "not json"',
         "drift", None, (), ("builds/app",))]


@pytest.mark.parametrize(("version", "line"), [
    ("2008-10-17", 'builds/app: the repository policy has Version "2008-10-17", not 2012-10-17'),
    (None, "builds/app: the repository policy has Version null, not 2012-10-17"),
])
def test_another_version_is_a_line(version: Any, line: str) -> None:
    text = policy(grant(WORKER, SEVEN), version=version)
    assert facts(compare.repository_policy_findings(NAME, text, GRANTS)) == [
        (line, "drift", None, (), ("builds/app",))]


def test_the_exact_grant_in_any_spelling_is_in_sync() -> None:
    split = policy({"Sid": "A", **grant([WORKER], [a.lower() for a in SEVEN[:4]])},
                   grant(WORKER, SEVEN[4:]))
    assert compare.repository_policy_findings(NAME, split, GRANTS) == []


def test_a_missing_organization_grant_names_its_statement_and_actions() -> None:
    text = policy(grant(PULLER, THREE))
    assert facts(compare.repository_policy_findings(NAME, text, PULL_GRANTS, ORGANIZATION)) == [
        (f"builds/app: the repository policy lacks the organization grant {ORGANIZATION_WORDS}",
         "drift", None, tuple(THREE), ("builds/app",))]
    present = policy(grant(PULLER, THREE), ORGANIZATION)
    assert compare.repository_policy_findings(NAME, present, PULL_GRANTS, ORGANIZATION) == []


def test_a_statement_that_is_not_a_plain_grant_is_named_with_its_principal() -> None:
    deny = {"Effect": "Deny", "Principal": {"AWS": STRANGER}, "Action": ["ecr:PutImage"]}
    pair = {"Effect": "Allow", "Principal": {"AWS": [STRANGER, OTHER]},
            "Action": "ecr:BatchGetImage", "Resource": "*"}
    text = policy(deny, pair, grant(PULLER, THREE))
    assert facts(compare.repository_policy_findings(NAME, text, PULL_GRANTS)) == [
        (f"builds/app: the repository policy's Deny of ecr:PutImage for AWS {STRANGER} is not "
         "a grant the parameters make", "drift", STRANGER, ("ecr:PutImage",), ("builds/app",)),
        (f"builds/app: the repository policy's Allow of ecr:BatchGetImage for AWS {STRANGER}, "
         f"{OTHER} on * is not a grant the parameters make", "drift", None,
         ("ecr:BatchGetImage",), ("builds/app",))]


def test_a_grant_to_strangers_names_them() -> None:
    text = policy(grant([PULLER, STRANGER, OTHER], THREE[:1]), grant(PULLER, THREE[1:]))
    assert facts(compare.repository_policy_findings(NAME, text, PULL_GRANTS)) == [
        ("builds/app: the repository policy's Allow of ecr:BatchCheckLayerAvailability for AWS "
         f"{PULLER}, {STRANGER}, {OTHER} names {STRANGER}, {OTHER}, not in the parameters",
         "drift", None, ("ecr:BatchCheckLayerAvailability",), ("builds/app",))]


def test_missing_and_extra_actions_are_a_line_each_per_role() -> None:
    text = policy(grant(WORKER, ["ecr:BatchGetImage", "ECR:DELETEREPOSITORY", "ecr:Whatever"]),
                  grant(PULLER, [*THREE, "ecr:putimage", "ecr:TagResource"]))
    grants = {PULLER: THREE, WORKER: SEVEN}
    assert facts(compare.repository_policy_findings(NAME, text, grants)) == [
        (f"builds/app: worker role {WORKER} is not granted ecr:BatchCheckLayerAvailability, "
         "ecr:CompleteLayerUpload, ecr:GetDownloadUrlForLayer, ecr:InitiateLayerUpload, "
         "ecr:PutImage, ecr:UploadLayerPart", "drift", WORKER,
         ("ecr:BatchCheckLayerAvailability", "ecr:CompleteLayerUpload",
          "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload", "ecr:PutImage",
          "ecr:UploadLayerPart"), ("builds/app",)),
        (f"builds/app: worker role {WORKER} is also granted ecr:DeleteRepository, ecr:whatever, "
         "beyond the seven actions", "drift", WORKER, ("ecr:DeleteRepository", "ecr:whatever"),
         ("builds/app",)),
        (f"builds/app: worker role {PULLER} is also granted ecr:PutImage, ecr:TagResource, "
         "beyond the three pull actions (workerAccess: pull)", "drift", PULLER,
         ("ecr:PutImage", "ecr:TagResource"), ("builds/app",))]


# --- canonical_statement --------------------------------------------------------------------

@pytest.mark.parametrize(("statement", "text"), [
    (["b", {"z": 1, "a": DAY}], '["b", {"a": "2024-01-02", "z": 1}]'),
    ("odd", '"odd"'),
    ({"Sid": "Mine", "Effect": "Allow"}, '{"Effect": "Allow"}'),
    ({"Resource": "arn:aws:ecr:us-east-1:1:repository/B", "Action": "ECR:PutImage"},
     '{"Action": ["ecr:putimage"], "Resource": ["arn:aws:ecr:us-east-1:1:repository/B"]}'),
    ({"NotAction": ["ecr:B", "ECR:a", "ecr:b"], "NotResource": ["Z", "A", "Z"]},
     '{"NotAction": ["ecr:a", "ecr:b"], "NotResource": ["A", "Z"]}'),
    ({"Action": ["ecr:X", 1], "Resource": {"A": "b"}},
     '{"Action": ["ecr:X", 1], "Resource": {"A": "b"}}'),
    ({"Principal": {"AWS": ["b", "a", "b"], "Service": "s"}, "NotPrincipal": {"AWS": 5}},
     '{"NotPrincipal": {"AWS": ["5"]}, "Principal": {"AWS": ["a", "b"], "Service": ["s"]}}'),
    ({"Principal": "*", "Condition": {"DateLessThan": {"aws:CurrentTime": DAY}}},
     '{"Condition": {"DateLessThan": {"aws:CurrentTime": "2024-01-02"}}, "Principal": "*"}'),
])
def test_canonical_statement_is_literal_json(statement: Any, text: str) -> None:
    assert compare.canonical_statement(statement) == text


# --- describe_statement ---------------------------------------------------------------------

@pytest.mark.parametrize(("statement", "words"), [
    (["x"], 'a statement that is not an object (["x"])'),
    ({"Action": "ecr:PutImage"}, "no Effect of ecr:PutImage"),
    ({"Sid": "", "Effect": "Deny", "NotAction": ["ecr:A", "ecr:B"]},
     "Deny of all but ecr:A, ecr:B"),
    ({"Sid": 7, "Effect": "Allow", "NotPrincipal": {"AWS": "arn:x"}, "NotResource": "*"},
     "Allow for all but AWS arn:x on all but *"),
    ({"Sid": "S", "Effect": "Allow", "Action": "a", "Principal": "*", "Resource": ["r1", "r2"]},
     "statement 'S': Allow of a for everyone (*) on r1, r2"),
])
def test_describe_statement_says_each_part(statement: Any, words: str) -> None:
    assert compare.describe_statement(statement) == words


def test_a_long_condition_is_cut_at_400_characters() -> None:
    condition = {"StringEquals": {"k": "v" * 500}}
    words = compare.describe_statement({"Effect": "Deny", "Condition": condition})
    assert words == 'Deny when {"StringEquals":{"k":"' + "v" * 375 + "..."
    assert len(words) == len("Deny when ") + 400


# --- _canonical_rule ------------------------------------------------------------------------

@pytest.mark.parametrize(("rule", "text"), [
    ("odd", '"odd"'),
    (DAY, '"2024-01-02"'),
    ({}, "[[], [], {}]"),
    ({"destinations": [{"registryId": "1", "region": "b"}, {"region": "a", "registryId": DAY}],
      "repositoryFilters": {"filterType": "PREFIX_MATCH", "filter": "x/"}},
     '[["{\\"region\\": \\"a\\", \\"registryId\\": \\"2024-01-02\\"}", '
     '"{\\"region\\": \\"b\\", \\"registryId\\": \\"1\\"}"], '
     '["{\\"filter\\": \\"x/\\", \\"filterType\\": \\"PREFIX_MATCH\\"}"], {}]'),
    ({"repositoryFilters": [{"filter": "b/", "when": DAY}, {"filter": "a/"}],
      "zeta": DAY, "alpha": 1},
     '[[], ["{\\"filter\\": \\"a/\\"}", "{\\"filter\\": \\"b/\\", \\"when\\": \\"2024-01-02\\"}"], '
     '{"alpha": 1, "zeta": "2024-01-02"}]'),
])
def test_canonical_rule_is_literal_json(rule: Any, text: str) -> None:
    assert compare._canonical_rule(rule) == text
