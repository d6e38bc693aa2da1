"""The suite's layout: ``tests/unit`` (fast, no root, no Debian packages) and ``tests/e2e``
(the real CLIs, servers and network namespaces), marked ``e2e`` by directory here, so
``pytest -m "not e2e"`` runs the unit tests alone. Helpers live in ``tests/support``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

E2E = Path(__file__).resolve().parent / "e2e"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under ``tests/e2e`` is marked ``e2e``; no other test is."""
    for item in items:
        if E2E in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session", autouse=True)
def every_accepted_parameter_set_passes_the_schema() -> Iterator[None]:
    """Whatever parameter set any test loads, if the loader accepts it, the published JSON
    Schema must accept it too (checked by ``jsonschema``, an independent validator)."""
    from jsonschema import Draft202012Validator

    from ecr_cluster_access import Parameters
    from ecr_cluster_access.params.schema import json_schema

    validator = Draft202012Validator(json_schema())
    original = Parameters.__dict__["from_mapping"]

    def checked(cls: type[Parameters], raw: object) -> Parameters:
        params: Parameters = original.__func__(cls, raw)
        errors = [e.message for e in validator.iter_errors(raw)]
        assert not errors, f"the loader accepts what the schema refuses: {errors}"
        return params

    Parameters.from_mapping = classmethod(checked)  # type: ignore[assignment,method-assign]
    try:
        yield
    finally:
        Parameters.from_mapping = original  # type: ignore[method-assign]


#: Where the differential tests leave their reach report (per-key counts of the accepted
#: generated parameter sets), for the summary below: under xdist a worker's print is lost.
REACH_REPORT = Path(__file__).resolve().parent.parent / ".pytest_cache" / "parameter-reach.txt"


def pytest_sessionstart(session: pytest.Session) -> None:
    if not hasattr(session.config, "workerinput"):  # the controller, once
        REACH_REPORT.unlink(missing_ok=True)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the differential tests' reach report, when they ran."""
    if REACH_REPORT.exists():
        terminalreporter.write_sep("-", "parameter reach")
        terminalreporter.write_line(REACH_REPORT.read_text().rstrip())
