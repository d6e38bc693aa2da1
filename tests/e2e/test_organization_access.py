"""Who an organization grant lets push and pull, decided by the independent IAM engine
(@cloud-copilot/iam-simulate) on the repository policy the synthesized template carries.

The expected answers are written here, literally: a node role of a member account whose name
matches the pattern, inside the organization (and, with units, inside one of them), may push
and pull; the same role outside the organization, in another unit, or with a name the pattern
does not match, may not. Each member account allows its roles on its own side (an identity
policy allowing everything on the repository, as broad as a member could write): the
repository policy alone decides. Controls: the same statement without its conditions lets
every one of them in, so the conditions are what the engine decided on.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from ecr_cluster_access import Parameters

from ..support.oracle import ask_the_engine, simulation
from ..support.parameters import params_dict
from .test_access_matrix import of_type, template_of

pytestmark = pytest.mark.e2e

ORG, OTHER_ORG = "o-a1b2c3d4e5", "o-z9y8x7w6v5"
UNIT, OTHER_UNIT = f"{ORG}/r-ab12/ou-ab12-11111111/", f"{ORG}/r-ab12/ou-ab12-22222222/"
REPOSITORY = "arn:aws:ecr:us-east-1:123456789012:repository/builds/sample-app"
MEMBER_SIDE = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}]}
PUSH, PULL = "ecr:PutImage", "ecr:BatchGetImage"

#: (who, organization, unit path, action) -> the engine's answer, for each parameter set.
EXPECTED = {
    "organization": {
        ("arn:aws:iam::444455556666:role/eks-node-group-a", ORG, UNIT, PULL): "Allowed",
        ("arn:aws:iam::444455556666:role/eks-node-group-a", ORG, UNIT, PUSH): "Allowed",
        ("arn:aws:iam::777788889999:role/eks-node-x", ORG, OTHER_UNIT, PUSH): "Allowed",
        ("arn:aws:iam::444455556666:role/eks-node-group-a", OTHER_ORG, UNIT, PULL):
            "ImplicitlyDenied",
        ("arn:aws:iam::444455556666:role/ci-runner", ORG, UNIT, PULL): "ImplicitlyDenied",
        ("arn:aws:iam::444455556666:role/nodes/eks-node-a", ORG, UNIT, PULL): "Allowed",
    },
    "unit, pull only": {
        ("arn:aws:iam::444455556666:role/eks-node-group-a", ORG, UNIT, PULL): "Allowed",
        ("arn:aws:iam::444455556666:role/eks-node-group-a", ORG, UNIT, PUSH):
            "ImplicitlyDenied",
        ("arn:aws:iam::777788889999:role/eks-node-x", ORG, OTHER_UNIT, PULL):
            "ImplicitlyDenied",
        ("arn:aws:iam::444455556666:role/eks-node-group-a", OTHER_ORG, UNIT, PULL):
            "ImplicitlyDenied",
        ("arn:aws:iam::444455556666:role/ci-runner", ORG, UNIT, PULL): "ImplicitlyDenied",
    },
}
SETS = {
    "organization": params_dict(workerOrganization={
        "organizationId": ORG, "roleArnPattern": "arn:aws:iam::*:role/*eks-node-*"}),
    "unit, pull only": params_dict(workerAccess="pull", developerPrincipalArns=[
        "arn:aws:iam::123456789012:group/devs"], workerOrganization={
        "organizationId": ORG, "roleArnPattern": "arn:aws:iam::*:role/eks-node-*",
        "organizationalUnitPaths": [UNIT]}),
}


def request(who: str, organization: str, unit: str, action: str, policy: Any
            ) -> dict[str, Any]:
    account = who.split(":")[4]
    return simulation(who, action, REPOSITORY, identity=[MEMBER_SIDE], resource_policy=policy,
                      context={"aws:PrincipalOrgID": organization,
                               "aws:PrincipalOrgPaths": [f"{unit}"],
                               "aws:PrincipalArn": who, "aws:PrincipalAccount": account})


def repository_policy(name: str) -> Any:
    (repository,) = of_type(template_of(Parameters.from_mapping(SETS[name])),
                            "AWS::ECR::Repository")
    return repository["RepositoryPolicyText"]


@pytest.mark.parametrize("name", list(SETS))
def test_the_engine_lets_in_exactly_the_organization_s_matching_roles(name: str) -> None:
    policy = repository_policy(name)
    cases = list(EXPECTED[name].items())
    answers = ask_the_engine([request(*case, policy) for case, _ in cases])
    assert dict(zip((c for c, _ in cases), answers, strict=True)) == EXPECTED[name]


def test_the_control_without_conditions_lets_everyone_in() -> None:
    policy = copy.deepcopy(repository_policy("organization"))
    for statement in policy["Statement"]:
        statement.pop("Condition", None)
    cases = list(EXPECTED["organization"])
    answers = ask_the_engine([request(*case, policy) for case in cases])
    assert answers == ["Allowed"] * len(cases)


def member_policy() -> Any:
    import aws_cdk as cdk

    from ecr_cluster_access.stack import EcrClusterAccessMemberStack

    app = cdk.App()
    stack = EcrClusterAccessMemberStack(
        app, params=Parameters.from_mapping(SETS["organization"]), account="444455556666",
        role_names=["eks-node-group-a"])
    (policy,) = of_type(app.synth().get_stack_artifact(stack.artifact_id).template,
                        "AWS::IAM::ManagedPolicy")
    return policy["PolicyDocument"]


def test_both_sides_from_the_stacks_let_the_node_role_in_and_neither_alone_does() -> None:
    """The member stack's policy and the registry's repository policy, each as synthesized:
    together they admit the node role; the repository policy without the member's side does
    not (another account's role needs both); the token comes from the member's side."""
    who = "arn:aws:iam::444455556666:role/eks-node-group-a"
    context = {"aws:PrincipalOrgID": ORG, "aws:PrincipalOrgPaths": [UNIT],
               "aws:PrincipalArn": who, "aws:PrincipalAccount": "444455556666"}
    member, repository = member_policy(), repository_policy("organization")
    cases = {
        ("both", PUSH): simulation(who, PUSH, REPOSITORY, identity=[member],
                                   resource_policy=repository, context=context),
        ("both", PULL): simulation(who, PULL, REPOSITORY, identity=[member],
                                   resource_policy=repository, context=context),
        ("repository side only", PULL): simulation(who, PULL, REPOSITORY, identity=[],
                                                   resource_policy=repository, context=context),
        ("member side only", PULL): simulation(who, PULL, REPOSITORY, identity=[member],
                                               context=context),
        ("token", "ecr:GetAuthorizationToken"): simulation(
            who, "ecr:GetAuthorizationToken", "*", identity=[member], context=context,
            home="444455556666"),
    }
    answers = dict(zip(cases, ask_the_engine(list(cases.values())), strict=True))
    assert answers == {("both", PUSH): "Allowed", ("both", PULL): "Allowed",
                       ("repository side only", PULL): "ImplicitlyDenied",
                       ("member side only", PULL): "ImplicitlyDenied",
                       ("token", "ecr:GetAuthorizationToken"): "Allowed"}
