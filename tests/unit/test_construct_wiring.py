"""The construct wired to what CDK users hold: IRole worker roles, grants, repository views,
and stacks without a concrete environment (GIVEN / WHEN / THEN on the template)."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk.assertions import Template

from ecr_cluster_access import (
    BuilderIdentity,
    EcrClusterAccess,
    ParameterError,
    Parameters,
)

ENV = cdk.Environment(account="123456789012", region="us-east-1")


def minimal(**overrides: Any) -> Parameters:
    values: dict[str, Any] = {"account": "123456789012", "region": "us-east-1",
                              "repositories": ["builds/app", "builds/web"]}
    values.update(overrides)
    return Parameters(**values)


def stack_with(env: cdk.Environment | None = ENV) -> cdk.Stack:
    return cdk.Stack(cdk.App(), "Platform", env=env)


def test_worker_roles_from_the_same_app_are_granted_without_arns_in_the_parameters() -> None:
    # GIVEN a worker role defined in the app, and parameters without worker role ARNs
    stack = stack_with()
    role = iam.Role(stack, "Nodes", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"))
    # WHEN the construct gets it as an IRole
    EcrClusterAccess(stack, "Registry", params=minimal(), worker_roles=[role])
    template = Template.from_stack(stack)
    # THEN, as aws-cdk-lib grants to a principal of its account, the role gets a policy of its
    # own: the seven actions on the repositories and the token (written out here)
    (role_id,) = template.find_resources("AWS::IAM::Role")
    (policy,) = template.find_resources("AWS::IAM::Policy").values()
    assert policy["Properties"]["Roles"] == [{"Ref": role_id}]
    assert policy["Properties"]["PolicyDocument"] == {"Version": "2012-10-17", "Statement": [
        {"Sid": "AllowWorkerOnRepositories", "Effect": "Allow", "Action": [
            "ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload",
            "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload", "ecr:PutImage",
            "ecr:UploadLayerPart"], "Resource": [
            "arn:aws:ecr:us-east-1:123456789012:repository/builds/app",
            "arn:aws:ecr:us-east-1:123456789012:repository/builds/web"]},
        {"Sid": "AllowEcrAuthorizationToken", "Effect": "Allow",
         "Action": "ecr:GetAuthorizationToken", "Resource": "*"}]}
    # AND the repositories need no repository policy for it
    for repository in template.find_resources("AWS::ECR::Repository").values():
        assert "RepositoryPolicyText" not in repository["Properties"]


def test_a_worker_role_from_another_stack_makes_no_dependency_cycle() -> None:
    """The role's stack uses a repository URI (as a task definition or a build would): with
    the grant in the role's own stack, only the role's stack depends on the registry's, as
    with aws-cdk-lib's ecr.Repository and grant_pull_push."""
    app = cdk.App()
    registry_stack = cdk.Stack(app, "Registry", env=ENV)
    role_stack = cdk.Stack(app, "Cluster", env=ENV)
    role = iam.Role(role_stack, "Nodes", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"))
    registry = EcrClusterAccess(registry_stack, "R", params=minimal(), worker_roles=[role])
    cdk.CfnOutput(role_stack, "Uri", value=registry.repositories["builds/app"].repository_uri)
    app.synth()  # a cycle raises here
    assert [s.stack_name for s in role_stack.dependencies] == ["Registry"]
    assert registry_stack.dependencies == []


def test_a_worker_role_of_another_account_is_granted_by_the_repository_policy() -> None:
    stack = stack_with()
    other = iam.Role.from_role_arn(stack, "Other", "arn:aws:iam::210987654321:role/nodes")
    EcrClusterAccess(stack, "Registry", params=minimal(), worker_roles=[other])
    template = Template.from_stack(stack)
    assert template.find_resources("AWS::IAM::Policy") == {}
    for repository in template.find_resources("AWS::ECR::Repository").values():
        (statement,) = repository["Properties"]["RepositoryPolicyText"]["Statement"]
        assert statement["Principal"] == {"AWS": ["arn:aws:iam::210987654321:role/nodes"]}


def test_no_worker_role_at_all_is_one_clear_error() -> None:
    with pytest.raises(ParameterError, match=r"workerRoleArns: \[\] is empty: give at least "):
        EcrClusterAccess(stack_with(), "Registry", params=minimal())


def test_a_token_where_a_concrete_value_is_needed_names_the_field() -> None:
    stack = stack_with()
    role = iam.Role(stack, "Nodes", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"))
    with pytest.raises(ParameterError) as caught:
        minimal(worker_role_arns=[role.role_arn])
    (problem,) = caught.value.problems
    assert problem.startswith("workerRoleArns[0]: '${Token[")
    assert "is an unresolved CDK token" in problem and "worker_roles=[role]" in problem


PULL = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
SEVEN = sorted([*PULL, "ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload", "ecr:PutImage",
                "ecr:UploadLayerPart"])
PUSH = ["ecr:BatchCheckLayerAvailability", "ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload",
        "ecr:PutImage", "ecr:UploadLayerPart"]


@pytest.mark.parametrize(("method", "actions"), [
    ("grant_pull", PULL), ("grant_push", PUSH), ("grant_pull_push", SEVEN),
    ("grant_push_pull", SEVEN)])
def test_grants_cover_every_repository_and_the_token(method: str, actions: list[str]) -> None:
    # GIVEN a role of the user's
    stack = stack_with()
    user = iam.Role(stack, "Deployer", assumed_by=iam.ServicePrincipal("codebuild.amazonaws.com"))
    registry = EcrClusterAccess(stack, "Registry", params=minimal(
        worker_role_arns=["arn:aws:iam::123456789012:role/k8s-worker"]))
    # WHEN granted
    grant = getattr(registry, method)(user)
    # THEN an iam.Grant; the role's policies have exactly those actions on the repositories,
    # and the token on * in a policy of its own (cdk-nag's finding acknowledged there only)
    assert isinstance(grant, iam.Grant) and grant.success
    template = Template.from_stack(stack)
    policies = [p for p in template.find_resources("AWS::IAM::Policy").values()
                if "Deployer" in json.dumps(p["Properties"]["Roles"])]
    statements = [s for p in policies for s in p["Properties"]["PolicyDocument"]["Statement"]]
    granted = {tuple(sorted(s["Action"] if isinstance(s["Action"], list) else [s["Action"]])):
               s["Resource"] for s in statements}
    assert sorted(granted) == sorted([tuple(actions), ("ecr:GetAuthorizationToken",)])
    assert granted[("ecr:GetAuthorizationToken",)] == "*"
    assert len(granted[tuple(actions)]) == 2  # one ARN per repository
    # the repositories' policies are the parameters' only
    for repository in template.find_resources("AWS::ECR::Repository").values():
        (statement,) = repository["Properties"]["RepositoryPolicyText"]["Statement"]
        assert statement["Sid"] == "AllowPushPull"


def test_grant_read_is_aws_cdk_libs_describe_actions_without_the_token() -> None:
    # GIVEN a role of the user's
    stack = stack_with()
    user = iam.Role(stack, "Reader", assumed_by=iam.ServicePrincipal("codebuild.amazonaws.com"))
    registry = EcrClusterAccess(stack, "Registry", params=minimal(
        worker_role_arns=["arn:aws:iam::123456789012:role/k8s-worker"]))
    # WHEN granted read, as ecr.Repository.grant_read grants it
    grant = registry.grant_read(user)
    # THEN the two describe actions on the repositories, and nothing else (no token, no pull)
    assert grant.success
    template = Template.from_stack(stack)
    statements = [s for p in template.find_resources("AWS::IAM::Policy").values()
                  if "Reader" in json.dumps(p["Properties"]["Roles"])
                  for s in p["Properties"]["PolicyDocument"]["Statement"]]
    (statement,) = statements
    assert statement["Action"] == ["ecr:DescribeRepositories", "ecr:DescribeImages"]
    assert len(statement["Resource"]) == 2


def test_repositories_are_views_with_uris_grants_and_events_in_parameter_order() -> None:
    stack = stack_with()
    registry = EcrClusterAccess(stack, "Registry", params=minimal(
        worker_role_arns=["arn:aws:iam::123456789012:role/k8s-worker"]))
    assert list(registry.repositories) == ["builds/app", "builds/web"]
    view = registry.repositories["builds/web"]
    assert view is registry.repository("builds/web")
    assert cdk.Token.is_unresolved(view.repository_uri)
    reader = iam.Role(stack, "Reader", assumed_by=iam.AccountRootPrincipal())
    assert view.grant_pull(reader).success
    view.on_cloud_trail_image_pushed("Pushed")
    Template.from_stack(stack).resource_count_is("AWS::Events::Rule", 1)


def test_an_unknown_repository_name_lists_the_valid_ones() -> None:
    registry = EcrClusterAccess(stack_with(), "Registry", params=minimal(
        worker_role_arns=["arn:aws:iam::123456789012:role/k8s-worker"]))
    with pytest.raises(KeyError, match="'nope' is not one of this construct's repositories: use "
                                       "one of builds/app, builds/web"):
        registry.repositories["nope"]


def test_an_env_agnostic_stack_asserts_account_and_region_in_a_rule() -> None:
    # GIVEN a stack with no concrete environment
    stack = stack_with(env=None)
    EcrClusterAccess(stack, "Registry", params=minimal(
        worker_role_arns=["arn:aws:iam::123456789012:role/k8s-worker"]))
    rules = Template.from_stack(stack).to_json()["Rules"]
    # THEN a Rule fails any deploy elsewhere, before anything is made
    (rule,) = [r for name, r in rules.items() if "EnvironmentMatchesParameters" in name]
    (assertion,) = rule["Assertions"]
    assert assertion["Assert"] == {"Fn::And": [
        {"Fn::Equals": [{"Ref": "AWS::AccountId"}, "123456789012"]},
        {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}]}
    assert "123456789012 in us-east-1" in assertion["AssertDescription"]


def test_a_concrete_environment_needs_no_rule() -> None:
    stack = stack_with()
    EcrClusterAccess(stack, "Registry", params=minimal(
        worker_role_arns=["arn:aws:iam::123456789012:role/k8s-worker"]))
    rules = Template.from_stack(stack).to_json().get("Rules", {})
    assert not [name for name in rules if "EnvironmentMatchesParameters" in name]


def test_a_key_a_provider_and_a_cluster_can_be_objects_of_the_app() -> None:
    from aws_cdk import aws_eks as eks
    from aws_cdk import aws_kms as kms

    # GIVEN a key, an OIDC provider and a cluster of the app, and parameters that leave
    # those values out
    stack = stack_with()
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    provider = iam.OpenIdConnectProvider(stack, "Oidc", url="https://oidc.example.com/id/X",
                                         client_ids=["sts.amazonaws.com"])
    worker = ["arn:aws:iam::123456789012:role/k8s-worker"]
    irsa = minimal(worker_role_arns=worker, encryption="KMS",
                   builder_identity=BuilderIdentity(mode="irsa"))
    assert isinstance(irsa, Parameters)
    # WHEN passed as objects
    EcrClusterAccess(stack, "Registry", params=irsa, kms_key=key, oidc_provider=provider)
    template = Template.from_stack(stack)
    # THEN the repositories use the key, and the builder trusts the provider through CfnJson
    (repository, _) = template.find_resources("AWS::ECR::Repository").values()
    assert repository["Properties"]["EncryptionConfiguration"]["KmsKey"] == {
        "Fn::GetAtt": [list(template.find_resources("AWS::KMS::Key"))[0], "Arn"]}
    (role,) = [r for r in template.find_resources("AWS::IAM::Role").values()
               if "AssumeRoleWithWebIdentity" in json.dumps(r)]
    (statement,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert "Ref" in json.dumps(statement["Principal"]["Federated"])
    assert "BuilderTrustConditions" in json.dumps(statement["Condition"])
    # AND a pod-identity builder takes the cluster's name
    other = stack_with()
    cluster = eks.Cluster.from_cluster_attributes(other, "Cluster", cluster_name="builds")
    pod_identity = minimal(worker_role_arns=worker,
                           builder_identity=BuilderIdentity(mode="pod-identity"))
    EcrClusterAccess(other, "Registry", params=pod_identity, cluster=cluster)
    Template.from_stack(other).has_resource_properties(
        "AWS::EKS::PodIdentityAssociation", {"ClusterName": "builds"})


def test_an_object_that_does_not_fit_the_parameters_is_refused() -> None:
    from aws_cdk import aws_kms as kms

    stack = stack_with()
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    with pytest.raises(ParameterError, match="kms_key: needs encryption KMS and no kmsKeyArn"):
        EcrClusterAccess(stack, "Registry", params=minimal(
            worker_role_arns=["arn:aws:iam::123456789012:role/k8s-worker"]), kms_key=key)
