"""The AWS half: an AWS CDK construct that provisions the repositories the guide creates by hand."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .extras import require

require("cdk")

import aws_cdk as cdk
import constructs
import jsii
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

from . import documents, layout, naming
from .claims import claim
from .params import Parameters
from .params.template_size import CHECKOV_USER_POLICY

if TYPE_CHECKING:  # aws_eks takes a seventh of a second to import: only Pod Identity needs it
    from aws_cdk import aws_eks as eks

# Why this construct's findings are acknowledged, next to the code that causes them.
_TOKEN_WILDCARD_REASON = (
    "ecr:GetAuthorizationToken cannot be scoped to a resource: AWS only accepts Resource '*' "
    "for it, and the ecr-login credential helper fails without it."
)
# checkov's repository findings (tag mutability, AES256, scan on push off) are acknowledged,
# with their reasons, in the project's .checkov.yaml, not on each repository: the metadata was
# a third of each repository's bytes in the template.

# checkov: the refresher's IAM user (credentials: secret) carries its one pull-only policy
# inline; a group of one would add a resource and a second place for grants to hide.

_CREATE_ON_PUSH_REASON = (
    "Create-on-push repository names are not known in advance; the grant is limited to "
    "repositories under the configured prefix."
)
_PULL_THROUGH_CACHE_REASON = (
    "The pull-through cache names repositories after upstream images, unknown in advance; the "
    "grant is limited to repositories under the cache rule's prefix."
)
_ORGANIZATION_REASON = (
    "workerOrganization: the repository policy's Principal '*' is narrowed by "
    "aws:PrincipalOrgID (and aws:PrincipalOrgPaths) and ArnLike aws:PrincipalArn to the "
    "organization's roles matching the pattern: AWS's way to grant an organization."
)
repository_construct_id = naming.repository_construct_id


class EcrClusterAccess(Construct):
    """Private ECR repositories that a Kubernetes cluster's workers may push to and pull from.

    For every name in ``params.repositories`` this makes one ``AWS::ECR::Repository`` whose
    repository policy grants every worker role exactly the guide's seven push/pull actions.
    Worker roles in the stack's account get ``ecr:GetAuthorizationToken`` through an identity
    policy (it is rejected inside a repository policy). Developers get a managed policy only
    when ``params.developer_principal_arns`` is set. Repositories are retained on removal
    and stack deletion unless ``params.removal_policy`` is ``destroy``.

    ``part`` makes one stack's share of a sharded layout (:mod:`.layout`): ``"registry"``
    everything but the repositories, a shard number only the repositories that shard holds
    (with their repository policy); ``None``, the default, everything.

    See https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html
    """

    def __init__(self, scope: Construct, id: str, *, params: Parameters,  # noqa: A002
                 worker_roles: Sequence[iam.IRole] | None = None,
                 kms_key: kms.IKey | None = None,
                 oidc_provider: iam.IOpenIdConnectProvider | None = None,
                 cluster: eks.ICluster | None = None, part: layout.Part = None) -> None:
        """Make the repositories and grants for ``params`` (of ``part``, see the class).

        What only the AWS half needs can come as CDK objects instead of parameters (their
        ARNs and names may be tokens: the cluster half never renders them). Each defaults to
        none, and then the parameters' value is used:

        - ``worker_roles``: worker roles of the app, added to ``params.worker_role_arns``
          (which may then be empty);
        - ``kms_key``: the customer managed key, with ``params.encryption`` ``KMS`` and no
          ``kmsKeyArn``;
        - ``oidc_provider``: the cluster's OIDC provider for an ``irsa`` builder identity
          without ``oidcProviderArn``;
        - ``cluster``: the EKS cluster for a ``pod-identity`` builder identity without
          ``clusterName``.
        """
        from .arguments import checked_list, checked_object, checked_params

        params = checked_params(params)
        worker_roles = checked_list(worker_roles, "worker_roles", "IAM roles (iam.IRole)",
                                    "an IAM role (iam.IRole)", attribute="role_arn")
        kms_key = checked_object(kms_key, "kms_key", "a KMS key (kms.IKey)", "key_arn")
        oidc_provider = checked_object(oidc_provider, "oidc_provider",
                                       "an OIDC provider (iam.IOpenIdConnectProvider)",
                                       "open_id_connect_provider_arn")
        cluster = checked_object(cluster, "cluster", "an EKS cluster (eks.ICluster)",
                                 "cluster_name")
        layout.check_part(part, params.shards)
        super().__init__(scope, id)
        self.params = params
        #: The part of the layout this instance makes (:mod:`.layout`).
        self.part: layout.Part = part
        self.worker_roles: tuple[iam.IRole, ...] = tuple(worker_roles or ())
        self._take_objects(kms_key, oidc_provider, cluster)
        self._check_environment()
        # before anything is made: refused when another instance of the app makes the same
        claim(self.node.root, self.node.path, params, part)
        #: Worker roles of the app granted through the repository policy, by ARN: those in
        #: another account (the others get an identity policy of their own, in their stack).
        self._resource_workers = self._grant_app_worker_roles()
        common = self._make_repositories()
        if not layout.holds_registry(part):
            self._in_the_registry_stack()
            return
        self._token_policy()
        self._builder()
        #: The pull-secret refresher's own pull-only role (``credentials`` irsa or
        #: pod-identity) or IAM user (``secret``), or ``None``.
        self.refresher_role: iam.CfnRole | None = None
        self.refresher_user: iam.CfnUser | None = None
        self._refresher()

        self._developer_policy()
        self._replication()
        self._templates_and_caches(common)
        self._registry_settings()

    def _take_objects(self, kms_key: kms.IKey | None,
                      oidc_provider: iam.IOpenIdConnectProvider | None,
                      cluster: eks.ICluster | None) -> None:
        """Check the CDK objects against the parameters and keep what each identity takes."""
        from .params import ParameterError
        from .params.rules import stack_problems

        params = self.params
        problems = stack_problems(params, worker_roles=bool(self.worker_roles),
                                  oidc_provider=oidc_provider is not None,
                                  cluster=cluster is not None)
        identity, settings = params.builder_identity, params.pull_secret
        # which identities take the provider or cluster object: those without the ARN or name
        builder_provider = (identity is not None and identity.mode == "irsa"
                            and identity.oidc_provider_arn is None)
        refresher_provider = (settings is not None
                              and settings.credentials in ("irsa", "web-identity")
                              and settings.oidc_provider_arn is None)
        builder_cluster = (identity is not None and identity.mode == "pod-identity"
                           and identity.cluster_name is None)
        refresher_cluster = (settings is not None and settings.credentials == "pod-identity"
                             and settings.cluster_name is None)
        for given, wrong, name in (
                (kms_key, params.encryption != "KMS" or params.kms_key_arn is not None,
                 "kms_key: needs encryption KMS and no kmsKeyArn in the parameters"),
                (oidc_provider, not (builder_provider or refresher_provider),
                 "oidc_provider: needs an irsa builderIdentity or pullSecret without "
                 "oidcProviderArn"),
                (cluster, not (builder_cluster or refresher_cluster),
                 "cluster: needs a pod-identity builderIdentity or pullSecret without "
                 "clusterName")):
            if given is not None and wrong:
                problems.append(name)
        if problems:
            raise ParameterError(problems)
        self._kms_key_arn = kms_key.key_arn if kms_key is not None else params.kms_key_arn
        self._oidc_provider = oidc_provider if builder_provider else None
        self._refresher_provider = oidc_provider if refresher_provider else None
        self._cluster_name = cluster.cluster_name if cluster is not None and builder_cluster else (
            identity.cluster_name if identity is not None else None)
        self._refresher_cluster = (
            cluster.cluster_name if cluster is not None and refresher_cluster else (
                settings.cluster_name if settings is not None else None))
        # the clusters' ARNs, for the Pod Identity trusts: the object's, else from the name
        self._cluster_arn, self._refresher_cluster_arn = (
            cluster.cluster_arn if cluster is not None and given else
            naming.eks_cluster_arn(params.account, params.region, name) if name else None
            for given, name in ((builder_cluster, self._cluster_name),
                                (refresher_cluster, self._refresher_cluster)))

    def _check_environment(self) -> None:
        """Refuse a stack of another account or region; in one without a concrete one, add
        the Rule that refuses the deploy."""
        params = self.params
        stack = cdk.Stack.of(self)
        for have, want, what in ((stack.account, params.account, "account"),
                                 (stack.region, params.region, "region")):
            if not cdk.Token.is_unresolved(have) and have != want:
                raise ValueError(
                    f"{what}: the stack's {what} {have!r} differs from the parameters' {want!r}: "
                    f"deploy the construct into a stack whose {what} is {want!r}"
                )
        if cdk.Token.is_unresolved(stack.account) or cdk.Token.is_unresolved(stack.region):
            self._environment_rule()

    def _make_repositories(self) -> dict[str, Any]:
        """Make the repositories; return what every one of them (and the creation templates)
        shares."""
        params = self.params
        #: Repository name to its ``AWS::ECR::Repository``, in parameter order.
        self.repository_resources: dict[str, ecr.CfnRepository] = {}
        self._repository_views: dict[str, OwnedRepository] = {}
        # Everything that is the same for every repository is built once, outside the loop:
        # each repository is then one jsii call plus its removal documents.
        lifecycle = documents.lifecycle_policy(params)
        #: The repository policy of the parameters (and other-account app roles), or None.
        self._repository_policy: dict[str, Any] | None = documents.repository_policy(
            params, self._resource_workers) if params.repository_grants or (
            self._resource_workers) else None
        common: dict[str, Any] = {
            # The exact document the guide asks for, rendered by the same function the live
            # check compares against (a grant on a same-account role would write an identity
            # policy instead).
            "repository_policy_text": self._repository_policy,
            # left out when the registry's scanning configuration decides
            "image_scanning_configuration":
                ecr.CfnRepository.ImageScanningConfigurationProperty(
                    scan_on_push=params.scan_on_push)
                if params.registry_scanning is None else None,
            "image_tag_mutability": params.effective_tag_mutability,
            "image_tag_mutability_exclusion_filters": [
                ecr.CfnRepository.ImageTagMutabilityExclusionFilterProperty(
                    image_tag_mutability_exclusion_filter_type="WILDCARD",
                    image_tag_mutability_exclusion_filter_value=f)
                for f in params.image_tag_mutability_exclusion_filters
            ] or None,
            "lifecycle_policy": ecr.CfnRepository.LifecyclePolicyProperty(
                lifecycle_policy_text=documents.policy_text(lifecycle))
                if lifecycle else None,
            "encryption_configuration": ecr.CfnRepository.EncryptionConfigurationProperty(
                encryption_type="KMS", kms_key=self._kms_key_arn)
                if params.encryption == "KMS" else None,
            "empty_on_delete": True if params.empty_on_delete else None,
            "tags": [cdk.CfnTag(key=k, value=v) for k, v in params.tags.items()] or None,
        }
        removal = (cdk.RemovalPolicy.RETAIN if params.removal_policy == "retain"
                   else cdk.RemovalPolicy.DESTROY)

        if params.worker_organization is not None:  # on the construct: no bytes per repository
            cdk.Validations.of(self).acknowledge(cdk.Acknowledgment(
                id="AwsSolutions-ECR1", reason=_ORGANIZATION_REASON))
        for name in layout.repositories_of(params, self.part):
            resource = ecr.CfnRepository(self, repository_construct_id(name),
                                         repository_name=name, **common)
            resource.apply_removal_policy(removal)
            self.repository_resources[name] = resource

        return common

    def _token_policy(self) -> None:
        """The token policy of the same-account worker roles."""
        params = self.params
        #: The identity policy granting ``ecr:GetAuthorizationToken`` to same-account worker
        #: roles, or ``None`` when every worker role is in another account.
        self.authorization_token_policy: iam.CfnPolicy | None = None
        token_roles = sorted({naming.role_name_of_arn(a)
                              for a in params.same_account_worker_role_arns})
        if token_roles:
            self.authorization_token_policy = iam.CfnPolicy(
                self,
                "AuthorizationTokenPolicy",
                policy_name=documents.token_policy_name(params),
                policy_document=documents.worker_identity_policy(params),
                roles=token_roles,
            )
            self._acknowledge_wildcards(self.authorization_token_policy)

    def _builder(self) -> None:
        """The builder's own role, and its Pod Identity association."""
        params = self.params
        #: The builder's own role, or ``None`` without ``params.builder_identity``.
        self.builder_role: iam.CfnRole | None = None
        identity = params.builder_identity
        if identity is not None and params.builder_namespace is not None:
            self.builder_role = iam.CfnRole(
                self,
                "BuilderRole",
                role_name=naming.role_name_of_arn(params.builder_role_arn or ""),
                description="In-cluster image builder: push/pull on the ecr-cluster-access "
                f"repositories, for ServiceAccount {params.builder_namespace}/"
                f"{params.builder_service_account} ({identity.mode})",
                assume_role_policy_document=self._builder_trust(),
                policies=[iam.CfnRole.PolicyProperty(
                    policy_name=documents.BUILDER_POLICY_NAME,
                    policy_document=documents.push_pull_identity_policy(params))],
            )
            self._acknowledge_wildcards(self.builder_role)
            # The repository policy names the role by ARN: ECR checks that it exists.
            for resource in self.repository_resources.values():
                resource.node.add_dependency(self.builder_role)
            if identity.mode == "pod-identity":
                from aws_cdk import aws_eks as eks

                eks.CfnPodIdentityAssociation(
                    self,
                    "BuilderPodIdentity",
                    cluster_name=self._cluster_name or "",
                    namespace=params.builder_namespace,
                    service_account=(params.builder_service_account or ""),
                    role_arn=self.builder_role.attr_arn,
                )

    def _developer_policy(self) -> None:
        """The developers' managed policy."""
        params = self.params
        #: The developers' managed policy, or ``None`` without ``developer_principal_arns``.
        self.developer_policy: iam.CfnManagedPolicy | None = None
        if params.developer_principal_arns:
            kinds: dict[str, list[str]] = {"role": [], "user": [], "group": []}
            for arn in params.developer_principal_arns:
                kinds[naming.principal_kind_of_arn(arn)].append(naming.role_name_of_arn(arn))
            self.developer_policy = iam.CfnManagedPolicy(
                self,
                "DeveloperPolicy",
                managed_policy_name=documents.developer_policy_name(params),
                description="Push and pull on the ecr-cluster-access repositories, plus the "
                "ECR authorization token.",
                policy_document=documents.developer_policy(params),
                roles=sorted(kinds["role"]) or None,
                users=sorted(kinds["user"]) or None,
                groups=sorted(kinds["group"]) or None,
            )
            cdk.Validations.of(self.developer_policy).acknowledge(
                cdk.Acknowledgment(id="AwsSolutions-IAM5[Resource::*]",
                                   reason=_TOKEN_WILDCARD_REASON)
            )

    def _replication(self) -> None:
        """The registry's replication configuration."""
        params = self.params
        #: The registry's replication configuration, or ``None`` without replication regions.
        self.replication: ecr.CfnReplicationConfiguration | None = None
        if params.replication_regions:
            config = ecr.CfnReplicationConfiguration
            self.replication = config(
                self, "Replication",
                replication_configuration=config.ReplicationConfigurationProperty(rules=[
                    config.ReplicationRuleProperty(
                        destinations=[config.ReplicationDestinationProperty(
                            region=region, registry_id=params.account)
                            for region in params.replication_regions],
                        repository_filters=[config.RepositoryFilterProperty(
                            filter=prefix, filter_type="PREFIX_MATCH")
                            for prefix in params.replication_filters])]),
            )

    def _templates_and_caches(self, common: dict[str, Any]) -> None:
        """The creation templates' role, the create-on-push template, and each pull-through
        cache rule with its template."""
        params = self.params
        self._template_role_arn = self._creation_template_role()
        #: The create-on-push repository creation template, or ``None`` without a prefix.
        self.creation_template: ecr.CfnRepositoryCreationTemplate | None = None
        if params.create_on_push_prefix is not None:
            self.creation_template = self._creation_template(
                common, params.create_on_push_prefix, "CREATE_ON_PUSH", "CreateOnPushTemplate",
                "repositories created on push under this prefix")

        #: Each pull-through cache rule, and the creation template of its prefix, by prefix.
        self.pull_through_cache_rules: dict[str, ecr.CfnPullThroughCacheRule] = {}
        self.pull_through_cache_templates: dict[str, ecr.CfnRepositoryCreationTemplate] = {}
        for rule, api in zip(params.pull_through_cache,
                             documents.pull_through_cache_rules(params), strict=True):
            construct_id = repository_construct_id(rule.prefix)
            self.pull_through_cache_rules[rule.prefix] = ecr.CfnPullThroughCacheRule(
                self, f"PullThroughCache-{construct_id}",
                ecr_repository_prefix=api["ecrRepositoryPrefix"],
                upstream_registry=api["upstreamRegistry"],
                upstream_registry_url=api["upstreamRegistryUrl"],
                credential_arn=api.get("credentialArn"),
                custom_role_arn=api.get("customRoleArn"))
            self.pull_through_cache_templates[rule.prefix] = self._creation_template(
                common, rule.prefix, "PULL_THROUGH_CACHE", f"PullThroughCacheTemplate-"
                f"{construct_id}", f"repositories the pull-through cache makes ({rule.upstream})")

    def _registry_settings(self) -> None:
        """The registry scanning configuration and the registry policy."""
        params = self.params
        #: The registry scanning configuration, or ``None`` without ``registryScanning``.
        self.registry_scanning: ecr.CfnRegistryScanningConfiguration | None = None
        scanning = documents.registry_scanning_configuration(params)
        if scanning is not None:
            config_ = ecr.CfnRegistryScanningConfiguration
            self.registry_scanning = config_(
                self, "RegistryScanning", scan_type=scanning["scanType"], rules=[
                    config_.ScanningRuleProperty(
                        scan_frequency=rule["scanFrequency"],
                        repository_filters=[config_.RepositoryFilterProperty(
                            filter=f["filter"], filter_type=f["filterType"])
                            for f in rule["repositoryFilters"]])
                    for rule in scanning["rules"]])

        #: The registry policy, or ``None`` without ``registryPolicy``.
        self.registry_policy: ecr.CfnRegistryPolicy | None = None
        registry_policy = documents.registry_policy(params)
        if registry_policy is not None:
            self.registry_policy = ecr.CfnRegistryPolicy(self, "RegistryPolicy",
                                                         policy_text=registry_policy)
            for resource in self.repository_resources.values():
                self.registry_policy.node.add_dependency(resource)

    def _in_the_registry_stack(self) -> None:
        """A shard's instance: what the registry stack's instance makes is ``None`` here."""
        self.authorization_token_policy = None
        self.builder_role = None
        self.refresher_role = None
        self.refresher_user = None
        self.developer_policy = None
        self.replication = None
        self.creation_template = None
        self.pull_through_cache_rules = {}
        self.pull_through_cache_templates = {}
        self.registry_scanning = None
        self.registry_policy = None

    def _grant_app_worker_roles(self) -> list[str]:
        """Grant each worker role the app passes as aws-cdk-lib grants to a principal: one of
        this account gets :func:`documents.app_worker_identity_policy` as a policy of its
        own, made in the role's scope (its stack), so this construct's stack never refers to
        the role's and a stack of the role may use the repositories without a cycle; cdk-nag's
        wildcard findings are acknowledged on that policy only. A role of another account (or
        an imported role that takes no policy) is granted by the repository policy instead:
        return those ARNs."""
        params, resource = self.params, []
        document = documents.app_worker_identity_policy(params)
        for role in self.worker_roles:
            arn = role.role_arn
            if not cdk.Token.is_unresolved(arn) and naming.account_of_arn(arn) != params.account:
                resource.append(arn)
            elif isinstance(role, iam.Role):
                if not layout.holds_registry(self.part):
                    continue  # the registry stack's instance grants it
                policy = iam.Policy(role, f"EcrClusterAccessGrant{self.node.addr[:10]}",
                                    document=iam.PolicyDocument.from_json(document))
                role.attach_inline_policy(policy)
                self._acknowledge_wildcards(policy)
            elif not all(role.add_to_principal_policy(iam.PolicyStatement.from_json(
                    statement)).statement_added for statement in document["Statement"]):
                resource.append(arn)
        return resource

    def _acknowledge_wildcards(self, scope: Construct) -> None:
        """Acknowledge, with the reason, the two wildcards AWS leaves no way around."""
        validations = cdk.Validations.of(scope)
        validations.acknowledge(cdk.Acknowledgment(id="AwsSolutions-IAM5[Resource::*]",
                                                   reason=_TOKEN_WILDCARD_REASON))
        if self.params.create_on_push_arn:
            validations.acknowledge(cdk.Acknowledgment(
                id=f"AwsSolutions-IAM5[Resource::{self.params.create_on_push_arn}]",
                reason=_CREATE_ON_PUSH_REASON))
        for arn in self.params.pull_through_cache_arns:
            validations.acknowledge(cdk.Acknowledgment(
                id=f"AwsSolutions-IAM5[Resource::{arn}]", reason=_PULL_THROUGH_CACHE_REASON))

    def _creation_template_role(self) -> Any:
        """The role ECR assumes to apply creation templates' tags or customer managed key (one
        for every template), or ``None`` when no template needs one."""
        params = self.params
        role_policy = documents.creation_template_role_policy(params, self._kms_key_arn)
        if role_policy is None:
            return None
        role = iam.CfnRole(
            self, "CreationTemplateRole",
            role_name=documents.creation_template_role_name(params),
            description="Lets ECR create create-on-push and pull-through cache repositories "
            "with tags or a KMS key",
            assume_role_policy_document=documents.creation_template_trust_policy(),
            policies=[iam.CfnRole.PolicyProperty(policy_name="create-repositories",
                                                 policy_document=role_policy)],
        )
        for arn, reason in ((params.create_on_push_arn, _CREATE_ON_PUSH_REASON),
                            *((a, _PULL_THROUGH_CACHE_REASON)
                              for a in params.pull_through_cache_arns)):
            if arn:
                cdk.Validations.of(role).acknowledge(cdk.Acknowledgment(
                    id=f"AwsSolutions-IAM5[Resource::{arn}]", reason=reason))
        return role.attr_arn

    def _creation_template(self, common: dict[str, Any], prefix: str, applied_for: str,
                           construct_id: str, what: str) -> ecr.CfnRepositoryCreationTemplate:
        """``AWS::ECR::RepositoryCreationTemplate`` for ``applied_for`` under ``prefix``, with
        the same policy, lifecycle, tag mutability, encryption and tags as the named
        repositories. ECR needs a role of its own to apply tags or a customer managed key."""
        params = self.params
        lifecycle = common["lifecycle_policy"]
        encryption = common["encryption_configuration"]
        template = ecr.CfnRepositoryCreationTemplate(
            self,
            construct_id,
            prefix=prefix,
            applied_for=[applied_for],
            description=f"ecr-cluster-access: {what}",
            repository_policy=cdk.Stack.of(self).to_json_string(
                (documents.pull_through_cache_repository_policy if applied_for ==
                 "PULL_THROUGH_CACHE" else documents.repository_policy)(
                    params, self._resource_workers)),
            lifecycle_policy=lifecycle.lifecycle_policy_text if lifecycle else None,
            image_tag_mutability=params.effective_tag_mutability,
            image_tag_mutability_exclusion_filters=[
                ecr.CfnRepositoryCreationTemplate.ImageTagMutabilityExclusionFilterProperty(
                    image_tag_mutability_exclusion_filter_type="WILDCARD",
                    image_tag_mutability_exclusion_filter_value=f)
                for f in params.image_tag_mutability_exclusion_filters
            ] or None,
            encryption_configuration=(
                ecr.CfnRepositoryCreationTemplate.EncryptionConfigurationProperty(
                    encryption_type="KMS", kms_key=self._kms_key_arn)
                if encryption else None),
            resource_tags=common["tags"],
            custom_role_arn=self._template_role_arn,
        )
        if self.builder_role is not None:
            # the template's repository policy names the builder role
            template.node.add_dependency(self.builder_role)
        return template

    def _refresher(self) -> None:
        """The refresher's identity: a role trusted by its ServiceAccount(s), or an IAM user
        without console access or keys (its owner makes the access key, see the README);
        either gets only :func:`documents.refresher_identity_policy`."""
        params = self.params
        identity = documents.refresher_identity(params)
        if identity is None:
            return
        policies = [{"policyName": documents.REFRESHER_POLICY_NAME,
                     "policyDocument": identity.policy}]
        if identity.kind == "user":
            self.refresher_user = iam.CfnUser(self, "RefresherUser", user_name=identity.name,
                                              policies=policies)
            self._acknowledge_wildcards(self.refresher_user)
            self.refresher_user.add_metadata("checkov", {"skip": [CHECKOV_USER_POLICY]})
            return
        self.refresher_role = iam.CfnRole(
            self, "RefresherRole", role_name=identity.name, description=identity.description,
            assume_role_policy_document=self._refresher_trust(), policies=policies)
        self._acknowledge_wildcards(self.refresher_role)
        settings = params.pull_secret
        assert settings is not None
        if settings.credentials == "pod-identity":
            (namespace,) = params.refresher_namespaces
            from aws_cdk import aws_eks as eks

            eks.CfnPodIdentityAssociation(
                self, "RefresherPodIdentity", cluster_name=self._refresher_cluster or "",
                namespace=namespace, service_account=params.refresher_service_account,
                role_arn=self.refresher_role.attr_arn)

    def _refresher_trust(self) -> Any:
        params, provider = self.params, self._refresher_provider
        if provider is None:
            return documents.refresher_trust_document(
                params, cluster_name=self._refresher_cluster,
                cluster_arn=self._refresher_cluster_arn)
        plain = documents.refresher_trust_document(
            params, oidc_provider_arn=provider.open_id_connect_provider_arn, issuer="ISSUER")
        assert plain is not None
        (statement,) = plain["Statement"]
        conditions = cdk.CfnJson(self, "RefresherTrustConditions", value={
            key.replace("ISSUER", provider.open_id_connect_provider_issuer): value
            for key, value in statement["Condition"]["StringEquals"].items()})
        statement["Condition"]["StringEquals"] = conditions
        return plain

    def _builder_trust(self) -> Any:
        """The builder role's trust policy; with an OIDC provider object, its issuer (a token)
        keys the conditions through ``CfnJson``; with a cluster object, its name (a token) is
        the Pod Identity condition's value."""
        params, provider = self.params, self._oidc_provider
        identity = params.builder_identity
        if identity is not None and identity.mode == "pod-identity" and (
                params.builder_namespace is not None):
            return documents.builder_trust_document(
                "pod-identity", params.builder_namespace, (params.builder_service_account or ""),
                cluster_name=self._cluster_name, cluster_arn=self._cluster_arn)
        if provider is None or identity is None or params.builder_namespace is None:
            return documents.builder_trust_policy(params)
        conditions = cdk.CfnJson(self, "BuilderTrustConditions", value=(
            documents.irsa_trust_conditions(provider.open_id_connect_provider_issuer,
                                            params.builder_namespace,
                                            params.builder_service_account or "")))
        return documents.builder_trust_document(
            "irsa", params.builder_namespace, (params.builder_service_account or ""),
            provider.open_id_connect_provider_arn, conditions=conditions)

    def _environment_rule(self) -> None:
        """In a stack without a concrete account or region: a CloudFormation Rule that fails
        the deploy, before anything is made, unless it goes to the parameters' account and
        region (which the cluster's Secret names)."""
        params = self.params
        cdk.CfnRule(self, "EnvironmentMatchesParameters", assertions=[cdk.CfnRuleAssertion(
            assert_=cdk.Fn.condition_and(
                cdk.Fn.condition_equals(cdk.Aws.ACCOUNT_ID, params.account),
                cdk.Fn.condition_equals(cdk.Aws.REGION, params.region)),
            assert_description=f"ecr-cluster-access: this stack must be deployed to account "
            f"{params.account} in {params.region}, as its parameters (and the cluster's "
            "ecr-config Secret) say")])

    @property
    def repositories(self) -> Mapping[str, OwnedRepository]:
        """Every repository as an :class:`OwnedRepository` (an ``IRepository`` that behaves as
        aws-cdk-lib's ``ecr.Repository``), by name, in parameter order: ``repository_uri``,
        ``grant_pull``/``grant_push``/``grant_pull_push``/``grant_read``,
        ``add_to_resource_policy``, events and metrics. Each is made on first use, then
        cached; an unknown name raises ``KeyError`` listing the names."""
        return _Repositories(self)

    def repository(self, name: str) -> OwnedRepository:
        """Return repository ``name`` (see :attr:`repositories`)."""
        return self.repositories[name]

    def grant_pull(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` pull from every repository: ``BatchGetImage``,
        ``GetDownloadUrlForLayer`` and ``BatchCheckLayerAvailability``, and the authorization
        token. As aws-cdk-lib grants: a principal of this account gets an identity policy; a
        principal of another account or a service is also named in each repository's policy
        (the token, which no repository policy can grant, its own account must give it)."""
        return self._grant(grantee, documents.PULL_ACTIONS)

    def grant_push(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` push to every repository (aws-cdk-lib's push actions:
        ``BatchCheckLayerAvailability`` and the four that write an image), and the token."""
        return self._grant(grantee, ("ecr:BatchCheckLayerAvailability",
                                     *documents.PUSH_ONLY_ACTIONS))

    def grant_pull_push(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` push to and pull from every repository: the guide's seven actions
        and the authorization token (see :meth:`grant_pull`)."""
        return self._grant(grantee, documents.PUSH_PULL_ACTIONS)

    def grant_push_pull(self, grantee: iam.IGrantable) -> iam.Grant:
        """Deprecated: :meth:`grant_pull_push`, aws-cdk-lib's name."""
        return self.grant_pull_push(grantee)

    def grant_read(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` describe every repository and its images, as aws-cdk-lib's
        ``grant_read``: ``DescribeRepositories`` and ``DescribeImages``, no token."""
        return self._grant(grantee, ("ecr:DescribeRepositories", "ecr:DescribeImages"),
                           token=False)

    def _grant(self, grantee: iam.IGrantable, actions: Sequence[str], *,
               token: bool = True) -> iam.Grant:
        views = [self.repositories[name] for name in self.repository_resources]
        # one statement over every repository: on the principal when it is of this account,
        # else on the first repository's policy, then the same statement on the others'
        grant = iam.Grant.add_to_principal_or_resource(
            grantee=grantee, actions=list(actions),
            resource_arns=[view.repository_arn for view in views], resource_self_arns=[],
            resource=views[0])
        if grant.resource_statement is not None:
            for view in views[1:]:
                view.add_to_resource_policy(grant.resource_statement)
        principal = grantee.grant_principal
        if not token:
            return grant
        statements = [documents.authorization_token_statement()]
        if isinstance(principal, iam.Role):
            # a policy of its own: cdk-nag's wildcard finding acknowledged on it, not the role
            policy = iam.Policy(principal, f"EcrClusterAccessToken{self.node.addr[:10]}",
                                document=iam.PolicyDocument.from_json(
                                    {"Version": documents.POLICY_VERSION, "Statement": statements}))
            principal.attach_inline_policy(policy)
            self._acknowledge_wildcards(policy)
            return grant
        return grant.combine(iam.Grant.add_to_principal(
            grantee=grantee, actions=[documents.AUTHORIZATION_TOKEN_ACTION], resource_arns=["*"]))

    @property
    def repository_names(self) -> tuple[str, ...]:
        """The repository names, in parameter order."""
        return tuple(self.repository_resources)

    @property
    def registry_host(self) -> str:
        """The registry host of the repositories, as the cluster's ``config.json`` names it."""
        return self.params.registry_host


def _is_public(statement: iam.PolicyStatement) -> bool:
    principal = statement.to_statement_json().get("Principal")
    return principal == "*" or (isinstance(principal, dict) and "*" in (
        [principal.get("AWS")] if isinstance(principal.get("AWS"), str)
        else principal.get("AWS") or []))


@jsii.implements(cdk.IAnyProducer)
class _PolicyText:
    """A repository's policy: the parameters' document, then what the app added."""

    def __init__(self, base: dict[str, Any] | None, added: iam.PolicyDocument) -> None:
        self._base, self._added = base, added

    def produce(self, context: cdk.IResolveContext) -> Any:
        added = self._added.to_json() or {}
        return {"Version": documents.POLICY_VERSION, "Statement": [
            *(self._base or {}).get("Statement", []), *added.get("Statement", [])]}


class OwnedRepository(ecr.RepositoryBase):
    """One of the construct's repositories, as aws-cdk-lib's ``ecr.Repository`` behaves: its
    ``grant*`` methods, events and metrics; :meth:`add_to_resource_policy` appends to the
    repository policy after the parameters' statements (which stay byte for byte as they
    are when nothing is added). So a grant to another account's principal or to a service
    (``lambda.amazonaws.com`` for a container image function) lands in the repository policy,
    as ``iam.Grant.add_to_principal_or_resource`` decides. A statement for any principal
    (``*``) is refused: the project makes no repository public."""

    def __init__(self, scope: Construct, id: str, resource: ecr.CfnRepository,  # noqa: A002
                 base: dict[str, Any] | None) -> None:
        super().__init__(scope, id)
        self._resource, self._base = resource, base
        self._added: iam.PolicyDocument | None = None
        self.node.add_validation(_ResourcePolicyValidation(self))

    @property
    def repository_name(self) -> str:
        return str(self._resource.ref)

    @property
    def repository_arn(self) -> str:
        return str(self._resource.attr_arn)

    def add_to_resource_policy(self, statement: iam.PolicyStatement
                               ) -> iam.AddToResourcePolicyResult:
        if _is_public(statement):
            raise ValueError(
                f"{self.node.path}: a repository policy statement for any principal ('*') "
                "would make the repository public: grant a role, an account or a service")
        if self._added is None:
            self._added = iam.PolicyDocument()
            self._resource.repository_policy_text = cdk.Lazy.uncached_any(
                _PolicyText(self._base, self._added))
        self._added.add_statements(statement)
        return iam.AddToResourcePolicyResult(statement_added=True,
                                             policy_dependable=self._added)


@jsii.implements(constructs.IValidation)
class _ResourcePolicyValidation:
    """What aws-cdk-lib's ``ecr.Repository`` checks of an added statement at synth: an action
    and an IAM principal each."""

    def __init__(self, repository: OwnedRepository) -> None:
        self._repository = repository

    def validate(self) -> list[str]:
        added = self._repository._added
        errors = []
        for statement in (added.to_json() or {}).get("Statement", []) if added else []:
            if "Action" not in statement and "NotAction" not in statement:
                errors.append("A PolicyStatement must specify at least one 'action' or "
                              "'notAction'.")
            if "Principal" not in statement and "NotPrincipal" not in statement:
                errors.append("A PolicyStatement used in a resource-based policy must specify "
                              "at least one IAM principal.")
        return errors


class _Repositories(Mapping[str, OwnedRepository]):
    """:attr:`EcrClusterAccess.repositories`: made on first use."""

    def __init__(self, owner: EcrClusterAccess) -> None:
        self._owner = owner

    def __getitem__(self, name: str) -> OwnedRepository:
        owner = self._owner
        view = owner._repository_views.get(name)
        if view is None:
            resource = owner.repository_resources.get(name)
            if resource is None:
                raise KeyError(f"{name!r} is not one of this construct's repositories: use one "
                               f"of {', '.join(owner.repository_resources)}")
            view = OwnedRepository(owner, f"{repository_construct_id(name)}-View", resource,
                                   owner._repository_policy)
            owner._repository_views[name] = view
        return view

    def __iter__(self) -> Iterator[str]:
        return iter(self._owner.repository_resources)

    def __len__(self) -> int:
        return len(self._owner.repository_resources)
