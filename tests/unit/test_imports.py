"""The package's import graph (grimp, the graph library of import-linter): no module imports
one that imports it back, and the plain-Python half never imports the CDK halves. Imports
under ``TYPE_CHECKING`` are left out: they never run (annotations only)."""

from __future__ import annotations

import grimp

PACKAGE = "ecr_cluster_access"


def cycles(graph: grimp.ImportGraph) -> list[tuple[str, str]]:
    """Each pair of modules where one imports the other and is imported back by it,
    directly or through others."""
    return sorted({tuple(sorted((importer, imported)))  # type: ignore[misc]
                   for importer in graph.modules
                   for imported in graph.find_modules_directly_imported_by(importer)
                   if graph.chain_exists(importer=imported, imported=importer)})


def test_no_module_of_the_package_imports_itself_back() -> None:
    graph = grimp.build_graph(PACKAGE, exclude_type_checking_imports=True)
    assert len(graph.modules) > 20
    assert cycles(graph) == []


def test_the_cycle_check_finds_a_circle_through_a_third_module() -> None:
    graph = grimp.ImportGraph()
    for importer, imported in (("p.documents", "p.params.rules"), ("p.params.rules", "p.limits"),
                               ("p.limits", "p.documents"), ("p.naming", "p.other")):
        graph.add_import(importer=importer, imported=imported)
    assert cycles(graph) == [("p.documents", "p.limits"), ("p.documents", "p.params.rules"),
                             ("p.limits", "p.params.rules")]


def test_the_parameters_documents_and_names_never_import_the_cdk_halves() -> None:
    graph = grimp.build_graph(PACKAGE, exclude_type_checking_imports=True)
    plain = [m for m in graph.modules if m.startswith(f"{PACKAGE}.params")] + [
        f"{PACKAGE}.documents", f"{PACKAGE}.naming", f"{PACKAGE}.claims"]
    for module in plain:
        for cdk_half in (f"{PACKAGE}.construct", f"{PACKAGE}.stack"):
            assert not graph.chain_exists(importer=module, imported=cdk_half), (module, cdk_half)


def long_constructors(source: str, limit: int = 60) -> list[tuple[str, int]]:
    """Each class whose ``__init__`` is longer than ``limit`` lines, with its length."""
    import ast

    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                    length = (item.end_lineno or item.lineno) - item.lineno + 1
                    if length > limit:
                        out.append((node.name, length))
    return out


def test_no_constructor_of_a_construct_or_chart_is_longer_than_60_lines() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    found = {str(path.relative_to(root)): long_constructors(path.read_text())
             for folder in ("ecr_cluster_access", "cdk8s_charts")
             for path in sorted((root / folder).rglob("*.py"))}
    assert {path: found for path, found in found.items() if found} == {}
    body = "\n".join(["class C:", "    def __init__(self):"] + ["        pass"] * 60)
    assert long_constructors(body) == [("C", 61)]
