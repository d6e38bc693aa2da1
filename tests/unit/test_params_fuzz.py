"""Property-based fuzzing of the loader with generated mutations of valid parameter sets.

For every generated file the loader either returns a :class:`Parameters` whose values pass the
documented patterns (checked against the published JSON Schema with the ``jsonschema`` package,
and against simple independent predicates), or raises :class:`ParameterError` with one escaped
line per problem. Any other exception fails the test. A bounded sample of the failing cases
also runs through ``ecr-cluster-access validate``, ``python app.py`` and ``python main.py``.
"""

from __future__ import annotations

import copy
import json
import random
import sys
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from ecr_cluster_access import ParameterError, Parameters, load_parameters
from ecr_cluster_access.params import io, rules
from ecr_cluster_access.params.schema import json_schema
from ecr_cluster_access.params.spec import MAX_PROBLEM_LINE

from ..support.generate import declared_keys, key_paths, parameter_sets
from ..support.parameters import FUZZ_BASES
from ..support.refusals import CROSS_CHECK_CASES
from ..support.tools import ROOT, VENV_BIN, run

HUGE = "__HUGE_NUMBER__"
BAD_SUFFIXES = ["\n", " ", "\t", "\r\n", "\x00", "\x1b[31m", "\u0660", "\u2028", "\ud800",
                "\u202e", "\x85"]
#: Examples per fuzzer: the loaded profile's (tests/conftest.py: 100, or 400 under ``make test``).
EXAMPLES = settings().max_examples
LOOKALIKE_DIGITS = {str(d): c for d, c in zip(range(10), "٠١٢٣٤٥٦٧٨٩", strict=False)}


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path to a value inside a document (keys and list indexes), the root excluded."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*prefix, key)
            yield from paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield (*prefix, index)
            yield from paths(item, (*prefix, index))


def get(document: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        document = document[step]
    return document


def deep(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = [value]
    return value


hostile_text = st.one_of(
    st.text(max_size=40),
    st.text(st.characters(categories=["Cc", "Cs", "Cf", "Zl", "Zp", "Nd"]), max_size=10),
    st.sampled_from(["", " ", "ROOT", "aws:x", "*", "arn:aws:iam::*:role/*", "ecr:*",
                     "A_B", "-a", "a-", "a//b"]),
    st.integers(250, 70_000).map(lambda n: "a" * n),  # long, and over the file cap
)
hostile = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_infinity=False),
              st.just(HUGE), st.just([]), st.just({}), hostile_text,
              st.integers(33, 80).map(deep)),
    lambda children: st.one_of(st.lists(children, min_size=1, max_size=4),
                               st.dictionaries(hostile_text, children, min_size=1, max_size=3)),
    max_leaves=6,
)


@st.composite
def mutated_documents(draw: st.DrawFn) -> tuple[str, str]:
    """A valid parameter set with one to three mutations, as ``(file name, file text)``."""
    document = copy.deepcopy(draw(st.sampled_from(FUZZ_BASES)))
    for _ in range(draw(st.integers(1, 3))):
        all_paths = list(paths(document))
        kind = draw(st.sampled_from(["replace", "suffix", "digits", "delete", "add", "share"]))
        path = draw(st.sampled_from(all_paths)) if all_paths else ()
        parent = get(document, path[:-1]) if path else None
        if kind == "replace" and path:
            parent[path[-1]] = draw(hostile)
        elif kind == "suffix" and path and isinstance(parent[path[-1]], str):
            parent[path[-1]] += draw(st.sampled_from(BAD_SUFFIXES))
        elif kind == "digits" and path and isinstance(parent[path[-1]], str):
            parent[path[-1]] = "".join(LOOKALIKE_DIGITS.get(c, c) for c in parent[path[-1]])
        elif kind == "delete" and path:
            del parent[path[-1]]
        elif kind == "add":
            target = parent if isinstance(parent, dict) else document
            target[draw(hostile_text)] = draw(hostile)
        elif kind == "share" and path and isinstance(parent, dict):
            shared = [draw(hostile)]  # the same object twice: YAML writes an alias
            parent[path[-1]] = shared
            document["repositories"] = shared
    form = draw(st.sampled_from(["json", "yaml"] * 3 + ["json-duplicate", "yaml-duplicate"]))
    if form.startswith("yaml"):
        try:
            text = yaml.safe_dump(document, allow_unicode=draw(st.booleans()))
        except yaml.YAMLError:
            form = "json"
    if form.startswith("json"):
        text = json.dumps(document)
    if form.endswith("duplicate") and document:
        key = draw(st.sampled_from(sorted(map(str, document))))
        if form.startswith("json") and text.endswith("}"):
            text = text[:-1] + f", {json.dumps(key)}: {json.dumps(document.get(key))}}}"
        elif form.startswith("yaml"):
            text += yaml.safe_dump({key: document.get(key)})
    text = text.replace(json.dumps(HUGE), "7" * 4500).replace(HUGE, "7" * 4500)
    return ("params.yaml" if form.startswith("yaml") else "params.json"), text


VALIDATOR = Draft202012Validator(json_schema())


def strings(value: Any, key_path: str = "") -> Iterator[tuple[str, str]]:
    """``(path, string)`` of every string in a document, keys included."""
    if isinstance(value, str):
        yield key_path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield f"{key_path}.{key}", key
            yield from strings(item, f"{key_path}.{key}")
    elif isinstance(value, list):
        for item in value:
            yield from strings(item, key_path)


def assert_values_pass_the_documented_patterns(params: Parameters) -> None:
    """Independent predicates on an accepted parameter set, and the published schema."""
    document = params.to_mapping()
    errors = sorted(e.message for e in VALIDATOR.iter_errors(document))
    assert not errors, errors
    assert len(params.account) == 12 and set(params.account) <= set("0123456789")
    for path, text in strings(document):
        if path.startswith(".tags"):  # free text: letters of any script, but no control
            assert all(unicodedata.category(c)[0] in "LNZ" or c in "_.:/=+-@ " for c in text)
        else:
            assert text.isascii() and text.isprintable() and text == text.strip(), (path, text)


def assert_one_escaped_line_each(error: ParameterError) -> None:
    assert error.problems
    for line in error.problems:
        assert line.isprintable() and "\n" not in line and len(line) <= MAX_PROBLEM_LINE, line


def load(directory: Path, name: str, text: str) -> Parameters:
    path = directory / name
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return load_parameters(ROOT, environ={}, config=str(path))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.data_too_large])
@given(mutated_documents())
def test_the_loader_gives_valid_parameters_or_one_escaped_line_per_problem(
        case: tuple[str, str]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        try:
            params = load(Path(directory), *case)
        except ParameterError as error:
            event("refused: not valid JSON or YAML" if ": not valid " in error.problems[0]
                  else "refused: a field")
            assert_one_escaped_line_each(error)
        else:
            event("accepted")
            assert_values_pass_the_documented_patterns(params)


@settings(max_examples=EXAMPLES // 2, deadline=None)
@given(st.sampled_from(FUZZ_BASES), st.data())
def test_python_callers_get_the_same_checks(base: dict[str, Any], data: st.DataObject) -> None:
    """The dataclass constructor, not only the file loader, refuses every hostile value."""
    values = Parameters.from_mapping(base).__dict__.copy()
    name = data.draw(st.sampled_from(sorted(values)))
    values[name] = data.draw(hostile)
    try:
        params = Parameters(**values)
    except ParameterError as error:
        assert_one_escaped_line_each(error)
    else:
        assert_values_pass_the_documented_patterns(params)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                HealthCheck.data_too_large,
                                                                HealthCheck.filter_too_much])
@given(mutated_documents())
def test_failing_cases_exit_2_through_every_entry_point(case: tuple[str, str]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        workdir = Path(directory)
        try:
            load(workdir, *case)
        except ParameterError:
            pass
        else:
            assume(False)
        config = str(workdir / case[0])
        commands = [[str(VENV_BIN / "ecr-cluster-access"), "validate", "--config", config],
                    [sys.executable, str(ROOT / "app.py")],
                    [sys.executable, str(ROOT / "main.py")]]
        for command in commands:
            result = run(command, cwd=workdir, ECR_CLUSTER_ACCESS_CONFIG=config,
                         CDK_OUTDIR=str(workdir / "cdk.out"))
            assert result.returncode == 2, (command, result.stderr)
            assert "Traceback" not in result.stderr and result.stdout == ""
            assert all(line.startswith("ecr-cluster-access: error: ")
                       for line in result.stderr.splitlines())
        assert not (workdir / "cdk.out").exists() and not (workdir / "dist").exists()


# --- Reach, and the negative controls ---------------------------------------------------------
# The hypothesis tests above mutate a few hand-written sets: most of their examples are refused,
# and many keys never appear. This seeded run starts from generated sets that reach every
# declared key (tests/support/generate.py), so at least half are accepted; a share of them is
# mutated, and the rest carry a refusal whose line is known in advance: a cross-field case of
# the refusal corpus, or a key written twice. It must fail, and the tests below show that it
# does, with a loader that refuses everything, with the cross-field checks removed, and with
# duplicate keys accepted.

REACH_SEED, REACH_COUNT = 20261204, 400
#: Values a mutation writes over a generated one: wrong types, empties, hostile text.
HOSTILE_VALUES: list[Any] = [None, True, 0, -1, 2**70, 1.5, "", " ", "*", "ecr:*", "\x00",
                             "a\nb", "arn:aws:iam::*:role/*", [], {}, [None], {"x": 1},
                             "n" * 300, "Ünïcode", "123456789012 "]


@dataclass(frozen=True)
class Case:
    """One file the loader reads: ``refused_with`` is the start of a line it must give, or
    None where only the property (valid, or one escaped line per problem) is judged."""

    kind: str
    name: str
    text: str
    document: Any
    refused_with: str | None = None


def _mutated(rnd: random.Random, document: dict[str, Any]) -> dict[str, Any]:
    document = copy.deepcopy(document)
    for _ in range(rnd.randint(1, 3)):
        path = rnd.choice(list(paths(document)))
        parent = get(document, path[:-1])
        kind = rnd.choice(["replace", "suffix", "delete", "add"])
        if kind == "replace":
            parent[path[-1]] = copy.deepcopy(rnd.choice(HOSTILE_VALUES))
        elif kind == "suffix" and isinstance(parent[path[-1]], str):
            parent[path[-1]] += rnd.choice(BAD_SUFFIXES)
        elif kind == "delete":
            del parent[path[-1]]
        elif kind == "add" and isinstance(parent, dict):
            parent[rnd.choice(["unknownKey", "Account", "repository", "x"])] = "y"
    return document


def _written(rnd: random.Random, document: Any) -> tuple[str, str]:
    if rnd.random() < 0.5:
        return "params.yaml", yaml.safe_dump(document, allow_unicode=True)
    return "params.json", json.dumps(document)


def reach_cases(seed: int = REACH_SEED, count: int = REACH_COUNT) -> list[Case]:
    """``count`` files: 60 % generated sets as they are, 20 % mutated, 10 % cross-field cases
    of the refusal corpus (keys shuffled), 10 % a generated set with a key written twice."""
    rnd = random.Random(seed)
    corpus = sorted(CROSS_CHECK_CASES.items())
    out = []
    for data in parameter_sets(seed, count):
        draw = rnd.random()
        if draw < 0.6:
            out.append(Case("generated", *_written(rnd, data), data))
        elif draw < 0.8:
            mutated = _mutated(rnd, data)
            out.append(Case("mutated", *_written(rnd, mutated), mutated))
        elif draw < 0.9:
            check, (case, line) = rnd.choice(corpus)
            shuffled = dict(rnd.sample(sorted(case.items()), len(case)))
            out.append(Case(f"cross-field {check}", *_written(rnd, shuffled), shuffled, line))
        else:
            key = rnd.choice(sorted(data))
            text = json.dumps(data)[:-1] + f", {json.dumps(key)}: {json.dumps(data[key])}}}"
            out.append(Case("duplicate", "params.json", text, data,
                            f"duplicate key {key!r}"))
    return out


def fuzz(cases: list[Case], load: Callable[[Path], Parameters], directory: Path) -> Counter[str]:
    """Judge every case, then the reach: at least half accepted, every declared key in an
    accepted set. Returns how many of each kind were accepted; raises AssertionError naming
    the first case that breaks the property."""
    accepted: Counter[str] = Counter()
    keys: set[str] = set()
    for i, case in enumerate(cases):
        path = directory / f"{i:03d}-{case.name}"
        path.write_text(case.text, encoding="utf-8", errors="surrogatepass")
        try:
            params = load(path)
        except ParameterError as error:
            assert_one_escaped_line_each(error)
            if case.refused_with is not None:
                assert any(case.refused_with in line for line in error.problems), (
                    f"case {i} ({case.kind}) refused without {case.refused_with!r}: "
                    f"{error.problems}")
        else:
            assert case.refused_with is None, (
                f"case {i} ({case.kind}) accepted: it must be refused with "
                f"{case.refused_with!r}")
            assert_values_pass_the_documented_patterns(params)
            accepted[case.kind] += 1
            keys.update(key_paths(case.document))
    total = sum(accepted.values())
    assert total * 2 >= len(cases), f"{total} of {len(cases)} accepted: the fuzzing reaches nothing"
    missing = sorted(k for k in declared_keys() - keys)
    assert not missing, f"keys never in an accepted set: {missing}"
    return accepted


def load_file(path: Path) -> Parameters:
    return load_parameters(ROOT, environ={}, config=str(path))


def test_the_fuzzing_reaches_every_key_with_half_accepted(tmp_path: Path) -> None:
    cases = reach_cases()
    accepted = fuzz(cases, load_file, tmp_path)
    kinds = Counter(case.kind.split()[0] for case in cases)
    # 400 files: 238 generated (231 accepted), 87 mutated (16 accepted), 35 cross-field and
    # 40 duplicate (all refused, each with its line), at the time of writing
    assert sum(accepted.values()) >= 200 and accepted["mutated"] >= 10, accepted
    assert kinds["cross-field"] >= 30 and kinds["duplicate"] >= 30, kinds


def test_the_fuzzing_fails_with_a_loader_that_refuses_everything(tmp_path: Path) -> None:
    def refuse(path: Path) -> Parameters:
        raise ParameterError([f"{path.name}: refused"])

    with pytest.raises(AssertionError, match="refused without"):
        fuzz(reach_cases(), refuse, tmp_path)
    # and the reach alone, on the cases that carry no refusal of their own
    with pytest.raises(AssertionError, match="accepted: the fuzzing reaches nothing"):
        fuzz([c for c in reach_cases() if c.refused_with is None], refuse, tmp_path)


def test_the_fuzzing_fails_with_the_cross_field_checks_removed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rules, "CROSS_CHECKS", [])
    with pytest.raises(AssertionError, match=r"\(cross-field _\w+\) accepted"):
        fuzz(reach_cases(), load_file, tmp_path)


def test_the_fuzzing_fails_when_duplicate_keys_are_accepted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(io, "_unique_keys", dict)
    with pytest.raises(AssertionError, match=r"\(duplicate\) accepted"):
        fuzz(reach_cases(), load_file, tmp_path)
