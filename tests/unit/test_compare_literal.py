"""``check/compare.py``'s drift lines for replicas, kept repositories, settings and replication
rules, and its statement helpers, compared with lines written here."""

from __future__ import annotations

import json

from ecr_cluster_access import Parameters
from ecr_cluster_access.check import compare

from ..support.parameters import params_dict

ROLE = "arn:aws:iam::123456789012:role/k8s-worker"
TWO = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "ecr:BatchGetImage"},
    {"Effect": "Allow", "Principal": "*", "Action": ["ecr:PutImage"]}]})
DEFAULT = Parameters.from_mapping(params_dict())


def test_a_replica_s_policy_and_lifecycle_are_drift_lines() -> None:
    found = compare.replica_findings("builds/app in us-west-2", TWO, '{"rules": []}',
                                     "us-west-2")
    assert [(str(f), f.repositories, f.region) for f in found] == [
        ("replica builds/app in us-west-2: has a repository policy, which the stack does not "
         f"set on replicas: Allow of ecr:BatchGetImage for AWS {ROLE}; Allow of ecr:PutImage "
         "for everyone (*)", ("builds/app in us-west-2",), "us-west-2"),
        ("replica builds/app in us-west-2: has a lifecycle policy, which the stack does not set "
         "on replicas", ("builds/app in us-west-2",), "us-west-2")]
    assert [str(f) for f in compare.replica_findings("builds/app in us-west-2", "not json",
                                                     None, "us-west-2")] == [
        'replica builds/app in us-west-2: has a repository policy, which the stack does not '
        'set on replicas: "not json"']


def test_a_kept_repository_is_named_with_each_grant_it_still_makes() -> None:
    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "ecr:BatchGetImage"},
        {"Effect": "Allow", "Principal": {"AWS": [ROLE], "Service": "x.amazonaws.com"},
         "Action": ["ecr:PutImage"]},
        {"Effect": "Deny", "Principal": {"AWS": ROLE}, "Action": "ecr:*"}]})
    (found,) = compare.kept_findings("builds/old", policy, None, DEFAULT, [ROLE])
    assert (str(found), found.repositories) == (
        "builds/old: kept, not managed: not in the parameters, but its repository policy "
        f"still grants Allow of ecr:BatchGetImage for AWS {ROLE}; Allow of ecr:PutImage for "
        f"AWS {ROLE}; Service x.amazonaws.com (delete it, or list it again)", ("builds/old",))
    assert compare.kept_findings("builds/old", None, None, DEFAULT, [ROLE]) == []
    tagged = Parameters.from_mapping(params_dict(tags={"team": "a"}))
    assert [str(f) for f in compare.kept_findings("builds/old", None, {"team": "a", "x": "y"},
                                                  tagged, [ROLE])] == [
        "builds/old: kept, not managed: not in the parameters, but it carries the stack's tags "
        "(delete it, or list it again)"]


def test_statement_principals_and_same_statement() -> None:
    assert compare._statement_principals({"Principal": {
        "Service": ["a.amazonaws.com", "b"], "AWS": "arn"}}) == [
        "Service:a.amazonaws.com", "Service:b", "arn"]
    assert compare._statement_principals({"Principal": "*"}) == ["*"]
    assert compare._statement_principals("x") == []
    assert compare.same_statement(
        {"Action": ["ecr:PutImage", "ECR:BatchGetImage"], "Effect": "Allow"},
        {"Effect": "Allow", "Action": ["ecr:batchgetimage", "ecr:putimage"]})
    assert not compare.same_statement({"Effect": "Allow", "Action": "ecr:PutImage"},
                                      {"Effect": "Allow", "Action": "ecr:BatchGetImage"})
    assert compare.same_statement({"Effect": "Allow", "Action": []},
                                  {"Effect": "Allow", "Action": []})


def test_scan_on_push_is_said_as_on_off_or_the_value() -> None:
    def said(scan: object) -> list[str]:
        return [str(f) for f in compare.settings_findings("builds/app", {
            "imageTagMutability": "MUTABLE", "imageScanningConfiguration": {"scanOnPush": scan},
            "encryptionConfiguration": {"encryptionType": "AES256"}}, None, DEFAULT)]
    assert said(False) == ["builds/app: scan on push is off, the parameters say on"]
    assert said("yes") == ['builds/app: scan on push is "yes", the parameters say on']
    assert said(True) == []


def test_replication_rules_are_described_with_their_places() -> None:
    rule = {"destinations": [{"region": "eu-west-1", "registryId": "123456789012"},
                             {"region": "us-west-2", "registryId": "210987654321"}],
            "repositoryFilters": [{"filter": "builds/", "filterType": "PREFIX_MATCH"}]}
    assert compare._describe_rule(rule, "123456789012") == (
        'repositories starting with ["builds/"] to eu-west-1 in 123456789012, us-west-2 in '
        "210987654321 (another account)")
    assert compare._describe_rule({"destinations": "x"}, "1") == 'every repository to "x"'
    assert compare._describe_rule("odd", "1") == '"odd"'
