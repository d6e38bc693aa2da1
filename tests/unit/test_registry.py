"""Registry-wide features: pull-through cache, registry scanning, the registry policy and
lifecycle rules. Parameters, templates, and ``check``: the comparisons, and the reads of what
moto cannot serve (cache rules and creation templates) through botocore's Stubber, which checks
each call and response against the real ECR service model."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import boto3
import pytest
from aws_cdk.assertions import Template
from botocore.stub import Stubber

from ecr_cluster_access import ParameterError, Parameters, documents
from ecr_cluster_access.check import findings
from ecr_cluster_access.check.compare import (
    creation_template_findings,
    pull_through_cache_findings,
)
from ecr_cluster_access.check.read import Reader
from ecr_cluster_access.stack import EcrClusterAccessStack

from ..support.accounts import in_sync_state
from ..support.expected_access import PULL
from ..support.parameters import DOCKER_HUB_SECRET, REGISTRY_FEATURES, params_dict

HOST = "123456789012.dkr.ecr.us-east-1.amazonaws.com"


#: The repository policy of every repository the pull-through cache makes (REGISTRY_FEATURES'
#: one worker role): pull for it, and a Deny of the four push actions for anyone not an AWS
#: service, which no identity policy can override.
CACHE_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Sid": "AllowPull", "Effect": "Allow",
     "Principal": {"AWS": ["arn:aws:iam::123456789012:role/k8s-worker"]},
     "Action": ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage",
                "ecr:GetDownloadUrlForLayer"]},
    {"Sid": "DenyPushIntoTheCache", "Effect": "Deny", "Principal": "*",
     "Action": ["ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload", "ecr:PutImage",
                "ecr:UploadLayerPart"],
     "Condition": {"Bool": {"aws:PrincipalIsAWSService": "false"}}}]}


def features(**overrides: Any) -> Parameters:
    return Parameters.from_mapping(params_dict(**{**REGISTRY_FEATURES, **overrides}))


def problems_of(**overrides: Any) -> list[str]:
    with pytest.raises(ParameterError) as caught:
        features(**overrides)
    return list(caught.value.problems)


def template_of(params: Parameters) -> Template:
    app = cdk.App()
    return Template.from_stack(EcrClusterAccessStack(app, params=params))


def properties(template: Template, kind: str) -> list[dict[str, Any]]:
    return [r["Properties"] for r in template.find_resources(kind).values()]


# --- parameters ----------------------------------------------------------------------------------

def test_the_features_round_trip_and_fill_what_ecr_needs() -> None:
    params = features()
    assert Parameters.from_mapping(params.to_mapping()) == params
    assert documents.pull_through_cache_rules(params) == [
        {"ecrRepositoryPrefix": "docker-hub", "upstreamRegistryUrl": "registry-1.docker.io",
         "upstreamRegistry": "docker-hub", "credentialArn": DOCKER_HUB_SECRET},
        {"ecrRepositoryPrefix": "k8s", "upstreamRegistryUrl": "registry.k8s.io",
         "upstreamRegistry": "k8s"},
        {"ecrRepositoryPrefix": "upstream-ecr",
         "upstreamRegistryUrl": "210987654321.dkr.ecr.us-east-1.amazonaws.com",
         "upstreamRegistry": "ecr",
         "customRoleArn": "arn:aws:iam::123456789012:role/ecr-upstream-reader"}]


@pytest.mark.parametrize("rule,line", [
    ({"upstream": "docker-hub", "prefix": "hub"},
     "pullThroughCache[0].credentialArn: missing: docker-hub needs a Secrets Manager secret "
     "named ecr-pullthroughcache/... with its credentials"),
    ({"upstream": "quay", "prefix": "quay", "credentialArn": DOCKER_HUB_SECRET},
     "pullThroughCache[0].credentialArn: set for quay, which ECR reaches without credentials "
     "(or, for ecr, with customRoleArn); remove it"),
    ({"upstream": "ghcr", "prefix": "gh"},
     "pullThroughCache[0].upstream: 'ghcr' is not accepted: use one of docker-hub, "
     "github-container-registry, quay, k8s, ecr-public, ecr"),
    ({"upstream": "github-container-registry", "prefix": "gh",
      "credentialArn": DOCKER_HUB_SECRET.replace("us-east-1", "eu-west-1")},
     "pullThroughCache[0].credentialArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:"
     "secret:ecr-pullthroughcache/do... is not in account 123456789012 and region us-east-1: "
     "ECR reads the secret in the rule's own account and region"),
    ({"upstream": "ecr", "prefix": "up"},
     "pullThroughCache[0].upstreamRegistry: missing: the ecr upstream needs its host, "
     "<account>.dkr.ecr.<region>.amazonaws.com"),
    ({"upstream": "ecr", "prefix": "up",
      "upstreamRegistry": "210987654321.dkr.ecr.us-east-1.amazonaws.com"},
     "pullThroughCache[0].customRoleArn: missing: an upstream registry in another account "
     "needs a role in this account for ECR to assume"),
    ({"upstream": "k8s", "prefix": "builds"},
     "pullThroughCache[0].prefix: 'builds' collides with repository 'builds/sample-app': the "
     "cache would create or serve repositories the stack names; pick another prefix"),
    ({"upstream": "k8s", "prefix": "ROOT"},
     "pullThroughCache[0].prefix: 'ROOT' is not accepted: it would let builders create any "
     "repository; give a prefix such as 'builds'"),
])
def test_each_bad_cache_rule_is_one_line(rule: dict[str, Any], line: str) -> None:
    assert problems_of(pullThroughCache=[rule]) == [line]


def test_overlapping_prefixes_and_create_on_push_are_refused() -> None:
    assert problems_of(createOnPushPrefix="k8s/push", pullThroughCache=[
        {"upstream": "k8s", "prefix": "k8s"}, {"upstream": "ecr-public", "prefix": "k8s/public"},
    ]) == [
        "pullThroughCache[0].prefix: 'k8s' overlaps createOnPushPrefix 'k8s/push': a pushed and "
        "a cached image would share repositories; pick another prefix",
        "pullThroughCache[1].prefix: 'k8s/public' overlaps pullThroughCache[0].prefix 'k8s': "
        "give each rule its own prefix"]


def test_scanning_and_registry_policy_follow_ecr() -> None:
    assert problems_of(registryScanning={"scanType": "BASIC", "rules": [
        {"frequency": "CONTINUOUS_SCAN", "filters": ["*"]},
        {"frequency": "CONTINUOUS_SCAN", "filters": ["a*"]}]}) == [
        "registryScanning.rules[0].frequency: 'CONTINUOUS_SCAN' needs scanType ENHANCED: BASIC "
        "scanning only scans on push",
        "registryScanning.rules[1].frequency: 'CONTINUOUS_SCAN' needs scanType ENHANCED: BASIC "
        "scanning only scans on push",
        "registryScanning.rules[1].frequency: 'CONTINUOUS_SCAN' is also rules[0]'s frequency: "
        "give each frequency one rule"]
    assert problems_of(scanOnPush=False) == [
        "scanOnPush: false with registryScanning: the registry's scanning replaces the "
        "per-repository setting; remove scanOnPush"]
    assert problems_of(registryScanning={"scanType": "ENHANCED", "rules": [
        {"frequency": "SCAN_ON_PUSH", "filters": ["Builds/*"]}]}) == [
        "registryScanning.rules[0].filters[0]: 'Builds/*' is not a scanning filter: use 1-255 "
        "lowercase letters, digits, . _ - / and * as a wildcard"]
    assert problems_of(registryPolicy={"replicationSourceAccounts": ["123456789012"]}) == [
        "registryPolicy.replicationSourceAccounts[0]: '123456789012' is this registry's own "
        "account: list other accounts only"]


def test_lifecycle_rules_follow_ecrs_documented_limits() -> None:
    assert problems_of(lifecycle={"rules": [
        {"tagPrefixes": ["a"], "tagPatterns": ["b*"], "keepLast": 1, "expireDays": 2},
        {"keepLast": 1}]}) == [
        "lifecycle.rules[0]: give tagPrefixes or tagPatterns (one of them): ECR selects tagged "
        "images by one list",
        "lifecycle.rules[0]: give keepLast or expireDays (one of them)",
        "lifecycle.rules[1]: give tagPrefixes or tagPatterns (one of them): ECR selects tagged "
        "images by one list"]
    assert problems_of(lifecycle={"rules": [{"tagPatterns": ["*a*b*c*d*"], "keepLast": 1}]}) == [
        "lifecycle.rules[0].tagPatterns[0]: '*a*b*c*d*' has 5 wildcards: ECR accepts at most 4 "
        "in each pattern"]
    many = [{"tagPrefixes": [f"p{i}-{j}-" + "x" * 100 for j in range(20)], "keepLast": 1}
            for i in range(15)]
    (line,) = problems_of(lifecycle={"rules": many})
    assert line.startswith("lifecycle: the lifecycle policy is ") and line.endswith(
        "characters, over ECR's 30720: give fewer rules or tags")


def test_the_lifecycle_policy_puts_tagged_rules_first_and_the_any_rule_last() -> None:
    rules = documents.lifecycle_policy(features())["rules"]  # type: ignore[index]
    assert [(r["rulePriority"], r["selection"]["tagStatus"], r["description"]) for r in rules] == [
        (1, "tagged", "Keep only the 50 most recent images tagged release-*"),
        (2, "tagged", "Expire images with tags matching pr-* 14 days after push"),
        (3, "untagged", "Expire untagged images 7 days after push"),
        (4, "any", "Keep only the 200 most recent images")]
    assert rules[1]["selection"] == {"tagStatus": "tagged", "tagPatternList": ["pr-*"],
                                     "countType": "sinceImagePushed", "countUnit": "days",
                                     "countNumber": 14}


def test_pull_through_cache_rules_count_against_the_stack_capacity() -> None:
    names = [f"r{i:03d}" for i in range(486)]
    (line,) = problems_of(repositories=names, registryPolicy=None, lifecycle={},
                          registryScanning=None)
    assert line == (
        "repositories: 486 repositories and the registry settings make 492 resources, over the "
        "490 one stack holds (500 resources, 10 kept for the stack's own): set shards to 2 "
        "or more to lay them across stacks, or give fewer")


# --- templates -----------------------------------------------------------------------------------

def test_each_cache_rule_has_its_rule_and_a_template_with_the_repositories_policy() -> None:
    params = features()
    template = template_of(params)
    assert properties(template, "AWS::ECR::PullThroughCacheRule") == [
        {"EcrRepositoryPrefix": "docker-hub", "UpstreamRegistry": "docker-hub",
         "UpstreamRegistryUrl": "registry-1.docker.io", "CredentialArn": DOCKER_HUB_SECRET},
        {"EcrRepositoryPrefix": "k8s", "UpstreamRegistry": "k8s",
         "UpstreamRegistryUrl": "registry.k8s.io"},
        {"EcrRepositoryPrefix": "upstream-ecr", "UpstreamRegistry": "ecr",
         "UpstreamRegistryUrl": "210987654321.dkr.ecr.us-east-1.amazonaws.com",
         "CustomRoleArn": "arn:aws:iam::123456789012:role/ecr-upstream-reader"}]
    templates = properties(template, "AWS::ECR::RepositoryCreationTemplate")
    assert [(t["Prefix"], t["AppliedFor"]) for t in templates] == [
        ("docker-hub", ["PULL_THROUGH_CACHE"]), ("k8s", ["PULL_THROUGH_CACHE"]),
        ("upstream-ecr", ["PULL_THROUGH_CACHE"])]
    (repository,) = properties(template, "AWS::ECR::Repository")
    for made in templates:
        # written out: the cache's repositories are pulled from, never pushed to
        assert json.loads(made["RepositoryPolicy"]) == CACHE_POLICY
        assert made["LifecyclePolicy"] == repository["LifecyclePolicy"]["LifecyclePolicyText"]
    # the extra actions only on the cache prefixes, and only the pull-through ones
    (token,) = properties(template, "AWS::IAM::Policy")
    (cache,) = [s for s in token["PolicyDocument"]["Statement"]
                if s["Sid"] == "AllowPullThroughCache"]
    assert cache["Action"] == [*sorted(PULL), "ecr:BatchImportUpstreamImage",
                               "ecr:CreateRepository"]
    assert cache["Resource"] == [f"arn:aws:ecr:us-east-1:123456789012:repository/{p}/*"
                                 for p in ("docker-hub", "k8s", "upstream-ecr")]
    plain = template_of(Parameters.from_mapping(params_dict()))
    assert not plain.find_resources("AWS::ECR::PullThroughCacheRule")
    assert "BatchImportUpstreamImage" not in json.dumps(plain.to_json())


def test_registry_scanning_replaces_scan_on_push_and_the_registry_policy_is_scoped() -> None:
    template = template_of(features())
    (scanning,) = properties(template, "AWS::ECR::RegistryScanningConfiguration")
    assert scanning == {"ScanType": "ENHANCED", "Rules": [
        {"ScanFrequency": "CONTINUOUS_SCAN",
         "RepositoryFilters": [{"Filter": "builds/*", "FilterType": "WILDCARD"}]},
        {"ScanFrequency": "SCAN_ON_PUSH",
         "RepositoryFilters": [{"Filter": "*", "FilterType": "WILDCARD"}]}]}
    (repository,) = properties(template, "AWS::ECR::Repository")
    assert "ImageScanningConfiguration" not in repository
    (policy,) = properties(template, "AWS::ECR::RegistryPolicy")
    assert policy["PolicyText"] == {"Version": "2012-10-17", "Statement": [{
        "Sid": "AllowReplicationIntoListedRepositories", "Effect": "Allow",
        "Principal": {"AWS": ["arn:aws:iam::210987654321:root"]},
        "Action": ["ecr:CreateRepository", "ecr:ReplicateImage"],
        "Resource": ["arn:aws:ecr:us-east-1:123456789012:repository/builds/sample-app"]}]}


def test_the_docker_config_needs_nothing_new_and_builder_config_names_the_images() -> None:
    from ecr_cluster_access.cli import main

    assert documents.docker_config_bytes(features()) == documents.docker_config_bytes(
        Parameters.from_mapping(params_dict()))
    assert documents.CACHED_IMAGE_EXAMPLES["docker-hub"] == "library/node:20"
    assert main  # the CLI prints them; tests/e2e/test_app.py runs it


# --- check ---------------------------------------------------------------------------------------

def test_the_deployed_features_are_in_sync() -> None:
    params = features()
    assert findings(params, in_sync_state(params)) == []


def test_each_feature_changed_in_the_account_is_one_line() -> None:
    params = features()
    state = in_sync_state(params)
    policy = json.loads(state.registry_policy or "")
    policy["Statement"][0]["Action"].append("ecr:BatchGetImage")
    state.registry_policy = json.dumps(policy)
    assert state.registry_scanning is not None
    state.registry_scanning["scanType"] = "BASIC"
    state.pull_through_cache[1]["upstreamRegistryUrl"] = "registry.example"
    state.pull_through_cache.append({"ecrRepositoryPrefix": "quay",
                                     "upstreamRegistryUrl": "quay.io"})
    del state.pull_through_cache[0]
    state.cache_templates["k8s"] = None
    lines = [str(f) for f in findings(params, state)]
    assert lines == [
        "creation template k8s/: does not exist: repositories the cache creates get none of "
        "the parameters' settings or policy",
        "pull-through cache rule docker-hub/: does not exist: pulls through it fail",
        'pull-through cache rule k8s/: upstreamRegistryUrl is "registry.example", the '
        'parameters say "registry.k8s.io"',
        'pull-through cache rule quay/: exists for "quay.io"; the parameters do not make it',
        "registry policy: the registry policy has statement "
        "'AllowReplicationIntoListedRepositories': Allow of ecr:CreateRepository, "
        "ecr:ReplicateImage, ecr:BatchGetImage for AWS arn:aws:iam::210987654321:root on "
        "arn:aws:ecr:us-east-1:123456789012:repository/builds/sample-app, which the parameters "
        "do not make",
        "registry policy: the registry policy lacks statement "
        "'AllowReplicationIntoListedRepositories': Allow of ecr:CreateRepository, "
        "ecr:ReplicateImage for AWS arn:aws:iam::210987654321:root on "
        "arn:aws:ecr:us-east-1:123456789012:repository/builds/sample-app",
        'registry scanning: scan type is "BASIC", the parameters say ENHANCED']


def test_scanning_rules_that_differ_are_named() -> None:
    params = features()
    state = in_sync_state(params)
    assert state.registry_scanning is not None
    state.registry_scanning["rules"] = [{"scanFrequency": "SCAN_ON_PUSH", "repositoryFilters": [
        {"filter": "*", "filterType": "WILDCARD"}, {"filter": "x", "filterType": "WILDCARD"}]}]
    assert [str(f) for f in findings(params, state)] == [
        "registry scanning: SCAN_ON_PUSH rule filters are ['* (WILDCARD)', 'x (WILDCARD)'], the "
        "parameters say ['* (WILDCARD)']",
        "registry scanning: lacks the CONTINUOUS_SCAN rule for ['builds/* (WILDCARD)']"]


def test_a_cache_role_widened_beyond_the_prefix_is_drift() -> None:
    params = features(workerAccess="pull", builderIdentity={"mode": "pod-identity",
                                                            "clusterName": "c"})
    state = in_sync_state(params)
    worker = params.worker_role_arns[0]
    state.roles[worker].inline["import-anywhere"] = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "ecr:BatchImportUpstreamImage", "Resource": "*"}]}
    (finding,) = [f for f in findings(params, state) if f.role == worker]
    assert finding.actions == ("ecr:BatchImportUpstreamImage",)
    assert "builds/sample-app" in finding.repositories


def stub_reader(params: Parameters) -> Reader:
    session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                    region_name=params.region)
    return Reader(params, session=session, concurrency=1)


def test_cache_rules_and_their_templates_are_read_through_the_real_model() -> None:
    params = features()
    made = stub_reader(params)
    with Stubber(made.ecr) as ecr:
        ecr.add_response("describe_pull_through_cache_rules", {"pullThroughCacheRules": [
            {**rule, "registryId": "123456789012", "createdAt": "2026-11-01T00:00:00Z",
             "updatedAt": "2026-11-01T00:00:00Z"}
            for rule in documents.pull_through_cache_rules(params)]},
            {"registryId": "123456789012"})
        rules = made._pull_through_cache()
        ecr.add_response("describe_repository_creation_templates", {
            "registryId": "123456789012", "repositoryCreationTemplates": [{
                "prefix": "k8s", "appliedFor": ["PULL_THROUGH_CACHE"],
                "repositoryPolicy": json.dumps(CACHE_POLICY),
                "lifecyclePolicy": documents.policy_text(documents.lifecycle_policy(params)
                                                         or {}),
                "imageTagMutability": "MUTABLE",
                "encryptionConfiguration": {"encryptionType": "AES256"}}]},
            {"prefixes": ["k8s"]})
        template = made._template("k8s")
    assert pull_through_cache_findings(rules, params) == []
    assert creation_template_findings(template, params, "k8s", "PULL_THROUGH_CACHE") == []
    # a rule read back with another credential is drift
    rules[0]["credentialArn"] = DOCKER_HUB_SECRET.replace("docker-hub", "stolen")
    assert [f.message for f in pull_through_cache_findings(rules, params)] == [
        f'credentialArn is "{DOCKER_HUB_SECRET.replace("docker-hub", "stolen")}", the '
        f'parameters say "{DOCKER_HUB_SECRET}"']
    assert HOST in documents.docker_config_bytes(params).decode()
