"""The rules' builders and helpers, line by line: the field rules ``dns_label``,
``dns_subdomain`` and ``choice`` build (their problem lines, length bounds and JSON Schema),
``iam_arn``'s pattern, ``cross`` registering a check that runs, IAM's ``ArnLike`` as
``arn_like`` reads it, the refresher user's name at IAM's limit, and which values get the
account's quoting hint.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from ecr_cluster_access import ParameterError, Parameters
from ecr_cluster_access.params import rules

from ..support.parameters import params_dict


def problems_of(**overrides: object) -> tuple[str, ...]:
    with pytest.raises(ParameterError) as caught:
        Parameters.from_mapping(params_dict(**overrides))
    return caught.value.problems


# --- the builders ------------------------------------------------------------------------------

LABEL_ACCEPTED = ("use at most 63 lowercase letters, digits and '-', starting and ending with a "
                  "letter or digit")
SUBDOMAIN_ACCEPTED = ("use at most 253 lowercase letters, digits and '-' and '.', starting and "
                      "ending with a letter or digit")


@pytest.mark.parametrize(("value", "reason"), [
    ("a" * 63, None), ("a-1", None),
    ("a" * 64, f"is not a DNS-1123 label: {LABEL_ACCEPTED}"),
    ("A", f"is not a DNS-1123 label: {LABEL_ACCEPTED}"),
    ("a.b", f"is not a DNS-1123 label: {LABEL_ACCEPTED}"),
    (7, f"is not a DNS-1123 label: {LABEL_ACCEPTED}"),
])
def test_dns_label(value: object, reason: str | None) -> None:
    assert rules.dns_label().reason(value) == reason


@pytest.mark.parametrize(("value", "reason"), [
    ("a" * 253, None), ("a.b-1", None),
    ("a" * 254, f"is not a DNS-1123 subdomain: {SUBDOMAIN_ACCEPTED}"),
    ("A", f"is not a DNS-1123 subdomain: {SUBDOMAIN_ACCEPTED}"),
    ("a..b", f"is not a DNS-1123 subdomain: {SUBDOMAIN_ACCEPTED}"),
])
def test_dns_subdomain(value: object, reason: str | None) -> None:
    assert rules.dns_subdomain().reason(value) == reason


def test_dns_rules_name_what_they_are_given() -> None:
    assert rules.dns_label("a namespace").reason("A") == f"is not a namespace: {LABEL_ACCEPTED}"
    assert rules.dns_subdomain("a Secret name").reason(None) == (
        f"is not a Secret name: {SUBDOMAIN_ACCEPTED}")


def test_dns_rules_schemas() -> None:
    assert rules.dns_label().schema() == {
        "type": "string", "minLength": 1, "maxLength": 63,
        "pattern": "^(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)(?![\\s\\S])"}
    assert rules.dns_subdomain().schema() == {
        "type": "string", "minLength": 1, "maxLength": 253,
        "pattern": "^(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*)"
                   "(?![\\s\\S])"}


@pytest.mark.parametrize(("value", "reason"), [
    ("KMS", None), ("AES256", None),
    ("kms", "is not accepted: use one of AES256, KMS"),
    ("", "is not accepted: use one of AES256, KMS"),
    (1, "is not accepted: use one of AES256, KMS"),
    (None, "is not accepted: use one of AES256, KMS"),
])
def test_choice(value: object, reason: str | None) -> None:
    assert rules.choice("AES256", "KMS").reason(value) == reason


def test_choice_schema() -> None:
    assert rules.choice("pull", "push-pull").schema() == {"type": "string",
                                                          "enum": ["pull", "push-pull"]}


def test_iam_arn_pattern() -> None:
    assert rules.iam_arn("role", "user") == (
        "arn:(?:aws|aws-cn|aws-us-gov):iam::[0-9]{12}:(?:role|user)/(?:[A-Za-z0-9+=,.@_-]+/)*"
        "[A-Za-z0-9+=,.@_-]{1,64}")


def test_cross_registers_a_check_that_runs_when_its_fields_pass() -> None:
    def shout(values: Mapping[str, Any], problems: list[str]) -> None:
        problems.append(f"region: {values['region']} seen by a new check")

    registered = len(rules.CROSS_CHECKS)
    try:
        assert rules.cross("region", "account")(shout) is shout
        (check,) = rules.CROSS_CHECKS[registered:]
        assert (check.needs, check.run) == (("region", "account"), shout)
        assert problems_of() == ("region: us-east-1 seen by a new check",)
        # a field it needs fails its own rule: the check does not run
        assert problems_of(account="1") == (
            "account: '1' is not an AWS account ID: use 12 digits",)
    finally:
        del rules.CROSS_CHECKS[registered:]
    assert Parameters.from_mapping(params_dict()).region == "us-east-1"


# --- arn_like ----------------------------------------------------------------------------------

ARN = "arn:aws:iam::123456789012:role/"


@pytest.mark.parametrize(("pattern", "arn", "like"), [
    (ARN + "a:b", ARN + "a:b", True),  # the resource part is one part, colons and all
    ("arn:aws:iam::*:role/a:*", ARN + "a:b:c", True),
    ("arn:aws:iam::*:role/a", ARN + "a:b", False),
    (ARN + "a?c", ARN + "abc", True),
    (ARN + "a?c", ARN + "a?c", True),
    (ARN + "a?c", ARN + "ac", False),
    (ARN + "a*", ARN + "a\nb", True),  # * is any characters, a newline too
    (ARN + "a?b", ARN + "a\nb", True),
    ("arn:aws:iam::*:role/*", "arn:aws:iam::123456789012:role", False),
    ("arn:aws:iam::*", ARN + "a", False),
])
def test_arn_like(pattern: str, arn: str, like: bool) -> None:
    assert rules.arn_like(pattern, arn) is like


# --- names and hints ---------------------------------------------------------------------------

# the quoting hint for a number and none for a boolean: test_params_literal.py

@pytest.mark.parametrize(("account", "line"), [
    (["123456789012"], "account: ['123456789012'] is not an AWS account ID: use 12 digits"),
    (1.5, "account: 1.5 is not an AWS account ID: use 12 digits"),
])
def test_only_a_whole_number_gets_the_quoting_hint(account: object, line: str) -> None:
    assert problems_of(account=account) == (line,)


@pytest.mark.parametrize(("stack", "name"), [
    ("A" * 40, "A" * 40 + "-us-east-1-ecr-refresher"),  # 64 characters: as is
    ("A" * 41, "A" * 41 + "-4320ffc8-ecr-refresher"),  # 65: shortened with a hash, to 64
])
def test_the_refresher_user_name_fits_iam(stack: str, name: str) -> None:
    assert rules.refresher_user_name(stack, "us-east-1") == name
