"""The JSON Schema (draft 2020-12) and the README's parameters table, from the declarations.

``ecr-cluster-access schema`` prints :func:`json_schema` (``--cdk-json``: :func:`cdk_json_schema`);
the same text ships in the wheel as ``ecr_cluster_access/params/parameters.schema.json`` for
editors. For a parameters document, whatever the loader accepts the schema accepts (the suite
checks this on every parameter set it loads). The loader is stricter: it also checks the
rules that span fields (partitions, accounts, policy sizes), refuses ``1.0`` where a whole
number is asked (JSON Schema counts it as an integer) and allows in tags only the characters
AWS allows (which ECMA-262 and Python patterns cannot both say).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .model import Parameters
from .spec import (
    Bool,
    FieldInfo,
    Int,
    Nested,
    NestedList,
    Text,
    TextList,
    TextMap,
    declared_fields,
)

SCHEMA_ID = "https://github.com/ecr-cluster-access/ecr-cluster-access/parameters.schema.json"
#: Where the schema ships inside the package.
SCHEMA_PATH = Path(__file__).with_name("parameters.schema.json")


def _object_schema(cls: type, title: str | None = None) -> dict[str, Any]:
    fields = declared_fields(cls)
    properties: dict[str, Any] = {}
    for info in fields:
        prop = {"description": info.doc, **info.rule.schema()}
        if not info.required and info.default is not None and not isinstance(
                info.rule, (Nested, NestedList)):
            prop["default"] = list(info.default) if isinstance(info.default, tuple) else (
                info.default)
        if not info.required and info.default is None:
            prop = {"description": info.doc, "anyOf": [info.rule.schema(), {"type": "null"}]}
        properties[info.key] = prop
    out: dict[str, Any] = {"type": "object"}
    if title:
        out["title"] = title
    out["description"] = (cls.__doc__ or "").strip().splitlines()[0]
    out["properties"] = properties
    required = [info.key for info in fields if info.required]
    if required:
        out["required"] = required
    out["additionalProperties"] = False
    return out


def _nested_classes(cls: type) -> list[type]:
    found: list[type] = []
    for info in declared_fields(cls):
        if isinstance(info.rule, (Nested, NestedList)) and info.rule.cls not in found:
            found += [info.rule.cls, *_nested_classes(info.rule.cls)]
    return found


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a parameters document (a file, or the ``cdk.json`` block)."""
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **_object_schema(Parameters, "ecr-cluster-access parameters"),
        "$defs": {c.__name__: _object_schema(c) for c in _nested_classes(Parameters)},
    }
    return schema


def cdk_json_schema() -> dict[str, Any]:
    """A JSON Schema of a ``cdk.json`` that checks its ``context.ecr-cluster-access`` block
    (and leaves the rest of the file to the CDK CLI)."""
    parameters = json_schema()
    block = {k: v for k, v in parameters.items() if k not in ("$schema", "$id", "$defs")}
    return {
        "$schema": parameters["$schema"],
        "title": "cdk.json with an ecr-cluster-access block",
        "type": "object",
        "properties": {"context": {"type": "object",
                                   "properties": {"ecr-cluster-access": block}}},
        "$defs": parameters["$defs"],
    }


def schema_text(cdk_json: bool = False) -> str:
    """:func:`json_schema` (or :func:`cdk_json_schema`) as the exact text shipped and printed."""
    schema = cdk_json_schema() if cdk_json else json_schema()
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


# --- the README table --------------------------------------------------------------------------

def _default_cell(info: FieldInfo) -> str:
    if info.required:
        return "required"
    if info.default_doc:
        return info.default_doc
    default = info.default
    if default is None or default == () or default == {}:
        return "none"
    if isinstance(default, bool):
        return f"`{str(default).lower()}`"
    return f"`{default}`"


def _accepts_cell(info: FieldInfo) -> str:
    rule = info.rule
    if isinstance(rule, Text):
        return rule.accepted.removeprefix("use ") if rule.choices is None else (
            " or ".join(f"`{c}`" for c in rule.choices))
    if isinstance(rule, Int):
        return f"whole number, {rule.minimum} to {rule.maximum}"
    if isinstance(rule, Bool):
        return "`true` or `false`"
    if isinstance(rule, TextList):
        limit = f", at most {rule.max_items}" if rule.max_items is not None else ""
        item = FieldInfo("", "", rule.item, "", True, None, None)
        return f"list{limit}; each: {_accepts_cell(item)}"
    if isinstance(rule, TextMap):
        return f"object of at most {rule.max_items} strings"
    if isinstance(rule, NestedList):
        return f"list of at most {rule.max_items} objects: the `{info.key}[].*` rows below"
    assert isinstance(rule, Nested)
    return f"object: `{info.key}.*` below"


def _cell(text: str) -> str:
    """Text safe in a Markdown table cell: no column break, no HTML tag, no emphasis."""
    return text.replace("|", "\\|").replace("<", "&lt;").replace("*", "\\*")


def _rows(cls: type, prefix: str) -> list[str]:
    rows = []
    for info in declared_fields(cls):
        key = f"{prefix}{info.key}"
        rows.append(f"| `{key}` | {_default_cell(info)} | {_cell(info.doc)} | "
                    f"{_cell(_accepts_cell(info))} |")
        if isinstance(info.rule, Nested):
            rows += _rows(info.rule.cls, f"{key}.")
        elif isinstance(info.rule, NestedList):
            rows += _rows(info.rule.cls, f"{key}[].")
    return rows


def markdown_table() -> str:
    """The README's parameters table: every key, its default, its doc and what it accepts."""
    return "\n".join(["| key | default | meaning | accepts |", "| --- | --- | --- | --- |",
                      *_rows(Parameters, "")]) + "\n"
