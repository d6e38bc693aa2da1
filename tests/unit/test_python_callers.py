"""Python callers: wrong types, hostile Mappings and single items where a list is expected are
one ParameterError naming the argument, never an AttributeError, a TypeError or a hang."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import aws_cdk as cdk
import cdk8s
import pytest
from aws_cdk import aws_iam as iam

from cdk8s_charts import BuilderServiceAccount, EcrConfigChart, EcrConfigSecret, EcrPullSecret
from ecr_cluster_access import EcrClusterAccess, ParameterError, Parameters

from ..support.parameters import params_dict


class RaisingMapping(Mapping[str, Any]):
    """Lists keys it then refuses to give."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def __getitem__(self, key: str) -> Any:
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)


class EndlessMapping(Mapping[str, Any]):
    """Never stops listing keys."""

    def __getitem__(self, key: str) -> Any:
        return "x"

    def __iter__(self) -> Iterator[str]:
        i = 0
        while True:
            yield f"k{i}"
            i += 1

    def __len__(self) -> int:
        return 10**9


def problem_of(call: Any) -> str:
    with pytest.raises(ParameterError) as caught:
        call()
    (problem,) = caught.value.problems
    return str(problem)


def test_a_mapping_that_raises_is_one_line() -> None:
    assert problem_of(lambda: Parameters.from_mapping(RaisingMapping(params_dict()))) == (
        "parameters: the RaisingMapping raised KeyError while it was read (\"'account'\"): "
        "pass a plain dict")


def test_a_mapping_that_never_ends_is_refused_within_a_bound() -> None:
    assert problem_of(lambda: Parameters.from_mapping(EndlessMapping())) == (
        "parameters: holds more than 1027 keys: is this the right object?")


def test_a_nested_mapping_that_raises_names_its_field() -> None:
    data = params_dict(lifecycle=RaisingMapping({"untaggedExpireDays": 3}))
    assert problem_of(lambda: Parameters.from_mapping(data)).startswith(
        "lifecycle: the RaisingMapping raised KeyError")


def test_a_single_string_where_a_list_belongs_names_the_field() -> None:
    assert problem_of(lambda: Parameters(
        account="123456789012", region="us-east-1", repositories=["a1"],
        worker_role_arns="arn:aws:iam::123456789012:role/x")) == (  # type: ignore[arg-type]
        "workerRoleArns: 'arn:aws:iam::123456789012:role/x' is not a list: expected a list of "
        "strings")


@pytest.fixture()
def stack() -> cdk.Stack:
    return cdk.Stack(cdk.App(), "s", env=cdk.Environment(account="123456789012",
                                                         region="us-east-1"))


PARAMS = Parameters.from_mapping(params_dict())


@pytest.mark.parametrize("kwargs,problem", [
    ({"params": params_dict()}, "params: {'account': '123456789012', 'region': 'us-east-1', "
     "'repos... is not Parameters: build it with Parameters.from_mapping({...}) or "
     "load_parameters()"),
    ({"params": PARAMS, "worker_roles": ["arn:aws:iam::123456789012:role/x"]},
     "worker_roles[0]: 'arn:aws:iam::123456789012:role/x' is not an IAM role (iam.IRole)"),
    ({"params": PARAMS, "kms_key": "arn:aws:kms:us-east-1:123456789012:key/x"},
     "kms_key: 'arn:aws:kms:us-east-1:123456789012:key/x' is not a KMS key (kms.IKey)"),
    ({"params": PARAMS, "oidc_provider": "arn"},
     "oidc_provider: 'arn' is not an OIDC provider (iam.IOpenIdConnectProvider)"),
    ({"params": PARAMS, "cluster": "builds"}, "cluster: 'builds' is not an EKS cluster "
     "(eks.ICluster)"),
])
def test_the_construct_names_a_wrong_argument(stack: cdk.Stack, kwargs: dict[str, Any],
                                              problem: str) -> None:
    assert problem_of(lambda: EcrClusterAccess(stack, "X", **kwargs)) == problem


def test_one_role_instead_of_a_list_says_to_pass_a_list(stack: cdk.Stack) -> None:
    role = iam.Role(stack, "Role", assumed_by=iam.AccountRootPrincipal())
    assert problem_of(lambda: EcrClusterAccess(stack, "X", params=PARAMS,
                                               worker_roles=role)) == (  # type: ignore[arg-type]
        "worker_roles: <Role> is not a list of IAM roles (iam.IRole): pass a list, "
        "[worker_role]")


BUILDER = Parameters.from_mapping(params_dict(builderIdentity={
    "mode": "pod-identity", "clusterName": "c", "for": "custom"}))


@pytest.mark.parametrize("build,problem", [
    (lambda c: EcrConfigChart(c.node.scope, "C2", params=params_dict()),
     "params: {'account': '123456789012', 'region': 'us-east-1', 'repos... is not Parameters"),
    (lambda c: EcrConfigSecret(c, "S", params=params_dict()),
     "params: {'account': '123456789012', 'region': 'us-east-1', 'repos... is not Parameters"),
    (lambda c: EcrPullSecret(c, "P", params="ecr-pull"),
     "params: 'ecr-pull' is not Parameters"),
    (lambda c: BuilderServiceAccount(c, "B", params=BUILDER, image_pull_secrets="ecr-pull"),
     "image_pull_secrets: 'ecr-pull' is not a list of Secret names (strings): pass a list, "
     "[image_pull_secret]"),
    (lambda c: EcrConfigSecret(c, "S", params=PARAMS, labels=["tier"]),
     "labels: ['tier'] is not a mapping of strings to strings"),
    (lambda c: EcrConfigSecret(c, "S", params=PARAMS, annotations={"a": 1}),
     "annotations: {'a': 1} is not a mapping of strings to strings"),
])
def test_the_cluster_constructs_name_a_wrong_argument(build: Any, problem: str) -> None:
    chart = cdk8s.Chart(cdk8s.Testing.app(), "C")
    assert problem_of(lambda: build(chart)).startswith(problem)
