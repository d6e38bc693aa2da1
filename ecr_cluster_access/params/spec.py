"""The declaration machinery: one :func:`declare` per field, and everything derived from it.

A field of a parameters dataclass is declared once, as ``field(..., metadata=declare(rule,
doc))``: its file key (the camelCase of its name), its type and check (the rule), its default
(the dataclass default) and its one-line doc. From that come the conversion from a file's
mapping, the validation of every value (from a file or from Python), ``to_mapping``, the JSON
Schema and the README's parameters table.

Rules are small declarative objects (:class:`Text`, :class:`Int`, :class:`Bool`,
:class:`TextList`, :class:`TextMap`, :class:`Nested`), so the same declaration gives a
problem line, a JSON Schema fragment and a README line. Patterns are matched against the
whole string, ASCII only; types are exact (a bool is not an int, a float is not an int).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

#: The longest quoted value in a problem line, and the longest problem line.
MAX_SHOWN_VALUE = 80
MAX_PROBLEM_LINE = 400
#: At most this many problems are listed for the items of one list or mapping (or for the
#: unknown keys of one object), and at most :data:`MAX_PROBLEMS` in all.
MAX_ITEM_PROBLEMS = 10
MAX_PROBLEMS = 50


class ParameterError(ValueError):
    """Raised when parameters are invalid; ``problems`` holds one line per problem.

    Every line is made safe for a terminal: control characters are escaped and the line is
    capped at :data:`MAX_PROBLEM_LINE` characters.
    """

    def __init__(self, problems: Sequence[str] | str) -> None:
        lines = [problems] if isinstance(problems, str) else list(problems)
        if len(lines) > MAX_PROBLEMS:
            more = len(lines) - MAX_PROBLEMS + 1
            lines = [*lines[:MAX_PROBLEMS - 1], f"{more} more problems not listed: fix these "
                                                "first"]
        self.problems = tuple(one_line(p) for p in lines)
        super().__init__("\n".join(self.problems))


def one_line(text: str) -> str:
    """``text`` with every non-printable character escaped, capped in length."""
    if not text.isprintable():
        text = "".join(c if c.isprintable() else _escape(c) for c in text)
    return text if len(text) <= MAX_PROBLEM_LINE else text[:MAX_PROBLEM_LINE - 3] + "..."


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else (
        f"\\U{code:08x}")


class HugeNumber:
    """A number too long to convert (a file's integer of hundreds of digits): never valid."""

    def __init__(self, digits: int) -> None:
        self.digits = digits

    def __repr__(self) -> str:
        return f"<a number of {self.digits} digits>"


def show(value: object, limit: int = MAX_SHOWN_VALUE) -> str:
    """Quote a value for a problem line: escaped, bounded in time and length whatever it is.

    Containers are rendered only as far as ``limit`` characters reach, so a huge or deeply
    shared structure costs no more than a small one; unknown objects show their type only.
    """
    out: list[str] = []
    try:
        _render(value, out, [limit + 4], 0)
    except Exception:  # an object whose own methods fail: name its type only
        out = [f"<{type(value).__name__}>"]
    text = "".join(out)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _render(value: object, out: list[str], budget: list[int], depth: int) -> None:
    if budget[0] <= 0:
        return
    if isinstance(value, str):
        piece = repr(str.__str__(value)[:budget[0]])
    elif isinstance(value, bool) or value is None:
        piece = "null" if value is None else "true" if value else "false"  # as files spell them
    elif isinstance(value, int):
        piece = repr(value) if value.bit_length() <= 256 else f"<a number of about " \
            f"{int(value.bit_length() * 0.30103)} digits>"
    elif isinstance(value, (float, HugeNumber)):
        piece = repr(value)
    elif isinstance(value, (list, tuple, Mapping)) and depth < 4:
        is_map = isinstance(value, Mapping)
        opening, closing = ("{", "}") if is_map else (("[", "]") if isinstance(value, list)
                                                       else ("(", ")"))
        out.append(opening)
        budget[0] -= 1
        items: Iterator[Any]
        if isinstance(value, dict):
            items = iter(dict.items(value))
        elif isinstance(value, Mapping):
            items = iter(value.items())
        elif isinstance(value, list):
            items = list.__iter__(value)
        else:
            items = tuple.__iter__(value)
        for i, item in enumerate(items):
            if budget[0] <= 0:
                return
            if i:
                out.append(", ")
                budget[0] -= 2
            if is_map:
                _render(item[0], out, budget, depth + 1)
                out.append(": ")
                budget[0] -= 2
                _render(item[1], out, budget, depth + 1)
            else:
                _render(item, out, budget, depth + 1)
        out.append(closing)
        budget[0] -= 1
        return
    elif isinstance(value, (list, tuple, Mapping)):
        piece = "..."
    else:
        piece = f"<{type(value).__name__}>"
    out.append(piece)
    budget[0] -= len(piece)


_PLAIN_KEY = re.compile(r"[A-Za-z0-9_.-]{1,64}", re.ASCII)


def show_key(key: object) -> str:
    """A mapping key for a problem line's path: as written when plain, else quoted."""
    if isinstance(key, str) and _PLAIN_KEY.fullmatch(key):
        return key
    return show(key, 40)


def camel(name: str) -> str:
    """``worker_role_arns`` -> ``workerRoleArns``: the file spelling of a field name."""
    first, *rest = name.split("_")
    return first + "".join(word.capitalize() for word in rest)


# ---------------------------------------------------------------------------------------------
# Rules: a type and a check, declared as data so they render as problems, schema and docs.
# ---------------------------------------------------------------------------------------------

#: ``(value) -> reason or None``: a field-local check beyond the rule's type and pattern; the
#: reason replaces the rule's own verdict (for example "'ROOT' is not accepted: ...").
Extra = Callable[[Any], "str | None"]


def has_control_characters(value: str) -> bool:
    """Whether ``value`` holds a control character, a format character or a lone surrogate."""
    return any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn") for c in value)


@dataclass(frozen=True)
class Text:
    """A string: exact type, whole-string ASCII pattern or choices, length bounds.

    With neither a pattern nor choices, any text of printable characters is accepted (no
    control, format or private-use characters, no lone surrogates), as for tag values.
    """

    #: What the value must be, for the problem line: "an AWS account ID".
    what: str
    #: What is accepted, for the problem line and the docs: "use 12 digits".
    accepted: str
    pattern: str | None = None
    choices: tuple[str, ...] | None = None
    min_length: int = 1
    max_length: int | None = None
    extra: Extra | None = None
    #: A hint added when the value is of the wrong type (e.g. a number for an account ID).
    type_hint: Callable[[Any], str] | None = None
    #: An ECMA-262 and Python lookahead put first in the JSON Schema's pattern, for what
    #: ``extra`` refuses that a pattern can say.
    schema_prefix: str = ""
    #: A check run once the value has the right shape (length and pattern): what only a
    #: well-formed value can be asked (is this region one AWS has?).
    after: Extra | None = None
    _compiled: re.Pattern[str] | None = field(default=None, init=False, repr=False,
                                              compare=False)

    def __post_init__(self) -> None:
        if self.pattern is not None:
            object.__setattr__(self, "_compiled", re.compile(self.pattern, re.ASCII))

    def reason(self, value: object) -> str | None:
        """Why ``value`` is refused (``"is not ...: use ..."``), or ``None`` when accepted."""
        if not isinstance(value, str):
            hint = self.type_hint(value) if self.type_hint else ""
            return f"is not {self.what}: {self.accepted}{hint}"
        if "${Token[" in value:
            return ("is an unresolved CDK token: the parameters need the concrete value, as "
                    "the cluster half renders it; pass CDK objects to the construct instead "
                    "(worker_roles=[role])")
        special = self.extra(value) if self.extra else None
        if special:
            return special
        if self.choices is not None:
            if value not in self.choices:
                return f"is not accepted: use one of {', '.join(self.choices)}"
        elif not self.min_length <= len(value) <= (self.max_length or len(value)) or (
                self._compiled is not None and not self._compiled.fullmatch(value)) or (
                self.pattern is None and has_control_characters(value)):
            return f"is not {self.what}: {self.accepted}"
        return self.after(value) if self.after else None

    def schema(self) -> dict[str, Any]:
        """The JSON Schema of this rule (draft 2020-12)."""
        if self.choices is not None:
            return {"type": "string", "enum": list(self.choices)}
        out: dict[str, Any] = {"type": "string"}
        if self.min_length:
            out["minLength"] = self.min_length
        if self.max_length is not None:
            out["maxLength"] = self.max_length
        # ``(?![\s\S])`` is end-of-string in both ECMA-262 and Python (``$`` is not: in Python
        # it also matches before a final newline), so editors and jsonschema agree with us.
        out["pattern"] = (f"^{self.schema_prefix}(?:{self.pattern})(?![\\s\\S])"
                          if self.pattern is not None
                          else f"^{self.schema_prefix}[^\\u0000-\\u001f\\u007f-\\u009f]*"
                               "(?![\\s\\S])")
        return out


@dataclass(frozen=True)
class Int:
    """A whole number (not a bool, not a float) from ``minimum`` to ``maximum``."""

    minimum: int
    maximum: int
    why: str = ""

    def reason(self, value: object) -> str | None:
        """Why ``value`` is refused, or ``None``."""
        if isinstance(value, bool) or not isinstance(value, int) or not (
                self.minimum <= value <= self.maximum):
            return (f"is not accepted: use a whole number from {self.minimum} to "
                    f"{self.maximum}{self.why}")
        return None

    def schema(self) -> dict[str, Any]:
        """The JSON Schema of this rule."""
        return {"type": "integer", "minimum": self.minimum, "maximum": self.maximum}


@dataclass(frozen=True)
class Bool:
    """``true`` or ``false``: nothing else (not 0, 1, "yes")."""

    def reason(self, value: object) -> str | None:
        """Why ``value`` is refused, or ``None``."""
        return None if isinstance(value, bool) else "is not a boolean: use true or false"

    def schema(self) -> dict[str, Any]:
        """The JSON Schema of this rule."""
        return {"type": "boolean"}


@dataclass(frozen=True)
class TextList:
    """A list of distinct strings, each checked by ``item``."""

    item: Text
    required: bool = False
    max_items: int | None = None
    #: The problem line when there are too many, with ``{n}`` and ``{max}`` filled in.
    too_many: str = "{n} given: give at most {max}"

    def schema(self) -> dict[str, Any]:
        """The JSON Schema of this rule."""
        out: dict[str, Any] = {"type": "array", "items": self.item.schema(), "uniqueItems": True}
        if self.required:
            out["minItems"] = 1
        if self.max_items is not None:
            out["maxItems"] = self.max_items
        return out


@dataclass(frozen=True)
class TextMap:
    """A mapping of string keys to string values, such as resource tags."""

    key: Text
    value: Text
    max_items: int
    too_many: str = "{n} given: give at most {max}"

    def schema(self) -> dict[str, Any]:
        """The JSON Schema of this rule."""
        return {"type": "object", "maxProperties": self.max_items,
                "propertyNames": self.key.schema(), "additionalProperties": self.value.schema()}


@dataclass(frozen=True)
class Nested:
    """An object of its own declared fields (a nested parameters dataclass)."""

    cls: type

    def schema(self) -> dict[str, Any]:
        """The JSON Schema of this rule: a reference to the nested class's definition."""
        return {"$ref": f"#/$defs/{self.cls.__name__}"}


@dataclass(frozen=True)
class NestedList:
    """A list of objects of ``cls``'s declared fields, in order (rules, for example)."""

    cls: type
    max_items: int
    too_many: str = "{n} given: give at most {max}"
    required: bool = False

    def schema(self) -> dict[str, Any]:
        """The JSON Schema of this rule: an array of the nested class's definition."""
        out: dict[str, Any] = {"type": "array", "items": {"$ref": f"#/$defs/{self.cls.__name__}"},
                               "maxItems": self.max_items}
        if self.required:
            out["minItems"] = 1
        return out


Rule = Text | Int | Bool | TextList | TextMap | Nested | NestedList


@dataclass(frozen=True)
class Declaration:
    """What a field declares besides its name, type and default (kept in field metadata)."""

    rule: Rule
    doc: str
    #: The README's "default" column when the default is not a plain value.
    default_doc: str | None = None


def declare(rule: Rule, doc: str, *, default_doc: str | None = None) -> dict[str, Declaration]:
    """The ``metadata`` of a declared field: ``field(default=..., metadata=declare(...))``."""
    return {"param": Declaration(rule, doc, default_doc)}


@dataclass(frozen=True)
class FieldInfo:
    """One declared field, as read back from a dataclass."""

    name: str
    key: str
    rule: Rule
    doc: str
    required: bool
    default: Any
    default_doc: str | None


def declared_fields(cls: type) -> tuple[FieldInfo, ...]:
    """The declared fields of a parameters dataclass, in declaration order."""
    cached: tuple[FieldInfo, ...] | None = cls.__dict__.get("_declared")
    if cached is not None:
        return cached
    out = []
    for f in dataclasses.fields(cls):
        info: Declaration = f.metadata["param"]
        factory: Any = f.default_factory
        required = f.default is dataclasses.MISSING and factory is dataclasses.MISSING
        default = (None if required else f.default if f.default is not dataclasses.MISSING
                   else factory())
        out.append(FieldInfo(f.name, camel(f.name), info.rule, info.doc, required, default,
                             info.default_doc))
    result = tuple(out)
    cls._declared = result  # type: ignore[attr-defined]
    return result


# ---------------------------------------------------------------------------------------------
# Validation of Python values against the declarations.
# ---------------------------------------------------------------------------------------------

def check_value(path: str, rule: Rule, value: Any, problems: list[str]) -> None:
    """Append a problem line for every way ``value`` breaks ``rule``."""
    if isinstance(rule, (Text, Int, Bool)):
        reason = rule.reason(value)
        if reason:
            problems.append(f"{path}: {show(value)} {reason}")
    elif isinstance(rule, TextList):
        _check_list(path, rule, value, problems)
    elif isinstance(rule, TextMap):
        _check_map(path, rule, value, problems)
    elif isinstance(rule, NestedList):
        _check_nested_list(path, rule, value, problems)
    else:
        check_struct(path, rule.cls, value, problems)


def _is_list(path: str, rule: TextList | NestedList, value: Any, of: str,
             problems: list[str]) -> bool:
    """Whether ``value`` is a list; the problem line when not, or when a required one is
    empty (then it still is a list)."""
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        problems.append(f"{path}: {show(value)} is not a list: expected a list of {of}")
        return False
    if rule.required and not value:
        problems.append(f"{path}: [] is empty: give at least one")
    return True


def _check_nested_list(path: str, rule: NestedList, value: Any, problems: list[str]) -> None:
    if not _is_list(path, rule, value, "objects", problems):
        return
    if len(value) > rule.max_items:
        problems.append(f"{path}: " + rule.too_many.format(n=len(value), max=rule.max_items))
        return
    found: list[str] = []
    for i, item in enumerate(value):
        check_struct(f"{path}[{i}]", rule.cls, item, found)
    problems.extend(_capped(path, found))


def _check_list(path: str, rule: TextList, value: Any, problems: list[str]) -> None:
    if not _is_list(path, rule, value, "strings", problems):
        return
    found: list[str] = []
    seen: set[str] = set()
    for i, item in enumerate(value):
        if isinstance(item, str) and item in seen:
            found.append(f"{path}[{i}]: {show(item)} is a duplicate: list each once")
        else:
            check_value(f"{path}[{i}]", rule.item, item, found)
            if isinstance(item, str):
                seen.add(item)
        if len(found) > MAX_ITEM_PROBLEMS:
            break
    problems.extend(_capped(path, found))
    if rule.max_items is not None and len(value) > rule.max_items:
        problems.append(f"{path}: {rule.too_many.format(n=len(value), max=rule.max_items)}")


def _check_map(path: str, rule: TextMap, value: Any, problems: list[str]) -> None:
    if not isinstance(value, Mapping):
        problems.append(f"{path}: {show(value)} is not an object: use {{\"key\": \"value\"}}")
        return
    if len(value) > rule.max_items:
        problems.append(f"{path}: {rule.too_many.format(n=len(value), max=rule.max_items)}")
    found: list[str] = []
    for key, item in value.items():
        reason = rule.key.reason(key)
        if reason:
            found.append(f"{path}: key {show(key)} {reason}")
        else:
            check_value(f"{path}.{show_key(key)}", rule.value, item, found)
        if len(found) > MAX_ITEM_PROBLEMS:
            break
    problems.extend(_capped(path, found))


def _capped(path: str, found: list[str]) -> list[str]:
    if len(found) <= MAX_ITEM_PROBLEMS:
        return found
    return [*found[:MAX_ITEM_PROBLEMS], f"{path}: more problems not listed: fix these first"]


def check_struct(path: str, cls: type, value: Any, problems: list[str]) -> None:
    """Check a nested dataclass instance field by field.

    ``value`` must be an instance of ``cls`` (the file loader builds one from a mapping).
    """
    if not isinstance(value, cls):
        problems.append(f"{path}: {show(value)} is not an object: expected {cls.__name__}")
        return
    check_fields(path, cls, value, problems)


def check_fields(path: str, cls: type, value: Any, problems: list[str]) -> set[str]:
    """Check the declared fields of ``cls`` on ``value`` (anything with those attributes)."""
    bad: set[str] = set()
    for info in declared_fields(cls):
        if not hasattr(value, info.name):  # a partial set: missing keys are reported apart
            continue
        item = getattr(value, info.name)
        if item is None and not info.required and info.default is None:
            continue
        before = len(problems)
        check_value(f"{path}.{info.key}" if path else info.key, info.rule, item, problems)
        if len(problems) > before:
            bad.add(info.name)
    return bad


# ---------------------------------------------------------------------------------------------
# Conversion: a file's mapping (camelCase, JSON types) to and from Python values.
# ---------------------------------------------------------------------------------------------

#: How many keys past a class's own fields a mapping may hold before it is refused unread: the
#: unknown-key lines stop at MAX_ITEM_PROBLEMS anyway, and a mapping that never ends must not
#: be read to its end.
MAX_EXTRA_KEYS = 1000


def _snapshot(path: str, raw: Mapping[Any, Any], fields_count: int, problems: list[str]
              ) -> dict[Any, Any] | None:
    """A plain dict of ``raw``'s items, read once and within a bound, or ``None`` with a
    problem line: a caller's Mapping may raise on lookup, or never end."""
    out: dict[Any, Any] = {}
    where = path or "parameters"
    try:
        for key in raw:
            if len(out) >= fields_count + MAX_EXTRA_KEYS:
                problems.append(f"{where}: holds more than {fields_count + MAX_EXTRA_KEYS} keys: "
                                "is this the right object?")
                return None
            out[key] = raw[key]
    except Exception as error:  # noqa: BLE001 - a caller's Mapping may raise anything
        problems.append(f"{where}: the {type(raw).__name__} raised {type(error).__name__} "
                        f"while it was read ({show(str(error), 60)}): pass a plain dict")
        return None
    return out


def from_file_mapping(path: str, cls: type, raw: object, problems: list[str]
                      ) -> dict[str, Any] | None:
    """The keyword arguments of ``cls`` from a file's mapping, or ``None`` when unusable.

    Reports unknown keys (with the nearest known key), missing required keys and nested
    objects that are not objects; converts nested mappings to their dataclasses. Values are
    not checked here: the dataclass checks them.
    """
    fields_ = declared_fields(cls)
    by_key = {f.key: f for f in fields_}
    if not isinstance(raw, Mapping):
        expected = "an object of " + ", ".join(by_key) if not path else "an object"
        problems.append(f"{path or 'parameters'}: {show(raw)} is not {expected}"
                        if path else f"parameters: {show(raw)} is not a mapping: expected "
                        f"{expected}")
        return None
    # a plain dict is finite and cannot raise; any other Mapping is read once, within a bound
    snapshot = raw if type(raw) is dict else _snapshot(path, raw, len(by_key), problems)
    if snapshot is None:
        return None
    kwargs: dict[str, Any] = {}
    unknown = 0
    for key, item in snapshot.items():
        info = by_key.get(key) if isinstance(key, str) else None
        where = f"{path}.{show_key(key)}" if path else show_key(key)
        if info is None:
            unknown += 1
            if unknown <= MAX_ITEM_PROBLEMS:
                problems.append(f"{where}: unknown key: {_suggest(key, by_key)}")
            elif unknown == MAX_ITEM_PROBLEMS + 1:
                problems.append(f"{path or 'parameters'}: more unknown keys not listed: is "
                                "this the right file?")
            continue
        if isinstance(info.rule, Nested) and item is not None:
            nested = from_file_mapping(where, info.rule.cls, item, problems)
            if nested is None:
                continue
            try:
                item = info.rule.cls(**nested)
            except TypeError:  # a missing required key, reported below
                continue
        elif isinstance(info.rule, NestedList) and isinstance(item, list) and (
                len(item) <= info.rule.max_items):
            built, before = [], len(problems)
            for i, element in enumerate(item):
                nested = from_file_mapping(f"{where}[{i}]", info.rule.cls, element, problems)
                if nested is not None:
                    try:
                        built.append(info.rule.cls(**nested))
                    except TypeError:  # a missing required key, reported in the call above
                        pass
            if len(problems) > before:
                continue
            item = built
        kwargs[info.name] = item
    for info in fields_:
        if info.required and info.name not in kwargs and info.key not in raw:
            problems.append(f"{path + '.' if path else ''}{info.key}: missing: {info.doc}")
    return kwargs


def _suggest(key: object, by_key: Mapping[str, FieldInfo]) -> str:
    import difflib

    close = difflib.get_close_matches(key, list(by_key), n=1) if isinstance(key, str) and (
        len(key) <= 100) else []
    if close:
        return f"did you mean {close[0]}? (ecr-cluster-access schema lists every key)"
    return "accepted keys are " + ", ".join(by_key)


def to_file_mapping(value: Any) -> dict[str, Any]:
    """A parameters dataclass as a file spells it: camelCase keys, JSON types, no ``None``."""
    out: dict[str, Any] = {}
    for info in declared_fields(type(value)):
        item = getattr(value, info.name)
        if isinstance(info.rule, Nested) and item is not None:
            item = to_file_mapping(item)
        elif isinstance(info.rule, NestedList) and isinstance(item, tuple):
            item = [to_file_mapping(element) for element in item]
        elif isinstance(item, tuple):
            item = list(item)
        elif isinstance(item, Mapping):
            item = dict(item)
        if item is not None:
            out[info.key] = item
    return out


def exact(value: Any) -> Any:
    """``value`` as the exact built-in type it claims to be: a ``str``, ``int``, ``list`` or
    ``tuple`` subclass becomes a plain copy (read through the base type's own methods, so an
    overridden ``__eq__``, ``__iter__`` or ``__format__`` cannot lie to the checks or leak into
    a template). An aws-cdk-lib enum (``RemovalPolicy.DESTROY``, ``ecr.TagMutability.IMMUTABLE``,
    ``ecr.RepositoryEncryption.KMS``) becomes the text the parameters spell it with (a
    removal policy in lower case), without importing aws-cdk-lib. Anything else is returned
    as is, for the checks to refuse."""
    if type(value).__module__.startswith("aws_cdk") and isinstance(
            getattr(value, "value", None), str):
        text = str.__str__(value.value)
        return text.lower() if type(value).__name__ == "RemovalPolicy" else text
    if isinstance(value, str) and type(value) is not str:
        return str.__str__(value)
    if isinstance(value, int) and not isinstance(value, bool) and type(value) is not int:
        return int.__index__(value)
    if isinstance(value, list) and type(value) is not list:
        return [exact(v) for v in list.__iter__(value)]
    if isinstance(value, tuple) and type(value) is not tuple:
        return tuple(exact(v) for v in tuple.__iter__(value))
    return value


class FrozenMap(Mapping[str, str]):
    """A read-only, hashable mapping (the tags): sorted by key, compared like a dict."""

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[str, str]) -> None:
        self._items = dict(sorted(items.items()))

    def __getitem__(self, key: str) -> str:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(tuple(self._items.items()))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self._items) == dict(other.items())

    def __repr__(self) -> str:
        return repr(self._items)


def normalise(value: Any) -> None:
    """Freeze a dataclass's fields in place: exact built-in types, lists as tuples, mappings
    as sorted :class:`FrozenMap`; nested parameter objects likewise."""
    for info in declared_fields(type(value)):
        item = exact(getattr(value, info.name))
        if isinstance(info.rule, TextList) and isinstance(item, (list, tuple)):
            item = tuple(exact(v) for v in item)
        elif isinstance(info.rule, TextMap) and isinstance(item, Mapping):
            pairs = list(dict.items(item) if isinstance(item, dict) else item.items())
            if all(isinstance(k, str) for k, _ in pairs):
                item = FrozenMap({exact(k): exact(v) for k, v in pairs})
        elif isinstance(info.rule, Nested) and isinstance(item, info.rule.cls):
            normalise(item)
        elif isinstance(info.rule, NestedList) and isinstance(item, (list, tuple)):
            item = tuple(item)
            for element in item:
                if isinstance(element, info.rule.cls):
                    normalise(element)
        object.__setattr__(value, info.name, item)
