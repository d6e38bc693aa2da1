"""``check --format json``: one document on every exit status, valid against the published
schema (``ecr_cluster_access/check/check-output.schema.json``), with separate principal,
role, repository, region, action and kind fields (issue "4 of 6", item 3). The expected
documents are literal; the schema is checked by ``jsonschema``, an independent validator."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from ecr_cluster_access import Parameters, cli
from ecr_cluster_access.check import Finding

from ..support.tools import write_params

SCHEMA_PATH = (Path(__file__).resolve().parents[2] / "ecr_cluster_access" / "check"
               / "check-output.schema.json")
VALIDATOR = Draft202012Validator(json.loads(SCHEMA_PATH.read_text()))
ROLE = "arn:aws:iam::123456789012:role/k8s-worker"
PARAMS = Parameters.from_mapping({"account": "123456789012", "region": "us-east-1",
                                  "repositories": ["builds/app", "builds/web"],
                                  "workerRoleArns": [ROLE,
                                                     "arn:aws:iam::210987654321:role/other"]})


def valid(document: dict[str, Any]) -> dict[str, Any]:
    errors = [f"{list(e.path)}: {e.message}" for e in VALIDATOR.iter_errors(document)]
    assert not errors, errors
    return document


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(json.loads(SCHEMA_PATH.read_text()))


def test_a_finding_separates_principal_role_repository_region_and_action() -> None:
    finding = Finding("role " + ROLE, "is also allowed ecr:DeleteRepository on builds/app",
                      role=ROLE, actions=("ecr:DeleteRepository",),
                      repositories=("builds/app",))
    assert finding.to_json("us-east-1") == {
        "subject": f"role {ROLE}", "kind": "drift",
        "message": "is also allowed ecr:DeleteRepository on builds/app",
        "principal": ROLE, "role": ROLE, "repository": "builds/app",
        "repositories": ["builds/app"], "action": "ecr:DeleteRepository",
        "actions": ["ecr:DeleteRepository"], "region": "us-east-1"}


@pytest.mark.parametrize("principal", [
    "*", "lambda.amazonaws.com", "arn:aws:iam::123456789012:user/ecr-refresher",
    "arn:aws:iam::123456789012:root", "210987654321", "arn:aws:sts::123456789012:role/x"])
def test_role_holds_only_an_iam_roles_arn(principal: str) -> None:
    document = Finding("builds/app", "the repository policy names it", role=principal,
                       actions=("ecr:PutImage", "ecr:BatchGetImage"),
                       repositories=("builds/app", "builds/web"),
                       region="eu-west-1").to_json("us-east-1")
    assert (document["principal"], document["role"]) == (principal, None)
    # two of each: no single repository or action; the finding's own region wins
    assert (document["repository"], document["action"], document["region"]) == (
        None, None, "eu-west-1")


def test_in_sync_drift_and_cannot_verify_documents() -> None:
    assert valid(cli.check_report(PARAMS)) == {
        "status": "in-sync", "exitCode": 0, "inSync": True, "account": "123456789012",
        "region": "us-east-1", "findings": [], "notes": [], "errors": [],
        "crossAccountWorkerRoles": ["arn:aws:iam::210987654321:role/other"]}
    unknown = Finding("builds/app", "a Condition", kind="cannot-verify")
    drift = Finding("builds/web", "repository does not exist", repositories=("builds/web",))
    assert valid(cli.check_report(PARAMS, [unknown]))["status"] == "cannot-verify"
    both = valid(cli.check_report(PARAMS, [unknown, drift]))
    assert (both["status"], both["exitCode"], both["inSync"]) == ("drift", 1, False)


def test_the_schema_refuses_documents_whose_status_and_exit_code_disagree() -> None:
    """Negative controls: the conditional parts of the schema do bite."""
    good = cli.check_report(PARAMS)
    for bad in ({**good, "exitCode": 1}, {**good, "errors": ["x"]},
                {**good, "status": "drift"}, {**good, "status": "error", "exitCode": 2},
                {**good, "findings": [{"subject": "x"}]}, {**good, "extra": 1}):
        assert list(VALIDATOR.iter_errors(bad)), bad


def run_check(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any], str]:
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, valid(json.loads(out)), err


def test_bad_parameters_print_the_document_with_the_reasons(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_params(tmp_path, {"account": "1", "region": "us-east-1",
                                     "repositories": ["builds/app"]})
    status, document, err = run_check(capsys, "check", "--config", str(config), "--format",
                                      "json")
    reason = f"{config}: account: '1' is not an AWS account ID: use 12 digits"
    assert status == 2 and document == {
        "status": "error", "exitCode": 2, "inSync": False, "account": None, "region": None,
        "findings": [], "notes": [], "errors": [reason], "crossAccountWorkerRoles": []}
    assert err == f"ecr-cluster-access: error: {reason}\n"


def test_no_worker_role_prints_the_document_with_the_parameters(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_params(tmp_path, {"account": "123456789012", "region": "us-east-1",
                                     "repositories": ["builds/app"]})
    status, document, err = run_check(capsys, "check", "--format=json", "--config", str(config))
    assert (status, document["status"], document["account"], document["region"]) == (
        2, "error", "123456789012", "us-east-1")
    (reason,) = document["errors"]
    assert reason.endswith("for check, pass --worker-role ARN for each role the app attached")
    assert err == f"ecr-cluster-access: error: {reason}\n"


def test_a_usage_error_prints_the_document_too(capsys: pytest.CaptureFixture[str]) -> None:
    status, document, err = run_check(capsys, "check", "--format", "json", "--timeout", "0")
    assert status == 2 and document["errors"] == [
        "argument --timeout: 0 is not accepted: use 1 to 3600 seconds"]
    assert err.startswith("usage: ecr-cluster-access check ")
    assert err.endswith("ecr-cluster-access check: error: argument --timeout: 0 is not "
                        "accepted: use 1 to 3600 seconds\n")


def test_text_format_prints_nothing_on_stdout_for_exit_2(
        capsys: pytest.CaptureFixture[str]) -> None:
    # the control: without --format json, exit 2 stays stderr only
    assert cli.main(["check", "--timeout", "0"]) == 2
    assert capsys.readouterr().out == ""


def test_the_schema_command_prints_the_packaged_schema(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["schema", "--check-output"]) == 0
    assert capsys.readouterr().out == SCHEMA_PATH.read_text()
