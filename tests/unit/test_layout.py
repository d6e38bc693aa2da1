"""Sharded layouts: which stack holds which repository, and the stacks app.py makes of them.

The assignment is pinned with literal values: a change to it would move deployed repositories
between stacks (CloudFormation would drop them from one stack and fail to create them in the
other), so it must never change by accident.
"""

from __future__ import annotations

import json
import random
from typing import Any

import aws_cdk as cdk
import pytest

from ecr_cluster_access import Parameters, layout, naming
from ecr_cluster_access.params.template_size import plan, template_bytes
from ecr_cluster_access.stack import EcrClusterAccessStack, make_stacks

from ..support.parameters import params_dict

#: name -> its shard for 2, 3, 26 and 100 shards (the first 8 bytes of the name's SHA-256,
#: big-endian, modulo the count: sha256("builds/sample-app") starts 13e885d1877c39aa).
PINNED = {
    "builds/sample-app": [0, 2, 12, 34],
    "team-00/service-000": [0, 0, 14, 70],
    "a": [0, 1, 24, 50],
    "x" * 256: [1, 2, 1, 93],
}


@pytest.mark.parametrize("name", PINNED)
def test_the_shard_of_a_name_is_pinned(name: str) -> None:
    assert [naming.shard_of(name, n) for n in (2, 3, 26, 100)] == PINNED[name]


def test_the_pinned_value_is_the_hash_the_docstring_names() -> None:
    assert int("13e885d1877c39aa", 16) % 26 == 12  # the control for the table's first row


def sharded(count: int, shards: int, **overrides: Any) -> Parameters:
    return Parameters.from_mapping(params_dict(
        repositories=[f"team-{i // 50:02d}/service-{i:04d}" for i in range(count)],
        shards=shards, **overrides))


def test_the_assignment_does_not_depend_on_the_list_s_order() -> None:
    params = sharded(300, 3)
    names = list(params.repositories)
    random.Random(7).shuffle(names)
    shuffled = Parameters.from_mapping(params_dict(repositories=names, shards=3))
    for part in range(3):
        assert sorted(layout.repositories_of(params, part)) == sorted(
            layout.repositories_of(shuffled, part))


def test_adding_a_repository_in_the_middle_changes_exactly_one_shard() -> None:
    params = sharded(600, 4)
    names = list(params.repositories)
    names.insert(300, "team-06/a-new-service")
    grown = Parameters.from_mapping(params_dict(repositories=names, shards=4))
    changed = [part for part in range(4) if layout.repositories_of(params, part)
               != layout.repositories_of(grown, part)]
    assert changed == [naming.shard_of("team-06/a-new-service", 4)]
    assert [template_bytes(params, part=p) == template_bytes(grown, part=p)
            for p in layout.parts(params)].count(False) == 1


def test_one_shard_is_one_stack_as_before() -> None:
    params = sharded(10, 1)
    assert layout.parts(params) == (None,)
    assert [(s.stack_name, s.repositories) for s in plan(params)] == [("EcrClusterAccess", 10)]


def test_the_plan_of_a_sharded_set() -> None:
    """The counts are hashlib's, computed apart from the package (see PINNED)."""
    params = sharded(1000, 3)
    rows = [(s.stack_name, s.part, s.repositories, s.resources) for s in plan(params)]
    assert rows == [
        ("EcrClusterAccess-registry", "registry", 0, 1),
        ("EcrClusterAccess-shard-000", 0, 334, 334),
        ("EcrClusterAccess-shard-001", 1, 337, 337),
        ("EcrClusterAccess-shard-002", 2, 329, 329)]
    assert sum(r[2] for r in rows) == 1000


def test_too_few_shards_is_one_line_naming_the_fullest() -> None:
    with pytest.raises(ValueError) as caught:
        sharded(1000, 2)
    assert str(caught.value) == (
        "shards: 2 is too few for 1000 repositories: shard 0 would hold 508, over the 490 one "
        "stack holds; set shards to 3 or more")


@pytest.mark.parametrize(("value", "shown"), [(0, "0"), (101, "101"), (True, "true"),
                                               ("2", "'2'"), (2.0, "2.0")])
def test_shards_outside_1_to_100_is_refused(value: object, shown: str) -> None:
    with pytest.raises(ValueError) as caught:
        Parameters.from_mapping(params_dict(shards=value))
    assert str(caught.value) == (f"shards: {shown} is not accepted: use a whole number from 1 "
                                 "to 100 (100 stacks of 490 repositories at most)")


@pytest.mark.parametrize("part", ["shard", -1, 3, True, 1.0])
def test_a_part_outside_the_layout_is_one_line(part: object) -> None:
    with pytest.raises(ValueError) as caught:
        EcrClusterAccessStack(cdk.App(), params=sharded(20, 3), part=part)  # type: ignore[arg-type]
    assert str(caught.value) == (
        f"part: {part!r} is not accepted: use None (one stack), 'registry' or a shard number "
        "from 0 to 2 (the parameters' shards is 3)")


def synthesized(params: Parameters) -> tuple[list[EcrClusterAccessStack], Any]:
    app = cdk.App(context={"aws:cdk:enable-path-metadata": True})
    stacks = make_stacks(app, params)
    return stacks, app.synth()


def test_the_stacks_of_a_sharded_set() -> None:
    params = sharded(30, 3, builderIdentity={
        "mode": "irsa", "namespace": "ci", "serviceAccount": "buildkit", "for": "custom",
        "oidcProviderArn": "arn:aws:iam::123456789012:oidc-provider/"
        "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"})
    stacks, assembly = synthesized(params)
    names = [s.stack_name for s in stacks]
    assert names == ["EcrClusterAccess-registry", "EcrClusterAccess-shard-000",
                     "EcrClusterAccess-shard-001", "EcrClusterAccess-shard-002"]
    registry, *shards = (assembly.get_stack_by_name(n) for n in names)
    # the registry holds no repository; every shard holds only repositories, and depends on it
    kinds = {r["Type"] for r in registry.template["Resources"].values()}
    assert kinds == {"AWS::IAM::Policy", "AWS::IAM::Role"}
    held: list[str] = []
    for shard in shards:
        resources = shard.template["Resources"].values()
        assert {r["Type"] for r in resources} == {"AWS::ECR::Repository"}
        assert all("DependsOn" not in r for r in resources)  # the stack depends instead
        assert "EcrClusterAccess-registry" in [d.id for d in shard.dependencies]
        held += [r["Properties"]["RepositoryName"] for r in resources]
        # each repository's policy names the builder role by its ARN, made in the registry
        (policy,) = {json.dumps(r["Properties"]["RepositoryPolicyText"]) for r in resources}
        assert "arn:aws:iam::123456789012:role/EcrClusterAccess-builder" in policy, policy
    assert sorted(held) == sorted(params.repositories)
    # and the template sizes the loader computes are the files' sizes
    for part, stack in zip(layout.parts(params), (registry, *shards), strict=True):
        size = len(json.dumps(stack.template, indent=1, ensure_ascii=False).encode())
        assert template_bytes(params, part=part) == size, part


def test_two_layouts_of_the_same_parameters_in_one_app_are_refused() -> None:
    app = cdk.App()
    params = sharded(20, 2)
    make_stacks(app, params)
    with pytest.raises(ValueError, match="is made by both EcrClusterAccess-"):
        make_stacks(app, Parameters.from_mapping(params_dict(
            repositories=list(params.repositories), shards=2, stackName="Other")))


SIX = params_dict(repositories=[f"builds/{c}" for c in "abcdef"], shards=2)


def import_mapping(tmp_path: Any, capsys: pytest.CaptureFixture[str], *args: str
                   ) -> tuple[int, str, str]:
    from ecr_cluster_access.cli import main

    config = tmp_path / "p.json"
    config.write_text(json.dumps(SIX))
    try:
        status = main(["--config", str(config), "import-mapping", *args])
    except SystemExit as stop:
        status = int(stop.code or 0)
    out, err = capsys.readouterr()
    return status, out, err


def test_import_mapping_with_shards_is_for_one_stack(tmp_path: Any,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """builds/a, b, c hash to shard 0 and d, e, f to shard 1 (hashlib, as PINNED)."""
    status, out, _ = import_mapping(tmp_path, capsys, "--stack", "EcrClusterAccess-shard-001")
    assert status == 0
    assert sorted(v["RepositoryName"] for v in json.loads(out).values()) == [
        "builds/d", "builds/e", "builds/f"]
    status, out, _ = import_mapping(tmp_path, capsys, "--repository", "builds/b")
    assert (status, [v["RepositoryName"] for v in json.loads(out).values()]) == (0, ["builds/b"])


@pytest.mark.parametrize(("args", "line"), [
    ((), "--stack: with shards, cdk import takes one stack at a time: give --stack (one of "
         "EcrClusterAccess-shard-000, EcrClusterAccess-shard-001), or repositories of one stack"),
    (("--repository", "builds/a", "--repository", "builds/d"),
     "--stack: with shards, cdk import takes one stack at a time: give --stack (one of "
     "EcrClusterAccess-shard-000, EcrClusterAccess-shard-001), or repositories of one stack"),
    (("--stack", "EcrClusterAccess-registry"),
     "--stack: 'EcrClusterAccess-registry' holds none of the repositories: use one of "
     "EcrClusterAccess-shard-000, EcrClusterAccess-shard-001"),
    (("--stack", "EcrClusterAccess-shard-001", "--repository", "builds/a"),
     "--repository: 'builds/a' is not in stack 'EcrClusterAccess-shard-001'"),
])
def test_import_mapping_refuses_what_spans_or_misses_a_stack(
        tmp_path: Any, capsys: pytest.CaptureFixture[str], args: tuple[str, ...],
        line: str) -> None:
    assert import_mapping(tmp_path, capsys, *args) == (
        2, "", f"ecr-cluster-access: error: {line}\n")
