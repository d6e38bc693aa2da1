"""The independent IAM evaluation engine (@cloud-copilot/iam-simulate, through
``iam_oracle.mjs``): requests in, decisions out. Used by every test that proves access."""

from __future__ import annotations

import json
from typing import Any

from .tools import SUPPORT, run


def simulation(principal: str, action: str, resource: str, *, identity: list[Any],
               boundary: Any = None, resource_policy: Any = None,
               context: dict[str, Any] | None = None,
               home: str = "123456789012") -> dict[str, Any]:
    """One request for the engine: ``principal`` asks ``action`` on ``resource`` with these
    identity policies, boundary, resource policy and context keys; ``home`` is the account
    of a ``*`` resource."""
    account = "*" if resource == "*" else resource.split(":")[4]
    out: dict[str, Any] = {
        "request": {"principal": principal, "action": action,
                    "resource": {"resource": resource,
                                 "accountId": home if account == "*" else account},
                    "contextVariables": context or {}},
        "identityPolicies": [{"name": f"p{i}", "policy": p} for i, p in enumerate(identity)],
        "serviceControlPolicies": [], "resourceControlPolicies": []}
    if boundary is not None:
        out["permissionBoundaryPolicies"] = [{"name": "boundary", "policy": boundary}]
    if resource_policy is not None:
        out["resourcePolicy"] = resource_policy
    return out


def ask_the_engine(requests: list[dict[str, Any]]) -> list[Any]:
    text = "".join(json.dumps({"id": i, "simulation": s}) + "\n" for i, s in enumerate(requests))
    result = run(["node", str(SUPPORT / "iam_oracle.mjs"), "simulate"], input=text,
                 timeout=1200, check=True)
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["id"] for a in answers] == list(range(len(requests)))
    return [a["result"] for a in answers]
