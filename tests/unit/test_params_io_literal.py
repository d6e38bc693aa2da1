"""Reading parameters, in process, line by line: the strict JSON and YAML parsers' limits and
refusals, files that cannot be read, the CDK context, the order of the sources, and the CLI
entry points (``exit_on_error``, ``load_parameters_or_exit``).

Each expected problem line is written out in full; the limits are tested at their edge (the
largest accepted, the smallest refused).
"""

from __future__ import annotations

import io
import json
import os
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from ecr_cluster_access import ParameterError, load_parameters
from ecr_cluster_access.params import io as params_io
from ecr_cluster_access.params.io import (
    MAX_FILE_BYTES,
    exit_on_error,
    load_parameters_or_exit,
    loads_json,
    loads_yaml,
    read_document,
)
from ecr_cluster_access.params.spec import HugeNumber

from ..support.parameters import params_dict

PARAMS = params_dict()
NO_ROLES = params_dict(workerRoleArns=[])
NO_ROLES_LINE = ("workerRoleArns: [] is empty: give at least one worker role ARN (an app of your "
                 "own can pass IRole objects: EcrClusterAccess(worker_roles=...))")


def problems(call: Any, *args: Any, **kwargs: Any) -> tuple[str, ...]:
    """The problem lines ``call(*args, **kwargs)`` raises."""
    with pytest.raises(ParameterError) as caught:
        call(*args, **kwargs)
    return caught.value.problems


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def context_env(context: object, **extra: str) -> dict[str, str]:
    """The environment ``cdk synth`` gives app.py for this context."""
    return {"CDK_CONTEXT_JSON": json.dumps(context), **extra}


# --- JSON --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "depth"), [
    ("", 0), ("1", 0), ("[]", 1), ("{}", 1), ("[][]", 1), ("{}{}", 1), ("[{}]", 2),
    ("[[]][[]]", 2), ("[][[]]", 2), ('["a", [1]]', 2), ('["[{", "]]]"]', 1),
    ('{"a": {"b": [{}]}}', 4),
])
def test_json_depth_counts_brackets_outside_strings(text: str, depth: int) -> None:
    assert params_io._json_depth(text) == depth


def test_json_nested_to_the_cap_is_read_and_one_deeper_is_refused() -> None:
    assert json.dumps(loads_json("[" * 32 + "]" * 32)) == "[" * 32 + "]" * 32
    with pytest.raises(params_io._Refused, match=r"^nested deeper than 32 levels$"):
        loads_json("[" * 33 + "]" * 33)


@pytest.mark.parametrize(("text", "value"), [
    ("1" * 40, 1111111111111111111111111111111111111111),
    ("-" + "9" * 40, -9999999999999999999999999999999999999999),
])
def test_json_integers_of_40_digits_are_converted(text: str, value: int) -> None:
    assert loads_json(text) == value


def test_json_integers_of_41_digits_are_kept_as_a_marker() -> None:
    number = loads_json("-" + "1" * 41)
    assert isinstance(number, HugeNumber) and number.digits == 41


@pytest.mark.parametrize(("text", "line"), [
    ("NaN", "not valid JSON: NaN is not a JSON number"),
    ('{"a": -Infinity}', "not valid JSON: -Infinity is not a JSON number"),
    ('"abc', "not valid JSON at line 1 column 1: Unterminated string"),
    ('{"a": 1,\n "b": "x', "not valid JSON at line 2 column 7: Unterminated string"),
])
def test_json_refusals_are_one_line_naming_the_file(tmp_path: Path, text: str,
                                                   line: str) -> None:
    path = write(tmp_path / "p.json", text)
    assert problems(read_document, path) == (f"{path}: {line}",)


# --- YAML --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "line"), [
    ("a: &x 1\nb: *x\n",
     "w: not valid YAML at line 2 column 4: aliases (*name) are not accepted: write the value "
     "out"),
    ("a: !!map [1, 2]\n", "w: not valid YAML at line 1 column 4: expected a mapping, found "
     "sequence"),
    ("a: !!set [1]\n", "w: not valid YAML at line 1 column 4: expected a mapping, found "
     "sequence"),
    ("<<: {a: 1}\n", "w: not valid YAML at line 1 column 1: merge keys (<<) are not accepted"),
    ("a: {b: 1, <<: {c: 2}}\n",
     "w: not valid YAML at line 1 column 11: merge keys (<<) are not accepted"),
    # a key is constructed shallow, as PyYAML constructs a mapping: an object key shows empty
    ("? {a: 1}\n: 2\n", "w: not valid YAML at line 1 column 3: key {} is not a string: quote it"),
    ("[" * 33 + "]" * 33, "w: not valid YAML at line 1 column 33: nested deeper than 32 levels"),
    # PyYAML's reader error has no mark and no problem: its first line is the reason
    ("a: \x07\n",
     "w: not valid YAML: unacceptable character #x0007: special characters are not allowed"),
    ("a: !!float " + "x" * 200 + "\n",
     "w: not valid YAML: a value cannot be read (ValueError: \"could not convert string to "
     "float: '" + "x" * 80 + "...)"),
])
def test_yaml_refusals_are_one_line(text: str, line: str) -> None:
    assert problems(loads_yaml, text, "w") == (line,)


def test_yaml_nested_to_the_cap_is_read() -> None:
    assert json.dumps(loads_yaml("[" * 32 + "]" * 32, "w")) == "[" * 32 + "]" * 32


def test_yaml_depth_counts_nesting_not_siblings() -> None:
    assert loads_yaml("[" + ", ".join(["[]"] * 40) + "]", "w") == [[]] * 40
    assert loads_yaml("".join(f"k{i}: {{a: [1]}}\n" for i in range(40)), "w") == {
        f"k{i}": {"a": [1]} for i in range(40)}


def test_yaml_values_are_counted_to_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(params_io, "MAX_YAML_NODES", 10)
    # a sequence of nine scalars is ten values: read
    assert loads_yaml("[1, 2, 3, 4, 5, 6, 7, 8, 9]", "w") == [1, 2, 3, 4, 5, 6, 7, 8, 9]
    assert problems(loads_yaml, "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]", "w") == (
        "w: not valid YAML at line 1 column 29: more than 10 values: is this the right file?",)


@pytest.mark.parametrize(("text", "value"), [
    ("1" * 40, 1111111111111111111111111111111111111111),
    ("-1_000", -1000),
    ("[true, True, TRUE, false, False, FALSE]", [True, True, True, False, False, False]),
    ("[yes, no, on, off, y, n]", ["yes", "no", "on", "off", "y", "n"]),
])
def test_yaml_scalars(text: str, value: object) -> None:
    assert loads_yaml(text, "w") == value
    if isinstance(value, list) and value and isinstance(value[0], bool):
        assert [type(v) for v in loads_yaml(text, "w")] == [bool] * len(value)


def test_yaml_integers_of_41_digits_are_kept_as_a_marker() -> None:
    number = loads_yaml("+" + "1_" * 41, "w")
    assert isinstance(number, HugeNumber) and number.digits == 41


# --- files -------------------------------------------------------------------------------------

def test_a_file_of_exactly_the_cap_is_read(tmp_path: Path) -> None:
    body = json.dumps(PARAMS)
    # the padding first: a file read one byte short would lose the closing brace
    path = write(tmp_path / "p.json", " " * (MAX_FILE_BYTES - len(body)) + body)
    assert path.stat().st_size == 2_097_152
    assert read_document(path) == PARAMS


def test_a_file_one_byte_over_the_cap_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "p.json", " " * 2_097_151 + "{}")
    assert problems(read_document, path) == (
        f"{path}: over 2097152 bytes, the limit for a parameters file: is this the right file?",)


def test_a_large_file_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    path = tmp_path / "sparse.json"
    with path.open("wb") as handle:  # 64 MiB, sparse: no disk space
        handle.truncate(64 * 2**20)
    tracemalloc.start()
    try:
        with pytest.raises(ParameterError):
            read_document(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 2**20


@pytest.mark.parametrize(("name", "what", "line"), [
    ("missing.json", None, "{path}: cannot read it: No such file or directory"),
    ("missing.json", "--config", "--config: cannot read '{path}': No such file or directory"),
    ("dir", None, "{path}: cannot read it: it is a directory, not a regular file: give a "
     "parameters file"),
    ("dir", "$ECR_CLUSTER_ACCESS_CONFIG", "$ECR_CLUSTER_ACCESS_CONFIG: cannot read '{path}': "
     "it is a directory, not a regular file: give a parameters file"),
])
def test_a_file_that_cannot_be_read_is_named_by_its_source(tmp_path: Path, name: str,
                                                           what: str | None, line: str) -> None:
    (tmp_path / "dir").mkdir()
    path = tmp_path / name
    assert problems(read_document, path, what) == (line.format(path=path),)


def test_a_nul_in_the_file_name_is_one_line() -> None:
    assert problems(read_document, Path("a\x00b.json"), "--config") == (
        "--config: cannot read 'a\\x00b.json': not a usable file name",)
    assert problems(read_document, Path("a\x00b.json")) == (
        "a\\x00b.json: cannot read it: not a usable file name",)


def test_a_long_file_name_is_shown_to_240_characters() -> None:
    path = Path("/nonexistent/" + "a" * 300)
    assert problems(read_document, path, "--config") == (
        "--config: cannot read '/nonexistent/" + "a" * 223 + "...: No such file or directory",)


def test_a_fifo_swapped_in_after_the_check_is_refused_without_blocking(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "p.json", "{}")
    real_open = os.open

    def swap_then_open(name: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if Path(name) == path:
            # a reader opening a FIFO without O_NONBLOCK would wait for a writer forever
            assert flags & os.O_NONBLOCK, "opened without O_NONBLOCK"
            path.unlink()
            os.mkfifo(path)
        return real_open(name, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", swap_then_open)
    assert problems(read_document, path, "--config") == (
        f"--config: cannot read '{path}': it is a named pipe (FIFO), not a regular file: give a "
        "parameters file",)


def test_a_file_is_read_where_the_os_has_no_nonblocking_open(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "p.json", '{"a": 1}')
    monkeypatch.delattr(os, "O_NONBLOCK")
    assert read_document(path) == {"a": 1}


# --- the sources, in order ---------------------------------------------------------------------

@pytest.mark.parametrize(("config", "environ", "line"), [
    ("", {}, "--config: is empty: name a JSON or YAML parameters file"),
    ("", {"ECR_CLUSTER_ACCESS_CONFIG": "p.json"},
     "--config: is empty: name a JSON or YAML parameters file"),
    (None, {"ECR_CLUSTER_ACCESS_CONFIG": ""},
     "$ECR_CLUSTER_ACCESS_CONFIG: is empty: name a JSON or YAML parameters file, or unset "
     "ECR_CLUSTER_ACCESS_CONFIG to use cdk.json's context"),
])
def test_an_empty_file_name_is_refused(config: str | None, environ: dict[str, str],
                                       line: str) -> None:
    assert problems(load_parameters, "/nonexistent", environ, config=config) == (line,)


@pytest.mark.parametrize(("text", "line"), [
    ("[1]", "{path}: no context.'ecr-cluster-access' block"),
    ("{}", "{path}: no context.'ecr-cluster-access' block"),
    ('{"context": {"other": 1}}', "{path}: no context.'ecr-cluster-access' block"),
    ('{"context": {"ecr-cluster-access": "{}"}}',
     "{path}: is a string: write the block as a JSON object"),
    ('{"context": {"ecr-cluster-access": {"account": "1"}}}',
     "{path} context.ecr-cluster-access: account: '1' is not an AWS account ID: use 12 digits"),
])
def test_a_cdk_json_given_as_the_file_gives_its_block(tmp_path: Path, text: str,
                                                      line: str) -> None:
    path = write(tmp_path / "CDK.JSON", text)
    assert problems(load_parameters, "/nonexistent", {}, config=str(path))[0] == line.format(
        path=path)


def test_a_cdk_json_given_as_the_file_is_read(tmp_path: Path) -> None:
    path = write(tmp_path / "cdk.json", json.dumps({"context": {"ecr-cluster-access": PARAMS}}))
    assert load_parameters("/nonexistent", {}, config=str(path)).account == "123456789012"


def test_a_source_of_120_characters_is_shown_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    name = "x" * 115 + ".json"
    write(tmp_path / name, json.dumps(params_dict(account="1")))
    assert problems(load_parameters, "/nonexistent", {}, config=name) == (
        name + ": account: '1' is not an AWS account ID: use 12 digits",)


def test_a_source_of_121_characters_keeps_its_last_117(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    name = "ab" + "x" * 114 + ".json"
    write(tmp_path / name, json.dumps(params_dict(account="1")))
    assert problems(load_parameters, "/nonexistent", {}, config=name) == (
        "..." + "x" * 112 + ".json: account: '1' is not an AWS account ID: use 12 digits",)


def test_the_project_directory_defaults_to_the_current_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "cdk.json", json.dumps({"context": {"ecr-cluster-access": PARAMS}}))
    monkeypatch.chdir(tmp_path)
    assert load_parameters(None, {}).account == "123456789012"


@pytest.mark.parametrize(("cdk_json", "line"), [
    ('{"context": {"ecr-cluster-access": "{}"}}',
     "{dir}/cdk.json context.ecr-cluster-access: is a string: write the block as a JSON object"),
    ("[1]", "{dir}/cdk.json: no context.'ecr-cluster-access' block: add one, or set "
     "ECR_CLUSTER_ACCESS_CONFIG to a parameters file"),
])
def test_the_project_block_problems(tmp_path: Path, cdk_json: str, line: str) -> None:
    write(tmp_path / "cdk.json", cdk_json)
    assert problems(load_parameters, tmp_path, {}) == (line.format(dir=tmp_path),)


# --- the CDK context ---------------------------------------------------------------------------

def test_a_context_block_is_read_without_project_files(tmp_path: Path) -> None:
    params = load_parameters(tmp_path, context_env({"ecr-cluster-access": PARAMS}))
    assert params.account == "123456789012"


def test_a_context_block_equal_to_cdk_json_is_named_as_the_context(tmp_path: Path) -> None:
    block = params_dict(account="1")
    write(tmp_path / "cdk.json", json.dumps({"context": {"ecr-cluster-access": block}}))
    assert problems(load_parameters, tmp_path, context_env({"ecr-cluster-access": block})) == (
        "CDK context ecr-cluster-access: account: '1' is not an AWS account ID: use 12 digits",)


def test_a_context_block_is_refused_when_both_project_files_hold_one(tmp_path: Path) -> None:
    for name in ("cdk.json", "cdk.context.json"):
        document = {"ecr-cluster-access": PARAMS}
        write(tmp_path / name, json.dumps(
            {"context": document} if name == "cdk.json" else document))
    assert problems(load_parameters, tmp_path, context_env({"ecr-cluster-access": PARAMS})) == (
        f"{tmp_path}/cdk.context.json: also holds a 'ecr-cluster-access' block, as does "
        f"{tmp_path}/cdk.json: the CDK CLI would merge them key by key (lists concatenated); "
        "keep one",)


def test_the_file_block_is_read_when_the_cli_dropped_its_proto_key(tmp_path: Path) -> None:
    write(tmp_path / "cdk.json", json.dumps(
        {"context": {"ecr-cluster-access": {**PARAMS, "__proto__": {"account": "1"}}}}))
    (line,) = problems(load_parameters, tmp_path, context_env({"ecr-cluster-access": PARAMS}))
    assert line.startswith(f"{tmp_path}/cdk.json context.ecr-cluster-access: __proto__: "
                           "unknown key: accepted keys are account, region, ")


def test_a_context_block_that_differs_from_the_file_beyond_proto_is_the_context(
        tmp_path: Path) -> None:
    write(tmp_path / "cdk.json", json.dumps(
        {"context": {"ecr-cluster-access": {**PARAMS, "__proto__": 1, "stackName": "A"}}}))
    params = load_parameters(tmp_path, context_env({"ecr-cluster-access": PARAMS}))
    assert params.stack_name == "EcrClusterAccess"


def test_a_context_block_that_is_not_an_object_is_not_compared(tmp_path: Path) -> None:
    write(tmp_path / "cdk.json", json.dumps({"context": {"ecr-cluster-access": {"__proto__": 1}}}))
    (line,) = problems(load_parameters, tmp_path, context_env({"ecr-cluster-access": "[]"}))
    assert line.startswith("CDK context ecr-cluster-access: parameters: [] is not a mapping: ")


def test_a_context_string_of_exactly_the_cap_is_parsed(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(params_io, "MAX_FILE_BYTES", 1000)
    body = json.dumps(params_dict(tags={"team": "équipe"}), ensure_ascii=False)  # é: 2 bytes
    block = " " * (999 - len(body)) + body
    params = load_parameters(tmp_path, context_env({"ecr-cluster-access": block}))
    assert params.tags == {"team": "équipe"}
    assert problems(load_parameters, tmp_path, context_env({"ecr-cluster-access": " " + block})
                    ) == ("CDK context ecr-cluster-access: over 1000 bytes",)


@pytest.mark.parametrize(("key", "line"), [
    ("account", "CDK context 'account': not read: the parameters are one block; pass "
     "-c ecr-cluster-access='{\"account\": ...}' with every field you set, or put them in "
     "cdk.json's context.ecr-cluster-access"),
    ("ecr-cluster-access/" + "a" * 70,
     "CDK context 'ecr-cluster-access/" + "a" * 57 + "...: not read: the parameters are one "
     "block; pass -c ecr-cluster-access='{\"" + "a" * 70 + "\": ...}' with every field you "
     "set, or put them in cdk.json's context.ecr-cluster-access"),
])
def test_stray_context_keys_are_refused(tmp_path: Path, key: str, line: str) -> None:
    environ = context_env({key: "1", "ecr-cluster-access": PARAMS})
    assert problems(load_parameters, tmp_path, environ) == (line,)


@pytest.mark.parametrize(("context", "overflow", "line"), [
    ("{", None, "$CDK_CONTEXT_JSON: not valid JSON at line 1 column 2: Expecting property name "
     "enclosed in double quotes"),
    ("{}", "missing.json",
     "$CONTEXT_OVERFLOW_LOCATION_ENV: cannot read '{dir}/missing.json': No such file or "
     "directory"),
    ("[1]", '{"a": 1}',
     "$CDK_CONTEXT_JSON: [1] is not an object: the CDK CLI passes the context as one"),
])
def test_cdk_context_problems(tmp_path: Path, context: str, overflow: str | None,
                              line: str) -> None:
    environ = {"CDK_CONTEXT_JSON": context}
    if overflow is not None:
        if overflow.startswith("{"):
            overflow = str(write(tmp_path / "overflow.json", overflow))
        environ["CONTEXT_OVERFLOW_LOCATION_ENV"] = str(tmp_path / overflow)
    assert problems(load_parameters, tmp_path, environ) == (line.format(dir=tmp_path),)


def test_an_overflow_file_that_is_not_an_object_is_ignored(tmp_path: Path) -> None:
    overflow = write(tmp_path / "overflow.json", "[1]")
    environ = context_env({"ecr-cluster-access": PARAMS},
                          CONTEXT_OVERFLOW_LOCATION_ENV=str(overflow))
    assert params_io.cdk_context(environ) == {"ecr-cluster-access": PARAMS}


def test_the_overflow_file_adds_its_keys(tmp_path: Path) -> None:
    overflow = write(tmp_path / "overflow.json", json.dumps({"ecr-cluster-access": PARAMS}))
    environ = context_env({"a": 1}, CONTEXT_OVERFLOW_LOCATION_ENV=str(overflow))
    assert params_io.cdk_context(environ) == {"a": 1, "ecr-cluster-access": PARAMS}


# --- the CLI entry points ----------------------------------------------------------------------

def test_exit_on_error_prints_each_problem_and_exits_2(capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    with pytest.raises(SystemExit) as caught:
        exit_on_error(ParameterError(["a: one", "b: two é"]), "tool")
    assert caught.value.code == 2
    assert capsys.readouterr() == ("", "tool: error: a: one\ntool: error: b: two é\n")


class BareStream:
    """A stderr replacement with no ``encoding`` attribute at all."""

    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> int:
        self.text += text
        return len(text)

    def flush(self) -> None:
        pass


@pytest.mark.parametrize("stream_class", [io.StringIO, BareStream])  # encoding None, or none
def test_exit_on_error_writes_utf_8_to_a_stream_without_an_encoding(
        monkeypatch: pytest.MonkeyPatch, stream_class: type) -> None:
    stream = stream_class()
    monkeypatch.setattr(sys, "stderr", stream)
    with pytest.raises(SystemExit):
        exit_on_error(ParameterError(["é ☃"]))
    text = stream.getvalue() if isinstance(stream, io.StringIO) else stream.text
    assert text == "ecr-cluster-access: error: é ☃\n"


def test_exit_on_error_escapes_what_the_terminal_cannot_encode(
        monkeypatch: pytest.MonkeyPatch) -> None:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="ascii")
    monkeypatch.setattr(sys, "stderr", stream)
    with pytest.raises(SystemExit):
        exit_on_error(ParameterError(["é ☃"]))
    stream.flush()
    assert raw.getvalue() == b"ecr-cluster-access: error: \\xe9 \\u2603\n"


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project directory, the process elsewhere and no parameters in the environment."""
    for name in ("ECR_CLUSTER_ACCESS_CONFIG", "CDK_CONTEXT_JSON",
                 "CONTEXT_OVERFLOW_LOCATION_ENV"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "project").mkdir()
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    return tmp_path / "project"


def with_block(project: Path, block: dict[str, object]) -> Path:
    write(project / "cdk.json", json.dumps({"context": {"ecr-cluster-access": block}}))
    return project


def test_load_or_exit_returns_the_parameters_of_the_project(project: Path) -> None:
    # no worker role: enough for the cluster half, which does not ask for_stack
    params = load_parameters_or_exit(with_block(project, NO_ROLES))
    assert params.account == "123456789012" and params.worker_role_arns == ()


def test_load_or_exit_for_a_stack_returns_complete_parameters(project: Path) -> None:
    params = load_parameters_or_exit(with_block(project, PARAMS), for_stack=True)
    assert params.worker_role_arns == ("arn:aws:iam::123456789012:role/k8s-worker",)


def test_load_or_exit_for_a_stack_exits_on_what_a_stack_needs(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        load_parameters_or_exit(with_block(project, NO_ROLES), for_stack=True)
    assert caught.value.code == 2
    assert capsys.readouterr().err == f"ecr-cluster-access: error: {NO_ROLES_LINE}\n"


def test_load_or_exit_exits_on_invalid_parameters(project: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        load_parameters_or_exit(with_block(project, params_dict(account="1")))
    assert caught.value.code == 2
    assert capsys.readouterr().err == (
        f"ecr-cluster-access: error: {project}/cdk.json context.ecr-cluster-access: account: "
        "'1' is not an AWS account ID: use 12 digits\n")
