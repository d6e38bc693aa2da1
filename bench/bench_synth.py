#!/usr/bin/env python3
"""Synthesis time of this project's halves against the bare library equivalent, same run.

AWS half: N = 1, 100 and 400 repositories through ``EcrClusterAccess`` (parameters
validated from a mapping, as ``app.py`` does), through hand-written aws-cdk-lib L2 code
(``ecr.Repository``, ``iam.Policy``) and through hand-written L1 code (``CfnRepository``,
``CfnPolicy``: the fair floor for what the construct emits), each making the same
repositories, repository policy and token policy.
Cluster half: ``EcrConfigChart`` (parameters validated from a mapping, as ``main.py`` does)
against a bare cdk8s chart holding one equivalent Secret.
Prints each median and the ratios to each baseline; the target is 1.10 or less against L2.

Whole process: the same three AWS-half programs, each a fresh ``python -c`` from its first
import to the cloud assembly on disk (what ``cdk synth`` waits for, less the CLI's own time,
which is the same for every side), interleaved; the median of ``--repeat`` runs each.

Run with ``make bench`` (or ``.venv/bin/python bench/bench_synth.py [--repeat R]``).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

import base64  # noqa: E402
import json  # noqa: E402

import aws_cdk as cdk  # noqa: E402
import cdk8s  # noqa: E402
from aws_cdk import aws_ecr as ecr  # noqa: E402
from aws_cdk import aws_iam as iam  # noqa: E402
from cdk8s_plus_35 import k8s  # noqa: E402

from cdk8s_charts import EcrConfigChart  # noqa: E402
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


def hand_written_l1(n: int) -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "Bench", env=ENV)
    policy = {"Version": "2012-10-17", "Statement": [{
        "Sid": "AllowPushPull", "Effect": "Allow", "Principal": {"AWS": [ROLE]},
        "Action": list(PUSH_PULL_ACTIONS)}]}
    scanning = ecr.CfnRepository.ImageScanningConfigurationProperty(scan_on_push=True)
    for name in names(n):
        repository = ecr.CfnRepository(stack, name.replace("/", "--"), repository_name=name,
                                       repository_policy_text=policy,
                                       image_scanning_configuration=scanning)
        repository.apply_removal_policy(cdk.RemovalPolicy.RETAIN)
    iam.CfnPolicy(stack, "Token", policy_name="ecr-token", roles=["k8s-worker"],
                  policy_document={"Version": "2012-10-17", "Statement": [{
                      "Effect": "Allow", "Action": "ecr:GetAuthorizationToken",
                      "Resource": "*"}]})
    app.synth()


# The programs of the whole-process measurement: each imports only what its side needs.
PROGRAM_HEAD = """
import os, sys, tempfile
sys.path.insert(0, {root!r})
import aws_cdk as cdk
from aws_cdk import aws_ecr as ecr, aws_iam as iam
ACCOUNT, REGION, ROLE = {account!r}, {region!r}, {role!r}
PUSH_PULL = {push_pull!r}
names = [f"team-{{i // 50:02d}}/service-{{i:03d}}" for i in range({n})]
app = cdk.App(outdir=tempfile.mkdtemp())
stack = cdk.Stack(app, "Bench", env=cdk.Environment(account=ACCOUNT, region=REGION))
"""
PROGRAMS = {
    "ours": """
from ecr_cluster_access import EcrClusterAccess, Parameters
params = Parameters.from_mapping({"account": ACCOUNT, "region": REGION,
                                  "repositories": names, "workerRoleArns": [ROLE]})
EcrClusterAccess(stack, "Repositories", params=params)
app.synth()
""",
    "L2": """
worker = iam.ArnPrincipal(ROLE)
for name in names:
    repository = ecr.Repository(stack, name.replace("/", "--"), repository_name=name,
                                image_scan_on_push=True, removal_policy=cdk.RemovalPolicy.RETAIN)
    repository.add_to_resource_policy(iam.PolicyStatement(
        sid="AllowPushPull", principals=[worker], actions=PUSH_PULL))
iam.Policy(stack, "Token", roles=[iam.Role.from_role_arn(stack, "Worker", ROLE)],
           statements=[iam.PolicyStatement(actions=["ecr:GetAuthorizationToken"],
                                           resources=["*"])])
app.synth()
""",
    "L1": """
policy = {"Version": "2012-10-17", "Statement": [{
    "Sid": "AllowPushPull", "Effect": "Allow", "Principal": {"AWS": [ROLE]},
    "Action": PUSH_PULL}]}
scanning = ecr.CfnRepository.ImageScanningConfigurationProperty(scan_on_push=True)
for name in names:
    repository = ecr.CfnRepository(stack, name.replace("/", "--"), repository_name=name,
                                   repository_policy_text=policy,
                                   image_scanning_configuration=scanning)
    repository.apply_removal_policy(cdk.RemovalPolicy.RETAIN)
iam.CfnPolicy(stack, "Token", policy_name="ecr-token", roles=["k8s-worker"],
              policy_document={"Version": "2012-10-17", "Statement": [{
                  "Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}]})
app.synth()
""",
}


def whole_process(n: int, repeat: int) -> list[float]:
    """Median wall seconds of a fresh process per side (ours, L2, L1), interleaved with the
    first side rotating, so machine drift hits every side alike."""
    root = str(Path(__file__).resolve().parent.parent)
    head = PROGRAM_HEAD.format(root=root, account=ACCOUNT, region=REGION, role=ROLE, n=n,
                               push_pull=list(PUSH_PULL_ACTIONS))
    sides = list(PROGRAMS)
    samples: dict[str, list[float]] = {side: [] for side in sides}
    env = dict(os.environ)  # bytecode caches as after a first run, for every side alike
    for side in sides:  # once each, untimed: file and bytecode caches, as after any earlier run
        subprocess.run([sys.executable, "-c", head + PROGRAMS[side]], check=True, env=env,
                       capture_output=True)
    for sample in range(repeat):
        order = sides[sample % len(sides):] + sides[:sample % len(sides)]
        for side in order:
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", head + PROGRAMS[side]], check=True, env=env,
                           capture_output=True)
            samples[side].append(time.perf_counter() - start)
    return [statistics.median(samples[side]) for side in sides]


def with_chart(_: int) -> None:
    params = Parameters.from_mapping({"account": ACCOUNT, "region": REGION,
                                      "repositories": names(1), "workerRoleArns": [ROLE]})
    app = cdk8s.App()
    EcrConfigChart(app, "ecr-cluster-access", params=params)
    app.synth_yaml()


def bare_chart(_: int) -> None:
    config = {"credHelpers": {f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com": "ecr-login"}}
    app = cdk8s.App()
    chart = cdk8s.Chart(app, "ecr-cluster-access", disable_resource_name_hashes=True)
    k8s.KubeSecret(chart, "Secret",
                   metadata=k8s.ObjectMeta(name="ecr-config", namespace="default"),
                   type="kubernetes.io/dockerconfigjson",
                   data={".dockerconfigjson": base64.b64encode(
                       json.dumps(config, indent=2).encode()).decode()})
    app.synth_yaml()


def seconds(func: Callable[[int], None], n: int, inner: int) -> float:
    """Seconds per call of ``func(n)``, averaged over ``inner`` back-to-back calls.

    As timeit does, the garbage collector is paused while timing (and run before), so a
    collection that one side's garbage triggers does not land on the other side's clock.
    """
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        for _ in range(inner):
            func(n)
        return (time.perf_counter() - start) / inner
    finally:
        gc.enable()


def measure(half: str, n: int, repeat: int) -> list[float]:
    """Median seconds per synth of ours, then each baseline (L2, and L1 for the AWS half),
    for one case, in this process."""
    funcs = ([with_construct, hand_written, hand_written_l1] if half == "aws"
             else [with_chart, bare_chart])
    for func in funcs:
        func(1)  # warm the jsii runtime and module caches once, for every side
    # batch fast cases so one sample lasts about 0.2 s, far above timer and GC noise
    inner = max(1, round(0.2 / seconds(funcs[1], n, 1)))
    samples: list[list[float]] = [[] for _ in funcs]
    for sample in range(repeat):
        # interleave, rotating which side goes first, so drift in machine load and warm-up
        # effects hit every side alike
        order = list(range(len(funcs)))
        order = order[sample % len(order):] + order[:sample % len(order)]
        for i in order:
            samples[i].append(seconds(funcs[i], n, inner))
    return [statistics.median(s) for s in samples]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9, help="samples per measurement (median)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 100, 400])
    parser.add_argument("--process-repeat", type=int, default=5,
                        help="whole-process runs per side (median); 0 leaves them out")
    parser.add_argument("--case", help=argparse.SUPPRESS)  # internal: HALF:N in a child process
    args = parser.parse_args()
    if args.case:
        half, n = args.case.split(":")
        print(json.dumps(measure(half, int(n), args.repeat)))
        return
    # Each case runs in a fresh process: jsii keeps every object of earlier apps alive, so a
    # large case would otherwise slow the cases after it.
    print(f"{'half':<8} {'N':>5} {'ours s':>9} {'L2 s':>9} {'ratio':>6} {'L1 s':>9} {'ratio':>6}")
    cases = [("aws", n) for n in args.sizes] + [("cluster", 1)]
    for half, n in cases:
        child = subprocess.run(
            [sys.executable, __file__, "--case", f"{half}:{n}", "--repeat", str(args.repeat)],
            check=True, capture_output=True, text=True)
        ours, bare, *floor = json.loads(child.stdout.splitlines()[-1])
        l1 = f"{floor[0]:>9.4f} {ours / floor[0]:>6.2f}" if floor else f"{'-':>9} {'-':>6}"
        print(f"{half:<8} {n:>5} {ours:>9.4f} {bare:>9.4f} {ours / bare:>6.2f} {l1}",
              flush=True)
    if args.process_repeat:
        print(f"\nwhole process (fresh interpreter, imports to cloud assembly, median of "
              f"{args.process_repeat}):")
        for n in args.sizes:
            ours, bare, floor = whole_process(n, args.process_repeat)
            print(f"{'aws':<8} {n:>5} {ours:>9.4f} {bare:>9.4f} {ours / bare:>6.2f} "
                  f"{floor:>9.4f} {ours / floor:>6.2f}", flush=True)


if __name__ == "__main__":
    main()
