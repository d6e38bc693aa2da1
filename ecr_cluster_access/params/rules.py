"""The rules: what each field accepts, and the checks that look at several fields at once.

Every pattern here is matched against the whole string (``fullmatch``) with ``re.ASCII``, and
written with explicit character classes, so it means the same in Python, in ``jsonschema`` and
in an editor's ECMA-262 engine. Field-level rules are :mod:`.spec` objects used by the
declarations in :mod:`.model`; cross-field checks are :class:`CrossCheck` entries that run
when every field they need passed its own rule, even if other fields failed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .. import naming
from . import quotas
from .spec import Int, Text, show

# --- patterns ----------------------------------------------------------------------------------

REPOSITORY_NAME = r"(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*"
ACCOUNT = r"[0-9]{12}"
REGION = r"(?:[a-z]{2}|us-gov)-[a-z]+-[0-9]{1,2}"
PARTITION = r"aws|aws-cn|aws-us-gov"
_IAM_NAME = r"[A-Za-z0-9+=,.@_-]"
IAM_PATH = rf"(?:{_IAM_NAME}+/)*"


def iam_arn(*kinds: str) -> str:
    """The pattern of an IAM ARN of one of ``kinds`` (``role``, ``user``, ``group``)."""
    return (rf"arn:(?:{PARTITION}):iam::[0-9]{{12}}:(?:{'|'.join(kinds)})/{IAM_PATH}"
            rf"{_IAM_NAME}{{1,64}}")


#: AWS Organizations IDs (the Organizations API reference's patterns).
ORGANIZATION_ID = r"o-[a-z0-9]{10,32}"
ORGANIZATIONAL_UNIT_PATH = (ORGANIZATION_ID
                            + r"/r-[0-9a-z]{4,32}/(?:ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}/)*")
#: A role ARN pattern for ``ArnLike``: any account (``*``) or one, and a role path and name
#: with ``*`` and ``?`` wildcards and at least one character that is none of those nor ``/``
#: (``role/*`` would be every role of the organization).
ROLE_ARN_PATTERN = (rf"arn:(?:{PARTITION}):iam::(?:\*|[0-9]{{12}}):role/"
                    r"(?=[A-Za-z0-9+=,.@_/*?-]*[A-Za-z0-9+=,.@_-])[A-Za-z0-9+=,.@_/*?-]{1,512}")
KMS_KEY_ARN = rf"arn:(?:{PARTITION}):kms:{REGION}:[0-9]{{12}}:key/[A-Za-z0-9-]{{1,128}}"
OIDC_PROVIDER_ARN = (rf"arn:(?:{PARTITION}):iam::[0-9]{{12}}:oidc-provider/"
                     r"[a-z0-9.-]+(?:/[A-Za-z0-9._-]+)*")
ROLE_NAME = rf"{_IAM_NAME}{{1,64}}"
CLUSTER_NAME = r"[0-9A-Za-z][A-Za-z0-9_-]{0,99}"
DNS1123_LABEL = r"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?"
DNS1123_SUBDOMAIN = rf"{DNS1123_LABEL}(?:\.{DNS1123_LABEL})*"
STACK_NAME = r"[A-Za-z][A-Za-z0-9-]{0,127}"
EXCLUSION_FILTER = r"[0-9A-Za-z._*-]{1,128}"
# An image reference as the container runtimes parse it (distribution/reference): an optional
# registry host with port, lowercase path components, an optional tag and an optional digest.
_HOST_PART = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_PATH_PART = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
IMAGE = (rf"(?:{_HOST_PART}(?:\.{_HOST_PART})*(?::[0-9]+)?/)?{_PATH_PART}(?:/{_PATH_PART})*"
         r"(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?"
         r"(?:@(?:sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128}))?")

#: ECR: tag-mutability exclusion filters, 1 to 5; AWS: 50 tags a resource (resource schemas).
MAX_EXCLUSION_FILTERS = quotas.EXCLUSION_FILTERS_MAX
MAX_TAGS = quotas.MAX_TAGS
#: CloudFormation holds at most 500 resources in a stack; ten are kept for the stack's own
#: resources (identity policies, CDK metadata); one resource is one repository.
MAX_STACK_RESOURCES = quotas.STACK_RESOURCES
RESERVED_STACK_RESOURCES = 10
MAX_REPOSITORIES_PER_STACK = MAX_STACK_RESOURCES - RESERVED_STACK_RESOURCES
#: The most stacks the repositories may be laid across (``shards``): 49,000 repositories.
MAX_SHARDS = 100
SHARDS_RULE = Int(1, MAX_SHARDS, f" ({MAX_SHARDS} stacks of {MAX_REPOSITORIES_PER_STACK} "
                  "repositories at most)")
#: ECR: at most 25 destinations in a registry's replication configuration, 100 filters a rule.
MAX_REPLICATION_DESTINATIONS = 25
MAX_REPLICATION_FILTERS = 100
#: ECR lifecycle counts are 32-bit.
MAX_COUNT = 2**31 - 1

# --- field rules -------------------------------------------------------------------------------


def _quote_hint(value: Any) -> str:
    return " (write it as a quoted string)" if isinstance(value, int) and not isinstance(
        value, bool) else ""


_DNS_ACCEPTED = "starting and ending with a letter or digit"


def dns_label(what: str = "a DNS-1123 label") -> Text:
    """A Kubernetes namespace: a DNS-1123 label."""
    return Text(what, f"use at most 63 lowercase letters, digits and '-', {_DNS_ACCEPTED}",
                pattern=DNS1123_LABEL, max_length=63)


def dns_subdomain(what: str = "a DNS-1123 subdomain") -> Text:
    """A Kubernetes object name: a DNS-1123 subdomain."""
    return Text(what, f"use at most 253 lowercase letters, digits and '-' and '.', "
                f"{_DNS_ACCEPTED}", pattern=DNS1123_SUBDOMAIN, max_length=253)


def choice(*choices: str) -> Text:
    """One of ``choices``, spelled exactly."""
    return Text("accepted", f"use one of {', '.join(choices)}", choices=choices)


def _not_default(value: str) -> str | None:
    if value == "default":
        return ("is not accepted: Kubernetes creates 'default' in every namespace, and applying a "
                "rendered one would replace it; list ServiceAccounts of your own, or add the "
                "Secret to your pods' spec.imagePullSecrets")
    return None


OWNED_SERVICE_ACCOUNT_RULE = Text(
    "a DNS-1123 subdomain", f"use at most 253 lowercase letters, digits and '-' and '.', "
    f"{_DNS_ACCEPTED}", pattern=DNS1123_SUBDOMAIN, max_length=253, extra=_not_default,
    schema_prefix="(?!default(?![\\s\\S]))")
ACCOUNT_RULE = Text("an AWS account ID", "use 12 digits", pattern=ACCOUNT,
                    type_hint=_quote_hint)
def known_region(value: str) -> str | None:
    if quotas.partition_of(value) is None:
        return (f"is not a region of the aws, aws-cn or aws-us-gov partitions (botocore "
                f"{quotas.SOURCES['botocore']}): use a name such as us-east-1, eu-west-2, "
                "cn-north-1 or us-gov-west-1 (a newer region needs a newer ecr-cluster-access)")
    return None


REGION_RULE = Text("an AWS region", "use a name such as us-east-1, eu-west-2, cn-north-1 or "
                   "us-gov-west-1", pattern=REGION, max_length=32, after=known_region)
REPOSITORY_RULE = Text("a valid ECR repository name", "use 2-256 lowercase letters and digits, "
                       "separated by single . _ - or /", pattern=REPOSITORY_NAME,
                       min_length=2, max_length=256)
def _iam_path_length(value: str) -> str | None:
    path = "/" + value.split(":", 5)[5].split("/", 1)[1].rpartition("/")[0]
    path = path if path == "/" else path + "/"
    if len(path) > quotas.IAM_PATH_MAX:
        return (f"has a path of {len(path)} characters: IAM accepts at most "
                f"{quotas.IAM_PATH_MAX}")
    return None


ROLE_ARN_RULE = Text("an IAM role ARN", "use arn:<partition>:iam::<12-digit account>:role/<name>",
                     pattern=iam_arn("role"), max_length=2048, after=_iam_path_length)
PRINCIPAL_ARN_RULE = Text(
    "an IAM role/user/group ARN", "use arn:<partition>:iam::<12-digit account>:role/<name>, "
    "...:user/<name> or ...:group/<name>", pattern=iam_arn("role", "user", "group"),
    max_length=2048, after=_iam_path_length)
STACK_NAME_RULE = Text("a CloudFormation stack name", "use 1-128 letters, digits and '-', "
                       "starting with a letter", pattern=STACK_NAME)
EXCLUSION_FILTER_RULE = Text("a tag filter", "use 1-128 letters, digits and . _ - with * as a "
                             "wildcard", pattern=EXCLUSION_FILTER)
KMS_KEY_ARN_RULE = Text("a KMS key ARN", "use arn:<partition>:kms:<region>:<account>:key/<key id>",
                        pattern=KMS_KEY_ARN)
ROLE_NAME_RULE = Text("an IAM role name", "use 1-64 letters, digits and + = , . @ _ -",
                      pattern=ROLE_NAME)
OIDC_PROVIDER_ARN_RULE = Text(
    "an IAM OIDC provider ARN", "use arn:<partition>:iam::<account>:oidc-provider/"
    "<issuer host and path>", pattern=OIDC_PROVIDER_ARN, max_length=2048)
CLUSTER_NAME_RULE = Text("an EKS cluster name", "use 1-100 letters, digits, - and _, starting "
                         "with a letter or digit", pattern=CLUSTER_NAME)
IMAGE_RULE = Text("an image reference", "use [host[:port]/]path[:tag][@sha256:<64 lowercase hex "
                  "digits>] in ASCII, path in lowercase", pattern=IMAGE, max_length=512)

#: Whose identity the pull-secret refresher uses (``pullSecret.credentials``).
REFRESHER_CREDENTIALS = ("irsa", "web-identity", "pod-identity", "secret", "node")
#: The refresher modes whose role trusts an IAM OIDC provider (``sts:AssumeRoleWithWebIdentity``):
#: irsa (EKS's webhook injects the token) and web-identity (the chart mounts it itself).
OIDC_CREDENTIALS = ("irsa", "web-identity")
#: The refresher modes that get a role of their own from the stack.
ROLE_CREDENTIALS = ("irsa", "web-identity", "pod-identity")


def _root_prefix(value: str) -> str | None:
    if value == "ROOT":
        return ("is not accepted: it would let builders create any repository; give a prefix "
                "such as 'builds'")
    return None


PREFIX_RULE = Text("a repository prefix", "use lowercase letters and digits separated by "
                   "single . _ - or /, without a trailing /", pattern=REPOSITORY_NAME,
                   max_length=256, extra=_root_prefix)

# --- registry-wide features --------------------------------------------------------------------

#: Pull-through cache upstreams (their hosts: :data:`naming.UPSTREAMS`).
UPSTREAMS = naming.UPSTREAMS
#: ECR: at most 50 pull-through cache rules in a registry (the default quota).
MAX_PULL_THROUGH_CACHE_RULES = 50
PTC_PREFIX = r"[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*"
PTC_PREFIX_RULE = Text("a pull-through cache prefix", "use 2-30 lowercase letters and digits "
                       "separated by . _ - or /, without a trailing /", pattern=PTC_PREFIX,
                       min_length=2, max_length=30, extra=_root_prefix)
CREDENTIAL_ARN = (rf"arn:(?:{PARTITION}):secretsmanager:{REGION}:[0-9]{{12}}:secret:"
                  r"ecr-pullthroughcache/[A-Za-z0-9/_+=.@-]+")
CREDENTIAL_ARN_RULE = Text("a Secrets Manager secret ARN", "use arn:<partition>:secretsmanager:"
                           "<region>:<account>:secret:ecr-pullthroughcache/<name>",
                           pattern=CREDENTIAL_ARN, min_length=50, max_length=612)
ECR_HOST = r"[0-9]{12}\.dkr\.ecr\.(?:[a-z]{2}|us-gov)-[a-z]+-[0-9]{1,2}\.amazonaws\.com(?:\.cn)?"
ECR_HOST_RULE = Text("an ECR registry host", "use <account>.dkr.ecr.<region>.amazonaws.com",
                     pattern=ECR_HOST, max_length=64)
#: ECR: a registry scanning configuration holds at most 2 rules of at most 100 filters.
MAX_SCANNING_RULES = 2
MAX_SCANNING_FILTERS = 100
SCAN_FILTER_RULE = Text("a scanning filter", "use 1-255 lowercase letters, digits, . _ - / "
                        "and * as a wildcard", pattern=r"[a-z0-9*](?:[._/a-z0-9*-]?[a-z0-9*]+)*",
                        max_length=255)
#: This project's limit on accounts replicating into the registry (the policy must stay
#: under ECR's 10,240 characters, checked as well).
MAX_REPLICATION_SOURCES = 20
ORGANIZATION_ID_RULE = Text("an AWS Organizations ID", "use o- and 10-32 lowercase letters and "
                            "digits", pattern=ORGANIZATION_ID)
ORGANIZATIONAL_UNIT_PATH_RULE = Text(
    "an organizational unit path", "use <organization id>/<root id>/<ou id>/.../ as "
    "aws:PrincipalOrgPaths spells it, ending in /", pattern=ORGANIZATIONAL_UNIT_PATH,
    max_length=1024)
ROLE_ARN_PATTERN_RULE = Text(
    "a role ARN pattern", "use arn:<partition>:iam::<account or *>:role/<path and name, with * "
    "and ? as wildcards and at least one letter or digit>",
    pattern=ROLE_ARN_PATTERN, max_length=2048)
MAX_ORGANIZATIONAL_UNITS = 10
#: A role's name with its path, as in its ARN after ``role/`` (``nodes/eks-node-a``).
ROLE_PATH_AND_NAME_RULE = Text("an IAM role name", "use [path/]name: 1-64 letters, digits and "
                               "+ = , . @ _ -, after the role's path if it has one",
                               pattern=IAM_PATH + ROLE_NAME, max_length=512)
#: Member accounts app.py deploys a stack to, and the roles attached in each (IAM attaches a
#: managed policy to any number of roles; 20 keeps the stack small).
MAX_MEMBER_ACCOUNTS = 200
MAX_MEMBER_ROLES = 20
MAX_REGISTRY_POLICY_CHARS = 10_240

_TAG_PUNCTUATION = set("_.:/=+-@ ")


def _aws_tag_characters(value: str) -> str | None:
    """AWS tags: letters, numbers, separators (spaces) and ``_ . : / = + - @`` only."""
    for char in value:
        if char not in _TAG_PUNCTUATION and unicodedata.category(char)[0] not in "LNZ":
            return (f"holds {show(char)}, which AWS does not accept in tags: use letters, "
                    "digits, spaces and _ . : / = + - @")
    return None


def _tag_key_extra(value: str) -> str | None:
    if value.lower().startswith("aws:"):
        return "is not accepted: keys starting with 'aws:' are reserved by AWS"
    return _aws_tag_characters(value)


TAG_KEY_RULE = Text("accepted", f"use 1-{quotas.TAG_KEY_MAX} characters, not starting with "
                    "'aws:'", max_length=quotas.TAG_KEY_MAX, extra=_tag_key_extra,
                    schema_prefix="(?![aA][wW][sS]:)")
TAG_VALUE_RULE = Text("accepted", f"use {quotas.TAG_VALUE_MIN}-{quotas.TAG_VALUE_MAX} characters "
                      "(ECR refuses an empty tag value)", min_length=quotas.TAG_VALUE_MIN,
                      max_length=quotas.TAG_VALUE_MAX, extra=_aws_tag_characters)
LIFECYCLE_COUNT = Int(1, MAX_COUNT, ", or leave it out")
REFRESH_HOURS = Int(1, 8, ", well inside the token's 12 hours")

#: Lifecycle rules for tagged images: this project keeps to 20 rules of 20 tags each (ECR's own
#: limit is the policy text, 30,720 characters, checked as well).
MAX_LIFECYCLE_RULES = 20
MAX_LIFECYCLE_TAGS = 20
MAX_LIFECYCLE_POLICY_CHARS = 30_720
MAX_TAG_PATTERN_WILDCARDS = 4
TAG_PREFIX_RULE = Text("an image tag prefix", "use 1-128 letters, digits and . _ -",
                       pattern=r"[A-Za-z0-9_.-]{1,128}")


def _four_wildcards(value: str) -> str | None:
    if value.count("*") > MAX_TAG_PATTERN_WILDCARDS:
        return (f"has {value.count('*')} wildcards: ECR accepts at most "
                f"{MAX_TAG_PATTERN_WILDCARDS} in each pattern")
    return None


TAG_PATTERN_RULE = Text("an image tag pattern", "use 1-128 letters, digits, . _ - and * (at "
                        "most four)", pattern=r"[A-Za-z0-9_.*-]{1,128}", extra=_four_wildcards)


# --- cross-field checks ------------------------------------------------------------------------

@dataclass(frozen=True)
class CrossCheck:
    """A check over several fields; runs only when each field in ``needs`` passed its rule."""

    needs: tuple[str, ...]
    run: Callable[[Mapping[str, Any], list[str]], None]


CROSS_CHECKS: list[CrossCheck] = []


def cross(*needs: str) -> Callable[[Callable[[Mapping[str, Any], list[str]], None]],
                                   Callable[[Mapping[str, Any], list[str]], None]]:
    """Register a cross-field check that needs the fields ``needs`` (snake_case names)."""
    def register(run: Callable[[Mapping[str, Any], list[str]], None]
                 ) -> Callable[[Mapping[str, Any], list[str]], None]:
        CROSS_CHECKS.append(CrossCheck(needs, run))
        return run
    return register


def _partition_problem(path: str, arn: str, region: str) -> str | None:
    partition, expected = arn.split(":", 2)[1], naming.partition_for_region(region)
    if partition != expected:
        return (f"{path}: {show(arn)} is in partition {partition!r} but region {region!r} is "
                f"in {expected!r}: use arn:{expected}:iam::...")
    return None


def _good_items(values: Mapping[str, Any], name: str, rule: Text) -> list[tuple[int, str]]:
    """``(index, item)`` of the items of list ``name`` that pass ``rule`` (first of duplicates)."""
    items = values.get(name) or ()
    if not isinstance(items, (list, tuple)):
        return []
    seen: set[str] = set()
    out = []
    for i, item in enumerate(items):
        if isinstance(item, str) and item not in seen and rule.reason(item) is None:
            seen.add(item)
            out.append((i, item))
    return out


@cross("region", "worker_organization")
def _worker_organization(values: Mapping[str, Any], problems: list[str]) -> None:
    organization = values.get("worker_organization")
    if organization is None:
        return
    problem = _partition_problem("workerOrganization.roleArnPattern",
                                 organization.role_arn_pattern, values["region"])
    if problem:
        problems.append(problem)
    seen: set[str] = set()
    for i, member in enumerate(organization.member_accounts):
        where = f"workerOrganization.memberAccounts[{i}]"
        if member.account == values.get("account") or member.account in seen:
            problems.append(f"{where}.account: {member.account!r} is "
                            + ("the registry's own account: its roles are workerRoleArns"
                               if member.account == values.get("account")
                               else "listed twice: give each account once"))
        seen.add(member.account)
        for j, name in enumerate(member.role_names):
            arn = naming.role_arn(member.account, values["region"], name)
            if not arn_like(organization.role_arn_pattern, arn):
                problems.append(f"{where}.roleNames[{j}]: {arn} does not match roleArnPattern "
                                f"{organization.role_arn_pattern!r}: the repository policy "
                                "would not admit it")
    for i, path in enumerate(organization.organizational_unit_paths):
        if not path.startswith(organization.organization_id + "/"):
            problems.append(
                f"workerOrganization.organizationalUnitPaths[{i}]: {show(path)} is not in "
                f"organization {organization.organization_id!r}: start it with "
                f"{organization.organization_id}/")


def arn_like(pattern: str, arn: str) -> bool:
    """IAM's ``ArnLike``: ``*`` any characters, ``?`` one, each of the six ARN parts matched
    on its own (the resource part, ``role/path/name``, is one)."""
    import re

    parts, values = pattern.split(":", 5), arn.split(":", 5)
    return len(parts) == len(values) == 6 and all(
        re.fullmatch("".join(".*" if c == "*" else "." if c == "?" else re.escape(c)
                             for c in p), v, re.S) is not None
        for p, v in zip(parts, values, strict=True))


@cross("region")
def _worker_role_partitions(values: Mapping[str, Any], problems: list[str]) -> None:
    seen: dict[tuple[str, str], str] = {}
    for i, arn in _good_items(values, "worker_role_arns", ROLE_ARN_RULE):
        problem = _partition_problem(f"workerRoleArns[{i}]", arn, values["region"])
        if problem:
            problems.append(problem)
        # IAM names are unique in an account without regard to case or path: one role
        key = (naming.account_of_arn(arn), naming.role_name_of_arn(arn).lower())
        if key in seen:
            problems.append(f"workerRoleArns[{i}]: {show(arn)} names the same role as "
                            f"{seen[key]!r}: IAM role names ignore case and path within an "
                            "account; list it once")
        seen.setdefault(key, arn)


@cross("region", "account")
def _developer_principals(values: Mapping[str, Any], problems: list[str]) -> None:
    account = values["account"]
    for i, arn in _good_items(values, "developer_principal_arns", PRINCIPAL_ARN_RULE):
        problem = _partition_problem(f"developerPrincipalArns[{i}]", arn, values["region"])
        if problem:
            problems.append(problem)
        elif naming.account_of_arn(arn) != account:
            problems.append(
                f"developerPrincipalArns[{i}]: {show(arn)} is in account "
                f"{naming.account_of_arn(arn)}, not {account}: an identity policy can only be "
                "attached in its own account; list principals of this account")


@cross("kms_key_arn", "encryption", "region")
def _kms_key(values: Mapping[str, Any], problems: list[str]) -> None:
    arn, encryption, region = values.get("kms_key_arn"), values["encryption"], values["region"]
    if arn is None:
        return
    if encryption != "KMS":
        problems.append(f"kmsKeyArn: {show(arn)} is set but encryption is {show(encryption)}: "
                        "set encryption to KMS, or remove kmsKeyArn")
    elif arn.split(":")[1] != naming.partition_for_region(region):
        problems.append(f"kmsKeyArn: {show(arn)} is in partition {arn.split(':')[1]!r}: ECR "
                        f"needs a key in the repositories' region {region!r}, partition "
                        f"{naming.partition_for_region(region)!r}")
    elif arn.split(":")[3] != region:
        problems.append(f"kmsKeyArn: {show(arn)} is in region {arn.split(':')[3]!r}: ECR needs "
                        f"a key in the repositories' region {region!r}")


@cross("lifecycle")
def _lifecycle_rules(values: Mapping[str, Any], problems: list[str]) -> None:
    lifecycle = values.get("lifecycle")
    if lifecycle is None:
        return
    for i, rule in enumerate(lifecycle.rules):
        where = f"lifecycle.rules[{i}]"
        if bool(rule.tag_prefixes) == bool(rule.tag_patterns):
            problems.append(f"{where}: give tagPrefixes or tagPatterns (one of them): ECR "
                            "selects tagged images by one list")
        if (rule.keep_last is None) == (rule.expire_days is None):
            problems.append(f"{where}: give keepLast or expireDays (one of them)")
    from .. import documents

    document = documents.lifecycle_policy_document(
        lifecycle.untagged_expire_days, lifecycle.keep_last_images, lifecycle.rules)
    size = len(documents.policy_text(document)) if document else 0
    if size > MAX_LIFECYCLE_POLICY_CHARS:
        problems.append(f"lifecycle: the lifecycle policy is {size} characters, over ECR's "
                        f"{MAX_LIFECYCLE_POLICY_CHARS}: give fewer rules or tags")


def _overlap(a: str, b: str) -> bool:
    """Whether two repository prefixes (or a prefix and a name) share repositories."""
    return a == b or a.startswith(f"{b}/") or b.startswith(f"{a}/")


@cross("pull_through_cache", "repositories", "create_on_push_prefix", "account", "region")
def _pull_through_cache(values: Mapping[str, Any], problems: list[str]) -> None:
    rules = values.get("pull_through_cache") or ()
    account, region = values["account"], values["region"]
    for i, rule in enumerate(rules):
        where = f"pullThroughCache[{i}]"
        _, needs_secret = UPSTREAMS[rule.upstream]
        if needs_secret and rule.credential_arn is None:
            problems.append(f"{where}.credentialArn: missing: {rule.upstream} needs a Secrets "
                            "Manager secret named ecr-pullthroughcache/... with its credentials")
        if not needs_secret and rule.credential_arn is not None:
            problems.append(f"{where}.credentialArn: set for {rule.upstream}, which ECR reaches "
                            "without credentials (or, for ecr, with customRoleArn); remove it")
        if rule.credential_arn is not None:
            parts = rule.credential_arn.split(":")
            if parts[1] != naming.partition_for_region(region):
                problems.append(f"{where}.credentialArn: {show(rule.credential_arn)} is in "
                                f"partition {parts[1]!r}, not in {region}'s partition "
                                f"{naming.partition_for_region(region)!r}")
            elif (parts[3], parts[4]) != (region, account):
                problems.append(f"{where}.credentialArn: {show(rule.credential_arn)} is not in "
                                f"account {account} and region {region}: ECR reads the secret "
                                "in the rule's own account and region")
        if rule.upstream == "ecr":
            if rule.upstream_registry is None:
                problems.append(f"{where}.upstreamRegistry: missing: the ecr upstream needs its "
                                "host, <account>.dkr.ecr.<region>.amazonaws.com")
            elif rule.upstream_registry.split(".")[3] not in quotas.REGIONS.get(
                    naming.partition_for_region(region), ()) or (
                    rule.upstream_registry.endswith(".cn")
                    != (naming.partition_for_region(region) == "aws-cn")):
                problems.append(f"{where}.upstreamRegistry: {show(rule.upstream_registry)} is "
                                f"not a registry in {region}'s partition: ECR caches from "
                                f"<account>.dkr.ecr.<region>.{naming.dns_suffix(region)} "
                                "within one partition")
            elif rule.upstream_registry.split(".", 1)[0] != account and (
                    rule.custom_role_arn is None):
                problems.append(f"{where}.customRoleArn: missing: an upstream registry in "
                                "another account needs a role in this account for ECR to "
                                "assume")
        else:
            for key, attribute in (("upstreamRegistry", "upstream_registry"),
                                   ("customRoleArn", "custom_role_arn")):
                if getattr(rule, attribute) is not None:
                    problems.append(f"{where}.{key}: set for {rule.upstream}: it is for the "
                                    "ecr upstream; remove it")
        if rule.custom_role_arn is not None and (
                naming.account_of_arn(rule.custom_role_arn) != account):
            problems.append(f"{where}.customRoleArn: {show(rule.custom_role_arn)} is not in "
                            f"account {account}: ECR assumes a role of the registry's own "
                            "account")
        for j in range(i):
            if _overlap(rule.prefix, rules[j].prefix):
                problems.append(f"{where}.prefix: {show(rule.prefix)} overlaps "
                                f"pullThroughCache[{j}].prefix {rules[j].prefix!r}: give each "
                                "rule its own prefix")
        for name in values["repositories"]:
            if _overlap(rule.prefix, name):
                problems.append(f"{where}.prefix: {show(rule.prefix)} collides with repository "
                                f"{name!r}: the cache would create or serve repositories the "
                                "stack names; pick another prefix")
                break
        push_prefix = values.get("create_on_push_prefix")
        if push_prefix is not None and _overlap(rule.prefix, push_prefix):
            problems.append(f"{where}.prefix: {show(rule.prefix)} overlaps createOnPushPrefix "
                            f"{push_prefix!r}: a pushed and a cached image would share "
                            "repositories; pick another prefix")


@cross("registry_scanning", "scan_on_push")
def _registry_scanning(values: Mapping[str, Any], problems: list[str]) -> None:
    scanning = values.get("registry_scanning")
    if scanning is None:
        return
    frequencies = [rule.frequency for rule in scanning.rules]
    for i, frequency in enumerate(frequencies):
        if scanning.scan_type == "BASIC" and frequency != "SCAN_ON_PUSH":
            problems.append(f"registryScanning.rules[{i}].frequency: {frequency!r} needs scanType "
                            "ENHANCED: BASIC scanning only scans on push")
        if frequency in frequencies[:i]:
            problems.append(f"registryScanning.rules[{i}].frequency: {frequency!r} is also "
                            f"rules[{frequencies.index(frequency)}]'s frequency: give each "
                            "frequency one rule")
    if values["scan_on_push"] is False:
        problems.append("scanOnPush: false with registryScanning: the registry's scanning "
                        "replaces the per-repository setting; remove scanOnPush")


@cross("registry_policy", "account", "region", "repositories")
def _registry_policy(values: Mapping[str, Any], problems: list[str]) -> None:
    policy = values.get("registry_policy")
    if policy is None:
        return
    for i, source in enumerate(policy.replication_source_accounts):
        if source == values["account"]:
            problems.append(f"registryPolicy.replicationSourceAccounts[{i}]: {source!r} is this "
                            "registry's own account: list other accounts only")
    from .. import documents

    text = documents.policy_text(documents.registry_policy_document(
        values["account"], values["region"], values["repositories"],
        policy.replication_source_accounts))
    if len(text) > MAX_REGISTRY_POLICY_CHARS:
        problems.append(f"registryPolicy: the registry policy is {len(text)} characters, over "
                        f"ECR's {MAX_REGISTRY_POLICY_CHARS}: list fewer accounts or "
                        "repositories")


@cross("empty_on_delete", "removal_policy")
def _empty_on_delete(values: Mapping[str, Any], problems: list[str]) -> None:
    if values.get("empty_on_delete") and values.get("removal_policy", "retain") != "destroy":
        problems.append(
            "emptyOnDelete: true deletes images but removalPolicy is "
            f"{show(values.get('removal_policy', 'retain'))}: set removalPolicy to destroy to "
            "opt in to deleting repositories, or drop emptyOnDelete")


#: The ServiceAccount Garden's in-cluster builder runs as, in the namespace it builds in
#: (garden-io/garden, core/src/plugins/kubernetes/container/build/common.ts:
#: ``inClusterBuilderServiceAccount``; see the README's Garden section).
GARDEN_BUILDER_SERVICE_ACCOUNT = "garden-in-cluster-builder"


def builder_service_account(identity: Any) -> str:
    """The builder's ServiceAccount name (see ``Parameters.builder_service_account``)."""
    if identity.service_account is not None:
        return str(identity.service_account)
    return GARDEN_BUILDER_SERVICE_ACCOUNT if identity.for_ == "garden" else "ecr-builder"


def builder_role_name(stack_name: str, identity: Any) -> str:
    """The builder role's name: ``roleName``, or ``<stackName>-builder``."""
    return identity.role_name if identity.role_name is not None else f"{stack_name}-builder"


@cross("builder_identity", "account", "region", "stack_name")
def _builder_identity(values: Mapping[str, Any], problems: list[str]) -> None:
    identity = values.get("builder_identity")
    if identity is None:
        return
    account, region = values["account"], values["region"]
    if identity.for_ == "garden" and identity.service_account not in (
            None, GARDEN_BUILDER_SERVICE_ACCOUNT):
        problems.append(
            f"builderIdentity.serviceAccount: {show(identity.service_account)} with for garden: "
            f"Garden's in-cluster builder always runs as {GARDEN_BUILDER_SERVICE_ACCOUNT!r}, "
            "so the role would trust a ServiceAccount no builder uses; remove serviceAccount, "
            "or set for: custom")
    if identity.mode == "irsa":
        if identity.oidc_provider_arn is None:
            pass  # a stack needs it (see stack_problems); the cluster half does not
        elif naming.account_of_arn(identity.oidc_provider_arn) != account or (
                identity.oidc_provider_arn.split(":")[1] != naming.partition_for_region(region)):
            problems.append(
                f"builderIdentity.oidcProviderArn: {show(identity.oidc_provider_arn)} is not in "
                f"account {account} and the region's partition: the builder role lives there")
        if identity.cluster_name is not None:
            problems.append("builderIdentity.clusterName: set with mode irsa: it is for "
                            "pod-identity; remove it")
    else:
        if identity.oidc_provider_arn is not None:
            problems.append("builderIdentity.oidcProviderArn: set with mode pod-identity: it is "
                            "for irsa; remove it")
    role_name = builder_role_name(values["stack_name"], identity)
    if ROLE_NAME_RULE.reason(role_name):
        problems.append(f"builderIdentity.roleName: {show(role_name)} (from stackName) is not "
                        "an IAM role name: use 1-64 letters, digits and + = , . @ _ -: give "
                        "roleName")
    # IAM role names are unique in an account whatever their path and their case
    same_account = {naming.role_name_of_arn(a).lower()
                    for _, a in _good_items(values, "worker_role_arns", ROLE_ARN_RULE)
                    if naming.account_of_arn(a) == account}
    if role_name.lower() in same_account:
        problems.append(f"builderIdentity.roleName: {show(role_name)} is also a worker role: "
                        "the builder role is created by the stack; give it another name")


def refresher_role_name(stack_name: str, settings: Any) -> str:
    """The refresher role's name: ``pullSecret.roleName``, or ``<stackName>-refresher``."""
    return settings.role_name if settings.role_name is not None else f"{stack_name}-refresher"


def refresher_user_name(stack_name: str, region: str) -> str:
    """The refresher IAM user's name (``credentials: secret``): unique per stack and region."""
    return naming.stack_resource_name(stack_name, region, "ecr-refresher", 64)


def push_principals(values: Mapping[str, Any]) -> list[str]:
    """Who may push, in words, for messages: the builder role, developers, worker roles."""
    who = []
    if values.get("builder_identity") is not None:
        who.append("the builder role")
    if values.get("developer_principal_arns"):
        who.append("the developer principals")
    if values.get("worker_access", "push-pull") == "push-pull":
        who.append("the worker roles")
    return who


@cross("worker_access", "builder_identity", "developer_principal_arns")
def _someone_pushes(values: Mapping[str, Any], problems: list[str]) -> None:
    if values["worker_access"] == "pull" and not push_principals(values):
        problems.append("workerAccess: 'pull' leaves no principal able to push: the worker roles "
                        "would only pull and there is no builderIdentity or "
                        "developerPrincipalArns; set one of those, or use push-pull")


@cross("pull_secret", "worker_access", "account", "region", "stack_name", "builder_identity")
def _refresher_identity(values: Mapping[str, Any], problems: list[str]) -> None:
    settings = values.get("pull_secret")
    if settings is None:
        return
    mode, account, region = settings.credentials, values["account"], values["region"]
    if mode == "node" and values["worker_access"] == "push-pull" and not settings.allow_push_token:
        problems.append(
            "pullSecret.credentials: 'node' with workerAccess 'push-pull' puts a token that can "
            "push in the pull secret (anyone who can read it, or run a pod, in its namespaces "
            "could push): use irsa, pod-identity or secret, set workerAccess to pull, or accept "
            "it with pullSecret.allowPushToken: true")
    if settings.allow_push_token and mode != "node":
        problems.append(f"pullSecret.allowPushToken: true with credentials {mode!r}: the "
                        "refresher's own identity only pulls; remove it")
    if mode == "pod-identity" and settings.mode == "external-secrets":
        problems.append(
            "pullSecret.credentials: 'pod-identity' with mode external-secrets: the operator's "
            "ECRAuthorizationToken generator can use only the operator's own Pod Identity, not "
            "one of its own (its auth.jwt is IRSA); use irsa or secret, or mode cronjob")
    if mode == "web-identity" and settings.mode == "external-secrets":
        problems.append(
            "pullSecret.credentials: 'web-identity' with mode external-secrets: the operator's "
            "auth.jwt already exchanges a ServiceAccount token with any IAM OIDC provider, "
            "which is irsa here; use irsa, or mode cronjob")
    if "@" not in settings.image and not settings.allow_unpinned_image:
        problems.append(
            f"pullSecret.image: {show(settings.image)} is not pinned by digest: the refresher "
            "runs with AWS credentials and may patch Secrets, so a re-pushed tag must not "
            "change what runs; use repo:tag@sha256:<64 hex digits>, or accept it with "
            "pullSecret.allowUnpinnedImage: true")
    if settings.allow_unpinned_image and "@" in settings.image:
        problems.append("pullSecret.allowUnpinnedImage: true with an image pinned by digest: "
                        "remove it")
    for key, attribute, wanted in (("oidcProviderArn", "oidc_provider_arn", OIDC_CREDENTIALS),
                                   ("clusterName", "cluster_name", "pod-identity"),
                                   ("roleName", "role_name", ROLE_CREDENTIALS),
                                   ("credentialsSecret", "credentials_secret", "secret"),
                                   ("roleArn", "role_arn", "secret")):
        allowed = (wanted,) if isinstance(wanted, str) else wanted
        if getattr(settings, attribute) is not None and mode not in allowed:
            problems.append(f"pullSecret.{key}: set with credentials {mode!r}: it is for "
                            f"{' or '.join(allowed)}; remove it")
    provider = settings.oidc_provider_arn
    if mode in OIDC_CREDENTIALS and provider is not None and (
            naming.account_of_arn(provider) != account
            or provider.split(":")[1] != naming.partition_for_region(region)):
        problems.append(f"pullSecret.oidcProviderArn: {show(provider)} is not in account "
                        f"{account} and the region's partition: the refresher role lives there")
    if mode == "secret" and settings.role_arn is not None:
        problem = _partition_problem("pullSecret.roleArn", settings.role_arn, region)
        if problem:
            problems.append(problem)
    if mode in ROLE_CREDENTIALS:
        name = refresher_role_name(values["stack_name"], settings)
        if ROLE_NAME_RULE.reason(name):
            problems.append(f"pullSecret.roleName: {show(name)} (from stackName) is not an IAM "
                            "role name: use 1-64 letters, digits and + = , . @ _ -: give roleName")
        builder = values.get("builder_identity")
        same_account = {naming.role_name_of_arn(a).lower()
                        for _, a in _good_items(values, "worker_role_arns", ROLE_ARN_RULE)
                        if naming.account_of_arn(a) == account}
        if builder is not None and name.lower() == builder_role_name(
                values["stack_name"], builder).lower():
            problems.append(f"pullSecret.roleName: {show(name)} is also the builder role (IAM "
                            "names ignore case): the refresher must only pull; give it another "
                            "name")
        elif name.lower() in same_account:
            problems.append(f"pullSecret.roleName: {show(name)} is also a worker role: the "
                            "refresher role is created by the stack; give it another name")


@cross("pull_secret", "secret_name", "namespace")
def _pull_secret_name(values: Mapping[str, Any], problems: list[str]) -> None:
    settings = values.get("pull_secret")
    if settings is None:
        return
    own = values["namespace"]
    targets = list(settings.namespaces) or [own]
    if settings.name == values["secret_name"] and own in targets:
        problems.append(f"pullSecret.name: {show(settings.name)} is the ecr-config Secret's name "
                        f"in namespace {own!r}: give the pull secret another name")


@cross("replication_regions", "region", "repositories", "create_on_push_prefix")
def _replication(values: Mapping[str, Any], problems: list[str]) -> None:
    home = values["region"]
    regions = values.get("replication_regions") or ()
    for i, region in enumerate(regions):
        if region == home:
            problems.append(f"replicationRegions[{i}]: {show(region)} is the repositories' own "
                            "region: list other regions only")
        elif naming.partition_for_region(region) != naming.partition_for_region(home):
            problems.append(f"replicationRegions[{i}]: {show(region)} is in another partition "
                            f"than {home!r}: ECR replicates within a partition")
    prefix = values.get("create_on_push_prefix")
    if regions and prefix is not None and len(prefix) + 1 > quotas.REPLICATION_FILTER_MAX:
        problems.append(f"createOnPushPrefix: {show(prefix, 40)} is {len(prefix)} characters: "
                        f"with replicationRegions its filter {prefix[:8]!r}.../ must fit ECR's "
                        f"{quotas.REPLICATION_FILTER_MAX}; give at most "
                        f"{quotas.REPLICATION_FILTER_MAX - 1}")
    if regions:
        filters = len(values["repositories"]) + (1 if values.get("create_on_push_prefix") else 0)
        if filters > MAX_REPLICATION_FILTERS:
            problems.append(f"replicationRegions: a replication rule filters at most "
                            f"{MAX_REPLICATION_FILTERS} repositories; {filters} are given: "
                            "replicate fewer repositories per stack")


def stack_problems(params: Any, *, worker_roles: bool = False, oidc_provider: bool = False,
                   cluster: bool = False) -> list[str]:
    """What a stack needs beyond what the cluster half needs: a worker role, and the builder
    identity's OIDC provider (irsa) or cluster (pod-identity). An app may pass those as CDK
    objects instead (``worker_roles``, ``oidc_provider``, ``cluster`` say which it did)."""
    problems = []
    if not params.worker_role_arns and not worker_roles and params.worker_organization is None:
        problems.append("workerRoleArns: [] is empty: give at least one worker role ARN (an app "
                        "of your own can pass IRole objects: EcrClusterAccess(worker_roles=...))")
    # the builder's and the refresher's own roles: IRSA needs the provider, Pod Identity the
    # cluster, each from the parameters or as an app's object
    settings = params.pull_secret
    for key, identity, mode in (
            ("builderIdentity", params.builder_identity,
             params.builder_identity.mode if params.builder_identity else None),
            ("pullSecret", settings, settings.credentials if settings else None)):
        if mode in OIDC_CREDENTIALS and identity.oidc_provider_arn is None and not oidc_provider:
            problems.append(f"{key}.oidcProviderArn: missing: {mode} needs arn:<partition>:iam::"
                            "<account>:oidc-provider/<issuer host and path> (or, in an app, "
                            "oidc_provider=)")
        if mode == "pod-identity" and identity.cluster_name is None and not cluster:
            problems.append(f"{key}.clusterName: missing: pod-identity needs the EKS cluster "
                            "name, 1-100 letters, digits, - and _ (or, in an app, cluster=)")
    return problems


#: Kubernetes' name limits: a CronJob's name leaves 11 characters for the Job controller's
#: ``-<minutes since epoch>`` suffix under the 63 of a label value (the Job's name is a label
#: of its pods), so the API server refuses a CronJob named longer than 52; other objects are
#: DNS-1123 subdomains of at most 253 (k8s.io/apimachinery validation, batch/v1 validation).
MAX_CRONJOB_NAME = 52
MAX_OBJECT_NAME = 253


def rendered_objects(values: Mapping[str, Any]) -> list[tuple[str, str, str, str]]:
    """``(kind, namespace, name, field)`` of every object the cluster half renders for these
    parameters, plus those it only refers to (the access key Secret, the Secret the External
    Secrets Operator writes, Garden's own builder ServiceAccount), each with the parameter its
    name comes from."""
    namespace = values["namespace"]
    out = [("Secret", namespace, values["secret_name"], "secretName")]
    identity = values.get("builder_identity")
    builder = None
    if identity is not None:
        builder = (identity.namespace or namespace, builder_service_account(identity))
        # not rendered with garden (Garden makes and annotates its own), but still taken
        out.append(("ServiceAccount", *builder, "builderIdentity.serviceAccount"))
    settings = values.get("pull_secret")
    if settings is None:
        return out
    targets = list(settings.namespaces) or [namespace]
    refresher = f"{settings.name}-refresher"
    regions = [values["region"], *(values.get("replication_regions") or ())]
    for target in targets:
        out.append(("Secret", target, settings.name, "pullSecret.name"))
        if settings.mode == "external-secrets":
            out.append(("ExternalSecret", target, settings.name, "pullSecret.name"))
            out += [("ECRAuthorizationToken", target,
                     settings.name if i == 0 else f"{settings.name}-{region}", "pullSecret.name")
                    for i, region in enumerate(regions)]
            if settings.credentials == "irsa":
                out.append(("ServiceAccount", target, refresher, "pullSecret.name"))
        else:
            out += [("Role", target, refresher, "pullSecret.name"),
                    ("RoleBinding", target, refresher, "pullSecret.name")]
        for account in settings.service_accounts:
            if (target, account) != builder or identity is None or identity.for_ == "garden":
                out.append(("ServiceAccount", target, account, "pullSecret.serviceAccounts"))
    if settings.mode == "cronjob":
        out += [("ServiceAccount", namespace, refresher, "pullSecret.name"),
                ("CronJob", namespace, refresher, "pullSecret.name")]
    if settings.credentials == "secret":
        access_key = settings.credentials_secret or f"{settings.name}-aws-credentials"
        field = "pullSecret.credentialsSecret" if settings.credentials_secret else \
            "pullSecret.name"
        out += [("Secret", target, access_key, field) for target in (
            [namespace] if settings.mode == "cronjob" else targets)]
    return out


@cross("namespace", "secret_name", "builder_identity", "pull_secret", "region",
       "replication_regions")
def _kubernetes_names(values: Mapping[str, Any], problems: list[str]) -> None:
    objects = rendered_objects(values)
    seen: dict[tuple[str, str, str], str] = {}
    reported: set[str] = set()
    for kind, namespace, name, field in objects:
        limit = MAX_CRONJOB_NAME if kind == "CronJob" else MAX_OBJECT_NAME
        if len(name) > limit and field not in reported:
            reported.add(field)
            problems.append(
                f"{field}: {show(name, 60)} makes a {kind} name of {len(name)} characters: "
                f"Kubernetes accepts at most {limit}; give a shorter {field.split('.')[-1]}")
        key = (kind, namespace, name)
        # the pull secret named like ecr-config has its own line (_pull_secret_name)
        if key in seen and seen[key] != field and {seen[key], field} != {
                "secretName", "pullSecret.name"}:
            problems.append(
                f"{field}: {show(name, 60)} is also the {kind} of {seen[key]} in namespace "
                f"{namespace!r}: two objects cannot share a name; give it another name")
        seen.setdefault(key, field)
    # no two AWS identities may trust one ServiceAccount: the builder's role pushes
    settings, identity = values.get("pull_secret"), values.get("builder_identity")
    if settings is not None and identity is not None and settings.credentials in (
            *ROLE_CREDENTIALS,):
        refresher = (values["namespace"], f"{settings.name}-refresher")
        if (identity.namespace or values["namespace"],
                builder_service_account(identity)) == refresher:
            problems.append(
                f"builderIdentity.serviceAccount: {show(builder_service_account(identity))} is "
                "also the "
                "pull-secret refresher's ServiceAccount: the push-capable builder role and the "
                "pull-only refresher role would trust the same ServiceAccount; give another")
