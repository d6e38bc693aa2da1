"""What ``check`` reports: one :class:`Finding` per difference or per undecidable point."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

#: The account differs from the parameters.
DRIFT = "drift"
#: ``check`` cannot decide (a condition, a policy it cannot read): never reported as in sync.
CANNOT_VERIFY = "cannot-verify"


@dataclass(frozen=True, order=True)
class Finding:
    """One difference between the account and the parameters, or one point ``check`` could
    not decide. Both make ``check`` exit 1."""

    #: What differs: a repository name, ``role <arn>``, ``registry policy`` ...
    subject: str
    #: What is wrong, in one line.
    message: str
    #: :data:`DRIFT` or :data:`CANNOT_VERIFY`.
    kind: str = DRIFT
    #: The role concerned, when there is one.
    role: str | None = None
    #: The actions concerned, when there are any.
    actions: tuple[str, ...] = field(default=())
    #: The repositories concerned, when there are any.
    repositories: tuple[str, ...] = field(default=())

    def __str__(self) -> str:
        return f"{self.subject}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        """The finding for ``--format json``."""
        return {"subject": self.subject, "kind": self.kind, "message": self.message,
                "role": self.role, "actions": list(self.actions),
                "repositories": list(self.repositories)}


def drift(subject: str, message: str, **where: Any) -> Finding:
    """A :data:`DRIFT` finding."""
    return Finding(subject, message, DRIFT, **where)


def cannot_verify(subject: str, message: str, **where: Any) -> Finding:
    """A :data:`CANNOT_VERIFY` finding."""
    return Finding(subject, message, CANNOT_VERIFY, **where)


def some(names: Sequence[str], noun: str = "repositories") -> str:
    """``a1, b2`` for up to four names, else ``12 repositories``."""
    if len(names) <= 4:
        return ", ".join(names)
    return f"{len(names)} {noun}"


def plural(count: int, singular: str, many: str | None = None) -> str:
    """``1 repository``, ``2 repositories``."""
    return f"{count} {singular if count == 1 else (many or singular + 's')}"
