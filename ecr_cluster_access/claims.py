"""What one :class:`EcrClusterAccess` makes that must be unique in its account (IAM names) or
registry (repositories, and the settings a registry holds once): two instances in one app that
would make the same thing are refused at synth, naming both, instead of failing at deploy
(a name taken) or, worse, deploying and overwriting each other (an inline policy of the same
name on a shared role, a second replication configuration).

Pure Python: the construct records its claims on the app's root (:func:`claim`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from . import documents, layout, naming
from .params import Parameters

#: What to do, by kind of thing claimed twice.
_RENAME = "give one of them another stackName (its roles' and policies' names derive from it)"
_REGISTRY = ("a registry holds one: set it in one instance's parameters only")
FIXES = {
    "repository": "list each repository in one instance only",
    "IAM role": _RENAME + " or roleName",
    "IAM user": _RENAME,
    "IAM managed policy": _RENAME,
    "inline policy": _RENAME,
    "replication configuration": _REGISTRY,
    "registry policy": _REGISTRY,
    "registry scanning configuration": _REGISTRY,
    "pull-through cache rule": "give each rule its own prefix, in one instance",
    "repository creation template": "give each prefix to one instance",
    "Pod Identity association": "associate each ServiceAccount with one role",
}


def physical_names(params: Parameters, part: layout.Part = None
                   ) -> Iterator[tuple[str, str, tuple[str, ...]]]:
    """``(kind, name, key)`` of everything ``params`` make that its account or registry holds
    once, in the stack of ``part`` (:mod:`.layout`); ``key`` compares as AWS does (IAM role
    and user names ignore case)."""
    account, region = params.account, params.region
    registry = (account, region)
    for name in layout.repositories_of(params, part):
        yield "repository", name, (*registry, name)
    if not layout.holds_registry(part):
        return
    for arn in params.same_account_worker_role_arns:
        role = naming.role_name_of_arn(arn)
        policy = documents.token_policy_name(params)
        yield "inline policy", f"{policy} on role {role}", (account, role.lower(), policy)
    refresher = documents.refresher_identity(params)
    builder = params.builder_role_arn if params.builder_namespace is not None else None
    template = documents.creation_template_role_arn(params)
    for made in (naming.role_name_of_arn(builder) if builder else None,
                 refresher.name if refresher is not None and refresher.kind == "role" else None,
                 naming.role_name_of_arn(template) if template else None):
        if made is not None:
            yield "IAM role", made, (account, made.lower())
    if refresher is not None and refresher.kind == "user":
        yield "IAM user", refresher.name, (account, refresher.name.lower())
    if params.developer_principal_arns:
        name = documents.developer_policy_name(params)
        yield "IAM managed policy", name, (account, name)
    for kind, present in (("replication configuration", bool(params.replication_regions)),
                          ("registry policy", params.registry_policy is not None),
                          ("registry scanning configuration",
                           params.registry_scanning is not None)):
        if present:
            yield kind, f"of {account} in {region}", registry
    for rule in params.pull_through_cache:
        yield "pull-through cache rule", rule.prefix, (*registry, rule.prefix)
    for prefix in (params.create_on_push_prefix, *(r.prefix for r in params.pull_through_cache)):
        if prefix is not None:
            yield "repository creation template", prefix, (*registry, prefix)
    identity, settings = params.builder_identity, params.pull_secret
    if identity is not None and identity.mode == "pod-identity" and identity.cluster_name:
        yield ("Pod Identity association", f"{params.builder_namespace}/"
               f"{params.builder_service_account} in cluster {identity.cluster_name}",
               (*registry, identity.cluster_name, params.builder_namespace or "",
                params.builder_service_account or ""))
    if settings is not None and settings.credentials == "pod-identity" and settings.cluster_name:
        (namespace,) = params.refresher_namespaces
        yield ("Pod Identity association", f"{namespace}/{params.refresher_service_account} in "
               f"cluster {settings.cluster_name}",
               (*registry, settings.cluster_name, namespace, params.refresher_service_account))


def claim(root: Any, owner: str, params: Parameters, part: layout.Part = None) -> None:
    """Record that construct ``owner`` (its path) makes :func:`physical_names` ``params``
    in the app whose root is ``root``; raise ``ValueError`` (one line, both paths) when
    another construct of the app already makes one of them."""
    taken: dict[tuple[str, tuple[str, ...]], str] = root.__dict__.setdefault(
        "_ecr_cluster_access_claims", {})
    mine = {}
    for kind, name, key in physical_names(params, part):
        first = taken.get((kind, key))
        if first is not None and first != owner:
            raise ValueError(
                f"{kind} {name!r} is made by both {first} and {owner}: {FIXES[kind]}")
        mine[kind, key] = owner
    taken.update(mine)
