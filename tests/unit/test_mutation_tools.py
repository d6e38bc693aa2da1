"""The mutation tools' own logic (tests/support/mutation.py, table_mutants.py): how a score is
counted, when an equivalents entry is honoured, and what a table mutant removes. The runs
themselves are `make mutation`."""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

from ..support import mutation, table_mutants

DIFF = """--- ecr_cluster_access/naming.py
+++ ecr_cluster_access/naming.py
@@ -8,4 +8,4 @@
-    return int.from_bytes(digest[:8], "big") % shards
+    return int.from_bytes(digest[:8], ) % shards"""

ROOT = Path(__file__).resolve().parents[2]


def test_module_names_come_from_mutant_names() -> None:
    assert mutation.module_of("ecr_cluster_access.naming.x_shard_of__mutmut_5") == "naming"
    assert mutation.module_of(
        "ecr_cluster_access.check.read.xǁReaderǁ_member__mutmut_3") == "check/read"
    assert mutation.module_of("ecr_cluster_access.check.x_findings__mutmut_1") == "check"


def test_a_score_counts_timeouts_as_killed_and_untested_as_not() -> None:
    codes = {f"ecr_cluster_access.naming.x_f__mutmut_{i}": code
             for i, code in enumerate([1, 1, 1, 1, 1, 1, 1, 36, 0, 33])}
    lines, section, ok = mutation.report(codes, {}, dict.fromkeys(codes, DIFF))
    assert lines[1].split() == ["naming", "10", "7", "1", "1", "1", "0", "0", "80.0%"]
    assert len(section) == 2 and not ok


def test_a_listed_equivalent_leaves_the_count_while_its_diff_is_the_same() -> None:
    codes = {f"ecr_cluster_access.naming.x_f__mutmut_{i}": 1 for i in range(9)}
    codes["ecr_cluster_access.naming.x_f__mutmut_9"] = 0
    listed = {"ecr_cluster_access.naming.x_f__mutmut_9": (mutation.diff_hash(DIFF), "same")}
    lines, section, ok = mutation.report(codes, listed, dict.fromkeys(codes, DIFF))
    assert lines[1].split()[-3:] == ["1", "0", "100.0%"] and ok and not section
    # the function changed and the number now names another mutant: the entry is stale
    other = DIFF.replace(", )", ', "little")')
    lines, section, ok = mutation.report(codes, listed, dict.fromkeys(codes, other))
    assert lines[-1].startswith("stale entry") and len(section) == 1 and not ok


def test_the_diff_hash_ignores_context_and_headers() -> None:
    moved = DIFF.replace("@@ -8,4 +8,4 @@", "@@ -9,4 +9,4 @@").replace("naming.py", "x.py")
    assert mutation.diff_hash(moved) == mutation.diff_hash(DIFF) != mutation.diff_hash(
        DIFF.replace("% shards", "// shards"))


def test_a_table_mutant_removes_one_item_and_stays_valid_python() -> None:
    items = [i for i in table_mutants.items() if i.table == "PUSH_PULL_ACTIONS"]
    assert [i.text for i in items] == [
        "'ecr:BatchCheckLayerAvailability'", "'ecr:BatchGetImage'", "'ecr:CompleteLayerUpload'",
        "'ecr:GetDownloadUrlForLayer'", "'ecr:InitiateLayerUpload'", "'ecr:PutImage'",
        "'ecr:UploadLayerPart'"]
    upload = items[-1]
    scope: dict[str, object] = {}
    tree = ast.parse(upload.mutated())
    (table,) = [n for n in tree.body if isinstance(n, ast.AnnAssign)
                and getattr(n.target, "id", "") == "PUSH_PULL_ACTIONS"]
    exec(compile(ast.Module([table], []), "<table>", "exec"), scope)  # noqa: S102
    assert "ecr:UploadLayerPart" not in scope["PUSH_PULL_ACTIONS"]  # type: ignore[operator]
    assert len(scope["PUSH_PULL_ACTIONS"]) == 6  # type: ignore[arg-type]
    assert all(i.table != "__all__" for i in table_mutants.items())


def test_a_table_mutant_first_runs_the_unit_files_that_name_its_table_the_ignored_aside() -> None:
    (upload,) = [i for i in table_mutants.items() if i.text == "'ecr:UploadLayerPart'"
                 and i.table == "PUSH_PULL_ACTIONS"]
    named = table_mutants.first(upload)
    assert "tests/unit/test_tables.py" in named
    assert all("PUSH_PULL_ACTIONS" in (ROOT / name).read_text() for name in named)
    # test_lint.py names ruff, and the corpus ignores it (pyproject.toml's [tool.mutmut])
    ruff = replace(upload, table="ruff")
    assert "ruff" in (ROOT / "tests/unit/test_lint.py").read_text()
    assert "--ignore=tests/unit/test_lint.py" in table_mutants.options()
    assert "tests/unit/test_lint.py" not in table_mutants.first(ruff)
