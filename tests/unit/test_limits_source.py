"""The limits come from their sources: the shipped aws_sources.json is what the pinned cfn-lint
(CloudFormation's resource schemas) and botocore (regions) say, and each limit class the
issue found past AWS's is refused with one line naming the field. The expected answers are
written here: AWS's numbers, and the lines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ecr_cluster_access import ParameterError, Parameters
from ecr_cluster_access.params import quotas

from ..support.aws_sources import render
from ..support.parameters import OIDC, params_dict

ROOT = Path(__file__).resolve().parent.parent.parent


def test_the_shipped_limits_are_what_cfn_lint_and_botocore_say_now() -> None:
    shipped = (ROOT / "ecr_cluster_access/params/aws_sources.json").read_text()
    assert shipped == render(), "stale: run `make docs`"


def test_the_limits_read_from_the_schemas_are_aws_s_numbers() -> None:
    # AWS::ECR::Repository's Tag is the strictest of the tagged resources
    assert (quotas.TAG_KEY_MAX, quotas.TAG_VALUE_MIN, quotas.TAG_VALUE_MAX) == (127, 1, 255)
    assert (quotas.REPOSITORY_NAME_MIN, quotas.REPOSITORY_NAME_MAX) == (2, 256)
    assert (quotas.REPLICATION_FILTER_MAX, quotas.CREATION_PREFIX_MAX) == (256, 256)
    assert (quotas.CACHE_PREFIX_MIN, quotas.CACHE_PREFIX_MAX) == (2, 30)
    assert (quotas.ROLE_NAME_MAX, quotas.IAM_PATH_MAX) == (64, 512)
    assert (quotas.REGISTRY_POLICY_MAX, quotas.REPOSITORY_POLICY_MAX,
            quotas.LIFECYCLE_POLICY_MAX) == (10_240, 10_240, 30_720)
    assert quotas.partition_of("me-south-1") == "aws"
    assert quotas.partition_of("cn-northwest-1") == "aws-cn"
    assert quotas.partition_of("us-gov-east-1") == "aws-us-gov"
    assert quotas.partition_of("xx-foo-9") is None


#: Every resource that carries the user's tags (the module's doc): a tag must fit each of them.
TAGGED = ("AWS::ECR::Repository.Tags", "AWS::ECR::RepositoryCreationTemplate.ResourceTags",
          "AWS::IAM::Role.Tags", "AWS::IAM::User.Tags", "AWS::EKS::PodIdentityAssociation.Tags")


@pytest.mark.parametrize("tags", TAGGED)
def test_a_stricter_tag_schema_on_any_tagged_resource_would_lower_the_tag_limits(
        tags: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Today ECR's repository is the strictest; were another resource's schema stricter (a new
    # cfn-lint), the limit must follow it: 100-character keys and 200-character values there.
    schemas = {name: dict(limits) for name, limits in quotas.PROPERTIES.items()}
    schemas[f"{tags}.Key"]["maxLength"] = 100
    schemas[f"{tags}.Value"]["maxLength"] = 200
    monkeypatch.setattr(quotas, "PROPERTIES", schemas)
    assert quotas._limit("maxLength", min, *quotas._TAG_KEYS) == 100
    assert quotas._limit("maxLength", min, *quotas._TAG_VALUES) == 200


def problems(**overrides: Any) -> list[str]:
    with pytest.raises(ParameterError) as caught:
        Parameters.from_mapping(params_dict(**overrides))
    return list(caught.value.problems)


CN_ROLE = "arn:aws:iam::123456789012:role/k8s-worker"


@pytest.mark.parametrize("overrides,line", [
    ({"tags": {"k" * 128: "v"}}, "tags: key '" + "k" * 76 + "... is not accepted: use 1-127 "
     "characters, not starting with 'aws:'"),
    ({"tags": {"k": "v" * 256}}, "tags.k: '" + "v" * 76 + "... is not accepted: use 1-255 "
     "characters (ECR refuses an empty tag value)"),
    ({"tags": {"k": ""}}, "tags.k: '' is not accepted: use 1-255 characters (ECR refuses an "
     "empty tag value)"),
    ({"createOnPushPrefix": "a" * 256, "replicationRegions": ["us-west-2"]},
     "createOnPushPrefix: '" + "a" * 36 + "... is 256 characters: with replicationRegions its "
     "filter 'aaaaaaaa'.../ must fit ECR's 256; give at most 255"),
    ({"workerRoleArns": ["arn:aws:iam::123456789012:role/K8s-Worker", CN_ROLE]},
     "workerRoleArns[1]: 'arn:aws:iam::123456789012:role/k8s-worker' names the same role as "
     "'arn:aws:iam::123456789012:role/K8s-Worker': IAM role names ignore case and path within "
     "an account; list it once"),
    ({"builderIdentity": {"mode": "pod-identity", "clusterName": "c", "roleName": "K8S-WORKER"}},
     "builderIdentity.roleName: 'K8S-WORKER' is also a worker role: the builder role is created "
     "by the stack; give it another name"),
    ({"workerRoleArns": ["arn:aws:iam::123456789012:role/" + "p/" * 300 + "x"]},
     "workerRoleArns[0]: 'arn:aws:iam::123456789012:role/" + "p/" * 22 + "p... has a path of "
     "601 characters: IAM accepts at most 512"),
    ({"region": "xx-foo-9"}, "region: 'xx-foo-9' is not a region of the aws, aws-cn or "
     "aws-us-gov partitions"),
    # found by the differential tests' values at the declared limits (us-west-2 padded)
    ({"replicationRegions": ["us-west-20"]}, "replicationRegions[0]: 'us-west-20' is not a "
     "region of the aws, aws-cn or aws-us-gov partitions"),
    ({"encryption": "KMS", "kmsKeyArn": "arn:aws-cn:kms:us-east-1:123456789012:key/abc"},
     "kmsKeyArn: 'arn:aws-cn:kms:us-east-1:123456789012:key/abc' is in partition 'aws-cn': "
     "ECR needs a key in the repositories' region 'us-east-1', partition 'aws'"),
    ({"pullThroughCache": [{"upstream": "docker-hub", "prefix": "docker-hub", "credentialArn":
      "arn:aws-cn:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/x"}]},
     "pullThroughCache[0].credentialArn: 'arn:aws-cn:secretsmanager:us-east-1:123456789012:"
     "secret:ecr-pullthroughcache/x' is in partition 'aws-cn', not in us-east-1's partition "
     "'aws'"),
    ({"pullThroughCache": [{"upstream": "ecr", "prefix": "up", "upstreamRegistry":
      "123456789012.dkr.ecr.us-west-2.amazonaws.com.cn"}]},
     "pullThroughCache[0].upstreamRegistry: '123456789012.dkr.ecr.us-west-2.amazonaws.com.cn' "
     "is not a registry in us-east-1's partition"),
    ({"pullSecret": {"mode": "external-secrets", "credentials": "irsa", "oidcProviderArn": OIDC,
                     "namespaces": [f"team-namespace-{i:02d}" for i in range(30)]}},
     "pullSecret: its role's trust policy would be 2268 characters, over IAM's 2048 (the "
     "default quota): trust fewer namespaces, or a provider with a shorter issuer"),
    ({"builderIdentity": {"mode": "irsa", "oidcProviderArn":
                          "arn:aws:iam::123456789012:oidc-provider/" + "a" * 1900}},
     "builderIdentity: its role's trust policy would be 5990 characters, over IAM's 2048"),
])
def test_what_aws_refuses_is_refused_in_one_line(overrides: dict[str, Any], line: str) -> None:
    (problem,) = problems(**overrides)
    assert problem.startswith(line), problem


@pytest.mark.parametrize("overrides", [
    {"tags": {"k" * 127: "v" * 255}},
    {"createOnPushPrefix": "a" * 255, "replicationRegions": ["us-west-2"]},
    {"workerRoleArns": ["arn:aws:iam::123456789012:role/" + "p/" * 255 + "x"]},
    {"region": "me-south-1", "workerRoleArns": ["arn:aws:iam::123456789012:role/w"]},
    {"pullSecret": {"mode": "external-secrets", "credentials": "irsa", "oidcProviderArn": OIDC,
                    "namespaces": [f"team-namespace-{i:02d}" for i in range(25)]}},
])
def test_one_step_inside_each_limit_is_accepted(overrides: dict[str, Any]) -> None:
    Parameters.from_mapping(params_dict(**overrides))


def test_the_readme_limits_table_is_the_generated_one_and_names_each_source() -> None:
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- limits-table -->\n(.*?)<!-- /limits-table -->", readme, re.S)
    assert found and found.group(1) == quotas.limits_table(), "regenerate it: make docs"
    rows = found.group(1).splitlines()[2:]
    assert len(rows) >= 19
    for row in rows:
        source = row.strip("|").split("|")[2].strip()
        assert source.startswith(("CloudFormation resource schema", "IAM User Guide",
                                  "CloudFormation User Guide", "botocore")), row


def test_kubernetes_openapi_schemas_hold_no_name_rule_so_the_documented_limits_are_the_source(
) -> None:
    # kubernetes-validate ships Kubernetes' OpenAPI schemas: ObjectMeta's name and namespace
    # are plain strings there, so the DNS-1123 and CronJob limits come from Kubernetes'
    # documentation (params/rules.py); if a schema ever holds a pattern, read it from there
    import json

    import kubernetes_validate

    base = Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema"
    newest = sorted(base.glob("v*-local-strict"), key=lambda p: tuple(
        int(x) for x in p.name[1:].split("-")[0].split(".")))[-1]
    meta = json.loads((newest / "objectmeta-meta-v1.json").read_text())
    for field in ("name", "namespace"):
        assert set(meta["properties"][field]) - {"description"} == {"type"}, field
