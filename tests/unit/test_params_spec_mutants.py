"""The helpers of ``ecr_cluster_access.params.spec`` called directly, with literal expectations.

Many of them run at import time (the field declarations, ``camel`` of every field name), where
a test that only reads their results cannot tell a changed helper from the original; each is
called here at test time. Every value is built inside its test.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

import pytest

from ecr_cluster_access.params.spec import (
    Bool,
    Declaration,
    FieldInfo,
    FrozenMap,
    Int,
    NestedList,
    ParameterError,
    Text,
    _escape,
    _snapshot,
    _suggest,
    camel,
    declare,
    one_line,
    show,
)


class Rule:
    """A stand-in nested parameters class: only its name reaches the schema."""


class Broken(Mapping[str, str]):
    """A caller's Mapping whose every read raises, with a long message."""

    def __getitem__(self, key: str) -> str:
        raise RuntimeError("e" * 100)

    def __iter__(self) -> Iterator[str]:
        raise RuntimeError("e" * 100)

    def __len__(self) -> int:
        return 1


def _by_key(*keys: str) -> dict[str, FieldInfo]:
    return {key: FieldInfo(key, key, Bool(), "doc", False, None, None) for key in keys}


# --- _escape and one_line ---------------------------------------------------------------------

@pytest.mark.parametrize(("char", "escaped"), [
    ("\x00", "\\x00"),
    ("\xff", "\\xff"),
    ("\u0100", "\\u0100"),
    ("\u2028", "\\u2028"),
    ("\uffff", "\\uffff"),
    ("\U00010000", "\\U00010000"),
    ("\U000e0001", "\\U000e0001"),
])
def test_escape_picks_x_u_or_big_u_by_code_point(char: str, escaped: str) -> None:
    assert _escape(char) == escaped


def test_one_line_escapes_non_printable_characters() -> None:
    assert one_line("a\nb\u2028c\U000e0001") == "a\\x0ab\\u2028c\\U000e0001"


@pytest.mark.parametrize(("length", "shown_length", "tail"), [
    (399, 399, "a"),
    (400, 400, "a"),
    (401, 400, "..."),
    (500, 400, "..."),
])
def test_one_line_caps_at_400_characters(length: int, shown_length: int, tail: str) -> None:
    shown = one_line("a" * length)
    assert len(shown) == shown_length
    assert shown.endswith(tail)
    assert shown[:397] == "a" * 397


# --- show and _render -------------------------------------------------------------------------

class NoItems(Mapping[str, str]):
    """A Mapping whose methods fail: ``show`` names its type only."""

    def __getitem__(self, key: str) -> str:
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        raise RuntimeError("no")

    def __len__(self) -> int:
        raise RuntimeError("no")

    def items(self) -> Any:
        raise RuntimeError("no")


@pytest.mark.parametrize(("make", "shown"), [
    (lambda: None, "null"),
    (lambda: True, "true"),
    (lambda: False, "false"),
    (lambda: [None, False, True], "[null, false, true]"),
    (lambda: (1, 2), "(1, 2)"),
    (lambda: (), "()"),
    (lambda: [(1,), {"k": (None,)}], "[(1), {'k': (null)}]"),  # no trailing comma
    (lambda: [[[[1]]]], "[[[[1]]]]"),
    (lambda: [[[[[1]]]]], "[[[[...]]]]"),
    (lambda: ((((((1,),),),),),), "((((...))))"),
    (lambda: {"a": {"b": {"c": {"d": {"e": 1}}}}}, "{'a': {'b': {'c': {'d': ...}}}}"),
    (lambda: [object()], "[<object>]"),
    (lambda: [{1}], "[<set>]"),
    (lambda: object(), "<object>"),
    (lambda: NoItems(), "<NoItems>"),
    (lambda: [NoItems()], "<list>"),
])
def test_show_renders_as_files_spell_values(make: Any, shown: str) -> None:
    assert show(make()) == shown


@pytest.mark.parametrize(("value", "limit", "shown"), [
    # the string is cut at limit + 4 characters before it is quoted: a quote just past that
    # point must not change the quoting
    ("a" * 10 + "'", 6, "'aa..."),
    ("a" * 9 + "'", 6, "\"aa..."),
    ("abc", 6, "'abc'"),
    ("abcd", 6, "'abcd'"),
    ("abcde", 6, "'ab..."),
])
def test_show_cuts_strings_at_the_limit(value: str, limit: int, shown: str) -> None:
    assert show(value, limit) == shown


#: Strings with a quote just inside or just past what a 20-character show has left for them
#: after ``['x', `` or ``{'k': ``: whether the quote is in the part shown decides the quotes.
QUOTE_AT_17 = "a" * 17 + "'" + "a" * 10
QUOTE_AT_19 = "a" * 19 + "'" + "a" * 10


@pytest.mark.parametrize(("make", "limit", "shown"), [
    # 256 bits are written out, 257 are not (the digits of 2**256 are 78)
    (lambda: 2 ** 255, 400, "5789604461865809771178549250434395392663499233282028201972879200395"
                            "6564819968"),
    (lambda: 2 ** 256, 400, "<a number of about 77 digits>"),
    (lambda: MappingProxyType({"a": 1}), 80, "{'a': 1}"),  # a Mapping that is not a dict
    (lambda: {(1, 2): 3}, 80, "{(1, 2): 3}"),  # a key that is a container
    (lambda: {(((1,),),): 0}, 80, "{(((1))): 0}"),  # keys nest as deep as values
    (lambda: {((((1,),),),): 0}, 80, "{(((...))): 0}"),
    # each separator and piece takes its length from the budget: the quote at 17 is inside
    (lambda: ["x", QUOTE_AT_17], 20, "['x', \"aaaaaaaaaa..."),
    (lambda: {"k": QUOTE_AT_17}, 20, "{'k': \"aaaaaaaaaa..."),
    (lambda: ["x", QUOTE_AT_19], 20, "['x', 'aaaaaaaaaa..."),  # and the one at 19 past it
    (lambda: {"k": QUOTE_AT_19}, 20, "{'k': 'aaaaaaaaaa..."),
])
def test_show_spends_its_budget_exactly(make: Any, limit: int, shown: str) -> None:
    assert show(make(), limit) == shown


# --- camel ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "key"), [
    ("region", "region"),
    ("worker_access", "workerAccess"),
    ("worker_role_arns", "workerRoleArns"),
    ("a_b_c_d", "aBCD"),
    ("with space_x", "with spaceX"),
])
def test_camel_is_the_file_spelling(name: str, key: str) -> None:
    assert camel(name) == key


# --- declare ----------------------------------------------------------------------------------

def test_declare_keeps_rule_doc_and_default_doc_under_param() -> None:
    rule = Int(1, 5)
    metadata = declare(rule, "How many.", default_doc="five")
    assert list(metadata) == ["param"]
    declaration = metadata["param"]
    assert declaration.rule is rule
    assert declaration.doc == "How many."
    assert declaration.default_doc == "five"
    assert metadata == {"param": Declaration(Int(1, 5), "How many.", "five")}


def test_declare_default_doc_is_none_by_default() -> None:
    assert declare(Bool(), "On or off.") == {"param": Declaration(Bool(), "On or off.", None)}


# --- NestedList.schema ------------------------------------------------------------------------

@pytest.mark.parametrize(("required", "expected"), [
    (False, {"type": "array", "items": {"$ref": "#/$defs/Rule"}, "maxItems": 3}),
    (True, {"type": "array", "items": {"$ref": "#/$defs/Rule"}, "maxItems": 3, "minItems": 1}),
])
def test_nested_list_schema(required: bool, expected: dict[str, Any]) -> None:
    assert NestedList(Rule, 3, required=required).schema() == expected


# --- ParameterError ---------------------------------------------------------------------------

@pytest.mark.parametrize(("count", "listed", "last"), [
    (1, 1, "problem 0"),
    (49, 49, "problem 48"),
    (50, 50, "problem 49"),
    (51, 50, "2 more problems not listed: fix these first"),
    (60, 50, "11 more problems not listed: fix these first"),
])
def test_parameter_error_lists_at_most_50_lines(count: int, listed: int, last: str) -> None:
    error = ParameterError([f"problem {i}" for i in range(count)])
    assert len(error.problems) == listed
    assert error.problems[-1] == last
    assert error.problems[:listed - 1] == tuple(f"problem {i}" for i in range(listed - 1))


def test_parameter_error_message_is_its_lines() -> None:
    error = ParameterError(["a: bad", "b:\tworse"])
    assert error.problems == ("a: bad", "b:\\x09worse")
    assert str(error) == "a: bad\nb:\\x09worse"
    assert str(ParameterError("one")) == "one"


# --- Text pattern -----------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "reason"), [
    ("42", None),
    ("\u0664\u0662", "is not a number: use digits"),
    ("\uff14", "is not a number: use digits"),
])
def test_text_pattern_is_ascii_only(value: str, reason: str | None) -> None:
    assert Text("a number", "use digits", pattern=r"\d+").reason(value) == reason


# --- _snapshot --------------------------------------------------------------------------------

def test_snapshot_reads_up_to_1000_keys_past_the_fields() -> None:
    raw = {f"k{i}": i for i in range(1002)}
    problems: list[str] = []
    assert _snapshot("p", raw, 2, problems) == raw
    assert problems == []


@pytest.mark.parametrize(("path", "fields_count", "keys", "problem"), [
    ("", 0, 1001, "parameters: holds more than 1000 keys: is this the right object?"),
    ("p", 2, 1003, "p: holds more than 1002 keys: is this the right object?"),
])
def test_snapshot_refuses_more_keys(path: str, fields_count: int, keys: int,
                                    problem: str) -> None:
    problems: list[str] = []
    assert _snapshot(path, {f"k{i}": i for i in range(keys)}, fields_count, problems) is None
    assert problems == [problem]


def test_snapshot_of_a_raising_mapping_quotes_60_characters() -> None:
    problems: list[str] = []
    assert _snapshot("p", Broken(), 1, problems) is None
    assert problems == ["p: the Broken raised RuntimeError while it was read ('"
                        + "e" * 56 + "...): pass a plain dict"]


# --- _suggest ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("key", "keys", "hint"), [
    ("regoin", ("region", "tags"),
     "did you mean region? (ecr-cluster-access schema lists every key)"),
    ("tag", ("region", "tags", "tagz"),
     "did you mean tagz? (ecr-cluster-access schema lists every key)"),
    ("zzzzzz", ("region", "tags"), "accepted keys are region, tags"),
    (5, ("region", "tags"), "accepted keys are region, tags"),
    (("region",), ("region", "tags"), "accepted keys are region, tags"),
    ("b" * 100, ("b" * 99 + "x", "c"),
     "did you mean " + "b" * 99 + "x? (ecr-cluster-access schema lists every key)"),
    ("b" * 101, ("b" * 100 + "x", "c"), "accepted keys are " + "b" * 100 + "x, c"),
])
def test_suggest_names_the_nearest_key_of_a_short_text(key: object, keys: tuple[str, ...],
                                                       hint: str) -> None:
    assert _suggest(key, _by_key(*keys)) == hint


# --- FrozenMap --------------------------------------------------------------------------------

def test_frozen_map_compares_hashes_and_shows_like_a_sorted_dict() -> None:
    tags = FrozenMap({"b": "2", "a": "1"})
    assert repr(tags) == "{'a': '1', 'b': '2'}"
    assert hash(tags) == hash((("a", "1"), ("b", "2")))
    assert tags == {"a": "1", "b": "2"}
    assert tags != {"a": "1", "b": "3"}
    assert tags != {"a": "1"}
    assert tags != FrozenMap({"a": "1"})
    assert tags != 5
    assert tags != [("a", "1"), ("b", "2")]
