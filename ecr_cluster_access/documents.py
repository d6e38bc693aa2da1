"""Every document the project renders, as pure functions: the one home for each of them.

The repository policy, the identity policies (worker roles, builder role, developers,
cross-account roles, the creation template's role), the trust policies, the lifecycle policy
and the docker ``config.json``. Nothing here imports ``aws_cdk`` or ``cdk8s``: the CDK
construct, the cdk8s chart, the ``check`` command and the tests all call these functions, so
each document has exactly one rendering. The lower-level functions take plain values (so the
parameters' own size checks can use them before a :class:`Parameters` exists); the functions
at the end take a :class:`Parameters`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from . import naming

if TYPE_CHECKING:
    from .params import Parameters

#: The seven actions the guide's repository policy grants the worker role, sorted.
PUSH_PULL_ACTIONS: tuple[str, ...] = (
    "ecr:BatchCheckLayerAvailability",
    "ecr:BatchGetImage",
    "ecr:CompleteLayerUpload",
    "ecr:GetDownloadUrlForLayer",
    "ecr:InitiateLayerUpload",
    "ecr:PutImage",
    "ecr:UploadLayerPart",
)

#: Cannot be scoped to a repository nor granted by a repository policy: it goes on an
#: identity policy with ``Resource: "*"`` (ECR user guide, "Private repository policies").
AUTHORIZATION_TOKEN_ACTION = "ecr:GetAuthorizationToken"

#: What a pushing identity needs for create-on-push (scoped to the prefix), and the tagging
#: that a creation template with resource tags adds.
CREATE_REPOSITORY_ACTION = "ecr:CreateRepository"
TAG_RESOURCE_ACTION = "ecr:TagResource"

POLICY_VERSION = "2012-10-17"
REPOSITORY_POLICY_SID = "AllowPushPull"
REPOSITORY_PULL_SID = "AllowPull"
AUTHORIZATION_TOKEN_SID = "AllowEcrAuthorizationToken"
DEVELOPER_PUSH_PULL_SID = "AllowPushPullOnRepositories"
CREATE_ON_PUSH_SID = "AllowCreateOnPushUnderPrefix"

#: ECR SetRepositoryPolicy accepts at most this many characters of policy text.
MAX_REPOSITORY_POLICY_CHARS = 10_240
#: IAM managed policy documents may hold at most this many characters (whitespace aside).
MAX_MANAGED_POLICY_CHARS = 6_144
#: A role's inline policies together may hold at most this many characters.
MAX_ROLE_INLINE_POLICY_CHARS = 10_240

#: The docker credential helper the guide's ``config.json`` names for each registry host.
CREDENTIAL_HELPER = "ecr-login"


def repository_policy_document(push_principals: Iterable[str],
                               pull_principals: Iterable[str] = (),
                               organization: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the repository policy: the guide's seven actions for ``push_principals`` and,
    with ``workerAccess: pull``, only the three pull actions for ``pull_principals``; then,
    with ``organization`` (:func:`organization_statement`), the organization's grant.

    One statement per kind of grant, push first, each only when it has principals. It is a
    resource policy: no ``Resource`` element, principals sorted and de-duplicated so the
    rendering is byte-stable whatever order the parameters list them in.
    """
    pushers = sorted(set(push_principals))
    pullers = sorted(set(pull_principals) - set(pushers))
    statements = [{"Sid": sid, "Effect": "Allow", "Principal": {"AWS": principals},
                   "Action": list(actions)}
                  for sid, principals, actions in (
                      (REPOSITORY_POLICY_SID, pushers, PUSH_PULL_ACTIONS),
                      (REPOSITORY_PULL_SID, pullers, PULL_ACTIONS)) if principals]
    if organization is not None:
        statements.append(organization)
    return {"Version": POLICY_VERSION, "Statement": statements}


ORGANIZATION_PUSH_SID = "AllowOrganizationPushPull"
ORGANIZATION_PULL_SID = "AllowOrganizationPull"


def organization_statement(organization_id: str, role_arn_pattern: str,
                           unit_paths: Sequence[str] = (), *, push: bool = True
                           ) -> dict[str, Any]:
    """The repository-policy statement granting the roles of an AWS Organization that match
    ``role_arn_pattern`` (in ``unit_paths``, when given) the seven actions, or with ``push``
    false the three pull actions. ``Principal: "*"``, narrowed by ``aws:PrincipalOrgID``
    (and ``aws:PrincipalOrgPaths``, each path with the units below it) and by ``ArnLike
    aws:PrincipalArn``: AWS's way to grant an organization without listing its accounts."""
    condition: dict[str, Any] = {"StringEquals": {"aws:PrincipalOrgID": organization_id}}
    if unit_paths:
        condition["ForAnyValue:StringLike"] = {
            "aws:PrincipalOrgPaths": [f"{path}*" for path in sorted(set(unit_paths))]}
    condition["ArnLike"] = {"aws:PrincipalArn": role_arn_pattern}
    return {"Sid": ORGANIZATION_PUSH_SID if push else ORGANIZATION_PULL_SID, "Effect": "Allow",
            "Principal": "*", "Action": list(PUSH_PULL_ACTIONS if push else PULL_ACTIONS),
            "Condition": condition}


def organization_grant(params: Parameters) -> dict[str, Any] | None:
    """The organization's repository-policy statement of ``params``, or ``None``."""
    organization = params.worker_organization
    if organization is None:
        return None
    return organization_statement(organization.organization_id, organization.role_arn_pattern,
                                  organization.organizational_unit_paths,
                                  push=params.worker_access == "push-pull")


def policy_text(document: dict[str, Any]) -> str:
    """Return ``document`` as compact JSON, the form sent to ECR and measured against its limits."""
    return json.dumps(document, separators=(",", ":"))


def authorization_token_statement() -> dict[str, Any]:
    """Return the identity-policy statement granting ``ecr:GetAuthorizationToken``."""
    return {
        "Sid": AUTHORIZATION_TOKEN_SID,
        "Effect": "Allow",
        "Action": AUTHORIZATION_TOKEN_ACTION,
        "Resource": "*",
    }


def authorization_token_document() -> dict[str, Any]:
    """Return an identity policy with only :func:`authorization_token_statement`."""
    return {"Version": POLICY_VERSION, "Statement": [authorization_token_statement()]}


def create_on_push_statement(create_on_push_arn: str, tag_on_create: bool) -> dict[str, Any]:
    """Return the statement a pushing identity needs for create-on-push under one prefix.

    ``ecr:CreateRepository`` (and ``ecr:TagResource`` when the creation template tags new
    repositories), limited to ``arn:...:repository/<prefix>/*``.
    """
    actions = [CREATE_REPOSITORY_ACTION] + ([TAG_RESOURCE_ACTION] if tag_on_create else [])
    return {
        "Sid": CREATE_ON_PUSH_SID,
        "Effect": "Allow",
        "Action": actions if len(actions) > 1 else actions[0],
        "Resource": create_on_push_arn,
    }


#: What a pull through a pull-through cache needs beyond a pull: importing the upstream image,
#: and creating its repository on the first pull (ECR user guide, pull through cache IAM).
IMPORT_UPSTREAM_ACTION = "ecr:BatchImportUpstreamImage"
PULL_THROUGH_CACHE_SID = "AllowPullThroughCache"


def pull_through_cache_statement(prefix_arns: Sequence[str]) -> dict[str, Any]:
    """The statement letting an identity pull through the cache under ``prefix_arns``
    (``repository/<prefix>/*``): the pull actions (the repository may not exist yet, so no
    repository policy can grant them), the import and the creation."""
    return {"Sid": PULL_THROUGH_CACHE_SID, "Effect": "Allow",
            "Action": [*PULL_ACTIONS, IMPORT_UPSTREAM_ACTION, CREATE_REPOSITORY_ACTION],
            "Resource": list(prefix_arns)}


#: What a pull needs; replicas in other regions carry no repository policy, so same-account
#: roles pull from them with these actions in their identity policy.
PULL_ACTIONS: tuple[str, ...] = (
    "ecr:BatchCheckLayerAvailability",
    "ecr:BatchGetImage",
    "ecr:GetDownloadUrlForLayer",
)
REPLICA_PULL_SID = "AllowPullFromReplicas"


def replica_pull_statement(replica_arns: Sequence[str]) -> dict[str, Any]:
    """Return the statement letting an identity pull from the repositories' replicas."""
    return {"Sid": REPLICA_PULL_SID, "Effect": "Allow", "Action": list(PULL_ACTIONS),
            "Resource": list(replica_arns)}


def push_pull_identity_document(repository_arns: Sequence[str], *,
                                create_on_push_arn: str | None = None,
                                tag_on_create: bool = False,
                                replica_arns: Sequence[str] = (),
                                pull_through_cache_arns: Sequence[str] = ()) -> dict[str, Any]:
    """Return an identity policy: push/pull on ``repository_arns`` plus the token grant.

    This is what developers and the builder role get (the guide's last paragraph), and what an
    account that owns a cross-account worker role must attach to that role on its side. With
    ``create_on_push_arn``, also :func:`create_on_push_statement`.
    """
    statements: list[dict[str, Any]] = [
        {
            "Sid": DEVELOPER_PUSH_PULL_SID,
            "Effect": "Allow",
            "Action": list(PUSH_PULL_ACTIONS),
            "Resource": list(repository_arns),
        },
        authorization_token_statement(),
    ]
    if create_on_push_arn:
        statements.append(create_on_push_statement(create_on_push_arn, tag_on_create))
    if replica_arns:
        statements.append(replica_pull_statement(replica_arns))
    if pull_through_cache_arns:
        statements.append(pull_through_cache_statement(pull_through_cache_arns))
    return {"Version": POLICY_VERSION, "Statement": statements}


#: The EKS Pod Identity service principal that assumes a builder role.
POD_IDENTITY_SERVICE = "pods.eks.amazonaws.com"
#: The ServiceAccount annotation IRSA reads.
IRSA_ANNOTATION = "eks.amazonaws.com/role-arn"


def irsa_trust_conditions(issuer: str, namespace: str, service_account: str) -> dict[str, Any]:
    """The ``StringEquals`` conditions of an IRSA trust: ``sub`` pinned to one ServiceAccount,
    ``aud`` to STS. ``issuer`` is the provider's host and path (it may be a CDK token: then
    the construct wraps these in ``CfnJson``, as keys cannot hold tokens)."""
    return {f"{issuer}:aud": "sts.amazonaws.com",
            f"{issuer}:sub": f"system:serviceaccount:{namespace}:{service_account}"}


def pod_identity_trust_conditions(namespace: str, service_account: str,
                                  cluster_name: str, cluster_arn: str) -> dict[str, Any]:
    """The ``StringEquals`` conditions of a Pod Identity trust, on the session tags EKS Pod
    Identity sends (EKS user guide, "Create IAM role with trust policy required by EKS Pod
    Identity" and "List of session tags added by EKS Pod Identity"): the namespace, the
    ServiceAccount and the cluster, by name and by ARN. Without them any Pod Identity
    association in the account could name the role; without the ARN, a cluster of the same
    name in another account or region could (Pod Identity associations can target a role in
    another account)."""
    return {"aws:RequestTag/eks-cluster-arn": cluster_arn,
            "aws:RequestTag/eks-cluster-name": cluster_name,
            "aws:RequestTag/kubernetes-namespace": namespace,
            "aws:RequestTag/kubernetes-service-account": service_account}


def builder_trust_document(mode: str, namespace: str, service_account: str,
                           oidc_provider_arn: str | None = None,
                           conditions: Any = None,
                           cluster_name: str | None = None,
                           cluster_arn: str | None = None) -> dict[str, Any]:
    """Return a role's trust policy for one ServiceAccount, through IRSA or Pod Identity.

    IRSA trusts the cluster's OIDC provider for ``sts:AssumeRoleWithWebIdentity`` with ``sub``
    pinned to ``system:serviceaccount:<namespace>:<service account>`` and ``aud`` to STS.
    Pod Identity trusts ``pods.eks.amazonaws.com`` for ``sts:AssumeRole`` and
    ``sts:TagSession``, narrowed by :func:`pod_identity_trust_conditions` to that
    ServiceAccount in ``cluster_name``.
    """
    if mode == "irsa":
        assert oidc_provider_arn, "irsa needs the OIDC provider ARN"
        if conditions is None:
            issuer = oidc_provider_arn.split(":oidc-provider/", 1)[1]
            conditions = irsa_trust_conditions(issuer, namespace, service_account)
        statement: dict[str, Any] = {
            "Effect": "Allow",
            "Principal": {"Federated": oidc_provider_arn},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": conditions},
        }
    else:
        assert cluster_name and cluster_arn, "pod-identity needs the cluster's name and ARN"
        statement = {
            "Effect": "Allow",
            "Principal": {"Service": POD_IDENTITY_SERVICE},
            "Action": ["sts:AssumeRole", "sts:TagSession"],
            "Condition": {"StringEquals": conditions if conditions is not None else
                          pod_identity_trust_conditions(namespace, service_account,
                                                        cluster_name, cluster_arn)},
        }
    return {"Version": POLICY_VERSION, "Statement": [statement]}


def lifecycle_policy_document(
    untagged_expire_days: int | None, keep_last_images: int | None,
    rules: Sequence[Any] = (),
) -> dict[str, Any] | None:
    """Return the ECR lifecycle policy, or ``None`` when no rule is set.

    ``rules`` (``LifecycleRule``: tag prefixes or patterns, with a count or an age) come first,
    in their order; then the rule that expires untagged images ``untagged_expire_days`` after
    push; then the rule that keeps the ``keep_last_images`` most recent images of any tag
    status, last because ECR requires the ``any`` rule to carry the highest priority.
    """
    out: list[dict[str, Any]] = []

    def add(subject: str, tags: dict[str, Any], keep_last: int | None,
            expire_days: int | None) -> None:
        """One rule: ``subject`` images (selected by ``tags``), keep the ``keep_last`` most
        recent or expire them ``expire_days`` after push."""
        if keep_last is not None:
            count: dict[str, Any] = {"countType": "imageCountMoreThan", "countNumber": keep_last}
            description = f"Keep only the {keep_last} most recent {subject}"
        else:
            count = {"countType": "sinceImagePushed", "countUnit": "days",
                     "countNumber": expire_days}
            description = f"Expire {subject} {expire_days} days after push"
        out.append({"rulePriority": len(out) + 1, "description": description,
                    "selection": {**tags, **count}, "action": {"type": "expire"}})

    for rule in rules:
        if rule.tag_prefixes:
            add(f"images tagged {', '.join(rule.tag_prefixes)}*",
                {"tagStatus": "tagged", "tagPrefixList": list(rule.tag_prefixes)},
                rule.keep_last, rule.expire_days)
        else:
            add(f"images with tags matching {', '.join(rule.tag_patterns)}",
                {"tagStatus": "tagged", "tagPatternList": list(rule.tag_patterns)},
                rule.keep_last, rule.expire_days)
    if untagged_expire_days is not None:
        add("untagged images", {"tagStatus": "untagged"}, None, untagged_expire_days)
    if keep_last_images is not None:
        add("images", {"tagStatus": "any"}, keep_last_images, None)
    return {"rules": out} if out else None


def docker_config(hosts: Iterable[str]) -> dict[str, Any]:
    """Return the guide's ``config.json``: every registry host mapped to ``ecr-login``."""
    return {"credHelpers": {host: CREDENTIAL_HELPER for host in sorted(set(hosts))}}


def docker_config_json(hosts: Iterable[str]) -> bytes:
    """Return :func:`docker_config` as the exact bytes the Secret carries (sorted, ends in \\n)."""
    return (json.dumps(docker_config(hosts), indent=2, sort_keys=True) + "\n").encode()


# ---------------------------------------------------------------------------------------------
# The documents of one parameters object: what the construct, the chart and ``check`` use.
# ---------------------------------------------------------------------------------------------

def repository_policy(params: Parameters, extra_workers: Sequence[str] = ()
                      ) -> dict[str, Any]:
    """The repository policy every repository (and the creation template) carries;
    ``extra_workers`` are worker roles a CDK app passes as objects (their ARNs may be
    tokens): they get what ``workerAccess`` gives the worker roles."""
    grants = params.repository_grants
    workers = [*params.worker_role_arns, *extra_workers]
    push = [a for a, actions in grants.items() if actions == PUSH_PULL_ACTIONS]
    pull = [a for a, actions in grants.items() if actions == PULL_ACTIONS]
    (push if params.worker_access == "push-pull" else pull).extend(workers)
    return repository_policy_document(push, pull, organization_grant(params))


#: The actions that write an image (the seven less the three pull actions).
PUSH_ONLY_ACTIONS: tuple[str, ...] = tuple(a for a in PUSH_PULL_ACTIONS if a not in PULL_ACTIONS)
CACHE_PUSH_DENY_SID = "DenyPushIntoTheCache"


def pull_through_cache_repository_policy(params: Parameters, extra_workers: Sequence[str] = ()
                                         ) -> dict[str, Any]:
    """The repository policy of the repositories a pull-through cache makes (its creation
    template's): every principal of the parameters (and the organization's roles, with
    ``workerOrganization``) may pull, and no one but an AWS service
    may push, whatever their identity policy says (an explicit ``Deny`` wins). A cached
    ``hub/library/node:20`` is ECR's copy of the upstream: a push would replace it for every
    pull after."""
    principals = sorted({*params.repository_grants, *extra_workers})
    organization = params.worker_organization
    return {"Version": POLICY_VERSION, "Statement": [
        *([{"Sid": REPOSITORY_PULL_SID, "Effect": "Allow", "Principal": {"AWS": principals},
            "Action": list(PULL_ACTIONS)}] if principals else []),
        *([organization_statement(organization.organization_id, organization.role_arn_pattern,
                                  organization.organizational_unit_paths, push=False)]
          if organization is not None else []),
        {"Sid": CACHE_PUSH_DENY_SID, "Effect": "Deny", "Principal": "*",
         "Action": list(PUSH_ONLY_ACTIONS),
         "Condition": {"Bool": {"aws:PrincipalIsAWSService": "false"}}},
    ]}


def lifecycle_policy(params: Parameters) -> dict[str, Any] | None:
    """The ECR lifecycle policy, or ``None`` when no lifecycle rule is set."""
    return lifecycle_policy_document(params.lifecycle.untagged_expire_days,
                                     params.lifecycle.keep_last_images, params.lifecycle.rules)


def push_pull_identity_policy(params: Parameters) -> dict[str, Any]:
    """The identity policy of a principal that pushes (the builder role): the seven actions
    on these repositories, the token, create-on-push under the prefix and replica pulls."""
    return push_pull_identity_document(
        params.repository_arns, create_on_push_arn=params.create_on_push_arn,
        tag_on_create=bool(params.tags), replica_arns=params.replica_repository_arns,
        pull_through_cache_arns=params.pull_through_cache_arns)


def developer_policy(params: Parameters) -> dict[str, Any]:
    """The developers' managed policy: the seven actions on these repositories and the token."""
    return push_pull_identity_document(params.repository_arns)


def cross_account_identity_policy(params: Parameters) -> dict[str, Any]:
    """What an account owning a cross-account worker role must attach to it on its side:
    push/pull, or with ``workerAccess: pull`` only the pull actions, plus the token."""
    if params.worker_access == "pull":
        return pull_identity_document(params.repository_arns)
    return push_pull_identity_document(params.repository_arns)


MEMBER_SID = "AllowNodeRolesOnTheRegistry"


def member_identity_policy(params: Parameters) -> dict[str, Any]:
    """The identity side in each member account of ``workerOrganization``: what
    ``workerAccess`` gives, on the registry's repositories, plus the token. The repositories
    are named by ``repository/*`` of the registry's account, so the policy's size does not
    grow with them (10,000 names would not fit IAM's 6,144 characters); which repositories
    the roles reach is still decided by each repository's policy, as for every cross-account
    grant (AWS requires both sides)."""
    actions = PULL_ACTIONS if params.worker_access == "pull" else PUSH_PULL_ACTIONS
    registry = naming.repository_arn(params.account, params.region, "*")
    return {"Version": POLICY_VERSION, "Statement": [
        {"Sid": MEMBER_SID, "Effect": "Allow", "Action": list(actions), "Resource": registry},
        authorization_token_statement()]}


def member_policy_name(params: Parameters) -> str:
    """The managed policy the member-account stack makes (the same name in every account)."""
    return naming.stack_resource_name(params.stack_name, params.region, "ecr-nodes", 128)


APP_WORKER_SID = "AllowWorkerOnRepositories"


def app_worker_identity_policy(params: Parameters) -> dict[str, Any]:
    """What a worker role an app passes as an object gets on its own identity policy (as
    aws-cdk-lib grants to a principal of the same account): what the repository policy gives
    the parameters' worker roles (the seven actions, or the three pull actions with
    ``workerAccess: pull``), on these repositories and on the create-on-push prefix's, plus
    everything :func:`worker_identity_policy` adds. The grant lives in the role's own stack,
    so a stack that uses the repositories never depends on the role's stack in return."""
    actions = PULL_ACTIONS if params.worker_access == "pull" else PUSH_PULL_ACTIONS
    resources = [*params.repository_arns, *filter(None, [params.create_on_push_arn])]
    return {"Version": POLICY_VERSION, "Statement": [
        {"Sid": APP_WORKER_SID, "Effect": "Allow", "Action": list(actions),
         "Resource": resources},
        *worker_identity_policy(params)["Statement"]]}


REFRESHER_PULL_SID = "AllowPullOnRepositories"
ASSUME_REFRESHER_ROLE_SID = "AllowAssumeRefresherRole"


def pull_identity_document(repository_arns: Sequence[str],
                           replica_arns: Sequence[str] = ()) -> dict[str, Any]:
    """Return an identity policy that only pulls: the three pull actions on
    ``repository_arns`` (and their replicas) and the authorization token."""
    return {"Version": POLICY_VERSION, "Statement": [
        {"Sid": REFRESHER_PULL_SID, "Effect": "Allow", "Action": list(PULL_ACTIONS),
         "Resource": [*repository_arns, *replica_arns]},
        authorization_token_statement()]}


def refresher_identity_policy(params: Parameters) -> dict[str, Any] | None:
    """The pull-secret refresher's own policy (role or IAM user): pull and the token, on
    these repositories and their replicas; with ``roleArn``, also assuming that one role.
    ``None`` when the refresher uses the node's identity (or there is no pull secret)."""
    settings = params.pull_secret
    if settings is None or settings.credentials == "node":
        return None
    document = pull_identity_document(params.repository_arns, params.replica_repository_arns)
    if params.pull_through_cache_arns:
        document["Statement"].append(pull_through_cache_statement(params.pull_through_cache_arns))
    if settings.role_arn is not None:
        document["Statement"].append({"Sid": ASSUME_REFRESHER_ROLE_SID, "Effect": "Allow",
                                      "Action": "sts:AssumeRole",
                                      "Resource": settings.role_arn})
    return document


class RefresherIdentity(NamedTuple):
    """The pull-secret refresher's own identity, as the stack makes it."""

    #: ``"user"`` (``credentials: secret``) or ``"role"`` (irsa, web-identity, pod-identity)
    kind: str
    #: The user's or role's name.
    name: str
    #: Its one inline policy, :func:`refresher_identity_policy`.
    policy: dict[str, Any]
    #: The role's description (``""`` for a user).
    description: str


def refresher_identity(params: Parameters) -> RefresherIdentity | None:
    """What identity of its own the refresher gets, or ``None`` (no pull secret, or the
    node's identity): the one place the construct, the template size and the name claims
    decide it."""
    settings = params.pull_secret
    document = refresher_identity_policy(params)
    if settings is None or document is None:
        return None
    if settings.credentials == "secret":
        return RefresherIdentity(
            "user", naming.role_name_of_arn(params.refresher_user_arn or ""), document, "")
    return RefresherIdentity(
        "role", naming.role_name_of_arn(params.refresher_role_arn or ""), document,
        "Pull-secret refresher: pull and the authorization token on the ecr-cluster-access "
        f"repositories, for ServiceAccount {params.refresher_service_account} "
        f"({settings.credentials})")


def worker_identity_policy(params: Parameters) -> dict[str, Any]:
    """The identity policy of same-account worker roles: the authorization token, plus
    create-on-push under the prefix (when they push) and pulls from replicas when those are
    set (the actions on the repositories come from the repository policy)."""
    document = authorization_token_document()
    if params.create_on_push_arn and params.worker_access == "push-pull":
        document["Statement"].append(
            create_on_push_statement(params.create_on_push_arn, bool(params.tags)))
    if params.replication_regions:
        document["Statement"].append(replica_pull_statement(params.replica_repository_arns))
    if params.pull_through_cache_arns:
        document["Statement"].append(pull_through_cache_statement(params.pull_through_cache_arns))
    return document


def builder_trust_policy(params: Parameters) -> dict[str, Any] | None:
    """The builder role's trust policy, or ``None`` without a builder identity (or without
    the provider's ARN or the cluster's name, which an app may pass as objects instead)."""
    identity = params.builder_identity
    if identity is None or params.builder_namespace is None or (
            identity.mode == "irsa" and identity.oidc_provider_arn is None) or (
            identity.mode == "pod-identity" and identity.cluster_name is None):
        return None
    return builder_trust_document(
        identity.mode, params.builder_namespace, params.builder_service_account or "",
        identity.oidc_provider_arn, cluster_name=identity.cluster_name,
        cluster_arn=naming.eks_cluster_arn(params.account, params.region, identity.cluster_name)
        if identity.cluster_name else None)


def refresher_trust_document(params: Parameters, oidc_provider_arn: str | None = None,
                             issuer: str | None = None, cluster_name: str | None = None,
                             cluster_arn: str | None = None) -> dict[str, Any] | None:
    """The refresher role's trust policy (irsa, web-identity or pod-identity), or ``None``.

    IRSA and web-identity (the same trust: only who puts the token in the pod differs):
    ``sub`` is each refresher ServiceAccount (one per namespace the refresher runs in).
    Pod Identity: the conditions of :func:`pod_identity_trust_conditions`. ``oidc_provider_arn``
    / ``issuer`` / ``cluster_name`` default to the parameters' (an app may pass objects), and
    ``cluster_arn`` to the ARN of ``cluster_name`` in the parameters' account and region."""
    settings = params.pull_secret
    if settings is None or settings.credentials not in ("irsa", "web-identity", "pod-identity"):
        return None
    account = params.refresher_service_account
    if settings.credentials in ("irsa", "web-identity"):
        provider = oidc_provider_arn or settings.oidc_provider_arn
        if provider is None:
            return None
        issuer = issuer or provider.split(":oidc-provider/", 1)[1]
        subjects = [f"system:serviceaccount:{namespace}:{account}"
                    for namespace in params.refresher_namespaces]
        return builder_trust_document("irsa", "", "", provider, conditions={
            f"{issuer}:aud": "sts.amazonaws.com",
            f"{issuer}:sub": subjects[0] if len(subjects) == 1 else subjects})
    cluster = cluster_name or settings.cluster_name
    if cluster is None:
        return None
    (namespace,) = params.refresher_namespaces
    return builder_trust_document(
        "pod-identity", namespace, account, cluster_name=cluster,
        cluster_arn=cluster_arn or naming.eks_cluster_arn(params.account, params.region, cluster))


#: The service principal ECR uses to apply a creation template's tags or customer key.
ECR_SERVICE = "ecr.amazonaws.com"


def creation_template_trust_policy() -> dict[str, Any]:
    """The trust policy of the role ECR assumes to apply a creation template."""
    return {"Version": POLICY_VERSION, "Statement": [{
        "Effect": "Allow", "Principal": {"Service": ECR_SERVICE}, "Action": "sts:AssumeRole"}]}


def creation_template_role_policy(params: Parameters, kms_key_arn: str | None = None
                                  ) -> dict[str, Any] | None:
    """What ECR needs to create create-on-push and pull-through cache repositories with tags
    or a customer managed key, or ``None`` when it needs no role (no prefix, or neither tags
    nor a key).
    ``kms_key_arn`` is a key an app passes as an object (default: ``params.kms_key_arn``)."""
    kms_key_arn = kms_key_arn or params.kms_key_arn
    prefixes = [a for a in (params.create_on_push_arn, *params.pull_through_cache_arns) if a]
    if not prefixes or not (params.tags or kms_key_arn):
        return None
    statements: list[dict[str, Any]] = [{
        "Effect": "Allow",
        "Action": [CREATE_REPOSITORY_ACTION, TAG_RESOURCE_ACTION],
        "Resource": prefixes[0] if len(prefixes) == 1 else prefixes,
    }]
    if kms_key_arn:
        statements.append({"Effect": "Allow", "Resource": kms_key_arn,
                           "Action": ["kms:CreateGrant", "kms:DescribeKey", "kms:RetireGrant"]})
    return {"Version": POLICY_VERSION, "Statement": statements}


def docker_config_bytes(params: Parameters) -> bytes:
    """The exact ``config.json`` bytes the ``ecr-config`` Secret carries."""
    return docker_config_json(params.registry_hosts)


#: The pull secret's ``.dockerconfigjson`` until the CronJob refresher first writes it.
EMPTY_PULL_SECRET_CONFIG = b'{"auths":{}}'


def pull_secret_config_template(params: Parameters) -> str:
    """The ExternalSecret's Go template for ``.dockerconfigjson``: ``auths`` per host.

    Registry ``i``'s token comes from generator ``i``, whose keys are rewritten to
    ``r<i>_username`` and ``r<i>_password``. Not JSON itself (the template actions hold
    quotes); what it renders is.
    """
    entries = []
    for i, (host, _) in enumerate(params.registry_host_regions):
        user, password = f".r{i}_username", f".r{i}_password"
        entries.append(
            f'{json.dumps(host)}:{{"username":"{{{{ {user} }}}}",'
            f'"password":"{{{{ {password} }}}}",'
            f'"auth":"{{{{ printf "%s:%s" {user} {password} | b64enc }}}}"}}')
    return '{"auths":{' + ",".join(entries) + "}}"


# --- names of what the stack owns, so check can find it -----------------------------------------

#: The builder role's inline policy.
BUILDER_POLICY_NAME = "ecr-push-pull"
#: The refresher role's or user's inline policy.
REFRESHER_POLICY_NAME = "ecr-pull"


def token_policy_name(params: Parameters) -> str:
    """The inline policy the stack attaches to same-account worker roles."""
    return naming.stack_resource_name(params.stack_name, params.region, "ecr-token", 128)


def developer_policy_name(params: Parameters) -> str:
    """The developers' managed policy."""
    return naming.stack_resource_name(params.stack_name, params.region, "ecr-developers", 128)


def creation_template_role_name(params: Parameters) -> str:
    """The role ECR assumes to apply the creation template's tags or key."""
    return naming.stack_resource_name(params.stack_name, params.region, "ecr-template", 64)


def creation_template_role_arn(params: Parameters) -> str | None:
    """That role's ARN, or ``None`` when the template needs no role."""
    if creation_template_role_policy(params) is None:
        return None
    return naming.role_arn(params.account, params.region, creation_template_role_name(params))


def replication_configuration(params: Parameters) -> dict[str, Any] | None:
    """The registry's replication configuration as the ECR API spells it, or ``None``: one
    rule to every replication region of this account, filtered to these repositories and
    the create-on-push prefix."""
    if not params.replication_regions:
        return None
    return {"rules": [{
        "destinations": [{"region": region, "registryId": params.account}
                         for region in params.replication_regions],
        "repositoryFilters": [{"filter": prefix, "filterType": "PREFIX_MATCH"}
                              for prefix in params.replication_filters],
    }]}


# --- what each role may do: the requests check evaluates ----------------------------------------

#: ECR's actions that change something (IAM access levels Write, Permissions management and
#: Tagging), from the Service Authorization Reference; a test compares this list with the
#: IAM data the independent evaluator ships. Beyond what the parameters grant, no role in the
#: parameters may be allowed any of them.
ECR_CHANGE_ACTIONS: tuple[str, ...] = (
    "ecr:BatchDeleteImage", "ecr:BatchImportUpstreamImage", "ecr:CompleteLayerUpload",
    "ecr:CreatePullThroughCacheRule", "ecr:CreateRepository",
    "ecr:CreateRepositoryCreationTemplate", "ecr:DeleteLifecyclePolicy",
    "ecr:DeletePullThroughCacheRule", "ecr:DeleteRegistryPolicy", "ecr:DeleteRepository",
    "ecr:DeleteRepositoryCreationTemplate", "ecr:DeleteRepositoryPolicy",
    "ecr:DeleteSigningConfiguration", "ecr:DeregisterPullTimeUpdateExclusion",
    "ecr:InitiateLayerUpload", "ecr:PutAccountSetting", "ecr:PutImage",
    "ecr:PutImageScanningConfiguration", "ecr:PutImageTagMutability", "ecr:PutLifecyclePolicy",
    "ecr:PutRegistryPolicy", "ecr:PutRegistryScanningConfiguration",
    "ecr:PutReplicationConfiguration", "ecr:PutSigningConfiguration",
    "ecr:RegisterPullTimeUpdateExclusion", "ecr:ReplicateImage", "ecr:SetRepositoryPolicy",
    "ecr:StartImageScan", "ecr:StartLifecyclePolicyPreview", "ecr:TagResource",
    "ecr:UntagResource", "ecr:UpdateImageStorageClass", "ecr:UpdatePullThroughCacheRule",
    "ecr:UpdateRepositoryCreationTemplate", "ecr:UploadLayerPart",
)
#: Of those, the ones that act on a repository (the others act on the registry: ``*``).
ECR_REPOSITORY_CHANGE_ACTIONS: tuple[str, ...] = (
    "ecr:BatchDeleteImage", "ecr:BatchImportUpstreamImage", "ecr:CompleteLayerUpload",
    "ecr:CreateRepository", "ecr:DeleteLifecyclePolicy", "ecr:DeleteRepository",
    "ecr:DeleteRepositoryPolicy", "ecr:InitiateLayerUpload", "ecr:PutImage",
    "ecr:PutImageScanningConfiguration", "ecr:PutImageTagMutability", "ecr:PutLifecyclePolicy",
    "ecr:ReplicateImage", "ecr:SetRepositoryPolicy", "ecr:StartImageScan",
    "ecr:StartLifecyclePolicyPreview", "ecr:TagResource", "ecr:UntagResource",
    "ecr:UpdateImageStorageClass", "ecr:UploadLayerPart",
)


def pushes(params: Parameters, arn: str) -> bool:
    """Whether the stack lets role ``arn`` push: the builder role, and the worker roles unless
    ``workerAccess`` is ``pull`` (the refresher never does)."""
    return arn == params.builder_role_arn or (
        arn in params.worker_role_arns and params.worker_access == "push-pull")


def expected_repository_actions(params: Parameters, repository: str, *,
                                push: bool = True) -> frozenset[str]:
    """What a role may do on a named repository: for a role that only pulls, the three pull
    actions; for one that pushes, the seven actions, and create-on-push's
    ``CreateRepository`` (and ``TagResource`` with tags) when the repository lies under the
    prefix. Under a pull-through cache prefix, any role: pull, import and create."""
    cached = any(repository.startswith(f"{rule.prefix}/") for rule in params.pull_through_cache)
    if cached:  # a repository the cache made: pull, import and create, never push
        return frozenset({*PULL_ACTIONS, IMPORT_UPSTREAM_ACTION, CREATE_REPOSITORY_ACTION})
    if not push:
        return frozenset(PULL_ACTIONS)
    actions = set(PUSH_PULL_ACTIONS)
    prefix = params.create_on_push_prefix
    if prefix is not None and repository.startswith(f"{prefix}/"):
        actions.add(CREATE_REPOSITORY_ACTION)
        if params.tags:
            actions.add(TAG_RESOURCE_ACTION)
    return frozenset(actions)


def access_summary(params: Parameters) -> dict[str, list[str]]:
    """Who may push and who may only pull, in words with ARNs, for ``builder-config`` and
    ``validate``: ``{"push": [...], "pullOnly": [...]}``."""
    push: list[str] = []
    pull: list[str] = []
    if params.builder_role_arn:
        push.append(f"builder role {params.builder_role_arn}")
    push += [f"developer {arn}" for arn in params.developer_principal_arns]
    workers = [f"worker role {arn}" for arn in params.worker_role_arns]
    organization = params.worker_organization
    if organization is not None:
        units = (f" (units {', '.join(organization.organizational_unit_paths)})"
                 if organization.organizational_unit_paths else "")
        workers.append(f"roles {organization.role_arn_pattern} of organization "
                       f"{organization.organization_id}{units}")
    (push if params.worker_access == "push-pull" else pull).extend(workers)
    settings = params.pull_secret
    if settings is not None:
        refresher = params.refresher_role_arn or params.refresher_user_arn
        if refresher is not None:
            kind = "role" if params.refresher_role_arn else "user"
            pull.append(f"pull-secret refresher {kind} {refresher}")
        else:
            token = ("the pull secret's token (node credentials: the worker roles' or the "
                     "operator's identity)")
            (push if params.worker_access == "push-pull" else pull).append(token)
        if settings.role_arn is not None:
            pull.append(f"role {settings.role_arn}, assumed by the refresher (its own grants "
                        "are its owner's; check verifies it cannot push when it is in this "
                        "account)")
    return {"push": push, "pullOnly": pull}


# --- registry-wide settings ---------------------------------------------------------------------

#: The two actions replication into a registry needs (ECR user guide, "Private registry
#: permissions"): creating the destination repository and replicating images into it.
REPLICATION_ACTIONS: tuple[str, ...] = ("ecr:CreateRepository", "ecr:ReplicateImage")
REGISTRY_REPLICATION_SID = "AllowReplicationIntoListedRepositories"


def registry_policy_document(account: str, region: str, repositories: Sequence[str],
                             sources: Sequence[str]) -> dict[str, Any]:
    """The registry policy: ``sources`` (accounts) may replicate into ``repositories`` only."""
    partition = naming.partition_for_region(region)
    return {"Version": POLICY_VERSION, "Statement": [{
        "Sid": REGISTRY_REPLICATION_SID, "Effect": "Allow",
        "Principal": {"AWS": [f"arn:{partition}:iam::{source}:root" for source in sources]},
        "Action": list(REPLICATION_ACTIONS),
        "Resource": [naming.repository_arn(account, region, name) for name in repositories]}]}


def registry_policy(params: Parameters) -> dict[str, Any] | None:
    """The registry policy the parameters set, or ``None``."""
    if params.registry_policy is None:
        return None
    return registry_policy_document(params.account, params.region, params.repositories,
                                    params.registry_policy.replication_source_accounts)


def registry_scanning_configuration(params: Parameters) -> dict[str, Any] | None:
    """The registry scanning configuration as the ECR API spells it, or ``None``."""
    scanning = params.registry_scanning
    if scanning is None:
        return None
    return {"scanType": scanning.scan_type, "rules": [
        {"scanFrequency": rule.frequency,
         "repositoryFilters": [{"filter": f, "filterType": "WILDCARD"} for f in rule.filters]}
        for rule in scanning.rules]}


def upstream_registry_url(rule: Any) -> str:
    """The upstream's registry host, as ECR's ``upstreamRegistryUrl`` spells it."""
    host = naming.UPSTREAMS[rule.upstream][0] or rule.upstream_registry
    assert host is not None
    return str(host)


def pull_through_cache_rules(params: Parameters) -> list[dict[str, Any]]:
    """Every pull-through cache rule as the ECR API spells it, in parameter order."""
    out = []
    for rule in params.pull_through_cache:
        entry: dict[str, Any] = {"ecrRepositoryPrefix": rule.prefix,
                                 "upstreamRegistryUrl": upstream_registry_url(rule),
                                 "upstreamRegistry": rule.upstream}
        if rule.credential_arn is not None:
            entry["credentialArn"] = rule.credential_arn
        if rule.custom_role_arn is not None:
            entry["customRoleArn"] = rule.custom_role_arn
        out.append(entry)
    return out


#: How an image of each upstream is named through the cache: an example of each.
CACHED_IMAGE_EXAMPLES = {
    "docker-hub": "library/node:20",
    "github-container-registry": "<owner>/<image>:<tag>",
    "quay": "<organization>/<image>:<tag>",
    "k8s": "pause:3.10",
    "ecr-public": "docker/library/node:20",
    "ecr": "<repository>:<tag>",
}
