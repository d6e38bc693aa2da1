"""The limits AWS holds, each from its source.

Lengths, patterns and item counts come from CloudFormation's resource schemas and the regions
of each partition from botocore's endpoint data, both read at build time into
``aws_sources.json`` (``make docs`` regenerates it with the pinned cfn-lint and botocore; a test
fails while it is stale). Where several resources carry one parameter (tags go on repositories,
creation templates, roles, users and Pod Identity associations), the strictest limit wins.
Quotas the schemas do not hold are below, each with the AWS page that states it.
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

_DATA: dict[str, Any] = json.loads(
    files("ecr_cluster_access.params").joinpath("aws_sources.json").read_text(encoding="utf-8"))
#: ``resource.property`` -> its ``minLength``/``maxLength``/``pattern``/``minItems``/``maxItems``.
PROPERTIES: dict[str, dict[str, Any]] = _DATA["properties"]
#: The tools the data was read from, with their versions.
SOURCES: dict[str, str] = _DATA["sources"]
#: The regions of each partition this project supports (botocore ``endpoints.json``).
REGIONS: dict[str, list[str]] = _DATA["regions"]


def _limit(key: str, pick: Any, *names: str) -> int:
    return int(pick(PROPERTIES[name][key] for name in names))


_TAG_KEYS = ("AWS::ECR::Repository.Tags.Key", "AWS::ECR::RepositoryCreationTemplate."
             "ResourceTags.Key", "AWS::IAM::Role.Tags.Key", "AWS::IAM::User.Tags.Key",
             "AWS::EKS::PodIdentityAssociation.Tags.Key")
_TAG_VALUES = tuple(name.replace(".Key", ".Value") for name in _TAG_KEYS)

#: Tags: ``AWS::ECR::Repository`` is the strictest (keys 1-127, values 1-255).
TAG_KEY_MAX = _limit("maxLength", min, *_TAG_KEYS)
TAG_VALUE_MIN = _limit("minLength", max, *_TAG_VALUES)
TAG_VALUE_MAX = _limit("maxLength", min, *_TAG_VALUES)
MAX_TAGS = _limit("maxItems", min, "AWS::ECR::Repository.Tags",
                  "AWS::ECR::RepositoryCreationTemplate.ResourceTags")
REPOSITORY_NAME_MIN = _limit("minLength", max, "AWS::ECR::Repository.RepositoryName")
REPOSITORY_NAME_MAX = _limit("maxLength", min, "AWS::ECR::Repository.RepositoryName")
#: A replication rule's repository filter: each name, and ``<createOnPushPrefix>/``.
REPLICATION_FILTER_MAX = _limit(
    "maxLength", min, "AWS::ECR::ReplicationConfiguration.ReplicationConfiguration.Rules."
    "RepositoryFilters.Filter")
REPLICATION_FILTERS_MAX = _limit(
    "maxItems", min,
    "AWS::ECR::ReplicationConfiguration.ReplicationConfiguration.Rules.RepositoryFilters")
CREATION_PREFIX_MAX = _limit("maxLength", min, "AWS::ECR::RepositoryCreationTemplate.Prefix")
CACHE_PREFIX_MIN = _limit("minLength", max, "AWS::ECR::PullThroughCacheRule.EcrRepositoryPrefix")
CACHE_PREFIX_MAX = _limit("maxLength", min, "AWS::ECR::PullThroughCacheRule.EcrRepositoryPrefix")
EXCLUSION_FILTERS_MAX = _limit("maxItems", min,
                               "AWS::ECR::Repository.ImageTagMutabilityExclusionFilters")
EXCLUSION_FILTER_MAX = _limit(
    "maxLength", min, "AWS::ECR::RepositoryCreationTemplate.ImageTagMutabilityExclusionFilters."
    "ImageTagMutabilityExclusionFilterValue")
ROLE_NAME_MAX = _limit("maxLength", min, "AWS::IAM::Role.RoleName", "AWS::IAM::User.UserName")
IAM_PATH_MAX = _limit("maxLength", min, "AWS::IAM::Role.Path", "AWS::IAM::User.Path")
REGISTRY_POLICY_MAX = _limit("maxLength", min, "AWS::ECR::RegistryPolicy.PolicyText")
REPOSITORY_POLICY_MAX = _limit("maxLength", min,
                               "AWS::ECR::RepositoryCreationTemplate.RepositoryPolicy")
LIFECYCLE_POLICY_MAX = _limit("maxLength", min,
                              "AWS::ECR::RepositoryCreationTemplate.LifecyclePolicy")

# --- quotas the resource schemas do not hold ---------------------------------------------------

#: IAM User Guide, "IAM and AWS STS quotas" (reference_iam-quotas.html): "Role trust policy
#: length: 2,048 characters" (the default; it can be raised to 4,096 on request). IAM does not
#: count white space.
TRUST_POLICY_CHARS = 2_048
#: Same page: "Inline policy size ... for roles: 10,240 characters" (all of a role's or user's
#: inline policies together; users 2,048), and "Managed policy size: 6,144 characters".
ROLE_INLINE_POLICY_CHARS = 10_240
USER_INLINE_POLICY_CHARS = 2_048
MANAGED_POLICY_CHARS = 6_144
#: Same page: names of IAM entities are unique within an account without regard to case:
#: "you can't create roles named both PRODROLE and prodrole".
IAM_NAMES_CASE_INSENSITIVE = True
#: CloudFormation User Guide, "CloudFormation quotas" (cloudformation-limits.html): 500
#: resources a stack; a template body of 1 MB through an S3 URL (51,200 bytes inline).
STACK_RESOURCES = 500
TEMPLATE_BYTES = 1_000_000


def partition_of(region: str) -> str | None:
    """The partition a region belongs to, or ``None`` when botocore knows no such region."""
    return next((p for p, regions in REGIONS.items() if region in regions), None)


_SCHEMA = "CloudFormation resource schema `{}` (cfn-lint {})"
_IAM_QUOTAS = "IAM User Guide, IAM and AWS STS quotas"
_CFN_QUOTAS = "CloudFormation User Guide, CloudFormation quotas"


def limits_table() -> str:
    """The README's limits table: each limit the parameters are held to, and its source."""
    cfn = SOURCES["cfn-lint"]

    def schema(*names: str) -> str:
        return "; ".join(_SCHEMA.format(n.replace("AWS::", ""), cfn) for n in names)

    rows = [
        ("tag keys", f"1-{TAG_KEY_MAX} characters", schema(*_TAG_KEYS[:1])),
        ("tag values", f"{TAG_VALUE_MIN}-{TAG_VALUE_MAX} characters", schema(*_TAG_VALUES[:1])),
        ("tags", f"at most {MAX_TAGS}", schema("AWS::ECR::Repository.Tags")),
        ("repository names", f"{REPOSITORY_NAME_MIN}-{REPOSITORY_NAME_MAX} characters",
         schema("AWS::ECR::Repository.RepositoryName")),
        ("createOnPushPrefix with replication", f"at most {REPLICATION_FILTER_MAX - 1} "
         "characters (its filter adds /)", schema(
             "AWS::ECR::ReplicationConfiguration.ReplicationConfiguration.Rules."
             "RepositoryFilters.Filter")),
        ("pull-through cache prefixes", f"{CACHE_PREFIX_MIN}-{CACHE_PREFIX_MAX} characters",
         schema("AWS::ECR::PullThroughCacheRule.EcrRepositoryPrefix")),
        ("tag-mutability exclusion filters", f"at most {EXCLUSION_FILTERS_MAX}, each "
         f"1-{EXCLUSION_FILTER_MAX} characters",
         schema("AWS::ECR::Repository.ImageTagMutabilityExclusionFilters")),
        ("role names", f"1-{ROLE_NAME_MAX} characters, unique in an account without regard "
         "to case", f"{schema('AWS::IAM::Role.RoleName')}; {_IAM_QUOTAS}"),
        ("IAM paths in role ARNs", f"at most {IAM_PATH_MAX} characters",
         schema("AWS::IAM::Role.Path")),
        ("regions", ", ".join(f"{p}: {len(r)}" for p, r in REGIONS.items()),
         f"botocore {SOURCES['botocore']} endpoints.json"),
        ("repository policy", f"at most {REPOSITORY_POLICY_MAX} characters",
         schema("AWS::ECR::RepositoryCreationTemplate.RepositoryPolicy")),
        ("registry policy", f"at most {REGISTRY_POLICY_MAX} characters",
         schema("AWS::ECR::RegistryPolicy.PolicyText")),
        ("lifecycle policy", f"at most {LIFECYCLE_POLICY_MAX} characters",
         schema("AWS::ECR::RepositoryCreationTemplate.LifecyclePolicy")),
        ("trust policies", f"at most {TRUST_POLICY_CHARS} characters (white space not "
         "counted)", _IAM_QUOTAS),
        ("a role's inline policies", f"at most {ROLE_INLINE_POLICY_CHARS} characters",
         _IAM_QUOTAS),
        ("the refresher user's inline policy", f"at most {USER_INLINE_POLICY_CHARS} "
         "characters", _IAM_QUOTAS),
        ("the developer managed policy", f"at most {MANAGED_POLICY_CHARS} characters",
         _IAM_QUOTAS),
        ("resources in the stack", f"at most {STACK_RESOURCES}", _CFN_QUOTAS),
        ("template", f"at most {TEMPLATE_BYTES:,} bytes (through S3)", _CFN_QUOTAS),
    ]
    lines = ["| limit | value | source |", "| --- | --- | --- |"]
    lines += [f"| {what} | {value} | {source} |" for what, value, source in rows]
    return "\n".join(lines) + "\n"
