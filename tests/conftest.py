"""The suite's layout: ``tests/unit`` (fast, no root, no Debian packages) and ``tests/e2e``
(the real CLIs, servers and network namespaces), marked ``e2e`` by directory here, so
``pytest -m "not e2e"`` runs the unit tests alone (``pytest tests/unit`` too, without importing
the end-to-end files). Helpers live in ``tests/support``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

#: The fuzzers' examples per test (``tests/unit/test_params_fuzz.py``): ``quick`` for the unit
#: tests run by hand, ``thorough`` for ``make test`` and so CI (``--hypothesis-profile``).
settings.register_profile("quick", max_examples=100)
settings.register_profile("thorough", max_examples=400)
settings.load_profile("quick")

E2E = Path(__file__).resolve().parent / "e2e"

#: Download caches a fresh HOME would lose: kept where they were, as they change no result.
_CACHES = {"XDG_CACHE_HOME": ".cache", "npm_config_cache": ".npm"}


#: The files that take longest (``make test``'s ``--durations``), in that order. ``make test``
#: gives each xdist worker whole files (``--dist loadfile``: a module's fixtures are built once,
#: not once per worker) in collection order, so these go first and the two workers finish
#: together. Only the order changes, never what runs.
SLOWEST_FIRST = ("test_shards.py", "test_differential.py", "test_check_oracle.py",
                 "test_packaging.py", "test_commands.py", "test_deploy.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under ``tests/e2e`` is marked ``e2e``; no other test is. The slowest files
    go first (:data:`SLOWEST_FIRST`), then the other end-to-end files, then the unit tests."""
    for item in items:
        if E2E in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.e2e)

    def rank(item: pytest.Item) -> tuple[int, int]:
        name = Path(str(item.fspath)).name
        if name in SLOWEST_FIRST:
            return 0, SLOWEST_FIRST.index(name)
        return (1 if item.get_closest_marker("e2e") else 2), 0

    items.sort(key=rank)  # stable: each file's tests keep their order


def isolated_environment(environ: dict[str, str], home: Path) -> dict[str, str]:
    """``environ`` with a home of the suite's own: ``HOME`` and ``CDK_HOME`` in ``home`` (the
    CDK CLI caches which account each access key belongs to in ``$CDK_HOME/cache``, so a
    machine whose cache maps the tests' key ``testing`` to another account changed deploy
    results), no AWS variable of the machine's (profiles, keys, endpoints, regions), AWS's
    shared files empty and the instance metadata service off, and no ``make`` variable of a
    calling ``make test`` (its jobserver), so a test's ``make synth`` runs as a user's does.
    Download caches stay where they were (they change no result, only speed)."""
    original_home = Path(environ.get("HOME") or Path.home())
    isolated = {key: value for key, value in environ.items()
                if not key.startswith(("AWS_", "CDK_", "MAKE", "MFLAGS"))
                and key != "ECR_CLUSTER_ACCESS_CONFIG"}
    for key, default in _CACHES.items():
        isolated[key] = environ.get(key) or str(original_home / default)
    isolated.update(HOME=str(home), CDK_HOME=str(home / ".cdk"),
                    AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull,
                    AWS_EC2_METADATA_DISABLED="true")
    return isolated


@pytest.fixture(scope="session", autouse=True)
def own_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every test, and every tool it runs, sees the suite's own HOME and CDK_HOME and no AWS
    setting of the machine's (see :func:`isolated_environment`)."""
    home = tmp_path_factory.mktemp("home")
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(isolated_environment(saved, home))
    try:
        yield home
    finally:
        os.environ.clear()
        os.environ.update(saved)


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
    clear_package_caches()


def clear_package_caches() -> None:
    """Empty the package's ``lru_cache``s. mutmut runs each mutant in a process forked from
    one that ran the unchanged code: answers cached there (the evaluator's pattern matches)
    would hide the mutant."""
    import sys

    for name, module in list(sys.modules.items()):
        if name.startswith("ecr_cluster_access") and module is not None:
            for value in list(vars(module).values()):
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the differential tests' reach report, when they ran."""
    if REACH_REPORT.exists():
        terminalreporter.write_sep("-", "parameter reach")
        terminalreporter.write_line(REACH_REPORT.read_text().rstrip())
