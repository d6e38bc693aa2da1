"""A thin stack for ``app.py``: the construct in the parameters' account and region, and outputs."""

from __future__ import annotations

from typing import Any

from .extras import require

require("cdk")

import aws_cdk as cdk
from constructs import Construct

from . import layout, naming
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
