"""The stacks of the test parameter sets, synthesized in-process, optionally under cdk-nag's
AwsSolutions checks (``app.synth()`` then raises on any unacknowledged error)."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

from ecr_cluster_access import Parameters
from ecr_cluster_access.stack import EcrClusterAccessMemberStack, EcrClusterAccessStack

from .parameters import AWS_SETS, params_dict


def synth_app(params: Parameters, *, nag: bool = False) -> dict[str, Any]:
    """The main stack's template for ``params``."""
    app = cdk.App()
    stack = EcrClusterAccessStack(app, params=params)
    if nag:
        cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    template: dict[str, Any] = app.synth().get_stack_by_name(stack.stack_name).template
    return template


def member_template(*, nag: bool) -> dict[str, Any]:
    """The member-account stack of the organization set, one role attached."""
    app = cdk.App()
    stack = EcrClusterAccessMemberStack(
        app, params=Parameters.from_mapping(params_dict(**AWS_SETS["organization"])),
        account="444455556666", role_names=["eks-node-group-a"])
    if nag:
        cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    template: dict[str, Any] = app.synth().get_stack_artifact(stack.artifact_id).template
    return template
