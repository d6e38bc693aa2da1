"""Who may assume the builder's and the refresher's roles, decided by the independent IAM engine
(@cloud-copilot/iam-simulate) on the synthesized template's trust policies. The expected
answers are written here, literally: Garden's builder ServiceAccount, the refresher's own.

The engine reads OIDC condition keys (``<issuer>:sub``, ``<issuer>:aud``) only for the issuers
IAM's service reference lists for ``sts:AssumeRoleWithWebIdentity`` (accounts.google.com,
cognito-identity.amazonaws.com, ...): any other key is dropped from the request, and every
request is denied. So the cluster's issuer is spelled ``accounts.google.com`` here, and the
other issuer ``cognito-identity.amazonaws.com``. The project writes the same trust document
for any issuer (only the key prefix changes), which the unit tests check on an EKS issuer.
"""

from __future__ import annotations

from typing import Any

import pytest

from ecr_cluster_access import Parameters

from ..support.oracle import ask_the_engine
from ..support.parameters import params_dict
from .test_access_matrix import of_type, template_of

pytestmark = pytest.mark.e2e

ACCOUNT = "123456789012"
GARDEN_ISSUER = OFF_AWS_ISSUER = "accounts.google.com"
OTHER_ISSUER = "cognito-identity.amazonaws.com"


def provider(issuer: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:oidc-provider/{issuer}"


def web_identity(role: str, trust: Any, issuer: str, sub: str,
                 aud: str = "sts.amazonaws.com") -> dict[str, Any]:
    return {"request": {"principal": provider(issuer), "action": "sts:AssumeRoleWithWebIdentity",
                        "resource": {"resource": f"arn:aws:iam::{ACCOUNT}:role/{role}",
                                     "accountId": ACCOUNT},
                        "contextVariables": {f"{issuer}:sub": sub, f"{issuer}:aud": aud}},
            "identityPolicies": [], "serviceControlPolicies": [],
            "resourceControlPolicies": [], "resourcePolicy": trust}


def trust_of(template: dict[str, Any], role_name: str) -> Any:
    (role,) = [r for r in of_type(template, "AWS::IAM::Role") if r["RoleName"] == role_name]
    return role["AssumeRolePolicyDocument"]


def decide(cases: list[tuple[str, str, dict[str, Any]]]) -> dict[str, str]:
    answers = ask_the_engine([request for _, _, request in cases])
    return {label: answer for (label, _, _), answer in zip(cases, answers, strict=True)}


def test_garden_s_builder_service_account_may_assume_the_builder_role_and_no_other() -> None:
    params = Parameters.from_mapping(params_dict(builderIdentity={
        "mode": "irsa", "namespace": "garden-builds", "oidcProviderArn": provider(GARDEN_ISSUER)}))
    trust = trust_of(template_of(params), "EcrClusterAccess-builder")
    role = "EcrClusterAccess-builder"
    cases = [
        ("garden", "Allowed", web_identity(
            role, trust, GARDEN_ISSUER,
            "system:serviceaccount:garden-builds:garden-in-cluster-builder")),
        ("the old default", "ImplicitlyDenied", web_identity(
            role, trust, GARDEN_ISSUER, "system:serviceaccount:default:ecr-builder")),
        ("garden's name elsewhere", "ImplicitlyDenied", web_identity(
            role, trust, GARDEN_ISSUER, "system:serviceaccount:default:garden-in-cluster-builder")),
        ("another audience", "ImplicitlyDenied", web_identity(
            role, trust, GARDEN_ISSUER,
            "system:serviceaccount:garden-builds:garden-in-cluster-builder", aud="kubernetes")),
    ]
    decided = decide(cases)
    assert decided == {label: expected for label, expected, _ in cases}


def test_the_web_identity_refresher_role_admits_its_own_service_account_only() -> None:
    params = Parameters.from_mapping(params_dict(pullSecret={
        "mode": "cronjob", "credentials": "web-identity",
        "oidcProviderArn": provider(OFF_AWS_ISSUER)}))
    trust = trust_of(template_of(params), "EcrClusterAccess-refresher")
    role = "EcrClusterAccess-refresher"
    own = "system:serviceaccount:default:ecr-pull-refresher"
    cases = [
        ("its own", "Allowed", web_identity(role, trust, OFF_AWS_ISSUER, own)),
        ("another ServiceAccount", "ImplicitlyDenied", web_identity(
            role, trust, OFF_AWS_ISSUER, "system:serviceaccount:default:default")),
        ("another namespace", "ImplicitlyDenied", web_identity(
            role, trust, OFF_AWS_ISSUER, "system:serviceaccount:apps:ecr-pull-refresher")),
        ("another audience", "ImplicitlyDenied", web_identity(
            role, trust, OFF_AWS_ISSUER, own, aud="https://kubernetes.default.svc")),
        ("another issuer", "ImplicitlyDenied", web_identity(role, trust, OTHER_ISSUER, own)),
    ]
    decided = decide(cases)
    assert decided == {label: expected for label, expected, _ in cases}


def test_garden_s_pod_identity_association_names_garden_s_service_account() -> None:
    params = Parameters.from_mapping(params_dict(builderIdentity={
        "mode": "pod-identity", "clusterName": "builds", "namespace": "garden-builds"}))
    template = template_of(params)
    (association,) = of_type(template, "AWS::EKS::PodIdentityAssociation")
    assert (association["Namespace"], association["ServiceAccount"]) == (
        "garden-builds", "garden-in-cluster-builder")
    trust = trust_of(template, "EcrClusterAccess-builder")
    arn = f"arn:aws:iam::{ACCOUNT}:role/EcrClusterAccess-builder"

    def tags(account: str, cluster: str = f"arn:aws:eks:us-east-1:{ACCOUNT}:cluster/builds"
             ) -> dict[str, Any]:
        return {"request": {"principal": "pods.eks.amazonaws.com", "action": "sts:AssumeRole",
                            "resource": {"resource": arn, "accountId": ACCOUNT},
                            "contextVariables": {
                                "aws:RequestTag/eks-cluster-arn": cluster,
                                "aws:RequestTag/eks-cluster-name": "builds",
                                "aws:RequestTag/kubernetes-namespace": "garden-builds",
                                "aws:RequestTag/kubernetes-service-account": account}},
                "identityPolicies": [], "serviceControlPolicies": [],
                "resourceControlPolicies": [], "resourcePolicy": trust}

    garden = "garden-in-cluster-builder"
    cases = [("garden", "Allowed", tags(garden)),
             ("the old default", "ImplicitlyDenied", tags("ecr-builder")),
             # a cluster of the same name elsewhere (Pod Identity can target another
             # account's role): only the cluster's ARN tells them apart
             ("builds in another account", "ImplicitlyDenied",
              tags(garden, "arn:aws:eks:us-east-1:999999999999:cluster/builds")),
             ("builds in another region", "ImplicitlyDenied",
              tags(garden, f"arn:aws:eks:eu-west-1:{ACCOUNT}:cluster/builds"))]
    assert decide(cases) == {label: expected for label, expected, _ in cases}
