"""The published package: version, build, twine check, and a user app on a fresh install."""

from __future__ import annotations

import importlib.metadata
import json
import sys
import zipfile
from pathlib import Path

import pytest

import ecr_cluster_access

from .conftest import ROOT, VENV_BIN, require_tool, run

USER_APP = '''
"""A user's own CDK app: the construct inside the user's stack, next to their resources."""
import json, sys
import aws_cdk as cdk
from aws_cdk import aws_sns as sns
from ecr_cluster_access import EcrClusterAccess, Parameters

params = Parameters(
    account="123456789012",
    region="eu-central-1",
    repositories=["platform/builder", "platform/app"],
    worker_role_arns=["arn:aws:iam::123456789012:role/eks-nodes"],
)
app = cdk.App(outdir=sys.argv[1])
stack = cdk.Stack(app, "UserPlatform",
                  env=cdk.Environment(account=params.account, region=params.region))
sns.Topic(stack, "Builds")
access = EcrClusterAccess(stack, "Registry", params=params)
cdk.CfnOutput(stack, "BuilderUri", value=access.repository("platform/builder").repository_uri)
app.synth()
print(json.dumps(sorted(access.repository_names)))
'''


def test_version_is_single_sourced() -> None:
    assert importlib.metadata.version("ecr-cluster-access") == ecr_cluster_access.__version__


def test_the_changelogs_latest_release_is_the_version() -> None:
    import re

    releases = re.findall(r"^## \[(\d[^\]]*)\]", (ROOT / "CHANGELOG.md").read_text(), re.M)
    assert releases[0] == ecr_cluster_access.__version__


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist and wheel, built from a copy of the tracked files: builds on two xdist
    workers at once must not share the checkout's egg-info and build directories."""
    import shutil

    source = tmp_path_factory.mktemp("source")
    tracked = run(["git", "ls-files", "-z"], check=True).stdout.split("\0")
    for name in filter(None, tracked):
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "build", "--outdir", str(out), str(source)], timeout=600,
        check=True)
    return out


@pytest.mark.e2e
def test_build_makes_an_sdist_and_a_wheel_that_pass_twine_check(dist: Path) -> None:
    version = ecr_cluster_access.__version__
    names = sorted(p.name for p in dist.iterdir())
    assert names == [f"ecr_cluster_access-{version}-py3-none-any.whl",
                     f"ecr_cluster_access-{version}.tar.gz"]
    twine = require_tool(VENV_BIN / "twine")
    result = run([twine, "check", "--strict", *map(str, dist.iterdir())], check=True)
    assert result.stdout.count("PASSED") == 2


@pytest.mark.e2e
def test_wheel_holds_both_packages_typed_and_no_tests(dist: Path) -> None:
    (wheel,) = dist.glob("*.whl")
    files = zipfile.ZipFile(wheel).namelist()
    assert "ecr_cluster_access/py.typed" in files
    assert "cdk8s_charts/py.typed" in files
    schema = zipfile.ZipFile(wheel).read("ecr_cluster_access/params/parameters.schema.json")
    assert json.loads(schema)["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert not [f for f in files if f.startswith("tests/")]
    metadata = zipfile.ZipFile(wheel).read(
        next(f for f in files if f.endswith("METADATA"))).decode()
    assert "Requires-Dist: aws-cdk-lib<3,>=2.275.0" in metadata
    assert "Typing :: Typed" in metadata
    assert "Framework :: AWS CDK :: 2" in metadata
    assert "Requires-Python: >=3.10" in metadata
    assert any(f.endswith("licenses/LICENSE") for f in files), files


@pytest.mark.e2e
def test_sdist_holds_the_license_and_no_tests(dist: Path) -> None:
    import tarfile

    (sdist,) = dist.glob("*.tar.gz")
    names = [n.split("/", 1)[1] for n in tarfile.open(sdist).getnames() if "/" in n]
    assert "LICENSE" in names and "README.md" in names and "CHANGELOG.md" in names
    assert not [n for n in names if n.startswith(("tests/", "examples/", "bench/"))]
    assert "ecr_cluster_access/params/parameters.schema.json" in names


@pytest.mark.e2e
def test_wheel_installs_into_a_fresh_venv_and_synthesizes_a_user_app(
        dist: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], check=True)
    (wheel,) = dist.glob("*.whl")
    run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
        timeout=900, check=True)
    app = tmp_path / "user_app.py"
    app.write_text(USER_APP)
    outdir = tmp_path / "cdk.out"
    # run from tmp_path so the project's own checkout is not importable
    result = run([str(venv / "bin" / "python"), str(app), str(outdir)], cwd=tmp_path,
                 timeout=600, check=True)
    assert json.loads(result.stdout) == ["platform/app", "platform/builder"]
    template = json.loads((outdir / "UserPlatform.template.json").read_text())
    types = sorted(r["Type"] for r in template["Resources"].values())
    assert types == ["AWS::ECR::Repository", "AWS::ECR::Repository", "AWS::IAM::Policy",
                     "AWS::SNS::Topic"]
    location = run([str(venv / "bin" / "python"), "-c",
                    "import ecr_cluster_access; print(ecr_cluster_access.__file__)"],
                   cwd=tmp_path, check=True).stdout
    assert location.startswith(str(venv))
    printed = run([str(venv / "bin" / "ecr-cluster-access"), "schema"], cwd=tmp_path,
                  check=True).stdout
    assert printed == (ROOT / "ecr_cluster_access/params/parameters.schema.json").read_text()
