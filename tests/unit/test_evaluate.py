"""`check`'s IAM evaluator (``check/evaluate.py``) on a literal decision table.

Each row is one same-account request with its policies and the answer AWS's policy
evaluation logic gives (IAM User Guide, "Policy evaluation logic"), written here by hand:
tests/e2e/test_evaluate_engine.py puts every decidable row to an independent engine
(@cloud-copilot/iam-simulate) and must get the same answer. ``unknown`` rows are the
evaluator's own contract: what it cannot decide (a Condition, a policy variable, a malformed
statement), it must not guess.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import pytest

from ecr_cluster_access.check.evaluate import Policy, decide, statement_applies

ROLE = "arn:aws:iam::123456789012:role/k8s-worker"
OTHER_ROLE = "arn:aws:iam::123456789012:role/other"
REPO = "arn:aws:ecr:us-east-1:123456789012:repository/builds/app"
WEB = "arn:aws:ecr:us-east-1:123456789012:repository/builds/web"
PUT = "ecr:PutImage"


def allow(action: Any = PUT, resource: Any = REPO, **more: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **more}


def deny(action: Any = PUT, resource: Any = REPO, **more: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **more}


def doc(*statements: Any) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def grant(principal: Any = None, effect: str = "Allow", action: Any = PUT,
          **more: Any) -> dict[str, Any]:
    """A repository policy statement (no Resource: it is the repository's own)."""
    return {"Effect": effect, "Principal": {"AWS": ROLE} if principal is None else principal,
            "Action": action, **more}


class Row(NamedTuple):
    name: str
    identity: list[Any]
    boundary: Any
    resource_policy: Any
    action: str
    resource: str
    result: str
    by: tuple[str, ...]


def row(name: str, result: str, by: tuple[str, ...] = (), *, identity: Any = (),
        boundary: Any = None, resource_policy: Any = None, action: str = PUT,
        resource: str = REPO) -> Row:
    return Row(name, list(identity), boundary, resource_policy, action, resource, result, by)


ROWS = [
    # identity policies: Action, NotAction, wildcards, case
    row("allowed exactly", "allow", ("p0",), identity=[doc(allow())]),
    row("allowed in the second of two policies", "allow", ("p1",),
        identity=[doc(allow("ecr:BatchGetImage")), doc(allow())]),
    row("a statement given as an object", "allow", ("p0",),
        identity=[{"Version": "2012-10-17", "Statement": allow()}]),
    row("nothing allows", "implicit-deny"),
    row("another action only", "implicit-deny", identity=[doc(allow("ecr:BatchGetImage"))]),
    row("a prefix wildcard", "allow", ("p0",), identity=[doc(allow("ecr:Put*"))]),
    row("actions match case-insensitively", "allow", ("p0",),
        identity=[doc(allow("ECR:putimage"))]),
    row("? is one character", "allow", ("p0",), identity=[doc(allow("ecr:?utImage"))]),
    row("? is not two", "implicit-deny", identity=[doc(allow("ecr:?Image"))]),
    row("a list with the action", "allow", ("p0",),
        identity=[doc(allow(["ecr:BatchGetImage", PUT]))]),
    row("NotAction that leaves the action in", "allow", ("p0",),
        identity=[doc({"Effect": "Allow", "NotAction": "ecr:BatchGetImage",
                       "Resource": REPO})]),
    row("NotAction that names the action", "implicit-deny",
        identity=[doc({"Effect": "Allow", "NotAction": PUT, "Resource": REPO})]),
    # identity policies: Resource and NotResource
    row("another repository only", "implicit-deny", identity=[doc(allow(resource=WEB))]),
    row("every resource", "allow", ("p0",), identity=[doc(allow(resource="*"))]),
    row("every repository of the account", "allow", ("p0",), identity=[doc(allow(
        resource="arn:aws:ecr:us-east-1:123456789012:repository/*"))]),
    row("any region", "allow", ("p0",), identity=[doc(allow(
        resource="arn:aws:ecr:*:123456789012:repository/builds/app"))]),
    row("another account's repository", "implicit-deny", identity=[doc(allow(
        resource="arn:aws:ecr:us-east-1:210987654321:repository/builds/app"))]),
    row("a region wildcard of other regions", "implicit-deny", identity=[doc(allow(
        resource="arn:aws:ecr:eu-*:123456789012:repository/builds/app"))]),
    row("NotResource of another repository", "allow", ("p0",), identity=[doc(
        {"Effect": "Allow", "Action": PUT, "NotResource": WEB})]),
    row("NotResource of this repository", "implicit-deny", identity=[doc(
        {"Effect": "Allow", "Action": PUT, "NotResource": [REPO, WEB]})]),
    row("the second statement of a policy", "allow", ("p0",),
        identity=[doc(allow("ecr:BatchGetImage"), allow())]),
    row("a pattern that is not an ARN, then the repository", "allow", ("p0",),
        identity=[doc(allow(resource=["builds/app", REPO]))]),
    row("an ARN pattern with a colon more", "implicit-deny", identity=[doc(allow(
        resource=f"{REPO}:latest"))]),
    row("a wildcard in the repository name", "allow", ("p0",), identity=[doc(allow(
        resource="arn:aws:ecr:us-east-1:123456789012:repository/bu*/app"))]),
    row("a resource type spelled otherwise", "implicit-deny", identity=[doc(allow(
        resource="arn:aws:ecr:us-east-1:123456789012:XRepository/builds/app"))]),
    row("ARN in capitals", "unknown", ("p0 (an ARN prefix in another case)",),
        identity=[doc(allow(
        resource="ARN:aws:ecr:us-east-1:123456789012:repository/builds/app"))]),
    # the registry login: its resource is "*"
    row("the token on *", "allow", ("p0",), identity=[doc(allow(
        "ecr:GetAuthorizationToken", "*"))], action="ecr:GetAuthorizationToken", resource="*"),
    row("the token is not granted by repository ARNs", "implicit-deny", identity=[doc(allow(
        "ecr:GetAuthorizationToken", "arn:aws:ecr:us-east-1:123456789012:repository/*"))],
        action="ecr:GetAuthorizationToken", resource="*"),
    row("the token on a wildcard that is not an ARN", "allow", ("p0",), identity=[doc(allow(
        "ecr:GetAuthorizationToken", ["x", "*"]))], action="ecr:GetAuthorizationToken",
        resource="*"),
    row("the token on a pattern of two stars", "allow", ("p0",), identity=[doc(allow(
        "ecr:GetAuthorizationToken", "**"))], action="ecr:GetAuthorizationToken",
        resource="*"),
    row("the token is not granted by a wildcard resource type", "implicit-deny",
        identity=[doc(allow("ecr:GetAuthorizationToken",
                            "arn:aws:ecr:us-east-1:123456789012:repo*/x"))],
        action="ecr:GetAuthorizationToken", resource="*"),
    row("a colon inside the resource part", "implicit-deny", identity=[doc(allow(
        resource="arn:aws:ecr:us-east-1:123456789012:repository/x:r*/y"))]),
    row("a pattern that is not an ARN matches case-sensitively", "implicit-deny",
        identity=[doc(allow(resource="arn?aws:ecr:us-east-1:123456789012:repository/BUILDS/APP"))]),
    # explicit Deny wins, wherever it is
    row("a Deny after an undecidable statement", "deny", ("p0",), identity=[doc(
        allow(Condition={"Bool": {"aws:SecureTransport": "true"}}), deny())]),
    row("a Deny beside the Allow", "deny", ("p1",), identity=[doc(allow()), doc(deny())]),
    row("a Deny of every ecr action", "deny", ("p0",),
        identity=[doc(allow(), deny("ecr:*", "*"))]),
    row("a Deny of another action", "allow", ("p0",),
        identity=[doc(allow(), deny("ecr:BatchGetImage"))]),
    row("a Deny after a policy that is not a document", "deny", ("p1",),
        identity=[["not a document"], doc(deny())]),
    row("a Deny in the repository policy", "deny", ("repository",),
        identity=[doc(allow())], resource_policy=doc(grant(effect="Deny"))),
    row("a Deny in the boundary", "deny", ("boundary",), identity=[doc(allow())],
        boundary=doc(allow("ecr:*", "*"), deny())),
    # the repository policy
    row("the repository policy names the role", "allow", ("repository",),
        resource_policy=doc(grant())),
    row("both allow", "allow", ("p0", "repository"), identity=[doc(allow())],
        resource_policy=doc(grant())),
    row("the repository policy names everyone", "allow", ("repository",),
        resource_policy=doc(grant("*"))),
    row("the repository policy names AWS: *", "allow", ("repository",),
        resource_policy=doc(grant({"AWS": "*"}))),
    row("the repository policy names another role", "implicit-deny",
        resource_policy=doc(grant({"AWS": OTHER_ROLE}))),
    row("the repository policy names the account only", "implicit-deny",
        resource_policy=doc(grant({"AWS": "arn:aws:iam::123456789012:root"}))),
    row("the repository policy names a service", "implicit-deny",
        resource_policy=doc(grant({"Service": "codebuild.amazonaws.com"}))),
    row("the repository policy names the role among others", "allow", ("repository",),
        resource_policy=doc(grant({"AWS": [OTHER_ROLE, ROLE]}))),
    # the permissions boundary limits identity policies and the role-named resource policy
    row("identity and boundary allow", "allow", ("p0",), identity=[doc(allow())],
        boundary=doc(allow("ecr:*", "*"))),
    row("the boundary leaves the action out", "implicit-deny", ("boundary",),
        identity=[doc(allow())], boundary=doc(allow("ecr:BatchGetImage", "*"))),
    row("the repository policy's Allow does not pass the boundary", "implicit-deny",
        ("boundary",), resource_policy=doc(grant()),
        boundary=doc(allow("ecr:BatchGetImage", "*"))),
    row("a boundary alone allows nothing", "implicit-deny",
        boundary=doc(allow("ecr:*", "*"))),
    row("the boundary's NotResource", "implicit-deny", ("boundary",), identity=[doc(allow())],
        boundary=doc({"Effect": "Allow", "Action": "ecr:*", "NotResource": REPO})),
    # what the evaluator cannot decide: never a guess
    row("a Condition on the Allow", "unknown", ("p0 (a Condition)",),
        identity=[doc(allow(Condition={"Bool": {"aws:SecureTransport": "true"}}))]),
    row("a Condition on a Deny beside an Allow", "unknown", ("p1 (a Condition)",),
        identity=[doc(allow()), doc(deny(Condition={"Bool": {"aws:SecureTransport": "true"}}))]),
    row("a policy variable", "unknown", ("p0 (a policy variable)",), identity=[doc(allow(
        resource="arn:aws:ecr:us-east-1:123456789012:repository/${aws:username}"))]),
    row("an identity statement without Resource", "unknown",
        ("p0 (an identity statement without Resource)",),
        identity=[doc({"Effect": "Allow", "Action": PUT})]),
    row("both Action and NotAction", "unknown",
        ("p0 (neither or both of Action and NotAction)",),
        identity=[doc({"Effect": "Allow", "Action": PUT, "NotAction": "x", "Resource": "*"})]),
    row("both Resource and NotResource", "unknown", ("p0 (both Resource and NotResource)",),
        identity=[doc(allow(NotResource=WEB))]),
    row("an Effect that is neither", "unknown", ("p0 (Effect 'allow')",),
        identity=[doc({**allow(), "Effect": "allow"})]),
    row("not a policy document", "unknown", ("p0 (not a policy document)",),
        identity=[["not", "a", "document"]]),
    row("a statement that is not an object", "unknown",
        ("p0 (a statement that is not an object)",), identity=[doc("Allow everything")]),
    row("Statement that is not a list", "unknown", ("p0 (not a policy document)",),
        identity=[{"Version": "2012-10-17", "Statement": "Allow"}]),
    row("an Action that is a number", "unknown",
        ("p0 (an Action that is not a string or a list of strings)",),
        identity=[doc({"Effect": "Allow", "Action": 5, "Resource": "*"})]),
    row("a Resource that is an empty list", "unknown",
        ("p0 (a Resource that is not a string or a list of strings)",),
        identity=[doc(allow(resource=[]))]),
    row("a long Effect is shortened", "unknown", ("p0 (Effect '" + "x" * 36 + "...)",),
        identity=[doc({**allow(), "Effect": "x" * 50})]),
    row("an Effect of 40 characters shown whole", "unknown", ("p0 (Effect '" + "x" * 38 + "')",),
        identity=[doc({**allow(), "Effect": "x" * 38})]),
    row("an Effect of 41 characters shortened", "unknown", ("p0 (Effect '" + "x" * 36 + "...)",),
        identity=[doc({**allow(), "Effect": "x" * 39})]),
    row("a Principal that is text", "unknown",
        ("repository (a Principal that is not an object)",),
        resource_policy=doc(grant("k8s-worker"))),
    row("an empty Principal", "unknown", ("repository (a Principal that is not an object)",),
        resource_policy=doc(grant({}))),
    row("a Principal.AWS that is a number", "unknown",
        ("repository (a Principal.AWS that is not a string or a list of strings)",),
        resource_policy=doc(grant({"AWS": 5}))),
    row("only the undecidable boundary statement is named", "unknown",
        ("boundary (a Condition)",), identity=[doc(allow(), allow(
            "ecr:*", "*", Condition={"Bool": {"aws:SecureTransport": "true"}}))],
        boundary=doc(allow("ecr:*", "*", Condition={"Bool": {"aws:SecureTransport": "1"}}))),
    row("only the undecidable identity statement is named", "unknown", ("p0 (a Condition)",),
        identity=[doc(allow(Condition={"Bool": {"aws:SecureTransport": "true"}}))],
        boundary=doc(allow("ecr:*", "*"), allow(
            "ecr:*", "*", Condition={"Bool": {"aws:SecureTransport": "1"}}))),
    row("a NotPrincipal", "unknown", ("repository (a NotPrincipal)",),
        resource_policy=doc({"Effect": "Allow", "NotPrincipal": {"AWS": OTHER_ROLE},
                             "Action": PUT})),
    row("a repository statement without Principal", "unknown",
        ("repository (a resource policy statement without Principal)",),
        resource_policy=doc({"Effect": "Allow", "Action": PUT})),
    row("an ARN of five parts", "unknown", ("p0 (an ARN with fewer than six parts)",),
        identity=[doc(allow(resource="arn:aws:ecr:us-east-1:123456789012"))]),
    row("a wildcard in the resource type", "unknown",
        ("p0 (a wildcard in an ARN's resource type)",),
        identity=[doc(allow(resource="arn:aws:ecr:us-east-1:123456789012:repo*/builds/app"))]),
    row("a partition in another case", "unknown",
        ("p0 (an ARN whose partition, service or region differs in case)",),
        identity=[doc(allow(resource="arn:AWS:ecr:us-east-1:123456789012:repository/builds/app"))]),
    row("a Resource with spaces", "unknown", ("p0 (a Resource with surrounding whitespace)",),
        identity=[doc(allow(resource=f" {REPO}"))]),
]


def policies(r: Row) -> dict[str, Any]:
    return {"identity": [Policy(f"p{i}", d) for i, d in enumerate(r.identity)],
            "boundary": None if r.boundary is None else Policy("boundary", r.boundary),
            "resource_policy": (None if r.resource_policy is None
                                else Policy("repository", r.resource_policy))}


@pytest.mark.parametrize("r", ROWS, ids=[r.name for r in ROWS])
def test_each_request_is_decided_as_aws_decides_it(r: Row) -> None:
    decision = decide(role_arn=ROLE, action=r.action, resource=r.resource, **policies(r))
    assert (decision.result, decision.by) == (r.result, r.by)


def test_an_undecidable_deny_alone_cannot_allow() -> None:
    conditional = doc(deny(Condition={"Bool": {"aws:SecureTransport": "true"}}))
    alone = decide(role_arn=ROLE, action=PUT, resource=REPO,
                   identity=[Policy("p0", conditional)])
    beside = decide(role_arn=ROLE, action=PUT, resource=REPO,
                    identity=[Policy("p0", conditional), Policy("p1", doc(allow()))])
    assert (alone.result, alone.could_allow) == ("unknown", False)
    assert (beside.result, beside.could_allow) == ("unknown", True)


def test_a_conditional_allow_that_the_boundary_blocks_is_denied() -> None:
    # whatever the Condition says, the boundary does not allow the action
    decision = decide(role_arn=ROLE, action=PUT, resource=REPO, identity=[Policy("p0", doc(
        allow(Condition={"Bool": {"aws:SecureTransport": "true"}})))],
        boundary=Policy("boundary", doc(allow("ecr:BatchGetImage", "*"))))
    assert (decision.result, decision.by) == ("implicit-deny", ())
    # and a conditional boundary over a plain Allow cannot be decided, but could allow
    decision = decide(role_arn=ROLE, action=PUT, resource=REPO,
                      identity=[Policy("p0", doc(allow()))], boundary=Policy("boundary", doc(
                          allow("ecr:*", "*", Condition={"Bool": {"aws:SecureTransport": "1"}}))))
    assert (decision.result, decision.by, decision.could_allow) == (
        "unknown", ("boundary (a Condition)",), True)


def test_a_repository_statement_applies_only_to_its_principal() -> None:
    statement = grant()
    assert statement_applies(statement, action=PUT, resource=REPO, principal=ROLE)
    assert not statement_applies(statement, action=PUT, resource=REPO, principal=OTHER_ROLE)
    assert not statement_applies(statement, action="ecr:BatchGetImage", resource=REPO,
                                 principal=ROLE)


def test_a_bracket_is_a_character_not_a_set() -> None:
    # IAM refuses such an action name when the policy is written; were one read, it must not
    # match as fnmatch's set would
    decision = decide(role_arn=ROLE, action=PUT, resource=REPO,
                      identity=[Policy("p0", doc(allow("ecr:[P]utImage")))])
    assert decision.result == "implicit-deny"
    assert decide(role_arn=ROLE, action="ecr:[P]utImage", resource=REPO,
                  identity=[Policy("p0", doc(allow("ecr:[P]utImage")))]).result == "allow"
