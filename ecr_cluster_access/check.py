"""The live drift check: compare a deployed account with the parameters, through boto3.

Reads with boto3's default credential chain (so profiles, ``AWS_ENDPOINT_URL`` and roles all
work), pages through ``DescribeRepositories`` once, then reads every repository's policy and
lifecycle policy concurrently with bounded concurrency. Each difference is one
:class:`Finding`; none means the account is in sync.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from . import documents, naming
from .params import Parameters

#: Default number of concurrent API calls.
DEFAULT_CONCURRENCY = 16


class AccessError(RuntimeError):
    """AWS could not be reached or refused the credentials; the message is one line."""


@dataclass(frozen=True, order=True)
class Finding:
    """One difference between the account and the parameters."""

    #: What differs: a repository name, or ``role <arn>``.
    subject: str
    #: What is wrong, in one line.
    message: str

    def __str__(self) -> str:
        return f"{self.subject}: {self.message}"


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _principals(statement: dict[str, Any]) -> list[str]:
    principal = statement.get("Principal")
    if principal == "*":
        return ["*"]
    if not isinstance(principal, dict):
        return []
    found: list[str] = []
    for kind, values in principal.items():
        found += [v if kind == "AWS" else f"{kind}:{v}" for v in _as_list(values)]
    return found


def repository_policy_findings(name: str, text: str | None,
                               worker_role_arns: Iterable[str]) -> list[Finding]:
    """Compare one repository policy with the parameters' grants (action sets, any order).

    ``worker_role_arns`` are all the principals the policy must grant: the worker roles, and
    the builder role when there is one.

    Reports a missing policy, each worker role that lacks or exceeds the seven actions,
    each principal that is not a worker role, and each statement the parameters do not make
    (a Deny, a condition, ``NotAction`` / ``NotPrincipal``, or no principal).
    """
    roles = sorted(set(worker_role_arns))
    if text is None:
        return [Finding(name, "no repository policy: the worker roles are not granted "
                              "push/pull")]
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        return [Finding(name, "the repository policy is not valid JSON")]
    expected = {a.lower(): a for a in documents.PUSH_PULL_ACTIONS}
    #: role -> granted action (or pattern), lower-cased -> as written
    granted: dict[str, dict[str, str]] = {role: {} for role in roles}
    findings: list[Finding] = []
    for index, statement in enumerate(_as_list(document.get("Statement"))):
        label = f"statement {statement.get('Sid') or index!r}"
        odd = [key for key in ("Condition", "NotAction", "NotPrincipal", "NotResource")
               if key in statement]
        principals = _principals(statement)
        if statement.get("Effect") != "Allow" or odd or not principals:
            reason = (f"Effect {statement.get('Effect')!r}" if statement.get("Effect") != "Allow"
                      else f"{', '.join(odd)}" if odd else "no principal")
            findings.append(Finding(name, f"{label} is not in the parameters ({reason})"))
            continue
        actions = {str(a).lower(): str(a) for a in _as_list(statement.get("Action"))}
        for principal in principals:
            if principal in granted:
                granted[principal].update(actions)
            else:
                findings.append(Finding(
                    name, f"{label} grants principal {principal!r}, which is not a worker role "
                          "in the parameters"))
    for role in roles:
        # a wildcard such as ecr:* covers the actions it matches, and is itself extra: the
        # parameters grant exactly the seven actions, by name
        covered = {a for a in expected for pattern in granted[role]
                   if fnmatch.fnmatchcase(a, pattern)}
        missing = sorted(expected[a] for a in expected.keys() - covered)
        extra = sorted(written for lowered, written in granted[role].items()
                       if lowered not in expected)
        if missing:
            findings.append(Finding(name, f"worker role {role} is not granted "
                                          f"{', '.join(missing)}"))
        if extra:
            findings.append(Finding(name, f"worker role {role} is also granted "
                                          f"{', '.join(extra)}, beyond the seven actions"))
    return findings


def _lifecycle_rules(document: dict[str, Any] | None) -> list[tuple[Any, ...]]:
    """The parts of lifecycle rules that matter, sorted by priority (descriptions ignored)."""
    rules = (document or {}).get("rules", [])
    return sorted((r.get("rulePriority"), json.dumps(r.get("selection"), sort_keys=True),
                   json.dumps(r.get("action"), sort_keys=True)) for r in rules)


def settings_findings(name: str, description: dict[str, Any], lifecycle_text: str | None,
                      params: Parameters) -> list[Finding]:
    """Compare a repository's tag mutability, scan on push, encryption and lifecycle."""
    findings = []
    mutability = description.get("imageTagMutability")
    if mutability != params.effective_tag_mutability:
        findings.append(Finding(name, f"image tag mutability is {mutability!r}, the parameters "
                                      f"say {params.effective_tag_mutability!r}"))
    filters = description.get("imageTagMutabilityExclusionFilters")
    if filters is not None:
        have = sorted(f.get("filter") for f in filters)
        want = sorted(params.image_tag_mutability_exclusion_filters)
        if have != want:
            findings.append(Finding(name, f"tag mutability exclusion filters are {have}, the "
                                          f"parameters say {want}"))
    scan = description.get("imageScanningConfiguration", {}).get("scanOnPush")
    if scan is not None and scan != params.scan_on_push:
        findings.append(Finding(name, f"scan on push is {scan}, the parameters say "
                                      f"{params.scan_on_push}"))
    encryption = description.get("encryptionConfiguration", {}).get("encryptionType")
    if encryption is not None and encryption != params.encryption:
        findings.append(Finding(name, f"encryption is {encryption!r}, the parameters say "
                                      f"{params.encryption!r} (set only when a repository is "
                                      "created)"))
    want_rules = _lifecycle_rules(documents.lifecycle_policy(params))
    try:
        have_rules = _lifecycle_rules(json.loads(lifecycle_text) if lifecycle_text else None)
    except json.JSONDecodeError:
        have_rules = [("unreadable",)]
    if have_rules != want_rules:
        if not want_rules:
            message = "has a lifecycle policy; the parameters set no lifecycle rule"
        elif not have_rules:
            message = "has no lifecycle policy; the parameters set lifecycle rules"
        else:
            message = "lifecycle policy differs from the parameters' lifecycle rules"
        findings.append(Finding(name, message))
    return findings


def creation_template_findings(template: dict[str, Any] | None,
                               params: Parameters) -> list[Finding]:
    """Compare the create-on-push repository creation template with the parameters: it
    exists, applies to ``CREATE_ON_PUSH``, and carries the same repository policy, lifecycle,
    tag mutability and encryption as the named repositories."""
    subject = f"creation template {params.create_on_push_prefix}/"
    if template is None:
        return [Finding(subject, "does not exist: pushes of new image names will fail")]
    findings = []
    if "CREATE_ON_PUSH" not in template.get("appliedFor", []):
        findings.append(Finding(subject, f"applies to {template.get('appliedFor')}, not "
                                         "CREATE_ON_PUSH"))
    findings += repository_policy_findings(subject, template.get("repositoryPolicy"),
                                           params.repository_principal_arns)
    findings += settings_findings(subject, template, template.get("lifecyclePolicy"), params)
    return findings


def replication_findings(configuration: dict[str, Any] | None,
                         params: Parameters) -> list[Finding]:
    """Check the registry's replication configuration covers every replication region, and
    every repository in each (a rule with no filter covers all; else a ``PREFIX_MATCH``
    filter that the name starts with)."""
    rules = (configuration or {}).get("rules", [])
    findings = []
    for region in params.replication_regions:
        covering = [rule for rule in rules if any(
            d.get("region") == region and d.get("registryId") == params.account
            for d in rule.get("destinations", []))]
        if not covering:
            findings.append(Finding(f"region {region}", "replication to this region is not "
                                                        "configured"))
            continue
        for name in params.repositories:
            if not any(not rule.get("repositoryFilters") or any(
                    f.get("filterType") == "PREFIX_MATCH" and name.startswith(f.get("filter", ""))
                    for f in rule["repositoryFilters"]) for rule in covering):
                findings.append(Finding(name, f"is not replicated to {region}"))
    return findings


def _allows(document: dict[str, Any], action: str) -> bool:
    """Whether an identity policy has an Allow of ``action`` on ``Resource: "*"``."""
    for statement in _as_list(document.get("Statement")):
        if statement.get("Effect") != "Allow" or "Condition" in statement:
            continue
        actions = _as_list(statement.get("Action"))
        if any(fnmatch.fnmatchcase(action.lower(), a.lower()) for a in actions) and "*" in (
                _as_list(statement.get("Resource"))):
            return True
    return False


def _document(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    from urllib.parse import unquote

    loaded: dict[str, Any] = json.loads(unquote(value))
    return loaded


class DriftCheck:
    """Compare one account and region with :class:`Parameters`; see :meth:`run`."""

    def __init__(self, params: Parameters, *, session: Any = None,
                 concurrency: int = DEFAULT_CONCURRENCY) -> None:
        import boto3
        from botocore.config import Config

        self.params = params
        self.concurrency = max(1, concurrency)
        try:  # a missing profile or bad config fails here, before any call
            session = session or boto3.session.Session()
            config = Config(max_pool_connections=self.concurrency,
                            retries={"mode": "standard"})
            self.ecr = session.client("ecr", region_name=params.region, config=config)
            self.iam = session.client("iam", region_name=params.region, config=config)
        except Exception as error:  # botocore raises many unrelated types; name them once
            raise AccessError(_describe(error)) from None

    def run(self) -> list[Finding]:
        """Return every finding, sorted; raise :class:`AccessError` on credential problems."""
        try:
            return sorted(self._findings())
        except AccessError:
            raise
        except Exception as error:  # botocore raises many unrelated types; name them once
            raise AccessError(_describe(error)) from None

    def _findings(self) -> Iterator[Finding]:
        described = self._describe_repositories()
        present = [name for name in self.params.repositories if name in described]
        for name in self.params.repositories:
            if name not in described:
                yield Finding(name, "repository does not exist")
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            policies = pool.map(self._repository_policy, present)
            lifecycles = pool.map(self._lifecycle_policy, present)
            # the builder role's token grant is checked like a worker role's
            roles = pool.map(self._role_findings, [*self.params.same_account_worker_role_arns,
                                                   *filter(None, [self.params.builder_role_arn])])
            for name, text, lifecycle in zip(present, policies, lifecycles):
                yield from repository_policy_findings(name, text,
                                                      self.params.repository_principal_arns)
                yield from settings_findings(name, described[name], lifecycle, self.params)
            for found in roles:
                yield from found
        if self.params.create_on_push_prefix is not None:
            yield from creation_template_findings(self._creation_template(), self.params)
        if self.params.replication_regions:
            registry = self.ecr.describe_registry()
            yield from replication_findings(registry.get("replicationConfiguration"),
                                            self.params)

    def _describe_repositories(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        paginator = self.ecr.get_paginator("describe_repositories")
        for page in paginator.paginate(registryId=self.params.account,
                                       PaginationConfig={"PageSize": 1000}):
            for repository in page["repositories"]:
                out[repository["repositoryName"]] = repository
        return out

    def _creation_template(self) -> dict[str, Any] | None:
        prefix = self.params.create_on_push_prefix
        try:
            pages = self.ecr.get_paginator("describe_repository_creation_templates").paginate(
                prefixes=[prefix])
            for page in pages:
                for template in page.get("repositoryCreationTemplates", []):
                    if template.get("prefix") == prefix:
                        found: dict[str, Any] = template
                        return found
        except self.ecr.exceptions.TemplateNotFoundException:
            return None
        return None

    def _repository_policy(self, name: str) -> str | None:
        return self._optional_text("get_repository_policy", "RepositoryPolicyNotFoundException",
                                   "policyText", name)

    def _lifecycle_policy(self, name: str) -> str | None:
        return self._optional_text("get_lifecycle_policy", "LifecyclePolicyNotFoundException",
                                   "lifecyclePolicyText", name)

    def _optional_text(self, operation: str, not_found: str, key: str,
                       name: str) -> str | None:
        """One repository's policy text from ``operation``, or ``None`` when it has none."""
        try:
            response = getattr(self.ecr, operation)(registryId=self.params.account,
                                                    repositoryName=name)
        except getattr(self.ecr.exceptions, not_found):
            return None
        text: str = response[key]
        return text

    def _role_findings(self, arn: str) -> list[Finding]:
        """Whether a same-account role has ``ecr:GetAuthorizationToken`` on ``*``."""
        name = naming.role_name_of_arn(arn)
        subject = f"role {arn}"
        unreadable: list[str] = []

        def allows(document: Any, label: str) -> bool:
            try:
                return _allows(_document(document), documents.AUTHORIZATION_TOKEN_ACTION)
            except ValueError:
                unreadable.append(label)
                return False

        try:
            for page in self.iam.get_paginator("list_role_policies").paginate(RoleName=name):
                for policy_name in page["PolicyNames"]:
                    response = self.iam.get_role_policy(RoleName=name, PolicyName=policy_name)
                    if allows(response["PolicyDocument"], policy_name):
                        return []
            paginator = self.iam.get_paginator("list_attached_role_policies")
            for page in paginator.paginate(RoleName=name):
                for attached in page["AttachedPolicies"]:
                    managed = self.iam.get_policy(PolicyArn=attached["PolicyArn"])["Policy"]
                    version = self.iam.get_policy_version(
                        PolicyArn=attached["PolicyArn"], VersionId=managed["DefaultVersionId"])
                    if allows(version["PolicyVersion"]["Document"], attached["PolicyArn"]):
                        return []
        except self.iam.exceptions.NoSuchEntityException:
            return [Finding(subject, "role does not exist")]
        unread = f" (could not read policies {', '.join(unreadable)})" if unreadable else ""
        return [Finding(subject, "no identity policy allows ecr:GetAuthorizationToken on '*': "
                                 f"the ecr-login credential helper will fail{unread}")]


def _describe(error: Exception) -> str:
    """One line for a botocore error: what failed and why, no traceback."""
    from botocore.exceptions import (
        ClientError,
        NoCredentialsError,
        NoRegionError,
        ProfileNotFound,
    )

    if isinstance(error, ProfileNotFound):
        return f"{error}: check AWS_PROFILE and ~/.aws/config"

    if isinstance(error, NoCredentialsError):
        return ("no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and "
                "AWS_SECRET_ACCESS_KEY, or run where a role is available")
    if isinstance(error, NoRegionError):
        return "no AWS region: set AWS_REGION"
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        message = error.response.get("Error", {}).get("Message", "")
        operation = getattr(error, "operation_name", "")
        return f"AWS refused {operation}: {code}: {message}".replace("\n", " ")
    return f"cannot reach AWS: {type(error).__name__}: {error}".replace("\n", " ")


def check(params: Parameters, *, session: Any = None,
          concurrency: int = DEFAULT_CONCURRENCY) -> list[Finding]:
    """Return every difference between the live account and ``params``, sorted."""
    return DriftCheck(params, session=session, concurrency=concurrency).run()
