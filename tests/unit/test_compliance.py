"""The synthesized stack of every test parameter set passes cdk-nag AwsSolutions, and
cdk-nag rejects the controls (a token wildcard, a pull-through-cache wildcard left
unacknowledged), so a cdk-nag that silently checks nothing fails the suite.

cfn-lint and checkov over the same templates: ``tests/e2e/test_template_linters.py``.
"""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from cdk_nag import AwsSolutionsChecks

from ecr_cluster_access import Parameters, documents

from ..support.parameters import AWS_SETS, params_dict
from ..support.synth import synth_app


@pytest.mark.parametrize("name", sorted(AWS_SETS))
def test_stack_passes_cdk_nag_aws_solutions(name: str) -> None:
    # app.synth() raises on any unacknowledged AwsSolutions error.
    synth_app(Parameters.from_mapping(params_dict(**AWS_SETS[name])), nag=True)


def test_cdk_nag_rejects_an_unacknowledged_token_wildcard() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "Control")
    iam.CfnPolicy(stack, "Token", policy_name="token", roles=["w"],
                  policy_document=documents.authorization_token_document())
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    with pytest.raises(RuntimeError, match=r"AwsSolutions-IAM5\[Resource::\*\]"):
        app.synth()


def test_cdk_nag_rejects_an_unacknowledged_pull_through_cache_wildcard() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "Control")
    params = Parameters.from_mapping(params_dict(**AWS_SETS["registry-features"]))
    iam.CfnPolicy(stack, "Cache", policy_name="cache", roles=["w"], policy_document={
        "Version": "2012-10-17",
        "Statement": [documents.pull_through_cache_statement(params.pull_through_cache_arns)]})
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    with pytest.raises(RuntimeError, match=r"AwsSolutions-IAM5\[Resource::arn:aws:ecr:us-east-1:"
                                           r"123456789012:repository/docker-hub/\*\]"):
        app.synth()
