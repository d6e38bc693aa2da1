"""The parameters model: each field declared once, with its type, default, doc and rule.

Files use camelCase keys (``workerRoleArns``), derived from the snake_case field names
(``worker_role_arns``). Constructing a :class:`Parameters` (from Python or through
:meth:`Parameters.from_mapping`) validates every value and raises :class:`ParameterError`
listing all problems, one line each, naming the field, quoting the value and saying what is
accepted. The nested classes are plain records; :class:`Parameters` checks them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from .. import naming
from . import limits
from . import rules as r
from .spec import (
    Bool,
    Nested,
    NestedList,
    ParameterError,
    Text,
    TextList,
    TextMap,
    check_fields,
    declare,
    declared_fields,
    from_file_mapping,
    normalise,
    to_file_mapping,
)

#: The CronJob refresher's default image: AWS's own AWS CLI v2 image from ECR Public (Amazon
#: Linux 2023: ``aws``, ``curl``, coreutils and ``sh``), which is all the refresher runs.
#: Pinned by digest: the refresher runs with AWS credentials and may patch Secrets, so a
#: re-pushed tag must not change what runs. This tag and digest are pinned together by several
#: independent public repositories (one of them Renovate-managed, under both Docker Hub's
#: amazon/aws-cli and ECR Public, which fits a multi-architecture index digest); this project
#: could not pull the image here. Verify with ``crane digest
#: public.ecr.aws/aws-cli/aws-cli:2.37.0`` or ``skopeo inspect --format '{{.Digest}}'
#: docker://public.ecr.aws/aws-cli/aws-cli:2.37.0``; update tag and digest together.
DEFAULT_REFRESH_IMAGE = ("public.ecr.aws/aws-cli/aws-cli:2.37.0@sha256:"
                         "337494c2047176fe9abcf45a5d1eaf1c2c62cae40953284fb1143b5c6170f065")


@dataclass(frozen=True)
class LifecycleRule:
    """A lifecycle rule for tagged images: which tags, and how many or how old to keep."""

    tag_prefixes: Sequence[str] = field(default=(), metadata=declare(
        TextList(r.TAG_PREFIX_RULE, max_items=r.MAX_LIFECYCLE_TAGS),
        "Images with a tag starting with one of these (ECR's tagPrefixList)."))
    tag_patterns: Sequence[str] = field(default=(), metadata=declare(
        TextList(r.TAG_PATTERN_RULE, max_items=r.MAX_LIFECYCLE_TAGS),
        "Or: images whose tags match every one of these patterns, * a wildcard, at most four "
        "in each (ECR's tagPatternList)."))
    keep_last: int | None = field(default=None, metadata=declare(
        r.LIFECYCLE_COUNT, "Keep only this many most recent such images."))
    expire_days: int | None = field(default=None, metadata=declare(
        r.LIFECYCLE_COUNT, "Or: expire such images this many days after they were pushed."))


@dataclass(frozen=True)
class Lifecycle:
    """ECR lifecycle rules; none set (the default) means no lifecycle policy, nothing expires."""

    rules: Sequence[LifecycleRule] = field(default=(), metadata=declare(
        NestedList(LifecycleRule, r.MAX_LIFECYCLE_RULES,
                   too_many="{n} rules given: give at most {max}"),
        "Rules for tagged images, in priority order (first is applied first); after them the "
        "untagged rule, and keepLastImages last, as ECR requires of a rule for any image."))

    untagged_expire_days: int | None = field(default=None, metadata=declare(
        r.LIFECYCLE_COUNT, "Expire untagged images this many days after they were pushed.",
        default_doc="never"))
    keep_last_images: int | None = field(default=None, metadata=declare(
        r.LIFECYCLE_COUNT, "Keep only this many most recent images, whatever their tags.",
        default_doc="keep all"))


@dataclass(frozen=True)
class BuilderIdentity:
    """An IAM role of the builder's own, trusted by one Kubernetes ServiceAccount.

    For clusters whose pods cannot reach the node role (IMDSv2 hop limit 1, or not EKS nodes).
    The role gets the seven push/pull actions on the repositories plus the authorization
    token, and the repository policy names it next to the worker roles.
    """

    mode: str = field(metadata=declare(
        r.choice("irsa", "pod-identity"),
        "irsa (IAM roles for service accounts, through the cluster's OIDC provider) or "
        "pod-identity (EKS Pod Identity)."))
    for_: str = field(default="garden", metadata=declare(
        r.choice("garden", "custom"),
        "garden: Garden's in-cluster builder (cluster-buildkit or kaniko), which runs as its "
        "own ServiceAccount garden-in-cluster-builder and annotates it itself from "
        "builder-config's provider block (the chart renders no ServiceAccount); custom: a "
        "builder of your own, whose ServiceAccount the chart renders."))
    service_account: str | None = field(default=None, metadata=declare(
        r.dns_subdomain(), "The builder's ServiceAccount (with garden it can only be "
        "garden-in-cluster-builder).",
        default_doc="`garden-in-cluster-builder` (garden) or `ecr-builder` (custom)"))
    namespace: str | None = field(default=None, metadata=declare(
        r.dns_label(), "Its namespace: with garden, the Garden environment's namespace, where "
        "Garden runs the builder.", default_doc="`namespace`"))
    role_name: str | None = field(default=None, metadata=declare(
        r.ROLE_NAME_RULE, "The IAM role's name.", default_doc="`<stackName>-builder`"))
    oidc_provider_arn: str | None = field(default=None, metadata=declare(
        r.OIDC_PROVIDER_ARN_RULE, "With irsa (required): the cluster's IAM OIDC provider ARN, "
        "in `account`."))
    cluster_name: str | None = field(default=None, metadata=declare(
        r.CLUSTER_NAME_RULE, "With pod-identity (required): the EKS cluster name."))


@dataclass(frozen=True)
class PullSecret:
    """A pull secret the kubelet can use: ``auths`` with a real ECR token, refreshed.

    For clusters whose nodes cannot pull through their node role. The kubelet ignores
    ``credHelpers``, so this Secret carries the token itself, renewed well inside its
    12-hour life, either by the External Secrets Operator or by a CronJob.
    """

    mode: str = field(metadata=declare(
        r.choice("external-secrets", "cronjob"),
        "external-secrets (the operator's ECRAuthorizationToken generator and an "
        "ExternalSecret) or cronjob (a self-contained CronJob with its own RBAC)."))
    credentials: str = field(metadata=declare(
        r.choice(*r.REFRESHER_CREDENTIALS),
        "Whose AWS identity fetches the token: irsa, web-identity or pod-identity (a "
        "pull-only refresher role the stack creates; web-identity is for any cluster whose "
        "ServiceAccount issuer is an IAM OIDC provider, with no EKS webhook), secret (a "
        "pull-only IAM user the stack creates; its access key sits in a Kubernetes Secret), "
        "or node (the node's or operator's own identity: only with workerAccess pull, or "
        "allowPushToken)."))
    name: str = field(default="ecr-pull", metadata=declare(
        r.dns_subdomain(), "The Secret's name."))
    namespaces: Sequence[str] = field(default=(), metadata=declare(
        TextList(r.dns_label()), "Namespaces that get the Secret.", default_doc="`namespace`"))
    service_accounts: Sequence[str] = field(default=(), metadata=declare(
        TextList(r.OWNED_SERVICE_ACCOUNT_RULE), "ServiceAccounts (in each of those namespaces) "
        "that the chart renders, listing it in imagePullSecrets; not default."))
    refresh_hours: int = field(default=6, metadata=declare(
        r.REFRESH_HOURS, "Hours between refreshes, 1 to 8 (tokens live 12)."))
    image: str = field(default=DEFAULT_REFRESH_IMAGE, metadata=declare(
        r.IMAGE_RULE, "With cronjob: the refresher's image (needs aws, curl, base64 and sh); "
        "pinned by digest (repo:tag@sha256:... or repo@sha256:...) unless allowUnpinnedImage.",
        default_doc="`public.ecr.aws/aws-cli/aws-cli:2.37.0` pinned by digest"))
    role_name: str | None = field(default=None, metadata=declare(
        r.ROLE_NAME_RULE, "With irsa, web-identity or pod-identity: the refresher role's name.",
        default_doc="`<stackName>-refresher`"))
    oidc_provider_arn: str | None = field(default=None, metadata=declare(
        r.OIDC_PROVIDER_ARN_RULE, "With irsa or web-identity (required for app.py): the "
        "IAM OIDC provider ARN of the cluster's ServiceAccount issuer, in `account`."))
    cluster_name: str | None = field(default=None, metadata=declare(
        r.CLUSTER_NAME_RULE, "With pod-identity (required for app.py): the EKS cluster name."))
    credentials_secret: str | None = field(default=None, metadata=declare(
        r.dns_subdomain(), "With secret: the Kubernetes Secret (in each namespace that runs "
        "the refresher) holding access-key-id and secret-access-key.",
        default_doc="`<name>-aws-credentials`"))
    role_arn: str | None = field(default=None, metadata=declare(
        r.ROLE_ARN_RULE, "With secret, optional: a role the refresher assumes with those "
        "keys; the stack lets the IAM user assume it (its own grants are its owner's)."))
    allow_push_token: bool = field(default=False, metadata=declare(
        Bool(), "With node and workerAccess push-pull: accept that the pull secret's token can "
        "push (anyone who can read it, or run a pod, in its namespaces can then push)."))
    allow_unpinned_image: bool = field(default=False, metadata=declare(
        Bool(), "Accept an image without @sha256: (a re-pushed tag then changes what runs "
        "with the refresher's AWS credentials and Secret rights)."))

    def __post_init__(self) -> None:
        normalise(self)


@dataclass(frozen=True)
class PullThroughCacheRule:
    """A pull-through cache rule: images of an upstream registry, cached under a prefix."""

    upstream: str = field(metadata=declare(
        r.choice(*r.UPSTREAMS),
        "docker-hub, github-container-registry (both need credentialArn), quay, k8s (the "
        "Kubernetes registry), ecr-public, or ecr (another private ECR registry)."))
    prefix: str = field(metadata=declare(
        r.PTC_PREFIX_RULE, "The repository prefix: <registry host>/<prefix>/<upstream image> "
        "pulls through the cache."))
    credential_arn: str | None = field(default=None, metadata=declare(
        r.CREDENTIAL_ARN_RULE, "For docker-hub and github-container-registry: an existing "
        "Secrets Manager secret named ecr-pullthroughcache/..., in `account` and `region`."))
    upstream_registry: str | None = field(default=None, metadata=declare(
        r.ECR_HOST_RULE, "For ecr: the upstream registry's host."))
    custom_role_arn: str | None = field(default=None, metadata=declare(
        r.ROLE_ARN_RULE, "For ecr in another account: the role in `account` that ECR assumes "
        "to read it."))


@dataclass(frozen=True)
class ScanningRule:
    """One registry scanning rule: how often, and which repositories."""

    frequency: str = field(metadata=declare(
        r.choice("SCAN_ON_PUSH", "CONTINUOUS_SCAN"),
        "SCAN_ON_PUSH, or CONTINUOUS_SCAN (ENHANCED only)."))
    filters: Sequence[str] = field(metadata=declare(
        TextList(r.SCAN_FILTER_RULE, required=True, max_items=r.MAX_SCANNING_FILTERS,
                 too_many="{n} filters given: ECR accepts at most {max}"),
        "Repository name wildcards (* matches anything) the rule applies to."))


@dataclass(frozen=True)
class RegistryScanning:
    """The registry's scanning configuration, which replaces per-repository scan on push."""

    scan_type: str = field(metadata=declare(
        r.choice("BASIC", "ENHANCED"),
        "BASIC (ECR's own scanning) or ENHANCED (Amazon Inspector, which must be enabled)."))
    rules: Sequence[ScanningRule] = field(default=(), metadata=declare(
        NestedList(ScanningRule, r.MAX_SCANNING_RULES,
                   too_many="{n} rules given: ECR accepts at most {max}"),
        "At most one rule per frequency; repositories no rule matches are scanned manually."))


@dataclass(frozen=True)
class RegistryPolicy:
    """The registry policy: other accounts that may replicate into these repositories."""

    replication_source_accounts: Sequence[str] = field(metadata=declare(
        TextList(r.ACCOUNT_RULE, required=True, max_items=r.MAX_REPLICATION_SOURCES),
        "Accounts whose replication rules may copy images into these repositories (and create "
        "them), and nothing else."))


@dataclass(frozen=True)
class MemberAccount:
    """A member account of ``workerOrganization`` whose side ``app.py`` deploys and ``check``
    reads: a stack with the node roles' managed policy (``<stackName>-member``)."""

    account: str = field(metadata=declare(r.ACCOUNT_RULE, "The member account's ID."))
    role_names: Sequence[str] = field(default=(), metadata=declare(
        TextList(r.ROLE_PATH_AND_NAME_RULE, max_items=r.MAX_MEMBER_ROLES),
        "Its node roles to attach the policy to, each [path/]name as in its ARN; each must "
        "match roleArnPattern.",
        default_doc="none: node groups attach the policy by the output NodePolicyArn"))


@dataclass(frozen=True)
class WorkerOrganization:
    """Worker roles of every account of an AWS Organization (or of some of its organizational
    units), by a role ARN pattern: the repository policy grants ``Principal: "*"`` only on
    ``aws:PrincipalOrgID`` (and ``aws:PrincipalOrgPaths``) and ``ArnLike aws:PrincipalArn``,
    so its size does not grow with the accounts. Each member account still grants its roles
    on its side (``ecr-cluster-access identity-policy`` prints the policy)."""

    organization_id: str = field(metadata=declare(
        r.ORGANIZATION_ID_RULE, "The organization's ID (aws:PrincipalOrgID)."))
    role_arn_pattern: str = field(metadata=declare(
        r.ROLE_ARN_PATTERN_RULE, "The worker roles' ARN pattern, for ArnLike aws:PrincipalArn: "
        "* matches any characters, ? one (arn:aws:iam::*:role/eks-node-* is every role whose "
        "name starts eks-node- in every account of the organization)."))
    organizational_unit_paths: Sequence[str] = field(default=(), metadata=declare(
        TextList(r.ORGANIZATIONAL_UNIT_PATH_RULE, max_items=r.MAX_ORGANIZATIONAL_UNITS),
        "Only accounts in these organizational units (aws:PrincipalOrgPaths, each with the "
        "units below it).", default_doc="none: every account of the organization"))
    member_accounts: Sequence[MemberAccount] = field(default=(), metadata=declare(
        NestedList(MemberAccount, r.MAX_MEMBER_ACCOUNTS),
        "Member accounts whose side app.py deploys (a stack each, with the node roles' "
        "policy) and check reads, with --member-role.",
        default_doc="none: each member account grants its roles itself"))


@dataclass(frozen=True)
class Parameters:
    """Everything both halves need: the AWS repositories and the cluster's ``ecr-config`` Secret.

    Constructing one validates every value and raises :class:`ParameterError` listing all
    problems. Lists become tuples and tags are sorted, so a ``Parameters`` is immutable and
    compares equal however it was made. Each field's doc is in its declaration (and in the
    README's table and the JSON Schema, both derived from it).
    """

    account: str = field(metadata=declare(
        r.ACCOUNT_RULE, "The 12-digit AWS account that owns the repositories (a quoted string)."))
    region: str = field(metadata=declare(
        r.REGION_RULE, "The AWS region of the repositories, such as us-east-1; cn-* regions use "
        "aws-cn, us-gov-* use aws-us-gov."))
    repositories: Sequence[str] = field(metadata=declare(
        TextList(r.REPOSITORY_RULE, required=True,
                 max_items=r.MAX_REPOSITORIES_PER_STACK * r.MAX_SHARDS,
                 too_many="{n} repositories are more than the {max} that the most stacks "
                 "(shards) hold: give at most {max}"),
        "One or more ECR repository names, each created with the guide's policy."))
    worker_role_arns: Sequence[str] = field(default=(), metadata=declare(
        TextList(r.ROLE_ARN_RULE),
        "IAM role ARNs of the cluster's workers (the guide's k8s_worker_iam_role); their "
        "partition must match the region. At least one, unless an app passes the roles to "
        "EcrClusterAccess(worker_roles=...).", default_doc="required for app.py and check"))
    secret_name: str = field(default="ecr-config", metadata=declare(
        r.dns_subdomain(), "Name of the cluster Secret holding the docker config.json."))
    namespace: str = field(default="default", metadata=declare(
        r.dns_label(), "Namespace of that Secret."))
    stack_name: str = field(default="EcrClusterAccess", metadata=declare(
        r.STACK_NAME_RULE, "CloudFormation stack name used by app.py."))
    shards: int = field(default=1, metadata=declare(
        r.SHARDS_RULE,
        "How many stacks hold the repositories. 1: one stack, stackName, holds everything "
        "(at most 490 repositories). More: a registry stack, <stackName>-registry, holds the "
        "account's and registry's resources, and each repository goes to stack "
        "<stackName>-shard-NNN by a hash of its name, so adding one changes only its stack. "
        "Changing shards later moves repositories between stacks: choose room to grow "
        "(`ecr-cluster-access plan` prints the layout)."))
    worker_access: str = field(default="push-pull", metadata=declare(
        r.choice("push-pull", "pull"),
        "push-pull (the guide: the worker roles push and pull) or pull (the three pull "
        "actions only, for when builders push with their own identity)."))
    developer_principal_arns: Sequence[str] = field(default=(), metadata=declare(
        TextList(r.PRINCIPAL_ARN_RULE),
        "IAM roles, users or groups in `account` given a developer push/pull managed policy; "
        "none means no developer policy."))
    image_tag_mutability: str = field(default="MUTABLE", metadata=declare(
        r.choice("MUTABLE", "IMMUTABLE"), "Whether image tags can be overwritten."))
    image_tag_mutability_exclusion_filters: Sequence[str] = field(default=(), metadata=declare(
        TextList(r.EXCLUSION_FILTER_RULE, max_items=r.MAX_EXCLUSION_FILTERS,
                 too_many="{n} filters given: ECR accepts at most {max}"),
        "Up to five tag wildcards (such as latest, cache-*) that take the opposite mutability."))
    scan_on_push: bool = field(default=True, metadata=declare(
        Bool(), "Basic image scanning on every push."))
    lifecycle: Lifecycle = field(default_factory=Lifecycle, metadata=declare(
        Nested(Lifecycle), "Lifecycle rules.", default_doc="none: nothing expires"))
    encryption: str = field(default="AES256", metadata=declare(
        r.choice("AES256", "KMS"), "AES256 (ECR's own server-side encryption) or KMS."))
    kms_key_arn: str | None = field(default=None, metadata=declare(
        r.KMS_KEY_ARN_RULE, "With KMS: a customer managed key ARN in `region`.",
        default_doc="the AWS managed key"))
    tags: Mapping[str, str] = field(default_factory=dict, metadata=declare(
        TextMap(r.TAG_KEY_RULE, r.TAG_VALUE_RULE, r.MAX_TAGS,
                too_many="{n} tags given: AWS accepts at most {max}"),
        "Resource tags on every repository (at most 50; keys of 1-127 and values of 1-255 "
        "characters, AWS::ECR::Repository's limits)."))
    removal_policy: str = field(default="retain", metadata=declare(
        r.choice("retain", "destroy"),
        "retain: repositories and images survive removal from the stack and stack deletion; "
        "destroy: CloudFormation deletes them."))
    empty_on_delete: bool = field(default=False, metadata=declare(
        Bool(), "With destroy only: delete the images too (else a non-empty repository is "
        "kept)."))
    builder_identity: BuilderIdentity | None = field(default=None, metadata=declare(
        Nested(BuilderIdentity), "A builder role of its own (IRSA or EKS Pod Identity); without "
        "it builders use the worker (node) role."))
    pull_secret: PullSecret | None = field(default=None, metadata=declare(
        Nested(PullSecret), "A refreshed auths pull secret for the kubelet; without it nodes "
        "pull through their node role."))
    create_on_push_prefix: str | None = field(default=None, metadata=declare(
        r.PREFIX_RULE, "A repository name prefix for create-on-push: a push to "
        "<prefix>/<new name> creates the repository with the same policy and settings."))
    replication_regions: Sequence[str] = field(default=(), metadata=declare(
        TextList(Text("an AWS region", "use a name such as us-west-2", pattern=r.REGION,
                        max_length=32, after=r.known_region),
                 max_items=r.MAX_REPLICATION_DESTINATIONS,
                 too_many="{n} regions given: ECR replicates to at most {max}"),
        "Other regions of the same account that ECR replicates the repositories to; the "
        "stack's replication configuration replaces any other in the region."))
    pull_through_cache: Sequence[PullThroughCacheRule] = field(default=(), metadata=declare(
        NestedList(PullThroughCacheRule, r.MAX_PULL_THROUGH_CACHE_RULES,
                   too_many="{n} rules given: ECR accepts at most {max} in a registry"),
        "Pull-through cache rules; the worker and builder roles (and the refresher) may pull "
        "through them."))
    registry_scanning: RegistryScanning | None = field(default=None, metadata=declare(
        Nested(RegistryScanning), "Registry-level image scanning; when set, scanOnPush is left "
        "out of the repositories."))
    registry_policy: RegistryPolicy | None = field(default=None, metadata=declare(
        Nested(RegistryPolicy), "A registry policy for cross-account replication into these "
        "repositories.", default_doc="none: no registry policy"))
    worker_organization: WorkerOrganization | None = field(default=None, metadata=declare(
        Nested(WorkerOrganization), "Worker roles of an AWS Organization's accounts, by a role "
        "ARN pattern, granted what workerAccess gives without listing each account's roles.",
        default_doc="none: only the listed workerRoleArns"))

    def __post_init__(self) -> None:
        normalise(self)
        problems = validate({f.name: getattr(self, f.name) for f in fields(self)})
        if not problems:  # the rendered documents exist only for valid parameters
            problems = limits.document_problems(self)
        if problems:
            raise ParameterError(problems)

    # --- derived names (documents live in ecr_cluster_access.documents) ---------------------

    @property
    def partition(self) -> str:
        """The AWS partition of :attr:`region`."""
        return naming.partition_for_region(self.region)

    @property
    def registry_host(self) -> str:
        """``<account>.dkr.ecr.<region>.amazonaws.com`` (``.com.cn`` in China)."""
        return naming.registry_host(self.account, self.region)

    @property
    def registry_host_regions(self) -> tuple[tuple[str, str], ...]:
        """Every registry host the cluster uses, with its region: home region first, then
        each replication region."""
        return tuple((naming.registry_host(self.account, region), region)
                     for region in (self.region, *self.replication_regions))

    @property
    def registry_hosts(self) -> tuple[str, ...]:
        """Every registry host the cluster's ``config.json`` must map to ``ecr-login``."""
        return tuple(host for host, _ in self.registry_host_regions)

    @property
    def replica_repository_arns(self) -> tuple[str, ...]:
        """The ARN of every repository's replica in every replication region."""
        return tuple(naming.repository_arn(self.account, region, name)
                     for region in self.replication_regions for name in self.repositories)

    @property
    def replication_filters(self) -> tuple[str, ...]:
        """The replication rule's prefix filters: each repository name, and the create-on-push
        prefix (as ``<prefix>/``) when there is one."""
        extra = (f"{self.create_on_push_prefix}/",) if self.create_on_push_prefix else ()
        return (*self.repositories, *extra)

    @property
    def builder_role_arn(self) -> str | None:
        """The builder role's ARN, or ``None`` without :attr:`builder_identity`."""
        if self.builder_identity is None:
            return None
        return naming.role_arn(self.account, self.region,
                               r.builder_role_name(self.stack_name, self.builder_identity))

    @property
    def builder_service_account(self) -> str | None:
        """The builder's ServiceAccount: ``serviceAccount``, else Garden's
        ``garden-in-cluster-builder`` (``for: garden``) or ``ecr-builder`` (``for: custom``);
        ``None`` without a builder identity."""
        if self.builder_identity is None:
            return None
        return r.builder_service_account(self.builder_identity)

    @property
    def builder_namespace(self) -> str | None:
        """The builder ServiceAccount's namespace, or ``None`` without a builder identity."""
        if self.builder_identity is None:
            return None
        return self.builder_identity.namespace or self.namespace

    @property
    def builder_annotations(self) -> dict[str, str]:
        """The builder ServiceAccount's annotations: the role ARN for IRSA, else none."""
        from ..documents import IRSA_ANNOTATION

        identity = self.builder_identity
        if identity is None or identity.mode != "irsa" or self.builder_role_arn is None:
            return {}
        return {IRSA_ANNOTATION: self.builder_role_arn}

    @property
    def pull_secret_namespaces(self) -> tuple[str, ...]:
        """Namespaces that get the pull secret (none without :attr:`pull_secret`)."""
        if self.pull_secret is None:
            return ()
        return tuple(self.pull_secret.namespaces) or (self.namespace,)

    @property
    def pull_secret_service_accounts(self) -> tuple[tuple[str, str], ...]:
        """``(namespace, name)`` of every ServiceAccount that lists the pull secret."""
        if self.pull_secret is None:
            return ()
        return tuple((namespace, account) for namespace in self.pull_secret_namespaces
                     for account in self.pull_secret.service_accounts)

    @property
    def create_on_push_arn(self) -> str | None:
        """The ARN pattern of repositories create-on-push may make, or ``None``."""
        if self.create_on_push_prefix is None:
            return None
        return naming.repository_arn(self.account, self.region, f"{self.create_on_push_prefix}/*")

    @property
    def pull_through_cache_arns(self) -> tuple[str, ...]:
        """``repository/<prefix>/*`` of every pull-through cache rule."""
        return tuple(naming.repository_arn(self.account, self.region, f"{rule.prefix}/*")
                     for rule in self.pull_through_cache)

    @property
    def repository_principal_arns(self) -> tuple[str, ...]:
        """The principals the repository policy grants, sorted: worker roles and builder role."""
        return tuple(sorted(limits.principal_arns(vars(self))))

    @property
    def repository_grants(self) -> dict[str, tuple[str, ...]]:
        """What the repository policy grants each principal, by ARN, sorted: the builder role
        pushes and pulls; the worker roles push and pull, or only pull with ``workerAccess:
        pull``."""
        return limits.repository_grants(vars(self))

    @property
    def push_principal_arns(self) -> tuple[str, ...]:
        """Every principal in the parameters that may push: the builder role, the developer
        principals, and the worker roles unless ``workerAccess`` is ``pull``."""
        out = [*([self.builder_role_arn] if self.builder_role_arn else []),
               *self.developer_principal_arns]
        if self.worker_access == "push-pull":
            out += self.worker_role_arns
        return tuple(out)

    @property
    def refresher_service_account(self) -> str:
        """The pull-secret refresher's ServiceAccount name: ``<pullSecret.name>-refresher``."""
        return f"{self.pull_secret.name if self.pull_secret else 'ecr-pull'}-refresher"

    @property
    def refresher_namespaces(self) -> tuple[str, ...]:
        """Where the refresher's own identity is used: the CronJob's namespace; for the
        External Secrets generators, each pull-secret namespace (none with ``node``)."""
        settings = self.pull_secret
        if settings is None:
            return ()
        if settings.mode == "cronjob":
            return (self.namespace,)
        return () if settings.credentials == "node" else self.pull_secret_namespaces

    @property
    def refresher_role_arn(self) -> str | None:
        """The refresher role's ARN (``credentials`` irsa, web-identity or pod-identity),
        else ``None``."""
        settings = self.pull_secret
        if settings is None or settings.credentials not in r.ROLE_CREDENTIALS:
            return None
        return naming.role_arn(self.account, self.region,
                               r.refresher_role_name(self.stack_name, settings))

    @property
    def refresher_user_arn(self) -> str | None:
        """The refresher IAM user's ARN (``credentials: secret``), else ``None``."""
        settings = self.pull_secret
        if settings is None or settings.credentials != "secret":
            return None
        return (f"arn:{self.partition}:iam::{self.account}:user/"
                f"{r.refresher_user_name(self.stack_name, self.region)}")

    @property
    def assumed_role_arn(self) -> str | None:
        """``pullSecret.roleArn`` when it is in :attr:`account` (``check`` decides its access
        like the refresher's own), else ``None``."""
        settings = self.pull_secret
        if settings is None or settings.role_arn is None:
            return None
        return settings.role_arn if naming.account_of_arn(settings.role_arn) == self.account \
            else None

    @property
    def credentials_secret_name(self) -> str | None:
        """With ``credentials: secret``: the Kubernetes Secret holding the access key."""
        settings = self.pull_secret
        if settings is None or settings.credentials != "secret":
            return None
        return settings.credentials_secret or f"{settings.name}-aws-credentials"

    @property
    def refresher_annotations(self) -> dict[str, str]:
        """The refresher ServiceAccount's annotations: the role ARN for IRSA, else none."""
        from ..documents import IRSA_ANNOTATION

        settings = self.pull_secret
        if settings is None or settings.credentials != "irsa" or not self.refresher_role_arn:
            return {}
        return {IRSA_ANNOTATION: self.refresher_role_arn}

    @property
    def effective_tag_mutability(self) -> str:
        """The ECR ``ImageTagMutability`` value, ``*_WITH_EXCLUSION`` when filters are set."""
        if self.image_tag_mutability_exclusion_filters:
            return f"{self.image_tag_mutability}_WITH_EXCLUSION"
        return self.image_tag_mutability

    @property
    def same_account_worker_role_arns(self) -> tuple[str, ...]:
        """Worker roles in :attr:`account`: the stack grants them the authorization token."""
        return tuple(a for a in self.worker_role_arns if naming.account_of_arn(a) == self.account)

    @property
    def cross_account_worker_role_arns(self) -> tuple[str, ...]:
        """Worker roles in other accounts: those accounts must grant them on their side."""
        return tuple(a for a in self.worker_role_arns if naming.account_of_arn(a) != self.account)

    @property
    def repository_arns(self) -> tuple[str, ...]:
        """The ARN of every repository, in parameter order."""
        return tuple(naming.repository_arn(self.account, self.region, n)
                     for n in self.repositories)

    @property
    def repository_uris(self) -> tuple[str, ...]:
        """``<registry host>/<name>`` of every repository, in parameter order."""
        return tuple(f"{self.registry_host}/{n}" for n in self.repositories)

    # --- files ------------------------------------------------------------------------------

    def to_mapping(self) -> dict[str, Any]:
        """Return the parameters as a file would spell them (camelCase keys, JSON types)."""
        return to_file_mapping(self)

    @classmethod
    def from_mapping(cls, raw: object) -> Parameters:
        """Build parameters from a camelCase mapping (a ``cdk.json`` block or a config file).

        Unknown keys, missing keys, wrong types and bad values are all reported together, in
        field order, and cross-field checks run for every field that passed its own rule.
        """
        problems: list[str] = []
        values = from_file_mapping("", cls, raw, problems)
        if values is None:
            raise ParameterError(problems)
        if problems:
            problems.extend(validate(values))
            raise ParameterError(sorted(problems, key=_field_rank))
        return cls(**values)


def validate(values: Mapping[str, Any]) -> list[str]:
    """Return every problem with ``values`` (snake_case names), one line each; [] when valid.

    Fields missing from ``values`` take their defaults (a missing required field is left to
    the caller); each field is checked by its declared rule, then every cross-field check whose
    fields all passed runs, so one bad field does not hide problems elsewhere.
    """
    present = dict(values)
    for info in declared_fields(Parameters):
        if info.name not in present and not info.required:
            present[info.name] = info.default
    problems: list[str] = []
    bad = check_fields("", Parameters, _Record(present), problems)
    valid = {name for name in present if name not in bad}
    for check in r.CROSS_CHECKS:
        if all(name in valid for name in check.needs):
            check.run(present, problems)
    return sorted(problems, key=_field_rank)


class _Record:
    """Attribute access to a dict, so a partial set of values checks like a dataclass."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self.__dict__.update(values)


_RANK = {info.key: i for i, info in enumerate(declared_fields(Parameters))}


def _field_rank(problem: str) -> int:
    """Sort key putting problems in the order of the fields (unknown keys last)."""
    return _RANK.get(re.split(r"[:\[.]", problem, maxsplit=1)[0], len(_RANK))
