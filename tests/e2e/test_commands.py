"""Every command `make synth` and the README print works exactly as printed, from a copy of the
repository, and prints no noise (no jsii banner, no feature-flag notice, no setuptools banner).

The copy shares this checkout's installed tools (``.venv``, ``node_modules``) through symlinks,
with its install inputs dated in the past so ``make`` sees the tools as up to date.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
from pathlib import Path

import pytest
import yaml

from ..support.servers import DUMMY_CREDENTIALS, MotoServer
from ..support.tools import ROOT, run

#: What would show noise on the normal path.
NOISE = ("feature flags", "!!!", "end-of-life", "Editable install", "Traceback", "    at ")


def copy_of_the_repository(target: Path) -> Path:
    """The tracked files, with this checkout's tools linked in."""
    for marker in (".venv/.runtime", "node_modules/.runtime"):
        if not (ROOT / marker).exists():
            pytest.fail(f"{marker} is missing: run the suite through `make test`")
    tracked = run(["git", "ls-files", "-z"], check=True).stdout.split("\0")
    for name in filter(None, tracked):
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / name)
        os.utime(target / name, (946684800, 946684800))  # 2000-01-01: older than the markers
    for tools in (".venv", "node_modules"):
        (target / tools).symlink_to(ROOT / tools)
    return target


def readme_block(heading: str, index: int = 0) -> list[str]:
    """The commands of the README's ``index``-th ``sh`` block under ``heading``."""
    section = (ROOT / "README.md").read_text().split(f"\n{heading}\n", 1)[1].split("\n## ", 1)[0]
    block = re.findall(r"```sh\n(.*?)```", section, re.S)[index]
    return [re.sub(r"\s+#.*$", "", line).strip() for line in block.splitlines() if line.strip()]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def unreachable_cluster(directory: Path) -> tuple[Path, int]:
    """A kubeconfig whose API server is a closed port on 127.0.0.1."""
    port = closed_port()
    config = directory / "kubeconfig"
    config.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "here",
        "clusters": [{"name": "here", "cluster": {"server": f"https://127.0.0.1:{port}",
                                                   "insecure-skip-tls-verify": True}}],
        "contexts": [{"name": "here", "context": {"cluster": "here", "user": "me"}}],
        "users": [{"name": "me", "user": {"token": "not-a-real-token"}}]}))
    return config, port


def shell(line: str, project: Path, env: dict[str, str], *, answer: str | None = None
          ) -> tuple[int, str]:
    """Run ``line`` as a user types it, in bash, in ``project``; with ``answer``, on a
    terminal (``script``) that types it, for the CDK CLI's approval prompt."""
    command = ["bash", "-c", line]
    if answer is not None:
        command = ["script", "-qec", line, "/dev/null"]
    result = run(command, cwd=project, timeout=900, input=answer,
                 JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=None,
                 PATH=os.environ["PATH"].replace(str(ROOT / ".venv" / "bin") + os.pathsep, ""),
                 **env)
    return result.returncode, result.stdout + result.stderr


def test_make_synth_and_the_readme_deploy_commands_work_as_printed(tmp_path: Path) -> None:
    project = copy_of_the_repository(tmp_path / "p")
    kubeconfig, port = unreachable_cluster(tmp_path)
    with MotoServer(tmp_path / "moto.log") as server:
        import boto3

        boto3.client("iam", endpoint_url=server.url, region_name=server.region,
                     **{k.lower(): v for k, v in DUMMY_CREDENTIALS.items()}).create_role(
            RoleName="k8s-worker", AssumeRolePolicyDocument=json.dumps({
                "Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow", "Action": "sts:AssumeRole",
                    "Principal": {"Service": "ec2.amazonaws.com"}}]}))
        env = {**server.env, "KUBECONFIG": str(kubeconfig)}

        commands = readme_block("## Deploy to a real account")
        assert commands[0] == "make synth"
        status, output = shell("make synth", project, env)
        assert status == 0, output
        assert not [n for n in NOISE if n in output], output
        printed = re.findall(r"\((?:deploy|apply): ([^)]+)\)", output)
        printed += re.findall(r"^Builder:\s+(.+)$", output, re.M)
        assert printed == ["make deploy", "make apply",
                           ".venv/bin/ecr-cluster-access builder-config"], output
        assert set(printed) <= set(commands), (printed, commands)

        for line in commands[1:]:
            status, output = shell(line, project, env,
                                   answer="y\n" if line == "make deploy" else None)
            assert not [n for n in NOISE if n in output], (line, output)
            if line == "make apply":  # synthesized, then kubectl tried this (absent) cluster
                assert status != 0 and f"127.0.0.1:{port}" in output, output
                assert (project / "dist" / "ecr-cluster-access.k8s.yaml").exists()
            else:
                assert status == 0, (line, output)
            if line == "make deploy":
                assert "EcrClusterAccess" in output and "✅" in output, output
            if line.endswith("builder-config"):
                assert "hostname: 123456789012.dkr.ecr.us-east-1.amazonaws.com" in output

        # the CLIs themselves, with the venv activated as the README says
        shutil.rmtree(project / "dist")
        status, output = shell(" && ".join(readme_block("## Deploy to a real account", 1)),
                               project, env)
        assert not [n for n in NOISE if n in output], output
        assert status != 0 and f"127.0.0.1:{port}" in output, output
        assert "no changes" in output, output
        assert (project / "dist" / "ecr-cluster-access.k8s.yaml").exists()


def test_the_quick_start_synth_and_the_bare_clis_print_no_noise(tmp_path: Path) -> None:
    project = copy_of_the_repository(tmp_path / "p")
    (quick_synth, _) = readme_block("## Quick start")
    status, output = shell(quick_synth, project, {})
    assert status == 0 and not [n for n in NOISE if n in output], output
    for line in (". .venv/bin/activate && npx cdk synth --quiet",
                 ". .venv/bin/activate && npx cdk8s synth --check-upgrade=false"):
        status, output = shell(line, project, {})
        assert status == 0 and not [n for n in NOISE if n in output], (line, output)


def test_make_synth_with_bad_parameters_leaves_no_earlier_output_behind(tmp_path: Path) -> None:
    project = copy_of_the_repository(tmp_path / "copy")
    # GIVEN the outputs of an earlier good synth
    for stale in ("cdk.out/EcrClusterAccess.template.json", "dist/ecr-cluster-access.k8s.yaml"):
        (project / stale).parent.mkdir(exist_ok=True)
        (project / stale).write_text("earlier\n")
    bad = project / "bad.json"
    bad.write_text(json.dumps({"account": "1"}))
    # WHEN make synth runs on bad parameters
    status, output = shell("make synth", project, {"ECR_CLUSTER_ACCESS_CONFIG": str(bad)})
    # THEN it stops with the problem, and nothing of the earlier outputs is left to mistake
    assert status != 0
    assert "account: '1' is not an AWS account ID" in output
    assert not (project / "cdk.out").exists() and not (project / "dist").exists()
