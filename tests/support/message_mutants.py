"""Validation messages removed one at a time: does the suite notice?

Every place in ``ecr_cluster_access/params/`` that gives a refusal is a *message site*: a
``problems.append(...)`` (or ``out``/``found``, the lists the field rules fill) and a
``return <text>`` from a rule's check (``is not ...: use ...``). A mutant removes one site
(``pass`` / ``return None``), in a copy of the project, and the fast tests of the parameters
run against it in a subprocess: the mutant is *killed* when they fail, and *survives* when
they pass, which means no test needs that message.

    python -m tests.support.message_mutants [--jobs N] [--module rules] [--list]

prints one line per site and the score per module, writes the survivors to
``.pytest_cache/message-survivors.txt`` and exits 1 when any survives (``make
mutation-messages``: about 5 minutes on 2 cores, so not part of ``make test``, where
tests/e2e/test_message_mutants.py checks the machinery on a few sites, with a control).
"""

from __future__ import annotations

import argparse
import ast
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "ecr_cluster_access"
#: The fast tests (``make test``'s unit subset): each mutant runs those that reach its site.
#: (Not the linters: ruff and mypy judge the mutated source itself, not its behaviour.)
CORPUS = ("tests/unit", "--ignore=tests/unit/test_lint.py")
PROBLEM_LISTS = {"problems", "out", "found"}
#: The modules that refuse (the others render the schema, the quotas and the template size).
MODULES = ("io", "limits", "model", "rules", "spec")
SURVIVORS = ROOT / ".pytest_cache" / "message-survivors.txt"


@dataclass(frozen=True)
class Site:
    """One message site: where it is and what it says (its first line of source)."""

    path: Path
    line: int
    column: int
    end_line: int
    end_column: int
    kind: str  # "append", "return", or "unchanged" (a control: the file as it is)
    text: str

    def __str__(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}: {self.kind}: {self.text}"

    def mutated(self) -> str:
        """The file's source with this site removed."""
        if self.kind == "unchanged":
            return self.path.read_text()
        lines = self.path.read_text().splitlines(keepends=True)
        before = "".join(lines[:self.line - 1]) + lines[self.line - 1][:self.column]
        after = lines[self.end_line - 1][self.end_column:] + "".join(lines[self.end_line:])
        return before + ("pass" if self.kind == "append" else "return None") + after


def _is_text(node: ast.expr | None) -> bool:
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str)) or (
        isinstance(node, ast.BinOp) and (_is_text(node.left) or _is_text(node.right)))


def sites(module: str | None = None) -> list[Site]:
    """Every message site of ``ecr_cluster_access/params/`` (or of one module), in order."""
    found = []
    for path in sorted((PACKAGE / "params").glob("*.py")):
        if path.stem not in MODULES or module is not None and path.stem != module:
            continue
        source = path.read_text()
        for node in ast.walk(ast.parse(source)):
            kind = None
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
                func = node.value.func
                if (isinstance(func, ast.Attribute) and func.attr in ("append", "extend")
                        and isinstance(func.value, ast.Name) and func.value.id in PROBLEM_LISTS):
                    kind = "append"
            elif isinstance(node, ast.Return) and _is_text(node.value):
                kind = "return"
            if kind is None:
                continue
            assert node.end_lineno is not None and node.end_col_offset is not None
            first = source.splitlines()[node.lineno - 1].strip()
            found.append(Site(path, node.lineno, node.col_offset, node.end_lineno,
                              node.end_col_offset, kind, first[:90]))
    return sorted(found, key=lambda s: (s.path, s.line))


def _copy(into: Path) -> None:
    """The project as the corpus needs it: the package and tests copied, the rest linked."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(PACKAGE, into / PACKAGE.name, ignore=ignore)
    shutil.copytree(ROOT / "tests", into / "tests", ignore=ignore)
    for path in ROOT.iterdir():  # cdk.json, .checkov.yaml, pyproject.toml, README.md, ...
        if path.is_file():
            shutil.copy2(path, into / path.name)
    for path in ROOT.iterdir():  # the virtual environments and node_modules
        if path.is_dir() and (path.name.startswith(".venv") or path.name == "node_modules"):
            (into / path.name).symlink_to(path)


def _pytest(copy: Path, tests: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **env}
    environ.pop("PYTHONPATH", None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
         *tests], cwd=copy, env=environ, capture_output=True, text=True,
        timeout=900)


def tests_by_site(chosen: list[Site]) -> dict[Site, list[str]]:
    """The corpus's tests that run each site (coverage.py, a context per test), from a run on
    the unchanged project, which must pass: the control."""
    import coverage

    with tempfile.TemporaryDirectory(prefix="message-sites-") as directory:
        copy = Path(directory)
        _copy(copy)
        data = copy / ".coverage"
        result = _pytest(copy, ["-p", "tests.support.site_contexts", "-p", "xdist", "-n",
                                "2", *CORPUS], MESSAGE_SITE_DATA=str(data))
        if result.returncode != 0:
            raise RuntimeError("the corpus fails on the unchanged project:\n"
                               + result.stdout[-3000:])
        combined = coverage.Coverage(data_file=str(data))
        combined.combine([str(p) for p in copy.glob(".coverage.*")])
        covered = combined.get_data()
        out = {}
        for site in chosen:
            copied = str(copy / site.path.relative_to(ROOT))
            by_line = covered.contexts_by_lineno(copied)
            contexts = {context for line in range(site.line, site.end_line + 1)
                        for context in by_line.get(line, ())}
            # run at import only (no test's context): every test depends on it
            out[site] = (sorted(contexts - {""}) or
                         (list(CORPUS) if "" in contexts else []))
        return out


def run(site: Site, tests: list[str]) -> bool:
    """Whether ``tests`` fail against the project with ``site`` removed."""
    if not tests:
        return False
    with tempfile.TemporaryDirectory(prefix="message-mutant-") as directory:
        copy = Path(directory)
        _copy(copy)
        (copy / site.path.relative_to(ROOT)).write_text(site.mutated())
        return _pytest(copy, ["-p", "no:xdist", *tests]).returncode != 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="message_mutants", description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--module", help="one module of ecr_cluster_access/params (rules, ...)")
    parser.add_argument("--list", action="store_true", help="list the sites and stop")
    args = parser.parse_args(argv)
    chosen = sites(args.module)
    if args.list:
        print("\n".join(map(str, chosen)))
        return 0
    selected = tests_by_site(chosen)  # also the control: the unchanged project passes
    with ThreadPoolExecutor(args.jobs) as pool:
        killed = list(pool.map(lambda site: run(site, selected[site]), chosen))
    totals, dead = Counter[str](), Counter[str]()
    survivors = []
    for site, was_killed in zip(chosen, killed, strict=True):
        print(("killed   " if was_killed else "SURVIVED ") + str(site)
              + ("" if selected[site] else " (no test reaches it)"), flush=True)
        totals[site.path.stem] += 1
        dead[site.path.stem] += was_killed
        if not was_killed:
            survivors.append(str(site))
    for module in sorted(totals):
        print(f"{module}: {dead[module]} of {totals[module]} killed "
              f"({100 * dead[module] // totals[module]} %)")
    SURVIVORS.parent.mkdir(exist_ok=True)
    SURVIVORS.write_text("".join(f"{s}\n" for s in survivors))
    print(f"{sum(dead.values())} of {len(chosen)} message sites killed; survivors in {SURVIVORS}")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
