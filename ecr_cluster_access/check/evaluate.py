"""A small IAM policy evaluator for the requests ``check`` must decide.

It answers "is this role allowed this ECR action on this repository?" from the documents
``check`` read: the role's identity policies, its permissions boundary and the repository
policy, following AWS's evaluation logic for a request within one account (see FACTS):

- an explicit Deny in any of them wins;
- else the request is allowed when an identity policy or the resource policy allows it, and
  the permissions boundary (when there is one) allows it too; a resource policy that names the
  role's ARN is limited by the boundary like an identity policy;
- else it is implicitly denied.

``Action``/``NotAction``, ``Resource``/``NotResource`` and ``Principal`` are evaluated with
IAM's wildcards (``*`` and ``?``; actions case-insensitively). What it cannot decide is
:data:`UNKNOWN`, never a guess: a statement with a ``Condition`` (its keys depend on the
request), a ``NotPrincipal``, or a malformed statement that could apply. ``check`` reports
those as "cannot verify".
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

ALLOW = "allow"
DENY = "deny"  # an explicit Deny
IMPLICIT = "implicit-deny"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Policy:
    """One policy document and what to call it in a finding (``inline policy x`` ...)."""

    label: str
    document: Any


@dataclass(frozen=True)
class Decision:
    """The outcome of one request, and the policies that decided it."""

    result: str
    #: Labels of the policies responsible: the Allows, the Deny, the boundary that leaves the
    #: action out, the undecidable statements; empty for an implicit deny with no policy.
    by: tuple[str, ...] = ()
    #: With :data:`UNKNOWN`: whether the request could be allowed at all (an undecidable
    #: Deny cannot make a request allowed that nothing allows).
    could_allow: bool = True


@lru_cache(maxsize=4096)
def _pattern(text: str, case_insensitive: bool) -> re.Pattern[str]:
    # IAM: * matches any run of characters (including none), ? one character; nothing else
    # is special (``[`` is escaped by :func:`_iam_glob`)
    flags = re.ASCII | (re.IGNORECASE if case_insensitive else 0)
    return re.compile(fnmatch.translate(text), flags)


def _matches(patterns: Iterable[str], value: str, *, case_insensitive: bool) -> bool:
    return _matches_cached(tuple(patterns), value, case_insensitive)


@lru_cache(maxsize=65536)
def _matches_cached(patterns: tuple[str, ...], value: str, case_insensitive: bool) -> bool:
    # the same action patterns meet the same actions for every repository: decide once
    return any(_pattern(_iam_glob(p), case_insensitive).match(value) for p in patterns)


def _iam_glob(pattern: str) -> str:
    """An IAM pattern as an fnmatch pattern: only ``*`` and ``?`` are special."""
    return pattern.replace("[", "[[]")


def _resource_matches(patterns: Iterable[str], resource: str) -> bool:
    """Whether a ``Resource`` list matches ``resource``; raise ``_Undecidable`` where engines
    and AWS are known to read a pattern differently.

    An ARN is matched segment by segment (a wildcard never crosses a ``:``). Undecidable: a
    policy variable (``${...}``, resolved per request), whitespace around a pattern, an ARN
    with fewer than six segments, a wildcard in the resource-type part
    (``arn:aws:ecr:*:*:*/name``), a pattern whose partition, service or region differs
    from the resource's only in case, and ``ARN:`` in another case (an independent engine
    reads it as an ARN).
    """
    for pattern in patterns:
        if "${" in pattern:
            raise _Undecidable("a policy variable")
        if pattern != pattern.strip():
            raise _Undecidable("a Resource with surrounding whitespace")
        if pattern == "*":
            return True
        if pattern[:4].lower() == "arn:" and not pattern.startswith("arn:"):
            raise _Undecidable("an ARN prefix in another case")
        if not pattern.startswith("arn:") or resource == "*":
            if _pattern(_iam_glob(pattern), False).match(resource):
                return True
            continue
        parts = pattern.split(":", 5)
        if len(parts) < 6:
            raise _Undecidable("an ARN with fewer than six parts")
        if "/" in parts[5] and any(c in parts[5].split("/", 1)[0] for c in "*?"):
            raise _Undecidable("a wildcard in an ARN's resource type")
        have = resource.split(":", 5)
        if len(have) < 6:
            continue
        pairs = list(zip(parts, have, strict=True))  # both have six parts here
        exact = all(_pattern(_iam_glob(p), False).match(h) for p, h in pairs)
        folded = all(_pattern(_iam_glob(p), i in (1, 2, 3)).match(h)
                     for i, (p, h) in enumerate(pairs))
        if exact != folded:
            raise _Undecidable("an ARN whose partition, service or region differs in case")
        if exact:
            return True
    return False


def _strings(value: Any) -> list[str] | None:
    """A string-or-list element as a list of strings, or ``None`` when malformed."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return list(value)
    return None


class _Undecidable(Exception):
    """A statement whose applicability cannot be decided."""


def _principal_matches(principal: Any, role_arn: str) -> bool:
    """Whether a resource policy's ``Principal`` names this role (or everyone).

    A principal naming the role's account (``123456789012`` or ``...:root``) delegates to
    the account's own IAM policies: it does not by itself allow the role, so it does not match.
    """
    if principal == "*":
        return True
    if not isinstance(principal, dict) or not principal:
        raise _Undecidable("a Principal that is not an object")
    aws = principal.get("AWS")
    if aws is None:
        return False  # Service, Federated, CanonicalUser: never this role
    values = _strings(aws)
    if values is None:
        raise _Undecidable("a Principal.AWS that is not a string or a list of strings")
    return any(v == "*" or v == role_arn for v in values)


def statement_applies(statement: Any, *, action: str, resource: str,
                      principal: str | None) -> bool:
    """Whether ``statement`` applies to the request; raise ``_Undecidable`` when unknowable.

    ``principal`` is the role ARN for a resource policy, ``None`` for an identity policy or a
    boundary (which have no ``Principal``).
    """
    if not isinstance(statement, dict):
        raise _Undecidable("a statement that is not an object")
    if ("Action" in statement) == ("NotAction" in statement):
        raise _Undecidable("neither or both of Action and NotAction")
    key = "Action" if "Action" in statement else "NotAction"
    actions = _strings(statement[key])
    if actions is None:
        raise _Undecidable(f"an {key} that is not a string or a list of strings")
    if _matches(actions, action, case_insensitive=True) != (key == "Action"):
        return False
    if "Resource" in statement or "NotResource" in statement:
        if "Resource" in statement and "NotResource" in statement:
            raise _Undecidable("both Resource and NotResource")
        key = "Resource" if "Resource" in statement else "NotResource"
        resources = _strings(statement[key])
        if resources is None:
            raise _Undecidable(f"a {key} that is not a string or a list of strings")
        if _resource_matches(resources, resource) != (key == "Resource"):
            return False
    elif principal is None:
        raise _Undecidable("an identity statement without Resource")
    if principal is not None:
        if "NotPrincipal" in statement:
            raise _Undecidable("a NotPrincipal")
        if "Principal" not in statement:
            raise _Undecidable("a resource policy statement without Principal")
        if not _principal_matches(statement["Principal"], principal):
            return False
    # it applies to this action and resource: only a condition can still rule it out
    if "Condition" in statement:
        raise _Undecidable("a Condition")
    return True


def statements_of(document: Any) -> list[Any] | None:
    """The statements of a policy document (one statement given as an object counts as a
    list of one), or ``None`` when it has no readable list."""
    if not isinstance(document, dict):
        return None
    statements = document.get("Statement")
    if isinstance(statements, dict):
        return [statements]
    return statements if isinstance(statements, list) else None


@dataclass
class _Tally:
    """Labels of the policies whose statements apply, by effect; ``maybe_*`` when undecidable."""

    allow: list[str]
    deny: list[str]
    maybe_allow: list[str]
    maybe_deny: list[str]


def _tally(policies: Sequence[Policy], *, action: str, resource: str,
           principal: str | None) -> _Tally:
    tally = _Tally([], [], [], [])
    for policy in policies:
        statements = statements_of(policy.document)
        if statements is None:
            tally.maybe_deny.append(f"{policy.label} (not a policy document)")
            continue
        for statement in statements:
            effect = statement.get("Effect") if isinstance(statement, dict) else None
            try:
                applies = statement_applies(statement, action=action, resource=resource,
                                            principal=principal)
            except _Undecidable as why:
                label = f"{policy.label} ({why})"
                if effect != "Deny":
                    tally.maybe_allow.append(label)
                if effect != "Allow":
                    tally.maybe_deny.append(label)
                continue
            if not applies:
                continue
            if effect == "Deny":
                tally.deny.append(policy.label)
            elif effect == "Allow":
                tally.allow.append(policy.label)
            else:
                tally.maybe_deny.append(f"{policy.label} (Effect {show_effect(effect)})")
    return tally


def show_effect(effect: Any) -> str:
    """An Effect value for a message, bounded."""
    text = repr(effect)
    return text if len(text) <= 40 else text[:37] + "..."


_NONE = _Tally([], [], [], [])


def decide(*, role_arn: str, action: str, resource: str, identity: Sequence[Policy],
           boundary: Policy | None = None, resource_policy: Policy | None = None) -> Decision:
    """Decide one same-account request by ``role_arn``; see the module docstring."""
    mine = _tally(identity, action=action, resource=resource, principal=None)
    theirs = (_tally([resource_policy], action=action, resource=resource, principal=role_arn)
              if resource_policy is not None else _NONE)
    limit = (_tally([boundary], action=action, resource=resource, principal=None)
             if boundary is not None else None)
    bound = limit or _NONE
    denies = mine.deny + theirs.deny + bound.deny
    if denies:
        return Decision(DENY, tuple(dict.fromkeys(denies)))
    allowed = bool(mine.allow or theirs.allow)
    bounded = limit is None or bool(limit.allow)
    could_allow = bool((allowed or mine.maybe_allow or theirs.maybe_allow)
                       and (bounded or bound.maybe_allow))
    maybe_deny = mine.maybe_deny + theirs.maybe_deny + bound.maybe_deny
    if maybe_deny:
        return Decision(UNKNOWN, tuple(dict.fromkeys(maybe_deny)), could_allow)
    if allowed and bounded:
        return Decision(ALLOW, tuple(dict.fromkeys(mine.allow + theirs.allow)))
    maybe = ([] if allowed else mine.maybe_allow + theirs.maybe_allow) + (
        [] if bounded else bound.maybe_allow)
    if could_allow:
        return Decision(UNKNOWN, tuple(dict.fromkeys(maybe)))
    if allowed and boundary is not None:
        return Decision(IMPLICIT, (boundary.label,))
    return Decision(IMPLICIT)
