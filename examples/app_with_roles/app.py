#!/usr/bin/env python3
"""An app of your own: the worker role is an ``iam.Role`` in the same app, a CodeBuild
project may pull, a deploy role may push and pull. ``cdk synth`` / ``cdk deploy`` as usual.

The cluster half still comes from the same parameters (``cdk8s synth`` with this project's
chart, or ``EcrConfigSecret`` in a chart of yours): it needs no worker role ARN.
"""

import aws_cdk as cdk
from aws_cdk import aws_codebuild as codebuild
from aws_cdk import aws_iam as iam
from cdk_nag import AwsSolutionsChecks

from ecr_cluster_access import EcrClusterAccess, Parameters

params = Parameters(
    account="123456789012",
    region="us-east-1",
    repositories=["builds/api", "builds/web"],
    # no worker_role_arns: the worker role is defined below and passed as an object
)

app = cdk.App()
stack = cdk.Stack(app, "PlatformWithRoles",
                  env=cdk.Environment(account=params.account, region=params.region))

nodes = iam.Role(stack, "ClusterNodes", role_name="cluster-nodes",
                 assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"))
registry = EcrClusterAccess(stack, "Registry", params=params, worker_roles=[nodes])

# A CodeBuild project that only pulls (to scan or test images), and a deploy role that pushes
project = codebuild.Project(
    stack, "ImageTests",
    build_spec=codebuild.BuildSpec.from_object({"version": "0.2", "phases": {
        "build": {"commands": ["echo pulled"]}}}),
    environment=codebuild.BuildEnvironment(privileged=False))
registry.grant_pull(project)
# CodeBuild's own defaults, not this project's: its log group and report group wildcards,
# and no artifacts to encrypt in this example
cdk.Validations.of(project).acknowledge(
    cdk.Acknowledgment(id="AwsSolutions::AwsSolutions-CB4",
                       reason="The example project produces no artifacts to encrypt."),
    cdk.Acknowledgment(id="AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:"
                          "us-east-1:123456789012:log-group:/aws/codebuild/<ImageTests5D9BF8D4>:*]",
                       reason="CodeBuild writes its own log streams under its log group."),
    cdk.Acknowledgment(id="AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:"
                          "codebuild:us-east-1:123456789012:report-group/<ImageTests5D9BF8D4>-*]",
                       reason="CodeBuild names its report groups after the project."))
deployer = iam.Role(stack, "Deployer", role_name="image-deployer",
                    assumed_by=iam.AccountRootPrincipal())
registry.grant_push_pull(deployer)

cdk.CfnOutput(stack, "ApiUri", value=registry.repositories["builds/api"].repository_uri)
cdk.CfnOutput(stack, "ImageTestsRoleArn", value=project.role.role_arn if project.role else "")
cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
app.synth()
