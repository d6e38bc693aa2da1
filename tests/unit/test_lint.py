"""The code stays ruff-clean and mypy --strict clean (the project's pyproject.toml settings)."""

from __future__ import annotations

from ..support.tools import ROOT, VENV_BIN, require_tool, run


def test_ruff_finds_nothing() -> None:
    result = run([require_tool(VENV_BIN / "ruff"), "check", str(ROOT)])
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_finds_nothing() -> None:
    result = run([require_tool(VENV_BIN / "mypy")], timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
