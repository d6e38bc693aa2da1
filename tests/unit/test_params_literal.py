"""Refusals and derived values of ``params/rules.py`` that no other test pinned down, found by
surviving mutants of ``make mutation``: each written here as the exact line or value."""

from __future__ import annotations

from typing import Any

import pytest

from ecr_cluster_access import ParameterError, Parameters

from ..support.parameters import params_dict


def problems(**overrides: Any) -> tuple[str, ...]:
    with pytest.raises(ParameterError) as caught:
        Parameters.from_mapping(params_dict(**overrides))
    return tuple(caught.value.problems)


def test_a_number_where_text_belongs_gets_the_quoting_hint_and_a_boolean_does_not() -> None:
    assert problems(account=123456789012) == (
        "account: 123456789012 is not an AWS account ID: use 12 digits (write it as a quoted "
        "string)",)
    assert problems(account=True) == ("account: true is not an AWS account ID: use 12 digits",)


def test_a_tag_pattern_takes_four_wildcards_not_five() -> None:
    Parameters.from_mapping(params_dict(lifecycle={"rules": [
        {"tagPatterns": ["a*b*c*d*"], "keepLast": 3}]}))
    assert problems(lifecycle={"rules": [{"tagPatterns": ["a*b*c*d*e*"], "keepLast": 3}]}) == (
        "lifecycle.rules[0].tagPatterns[0]: 'a*b*c*d*e*' has 5 wildcards: ECR accepts at most 4 "
        "in each pattern",)


def test_the_default_service_account_is_never_rendered() -> None:
    assert problems(pullSecret={"mode": "cronjob", "credentials": "secret",
                                "serviceAccounts": ["default"]}) == (
        "pullSecret.serviceAccounts[0]: 'default' is not accepted: Kubernetes creates 'default' "
        "in every namespace, and applying a rendered one would replace it; list "
        "ServiceAccounts of your own, or add the Secret to your pods' spec.imagePullSecrets",)


@pytest.mark.parametrize("builder,account", [
    ({"mode": "pod-identity", "clusterName": "c"}, "garden-in-cluster-builder"),
    ({"mode": "pod-identity", "clusterName": "c", "for": "custom"}, "ecr-builder"),
    ({"mode": "pod-identity", "clusterName": "c", "for": "custom", "serviceAccount": "kaniko"},
     "kaniko")])
def test_the_builder_s_service_account(builder: dict[str, str], account: str) -> None:
    params = Parameters.from_mapping(params_dict(builderIdentity=builder))
    assert params.builder_service_account == account

