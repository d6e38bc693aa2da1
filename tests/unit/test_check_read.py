"""The reader against responses checked by botocore's Stubber against the real service models:
shapes moto cannot produce (policy text ``[]``, ``null``, a lifecycle rule without priority),
and the repository creation template moto does not implement."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from ecr_cluster_access import Parameters, documents
from ecr_cluster_access.check import CANNOT_VERIFY, findings
from ecr_cluster_access.check.read import Reader

from ..support.clock import FakeClock, install
from ..support.parameters import params_dict

ROLE = "arn:aws:iam::123456789012:role/k8s-worker"
NAME = "builds/sample-app"


def reader(params: Parameters) -> Reader:
    session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                    region_name=params.region)
    return Reader(params, session=session, concurrency=1)


@pytest.fixture
def stubbed() -> Iterator[tuple[Reader, Stubber, Stubber, Stubber]]:
    made = reader(Parameters.from_mapping(params_dict()))
    stubs = Stubber(made.sts), Stubber(made.ecr), Stubber(made.iam)
    for stub in stubs:
        stub.activate()
    yield (made, *stubs)
    for stub in stubs:
        stub.assert_no_pending_responses()
        stub.deactivate()


def expect_account(sts: Stubber, ecr: Stubber, iam: Stubber, *, policy: str,
                   lifecycle: str | None, role_policy: Any) -> None:
    """The calls `check` makes for the default parameters, in order, with these answers."""
    params = Parameters.from_mapping(params_dict())
    sts.add_response("get_caller_identity", {"Account": "123456789012",
                                             "Arn": "arn:aws:iam::123456789012:user/me",
                                             "UserId": "AIDAEXAMPLE"})
    ecr.add_response("describe_repositories", {"repositories": [{
        "repositoryName": NAME, "imageTagMutability": "MUTABLE",
        "imageScanningConfiguration": {"scanOnPush": True},
        "encryptionConfiguration": {"encryptionType": "AES256"}}]},
        {"registryId": "123456789012", "maxResults": 1000})
    ecr.add_response("get_repository_policy", {"policyText": policy},
                     {"registryId": "123456789012", "repositoryName": NAME})
    if lifecycle is None:
        ecr.add_client_error("get_lifecycle_policy", "LifecyclePolicyNotFoundException")
    else:
        ecr.add_response("get_lifecycle_policy", {"lifecyclePolicyText": lifecycle},
                         {"registryId": "123456789012", "repositoryName": NAME})
    ecr.add_response("list_tags_for_resource", {"tags": []}, {
        "resourceArn": f"arn:aws:ecr:us-east-1:123456789012:repository/{NAME}"})
    iam.add_response("get_role", {"Role": {
        "Path": "/", "RoleName": "k8s-worker", "RoleId": "AROAEXAMPLEEXAMPLE1", "Arn": ROLE,
        "CreateDate": "2026-01-01T00:00:00Z", "AssumeRolePolicyDocument": "%7B%7D"}},
        {"RoleName": "k8s-worker"})
    token = documents.token_policy_name(params)
    iam.add_response("list_role_policies", {"PolicyNames": [token]}, {"RoleName": "k8s-worker"})
    iam.add_response("get_role_policy", {"RoleName": "k8s-worker", "PolicyName": token,
                                         "PolicyDocument": role_policy},
                     {"RoleName": "k8s-worker", "PolicyName": token})
    iam.add_response("list_attached_role_policies", {"AttachedPolicies": []},
                     {"RoleName": "k8s-worker"})
    ecr.add_client_error("get_registry_policy", "RegistryPolicyNotFoundException")
    ecr.add_response("describe_registry", {"registryId": "123456789012",
                                           "replicationConfiguration": {"rules": []}})
    ecr.add_response("get_registry_scanning_configuration", {
        "registryId": "123456789012", "scanningConfiguration": {"scanType": "BASIC",
                                                                "rules": []}})


def test_a_deployed_account_read_through_the_real_models_is_in_sync(stubbed: Any) -> None:
    made, sts, ecr, iam = stubbed
    params = made.params
    expect_account(sts, ecr, iam,
                   policy=documents.policy_text(documents.repository_policy(params)),
                   lifecycle=None, role_policy=documents.policy_text(
                       documents.worker_identity_policy(params)))
    assert findings(params, made.read()) == []


@pytest.mark.parametrize("policy", ["[]", "null", '"x"', '{"Statement": ["x"]}', "{"])
def test_odd_repository_policy_texts_are_drift_lines(stubbed: Any, policy: str) -> None:
    made, sts, ecr, iam = stubbed
    expect_account(sts, ecr, iam, policy=policy, lifecycle=None,
                   role_policy=documents.policy_text(
                       documents.worker_identity_policy(made.params)))
    found = findings(made.params, made.read())
    assert any(f.subject == NAME and f.kind == "drift" for f in found)


def test_a_lifecycle_rule_without_priority_is_a_drift_line(stubbed: Any) -> None:
    made, sts, ecr, iam = stubbed
    expect_account(sts, ecr, iam,
                   policy=documents.policy_text(documents.repository_policy(made.params)),
                   lifecycle='{"rules": [{"description": "added by hand in the console", '
                             '"selection": {"tagStatus": "any"}, "action": {"type": "expire"}}]}',
                   role_policy=documents.policy_text(
                       documents.worker_identity_policy(made.params)))
    assert [str(f) for f in findings(made.params, made.read())] == [
        f"{NAME}: has a lifecycle policy; the parameters set no lifecycle rule"]


def test_an_unreadable_identity_policy_is_cannot_verify(stubbed: Any) -> None:
    made, sts, ecr, iam = stubbed
    expect_account(sts, ecr, iam,
                   policy=documents.policy_text(documents.repository_policy(made.params)),
                   lifecycle=None, role_policy="not%20json")
    found = findings(made.params, made.read())
    assert {f.kind for f in found} == {"drift", CANNOT_VERIFY}


# --- the creation template (moto does not implement it) ---------------------------------------

def test_the_creation_template_is_read_by_its_prefix() -> None:
    params = Parameters.from_mapping(params_dict(createOnPushPrefix="builds",
                                                 tags={"team": "x"}))
    made = reader(params)
    with Stubber(made.ecr) as ecr:
        ecr.add_response("describe_repository_creation_templates", {
            "registryId": "123456789012", "repositoryCreationTemplates": [
                {"prefix": "other"},
                {"prefix": "builds", "appliedFor": ["CREATE_ON_PUSH", "REPLICATION"],
                 "customRoleArn": "arn:aws:iam::123456789012:role/anything",
                 "resourceTags": [{"Key": "team", "Value": "x"}, {"Key": "extra", "Value": "y"}],
                 "repositoryPolicy": documents.policy_text(documents.repository_policy(params)),
                 "imageTagMutability": "MUTABLE",
                 "encryptionConfiguration": {"encryptionType": "AES256"}}]},
            {"prefixes": ["builds"]})
        template = made._creation_template()
    from ecr_cluster_access.check.compare import creation_template_findings

    assert [f.message for f in creation_template_findings(template, params)] == [
        'applies to ["CREATE_ON_PUSH","REPLICATION"], the parameters say ["CREATE_ON_PUSH"]',
        'resource tags are {"extra":"y","team":"x"}, the parameters say {"team":"x"}',
        'custom role is "arn:aws:iam::123456789012:role/anything", the parameters say '
        '"arn:aws:iam::123456789012:role/EcrClusterAccess-us-east-1-ecr-template"']


def test_a_missing_creation_template_reads_as_none() -> None:
    made = reader(Parameters.from_mapping(params_dict(createOnPushPrefix="builds")))
    with Stubber(made.ecr) as ecr:
        ecr.add_client_error("describe_repository_creation_templates",
                             "TemplateNotFoundException")
        assert made._creation_template() is None


# --- the pace (the live runs behind a throttling proxy are in e2e/test_check_pace.py) ---------

def test_the_pace_is_unlimited_until_a_throttle_then_adapts() -> None:
    from ecr_cluster_access.check.read import Pace

    pace = Pace(None)
    for _ in range(20):
        pace.wait("GetRepositoryPolicy")  # unlimited: no wait
    pace.answered("GetRepositoryPolicy", None)
    assert pace.rate("GetRepositoryPolicy") is None
    pace.answered("GetRepositoryPolicy", "ThrottlingException")
    assert pace.rate("GetRepositoryPolicy") == 15.0  # 20 sent in the last second, x 0.75
    pace.answered("GetRepositoryPolicy", None)
    assert pace.rate("GetRepositoryPolicy") == 20.0  # + 5
    pace.answered("GetRepositoryPolicy", "AccessDeniedException")  # not a throttle
    assert pace.rate("GetRepositoryPolicy") == 25.0
    assert pace.rate("GetLifecyclePolicy") is None  # each API its own


def test_the_pace_never_falls_below_its_floor() -> None:
    from ecr_cluster_access.check.read import Pace

    pace = Pace(None)
    for _ in range(30):
        pace.answered("GetRole", "Throttling")
    assert pace.rate("GetRole") == 2.0


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    return install(monkeypatch, start=100.0)


def test_max_rate_spaces_every_call_of_every_operation(clock: FakeClock) -> None:
    from ecr_cluster_access.check.read import Pace

    pace = Pace(4.0)  # at most 4 attempts a second, all operations together
    for operation in ["GetRole", "GetRepositoryPolicy", "GetRole", "ListTagsForResource"]:
        pace.wait(operation)
    assert clock.slept == [0.25, 0.25, 0.25]
    clock.now += 10.0  # idle: the next call goes at once
    pace.wait("GetRole")
    assert clock.slept == [0.25, 0.25, 0.25]


def test_a_throttled_operation_is_spaced_at_its_rate_and_others_are_not(clock: FakeClock) -> None:
    from ecr_cluster_access.check.read import Pace

    pace = Pace(None)
    for _ in range(8):
        pace.wait("GetRepositoryPolicy")  # 8 in the same instant, unlimited
    pace.answered("GetRepositoryPolicy", "ThrottlingException")
    assert pace.rate("GetRepositoryPolicy") == 6.0  # 8 in the last second, x 0.75
    pace.wait("GetRepositoryPolicy")  # the first at its rate goes at once
    pace.wait("GetRepositoryPolicy")
    pace.wait("GetRepositoryPolicy")
    pace.wait("GetLifecyclePolicy")  # another operation: no wait
    assert clock.slept == [round(1 / 6, 6), round(1 / 6, 6)]


def test_only_the_last_second_counts_towards_the_rate_after_a_throttle(
        clock: FakeClock) -> None:
    from ecr_cluster_access.check.read import Pace

    pace = Pace(None)
    for _ in range(12):
        pace.wait("GetRole")
    clock.now += 1.0  # those 12 are exactly one second old: still counted
    for _ in range(4):
        pace.wait("GetRole")
    pace.answered("GetRole", "Throttling")
    assert pace.rate("GetRole") == 12.0  # 16 x 0.75
    clock.now += 1.5
    pace.answered("GetRole", "Throttling")  # nothing sent in the last second: 1 x 0.75
    assert pace.rate("GetRole") == 2.0  # the floor


def test_the_record_of_sent_calls_stays_bounded(clock: FakeClock) -> None:
    from ecr_cluster_access.check.read import Pace

    pace = Pace(None)
    for _ in range(4097):
        pace.wait("GetRole")
    assert len(pace._sent["GetRole"]) == 2049
    pace.wait("GetRole")
    assert len(pace._sent["GetRole"]) == 2050
