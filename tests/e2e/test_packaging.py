"""The published package: build, twine check, the wheel's and sdist's contents, and each extra
alone in a fresh virtual environment."""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

import pytest

import ecr_cluster_access

from ..support.tools import ROOT, VENV_BIN, require_tool, run

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


def test_build_makes_an_sdist_and_a_wheel_that_pass_twine_check(dist: Path) -> None:
    version = ecr_cluster_access.__version__
    names = sorted(p.name for p in dist.iterdir())
    assert names == [f"ecr_cluster_access-{version}-py3-none-any.whl",
                     f"ecr_cluster_access-{version}.tar.gz"]
    twine = require_tool(VENV_BIN / "twine")
    result = run([twine, "check", "--strict", *map(str, dist.iterdir())], check=True)
    assert result.stdout.count("PASSED") == 2


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
    assert "Requires-Dist: aws-cdk-lib<3,>=2.275.0; extra == \"cdk\"" in metadata
    assert "Requires-Dist: boto3<2,>=1.34.0; extra == \"check\"" in metadata
    assert [line for line in metadata.splitlines() if line.startswith("Requires-Dist")
            and "extra ==" not in line] == ["Requires-Dist: PyYAML<7,>=6.0"]
    # every module of the checkout is in the wheel
    modules = run(["git", "ls-files", "ecr_cluster_access/*.py", "cdk8s_charts/*.py"],
                  check=True).stdout.split()
    assert modules and not set(modules) - set(files), set(modules) - set(files)
    assert "Typing :: Typed" in metadata
    assert "Framework :: AWS CDK :: 2" in metadata
    assert "Requires-Python: >=3.10" in metadata
    assert any(f.endswith("licenses/LICENSE") for f in files), files


def test_sdist_holds_the_license_and_no_tests(dist: Path) -> None:
    import tarfile

    (sdist,) = dist.glob("*.tar.gz")
    names = [n.split("/", 1)[1] for n in tarfile.open(sdist).getnames() if "/" in n]
    assert "LICENSE" in names and "README.md" in names and "CHANGELOG.md" in names
    assert not [n for n in names if n.startswith(("tests/", "examples/", "bench/"))]
    assert "ecr_cluster_access/params/parameters.schema.json" in names


def fresh_venv(tmp_path: Path, wheel: Path, extra: str) -> Path:
    """A new virtual environment holding the wheel with ``extra`` (``""``: the core only)."""
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    requirement = f"{wheel}[{extra}]" if extra else str(wheel)
    # this venv's pip installs into the new one: no pip bootstrap per environment; and no
    # bytecode compiled ahead (aws-cdk-lib's: 17 of its 20 s): the few processes run here
    # compile what they import (about 0.9 s each for aws_cdk)
    run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
         "--quiet", "--no-compile", requirement], timeout=900, check=True)
    return venv / "bin"


def missing_line(extra: str) -> str:
    """The one line a missing extra gives (after the program's prefix)."""
    return f"needs the [{extra}] extra: pip install 'ecr-cluster-access[{extra}]'"


@pytest.mark.parametrize("extra", ["", "cdk", "cdk8s", "check", "all"])
def test_each_extra_alone_installs_and_runs_its_half_and_names_the_missing_ones(
        dist: Path, tmp_path: Path, extra: str) -> None:
    """From a fresh venv with only the wheel and ``extra``: that half runs; every other half
    says in one line which extra to install, with exit 2 and nothing written."""
    (wheel,) = dist.glob("*.whl")
    bin_dir = fresh_venv(tmp_path, wheel, extra)
    has = {"cdk", "cdk8s", "check"} if extra == "all" else {extra}
    installed = run([str(bin_dir / "python"), "-c", "import importlib.metadata as m; print("
                     "sorted(d.metadata['Name'].lower() for d in m.distributions()))"],
                    cwd=tmp_path, check=True).stdout
    assert ("aws-cdk-lib" in installed) == ("cdk" in has), installed
    assert ("cdk8s-plus-35" in installed) == ("cdk8s" in has), installed
    assert ("boto3" in installed) == ("check" in has), installed

    # the project's two apps and its cdk.json, outside the checkout
    project = tmp_path / "project"
    project.mkdir()
    for name in ("app.py", "main.py", "cdk.json"):
        (project / name).write_text((ROOT / name).read_text())
    py = str(bin_dir / "python")
    assert run([str(bin_dir / "ecr-cluster-access"), "validate"], cwd=project,
               check=True).stdout.startswith("ok: 1 repository")

    aws = run([py, "app.py"], cwd=project, CDK_OUTDIR=str(project / "cdk.out"))
    cluster = run([py, "main.py"], cwd=project)
    check = run([str(bin_dir / "ecr-cluster-access"), "check", "--timeout", "2"], cwd=project,
                AWS_ENDPOINT_URL="http://127.0.0.1:9", AWS_ACCESS_KEY_ID="AKIAEXTRASTEST000000",
                AWS_SECRET_ACCESS_KEY="not-a-real-secret", AWS_CONFIG_FILE="/dev/null")
    for result, name, prog in ((aws, "cdk", "app.py"), (cluster, "cdk8s", "main.py"),
                               (check, "check", "ecr-cluster-access")):
        if name in has:
            assert missing_line(name) not in result.stderr, result.stderr
        else:
            assert result.returncode == 2, (name, result.stdout, result.stderr)
            assert result.stderr.splitlines() == [
                f"{prog}: error: {result.stderr.split(': error: ', 1)[1].strip()}"]
            assert missing_line(name) in result.stderr, result.stderr
            assert not result.stdout
    assert (project / "cdk.out" / "EcrClusterAccess.template.json").exists() == ("cdk" in has)
    assert (project / "dist" / "ecr-cluster-access.k8s.yaml").exists() == ("cdk8s" in has)
    if "cdk" in has:
        assert aws.returncode == 0, aws.stderr
    if "cdk8s" in has:
        assert cluster.returncode == 0, cluster.stderr
    if "check" in has:  # boto3 is there: it got as far as the (closed) endpoint
        assert check.returncode == 2 and "127.0.0.1:9" in check.stderr, check.stderr

    # importing a half from Python raises MissingExtra, an ImportError, with the same line
    probe = run([py, "-c", "from ecr_cluster_access import EcrClusterAccess"], cwd=tmp_path)
    assert (probe.returncode == 0) == ("cdk" in has), probe.stderr
    if "cdk" not in has:
        assert f"MissingExtra: the AWS half (the CDK construct and app.py) {missing_line('cdk')}" \
            in probe.stderr
    probe = run([py, "-c", "import cdk8s_charts"], cwd=tmp_path)
    assert (probe.returncode == 0) == ("cdk8s" in has), probe.stderr

    if extra in ("cdk", "all"):  # a user's own app puts the construct in its own stack
        app = tmp_path / "user_app.py"
        app.write_text(USER_APP)
        outdir = tmp_path / "cdk.out"
        result = run([py, str(app), str(outdir)], cwd=tmp_path, timeout=600, check=True)
        assert json.loads(result.stdout) == ["platform/app", "platform/builder"]
        template = json.loads((outdir / "UserPlatform.template.json").read_text())
        types = sorted(r["Type"] for r in template["Resources"].values())
        assert types == ["AWS::ECR::Repository", "AWS::ECR::Repository", "AWS::IAM::Policy",
                         "AWS::SNS::Topic"]
    location = run([py, "-c", "import ecr_cluster_access; print(ecr_cluster_access.__file__)"],
                   cwd=tmp_path, check=True).stdout
    assert location.startswith(str(bin_dir.parent))
    printed = run([str(bin_dir / "ecr-cluster-access"), "schema"], cwd=tmp_path,
                  check=True).stdout
    assert printed == (ROOT / "ecr_cluster_access/params/parameters.schema.json").read_text()
    printed = run([str(bin_dir / "ecr-cluster-access"), "schema", "--check-output"],
                  cwd=tmp_path, check=True).stdout
    assert printed == (ROOT / "ecr_cluster_access/check/check-output.schema.json").read_text()
