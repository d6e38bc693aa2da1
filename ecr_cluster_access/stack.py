"""A thin stack for ``app.py``: the construct in the parameters' account and region, and outputs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .extras import require

require("cdk")

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from constructs import Construct

from . import documents, layout, naming
from .construct import EcrClusterAccess
from .params import Parameters


class EcrClusterAccessStack(cdk.Stack):
    """One :class:`EcrClusterAccess` in a stack whose env is the parameters' account and region.

    Outputs what the builder configuration needs: ``RegistryHost``, ``RepositoryUris``
    (comma-separated, parameter order; one output, because a template holds at most 200),
    ``SecretName`` and ``SecretNamespace``; and, when worker roles live in other accounts,
    ``CrossAccountWorkerRoles`` with what those accounts must grant.
    """

    def __init__(self, scope: Construct, id: str | None = None, *,  # noqa: A002
                 params: Parameters, part: layout.Part = None,
                 **kwargs: Any) -> None:
        layout.check_part(part, params.shards)
        name = layout.stack_name(params, part)
        super().__init__(
            scope,
            id or name,
            stack_name=name,
            env=cdk.Environment(account=params.account, region=params.region),
            description="ECR repositories and grants for in-cluster image builds "
            "(ecr-cluster-access)",
            **kwargs,
        )
        #: The construct holding the repositories and grants.
        self.access = EcrClusterAccess(self, "Repositories", params=params, part=part)
        if not layout.holds_registry(part):
            uris = [f"{params.registry_host}/{n}" for n in layout.repositories_of(params, part)]
            cdk.CfnOutput(self, "RepositoryUris", value=",".join(uris),
                          description="The URI of every repository of this stack, "
                          "comma-separated")
            return

        cdk.CfnOutput(self, "RegistryHost", value=params.registry_host,
                      description="Registry host: the builder's deploymentRegistry hostname")
        if part is None:
            cdk.CfnOutput(
                self,
                "RepositoryUris",
                value=",".join(params.repository_uris),
                description="Every repository URI, comma-separated",
            )
        cdk.CfnOutput(self, "SecretName", value=params.secret_name,
                      description="Name of the cluster Secret holding config.json")
        cdk.CfnOutput(self, "SecretNamespace", value=params.namespace,
                      description="Namespace of the cluster Secret holding config.json")
        if self.access.builder_role is not None:
            cdk.CfnOutput(self, "BuilderRoleArn", value=self.access.builder_role.attr_arn,
                          description="The builder's own role (annotate or associate its "
                          "ServiceAccount)")
        if params.create_on_push_prefix is not None:
            cdk.CfnOutput(self, "CreateOnPushPrefix", value=params.create_on_push_prefix,
                          description="Pushes to <RegistryHost>/<prefix>/<new name> create the "
                          "repository")
        if params.cross_account_worker_role_arns:
            accounts = sorted({naming.account_of_arn(a)
                               for a in params.cross_account_worker_role_arns})
            cdk.CfnOutput(
                self,
                "CrossAccountWorkerRoles",
                value=",".join(params.cross_account_worker_role_arns),
                description=(
                    f"Roles in account(s) {', '.join(accounts)}: each account must attach an "
                    "identity policy allowing the seven push/pull actions on these repositories "
                    "and ecr:GetAuthorizationToken on '*' (print it with: ecr-cluster-access "
                    "identity-policy)"
                )[:1024],
            )


def make_stacks(scope: Construct, params: Parameters, **kwargs: Any
                ) -> list[EcrClusterAccessStack]:
    """The stacks of ``params``' layout (:mod:`.layout`), as ``app.py`` makes them: one
    :class:`EcrClusterAccessStack` with ``shards`` 1; else the registry stack and a stack for
    each shard that holds a repository (CloudFormation refuses a stack without resources),
    each depending on the registry stack, so ``cdk deploy --all --concurrency N`` deploys the
    registry first and the shards in parallel. ``kwargs`` go to every stack."""
    stacks: list[EcrClusterAccessStack] = []
    for part in layout.parts(params):
        stack = EcrClusterAccessStack(scope, params=params, part=part, **kwargs)
        if stacks and isinstance(part, int):
            stack.add_stack_dependency(stacks[0], "the shard's repository policies name the "
                                 "registry stack's roles")
        stacks.append(stack)
    return stacks


class EcrClusterAccessMemberStack(cdk.Stack):
    """The identity side in one member account of ``workerOrganization``.

    Cross-account access needs both sides: the repository policy (the registry stack's)
    allows the organization's matching roles, and each member account must allow its roles on
    its own side. This stack, deployed to ``account`` (one per account, as a CDK app deploys
    to several environments), makes the managed policy ``<stackName>-<region>-ecr-nodes``
    (:func:`documents.member_identity_policy`: what ``workerAccess`` gives on the registry's
    repositories, plus the token) and attaches it to ``role_names`` (each ``[path/]name``, as
    in the role's ARN), each of which must match the organization's pattern; without them
    the policy is left for node groups to attach (its ARN is the output ``NodePolicyArn``)."""

    def __init__(self, scope: Construct, id: str | None = None, *,  # noqa: A002
                 params: Parameters, account: str, role_names: Sequence[str] = (),
                 **kwargs: Any) -> None:
        from .params import rules

        organization = params.worker_organization
        if organization is None:
            raise ValueError("workerOrganization: not set: the member-account stack grants an "
                             "organization's node roles; set workerOrganization")
        if rules.ACCOUNT_RULE.reason(account) is not None or account == params.account:
            raise ValueError(f"account: {account!r} is not accepted: use the 12-digit ID of a "
                             f"member account other than the registry's {params.account}")
        for name in role_names:
            arn = naming.role_arn(account, params.region, name)
            if rules.ROLE_PATH_AND_NAME_RULE.reason(name) is not None or not rules.arn_like(
                    organization.role_arn_pattern, arn):
                raise ValueError(
                    f"role_names: {name!r} is not accepted: use the name of a role in {account} "
                    f"whose ARN matches workerOrganization.roleArnPattern "
                    f"{organization.role_arn_pattern!r} (the repository policy admits no other)")
        name = naming.member_stack_name(params.stack_name)
        super().__init__(scope, id or f"{name}-{account}", stack_name=name,
                         env=cdk.Environment(account=account, region=params.region),
                         description="The node roles' side of an ecr-cluster-access "
                         "organization grant (ecr-cluster-access)", **kwargs)
        #: The managed policy the node roles of this account attach.
        self.policy = iam.CfnManagedPolicy(
            self, "NodePolicy", managed_policy_name=documents.member_policy_name(params),
            description=f"{'Pull' if params.worker_access == 'pull' else 'Pull and push'} "
            f"on the ecr-cluster-access repositories of "
            f"{params.account} in {params.region}, plus the ECR authorization token",
            policy_document=documents.member_identity_policy(params),
            roles=sorted({name.rsplit("/", 1)[-1] for name in role_names}) or None)
        cdk.Validations.of(self.policy).acknowledge(cdk.Acknowledgment(
            id="AwsSolutions-IAM5[Resource::*]", reason=_TOKEN_REASON))
        registry = naming.repository_arn(params.account, params.region, "*")
        cdk.Validations.of(self.policy).acknowledge(cdk.Acknowledgment(
            id=f"AwsSolutions-IAM5[Resource::{registry}]", reason=_MEMBER_REASON))
        cdk.CfnOutput(self, "NodePolicyArn", value=self.policy.ref,
                      description="Attach to the node roles (EKS node groups' role policies)")


_TOKEN_REASON = ("ecr:GetAuthorizationToken cannot be scoped to a resource: AWS only accepts "
                 "Resource '*' for it.")
_MEMBER_REASON = ("The registry's repositories are named by repository/* of its account so "
                  "the policy does not grow with them; each repository's policy decides which "
                  "ones the roles reach (cross-account access needs both sides).")


def make_member_stacks(scope: Construct, params: Parameters,
                       accounts: Mapping[str, Sequence[str]], **kwargs: Any
                       ) -> list[EcrClusterAccessMemberStack]:
    """One :class:`EcrClusterAccessMemberStack` per member account of ``accounts`` (account ID
    to the node role names to attach, possibly none), in the app's order."""
    return [EcrClusterAccessMemberStack(scope, params=params, account=account,
                                        role_names=roles, **kwargs)
            for account, roles in accounts.items()]
