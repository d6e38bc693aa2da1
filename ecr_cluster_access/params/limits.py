"""Capacity and size limits: what AWS would refuse at deploy time, checked at load time.

ECR's repository policy text (10,240 characters), IAM's managed policy (6,144) and a role's
inline policies (10,240), and CloudFormation's template size (1 MB through S3). The sizes are
measured on the documents :mod:`ecr_cluster_access.documents` renders, so they are exactly
what the stack sends. These are cross-field checks: each runs once the fields it reads passed
their own rules.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .. import documents, layout, naming
from . import quotas, rules, template_size
from .rules import (
    MAX_REPOSITORIES_PER_STACK,
    MAX_STACK_RESOURCES,
    RESERVED_STACK_RESOURCES,
    builder_role_name,
    cross,
)

#: CloudFormation accepts a template of at most 1 MB through S3 (see :mod:`.quotas`).
MAX_TEMPLATE_BYTES = quotas.TEMPLATE_BYTES
#: The longest CloudFormation stack name (the stackName rule's pattern).
STACK_NAME_MAX = 128


def principal_arns(values: Mapping[str, Any]) -> set[str]:
    """Worker roles plus the builder role: the principals of the repository policy."""
    principals = set(values.get("worker_role_arns") or ())
    identity = values.get("builder_identity")
    if identity is not None:
        principals.add(naming.role_arn(values["account"], values["region"],
                                       builder_role_name(values["stack_name"], identity)))
    return principals


def repository_grants(values: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """What the repository policy grants each principal (see ``Parameters.repository_grants``)."""
    worker = (documents.PULL_ACTIONS if values.get("worker_access") == "pull"
              else documents.PUSH_PULL_ACTIONS)
    grants = {arn: worker for arn in values.get("worker_role_arns") or ()}
    identity = values.get("builder_identity")
    if identity is not None:
        grants[naming.role_arn(values["account"], values["region"],
                               builder_role_name(values["stack_name"], identity))] = (
            documents.PUSH_PULL_ACTIONS)
    return dict(sorted(grants.items()))


def repository_policy_of(values: Mapping[str, Any]) -> dict[str, Any]:
    """The repository policy for ``values`` (before a ``Parameters`` exists)."""
    grants = repository_grants(values)
    organization = values.get("worker_organization")
    return documents.repository_policy_document(
        [a for a, g in grants.items() if g == documents.PUSH_PULL_ACTIONS],
        [a for a, g in grants.items() if g == documents.PULL_ACTIONS],
        None if organization is None else documents.organization_statement(
            organization.organization_id, organization.role_arn_pattern,
            organization.organizational_unit_paths,
            push=values.get("worker_access") != "pull"))


def template_bytes(params: Any, *, part: Any = None) -> int:
    """The bytes of the template ``cdk synth`` writes for ``params`` (a :class:`Parameters`;
    ``app.py``'s stack, with the CLI's default path metadata): computed by
    :mod:`.template_size`, exact on every test set."""
    return template_size.template_bytes(params, part=part)


def stack_resources(values: Mapping[str, Any]) -> int:
    """The resources the parameters put in the stack beyond the ones always reserved: one per
    repository, two per pull-through cache rule (the rule and its creation template), one for
    the registry scanning configuration and one for the registry policy."""
    return (len(values.get("repositories") or ())
            + 2 * len(values.get("pull_through_cache") or ())
            + (values.get("registry_scanning") is not None)
            + (values.get("registry_policy") is not None))


@cross("repositories", "pull_through_cache", "registry_scanning", "registry_policy", "shards")
def _stack_capacity(values: Mapping[str, Any], problems: list[str]) -> None:
    shards, names = values.get("shards", 1), values["repositories"]
    if shards == 1:
        count = stack_resources(values)
        if count > MAX_REPOSITORIES_PER_STACK:
            problems.append(
                f"repositories: {len(names)} repositories and the registry settings make "
                f"{count} resources, over the {MAX_REPOSITORIES_PER_STACK} one stack holds "
                f"({MAX_STACK_RESOURCES} resources, {RESERVED_STACK_RESOURCES} kept for the "
                f"stack's own): set shards to {minimum_shards(len(names))} or more to lay them "
                "across stacks, or give fewer")
        return
    held = [len(layout.repositories_of(_Shards(names, shards), part))
            for part in range(shards)]
    fullest = max(range(shards), key=held.__getitem__)
    if held[fullest] > MAX_REPOSITORIES_PER_STACK:
        problems.append(
            f"shards: {shards} is too few for {len(names)} repositories: shard {fullest} would "
            f"hold {held[fullest]}, over the {MAX_REPOSITORIES_PER_STACK} one stack holds; set "
            f"shards to {minimum_shards(len(names))} or more")


class _Shards:
    """What :func:`layout.repositories_of` reads, before the :class:`Parameters` exist."""

    def __init__(self, repositories: Any, shards: int) -> None:
        self.repositories, self.shards = repositories, shards


def minimum_shards(repositories: int) -> int:
    """The fewest shards whose stacks hold ``repositories`` with room for the hash's unevenness:
    at most 80 % of a stack's capacity on average (the smallest count that fits is found by
    the parameters' own check; this is the count to suggest)."""
    per_stack = MAX_REPOSITORIES_PER_STACK * 4 // 5
    return max(2, -(-repositories // per_stack))


@cross("stack_name", "shards")
def _shard_stack_names(values: Mapping[str, Any], problems: list[str]) -> None:
    shards = values.get("shards", 1)
    if shards == 1:
        return
    longest = naming.shard_stack_name(values["stack_name"], shards - 1)
    if len(longest) > STACK_NAME_MAX:
        problems.append(
            f"stackName: {values['stack_name']!r} is too long for shards: stack {longest!r} "
            f"would have {len(longest)} characters, over CloudFormation's {STACK_NAME_MAX}; give "
            f"at most {STACK_NAME_MAX - len(longest) + len(values['stack_name'])}")


@cross("worker_role_arns", "builder_identity", "account", "region", "stack_name",
       "worker_access", "worker_organization")
def _repository_policy_size(values: Mapping[str, Any], problems: list[str]) -> None:
    principals = sorted(principal_arns(values))
    text = documents.policy_text(repository_policy_of(values))
    if len(text) <= documents.MAX_REPOSITORY_POLICY_CHARS:
        return
    workers = sorted(set(values["worker_role_arns"]))
    builder = [p for p in principals if p not in workers]
    # how many of the given worker roles fit next to the builder role, if any
    fit = 0
    for count in range(1, len(workers) + 1):
        document = repository_policy_of({**values, "worker_role_arns": workers[:count]})
        if len(documents.policy_text(document)) > documents.MAX_REPOSITORY_POLICY_CHARS:
            break
        fit = count
    beside = " beside the builder role" if builder else ""
    problems.append(
        f"workerRoleArns: the repository policy for {len(principals)} roles is {len(text)} "
        f"characters, over ECR's {documents.MAX_REPOSITORY_POLICY_CHARS}: {fit} of these worker "
        f"roles fit in one policy{beside}; give at most {fit}, or split the clusters across "
        "stacks with fewer roles each")


@cross("developer_principal_arns", "repositories", "account", "region")
def _developer_policy_size(values: Mapping[str, Any], problems: list[str]) -> None:
    if not values.get("developer_principal_arns"):
        return
    arns = [naming.repository_arn(values["account"], values["region"], n)
            for n in values["repositories"]]
    text = documents.policy_text(documents.push_pull_identity_document(arns))
    if len(text) > documents.MAX_MANAGED_POLICY_CHARS:
        problems.append(
            f"developerPrincipalArns: the developer policy for {len(arns)} repositories is "
            f"{len(text)} characters, over IAM's {documents.MAX_MANAGED_POLICY_CHARS} for a "
            "managed policy: give fewer repositories or grant developers separately")


@cross("builder_identity", "replication_regions", "repositories", "account", "region", "tags",
       "create_on_push_prefix")
def _identity_policy_size(values: Mapping[str, Any], problems: list[str]) -> None:
    if values.get("builder_identity") is None and not values.get("replication_regions"):
        return
    regions = [values["region"], *(values.get("replication_regions") or ())]
    arns = [naming.repository_arn(values["account"], r, n)
            for r in regions for n in values["repositories"]]
    prefix = values.get("create_on_push_prefix")
    text = documents.policy_text(documents.push_pull_identity_document(
        arns, tag_on_create=bool(values.get("tags")), create_on_push_arn=(
            naming.repository_arn(values["account"], values["region"], f"{prefix}/*")
            if prefix else None)))
    if len(text) > documents.MAX_ROLE_INLINE_POLICY_CHARS:
        per = len(text) / len(values["repositories"])
        field_name = ("builderIdentity" if values.get("builder_identity") is not None
                      else "replicationRegions")
        problems.append(
            f"{field_name}: the identity policy for {len(values['repositories'])} repositories "
            f"in {len(regions)} regions is {len(text)} characters, over IAM's "
            f"{documents.MAX_ROLE_INLINE_POLICY_CHARS} for a role's inline policies: about "
            f"{int(documents.MAX_ROLE_INLINE_POLICY_CHARS / per)} repositories fit")


def document_problems(params: Any) -> list[str]:
    """Sizes of the rendered IAM documents against IAM's quotas (``quotas``): each trust
    policy within 2,048 characters, a role's inline policies within 10,240 and the refresher
    user's within 2,048, IAM not counting white space. Run on valid parameters only."""

    def size(document: Any) -> int:
        return len(json.dumps(document, separators=(",", ":")))

    problems = []
    organization = params.worker_organization
    if organization is not None and params.worker_access == "push-pull":
        for what, arn in (("the pull secret refresher's role", params.refresher_role_arn),):
            if arn is not None and rules.arn_like(organization.role_arn_pattern, arn):
                problems.append(
                    f"workerOrganization.roleArnPattern: {organization.role_arn_pattern!r} "
                    f"matches {what} {arn}, which would then be allowed to push: narrow the "
                    "pattern")
    for field, document in (("builderIdentity", documents.builder_trust_policy(params)),
                            ("pullSecret", documents.refresher_trust_document(params))):
        if document is not None and size(document) > quotas.TRUST_POLICY_CHARS:
            problems.append(
                f"{field}: its role's trust policy would be {size(document)} characters, over "
                f"IAM's {quotas.TRUST_POLICY_CHARS} (the default quota): trust fewer "
                "namespaces, or a provider with a shorter issuer")
    refresher = documents.refresher_identity_policy(params)
    if refresher is not None:
        limit = quotas.USER_INLINE_POLICY_CHARS if params.refresher_user_arn else \
            quotas.ROLE_INLINE_POLICY_CHARS
        if size(refresher) > limit:
            problems.append(f"pullSecret: the refresher's policy would be {size(refresher)} "
                            f"characters, over IAM's {limit} for its inline policies: give "
                            "fewer repositories or replication regions")
    for part in layout.parts(params):
        template = template_bytes(params, part=part)
        if template > MAX_TEMPLATE_BYTES:
            held = len(layout.repositories_of(params, part))
            where = "" if part is None else f" in stack {layout.stack_name(params, part)}"
            problems.append(
                f"repositories: {held} repositories{where} make a template of {template} "
                f"bytes, over CloudFormation's {MAX_TEMPLATE_BYTES}: give fewer repositories "
                "or fewer worker roles per stack, or set more shards")
    if params.builder_identity is not None:
        builder = documents.push_pull_identity_policy(params)
        if size(builder) > quotas.ROLE_INLINE_POLICY_CHARS:
            problems.append(f"builderIdentity: the builder role's policy would be "
                            f"{size(builder)} characters, over IAM's "
                            f"{quotas.ROLE_INLINE_POLICY_CHARS}: give fewer repositories")
    return problems
