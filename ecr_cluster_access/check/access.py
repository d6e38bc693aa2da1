"""Effective access of each identity the parameters name, decided by :mod:`.evaluate`.

For every same-account worker role, the builder role and the pull-secret refresher (its role,
its IAM user, and a same-account role it assumes), on every repository: what the identity
must do (the seven actions, and create-on-push's under the prefix, for a role that pushes;
the three pull actions for one that only pulls) must be allowed, and no other action that
changes ECR; ``ecr:GetAuthorizationToken`` must be allowed on ``*``; with replication, the
three pull actions on every replica. The documents are the role's inline and attached
policies, its permissions boundary and each repository's policy, so a Deny, a boundary that
leaves an action out or a grant of ``ecr:*`` is found wherever it comes from. Findings are
grouped by role, outcome and responsible policy, so ``ecr:*`` on 400 repositories is one line.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .. import documents
from ..params import Parameters
from .evaluate import ALLOW, DENY, UNKNOWN, Decision, Policy, decide, statements_of
from .findings import Finding, cannot_verify, drift, plural, some


@dataclass
class RoleState:
    """What ``check`` read about one IAM role."""

    arn: str
    exists: bool = True
    #: The trust policy document.
    trust: Any = None
    #: Inline policies: name to document (``None`` when unreadable).
    inline: dict[str, Any] = field(default_factory=dict)
    #: Attached managed policies: ARN to the default version's document.
    attached: dict[str, Any] = field(default_factory=dict)
    #: The permissions boundary's ARN and document, when there is one.
    boundary_arn: str | None = None
    boundary: Any = None
    #: For an IAM user: each group's policies, labelled (``group g inline policy p``).
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: For an IAM user: whether it has a console password (a login profile).
    console_access: bool = False

    def identity_policies(self) -> list[Policy]:
        """Every identity policy, labelled for findings (a user's groups' policies too)."""
        return ([Policy(f"inline policy {name}", doc) for name, doc in self.inline.items()]
                + [Policy(f"attached policy {arn}", doc) for arn, doc in self.attached.items()]
                + [Policy(f"group {group} {label}", doc) for group, policies in
                   sorted(self.groups.items()) for label, doc in policies.items()])

    def boundary_policy(self) -> Policy | None:
        """The permissions boundary, labelled for findings."""
        if self.boundary_arn is None:
            return None
        return Policy(f"permissions boundary {self.boundary_arn}", self.boundary)


@dataclass(frozen=True)
class _Request:
    action: str
    resource: str
    repository: str | None
    want: bool


#: The repository name of the witness for "any other repository" (see :func:`_witnesses`).
OTHER_REPOSITORY = "ecr-cluster-access-any-other-repository"


def _requests(params: Parameters, present: Sequence[str],
              witnesses: Sequence[str], push: bool = True) -> list[_Request]:
    """Every request to decide for one role: what must be allowed, what must not.

    The parameters' repositories and their replicas, the registry (``*``), and ``witnesses``:
    other repositories the role's own policies name, where it may change nothing beyond
    create-on-push under the prefix.
    """
    out = [_Request(documents.AUTHORIZATION_TOKEN_ACTION, "*", None, True)]
    arns = dict(zip(params.repositories, params.repository_arns, strict=False))
    changes = set(documents.ECR_REPOSITORY_CHANGE_ACTIONS)
    for name in present:
        expected = documents.expected_repository_actions(params, name, push=push)
        for action in sorted(expected | changes):
            out.append(_Request(action, arns[name], name, action in expected))
    for action in documents.ECR_CHANGE_ACTIONS:
        if action not in changes:
            out.append(_Request(action, "*", None, False))
    for arn in params.replica_repository_arns:
        region, name = arn.split(":")[3], arn.split(":repository/", 1)[1]
        for action in sorted(set(documents.PULL_ACTIONS) | changes):
            out.append(_Request(action, arn, f"{name} in {region}",
                                action in documents.PULL_ACTIONS))
    for arn in witnesses:
        region, name = arn.split(":")[3], arn.split(":repository/", 1)[1]
        expected = (documents.expected_repository_actions(params, name, push=push) - set(
            documents.PUSH_PULL_ACTIONS)) if region == params.region else frozenset()
        label = f"{name} in {region}" if region != params.region else name
        for action in sorted(changes):
            out.append(_Request(action, arn, label, action in expected))
    return out


def _witnesses(params: Parameters, identity: Sequence[Policy]) -> list[str]:
    """Repository ARNs outside the parameters that the role's own policies could reach.

    Each ``Resource`` pattern of an identity statement gives one: its wildcards filled in
    (``repository/*`` becomes ``repository/x``), or, for ``*``, ``NotResource`` and anything
    that is not an ECR repository ARN, a repository of another name in the home region. Any
    change the role may make there is beyond what the parameters grant.
    """
    known = {*params.repository_arns, *params.replica_repository_arns}
    other = f"arn:{params.partition}:ecr:{params.region}:{params.account}:repository/" \
            f"{OTHER_REPOSITORY}"
    found: dict[str, None] = {}
    for policy in identity:
        for statement in statements_of(policy.document) or []:
            if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
                continue
            resources = statement.get("Resource")
            patterns = [resources] if isinstance(resources, str) else resources
            if "NotResource" in statement or not isinstance(patterns, list):
                found[other] = None
                continue
            for pattern in patterns:
                filled = pattern.replace("*", "x").replace("?", "x") if isinstance(
                    pattern, str) else ""
                parts = filled.split(":", 5)
                if (len(parts) == 6 and parts[2].lower() == "ecr" and parts[4] == params.account
                        and parts[5].startswith("repository/") and len(parts[5]) > 11):
                    found[filled if filled not in known else other] = None
                else:
                    found[other] = None
    return [arn for arn in found if arn not in known]


def checked_identities(params: Parameters) -> dict[str, bool]:
    """Every identity whose access ``check`` decides, by ARN, with whether it may push: the
    same-account worker roles, the builder role, and the refresher's role or IAM user and a
    same-account role it assumes (``pullSecret.roleArn``)."""
    out = {arn: documents.pushes(params, arn) for arn in params.same_account_worker_role_arns}
    if params.builder_role_arn:
        out[params.builder_role_arn] = True
    for arn in (params.refresher_role_arn, params.refresher_user_arn, params.assumed_role_arn):
        if arn is not None:
            out[arn] = False
    return out


def access_findings(params: Parameters, roles: Mapping[str, RoleState],
                    repository_policies: Mapping[str, Any]) -> list[Finding]:
    """Decide every request for every identity of :func:`checked_identities`.

    ``repository_policies`` maps each existing repository to its policy document (``None``
    when it has none); missing repositories are reported elsewhere.
    """
    present = [n for n in params.repositories if n in repository_policies]
    findings: list[Finding] = []
    for arn, push in checked_identities(params).items():
        role = roles.get(arn)
        if role is None or not role.exists:
            continue  # reported as a missing role elsewhere
        identity = role.identity_policies()
        boundary = role.boundary_policy()
        requests = _requests(params, present, _witnesses(params, identity), push)
        groups: dict[tuple[str, tuple[str, ...]], list[_Request]] = defaultdict(list)
        for request in requests:
            resource_policy = None
            if request.repository is not None and request.repository in repository_policies:
                document = repository_policies[request.repository]
                resource_policy = (Policy("the repository policy", document)
                                   if document is not None else None)
            decision = decide(role_arn=arn, action=request.action, resource=request.resource,
                              identity=identity, boundary=boundary,
                              resource_policy=resource_policy)
            outcome = _outcome(request, decision)
            if outcome:
                groups[(outcome, decision.by)].append(request)
        for (outcome, by), grouped in sorted(groups.items()):
            findings.append(_finding(arn, outcome, by, grouped, present))
    return findings


def _outcome(request: _Request, decision: Decision) -> str | None:
    if decision.result == UNKNOWN:
        if not request.want and not decision.could_allow:
            return None  # nothing could allow it: an undecidable Deny changes nothing
        return "unknown-want" if request.want else "unknown-not"
    if request.want and decision.result != ALLOW:
        return "denied" if decision.result == DENY else "not-allowed"
    if not request.want and decision.result == ALLOW:
        return "extra"
    return None


def _finding(role: str, outcome: str, by: tuple[str, ...], requests: list[_Request],
             present: Sequence[str]) -> Finding:
    actions = tuple(sorted({r.action for r in requests}))
    repositories = tuple(dict.fromkeys(r.repository for r in requests if r.repository))
    on_registry = any(r.repository is None and r.resource == "*" for r in requests)
    scope = []
    if repositories:
        # "all" only when they are exactly the parameters' repositories (not four of them and
        # a name outside, which a wildcard's witness is)
        every = len(present) > 4 and set(repositories) == set(present)
        scope.append(f"all {len(present)} repositories" if every else some(repositories))
    if on_registry:
        scope.append("'*'")
    where = " and ".join(scope)
    listed = ", ".join(actions) if len(actions) <= 6 else (
        f"{', '.join(actions[:6])} and {len(actions) - 6} more")
    responsible = ", ".join(by)
    subject = f"{'user' if ':user/' in role else 'role'} {role}"
    kw = {"role": role, "actions": actions, "repositories": repositories}
    if outcome == "denied":
        return drift(subject, f"is denied {listed} on {where} by {responsible}", **kw)
    if outcome == "not-allowed":
        reason = (f"its {responsible} does not allow it" if by else
                  "no identity policy, boundary or repository policy allows it")
        return drift(subject, f"is not allowed {listed} on {where}: {reason}", **kw)
    if outcome == "extra":
        return drift(subject, f"is also allowed {listed} on {where} by {responsible}, beyond "
                              f"what the parameters grant ({plural(len(actions), 'action')})",
                     **kw)
    what = "needs" if outcome == "unknown-want" else "must not have"
    return cannot_verify(subject, f"{what} {listed} on {where}; whether it has them depends on "
                                  f"{responsible}, which check cannot decide", **kw)


#: What lets an identity widen its own or another managed identity's permissions, by the
#: kind of the target: with any of them allowed, every ECR finding is moot.
ESCALATION_ACTIONS: Mapping[str, tuple[str, ...]] = {
    "role": ("iam:AttachRolePolicy", "iam:PassRole", "iam:PutRolePolicy", "sts:AssumeRole"),
    "user": ("iam:AttachUserPolicy", "iam:CreateAccessKey", "iam:PutUserPolicy"),
}


def escalation_findings(params: Parameters, roles: Mapping[str, RoleState]) -> list[Finding]:
    """For every identity of :func:`checked_identities`: whether its identity policies (within
    its boundary) allow it :data:`ESCALATION_ACTIONS` on itself or on any other identity
    :func:`checked_identities` names. ``sts:AssumeRole`` is judged on the caller's side: its
    policies allow the call, whatever the target's trust says today."""
    targets = list(checked_identities(params))
    findings: list[Finding] = []
    for arn in targets:
        role = roles.get(arn)
        if role is None or not role.exists:
            continue
        identity, boundary = role.identity_policies(), role.boundary_policy()
        groups: dict[tuple[str, tuple[str, ...]], list[tuple[str, str]]] = defaultdict(list)
        for target in targets:
            kind = "user" if ":user/" in target else "role"
            for action in ESCALATION_ACTIONS[kind]:
                if action == "sts:AssumeRole" and target == params.assumed_role_arn and arn in (
                        params.refresher_role_arn, params.refresher_user_arn):
                    continue  # the refresher's own grant (pullSecret.roleArn)
                decision = decide(role_arn=arn, action=action, resource=target,
                                  identity=identity, boundary=boundary)
                if decision.result == ALLOW:
                    groups[("allowed", decision.by)].append((action, target))
                elif decision.result == UNKNOWN and decision.could_allow:
                    groups[("unknown", decision.by)].append((action, target))
        for (outcome, by), pairs in sorted(groups.items()):
            actions = tuple(sorted({a for a, _ in pairs}))
            on = ", ".join(dict.fromkeys("itself" if t == arn else t for _, t in pairs))
            subject = f"{'user' if ':user/' in arn else 'role'} {arn}"
            kw: dict[str, Any] = {"role": arn, "actions": actions}
            if outcome == "allowed":
                findings.append(drift(subject, f"may change its own or a managed identity's "
                                      f"permissions: {', '.join(actions)} on {on}, by "
                                      f"{', '.join(by)}; while it may, every ECR grant is moot",
                                      **kw))
            else:
                findings.append(cannot_verify(subject, f"may be able to change its own or a "
                                              f"managed identity's permissions: "
                                              f"{', '.join(actions)} on {on} depends on "
                                              f"{', '.join(by)}, which check cannot decide", **kw))
    return findings
