"""The README's example runs as written."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from ..support.tools import ROOT, run


@pytest.mark.e2e
def test_readme_example_builds_both_halves(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text()
    (example,) = [b for b in re.findall(r"```python\n(.*?)```", readme, re.S)
                  if "EcrConfigChart" in b]
    (tmp_path / "example.py").write_text(example)
    run([sys.executable, "example.py"], cwd=tmp_path, check=True,
        CDK_OUTDIR=str(tmp_path / "cdk.out"))
    template = (tmp_path / "cdk.out" / "Platform.template.json").read_text()
    assert '"RepositoryName": "builds/api"' in template
    manifest = (tmp_path / "dist" / "ecr-cluster-access.k8s.yaml").read_text()
    assert "name: ecr-config" in manifest


def test_the_readmes_builder_config_block_is_what_the_command_prints() -> None:
    readme = (ROOT / "README.md").read_text()
    block = readme.split('guide says to "make note of"', 1)[1].split("```yaml\n", 1)[1].split(
        "```", 1)[0]
    printed = run([sys.executable, "-m", "ecr_cluster_access.cli", "builder-config"],
                  check=True).stdout
    assert printed == block
