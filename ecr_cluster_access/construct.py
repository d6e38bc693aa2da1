"""The AWS half: an AWS CDK construct that provisions the repositories the guide creates by hand."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

from . import policy
from .params import Parameters

# Why this construct's findings are acknowledged, next to the code that causes them.
_TOKEN_WILDCARD_REASON = (
    "ecr:GetAuthorizationToken cannot be scoped to a resource: AWS only accepts Resource '*' "
    "for it, and the ecr-login credential helper fails without it."
)
# checkov: image tags stay mutable only when the parameters say MUTABLE; in-cluster builders
# rewrite moving tags such as a BuildKit registry cache tag, which immutable tags refuse.
_CHECKOV_MUTABLE_TAGS = {
    "id": "CKV_AWS_51",
    "comment": "Tag mutability is a parameter (imageTagMutability); MUTABLE is chosen when "
    "builders rewrite moving tags such as a build-cache tag.",
}
# checkov: AES256 is ECR's own server-side encryption at rest; KMS is a parameter because it
# adds per-request KMS charges and key-policy work for cross-account pulls.
_CHECKOV_AES256 = {
    "id": "CKV_AWS_136",
    "comment": "Images are encrypted at rest with ECR's AES256 by default; KMS is opt-in "
    "through the encryption parameter.",
}


def repository_construct_id(name: str) -> str:
    """Return the stable construct ID of repository ``name``.

    Derived from the name alone (``/`` becomes ``--``, which a valid name cannot contain), so
    adding or removing one repository never changes another's logical ID.
    """
    return name.replace("/", "--")


class EcrClusterAccess(Construct):
    """Private ECR repositories that a Kubernetes cluster's workers may push to and pull from.

    For every name in ``params.repositories`` this makes one ``AWS::ECR::Repository`` whose
    repository policy grants every worker role exactly the guide's seven push/pull actions.
    Worker roles in the stack's account get ``ecr:GetAuthorizationToken`` through an identity
    policy (it is rejected inside a repository policy). Developers get a managed policy only
    when ``params.developer_principal_arns`` is set. Repositories are retained on removal
    and stack deletion unless ``params.removal_policy`` is ``destroy``.

    See https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html
    """

    def __init__(self, scope: Construct, id_: str, *, params: Parameters) -> None:
        super().__init__(scope, id_)
        self.params = params
        stack = cdk.Stack.of(self)
        for have, want, what in ((stack.account, params.account, "account"),
                                 (stack.region, params.region, "region")):
            if not cdk.Token.is_unresolved(have) and have != want:
                raise ValueError(
                    f"{what}: the stack's {what} {have!r} differs from the parameters' {want!r}: "
                    f"deploy the construct into a stack whose {what} is {want!r}"
                )

        #: Repository name to the repository made for it, in parameter order.
        self.repositories: dict[str, ecr.Repository] = {}
        repository_policy = params.repository_policy
        lifecycle = params.lifecycle_policy
        lifecycle_property = (
            ecr.CfnRepository.LifecyclePolicyProperty(
                lifecycle_policy_text=policy.policy_text(lifecycle)
            )
            if lifecycle
            else None
        )
        encryption_key = (
            kms.Key.from_key_arn(self, "EncryptionKey", params.kms_key_arn)
            if params.kms_key_arn
            else None
        )
        mutability = ecr.TagMutability[params.effective_tag_mutability]
        filters = [
            ecr.ImageTagMutabilityExclusionFilter.wildcard(f)
            for f in params.image_tag_mutability_exclusion_filters
        ] or None
        retain = params.removal_policy == "retain"
        skips = []
        if params.image_tag_mutability == "MUTABLE":
            skips.append(_CHECKOV_MUTABLE_TAGS)
        if params.encryption == "AES256":
            skips.append(_CHECKOV_AES256)

        for name in params.repositories:
            repository = ecr.Repository(
                self,
                repository_construct_id(name),
                repository_name=name,
                image_scan_on_push=params.scan_on_push,
                image_tag_mutability=mutability,
                image_tag_mutability_exclusion_filters=filters,
                encryption=ecr.RepositoryEncryption.KMS
                if params.encryption == "KMS"
                else ecr.RepositoryEncryption.AES_256,
                encryption_key=encryption_key,
                removal_policy=cdk.RemovalPolicy.RETAIN if retain else cdk.RemovalPolicy.DESTROY,
                empty_on_delete=params.empty_on_delete or None,
            )
            cfn = repository.node.default_child
            assert isinstance(cfn, ecr.CfnRepository)
            # The exact document the guide asks for, rendered by the same function the live
            # check compares against (a grant on a same-account role would write an identity
            # policy instead).
            cfn.repository_policy_text = repository_policy
            if lifecycle_property:
                cfn.lifecycle_policy = lifecycle_property
            if skips:
                cfn.add_metadata("checkov", {"skip": skips})
            self.repositories[name] = repository

        for key, value in params.tags.items():
            cdk.Tags.of(self).add(key, value)

        #: The identity policy granting ``ecr:GetAuthorizationToken`` to same-account worker
        #: roles, or ``None`` when every worker role is in another account.
        self.authorization_token_policy: iam.CfnPolicy | None = None
        if params.same_account_worker_role_arns:
            self.authorization_token_policy = iam.CfnPolicy(
                self,
                "AuthorizationTokenPolicy",
                policy_name=f"{cdk.Names.unique_id(self)[-100:]}-ecr-token",
                policy_document=policy.authorization_token_document(),
                roles=sorted({policy.role_name_of_arn(a)
                              for a in params.same_account_worker_role_arns}),
            )
            cdk.Validations.of(self.authorization_token_policy).acknowledge(
                cdk.Acknowledgment(id="AwsSolutions-IAM5[Resource::*]",
                                   reason=_TOKEN_WILDCARD_REASON)
            )

        #: The developers' managed policy, or ``None`` without ``developer_principal_arns``.
        self.developer_policy: iam.CfnManagedPolicy | None = None
        if params.developer_principal_arns:
            kinds: dict[str, list[str]] = {"role": [], "user": [], "group": []}
            for arn in params.developer_principal_arns:
                kind = arn.split(":", 5)[5].split("/", 1)[0]
                kinds[kind].append(policy.role_name_of_arn(arn))
            self.developer_policy = iam.CfnManagedPolicy(
                self,
                "DeveloperPolicy",
                description="Push and pull on the ecr-cluster-access repositories, plus the "
                "ECR authorization token.",
                policy_document=policy.push_pull_identity_document(params.repository_arns),
                roles=sorted(kinds["role"]) or None,
                users=sorted(kinds["user"]) or None,
                groups=sorted(kinds["group"]) or None,
            )
            cdk.Validations.of(self.developer_policy).acknowledge(
                cdk.Acknowledgment(id="AwsSolutions-IAM5[Resource::*]",
                                   reason=_TOKEN_WILDCARD_REASON)
            )

    @property
    def registry_host(self) -> str:
        """The registry host of the repositories, as the cluster's ``config.json`` names it."""
        return self.params.registry_host
