"""`check` proved against an independent IAM evaluator: @cloud-copilot/iam-simulate.

The expected access is written once, below, as literal data (the README's "who may do
what" for this parameter set), not computed by ``documents.py``. From the in-sync account
state, 400 mutated states are generated, in both directions: grants added, removed and
altered in identity policies, boundaries (SCP-like Denies included), repository, replica and
registry policies; Conditions, ``NotResource``, ``NotAction``, wildcards, strangers, and
rewrites that keep the meaning. For every state the engine decides every point of the table
(each identity, resource and action), and `check` must say drift exactly when

- the engine finds access that differs from the table (for any state), or
- a document the stack manages differs, by a normaliser written here (repository, replica
  and registry policies, the worker roles' token policy where it exists, and everything on
  the builder role, which the stack owns);

where `check` cannot decide (a Condition, a policy variable) it may say "cannot verify"
instead of "in sync", and those states are counted apart. Faults put into `check`'s own
evaluator (``NotResource`` read as ``Resource``, ``NotAction`` as ``Action``, a Deny
ignored, a repository policy's Allow let through a boundary, a ``Resource`` ignored) must
each make it disagree. The figures are printed; the target is 100 %.
"""

from __future__ import annotations

import copy
import json
import random
from typing import Any

import pytest

from ecr_cluster_access import Parameters, documents
from ecr_cluster_access.check import AccountState, RepositoryState, findings

from ..support.accounts import in_sync_state
from ..support.expected_access import (
    ESCALATION,
    PULL,
    SEVEN,
    TOKEN,
    change_actions,
    table,
    universe_of,
)
from ..support.oracle import ask_the_engine, simulation
from ..support.parameters import params_dict
from ..support.tools import NODE_BIN, SUPPORT, run

pytestmark = pytest.mark.e2e

ACCOUNT = "123456789012"
W1 = f"arn:aws:iam::{ACCOUNT}:role/k8s-worker"
W2 = f"arn:aws:iam::{ACCOUNT}:role/eks/second-pool"
REMOTE = "arn:aws:iam::210987654321:role/other-cluster"
STRANGER = "arn:aws:iam::999999999999:role/stranger"
OIDC = (f"arn:aws:iam::{ACCOUNT}:oidc-provider/"
        "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE")
PARAMS = Parameters.from_mapping(params_dict(
    repositories=["builds/app", "builds/web"], workerRoleArns=[W1, W2, REMOTE],
    builderIdentity={"mode": "irsa", "oidcProviderArn": OIDC}, replicationRegions=["us-west-2"]))
BUILDER = PARAMS.builder_role_arn or ""
STATES = 400
SEED = 20261127

ACTIONS = ["ecr:*", "ecr:Put*", "ecr:*Image", "ecr:Batch*", "ecr:Get*", "ecr:Describe*", "*",
           "s3:*", "iam:PassRole", "ecr:PutImage", "ecr:BatchGetImage", "ecr:DeleteRepository",
           "ecr:SetRepositoryPolicy", "ecr:BatchDeleteImage", "ecr:GetAuthorizationToken",
           "ecr:UploadLayerPart", "ecr:DescribeImages", "ecr:?utImage", "ECR:PUTIMAGE"]
RESOURCES = ["*", f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/builds/app",
             f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/builds/*",
             "arn:aws:ecr:*:*:repository/*", f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/prod",
             "arn:aws:s3:::bucket/*", f"arn:aws:ecr:us-west-2:{ACCOUNT}:repository/*",
             f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/${{aws:PrincipalTag/team}}/*",
             f"arn:aws:ecr:*:{ACCOUNT}:*/builds/*", f"arn:aws:ECR:us-east-1:{ACCOUNT}:repository/*",
             "arn:aws:ecr", f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/?uilds/app"]
#: Repositories outside the parameters: a role in the parameters may change nothing there.
OTHERS = [f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/prod",
          f"arn:aws:ecr:eu-west-1:{ACCOUNT}:repository/builds/app",
          f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/builds/other"]

# --- the expected access, as data (tests/support/expected_access.py) --------------------------
APP = f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/builds/app"
WEB = f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/builds/web"
APP_WEST = f"arn:aws:ecr:us-west-2:{ACCOUNT}:repository/builds/app"
WEB_WEST = f"arn:aws:ecr:us-west-2:{ACCOUNT}:repository/builds/web"
#: Who may do what, for these parameters: push-pull workers, an IRSA builder, replication to
#: us-west-2, a worker of another account, a stranger. On other repositories only the
#: changes are decided (reads there are fine: AWS's read-only policy gives them).
EXPECTED = table(
    pushers=[W1, W2, f"arn:aws:iam::{ACCOUNT}:role/EcrClusterAccess-builder"], remote=[REMOTE],
    strangers=[STRANGER], repositories=[APP, WEB], replicas=[APP_WEST, WEB_WEST], others=OTHERS)
PRINCIPALS: list[Any] = [W1, W2, BUILDER, REMOTE, STRANGER, "*", {"AWS": "*"},
                         f"arn:aws:iam::{ACCOUNT}:root", "999999999999"]


def statement(rng: random.Random, *, resource_policy: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"Effect": rng.choice(["Allow", "Allow", "Deny"])}
    actions = rng.sample(ACTIONS, rng.randint(1, 3))
    out["NotAction" if rng.random() < 0.15 else "Action"] = (
        actions[0] if len(actions) == 1 and rng.random() < 0.5 else actions)
    if resource_policy:
        chosen = rng.choice(PRINCIPALS)
        out["Principal"] = chosen if isinstance(chosen, dict) or chosen == "*" else {
            "AWS": chosen}
        if rng.random() < 0.2:
            out["Resource"] = rng.choice(RESOURCES)
    else:
        resources = rng.sample(RESOURCES, rng.randint(1, 2))
        out["NotResource" if rng.random() < 0.1 else "Resource"] = resources
    return out


def document(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def roles_to_mutate(state: AccountState) -> list[str]:
    return sorted(state.roles)


def mutate(rng: random.Random, state: AccountState) -> str:
    """Apply one random mutation; return its name."""
    repositories = sorted(state.repositories)
    kind = rng.choice(["add-inline", "add-inline", "remove-policy", "alter-inline", "boundary",
                       "repo-add", "repo-actions", "repo-principal", "repo-resource",
                       "reorder", "case", "split", "registry", "attach", "elsewhere",
                       "condition", "not-resource", "not-action", "deny-wanted",
                       "pull-boundary", "scp-boundary", "replica-policy", "escalate",
                       "redundant-grant", "harmless"])
    role = state.roles[rng.choice(roles_to_mutate(state))]
    repository = state.repositories[rng.choice(repositories)]
    wanted = sorted(SEVEN | {TOKEN})
    if kind == "condition":  # a grant that depends on the request
        role.inline[f"conditional{rng.randint(0, 99)}"] = document({
            "Effect": rng.choice(["Allow", "Deny"]),
            "Action": rng.choice(["ecr:*", "ecr:PutImage", TOKEN, "ecr:DeleteRepository"]),
            "Resource": rng.choice(["*", APP]),
            "Condition": rng.choice([{"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
                                     {"StringEquals": {"aws:PrincipalTag/team": "x"}},
                                     {"Bool": {"aws:MultiFactorAuthPresent": "true"}}])})
    elif kind == "not-resource":  # everything but the named resources
        role.inline[f"not-resource{rng.randint(0, 99)}"] = document({
            "Effect": rng.choice(["Allow", "Allow", "Deny"]),
            "Action": rng.choice(["ecr:PutImage", "ecr:DeleteRepository", "ecr:*"]),
            "NotResource": rng.choice([["arn:aws:ecr:*:*:repository/*"], [APP],
                                       [APP, WEB, APP_WEST, WEB_WEST, "*"]])})
    elif kind == "not-action":  # every action but the named ones
        role.inline[f"not-action{rng.randint(0, 99)}"] = document({
            "Effect": rng.choice(["Allow", "Deny", "Deny"]),
            "NotAction": rng.choice([["ecr:*"], ["ecr:*", "iam:*", "sts:*"], ["s3:*"]]),
            "Resource": "*"})
    elif kind == "deny-wanted":  # a Deny of one thing the parameters grant
        role.inline[f"deny{rng.randint(0, 99)}"] = document({
            "Effect": "Deny", "Action": rng.choice(wanted),
            "Resource": rng.choice(["*", APP, WEB_WEST])})
    elif kind == "pull-boundary":  # a boundary that leaves push out
        role.boundary_arn = f"arn:aws:iam::{ACCOUNT}:policy/pull-only"
        role.boundary = document({"Effect": "Allow", "Action": [TOKEN, *sorted(PULL)],
                                  "Resource": "*"})
    elif kind == "scp-boundary":  # allow all, deny some: as an SCP would
        role.boundary_arn = f"arn:aws:iam::{ACCOUNT}:policy/guardrail"
        role.boundary = document({"Effect": "Allow", "Action": "*", "Resource": "*"}, {
            "Effect": "Deny", "Action": rng.choice(["ecr:PutImage", "ecr:Delete*", "iam:*",
                                                    "ecr:InitiateLayerUpload"]),
            "Resource": "*"})
    elif kind == "replica-policy":  # a replica given a repository policy
        name = rng.choice(sorted(PARAMS.repositories))
        state.replicas[f"{name} in us-west-2"] = RepositoryState(
            {"repositoryName": name}, json.dumps(document(statement(rng, resource_policy=True))))
    elif kind == "escalate":  # the right to widen a role's permissions
        role.inline[f"escalate{rng.randint(0, 99)}"] = document({
            "Effect": "Allow", "Action": rng.choice([*ESCALATION, "iam:*", "iam:Put*"]),
            "Resource": rng.choice(["*", W1, BUILDER, f"arn:aws:iam::{ACCOUNT}:role/*",
                                    f"arn:aws:iam::{ACCOUNT}:role/unrelated"])})
    elif kind == "redundant-grant":  # what the repository policy already gives
        role.inline[f"redundant{rng.randint(0, 99)}"] = document({
            "Effect": "Allow", "Action": rng.choice(sorted(SEVEN)), "Resource": APP})
    elif kind == "harmless":  # reads and other services
        role.inline[f"harmless{rng.randint(0, 99)}"] = document({
            "Effect": "Allow", "Action": rng.choice(["s3:GetObject", "ecr:Describe*",
                                                     "ecr:List*", "logs:*"]),
            "Resource": "*"})
    elif kind == "add-inline":
        role.inline[f"extra{rng.randint(0, 99)}"] = document(
            *(statement(rng, resource_policy=False) for _ in range(rng.randint(1, 2))))
    elif kind == "elsewhere":  # a change allowed only outside the parameters' repositories
        role.inline[f"elsewhere{rng.randint(0, 99)}"] = document({
            "Effect": "Allow", "Action": rng.choice(["ecr:*", "ecr:DeleteRepository",
                                                     "ecr:PutImage", "ecr:CreateRepository"]),
            "Resource": rng.choice([*OTHERS, f"arn:aws:ecr:us-west-2:{ACCOUNT}:repository/*",
                                    f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/*"])})
    elif kind == "attach":
        role.attached[f"arn:aws:iam::{ACCOUNT}:policy/p{rng.randint(0, 99)}"] = document(
            statement(rng, resource_policy=False))
    elif kind == "remove-policy" and (role.inline or role.attached):
        pool = [("i", n) for n in role.inline] + [("a", n) for n in role.attached]
        which, name = rng.choice(pool)
        del (role.inline if which == "i" else role.attached)[name]
    elif kind == "alter-inline" and role.inline:
        name = rng.choice(sorted(role.inline))
        doc = copy.deepcopy(role.inline[name])
        target = rng.choice(doc["Statement"])
        field = rng.choice(["Effect", "Action", "Resource"])
        if field == "Effect":
            target["Effect"] = "Deny" if target.get("Effect") == "Allow" else "Allow"
        elif field == "Action":
            target.pop("NotAction", None)
            target["Action"] = rng.choice(ACTIONS)
        else:
            target.pop("NotResource", None)
            target["Resource"] = rng.choice(RESOURCES)
        role.inline[name] = doc
    elif kind == "boundary":
        role.boundary_arn = f"arn:aws:iam::{ACCOUNT}:policy/boundary{rng.randint(0, 9)}"
        role.boundary = rng.choice([
            document({"Effect": "Allow", "Action": "s3:*", "Resource": "*"}),
            document({"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}),
            document({"Effect": "Allow", "Action": "*", "Resource": "*"},
                     {"Effect": "Deny", "Action": "ecr:Delete*", "Resource": "*"}),
            document({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}),
            document(statement(rng, resource_policy=False)),
        ])
    elif kind.startswith("repo") or kind in ("reorder", "case", "split"):
        doc = json.loads(repository.policy or "{}")
        main = doc["Statement"][0]
        if kind == "repo-add":
            doc["Statement"].append(statement(rng, resource_policy=True))
        elif kind == "repo-actions":
            main["Action"] = rng.choice([main["Action"][1:], [*main["Action"], rng.choice(
                ACTIONS)], rng.choice(ACTIONS)])
        elif kind == "repo-principal":
            principals = list(main["Principal"]["AWS"])
            if rng.random() < 0.5 and len(principals) > 1:
                principals.remove(rng.choice(principals))
            else:
                principals.append(rng.choice([STRANGER, W1, f"arn:aws:iam::{ACCOUNT}:root"]))
            main["Principal"]["AWS"] = principals
        elif kind == "repo-resource":
            main["Resource"] = rng.choice(RESOURCES)
        elif kind == "reorder":
            main["Action"] = list(reversed(main["Action"]))
            main["Principal"]["AWS"] = list(reversed(main["Principal"]["AWS"]))
        elif kind == "case":
            main["Action"] = [a.upper() for a in main["Action"]]
        else:  # split: one statement per principal, same meaning
            doc["Statement"] = [{"Effect": "Allow", "Principal": {"AWS": p},
                                 "Action": main["Action"]} for p in main["Principal"]["AWS"]]
        repository.policy = json.dumps(doc)
    elif kind == "registry":
        state.registry_policy = json.dumps(document(statement(rng, resource_policy=True)))
    return kind


ALLOW_EVERYTHING = document({"Effect": "Allow", "Action": "*", "Resource": "*"})
IDENTITIES = [W1, W2, f"arn:aws:iam::{ACCOUNT}:role/EcrClusterAccess-builder"]
Point = tuple[str, bool, dict[str, Any]]


def universe(resource: str, catalogue: dict[str, bool]) -> list[str]:
    """The actions decided on ``resource`` (see ``expected_access.universe_of``); the
    engine's catalogue is loaded by the caller."""
    del catalogue
    return universe_of(resource, others=OTHERS)


def resource_policy(state: AccountState, resource: str) -> Any:
    """The resource policy AWS reads for ``resource`` in ``state`` (``None``: none)."""
    region, name = resource.split(":")[3], resource.split(":repository/", 1)[-1]
    found = (state.repositories.get(name) if region == "us-east-1"
             else state.replicas.get(f"{name} in {region}"))
    return json.loads(found.policy) if found is not None and found.policy else None


def points(state: AccountState, catalogue: dict[str, bool]) -> list[Point]:
    """``(what, must be allowed, simulation)`` for every cell of :data:`EXPECTED`, and the
    rights to widen permissions (never allowed)."""
    out: list[Point] = []
    for principal, cells in EXPECTED.items():
        same = principal in IDENTITIES
        role = state.roles[principal] if same else None
        identity = ([*role.inline.values(), *role.attached.values()] if role is not None
                    else [ALLOW_EVERYTHING])
        boundary = role.boundary if role is not None else None
        for resource, allowed in cells.items():
            policy = resource_policy(state, resource) if resource != "*" else None
            for action in universe(resource, catalogue):
                out.append((f"{principal} {action} {resource}", action in allowed, simulation(
                    principal, action, resource, identity=identity, boundary=boundary,
                    resource_policy=policy)))
        if same:
            for target in IDENTITIES:
                for action in ESCALATION:
                    out.append((f"{principal} {action} {target}", False, simulation(
                        principal, action, target, identity=identity, boundary=boundary)))
    return out


def atoms(text_or_document: Any) -> frozenset[Any]:
    """A policy as a set of (effect, principal, action, the rest) atoms, so that order, Sid,
    the case of actions and one-versus-many statements do not count (a normaliser of this
    test's own, sharing no code with `check`)."""
    if text_or_document is None:
        return frozenset({"none"})
    document = (json.loads(text_or_document) if isinstance(text_or_document, str)
                else text_or_document)
    out: set[Any] = set()
    for item in document.get("Statement", []):
        rest = {k: v for k, v in item.items() if k not in ("Sid", "Effect", "Principal",
                                                           "Action")}
        principal = item.get("Principal")
        principals = ([principal] if principal in (None, "*") else
                      [json.dumps(v) for v in ([principal["AWS"]] if isinstance(
                          principal.get("AWS"), str) else principal.get("AWS", []))]
                      if isinstance(principal, dict) and set(principal) == {"AWS"}
                      else [json.dumps(principal, sort_keys=True)])
        actions = item.get("Action")
        actions = [actions] if isinstance(actions, str) else actions or [None]
        for who in principals:
            for action in actions:
                out.add((item.get("Effect"), who if who != '"*"' else "*",
                         action.lower() if isinstance(action, str) else action,
                         json.dumps(rest, sort_keys=True)))
    return frozenset(out)


def managed(state: AccountState) -> Any:
    """What the stack manages in ``state``, normalised: the repository, replica and registry
    policies, each worker role's token policy where it exists (a missing one is judged by
    access), and everything on the builder role, which the stack owns."""
    token = "EcrClusterAccess-us-east-1-ecr-token"
    builder = state.roles[IDENTITIES[2]]
    return (
        {name: atoms(r.policy) for name, r in state.repositories.items()},
        {label: atoms(r.policy) for label, r in state.replicas.items()} or None,
        atoms(state.registry_policy),
        # a token policy that is gone is judged by access alone: it counts as deployed
        {arn: atoms(state.roles[arn].inline[token]) if token in state.roles[arn].inline
         else DEPLOYED_TOKEN for arn in IDENTITIES[:2]},
        ({n: atoms(d) for n, d in builder.inline.items()}, sorted(builder.attached),
         builder.boundary_arn))


#: The worker roles' token policy as deployed, normalised.
DEPLOYED_TOKEN = atoms(in_sync_state(PARAMS).roles[W1].inline[
    "EcrClusterAccess-us-east-1-ecr-token"])


def roles_and_policies(state: AccountState) -> Any:
    return json.dumps([{a: (r.inline, r.attached, r.boundary) for a, r in state.roles.items()},
                       {n: r.policy for n, r in state.repositories.items()},
                       {n: r.policy for n, r in state.replicas.items()},
                       state.registry_policy], sort_keys=True, default=str)


class Run:
    """The mutated states and what the engine says of each."""

    def __init__(self, states: list[tuple[list[str], AccountState]],
                 differs: list[bool], documents_differ: list[bool], changes_role: list[bool],
                 engine_points: int) -> None:
        self.states, self.differs, self.documents_differ = states, differs, documents_differ
        self.changes_role, self.engine_points = changes_role, engine_points

    def judge(self) -> tuple[list[str], dict[str, int]]:
        """`check` on every state against the engine: the disagreements and the figures."""
        wrong: list[str] = []
        figures = {"access-differs": 0, "access-differs-agree": 0, "documents-differ": 0,
                   "documents-differ-agree": 0, "no-difference": 0, "no-difference-agree": 0,
                   "declined": 0}
        for index, ((applied, state), differs, documents_differ) in enumerate(zip(
                self.states, self.differs, self.documents_differ, strict=True)):
            said = [f for f in findings(PARAMS, state) if f.kind != "note"]
            flagged = bool(said)
            unknown_only = flagged and all(f.kind == "cannot-verify" for f in said)
            if differs:
                group = "access-differs"
                right = flagged
            elif documents_differ:
                group = "documents-differ"
                right = flagged
            else:
                group = "no-difference"
                right = not flagged or unknown_only
                figures["declined"] += unknown_only
            figures[group] += 1
            figures[f"{group}-agree"] += right
            if not right:
                wrong.append(f"state {index} {applied}: engine: access "
                             f"{'differs' if differs else 'as the table'}, documents "
                             f"{'differ' if documents_differ else 'as deployed'}; check: "
                             f"{[str(f) for f in said][:3]}")
        return wrong, figures


@pytest.fixture(scope="module")
def oracle_run() -> Run:
    catalogue = change_actions()
    rng = random.Random(SEED)
    base = in_sync_state(PARAMS)
    states: list[tuple[list[str], AccountState]] = [([], base)]
    for _ in range(STATES):
        state = copy.deepcopy(base)
        applied = [mutate(rng, state) for _ in range(rng.randint(1, 2))]
        states.append((applied, state))
    batches = [points(state, catalogue) for _, state in states]
    unique: dict[str, int] = {}
    for batch in batches:
        for _, _, simulated in batch:
            unique.setdefault(json.dumps(simulated, sort_keys=True), len(unique))
    answers = ask_the_engine([json.loads(key) for key in unique])
    errors = [a for a in answers if not isinstance(a, str)]
    assert not errors, errors[:3]
    differs = []
    for batch in batches:
        differs.append(any((answers[unique[json.dumps(s, sort_keys=True)]] == "Allowed")
                           != must for _, must, s in batch))
    base_documents, base_roles = managed(base), roles_and_policies(base)
    return Run(states, differs, [managed(s) != base_documents for _, s in states],
               [roles_and_policies(s) != base_roles for _, s in states], len(unique))


def test_the_table_is_what_the_deployed_account_gives(oracle_run: Run) -> None:
    """The control: the in-sync state, as the stack deploys it, gives exactly the table (so
    a document that lost ``ecr:UploadLayerPart`` fails here), and `check` calls it in sync."""
    assert IDENTITIES[2] == BUILDER
    assert oracle_run.differs[0] is False and oracle_run.documents_differ[0] is False
    assert findings(PARAMS, oracle_run.states[0][1]) == []


def test_check_agrees_with_the_independent_engine_in_both_directions(
        oracle_run: Run, capsys: pytest.CaptureFixture[str]) -> None:
    wrong, figures = oracle_run.judge()
    states = len(oracle_run.states) - 1
    changing = sum(oracle_run.changes_role[1:])
    figure = (f"oracle: {states} mutated states ({changing} changing a role or a resource "
              f"policy), {oracle_run.engine_points} distinct requests decided by "
              f"iam-simulate; access differs in {figures['access-differs']}, check agrees on "
              f"{figures['access-differs-agree']}; access as the table but a managed document "
              f"differs in {figures['documents-differ']}, check agrees on "
              f"{figures['documents-differ-agree']}; no difference in "
              f"{figures['no-difference']}, check agrees on {figures['no-difference-agree']} "
              f"({figures['declined']} of them 'cannot verify')")
    with capsys.disabled():
        print(f"\n{figure}")
    assert states >= 300 and changing >= 150, figure
    assert figures["access-differs"] >= 100 and figures["no-difference"] >= 30, figure
    assert not wrong, wrong[:10]


def _not_resource_as_resource(original: Any) -> Any:
    def fault(statement: Any, **kw: Any) -> Any:
        if isinstance(statement, dict) and "NotResource" in statement:
            statement = {("Resource" if k == "NotResource" else k): v
                         for k, v in statement.items()}
        return original(statement, **kw)
    return fault


def _not_action_as_action(original: Any) -> Any:
    def fault(statement: Any, **kw: Any) -> Any:
        if isinstance(statement, dict) and "NotAction" in statement:
            statement = {("Action" if k == "NotAction" else k): v for k, v in statement.items()}
        return original(statement, **kw)
    return fault


def _deny_ignored(original: Any) -> Any:
    def fault(statement: Any, **kw: Any) -> Any:
        if isinstance(statement, dict) and statement.get("Effect") == "Deny":
            return False
        return original(statement, **kw)
    return fault


def _resource_ignored(original: Any) -> Any:
    def fault(statement: Any, **kw: Any) -> Any:
        if (isinstance(statement, dict) and "Resource" in statement
                and "Principal" not in statement):
            statement = {**statement, "Resource": "*"}
        return original(statement, **kw)
    return fault


def _allow_through_boundary(original: Any) -> Any:
    from ecr_cluster_access.check.evaluate import ALLOW

    def fault(**kw: Any) -> Any:
        decision = original(**kw)
        if decision.result != ALLOW and kw.get("resource_policy") is not None:
            theirs = original(**{**kw, "identity": [], "boundary": None})
            if theirs.result == ALLOW:
                return theirs
        return decision
    return fault


@pytest.mark.parametrize("fault", [
    "NotResource read as Resource", "NotAction read as Action", "Deny ignored",
    "a repository policy's Allow through the boundary", "an identity Resource ignored"])
def test_each_evaluator_fault_makes_check_disagree(oracle_run: Run, fault: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The oracle is not blind: each fault in check's evaluator gives disagreements."""
    from ecr_cluster_access.check import access, evaluate

    if fault == "a repository policy's Allow through the boundary":
        monkeypatch.setattr(access, "decide", _allow_through_boundary(evaluate.decide))
    else:
        wrap = {"NotResource read as Resource": _not_resource_as_resource,
                "NotAction read as Action": _not_action_as_action,
                "Deny ignored": _deny_ignored,
                "an identity Resource ignored": _resource_ignored}[fault]
        monkeypatch.setattr(evaluate, "statement_applies", wrap(evaluate.statement_applies))
    wrong, _ = oracle_run.judge()
    assert wrong, f"{fault}: the oracle did not notice"


def test_every_kind_of_mutation_is_caught_somewhere() -> None:
    """The generator exercises each mutation; each dangerous kind is flagged at least once,
    and the rewrites that keep the meaning never are."""
    rng = random.Random(SEED + 1)
    base = in_sync_state(PARAMS)
    flagged: dict[str, int] = {}
    for _ in range(STATES):
        state = copy.deepcopy(base)
        kind = mutate(rng, state)
        if [f for f in findings(PARAMS, state) if f.kind != "note"]:
            flagged[kind] = flagged.get(kind, 0) + 1
    for kind in ("add-inline", "boundary", "repo-add", "repo-actions", "repo-principal",
                 "repo-resource", "registry", "attach", "alter-inline", "remove-policy",
                 "elsewhere", "condition", "not-resource", "deny-wanted", "pull-boundary",
                 "scp-boundary", "replica-policy", "escalate"):
        assert flagged.get(kind), (kind, flagged)
    for neutral in ("reorder", "case", "split"):
        assert neutral not in flagged, (neutral, flagged)


def test_the_change_action_catalogue_is_the_engines() -> None:
    assert (NODE_BIN / "cdk").exists(), "run the suite through make test (npm ci)"
    result = run(["node", str(SUPPORT / "iam_oracle.mjs"), "ecr-change-actions"],
                 check=True)
    data = json.loads(result.stdout)
    assert sorted(a["action"] for a in data["actions"]) == sorted(documents.ECR_CHANGE_ACTIONS)
    assert sorted(a["action"] for a in data["actions"] if a["repository"]) == sorted(
        documents.ECR_REPOSITORY_CHANGE_ACTIONS)
