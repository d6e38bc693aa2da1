"""The AWS half: template assertions on the construct and the stack (GIVEN / WHEN / THEN)."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Match, Template

from ecr_cluster_access import EcrClusterAccess, Parameters
from ecr_cluster_access.params import template_bytes
from ecr_cluster_access.stack import EcrClusterAccessStack

from ..support.expected_access import PULL, SEVEN, TOKEN
from ..support.parameters import OIDC, REGISTRY_FEATURES, params_dict

ROLE = "arn:aws:iam::123456789012:role/k8s-worker"
OTHER_ACCOUNT_ROLE = "arn:aws:iam::210987654321:role/other-cluster-nodes"


def synth(**overrides: Any) -> Template:
    app = cdk.App()
    stack = EcrClusterAccessStack(app, params=Parameters.from_mapping(params_dict(**overrides)))
    return Template.from_stack(stack)


def repository_resources(template: Template) -> dict[str, Any]:
    return template.find_resources("AWS::ECR::Repository")


# --- repositories and their policy ------------------------------------------------------------

def test_one_repository_per_name() -> None:
    # GIVEN three repository names WHEN synthesized
    template = synth(repositories=["a1", "team/b2", "c3"])
    # THEN exactly three repositories, with those names
    template.resource_count_is("AWS::ECR::Repository", 3)
    names = sorted(r["Properties"]["RepositoryName"]
                   for r in repository_resources(template).values())
    assert names == ["a1", "c3", "team/b2"]


def test_repository_policy_grants_each_worker_role_exactly_the_seven_actions() -> None:
    template = synth(workerRoleArns=[ROLE, OTHER_ACCOUNT_ROLE])
    template.has_resource_properties("AWS::ECR::Repository", {
        "RepositoryPolicyText": {
            "Version": "2012-10-17",
            "Statement": [{
                "Sid": "AllowPushPull",
                "Effect": "Allow",
                "Principal": {"AWS": [ROLE, OTHER_ACCOUNT_ROLE]},
                "Action": sorted(SEVEN),
            }],
        },
    })


def test_repository_policy_matches_the_guides_action_list() -> None:
    guide = {"ecr:BatchGetImage", "ecr:BatchCheckLayerAvailability", "ecr:CompleteLayerUpload",
             "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload", "ecr:PutImage",
             "ecr:UploadLayerPart"}
    (repo,) = repository_resources(synth()).values()
    (statement,) = repo["Properties"]["RepositoryPolicyText"]["Statement"]
    assert set(statement["Action"]) == guide and len(statement["Action"]) == 7


def test_repository_policy_has_no_resource_no_wildcard_and_no_token_action() -> None:
    (repo,) = repository_resources(synth()).values()
    text = json.dumps(repo["Properties"]["RepositoryPolicyText"])
    (statement,) = repo["Properties"]["RepositoryPolicyText"]["Statement"]
    assert "Resource" not in statement
    assert "*" not in text
    assert "GetAuthorizationToken" not in text
    assert set(statement["Principal"]) == {"AWS"}


def test_same_account_role_gets_no_repository_grant_through_an_identity_policy() -> None:
    # grant_pull_push on a same-account role would have written this; the policy must not.
    template = synth()
    for policy in template.find_resources("AWS::IAM::Policy").values():
        assert "ecr:PutImage" not in json.dumps(policy)


def test_authorization_token_goes_on_an_identity_policy_of_same_account_roles() -> None:
    template = synth(workerRoleArns=[ROLE, "arn:aws:iam::123456789012:role/eks/second",
                                     OTHER_ACCOUNT_ROLE])
    template.resource_count_is("AWS::IAM::Policy", 1)
    template.has_resource_properties("AWS::IAM::Policy", {
        "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "ecr:GetAuthorizationToken",
                                          "Resource": "*", "Sid": Match.any_value()}],
                           "Version": "2012-10-17"},
        "Roles": ["k8s-worker", "second"],
    })


def test_no_identity_policy_when_every_worker_role_is_in_another_account() -> None:
    template = synth(workerRoleArns=[OTHER_ACCOUNT_ROLE])
    template.resource_count_is("AWS::IAM::Policy", 0)


def test_cross_account_roles_get_an_output_saying_what_their_account_must_grant() -> None:
    template = synth(workerRoleArns=[ROLE, OTHER_ACCOUNT_ROLE])
    template.has_output("CrossAccountWorkerRoles", {
        "Value": OTHER_ACCOUNT_ROLE,
        "Description": Match.string_like_regexp("210987654321.*ecr:GetAuthorizationToken"),
    })


def test_no_cross_account_output_for_same_account_roles() -> None:
    assert "CrossAccountWorkerRoles" not in synth().find_outputs("*")


# --- developer access -------------------------------------------------------------------------

def test_no_developer_policy_without_developer_principals() -> None:
    synth().resource_count_is("AWS::IAM::ManagedPolicy", 0)


def test_developer_policy_grants_push_pull_on_these_repositories_and_the_token() -> None:
    template = synth(repositories=["a1", "b2"], developerPrincipalArns=[
        "arn:aws:iam::123456789012:role/dev", "arn:aws:iam::123456789012:group/devs",
        "arn:aws:iam::123456789012:user/alice"])
    template.has_resource_properties("AWS::IAM::ManagedPolicy", {
        "PolicyDocument": {"Statement": [
            {"Sid": Match.any_value(), "Effect": "Allow", "Action": sorted(SEVEN),
             "Resource": ["arn:aws:ecr:us-east-1:123456789012:repository/a1",
                          "arn:aws:ecr:us-east-1:123456789012:repository/b2"]},
            {"Sid": Match.any_value(), "Effect": "Allow", "Action": "ecr:GetAuthorizationToken",
             "Resource": "*"},
        ], "Version": "2012-10-17"},
        "Roles": ["dev"], "Groups": ["devs"], "Users": ["alice"],
    })


# --- nothing is lost by default ---------------------------------------------------------------

def test_repository_is_retained_when_stack_is_deleted_or_it_is_removed() -> None:
    synth().has_resource("AWS::ECR::Repository", {
        "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"})


def test_images_are_not_emptied_on_delete_by_default() -> None:
    synth().has_resource_properties("AWS::ECR::Repository", {"EmptyOnDelete": Match.absent()})


def test_destroy_without_empty_on_delete_keeps_images() -> None:
    template = synth(removalPolicy="destroy")
    template.has_resource("AWS::ECR::Repository", {"DeletionPolicy": "Delete"})
    template.has_resource_properties("AWS::ECR::Repository", {"EmptyOnDelete": Match.absent()})


def test_deleting_images_is_an_explicit_opt_in() -> None:
    template = synth(removalPolicy="destroy", emptyOnDelete=True)
    template.has_resource("AWS::ECR::Repository", {
        "DeletionPolicy": "Delete", "Properties": Match.object_like({"EmptyOnDelete": True})})


def test_logical_ids_do_not_depend_on_list_order() -> None:
    first = set(repository_resources(synth(repositories=["a1", "b2", "c3"])))
    second = set(repository_resources(synth(repositories=["c3", "b2"])))
    assert second < first


# --- options ----------------------------------------------------------------------------------

def test_defaults_scan_on_push_mutable_tags_aes256_and_no_lifecycle() -> None:
    synth().has_resource_properties("AWS::ECR::Repository", {
        "ImageScanningConfiguration": {"ScanOnPush": True},
        "ImageTagMutability": "MUTABLE",
        "LifecyclePolicy": Match.absent(),
        "EncryptionConfiguration": Match.absent(),
    })


def test_scan_on_push_can_be_turned_off() -> None:
    synth(scanOnPush=False).has_resource_properties("AWS::ECR::Repository", {
        "ImageScanningConfiguration": {"ScanOnPush": False}})


def test_immutable_tags_with_exclusion_filters() -> None:
    synth(imageTagMutability="IMMUTABLE",
          imageTagMutabilityExclusionFilters=["latest", "cache-*"]).has_resource_properties(
        "AWS::ECR::Repository", {
            "ImageTagMutability": "IMMUTABLE_WITH_EXCLUSION",
            "ImageTagMutabilityExclusionFilters": [
                {"ImageTagMutabilityExclusionFilterType": "WILDCARD",
                 "ImageTagMutabilityExclusionFilterValue": "latest"},
                {"ImageTagMutabilityExclusionFilterType": "WILDCARD",
                 "ImageTagMutabilityExclusionFilterValue": "cache-*"},
            ]})


def test_lifecycle_rules_expire_untagged_and_keep_last_n() -> None:
    template = synth(lifecycle={"untaggedExpireDays": 14, "keepLastImages": 50})
    (repo,) = repository_resources(template).values()
    rules = json.loads(repo["Properties"]["LifecyclePolicy"]["LifecyclePolicyText"])["rules"]
    assert [(r["rulePriority"], r["selection"]["tagStatus"], r["selection"]["countType"],
             r["selection"]["countNumber"], r["action"]["type"]) for r in rules] == [
        (1, "untagged", "sinceImagePushed", 14, "expire"),
        (2, "any", "imageCountMoreThan", 50, "expire")]


def test_kms_encryption_with_a_customer_key() -> None:
    arn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    synth(encryption="KMS", kmsKeyArn=arn).has_resource_properties("AWS::ECR::Repository", {
        "EncryptionConfiguration": {"EncryptionType": "KMS", "KmsKey": arn}})


def test_kms_encryption_with_the_aws_managed_key() -> None:
    synth(encryption="KMS").has_resource_properties("AWS::ECR::Repository", {
        "EncryptionConfiguration": {"EncryptionType": "KMS", "KmsKey": Match.absent()}})


def test_tags_are_put_on_every_repository() -> None:
    template = synth(repositories=["a1", "b2"], tags={"team": "platform", "env": "prod"})
    for repo in repository_resources(template).values():
        assert repo["Properties"]["Tags"] == [{"Key": "env", "Value": "prod"},
                                              {"Key": "team", "Value": "platform"}]


def test_repositories_carry_no_checkov_metadata_the_config_file_holds_the_skips() -> None:
    for overrides in ({}, {"imageTagMutability": "IMMUTABLE", "encryption": "KMS"}):
        (repo,) = repository_resources(synth(**overrides)).values()
        assert "Metadata" not in repo


# --- outputs ----------------------------------------------------------------------------------

def test_outputs_hold_what_the_builder_configuration_needs() -> None:
    template = synth(repositories=["a1", "team/b2"], secretName="registry-auth",
                     namespace="builds")
    host = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
    template.has_output("RegistryHost", {"Value": host})
    template.has_output("RepositoryUris", {"Value": f"{host}/a1,{host}/team/b2"})
    template.has_output("SecretName", {"Value": "registry-auth"})
    template.has_output("SecretNamespace", {"Value": "builds"})


def test_stack_env_is_the_parameters_account_and_region() -> None:
    app = cdk.App()
    params = Parameters.from_mapping(params_dict(account="210987654321", region="eu-west-1",
                                                 workerRoleArns=[OTHER_ACCOUNT_ROLE]))
    stack = EcrClusterAccessStack(app, params=params)
    assert (stack.account, stack.region) == ("210987654321", "eu-west-1")
    assert stack.stack_name == "EcrClusterAccess"


# --- the construct in a user's own stack ------------------------------------------------------

def test_construct_fits_in_an_env_agnostic_user_stack() -> None:
    stack = cdk.Stack(cdk.App(), "UserStack")
    access = EcrClusterAccess(stack, "Ecr", params=Parameters.from_mapping(params_dict()))
    Template.from_stack(stack).resource_count_is("AWS::ECR::Repository", 1)
    assert access.repository_names == ("builds/sample-app",)
    assert access.repository("builds/sample-app").repository_name is not None
    assert access.registry_host == "123456789012.dkr.ecr.us-east-1.amazonaws.com"


def test_construct_refuses_a_stack_in_another_account() -> None:
    stack = cdk.Stack(cdk.App(), "UserStack",
                      env=cdk.Environment(account="210987654321", region="us-east-1"))
    with pytest.raises(ValueError, match="account: the stack's account '210987654321' differs"):
        EcrClusterAccess(stack, "Ecr", params=Parameters.from_mapping(params_dict()))


# --- size and determinism ---------------------------------------------------------------------

@pytest.mark.parametrize("overrides", [
    {},
    {"repositories": [f"team-{i:03d}/service-{i}" for i in range(60)],
     "workerRoleArns": [f"arn:aws:iam::123456789012:role/eks/worker-{i:02d}" for i in range(30)],
     "lifecycle": {"untaggedExpireDays": 7, "keepLastImages": 30}, "tags": {"team": "p"}},
    {**REGISTRY_FEATURES, "repositories": [f"app-{i:03d}" for i in range(40)],
     "tags": {"team": "p"},
     "pullThroughCache": [{"upstream": "k8s", "prefix": f"cache-{i:02d}"} for i in range(30)],
     "registryPolicy": {"replicationSourceAccounts": [f"2109876543{i:02d}" for i in range(20)]}},
])
def test_template_size_is_the_real_size(overrides: dict[str, Any]) -> None:
    params = Parameters.from_mapping(params_dict(**overrides))
    app = cdk.App(context={"aws:cdk:enable-path-metadata": True})  # as the CDK CLI synthesizes
    stack = EcrClusterAccessStack(app, params=params)
    template = app.synth().get_stack_by_name(stack.stack_name).template
    real = len(json.dumps(template, indent=1, ensure_ascii=False).encode())
    assert template_bytes(params) == real


def test_two_synths_of_the_same_parameters_are_identical() -> None:
    overrides = {"repositories": ["b2", "a1"], "tags": {"z": "1", "a": "2"},
                 "workerRoleArns": [OTHER_ACCOUNT_ROLE, ROLE]}
    assert synth(**overrides).to_json() == synth(**overrides).to_json()


# --- the builder's own identity ---------------------------------------------------------------

ISSUER = OIDC.split("oidc-provider/")[1]
BUILDER = "arn:aws:iam::123456789012:role/EcrClusterAccess-builder"


def test_no_builder_role_by_default() -> None:
    template = synth()
    template.resource_count_is("AWS::IAM::Role", 0)
    template.resource_count_is("AWS::EKS::PodIdentityAssociation", 0)


def test_irsa_builder_role_trusts_one_service_account() -> None:
    template = synth(builderIdentity={"mode": "irsa", "oidcProviderArn": OIDC,
                                      "namespace": "ci", "serviceAccount": "buildkit",
                                      "for": "custom"})
    template.has_resource_properties("AWS::IAM::Role", {
        "RoleName": "EcrClusterAccess-builder",
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Federated": OIDC},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {
                f"{ISSUER}:sub": "system:serviceaccount:ci:buildkit",
                f"{ISSUER}:aud": "sts.amazonaws.com"}}}]},
    })
    template.resource_count_is("AWS::EKS::PodIdentityAssociation", 0)


def test_builder_role_has_the_seven_actions_on_these_repositories_and_the_token() -> None:
    template = synth(repositories=["builds/a", "builds/b"],
                     builderIdentity={"mode": "irsa", "oidcProviderArn": OIDC})
    template.has_resource_properties("AWS::IAM::Role", {"Policies": [{
        "PolicyName": "ecr-push-pull",
        "PolicyDocument": {"Version": "2012-10-17", "Statement": [
            {"Sid": Match.any_value(), "Effect": "Allow", "Action": sorted(SEVEN),
             "Resource": ["arn:aws:ecr:us-east-1:123456789012:repository/builds/a",
                          "arn:aws:ecr:us-east-1:123456789012:repository/builds/b"]},
            {"Sid": Match.any_value(), "Effect": "Allow", "Action": "ecr:GetAuthorizationToken",
             "Resource": "*"}]}}]})


def test_repository_policy_names_the_builder_role_and_waits_for_it() -> None:
    template = synth(builderIdentity={"mode": "irsa", "oidcProviderArn": OIDC})
    (role_id,) = template.find_resources("AWS::IAM::Role")
    (repo,) = repository_resources(template).values()
    (statement,) = repo["Properties"]["RepositoryPolicyText"]["Statement"]
    assert statement["Principal"] == {"AWS": [BUILDER, ROLE]}
    assert repo["DependsOn"] == [role_id]


def test_pod_identity_builder_role_and_association() -> None:
    template = synth(builderIdentity={"mode": "pod-identity", "clusterName": "builds",
                                      "namespace": "ci", "roleName": "ci-builder"})
    (role_id,) = template.find_resources("AWS::IAM::Role")
    template.has_resource_properties("AWS::IAM::Role", {
        "RoleName": "ci-builder",
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"},
            "Action": ["sts:AssumeRole", "sts:TagSession"]}]}})
    template.has_resource_properties("AWS::EKS::PodIdentityAssociation", {
        "ClusterName": "builds", "Namespace": "ci", "ServiceAccount": "garden-in-cluster-builder",
        "RoleArn": {"Fn::GetAtt": [role_id, "Arn"]}})
    template.has_output("BuilderRoleArn", {"Value": {"Fn::GetAtt": [role_id, "Arn"]}})


def test_worker_role_grants_cover_node_pulls() -> None:
    # On EKS the kubelet pulls with the node (worker) role: it needs the token and the three
    # pull actions, which the repository policy and the token policy already give.
    pull = {"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"}
    template = synth()
    (repo,) = repository_resources(template).values()
    (statement,) = repo["Properties"]["RepositoryPolicyText"]["Statement"]
    assert ROLE in statement["Principal"]["AWS"] and pull <= set(statement["Action"])
    (token,) = template.find_resources("AWS::IAM::Policy").values()
    assert token["Properties"]["Roles"] == ["k8s-worker"]
    assert token["Properties"]["PolicyDocument"]["Statement"][0]["Action"] == (
        "ecr:GetAuthorizationToken")


# --- create-on-push ---------------------------------------------------------------------------

PREFIX_ARN = "arn:aws:ecr:us-east-1:123456789012:repository/builds/*"


def test_no_creation_template_by_default() -> None:
    synth().resource_count_is("AWS::ECR::RepositoryCreationTemplate", 0)


def test_creation_template_carries_the_repositories_policy_and_settings() -> None:
    template = synth(createOnPushPrefix="builds", imageTagMutability="IMMUTABLE",
                     imageTagMutabilityExclusionFilters=["cache-*"],
                     lifecycle={"keepLastImages": 30}, encryption="KMS")
    (repo,) = repository_resources(template).values()
    template.has_resource_properties("AWS::ECR::RepositoryCreationTemplate", {
        "Prefix": "builds",
        "AppliedFor": ["CREATE_ON_PUSH"],
        "RepositoryPolicy": json.dumps(repo["Properties"]["RepositoryPolicyText"],
                                       separators=(",", ":")),
        # ECR's lifecycle policy format (ECR user guide, "Lifecycle policy parameters")
        "LifecyclePolicy": json.dumps({"rules": [{
            "rulePriority": 1, "description": "Keep only the 30 most recent images",
            "selection": {"tagStatus": "any", "countType": "imageCountMoreThan",
                          "countNumber": 30},
            "action": {"type": "expire"}}]}, separators=(",", ":")),
        "ImageTagMutability": "IMMUTABLE_WITH_EXCLUSION",
        "ImageTagMutabilityExclusionFilters": [{
            "ImageTagMutabilityExclusionFilterType": "WILDCARD",
            "ImageTagMutabilityExclusionFilterValue": "cache-*"}],
        "EncryptionConfiguration": {"EncryptionType": "KMS"},
        "CustomRoleArn": Match.absent(),
    })


def test_creation_template_with_tags_gets_a_role_for_ecr() -> None:
    template = synth(createOnPushPrefix="builds", tags={"team": "platform"})
    (role_id, role) = next(iter(template.find_resources("AWS::IAM::Role").items()))
    assert role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "ecr.amazonaws.com"}
    (statement,) = role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    assert statement["Resource"] == PREFIX_ARN
    template.has_resource_properties("AWS::ECR::RepositoryCreationTemplate", {
        "ResourceTags": [{"Key": "team", "Value": "platform"}],
        "CustomRoleArn": {"Fn::GetAtt": [role_id, "Arn"]}})


def test_pushing_identities_may_create_repositories_only_under_the_prefix() -> None:
    template = synth(createOnPushPrefix="builds",
                     builderIdentity={"mode": "pod-identity", "clusterName": "c"},
                     developerPrincipalArns=["arn:aws:iam::123456789012:role/dev"])
    (token,) = template.find_resources("AWS::IAM::Policy").values()
    (builder,) = template.find_resources("AWS::IAM::Role").values()
    for document in (token["Properties"]["PolicyDocument"],
                     builder["Properties"]["Policies"][0]["PolicyDocument"]):
        (create,) = [s for s in document["Statement"] if "CreateRepository" in str(s["Action"])]
        assert create == {"Sid": "AllowCreateOnPushUnderPrefix", "Effect": "Allow",
                          "Action": "ecr:CreateRepository", "Resource": PREFIX_ARN}
    (developer,) = template.find_resources("AWS::IAM::ManagedPolicy").values()
    assert "CreateRepository" not in json.dumps(developer)


def test_create_on_push_prefix_is_an_output() -> None:
    synth(createOnPushPrefix="builds").has_output("CreateOnPushPrefix", {"Value": "builds"})


# --- replication ------------------------------------------------------------------------------

def test_replication_configuration_names_each_region_and_repository() -> None:
    template = synth(repositories=["builds/a", "builds/b"], createOnPushPrefix="builds",
                     replicationRegions=["us-west-2", "eu-west-1"])
    template.has_resource_properties("AWS::ECR::ReplicationConfiguration", {
        "ReplicationConfiguration": {"Rules": [{
            "Destinations": [{"Region": "us-west-2", "RegistryId": "123456789012"},
                             {"Region": "eu-west-1", "RegistryId": "123456789012"}],
            "RepositoryFilters": [
                {"Filter": "builds/a", "FilterType": "PREFIX_MATCH"},
                {"Filter": "builds/b", "FilterType": "PREFIX_MATCH"},
                {"Filter": "builds/", "FilterType": "PREFIX_MATCH"}],
        }]}})


def test_worker_roles_may_pull_from_the_replicas() -> None:
    template = synth(replicationRegions=["us-west-2"])
    (token,) = template.find_resources("AWS::IAM::Policy").values()
    (replicas,) = [s for s in token["Properties"]["PolicyDocument"]["Statement"]
                   if s["Sid"] == "AllowPullFromReplicas"]
    assert replicas == {
        "Sid": "AllowPullFromReplicas", "Effect": "Allow",
        "Action": ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage",
                   "ecr:GetDownloadUrlForLayer"],
        "Resource": ["arn:aws:ecr:us-west-2:123456789012:repository/builds/sample-app"]}


def test_no_replication_by_default() -> None:
    synth().resource_count_is("AWS::ECR::ReplicationConfiguration", 0)


# --- pull-only workers and the refresher's own identity -----------------------------------------

POD_BUILDER = {"mode": "pod-identity", "clusterName": "builds"}


def test_pull_only_workers_get_two_statements_and_no_create_on_push() -> None:
    template = synth(workerAccess="pull", builderIdentity=POD_BUILDER, createOnPushPrefix="builds")
    (repository,) = repository_resources(template).values()
    statements = repository["Properties"]["RepositoryPolicyText"]["Statement"]
    assert [(s["Sid"], s["Principal"]["AWS"], s["Action"]) for s in statements] == [
        ("AllowPushPull", ["arn:aws:iam::123456789012:role/EcrClusterAccess-builder"],
         sorted(SEVEN)),
        ("AllowPull", ["arn:aws:iam::123456789012:role/k8s-worker"], sorted(PULL))]
    (token,) = template.find_resources("AWS::IAM::Policy").values()
    assert [s["Sid"] for s in token["Properties"]["PolicyDocument"]["Statement"]] == [
        "AllowEcrAuthorizationToken"]


def test_the_refresher_user_has_its_pull_policy_and_no_password_or_keys() -> None:
    template = synth(pullSecret={"mode": "cronjob", "credentials": "secret"})
    (user,) = template.find_resources("AWS::IAM::User").values()
    assert set(user["Properties"]) == {"UserName", "Policies"}
    assert user["Properties"]["UserName"] == "EcrClusterAccess-us-east-1-ecr-refresher"
    (policy,) = user["Properties"]["Policies"]
    assert policy["PolicyName"] == "ecr-pull"
    assert [s["Action"] for s in policy["PolicyDocument"]["Statement"]] == [
        sorted(PULL), TOKEN]
    assert not template.find_resources("AWS::IAM::AccessKey")
    assert not template.find_resources("AWS::IAM::Role")


def test_the_pod_identity_refresher_is_associated_with_its_service_account() -> None:
    template = synth(pullSecret={"mode": "cronjob", "credentials": "pod-identity",
                                 "clusterName": "builds"})
    (association,) = template.find_resources("AWS::EKS::PodIdentityAssociation").values()
    assert {k: v for k, v in association["Properties"].items() if k != "RoleArn"} == {
        "ClusterName": "builds", "Namespace": "default", "ServiceAccount": "ecr-pull-refresher"}
    (role,) = template.find_resources("AWS::IAM::Role").values()
    (statement,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Condition"] == {"StringEquals": {
        "aws:RequestTag/eks-cluster-arn": "arn:aws:eks:us-east-1:123456789012:cluster/builds",
        "aws:RequestTag/eks-cluster-name": "builds",
        "aws:RequestTag/kubernetes-namespace": "default",
        "aws:RequestTag/kubernetes-service-account": "ecr-pull-refresher"}}


def test_a_cluster_object_serves_a_refresher_without_cluster_name() -> None:
    from aws_cdk import aws_eks as eks

    from ecr_cluster_access import EcrClusterAccess

    app = cdk.App()
    stack = cdk.Stack(app, "S", env=cdk.Environment(account="123456789012", region="us-east-1"))
    cluster = eks.Cluster.from_cluster_attributes(stack, "C", cluster_name="from-app")
    EcrClusterAccess(stack, "R", cluster=cluster, params=Parameters.from_mapping(params_dict(
        pullSecret={"mode": "cronjob", "credentials": "pod-identity"})))
    (association,) = Template.from_stack(stack).find_resources(
        "AWS::EKS::PodIdentityAssociation").values()
    assert association["Properties"]["ClusterName"] == "from-app"
    (role,) = Template.from_stack(stack).find_resources("AWS::IAM::Role").values()
    (statement,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    conditions = statement["Condition"]["StringEquals"]
    assert conditions["aws:RequestTag/eks-cluster-name"] == "from-app"
    assert conditions["aws:RequestTag/eks-cluster-arn"] == {"Fn::Join": ["", [
        "arn:", {"Ref": "AWS::Partition"}, ":eks:us-east-1:123456789012:cluster/from-app"]]}
