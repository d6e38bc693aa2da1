"""Running the real tools the way the Makefile does."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
NODE_BIN = ROOT / "node_modules" / ".bin"
VENV_BIN = Path(sys.executable).parent
SUPPORT = Path(__file__).resolve().parent


def tool_env(**extra: str | None) -> dict[str, str]:
    """The environment the Makefile gives the tools: venv and node_modules first on PATH.

    ``extra`` sets variables; a value of ``None`` removes one.
    """
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(VENV_BIN), str(NODE_BIN), env.get("PATH", "")])
    env["JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION"] = "20"
    env.pop("ECR_CLUSTER_ACCESS_CONFIG", None)
    for key, value in extra.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run(cmd: list[str], *, cwd: Path = ROOT, timeout: float = 300, check: bool = False,
        input: str | None = None,  # noqa: A002 - subprocess's own name
        **extra_env: str | None) -> subprocess.CompletedProcess[str]:
    """Run a real command with :func:`tool_env`; return the completed process."""
    result = subprocess.run(cmd, cwd=cwd, env=tool_env(**extra_env), capture_output=True,
                            text=True, timeout=timeout, input=input,
                            stdin=None if input is not None else subprocess.DEVNULL)
    if check and result.returncode != 0:
        raise AssertionError(
            f"{cmd} exited {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )
    return result


def write_params(directory: Path, data: Any, name: str = "params.json") -> Path:
    """Write a parameters file and return its path."""
    path = directory / name
    path.write_text(json.dumps(data, indent=2) if name.endswith(".json") else data)
    return path


def require_tool(path: Path | str) -> str:
    """Return the tool's path; fail (never skip) when `make test` did not install it."""
    found = shutil.which(str(path)) if not Path(path).is_absolute() else (
        str(path) if Path(path).exists() else None)
    if not found:
        pytest.fail(f"{path} is missing: run the suite through `make test`, which installs it")
    return found
