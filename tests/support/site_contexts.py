"""A pytest plugin for :mod:`tests.support.message_mutants`: records which test runs which
line of ``ecr_cluster_access/params/`` (coverage.py, one dynamic context per test), into the
data file named by ``$MESSAGE_SITE_DATA``, so each mutant runs only the tests that reach it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import coverage
import pytest

_coverage: coverage.Coverage | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _coverage
    data = os.environ.get("MESSAGE_SITE_DATA")
    if data and _coverage is None:
        source = str(Path(config.rootpath) / "ecr_cluster_access" / "params")
        # one data file per process (xdist workers), combined by the caller
        _coverage = coverage.Coverage(data_file=data, data_suffix=True, source=[source],
                                      branch=False)
        _coverage.start()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    # setup too: a fixture's lines belong to the first test that makes it
    if _coverage is not None:
        _coverage.switch_context(item.nodeid)
    try:
        yield
        return None
    finally:
        if _coverage is not None:
            _coverage.switch_context("")


def pytest_unconfigure(config: pytest.Config) -> None:
    if _coverage is not None:
        _coverage.stop()
        _coverage.save()
