#!/usr/bin/env python3
"""Registry scale: 10,000 repositories laid across shards, against plain aws-cdk-lib code that
shards the same repositories, in the same run.

1. Synthesis as a whole process (a fresh interpreter, first import to the cloud assembly on
   disk, as ``cdk synth`` waits for it), median of ``--repeat``, interleaved: ``make_stacks``
   (parameters validated, ``shards`` 26) against hand-written L2 code (``ecr.Repository``,
   ``iam.Policy``) and L1 code (``CfnRepository``, ``CfnPolicy``) that put the same
   repositories, repository policy and token policy in a registry stack and 26 repository
   stacks (by position: the simplest sharding a person would write). Target: 1.10 or less
   against L2.
2. Template bytes per repository, every stack's template as the CDK CLI writes it (path
   metadata on) summed: ours against L1's. Target: 1.2 or less.
3. ``check`` of those repositories in a local AWS API (moto_server on 127.0.0.1, filled
   through the ECR API: moto's CloudFormation would take far longer), behind the 20 ms proxy,
   against the bare sequential loop (DescribeRepositories, then one GetRepositoryPolicy a
   repository), and the peak memory of the ``check`` process (target 300 MB). moto_server's
   own CPU time during ``check`` is printed beside, as the floor it sets (see
   ``bench_check.py``: about 3.7 ms a call, one thread at a time).

Run with ``make bench`` (or ``.venv/bin/python bench/bench_shards.py [--repositories N]``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from bench_check import cpu_seconds  # noqa: E402

from ecr_cluster_access import PUSH_PULL_ACTIONS  # noqa: E402

ACCOUNT, REGION = "123456789012", "us-east-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/k8s-worker"

PROGRAM_HEAD = """
import json, os, sys
sys.path.insert(0, {root!r})
import aws_cdk as cdk
from aws_cdk import aws_ecr as ecr, aws_iam as iam
ACCOUNT, REGION, ROLE, SHARDS = {account!r}, {region!r}, {role!r}, {shards!r}
PUSH_PULL = {push_pull!r}
names = [f"team-{{i // 100:03d}}/service-{{i:05d}}" for i in range({n})]
app = cdk.App(outdir=sys.argv[1], context={{"aws:cdk:enable-path-metadata": True}})
env = cdk.Environment(account=ACCOUNT, region=REGION)


# the baselines' layout: (stack, names) of each shard, by position, each stack depending on
# the registry stack
def shards(registry):
    per = -(-len(names) // SHARDS)
    for shard in range(SHARDS):
        stack = cdk.Stack(app, f"Shard{{shard:03d}}", env=env)
        stack.add_stack_dependency(registry)
        yield stack, names[shard * per:(shard + 1) * per]
"""
PROGRAMS = {
    "ours": """
from ecr_cluster_access import Parameters
from ecr_cluster_access.stack import make_stacks
params = Parameters.from_mapping({"account": ACCOUNT, "region": REGION, "shards": SHARDS,
                                  "repositories": names, "workerRoleArns": [ROLE]})
make_stacks(app, params)
app.synth()
""",
    "L2": """
registry = cdk.Stack(app, "Registry", env=env)
iam.Policy(registry, "Token", roles=[iam.Role.from_role_arn(registry, "Worker", ROLE)],
           statements=[iam.PolicyStatement(actions=["ecr:GetAuthorizationToken"],
                                           resources=["*"])])
worker = iam.ArnPrincipal(ROLE)
for stack, held in shards(registry):
    for name in held:
        repository = ecr.Repository(stack, name.replace("/", "--"), repository_name=name,
                                    image_scan_on_push=True,
                                    removal_policy=cdk.RemovalPolicy.RETAIN)
        repository.add_to_resource_policy(iam.PolicyStatement(
            sid="AllowPushPull", principals=[worker], actions=PUSH_PULL))
app.synth()
""",
    "L1": """
registry = cdk.Stack(app, "Registry", env=env)
iam.CfnPolicy(registry, "Token", policy_name="ecr-token", roles=["k8s-worker"],
              policy_document={"Version": "2012-10-17", "Statement": [{
                  "Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}]})
policy = {"Version": "2012-10-17", "Statement": [{
    "Sid": "AllowPushPull", "Effect": "Allow", "Principal": {"AWS": [ROLE]},
    "Action": PUSH_PULL}]}
scanning = ecr.CfnRepository.ImageScanningConfigurationProperty(scan_on_push=True)
for stack, held in shards(registry):
    for name in held:
        repository = ecr.CfnRepository(stack, name.replace("/", "--"), repository_name=name,
                                       repository_policy_text=policy,
                                       image_scanning_configuration=scanning)
        repository.apply_removal_policy(cdk.RemovalPolicy.RETAIN)
app.synth()
""",
}


def template_bytes(outdir: Path) -> int:
    """Every template's bytes as the CDK CLI writes it (``JSON.stringify(t, undefined, 1)``)."""
    return sum(len(json.dumps(json.loads(p.read_text()), indent=1, ensure_ascii=False).encode())
               for p in outdir.glob("*.template.json"))


def synthesis(n: int, shards: int, repeat: int) -> dict[str, tuple[float, int]]:
    """Median whole-process seconds and template bytes per side, interleaved with the first
    side rotating (after one untimed run each: file and bytecode caches)."""
    head = PROGRAM_HEAD.format(root=str(ROOT), account=ACCOUNT, region=REGION, role=ROLE,
                               shards=shards, n=n, push_pull=list(PUSH_PULL_ACTIONS))
    sides = list(PROGRAMS)
    samples: dict[str, list[float]] = {side: [] for side in sides}
    sizes: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(repeat + 1):
            order = sides[run % len(sides):] + sides[:run % len(sides)]
            for side in order:
                outdir = Path(tmp) / f"{side}-{run}"
                start = time.perf_counter()
                subprocess.run([sys.executable, "-c", head + PROGRAMS[side], str(outdir)],
                               check=True, capture_output=True)
                if run:
                    samples[side].append(time.perf_counter() - start)
                else:
                    sizes[side] = template_bytes(outdir)
    return {side: (statistics.median(samples[side]), sizes[side]) for side in sides}


def fill(server: Any, names: list[str], policy: str) -> None:
    """The repositories, their policy and the token grant, through the APIs (not timed)."""
    import boto3

    from tests.support.servers import DUMMY_CREDENTIALS

    keys = {k.lower(): v for k, v in DUMMY_CREDENTIALS.items()}
    ecr = boto3.client("ecr", endpoint_url=server.url, region_name=REGION, **keys)
    iam = boto3.client("iam", endpoint_url=server.url, region_name=REGION, **keys)
    iam.create_role(RoleName="k8s-worker", AssumeRolePolicyDocument="{}")
    for name in names:
        ecr.create_repository(repositoryName=name,
                              imageScanningConfiguration={"scanOnPush": True})
        ecr.set_repository_policy(repositoryName=name, policyText=policy)


def checking(n: int, shards: int, latency: float) -> None:
    """check behind the proxy against the bare loop, once each; check's peak memory."""
    from bench_check import bare_minimum

    from ecr_cluster_access import Parameters, documents
    from tests.support.proxy import FaultProxy
    from tests.support.servers import DUMMY_CREDENTIALS, MotoServer

    names = [f"team-{i // 100:03d}/service-{i:05d}" for i in range(n)]
    data = {"account": ACCOUNT, "region": REGION, "shards": shards, "repositories": names,
            "workerRoleArns": [ROLE]}
    params = Parameters.from_mapping(data)
    with tempfile.TemporaryDirectory() as tmp, MotoServer(Path(tmp) / "moto.log") as server:
        start = time.perf_counter()
        fill(server, names, documents.policy_text(documents.repository_policy(params)))
        iam_policy = documents.policy_text(documents.worker_identity_policy(params))
        import boto3
        boto3.client("iam", endpoint_url=server.url, region_name=REGION,
                     **{k.lower(): v for k, v in DUMMY_CREDENTIALS.items()}).put_role_policy(
            RoleName="k8s-worker", PolicyName=documents.token_policy_name(params),
            PolicyDocument=iam_policy)
        print(f"(filled moto_server with {n} repositories in "
              f"{time.perf_counter() - start:.0f} s)", flush=True)
        config = Path(tmp) / "params.json"
        config.write_text(json.dumps(data))
        with FaultProxy(server.url, latency=latency) as proxy:
            env = {**os.environ, **DUMMY_CREDENTIALS, "AWS_ENDPOINT_URL": proxy.url,
                   "AWS_DEFAULT_REGION": REGION}
            moto_cpu, calls = cpu_seconds(server.process.pid), proxy.requests
            start = time.perf_counter()
            memory = Path(tmp) / "memory"
            result = subprocess.run(  # GNU time: the check process's peak resident set
                ["/usr/bin/time", "-f", "%M", "-o", str(memory),
                 str(ROOT / ".venv/bin/ecr-cluster-access"), "check", "--config", str(config),
                 "--timeout", "3600"], env=env, capture_output=True, text=True, check=False)
            ours = time.perf_counter() - start
            moto_cpu, calls = cpu_seconds(server.process.pid) - moto_cpu, proxy.requests - calls
            peak = int(memory.read_text().split()[-1]) / 1024
            assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
            os.environ.update({k: v for k, v in DUMMY_CREDENTIALS.items()})
            start = time.perf_counter()
            assert bare_minimum(server, params, proxy.url) == n
            bare = time.perf_counter() - start
    print(f"check of {n} repositories behind +{latency * 1000:g} ms: {ours:.1f} s, the bare "
          f"sequential loop {bare:.1f} s: {ours / bare:.2f} (target 0.15); moto_server's CPU "
          f"during check {moto_cpu:.1f} s for {calls} calls ({moto_cpu / calls * 1000:.2f} ms "
          f"a call) = {moto_cpu / bare:.2f} of the bare loop, the floor here; check's peak "
          f"memory {peak:.0f} MB (target 300)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repositories", type=int, default=10_000)
    parser.add_argument("--shards", type=int, default=26)
    parser.add_argument("--repeat", type=int, default=3, help="whole-process runs per side")
    parser.add_argument("--latency", type=float, default=0.020)
    parser.add_argument("--no-check", action="store_true", help="synthesis and bytes only")
    args = parser.parse_args()
    n = args.repositories
    sides = synthesis(n, args.shards, args.repeat)
    (ours, ours_bytes), (l2, _), (l1, l1_bytes) = (sides[s] for s in ("ours", "L2", "L1"))
    print(f"synthesis of {n} repositories in {args.shards} shards, whole process, median of "
          f"{args.repeat}: ours {ours:.1f} s, L2 {l2:.1f} s ({ours / l2:.2f}, target 1.10), "
          f"L1 {l1:.1f} s ({ours / l1:.2f})")
    print(f"template bytes a repository: ours {ours_bytes / n:.0f}, L1 {l1_bytes / n:.0f} "
          f"({ours_bytes / l1_bytes:.2f}, target 1.2)", flush=True)
    if not args.no_check:
        checking(n, args.shards, args.latency)


if __name__ == "__main__":
    main()
