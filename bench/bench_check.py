#!/usr/bin/env python3
"""Time of ``check`` over 400 repositories against a local AWS API (moto_server on 127.0.0.1),
next to the bare minimum of API calls the same answer needs, in the same run.

The bare minimum is the plain boto3 loop: the ``DescribeRepositories`` pages plus one
``GetRepositoryPolicy`` per repository, one call at a time. ``check`` makes more calls (it
also reads lifecycle policies and tags, the caller's identity, the worker roles' policies and
boundary, the registry scanning configuration,
the registry policy and replication) and evaluates every role's access to every repository
(seven actions and every ECR action that changes something), but runs the reads
concurrently. Timed directly against moto_server and behind a proxy that adds 20 ms to every
call (``tests/support/proxy.py``, a process of its own), as a real API's round trip does:
there the target is 0.15 or less. That target cannot be met against moto_server here: it
spends about 3 to 4 ms of CPU on every call (it lists its own package directory on each
request), one thread at a time, and ``check`` needs at least two calls a repository (policy
and lifecycle policy have no batch read), so moto_server's CPU alone is above 0.15 of the bare
loop; the benchmark prints that floor beside the ratio. Then 10 runs behind a proxy that
throttles 10 % of calls, each of which must give the right answer.

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
from tests.support.proxy import FaultProxy  # noqa: E402
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


def bare_minimum(server: MotoServer, params: Parameters, endpoint: str | None = None) -> int:
    """DescribeRepositories pages, then one policy read per repository, sequentially."""
    ecr = session(server).client("ecr", endpoint_url=endpoint or server.url)
    names = [r["repositoryName"]
             for page in ecr.get_paginator("describe_repositories").paginate()
             for r in page["repositories"]]
    wanted = set(params.repositories)
    return sum(1 for name in names if name in wanted
               and ecr.get_repository_policy(repositoryName=name)["policyText"])


def same_reads(server: MotoServer, params: Parameters, endpoint: str | None = None) -> int:
    """The repository reads ``check`` makes (policy, lifecycle policy, tags), one at a time."""
    ecr = session(server).client("ecr", endpoint_url=endpoint or server.url)
    names = [r["repositoryName"]
             for page in ecr.get_paginator("describe_repositories").paginate()
             for r in page["repositories"]]
    wanted, read = set(params.repositories), 0
    for name in names:
        if name not in wanted:
            continue
        ecr.get_repository_policy(repositoryName=name)
        try:
            ecr.get_lifecycle_policy(repositoryName=name)
        except ecr.exceptions.LifecyclePolicyNotFoundException:
            pass
        ecr.list_tags_for_resource(resourceArn=f"arn:aws:ecr:us-east-1:123456789012:"
                                               f"repository/{name}")
        read += 1
    return read


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds a process has used (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(params: Parameters, server: MotoServer, endpoint: str, repeat: int,
          proxy: FaultProxy | None = None) -> tuple[float, float, float]:
    """Median seconds of ``check``, of the bare loop and of the same reads one at a time,
    through ``endpoint``, interleaved. With ``proxy``, also prints moto_server's CPU time a
    call during ``check``, and the least time ``check`` could take for that alone."""
    os.environ["AWS_ENDPOINT_URL"] = endpoint  # check() uses boto3's default chain
    assert bare_minimum(server, params, endpoint) == len(params.repositories)
    assert same_reads(server, params, endpoint) == len(params.repositories)
    assert check(params, session=session(server)) == []
    ours, bare, same, moto = [], [], [], []
    for _ in range(repeat):
        calls = proxy.requests if proxy else 0
        cpu = cpu_seconds(server.process.pid)
        start = time.perf_counter()
        check(params, session=session(server))
        ours.append(time.perf_counter() - start)
        if proxy:
            moto.append((cpu_seconds(server.process.pid) - cpu, proxy.requests - calls))
        start = time.perf_counter()
        bare_minimum(server, params, endpoint)
        bare.append(time.perf_counter() - start)
        start = time.perf_counter()
        same_reads(server, params, endpoint)
        same.append(time.perf_counter() - start)
    if moto:
        seconds, calls = max(moto, key=lambda m: m[1])
        # moto_server's Python runs one thread at a time: its CPU time is about a floor
        print(f"moto_server during check: {calls} calls, {seconds:.2f} s of CPU "
              f"({seconds / calls * 1000:.2f} ms a call): check can hardly take less than "
              f"{seconds:.2f} s here = {seconds / statistics.median(bare):.2f} of the bare loop")
    return statistics.median(ours), statistics.median(bare), statistics.median(same)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repositories", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--latency", type=float, default=0.020,
                        help="seconds the proxy adds to every call (default 0.020)")
    parser.add_argument("--throttled-runs", type=int, default=10,
                        help="runs behind a proxy that throttles 10 %% of calls (0: none)")
    args = parser.parse_args()
    params = Parameters.from_mapping({
        "account": "123456789012", "region": "us-east-1", "workerRoleArns": [ROLE],
        "repositories": [f"team-{i // 50:02d}/service-{i:03d}" for i in range(args.repositories)]})
    rows = []
    with tempfile.TemporaryDirectory() as tmp, MotoServer(Path(tmp) / "moto.log") as server:
        populate(server, params)
        rows.append(("direct", *timed(params, server, server.url, args.repeat)))
        with FaultProxy(server.url, latency=args.latency) as proxy:
            rows.append((f"+{args.latency * 1000:g} ms", *timed(params, server, proxy.url,
                                                                 args.repeat, proxy)))
        right, seconds = 0, []
        for seed in range(args.throttled_runs):
            with FaultProxy(server.url, throttle=0.10, seed=seed) as proxy:
                os.environ["AWS_ENDPOINT_URL"] = proxy.url
                start = time.perf_counter()
                try:
                    right += check(params, session=session(server)) == []
                except Exception as error:  # noqa: BLE001 - a wrong answer, counted
                    print(f"throttled run {seed}: {type(error).__name__}: {error}")
                seconds.append(time.perf_counter() - start)
    print(f"{'repositories':>12} {'endpoint':>10} {'check s':>9} {'bare s':>9} {'ratio':>6} "
          f"{'same s':>9} {'ratio':>6}")
    for label, ours, bare, same in rows:
        print(f"{args.repositories:>12} {label:>10} {ours:>9.3f} {bare:>9.3f} {ours / bare:>6.2f} "
              f"{same:>9.3f} {ours / same:>6.2f}")
    print("bare: DescribeRepositories and one GetRepositoryPolicy a repository, one at a time; "
          "same: the repository reads check makes (policy, lifecycle, tags), one at a time")
    if args.throttled_runs:
        print(f"10 % of calls throttled: the right answer in {right} of {args.throttled_runs} "
              f"runs, median {statistics.median(seconds):.1f} s a run")


if __name__ == "__main__":
    main()
