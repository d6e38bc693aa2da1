"""workerOrganization: the repository policy's organization grant, written here as literal
data, its refusals, its size against listed roles, and how ``check`` judges it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ecr_cluster_access import Parameters, documents
from ecr_cluster_access.check.compare import repository_policy_findings
from ecr_cluster_access.params.rules import arn_like, stack_problems

from ..support.parameters import params_dict

ORG = "o-a1b2c3d4e5"
UNIT = f"{ORG}/r-ab12/ou-ab12-11111111/"
GRANT = {"organizationId": ORG, "roleArnPattern": "arn:aws:iam::*:role/eks-node-*"}

#: The statement the README's security section promises, spelled out.
PUSH_STATEMENT = {
    "Sid": "AllowOrganizationPushPull", "Effect": "Allow", "Principal": "*",
    "Action": ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage",
               "ecr:CompleteLayerUpload", "ecr:GetDownloadUrlForLayer",
               "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"],
    "Condition": {"StringEquals": {"aws:PrincipalOrgID": ORG},
                  "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/eks-node-*"}}}
PULL_STATEMENT = {
    "Sid": "AllowOrganizationPull", "Effect": "Allow", "Principal": "*",
    "Action": ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage",
               "ecr:GetDownloadUrlForLayer"],
    "Condition": {"StringEquals": {"aws:PrincipalOrgID": ORG},
                  "ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": [UNIT + "*"]},
                  "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/eks-node-*"}}}


def params(**overrides: Any) -> Parameters:
    return Parameters.from_mapping(params_dict(**overrides))


def test_the_repository_policy_carries_the_organization_grant_after_the_roles() -> None:
    policy = documents.repository_policy(params(workerOrganization=GRANT))
    assert [s["Sid"] for s in policy["Statement"]] == ["AllowPushPull",
                                                       "AllowOrganizationPushPull"]
    assert policy["Statement"][1] == PUSH_STATEMENT


def test_pull_only_in_one_unit() -> None:
    policy = documents.repository_policy(params(
        workerAccess="pull", developerPrincipalArns=["arn:aws:iam::123456789012:group/devs"],
        workerOrganization={**GRANT, "organizationalUnitPaths": [UNIT]}))
    assert policy["Statement"][-1] == PULL_STATEMENT


def test_the_grant_is_the_same_for_3_accounts_and_300_where_listing_them_is_refused() -> None:
    """Three accounts' node roles fit as workerRoleArns; three hundred do not. As one
    organization grant, the policy is the same text for both fleets (they are not in it)."""
    def fleet(n: int) -> list[str]:
        return [f"arn:aws:iam::{100000000000 + i:012d}:role/eks-node-group" for i in range(n)]

    assert len(params(workerRoleArns=fleet(3)).worker_role_arns) == 3
    with pytest.raises(ValueError, match=r"workerRoleArns: the repository policy for 300 roles "
                                         r"is \d+ characters, over ECR's 10240"):
        params(workerRoleArns=fleet(300))
    text = documents.policy_text(documents.repository_policy(params(
        workerRoleArns=[], workerOrganization=GRANT)))
    assert len(text) == 421  # one statement, whatever the fleet
    assert json.loads(text)["Statement"] == [PUSH_STATEMENT]


def test_no_listed_worker_role_is_needed_with_an_organization() -> None:
    assert stack_problems(params(workerRoleArns=[], workerOrganization=GRANT)) == []
    assert stack_problems(params(workerRoleArns=[])) == [
        "workerRoleArns: [] is empty: give at least one worker role ARN (an app of your own "
        "can pass IRole objects: EcrClusterAccess(worker_roles=...))"]


@pytest.mark.parametrize(("grant", "line"), [
    ({**GRANT, "organizationId": "o-ABC"},
     "workerOrganization.organizationId: 'o-ABC' is not an AWS Organizations ID: use o- and "
     "10-32 lowercase letters and digits"),
    ({**GRANT, "roleArnPattern": "arn:aws:iam::*:role/*"},
     "workerOrganization.roleArnPattern: 'arn:aws:iam::*:role/*' is not a role ARN pattern: "
     "use arn:<partition>:iam::<account or *>:role/<path and name, with * and ? as wildcards "
     "and at least one letter or digit>"),
    ({**GRANT, "organizationalUnitPaths": [f"{ORG}/r-ab12/ou-ab12-11111111"]},
     "workerOrganization.organizationalUnitPaths[0]: 'o-a1b2c3d4e5/r-ab12/ou-ab12-11111111' is "
     "not an organizational unit path: use <organization id>/<root id>/<ou id>/.../ as "
     "aws:PrincipalOrgPaths spells it, ending in /"),
])
def test_refused_organization_grants(grant: dict[str, Any], line: str) -> None:
    with pytest.raises(ValueError) as caught:
        params(workerOrganization=grant)
    assert str(caught.value) == line


@pytest.mark.parametrize(("pattern", "arn", "matches"), [
    ("arn:aws:iam::*:role/eks-node-*", "arn:aws:iam::444455556666:role/eks-node-a", True),
    ("arn:aws:iam::*:role/eks-node-*", "arn:aws:iam::444455556666:role/path/eks-node-a", False),
    ("arn:aws:iam::*:role/*eks-node-*", "arn:aws:iam::444455556666:role/path/eks-node-a", True),
    ("arn:aws:iam::*:role/eks-node-?", "arn:aws:iam::444455556666:role/eks-node-ab", False),
    ("arn:aws:iam::111122223333:role/eks-*", "arn:aws:iam::444455556666:role/eks-a", False),
    ("arn:aws:iam::*:role/EKS-*", "arn:aws:iam::444455556666:role/eks-a", False),
    ("arn:aws:iam::*:role/eks-node-?", "arn:aws:iam::444455556666:role/eks-node-1", True),
    ("arn:aws:iam::*:role/eks-node-?", "arn:aws:iam::444455556666:role/eks-node-", False),
    ("arn:aws:iam::*:role/*", "arn:aws:iam::444455556666:role/a:b", True),
    ("arn:aws:iam::*:role/a:*", "arn:aws:iam::444455556666:role/a:b", True),
    ("arn:aws:iam::*:role/*", "arn:aws:iam::444455556666:role/a\nb", True),
    ("arn:aws:iam::*:role/x.y", "arn:aws:iam::444455556666:role/xzy", False),
])
def test_arn_like_as_iam_reads_it(pattern: str, arn: str, matches: bool) -> None:
    assert arn_like(pattern, arn) is matches


def test_check_accepts_the_exact_grant_and_names_a_missing_or_changed_one() -> None:
    given = params(workerOrganization=GRANT)
    expected = documents.repository_policy(given)
    grant = documents.organization_grant(given)
    assert repository_policy_findings("builds/sample-app", json.dumps(expected),
                                      given.repository_grants, grant) == []
    # actions in another order and case are the same grant
    shuffled = json.loads(json.dumps(expected))
    shuffled["Statement"][1]["Action"] = sorted(a.upper() for a in PUSH_STATEMENT["Action"])
    assert repository_policy_findings("builds/sample-app", json.dumps(shuffled),
                                      given.repository_grants, grant) == []
    # the organization condition removed: a grant to everyone, and the grant missing
    loosened = json.loads(json.dumps(expected))
    del loosened["Statement"][1]["Condition"]["StringEquals"]
    lines = [f.message for f in repository_policy_findings(
        "builds/sample-app", json.dumps(loosened), given.repository_grants, grant)]
    assert len(lines) == 2, lines
    assert lines[0].startswith("the repository policy lacks the organization grant "), lines
    assert lines[1].startswith("the repository policy's ") and lines[1].endswith(
        " is not a grant the parameters make"), lines
    # without the grant in the parameters, the same statement is drift
    plain = params()
    assert [f.message for f in repository_policy_findings(
        "builds/sample-app", json.dumps(expected), plain.repository_grants)][0].endswith(
        " is not a grant the parameters make")


def test_builder_config_says_who_of_the_organization_may_push() -> None:
    summary = documents.access_summary(params(workerOrganization={
        **GRANT, "organizationalUnitPaths": [UNIT]}))
    assert summary["push"] == [
        "worker role arn:aws:iam::123456789012:role/k8s-worker",
        "roles arn:aws:iam::*:role/eks-node-* of organization o-a1b2c3d4e5 (units "
        "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/)"]


def test_the_organization_pulls_from_the_cache_and_nobody_pushes_into_it() -> None:
    policy = documents.pull_through_cache_repository_policy(params(
        workerRoleArns=[], workerOrganization=GRANT,
        pullThroughCache=[{"upstream": "quay", "prefix": "quay"}]))
    assert policy["Statement"] == [
        {**PUSH_STATEMENT, "Sid": "AllowOrganizationPull",
         "Action": ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage",
                    "ecr:GetDownloadUrlForLayer"]},
        {"Sid": "DenyPushIntoTheCache", "Effect": "Deny", "Principal": "*",
         "Action": ["ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload", "ecr:PutImage",
                    "ecr:UploadLayerPart"],
         "Condition": {"Bool": {"aws:PrincipalIsAWSService": "false"}}}]


def member(**overrides: Any) -> dict[str, Any]:
    import aws_cdk as cdk

    from ecr_cluster_access.stack import EcrClusterAccessMemberStack

    app = cdk.App()
    stack = EcrClusterAccessMemberStack(app, params=params(workerOrganization=GRANT),
                                        **{"account": "444455556666", **overrides})
    template: dict[str, Any] = app.synth().get_stack_artifact(stack.artifact_id).template
    return template


def test_the_member_stack_is_one_managed_policy_on_the_listed_roles() -> None:
    template = member(role_names=["eks-node-group-a"])
    assert [r["Type"] for r in template["Resources"].values()] == ["AWS::IAM::ManagedPolicy"]
    (policy,) = (r["Properties"] for r in template["Resources"].values())
    assert policy["ManagedPolicyName"] == "EcrClusterAccess-us-east-1-ecr-nodes"
    assert policy["Roles"] == ["eks-node-group-a"]
    assert policy["PolicyDocument"] == {"Version": "2012-10-17", "Statement": [
        {"Sid": "AllowNodeRolesOnTheRegistry", "Effect": "Allow",
         "Action": PUSH_STATEMENT["Action"],
         "Resource": "arn:aws:ecr:us-east-1:123456789012:repository/*"},
        {"Sid": "AllowEcrAuthorizationToken", "Effect": "Allow",
         "Action": "ecr:GetAuthorizationToken", "Resource": "*"}]}
    assert "Roles" not in next(iter(member()["Resources"].values()))["Properties"]


@pytest.mark.parametrize(("overrides", "line"), [
    ({"role_names": ["ci-runner"]},
     "role_names: 'ci-runner' is not accepted: use the name of a role in 444455556666 whose "
     "ARN matches workerOrganization.roleArnPattern 'arn:aws:iam::*:role/eks-node-*' (the "
     "repository policy admits no other)"),
    ({"account": "123456789012"},
     "account: '123456789012' is not accepted: use the 12-digit ID of a member account other "
     "than the registry's 123456789012"),
    ({"account": "4444"},
     "account: '4444' is not accepted: use the 12-digit ID of a member account other than the "
     "registry's 123456789012"),
])
def test_the_member_stack_refuses_what_the_grant_would_not_admit(
        overrides: dict[str, Any], line: str) -> None:
    with pytest.raises(ValueError) as caught:
        member(**overrides)
    assert str(caught.value) == line


def test_a_member_stack_for_each_member_account(tmp_path: Any) -> None:
    """The calls app.py makes, for a set with two member accounts: the registry's stack and
    one member stack in each account, the roles attached where given (tests/e2e/test_shards.py
    runs app.py itself through the CDK CLI)."""
    import aws_cdk as cdk

    from ecr_cluster_access.stack import make_member_stacks, make_stacks

    given = params(workerOrganization={**GRANT, "memberAccounts": [
        {"account": "444455556666", "roleNames": ["eks-node-group-a"]},
        {"account": "777788889999"}]})
    app = cdk.App()
    stacks = [*make_stacks(app, given), *make_member_stacks(
        app, given, {m.account: m.role_names
                     for m in given.worker_organization.member_accounts})]  # type: ignore[union-attr]
    assert [(s.stack_name, s.account) for s in stacks] == [
        ("EcrClusterAccess", "123456789012"), ("EcrClusterAccess-member", "444455556666"),
        ("EcrClusterAccess-member", "777788889999")]
    assembly = app.synth()
    roles = [next(iter(assembly.get_stack_artifact(s.artifact_id).template["Resources"]
                       .values()))["Properties"].get("Roles") for s in stacks[1:]]
    assert roles == [["eks-node-group-a"], None]


def test_a_role_with_a_path_is_named_with_it_and_attached_by_name() -> None:
    """``nodes/eks-node-a`` is the role eks-node-a at path /nodes/: the pattern sees its ARN,
    CloudFormation attaches it by its name."""
    import aws_cdk as cdk

    from ecr_cluster_access.stack import EcrClusterAccessMemberStack

    given = params(workerOrganization={**GRANT, "roleArnPattern": "arn:aws:iam::*:role/nodes/*",
                                       "memberAccounts": [{"account": "444455556666",
                                                           "roleNames": ["nodes/eks-node-a"]}]})
    app = cdk.App()
    stack = EcrClusterAccessMemberStack(app, params=given, account="444455556666",
                                        role_names=["nodes/eks-node-a"])
    (policy,) = app.synth().get_stack_artifact(stack.artifact_id).template["Resources"].values()
    assert policy["Properties"]["Roles"] == ["eks-node-a"]
    with pytest.raises(ValueError, match=r"memberAccounts\[0\]\.roleNames\[0\]: "
                                         r"arn:aws:iam::444455556666:role/eks-node-a does not "
                                         r"match roleArnPattern"):
        params(workerOrganization={**GRANT, "roleArnPattern": "arn:aws:iam::*:role/nodes/*",
                                   "memberAccounts": [{"account": "444455556666",
                                                       "roleNames": ["eks-node-a"]}]})
