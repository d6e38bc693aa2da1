"""Literal expectations for what the surviving mutants of ``documents``, ``naming`` and the
construct's environment Rule showed no other test pinned down: the creation template's trust
policy, the shortening of the stack's IAM names at their exact limits, the organization
statement's default, the kind of a principal ARN, and the Rule of an env-agnostic stack."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aws_cdk as cdk
import pytest

from ecr_cluster_access import EcrClusterAccess, Parameters, documents, naming

from ..support.parameters import params_dict

SEVEN = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload",
         "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload", "ecr:PutImage",
         "ecr:UploadLayerPart"]


# --- documents --------------------------------------------------------------------------------

def test_the_creation_template_role_trusts_ecr_only() -> None:
    assert documents.creation_template_trust_policy() == {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecr.amazonaws.com"},
                       "Action": "sts:AssumeRole"}]}


def test_the_organization_statement_grants_push_and_pull_by_default() -> None:
    assert documents.organization_statement(
        "o-a1b2c3d4e5", "arn:aws:iam::*:role/eks-node-*") == {
        "Sid": "AllowOrganizationPushPull", "Effect": "Allow", "Principal": "*",
        "Action": SEVEN,
        "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"},
                      "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/eks-node-*"}}}


def stack_of(length: int) -> str:
    """A valid stack name of ``length`` characters: ``Builds``, then ``x`` as often as needed."""
    return "Builds" + "x" * (length - len("Builds"))


# (stack name, the developers' managed policy name): IAM's 128 characters, kept whole when
# ``<stackName>-us-east-1-ecr-developers`` fits, shortened with a hash from 129 on
DEVELOPER_POLICY_NAMES: list[tuple[str, str]] = [
    (stack_of(103), stack_of(103) + "-us-east-1-ecr-developers"),   # 128 characters
    (stack_of(104), stack_of(104) + "-036f670a-ecr-developers"),    # 129, shortened to 128
]

# (stack name, the creation template role's name): IAM's 64 characters for a role
TEMPLATE_ROLE_NAMES: list[tuple[str, str]] = [
    (stack_of(41), stack_of(41) + "-us-east-1-ecr-template"),       # 64 characters
    (stack_of(42), stack_of(42) + "-d99b1591-ecr-template"),        # 65, shortened to 64
]


@pytest.mark.parametrize(("name_of", "stack_name", "expected", "limit"), [
    *[(documents.developer_policy_name, stack, name, 128)
      for stack, name in DEVELOPER_POLICY_NAMES],
    *[(documents.creation_template_role_name, stack, name, 64)
      for stack, name in TEMPLATE_ROLE_NAMES],
])
def test_names_fit_iams_limits(name_of: Callable[[Parameters], str], stack_name: str,
                               expected: str, limit: int) -> None:
    """The developer policy's name at IAM's 128 characters, the creation template role's at 64."""
    name = name_of(Parameters.from_mapping(params_dict(stackName=stack_name)))
    assert (name, len(name)) == (expected, limit)


# --- naming -----------------------------------------------------------------------------------

PRINCIPAL_KINDS: list[tuple[str, str]] = [
    ("arn:aws:iam::123456789012:role/k8s-worker", "role"),
    ("arn:aws:iam::123456789012:group/developers", "group"),
    # a path: the kind is what comes before the first "/", not the last
    ("arn:aws:iam::123456789012:role/eks/nodes/second", "role"),
    # an IAM path may hold ":" (any of "!" to "~"): the fields are counted from the left
    ("arn:aws:iam::123456789012:user/ci:bots/builder", "user"),
    # the resource is all after the fifth ":", colons included, up to its first "/"
    ("arn:aws:iam::123456789012:user:legacy/builder", "user:legacy"),
]


@pytest.mark.parametrize(("arn", "kind"), PRINCIPAL_KINDS)
def test_the_principal_kind_is_the_resource_up_to_its_first_slash(arn: str, kind: str) -> None:
    assert naming.principal_kind_of_arn(arn) == kind


# --- the construct ----------------------------------------------------------------------------

def test_an_env_agnostic_stack_carries_the_environment_rule_literally() -> None:
    # GIVEN the construct in a stack with no concrete account or region
    app = cdk.App()
    stack = cdk.Stack(app, "EnvAgnostic")
    EcrClusterAccess(stack, "Registry", params=Parameters.from_mapping(params_dict()))
    # WHEN synthesized
    template: dict[str, Any] = app.synth().get_stack_by_name(stack.stack_name).template
    # THEN the Rule, under its logical ID, refuses any other account or region
    assert template["Rules"]["RegistryEnvironmentMatchesParameters92C2B04F"] == {
        "Assertions": [{
            "Assert": {"Fn::And": [
                {"Fn::Equals": [{"Ref": "AWS::AccountId"}, "123456789012"]},
                {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}]},
            "AssertDescription": "ecr-cluster-access: this stack must be deployed to account "
            "123456789012 in us-east-1, as its parameters (and the cluster's ecr-config "
            "Secret) say"}]}
