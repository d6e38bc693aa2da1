"""The live drift check: does a deployed account still give exactly what the parameters say?

Two questions, both answered from documents read once with boto3 (:mod:`.read`):

1. **Is every document the stack manages exactly what the parameters render?** Repository
   policies and settings, lifecycle policies, the worker roles' token policy, the builder
   role's trust and policies, the developer policy and its attachments, the replication
   configuration, the creation template, and the absence of a registry policy
   (:mod:`.compare`).
2. **What can each worker and builder role actually do?** Every identity policy, the
   permissions boundary and the repository policy (a replica's too), evaluated
   (:mod:`.evaluate`, :mod:`.access`): the seven actions and the token must be allowed,
   nothing else that changes ECR may be, and no right to widen its own or another managed
   identity's permissions.

Tags, replicas' policies, the registry scanning configuration and repositories kept outside
the parameters with the stack's tags or grants are compared too. A managed document that
moved while access stayed the same is a :data:`NOTE`, which changes no exit status.

Each difference is a :class:`Finding` of kind ``drift``; what cannot be decided (conditions,
unreadable policies) is ``cannot-verify``. Either makes ``check`` exit 1: it never says "in
sync" unless both questions were answered. Roles in other accounts are checked on this
account's side only (the repository policy): their own identity policies live elsewhere.
"""

from __future__ import annotations

from typing import Any

from .. import documents, naming
from ..params import Parameters
from .access import RoleState, access_findings, checked_identities, escalation_findings
from .compare import (
    compare_documents,
    creation_template_findings,
    kept_findings,
    load_document,
    pull_through_cache_findings,
    registry_policy_findings,
    registry_scanning_findings,
    replica_findings,
    replication_findings,
    repository_policy_findings,
    settings_findings,
    tag_findings,
    without_organization_grant,
)
from .findings import CANNOT_VERIFY, DRIFT, NOTE, Finding, cannot_verify, drift, note
from .read import (
    DEFAULT_CONCURRENCY,
    DEFAULT_TIMEOUT,
    AccessError,
    AccountState,
    DeadlineExceeded,
    Reader,
    RepositoryState,
)

__all__ = [
    "CANNOT_VERIFY",
    "DEFAULT_CONCURRENCY",
    "DEFAULT_TIMEOUT",
    "DRIFT",
    "NOTE",
    "AccessError",
    "AccountState",
    "DeadlineExceeded",
    "Finding",
    "RepositoryState",
    "RoleState",
    "check",
    "findings",
]


def findings(params: Parameters, state: AccountState) -> list[Finding]:
    """Every difference between ``state`` and ``params``, sorted; [] means in sync."""
    out: list[Finding] = []
    for name in params.repositories:
        repository = state.repositories.get(name)
        if repository is None:
            out.append(drift(name, "repository does not exist", repositories=(name,)))
            continue
        out += repository_policy_findings(name, repository.policy, params.repository_grants,
                                          documents.organization_grant(params))
        out += settings_findings(name, repository.description, repository.lifecycle, params)
        out += tag_findings(name, repository.tags, params)
    for label, replica in state.replicas.items():
        out += replica_findings(label, replica.policy, replica.lifecycle,
                                label.rsplit(" in ", 1)[1])
    named = list(checked_identities(params)) + list(params.cross_account_worker_role_arns)
    for name, kept in state.others.items():
        out += kept_findings(name, kept.policy, kept.tags, params, named)
    out += _role_findings(params, state.roles)
    organization = documents.organization_grant(params)
    out += access_findings(params, state.roles, {
        name: without_organization_grant(load_document(r.policy), organization)
        if r.policy is not None else None
        for name, r in (*state.repositories.items(), *state.replicas.items())})
    out += escalation_findings(params, state.roles)
    out += registry_policy_findings(state.registry_policy, params)
    out += registry_scanning_findings(state.registry_scanning, params)
    out += pull_through_cache_findings(state.pull_through_cache, params)
    for rule in params.pull_through_cache:
        out += creation_template_findings(state.cache_templates.get(rule.prefix), params,
                                          rule.prefix, "PULL_THROUGH_CACHE")
    out += replication_findings(state.replication, params)
    if params.create_on_push_prefix is not None:
        out += creation_template_findings(state.creation_template, params)
    out += _developer_findings(params, state.developer_policy)
    out += member_findings(params, state)
    return sorted(set(out), key=lambda f: (f.subject, f.message, f.kind, f.role or "",
                                           f.actions, f.repositories))


def _role_findings(params: Parameters, roles: dict[str, RoleState]) -> list[Finding]:
    """The documents the stack puts on roles: the token policy on each same-account worker
    role, and everything on the builder role (it is the stack's own)."""
    out: list[Finding] = []
    token_policy = documents.token_policy_name(params)
    for arn in params.same_account_worker_role_arns:
        role = roles.get(arn)
        subject = f"role {arn}"
        if role is None or not role.exists:
            out.append(drift(subject, "role does not exist", role=arn))
            continue
        # the token and replica pulls are decided by access_findings; create-on-push and
        # cache pulls are not, so without their statements the missing policy stays drift
        judged = not params.pull_through_cache_arns and not (
            params.create_on_push_arn and params.worker_access == "push-pull")
        if token_policy not in role.inline and judged:
            # moved or removed: what the role may do is decided with its access, and any
            # difference reported there; the move itself is information
            out.append(note(subject, f"the stack's inline policy {token_policy} does not "
                                     "exist; the role's effective access is checked instead "
                                     "(the next deploy puts the policy back)", role=arn))
            continue
        out += compare_documents(subject, f"the stack's inline policy {token_policy}",
                                 role.inline.get(token_policy),
                                 documents.worker_identity_policy(params), role=arn)
    builder = params.builder_role_arn
    if builder is not None:
        trust = documents.builder_trust_policy(params)
        out += _owned_identity_findings(
            builder, "the builder role", roles.get(builder), trust,
            {documents.BUILDER_POLICY_NAME: documents.push_pull_identity_policy(params)},
            "builderIdentity.oidcProviderArn or clusterName")
    refresher_policy = documents.refresher_identity_policy(params)
    for refresher in (params.refresher_role_arn, params.refresher_user_arn):
        if refresher is None or refresher_policy is None:
            continue
        is_user = params.refresher_user_arn == refresher
        out += _owned_identity_findings(
            refresher, "the refresher user" if is_user else "the refresher role",
            roles.get(refresher),
            None if is_user else documents.refresher_trust_document(params),
            {documents.REFRESHER_POLICY_NAME: refresher_policy},
            "pullSecret.oidcProviderArn or clusterName", trust_expected=not is_user)
    return out


def _owned_identity_findings(arn: str, what: str, state: RoleState | None, trust: Any,
                             expected: dict[str, Any], trust_source: str, *,
                             trust_expected: bool = True) -> list[Finding]:
    """An identity the stack owns (the builder role, the refresher's role or user): its trust
    policy and exactly its one inline policy; any other policy, group, boundary or console
    password is drift."""
    kind = "user" if ":user/" in arn else "role"
    subject = f"{kind} {arn}"
    if state is None or not state.exists:
        return [drift(subject, f"{what} does not exist", role=arn)]
    out: list[Finding] = []
    if trust_expected:
        if trust is None:
            out.append(cannot_verify(subject, f"the parameters give no {trust_source}: the "
                                     "trust policy cannot be compared", role=arn))
        else:
            out += compare_documents(subject, "the trust policy", state.trust, trust, role=arn)
    for name in sorted(set(state.inline) | set(expected)):
        if name in expected:
            out += compare_documents(subject, f"inline policy {name}", state.inline.get(name),
                                     expected[name], role=arn)
        else:
            out.append(drift(subject, f"has inline policy {name}, which the stack does not "
                                      "attach", role=arn))
    for policy_arn in sorted(state.attached):
        out.append(drift(subject, f"has attached policy {policy_arn}, which the stack does "
                                  "not attach", role=arn))
    for group in sorted(state.groups):
        out.append(drift(subject, f"is in group {group}, which the stack does not add it to",
                         role=arn))
    if state.boundary_arn:
        out.append(drift(subject, f"has permissions boundary {state.boundary_arn}, which the "
                                  "stack does not set", role=arn))
    if state.console_access:
        out.append(drift(subject, "has a console password: the refresher's user must have "
                                  "none", role=arn))
    return out


def _developer_findings(params: Parameters, found: dict[str, Any] | None) -> list[Finding]:
    if not params.developer_principal_arns:
        return []
    subject = f"developer policy {documents.developer_policy_name(params)}"
    if found is None:
        return [drift(subject, "does not exist")]
    out = compare_documents(subject, "the document", found["document"],
                            documents.developer_policy(params))
    want: dict[str, list[str]] = {"roles": [], "users": [], "groups": []}
    for arn in params.developer_principal_arns:
        want[naming.principal_kind_of_arn(arn) + "s"].append(naming.role_name_of_arn(arn))
    for kind in want:
        have = sorted(found["attached"].get(kind, []))
        if have != sorted(want[kind]):
            out.append(drift(subject, f"is attached to {kind} {have}, the parameters say "
                                      f"{sorted(want[kind])}"))
    return out


def check(params: Parameters, *, session: Any = None, concurrency: int = DEFAULT_CONCURRENCY,
          timeout: float = DEFAULT_TIMEOUT, max_rate: float | None = None,
          member_role: str | None = None) -> list[Finding]:
    """Read the live account and return every finding, sorted; raise :class:`AccessError`
    when AWS cannot be reached or the credentials are for another account, and
    :class:`DeadlineExceeded` when the read takes more than ``timeout`` seconds. At most
    ``max_rate`` HTTP attempts a second, when given. With ``member_role``, also each member
    account of ``workerOrganization``, through that role assumed there."""
    state = Reader(params, session=session, concurrency=concurrency, timeout=timeout,
                   max_rate=max_rate, member_role=member_role).read()
    return findings(params, state)


def member_findings(params: Parameters, state: AccountState) -> list[Finding]:
    """Each member account's side of the organization grant: its node policy as the member
    stack makes it, on the roles the parameters name; not read, it cannot be verified."""
    organization = params.worker_organization
    if organization is None:
        return []
    out: list[Finding] = []
    name = documents.member_policy_name(params)
    for member in organization.member_accounts:
        subject = f"member account {member.account}"
        read = state.members.get(member.account)
        if read is None:
            out.append(cannot_verify(subject, "not read: give --member-role NAME, a role check "
                                              "may assume in each member account"))
            continue
        out += compare_documents(subject, f"the node policy {name}", read.policy,
                                 documents.member_identity_policy(params))
        if read.policy is None:
            continue
        for role in member.role_names:
            if role.rsplit("/", 1)[-1] not in read.roles:
                out.append(drift(subject, f"role {role} does not have the node policy {name}: "
                                          "it cannot reach the registry"))
    return out
