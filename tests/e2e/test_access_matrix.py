"""Who can push and who can only pull, for every combination of ``workerAccess`` and
``pullSecret.credentials``, decided by the independent IAM engine (@cloud-copilot/iam-simulate,
the engine the ``check`` oracle uses) on the policies of the synthesized template, against
the expected access written as data in ``tests/support/expected_access.py`` (not taken from
``documents.py``; which ECR actions change something is the engine's own catalogue).

For each combination:

- a worker role may push under ``push-pull`` and may not under ``pull``; it always pulls and
  gets the token;
- the builder role pushes;
- the refresher's own identity (role, or IAM user) pulls and gets the token, may not push or
  make any other change to ECR, and may do nothing outside ECR (a sample of other services'
  actions, from harmless reads to IAM writes) beyond assuming ``roleArn`` when that is set;
  with ``node`` credentials the refresher is the worker role itself;
- a stranger in another account, allowed everything by its own account, is denied;
- a Pod Identity trust admits only the session tags of its namespace, ServiceAccount and
  cluster.
"""

from __future__ import annotations

import json
from itertools import product
from typing import Any

import aws_cdk as cdk

from ecr_cluster_access import Parameters
from ecr_cluster_access.stack import EcrClusterAccessStack

from ..support.expected_access import (
    PULL,
    PUSH_ONLY,
    TOKEN,
    change_actions,
    repository_change_actions,
)
from ..support.oracle import ask_the_engine, simulation
from ..support.parameters import OIDC, params_dict

ACCOUNT = "123456789012"
WORKER = f"arn:aws:iam::{ACCOUNT}:role/k8s-worker"
STRANGER = "arn:aws:iam::999999999999:role/stranger"
ASSUMED = f"arn:aws:iam::{ACCOUNT}:role/ecr-puller"
WORKER_ACCESS = ("push-pull", "pull")
CREDENTIALS: dict[str, dict[str, Any]] = {
    "node": {"credentials": "node"},
    "irsa": {"credentials": "irsa", "oidcProviderArn": OIDC},
    "pod-identity": {"credentials": "pod-identity", "clusterName": "builds"},
    "secret": {"credentials": "secret"},
    "secret-role": {"credentials": "secret", "roleArn": ASSUMED},
}
#: Actions of other services the refresher must not have: reads, writes and IAM changes.
OUTSIDE_ECR = [("s3:GetObject", "arn:aws:s3:::any-bucket/any-key"),
               ("s3:PutObject", "arn:aws:s3:::any-bucket/any-key"),
               ("secretsmanager:GetSecretValue",
                f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:any"),
               ("iam:CreateAccessKey", f"arn:aws:iam::{ACCOUNT}:user/anyone"),
               ("iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/any"),
               ("sts:AssumeRole", f"arn:aws:iam::{ACCOUNT}:role/any-other"),
               ("ec2:DescribeInstances", "*"), ("eks:DescribeCluster",
                                                 f"arn:aws:eks:us-east-1:{ACCOUNT}:cluster/c"),
               ("ecr-public:GetAuthorizationToken", "*")]
ALLOW_EVERYTHING = {"Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def parameters(worker_access: str, credentials: str) -> Parameters:
    settings = dict(CREDENTIALS[credentials])
    if credentials == "node" and worker_access == "push-pull":
        settings["allowPushToken"] = True  # the only way node goes with push-pull
    return Parameters.from_mapping(params_dict(
        workerAccess=worker_access, repositories=["builds/app", "tools/base"],
        builderIdentity={"mode": "pod-identity", "clusterName": "builds"},
        pullSecret={"mode": "cronjob", **settings}))


def template_of(params: Parameters) -> dict[str, Any]:
    app = cdk.App()
    stack = EcrClusterAccessStack(app, params=params)
    template: dict[str, Any] = app.synth().get_stack_by_name(stack.stack_name).template
    return template


def of_type(template: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [r["Properties"] for r in template["Resources"].values() if r["Type"] == kind]


def identities(params: Parameters, template: dict[str, Any]) -> dict[str, list[Any]]:
    """Each principal's identity policies, as the template gives them."""
    out: dict[str, list[Any]] = {WORKER: [p["PolicyDocument"] for p in of_type(
        template, "AWS::IAM::Policy") if "k8s-worker" in p["Roles"]], STRANGER: [ALLOW_EVERYTHING]}
    for role in of_type(template, "AWS::IAM::Role"):
        arn = f"arn:aws:iam::{ACCOUNT}:role/{role['RoleName']}"
        out[arn] = [p["PolicyDocument"] for p in role.get("Policies", [])]
    for user in of_type(template, "AWS::IAM::User"):
        arn = f"arn:aws:iam::{ACCOUNT}:user/{user['UserName']}"
        out[arn] = [p["PolicyDocument"] for p in user.get("Policies", [])]
    return out


def points(worker_access: str, credentials: str) -> list[tuple[str, bool, dict[str, Any]]]:
    """``(what, must be allowed, request)`` for one combination."""
    params = parameters(worker_access, credentials)
    template = template_of(params)
    policies = identities(params, template)
    (repository, *_) = of_type(template, "AWS::ECR::Repository")
    resource_policy = repository["RepositoryPolicyText"]
    repo = params.repository_arns[0]
    refresher = params.refresher_role_arn or params.refresher_user_arn or WORKER
    builder = params.builder_role_arn or ""
    label = f"{worker_access}/{credentials}"
    out: list[tuple[str, bool, dict[str, Any]]] = []

    def ask(who: str, action: str, resource: str, allowed: bool, **kw: Any) -> None:
        out.append((f"{label}: {who.rsplit(':', 1)[1]} {action} on {resource}", allowed,
                    simulation(who, action, resource, identity=policies[who],
                               resource_policy=resource_policy if resource == repo else None,
                               **kw)))

    worker_pushes = worker_access == "push-pull"
    for action in sorted(PUSH_ONLY):
        ask(WORKER, action, repo, worker_pushes)
        ask(builder, action, repo, True)
        ask(refresher, action, repo, refresher == WORKER and worker_pushes)
        ask(STRANGER, action, repo, False)
    for action in sorted(PULL):
        for who in (WORKER, builder, refresher):
            ask(who, action, repo, True)
        ask(STRANGER, action, repo, False)
    for who in (WORKER, builder, refresher):
        ask(who, TOKEN, "*", True)
    if refresher != WORKER:  # the refresher's own identity: nothing else in ECR, nor outside
        for action, on_repository in sorted(change_actions().items()):
            ask(refresher, action, repo if on_repository else "*", False)
        for action, resource in OUTSIDE_ECR:
            ask(refresher, action, resource, False)
        ask(refresher, "sts:AssumeRole", ASSUMED, credentials == "secret-role")
    for role in of_type(template, "AWS::IAM::Role"):  # Pod Identity trusts
        trust = role["AssumeRolePolicyDocument"]
        (statement,) = trust["Statement"]
        if statement["Principal"] != {"Service": "pods.eks.amazonaws.com"}:
            continue
        arn = f"arn:aws:iam::{ACCOUNT}:role/{role['RoleName']}"
        tags = {k.split("/", 1)[1]: v for k, v in
                statement["Condition"]["StringEquals"].items()}
        for changed in (None, *tags):
            context = {f"aws:RequestTag/{k}": ("other" if k == changed else v)
                       for k, v in tags.items()}
            out.append((f"{label}: pods.eks assumes {arn} with {changed or 'its own'} tags",
                        changed is None, {
                            "request": {"principal": "pods.eks.amazonaws.com",
                                        "action": "sts:AssumeRole",
                                        "resource": {"resource": arn, "accountId": ACCOUNT},
                                        "contextVariables": context},
                            "identityPolicies": [], "serviceControlPolicies": [],
                            "resourceControlPolicies": [], "resourcePolicy": trust}))
    return out


def test_every_combination_grants_push_and_pull_as_the_readme_says(
        capsys: Any) -> None:
    combos = [c for c in product(WORKER_ACCESS, CREDENTIALS)]
    asked = [p for combo in combos for p in points(*combo)]
    answers = ask_the_engine([request for _, _, request in asked])
    wrong = [(what, allowed, answer) for (what, allowed, _), answer in zip(
        asked, answers, strict=True) if (answer == "Allowed") != allowed]
    assert not wrong, json.dumps(wrong[:20], indent=1)
    assert len(combos) == 10
    with capsys.disabled():
        print(f"\naccess matrix: {len(combos)} combinations, {len(asked)} requests, "
              f"all decided by the engine as expected")


def test_the_engine_catches_a_refresher_widened_to_push() -> None:
    """Control: the same requests fail once the refresher's policy also allows PutImage."""
    params = parameters("pull", "irsa")
    asked = [p for p in points("pull", "irsa") if "refresher ecr:PutImage on" in p[0]]
    assert asked
    for _, _, request in asked:
        request["identityPolicies"].append({"name": "widened", "policy": {
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": "ecr:PutImage", "Resource": params.repository_arns}]}})
    assert ask_the_engine([r for _, _, r in asked]) == ["Allowed"] * len(asked)


# --- registry-wide features ----------------------------------------------------------------------

def registry_points() -> list[tuple[str, bool, dict[str, Any]]]:
    """Pull through the cache, replication into the registry, and a stranger, decided on the
    synthesized template of every registry feature (pull-only workers, a builder, a refresher
    user)."""
    from ..support.parameters import REGISTRY_FEATURES

    params = Parameters.from_mapping(params_dict(
        **REGISTRY_FEATURES, workerAccess="pull",
        builderIdentity={"mode": "pod-identity", "clusterName": "builds"},
        pullSecret={"mode": "cronjob", "credentials": "secret"}))
    template = template_of(params)
    policies = identities(params, template)
    (registry_policy,) = of_type(template, "AWS::ECR::RegistryPolicy")
    cached = f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/docker-hub/library/node"
    elsewhere = f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/not-a-cache/node"
    named = params.repository_arns[0]
    pull_through = [*sorted(PULL), "ecr:BatchImportUpstreamImage", "ecr:CreateRepository"]
    out: list[tuple[str, bool, dict[str, Any]]] = []
    for who in (WORKER, params.builder_role_arn or "", params.refresher_user_arn or ""):
        for action in pull_through:  # the pull through the cache, and nothing more there
            out.append((f"{who} {action} on {cached}", True, simulation(
                who, action, cached, identity=policies[who])))
        for action in sorted(repository_change_actions()):
            if action not in pull_through:
                out.append((f"{who} {action} on {cached}", False, simulation(
                    who, action, cached, identity=policies[who])))
        for action in ("ecr:BatchImportUpstreamImage", "ecr:CreateRepository"):
            out.append((f"{who} {action} on {elsewhere}", False, simulation(
                who, action, elsewhere, identity=policies[who])))
    source = "arn:aws:iam::210987654321:root"  # its own account allows it everything
    for action, allowed in (("ecr:ReplicateImage", True), ("ecr:CreateRepository", True),
                            ("ecr:BatchGetImage", False), ("ecr:GetDownloadUrlForLayer", False),
                            ("ecr:PutImage", False), ("ecr:InitiateLayerUpload", False),
                            ("ecr:DeleteRepository", False)):
        out.append((f"replicating account {action} on {named}", allowed, simulation(
            source, action, named, identity=[ALLOW_EVERYTHING],
            resource_policy=registry_policy["PolicyText"])))
        out.append((f"replicating account {action} on {elsewhere}", False, simulation(
            source, action, elsewhere, identity=[ALLOW_EVERYTHING],
            resource_policy=registry_policy["PolicyText"])))
        out.append((f"stranger {action} on {named}", False, simulation(
            STRANGER, action, named, identity=[ALLOW_EVERYTHING],
            resource_policy=registry_policy["PolicyText"])))
    return out


def test_pull_through_the_cache_and_replication_grant_exactly_what_they_need(
        capsys: Any) -> None:
    asked = registry_points()
    answers = ask_the_engine([request for _, _, request in asked])
    wrong = [(what, allowed, answer) for (what, allowed, _), answer in zip(
        asked, answers, strict=True) if (answer == "Allowed") != allowed]
    assert not wrong, json.dumps(wrong[:20], indent=1)
    with capsys.disabled():
        print(f"\nregistry features: {len(asked)} requests, all decided by the engine as "
              "expected")


def test_no_one_pushes_into_a_pull_through_cache_prefix(capsys: Any) -> None:
    """A cached image is ECR's copy of the upstream: the repositories the cache makes take the
    creation template's policy, which lets the worker roles and the builder pull and denies
    every push to anyone who is not an AWS service, an administrator of the account included.
    The control: the same requests under the named repositories' policy (what the templates
    carried before 0.3) let the builder and the pushing workers push."""
    from ..support.parameters import REGISTRY_FEATURES

    params = Parameters.from_mapping(params_dict(
        **REGISTRY_FEATURES, workerAccess="push-pull",
        builderIdentity={"mode": "pod-identity", "clusterName": "builds"}))
    template = template_of(params)
    policies = identities(params, template)
    admin = f"arn:aws:iam::{ACCOUNT}:role/administrator"
    policies[admin] = [ALLOW_EVERYTHING]
    (cache,) = [t for t in of_type(template, "AWS::ECR::RepositoryCreationTemplate")
                if t["Prefix"] == "docker-hub"]
    (named, *_) = of_type(template, "AWS::ECR::Repository")
    cached = f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/docker-hub/library/node"
    iam_principal = {"aws:PrincipalIsAWSService": "false"}
    builder = params.builder_role_arn or ""
    asked: list[tuple[str, bool, dict[str, Any]]] = []
    for who in (WORKER, builder, admin):
        for action in sorted(PUSH_ONLY):
            asked.append((f"{who} {action} on {cached}", False, simulation(
                who, action, cached, identity=policies[who],
                resource_policy=json.loads(cache["RepositoryPolicy"]), context=iam_principal)))
        for action in sorted(PULL):
            asked.append((f"{who} {action} on {cached}", True, simulation(
                who, action, cached, identity=policies[who],
                resource_policy=json.loads(cache["RepositoryPolicy"]), context=iam_principal)))
    control = [(f"control: {who} {action} on {cached}", True, simulation(
        who, action, cached, identity=policies[who],
        resource_policy=named["RepositoryPolicyText"], context=iam_principal))
        for who in (WORKER, builder) for action in sorted(PUSH_ONLY)]
    answers = ask_the_engine([request for _, _, request in asked + control])
    wrong = [(what, allowed, answer) for (what, allowed, _), answer in zip(
        asked + control, answers, strict=True) if (answer == "Allowed") != allowed]
    assert not wrong, json.dumps(wrong[:20], indent=1)
    with capsys.disabled():
        print(f"\npull-through cache: {len(asked)} requests and {len(control)} controls decided "
              "by the engine as expected")


def _resolve_partition(value: Any) -> Any:
    """The template's ``Fn::Join`` of ``AWS::Partition`` as IAM sees it in the aws partition."""
    if isinstance(value, dict) and set(value) == {"Fn::Join"}:
        separator, parts = value["Fn::Join"]
        return separator.join("aws" if p == {"Ref": "AWS::Partition"} else p for p in parts)
    if isinstance(value, dict):
        return {k: _resolve_partition(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve_partition(v) for v in value]
    return value


def test_an_app_s_grants_to_another_account_and_to_lambda_reach_the_repository_policy(
        capsys: Any) -> None:
    """A grant to another account's principal, and a Lambda function whose image is one of the
    repositories, land in the repository policy (they vanished before); the engine decides
    that each may pull and neither may push, and a stranger still gets nothing."""
    from aws_cdk import aws_iam as iam
    from aws_cdk import aws_lambda as lambda_

    from ecr_cluster_access import EcrClusterAccess

    params = Parameters.from_mapping(params_dict())
    app = cdk.App()
    stack = cdk.Stack(app, "Platform", env=cdk.Environment(account=ACCOUNT, region="us-east-1"))
    registry = EcrClusterAccess(stack, "Registry", params=params)
    registry.grant_pull(iam.AccountPrincipal("210987654321"))
    lambda_.DockerImageFunction(stack, "Function", code=lambda_.DockerImageCode.from_ecr(
        registry.repositories["builds/sample-app"], tag_or_digest="v1"))
    template = app.synth().get_stack_by_name("Platform").template
    (repository,) = of_type(template, "AWS::ECR::Repository")
    policy = _resolve_partition(repository["RepositoryPolicyText"])
    arn = params.repository_arns[0]
    puller = "arn:aws:iam::210987654321:role/puller"
    asked: list[tuple[str, bool, dict[str, Any]]] = []
    for action in ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:PutImage",
                   "ecr:InitiateLayerUpload", "ecr:DeleteRepository"):
        pulls = action in ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")
        asked.append((f"other account {action}", pulls, simulation(
            puller, action, arn, identity=[ALLOW_EVERYTHING], resource_policy=policy)))
        asked.append((f"lambda {action}", pulls, simulation(
            "lambda.amazonaws.com", action, arn, identity=[], resource_policy=policy)))
        asked.append((f"stranger {action}", False, simulation(
            STRANGER, action, arn, identity=[ALLOW_EVERYTHING], resource_policy=policy)))
    answers = ask_the_engine([request for _, _, request in asked])
    wrong = [(what, allowed, answer) for (what, allowed, _), answer in zip(
        asked, answers, strict=True) if (answer == "Allowed") != allowed]
    assert not wrong, json.dumps(wrong, indent=1)
    with capsys.disabled():
        print(f"\napp grants: {len(asked)} requests decided by the engine as expected")
