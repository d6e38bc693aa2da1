"""The message mutants' machinery (``make mutation-messages`` runs all of them): it finds the
sites, a removed message is noticed by the tests that reach it, and the control (a copy of the
project left unchanged) is not, so a kill is never the copy's fault."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest

from ..support.message_mutants import MODULES, Site, run, sites

pytestmark = pytest.mark.e2e

REFUSALS = "tests/unit/test_refusals.py"


def site_saying(text: str) -> Site:
    (found,) = [s for s in sites() if text in s.text]
    return found


def test_the_sites_of_every_refusing_module_are_found() -> None:
    found = Counter(site.path.stem for site in sites())
    assert set(found) == set(MODULES)
    assert sum(found.values()) >= 120 and found["rules"] >= 60, found


def test_a_removed_message_is_noticed_and_an_unchanged_copy_is_not() -> None:
    removed = [site_saying('problems.append(f"pullSecret.roleName: {show(name)} is also a worker'),
               site_saying('return "accepted keys are "')]
    for site in removed:
        assert run(site, [REFUSALS]), site
    assert not run(replace(removed[0], kind="unchanged"), [REFUSALS])
