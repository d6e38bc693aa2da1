"""The reader (``check/read.py``) call by call, with literal expectations: botocore's Stubber
(which checks every call's parameters and every answer against the real service models) plays
the account, and the test names each call ``check`` must make, in order, and the exact
:class:`AccountState` it must make of the answers; moto's in-process AWS where the HTTP hooks
(the pace, the count of attempts, the last refusal) must run; the pace on a fake clock; the
one-line error messages; the deadline."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
from botocore.exceptions import (
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    ProfileNotFound,
)
from botocore.stub import Stubber
from moto import mock_aws

from ecr_cluster_access import Parameters
from ecr_cluster_access.check.access import RoleState
from ecr_cluster_access.check.read import (
    AccessError,
    AccountState,
    DeadlineExceeded,
    MemberState,
    Pace,
    Reader,
    RepositoryState,
    _Stopped,
    client_config,
    describe_error,
    template_prefixes,
)

from ..support.clock import FakeClock, install
from ..support.parameters import params_dict

ACCOUNT = "123456789012"
MEMBER = "210987654321"
WORKER = "arn:aws:iam::123456789012:role/k8s-worker"
MISSING = "arn:aws:iam::123456789012:role/k8s-missing"
BUILDER = "arn:aws:iam::123456789012:role/EcrClusterAccess-builder"
USER = "arn:aws:iam::123456789012:user/EcrClusterAccess-us-east-1-ecr-refresher"
USER_NAME = "EcrClusterAccess-us-east-1-ecr-refresher"
DEVELOPERS = "arn:aws:iam::123456789012:policy/EcrClusterAccess-us-east-1-ecr-developers"
NODES = "arn:aws:iam::210987654321:policy/EcrClusterAccess-us-east-1-ecr-nodes"
BOUNDARY = "arn:aws:iam::123456789012:policy/boundary"
MANAGED = "arn:aws:iam::123456789012:policy/extra"
PUSHERS = "arn:aws:iam::123456789012:policy/pushers"
CREATED = datetime(2026, 1, 1, tzinfo=timezone.utc)
#: Policy documents as IAM answers them (URL-encoded JSON) and as read.
ENCODED = "%7B%22Version%22%3A%222012-10-17%22%7D"
DOC = {"Version": "2012-10-17"}


def doc(sid: str) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [{"Sid": sid}]}


def text(sid: str) -> str:
    """``doc(sid)`` as JSON text."""
    return json.dumps(doc(sid))


#: One session for the stubbed tests (its loaded service models are shared by its clients).
SESSION = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                region_name="eu-central-1")


class Recording:
    """A boto3 session that records each client it makes (and stubs the member account's)."""

    def __init__(self, member: Any = None) -> None:
        self.session = SESSION
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.configs: list[Any] = []
        self.member = member
        self.made: list[Any] = []

    def client(self, service: str, **options: Any) -> Any:
        self.configs.append(options.pop("config"))
        self.calls.append((service, dict(options)))
        made = self.session.client(service, config=self.configs[-1], **options)
        self.made.append(made)
        if "aws_access_key_id" in options and self.member is not None:
            self.member(made)
        return made


def reader(params: Parameters, **options: Any) -> Reader:
    return Reader(params, session=SESSION, concurrency=1, **options)


# --- every reading call of one account, in order ------------------------------------------

FEATURES = params_dict(
    repositories=["builds/app", "web", "apps/api"],
    workerRoleArns=[WORKER, MISSING, "arn:aws:iam::210987654321:role/other-cluster"],
    developerPrincipalArns=["arn:aws:iam::123456789012:group/developers"],
    tags={"team": "x"},
    replicationRegions=["us-west-2"],
    createOnPushPrefix="auto",
    pullThroughCache=[{"upstream": "k8s", "prefix": "k8s"}],
    pullSecret={"mode": "cronjob", "credentials": "secret"},
    builderIdentity={"mode": "pod-identity", "clusterName": "c"},
)
APP_ARN = "arn:aws:ecr:us-east-1:123456789012:repository/builds/app"
DESCRIBED = {"builds/app": {"repositoryName": "builds/app", "repositoryArn": APP_ARN,
                            "imageTagMutability": "MUTABLE"},
             "web": {"repositoryName": "web"},
             "legacy": {"repositoryName": "legacy", "registryId": ACCOUNT},
             "old/tool": {"repositoryName": "old/tool"}}
REPLICA = {"repositoryName": "builds/app",
           "repositoryArn": "arn:aws:ecr:us-west-2:123456789012:repository/builds/app"}
TEMPLATE = {"prefix": "auto", "appliedFor": ["CREATE_ON_PUSH"]}
CACHE_RULE = {"ecrRepositoryPrefix": "k8s", "upstreamRegistryUrl": "registry.k8s.io"}
REPLICATION = {"rules": [{"destinations": [{"region": "us-west-2", "registryId": ACCOUNT}]}]}
SCANNING = {"scanType": "BASIC", "rules": []}
LIFECYCLE = ('{"rules": [{"rulePriority": 1, "description": "untagged", "selection": '
             '{"tagStatus": "untagged"}, "action": {"type": "expire"}}]}')


def policy_answers(iam: Stubber, kind: str, name: str, inline: dict[str, str],
                   attached: dict[str, str]) -> None:
    """The four calls :meth:`Reader._policies` makes for an IAM role, user or group."""
    key = {f"{kind.capitalize()}Name": name}
    iam.add_response(f"list_{kind}_policies", {"PolicyNames": list(inline)}, key)
    for policy_name, document in inline.items():
        iam.add_response(f"get_{kind}_policy", {**key, "PolicyName": policy_name,
                                                "PolicyDocument": document},
                         {**key, "PolicyName": policy_name})
    iam.add_response(f"list_attached_{kind}_policies", {"AttachedPolicies": [
        {"PolicyName": arn.rsplit("/", 1)[-1], "PolicyArn": arn} for arn in attached]}, key)
    for arn, document in attached.items():
        managed_answers(iam, arn, "v2", document)


def managed_answers(iam: Stubber, arn: str, version: str, document: str) -> None:
    iam.add_response("get_policy", {"Policy": {"Arn": arn, "DefaultVersionId": version}},
                     {"PolicyArn": arn})
    iam.add_response("get_policy_version", {"PolicyVersion": {"Document": document,
                                                              "VersionId": version}},
                     {"PolicyArn": arn, "VersionId": version})


def expect_everything(sts: Stubber, ecr: Stubber, west: Stubber, iam: Stubber) -> None:
    sts.add_response("get_caller_identity", {"Account": ACCOUNT})
    # two pages; repositories under a template's prefix and one without a name are skipped
    ecr.add_response("describe_repositories", {"nextToken": "page-2", "repositories": [
        DESCRIBED["web"], {"repositoryName": "auto/made"}, DESCRIBED["legacy"],
        {"repositoryArn": "arn:aws:ecr:us-east-1:123456789012:repository/nameless"},
        DESCRIBED["builds/app"], {"repositoryName": "k8s/pause"}]},
        {"registryId": ACCOUNT, "maxResults": 1000})
    ecr.add_response("describe_repositories", {"repositories": [DESCRIBED["old/tool"]]},
                     {"registryId": ACCOUNT, "maxResults": 1000, "nextToken": "page-2"})
    west.add_response("describe_repositories", {"repositories": [
        REPLICA, {"repositoryName": "unrelated"}]}, {"registryId": ACCOUNT, "maxResults": 1000})
    for name, answer in [("builds/app", text("app")), ("web", None)]:
        if answer is None:
            ecr.add_client_error("get_repository_policy", "RepositoryPolicyNotFoundException",
                                 expected_params={"registryId": ACCOUNT, "repositoryName": name})
        else:
            ecr.add_response("get_repository_policy", {"policyText": answer},
                             {"registryId": ACCOUNT, "repositoryName": name})
    ecr.add_response("get_lifecycle_policy", {"lifecyclePolicyText": LIFECYCLE},
                     {"registryId": ACCOUNT, "repositoryName": "builds/app"})
    ecr.add_client_error("get_lifecycle_policy", "LifecyclePolicyNotFoundException",
                         expected_params={"registryId": ACCOUNT, "repositoryName": "web"})
    ecr.add_response("list_tags_for_resource", {"tags": [{"Key": "team", "Value": "x"}]},
                     {"resourceArn": APP_ARN})
    ecr.add_response("list_tags_for_resource", {},  # no tags key at all
                     {"resourceArn": "arn:aws:ecr:us-east-1:123456789012:repository/web"})
    west.add_response("get_repository_policy", {"policyText": text("replica")},
                      {"registryId": ACCOUNT, "repositoryName": "builds/app"})
    west.add_client_error("get_lifecycle_policy", "LifecyclePolicyNotFoundException",
                          expected_params={"registryId": ACCOUNT, "repositoryName": "builds/app"})
    ecr.add_response("get_repository_policy", {"policyText": text("legacy")},
                     {"registryId": ACCOUNT, "repositoryName": "legacy"})
    ecr.add_client_error("get_repository_policy", "RepositoryPolicyNotFoundException",
                         expected_params={"registryId": ACCOUNT, "repositoryName": "old/tool"})
    ecr.add_response("list_tags_for_resource", {"tags": [{"Key": "owner", "Value": "ops"}]},
                     {"resourceArn": "arn:aws:ecr:us-east-1:123456789012:repository/legacy"})
    ecr.add_response("list_tags_for_resource", {"tags": []},
                     {"resourceArn": "arn:aws:ecr:us-east-1:123456789012:repository/old/tool"})
    # the worker role: trust, an inline and an attached policy, a permissions boundary
    iam.add_response("get_role", {"Role": {
        "Path": "/", "RoleName": "k8s-worker", "RoleId": "AROAEXAMPLEEXAMPLE1", "Arn": WORKER,
        "CreateDate": CREATED, "AssumeRolePolicyDocument": ENCODED,
        "PermissionsBoundary": {"PermissionsBoundaryType": "Policy",
                                "PermissionsBoundaryArn": BOUNDARY}}},
        {"RoleName": "k8s-worker"})
    policy_answers(iam, "role", "k8s-worker", {"token": text("token")},
                   {MANAGED: text("extra")})
    managed_answers(iam, BOUNDARY, "v7", text("boundary"))
    iam.add_client_error("get_role", "NoSuchEntity", expected_params={"RoleName": "k8s-missing"})
    # the builder role's name with another path: not the role the parameters name
    iam.add_response("get_role", {"Role": {
        "Path": "/other/", "RoleName": "EcrClusterAccess-builder", "RoleId": "AROAEXAMPLEEXAMPLE2",
        "Arn": "arn:aws:iam::123456789012:role/other/EcrClusterAccess-builder",
        "CreateDate": CREATED, "AssumeRolePolicyDocument": ENCODED}},
        {"RoleName": "EcrClusterAccess-builder"})
    # the refresher user: no policy of its own, a console password, a group
    iam.add_response("get_user", {"User": {
        "Path": "/", "UserName": USER_NAME, "UserId": "AIDAEXAMPLEEXAMPLE1", "Arn": USER,
        "CreateDate": CREATED}}, {"UserName": USER_NAME})
    policy_answers(iam, "user", USER_NAME, {}, {})
    iam.add_response("get_login_profile", {"LoginProfile": {
        "UserName": USER_NAME, "CreateDate": CREATED}}, {"UserName": USER_NAME})
    iam.add_response("list_groups_for_user", {"Groups": [{
        "Path": "/", "GroupName": "builders", "GroupId": "AGPAEXAMPLEEXAMPLE1",
        "Arn": "arn:aws:iam::123456789012:group/builders", "CreateDate": CREATED}]},
        {"UserName": USER_NAME})
    policy_answers(iam, "group", "builders", {"g-inline": text("g-inline")},
                   {PUSHERS: text("pushers")})
    ecr.add_response("get_registry_policy", {"policyText": text("registry")})
    ecr.add_response("describe_registry", {"registryId": ACCOUNT,
                                           "replicationConfiguration": REPLICATION})
    ecr.add_response("describe_repository_creation_templates", {
        "repositoryCreationTemplates": [{"prefix": "other"}, TEMPLATE]}, {"prefixes": ["auto"]})
    # the developers' policy, attached over three pages (each list may be left out)
    managed_answers(iam, DEVELOPERS, "v1", text("developers"))
    iam.add_response("list_entities_for_policy", {
        "PolicyRoles": [{"RoleName": "dev"}], "PolicyUsers": [{"UserName": "ann"}],
        "PolicyGroups": [{"GroupName": "developers"}], "IsTruncated": True,
        "Marker": "more"}, {"PolicyArn": DEVELOPERS})
    iam.add_response("list_entities_for_policy", {
        "PolicyRoles": [{"RoleName": "dev2"}], "IsTruncated": True, "Marker": "last"},
        {"PolicyArn": DEVELOPERS, "Marker": "more"})
    iam.add_response("list_entities_for_policy", {
        "PolicyUsers": [{"UserName": "bob"}], "PolicyGroups": [{"GroupName": "admins"}]},
        {"PolicyArn": DEVELOPERS, "Marker": "last"})
    ecr.add_response("get_registry_scanning_configuration", {"scanningConfiguration": SCANNING})
    ecr.add_response("describe_pull_through_cache_rules", {"pullThroughCacheRules": [CACHE_RULE]},
                     {"registryId": ACCOUNT})
    ecr.add_client_error("describe_repository_creation_templates", "TemplateNotFoundException",
                         expected_params={"prefixes": ["k8s"]})


EVERYTHING = AccountState(
    repositories={
        "builds/app": RepositoryState(DESCRIBED["builds/app"], text("app"), LIFECYCLE,
                                      {"team": "x"}),
        "web": RepositoryState(DESCRIBED["web"], None, None, {})},
    roles={
        WORKER: RoleState(WORKER, trust=DOC, inline={"token": doc("token")},
                          attached={MANAGED: doc("extra")}, boundary_arn=BOUNDARY,
                          boundary=doc("boundary")),
        MISSING: RoleState(MISSING, exists=False),
        BUILDER: RoleState(BUILDER, exists=False, trust=DOC),
        USER: RoleState(USER, groups={"builders": {
            "inline policy g-inline": doc("g-inline"),
            f"attached policy {PUSHERS}": doc("pushers")}}, console_access=True)},
    registry_policy=text("registry"),
    replication=REPLICATION,
    creation_template=TEMPLATE,
    developer_policy={"document": doc("developers"), "attached": {
        "roles": ["dev", "dev2"], "users": ["ann", "bob"], "groups": ["developers", "admins"]}},
    registry_scanning=SCANNING,
    replicas={"builds/app in us-west-2": RepositoryState(REPLICA, text("replica"), None)},
    others={"legacy": RepositoryState(DESCRIBED["legacy"], text("legacy"),
                                      tags={"owner": "ops"}),
            "old/tool": RepositoryState(DESCRIBED["old/tool"], None, tags={})},
    pull_through_cache=[CACHE_RULE],
    cache_templates={"k8s": None})


@pytest.fixture
def everything() -> Iterator[tuple[Reader, Stubber, Stubber, Stubber, Stubber]]:
    made = reader(Parameters.from_mapping(FEATURES))
    stubs = (Stubber(made.sts), Stubber(made.ecr), Stubber(made.regional("us-west-2")),
             Stubber(made.iam))
    for stub in stubs:
        stub.activate()
    yield (made, *stubs)
    for stub in stubs:
        stub.deactivate()


def test_every_feature_is_read_call_by_call(everything: Any) -> None:
    made, sts, ecr, west, iam = everything
    expect_everything(sts, ecr, west, iam)
    assert made.read() == EVERYTHING
    for stub in (sts, ecr, west, iam):
        stub.assert_no_pending_responses()


def test_the_state_lists_roles_and_repositories_in_the_parameters_order(
        everything: Any) -> None:
    made, sts, ecr, west, iam = everything
    expect_everything(sts, ecr, west, iam)
    state = made.read()
    assert list(state.repositories) == ["builds/app", "web"]
    assert list(state.roles) == [WORKER, MISSING, BUILDER, USER]
    assert list(state.others) == ["legacy", "old/tool"]


def test_a_refusal_while_reading_is_one_line() -> None:
    made = reader(Parameters.from_mapping(params_dict()))
    with Stubber(made.sts) as sts, Stubber(made.ecr) as ecr:
        sts.add_response("get_caller_identity", {"Account": ACCOUNT})
        ecr.add_client_error("describe_repositories", "AccessDeniedException",
                             "not allowed\nat all")
        with pytest.raises(AccessError) as raised:
            made.read()
    assert str(raised.value) == ("AWS refused DescribeRepositories: AccessDeniedException: "
                                 "not allowed at all")


def test_an_empty_answer_reads_as_nothing() -> None:
    """Answers without their lists (the models allow it): nothing found, no error."""
    made = reader(Parameters.from_mapping(params_dict(
        createOnPushPrefix="auto", pullThroughCache=[{"upstream": "k8s", "prefix": "k8s"}])))
    with Stubber(made.ecr) as ecr, Stubber(made.iam) as iam:
        ecr.add_response("describe_repositories", {})
        iam.add_response("get_role", {"Role": {
            "Path": "/", "RoleName": "k8s-worker", "RoleId": "AROAEXAMPLEEXAMPLE1",
            "Arn": WORKER, "CreateDate": CREATED}})
        iam.add_response("list_role_policies", {"PolicyNames": []})
        iam.add_response("list_attached_role_policies", {})
        ecr.add_response("describe_repository_creation_templates", {})
        ecr.add_response("describe_pull_through_cache_rules", {})
        assert made._describe_repositories() == {}
        assert made._role(WORKER) == RoleState(WORKER)
        assert made._creation_template() is None
        assert made._pull_through_cache() == []


def test_missing_policies_read_as_none() -> None:
    made = reader(Parameters.from_mapping(params_dict(
        developerPrincipalArns=["arn:aws:iam::123456789012:group/developers"])))
    with Stubber(made.ecr) as ecr, Stubber(made.iam) as iam:
        ecr.add_client_error("get_registry_policy", "RegistryPolicyNotFoundException")
        ecr.add_response("describe_registry", {"registryId": ACCOUNT})
        iam.add_client_error("get_policy", "NoSuchEntity",
                             expected_params={"PolicyArn": DEVELOPERS})
        assert made._registry() == (None, None)
        assert made._developer_policy() is None


def test_no_developer_principals_read_no_developer_policy() -> None:
    made = reader(Parameters.from_mapping(params_dict()))
    with Stubber(made.iam):  # any call would fail: none is stubbed
        assert made._developer_policy() is None


def test_tags_are_read_at_the_arn_the_description_gives() -> None:
    made = reader(Parameters.from_mapping(params_dict()))
    with Stubber(made.ecr) as ecr:
        ecr.add_response("list_tags_for_resource", {"tags": [{"Key": "a", "Value": "b"}]},
                         {"resourceArn": "arn:aws:ecr:us-east-1:123456789012:repository/given"})
        assert made._tags({"repositoryName": "named", "repositoryArn":
                           "arn:aws:ecr:us-east-1:123456789012:repository/given"}) == {"a": "b"}


# --- member accounts (--member-role) ----------------------------------------------------

ORGANIZATION = {"organizationId": "o-a1b2c3d4e5", "roleArnPattern": "arn:aws:iam::*:role/eks-*",
                "memberAccounts": [{"account": MEMBER}]}
CREDENTIALS = {"AccessKeyId": "ASIAMEMBEREXAMPLE", "SecretAccessKey": "member-secret",
               "SessionToken": "member-token", "Expiration": CREATED}


def member_answers(iam: Any) -> None:
    stub = Stubber(iam)
    managed_answers(stub, NODES, "v3", ENCODED)
    stub.add_response("list_entities_for_policy", {
        "PolicyRoles": [{"RoleName": "eks-node-b"}], "IsTruncated": True, "Marker": "m"},
        {"PolicyArn": NODES, "EntityFilter": "Role"})
    stub.add_response("list_entities_for_policy", {"PolicyRoles": [{"RoleName": "eks-node-a"}]},
                      {"PolicyArn": NODES, "EntityFilter": "Role", "Marker": "m"})
    stub.activate()


def test_a_member_accounts_policy_is_read_through_the_member_role() -> None:
    session = Recording(member_answers)
    made = Reader(Parameters.from_mapping(params_dict(workerOrganization=ORGANIZATION)),
                  session=session, member_role="OrganizationReader")
    with Stubber(made.sts) as sts:
        sts.add_response("assume_role", {"Credentials": CREDENTIALS}, {
            "RoleArn": "arn:aws:iam::210987654321:role/OrganizationReader",
            "RoleSessionName": "ecr-cluster-access-check"})
        assert made._member(MEMBER) == MemberState(DOC, ("eks-node-a", "eks-node-b"))
    assert session.calls[-1] == ("iam", {
        "region_name": "us-east-1", "aws_access_key_id": "ASIAMEMBEREXAMPLE",
        "aws_secret_access_key": "member-secret", "aws_session_token": "member-token"})
    assert session.configs[-1] is made._config


def test_a_member_role_that_cannot_be_assumed_is_one_line() -> None:
    made = reader(Parameters.from_mapping(params_dict(workerOrganization=ORGANIZATION)),
                  member_role="OrganizationReader")
    with Stubber(made.sts) as sts:
        sts.add_client_error("assume_role", "AccessDenied", "no trust")
        with pytest.raises(AccessError) as raised:
            made._member(MEMBER)
    assert str(raised.value) == (
        "member account 210987654321: cannot assume "
        "arn:aws:iam::210987654321:role/OrganizationReader (--member-role): "
        "AWS refused AssumeRole: AccessDenied: no trust")


#: One session for the moto tests (its clients answer from moto's account while mocked).
MOTO = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                             region_name="us-east-1")


@pytest.fixture
def moto_env() -> Iterator[Any]:
    with mock_aws():
        yield MOTO


def test_a_member_account_without_the_policy_is_counted_and_paced(moto_env: Any) -> None:
    made = Reader(Parameters.from_mapping(params_dict(workerOrganization=ORGANIZATION)),
                  session=moto_env, member_role="OrganizationReader")
    assert made._member(MEMBER) == MemberState()
    # AssumeRole, then the member's GetPolicy (refused): both through the reader's hooks
    assert (made.sent, made.last_error) == (2, "refused with NoSuchEntity")
    assert sorted(made.pace._sent) == ["AssumeRole", "GetPolicy"]


@pytest.mark.parametrize(("organization", "member_role", "members"), [
    (ORGANIZATION, "OrganizationReader", {MEMBER: MemberState(roles=("read 210987654321",))}),
    (ORGANIZATION, None, {}),
    (None, "OrganizationReader", {}),
])
def test_member_accounts_are_read_with_an_organization_and_a_member_role(
        moto_env: Any, organization: Any, member_role: str | None,
        members: dict[str, MemberState]) -> None:
    params = params_dict(**({"workerOrganization": organization} if organization else {}))
    made = Reader(Parameters.from_mapping(params), session=moto_env, member_role=member_role)
    made._member = (  # type: ignore[method-assign]
        lambda account: MemberState(roles=(f"read {account}",)))
    assert made.read().members == members


# --- through moto: the HTTP hooks, repositories outside the parameters -----------------

def test_every_client_counts_and_paces_its_attempts(moto_env: Any) -> None:
    made = Reader(Parameters.from_mapping(params_dict(replicationRegions=["us-west-2"])),
                  session=moto_env)
    assert (made.sent, made.last_error) == (0, None)
    made.caller_account()
    made.ecr.describe_registry()
    made.regional("us-west-2").describe_registry()
    assert (made.sent, made.last_error) == (3, None)
    with pytest.raises(ClientError):
        made.iam.get_role(RoleName="nobody")
    assert (made.sent, made.last_error) == (4, "refused with NoSuchEntity")
    assert sorted(made.pace._sent) == ["DescribeRegistry", "GetCallerIdentity", "GetRole"]
    assert len(made.pace._sent["DescribeRegistry"]) == 2


GRANT = ('{"Version": "2012-10-17", "Statement": [{"Sid": "Pull", "Effect": "Allow", '
         '"Principal": {"AWS": "arn:aws:iam::123456789012:role/k8s-worker"}, '
         '"Action": "ecr:BatchGetImage"}]}')


def test_without_tags_in_the_parameters_other_repositories_tags_are_not_read(
        moto_env: Any) -> None:
    ecr = moto_env.client("ecr")
    for name in ("builds/sample-app", "legacy", "bare"):
        ecr.create_repository(repositoryName=name)
    ecr.set_repository_policy(repositoryName="legacy", policyText=GRANT)
    made = Reader(Parameters.from_mapping(params_dict()), session=moto_env)
    state = made.read()
    assert {name: (repo.description["repositoryName"], repo.policy, repo.tags)
            for name, repo in state.others.items()} == {
        "legacy": ("legacy", GRANT, None), "bare": ("bare", None, None)}
    assert len(made.pace._sent["ListTagsForResource"]) == 1  # builds/sample-app's only


def test_a_user_without_console_password(moto_env: Any) -> None:
    moto_env.client("iam").create_user(UserName=USER_NAME)
    made = Reader(Parameters.from_mapping(params_dict(
        pullSecret={"mode": "cronjob", "credentials": "secret"})), session=moto_env)
    assert made._user(USER) == RoleState(USER, console_access=False)


def test_a_missing_user_is_read_no_further(moto_env: Any) -> None:
    made = Reader(Parameters.from_mapping(params_dict(
        pullSecret={"mode": "cronjob", "credentials": "secret"})), session=moto_env)
    assert made._user(USER) == RoleState(USER, exists=False)
    assert sorted(made.pace._sent) == ["GetUser"]


# --- the reader's setup -----------------------------------------------------------------

def test_the_clients_are_made_for_the_parameters_regions() -> None:
    session = Recording()
    made = Reader(Parameters.from_mapping(params_dict(
        replicationRegions=["us-west-2", "eu-west-1"])), session=session)
    assert session.calls == [("ecr", {"region_name": "us-east-1"}),
                             ("iam", {"region_name": "us-east-1"}),
                             ("sts", {"region_name": "us-east-1"}),
                             ("ecr", {"region_name": "us-west-2"}),
                             ("ecr", {"region_name": "eu-west-1"})]
    assert all(config is made._config for config in session.configs)
    assert session.made == [made.ecr, made.iam, made.sts, made.regional("us-west-2"),
                            made.regional("eu-west-1")]
    assert [made.ecr.meta.region_name, made.iam.meta.region_name,
            made.regional("eu-west-1").meta.region_name] == ["us-east-1", "aws-global",
                                                             "eu-west-1"]
    assert made._session is session
    assert (made._config.read_timeout, made._config.connect_timeout) == (20.0, 20.0)


def test_the_reader_starts_from_its_options() -> None:
    params = Parameters.from_mapping(params_dict())
    made = reader(params, timeout=7.5, max_rate=4.0, member_role="OrganizationReader")
    assert (made.params, made.concurrency, made.timeout, made.member_role) == (
        params, 1, 7.5, "OrganizationReader")
    assert (made.pace.max_rate, made.pace.rate("GetRole"), made.stopped.is_set()) == (
        4.0, None, False)
    assert (made.sent, made.last_error) == (0, None)
    assert reader(params).member_role is None
    assert Reader(params, session=made._session, concurrency=0).concurrency == 1
    assert Reader(params, session=made._session, concurrency=5).concurrency == 5


def test_a_session_that_cannot_make_clients_is_one_line() -> None:
    class Broken:
        def client(self, *args: Any, **options: Any) -> Any:
            raise ProfileNotFound(profile="ci")

    with pytest.raises(AccessError) as raised:
        Reader(Parameters.from_mapping(params_dict()), session=Broken())
    assert str(raised.value) == ("The config profile (ci) could not be found: check AWS_PROFILE "
                                 "and ~/.aws/config")


def test_without_a_session_the_default_one_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[Any] = []

    class Default(Recording):
        def __init__(self) -> None:
            super().__init__()
            made.append(self)

    monkeypatch.setattr(boto3.session, "Session", Default)
    reader_ = Reader(Parameters.from_mapping(params_dict()))
    assert [reader_._session] == made


@pytest.mark.parametrize("concurrency", [1, 3])
def test_the_reads_run_at_most_concurrency_at_once(concurrency: int) -> None:
    """Four repository policies read at once: as many at a time as ``concurrency`` says."""
    made = Reader(Parameters.from_mapping(params_dict(repositories=["aa", "bb", "cc", "dd"])),
                  session=SESSION, concurrency=concurrency)
    active, most, lock = [0], [0], threading.Lock()

    def policy(name: str, ecr: Any = None) -> None:
        with lock:
            active[0] += 1
            most[0] = max(most[0], active[0])
        time.sleep(0.05)
        with lock:
            active[0] -= 1

    made._repository_policy = policy  # type: ignore[method-assign]
    made._lifecycle_policy = lambda name, ecr=None: None  # type: ignore[method-assign]
    made._tags = lambda description: {}  # type: ignore[method-assign]
    made._role = lambda arn: RoleState(arn)  # type: ignore[method-assign]
    made._registry = lambda: (None, None)  # type: ignore[method-assign]
    made._registry_scanning = lambda: None  # type: ignore[method-assign]
    made._describe_repositories = lambda ecr=None: {  # type: ignore[method-assign]
        name: {"repositoryName": name} for name in ["aa", "bb", "cc", "dd"]}
    made._read()
    assert most == [concurrency]


# --- the HTTP hooks, called as botocore calls them --------------------------------------

def test_each_attempt_is_counted_and_paced_by_its_operation() -> None:
    made = reader(Parameters.from_mapping(params_dict()))
    made._before_send(event_name="before-send.ecr.GetRepositoryPolicy")
    made._before_send(event_name="before-send.ecr.GetRepositoryPolicy")
    made._before_send(event_name="before-send.iam.GetRole")
    assert made.sent == 3
    assert {op: len(sent) for op, sent in made.pace._sent.items()} == {
        "GetRepositoryPolicy": 2, "GetRole": 1}
    made._before_send()  # no event name: paced as ""
    assert sorted(made.pace._sent) == ["", "GetRepositoryPolicy", "GetRole"]


def test_no_attempt_starts_once_stopped() -> None:
    made = reader(Parameters.from_mapping(params_dict()))
    made.stopped.set()
    with pytest.raises(_Stopped):
        made._before_send(event_name="before-send.ecr.GetRepositoryPolicy")
    assert (made.sent, made.pace._sent) == (0, {})


GET_ROLE = SimpleNamespace(name="GetRole")


@pytest.mark.parametrize(("answer", "last_error", "rate"), [
    ({"response": (None, {"Error": {"Code": "Throttling", "Message": "slow"}}),
      "operation": GET_ROLE}, "refused with Throttling", 2.0),
    ({"response": (None, {"Error": {"Code": "AccessDenied"}}), "operation": GET_ROLE},
     "refused with AccessDenied", None),
    ({"response": (None, {"Error": {"Message": "no code"}}), "operation": GET_ROLE}, None, None),
    ({"response": (None, {"Error": {"Code": ""}}), "operation": GET_ROLE}, None, None),
    ({"response": (None, {"Role": {}}), "operation": GET_ROLE}, None, None),
    ({"response": (None, "not a dict"), "operation": GET_ROLE}, None, None),
    ({"response": (None, {"Error": "text"}), "operation": GET_ROLE}, None, None),
    ({"response": ({"Error": {"Code": "Throttling"}},), "operation": GET_ROLE}, None, None),
    ({"response": (None, {"Error": {"Code": "Throttling"}}, None), "operation": GET_ROLE},
     None, None),
    ({"response": None, "caught_exception": EndpointConnectionError(endpoint_url="https://x"),
      "operation": GET_ROLE},
     'failed: cannot reach AWS: EndpointConnectionError: Could not connect to the endpoint '
     'URL: "https://x"', None),
    ({"response": None, "caught_exception": _Stopped(), "operation": GET_ROLE}, None, None),
    ({"response": None, "caught_exception": None, "operation": GET_ROLE}, None, None),
])
def test_each_answer_sets_the_last_refusal_and_the_pace(
        answer: dict[str, Any], last_error: str | None, rate: float | None) -> None:
    made = reader(Parameters.from_mapping(params_dict()))
    made._answered(**answer, attempts=1)
    assert (made.last_error, made.pace.rate("GetRole")) == (last_error, rate)


def test_a_throttle_slows_its_operation_by_name() -> None:
    made = reader(Parameters.from_mapping(params_dict()))
    throttled = (None, {"Error": {"Code": "ThrottlingException"}})
    made._answered(response=throttled, operation=GET_ROLE)
    made._answered(response=throttled)  # no operation: paced as "?"
    assert {op: made.pace.rate(op) for op in ["GetRole", "?", "GetUser"]} == {
        "GetRole": 2.0, "?": 2.0, "GetUser": None}
    made._answered(response=(None, {}), operation=GET_ROLE)  # an answer: + 5 a second
    assert made.pace.rate("GetRole") == 7.0


# --- the deadline -------------------------------------------------------------------------

def test_the_read_runs_in_a_named_daemon_thread() -> None:
    made = reader(Parameters.from_mapping(params_dict()))
    seen: list[tuple[str, bool]] = []
    state = AccountState(registry_policy="x")

    def guarded() -> AccountState:
        seen.append((threading.current_thread().name, threading.current_thread().daemon))
        return state

    made._guarded = guarded  # type: ignore[method-assign]
    assert made.read() is state
    assert seen == [("ecr-cluster-access-check", True)]


@pytest.mark.parametrize(("last_error", "message"), [
    (None, "AWS did not answer every call within 0.05 s (--timeout): 3 HTTP attempts sent; "
           "nothing was decided"),
    ("refused with ThrottlingException",
     "AWS did not answer every call within 0.05 s (--timeout): 3 HTTP attempts sent, the last "
     "refused with ThrottlingException; nothing was decided"),
])
def test_past_the_deadline_the_read_stops_with_one_line(last_error: str | None,
                                                        message: str) -> None:
    made = reader(Parameters.from_mapping(params_dict()), timeout=0.05)
    made.sent, made.last_error = 3, last_error

    def guarded() -> AccountState:
        made.stopped.wait(1.0)  # until the deadline stops it (1 s without a deadline)
        return AccountState()

    made._guarded = guarded  # type: ignore[method-assign]
    with pytest.raises(DeadlineExceeded) as raised:
        made.read()
    assert str(raised.value) == message
    assert made.stopped.is_set()


# --- the pace, on a fake clock ------------------------------------------------------------

@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    return install(monkeypatch, start=0.0)


def test_a_clock_at_zero_sends_the_first_attempt_at_once(clock: FakeClock) -> None:
    pace = Pace(2.0)
    pace.answered("GetRole", "Throttling")  # 2 a second
    pace.wait("GetRole")
    assert clock.slept == []
    pace.wait("GetRole")
    assert clock.slept == [0.5]


def test_the_rate_after_a_throttle_is_at_most_the_current_rate(clock: FakeClock) -> None:
    pace = Pace(None)
    pace.answered("GetRole", "Throttling")
    assert pace.rate("GetRole") == 2.0
    for _ in range(3):
        pace.wait("GetRole")  # 3 sent within the last second, at 2 a second
    assert clock.slept == [0.5, 0.5]
    pace.answered("GetRole", "Throttling")  # min(2, 3) x 0.75, at least 2
    assert pace.rate("GetRole") == 2.0


def test_max_rate_and_an_operations_rate_together(clock: FakeClock) -> None:
    pace = Pace(10.0)
    for _ in range(4):
        pace.wait("GetRole")
    pace.answered("GetRole", "Throttling")  # 4 sent in the last second: 3 a second
    pace.wait("GetRole")
    pace.wait("GetUser")
    pace.wait("GetRole")
    assert clock.slept == [0.1, 0.1, 0.1, 0.1, 0.1, round(1 / 3 - 0.1, 6)]


def test_the_record_of_sent_calls_is_halved_past_4096(clock: FakeClock) -> None:
    pace = Pace(None)
    for _ in range(4096):
        pace.wait("GetRole")
    assert len(pace._sent["GetRole"]) == 4096


# --- small pure functions ---------------------------------------------------------------

@pytest.mark.parametrize(("overrides", "prefixes"), [
    ({}, ()),
    ({"createOnPushPrefix": "auto"}, ("auto/",)),
    ({"createOnPushPrefix": "auto", "pullThroughCache": [
        {"upstream": "k8s", "prefix": "k8s"}, {"upstream": "quay", "prefix": "quay"}]},
     ("auto/", "k8s/", "quay/")),
])
def test_template_prefixes(overrides: dict[str, Any], prefixes: tuple[str, ...]) -> None:
    assert template_prefixes(Parameters.from_mapping(params_dict(**overrides))) == prefixes


@pytest.mark.parametrize(("concurrency", "timeout", "call", "pool"), [
    (16, 120.0, 20.0, 16), (4, 7.5, 7.5, 10), (11, 20.0, 20.0, 11)])
def test_client_config(concurrency: int, timeout: float, call: float, pool: int) -> None:
    config = client_config(concurrency, timeout)
    assert (config.connect_timeout, config.read_timeout, config.max_pool_connections,
            config.retries) == (call, call, pool, {"mode": "standard", "total_max_attempts": 10})


LONG = "x" * 500


@pytest.mark.parametrize(("error", "line"), [
    (ProfileNotFound(profile="ci"),
     "The config profile (ci) could not be found: check AWS_PROFILE and ~/.aws/config"),
    (NoCredentialsError(),
     "no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and "
     "AWS_SECRET_ACCESS_KEY, or run where a role is available"),
    (NoRegionError(), "no AWS region: set AWS_REGION"),
    (ClientError({"Error": {"Code": "AccessDenied", "Message": "not\nallowed"}}, "GetRole"),
     "AWS refused GetRole: AccessDenied: not allowed"),
    (ClientError({"Error": {"Message": "no code"}}, "GetRole"), "AWS refused GetRole: : no code"),
    (ClientError({"Error": {"Code": "Throttling"}}, "GetRole"),
     "AWS refused GetRole: Throttling: "),
    (ClientError({}, "GetRole"), "AWS refused GetRole: : "),
    (EndpointConnectionError(endpoint_url="https://x\ny"),
     'cannot reach AWS: EndpointConnectionError: Could not connect to the endpoint URL: '
     '"https://x y"'),
    (ValueError("bad\nanswer"), "unexpected response from AWS: ValueError: bad answer"),
    (ValueError(LONG), f"unexpected response from AWS: ValueError: {LONG}"[:400]),
])
def test_describe_error(error: Exception, line: str) -> None:
    assert describe_error(error) == line
