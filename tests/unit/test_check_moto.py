"""`check()` end to end in one process: moto's in-process AWS (``mock_aws``) holds an account
written here by hand with literal documents (the guide's repository policy, the token policy,
the refresher user's pull policy), not with ``documents.py``; `check` must call it in sync,
then name each drift with the line written here."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from ecr_cluster_access import Parameters
from ecr_cluster_access.check import AccessError, check

from ..support.parameters import params_dict

ROLE = "arn:aws:iam::123456789012:role/k8s-worker"
REPO = "arn:aws:ecr:us-east-1:123456789012:repository/builds/sample-app"
USER = "EcrClusterAccess-us-east-1-ecr-refresher"
SEVEN = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload",
         "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload", "ecr:PutImage",
         "ecr:UploadLayerPart"]
PULL = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
TOKEN = {"Sid": "AllowEcrAuthorizationToken", "Effect": "Allow",
         "Action": "ecr:GetAuthorizationToken", "Resource": "*"}


def document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def guide_policy(actions: list[str]) -> str:
    return document({"Sid": "AllowPushPull", "Effect": "Allow", "Principal": {"AWS": [ROLE]},
                     "Action": actions})


@pytest.fixture
def account(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The guide's account, in sync with the default parameters."""
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(key, value)
    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        iam, ecr = session.client("iam"), session.client("ecr")
        iam.create_role(RoleName="k8s-worker", AssumeRolePolicyDocument=document({
            "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
            "Action": "sts:AssumeRole"}))
        iam.put_role_policy(RoleName="k8s-worker",
                            PolicyName="EcrClusterAccess-us-east-1-ecr-token",
                            PolicyDocument=document(TOKEN))
        ecr.create_repository(repositoryName="builds/sample-app",
                              imageScanningConfiguration={"scanOnPush": True},
                              imageTagMutability="MUTABLE",
                              encryptionConfiguration={"encryptionType": "AES256"})
        ecr.set_repository_policy(repositoryName="builds/sample-app",
                                  policyText=guide_policy(SEVEN))
        yield session


def lines(params: dict[str, Any], session: Any) -> list[str]:
    return [str(f) for f in check(Parameters.from_mapping(params), session=session)]


def test_the_guides_account_is_in_sync(account: Any) -> None:
    assert lines(params_dict(), account) == []


def test_each_drift_is_named(account: Any) -> None:
    ecr, iam = account.client("ecr"), account.client("iam")
    ecr.set_repository_policy(repositoryName="builds/sample-app",
                              policyText=guide_policy(SEVEN[:-1]))
    ecr.put_image_scanning_configuration(repositoryName="builds/sample-app",
                                         imageScanningConfiguration={"scanOnPush": False})
    iam.delete_role_policy(RoleName="k8s-worker",
                           PolicyName="EcrClusterAccess-us-east-1-ecr-token")
    assert lines(params_dict(), account) == [
        "builds/sample-app: scan on push is off, the parameters say on",
        f"builds/sample-app: worker role {ROLE} is not granted ecr:UploadLayerPart",
        f"role {ROLE}: is not allowed ecr:GetAuthorizationToken, ecr:UploadLayerPart on "
        "builds/sample-app and '*': no identity policy, boundary or repository policy allows it",
        f"role {ROLE}: the stack's inline policy EcrClusterAccess-us-east-1-ecr-token does not "
        "exist; the role's effective access is checked instead (the next deploy puts the "
        "policy back)"]


def test_the_refresher_user_missing_then_widened(account: Any) -> None:
    secret = params_dict(pullSecret={"mode": "cronjob", "credentials": "secret"})
    user = f"user arn:aws:iam::123456789012:user/{USER}"
    assert lines(secret, account) == [f"{user}: the refresher user does not exist"]
    iam = account.client("iam")
    iam.create_user(UserName=USER)
    iam.put_user_policy(UserName=USER, PolicyName="ecr-pull", PolicyDocument=document(
        {"Sid": "AllowPullOnRepositories", "Effect": "Allow", "Action": PULL,
         "Resource": [REPO]}, TOKEN))
    assert lines(secret, account) == []
    iam.create_login_profile(UserName=USER, Password="x-Password-1234")
    pushers = iam.create_policy(PolicyName="pushers", PolicyDocument=document(
        {"Effect": "Allow", "Action": "ecr:PutImage", "Resource": "*"}))["Policy"]["Arn"]
    iam.create_group(GroupName="builders")
    iam.attach_group_policy(GroupName="builders", PolicyArn=pushers)
    iam.add_user_to_group(GroupName="builders", UserName=USER)
    assert lines(secret, account) == [
        f"{user}: has a console password: the refresher's user must have none",
        f"{user}: is also allowed ecr:PutImage on builds/sample-app, "
        "ecr-cluster-access-any-other-repository by group builders attached policy "
        "arn:aws:iam::123456789012:policy/pushers, beyond what the parameters grant (1 action)",
        f"{user}: is in group builders, which the stack does not add it to"]


def test_credentials_of_another_account_are_refused(account: Any) -> None:
    other = params_dict(account="210987654321",
                        workerRoleArns=["arn:aws:iam::210987654321:role/k8s-worker"])
    with pytest.raises(AccessError, match=r"^the credentials belong to account 123456789012, "
                       r"the parameters say 210987654321: use credentials for 210987654321$"):
        check(Parameters.from_mapping(other), session=account)


def test_check_hands_every_option_to_the_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    import ecr_cluster_access.check as module
    from ecr_cluster_access.check import AccountState

    seen: dict[str, Any] = {}

    class Reader:
        def __init__(self, params: Parameters, **options: Any) -> None:
            seen.update(params=params, **options)

        def read(self) -> AccountState:
            return AccountState()

    monkeypatch.setattr(module, "Reader", Reader)
    params = Parameters.from_mapping(params_dict())
    session = object()
    found = check(params, session=session, concurrency=3, timeout=7.5, max_rate=4.0,
                  member_role="OrganizationReader")
    assert seen == {"params": params, "session": session, "concurrency": 3, "timeout": 7.5,
                    "max_rate": 4.0, "member_role": "OrganizationReader"}
    # an empty state: the repository and the role are missing, the scanning was not read
    assert [str(f) for f in found] == [
        "builds/sample-app: repository does not exist",
        "registry scanning: configuration is null, the parameters set no registryScanning, so "
        'each repository\'s scanOnPush decides: {"rules":[],"scanType":"BASIC"}',
        f"role {ROLE}: role does not exist"]
