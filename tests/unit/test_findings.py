"""``check/findings.py``'s helpers on literal values: the three kinds with where they apply,
how a role ARN is told from other principals, and the words for counts."""

from __future__ import annotations

from ecr_cluster_access.check.findings import (
    Finding,
    cannot_verify,
    drift,
    is_role_arn,
    note,
    plural,
    some,
)


def test_each_kind_keeps_what_it_concerns() -> None:
    where = {"repositories": ("builds/app",), "role": "arn:aws:iam::123456789012:role/r",
             "actions": ("ecr:PutImage",), "region": "us-west-2"}
    expected = ("builds/app", "m", ("builds/app",), "arn:aws:iam::123456789012:role/r",
                ("ecr:PutImage",), "us-west-2")
    for make, kind in [(drift, "drift"), (cannot_verify, "cannot-verify"), (note, "note")]:
        found = make("builds/app", "m", **where)
        assert found.kind == kind
        assert (found.subject, found.message, found.repositories, found.role, found.actions,
                found.region) == expected
    assert Finding("s", "m").kind == "drift"


def test_a_role_arn_and_what_is_not_one() -> None:
    assert is_role_arn("arn:aws:iam::123456789012:role/k8s-worker")
    assert is_role_arn("arn:aws-cn:iam::123456789012:role/path/with:colon")
    assert not is_role_arn("arn:aws:iam::123456789012:user/k8s-worker")
    assert not is_role_arn("arn:aws:sts::123456789012:assumed-role/r/s")
    assert not is_role_arn("arn:aws:iam::123456789012")
    assert not is_role_arn("*")
    assert not is_role_arn(None)


def test_counts_and_lists_in_words() -> None:
    assert plural(1, "repository", "repositories") == "1 repository"
    assert plural(2, "repository", "repositories") == "2 repositories"
    assert plural(3, "action") == "3 actions"
    assert plural(0, "action") == "0 actions"
    assert some(["a", "b", "c", "d"]) == "a, b, c, d"
    assert some(["a", "b", "c", "d", "e"]) == "5 repositories"
    assert some(["a", "b", "c", "d", "e"], "roles") == "5 roles"
