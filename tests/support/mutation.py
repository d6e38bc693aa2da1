"""Mutation testing of the code that decides access: mutmut (pinned in requirements-dev.txt)
over ``ecr_cluster_access/params/``, ``documents.py``, ``naming.py``, ``check/`` and
``construct.py`` (``[tool.mutmut]`` in pyproject.toml), against the fast unit tests.

    python -m tests.support.mutation [--jobs N] [--module documents] [--report]
    python -m tests.support.mutation --try check/compare tests/unit/test_compare_literal.py

runs mutmut (incrementally: only functions changed since the last run are mutated and run
again; ``--module`` runs one module's mutants), then prints a score per module and writes
every surviving mutant, with its diff, to ``.pytest_cache/mutation-survivors.txt``. It exits
1 when a module scores under 90 %.

``--try MODULE TEST...`` is for writing the test that kills a survivor: it runs the given
test files (copied into ``mutants/tests/``) against each of the module's last survivors (and
its mutants not run yet), one forked child each, without a mutmut run, and prints which of
them the files kill. mutmut's
own run is still what the score counts.

A mutant is *killed* when a test fails, or the tests time out, on it; it *survives* when they
pass, and counts as not killed when no unit test reaches it. Mutants listed in
``tests/mutation-equivalents.txt`` (the name, a hash of the diff and why no test can tell
the mutant from the original) leave the count; an entry whose diff no longer matches is
stale and reported, not honoured.

mutmut mutates code inside functions only. The module-level tables (the action lists of
``documents.py``) are mutated by :mod:`tests.support.table_mutants`, which ``make mutation``
runs after this.

mutmut runs the tests in ``mutants/``, a copy of the package and of ``tests/``; the rest of
the checkout (cdk.json, node_modules, the tool venvs) is linked in there first, so the tests
that read them run as they do in the checkout.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MUTANTS = ROOT / "mutants"
EQUIVALENTS = ROOT / "tests" / "mutation-equivalents.txt"
SURVIVORS = ROOT / ".pytest_cache" / "mutation-survivors.txt"
TARGET = 0.90
#: What mutmut copies (the package, tests/, pyproject.toml) is not linked.
COPIED = {"ecr_cluster_access", "tests", "pyproject.toml", "mutants", ".git", ".pytest_cache",
          ".mypy_cache", ".ruff_cache", ".hypothesis", ".grimp_cache", "cdk.out", "dist",
          "build"}
#: mutmut's exit codes (mutmut/stats.py): killed, the tests timed out, or a type error.
KILLED = {1, 3}
TIMEOUT = {36, 24, -24, 152, 255}
SURVIVED = {0}
NO_TESTS = {33, 5}


def link_checkout() -> None:
    """Link every top-level entry mutmut does not copy into ``mutants/``."""
    MUTANTS.mkdir(exist_ok=True)
    for entry in ROOT.iterdir():
        if entry.name in COPIED or entry.name.endswith(".egg-info"):
            continue
        link = MUTANTS / entry.name
        if not link.exists() and not link.is_symlink():
            link.symlink_to(Path("..") / entry.name)


def module_of(mutant: str) -> str:
    """``ecr_cluster_access.check.read.x_Reader__…`` -> ``check/read``."""
    parts = mutant.split(".")
    index = next(i for i, part in enumerate(parts) if part.startswith(("x_", "xǁ")))
    return "/".join(parts[1:index]) or "__init__"


def results() -> dict[str, int | None]:
    """Every mutant's exit code, from mutmut's ``.meta`` files (none before a first run)."""
    out: dict[str, int | None] = {}
    for meta in sorted((MUTANTS / "ecr_cluster_access").rglob("*.py.meta")
                       if MUTANTS.exists() else []):
        out.update(json.loads(meta.read_text())["exit_code_by_key"])
    return out


def diff(mutant: str) -> str:
    """The mutant's diff, as ``mutmut show`` prints it (with the checkout as the working
    directory)."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    source = Path("ecr_cluster_access", module_of(mutant) + ".py")
    if not source.exists():  # a package's __init__
        source = source.with_suffix("") / "__init__.py"
    return get_diff_for_mutant(mutant, path=str(source)).rstrip("\n")


def diff_hash(text: str) -> str:
    """The hash an equivalents entry carries: of the diff's changed lines only."""
    changed = [line for line in text.splitlines()
               if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))]
    return hashlib.sha256("\n".join(changed).encode()).hexdigest()[:12]


def equivalents() -> dict[str, tuple[str, str]]:
    """``tests/mutation-equivalents.txt``: name -> (diff hash, reason)."""
    out = {}
    if EQUIVALENTS.exists():
        for line in EQUIVALENTS.read_text().splitlines():
            if line.strip() and not line.startswith("#"):
                name, digest, reason = line.split(maxsplit=2)
                out[name] = (digest, reason)
    return out


def report(codes: dict[str, int | None], listed: dict[str, tuple[str, str]],
           diffs: dict[str, str]) -> tuple[list[str], list[str], bool]:
    """The per-module table and the survivors' section; whether every module made the
    target. ``diffs`` holds the diff of every survivor and listed equivalent."""
    counts: dict[str, Counter[str]] = {}
    survivors, stale = [], []
    for name, code in sorted(codes.items()):
        tally = counts.setdefault(module_of(name), Counter())
        tally["mutants"] += 1
        if name in listed and code in SURVIVED | NO_TESTS:
            if diff_hash(diffs[name]) == listed[name][0]:
                tally["equivalent"] += 1
                continue
            stale.append(name)
        if code in KILLED:
            tally["killed"] += 1
        elif code in TIMEOUT:
            tally["timeout"] += 1
        elif code in NO_TESTS:
            tally["no tests"] += 1
            survivors.append(name)
        elif code in SURVIVED:
            tally["survived"] += 1
            survivors.append(name)
        else:
            tally["not run"] += 1
    lines = [f"{'module':<22} {'mutants':>7} {'killed':>7} {'timeout':>7} {'survived':>8} "
             f"{'no test':>7} {'equiv.':>6} {'not run':>7} {'score':>6}"]
    ok = True
    for module, tally in sorted(counts.items()):
        judged = tally["mutants"] - tally["equivalent"] - tally["not run"]
        score = (tally["killed"] + tally["timeout"]) / judged if judged else 1.0
        ok &= score >= TARGET and not tally["not run"]
        lines.append(f"{module:<22} {tally['mutants']:>7} {tally['killed']:>7} "
                     f"{tally['timeout']:>7} {tally['survived']:>8} {tally['no tests']:>7} "
                     f"{tally['equivalent']:>6} {tally['not run']:>7} {score:>6.1%}")
    for name in stale:
        lines.append(f"stale entry in {EQUIVALENTS.relative_to(ROOT)}: {name} (its diff changed)")
    section = [f"# {name}: {'no test reaches it' if codes[name] in NO_TESTS else 'survived'}"
               f" (diff hash {diff_hash(diffs[name])})\n{diffs[name]}\n" for name in survivors]
    return lines, section, ok and not stale


def try_tests(module: str, tests: list[str], timeout: int = 120) -> int:
    """Run ``tests`` against each of ``module``'s last survivors (see the module's doc)."""
    import shutil
    import signal

    names = sorted(name for name, code in results().items()
                   if module_of(name) == module and code in SURVIVED | NO_TESTS | {None})
    listed = equivalents()
    names = [name for name in names if name not in listed]
    copies = []
    for test in tests:
        source = (ROOT / test).resolve()
        target = MUTANTS / source.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        copies.append(str(target.relative_to(MUTANTS)))
    os.chdir(MUTANTS)
    sys.path.insert(0, str(MUTANTS))
    for loaded in [m for m in sys.modules if m == "tests" or m.startswith("tests.")]:
        del sys.modules[loaded]  # the checkout's, imported to run this: mutants/ has its own
    import pytest

    args = ["-x", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", "--rootdir=.",
            *copies]
    with open(os.devnull, "w") as null:
        saved = os.dup(1), os.dup(2)
        os.dup2(null.fileno(), 1), os.dup2(null.fileno(), 2)
        try:  # imports the package and the tests once, so each child only runs them
            os.environ["MUTANT_UNDER_TEST"] = ""
            clean = pytest.main(args)
        finally:
            os.dup2(saved[0], 1), os.dup2(saved[1], 2)
    if clean:
        print(f"the tests fail without a mutant (pytest exit {clean})", file=sys.stderr)
        return 2
    killed, survived = [], []
    for name in names:
        pid = os.fork()
        if not pid:
            os.environ["MUTANT_UNDER_TEST"] = name
            signal.alarm(timeout)
            fd = os.open(os.devnull, os.O_WRONLY)
            os.dup2(fd, 1), os.dup2(fd, 2)
            os._exit(int(pytest.main(args)))
        _, status = os.waitpid(pid, 0)
        (survived if os.waitstatus_to_exitcode(status) == 0 else killed).append(name)
    print(f"{module}: {len(killed)} of {len(names)} survivors killed by {' '.join(tests)}")
    for name in survived:
        print(f"  survives: {name}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.support.mutation")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--module", action="append", default=[],
                        help="run only this module's mutants (documents, check/read, ...)")
    parser.add_argument("--report", action="store_true", help="report the last run only")
    parser.add_argument("--try", dest="try_", nargs="+", metavar=("MODULE", "TEST"),
                        help="run these test files against the module's last survivors")
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    if args.try_:
        if len(args.try_) < 2:
            parser.error("--try takes a module and at least one test file")
        return try_tests(args.try_[0], args.try_[1:])
    if not args.report:
        link_checkout()
        # mutmut runs new and changed mutants only, unless they are named: the survivors of
        # the last run are named in a second pass, so a test added since can kill them
        before = [name for name, code in results().items() if code in SURVIVED | NO_TESTS]
        passes = ([[f"ecr_cluster_access.{m.replace('/', '.')}.x*" for m in args.module]]
                  if args.module else [[], before] if before else [[]])
        for patterns in passes:
            run = subprocess.run([sys.executable, "-m", "mutmut", "run", "--max-children",
                                  str(args.jobs), *patterns], stdout=subprocess.DEVNULL)
            if run.returncode:
                print(f"mutmut run failed ({run.returncode})", file=sys.stderr)
                return 2
    codes = results()
    if args.module:
        codes = {k: v for k, v in codes.items() if module_of(k) in args.module}
    listed = equivalents()
    diffs = {name: diff(name) for name, code in codes.items()
             if code in SURVIVED | NO_TESTS}
    lines, section, ok = report(codes, listed, diffs)
    print("\n".join(lines))
    SURVIVORS.parent.mkdir(exist_ok=True)
    SURVIVORS.write_text("\n".join(section))
    print(f"{len(section)} survivors, with their diffs: {SURVIVORS.relative_to(ROOT)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
