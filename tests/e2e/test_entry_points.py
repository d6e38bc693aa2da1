"""Entry points under hostile use: special files, closed pipes and closed output, options
validated like parameters. Each was a traceback, a hang or a silent acceptance."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ..support.tools import ROOT, VENV_BIN, require_tool, run

pytestmark = pytest.mark.e2e


def cli() -> str:
    return require_tool(VENV_BIN / "ecr-cluster-access")


@pytest.mark.parametrize("kind", ["fifo", "directory", "device"])
def test_a_parameters_file_that_is_not_a_regular_file_is_refused_at_once(
        tmp_path: Path, kind: str) -> None:
    path = {"fifo": tmp_path / "params.json", "directory": tmp_path,
            "device": Path("/dev/zero")}[kind]
    if kind == "fifo":
        os.mkfifo(path)
    what = {"fifo": "a named pipe (FIFO)", "directory": "a directory", "device": "a device"}[kind]
    for how in (["--config", str(path)], []):
        env = {} if how else {"ECR_CLUSTER_ACCESS_CONFIG": str(path)}
        result = run([cli(), "validate", *how], timeout=20, **env)
        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr.strip().endswith(
            f"it is {what}, not a regular file: give a parameters file"), result.stderr
        assert "Traceback" not in result.stderr
    # as cdk.json, which every entry point reads by name
    project = tmp_path / "project"
    project.mkdir()
    if kind == "fifo":
        os.mkfifo(project / "cdk.json")
        result = run([cli(), "--project-dir", str(project), "validate"], timeout=20)
        assert result.returncode == 2
        assert "cdk.json: cannot read it: it is a named pipe (FIFO)" in result.stderr


@pytest.mark.parametrize("command", [["validate", "--format", "json"],
                                     ["builder-config", "--format", "json"],
                                     ["schema"], ["docker-config"]])
def test_output_into_a_closed_pipe_ends_quietly(command: list[str]) -> None:
    # a reader that reads nothing and leaves: every write after it is a broken pipe
    reader = subprocess.Popen(["true"], stdin=subprocess.PIPE)
    reader.wait()
    done = subprocess.run([cli(), *command], stdout=reader.stdin, stderr=subprocess.PIPE,
                          text=True, timeout=60, cwd=ROOT)
    assert reader.stdin is not None
    reader.stdin.close()
    assert done.returncode in (0, 141), done.stderr
    assert done.stderr == ""


def test_a_closed_standard_output_is_one_line_not_a_traceback() -> None:
    done = subprocess.run([cli(), "schema"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True, timeout=60, cwd=ROOT, close_fds=True,
                          preexec_fn=lambda: os.close(1))
    assert done.returncode == 2
    assert done.stderr == ("ecr-cluster-access: error: standard output is closed: nothing can "
                           "be printed\n")


@pytest.mark.parametrize("option,value,message", [
    ("--registry-namespace", "a\nb", "--registry-namespace: 'a\\nb' is not a valid ECR "
     "repository name"),
    ("--registry-namespace", "..", "--registry-namespace: '..' is not a valid ECR repository "
     "name"),
    ("--registry-namespace", "\x1b[31mred", "--registry-namespace: '\\x1b[31mred' is not a "
     "valid ECR repository name"),
    ("--context", "a\nb", "--context: 'a\\nb' is not a kubectl context name: use 1-253 "
     "printable characters"),
    ("--context", "", "--context: '' is not a kubectl context name"),
])
def test_builder_config_options_are_validated_like_parameters(
        option: str, value: str, message: str) -> None:
    result = run([cli(), "builder-config", option, value])
    assert result.returncode == 2 and result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"ecr-cluster-access: error: {message}"), line


def test_the_module_entry_point_behaves_as_the_script() -> None:
    reader = subprocess.Popen(["true"], stdin=subprocess.PIPE)
    reader.wait()
    done = subprocess.run([sys.executable, "-m", "ecr_cluster_access.cli", "schema"],
                          stdout=reader.stdin, stderr=subprocess.PIPE, text=True, timeout=60,
                          cwd=ROOT)
    assert done.returncode in (0, 141) and done.stderr == ""
