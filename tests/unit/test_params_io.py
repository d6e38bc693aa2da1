"""Hostile and malformed parameters: one regression test per case seen, each one line, exit 2.

Each case here was reproduced against the loader before it was made strict: a value that
passed validation and reached a template or a manifest, or a traceback instead of one line.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from ecr_cluster_access import ParameterError, Parameters, load_parameters
from ecr_cluster_access.params import MAX_DEPTH, MAX_FILE_BYTES
from ecr_cluster_access.params.io import MAX_YAML_NODES

from ..support.parameters import params_dict
from ..support.tools import ROOT, VENV_BIN, run


def load_problems(path: Path) -> list[str]:
    """The problem lines that loading ``path`` as the parameters file gives."""
    with pytest.raises(ParameterError) as caught:
        load_parameters(ROOT, environ={}, config=str(path))
    problems = list(caught.value.problems)
    for line in problems:
        assert line.isprintable() and "\n" not in line, line
    return problems


def problems_of(**overrides: object) -> list[str]:
    with pytest.raises(ParameterError) as caught:
        Parameters.from_mapping(params_dict(**overrides))
    return list(caught.value.problems)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- a trailing newline, and non-ASCII digits, pass no pattern ------------------------------

ROLE = "arn:aws:iam::123456789012:role/k8s-worker"


@pytest.mark.parametrize(("key", "value", "field"), [
    ("account", "123456789012\n", "account"),
    ("region", "us-east-1\n", "region"),
    ("repositories", ["builds/app\n"], "repositories[0]"),
    ("workerRoleArns", [ROLE + "\n"], "workerRoleArns[0]"),
    ("namespace", "default\n", "namespace"),
    ("secretName", "ecr-config\n", "secretName"),
    ("stackName", "EcrClusterAccess\n", "stackName"),
    ("createOnPushPrefix", "builds\n", "createOnPushPrefix"),
    ("imageTagMutabilityExclusionFilters", ["latest\n"], "imageTagMutabilityExclusionFilters[0]"),
    ("replicationRegions", ["us-west-2\n"], "replicationRegions[0]"),
    ("kmsKeyArn", "arn:aws:kms:us-east-1:123456789012:key/k\n", "kmsKeyArn"),
])
def test_fails_on_a_trailing_newline(key: str, value: object, field: str) -> None:
    extra = {"encryption": "KMS"} if key == "kmsKeyArn" else {}
    (problem,) = problems_of(**{key: value}, **extra)
    assert problem.startswith(f"{field}: ") and "\\n'" in problem


def test_fails_on_a_trailing_newline_in_nested_names() -> None:
    problems = problems_of(
        builderIdentity={"mode": "pod-identity", "clusterName": "c\n", "roleName": "b\n",
                         "serviceAccount": "sa\n", "namespace": "ns\n"},
        pullSecret={"mode": "cronjob", "credentials": "secret",
                    "name": "p\n", "namespaces": ["a\n"],
                    "serviceAccounts": ["s\n"], "image": "alpine:3\n"})
    assert [p.split(":")[0] for p in problems] == [
        "builderIdentity.serviceAccount", "builderIdentity.namespace", "builderIdentity.roleName",
        "builderIdentity.clusterName", "pullSecret.name", "pullSecret.namespaces[0]",
        "pullSecret.serviceAccounts[0]", "pullSecret.image"]


@pytest.mark.parametrize("account", ["١٢٣٤٥٦٧٨٩٠١٢", "１２３４５６７８９０１２", "12345678901٢"])
def test_fails_on_non_ascii_digits_in_the_account(account: str) -> None:
    (problem,) = problems_of(account=account)
    assert problem.startswith("account: ") and "is not an AWS account ID" in problem


@pytest.mark.parametrize("region", ["us-east-١", "us-east-１"])
def test_fails_on_non_ascii_digits_in_the_region(region: str) -> None:
    (problem,) = [p for p in problems_of(region=region) if p.startswith("region:")]
    assert "is not an AWS region" in problem


def test_docker_config_never_prints_a_host_with_non_ascii_digits(tmp_path: Path) -> None:
    config = tmp_path / "p.json"
    config.write_text(json.dumps(params_dict(account="١٢٣٤٥٦٧٨٩٠١٢")), encoding="utf-8")
    result = run([str(VENV_BIN / "ecr-cluster-access"), "docker-config", "--config",
                  str(config)])
    assert result.returncode == 2 and result.stdout == ""
    assert "account: " in result.stderr and "Traceback" not in result.stderr


# --- one line, never a traceback --------------------------------------------------------------

def test_a_non_string_yaml_key_in_tags_is_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, "p.yaml", "account: '123456789012'\nregion: us-east-1\n"
                 "repositories: [builds/app]\nworkerRoleArns: ['" + ROLE + "']\n"
                 "tags: {1: a}\n")
    (line,) = load_problems(path)
    assert line == f"{path}: not valid YAML at line 5 column 8: key 1 is not a string: quote it"


def test_a_list_where_a_name_is_expected_is_one_line() -> None:
    (problem,) = problems_of(builderIdentity={"mode": "pod-identity", "clusterName": "c",
                                              "roleName": ["x"]})
    assert problem.startswith("builderIdentity.roleName: ['x'] is not an IAM role name")


@pytest.mark.parametrize(("field", "value"), [
    ("secretName", {"a": 1}), ("namespace", ["default"]), ("account", None),
    ("stackName", 7), ("tags", ["a"]), ("lifecycle", "7"), ("pullSecret", []),
])
def test_a_value_of_the_wrong_type_is_one_line_naming_the_field(field: str,
                                                                 value: object) -> None:
    problems = problems_of(**{field: value})
    assert problems and problems[0].startswith(f"{field}: ")


@pytest.mark.parametrize("name", ["p.json", "p.yaml"])
def test_an_integer_with_thousands_of_digits_is_one_line(tmp_path: Path, name: str) -> None:
    text = json.dumps(params_dict(lifecycle={"keepLastImages": 0})).replace(
        '"keepLastImages": 0', '"keepLastImages": ' + "9" * 5000)
    (line,) = load_problems(write(tmp_path, name, text))
    assert line.endswith("lifecycle.keepLastImages: <a number of 5000 digits> is not accepted: "
                         "use a whole number from 1 to 2147483647, or leave it out")


def test_a_huge_python_integer_is_shown_short() -> None:
    (problem,) = problems_of(lifecycle={"keepLastImages": 10**5000})
    assert "<a number of about 5000 digits>" in problem and len(problem) < 200


@pytest.mark.parametrize(("name", "text"), [
    ("p.json", "[" * 100_000 + "]" * 100_000),
    ("p.yaml", "[" * 100_000 + "]" * 100_000),
    ("p.yaml", "".join(f"{'  ' * i}a:\n" for i in range(60)) + "  " * 60 + "b: 1\n"),
])
def test_nesting_deeper_than_the_cap_is_one_line(tmp_path: Path, name: str, text: str) -> None:
    (line,) = load_problems(write(tmp_path, name, text))
    assert f"nested deeper than {MAX_DEPTH} levels" in line


# --- hostile files fail fast and small ---------------------------------------------------------

ALIAS_BOMB = "\n".join([
    "a: &a ['lol','lol','lol','lol','lol','lol','lol','lol','lol']",
    *(f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
      f"*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
      f"*{chr(97 + i)}]" for i in range(8)),
    "account: '123456789012'", "region: us-east-1", "workerRoleArns: ['" + ROLE + "']",
    "repositories: *i", ""])


def validate_bounded(path: Path) -> subprocess.CompletedProcess[str]:
    """``ecr-cluster-access validate --config path``, limited to 2 CPU seconds and 200 MB of
    address space (a limit, not a timing: the process is stopped if it goes beyond)."""
    def limits() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (2, 2))
        resource.setrlimit(resource.RLIMIT_AS, (200 * 2**20, 200 * 2**20))

    env = {"PATH": f"{VENV_BIN}:/usr/bin:/bin", "HOME": str(path.parent)}
    return subprocess.run([str(VENV_BIN / "ecr-cluster-access"), "validate", "--config",
                           str(path)], cwd=path.parent, env=env, capture_output=True, text=True,
                          timeout=60, preexec_fn=limits, check=False)


def test_a_yaml_alias_bomb_is_refused_fast_and_small(tmp_path: Path) -> None:
    assert len(ALIAS_BOMB) < 1024
    path = write(tmp_path, "bomb.yaml", ALIAS_BOMB)
    result = validate_bounded(path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [
        f"ecr-cluster-access: error: {path}: not valid YAML at line 2 column 8: aliases (*name) "
        "are not accepted: write the value out"]


@pytest.mark.parametrize(("name", "text"), [
    ("deep.json", "[" * 100_000 + "]" * 100_000),
    ("deep.yaml", "[" * 100_000 + "]" * 100_000),
    ("deep.yaml", "".join(f"{' ' * i}k{i}:\n" for i in range(500))),
])
def test_deep_nesting_is_refused_fast_and_small(tmp_path: Path, name: str, text: str) -> None:
    path = write(tmp_path, name, text)
    result = validate_bounded(path)
    assert result.returncode == 2, result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"ecr-cluster-access: error: {path}: not valid ")
    assert line.endswith(f"nested deeper than {MAX_DEPTH} levels")


@pytest.mark.parametrize("name", ["big.json", "big.yaml"])
def test_a_file_over_the_size_cap_is_refused_fast_and_small(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, name, json.dumps(params_dict(tags={"k": "v" * MAX_FILE_BYTES})))
    result = validate_bounded(path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"ecr-cluster-access: error: {path}: over {MAX_FILE_BYTES} bytes, the limit for a "
        "parameters file: is this the right file?"]


def test_a_yaml_file_just_under_the_size_cap_is_parsed_within_the_bounds(tmp_path: Path) -> None:
    """The worst a YAML file under the cap can cost: parsed in full, then refused."""
    names = [f"team-{i:05d}/service-{i:05d}" for i in range(MAX_FILE_BYTES // 32)]
    text = json.dumps(params_dict(repositories=names))[: MAX_FILE_BYTES - 64]
    text = text[: text.rindex('",') + 1] + "]}"
    path = write(tmp_path, "near.yaml", text)
    result = validate_bounded(path)
    assert result.returncode == 2, result.stderr
    assert f"more than {MAX_YAML_NODES} values" in result.stderr


# --- silently accepted before ------------------------------------------------------------------

def test_duplicate_keys_in_json_are_refused(tmp_path: Path) -> None:
    text = json.dumps(params_dict())[:-1] + ', "account": "210987654321"}'
    (line,) = load_problems(write(tmp_path, "p.json", text))
    assert line == f"{tmp_path / 'p.json'}: not valid JSON: duplicate key 'account': give each " \
        "key once"


def test_duplicate_keys_in_yaml_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "p.yaml", "account: '123456789012'\nregion: us-east-1\n"
                 "account: '210987654321'\n")
    (line,) = load_problems(path)
    assert line == f"{path}: not valid YAML at line 3 column 1: duplicate key 'account': give " \
        "each key once"


def test_duplicate_keys_in_nested_objects_are_refused(tmp_path: Path) -> None:
    text = json.dumps(params_dict()).replace(
        '"region"', '"lifecycle": {"keepLastImages": 1, "keepLastImages": 2}, "region"')
    (line,) = load_problems(write(tmp_path, "p.json", text))
    assert "duplicate key 'keepLastImages'" in line


@pytest.mark.parametrize(("tags", "shown"), [
    ({"team\u0000": "x"}, "key 'team\\x00'"),
    ({"team": "a\u0007b"}, "tags.team: 'a\\x07b'"),
    ({"team": "a\ud800"}, "tags.team: 'a\\ud800'"),
    ({"\udfff": "x"}, "key '\\udfff'"),
    ({"team": "a\u202eb"}, "tags.team: 'a\\u202eb'"),
])
def test_control_characters_and_lone_surrogates_in_tags_are_refused(tags: dict[str, str],
                                                                    shown: str) -> None:
    (problem,) = problems_of(tags=tags)
    assert shown in problem and "which AWS does not accept in tags" in problem
    assert problem.isprintable()


def test_unicode_letters_and_aws_punctuation_in_tags_are_accepted() -> None:
    tags = {"équipe": "plate-forme", "cost:center": "a_b.c/d=e+f-g@h 1"}
    assert Parameters.from_mapping(params_dict(tags=tags)).tags == dict(sorted(tags.items()))


def test_escapes_in_unknown_key_names_are_escaped_on_one_line(tmp_path: Path) -> None:
    config = tmp_path / "p.json"
    config.write_text(json.dumps(params_dict(**{"evil\u001b[2J\nkey": 1})), encoding="utf-8")
    result = run([str(VENV_BIN / "ecr-cluster-access"), "validate", "--config", str(config)])
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert "'evil\\x1b[2J\\nkey': unknown key" in line and "\x1b" not in result.stderr


def test_problem_lines_are_capped() -> None:
    (problem,) = problems_of(**{"k" * 10_000: 1})
    assert len(problem) <= 400


def test_an_empty_config_variable_is_an_error_not_cdk_json() -> None:
    with pytest.raises(ParameterError) as caught:
        load_parameters(ROOT, environ={"ECR_CLUSTER_ACCESS_CONFIG": ""})
    assert caught.value.problems == (
        "$ECR_CLUSTER_ACCESS_CONFIG: is empty: name a JSON or YAML parameters file, or unset "
        "ECR_CLUSTER_ACCESS_CONFIG to use cdk.json's context",)


def test_an_empty_config_option_is_an_error_not_cdk_json() -> None:
    result = run([str(VENV_BIN / "ecr-cluster-access"), "check", "--config", ""])
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == ("ecr-cluster-access: error: --config: is empty: name a JSON or YAML "
                             "parameters file\n")


@pytest.mark.parametrize("name", ["params.YAML", "params.Yml", "PARAMS.yaml"])
def test_file_extensions_are_matched_without_regard_to_case(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, name, "account: '210987654321'\nregion: eu-west-1\n"
                 "repositories: [team/app]\n"
                 "workerRoleArns: ['arn:aws:iam::210987654321:role/nodes']\n")
    assert load_parameters(ROOT, environ={}, config=str(path)).account == "210987654321"


def test_the_config_option_wins_over_the_variable(tmp_path: Path) -> None:
    chosen = write(tmp_path, "a.json", json.dumps(params_dict(account="210987654321")))
    other = write(tmp_path, "b.json", json.dumps(params_dict(account="111111111111")))
    params = load_parameters(ROOT, environ={"ECR_CLUSTER_ACCESS_CONFIG": str(other)},
                             config=str(chosen))
    assert params.account == "210987654321"


def test_options_work_before_the_command(tmp_path: Path) -> None:
    config = write(tmp_path, "p.json", json.dumps(params_dict(account="210987654321")))
    result = run([str(VENV_BIN / "ecr-cluster-access"), "--config", str(config), "validate"],
                 check=True)
    assert "210987654321" in result.stdout


# --- bad input never leaves output behind ------------------------------------------------------

@pytest.mark.parametrize("overrides", [
    {"account": "123456789012\n"}, {"stackName": "EcrClusterAccess\n"},
    {"namespace": "default\n"},
])
def test_the_apps_exit_2_and_write_nothing_on_a_trailing_newline(tmp_path: Path,
                                                                 overrides: dict[str, str]
                                                                 ) -> None:
    config = write(tmp_path, "p.json", json.dumps(params_dict(**overrides)))
    for script in ("app.py", "main.py"):
        result = run([sys.executable, str(ROOT / script)], cwd=tmp_path,
                     ECR_CLUSTER_ACCESS_CONFIG=str(config), CDK_OUTDIR=str(tmp_path / "cdk.out"))
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr
        assert result.stderr.count("\n") == 1
    assert not (tmp_path / "cdk.out").exists() and not (tmp_path / "dist").exists()


# --- found in review: each case its own test ------------------------------------------------

def test_an_unterminated_json_string_is_refused_fast(tmp_path: Path) -> None:
    path = write(tmp_path, "p.json", '"' + '\\"' * (MAX_FILE_BYTES // 2 - 8))
    result = validate_bounded(path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [
        f"ecr-cluster-access: error: {path}: not valid JSON at line 1 column 1: Unterminated "
        "string"]


@pytest.mark.parametrize("value", ["2001-13-01", "2001-02-30", "0x_", "0b_", "!!int abc",
                                   "!!float abc", "!!bool x", "!!timestamp abc", "!!int ''"])
def test_yaml_values_pyyaml_cannot_construct_are_one_line(tmp_path: Path, value: str) -> None:
    problems = load_problems(write(tmp_path, "p.yaml", yaml_of().replace(
        "account: '123456789012'", f"account: {value}")))
    assert len(problems) == 1
    assert problems[0].startswith(f"{tmp_path / 'p.yaml'}: not valid YAML") or (
        ": account: " in problems[0])


def test_a_yaml_file_of_many_small_values_is_refused_fast_and_small(tmp_path: Path) -> None:
    path = write(tmp_path, "many.yaml", "r: [" + "?," * 2 * MAX_YAML_NODES + "?]\n")
    result = validate_bounded(path)
    assert result.returncode == 2, result.stderr
    (line,) = result.stderr.splitlines()
    assert line.endswith(f"more than {MAX_YAML_NODES} values: is this the right file?")


def test_thousands_of_unknown_keys_give_a_bounded_number_of_lines(tmp_path: Path) -> None:
    text = json.dumps({**params_dict(), **{f"k{i}": 0 for i in range(20_000)}})
    result = run([str(VENV_BIN / "ecr-cluster-access"), "validate", "--config",
                  str(write(tmp_path, "p.json", text))])
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 11 and lines[-1].endswith("more unknown keys not listed: is this the "
                                                   "right file?")


def test_a_lone_surrogate_in_a_string_block_is_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, "cdk.json", '{"context": {"ecr-cluster-access": "\\udc00"}}')
    (line,) = load_problems(path)
    assert line.endswith("is a string: write the block as a JSON object")
    with pytest.raises(ParameterError) as caught:
        load_parameters(tmp_path, environ={"CDK_CONTEXT_JSON": '{"ecr-cluster-access": "\\ud800"}'})
    (line,) = caught.value.problems
    assert line.startswith("CDK context ecr-cluster-access: not valid JSON")


@pytest.mark.parametrize(("config", "shown"), [("a\x00b", "'a\\x00b'"), (123, "123")])
def test_unusable_file_names_in_the_python_api_are_one_line(config: object, shown: str) -> None:
    with pytest.raises(ParameterError) as caught:
        load_parameters(ROOT, environ={}, config=config)  # type: ignore[arg-type]
    (line,) = caught.value.problems
    assert line.startswith(f"--config: {shown}" if config == 123 else
                           f"--config: cannot read {shown}")


def test_a_cdk_context_that_is_not_an_object_is_an_error() -> None:
    with pytest.raises(ParameterError) as caught:
        load_parameters(ROOT, environ={"CDK_CONTEXT_JSON": "[1]"})
    assert caught.value.problems == (
        "$CDK_CONTEXT_JSON: [1] is not an object: the CDK CLI passes the context as one",)


def test_a_parameters_file_with_a_context_key_is_not_read_as_cdk_json(tmp_path: Path) -> None:
    text = json.dumps({"account": "bad", "context": {"ecr-cluster-access": params_dict()}})
    problems = load_problems(write(tmp_path, "p.json", text))
    fields = [p.split(": ")[1] for p in problems]
    assert fields[0] == "account" and fields[-1] == "context"


def test_the_block_in_cdk_context_json_is_read(tmp_path: Path) -> None:
    (tmp_path / "cdk.json").write_text(json.dumps({"app": "python app.py"}))
    (tmp_path / "cdk.context.json").write_text(json.dumps(
        {"ecr-cluster-access": params_dict(region="eu-west-1")}))
    assert load_parameters(tmp_path, environ={}).region == "eu-west-1"


def test_a_parameters_file_that_is_not_a_regular_file_is_named_by_its_kind(
        tmp_path: Path) -> None:
    import os
    import socket

    os.mkfifo(tmp_path / "fifo")
    unix = socket.socket(socket.AF_UNIX)
    unix.bind(str(tmp_path / "sock"))
    try:
        for path, kind in ((tmp_path, "a directory"), (tmp_path / "fifo", "a named pipe (FIFO)"),
                           (Path("/dev/null"), "a device"),
                           (tmp_path / "sock", "a socket or another special file")):
            assert load_problems(path) == [
                f"--config: cannot read '{path}': it is {kind}, not a regular file: give a "
                "parameters file"]
    finally:
        unix.close()


def test_a_string_block_in_cdk_json_is_refused(tmp_path: Path) -> None:
    (tmp_path / "cdk.json").write_text(json.dumps(
        {"context": {"ecr-cluster-access": json.dumps(params_dict())}}))
    with pytest.raises(ParameterError) as caught:
        load_parameters(tmp_path, environ={})
    assert caught.value.problems[0].endswith("is a string: write the block as a JSON object")


@pytest.mark.parametrize("word", ["yes", "on", "off", "No", "y"])
def test_yaml_1_1_booleans_are_not_booleans(tmp_path: Path, word: str) -> None:
    problems = load_problems(write(tmp_path, "p.yaml", yaml_of(scanOnPush=word)))
    assert problems == [f"{tmp_path / 'p.yaml'}: scanOnPush: {word!r} is not a boolean: use "
                        "true or false"]


def test_a_namespace_called_no_is_a_name_in_yaml(tmp_path: Path) -> None:
    path = write(tmp_path, "p.yaml", yaml_of(namespace="no"))
    assert load_parameters(ROOT, environ={}, config=str(path)).namespace == "no"


def yaml_of(**overrides: str) -> str:
    lines = ["account: '123456789012'", "region: us-east-1", "repositories: [builds/app]",
             f"workerRoleArns: ['{ROLE}']"]
    return "\n".join([*lines, *(f"{k}: {v}" for k, v in overrides.items())]) + "\n"


def test_a_long_file_name_keeps_the_field_and_the_reason(tmp_path: Path) -> None:
    directory = tmp_path / ("d" * 200)
    directory.mkdir()
    (line,) = load_problems(write(directory, "p.json", json.dumps(params_dict(account="1"))))
    assert line.startswith("...") and line.endswith(
        "p.json: account: '1' is not an AWS account ID: use 12 digits")


# --- Python callers cannot slip a value past the checks ----------------------------------------

class Liar(str):
    """Equal to everything, and formats as something else."""

    __hash__ = str.__hash__

    def __eq__(self, other: object) -> bool:
        return True

    def __format__(self, spec: str) -> str:
        return "evil\nname"


class Shifty(tuple):  # type: ignore[type-arg]
    """Iterates as a good list the first time, a bad one afterwards."""

    calls = 0

    def __iter__(self):  # type: ignore[no-untyped-def]
        Shifty.calls += 1
        return iter(["app1"] if Shifty.calls == 1 else ["BAD NAME\n"])


class Agreeable(int):
    def __ge__(self, other: object) -> bool:
        return True

    def __le__(self, other: object) -> bool:
        return True


class Unsliceable(str):
    def __getitem__(self, key: object) -> str:
        raise RuntimeError("no")


def base(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {"account": "123456789012", "region": "us-east-1",
                                 "repositories": ["app1"], "worker_role_arns": [ROLE]}
    values.update(overrides)
    return values


def test_a_str_subclass_equal_to_everything_is_checked_as_its_text() -> None:
    with pytest.raises(ParameterError, match=r"imageTagMutability: 'MUTABLE\\n; x' is not"):
        Parameters(**base(image_tag_mutability=Liar("MUTABLE\n; x")))  # type: ignore[arg-type]


def test_values_are_stored_as_exact_built_in_types() -> None:
    params = Parameters(**base(repositories=[Liar("app1")]))  # type: ignore[arg-type]
    (name,) = params.repositories
    assert type(name) is str and params.repository_arns[0].endswith(":repository/app1")


def test_a_tuple_subclass_that_changes_between_reads_is_read_once() -> None:
    Shifty.calls = 0
    params = Parameters(**base(repositories=Shifty(("app1",))))  # type: ignore[arg-type]
    assert params.repositories == ("app1",) and type(params.repositories) is tuple


def test_an_int_subclass_that_agrees_with_every_bound_is_checked_as_its_value() -> None:
    from ecr_cluster_access import Lifecycle

    with pytest.raises(ParameterError, match=r"lifecycle.untaggedExpireDays: -5 is not"):
        Parameters(**base(lifecycle=Lifecycle(untagged_expire_days=Agreeable(-5))))  # type: ignore[arg-type]


def test_a_value_whose_methods_fail_is_still_one_line() -> None:
    with pytest.raises(ParameterError) as caught:
        Parameters(**base(namespace=Unsliceable("Bad")))  # type: ignore[arg-type]
    assert caught.value.problems[0].startswith("namespace: 'Bad' is not a DNS-1123 label")


def test_parameters_are_immutable_and_hashable() -> None:
    params = Parameters(**base(tags={"team": "x"}))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        params.tags["bad\nkey"] = "\x00"  # type: ignore[index]
    assert hash(params) == hash(Parameters(**base(tags={"team": "x"})))  # type: ignore[arg-type]
    assert params.tags == {"team": "x"}


def test_a_single_problem_string_is_one_problem() -> None:
    assert ParameterError("oops").problems == ("oops",)


def test_problem_lines_are_capped_in_number() -> None:
    error = ParameterError([f"p{i}" for i in range(500)])
    assert len(error.problems) == 50 and error.problems[-1].startswith("451 more problems")
