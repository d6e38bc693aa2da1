#!/usr/bin/env python3
"""Time of ``check`` over 400 repositories against a local AWS API (moto_server on 127.0.0.1),
next to the bare minimum of API calls the same answer needs, in the same run.

The bare minimum is the plain boto3 loop: the ``DescribeRepositories`` pages plus one
``GetRepositoryPolicy`` per repository, one call at a time. ``check`` makes more calls (it
also reads lifecycle policies and tags, the caller's identity, the worker roles' policies and
boundary, the registry scanning configuration,
the registry policy and replication) and evaluates every role's access to every repository
(seven actions and every ECR action that changes something), but runs the reads
concurrently. Prints each median and the ratio; the target is 2.0 or less.

Run with ``make bench`` (or ``.venv/bin/python bench/bench_check.py [--repositories N]``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import boto3  # noqa: E402

from ecr_cluster_access import (
    Parameters,  # noqa: E402
    documents,
)
from ecr_cluster_access.check import check  # noqa: E402
from ecr_cluster_access.documents import policy_text  # noqa: E402
from tests.support.servers import DUMMY_CREDENTIALS, MotoServer  # noqa: E402

ROLE = "arn:aws:iam::123456789012:role/k8s-worker"


def session(server: MotoServer) -> Any:
    return boto3.session.Session(
        aws_access_key_id=DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        region_name=server.region)


def populate(server: MotoServer, params: Parameters) -> None:
    """An account in sync with ``params`` (not timed)."""
    ecr = boto3.client("ecr", endpoint_url=server.url, region_name=server.region,
                       **{k.lower(): v for k, v in DUMMY_CREDENTIALS.items()})
    iam = boto3.client("iam", endpoint_url=server.url, region_name=server.region,
                       **{k.lower(): v for k, v in DUMMY_CREDENTIALS.items()})
    iam.create_role(RoleName="k8s-worker", AssumeRolePolicyDocument="{}")
    iam.put_role_policy(RoleName="k8s-worker", PolicyName=documents.token_policy_name(params),
                        PolicyDocument=policy_text(documents.worker_identity_policy(params)))
    for name in params.repositories:
        ecr.create_repository(repositoryName=name,
                              imageScanningConfiguration={"scanOnPush": True})
        ecr.set_repository_policy(repositoryName=name,
                                  policyText=policy_text(documents.repository_policy(params)))


def bare_minimum(server: MotoServer, params: Parameters) -> int:
    """DescribeRepositories pages, then one policy read per repository, sequentially."""
    ecr = session(server).client("ecr", endpoint_url=server.url)
    names = [r["repositoryName"]
             for page in ecr.get_paginator("describe_repositories").paginate()
             for r in page["repositories"]]
    wanted = set(params.repositories)
    return sum(1 for name in names if name in wanted
               and ecr.get_repository_policy(repositoryName=name)["policyText"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repositories", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    params = Parameters.from_mapping({
        "account": "123456789012", "region": "us-east-1", "workerRoleArns": [ROLE],
        "repositories": [f"team-{i // 50:02d}/service-{i:03d}" for i in range(args.repositories)]})
    with tempfile.TemporaryDirectory() as tmp, MotoServer(Path(tmp) / "moto.log") as server:
        populate(server, params)
        os.environ["AWS_ENDPOINT_URL"] = server.url  # check() uses boto3's default chain
        assert bare_minimum(server, params) == len(params.repositories)
        assert check(params, session=session(server)) == []
        ours, bare = [], []
        for _ in range(args.repeat):
            start = time.perf_counter()
            check(params, session=session(server))
            ours.append(time.perf_counter() - start)
            start = time.perf_counter()
            bare_minimum(server, params)
            bare.append(time.perf_counter() - start)
    o, b = statistics.median(ours), statistics.median(bare)
    print(f"{'repositories':>12} {'check s':>9} {'bare s':>9} {'ratio':>6}")
    print(f"{args.repositories:>12} {o:>9.3f} {b:>9.3f} {o / b:>6.2f}")


if __name__ == "__main__":
    main()
