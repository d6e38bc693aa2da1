"""`check` proved against an independent IAM evaluator: @cloud-copilot/iam-simulate.

From the in-sync account state, 400 mutated states are generated (added, removed and altered
statements, principals, actions, wildcards, Deny, NotAction, Resource, boundaries, extra
principals and strangers, and rewrites that keep the meaning). For every state that `check`
calls in sync, the engine must agree on every point:

- each same-account worker role and the builder role is allowed the seven actions on each
  repository, the pull actions on each replica and the token on ``*``, and no other action
  that changes ECR (on the repositories, their replicas, the registry, or repositories
  outside the parameters);
- a worker role in another account, whose own account is assumed to allow it everything, is
  allowed exactly the seven actions on each repository: the repository policy is the limit;
- a stranger role in another account, equally unlimited at home, is denied every such action.

The figure (states in sync, points checked, agreement) is printed; the target is 100 %.
"""

from __future__ import annotations

import copy
import json
import random
from typing import Any

import pytest

from ecr_cluster_access import Parameters, documents
from ecr_cluster_access.check import AccountState, findings

from ..support.accounts import in_sync_state
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
          f"arn:aws:ecr:eu-west-1:{ACCOUNT}:repository/builds/app"]
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
                       "reorder", "case", "split", "registry", "attach", "elsewhere"])
    role = state.roles[rng.choice(roles_to_mutate(state))]
    repository = state.repositories[rng.choice(repositories)]
    if kind == "add-inline":
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


def points(state: AccountState) -> list[tuple[str, bool, dict[str, Any]]]:
    """``(what, must be allowed, simulation)`` for every point the engine must confirm."""
    out: list[tuple[str, bool, dict[str, Any]]] = []
    arns = dict(zip(PARAMS.repositories, PARAMS.repository_arns, strict=False))
    registry_actions = [a for a in documents.ECR_CHANGE_ACTIONS
                        if a not in documents.ECR_REPOSITORY_CHANGE_ACTIONS]
    for arn in [*PARAMS.same_account_worker_role_arns, BUILDER]:
        role = state.roles[arn]
        identity = [*role.inline.values(), *role.attached.values()]
        for name, repository_arn in arns.items():
            policy = json.loads(state.repositories[name].policy or "null")
            expected = documents.expected_repository_actions(PARAMS, name)
            for action in sorted(expected | set(documents.ECR_REPOSITORY_CHANGE_ACTIONS)):
                out.append((f"{arn} {action} {name}", action in expected, simulation(
                    arn, action, repository_arn, identity=identity, boundary=role.boundary,
                    resource_policy=policy)))
        out.append((f"{arn} token", True, simulation(
            arn, documents.AUTHORIZATION_TOKEN_ACTION, "*", identity=identity,
            boundary=role.boundary)))
        for action in registry_actions:
            out.append((f"{arn} {action} registry", False, simulation(
                arn, action, "*", identity=identity, boundary=role.boundary)))
        for replica in PARAMS.replica_repository_arns:
            for action in sorted(set(documents.PULL_ACTIONS)
                                 | set(documents.ECR_REPOSITORY_CHANGE_ACTIONS)):
                out.append((f"{arn} {action} {replica}", action in documents.PULL_ACTIONS,
                            simulation(arn, action, replica, identity=identity,
                                       boundary=role.boundary)))
        for other in OTHERS:
            for action in documents.ECR_REPOSITORY_CHANGE_ACTIONS:
                out.append((f"{arn} {action} {other}", False, simulation(
                    arn, action, other, identity=identity, boundary=role.boundary)))
    for outsider, allowed in ((REMOTE, frozenset(documents.PUSH_PULL_ACTIONS)),
                              (STRANGER, frozenset())):
        for name, repository_arn in arns.items():
            policy = json.loads(state.repositories[name].policy or "null")
            for action in sorted(set(documents.PUSH_PULL_ACTIONS)
                                 | set(documents.ECR_REPOSITORY_CHANGE_ACTIONS)):
                out.append((f"{outsider} {action} {name}", action in allowed, simulation(
                    outsider, action, repository_arn, identity=[ALLOW_EVERYTHING],
                    resource_policy=policy)))
    return out


def test_the_change_action_catalogue_is_the_engines() -> None:
    assert (NODE_BIN / "cdk").exists(), "run the suite through make test (npm ci)"
    result = run(["node", str(SUPPORT / "iam_oracle.mjs"), "ecr-change-actions"],
                 check=True)
    data = json.loads(result.stdout)
    assert sorted(a["action"] for a in data["actions"]) == sorted(documents.ECR_CHANGE_ACTIONS)
    assert sorted(a["action"] for a in data["actions"] if a["repository"]) == sorted(
        documents.ECR_REPOSITORY_CHANGE_ACTIONS)


def test_check_in_sync_agrees_with_the_independent_engine(
        capsys: pytest.CaptureFixture[str]) -> None:
    rng = random.Random(SEED)
    base = in_sync_state(PARAMS)
    assert findings(PARAMS, base) == []
    in_sync: list[tuple[int, list[str]]] = []
    batches: list[tuple[int, list[tuple[str, bool, dict[str, Any]]]]] = []
    kinds: dict[str, int] = {}
    for index in range(STATES):
        state = copy.deepcopy(base)
        applied = [mutate(rng, state) for _ in range(rng.randint(1, 3))]
        for kind in applied:
            kinds[kind] = kinds.get(kind, 0) + 1
        if not findings(PARAMS, state):
            in_sync.append((index, applied))
            batches.append((index, points(state)))
    flat = [p for _, batch in batches for p in batch]
    answers = ask_the_engine([s for _, _, s in flat])
    errors = [a for a in answers if not isinstance(a, str)]
    assert not errors, errors[:3]
    disagreements: list[str] = []
    cursor = 0
    agreeing = 0
    for index, batch in batches:
        state_ok = True
        mine = answers[cursor:cursor + len(batch)]
        for (what, must_allow, _), answer in zip(batch, mine, strict=True):
            if (answer == "Allowed") != must_allow:
                state_ok = False
                disagreements.append(f"state {index}: {what}: engine says {answer}")
        cursor += len(batch)
        agreeing += state_ok
    figure = (f"oracle: {STATES} mutated states, {len(in_sync)} in sync per check, "
              f"{len(flat)} points checked by iam-simulate, {agreeing}/{len(batches)} states "
              f"agree ({100 * agreeing / max(len(batches), 1):.1f} %); mutations {kinds}")
    with capsys.disabled():
        print(f"\n{figure}")
    assert len(in_sync) >= 30, figure  # enough in-sync states to mean something
    assert len(in_sync) < STATES, figure  # and the mutations do change things
    assert not disagreements, disagreements[:10]


def test_every_kind_of_mutation_is_caught_somewhere() -> None:
    """The generator exercises each mutation; each dangerous kind is flagged at least once."""
    rng = random.Random(SEED + 1)
    base = in_sync_state(PARAMS)
    flagged: dict[str, int] = {}
    for _ in range(STATES):
        state = copy.deepcopy(base)
        kind = mutate(rng, state)
        if findings(PARAMS, state):
            flagged[kind] = flagged.get(kind, 0) + 1
    for kind in ("add-inline", "boundary", "repo-add", "repo-actions", "repo-principal",
                 "repo-resource", "registry", "attach", "alter-inline", "remove-policy",
                 "elsewhere"):
        assert flagged.get(kind), (kind, flagged)
    for neutral in ("reorder", "case", "split"):
        assert neutral not in flagged, (neutral, flagged)
