"""``check.findings`` and its parts in ``check/__init__.py``: the worker roles' token policy
(drift or a note), the identities the stack owns (trust, inline, groups, console password),
the developer policy, and each member account's side of the organization grant, compared with
lines written here."""

from __future__ import annotations

import copy
from typing import Any

from ecr_cluster_access import Parameters
from ecr_cluster_access.check import _developer_findings, findings, member_findings
from ecr_cluster_access.check.read import AccountState, MemberState

from ..support.accounts import in_sync_state
from ..support.parameters import OIDC, params_dict

W1 = "arn:aws:iam::123456789012:role/k8s-worker"
W2 = "arn:aws:iam::123456789012:role/second"
W3 = "arn:aws:iam::123456789012:role/third"
BUILDER = "arn:aws:iam::123456789012:role/EcrClusterAccess-builder"
REFRESHER = "arn:aws:iam::123456789012:role/EcrClusterAccess-refresher"
USER = "arn:aws:iam::123456789012:user/EcrClusterAccess-us-east-1-ecr-refresher"
TOKEN = "EcrClusterAccess-us-east-1-ecr-token"
EMPTY: dict[str, Any] = {"Version": "2012-10-17", "Statement": []}
POD_IDENTITY = {"mode": "pod-identity", "clusterName": "c"}
MOVED = ("the stack's inline policy EcrClusterAccess-us-east-1-ecr-token does not exist; the "
         "role's effective access is checked instead (the next deploy puts the policy back)")


def lines(params: Parameters, state: AccountState) -> list[tuple[Any, ...]]:
    return [(str(f), f.kind, f.role) for f in findings(params, state)]


# --- the worker roles' token policy -------------------------------------------------------------

def test_worker_roles_missing_moved_and_changed() -> None:
    params = Parameters.from_mapping(params_dict(workerRoleArns=[W1, W2, W3]))
    state = copy.deepcopy(in_sync_state(params))
    del state.roles[W1]
    del state.roles[W2].inline[TOKEN]
    state.roles[W3].inline[TOKEN] = EMPTY
    assert lines(params, state) == [
        (f"role {W1}: role does not exist", "drift", W1),
        (f"role {W2}: {MOVED}", "note", W2),
        (f"role {W3}: the stack's inline policy {TOKEN} lacks statement "
         "'AllowEcrAuthorizationToken': Allow of ecr:GetAuthorizationToken on *", "drift", W3)]


def test_a_moved_token_policy_is_a_note_only_where_access_decides_it() -> None:
    def without_token(**overrides: Any) -> list[tuple[Any, ...]]:
        params = Parameters.from_mapping(params_dict(**overrides))
        state = copy.deepcopy(in_sync_state(params))
        del state.roles[W1].inline[TOKEN]
        return lines(params, state)

    missing = (f"role {W1}: the stack's inline policy {TOKEN} does not exist", "drift", W1)
    # create-on-push for pushing workers: the policy holds what access does not decide
    assert without_token(createOnPushPrefix="builds", repositories=["builds/app"]) == [
        (f"role {W1}: is not allowed ecr:CreateRepository on builds/app: no identity policy, "
         "boundary or repository policy allows it", "drift", W1), missing]
    # workers that only pull: nothing of create-on-push is theirs
    assert without_token(createOnPushPrefix="builds", repositories=["builds/app"],
                         workerAccess="pull", builderIdentity=POD_IDENTITY) == [
        (f"role {W1}: {MOVED}", "note", W1)]
    assert without_token(pullThroughCache=[{"upstream": "k8s", "prefix": "k8s"}]) == [missing]


# --- the identities the stack owns --------------------------------------------------------------

def test_a_builder_without_trust_parameters_and_a_refresher_user_in_a_group() -> None:
    params = Parameters.from_mapping(params_dict(
        builderIdentity={"mode": "irsa"}, pullSecret={"mode": "cronjob", "credentials": "secret"}))
    state = copy.deepcopy(in_sync_state(params))
    builder = state.roles[BUILDER]
    builder.inline["ecr-push-pull"]["Statement"] = builder.inline["ecr-push-pull"]["Statement"][:1]
    builder.inline["extra"] = EMPTY
    state.roles[USER].groups = {"admins": {}}
    state.roles[USER].console_access = True
    assert lines(params, state) == [
        (f"role {BUILDER}: has inline policy extra, which the stack does not attach", "drift",
         BUILDER),
        (f"role {BUILDER}: inline policy ecr-push-pull lacks statement "
         "'AllowEcrAuthorizationToken': Allow of ecr:GetAuthorizationToken on *", "drift",
         BUILDER),
        (f"role {BUILDER}: is not allowed ecr:GetAuthorizationToken on '*': no identity policy, "
         "boundary or repository policy allows it", "drift", BUILDER),
        (f"role {BUILDER}: the parameters give no builderIdentity.oidcProviderArn or "
         "clusterName: the trust policy cannot be compared", "cannot-verify", BUILDER),
        (f"user {USER}: has a console password: the refresher's user must have none", "drift",
         USER),
        (f"user {USER}: is in group admins, which the stack does not add it to", "drift", USER)]


def test_a_missing_builder_and_a_refresher_role_without_trust_parameters() -> None:
    params = Parameters.from_mapping(params_dict(
        builderIdentity=POD_IDENTITY, pullSecret={"mode": "cronjob", "credentials": "irsa"}))
    state = copy.deepcopy(in_sync_state(params))
    del state.roles[BUILDER]
    assert lines(params, state) == [
        (f"role {BUILDER}: the builder role does not exist", "drift", BUILDER),
        (f"role {REFRESHER}: the parameters give no pullSecret.oidcProviderArn or clusterName: "
         "the trust policy cannot be compared", "cannot-verify", REFRESHER)]


# --- the developer policy -----------------------------------------------------------------------

def test_the_developer_policy_document_and_a_kind_it_is_not_attached_to() -> None:
    params = Parameters.from_mapping(params_dict(
        developerPrincipalArns=["arn:aws:iam::123456789012:group/devs"]))
    found = _developer_findings(params, {"document": EMPTY, "attached": {"roles": []}})
    developers = "developer policy EcrClusterAccess-us-east-1-ecr-developers"
    assert [(f.subject, f.message, f.kind) for f in found] == [
        (developers, "the document lacks statement 'AllowPushPullOnRepositories': Allow of "
         "ecr:BatchCheckLayerAvailability, ecr:BatchGetImage, ecr:CompleteLayerUpload, "
         "ecr:GetDownloadUrlForLayer, ecr:InitiateLayerUpload, ecr:PutImage, ecr:UploadLayerPart "
         "on arn:aws:ecr:us-east-1:123456789012:repository/builds/sample-app", "drift"),
        (developers, "the document lacks statement 'AllowEcrAuthorizationToken': Allow of "
         "ecr:GetAuthorizationToken on *", "drift"),
        (developers, "is attached to groups [], the parameters say ['devs']", "drift")]


# --- the organization grant and its member accounts ---------------------------------------------

ORGANIZATION = {"organizationId": "o-a1b2c3d4e5", "roleArnPattern": "arn:aws:iam::*:role/*eks-*"}
NODES = "EcrClusterAccess-us-east-1-ecr-nodes"
NODE_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Sid": "AllowNodeRolesOnTheRegistry", "Effect": "Allow",
     "Action": ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage",
                "ecr:CompleteLayerUpload", "ecr:GetDownloadUrlForLayer",
                "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"],
     "Resource": "arn:aws:ecr:us-east-1:123456789012:repository/*"},
    {"Sid": "AllowEcrAuthorizationToken", "Effect": "Allow",
     "Action": "ecr:GetAuthorizationToken", "Resource": "*"}]}


def test_findings_with_an_organization_grant_and_a_missing_repository() -> None:
    params = Parameters.from_mapping(params_dict(
        repositories=["r1", "r2"], tags={"team": "x"},
        pullSecret={"mode": "cronjob", "credentials": "irsa", "oidcProviderArn": OIDC},
        workerOrganization={**ORGANIZATION, "memberAccounts": [{"account": "210987654321"}]}))
    state = copy.deepcopy(in_sync_state(params))
    del state.repositories["r1"]
    state.repositories["r2"].tags = {}
    # the organization's statement in r2's policy is the parameters' own: no finding on it,
    # nor on what it would let the pull-only refresher do (it names no role check can match)
    assert lines(params, state) == [
        ("member account 210987654321: not read: give --member-role NAME, a role check may "
         "assume in each member account", "cannot-verify", None),
        ("r1: repository does not exist", "drift", None),
        ('r2: tag "team" is missing, the parameters say "x"', "drift", None)]
    assert member_findings(Parameters.from_mapping(params_dict()), state) == []


def test_member_accounts_policy_missing_unread_and_a_role_without_it() -> None:
    params = Parameters.from_mapping(params_dict(workerOrganization={
        **ORGANIZATION, "memberAccounts": [
            {"account": "210987654321", "roleNames": ["eks-a"]},
            {"account": "310987654321"},
            {"account": "410987654321",
             "roleNames": ["eks-a", "team/nodes/eks-b", "nodes/eks-c", "eks-d"]}]}))
    state = AccountState(members={
        "210987654321": MemberState(None, ()),
        # the roles as IAM lists them: names without their path
        "410987654321": MemberState(NODE_POLICY, ("eks-a", "eks-b", "eks-c"))})
    assert [(f.subject, f.message, f.kind) for f in member_findings(params, state)] == [
        ("member account 210987654321", f"the node policy {NODES} does not exist", "drift"),
        ("member account 310987654321", "not read: give --member-role NAME, a role check may "
         "assume in each member account", "cannot-verify"),
        ("member account 410987654321", f"role eks-d does not have the node policy {NODES}: it "
         "cannot reach the registry", "drift")]
    state.members["410987654321"] = MemberState(EMPTY, ())
    assert [f.message for f in member_findings(params, state)][2:] == [
        f"the node policy {NODES} lacks statement 'AllowNodeRolesOnTheRegistry': Allow of "
        "ecr:BatchCheckLayerAvailability, ecr:BatchGetImage, ecr:CompleteLayerUpload, "
        "ecr:GetDownloadUrlForLayer, ecr:InitiateLayerUpload, ecr:PutImage, "
        "ecr:UploadLayerPart on arn:aws:ecr:us-east-1:123456789012:repository/*",
        f"the node policy {NODES} lacks statement 'AllowEcrAuthorizationToken': Allow of "
        "ecr:GetAuthorizationToken on *",
        *[f"role {role} does not have the node policy {NODES}: it cannot reach the registry"
          for role in ("eks-a", "team/nodes/eks-b", "nodes/eks-c", "eks-d")]]
