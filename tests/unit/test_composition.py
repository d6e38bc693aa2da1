"""Many instances in one app: what an account or a registry holds once is made once, or the
second instance is refused at synth with one line naming both (``claims.py``). Expected lines
are written here literally. Stages and nested stacks compose like any other scope."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template

from ecr_cluster_access import EcrClusterAccess, Parameters
from ecr_cluster_access.claims import physical_names

from ..support.parameters import REGISTRY_FEATURES, params_dict

ENV = cdk.Environment(account="123456789012", region="us-east-1")


def params(**overrides: Any) -> Parameters:
    return Parameters.from_mapping(params_dict(**overrides))


def refused(first: Parameters, second: Parameters, *, same_stack: bool = True) -> str:
    app = cdk.App()
    stack = cdk.Stack(app, "One", env=ENV)
    EcrClusterAccess(stack, "A", params=first)
    other = stack if same_stack else cdk.Stack(app, "Two", env=ENV)
    with pytest.raises(ValueError) as caught:
        EcrClusterAccess(other, "B", params=second)
    # refused before it made anything
    assert [c.node.id for c in other.node.children if c.node.id == "B"] == ["B"]
    assert other.node.find_child("B").node.children == []
    return str(caught.value)


def test_the_same_parameters_twice_in_one_stack_are_refused_naming_both() -> None:
    assert refused(params(), params()) == (
        "repository 'builds/sample-app' is made by both One/A and One/B: list each repository "
        "in one instance only")


def test_a_shared_worker_role_gets_one_token_policy_per_stack_name() -> None:
    # the same stackName in two stacks: the inline policy would be overwritten on the role
    assert refused(params(), params(repositories=["builds/other"]), same_stack=False) == (
        "inline policy 'EcrClusterAccess-us-east-1-ecr-token on role k8s-worker' is made by "
        "both One/A and Two/B: give one of them another stackName (its roles' and policies' "
        "names derive from it)")


def test_registry_wide_settings_are_made_by_one_instance_only() -> None:
    first = params(replicationRegions=["us-west-2"])
    second = params(stackName="Second", repositories=["builds/other"],
                    replicationRegions=["eu-west-1"])
    assert refused(first, second) == (
        "replication configuration 'of 123456789012 in us-east-1' is made by both One/A and "
        "One/B: a registry holds one: set it in one instance's parameters only")


def test_two_builder_roles_of_one_name_are_refused_whatever_their_case() -> None:
    builder = {"mode": "pod-identity", "clusterName": "c", "namespace": "builds"}
    first = params(builderIdentity={**builder, "roleName": "image-builder"})
    second = params(stackName="Second", repositories=["builds/other"],
                    builderIdentity={**builder, "roleName": "Image-Builder",
                                     "serviceAccount": "other", "for": "custom"})
    assert refused(first, second) == (
        "IAM role 'Image-Builder' is made by both One/A and One/B: give one of them another "
        "stackName (its roles' and policies' names derive from it) or roleName")


def test_two_instances_with_their_own_names_synthesize_in_one_stack() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "One", env=ENV)
    EcrClusterAccess(stack, "A", params=params(**REGISTRY_FEATURES,
                                               replicationRegions=["us-west-2"]))
    EcrClusterAccess(stack, "B", params=params(stackName="Second", repositories=["team/b"]))
    template = Template.from_stack(stack)
    names = sorted(r["Properties"]["PolicyName"] for r in template.find_resources(
        "AWS::IAM::Policy").values())
    assert names == ["EcrClusterAccess-us-east-1-ecr-token", "Second-us-east-1-ecr-token"]
    assert len(template.find_resources("AWS::ECR::ReplicationConfiguration")) == 1


def test_the_same_parameters_in_two_accounts_do_not_collide() -> None:
    app = cdk.App()
    for account in ("123456789012", "210987654321"):
        stack = cdk.Stack(app, f"S{account}", env=cdk.Environment(account=account,
                                                                  region="us-east-1"))
        EcrClusterAccess(stack, "A", params=params(
            account=account, workerRoleArns=[f"arn:aws:iam::{account}:role/k8s-worker"]))
    app.synth()


def test_stages_share_the_account_s_names_and_nested_stacks_work() -> None:
    app = cdk.App()
    one = cdk.Stage(app, "Blue", env=ENV)
    EcrClusterAccess(cdk.Stack(one, "S"), "A", params=params())
    two = cdk.Stage(app, "Green", env=ENV)
    with pytest.raises(ValueError, match="is made by both Blue/S/A and Green/S/B"):
        EcrClusterAccess(cdk.Stack(two, "S"), "B", params=params())
    nested_app = cdk.App()
    parent = cdk.Stack(nested_app, "Parent", env=ENV)
    EcrClusterAccess(cdk.NestedStack(parent, "Nested"), "A", params=params())
    assembly = nested_app.synth()
    assert [a.display_name for a in assembly.stacks] == ["Parent"]


def test_every_physical_name_of_a_full_set_is_claimed() -> None:
    full = params(**REGISTRY_FEATURES, developerPrincipalArns=[
        "arn:aws:iam::123456789012:group/devs"], replicationRegions=["us-west-2"],
        createOnPushPrefix="builds/new", tags={"team": "platform"},
        builderIdentity={"mode": "pod-identity", "clusterName": "builds"},
        pullSecret={"mode": "cronjob", "credentials": "pod-identity", "clusterName": "builds"})
    assert [(kind, name) for kind, name, _ in physical_names(full)] == [
        ("repository", "builds/sample-app"),
        ("inline policy", "EcrClusterAccess-us-east-1-ecr-token on role k8s-worker"),
        ("IAM role", "EcrClusterAccess-builder"),
        ("IAM role", "EcrClusterAccess-refresher"),
        ("IAM role", "EcrClusterAccess-us-east-1-ecr-template"),
        ("IAM managed policy", "EcrClusterAccess-us-east-1-ecr-developers"),
        ("replication configuration", "of 123456789012 in us-east-1"),
        ("registry policy", "of 123456789012 in us-east-1"),
        ("registry scanning configuration", "of 123456789012 in us-east-1"),
        ("pull-through cache rule", "docker-hub"),
        ("pull-through cache rule", "k8s"),
        ("pull-through cache rule", "upstream-ecr"),
        ("repository creation template", "builds/new"),
        ("repository creation template", "docker-hub"),
        ("repository creation template", "k8s"),
        ("repository creation template", "upstream-ecr"),
        ("Pod Identity association", "default/garden-in-cluster-builder in cluster builds"),
        ("Pod Identity association", "default/ecr-pull-refresher in cluster builds"),
    ]
