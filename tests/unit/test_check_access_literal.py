"""``check/access.py``: the requests decided for one identity, the witnesses a policy's
``Resource`` patterns give, each finding's wording (outcome, scope, actions, who decides) and
the escalation lines, compared with lines and tuples written here."""

from __future__ import annotations

from typing import Any

import pytest

from ecr_cluster_access import Parameters
from ecr_cluster_access.check.access import (
    RoleState,
    _finding,
    _Request,
    _requests,
    _witnesses,
    access_findings,
    checked_identities,
    escalation_findings,
)
from ecr_cluster_access.check.evaluate import Policy

from ..support import expected_access
from ..support.parameters import params_dict

ACCOUNT = "123456789012"
W1 = f"arn:aws:iam::{ACCOUNT}:role/k8s-worker"
W2 = f"arn:aws:iam::{ACCOUNT}:role/second"
BUILDER = f"arn:aws:iam::{ACCOUNT}:role/EcrClusterAccess-builder"
USER = f"arn:aws:iam::{ACCOUNT}:user/EcrClusterAccess-us-east-1-ecr-refresher"
PULLER = f"arn:aws:iam::{ACCOUNT}:role/ecr-puller"
REPO = f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/"
WEST = f"arn:aws:ecr:us-west-2:{ACCOUNT}:repository/"
OTHER = f"{REPO}ecr-cluster-access-any-other-repository"
BOUNDARY = f"arn:aws:iam::{ACCOUNT}:policy/limit"
PUSH_PULL = sorted(expected_access.SEVEN)
PULL = tuple(sorted(expected_access.PULL))
#: The pull-secret refresher as an IAM user that assumes a same-account role, and a builder.
REFRESHED = Parameters.from_mapping(params_dict(
    workerAccess="pull", builderIdentity={"mode": "pod-identity", "clusterName": "c"},
    pullSecret={"mode": "cronjob", "credentials": "secret", "roleArn": PULLER}))


def policy(*statements: Any) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action: Any, resource: Any, **more: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **more}


def deny(action: Any, resource: Any, **more: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **more}


def lines(found: list[Any]) -> list[tuple[Any, ...]]:
    return [(str(f), f.kind, f.role, f.actions, f.repositories) for f in found]


# --- checked_identities and _requests -----------------------------------------------------------

def test_checked_identities_say_who_may_push() -> None:
    assert checked_identities(REFRESHED) == {W1: False, BUILDER: True, USER: False,
                                             PULLER: False}


def test_requests_for_a_pushing_role_with_create_on_push_replicas_and_witnesses() -> None:
    params = Parameters.from_mapping(params_dict(
        repositories=["builds/app", "other"], createOnPushPrefix="builds", tags={"t": "v"},
        replicationRegions=["us-west-2"]))
    far = f"arn:aws:ecr:eu-west-1:{ACCOUNT}:repository/builds/far"
    requests = _requests(params, ["builds/app"], [f"{REPO}builds/new", far], push=True)
    # the token, 23 on builds/app, 15 on '*', 23 on each replica, 20 on each witness
    assert len(requests) == 125
    assert [(r.action, r.resource, r.repository) for r in requests if r.want] == [
        ("ecr:GetAuthorizationToken", "*", None),
        *[(a, f"{REPO}builds/app", "builds/app") for a in (
            "ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload",
            "ecr:CreateRepository", "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload",
            "ecr:PutImage", "ecr:TagResource", "ecr:UploadLayerPart")],
        *[(a, f"{WEST}builds/app", "builds/app in us-west-2") for a in PULL],
        *[(a, f"{WEST}other", "other in us-west-2") for a in PULL],
        ("ecr:CreateRepository", f"{REPO}builds/new", "builds/new"),
        ("ecr:TagResource", f"{REPO}builds/new", "builds/new")]
    # the registry-wide changes: never wanted, on '*'
    assert [(r.action, r.resource, r.want) for r in requests if r.repository is None][1:] == [
        (a, "*", False) for a in (
            "ecr:CreatePullThroughCacheRule", "ecr:CreateRepositoryCreationTemplate",
            "ecr:DeletePullThroughCacheRule", "ecr:DeleteRegistryPolicy",
            "ecr:DeleteRepositoryCreationTemplate", "ecr:DeleteSigningConfiguration",
            "ecr:DeregisterPullTimeUpdateExclusion", "ecr:PutAccountSetting",
            "ecr:PutRegistryPolicy", "ecr:PutRegistryScanningConfiguration",
            "ecr:PutReplicationConfiguration", "ecr:PutSigningConfiguration",
            "ecr:RegisterPullTimeUpdateExclusion", "ecr:UpdatePullThroughCacheRule",
            "ecr:UpdateRepositoryCreationTemplate")]
    # a witness in another region is labelled with it, and nothing is wanted there
    assert {(r.repository, r.want) for r in requests if r.resource == far} == {
        ("builds/far in eu-west-1", False)}


def test_a_pull_only_role_wants_nothing_on_a_witness_under_the_prefix() -> None:
    params = Parameters.from_mapping(params_dict(
        repositories=["builds/app"], createOnPushPrefix="builds", tags={"t": "v"}))
    requests = _requests(params, ["builds/app"], [f"{REPO}builds/new"], push=False)
    assert [(r.action, r.repository) for r in requests if r.want] == [
        ("ecr:GetAuthorizationToken", None), *[(a, "builds/app") for a in PULL]]


# --- _witnesses ---------------------------------------------------------------------------------

WITNESSES = [
    # a wildcard is filled in; * and ? alike
    ([allow("ecr:*", f"{REPO}team/*")], [f"{REPO}team/x"]),
    ([allow("ecr:*", [f"{REPO}app?", f"{REPO}b*"])], [f"{REPO}appx", f"{REPO}bx"]),
    # '*', another account, a bare 'repository/' and anything not ECR: the other repository
    ([allow("ecr:*", "*")], [OTHER]),
    ([allow("ecr:*", "arn:aws:ecr:us-east-1:210987654321:repository/x")], [OTHER]),
    ([allow("ecr:*", REPO)], [OTHER]),
    ([allow("ecr:*", f"{REPO}a")], [f"{REPO}a"]),
    ([allow("ecr:*", f"arn:aws:ECR:us-west-2:{ACCOUNT}:repository/z")],
     [f"arn:aws:ECR:us-west-2:{ACCOUNT}:repository/z"]),
    ([allow("s3:*", f"arn:aws:s3:::bucket/{ACCOUNT}:x")], [OTHER]),
    ([allow("ecr:*", [7])], [OTHER]),
    ([allow("ecr:*", None)], [OTHER]),
    # a colon after the repository part stays in it
    ([allow("ecr:*", f"{REPO}team:x")], [f"{REPO}team:x"]),
    # the parameters' own repository gives the other one, not itself
    ([allow("ecr:*", f"{REPO}builds/sample-app")], [OTHER]),
    # NotResource: the other repository, whatever Resource says, and on to the next statement
    ([{"Effect": "Allow", "Action": "ecr:*", "NotResource": f"{REPO}a",
       "Resource": f"{REPO}team/*"}, allow("ecr:*", f"{REPO}b")], [OTHER, f"{REPO}b"]),
    # Deny and malformed statements give none, and the next statement still counts
    (["not a statement", deny("ecr:*", "*"), allow("ecr:*", f"{REPO}c")], [f"{REPO}c"]),
    ([deny("ecr:*", "*")], []),
]


@pytest.mark.parametrize(("statements", "expected"), WITNESSES)
def test_witnesses(statements: list[Any], expected: list[str]) -> None:
    params = Parameters.from_mapping(params_dict())
    assert _witnesses(params, [Policy("inline policy p", policy(*statements))]) == expected


# --- _finding -----------------------------------------------------------------------------------

def request(repository: str | None, *actions: str) -> list[_Request]:
    resource = "*" if repository is None else f"{REPO}{repository}"
    return [_Request(a, resource, repository, False) for a in actions]


FIVE = ["r0", "r1", "r2", "r3", "r4"]
FINDINGS = [
    (W1, "denied", ("inline policy d",), request("r0", "ecr:PutImage"), FIVE,
     f"role {W1}: is denied ecr:PutImage on r0 by inline policy d", "drift"),
    (W1, "not-allowed", (f"permissions boundary {BOUNDARY}", "inline policy b"),
     request("r0", "ecr:PutImage", "ecr:BatchGetImage"), FIVE,
     f"role {W1}: is not allowed ecr:BatchGetImage, ecr:PutImage on r0: its permissions "
     f"boundary {BOUNDARY}, inline policy b does not allow it", "drift"),
    (USER, "not-allowed", (), request(None, "ecr:GetAuthorizationToken")
     + request("r1", "ecr:BatchGetImage") + request("r0", "ecr:BatchGetImage"), FIVE,
     f"user {USER}: is not allowed ecr:BatchGetImage, ecr:GetAuthorizationToken on r1, r0 and "
     "'*': no identity policy, boundary or repository policy allows it", "drift"),
    (W1, "extra", ("inline policy a",), request("r0", "ecr:DeleteRepository"), FIVE,
     f"role {W1}: is also allowed ecr:DeleteRepository on r0 by inline policy a, beyond what "
     "the parameters grant (1 action)", "drift"),
    (W1, "extra", ("inline policy a",), request(None, "ecr:PutRegistryPolicy", "ecr:A",
                                                "ecr:B", "ecr:C", "ecr:D", "ecr:E"), FIVE,
     f"role {W1}: is also allowed ecr:A, ecr:B, ecr:C, ecr:D, ecr:E, ecr:PutRegistryPolicy on "
     "'*' by inline policy a, beyond what the parameters grant (6 actions)", "drift"),
    (W1, "extra", ("inline policy a",), request(None, *[f"ecr:A{i}" for i in range(8)]), FIVE,
     f"role {W1}: is also allowed ecr:A0, ecr:A1, ecr:A2, ecr:A3, ecr:A4, ecr:A5 and 2 more on "
     "'*' by inline policy a, beyond what the parameters grant (8 actions)", "drift"),
    (W1, "unknown-want", ("inline policy c (a Condition)",),
     request("r0", "ecr:PutImage") + request("r1", "ecr:PutImage"), FIVE,
     f"role {W1}: needs ecr:PutImage on r0, r1; whether it has them depends on inline policy c "
     "(a Condition), which check cannot decide", "cannot-verify"),
    (W1, "unknown-not", ("inline policy c (a Condition)",), request("r0", "ecr:PutImage"), FIVE,
     f"role {W1}: must not have ecr:PutImage on r0; whether it has them depends on inline "
     "policy c (a Condition), which check cannot decide", "cannot-verify"),
]


@pytest.mark.parametrize(("role", "outcome", "by", "requests", "present", "line", "kind"),
                         FINDINGS)
def test_finding_wording(role: str, outcome: str, by: tuple[str, ...],
                         requests: list[_Request], present: list[str], line: str,
                         kind: str) -> None:
    found = _finding(role, outcome, by, requests, present)
    assert (str(found), found.kind, found.role) == (line, kind, role)
    assert found.actions == tuple(sorted({r.action for r in requests}))
    assert found.repositories == tuple(dict.fromkeys(
        r.repository for r in requests if r.repository))


SCOPES = [
    # exactly the parameters' repositories, more than four of them: "all"
    (FIVE, FIVE, "all 5 repositories"),
    (FIVE[:4], FIVE[:4], "r0, r1, r2, r3"),
    (FIVE, ["r0", "r1", "r2", "r3", "x"], "5 repositories"),
    ([*FIVE, "r5"], FIVE, "5 repositories"),
    (FIVE, ["r0", "r1"], "r0, r1"),
]


@pytest.mark.parametrize(("present", "named", "where"), SCOPES)
def test_finding_scope(present: list[str], named: list[str], where: str) -> None:
    requests = [r for name in named for r in request(name, "ecr:TagResource")]
    found = _finding(W1, "extra", ("inline policy a",), requests, present)
    assert str(found) == (f"role {W1}: is also allowed ecr:TagResource on {where} by inline "
                          "policy a, beyond what the parameters grant (1 action)")
    assert (found.actions, found.repositories) == (("ecr:TagResource",), tuple(named))


def test_finding_scope_with_the_registry_too() -> None:
    requests = [r for name in FIVE for r in request(name, "ecr:TagResource")]
    found = _finding(W2, "denied", ("the repository policy",),
                     requests + request(None, "ecr:PutRegistryPolicy"), FIVE)
    assert str(found) == (f"role {W2}: is denied ecr:PutRegistryPolicy, ecr:TagResource on all "
                          "5 repositories and '*' by the repository policy")


# --- access_findings ----------------------------------------------------------------------------

TWO = Parameters.from_mapping(params_dict(repositories=["builds/app", "builds/web"],
                                          workerRoleArns=[W1, W2],
                                          replicationRegions=["us-west-2"]))


def second(**more: Any) -> RoleState:
    return RoleState(W2, inline={"p": policy(
        allow("ecr:GetAuthorizationToken", "*"),
        allow([*PUSH_PULL, "ecr:DeleteRepository"],
              [f"{REPO}builds/app", f"{REPO}builds/web", f"{WEST}builds/app"]))},
        boundary_arn=BOUNDARY, boundary=policy(allow("ecr:*", "*"),
                                               deny("ecr:UploadLayerPart", "*")), **more)


SECOND = [
    (f"role {W2}: is denied ecr:UploadLayerPart on builds/app, builds/web by permissions "
     f"boundary {BOUNDARY}", "drift", W2, ("ecr:UploadLayerPart",),
     ("builds/app", "builds/web")),
    (f"role {W2}: is denied ecr:PutImage on builds/app by the repository policy", "drift", W2,
     ("ecr:PutImage",), ("builds/app",)),
    (f"role {W2}: is also allowed ecr:CompleteLayerUpload, ecr:DeleteRepository, "
     "ecr:InitiateLayerUpload, ecr:PutImage on builds/app, builds/web, builds/app in "
     "us-west-2 by inline policy p, beyond what the parameters grant (4 actions)", "drift", W2,
     ("ecr:CompleteLayerUpload", "ecr:DeleteRepository", "ecr:InitiateLayerUpload",
      "ecr:PutImage"), ("builds/app", "builds/web", "builds/app in us-west-2")),
    (f"role {W2}: is not allowed ecr:BatchCheckLayerAvailability, ecr:BatchGetImage, "
     "ecr:GetDownloadUrlForLayer on builds/web in us-west-2: no identity policy, boundary or "
     "repository policy allows it", "drift", W2, PULL, ("builds/web in us-west-2",))]


@pytest.mark.parametrize("first", [None, RoleState(W1, exists=False)])
def test_access_of_a_pull_only_role_with_a_boundary_and_a_repository_policy(
        first: RoleState | None) -> None:
    roles = {W2: second()} if first is None else {W1: first, W2: second()}
    # a Deny for another principal does not concern this role
    repository_policy = policy({"Effect": "Deny", "Principal": {"AWS": W2},
                                "Action": "ecr:PutImage", "Resource": "*"},
                               {"Effect": "Deny", "Principal": {"AWS": W1},
                                "Action": "ecr:*", "Resource": "*"})
    # builds/web has no policy; builds/app's replica is read, builds/web's is not
    assert lines(access_findings(TWO, roles, {
        "builds/app": repository_policy, "builds/web": None,
        "builds/app in us-west-2": None})) == SECOND


def test_a_missing_repository_is_left_out() -> None:
    role = RoleState(W2, inline={"p": policy(
        allow("ecr:GetAuthorizationToken", "*"),
        allow([*PUSH_PULL, "ecr:DeleteRepository"], [f"{REPO}builds/app", f"{WEST}builds/*"]))})
    assert lines(access_findings(TWO, {W2: role}, {"builds/web": None})) == [
        (f"role {W2}: is also allowed ecr:CompleteLayerUpload, ecr:DeleteRepository, "
         "ecr:InitiateLayerUpload, ecr:PutImage, ecr:UploadLayerPart on builds/app in "
         "us-west-2, builds/web in us-west-2, builds/x in us-west-2 by inline policy p, beyond "
         "what the parameters grant (5 actions)", "drift", W2,
         ("ecr:CompleteLayerUpload", "ecr:DeleteRepository", "ecr:InitiateLayerUpload",
          "ecr:PutImage", "ecr:UploadLayerPart"),
         ("builds/app in us-west-2", "builds/web in us-west-2", "builds/x in us-west-2")),
        (f"role {W2}: is not allowed ecr:BatchCheckLayerAvailability, ecr:BatchGetImage, "
         "ecr:CompleteLayerUpload, ecr:GetDownloadUrlForLayer, ecr:InitiateLayerUpload, "
         "ecr:PutImage and 1 more on builds/web: no identity policy, boundary or repository "
         "policy allows it", "drift", W2, tuple(PUSH_PULL), ("builds/web",))]


def test_undecidable_access_is_ordered_after_what_is_decided() -> None:
    params = Parameters.from_mapping(params_dict())
    app = f"{REPO}builds/sample-app"
    condition = {"Bool": {"aws:SecureTransport": "true"}}
    role = RoleState(W1, inline={
        "a": policy(allow("ecr:GetAuthorizationToken", "*"), allow(PUSH_PULL, app),
                    allow("ecr:TagResource", app)),
        "c": policy(allow("ecr:DeleteRepository", app, Condition=condition)),
        # an undecidable Deny on what nothing allows changes nothing
        "d": policy(deny(["ecr:BatchGetImage", "ecr:PutRegistryPolicy"], "*",
                         Condition=condition))})
    assert lines(access_findings(params, {W1: role}, {"builds/sample-app": None})) == [
        (f"role {W1}: is also allowed ecr:TagResource on builds/sample-app by inline policy a, "
         "beyond what the parameters grant (1 action)", "drift", W1, ("ecr:TagResource",),
         ("builds/sample-app",)),
        (f"role {W1}: must not have ecr:DeleteRepository on builds/sample-app; whether it has "
         "them depends on inline policy c (a Condition), which check cannot decide",
         "cannot-verify", W1, ("ecr:DeleteRepository",), ("builds/sample-app",)),
        (f"role {W1}: needs ecr:BatchGetImage on builds/sample-app; whether it has them "
         "depends on inline policy d (a Condition), which check cannot decide",
         "cannot-verify", W1, ("ecr:BatchGetImage",), ("builds/sample-app",))]


def test_a_refresher_user_without_policies_may_pull_nothing() -> None:
    assert lines(access_findings(REFRESHED, {USER: RoleState(USER)},
                                 {"builds/sample-app": None})) == [
        (f"user {USER}: is not allowed ecr:BatchCheckLayerAvailability, ecr:BatchGetImage, "
         "ecr:GetAuthorizationToken, ecr:GetDownloadUrlForLayer on builds/sample-app and '*': "
         "no identity policy, boundary or repository policy allows it", "drift", USER,
         ("ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetAuthorizationToken",
          "ecr:GetDownloadUrlForLayer"), ("builds/sample-app",))]


# --- escalation_findings ------------------------------------------------------------------------

def test_escalation_lines() -> None:
    condition = {"Bool": {"aws:SecureTransport": "true"}}
    roles = {
        W1: RoleState(W1, inline={"p": policy(allow(["iam:PassRole", "iam:PutUserPolicy"],
                                                     "*"))}),
        # within a boundary that leaves IAM out: nothing
        BUILDER: RoleState(BUILDER, inline={"p": policy(allow("iam:*", "*"))},
                           boundary_arn=BOUNDARY, boundary=policy(allow("ecr:*", "*"))),
        # the refresher may assume pullSecret.roleArn, and only that
        USER: RoleState(USER, inline={
            "p": policy(allow("sts:AssumeRole", "*")),
            "q": policy(allow(["iam:CreateAccessKey", "iam:PutUserPolicy"], USER,
                              Condition=condition))}),
        PULLER: RoleState(PULLER, exists=False)}
    assert lines(escalation_findings(REFRESHED, roles)) == [
        (f"role {W1}: may change its own or a managed identity's permissions: iam:PassRole, "
         f"iam:PutUserPolicy on itself, {BUILDER}, {USER}, {PULLER}, by inline policy p; while "
         "it may, every ECR grant is moot", "drift", W1, ("iam:PassRole", "iam:PutUserPolicy"),
         ()),
        (f"user {USER}: may change its own or a managed identity's permissions: sts:AssumeRole "
         f"on {W1}, {BUILDER}, by inline policy p; while it may, every ECR grant is moot",
         "drift", USER, ("sts:AssumeRole",), ()),
        (f"user {USER}: may be able to change its own or a managed identity's permissions: "
         "iam:CreateAccessKey, iam:PutUserPolicy on itself depends on inline policy q (a "
         "Condition), which check cannot decide", "cannot-verify", USER,
         ("iam:CreateAccessKey", "iam:PutUserPolicy"), ())]


def test_escalation_after_a_missing_role_and_with_two_policies() -> None:
    roles = {USER: RoleState(USER, inline={
        "p": policy(allow("iam:AttachUserPolicy", "*")),
        "q": policy(allow("iam:AttachUserPolicy", "*"))})}
    assert lines(escalation_findings(REFRESHED, roles)) == [
        (f"user {USER}: may change its own or a managed identity's permissions: "
         "iam:AttachUserPolicy on itself, by inline policy p, inline policy q; while it may, "
         "every ECR grant is moot", "drift", USER, ("iam:AttachUserPolicy",), ())]
    condition = {"Bool": {"aws:SecureTransport": "true"}}
    roles = {USER: RoleState(USER, inline={
        "p": policy(allow(["iam:AttachUserPolicy", "iam:PutUserPolicy"], USER,
                          Condition=condition)),
        "q": policy(allow("iam:AttachUserPolicy", "*", Condition=condition))})}
    assert lines(escalation_findings(REFRESHED, roles)) == [
        (f"user {USER}: may be able to change its own or a managed identity's permissions: "
         "iam:PutUserPolicy on itself depends on inline policy p (a Condition), which check "
         "cannot decide", "cannot-verify", USER, ("iam:PutUserPolicy",), ()),
        (f"user {USER}: may be able to change its own or a managed identity's permissions: "
         "iam:AttachUserPolicy on itself depends on inline policy p (a Condition), inline "
         "policy q (a Condition), which check cannot decide", "cannot-verify", USER,
         ("iam:AttachUserPolicy",), ())]
