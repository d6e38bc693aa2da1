#!/usr/bin/env python3
"""Synthesis time of this project's halves against the bare library equivalent, same run.

AWS half: N = 1, 100 and 400 repositories through ``EcrClusterAccess`` (parameters
validated from a mapping, as ``app.py`` does) and through hand-written aws-cdk-lib code that
makes the same repositories, repository policy and token policy. Prints each median and the
ratio; the target is 1.10 or less.

Run with ``make bench`` (or ``.venv/bin/python bench/bench_synth.py [--repeat R]``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

import aws_cdk as cdk  # noqa: E402
from aws_cdk import aws_ecr as ecr  # noqa: E402
from aws_cdk import aws_iam as iam  # noqa: E402

from ecr_cluster_access import PUSH_PULL_ACTIONS, EcrClusterAccess, Parameters  # noqa: E402

ACCOUNT, REGION = "123456789012", "us-east-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/k8s-worker"
ENV = cdk.Environment(account=ACCOUNT, region=REGION)


def names(n: int) -> list[str]:
    return [f"team-{i // 50:02d}/service-{i:03d}" for i in range(n)]


def with_construct(n: int) -> None:
    params = Parameters.from_mapping({"account": ACCOUNT, "region": REGION,
                                      "repositories": names(n), "workerRoleArns": [ROLE]})
    app = cdk.App()
    stack = cdk.Stack(app, "Bench", env=ENV)
    EcrClusterAccess(stack, "Repositories", params=params)
    app.synth()


def hand_written(n: int) -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "Bench", env=ENV)
    worker = iam.ArnPrincipal(ROLE)
    for name in names(n):
        repository = ecr.Repository(stack, name.replace("/", "--"), repository_name=name,
                                    image_scan_on_push=True,
                                    removal_policy=cdk.RemovalPolicy.RETAIN)
        repository.add_to_resource_policy(iam.PolicyStatement(
            sid="AllowPushPull", principals=[worker], actions=list(PUSH_PULL_ACTIONS)))
    iam.Policy(stack, "Token", roles=[iam.Role.from_role_arn(stack, "Worker", ROLE)],
               statements=[iam.PolicyStatement(actions=["ecr:GetAuthorizationToken"],
                                               resources=["*"])])
    app.synth()


def seconds(func: Callable[[int], None], n: int) -> float:
    start = time.perf_counter()
    func(n)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (median)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 100, 400])
    args = parser.parse_args()
    with_construct(1)  # warm the jsii runtime once, for both sides
    hand_written(1)
    print(f"{'N':>5} {'construct s':>12} {'aws-cdk-lib s':>14} {'ratio':>6}")
    for n in args.sizes:
        ours_samples, bare_samples = [], []
        # interleave so drift in machine load hits both sides alike
        for _ in range(args.repeat):
            ours_samples.append(seconds(with_construct, n))
            bare_samples.append(seconds(hand_written, n))
        ours, bare = statistics.median(ours_samples), statistics.median(bare_samples)
        print(f"{n:>5} {ours:>12.3f} {bare:>14.3f} {ours / bare:>6.2f}")


if __name__ == "__main__":
    main()
