"""What ``check`` reports: one :class:`Finding` per difference or per undecidable point."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

#: The account differs from the parameters.
DRIFT = "drift"
#: ``check`` cannot decide (a condition, a policy it cannot read): never reported as in sync.
CANNOT_VERIFY = "cannot-verify"
#: Information that changes no exit status: a managed document moved while the access it
#: gave stayed the same.
NOTE = "note"


@dataclass(frozen=True, order=True)
class Finding:
    """One difference between the account and the parameters, or one point ``check`` could
    not decide (both make ``check`` exit 1), or a note (which does not)."""

    #: What differs: a repository name, ``role <arn>``, ``registry policy`` ...
    subject: str
    #: What is wrong, in one line.
    message: str
    #: :data:`DRIFT`, :data:`CANNOT_VERIFY` or :data:`NOTE`.
    kind: str = DRIFT
    #: The principal concerned, when there is one: a role or user ARN, a service, ``*``.
    role: str | None = None
    #: The actions concerned, when there are any.
    actions: tuple[str, ...] = field(default=())
    #: The repositories concerned, when there are any.
    repositories: tuple[str, ...] = field(default=())
    #: The region of what differs, when it is not the parameters' (a replica's).
    region: str | None = None

    def __str__(self) -> str:
        return f"{self.subject}: {self.message}"

    def to_json(self, region: str) -> dict[str, Any]:
        """The finding for ``--format json`` (see ``check-output.schema.json``): ``principal``
        is whatever principal it concerns, ``role`` only an IAM role's ARN; ``repository`` and
        ``action`` are set when there is exactly one, the lists always; ``region`` is the
        finding's own, else ``region`` (the parameters')."""
        return {"subject": self.subject, "kind": self.kind, "message": self.message,
                "principal": self.role, "role": self.role if is_role_arn(self.role) else None,
                "repository": self.repositories[0] if len(self.repositories) == 1 else None,
                "repositories": list(self.repositories),
                "action": self.actions[0] if len(self.actions) == 1 else None,
                "actions": list(self.actions), "region": self.region or region}


def is_role_arn(principal: str | None) -> bool:
    """Whether ``principal`` is an IAM role's ARN (``arn:<partition>:iam::<account>:role/...``)."""
    if principal is None:
        return False
    parts = principal.split(":", 5)
    return (len(parts) == 6 and parts[0] == "arn" and parts[2] == "iam"
            and parts[5].startswith("role/"))


def drift(subject: str, message: str, **where: Any) -> Finding:
    """A :data:`DRIFT` finding."""
    return Finding(subject, message, DRIFT, **where)


def cannot_verify(subject: str, message: str, **where: Any) -> Finding:
    """A :data:`CANNOT_VERIFY` finding."""
    return Finding(subject, message, CANNOT_VERIFY, **where)


def note(subject: str, message: str, **where: Any) -> Finding:
    """A :data:`NOTE`."""
    return Finding(subject, message, NOTE, **where)


def some(names: Sequence[str], noun: str = "repositories") -> str:
    """``a1, b2`` for up to four names, else ``12 repositories``."""
    if len(names) <= 4:
        return ", ".join(names)
    return f"{len(names)} {noun}"


def plural(count: int, singular: str, many: str | None = None) -> str:
    """``1 repository``, ``2 repositories``."""
    return f"{count} {singular if count == 1 else (many or singular + 's')}"
