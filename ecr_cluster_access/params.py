"""The parameters model: the one source the AWS half and the cluster half both read.

Plain Python on purpose: importing this module never starts the jsii runtime, so the cdk8s
half does not pay for aws-cdk-lib, and a bad value is reported before either is imported.

Files use camelCase keys (``workerRoleArns``); Python uses snake_case (``worker_role_arns``).
Every problem is collected and raised once as :class:`ParameterError`, one line per problem,
each naming the field (in its file spelling), quoting the bad value and saying what is accepted.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any, NoReturn

from . import policy

#: The key of ``cdk.json``'s ``context`` that holds the embedded default parameters.
CONTEXT_KEY = "ecr-cluster-access"
#: Set to a JSON or YAML file with the same keys to replace that block for both halves.
CONFIG_ENV = "ECR_CLUSTER_ACCESS_CONFIG"

#: CloudFormation holds at most 500 resources in a stack; ten are kept for the stack's own
#: resources (identity policies, CDK metadata), one resource is one repository.
MAX_STACK_RESOURCES = 500
RESERVED_STACK_RESOURCES = 10
MAX_REPOSITORIES_PER_STACK = MAX_STACK_RESOURCES - RESERVED_STACK_RESOURCES
#: CloudFormation accepts a template of at most 1 MB through S3; estimates stay below this.
MAX_TEMPLATE_BYTES = 1_000_000
#: ECR tag-mutability exclusion filters: 1 to 5 of them.
MAX_EXCLUSION_FILTERS = 5
#: AWS resource tags: at most 50 per resource.
MAX_TAGS = 50

_REPOSITORY_NAME = re.compile(r"^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$")
_ACCOUNT = re.compile(r"^\d{12}$")
_REGION = re.compile(r"^(?:[a-z]{2}|us-gov)-[a-z]+-\d{1,2}$")
_IAM_ARN = re.compile(
    r"^arn:(?P<partition>aws|aws-cn|aws-us-gov):iam::(?P<account>\d{12}):"
    r"(?P<kind>role|user|group)/(?P<path>(?:[\w+=,.@-]+/)*)(?P<name>[\w+=,.@-]{1,64})$",
    re.ASCII,
)
_KMS_KEY_ARN = re.compile(
    r"^arn:(?P<partition>aws|aws-cn|aws-us-gov):kms:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
    r"key/[A-Za-z0-9-]{1,128}$"
)
_DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DNS1123_SUBDOMAIN = re.compile(
    r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_STACK_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,127}$")
_EXCLUSION_FILTER = re.compile(r"^[0-9a-zA-Z._*-]{1,128}$")
_MAX_COUNT = 2**31 - 1


class ParameterError(ValueError):
    """Raised when parameters are invalid; ``problems`` holds one line per problem."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Lifecycle:
    """ECR lifecycle rules; both unset (the default) means no lifecycle policy, nothing expires."""

    #: Expire untagged images this many days after they were pushed. Default: never.
    untagged_expire_days: int | None = None
    #: Keep only this many most recent images, whatever their tags. Default: keep all.
    keep_last_images: int | None = None


@dataclass(frozen=True)
class BuilderIdentity:
    """An IAM role of the builder's own, trusted by one Kubernetes ServiceAccount.

    For clusters whose pods cannot reach the node role (IMDSv2 hop limit 1, or not EKS nodes).
    The role gets the seven push/pull actions on the repositories plus the authorization
    token, and the repository policy names it next to the worker roles.
    """

    #: ``irsa`` (IAM roles for service accounts, through the cluster's OIDC provider) or
    #: ``pod-identity`` (EKS Pod Identity).
    mode: str
    #: The builder's ServiceAccount. Default ``ecr-builder``.
    service_account: str = "ecr-builder"
    #: Its namespace. Default: the parameters' ``namespace``.
    namespace: str | None = None
    #: The IAM role's name. Default: ``<stackName>-builder``.
    role_name: str | None = None
    #: With ``irsa``: the cluster's IAM OIDC provider ARN.
    oidc_provider_arn: str | None = None
    #: With ``pod-identity``: the EKS cluster name.
    cluster_name: str | None = None


#: The CronJob refresher's default image: it must hold ``aws`` (the AWS CLI), ``kubectl``
#: and a POSIX shell.
DEFAULT_REFRESH_IMAGE = "docker.io/alpine/k8s:1.31.4"


@dataclass(frozen=True)
class PullSecret:
    """A pull secret the kubelet can use: ``auths`` with a real ECR token, refreshed.

    For clusters whose nodes cannot pull through their node role. The kubelet ignores
    ``credHelpers``, so this Secret carries the token itself, renewed well inside its
    12-hour life, either by the External Secrets Operator or by a CronJob.
    """

    #: ``external-secrets`` (the operator's ECRAuthorizationToken generator and an
    #: ExternalSecret) or ``cronjob`` (a self-contained CronJob with its own RBAC).
    mode: str
    #: The Secret's name. Default ``ecr-pull``.
    name: str = "ecr-pull"
    #: Namespaces that get the Secret. Default: the parameters' ``namespace``.
    namespaces: Sequence[str] = ()
    #: ServiceAccounts (in each of those namespaces) that list it in ``imagePullSecrets``.
    #: Default: none.
    service_accounts: Sequence[str] = ()
    #: Hours between refreshes, 1 to 8. Default 6.
    refresh_hours: int = 6
    #: With ``cronjob``: the refresher's image (needs ``aws``, ``kubectl`` and ``sh``).
    image: str = DEFAULT_REFRESH_IMAGE

    def __post_init__(self) -> None:
        for name in ("namespaces", "service_accounts"):
            value = getattr(self, name)
            if isinstance(value, list):
                object.__setattr__(self, name, tuple(value))


@dataclass(frozen=True)
class Parameters:
    """Everything both halves need: the AWS repositories and the cluster's ``ecr-config`` Secret.

    Constructing one validates every value and raises :class:`ParameterError` listing all
    problems. Lists become tuples, so a ``Parameters`` is immutable once made.
    """

    #: The AWS account (12 digits, as a string) that owns the repositories.
    account: str
    #: The region of the repositories, such as ``us-east-1``; ``cn-*`` regions use ``aws-cn``.
    region: str
    #: One or more ECR repository names, each created with the guide's policy.
    repositories: Sequence[str]
    #: One or more IAM role ARNs of the cluster's workers (the guide's ``<k8s_worker_iam_role>``).
    worker_role_arns: Sequence[str]
    #: Name of the cluster Secret holding the docker ``config.json``. Default ``ecr-config``.
    secret_name: str = "ecr-config"
    #: Namespace of that Secret. Default ``default``.
    namespace: str = "default"
    #: CloudFormation stack name used by ``app.py``. Default ``EcrClusterAccess``.
    stack_name: str = "EcrClusterAccess"
    #: IAM role, user or group ARNs in ``account`` given a developer push/pull managed policy.
    #: Default: none, and then no developer policy is created.
    developer_principal_arns: Sequence[str] = ()
    #: ``MUTABLE`` (default) or ``IMMUTABLE`` image tags.
    image_tag_mutability: str = "MUTABLE"
    #: Up to five tag wildcards that take the opposite mutability. Default: none.
    image_tag_mutability_exclusion_filters: Sequence[str] = ()
    #: Scan each image on push. Default ``True``.
    scan_on_push: bool = True
    #: Lifecycle rules. Default: none, nothing expires.
    lifecycle: Lifecycle = field(default_factory=Lifecycle)
    #: ``AES256`` (default, ECR's own server-side encryption) or ``KMS``.
    encryption: str = "AES256"
    #: With ``KMS``: a customer managed key ARN in ``region``. Default: the AWS managed key.
    kms_key_arn: str | None = None
    #: Resource tags put on every repository. Default: none.
    tags: Mapping[str, str] = field(default_factory=dict)
    #: ``retain`` (default): repositories and images survive removal from the stack and stack
    #: deletion. ``destroy``: CloudFormation deletes them (and fails on a non-empty repository
    #: unless ``empty_on_delete``).
    removal_policy: str = "retain"
    #: With ``destroy`` only: delete the images too. Default ``False``.
    empty_on_delete: bool = False
    #: A builder role of its own (IRSA or EKS Pod Identity). Default: none; builders use the
    #: worker (node) role.
    builder_identity: BuilderIdentity | None = None
    #: A refreshed ``auths`` pull secret for the kubelet. Default: none; nodes pull through
    #: their node role.
    pull_secret: PullSecret | None = None
    #: A repository name prefix for create-on-push: a push to ``<prefix>/<new name>`` creates
    #: the repository with the same policy and settings. Default: none.
    create_on_push_prefix: str | None = None
    #: Other regions of the same account that ECR replicates the repositories to. Default:
    #: none. The registry's replication configuration is one per account and region: the
    #: stack's replaces any other.
    replication_regions: Sequence[str] = ()

    def __post_init__(self) -> None:
        for name in ("repositories", "worker_role_arns", "developer_principal_arns",
                     "image_tag_mutability_exclusion_filters", "replication_regions"):
            value = getattr(self, name)
            if isinstance(value, list):
                object.__setattr__(self, name, tuple(value))
        if isinstance(self.tags, Mapping):
            object.__setattr__(self, "tags", dict(sorted(self.tags.items())))
        problems = validate({f.name: getattr(self, f.name) for f in fields(self)})
        if problems:
            raise ParameterError(problems)

    @property
    def partition(self) -> str:
        """The AWS partition of :attr:`region`."""
        return policy.partition_for_region(self.region)

    @property
    def registry_host(self) -> str:
        """``<account>.dkr.ecr.<region>.amazonaws.com`` (``.com.cn`` in China)."""
        return policy.registry_host(self.account, self.region)

    @property
    def registry_host_regions(self) -> tuple[tuple[str, str], ...]:
        """Every registry host the cluster uses, with its region: home region first, then
        each replication region."""
        return tuple((policy.registry_host(self.account, r), r)
                     for r in (self.region, *self.replication_regions))

    @property
    def replica_repository_arns(self) -> tuple[str, ...]:
        """The ARN of every repository's replica in every replication region."""
        return tuple(policy.repository_arn(self.account, r, n)
                     for r in self.replication_regions for n in self.repositories)

    @property
    def replication_filters(self) -> tuple[str, ...]:
        """The replication rule's prefix filters: each repository name, and the create-on-push
        prefix (as ``<prefix>/``) when there is one."""
        extra = (f"{self.create_on_push_prefix}/",) if self.create_on_push_prefix else ()
        return (*self.repositories, *extra)

    @property
    def registry_hosts(self) -> tuple[str, ...]:
        """Every registry host the cluster's ``config.json`` must map to ``ecr-login``."""
        return tuple(host for host, _ in self.registry_host_regions)

    @property
    def builder_role_arn(self) -> str | None:
        """The builder role's ARN, or ``None`` without :attr:`builder_identity`."""
        return _builder_role_arn(self.account, self.region, self.stack_name,
                                 self.builder_identity)

    @property
    def builder_namespace(self) -> str | None:
        """The builder ServiceAccount's namespace, or ``None`` without a builder identity."""
        if self.builder_identity is None:
            return None
        return self.builder_identity.namespace or self.namespace

    @property
    def pull_secret_namespaces(self) -> tuple[str, ...]:
        """Namespaces that get the pull secret (none without :attr:`pull_secret`)."""
        if self.pull_secret is None:
            return ()
        return tuple(self.pull_secret.namespaces) or (self.namespace,)

    @property
    def create_on_push_arn(self) -> str | None:
        """The ARN pattern of repositories create-on-push may make, or ``None``."""
        if self.create_on_push_prefix is None:
            return None
        return policy.repository_arn(self.account, self.region, f"{self.create_on_push_prefix}/*")

    @property
    def push_pull_identity_policy(self) -> dict[str, Any]:
        """The identity policy of a principal that pushes: the seven actions on these
        repositories, the token, and create-on-push under the prefix when there is one."""
        return policy.push_pull_identity_document(
            self.repository_arns, create_on_push_arn=self.create_on_push_arn,
            tag_on_create=bool(self.tags), replica_arns=self.replica_repository_arns)

    @property
    def worker_identity_policy(self) -> dict[str, Any]:
        """The identity policy of same-account worker roles: the authorization token, plus
        create-on-push under the prefix and pulls from replicas when those are set (the
        seven actions on the repositories come from the repository policy)."""
        document = policy.authorization_token_document()
        if self.create_on_push_arn:
            document["Statement"].append(
                policy.create_on_push_statement(self.create_on_push_arn, bool(self.tags)))
        if self.replication_regions:
            document["Statement"].append(
                policy.replica_pull_statement(self.replica_repository_arns))
        return document

    @property
    def pull_secret_service_accounts(self) -> tuple[tuple[str, str], ...]:
        """``(namespace, name)`` of every ServiceAccount that lists the pull secret."""
        if self.pull_secret is None:
            return ()
        return tuple((namespace, account) for namespace in self.pull_secret_namespaces
                     for account in self.pull_secret.service_accounts)

    @property
    def builder_annotations(self) -> dict[str, str]:
        """The builder ServiceAccount's annotations: the role ARN for IRSA, else none."""
        identity = self.builder_identity
        if identity is None or identity.mode != "irsa" or self.builder_role_arn is None:
            return {}
        return {policy.IRSA_ANNOTATION: self.builder_role_arn}

    @property
    def repository_principal_arns(self) -> tuple[str, ...]:
        """The principals the repository policy grants, sorted: worker roles and builder role."""
        return tuple(sorted(_principal_arns(vars(self))))

    @property
    def repository_policy(self) -> dict[str, Any]:
        """The repository policy every repository carries (the guide's, for all worker roles)."""
        return policy.repository_policy_document(self.repository_principal_arns)

    @property
    def lifecycle_policy(self) -> dict[str, Any] | None:
        """The ECR lifecycle policy, or ``None`` when no lifecycle rule is set."""
        return policy.lifecycle_policy_document(
            self.lifecycle.untagged_expire_days, self.lifecycle.keep_last_images
        )

    @property
    def effective_tag_mutability(self) -> str:
        """The ECR ``ImageTagMutability`` value, ``*_WITH_EXCLUSION`` when filters are set."""
        if self.image_tag_mutability_exclusion_filters:
            return f"{self.image_tag_mutability}_WITH_EXCLUSION"
        return self.image_tag_mutability

    @property
    def same_account_worker_role_arns(self) -> tuple[str, ...]:
        """Worker roles in :attr:`account`: the stack grants them the authorization token."""
        return tuple(a for a in self.worker_role_arns if policy.account_of_arn(a) == self.account)

    @property
    def cross_account_worker_role_arns(self) -> tuple[str, ...]:
        """Worker roles in other accounts: those accounts must grant them on their side."""
        return tuple(a for a in self.worker_role_arns if policy.account_of_arn(a) != self.account)

    @property
    def repository_arns(self) -> tuple[str, ...]:
        """The ARN of every repository, in parameter order."""
        return tuple(policy.repository_arn(self.account, self.region, n) for n in self.repositories)

    @property
    def repository_uris(self) -> tuple[str, ...]:
        """``<registry host>/<name>`` of every repository, in parameter order."""
        return tuple(f"{self.registry_host}/{n}" for n in self.repositories)

    @property
    def docker_config_json(self) -> bytes:
        """The exact ``config.json`` bytes the ``ecr-config`` Secret carries."""
        return policy.docker_config_json(self.registry_hosts)

    def to_mapping(self) -> dict[str, Any]:
        """Return the parameters as a file would spell them (camelCase keys, JSON types)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, Lifecycle):
                value = {
                    k: v
                    for k, v in (
                        ("untaggedExpireDays", value.untagged_expire_days),
                        ("keepLastImages", value.keep_last_images),
                    )
                    if v is not None
                }
            elif isinstance(value, BuilderIdentity):
                value = {_BUILDER_CAMEL[k]: v for k, v in vars(value).items() if v is not None}
            elif isinstance(value, PullSecret):
                value = {_PULL_CAMEL[k]: list(v) if isinstance(v, tuple) else v
                         for k, v in vars(value).items()}
            elif isinstance(value, Mapping):
                value = dict(value)
            if value is not None:
                out[_CAMEL[f.name]] = value
        return out

    @classmethod
    def from_mapping(cls, raw: object) -> Parameters:
        """Build parameters from a camelCase mapping (a ``cdk.json`` block or a config file).

        Unknown keys, missing keys, wrong types and bad values are all reported together.
        """
        if not isinstance(raw, Mapping):
            raise ParameterError(
                [f"parameters: {_show(raw)} is not a mapping: expected an object of "
                 f"{', '.join(_CAMEL.values())}"]
            )
        problems: list[str] = []
        values: dict[str, Any] = {}
        for key, value in raw.items():
            name = _SNAKE.get(key)
            if name is None:
                problems.append(
                    f"{key}: unknown key: accepted keys are {', '.join(_CAMEL.values())}"
                )
                continue
            if name == "lifecycle":
                value = _lifecycle_from_mapping(value, problems)
                if value is None:
                    continue
            elif name == "pull_secret" and value is not None:
                value = _nested_from_mapping("pullSecret", value, PullSecret, _PULL_CAMEL,
                                             problems)
                if value is None:
                    continue
            elif name == "builder_identity" and value is not None:
                value = _nested_from_mapping("builderIdentity", value, BuilderIdentity,
                                             _BUILDER_CAMEL, problems)
                if value is None:
                    continue
            values[name] = value
        for name in _REQUIRED:
            if name not in values:
                problems.append(f"{_CAMEL[name]}: missing: {_REQUIRED[name]}")
        if problems:
            problems.extend(validate(values))
            raise ParameterError(sorted(problems, key=_field_rank))
        try:  # the constructor validates every value
            return cls(**values)
        except ParameterError as error:
            raise ParameterError(sorted(error.problems, key=_field_rank)) from None


def _lifecycle_from_mapping(value: object, problems: list[str]) -> Lifecycle | None:
    if value is None:
        return Lifecycle()
    if not isinstance(value, Mapping):
        problems.append(
            f"lifecycle: {_show(value)} is not an object: expected "
            "{\"untaggedExpireDays\": N, \"keepLastImages\": N}, either optional"
        )
        return None
    known = {"untaggedExpireDays": "untagged_expire_days", "keepLastImages": "keep_last_images"}
    kwargs: dict[str, Any] = {}
    for key, item in value.items():
        if key not in known:
            problems.append(
                f"lifecycle.{key}: unknown key: accepted keys are untaggedExpireDays, "
                "keepLastImages"
            )
        else:
            kwargs[known[key]] = item
    return Lifecycle(**kwargs)


def _nested_from_mapping(key: str, value: object, cls: Any, camel: Mapping[str, str],
                         problems: list[str]) -> Any:
    """Build a nested parameters object from its camelCase mapping, or report why not."""
    accepted = ", ".join(camel.values())
    if not isinstance(value, Mapping):
        problems.append(f"{key}: {_show(value)} is not an object: accepted keys are {accepted}")
        return None
    snake = {c: s for s, c in camel.items()}
    kwargs: dict[str, Any] = {}
    for item_key, item in value.items():
        if item_key not in snake:
            problems.append(f"{key}.{item_key}: unknown key: accepted keys are {accepted}")
        else:
            kwargs[snake[item_key]] = item
    required = [f.name for f in fields(cls) if f.default is MISSING
                and f.default_factory is MISSING]
    missing = [camel[name] for name in required if name not in kwargs]
    if missing:
        problems.append(f"{key}: missing {', '.join(missing)}")
        return None
    return cls(**kwargs)


_BUILDER_CAMEL = {
    "mode": "mode",
    "service_account": "serviceAccount",
    "namespace": "namespace",
    "role_name": "roleName",
    "oidc_provider_arn": "oidcProviderArn",
    "cluster_name": "clusterName",
}

_PULL_CAMEL = {
    "mode": "mode",
    "name": "name",
    "namespaces": "namespaces",
    "service_accounts": "serviceAccounts",
    "refresh_hours": "refreshHours",
    "image": "image",
}

_CAMEL: dict[str, str] = {
    "account": "account",
    "region": "region",
    "repositories": "repositories",
    "worker_role_arns": "workerRoleArns",
    "secret_name": "secretName",
    "namespace": "namespace",
    "stack_name": "stackName",
    "developer_principal_arns": "developerPrincipalArns",
    "image_tag_mutability": "imageTagMutability",
    "image_tag_mutability_exclusion_filters": "imageTagMutabilityExclusionFilters",
    "scan_on_push": "scanOnPush",
    "lifecycle": "lifecycle",
    "encryption": "encryption",
    "kms_key_arn": "kmsKeyArn",
    "tags": "tags",
    "removal_policy": "removalPolicy",
    "empty_on_delete": "emptyOnDelete",
    "builder_identity": "builderIdentity",
    "pull_secret": "pullSecret",
    "create_on_push_prefix": "createOnPushPrefix",
    "replication_regions": "replicationRegions",
}
_SNAKE = {camel: snake for snake, camel in _CAMEL.items()}
_RANK = {camel: i for i, camel in enumerate(_CAMEL.values())}


def _field_rank(problem: str) -> int:
    """Sort key putting problems in the order of the fields (unknown keys last)."""
    return _RANK.get(re.split(r"[:\[.]", problem, maxsplit=1)[0], len(_RANK))
_REQUIRED = {
    "account": "the 12-digit AWS account that owns the repositories",
    "region": "the AWS region of the repositories, such as us-east-1",
    "repositories": "a list of one or more ECR repository names",
    "worker_role_arns": "a list of one or more IAM role ARNs of the cluster's workers",
}


def _show(value: object) -> str:
    """Quote a bad value for an error line, shortened so the line stays one line."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


# ---------------------------------------------------------------------------------------------
# Validation: pure functions over a dict of snake_case values; each returns problem lines.
# ---------------------------------------------------------------------------------------------

def validate(values: Mapping[str, Any]) -> list[str]:
    """Return every problem with ``values`` (snake_case names), one line each; [] when valid.

    Only the keys present are checked, so a caller can report missing keys separately.
    """
    problems: list[str] = []
    for name, check in _CHECKS.items():
        if name in values:
            check(values[name], values, problems)
    if not problems and all(name in values for name in _REQUIRED):
        _check_capacity(values, problems)
    return problems


def _check_account(value: Any, _: Mapping[str, Any], problems: list[str]) -> None:
    if not isinstance(value, str) or not _ACCOUNT.match(value):
        hint = " (write it as a quoted string)" if isinstance(value, int) else ""
        problems.append(f"account: {_show(value)} is not an AWS account ID: use 12 digits{hint}")


def _check_region(value: Any, _: Mapping[str, Any], problems: list[str]) -> None:
    if not isinstance(value, str) or not _REGION.match(value):
        problems.append(
            f"region: {_show(value)} is not an AWS region: use a name such as us-east-1, "
            "eu-west-2, cn-north-1 or us-gov-west-1"
        )


def _string_list(field_name: str, value: Any, problems: list[str], *,
                 required: bool) -> list[tuple[int, str]]:
    """Check ``value`` is a list of distinct strings; return (index, string) of the good ones."""
    if isinstance(value, str) or not isinstance(value, Sequence):
        problems.append(f"{field_name}: {_show(value)} is not a list: expected a list of strings")
        return []
    if required and not value:
        problems.append(f"{field_name}: [] is empty: give at least one")
    good: list[tuple[int, str]] = []
    seen: set[str] = set()
    for i, item in enumerate(value):
        if not isinstance(item, str):
            problems.append(f"{field_name}[{i}]: {_show(item)} is not a string")
        elif item in seen:
            problems.append(f"{field_name}[{i}]: {_show(item)} is a duplicate: list each once")
        else:
            seen.add(item)
            good.append((i, item))
    return good


def _check_repositories(value: Any, _: Mapping[str, Any], problems: list[str]) -> None:
    items = _string_list("repositories", value, problems, required=True)
    for i, name in items:
        if not (2 <= len(name) <= 256 and _REPOSITORY_NAME.match(name)):
            problems.append(
                f"repositories[{i}]: {_show(name)} is not a valid ECR repository name: use 2-256 "
                "lowercase letters and digits, separated by single . _ - or /"
            )
    if len(items) > MAX_REPOSITORIES_PER_STACK:
        problems.append(
            f"repositories: {len(items)} repositories do not fit in one CloudFormation stack: "
            f"give at most {MAX_REPOSITORIES_PER_STACK} (500 resources, 10 kept for the stack)"
        )


def _iam_arn_problem(field_name: str, arn: str, kinds: tuple[str, ...],
                     values: Mapping[str, Any]) -> str | None:
    match = _IAM_ARN.match(arn)
    shape = " or ".join(f"arn:<partition>:iam::<12-digit account>:{k}/<name>" for k in kinds)
    if not match or match["kind"] not in kinds:
        return f"{field_name}: {_show(arn)} is not an IAM {'/'.join(kinds)} ARN: use {shape}"
    region = values.get("region")
    if isinstance(region, str) and _REGION.match(region):
        expected = policy.partition_for_region(region)
        if match["partition"] != expected:
            return (
                f"{field_name}: {_show(arn)} is in partition {match['partition']!r} but region "
                f"{region!r} is in {expected!r}: use arn:{expected}:iam::..."
            )
    return None


def _check_worker_role_arns(value: Any, values: Mapping[str, Any], problems: list[str]) -> None:
    for i, arn in _string_list("workerRoleArns", value, problems, required=True):
        problem = _iam_arn_problem(f"workerRoleArns[{i}]", arn, ("role",), values)
        if problem:
            problems.append(problem)


def _check_developer_principal_arns(value: Any, values: Mapping[str, Any],
                                    problems: list[str]) -> None:
    account = values.get("account")
    for i, arn in _string_list("developerPrincipalArns", value, problems, required=False):
        problem = _iam_arn_problem(
            f"developerPrincipalArns[{i}]", arn, ("role", "user", "group"), values
        )
        if problem:
            problems.append(problem)
        elif isinstance(account, str) and policy.account_of_arn(arn) != account:
            problems.append(
                f"developerPrincipalArns[{i}]: {_show(arn)} is in account "
                f"{policy.account_of_arn(arn)}, not {account}: an identity policy can only be "
                "attached in its own account; list principals of this account"
            )


def _check_dns(field_name: str, label: bool) -> Callable[[Any, Mapping[str, Any], list[str]], None]:
    limit, pattern = (63, _DNS1123_LABEL) if label else (253, _DNS1123_SUBDOMAIN)
    kind = "DNS-1123 label" if label else "DNS-1123 subdomain"
    allowed = "lowercase letters, digits and '-'" + ("" if label else " and '.'")

    def check(value: Any, _: Mapping[str, Any], problems: list[str]) -> None:
        if not isinstance(value, str) or len(value) > limit or not pattern.match(value):
            problems.append(
                f"{field_name}: {_show(value)} is not a {kind}: use at most {limit} {allowed}, "
                "starting and ending with a letter or digit"
            )

    return check


def _check_stack_name(value: Any, _: Mapping[str, Any], problems: list[str]) -> None:
    if not isinstance(value, str) or not _STACK_NAME.match(value):
        problems.append(
            f"stackName: {_show(value)} is not a CloudFormation stack name: use 1-128 letters, "
            "digits and '-', starting with a letter"
        )


def _check_choice(field_name: str, choices: tuple[str, ...]
                  ) -> Callable[[Any, Mapping[str, Any], list[str]], None]:
    def check(value: Any, _: Mapping[str, Any], problems: list[str]) -> None:
        if value not in choices:
            problems.append(
                f"{field_name}: {_show(value)} is not accepted: use one of {', '.join(choices)}"
            )

    return check


def _check_bool(field_name: str) -> Callable[[Any, Mapping[str, Any], list[str]], None]:
    def check(value: Any, _: Mapping[str, Any], problems: list[str]) -> None:
        if not isinstance(value, bool):
            problems.append(f"{field_name}: {_show(value)} is not a boolean: use true or false")

    return check


def _check_exclusion_filters(value: Any, _: Mapping[str, Any], problems: list[str]) -> None:
    items = _string_list("imageTagMutabilityExclusionFilters", value, problems, required=False)
    for i, item in items:
        if not _EXCLUSION_FILTER.match(item):
            problems.append(
                f"imageTagMutabilityExclusionFilters[{i}]: {_show(item)} is not a tag filter: "
                "use 1-128 letters, digits and . _ - with * as a wildcard"
            )
    if len(items) > MAX_EXCLUSION_FILTERS:
        problems.append(
            f"imageTagMutabilityExclusionFilters: {len(items)} filters given: ECR accepts at most "
            f"{MAX_EXCLUSION_FILTERS}"
        )


def _check_lifecycle(value: Any, _: Mapping[str, Any], problems: list[str]) -> None:
    if not isinstance(value, Lifecycle):
        problems.append(
            f"lifecycle: {_show(value)} is not a Lifecycle: use "
            "Lifecycle(untagged_expire_days=..., "
            "keep_last_images=...)"
        )
        return
    for key, number in (("untaggedExpireDays", value.untagged_expire_days),
                        ("keepLastImages", value.keep_last_images)):
        if number is not None and (
            isinstance(number, bool) or not isinstance(number, int)
            or not 1 <= number <= _MAX_COUNT
        ):
            problems.append(
                f"lifecycle.{key}: {_show(number)} is not accepted: use a whole number from 1 "
                f"to {_MAX_COUNT}, or leave it out"
            )


def _check_kms_key_arn(value: Any, values: Mapping[str, Any], problems: list[str]) -> None:
    if value is None:
        return
    encryption = values.get("encryption", "AES256")
    match = _KMS_KEY_ARN.match(value) if isinstance(value, str) else None
    if not match:
        problems.append(
            f"kmsKeyArn: {_show(value)} is not a KMS key ARN: use "
            "arn:<partition>:kms:<region>:<account>:key/<key id>"
        )
    elif encryption != "KMS":
        problems.append(
            f"kmsKeyArn: {_show(value)} is set but encryption is {_show(encryption)}: "
            "set encryption to KMS, or remove kmsKeyArn"
        )
    elif values.get("region") is not None and match["region"] != values["region"]:
        problems.append(
            f"kmsKeyArn: {_show(value)} is in region {match['region']!r}: ECR needs a key in the "
            f"repositories' region {values['region']!r}"
        )


def _check_tags(value: Any, _: Mapping[str, Any], problems: list[str]) -> None:
    if not isinstance(value, Mapping):
        problems.append(f"tags: {_show(value)} is not an object: use {{\"key\": \"value\"}}")
        return
    if len(value) > MAX_TAGS:
        problems.append(f"tags: {len(value)} tags given: AWS accepts at most {MAX_TAGS}")
    for key, item in value.items():
        if not isinstance(key, str) or not 1 <= len(key) <= 128 or key.lower().startswith("aws:"):
            problems.append(
                f"tags: key {_show(key)} is not accepted: use 1-128 characters, not starting "
                "with 'aws:'"
            )
        if not isinstance(item, str) or len(item) > 256:
            problems.append(
                f"tags.{key}: {_show(item)} is not accepted: use a string of at most 256 characters"
            )


def _check_empty_on_delete(value: Any, values: Mapping[str, Any], problems: list[str]) -> None:
    if not isinstance(value, bool):
        problems.append(f"emptyOnDelete: {_show(value)} is not a boolean: use true or false")
    elif value and values.get("removal_policy", "retain") != "destroy":
        problems.append(
            "emptyOnDelete: True deletes images but removalPolicy is "
            f"{_show(values.get('removal_policy', 'retain'))}: set removalPolicy to destroy "
            "to opt in to deleting repositories, or drop emptyOnDelete"
        )


_ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$", re.ASCII)
_OIDC_PROVIDER_ARN = re.compile(
    r"^arn:(?P<partition>aws|aws-cn|aws-us-gov):iam::(?P<account>\d{12}):oidc-provider/"
    r"(?P<issuer>[a-z0-9.-]+(?:/[A-Za-z0-9._-]+)*)$"
)
_CLUSTER_NAME = re.compile(r"^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$")
_SUBDOMAIN_CHECK = _check_dns("builderIdentity.serviceAccount", label=False)
_NAMESPACE_CHECK = _check_dns("builderIdentity.namespace", label=True)


def _builder_role_arn(account: str, region: str, stack_name: str,
                      identity: BuilderIdentity | None) -> str | None:
    if identity is None:
        return None
    name = identity.role_name or f"{stack_name}-builder"
    return f"arn:{policy.partition_for_region(region)}:iam::{account}:role/{name}"


def _principal_arns(values: Mapping[str, Any]) -> set[str]:
    """Worker roles plus the builder role: the principals of the repository policy."""
    principals = set(values.get("worker_role_arns") or ())
    builder = _builder_role_arn(values.get("account", ""), values.get("region", ""),
                                values.get("stack_name", "EcrClusterAccess"),
                                values.get("builder_identity"))
    if builder:
        principals.add(builder)
    return principals


def _check_builder_identity(value: Any, values: Mapping[str, Any], problems: list[str]) -> None:
    if value is None:
        return
    if not isinstance(value, BuilderIdentity):
        problems.append(f"builderIdentity: {_show(value)} is not a BuilderIdentity")
        return
    _check_choice("builderIdentity.mode", ("irsa", "pod-identity"))(value.mode, values, problems)
    _SUBDOMAIN_CHECK(value.service_account, values, problems)
    if value.namespace is not None:
        _NAMESPACE_CHECK(value.namespace, values, problems)
    stack_name = values.get("stack_name", "EcrClusterAccess")
    role_name = value.role_name if value.role_name is not None else f"{stack_name}-builder"
    if not isinstance(role_name, str) or not _ROLE_NAME.match(role_name):
        problems.append(f"builderIdentity.roleName: {_show(role_name)} is not an IAM role name: "
                        "use 1-64 letters, digits and + = , . @ _ -")
    region, account = values.get("region"), values.get("account")
    if value.mode == "irsa":
        match = (_OIDC_PROVIDER_ARN.match(value.oidc_provider_arn)
                 if isinstance(value.oidc_provider_arn, str) else None)
        if not match:
            problems.append(
                f"builderIdentity.oidcProviderArn: {_show(value.oidc_provider_arn)} is not an "
                "IAM OIDC provider ARN: irsa needs arn:<partition>:iam::<account>:oidc-provider/"
                "<issuer host and path>")
        elif match["account"] != account or (isinstance(region, str) and (
                match["partition"] != policy.partition_for_region(region))):
            problems.append(
                f"builderIdentity.oidcProviderArn: {_show(value.oidc_provider_arn)} is not in "
                f"account {account} and the region's partition: the builder role lives there")
    if value.mode == "pod-identity" and (
            not isinstance(value.cluster_name, str) or not _CLUSTER_NAME.match(value.cluster_name)):
        problems.append(
            f"builderIdentity.clusterName: {_show(value.cluster_name)} is not an EKS cluster "
            "name: pod-identity needs 1-100 letters, digits, - and _, starting with a letter "
            "or digit")
    if value.mode == "irsa" and value.cluster_name is not None:
        problems.append("builderIdentity.clusterName: set with mode irsa: it is for "
                        "pod-identity; remove it")
    if value.mode == "pod-identity" and value.oidc_provider_arn is not None:
        problems.append("builderIdentity.oidcProviderArn: set with mode pod-identity: it is "
                        "for irsa; remove it")
    # IAM role names are unique in an account whatever their path
    same_account_names = {policy.role_name_of_arn(a) for a in values.get("worker_role_arns") or ()
                          if isinstance(a, str) and policy.account_of_arn(a) == account}
    if role_name in same_account_names:
        problems.append(f"builderIdentity.roleName: {_show(role_name)} is also a worker role: "
                        "the builder role is created by the stack; give it another name")


_PULL_NAME_CHECK = _check_dns("pullSecret.name", label=False)
_IMAGE = re.compile(r"^[a-z0-9][a-z0-9._/:@-]*$", re.ASCII | re.IGNORECASE)


def _check_pull_secret(value: Any, values: Mapping[str, Any], problems: list[str]) -> None:
    if value is None:
        return
    if not isinstance(value, PullSecret):
        problems.append(f"pullSecret: {_show(value)} is not a PullSecret")
        return
    _check_choice("pullSecret.mode", ("external-secrets", "cronjob"))(value.mode, values,
                                                                      problems)
    _PULL_NAME_CHECK(value.name, values, problems)
    namespaces = _string_list("pullSecret.namespaces", value.namespaces, problems,
                              required=False)
    for i, namespace in namespaces:
        _check_dns(f"pullSecret.namespaces[{i}]", label=True)(namespace, values, problems)
    for i, account in _string_list("pullSecret.serviceAccounts", value.service_accounts,
                                   problems, required=False):
        _check_dns(f"pullSecret.serviceAccounts[{i}]", label=False)(account, values, problems)
    hours = value.refresh_hours
    if isinstance(hours, bool) or not isinstance(hours, int) or not 1 <= hours <= 8:
        problems.append(f"pullSecret.refreshHours: {_show(hours)} is not accepted: use a whole "
                        "number from 1 to 8, well inside the token's 12 hours")
    if not isinstance(value.image, str) or not _IMAGE.match(value.image):
        problems.append(f"pullSecret.image: {_show(value.image)} is not an image reference")
    own = values.get("namespace", "default")
    targets = [n for _, n in namespaces] or [own]
    if value.name == values.get("secret_name", "ecr-config") and own in targets:
        problems.append(f"pullSecret.name: {_show(value.name)} is the ecr-config Secret's name in "
                        f"namespace {own!r}: give the pull secret another name")


def _check_create_on_push_prefix(value: Any, values: Mapping[str, Any],
                                 problems: list[str]) -> None:
    if value is None:
        return
    if value == "ROOT":
        problems.append("createOnPushPrefix: 'ROOT' is not accepted: it would let builders "
                        "create any repository; give a prefix such as 'builds'")
    elif not isinstance(value, str) or not 1 <= len(value) <= 256 or not (
            _REPOSITORY_NAME.match(value)):
        problems.append(f"createOnPushPrefix: {_show(value)} is not a repository prefix: use "
                        "lowercase letters and digits separated by single . _ - or /, without "
                        "a trailing /")


#: ECR: at most 25 destinations in a registry's replication configuration, 100 filters a rule.
MAX_REPLICATION_DESTINATIONS = 25
MAX_REPLICATION_FILTERS = 100


def _check_replication_regions(value: Any, values: Mapping[str, Any],
                               problems: list[str]) -> None:
    home = values.get("region")
    regions = _string_list("replicationRegions", value, problems, required=False)
    for i, region in regions:
        if not _REGION.match(region):
            problems.append(f"replicationRegions[{i}]: {_show(region)} is not an AWS region: use "
                            "a name such as us-west-2")
        elif region == home:
            problems.append(f"replicationRegions[{i}]: {_show(region)} is the repositories' own "
                            "region: list other regions only")
        elif isinstance(home, str) and (
                policy.partition_for_region(region) != policy.partition_for_region(home)):
            problems.append(f"replicationRegions[{i}]: {_show(region)} is in another partition "
                            f"than {home!r}: ECR replicates within a partition")
    if len(regions) > MAX_REPLICATION_DESTINATIONS:
        problems.append(f"replicationRegions: {len(regions)} regions given: ECR replicates to at "
                        f"most {MAX_REPLICATION_DESTINATIONS}")
    names = values.get("repositories")
    if regions and isinstance(names, Sequence):
        filters = len(names) + (1 if values.get("create_on_push_prefix") else 0)
        if filters > MAX_REPLICATION_FILTERS:
            problems.append(f"replicationRegions: a replication rule filters at most "
                            f"{MAX_REPLICATION_FILTERS} repositories; {filters} are given: "
                            "replicate fewer repositories per stack")


_CHECKS: dict[str, Callable[[Any, Mapping[str, Any], list[str]], None]] = {
    "account": _check_account,
    "region": _check_region,
    "repositories": _check_repositories,
    "worker_role_arns": _check_worker_role_arns,
    "secret_name": _check_dns("secretName", label=False),
    "namespace": _check_dns("namespace", label=True),
    "stack_name": _check_stack_name,
    "developer_principal_arns": _check_developer_principal_arns,
    "image_tag_mutability": _check_choice("imageTagMutability", ("MUTABLE", "IMMUTABLE")),
    "image_tag_mutability_exclusion_filters": _check_exclusion_filters,
    "scan_on_push": _check_bool("scanOnPush"),
    "lifecycle": _check_lifecycle,
    "encryption": _check_choice("encryption", ("AES256", "KMS")),
    "kms_key_arn": _check_kms_key_arn,
    "tags": _check_tags,
    "removal_policy": _check_choice("removalPolicy", ("retain", "destroy")),
    "empty_on_delete": _check_empty_on_delete,
    "builder_identity": _check_builder_identity,
    "pull_secret": _check_pull_secret,
    "create_on_push_prefix": _check_create_on_push_prefix,
    "replication_regions": _check_replication_regions,
}


def estimated_template_bytes(values: Mapping[str, Any]) -> int:
    """Return an upper estimate of the synthesized template's size in bytes.

    Each repository resource carries its own copy of the repository policy and lifecycle
    policy, so those dominate. The constants are measured on synthesized templates with a
    margin; a test checks the estimate stays above the real size.
    """
    repository_policy = policy.repository_policy_document(_principal_arns(values))
    lifecycle = values.get("lifecycle") or Lifecycle()
    lifecycle_doc = policy.lifecycle_policy_document(
        lifecycle.untagged_expire_days, lifecycle.keep_last_images
    )
    tags = values.get("tags") or {}
    per_repository = (
        1_000
        + int(1.8 * len(json.dumps(repository_policy)))
        + (int(1.6 * len(json.dumps(lifecycle_doc))) + 100 if lifecycle_doc else 0)
        + sum(len(k) + len(v) + 60 for k, v in tags.items())
    )
    names = values.get("repositories", ())
    developer = len(names) * 120 if values.get("developer_principal_arns") else 0
    return 20_000 + developer + sum(per_repository + 4 * len(n) for n in names)


def _check_capacity(values: Mapping[str, Any], problems: list[str]) -> None:
    """Checks that need several valid fields: policy sizes and the template size."""
    if "worker_role_arns" in values:
        principals = sorted(_principal_arns(values))
        text = policy.policy_text(policy.repository_policy_document(principals))
        if len(text) > policy.MAX_REPOSITORY_POLICY_CHARS:
            workers = sorted(set(values["worker_role_arns"]))
            builder = [p for p in principals if p not in workers]
            # how many of the given worker roles fit next to the builder role, if any
            fit = 0
            for count in range(1, len(workers) + 1):
                document = policy.repository_policy_document([*workers[:count], *builder])
                if len(policy.policy_text(document)) > policy.MAX_REPOSITORY_POLICY_CHARS:
                    break
                fit = count
            beside = " beside the builder role" if builder else ""
            problems.append(
                f"workerRoleArns: the repository policy for {len(principals)} roles is "
                f"{len(text)} characters, over ECR's {policy.MAX_REPOSITORY_POLICY_CHARS}: "
                f"{fit} of these worker roles fit in one policy{beside}; give at most {fit}, "
                "or split the clusters across stacks with fewer roles each"
            )
    if values.get("developer_principal_arns") and "repositories" in values:
        arns = [policy.repository_arn(values["account"], values["region"], n)
                for n in values["repositories"]]
        text = policy.policy_text(policy.push_pull_identity_document(arns))
        if len(text) > policy.MAX_MANAGED_POLICY_CHARS:
            problems.append(
                f"developerPrincipalArns: the developer policy for {len(arns)} repositories is "
                f"{len(text)} characters, over IAM's {policy.MAX_MANAGED_POLICY_CHARS} for a "
                "managed policy: give fewer repositories or grant developers separately"
            )
    regions = [values["region"], *(values.get("replication_regions") or ())]
    arns = [policy.repository_arn(values["account"], r, n)
            for r in regions for n in values["repositories"]]
    if values.get("builder_identity") is not None or values.get("replication_regions"):
        prefix = values.get("create_on_push_prefix")
        text = policy.policy_text(policy.push_pull_identity_document(
            arns, tag_on_create=bool(values.get("tags")), create_on_push_arn=(
                policy.repository_arn(values["account"], values["region"], f"{prefix}/*")
                if prefix else None)))
        if len(text) > policy.MAX_ROLE_INLINE_POLICY_CHARS:
            per = len(text) / len(values["repositories"])
            field_name = ("builderIdentity" if values.get("builder_identity") is not None
                          else "replicationRegions")
            problems.append(
                f"{field_name}: the identity policy for {len(values['repositories'])} "
                f"repositories in {len(regions)} regions is {len(text)} characters, over IAM's "
                f"{policy.MAX_ROLE_INLINE_POLICY_CHARS} for a role's inline policies: about "
                f"{int(policy.MAX_ROLE_INLINE_POLICY_CHARS / per)} repositories fit")
    if "repositories" in values:
        size = estimated_template_bytes(values)
        if size > MAX_TEMPLATE_BYTES:
            problems.append(
                f"repositories: {len(values['repositories'])} repositories make a template of "
                f"about {size} bytes, over CloudFormation's 1 MB: give fewer repositories or "
                "fewer worker roles per stack"
            )


# ---------------------------------------------------------------------------------------------
# Loading: one function for app.py, the cdk8s app and the command line.
# ---------------------------------------------------------------------------------------------

def load_parameters(project_dir: str | os.PathLike[str] | None = None,
                    environ: Mapping[str, str] | None = None) -> Parameters:
    """Load and validate the parameters both halves use.

    If ``$ECR_CLUSTER_ACCESS_CONFIG`` names a JSON or YAML file, that file's object is used.
    Otherwise the ``ecr-cluster-access`` block of ``cdk.json``'s ``context`` in
    ``project_dir`` (default: the current directory) is used. Raises :class:`ParameterError`.
    """
    env = os.environ if environ is None else environ
    config = env.get(CONFIG_ENV)
    if config:
        path = Path(config)
        raw = _read_file(path, CONFIG_ENV)
        source = str(path)
    else:
        path = Path(project_dir or ".") / "cdk.json"
        document = _read_file(path, "cdk.json")
        context = document.get("context") if isinstance(document, Mapping) else None
        if not isinstance(context, Mapping) or CONTEXT_KEY not in context:
            raise ParameterError(
                [f"{path}: no context.{CONTEXT_KEY!r} block: add one, or set {CONFIG_ENV} "
                 "to a parameters file"]
            )
        raw = context[CONTEXT_KEY]
        source = f"{path} context.{CONTEXT_KEY}"
    try:
        return Parameters.from_mapping(raw)
    except ParameterError as error:
        raise ParameterError([f"{source}: {p}" for p in error.problems]) from None


def _read_file(path: Path, what: str) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ParameterError([f"{what}: cannot read {str(path)!r}: {error.strerror}"]) from None
    except UnicodeDecodeError as error:
        raise ParameterError([f"{path}: not UTF-8 text (byte {error.start}): save it as UTF-8"]
                             ) from None
    if path.suffix in (".yaml", ".yml"):
        import yaml  # only paid for when a YAML file is used

        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
            problem = getattr(error, "problem", None) or str(error).splitlines()[0]
            raise ParameterError([f"{path}: not valid YAML{where}: {problem}"]) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ParameterError(
            [f"{path}: not valid JSON at line {error.lineno} column {error.colno}: {error.msg}"]
        ) from None


def exit_on_error(error: ParameterError, prog: str = "ecr-cluster-access") -> NoReturn:
    """Print each problem as one line on stderr and exit with status 2."""
    for problem in error.problems:
        print(f"{prog}: error: {problem}", file=sys.stderr)
    raise SystemExit(2)


def load_parameters_or_exit(project_dir: str | os.PathLike[str] | None = None) -> Parameters:
    """:func:`load_parameters`, but print the problems and exit 2 instead of raising."""
    try:
        return load_parameters(project_dir)
    except ParameterError as error:
        exit_on_error(error)
