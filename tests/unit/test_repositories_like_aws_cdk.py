"""``registry.repositories[...]`` behaves as aws-cdk-lib's ``ecr.Repository``: the behaviours
of aws-cdk's ``packages/aws-cdk-lib/aws-ecr/test/repository.test.ts`` (aws/aws-cdk at commit
02d329196b2d27dd4c9324c53c3d3be86b1deacf: "resource policy", "fails if repository policy has
no IAM principals", "grant adds appropriate resource-*", "grant pull for role",
"grant push", "onImageScanCompleted ..."), carried over as behaviours, not code, plus the
grants that vanished before: to another account and to a service. One deliberate difference:
a statement for any principal (``*``) is refused, where aws-cdk-lib writes it."""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk.assertions import Template

from ecr_cluster_access import EcrClusterAccess, Parameters

ENV = cdk.Environment(account="123456789012", region="us-east-1")
WORKER = "arn:aws:iam::123456789012:role/k8s-worker"
#: The parameters' repository policy: the guide's seven actions for the worker role.
SEED = {"Sid": "AllowPushPull", "Effect": "Allow", "Principal": {"AWS": [WORKER]},
        "Action": ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage",
                   "ecr:CompleteLayerUpload", "ecr:GetDownloadUrlForLayer",
                   "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"]}
OTHER_ACCOUNT_ROOT = {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"},
                                        ":iam::210987654321:root"]]}
PULL = ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"]


def registry(names: tuple[str, ...] = ("builds/app",)) -> tuple[cdk.Stack, EcrClusterAccess]:
    stack = cdk.Stack(cdk.App(), "Platform", env=ENV)
    return stack, EcrClusterAccess(stack, "Registry", params=Parameters(
        account="123456789012", region="us-east-1", repositories=list(names),
        worker_role_arns=[WORKER]))


def policies(stack: cdk.Stack) -> list[dict[str, object]]:
    return [r["Properties"]["RepositoryPolicyText"] for r in Template.from_stack(
        stack).find_resources("AWS::ECR::Repository").values()]


def test_with_nothing_added_the_repository_policy_is_the_parameters_byte_for_byte() -> None:
    stack, made = registry()
    assert made.repositories["builds/app"].repository_uri  # made, not changed
    assert policies(stack) == [{"Version": "2012-10-17", "Statement": [SEED]}]


def test_add_to_resource_policy_appends_after_the_parameters_statements() -> None:
    stack, made = registry()
    result = made.repositories["builds/app"].add_to_resource_policy(iam.PolicyStatement(
        actions=["ecr:BatchGetImage"], principals=[iam.AccountPrincipal("210987654321")]))
    assert result.statement_added
    assert policies(stack) == [{"Version": "2012-10-17", "Statement": [SEED, {
        "Action": "ecr:BatchGetImage", "Effect": "Allow",
        "Principal": {"AWS": OTHER_ACCOUNT_ROOT}}]}]


def test_a_statement_without_a_principal_fails_at_synth() -> None:
    stack, made = registry()
    made.repositories["builds/app"].add_to_resource_policy(iam.PolicyStatement(
        actions=["ecr:BatchGetImage"]))
    with pytest.raises(Exception, match="must specify at least one IAM principal"):
        cdk.App.of(stack).synth()  # type: ignore[union-attr]


def test_a_grant_to_any_principal_is_refused_unlike_aws_cdk_lib() -> None:
    _, made = registry()
    # raised in aws-cdk-lib's callback into the view: jsii passes it on as a RuntimeError
    with pytest.raises(Exception, match=r"Platform/Registry/builds--app-View: a repository "
                       r"policy statement for any principal \('\*'\) would make the "
                       r"repository public: grant a role, an account or a service"):
        made.repositories["builds/app"].grant_pull(iam.AnyPrincipal())


def test_grant_pull_for_a_role_of_the_account_writes_its_identity_policy() -> None:
    stack, made = registry()
    role = iam.Role(stack, "Role", assumed_by=iam.ServicePrincipal("codebuild.amazonaws.com"))
    made.repositories["builds/app"].grant_pull(role)
    template = Template.from_stack(stack)
    (policy,) = [p for name, p in template.find_resources("AWS::IAM::Policy").items()
                 if name.startswith("RoleDefaultPolicy")]
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    (repository_id,) = template.find_resources("AWS::ECR::Repository")
    assert {"Action": PULL, "Effect": "Allow",
            "Resource": {"Fn::GetAtt": [repository_id, "Arn"]}} in statements
    assert {"Action": "ecr:GetAuthorizationToken", "Effect": "Allow",
            "Resource": "*"} in statements
    assert policies(stack) == [{"Version": "2012-10-17", "Statement": [SEED]}]


def test_a_grant_to_another_account_lands_in_every_repository_policy() -> None:
    # the bug: view.grant_pull(<another account>) returned success and wrote nothing
    stack, made = registry(("builds/app", "builds/web"))
    grant = made.grant_pull(iam.AccountPrincipal("210987654321"))
    assert grant.success
    assert policies(stack) == [{"Version": "2012-10-17", "Statement": [SEED, {
        "Action": sorted(PULL), "Effect": "Allow", "Principal": {"AWS": OTHER_ACCOUNT_ROOT}}]}] * 2


def test_a_lambda_container_image_from_a_repository_gets_lambda_s_pull() -> None:
    stack, made = registry()
    lambda_.DockerImageFunction(stack, "Function", code=lambda_.DockerImageCode.from_ecr(
        made.repositories["builds/app"], tag_or_digest="v1"))
    (policy,) = policies(stack)
    assert policy["Statement"][1] == {  # type: ignore[index]
        "Action": PULL, "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}}


def test_on_image_scan_completed_watches_the_repository() -> None:
    stack, made = registry()
    made.repositories["builds/app"].on_image_scan_completed(
        "Scanned", target=None, image_tags=["v1"])
    (rule,) = Template.from_stack(stack).find_resources("AWS::Events::Rule").values()
    (repository_id,) = Template.from_stack(stack).find_resources("AWS::ECR::Repository")
    assert rule["Properties"]["EventPattern"] == {
        "source": ["aws.ecr"], "detail-type": ["ECR Image Scan"],
        "detail": {"repository-name": [{"Ref": repository_id}], "scan-status": ["COMPLETE"],
                   "image-tags": ["v1"]}}


def test_keywords_and_enums_as_aws_cdk_lib_spells_them() -> None:
    from aws_cdk import aws_ecr as ecr

    from ecr_cluster_access import ParameterError

    stack = cdk.Stack(cdk.App(), "Platform", env=ENV)
    params = Parameters(
        account="123456789012", region="us-east-1", repositories=["builds/app"],
        worker_role_arns=[WORKER], removal_policy=cdk.RemovalPolicy.DESTROY,
        image_tag_mutability=ecr.TagMutability.IMMUTABLE,
        encryption=ecr.RepositoryEncryption.KMS)
    assert (params.removal_policy, params.image_tag_mutability, params.encryption) == (
        "destroy", "IMMUTABLE", "KMS")
    EcrClusterAccess(scope=stack, id="Registry", params=params)  # (scope, id, *, ...)
    (repository,) = Template.from_stack(stack).find_resources("AWS::ECR::Repository").values()
    assert repository["DeletionPolicy"] == "Delete"
    assert repository["Properties"]["ImageTagMutability"] == "IMMUTABLE"
    assert repository["Properties"]["EncryptionConfiguration"] == {"EncryptionType": "KMS"}
    with pytest.raises(ParameterError) as caught:
        Parameters(account="123456789012", region="us-east-1", repositories=["builds/app"],
                   removal_policy=cdk.RemovalPolicy.SNAPSHOT)
    assert caught.value.problems == (
        "removalPolicy: 'snapshot' is not accepted: use one of retain, destroy",)
