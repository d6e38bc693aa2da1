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
