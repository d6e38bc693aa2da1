#!/usr/bin/env python3
"""Import time of the parameters path, and the time to load the embedded default.

Each sample is a fresh interpreter (``python -c``), so nothing is cached between samples; the
median of 11 is printed. The parameters path must stay free of jsii (aws_cdk, cdk8s) and import
in well under 100 ms; this prints the numbers the closing notes and the README quote, and
``python -X importtime`` for the same import as a breakdown when ``--detail`` is given.

Run with ``make bench`` (or ``.venv/bin/python bench/bench_params.py``).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = 11

PROBE = """
import sys, time, json
t0 = time.perf_counter()
import ecr_cluster_access.params as p
t1 = time.perf_counter()
p.load_parameters()
t2 = time.perf_counter()
jsii = sorted(m for m in sys.modules if m.split('.')[0] in ('aws_cdk', 'cdk8s', 'jsii'))
print(json.dumps({"import": t1 - t0, "load": t2 - t1, "jsii": jsii}))
"""

BARE = """
import time, json
t0 = time.perf_counter()
import json as _j, re as _r, dataclasses as _d
t1 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "load": 0.0, "jsii": []}))
"""


def sample(code: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True, env={"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"})
    result: dict[str, float] = json.loads(out.stdout)
    return result


def main() -> None:
    ours, bare = [], []
    for _ in range(SAMPLES):  # alternate, so drift on the machine hits both sides alike
        ours.append(sample(PROBE))
        bare.append(sample(BARE))
    assert all(not s["jsii"] for s in ours), ours[0]["jsii"]
    imp = statistics.median(s["import"] for s in ours) * 1000
    load = statistics.median(s["load"] for s in ours) * 1000
    base = statistics.median(s["import"] for s in bare) * 1000
    print(f"parameters path: import {imp:.1f} ms, load the default {load:.2f} ms "
          f"(stdlib json+re+dataclasses alone: {base:.1f} ms; median of {SAMPLES}; no jsii)")


if __name__ == "__main__":
    main()
