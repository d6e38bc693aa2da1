"""Local servers for end-to-end tests: started on 127.0.0.1 by the test, stopped by PID."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType

from .tools import VENV_BIN, require_tool

#: Dummy credentials for the local AWS API; never real ones.
DUMMY_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


def free_port() -> int:
    """Return a TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    """Wait until something accepts connections on 127.0.0.1:port, or fail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before listening")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a process this test started, by its PID: TERM, then KILL after 10 s."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


class MotoServer:
    """`moto_server` on 127.0.0.1, reached as http://localhost:PORT (see FACTS: S3 URLs)."""

    def __init__(self, log: Path, region: str = "us-east-1") -> None:
        self.port = free_port()
        self.url = f"http://localhost:{self.port}"
        self.region = region
        self._log = open(log, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [require_tool(VENV_BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            wait_for_port(self.port, self.process)
        except RuntimeError:
            self.stop()
            raise

    @property
    def env(self) -> dict[str, str]:
        """Environment that points boto3, the AWS CLI and the CDK CLI at this server."""
        return {**DUMMY_CREDENTIALS, "AWS_ENDPOINT_URL": self.url,
                "AWS_DEFAULT_REGION": self.region, "AWS_REGION": self.region,
                "AWS_EC2_METADATA_DISABLED": "true",
                "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull}

    def stop(self) -> None:
        stop(self.process)
        self._log.close()

    def __enter__(self) -> MotoServer:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()
