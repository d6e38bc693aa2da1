"""ecr_cluster_access.extras: each half's extra, declared once, and one line when it is missing.

A fresh virtual environment per extra is in tests/e2e/test_packaging.py; here the table and
the messages, with a module name that really cannot be found.
"""

from __future__ import annotations

import importlib.metadata
import re

import pytest

from ecr_cluster_access import cli, extras

from ..support.tools import ROOT

ABSENT = "ecr_cluster_access_no_such_module"


def test_the_installed_metadata_declares_exactly_the_table() -> None:
    declared: dict[str, set[str]] = {}
    for requirement in importlib.metadata.requires("ecr-cluster-access") or []:
        spec, _, marker = requirement.partition(";")
        extra = re.search(r'extra == "([^"]+)"', marker)
        declared.setdefault(extra.group(1) if extra else "", set()).add(
            re.sub(r"\s", "", spec))

    def normal(requirements: list[str]) -> set[str]:  # pip writes ">=a,<b" as "<b,>=a"
        return {re.sub(r"(\w[\w.-]*)(.*)", lambda m: m.group(1) + ",".join(
            sorted(m.group(2).split(","))), r) for r in requirements}

    assert {k: normal(sorted(v)) for k, v in declared.items()} == {
        "": {"PyYAML<7,>=6.0"},
        **{name: normal(list(reqs)) for name, (reqs, _) in extras.EXTRAS.items()},
        "all": normal(extras.install_requires_of(*extras.EXTRAS)),
    }


def test_each_extras_modules_are_found_here() -> None:
    assert all(not extras.missing_modules(name) for name in extras.EXTRAS)


def test_a_missing_module_gives_one_line_naming_the_extra(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(extras.EXTRAS, "check", (("boto3",), ("boto3", ABSENT)))
    with pytest.raises(extras.MissingExtra) as raised:
        extras.require("check")
    assert str(raised.value) == (
        "check needs the [check] extra: pip install 'ecr-cluster-access[check]' "
        f"(module {ABSENT} not found)")
    assert isinstance(raised.value, ImportError)


def test_the_command_line_exits_2_with_that_line(monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(extras.EXTRAS, "check", (("boto3",), (ABSENT,)))
    status = cli.main(["--project-dir", str(ROOT), "check"])
    out, err = capsys.readouterr()
    assert (status, out) == (2, "")
    assert err.splitlines() == [
        "ecr-cluster-access: error: check needs the [check] extra: pip install "
        f"'ecr-cluster-access[check]' (module {ABSENT} not found)"]


def test_the_apps_exit_2_with_that_line(monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(extras.EXTRAS, "cdk8s", (("cdk8s",), (ABSENT,)))
    with pytest.raises(SystemExit) as raised:
        extras.require_or_exit("cdk8s", "main.py")
    assert raised.value.code == 2
    assert capsys.readouterr().err == (
        "main.py: error: the cluster half (the cdk8s charts and main.py) needs the [cdk8s] "
        f"extra: pip install 'ecr-cluster-access[cdk8s]' (module {ABSENT} not found)\n")


def test_the_node20_banner_is_silenced_only_when_the_user_did_not_choose(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(extras.JSII_EOL_BANNER_ENV, raising=False)
    extras.quiet_node20_banner()
    import os

    assert os.environ[extras.JSII_EOL_BANNER_ENV] == "20"
    monkeypatch.setenv(extras.JSII_EOL_BANNER_ENV, "18")
    extras.quiet_node20_banner()
    assert os.environ[extras.JSII_EOL_BANNER_ENV] == "18"
