"""`ecr-cluster-access check` against a local AWS API (moto_server on 127.0.0.1): every case
that once read as "in sync" when access differed, with its exit code and line; the caller's
account; a silent endpoint; and the JSON output.

The account is provisioned through the API exactly as the stack leaves it on real AWS (the
deploy tests prove `cdk deploy` then `check` separately), then one thing is changed.
"""

from __future__ import annotations

import json
import socket
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from jsonschema import Draft202012Validator

from ecr_cluster_access import Parameters, documents, naming

from ..support.parameters import OIDC, params_dict
from ..support.servers import DUMMY_CREDENTIALS, MotoServer
from ..support.tools import ROOT, VENV_BIN, require_tool, run, write_params

pytestmark = pytest.mark.e2e

ROLE = "arn:aws:iam::123456789012:role/k8s-worker"
DATA = params_dict(repositories=["builds/app", "builds/web"], workerRoleArns=[ROLE],
                   builderIdentity={"mode": "irsa", "oidcProviderArn": OIDC},
                   replicationRegions=["us-west-2"])
PARAMS = Parameters.from_mapping(DATA)
BUILDER = "arn:aws:iam::123456789012:role/EcrClusterAccess-builder"
OUTPUT_SCHEMA = Draft202012Validator(json.loads(
    (ROOT / "ecr_cluster_access" / "check" / "check-output.schema.json").read_text()))
DENY_ECR = {"Version": "2012-10-17",
            "Statement": [{"Effect": "Deny", "Action": "ecr:*", "Resource": "*"}]}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    with MotoServer(tmp_path_factory.mktemp("moto") / "moto.log") as started:
        yield started


def fresh_account(server: MotoServer, tmp_path: Path, data: dict[str, Any]) -> Account:
    """moto reset, then provisioned for ``data`` as the stack leaves an account."""
    urllib.request.urlopen(urllib.request.Request(f"{server.url}/moto-api/reset",
                                                  method="POST"), timeout=30).close()
    provisioned = Account(server, write_params(tmp_path, data))
    provisioned.provision(Parameters.from_mapping(data))
    return provisioned


@pytest.fixture
def account(server: MotoServer, tmp_path: Path) -> Iterator[Account]:
    """A fresh account, provisioned as the stack leaves it."""
    yield fresh_account(server, tmp_path, DATA)


class Account:
    """The local account, its clients, and `check` run against it."""

    def __init__(self, server: MotoServer, config: Path) -> None:
        self.server = server
        self.config = config

    def client(self, service: str) -> Any:
        return boto3.client(service, endpoint_url=self.server.url, region_name="us-east-1",
                            aws_access_key_id=DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                            aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"])

    def provision(self, params: Parameters) -> None:
        ecr, iam = self.client("ecr"), self.client("iam")
        policy = documents.policy_text(documents.repository_policy(params))
        for arn in params.same_account_worker_role_arns:
            iam.create_role(RoleName=naming.role_name_of_arn(arn), AssumeRolePolicyDocument=(
                '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":'
                '"sts:AssumeRole","Principal":{"Service":"ec2.amazonaws.com"}}]}'))
            iam.put_role_policy(RoleName=naming.role_name_of_arn(arn),
                                PolicyName=documents.token_policy_name(params),
                                PolicyDocument=documents.policy_text(
                                    documents.worker_identity_policy(params)))
        if params.builder_role_arn:
            name = naming.role_name_of_arn(params.builder_role_arn)
            iam.create_role(RoleName=name, AssumeRolePolicyDocument=documents.policy_text(
                documents.builder_trust_policy(params) or {}))
            iam.put_role_policy(RoleName=name, PolicyName=documents.BUILDER_POLICY_NAME,
                                PolicyDocument=documents.policy_text(
                                    documents.push_pull_identity_policy(params)))
        refresher = documents.refresher_identity_policy(params)
        if params.refresher_user_arn and refresher:
            name = naming.role_name_of_arn(params.refresher_user_arn)
            iam.create_user(UserName=name)
            iam.put_user_policy(UserName=name, PolicyName=documents.REFRESHER_POLICY_NAME,
                                PolicyDocument=documents.policy_text(refresher))
        for name in params.repositories:
            ecr.create_repository(repositoryName=name,
                                  imageScanningConfiguration={"scanOnPush": True},
                                  tags=[{"Key": k, "Value": v} for k, v in params.tags.items()])
            ecr.set_repository_policy(repositoryName=name, policyText=policy)
        replication = documents.replication_configuration(params)
        if replication:
            ecr.put_replication_configuration(replicationConfiguration=replication)

    def check(self, *args: str) -> Any:
        return run([require_tool(VENV_BIN / "ecr-cluster-access"), "check", "--config",
                    str(self.config), *args], **self.server.env)

    def put_role_policy(self, role: str, name: str, document: dict[str, Any]) -> None:
        self.client("iam").put_role_policy(RoleName=naming.role_name_of_arn(role),
                                           PolicyName=name, PolicyDocument=json.dumps(document))


def test_the_provisioned_account_is_in_sync(account: Account) -> None:
    result = account.check()
    assert (result.returncode, result.stdout) == (
        0, "in sync: 2 repositories and 1 worker role in 123456789012/us-east-1\n")


# --- blocked workers ----------------------------------------------------------------------------

def test_a_second_inline_policy_denying_ecr_is_drift(account: Account) -> None:
    account.put_role_policy(ROLE, "lockdown", DENY_ECR)
    result = account.check()
    assert result.returncode == 1
    (line,) = result.stdout.splitlines()
    assert line.startswith(f"drift: role {ROLE}: is denied ecr:BatchCheckLayerAvailability, ")
    assert line.endswith("builds/web in us-west-2 and '*' by inline policy lockdown")
    assert result.stderr == "1 difference from the parameters, 0 points that cannot be verified\n"


def test_a_deny_of_the_token_alone_is_drift(account: Account) -> None:
    account.put_role_policy(ROLE, "no-token", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}]})
    result = account.check()
    assert (result.returncode, result.stdout) == (1, (
        f"drift: role {ROLE}: is denied ecr:GetAuthorizationToken on '*' by inline policy "
        "no-token\n"))


def test_a_boundary_allowing_only_s3_is_drift(account: Account) -> None:
    iam = account.client("iam")
    arn = iam.create_policy(PolicyName="s3-only", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))["Policy"]["Arn"]
    iam.put_role_permissions_boundary(RoleName="k8s-worker", PermissionsBoundary=arn)
    result = account.check()
    assert result.returncode == 1
    (line,) = result.stdout.splitlines()
    assert line.startswith(f"drift: role {ROLE}: is not allowed ecr:BatchCheckLayerAvailability")
    assert line.endswith(f"its permissions boundary {arn} does not allow it")


# --- widened access -----------------------------------------------------------------------------

def test_a_replication_destination_in_another_account_is_drift(account: Account) -> None:
    replication = documents.replication_configuration(PARAMS)
    assert replication
    replication["rules"][0]["destinations"].append({"region": "eu-west-1",
                                                    "registryId": "999999999999"})
    account.client("ecr").put_replication_configuration(replicationConfiguration=replication)
    result = account.check()
    assert result.returncode == 1
    assert result.stdout.splitlines()[0].endswith(
        "eu-west-1 in 999999999999 (another account)")


def test_a_loosened_builder_trust_is_drift(account: Account) -> None:
    trust = documents.builder_trust_policy(PARAMS)
    assert trust
    condition = trust["Statement"][0]["Condition"]
    sub = next(k for k in condition["StringEquals"] if k.endswith(":sub"))
    condition["StringLike"] = {sub: "system:serviceaccount:*:*"}
    del condition["StringEquals"][sub]
    account.client("iam").update_assume_role_policy(RoleName="EcrClusterAccess-builder",
                                                    PolicyDocument=json.dumps(trust))
    result = account.check()
    assert result.returncode == 1
    has, lacks = result.stdout.splitlines()
    assert has.startswith(f"drift: role {BUILDER}: the trust policy has Allow of "
                          "sts:AssumeRoleWithWebIdentity") and "serviceaccount:*:*" in has
    assert lacks.startswith(f"drift: role {BUILDER}: the trust policy lacks Allow of ")


@pytest.mark.parametrize("role", [ROLE, BUILDER])
def test_ecr_star_on_star_for_a_role_is_drift(account: Account, role: str) -> None:
    account.put_role_policy(role, "admin", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}]})
    result = account.check()
    assert result.returncode == 1
    assert any(line.startswith(f"drift: role {role}: is also allowed ecr:BatchDeleteImage, ")
               and "by inline policy admin, beyond what the parameters grant" in line
               for line in result.stdout.splitlines())


def test_a_registry_policy_for_another_account_is_drift(account: Account) -> None:
    account.client("ecr").put_registry_policy(policyText=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Sid": "Others", "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::999999999999:root"},
            "Action": ["ecr:CreateRepository", "ecr:ReplicateImage"],
            "Resource": "arn:aws:ecr:us-east-1:123456789012:repository/*"}]}))
    result = account.check()
    assert (result.returncode, result.stdout) == (1, (
        "drift: registry policy: has statement 'Others': Allow of ecr:CreateRepository, "
        "ecr:ReplicateImage for AWS arn:aws:iam::999999999999:root on "
        "arn:aws:ecr:us-east-1:123456789012:repository/*; the parameters set no registry "
        "policy\n"))


# --- ignored, crashes, false drift, vague lines -----------------------------------------------

def test_a_grant_on_another_repository_is_not_a_grant(account: Account) -> None:
    document = documents.repository_policy(PARAMS)
    document["Statement"][0]["Resource"] = "arn:aws:ecr:us-east-1:123456789012:repository/other"
    account.client("ecr").set_repository_policy(repositoryName="builds/app",
                                                policyText=json.dumps(document))
    result = account.check()
    assert result.returncode == 1
    (line,) = [x for x in result.stdout.splitlines() if x.startswith(f"drift: role {ROLE}:")]
    assert line.startswith(f"drift: role {ROLE}: is not allowed ecr:BatchCheckLayerAvailability")
    assert line.endswith("on builds/app: no identity policy, boundary or repository policy "
                         "allows it")


def test_an_object_in_a_principal_list_is_a_drift_line_not_a_crash(account: Account) -> None:
    account.client("ecr").set_repository_policy(repositoryName="builds/web", policyText=(
        '{"Version":"2012-10-17","Statement":[{"Sid":"Odd","Effect":"Allow","Principal":'
        '{"AWS":[{"a":1}]},"Action":"ecr:PutImage"}]}'))
    result = account.check()
    assert result.returncode == 1 and result.stderr.endswith("cannot be verified\n")
    assert "Traceback" not in result.stderr and "cannot reach AWS" not in result.stderr
    assert ("drift: builds/web: the repository policy's statement 'Odd': Allow of ecr:PutImage "
            "for AWS [{\"a\":1}] is not a grant the parameters make") in result.stdout


def test_a_token_granted_through_not_action_is_not_missing(account: Account) -> None:
    iam = account.client("iam")
    iam.delete_role_policy(RoleName="k8s-worker", PolicyName=documents.token_policy_name(PARAMS))
    account.put_role_policy(ROLE, "broad", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "NotAction": ["iam:*", "s3:*"], "Resource": "*"}]})
    result = account.check()
    assert result.returncode == 1
    assert "ecr:GetAuthorizationToken on '*': no identity" not in result.stdout
    assert "is also allowed ecr:BatchDeleteImage" in result.stdout


def test_a_deny_in_a_repository_policy_names_role_and_action(account: Account) -> None:
    document = documents.repository_policy(PARAMS)
    document["Statement"].append({"Sid": "NoPush", "Effect": "Deny", "Principal": {"AWS": ROLE},
                                  "Action": "ecr:PutImage"})
    account.client("ecr").set_repository_policy(repositoryName="builds/web",
                                                policyText=json.dumps(document))
    result = account.check()
    assert (result.returncode, result.stdout.splitlines()) == (1, [
        f"drift: builds/web: the repository policy's statement 'NoPush': Deny of ecr:PutImage "
        f"for AWS {ROLE} is not a grant the parameters make",
        f"drift: role {ROLE}: is denied ecr:PutImage on builds/web by the repository policy"])


def test_json_output_has_every_finding_and_the_same_exit_code(account: Account) -> None:
    account.put_role_policy(ROLE, "lockdown", DENY_ECR)
    result = account.check("--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert not list(OUTPUT_SCHEMA.iter_errors(report))
    assert (report["status"], report["exitCode"], report["inSync"], report["account"]) == (
        "drift", 1, False, "123456789012")
    (finding,) = report["findings"]
    assert (finding["kind"], finding["principal"], finding["role"], finding["region"]) == (
        "drift", ROLE, ROLE, "us-east-1")
    assert "ecr:PutImage" in finding["actions"] and "builds/app" in finding["repositories"]
    assert finding["subject"] == f"role {ROLE}"


def test_json_output_in_sync_and_on_exit_2(account: Account, tmp_path: Path) -> None:
    result = account.check("--format", "json")
    report = json.loads(result.stdout)
    assert not list(OUTPUT_SCHEMA.iter_errors(report))
    assert (result.returncode, report["status"], report["findings"]) == (0, "in-sync", [])
    # credentials of another account: exit 2, and still one document, with the reason
    config = write_params(tmp_path, params_dict(
        account="210987654321", workerRoleArns=["arn:aws:iam::210987654321:role/w"]),
        "other.json")
    result = run([require_tool(VENV_BIN / "ecr-cluster-access"), "check", "--config",
                  str(config), "--format", "json"], **account.server.env)
    report = json.loads(result.stdout)
    assert not list(OUTPUT_SCHEMA.iter_errors(report))
    assert (result.returncode, report["status"], report["account"], report["errors"]) == (
        2, "error", "210987654321", ["the credentials belong to account 123456789012, the "
                                     "parameters say 210987654321: use credentials for "
                                     "210987654321"])


# --- the caller's account, and a silent endpoint ----------------------------------------------

def test_credentials_for_another_account_are_one_line_and_exit_2(account: Account,
                                                                 tmp_path: Path) -> None:
    config = write_params(tmp_path, params_dict(
        account="210987654321", workerRoleArns=["arn:aws:iam::210987654321:role/w"]),
        "other.json")
    result = run([require_tool(VENV_BIN / "ecr-cluster-access"), "check", "--config",
                  str(config)], **account.server.env)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "ecr-cluster-access: error: the credentials belong to account 123456789012, the "
        "parameters say 210987654321: use credentials for 210987654321\n")


def test_a_silent_endpoint_fails_within_the_bound(tmp_path: Path) -> None:
    """A socket on 127.0.0.1 that accepts and never answers: exit 2 at the deadline
    (--timeout 10), before the 15 s this test allows."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.5)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        result = run([require_tool(VENV_BIN / "ecr-cluster-access"), "check", "--timeout",
                      "10"], timeout=15,
                     AWS_ENDPOINT_URL=f"http://127.0.0.1:{listener.getsockname()[1]}",
                     AWS_CONFIG_FILE=str(tmp_path / "none"), AWS_MAX_ATTEMPTS=None,
                     AWS_RETRY_MODE=None, **DUMMY_CREDENTIALS)
    finally:
        stop.set()
        thread.join()
        for connection in held:
            connection.close()
        listener.close()
    assert result.returncode == 2 and result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("ecr-cluster-access: error: AWS did not answer every call within "
                           "10 s (--timeout): "), line


# --- the pull-secret refresher's own identity ---------------------------------------------------

PULL_ONLY = params_dict(repositories=["builds/app"], workerRoleArns=[ROLE],
                        workerAccess="pull", builderIdentity={"mode": "irsa",
                                                              "oidcProviderArn": OIDC},
                        pullSecret={"mode": "cronjob", "credentials": "secret"})


@pytest.fixture
def pull_only(server: MotoServer, tmp_path: Path) -> Iterator[Account]:
    """A fresh account for pull-only workers and a refresher IAM user, as the stack leaves it."""
    yield fresh_account(server, tmp_path, PULL_ONLY)


def test_pull_only_workers_and_the_refresher_user_are_in_sync(pull_only: Account) -> None:
    result = pull_only.check()
    assert (result.returncode, result.stdout) == (
        0, "in sync: 1 repository and 1 worker role in 123456789012/us-east-1\n"), result.stderr


def test_a_refresher_user_widened_to_push_is_reported(pull_only: Account) -> None:
    user = Parameters.from_mapping(PULL_ONLY).refresher_user_arn or ""
    iam = pull_only.client("iam")
    iam.create_group(GroupName="pushers")
    iam.put_group_policy(GroupName="pushers", PolicyName="push", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ecr:PutImage",
                                                "Resource": "*"}]}))
    iam.add_user_to_group(GroupName="pushers", UserName=naming.role_name_of_arn(user))
    result = pull_only.check()
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"drift: user {user}: is also allowed ecr:PutImage on builds/app, "
        "ecr-cluster-access-any-other-repository by group pushers inline policy push, beyond "
        "what the parameters grant (1 action)",
        f"drift: user {user}: is in group pushers, which the stack does not add it to"]


def test_a_pull_only_worker_given_push_in_the_repository_policy_is_reported(
        pull_only: Account) -> None:
    params = Parameters.from_mapping(PULL_ONLY)
    document = documents.repository_policy(params)
    document["Statement"][1]["Action"] = list(documents.PUSH_PULL_ACTIONS)
    pull_only.client("ecr").set_repository_policy(
        repositoryName="builds/app", policyText=json.dumps(document))
    result = pull_only.check()
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert (f"drift: builds/app: worker role {ROLE} is also granted ecr:CompleteLayerUpload, "
            "ecr:InitiateLayerUpload, ecr:PutImage, ecr:UploadLayerPart, beyond the three pull "
            "actions (workerAccess: pull)") in lines
    assert any(line.startswith(f"drift: role {ROLE}: is also allowed ecr:CompleteLayerUpload")
               for line in lines), lines


# --- registry-wide settings moto serves: the scanning configuration and the registry policy -----

REGISTRY = params_dict(
    repositories=["builds/app"], workerRoleArns=[ROLE],
    registryScanning={"scanType": "ENHANCED", "rules": [
        {"frequency": "CONTINUOUS_SCAN", "filters": ["builds/*"]}]},
    registryPolicy={"replicationSourceAccounts": ["210987654321"]})


@pytest.fixture
def registry(server: MotoServer, tmp_path: Path) -> Iterator[Account]:
    """The stack's registry settings, put through the API (moto's CloudFormation has neither
    AWS::ECR::RegistryScanningConfiguration nor AWS::ECR::RegistryPolicy)."""
    params = Parameters.from_mapping(REGISTRY)
    provisioned = fresh_account(server, tmp_path, REGISTRY)
    ecr = provisioned.client("ecr")
    scanning = documents.registry_scanning_configuration(params) or {}
    ecr.put_registry_scanning_configuration(**scanning)
    ecr.put_registry_policy(policyText=documents.policy_text(
        documents.registry_policy(params) or {}))
    yield provisioned


def test_the_registry_scanning_and_policy_are_in_sync(registry: Account) -> None:
    result = registry.check()
    assert (result.returncode, result.stdout) == (
        0, "in sync: 1 repository and 1 worker role in 123456789012/us-east-1\n"), result.stderr


def test_a_registry_policy_widened_to_every_repository_is_reported(registry: Account) -> None:
    params = Parameters.from_mapping(REGISTRY)
    policy = documents.registry_policy(params) or {}
    policy["Statement"][0]["Resource"] = "arn:aws:ecr:us-east-1:123456789012:repository/*"
    registry.client("ecr").put_registry_policy(policyText=json.dumps(policy))
    result = registry.check()
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "drift: registry policy: the registry policy has statement "
        "'AllowReplicationIntoListedRepositories': Allow of ecr:CreateRepository, "
        "ecr:ReplicateImage for AWS arn:aws:iam::210987654321:root on "
        "arn:aws:ecr:us-east-1:123456789012:repository/*, which the parameters do not make",
        "drift: registry policy: the registry policy lacks statement "
        "'AllowReplicationIntoListedRepositories': Allow of ecr:CreateRepository, "
        "ecr:ReplicateImage for AWS arn:aws:iam::210987654321:root on "
        "arn:aws:ecr:us-east-1:123456789012:repository/builds/app"]


def test_registry_scanning_switched_to_basic_is_reported(registry: Account) -> None:
    registry.client("ecr").put_registry_scanning_configuration(scanType="BASIC", rules=[
        {"scanFrequency": "SCAN_ON_PUSH",
         "repositoryFilters": [{"filter": "*", "filterType": "WILDCARD"}]}])
    result = registry.check()
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "drift: registry scanning: has a SCAN_ON_PUSH rule for ['* (WILDCARD)'], which the "
        "parameters do not make",
        "drift: registry scanning: lacks the CONTINUOUS_SCAN rule for ['builds/* (WILDCARD)']",
        'drift: registry scanning: scan type is "BASIC", the parameters say ENHANCED']


# --- what a real account holds beyond the managed documents (issue "4 of 6", item 1) -----------
# Each once read as "in sync" (exit 0). Each has its control: the same account without the
# change, or with a harmless variant of it, exits 0.

TAGGED = {**DATA, "tags": {"team": "platform", "cost-center": "1234"}}
APP_ARN = "arn:aws:ecr:us-east-1:123456789012:repository/builds/app"


@pytest.fixture
def tagged(server: MotoServer, tmp_path: Path) -> Iterator[Account]:
    yield fresh_account(server, tmp_path, TAGGED)


def test_tags_as_the_stack_sets_them_are_in_sync(tagged: Account) -> None:
    result = tagged.check()
    assert result.returncode == 0, result.stdout
    # AWS's own tags (CloudFormation adds aws:cloudformation:*) are not the parameters'
    assert "team" in json.dumps(tagged.client("ecr").list_tags_for_resource(
        resourceArn=APP_ARN))


def test_every_tag_removed_is_drift(tagged: Account) -> None:
    tagged.client("ecr").untag_resource(resourceArn=APP_ARN, tagKeys=["team", "cost-center"])
    result = tagged.check()
    assert (result.returncode, result.stdout.splitlines()) == (1, [
        'drift: builds/app: tag "cost-center" is missing, the parameters say "1234"',
        'drift: builds/app: tag "team" is missing, the parameters say "platform"'])


def test_a_tag_value_changed_is_drift(tagged: Account) -> None:
    tagged.client("ecr").tag_resource(resourceArn=APP_ARN,
                                      tags=[{"Key": "team", "Value": "everyone"}])
    result = tagged.check()
    assert (result.returncode, result.stdout.splitlines()) == (1, [
        'drift: builds/app: tag "team" is "everyone", the parameters say "platform"'])


def replica(account: Account) -> Any:
    west = boto3.client("ecr", endpoint_url=account.server.url, region_name="us-west-2",
                        aws_access_key_id=DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                        aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"])
    west.create_repository(repositoryName="builds/app")
    return west


def test_a_replica_as_ecr_makes_it_is_in_sync(account: Account) -> None:
    replica(account)  # no policy, no lifecycle: what ECR's replication creates
    result = account.check()
    assert result.returncode == 0, result.stdout


def test_a_replica_granting_a_worker_ecr_star_is_drift(account: Account) -> None:
    replica(account).set_repository_policy(repositoryName="builds/app", policyText=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Sid": "Everything", "Effect": "Allow",
                                                "Principal": {"AWS": ROLE},
                                                "Action": "ecr:*"}]}))
    result = account.check()
    lines = result.stdout.splitlines()
    assert result.returncode == 1
    assert ("drift: replica builds/app in us-west-2: has a repository policy, which the stack "
            f"does not set on replicas: statement 'Everything': Allow of ecr:* for AWS {ROLE}"
            ) in lines, lines
    assert any(line.startswith(f"drift: role {ROLE}: is also allowed ecr:") and
               "on builds/app in us-west-2 by the repository policy" in line
               for line in lines), lines
    report = json.loads(account.check("--format", "json").stdout)
    (replica_finding,) = [f for f in report["findings"] if f["subject"].startswith("replica")]
    assert (replica_finding["region"], replica_finding["repository"]) == (
        "us-west-2", "builds/app in us-west-2")


def test_enhanced_registry_scanning_without_registry_scanning_is_drift(account: Account) -> None:
    account.client("ecr").put_registry_scanning_configuration(scanType="ENHANCED", rules=[])
    result = account.check()
    assert (result.returncode, result.stdout.splitlines()) == (1, [
        'drift: registry scanning: scan type is "ENHANCED", the parameters set no '
        "registryScanning, so each repository's scanOnPush decides: BASIC"])


def test_basic_registry_scanning_put_explicitly_is_in_sync(account: Account) -> None:
    account.client("ecr").put_registry_scanning_configuration(scanType="BASIC", rules=[])
    assert account.check().returncode == 0


def test_a_pull_only_worker_allowed_to_put_its_own_role_policy_is_drift(
        pull_only: Account) -> None:
    pull_only.put_role_policy(ROLE, "self-service", {
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PutRolePolicy",
                                                "Resource": ROLE}]})
    result = pull_only.check()
    assert (result.returncode, result.stdout.splitlines()) == (1, [
        f"drift: role {ROLE}: may change its own or a managed identity's permissions: "
        "iam:PutRolePolicy on itself, by inline policy self-service; while it may, every ECR "
        "grant is moot"])


def test_a_worker_allowed_iam_reads_only_is_in_sync(pull_only: Account) -> None:
    pull_only.put_role_policy(ROLE, "read-iam", {
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                                                "Action": ["iam:GetRole", "iam:ListRolePolicies"],
                                                "Resource": ROLE}]})
    assert pull_only.check().returncode == 0


def move_token(account: Account, *, keep: bool) -> None:
    """Delete the stack's token policy; with ``keep``, give the token by a managed policy."""
    iam = account.client("iam")
    name = documents.token_policy_name(PARAMS)
    role = naming.role_name_of_arn(ROLE)
    document = documents.worker_identity_policy(PARAMS)  # what the inline policy holds
    iam.delete_role_policy(RoleName=role, PolicyName=name)
    if keep:
        arn = iam.create_policy(PolicyName="ecr-token-managed",
                                PolicyDocument=json.dumps(document))["Policy"]["Arn"]
        iam.attach_role_policy(RoleName=role, PolicyArn=arn)


def test_the_token_moved_to_an_equivalent_managed_policy_is_a_note(account: Account) -> None:
    move_token(account, keep=True)
    result = account.check()
    assert (result.returncode, result.stdout.splitlines()[0]) == (0, (
        f"note: role {ROLE}: the stack's inline policy {documents.token_policy_name(PARAMS)} "
        "does not exist; the role's effective access is checked instead (the next deploy puts "
        "the policy back)")), result.stdout


def test_the_token_removed_is_drift(account: Account) -> None:
    move_token(account, keep=False)
    result = account.check()
    assert result.returncode == 1
    assert any(line.startswith(f"drift: role {ROLE}: is not allowed ") and
               "ecr:GetAuthorizationToken" in line and "'*'" in line
               for line in result.stdout.splitlines()), result.stdout


def test_a_repository_removed_from_the_parameters_but_kept_with_its_grants_is_drift(
        account: Account, tmp_path: Path) -> None:
    config = write_params(tmp_path, {**DATA, "repositories": ["builds/app"]}, "fewer.json")
    result = account.check("--config", str(config))
    assert result.returncode == 1
    # (the worker's and builder's policies name builds/web too: drift of their own, below)
    assert result.stdout.splitlines()[0] == (
        "drift: builds/web: kept, not managed: not in the parameters, but its repository "
        "policy still grants statement 'AllowPushPull': Allow of ecr:BatchCheckLayerAvailability, "
        "ecr:BatchGetImage, ecr:CompleteLayerUpload, ecr:GetDownloadUrlForLayer, "
        f"ecr:InitiateLayerUpload, ecr:PutImage, ecr:UploadLayerPart for AWS {BUILDER}, {ROLE} "
        "(delete it, or list it again)"), result.stdout
    assert sum("kept, not managed" in line for line in result.stdout.splitlines()) == 1


def test_an_unrelated_repository_is_not_reported(account: Account) -> None:
    account.client("ecr").create_repository(repositoryName="someone-else/tool")
    assert account.check().returncode == 0


# --- the account read back, decided by the engine against the expected-access table ----------

def read_back_table_disagreements(account: Account) -> list[str]:
    """Every cell of the expected-access table (tests/support/expected_access.py) for
    ``DATA``, decided by the IAM engine on the documents read back from moto_server; the
    cells where the engine and the table disagree."""
    from ..support.expected_access import table, universe_of
    from ..support.oracle import ask_the_engine, simulation

    ecr, iam = account.client("ecr"), account.client("iam")
    repositories = {f"arn:aws:ecr:us-east-1:123456789012:repository/{n}": json.loads(
        ecr.get_repository_policy(repositoryName=n)["policyText"]) for n in DATA["repositories"]}
    replicas = [a.replace("us-east-1", "us-west-2") for a in repositories]
    other = "arn:aws:ecr:us-east-1:123456789012:repository/builds/other"
    expected = table(pushers=[ROLE, BUILDER], remote=[], strangers=[], repositories=[
        *repositories], replicas=replicas, others=[other])
    asked = []
    for principal, cells in expected.items():
        name = naming.role_name_of_arn(principal)
        identity = [json.loads(d) if isinstance(d := iam.get_role_policy(
            RoleName=name, PolicyName=p)["PolicyDocument"], str) else d
            for p in iam.list_role_policies(RoleName=name)["PolicyNames"]]
        for resource, allowed in cells.items():
            for action in universe_of(resource, others=[other]):
                asked.append((f"{principal} {action} {resource}", action in allowed, simulation(
                    principal, action, resource, identity=identity,
                    resource_policy=repositories.get(resource))))
    answers = ask_the_engine([s for _, _, s in asked])
    return [what for (what, allowed, _), answer in zip(asked, answers, strict=True)
            if (answer == "Allowed") != allowed]


def test_the_provisioned_account_gives_exactly_the_expected_access(account: Account) -> None:
    assert read_back_table_disagreements(account) == []


def test_the_expected_access_table_notices_a_worker_that_cannot_push(account: Account) -> None:
    """The control: with ecr:PutImage denied to the worker, the same table disagrees."""
    account.put_role_policy(ROLE, "no-push", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Action": "ecr:PutImage", "Resource": "*"}]})
    assert read_back_table_disagreements(account) == [
        f"{ROLE} ecr:PutImage arn:aws:ecr:us-east-1:123456789012:repository/builds/app",
        f"{ROLE} ecr:PutImage arn:aws:ecr:us-east-1:123456789012:repository/builds/web"]


# --- organization grants ---------------------------------------------------------------------

ORGANIZATION = params_dict(repositories=["builds/app", "builds/web"], workerRoleArns=[ROLE],
                           workerOrganization={"organizationId": "o-a1b2c3d4e5",
                                               "roleArnPattern": "arn:aws:iam::*:role/eks-node-*"})


def test_an_organization_grant_as_deployed_is_in_sync_and_its_loosening_is_drift(
        server: MotoServer, tmp_path: Path) -> None:
    account = fresh_account(server, tmp_path, ORGANIZATION)
    result = account.check()
    assert (result.returncode, result.stdout) == (
        0, "in sync: 2 repositories and 1 worker role in 123456789012/us-east-1; organization "
           "o-a1b2c3d4e5's grant, and 0 member accounts\n")
    # the organization condition dropped: a grant to every principal of every account
    document = documents.repository_policy(Parameters.from_mapping(ORGANIZATION))
    del document["Statement"][1]["Condition"]["StringEquals"]
    account.client("ecr").set_repository_policy(repositoryName="builds/web",
                                                policyText=json.dumps(document))
    result = account.check()
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("drift: builds/web: the repository policy lacks the "
                               "organization grant ") for line in lines), lines
    assert any(line.startswith("drift: builds/web: the repository policy's ")
               and line.endswith(" is not a grant the parameters make") for line in lines), lines


MEMBER = "444455556666"
WITH_MEMBER = {**ORGANIZATION, "workerOrganization": {
    **ORGANIZATION["workerOrganization"],
    "memberAccounts": [{"account": MEMBER, "roleNames": ["eks-node-group-a"]}]}}


def member_iam(account: Account) -> Any:
    """IAM of the member account, through a role assumed there (moto gives an assumed role's
    keys the account of its ARN)."""
    credentials = account.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{MEMBER}:role/OrganizationAccountAccessRole",
        RoleSessionName="test")["Credentials"]
    return boto3.client("iam", endpoint_url=account.server.url, region_name="us-east-1",
                        aws_access_key_id=credentials["AccessKeyId"],
                        aws_secret_access_key=credentials["SecretAccessKey"],
                        aws_session_token=credentials["SessionToken"])


def test_a_member_account_s_side_is_read_through_member_role(server: MotoServer,
                                                             tmp_path: Path) -> None:
    account = fresh_account(server, tmp_path, WITH_MEMBER)
    params = Parameters.from_mapping(WITH_MEMBER)
    iam = member_iam(account)
    # another account: the registry account's worker role is not there
    assert "k8s-worker" not in [r["RoleName"] for r in iam.list_roles()["Roles"]]
    iam.create_role(RoleName="eks-node-group-a", AssumeRolePolicyDocument="{}")
    arn = iam.create_policy(PolicyName=documents.member_policy_name(params),
                            PolicyDocument=json.dumps(documents.member_identity_policy(params))
                            )["Policy"]["Arn"]
    assert arn == f"arn:aws:iam::{MEMBER}:policy/EcrClusterAccess-us-east-1-ecr-nodes"
    iam.attach_role_policy(RoleName="eks-node-group-a", PolicyArn=arn)

    # not read without --member-role: it cannot be verified
    unread = account.check()
    assert unread.returncode != 0
    assert (f"cannot verify: member account {MEMBER}: not read: give --member-role NAME, a "
            "role check may assume in each member account") in unread.stdout.splitlines()
    # read: in sync
    result = account.check("--member-role", "OrganizationAccountAccessRole")
    assert (result.returncode, result.stderr) == (0, ""), result.stdout
    assert result.stdout.endswith("organization o-a1b2c3d4e5's grant, and 1 member account\n")
    # the policy taken off the node role: drift, naming the account and the role
    iam.detach_role_policy(RoleName="eks-node-group-a", PolicyArn=arn)
    drift = account.check("--member-role", "OrganizationAccountAccessRole")
    assert drift.returncode == 1
    assert drift.stdout.splitlines() == [
        f"drift: member account {MEMBER}: role eks-node-group-a does not have the node policy "
        "EcrClusterAccess-us-east-1-ecr-nodes: it cannot reach the registry"]
