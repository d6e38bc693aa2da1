"""The module-level tables mutmut does not mutate (it mutates code inside functions only):
each item of each table of strings in the mutated modules removed in turn (an action dropped
from ``PUSH_PULL_ACTIONS``, a throttling code from ``THROTTLE_CODES``, ...), in a copy of the
project, against the same unit tests as mutmut (pyproject.toml's ``[tool.mutmut]``).

    python -m tests.support.table_mutants [--jobs N] [--table NAME] [--list]

prints one line per item and the score per table, writes the survivors to
``.pytest_cache/table-survivors.txt`` and exits 1 when any survives. ``make mutation`` runs
it after mutmut.
"""

from __future__ import annotations

import argparse
import ast
import os
import sys
import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .message_mutants import _copy, _pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "ecr_cluster_access"
MODULES = [*sorted((PACKAGE / "params").glob("*.py")), PACKAGE / "documents.py",
           PACKAGE / "naming.py", *sorted((PACKAGE / "check").glob("*.py")),
           PACKAGE / "construct.py"]
SURVIVORS = ROOT / ".pytest_cache" / "table-survivors.txt"


@dataclass(frozen=True)
class Item:
    """One item of a table: where it is, the table's name and the item's text."""

    path: Path
    table: str
    line: int
    column: int
    end_column: int
    text: str

    def __str__(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}: {self.table} without {self.text}"

    def mutated(self) -> str:
        """The module's source without this item (and its comma)."""
        lines = self.path.read_text().splitlines(keepends=True)
        source = lines[self.line - 1]
        after = source[self.end_column:]
        after = after[1:] if after.startswith(",") else after
        lines[self.line - 1] = source[:self.column] + after
        return "".join(lines)


def items() -> list[Item]:
    """Every item of every module-level table of strings (tuple, list, set, frozenset),
    ``__all__`` aside."""
    found = []
    for path in MODULES:
        for node in ast.parse(path.read_text()).body:
            if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None:
                continue
            target = node.targets[0] if isinstance(node, ast.Assign) else node.target
            value = node.value
            if isinstance(value, ast.Call) and value.args and getattr(
                    value.func, "id", "") in ("frozenset", "set", "tuple"):
                value = value.args[0]
            if (not isinstance(target, ast.Name) or target.id == "__all__"
                    or not isinstance(value, (ast.Tuple, ast.List, ast.Set)) or not value.elts
                    or not all(isinstance(e, ast.Constant) and isinstance(e.value, str)
                               for e in value.elts)):
                continue
            for element in value.elts:
                if element.end_lineno != element.lineno or element.end_col_offset is None:
                    continue  # an item written over several lines: left alone
                found.append(Item(path, target.id, element.lineno, element.col_offset,
                                  element.end_col_offset, repr(element.value)))
    return found


def options() -> list[str]:
    """mutmut's options for the unit tests (markers, ignores, deselections), from
    pyproject.toml's ``[tool.mutmut]``, without its test selection."""
    from mutmut.configuration import config

    os.chdir(ROOT)
    return list(config().pytest_add_cli_args)


def corpus() -> list[str]:
    """mutmut's unit tests and exclusions, as mutmut reads them from pyproject.toml."""
    from mutmut.configuration import config

    os.chdir(ROOT)
    return [*options(), *config().pytest_add_cli_args_test_selection]


def first(item: Item) -> list[str]:
    """The unit test files that name the table (the kill usually comes there), those the
    corpus ignores aside."""
    ignored = {arg.removeprefix("--ignore=") for arg in options() if arg.startswith("--ignore=")}
    return sorted(name for path in (ROOT / "tests" / "unit").glob("*.py")
                  if (name := str(path.relative_to(ROOT))) not in ignored
                  and item.table in path.read_text())


def killed(item: Item | None) -> bool:
    """Whether the tests fail with ``item`` removed (``None``: the project as it is, the
    whole corpus). Two passes, both with ``-x``: the files that name the table alone, then,
    if they pass, the whole corpus; the first pass collects a few files instead of all, so
    a kill there costs seconds instead of a whole run's collection."""
    with tempfile.TemporaryDirectory(prefix="table-mutant-") as directory:
        copy = Path(directory)
        _copy(copy)
        if item is not None:
            (copy / item.path.relative_to(ROOT)).write_text(item.mutated())
            named = first(item)
            if named and _pytest(copy, ["-p", "no:xdist", *options(), *named]).returncode == 1:
                return True  # a test failed (not 5, none collected, nor 4, a usage error)
        return _pytest(copy, ["-p", "no:xdist", *corpus()]).returncode != 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="table_mutants", description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--list", action="store_true", help="list the items and stop")
    parser.add_argument("--table", action="append", default=[],
                        help="only this table's items (PUSH_PULL_ACTIONS, ...)")
    args = parser.parse_args(argv)
    chosen = [i for i in items() if not args.table or i.table in args.table]
    if args.list:
        print("\n".join(map(str, chosen)))
        return 0
    if killed(None):
        print("the tests fail on the unchanged project", file=sys.stderr)
        return 2
    with ThreadPoolExecutor(args.jobs) as pool:
        results = list(pool.map(killed, chosen))
    totals, dead = Counter[str](), Counter[str]()
    survivors = []
    for item, was_killed in zip(chosen, results, strict=True):
        print(("killed   " if was_killed else "SURVIVED ") + str(item), flush=True)
        totals[item.table] += 1
        dead[item.table] += was_killed
        if not was_killed:
            survivors.append(str(item))
    for table in sorted(totals):
        print(f"{table}: {dead[table]} of {totals[table]} killed")
    SURVIVORS.parent.mkdir(exist_ok=True)
    SURVIVORS.write_text("".join(f"{s}\n" for s in survivors))
    print(f"{sum(dead.values())} of {len(chosen)} table items killed; survivors in {SURVIVORS}")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
