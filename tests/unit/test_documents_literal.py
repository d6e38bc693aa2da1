"""``documents.py``'s outputs for small parameter sets, compared with literal data written
here: who may push and pull in words (``access_summary``, which ``validate`` and
``builder-config`` print), and the documents the surviving mutants of ``make mutation``
showed no other test pinned down."""

from __future__ import annotations

from typing import Any

import pytest

from ecr_cluster_access import Parameters, documents

from ..support.parameters import OIDC, params_dict

WORKER = "worker role arn:aws:iam::123456789012:role/k8s-worker"
DEV = "arn:aws:iam::123456789012:role/dev"
NODE_TOKEN = ("the pull secret's token (node credentials: the worker roles' or the operator's "
              "identity)")
REFRESHER_USER = ("pull-secret refresher user "
                  "arn:aws:iam::123456789012:user/EcrClusterAccess-us-east-1-ecr-refresher")
ORG = {"organizationId": "o-abcdefghij", "roleArnPattern": "arn:aws:iam::*:role/eks-node-*"}

SUMMARIES: list[tuple[str, dict[str, Any], dict[str, list[str]]]] = [
    ("the guide's default", {}, {"push": [WORKER], "pullOnly": []}),
    ("pull-only workers, a builder and a developer push", {
        "workerAccess": "pull", "builderIdentity": {"mode": "pod-identity", "clusterName": "c"},
        "developerPrincipalArns": [DEV]},
     {"push": ["builder role arn:aws:iam::123456789012:role/EcrClusterAccess-builder",
               f"developer {DEV}"], "pullOnly": [WORKER]}),
    ("a refresher user", {"pullSecret": {"mode": "cronjob", "credentials": "secret"}},
     {"push": [WORKER], "pullOnly": [REFRESHER_USER]}),
    ("a refresher role", {"pullSecret": {"mode": "cronjob", "credentials": "irsa",
                                         "oidcProviderArn": OIDC}},
     {"push": [WORKER], "pullOnly": [
         "pull-secret refresher role arn:aws:iam::123456789012:role/EcrClusterAccess-refresher"]}),
    ("a refresher user assuming a role", {"pullSecret": {
        "mode": "cronjob", "credentials": "secret",
        "roleArn": "arn:aws:iam::210987654321:role/puller"}},
     {"push": [WORKER], "pullOnly": [
         REFRESHER_USER,
         "role arn:aws:iam::210987654321:role/puller, assumed by the refresher (its own "
         "grants are its owner's; check verifies it cannot push when it is in this account)"]}),
    ("node credentials, pull-only workers", {
        "workerAccess": "pull", "developerPrincipalArns": [DEV],
        "pullSecret": {"mode": "cronjob", "credentials": "node"}},
     {"push": [f"developer {DEV}"], "pullOnly": [WORKER, NODE_TOKEN]}),
    ("node credentials that may push, accepted", {
        "pullSecret": {"mode": "cronjob", "credentials": "node", "allowPushToken": True}},
     {"push": [WORKER, NODE_TOKEN], "pullOnly": []}),
    ("an organization's units", {"workerOrganization": {**ORG, "organizationalUnitPaths": [
        "o-abcdefghij/r-ab12/ou-ab12-11111111/", "o-abcdefghij/r-ab12/ou-ab12-22222222/"]}},
     {"push": [WORKER, "roles arn:aws:iam::*:role/eks-node-* of organization o-abcdefghij "
               "(units o-abcdefghij/r-ab12/ou-ab12-11111111/, "
               "o-abcdefghij/r-ab12/ou-ab12-22222222/)"], "pullOnly": []}),
    ("an organization that only pulls", {
        "workerAccess": "pull", "developerPrincipalArns": [DEV], "workerOrganization": ORG},
     {"push": [f"developer {DEV}"], "pullOnly": [
         WORKER, "roles arn:aws:iam::*:role/eks-node-* of organization o-abcdefghij"]}),
]


@pytest.mark.parametrize("overrides,expected", [(o, e) for _, o, e in SUMMARIES],
                         ids=[name for name, _, _ in SUMMARIES])
def test_who_may_push_and_who_may_only_pull(overrides: dict[str, Any],
                                            expected: dict[str, list[str]]) -> None:
    params = Parameters.from_mapping(params_dict(**overrides))
    assert documents.access_summary(params) == expected


TOKEN_STATEMENT = {"Sid": "AllowEcrAuthorizationToken", "Effect": "Allow",
                   "Action": "ecr:GetAuthorizationToken", "Resource": "*"}
PULL = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
SEVEN = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload",
         "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload", "ecr:PutImage",
         "ecr:UploadLayerPart"]
REPOSITORY = "arn:aws:ecr:us-east-1:123456789012:repository/"


def test_a_cross_account_worker_s_own_side_pushes_or_only_pulls() -> None:
    """``ecr-cluster-access cross-account-policy``: what the worker role's account attaches."""
    pushing = Parameters.from_mapping(params_dict(repositories=["builds/app", "builds/web"]))
    assert documents.cross_account_identity_policy(pushing) == {
        "Version": "2012-10-17", "Statement": [
            {"Sid": "AllowPushPullOnRepositories", "Effect": "Allow", "Action": SEVEN,
             "Resource": [f"{REPOSITORY}builds/app", f"{REPOSITORY}builds/web"]},
            TOKEN_STATEMENT]}
    pulling = Parameters.from_mapping(params_dict(workerAccess="pull",
                                                  developerPrincipalArns=[DEV]))
    assert documents.cross_account_identity_policy(pulling) == {
        "Version": "2012-10-17", "Statement": [
            {"Sid": "AllowPullOnRepositories", "Effect": "Allow", "Action": PULL,
             "Resource": [f"{REPOSITORY}builds/sample-app"]},
            TOKEN_STATEMENT]}


@pytest.mark.parametrize("access,actions", [("push-pull", SEVEN), ("pull", PULL)])
def test_the_member_accounts_node_policy_names_the_registry_not_each_repository(
        access: str, actions: list[str]) -> None:
    params = Parameters.from_mapping(params_dict(
        workerAccess=access, developerPrincipalArns=[DEV], workerOrganization=ORG))
    assert documents.member_identity_policy(params) == {
        "Version": "2012-10-17", "Statement": [
            {"Sid": "AllowNodeRolesOnTheRegistry", "Effect": "Allow", "Action": actions,
             "Resource": f"{REPOSITORY}*"},
            TOKEN_STATEMENT]}


def test_the_member_policy_name_fits_iam_s_128_characters() -> None:
    def name(length: int) -> str:
        return documents.member_policy_name(Parameters.from_mapping(params_dict(
            stackName="S" + "s" * (length - 1), workerOrganization=ORG)))
    # 108 + "-us-east-1-ecr-nodes" is 128: as it is; one more, and the region becomes a hash
    assert name(108) == "S" + "s" * 107 + "-us-east-1-ecr-nodes"
    assert name(109) == "S" + "s" * 108 + "-34902534-ecr-nodes"
    assert len(name(109)) == 128
