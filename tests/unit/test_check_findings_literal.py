"""``findings()`` on account states that differ in tags, a missing repository, a replica's own
policies and a repository kept outside the parameters: every line, its kind, where it
applies and the principal, written here."""

from __future__ import annotations

import copy
import json

from ecr_cluster_access import Parameters
from ecr_cluster_access.check import RepositoryState, findings

from ..support.accounts import in_sync_state
from ..support.parameters import params_dict

ROLE = "arn:aws:iam::123456789012:role/k8s-worker"
PARAMS = Parameters.from_mapping(params_dict(
    repositories=["builds/app", "builds/web"], tags={"team": "builds"},
    replicationRegions=["us-west-2"], createOnPushPrefix="builds",
    builderIdentity={"mode": "pod-identity", "clusterName": "c"}))


def grant(action: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": action}]})


def test_tags_a_missing_repository_replicas_and_a_kept_repository() -> None:
    state = copy.deepcopy(in_sync_state(PARAMS))
    assert findings(PARAMS, state) == []
    del state.repositories["builds/web"]
    state.repositories["builds/app"].tags = {"team": "other", "x": "y"}
    state.replicas["builds/app in us-west-2"] = RepositoryState(
        {}, grant("ecr:PutImage"), '{"rules": []}')
    state.others["old/app"] = RepositoryState({}, grant("ecr:BatchGetImage"), None,
                                              {"team": "builds"})
    state.others["other/unrelated"] = RepositoryState({}, None, None, {"team": "x"})
    replica = ("builds/app in us-west-2",)
    assert [(str(f), f.kind, f.repositories, f.region, f.role)
            for f in findings(PARAMS, state)] == [
        ('builds/app: has tag "x" = "y", which the parameters do not set', "drift",
         ("builds/app",), None, None),
        ('builds/app: tag "team" is "other", the parameters say "builds"', "drift",
         ("builds/app",), None, None),
        ("builds/web: repository does not exist", "drift", ("builds/web",), None, None),
        ("old/app: kept, not managed: not in the parameters, but it carries the stack's tags, "
         f"and its repository policy still grants Allow of ecr:BatchGetImage for AWS {ROLE} "
         "(delete it, or list it again)", "drift", ("old/app",), None, None),
        ("replica builds/app in us-west-2: has a lifecycle policy, which the stack does not "
         "set on replicas", "drift", replica, "us-west-2", None),
        ("replica builds/app in us-west-2: has a repository policy, which the stack does not "
         f"set on replicas: Allow of ecr:PutImage for AWS {ROLE}", "drift", replica,
         "us-west-2", None),
        (f"role {ROLE}: is also allowed ecr:PutImage on builds/app in us-west-2 by the "
         "repository policy, beyond what the parameters grant (1 action)", "drift", replica,
         None, ROLE)]


def test_owned_identities_and_the_developer_policy_drift_with_their_principal() -> None:
    from ..support.parameters import OIDC

    params = Parameters.from_mapping(params_dict(
        builderIdentity={"mode": "irsa", "oidcProviderArn": OIDC},
        developerPrincipalArns=["arn:aws:iam::123456789012:role/dev",
                                "arn:aws:iam::123456789012:user/alice"],
        pullSecret={"mode": "cronjob", "credentials": "irsa", "oidcProviderArn": OIDC}))
    builder = "arn:aws:iam::123456789012:role/EcrClusterAccess-builder"
    refresher = "arn:aws:iam::123456789012:role/EcrClusterAccess-refresher"
    state = copy.deepcopy(in_sync_state(params))
    assert findings(params, state) == []
    state.roles[builder].trust = {"Version": "2012-10-17", "Statement": []}
    state.roles[builder].boundary_arn = "arn:aws:iam::123456789012:policy/limit"
    state.roles[builder].boundary = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    state.roles[builder].attached["arn:aws:iam::123456789012:policy/extra"] = {
        "Version": "2012-10-17", "Statement": []}
    state.roles[refresher].exists = False
    state.roles[ROLE].exists = False
    assert state.developer_policy is not None
    developer_policy = state.developer_policy
    state.developer_policy = {**developer_policy, "attached": {
        "roles": ["dev", "intruder"], "users": [], "groups": []}}
    developers = "developer policy EcrClusterAccess-us-east-1-ecr-developers"
    issuer = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
    assert [(str(f), f.kind, f.role) for f in findings(params, state)] == [
        (f"{developers}: is attached to roles ['dev', 'intruder'], the parameters say ['dev']",
         "drift", None),
        (f"{developers}: is attached to users [], the parameters say ['alice']", "drift", None),
        (f"role {builder}: has attached policy arn:aws:iam::123456789012:policy/extra, which "
         "the stack does not attach", "drift", builder),
        (f"role {builder}: has permissions boundary arn:aws:iam::123456789012:policy/limit, "
         "which the stack does not set", "drift", builder),
        (f"role {builder}: the trust policy lacks Allow of sts:AssumeRoleWithWebIdentity for "
         f"Federated arn:aws:iam::123456789012:oidc-provider/{issuer} when "
         f'{{"StringEquals":{{"{issuer}:aud":"sts.amazonaws.com","{issuer}:sub":'
         '"system:serviceaccount:default:garden-in-cluster-builder"}}', "drift", builder),
        (f"role {refresher}: the refresher role does not exist", "drift", refresher),
        (f"role {ROLE}: role does not exist", "drift", ROLE)]
    state.developer_policy = None
    assert [(str(f), f.kind, f.role) for f in findings(params, state)][0] == (
        f"{developers}: does not exist", "drift", None)


def test_access_beyond_the_grants_is_worded_with_its_scope() -> None:
    params = Parameters.from_mapping(params_dict(
        repositories=[f"builds/r{i}" for i in range(5)]))
    repo = "arn:aws:ecr:us-east-1:123456789012:repository/builds/"
    base = in_sync_state(params)

    def said(**inline: object) -> list[tuple[str, str, tuple[str, ...]]]:
        state = copy.deepcopy(base)
        state.roles[ROLE].inline.update(inline)
        return [(str(f), f.kind, f.repositories) for f in findings(params, state)]

    def policy(**statement: object) -> dict[str, object]:
        return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", **statement}]}

    eight = ["ecr:DeleteRepository", "ecr:DeleteRepositoryPolicy", "ecr:SetRepositoryPolicy",
             "ecr:BatchDeleteImage", "ecr:PutLifecyclePolicy", "ecr:TagResource",
             "ecr:UntagResource", "ecr:PutImageTagMutability"]
    five = tuple(f"builds/r{i}" for i in range(5))
    assert said(wide=policy(Action=eight, Resource=f"{repo}*")) == [(
        f"role {ROLE}: is also allowed ecr:BatchDeleteImage, ecr:DeleteRepository, "
        "ecr:DeleteRepositoryPolicy, ecr:PutImageTagMutability, ecr:PutLifecyclePolicy, "
        "ecr:SetRepositoryPolicy and 2 more on 6 repositories by inline policy wide, beyond "
        "what the parameters grant (8 actions)", "drift", (*five, "builds/x"))]
    assert said(exact=policy(Action="ecr:PutLifecyclePolicy",
                             Resource=[f"{repo}r{i}" for i in range(5)])) == [(
        f"role {ROLE}: is also allowed ecr:PutLifecyclePolicy on all 5 repositories by inline "
        "policy exact, beyond what the parameters grant (1 action)", "drift", five)]
    # four of the five and any other repository: not "all"
    assert said(nr=policy(Action="ecr:BatchDeleteImage", NotResource=f"{repo}r1")) == [(
        f"role {ROLE}: is also allowed ecr:BatchDeleteImage on 5 repositories by inline "
        "policy nr, beyond what the parameters grant (1 action)", "drift",
        ("builds/r0", "builds/r2", "builds/r3", "builds/r4",
         "ecr-cluster-access-any-other-repository"))]
    assert said(cond=policy(Action="ecr:DeleteRepository", Resource=f"{repo}r0", Condition={
        "Bool": {"aws:SecureTransport": "true"}})) == [(
        f"role {ROLE}: must not have ecr:DeleteRepository on builds/r0; whether it has them "
        "depends on inline policy cond (a Condition), which check cannot decide",
        "cannot-verify", ("builds/r0",))]
