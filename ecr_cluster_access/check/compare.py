"""Exact comparison of every document the stack manages with what the parameters render.

The expected side comes from :mod:`ecr_cluster_access.documents`, the functions the construct
uses. Documents are compared after normalising what does not change their meaning: statement
order, ``Sid``, the case of actions, a string versus a one-element list, the order inside
lists. Anything else the parameters do not produce (a statement, a principal, a condition, a
destination, a field) is drift on one line naming it. No response shape raises: a malformed
document is a drift line.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import unquote

from .. import documents
from ..params import Parameters
from .evaluate import statements_of
from .findings import Finding, cannot_verify, drift

#: Keys of a statement whose values are string-or-list and compared as sets.
_LIST_KEYS = ("Action", "NotAction", "Resource", "NotResource")


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError("duplicate key")  # which one AWS reads is not defined: refuse both
    return dict(pairs)


def load_document(value: Any) -> Any:
    """A policy document from an API response: a dict as is, JSON text (maybe URL-encoded)
    parsed; ``None`` for text that is not JSON or repeats a key within an object."""
    if not isinstance(value, str):
        return value
    for text in (value, unquote(value)):
        try:
            return json.loads(text, object_pairs_hook=_unique)
        except (ValueError, RecursionError):
            continue
    return None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _text(value: Any, limit: int = 160) -> str:
    """A value for a message: compact JSON, bounded."""
    try:
        text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def canonical_statement(statement: Any) -> str:
    """One statement as comparable text: Sid dropped, lists sorted, actions lower-cased."""
    if not isinstance(statement, dict):
        return json.dumps(statement, sort_keys=True, default=str)
    out: dict[str, Any] = {}
    for key, value in statement.items():
        if key == "Sid":
            continue
        if key in _LIST_KEYS and (isinstance(value, str) or (
                isinstance(value, list) and all(isinstance(v, str) for v in value))):
            items = _as_list(value)
            value = sorted({v.lower() if "Action" in key else v for v in items})
        elif key in ("Principal", "NotPrincipal") and isinstance(value, dict):
            value = {k: sorted({str(v) for v in _as_list(v)}) for k, v in value.items()}
        out[key] = value
    return json.dumps(out, sort_keys=True, default=str)


def describe_statement(statement: Any) -> str:
    """A statement in words: effect, actions, principals, resources, what else it has."""
    if not isinstance(statement, dict):
        return f"a statement that is not an object ({_text(statement)})"
    parts = [str(statement.get("Effect", "no Effect"))]
    for key in ("Action", "NotAction"):
        if key in statement:
            parts.append(f"{'of' if key == 'Action' else 'of all but'} "
                         f"{_names(statement[key])}")
    for key in ("Principal", "NotPrincipal"):
        if key in statement:
            parts.append(f"{'for' if key == 'Principal' else 'for all but'} "
                         f"{_principal_names(statement[key])}")
    for key in ("Resource", "NotResource"):
        if key in statement:
            parts.append(f"{'on' if key == 'Resource' else 'on all but'} "
                         f"{_names(statement[key])}")
    if "Condition" in statement:
        parts.append(f"when {_text(statement['Condition'], 400)}")
    sid = statement.get("Sid")
    return (f"statement {sid!r}: " if isinstance(sid, str) and sid else "") + " ".join(parts)


def _names(value: Any) -> str:
    items = _as_list(value)
    if all(isinstance(i, str) for i in items):
        shown = ", ".join(items[:8]) + (f" and {len(items) - 8} more" if len(items) > 8 else "")
        return shown or "nothing"
    return _text(value)


def _principal_names(value: Any) -> str:
    if value == "*":
        return "everyone (*)"
    if isinstance(value, dict):
        return "; ".join(f"{k} {_names(v)}" for k, v in value.items())
    return _text(value)


def compare_documents(subject: str, what: str, deployed: Any, expected: Any,
                      **where: Any) -> list[Finding]:
    """Compare a deployed policy document with the expected one, statement by statement."""
    if deployed is None:
        return [drift(subject, f"{what} does not exist", **where)]
    have = statements_of(deployed)
    if have is None:
        return [drift(subject, f"{what} is not a policy document: {_text(deployed)}", **where)]
    findings = []
    version = deployed.get("Version")
    if version != documents.POLICY_VERSION:
        findings.append(drift(subject, f"{what} has Version {_text(version)}, not "
                                       f"{documents.POLICY_VERSION}", **where))
    want_statements = statements_of(expected) or []
    want = [canonical_statement(s) for s in want_statements]
    remaining = list(want)
    for statement in have:
        text = canonical_statement(statement)
        if text in remaining:
            remaining.remove(text)
        else:
            findings.append(drift(subject, f"{what} has {describe_statement(statement)}, which "
                                           "the parameters do not make", **where))
    for text in remaining:
        statement = want_statements[want.index(text)]
        findings.append(drift(subject, f"{what} lacks {describe_statement(statement)}",
                              **where))
    return findings


# --- repository policies ----------------------------------------------------------------------

def same_statement(statement: Any, expected: Mapping[str, Any]) -> bool:
    """Whether ``statement`` is ``expected`` (its actions in any order and case)."""
    def normal(value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        actions = value.get("Action")
        return {**value, "Action": sorted(a.lower() for a in _as_list(actions)
                                          if isinstance(a, str))} if actions else value

    return bool(normal(statement) == normal(dict(expected)))


def without_organization_grant(document: Any, organization: Mapping[str, Any] | None) -> Any:
    """``document`` less the statements that are exactly the organization's grant (its
    conditions name the organization and a role pattern, which only AWS can resolve; a
    changed one stays, and is judged as it is)."""
    statements = statements_of(document)
    if organization is None or statements is None:
        return document
    return {**document, "Statement": [s for s in statements
                                      if not same_statement(s, organization)]}


def repository_policy_findings(name: str, text: str | None,
                               grants: Mapping[str, Sequence[str]],
                               organization: Mapping[str, Any] | None = None) -> list[Finding]:
    """Compare one repository policy with the parameters' grants.

    ``grants`` maps every principal the policy must name to its actions: the seven for the
    builder role and pushing worker roles, the three pull actions for worker roles with
    ``workerAccess: pull``. Each principal's grants are compared as action sets (any order,
    case, split across statements); every statement that is not such a plain grant (a Deny,
    a condition, ``NotAction``, ``Resource``, another principal) is drift, named with what it
    does, except the parameters' ``organization`` grant, which must be there exactly.
    """
    roles = sorted(grants)
    where = {"repositories": (name,)}
    if text is None:
        return [drift(name, "no repository policy: the worker roles are not granted push/pull",
                      **where)]
    document = load_document(text)
    statements = statements_of(document)
    if statements is None:
        return [drift(name, f"the repository policy is not a policy document: {_text(text)}",
                      **where)]
    findings = []
    if isinstance(document, dict) and document.get("Version") != documents.POLICY_VERSION:
        findings.append(drift(name, f"the repository policy has Version "
                                    f"{_text(document.get('Version'))}, not "
                                    f"{documents.POLICY_VERSION}", **where))
    granted: dict[str, set[str]] = {role: set() for role in roles}
    if organization is not None:
        if not any(same_statement(s, organization) for s in statements):
            findings.append(drift(name, f"the repository policy lacks the organization grant "
                                        f"{describe_statement(dict(organization))}", **where,
                                  actions=tuple(_strs(organization, "Action"))))
        statements = [s for s in statements if not same_statement(s, organization)]
    for statement in statements:
        plain = _plain_grant(statement)
        if plain is None:
            named = _statement_principals(statement)
            findings.append(drift(name, f"the repository policy's {describe_statement(statement)}"
                                        " is not a grant the parameters make", **where,
                                  actions=tuple(_strs(statement, "Action")),
                                  role=named[0] if len(named) == 1 else None))
            continue
        strangers = [p for p in plain[0] if p not in granted]
        if strangers:
            findings.append(drift(name, f"the repository policy's {describe_statement(statement)}"
                                        f" names {', '.join(strangers)}, not in the parameters",
                                  **where, actions=tuple(_strs(statement, "Action"))))
        for principal in plain[0]:
            if principal in granted:
                granted[principal].update(plain[1])
    for role in roles:
        expected = {a.lower(): a for a in grants[role]}
        have = granted[role]
        missing = sorted(expected[a] for a in expected.keys() - have)
        extra = sorted(_SPELLING.get(a, a) for a in have if a not in expected)
        if missing:
            findings.append(drift(name, f"worker role {role} is not granted "
                                        f"{', '.join(missing)}", **where, role=role,
                                  actions=tuple(missing)))
        if extra:
            beyond = ("the seven actions" if len(expected) == len(documents.PUSH_PULL_ACTIONS)
                      else "the three pull actions (workerAccess: pull)")
            findings.append(drift(name, f"worker role {role} is also granted {', '.join(extra)}"
                                        f", beyond {beyond}", **where, role=role,
                                  actions=tuple(extra)))
    return findings


#: ECR's own spelling of the actions a repository policy may grant, by lower-cased name.
_SPELLING = {a.lower(): a for a in (*documents.PUSH_PULL_ACTIONS, *documents.ECR_CHANGE_ACTIONS)}


def _strs(statement: Any, key: str) -> list[str]:
    if not isinstance(statement, dict):
        return []
    return [v for v in _as_list(statement.get(key)) if isinstance(v, str)]


def _statement_principals(statement: Any) -> list[str]:
    if not isinstance(statement, dict):
        return []
    principal = statement.get("Principal")
    if principal == "*":
        return ["*"]
    if isinstance(principal, dict):
        return [v if k == "AWS" else f"{k}:{v}" for k, vs in principal.items()
                for v in _as_list(vs) if isinstance(v, str)]
    return []


def _plain_grant(statement: Any) -> tuple[list[str], set[str]] | None:
    """``(principal ARNs, lower-cased actions)`` of an ``Allow`` of named actions to named AWS
    principals, with nothing else; ``None`` for any other statement (wildcards included)."""
    if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
        return None
    if set(statement) - {"Sid", "Effect", "Principal", "Action"}:
        return None
    principal = statement.get("Principal")
    if not isinstance(principal, dict) or set(principal) != {"AWS"}:
        return None
    principals = _as_list(principal["AWS"])
    actions = _as_list(statement.get("Action"))
    if not principals or not actions or not all(
            isinstance(p, str) and p != "*" for p in principals) or not all(
            isinstance(a, str) and "*" not in a and "?" not in a for a in actions):
        return None
    return principals, {a.lower() for a in actions}


# --- repository settings ----------------------------------------------------------------------

def _lifecycle_rules(document: Any) -> list[str] | None:
    """The rules of a lifecycle policy as comparable text (descriptions aside), or ``None``."""
    if document is None:
        return []
    rules = document.get("rules") if isinstance(document, dict) else None
    if not isinstance(rules, list):
        return None
    out = []
    for rule in rules:
        if not isinstance(rule, dict):
            return None
        out.append(json.dumps({k: v for k, v in rule.items() if k != "description"},
                              sort_keys=True, default=str))
    return sorted(out)


def settings_findings(name: str, description: Mapping[str, Any], lifecycle_text: str | None,
                      params: Parameters) -> list[Finding]:
    """Compare a repository's (or a creation template's) tag mutability, exclusion filters,
    scan on push, encryption and lifecycle with the parameters."""
    findings = []
    where = {"repositories": (name,)}
    mutability = description.get("imageTagMutability")
    if mutability != params.effective_tag_mutability:
        findings.append(drift(name, f"image tag mutability is {_text(mutability)}, the "
                                    f"parameters say {params.effective_tag_mutability}", **where))
    filters = description.get("imageTagMutabilityExclusionFilters")
    if filters is not None or params.image_tag_mutability_exclusion_filters:
        have = sorted(str(f.get("filter")) for f in _as_list(filters) if isinstance(f, dict))
        want = sorted(params.image_tag_mutability_exclusion_filters)
        if have != want:
            findings.append(drift(name, f"tag mutability exclusion filters are {have}, the "
                                        f"parameters say {want}", **where))
    scanning = description.get("imageScanningConfiguration")
    scan = scanning.get("scanOnPush") if isinstance(scanning, dict) else None
    if params.registry_scanning is not None:
        pass  # the registry's scanning configuration decides; compared on its own
    elif scan is None and "prefix" not in description:  # a repository always says
        findings.append(cannot_verify(name, "the scan-on-push setting was not returned",
                                      **where))
    elif scan is not None and scan != params.scan_on_push:
        findings.append(drift(name, f"scan on push is {_onoff(scan)}, the parameters say "
                                    f"{_onoff(params.scan_on_push)}", **where))
    encryption = description.get("encryptionConfiguration")
    kind = encryption.get("encryptionType") if isinstance(encryption, dict) else None
    if kind is None and "prefix" not in description:
        findings.append(cannot_verify(name, "the encryption setting was not returned", **where))
    elif kind is not None and kind != params.encryption:
        findings.append(drift(name, f"encryption is {_text(kind)}, the parameters say "
                                    f"{params.encryption} (set only when a repository is "
                                    "created)", **where))
    elif kind == "KMS" and params.kms_key_arn and isinstance(encryption, dict) and (
            encryption.get("kmsKey") not in (None, params.kms_key_arn)):
        findings.append(drift(name, f"the KMS key is {_text(encryption.get('kmsKey'))}, the "
                                    f"parameters say {params.kms_key_arn}", **where))
    want_rules = _lifecycle_rules(documents.lifecycle_policy(params))
    loaded = load_document(lifecycle_text) if lifecycle_text is not None else None
    have_rules = (None if lifecycle_text is not None and loaded is None
                  else _lifecycle_rules(loaded))
    if have_rules != want_rules:
        if have_rules is None:
            message = f"the lifecycle policy is not a lifecycle document: {_text(lifecycle_text)}"
        elif not want_rules:
            message = "has a lifecycle policy; the parameters set no lifecycle rule"
        elif not have_rules:
            message = "has no lifecycle policy; the parameters set lifecycle rules"
        else:
            message = "lifecycle policy differs from the parameters' lifecycle rules"
        findings.append(drift(name, message, **where))
    return findings


def _onoff(value: Any) -> str:
    return "on" if value is True else "off" if value is False else _text(value)


def tag_findings(name: str, tags: Mapping[str, str] | None,
                 params: Parameters) -> list[Finding]:
    """Compare a repository's tags with ``tags``, key by key (an ``aws:`` key is AWS's own,
    such as CloudFormation's ``aws:cloudformation:stack-name``, and is not compared). Tags
    can grant access (``aws:ResourceTag`` conditions), so each difference is drift."""
    if tags is None:
        return []
    where = {"repositories": (name,)}
    have = {k: v for k, v in tags.items() if not k.startswith("aws:")}
    findings = []
    for key in sorted(set(have) | set(params.tags)):
        if key not in have:
            findings.append(drift(name, f"tag {_text(key)} is missing, the parameters say "
                                        f"{_text(params.tags[key])}", **where))
        elif key not in params.tags:
            findings.append(drift(name, f"has tag {_text(key)} = {_text(have[key])}, which the "
                                        "parameters do not set", **where))
        elif have[key] != params.tags[key]:
            findings.append(drift(name, f"tag {_text(key)} is {_text(have[key])}, the "
                                        f"parameters say {_text(params.tags[key])}", **where))
    return findings


def replica_findings(label: str, policy: str | None, lifecycle: str | None,
                     region: str) -> list[Finding]:
    """A replica as ECR makes it has no repository policy and no lifecycle policy; the stack
    sets neither, so each is drift (what a replica's policy lets the named roles do is
    decided with their access too)."""
    name = label.split(" in ", 1)[0]
    where: dict[str, Any] = {"repositories": (label,), "region": region}
    findings = []
    if policy is not None:
        document = load_document(policy)
        statements = statements_of(document)
        described = ("; ".join(describe_statement(st) for st in statements)
                     if statements else _text(policy))
        findings.append(drift(f"replica {name} in {region}", "has a repository policy, which "
                              f"the stack does not set on replicas: {described}", **where))
    if lifecycle is not None:
        findings.append(drift(f"replica {name} in {region}", "has a lifecycle policy, which the "
                              "stack does not set on replicas", **where))
    return findings


def kept_findings(name: str, policy: str | None, tags: Mapping[str, str] | None,
                  params: Parameters, principals: Sequence[str]) -> list[Finding]:
    """A repository outside the parameters (and outside every creation template's prefix)
    that carries all of the stack's tags, or whose policy allows one of ``principals`` (the
    identities the parameters name) anything: a repository removed from the parameters is
    kept, with its grants, and is no longer managed."""
    reasons = []
    if params.tags and tags is not None and all(
            tags.get(k) == v for k, v in params.tags.items()):
        reasons.append("it carries the stack's tags")
    statements = statements_of(load_document(policy)) if policy is not None else None
    named = [st for st in statements or [] if isinstance(st, dict)
             and st.get("Effect") == "Allow"
             and any(p in principals for p in _statement_principals(st))]
    if named:
        reasons.append("its repository policy still grants "
                       + "; ".join(describe_statement(st) for st in named))
    if not reasons:
        return []
    return [drift(name, "kept, not managed: not in the parameters, but "
                        + ", and ".join(reasons) + " (delete it, or list it again)",
                  repositories=(name,))]


# --- registry-wide documents ------------------------------------------------------------------

def creation_template_findings(template: Mapping[str, Any] | None, params: Parameters,
                               prefix: str | None = None,
                               applied_for: str = "CREATE_ON_PUSH") -> list[Finding]:
    """Compare a repository creation template, field by field: the create-on-push one
    (default), or a pull-through cache rule's (``prefix``, ``PULL_THROUGH_CACHE``)."""
    subject = f"creation template {prefix or params.create_on_push_prefix}/"
    if template is None:
        return [drift(subject, "does not exist: pushes of new image names will fail"
                      if applied_for == "CREATE_ON_PUSH" else "does not exist: repositories "
                      "the cache creates get none of the parameters' settings or policy")]
    if not isinstance(template, Mapping):
        return [drift(subject, f"is not a template: {_text(template)}")]
    findings = []
    applied = template.get("appliedFor")
    if not isinstance(applied, list) or sorted(map(str, applied)) != [applied_for]:
        findings.append(drift(subject, f"applies to {_text(applied)}, the parameters say "
                                       f"[\"{applied_for}\"]"))
    if applied_for == "PULL_THROUGH_CACHE":  # pull only, and a Deny of every push
        text = template.get("repositoryPolicy")
        findings += compare_documents(
            subject, "the repository policy", None if text is None else load_document(text),
            documents.pull_through_cache_repository_policy(params))
    else:
        findings += repository_policy_findings(subject, template.get("repositoryPolicy"),
                                               params.repository_grants,
                                               documents.organization_grant(params))
    findings += settings_findings(subject, template, template.get("lifecyclePolicy"), params)
    want_tags = {k: v for k, v in params.tags.items()}
    have_tags = {str(t.get("Key")): t.get("Value") for t in _as_list(template.get("resourceTags"))
                 if isinstance(t, dict)}
    if have_tags != want_tags:
        findings.append(drift(subject, f"resource tags are {_text(have_tags)}, the parameters "
                                       f"say {_text(want_tags)}"))
    want_role = documents.creation_template_role_arn(params)
    have_role = template.get("customRoleArn") or None
    if have_role != want_role:
        findings.append(drift(subject, f"custom role is {_text(have_role)}, the parameters say "
                                       f"{_text(want_role)}"))
    return findings


def replication_findings(configuration: Mapping[str, Any] | None,
                         params: Parameters) -> list[Finding]:
    """Compare the registry's replication configuration with the one rule the stack sets.

    Any other rule, destination (another account above all) or filter is drift: every image
    that matches is copied there.
    """
    subject = "replication configuration"
    rules = configuration.get("rules") if isinstance(configuration, Mapping) else None
    expected = documents.replication_configuration(params)
    want = sorted(_canonical_rule(r) for r in (expected or {}).get("rules", []))
    have_rules = _as_list(rules)
    have = [_canonical_rule(r) for r in have_rules]
    if sorted(have) == want:
        return []
    findings = []
    for rule, text in zip(have_rules, have, strict=False):
        if text not in want:
            findings.append(drift(subject, f"has a rule the parameters do not make: "
                                           f"{_describe_rule(rule, params.account)}"))
    for rule in (expected or {}).get("rules", []):
        if _canonical_rule(rule) not in have:
            regions = ", ".join(d["region"] for d in rule["destinations"])
            findings.append(drift(subject, f"lacks the rule replicating "
                                           f"{len(params.replication_filters)} prefixes to "
                                           f"{regions} in {params.account}"))
    return findings or [drift(subject, "differs from the parameters' replication rule")]


def _canonical_rule(rule: Any) -> str:
    if not isinstance(rule, dict):
        return json.dumps(rule, default=str)
    destinations = sorted(json.dumps(d, sort_keys=True, default=str)
                          for d in _as_list(rule.get("destinations")))
    filters = sorted(json.dumps(f, sort_keys=True, default=str)
                     for f in _as_list(rule.get("repositoryFilters")))
    rest = {k: v for k, v in rule.items() if k not in ("destinations", "repositoryFilters")}
    return json.dumps([destinations, filters, rest], sort_keys=True, default=str)


def _describe_rule(rule: Any, account: str) -> str:
    if not isinstance(rule, dict):
        return _text(rule)
    places = []
    for destination in _as_list(rule.get("destinations")):
        if isinstance(destination, dict):
            registry = destination.get("registryId")
            other = "" if registry == account else " (another account)"
            places.append(f"{destination.get('region')} in {registry}{other}")
    filters = [f.get("filter") for f in _as_list(rule.get("repositoryFilters"))
               if isinstance(f, dict)]
    scope = f"repositories starting with {_text(filters)}" if filters else "every repository"
    return f"{scope} to {', '.join(map(str, places)) or _text(rule.get('destinations'))}"


def registry_policy_findings(text: str | None, params: Parameters | None = None
                             ) -> list[Finding]:
    """Compare the registry policy: exactly the one the parameters set (``registryPolicy``),
    or none, where each statement of one is drift, named."""
    expected = documents.registry_policy(params) if params is not None else None
    if expected is not None:
        return compare_documents("registry policy", "the registry policy",
                                 None if text is None else load_document(text), expected)
    if text is None:
        return []
    document = load_document(text)
    statements = statements_of(document)
    if statements is None:
        return [drift("registry policy", f"is not a policy document: {_text(text)}")]
    return [drift("registry policy", f"has {describe_statement(s)}; the parameters set no "
                                     "registry policy") for s in statements] or [
        drift("registry policy", "exists; the parameters set no registry policy")]


#: A registry's scanning configuration when no one has set it (what
#: ``GetRegistryScanningConfiguration`` answers on a new registry): basic scanning, no rules,
#: so each repository's own scan-on-push flag decides.
DEFAULT_REGISTRY_SCANNING: Mapping[str, Any] = {"scanType": "BASIC", "rules": []}


def registry_scanning_findings(found: Any, params: Parameters) -> list[Finding]:
    """Compare the registry scanning configuration with ``registryScanning``: the scan type,
    and each rule's frequency and filters (in any order). Without ``registryScanning`` the
    registry must be in :data:`DEFAULT_REGISTRY_SCANNING`: a registry setting overrides
    every repository's scan-on-push flag, which the parameters then decide."""
    expected = documents.registry_scanning_configuration(params) or DEFAULT_REGISTRY_SCANNING
    say = ("the parameters say" if params.registry_scanning is not None else
           "the parameters set no registryScanning, so each repository's scanOnPush decides:")
    subject = "registry scanning"
    if not isinstance(found, Mapping):
        return [drift(subject, f"configuration is {_text(found)}, {say} {_text(expected)}")]
    findings = []
    if found.get("scanType") != expected["scanType"]:
        findings.append(drift(subject, f"scan type is {_text(found.get('scanType'))}, {say} "
                                       f"{expected['scanType']}"))

    def rules_of(config: Mapping[str, Any]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for rule in _as_list(config.get("rules")):
            if isinstance(rule, Mapping):
                out[str(rule.get("scanFrequency"))] = sorted(
                    f"{f.get('filter')} ({f.get('filterType')})"
                    for f in _as_list(rule.get("repositoryFilters")) if isinstance(f, Mapping))
        return out

    have, want = rules_of(found), rules_of(expected)
    for frequency in sorted(set(have) | set(want)):
        if frequency not in want:
            findings.append(drift(subject, f"has a {frequency} rule for {have[frequency]}, which "
                                           "the parameters do not make"))
        elif frequency not in have:
            findings.append(drift(subject, f"lacks the {frequency} rule for "
                                           f"{want[frequency]}"))
        elif have[frequency] != want[frequency]:
            findings.append(drift(subject, f"{frequency} rule filters are {have[frequency]}, "
                                           f"the parameters say {want[frequency]}"))
    return findings


def pull_through_cache_findings(found: Any, params: Parameters) -> list[Finding]:
    """Compare the registry's pull-through cache rules with ``pullThroughCache``: each rule
    the parameters make, field by field, and any other rule in the registry."""
    expected = {rule["ecrRepositoryPrefix"]: rule
                for rule in documents.pull_through_cache_rules(params)}
    if not expected:
        return []
    have = {str(rule.get("ecrRepositoryPrefix")): rule for rule in _as_list(found)
            if isinstance(rule, Mapping)}
    findings = []
    for prefix in sorted(set(have) | set(expected)):
        subject = f"pull-through cache rule {prefix}/"
        if prefix not in expected:
            upstream = _text(have[prefix].get("upstreamRegistryUrl"))
            findings.append(drift(subject, f"exists for {upstream}; the parameters do not "
                                           "make it"))
            continue
        if prefix not in have:
            findings.append(drift(subject, "does not exist: pulls through it fail"))
            continue
        for key, want in expected[prefix].items():
            if have[prefix].get(key) != want:
                findings.append(drift(subject, f"{key} is {_text(have[prefix].get(key))}, the "
                                               f"parameters say {_text(want)}"))
        for key in ("credentialArn", "customRoleArn"):
            if key not in expected[prefix] and have[prefix].get(key):
                findings.append(drift(subject, f"{key} is {_text(have[prefix].get(key))}; the "
                                               "parameters set none"))
    return findings
