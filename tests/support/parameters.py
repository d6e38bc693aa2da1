"""Parameter sets the tests share, each defined once."""

from __future__ import annotations

import json
from typing import Any

#: The guide's placeholders, as in cdk.json.
DEFAULT = {
    "account": "123456789012",
    "region": "us-east-1",
    "repositories": ["builds/sample-app"],
    "workerRoleArns": ["arn:aws:iam::123456789012:role/k8s-worker"],
}

OIDC = ("arn:aws:iam::123456789012:oidc-provider/"
        "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE")


def params_dict(**overrides: Any) -> dict[str, Any]:
    """Return the default parameters as a file would spell them, with ``overrides`` applied."""
    out = json.loads(json.dumps(DEFAULT))
    out.update(overrides)
    return out


DOCKER_HUB_SECRET = ("arn:aws:secretsmanager:us-east-1:123456789012:secret:"
                     "ecr-pullthroughcache/docker-hub-AbCdEf")
#: Every registry-wide feature at once: pull-through cache (three upstreams), enhanced
#: scanning, a registry policy for replication and lifecycle rules for tagged images.
REGISTRY_FEATURES: dict[str, Any] = {
    "pullThroughCache": [
        {"upstream": "docker-hub", "prefix": "docker-hub", "credentialArn": DOCKER_HUB_SECRET},
        {"upstream": "k8s", "prefix": "k8s"},
        {"upstream": "ecr", "prefix": "upstream-ecr",
         "upstreamRegistry": "210987654321.dkr.ecr.us-east-1.amazonaws.com",
         "customRoleArn": "arn:aws:iam::123456789012:role/ecr-upstream-reader"}],
    "registryScanning": {"scanType": "ENHANCED", "rules": [
        {"frequency": "CONTINUOUS_SCAN", "filters": ["builds/*"]},
        {"frequency": "SCAN_ON_PUSH", "filters": ["*"]}]},
    "registryPolicy": {"replicationSourceAccounts": ["210987654321"]},
    "lifecycle": {"untaggedExpireDays": 7, "keepLastImages": 200, "rules": [
        {"tagPrefixes": ["release-"], "keepLast": 50},
        {"tagPatterns": ["pr-*"], "expireDays": 14}]},
}

#: Sets the AWS half's compliance tools (cfn-lint, cdk-nag, checkov) run on.
AWS_SETS: dict[str, dict[str, Any]] = {
    "default": {},
    "everything": {
        "repositories": ["a1", "team/b2", "team/c3"],
        "workerRoleArns": ["arn:aws:iam::123456789012:role/k8s-worker",
                           "arn:aws:iam::123456789012:role/eks/nodes/second",
                           "arn:aws:iam::210987654321:role/other-cluster"],
        "developerPrincipalArns": ["arn:aws:iam::123456789012:group/developers",
                                   "arn:aws:iam::123456789012:role/dev"],
        "imageTagMutability": "IMMUTABLE",
        "imageTagMutabilityExclusionFilters": ["latest", "cache-*"],
        "lifecycle": {"untaggedExpireDays": 14, "keepLastImages": 100},
        "encryption": "KMS",
        "kmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "tags": {"team": "platform", "cost-center": "42"},
        "secretName": "registry-auth",
        "namespace": "builds",
    },
    "destroy": {"removalPolicy": "destroy", "emptyOnDelete": True, "scanOnPush": False},
    "organization": {"workerOrganization": {
        "organizationId": "o-a1b2c3d4e5", "roleArnPattern": "arn:aws:iam::*:role/eks-node-*",
        "organizationalUnitPaths": ["o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/"]},
        "pullThroughCache": [{"upstream": "quay", "prefix": "quay"}]},
    "china": {"region": "cn-north-1",
              "workerRoleArns": ["arn:aws-cn:iam::123456789012:role/k8s-worker"]},
    "many": {"repositories": [f"service-{i:03d}" for i in range(120)]},
    "irsa-builder": {"builderIdentity": {
        "mode": "irsa", "oidcProviderArn": "arn:aws:iam::123456789012:oidc-provider/"
        "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"}},
    "pod-identity-builder": {"builderIdentity": {"mode": "pod-identity", "clusterName": "c"}},
    "create-on-push": {"createOnPushPrefix": "builds",
                       "builderIdentity": {"mode": "pod-identity", "clusterName": "c"}},
    "replication": {"replicationRegions": ["us-west-2", "eu-west-1"],
                    "createOnPushPrefix": "builds",
                    "builderIdentity": {"mode": "pod-identity", "clusterName": "c"}},
    "create-on-push-tags-kms": {
        "createOnPushPrefix": "team/builds", "tags": {"team": "platform"},
        "lifecycle": {"untaggedExpireDays": 3}, "encryption": "KMS",
        "imageTagMutability": "IMMUTABLE", "imageTagMutabilityExclusionFilters": ["cache-*"],
        "kmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
    "refresher-irsa-pull-workers": {
        "workerAccess": "pull", "createOnPushPrefix": "builds",
        "builderIdentity": {"mode": "pod-identity", "clusterName": "c"},
        "pullSecret": {"mode": "cronjob", "credentials": "irsa", "oidcProviderArn": OIDC}},
    "refresher-pod-identity": {"pullSecret": {"mode": "cronjob", "credentials": "pod-identity",
                                              "clusterName": "c"}},
    "refresher-secret-role": {"replicationRegions": ["us-west-2"], "pullSecret": {
        "mode": "external-secrets", "credentials": "secret",
        "roleArn": "arn:aws:iam::123456789012:role/ecr-puller"}},
    "registry-features": REGISTRY_FEATURES,
    "registry-features-tags-kms": {
        **REGISTRY_FEATURES, "tags": {"team": "platform"}, "encryption": "KMS",
        "kmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "createOnPushPrefix": "builds", "workerAccess": "pull",
        "builderIdentity": {"mode": "pod-identity", "clusterName": "c"},
        "pullSecret": {"mode": "cronjob", "credentials": "secret"}},
}


#: Sets both halves are synthesized from and compared on.
SYNC_SETS: dict[str, dict[str, Any]] = {
    "default": {},
    "renamed": {"secretName": "registry-auth", "namespace": "ci-builds"},
    "other-account-region": {
        "account": "210987654321", "region": "eu-central-1",
        "repositories": ["team/a", "team/b"],
        "workerRoleArns": ["arn:aws:iam::210987654321:role/nodes"]},
    "china": {"region": "cn-north-1",
              "workerRoleArns": ["arn:aws-cn:iam::123456789012:role/k8s-worker"]},
    "govcloud": {"region": "us-gov-west-1",
                 "workerRoleArns": ["arn:aws-us-gov:iam::123456789012:role/k8s-worker"]},
    "irsa-builder": {"builderIdentity": {
        "mode": "irsa", "namespace": "ci", "serviceAccount": "buildkit", "for": "custom",
        "oidcProviderArn": "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1."
                           "amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"}},
    "pod-identity-builder": {"builderIdentity": {
        "mode": "pod-identity", "clusterName": "builds", "roleName": "kaniko", "for": "custom"}},
    "cronjob-pull-secret": {"region": "eu-west-1", "pullSecret": {
        "mode": "cronjob", "credentials": "pod-identity", "clusterName": "builds",
        "namespaces": ["apps", "web"]}},
    "external-secrets-pull-secret": {
        "account": "210987654321", "workerRoleArns": ["arn:aws:iam::210987654321:role/n"],
        "pullSecret": {"mode": "external-secrets", "credentials": "secret",
                       "roleArn": "arn:aws:iam::210987654321:role/puller"}},
    "replication-cronjob": {"replicationRegions": ["us-west-2", "eu-central-1"],
                            "pullSecret": {"mode": "cronjob", "credentials": "irsa",
                                           "oidcProviderArn": OIDC}},
    "replication-external-secrets": {
        "replicationRegions": ["ap-southeast-2"], "workerAccess": "pull",
        "developerPrincipalArns": ["arn:aws:iam::123456789012:role/dev"],
        "pullSecret": {"mode": "external-secrets", "credentials": "node",
                       "namespaces": ["a", "b"]}},
    "pull-only-workers-irsa-refresher": {
        "workerAccess": "pull", "createOnPushPrefix": "builds",
        "builderIdentity": {"mode": "pod-identity", "clusterName": "builds"},
        "pullSecret": {"mode": "external-secrets", "credentials": "irsa",
                       "oidcProviderArn": OIDC, "namespaces": ["a", "b"]}},
}


#: Seeds the fuzzer mutates: the smallest set, one with every field, and China.
#: Valid parameter sets the mutations start from: the minimum, and one with every field set.
FUZZ_BASES: list[dict[str, Any]] = [
    {
        "account": "123456789012", "region": "us-east-1", "repositories": ["builds/sample-app"],
        "workerRoleArns": ["arn:aws:iam::123456789012:role/k8s-worker"],
    },
    {
        "account": "123456789012", "region": "us-east-1",
        "repositories": ["builds/app", "builds/web.v2"],
        "workerRoleArns": ["arn:aws:iam::123456789012:role/eks/k8s-worker",
                           "arn:aws:iam::210987654321:role/nodes"],
        "secretName": "ecr-config", "namespace": "builds", "stackName": "Ecr-Builds",
        "developerPrincipalArns": ["arn:aws:iam::123456789012:group/devs"],
        "imageTagMutability": "IMMUTABLE", "imageTagMutabilityExclusionFilters": ["cache-*"],
        "scanOnPush": False, "lifecycle": {"untaggedExpireDays": 7, "keepLastImages": 50},
        "encryption": "KMS", "kmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/1234abcd",
        "tags": {"team": "platform", "cost:center": "42"},
        "removalPolicy": "destroy", "emptyOnDelete": True,
        "builderIdentity": {"mode": "irsa", "namespace": "ci", "serviceAccount": "buildkit",
                            "for": "custom", "oidcProviderArn": OIDC},
        "pullSecret": {"mode": "cronjob", "credentials": "secret", "namespaces": ["apps", "ci"],
                       "serviceAccounts": ["puller"], "refreshHours": 4},
        "createOnPushPrefix": "ci",
        "replicationRegions": ["us-west-2"],
    },
    {
        "account": "210987654321", "region": "cn-north-1", "repositories": ["a1"],
        "workerRoleArns": ["arn:aws-cn:iam::210987654321:role/w"],
        "builderIdentity": {"mode": "pod-identity", "clusterName": "builds",
                            "roleName": "kaniko"},
        "workerAccess": "pull",
        "pullSecret": {"mode": "external-secrets", "credentials": "node", "name": "pull"},
    },
]
