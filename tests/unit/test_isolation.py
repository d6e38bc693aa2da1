"""The suite runs in an environment of its own: no HOME, CDK_HOME or AWS setting of the
machine's reaches a test or a tool it runs (issue "4 of 6", item 5)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import isolated_environment


def test_a_machines_home_cdk_cache_and_aws_settings_are_replaced() -> None:
    machine = {"HOME": "/home/dev", "PATH": "/usr/bin", "CDK_HOME": "/home/dev/.cdk",
               "CDK_DEFAULT_ACCOUNT": "999999999999", "AWS_PROFILE": "production",
               "AWS_ACCESS_KEY_ID": "AKIAMACHINE000000000", "AWS_REGION": "eu-west-1",
               "AWS_ENDPOINT_URL": "https://example.com", "ECR_CLUSTER_ACCESS_CONFIG": "/p.json",
               "LANG": "C.UTF-8", "MAKEFLAGS": " -j6 --jobserver-auth=fifo:/tmp/x",
               "MAKELEVEL": "1", "MFLAGS": "-j6"}
    assert isolated_environment(machine, Path("/tmp/suite-home")) == {
        "HOME": "/tmp/suite-home", "CDK_HOME": "/tmp/suite-home/.cdk", "PATH": "/usr/bin",
        "LANG": "C.UTF-8", "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "AWS_EC2_METADATA_DISABLED": "true",
        "XDG_CACHE_HOME": "/home/dev/.cache", "npm_config_cache": "/home/dev/.npm"}


def test_download_caches_the_machine_set_are_kept() -> None:
    env = isolated_environment({"HOME": "/h", "XDG_CACHE_HOME": "/c", "npm_config_cache": "/n"},
                               Path("/t"))
    assert (env["XDG_CACHE_HOME"], env["npm_config_cache"]) == ("/c", "/n")


def test_this_session_and_its_subprocesses_run_in_the_suites_home(own_home: Path) -> None:
    # the fixture is in force for every test: HOME is pytest's, CDK_HOME inside it
    assert os.environ["HOME"] == str(own_home) and "pytest-of-" in str(own_home)
    assert os.environ["CDK_HOME"] == str(own_home / ".cdk")
    assert not [k for k in os.environ if k.startswith("AWS_") and k not in {
        "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_EC2_METADATA_DISABLED"}]
    seen = subprocess.run([sys.executable, "-c", "import os; print(os.path.expanduser('~'))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    assert seen == str(own_home)
