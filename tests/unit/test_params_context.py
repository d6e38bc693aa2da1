"""How the parameters arrive through the CDK CLI's context and project files, and how a
refusal is printed, in one process with literal lines (the entry-point tests run the same
paths as subprocesses, where no mutant is seen)."""

from __future__ import annotations

import io as text_io
import json
import sys
from pathlib import Path

import pytest

from ecr_cluster_access import ParameterError
from ecr_cluster_access.params import io

HINT = ("not read: the parameters are one block; pass -c ecr-cluster-access='{{\"{field}\": "
        "...}}' with every field you set, or put them in cdk.json's context.ecr-cluster-access")


def test_the_overflow_file_s_keys_join_the_context(tmp_path: Path) -> None:
    overflow = tmp_path / "overflow.json"
    overflow.write_text(json.dumps({"ecr-cluster-access": {"account": "123456789012"}}))
    assert io.cdk_context({"CDK_CONTEXT_JSON": '{"a": 1}',
                           "CONTEXT_OVERFLOW_LOCATION_ENV": str(overflow)}) == {
        "a": 1, "ecr-cluster-access": {"account": "123456789012"}}
    assert io.cdk_context({"CDK_CONTEXT_JSON": '{"a": 1}'}) == {"a": 1}
    assert io.cdk_context({}) is None


@pytest.mark.parametrize("key,field", [
    ("account", "account"), ("ecr-cluster-access.account", "account"),
    ("ecr-cluster-access:region", "region"), ("ecr-cluster-access/stackName", "stackName")])
def test_a_stray_context_key_is_refused_naming_the_field(key: str, field: str) -> None:
    with pytest.raises(ParameterError) as caught:
        io._refuse_stray_context_keys({"unrelated": 1, key: "x"})
    assert caught.value.problems == (f"CDK context {key!r}: {HINT.format(field=field)}",)
    io._refuse_stray_context_keys({"unrelated": 1, "@aws-cdk/core:newStyle": True})


def test_a_context_value_over_the_file_cap_is_refused() -> None:
    with pytest.raises(ParameterError) as caught:
        io._context_value("x" * (2 * 1024 * 1024 + 1), "-c ecr-cluster-access")
    assert caught.value.problems == ("-c ecr-cluster-access: over 2097152 bytes",)
    assert io._context_value('{"account": "1"}', "w") == {"account": "1"}
    assert io._context_value({"account": "1"}, "w") == {"account": "1"}


def test_a_block_in_both_project_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "cdk.json").write_text(json.dumps({"app": "x", "context": {
        "ecr-cluster-access": {"account": "1"}}}))
    (tmp_path / "cdk.context.json").write_text(json.dumps({"ecr-cluster-access": {
        "account": "2"}}))
    with pytest.raises(ParameterError) as caught:
        io._project_blocks(tmp_path)
    assert caught.value.problems == (
        f"{tmp_path}/cdk.context.json: also holds a 'ecr-cluster-access' block, as does "
        f"{tmp_path}/cdk.json: the CDK CLI would merge them key by key (lists concatenated); "
        "keep one",)


def test_the_block_of_cdk_context_json_alone_is_read(tmp_path: Path) -> None:
    with pytest.raises(ParameterError) as caught:
        io._project_block(tmp_path)
    assert caught.value.problems == (
        f"{tmp_path}/cdk.json: cannot read it: no such file: run in the project directory, "
        "pass --project-dir or --config FILE, or set ECR_CLUSTER_ACCESS_CONFIG",)
    (tmp_path / "cdk.context.json").write_text(json.dumps({"ecr-cluster-access": {
        "account": "2"}}))
    assert io._project_block(tmp_path) == (
        {"account": "2"}, f"{tmp_path}/cdk.context.json ecr-cluster-access")


def test_a_refusal_is_one_line_each_escaped_for_the_terminal_and_exit_2(
        monkeypatch: pytest.MonkeyPatch) -> None:
    buffer = text_io.BytesIO()
    monkeypatch.setattr(sys, "stderr", text_io.TextIOWrapper(buffer, encoding="ascii"))
    with pytest.raises(SystemExit) as caught:
        io.exit_on_error(ParameterError(["region: 'é' is not accepted", "account: missing"]))
    sys.stderr.flush()
    assert caught.value.code == 2
    assert buffer.getvalue().decode() == (
        "ecr-cluster-access: error: region: '\\xe9' is not accepted\n"
        "ecr-cluster-access: error: account: missing\n")
