"""Reading parameters: files, CDK context, and the one loader both halves and the CLI use.

Where the parameters come from, first match wins:

1. ``--config FILE`` (the command line) or ``$ECR_CLUSTER_ACCESS_CONFIG``: a JSON or YAML file
   (``.yaml`` / ``.yml`` in any case is YAML, anything else JSON). Set but empty is an error.
   A file named ``cdk.json`` gives the block in its ``context``.
2. CDK context, as the CDK CLI hands it to ``app.py`` (``$CDK_CONTEXT_JSON``, and the overflow
   file it names): ``cdk synth -c ecr-cluster-access='{...}'``, ``cdk.context.json`` and
   ``cdk.json`` as the CLI merged them. A string value is parsed as JSON.
3. The ``ecr-cluster-access`` block of the project's ``cdk.json`` ``context``, else of its
   ``cdk.context.json`` (the block in both is refused: the CDK CLI would merge them key by
   key and concatenate their lists).

Parsing is strict and bounded, whoever wrote the file: at most :data:`MAX_FILE_BYTES` bytes
and :data:`MAX_DEPTH` levels of nesting; duplicate keys, non-string keys, YAML aliases and
merge keys, and JSON's ``NaN``/``Infinity`` are refused; numbers longer than
:data:`MAX_NUMBER_DIGITS` digits are kept as an invalid marker rather than converted. Every
failure is one line.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NoReturn

from .model import Parameters
from .rules import stack_problems
from .spec import HugeNumber, ParameterError, show

#: The key of ``cdk.json``'s ``context`` that holds the embedded default parameters.
CONTEXT_KEY = "ecr-cluster-access"
#: Set to a JSON or YAML file with the same keys to replace that block for both halves.
CONFIG_ENV = "ECR_CLUSTER_ACCESS_CONFIG"
#: What the CDK CLI sets for the app it runs (aws-cdk-lib ``cx-api``).
CDK_CONTEXT_ENV = "CDK_CONTEXT_JSON"
CDK_CONTEXT_OVERFLOW_ENV = "CONTEXT_OVERFLOW_LOCATION_ENV"

#: The largest file read: 2 MiB, 49,000 repositories (100 shards) of 40 characters or 10,000 of
#: 200; one stack's 490 repositories at every other limit are under 60 KiB. A bound on the
#: work and memory of reading, not on the parameters.
MAX_FILE_BYTES = 2 * 1024 * 1024
#: The deepest nesting read; parameters need 4 levels, ``cdk.json`` 6.
MAX_DEPTH = 32
#: Longer integers are not converted (Python refuses over 4,300 digits, slowly).
MAX_NUMBER_DIGITS = 40
#: The most values (scalars and collections) a YAML file may hold: one stack's set at every
#: limit holds about 1,000, 10,000 repositories about 10,000 (a larger set is read from JSON,
#: which parses a hundred times faster). Parsing stops there, so a small file cannot cost much.
MAX_YAML_NODES = 20_000


class _Refused(Exception):
    """A document refused while parsing; the message is one line."""


# --- JSON --------------------------------------------------------------------------------------

# A string (its closing quote optional, so an unterminated one is consumed once, not retried
# from every quote) or a bracket: one left-to-right pass, linear in the text.
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]', re.S)


def _json_depth(text: str) -> int:
    """The deepest nesting of ``[`` and ``{`` in JSON text, strings aside."""
    depth = deepest = 0
    for match in _JSON_TOKEN.finditer(text):
        char = match.group()
        if char in ("[", "{"):
            depth += 1
            deepest = max(deepest, depth)
        elif char in ("]", "}"):
            depth -= 1
    return deepest


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Refused(f"duplicate key {show(key)}: give each key once")
        out[key] = value
    return out


def _json_int(text: str) -> int | HugeNumber:
    digits = len(text.lstrip("-"))
    return int(text) if digits <= MAX_NUMBER_DIGITS else HugeNumber(digits)


def _no_constant(name: str) -> NoReturn:
    raise _Refused(f"{name} is not a JSON number")


def loads_json(text: str) -> Any:
    """Parse JSON strictly (see the module docstring); raise ``_Refused`` or ValueError."""
    if _json_depth(text) > MAX_DEPTH:
        raise _Refused(f"nested deeper than {MAX_DEPTH} levels")
    return json.loads(text, object_pairs_hook=_unique_keys, parse_int=_json_int,
                      parse_constant=_no_constant)


# --- YAML --------------------------------------------------------------------------------------

def _yaml_loader() -> type:
    """A SafeLoader that refuses aliases, merge keys, non-string and duplicate keys, deep
    nesting, and does not convert huge integers. Built on first use: PyYAML is imported only
    when a YAML file is read."""
    import yaml

    class StrictLoader(yaml.SafeLoader):
        _depth = 0
        _nodes = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            event: Any = self.peek_event()  # type: ignore[no-untyped-call]
            mark: Any = event.start_mark
            if isinstance(event, yaml.AliasEvent):
                raise yaml.composer.ComposerError(
                    None, None, "aliases (*name) are not accepted: write the value out", mark)
            self._nodes += 1
            if self._nodes > MAX_YAML_NODES:
                raise yaml.composer.ComposerError(
                    None, None, f"more than {MAX_YAML_NODES} values: is this the right file?",
                    mark)
            nests = isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent))
            self._depth += nests
            try:
                if self._depth > MAX_DEPTH:
                    raise yaml.composer.ComposerError(
                        None, None, f"nested deeper than {MAX_DEPTH} levels", mark)
                return super().compose_node(parent, index)
            finally:
                self._depth -= nests

        def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
            if not isinstance(node, yaml.MappingNode):
                raise yaml.constructor.ConstructorError(
                    None, None, f"expected a mapping, found {node.id}", node.start_mark)
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise yaml.constructor.ConstructorError(
                        None, None, "merge keys (<<) are not accepted", key_node.start_mark)
                key = self.construct_object(key_node, deep=deep)
                if not isinstance(key, str):
                    raise yaml.constructor.ConstructorError(
                        None, None, f"key {show(key)} is not a string: quote it",
                        key_node.start_mark)
                if key in out:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {show(key)}: give each key once",
                        key_node.start_mark)
                out[key] = self.construct_object(value_node, deep=deep)
            return out

        def construct_yaml_int(self, node: Any) -> Any:
            digits = len(str(node.value).lstrip("+-").replace("_", ""))
            if digits > MAX_NUMBER_DIGITS:
                return HugeNumber(digits)
            return super().construct_yaml_int(node)

        def construct_yaml_bool(self, node: Any) -> Any:
            # YAML 1.1 reads yes/no/on/off as booleans; here only true and false are, and
            # anything else stays the text it is (a namespace called "no" is a name)
            text = self.construct_scalar(node)
            return {"true": True, "false": False}.get(str(text).lower(), text)

    StrictLoader.add_constructor("tag:yaml.org,2002:int", StrictLoader.construct_yaml_int)
    StrictLoader.add_constructor("tag:yaml.org,2002:bool", StrictLoader.construct_yaml_bool)
    return StrictLoader


def loads_yaml(text: str, where: str) -> Any:
    """Parse YAML strictly; raise :class:`ParameterError` with one line on any problem."""
    import yaml

    try:
        return yaml.load(text, Loader=_yaml_loader())  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        at = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ParameterError([f"{where}: not valid YAML{at}: {problem}"]) from None
    except Exception as error:  # PyYAML's constructors raise ValueError, KeyError, ...
        raise ParameterError([f"{where}: not valid YAML: a value cannot be read "
                              f"({type(error).__name__}: {show(str(error), 120)})"]) from None


# --- files -------------------------------------------------------------------------------------

def _file_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a socket or another special file"


def read_document(path: Path, what: str | None = None) -> Any:
    """Read and parse a JSON or YAML file within the caps; raise :class:`ParameterError`.

    ``what`` names where the path came from (``--config``, ``$ECR_CLUSTER_ACCESS_CONFIG``)
    for the line reporting a file that cannot be read.
    """
    where = str(path)
    label = f"{what}: cannot read {show(where, 240)}" if what else f"{where}: cannot read it"
    # a FIFO would block the open until a writer came, a device would never end: refuse
    # anything but a regular file before opening it, and open without blocking (a FIFO put in
    # its place between the two is refused by the second check)
    kind = None
    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):
            kind = _file_kind(mode)
        else:
            descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
            with os.fdopen(descriptor, "rb") as handle:
                mode = os.fstat(handle.fileno()).st_mode
                if stat.S_ISREG(mode):
                    data = handle.read(MAX_FILE_BYTES + 1)
                else:
                    kind = _file_kind(mode)
    except (OSError, ValueError) as error:  # ValueError: a NUL in the name
        reason = getattr(error, "strerror", None) or "not a usable file name"
        raise ParameterError([f"{label}: {reason}"]) from None
    if kind is not None:
        raise ParameterError([f"{label}: it is {kind}, not a regular file: give a parameters "
                              "file"])
    if len(data) > MAX_FILE_BYTES:
        raise ParameterError([f"{where}: over {MAX_FILE_BYTES} bytes, the limit for a "
                              "parameters file: is this the right file?"])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ParameterError([f"{where}: not UTF-8 text (byte {error.start}): save it as UTF-8"]
                             ) from None
    if path.suffix.lower() in (".yaml", ".yml"):
        return loads_yaml(text, where)
    return _loads_json_or_fail(text, where)


def _loads_json_or_fail(text: str, where: str) -> Any:
    try:
        return loads_json(text)
    except _Refused as error:
        raise ParameterError([f"{where}: not valid JSON: {error}"]) from None
    except json.JSONDecodeError as error:
        raise ParameterError(
            [f"{where}: not valid JSON at line {error.lineno} column {error.colno}: "
             f"{error.msg.removesuffix(' starting at')}"]) from None
    except (ValueError, RecursionError) as error:  # anything json raises beyond those
        raise ParameterError([f"{where}: not valid JSON: {error}"]) from None


# --- CDK context -------------------------------------------------------------------------------

def cdk_context(environ: Mapping[str, str]) -> dict[str, Any] | None:
    """The context the CDK CLI handed this process, or ``None`` outside ``cdk synth``.

    As aws-cdk-lib's ``App`` reads it: ``$CDK_CONTEXT_JSON``, plus the keys in the file
    ``$CONTEXT_OVERFLOW_LOCATION_ENV`` names when the context was too large for a variable.
    """
    text = environ.get(CDK_CONTEXT_ENV)
    if text is None:
        return None
    context = _loads_json_or_fail(text, f"${CDK_CONTEXT_ENV}")
    overflow = environ.get(CDK_CONTEXT_OVERFLOW_ENV)
    if overflow:
        extra = read_document(Path(overflow), f"${CDK_CONTEXT_OVERFLOW_ENV}")
        if isinstance(context, dict) and isinstance(extra, dict):
            context.update(extra)
    if not isinstance(context, dict):
        raise ParameterError([f"${CDK_CONTEXT_ENV}: {show(context)} is not an object: the CDK "
                              "CLI passes the context as one"])
    return context


def _refuse_stray_context_keys(context: Mapping[str, Any] | None) -> None:
    """Refuse CDK context keys that look like parameters but are not read (``-c account=1``,
    ``-c ecr-cluster-access.account=1``): the parameters are one block, and a silently
    ignored value is worse than a refused one."""
    if not context:
        return
    from dataclasses import fields

    from .model import Parameters
    from .spec import camel

    names = {camel(f.name) for f in fields(Parameters)}
    stray = [key for key in context if isinstance(key, str) and (
        key in names or key.startswith((f"{CONTEXT_KEY}.", f"{CONTEXT_KEY}:", f"{CONTEXT_KEY}/")))]
    if stray:
        key = stray[0]
        # ecr-cluster-access.account, :account or /account: the field follows the separator
        field = key[len(CONTEXT_KEY) + 1:] if key.startswith(CONTEXT_KEY) else key
        raise ParameterError([
            f"CDK context {show(key, 80)}: not read: the parameters are one block; pass "
            f"-c {CONTEXT_KEY}='{{\"{field}\": ...}}' with every field you set, or put them in "
            f"cdk.json's context.{CONTEXT_KEY}"])


def _block_of(document: Any) -> Any:
    """The ``ecr-cluster-access`` value of a context mapping, or ``None``."""
    return document.get(CONTEXT_KEY) if isinstance(document, Mapping) else None


def _context_value(value: Any, where: str) -> Any:
    """A CDK context value: an object as is, a string (``-c key='{...}'``) parsed as JSON."""
    if isinstance(value, str):
        if len(value.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
            raise ParameterError([f"{where}: over {MAX_FILE_BYTES} bytes"])
        return _loads_json_or_fail(value, where)
    return value


def _file_block(value: Any, where: str) -> Any:
    """The block in a file: an object (a string is how ``-c`` passes it, not how files do)."""
    if isinstance(value, str):
        raise ParameterError([f"{where}: is a string: write the block as a JSON object"])
    return value


def _project_blocks(project_dir: Path) -> list[tuple[Any, str]]:
    """``(block, source)`` from ``cdk.json``'s context and from ``cdk.context.json``; refuse
    the block in both (the CDK CLI would merge them key by key, lists concatenated)."""
    cdk_json = project_dir / "cdk.json"
    context_json = project_dir / "cdk.context.json"
    found = []
    if cdk_json.exists():
        config = read_document(cdk_json)
        block = _block_of(config.get("context") if isinstance(config, Mapping) else None)
        if block is not None:
            found.append((block, f"{cdk_json} context.{CONTEXT_KEY}"))
    if context_json.exists():
        block = _block_of(read_document(context_json))
        if block is not None:
            found.append((block, f"{context_json} {CONTEXT_KEY}"))
    if len(found) > 1:
        raise ParameterError([f"{context_json}: also holds a {CONTEXT_KEY!r} block, as does "
                              f"{cdk_json}: the CDK CLI would merge them key by key (lists "
                              "concatenated); keep one"])
    return found


def _project_block(project_dir: Path) -> tuple[Any, str]:
    """The block from ``cdk.json``'s context, else ``cdk.context.json``, with its source."""
    cdk_json = project_dir / "cdk.json"
    if not cdk_json.exists() and not (project_dir / "cdk.context.json").exists():
        raise ParameterError([f"{cdk_json}: cannot read it: no such file: run in the project "
                              f"directory, pass --project-dir or --config FILE, or set "
                              f"{CONFIG_ENV}"])
    found = _project_blocks(project_dir)
    if not found:
        raise ParameterError([f"{cdk_json}: no context.{CONTEXT_KEY!r} block: add one, or set "
                              f"{CONFIG_ENV} to a parameters file"])
    block, source = found[0]
    return _file_block(block, source), source


# --- the loader --------------------------------------------------------------------------------

def load_parameters(project_dir: str | os.PathLike[str] | None = None,
                    environ: Mapping[str, str] | None = None, *,
                    config: str | None = None) -> Parameters:
    """Load and validate the parameters both halves use; raise :class:`ParameterError`.

    ``config`` is a file named on the command line; ``environ`` defaults to ``os.environ``;
    ``project_dir`` (default: the current directory) holds ``cdk.json``. The module docstring
    gives the order of the sources. Every problem line starts with its source.
    """
    env = os.environ if environ is None else environ
    directory = Path(project_dir or ".")
    raw: Any
    if config is not None or env.get(CONFIG_ENV) is not None:
        label = "--config" if config is not None else f"${CONFIG_ENV}"
        name = config if config is not None else env[CONFIG_ENV]
        if not name:
            raise ParameterError([f"{label}: is empty: name a JSON or YAML parameters file"
                                  + ("" if config is not None else
                                     f", or unset {CONFIG_ENV} to use cdk.json's context")])
        if not isinstance(name, (str, os.PathLike)):
            raise ParameterError([f"{label}: {show(name)} is not a file name"])
        raw, source = read_document(Path(name), label), str(name)
        if Path(name).name.lower() == "cdk.json":  # a cdk.json given as the file: its block
            block = _block_of(raw.get("context") if isinstance(raw, Mapping) else None)
            if block is None:
                raise ParameterError([f"{name}: no context.{CONTEXT_KEY!r} block"])
            raw, source = _file_block(block, name), f"{name} context.{CONTEXT_KEY}"
    else:
        context = cdk_context(env)
        _refuse_stray_context_keys(context)
        block = _block_of(context)
        if block is not None:
            # the CLI merged them: refuse the block in both files
            in_files = _project_blocks(directory)
            source = f"CDK context {CONTEXT_KEY}"
            raw = _context_value(block, source)
            # The CDK CLI (JavaScript) drops a __proto__ key when it passes cdk.json's context
            # on: when the context block is the file's block without it, read the file's
            # block as validate does, so every entry point sees the same keys
            if in_files and isinstance(in_files[0][0], Mapping) and isinstance(raw, Mapping):
                file_block = in_files[0][0]
                if set(file_block) - set(raw) == {"__proto__"} and all(
                        k in file_block and file_block[k] == v for k, v in raw.items()):
                    raw, source = _file_block(file_block, in_files[0][1]), in_files[0][1]
        else:
            raw, source = _project_block(directory)
    try:
        return Parameters.from_mapping(raw)
    except ParameterError as error:
        shown = source if len(source) <= 120 else "..." + source[-117:]  # keep the field
        raise ParameterError([f"{shown}: {p}" for p in error.problems]) from None


def exit_on_error(error: ParameterError, prog: str = "ecr-cluster-access") -> NoReturn:
    """Print each problem as one line on stderr and exit with status 2."""
    encoding = getattr(sys.stderr, "encoding", None) or "utf-8"
    for problem in error.problems:  # escaped already; never fail on a terminal's encoding
        line = f"{prog}: error: {problem}"
        print(line.encode(encoding, "backslashreplace").decode(encoding), file=sys.stderr)
    raise SystemExit(2)


def load_parameters_or_exit(project_dir: str | os.PathLike[str] | None = None, *,
                            for_stack: bool = False) -> Parameters:
    """:func:`load_parameters`, but print the problems and exit 2 instead of raising.

    With ``for_stack`` (``app.py``), what a stack needs beyond the cluster half is required
    too: a worker role ARN, and the builder identity's OIDC provider ARN or cluster name.
    """
    try:
        params = load_parameters(project_dir)
        if for_stack and (problems := stack_problems(params)):
            raise ParameterError(problems)
        return params
    except ParameterError as error:
        exit_on_error(error)
