"""The version: single-sourced, and the CHANGELOG's latest release."""

from __future__ import annotations

import importlib.metadata

import ecr_cluster_access

from ..support.tools import ROOT


def test_version_is_single_sourced() -> None:
    assert importlib.metadata.version("ecr-cluster-access") == ecr_cluster_access.__version__


def test_the_changelogs_latest_release_is_the_version() -> None:
    import re

    releases = re.findall(r"^## \[(\d[^\]]*)\]", (ROOT / "CHANGELOG.md").read_text(), re.M)
    assert releases[0] == ecr_cluster_access.__version__
