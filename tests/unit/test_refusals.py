"""Every cross-field check refuses its own case with its own line (tests/support/refusals.py),
and the corpus fails, as it must, when any one check is removed, when all are, or when the
loader refuses everything: negative controls that show these tests can fail."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ecr_cluster_access import ParameterError, Parameters
from ecr_cluster_access.params import io, rules
from ecr_cluster_access.params.io import loads_json

from ..support.parameters import params_dict
from ..support.refusals import CROSS_CHECK_CASES, MESSAGE_CASES


def check_corpus(load: Callable[[Any], Any] = Parameters.from_mapping) -> None:
    """Each case is refused with its line; the base set is accepted; a duplicate key is refused."""
    load(params_dict())
    for name, (data, line) in CROSS_CHECK_CASES.items():
        try:
            load(data)
        except ParameterError as error:
            assert any(p.startswith(line) for p in error.problems), (name, error.problems)
        else:
            raise AssertionError(f"{name}: accepted")
    try:
        loads_json('{"account": "123456789012", "account": "210987654321"}')
    except (ValueError, io._Refused):  # refused, as it must be
        pass
    else:
        raise AssertionError("a duplicate key was accepted")


def test_every_cross_check_refuses_its_case_with_its_line() -> None:
    assert sorted(CROSS_CHECK_CASES) == sorted(c.run.__name__ for c in rules.CROSS_CHECKS)
    check_corpus()


@pytest.mark.parametrize("removed", [c.run.__name__ for c in rules.CROSS_CHECKS])
def test_the_corpus_fails_with_any_one_cross_check_removed(
        monkeypatch: pytest.MonkeyPatch, removed: str) -> None:
    monkeypatch.setattr(rules, "CROSS_CHECKS",
                        [c for c in rules.CROSS_CHECKS if c.run.__name__ != removed])
    with pytest.raises(AssertionError, match=removed):
        check_corpus()


def test_the_corpus_fails_with_every_cross_check_removed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rules, "CROSS_CHECKS", [])
    with pytest.raises(AssertionError):
        check_corpus()


def test_the_corpus_fails_with_a_loader_that_refuses_everything() -> None:
    def refuse(data: Any) -> Any:
        raise ParameterError(["refused"])

    with pytest.raises(ParameterError):
        check_corpus(refuse)


def test_the_corpus_fails_when_duplicate_keys_are_accepted(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(io, "_unique_keys", dict)
    with pytest.raises(AssertionError, match="duplicate key"):
        check_corpus()


@pytest.mark.parametrize("data,line", MESSAGE_CASES, ids=[line[:40] for _, line in MESSAGE_CASES])
def test_each_message_has_a_case(data: dict[str, Any], line: str) -> None:
    with pytest.raises(ParameterError) as caught:
        Parameters.from_mapping(data)
    assert any(p.startswith(line) for p in caught.value.problems), caught.value.problems
