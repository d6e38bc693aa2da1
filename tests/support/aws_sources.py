"""Generate ``ecr_cluster_access/params/aws_sources.json``: the limits AWS publishes, read from
where AWS publishes them, never retyped:

- lengths, patterns, enumerations and item counts from CloudFormation's resource schemas, as
  the pinned cfn-lint ships them (``cfnlint/data/schemas``, us-east-1 provider);
- the regions of each partition from botocore's ``endpoints.json``.

    python -m tests.support.aws_sources > ecr_cluster_access/params/aws_sources.json

``make docs`` runs it; ``tests/unit/test_limits_source.py`` fails while the shipped file
differs from what the pinned tools say.
"""

from __future__ import annotations

import json
import os
from importlib.metadata import version
from pathlib import Path
from typing import Any

#: The CloudFormation properties whose limits the parameters inherit: resource type, then the
#: property path (``Tags.Key`` is the ``Key`` of the ``Tag`` definition the property uses).
PROPERTIES: dict[str, list[str]] = {
    "AWS::ECR::Repository": ["RepositoryName", "ImageTagMutabilityExclusionFilters",
                             "Tags", "Tags.Key", "Tags.Value"],
    "AWS::ECR::RepositoryCreationTemplate": [
        "Prefix", "RepositoryPolicy", "LifecyclePolicy", "ResourceTags", "ResourceTags.Key",
        "ResourceTags.Value", "CustomRoleArn",
        "ImageTagMutabilityExclusionFilters.ImageTagMutabilityExclusionFilterValue"],
    "AWS::ECR::ReplicationConfiguration": [
        "ReplicationConfiguration.Rules",
        "ReplicationConfiguration.Rules.Destinations",
        "ReplicationConfiguration.Rules.RepositoryFilters",
        "ReplicationConfiguration.Rules.RepositoryFilters.Filter"],
    "AWS::ECR::PullThroughCacheRule": ["EcrRepositoryPrefix", "UpstreamRegistryUrl",
                                       "CredentialArn", "CustomRoleArn"],
    "AWS::ECR::RegistryPolicy": ["PolicyText"],
    "AWS::IAM::Role": ["RoleName", "Path", "Description", "Tags.Key", "Tags.Value",
                       "AssumeRolePolicyDocument"],
    "AWS::IAM::User": ["UserName", "Path", "Tags.Key", "Tags.Value"],
    "AWS::IAM::ManagedPolicy": ["ManagedPolicyName", "Path", "Description"],
    "AWS::EKS::PodIdentityAssociation": ["ClusterName", "Namespace", "ServiceAccount",
                                         "Tags.Key", "Tags.Value"],
}
KEYS = ("minLength", "maxLength", "pattern", "enum", "minItems", "maxItems")


def _schema(resource: str, base: Path) -> dict[str, Any]:
    providers = json.loads((base / "providers" / "us-east-1.json").read_text())
    schema: dict[str, Any] = json.loads(
        (base / "resources" / f"{providers[resource]}.json").read_text())
    return schema


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[1]
        node = {**schema["definitions"][name], **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _walk(schema: dict[str, Any], path: str) -> dict[str, Any]:
    node = _resolve(schema, {"properties": schema["properties"]})
    for step in path.split("."):
        if "items" in node:
            node = _resolve(schema, node["items"])
        node = _resolve(schema, node["properties"][step])
    return node


def extract() -> dict[str, Any]:
    import botocore
    import cfnlint

    base = Path(cfnlint.__file__).parent / "data" / "schemas"
    properties: dict[str, dict[str, Any]] = {}
    for resource, paths in PROPERTIES.items():
        schema = _schema(resource, base)
        for path in paths:
            node = _walk(schema, path)
            properties[f"{resource}.{path}"] = {k: node[k] for k in KEYS if k in node}
    endpoints = json.loads((Path(botocore.__file__).parent / "data" / "endpoints.json")
                           .read_text())
    regions = {p["partition"]: sorted(p["regions"]) for p in endpoints["partitions"]
               if p["partition"] in ("aws", "aws-cn", "aws-us-gov")}
    return {"sources": {"cfn-lint": version("cfn-lint"), "botocore": version("botocore")},
            "properties": properties, "regions": regions}


def render() -> str:
    return json.dumps(extract(), indent=1, sort_keys=True) + "\n"


if __name__ == "__main__":
    os.sys.stdout.write(render())
