"""The literal decision table of tests/unit/test_evaluate.py is the world's, not ours: every
row the evaluator must decide is put to @cloud-copilot/iam-simulate, an independent IAM
evaluation engine, which must give the same answer."""

from __future__ import annotations

import pytest

from ..support.oracle import ask_the_engine, simulation
from ..support.tools import NODE_BIN
from ..unit.test_evaluate import ROLE, ROWS

pytestmark = pytest.mark.e2e

ENGINE = {"allow": "Allowed", "deny": "ExplicitlyDenied", "implicit-deny": "ImplicitlyDenied"}
#: Rows the engine cannot take: IAM refuses such a policy when it is written, and the engine
#: refuses to evaluate it (``policy.errors``); the evaluator's answer is its own contract.
NOT_FOR_THE_ENGINE = {"a Deny after a policy that is not a document"}


def test_every_decidable_row_is_what_the_engine_decides() -> None:
    assert (NODE_BIN / "cdk").exists(), "run the suite through make test (npm ci)"
    decidable = [r for r in ROWS if r.result != "unknown" and r.name not in NOT_FOR_THE_ENGINE]
    answers = ask_the_engine([
        simulation(ROLE, r.action, r.resource, identity=r.identity, boundary=r.boundary,
                   resource_policy=r.resource_policy) for r in decidable])
    differ = [(r.name, r.result, answer) for r, answer in zip(decidable, answers, strict=True)
              if ENGINE[r.result] != answer]
    assert len(decidable) >= 35 and not differ, differ
