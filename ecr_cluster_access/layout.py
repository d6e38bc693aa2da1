"""Which stack holds what: one stack, or a registry stack and ``shards`` repository stacks.

Plain Python (no aws-cdk-lib): ``app.py``, the construct, the template size model, the name
claims and ``ecr-cluster-access plan`` all read the layout here.

- ``shards`` 1: one stack, ``stackName``, holds everything (part ``None``).
- ``shards`` N > 1: the registry stack, ``<stackName>-registry`` (part :data:`REGISTRY`), holds
  what the account or registry holds once (the token grant, roles, the developer policy,
  replication, registry policy and scanning, pull-through cache rules, creation templates);
  shard stack ``<stackName>-shard-NNN`` (part ``NNN``, an ``int``) holds the repositories
  :func:`naming.shard_of` gives it, and depends on the registry stack.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from . import naming

#: The registry stack's part.
REGISTRY = "registry"
#: A part of the layout: ``None`` (everything, one stack), :data:`REGISTRY`, or a shard number.
Part = str | int | None


def check_part(part: object, shards: int) -> None:
    """Raise ``ValueError`` (one line) unless ``part`` is a part of a ``shards``-stack layout."""
    if part is None or part == REGISTRY or (
            isinstance(part, int) and not isinstance(part, bool) and 0 <= part < shards):
        return
    raise ValueError(f"part: {part!r} is not accepted: use None (one stack), {REGISTRY!r} or "
                     f"a shard number from 0 to {shards - 1} (the parameters' shards is "
                     f"{shards})")


def repositories_of(params: Any, part: Part) -> tuple[str, ...]:
    """The repositories ``part`` holds, in parameter order."""
    if part is None:
        return tuple(params.repositories)
    if part == REGISTRY:
        return ()
    return _assignment(tuple(params.repositories), params.shards)[int(part)]


@lru_cache(maxsize=8)
def _assignment(names: tuple[str, ...], shards: int) -> tuple[tuple[str, ...], ...]:
    """Every shard's repositories, in the names' order."""
    held: list[list[str]] = [[] for _ in range(shards)]
    for name in names:
        held[naming.shard_of(name, shards)].append(name)
    return tuple(map(tuple, held))


def holds_registry(part: Part) -> bool:
    """Whether ``part`` holds the account's and registry's resources (not only repositories)."""
    return part is None or part == REGISTRY


def stack_name(params: Any, part: Part) -> str:
    """The CloudFormation name of ``part``'s stack."""
    if part is None:
        return str(params.stack_name)
    if part == REGISTRY:
        return naming.registry_stack_name(params.stack_name)
    return naming.shard_stack_name(params.stack_name, int(part))


def parts(params: Any) -> tuple[Part, ...]:
    """The parts ``app.py`` makes a stack of: ``(None,)`` for one stack, else the registry
    and every shard that holds a repository (CloudFormation refuses a stack without
    resources; a shard's stack appears with its first repository)."""
    if params.shards == 1:
        return (None,)
    held = _assignment(tuple(params.repositories), params.shards)
    return (REGISTRY, *(index for index, names in enumerate(held) if names))
