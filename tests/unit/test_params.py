"""The parameters model: loading, defaults and validation (pure Python, no jsii)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ecr_cluster_access import Lifecycle, ParameterError, Parameters, documents, load_parameters
from ecr_cluster_access.params import MAX_REPOSITORIES_PER_STACK, template_bytes

from ..support.expected_access import PULL, SEVEN
from ..support.parameters import DEFAULT, OIDC, params_dict
from ..support.tools import ROOT


def load_error(path: Path) -> str:
    """The one problem line that loading ``path`` as the parameters file gives."""
    with pytest.raises(ParameterError) as caught:
        load_parameters(ROOT, environ={"ECR_CLUSTER_ACCESS_CONFIG": str(path)})
    (line,) = caught.value.problems
    return line


def problems_of(**overrides: object) -> list[str]:
    with pytest.raises(ParameterError) as caught:
        Parameters.from_mapping(params_dict(**overrides))
    return list(caught.value.problems)


def shown(value: object) -> str:
    """A value as problem lines quote it: JSON's true, false and null, else Python's repr."""
    return json.dumps(value) if isinstance(value, bool) or value is None else repr(value)


def one_problem(**overrides: object) -> str:
    problems = problems_of(**overrides)
    assert len(problems) == 1, problems
    return problems[0]


# --- loading ----------------------------------------------------------------------------------

def test_embedded_default_is_the_guides_placeholders() -> None:
    params = load_parameters(ROOT, environ={})
    assert params.account == "123456789012"
    assert params.region == "us-east-1"
    assert params.worker_role_arns == ("arn:aws:iam::123456789012:role/k8s-worker",)
    assert len(params.repositories) == 1
    assert (params.secret_name, params.namespace) == ("ecr-config", "default")


def test_config_file_replaces_the_embedded_block(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps(params_dict(repositories=["a1", "b2"], namespace="builds")))
    params = load_parameters(ROOT, environ={"ECR_CLUSTER_ACCESS_CONFIG": str(path)})
    assert params.repositories == ("a1", "b2")
    assert params.namespace == "builds"


def test_yaml_config_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "account: '210987654321'\nregion: eu-west-1\nrepositories: [team/app]\n"
        "workerRoleArns: ['arn:aws:iam::210987654321:role/nodes']\n"
        "lifecycle: {untaggedExpireDays: 7}\n"
    )
    params = load_parameters(ROOT, environ={"ECR_CLUSTER_ACCESS_CONFIG": str(path)})
    assert params.repositories == ("team/app",)
    assert params.lifecycle == Lifecycle(untagged_expire_days=7)


def test_missing_config_file_is_one_line(tmp_path: Path) -> None:
    line = load_error(tmp_path / "nope.json")
    assert "nope.json" in line and "cannot read" in line


def test_malformed_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text('{"account": "123456789012",\n "region": }')
    assert "not valid JSON at line 2" in load_error(path)


def test_errors_name_their_source_file(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps(params_dict(account="12")))
    assert load_error(path).startswith(f"{path}: account: '12'")


def test_cdk_json_without_the_block_is_reported(tmp_path: Path) -> None:
    (tmp_path / "cdk.json").write_text('{"app": "python app.py", "context": {}}')
    with pytest.raises(ParameterError) as caught:
        load_parameters(tmp_path, environ={})
    assert "no context.'ecr-cluster-access' block" in caught.value.problems[0]


def test_importing_the_model_does_not_import_aws_cdk_or_cdk8s() -> None:
    code = (
        "import sys, ecr_cluster_access, ecr_cluster_access.params, ecr_cluster_access.documents\n"
        "ecr_cluster_access.load_parameters()\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('aws_cdk', 'cdk8s', 'jsii')]\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


# --- the Python API ---------------------------------------------------------------------------

def test_python_names_are_snake_case_and_lists_become_tuples() -> None:
    params = Parameters(account="123456789012", region="us-east-1", repositories=["a1"],
                        worker_role_arns=["arn:aws:iam::123456789012:role/w"])
    assert params.repositories == ("a1",)
    assert params.to_mapping()["workerRoleArns"] == ["arn:aws:iam::123456789012:role/w"]


def test_round_trip_through_a_mapping_is_identity() -> None:
    params = Parameters.from_mapping(params_dict(tags={"team": "x"},
                                                 lifecycle={"keepLastImages": 5}))
    assert Parameters.from_mapping(params.to_mapping()) == params


def test_python_constructor_validates_too() -> None:
    with pytest.raises(ParameterError, match=r"account: 'x' is not an AWS account ID"):
        Parameters(account="x", region="us-east-1", repositories=["a1"],
                   worker_role_arns=["arn:aws:iam::123456789012:role/w"])


def test_registry_host_uses_the_china_suffix_in_china_regions() -> None:
    params = Parameters.from_mapping(
        params_dict(region="cn-north-1", workerRoleArns=["arn:aws-cn:iam::123456789012:role/w"])
    )
    assert params.registry_host == "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn"


# --- validation: one line per problem, naming field, value and what is accepted ---------------

def test_all_problems_are_collected_at_once() -> None:
    problems = problems_of(account="1", region="Mars", repositories=["Bad_Name"],
                           secretName="Bad_Secret")
    assert [p.split(":")[0] for p in problems] == [
        "account", "region", "repositories[0]", "secretName"]


def test_each_problem_is_one_line() -> None:
    for problem in problems_of(account="1", region="Mars", repositories=["A", "b/"],
                               workerRoleArns=["*"]):
        assert "\n" not in problem


def test_fails_on_uppercase_repository_name() -> None:
    assert one_problem(repositories=["ok-name", "My_Repo"]) == (
        "repositories[1]: 'My_Repo' is not a valid ECR repository name: use 2-256 lowercase "
        "letters and digits, separated by single . _ - or /"
    )


@pytest.mark.parametrize("name", ["a", "x" * 257, "a//b", "a-", "-a", "a..b", "a/"])
def test_fails_on_repository_names_ecr_refuses(name: str) -> None:
    assert one_problem(repositories=[name]).startswith("repositories[0]:")


@pytest.mark.parametrize("name", ["ab", "team/app", "a.b_c-d/e", "x" * 256])
def test_accepts_repository_names_ecr_accepts(name: str) -> None:
    assert Parameters.from_mapping(params_dict(repositories=[name])).repositories == (name,)


def test_fails_on_empty_repository_list() -> None:
    assert one_problem(repositories=[]) == "repositories: [] is empty: give at least one"


def test_fails_on_duplicate_repository() -> None:
    assert one_problem(repositories=["a1", "b2", "a1"]) == (
        "repositories[2]: 'a1' is a duplicate: list each once")


def test_fails_on_duplicate_worker_role() -> None:
    arn = DEFAULT["workerRoleArns"][0]
    assert one_problem(workerRoleArns=[arn, arn]).startswith("workerRoleArns[1]:")


@pytest.mark.parametrize("account", ["12345678901", "1234567890123", "12345678901a", ""])
def test_fails_on_account_that_is_not_12_digits(account: str) -> None:
    assert one_problem(account=account).startswith(f"account: {account!r} is not an AWS account")


def test_account_given_as_a_number_says_to_quote_it() -> None:
    assert "quoted string" in one_problem(account=123456789012)


@pytest.mark.parametrize("region", ["us-east", "US-EAST-1", "useast1", "us-east-1a"])
def test_fails_on_malformed_region(region: str) -> None:
    assert one_problem(region=region).startswith(f"region: {region!r} is not an AWS region")


@pytest.mark.parametrize("arn", [
    "arn:aws:iam::123456789012:user/k8s-worker",
    "arn:aws:iam::123456789012:role/*",
    "arn:aws:iam::12345:role/w",
    "arn:aws:sts::123456789012:assumed-role/w/s",
    "*",
])
def test_fails_on_malformed_worker_role_arn(arn: str) -> None:
    assert one_problem(workerRoleArns=[arn]).startswith(
        f"workerRoleArns[0]: {arn!r} is not an IAM role ARN")


def test_accepts_role_arn_with_a_path() -> None:
    arn = "arn:aws:iam::123456789012:role/eks/nodes/k8s-worker"
    assert Parameters.from_mapping(params_dict(workerRoleArns=[arn])).worker_role_arns == (arn,)


def test_fails_on_role_partition_that_does_not_match_the_region() -> None:
    assert one_problem(region="cn-north-1") == (
        "workerRoleArns[0]: 'arn:aws:iam::123456789012:role/k8s-worker' is in partition 'aws' "
        "but region 'cn-north-1' is in 'aws-cn': use arn:aws-cn:iam::..."
    )


@pytest.mark.parametrize("name", ["Ecr-Config", "ecr_config", "-ecr", "e" * 254, ""])
def test_fails_on_secret_name_that_is_not_dns1123(name: str) -> None:
    assert one_problem(secretName=name).startswith("secretName:")


def test_accepts_dotted_secret_name() -> None:
    assert Parameters.from_mapping(params_dict(secretName="ecr.config-1")).secret_name == (
        "ecr.config-1")


@pytest.mark.parametrize("namespace", ["kube.system", "Default", "n" * 64])
def test_fails_on_namespace_that_is_not_a_dns1123_label(namespace: str) -> None:
    assert "is not a DNS-1123 label" in one_problem(namespace=namespace)


def test_fails_on_unknown_key() -> None:
    assert one_problem(workerRoleArn="x") == (
        "workerRoleArn: unknown key: did you mean workerRoleArns? (ecr-cluster-access schema "
        "lists every key)")


def test_fails_on_missing_required_keys() -> None:
    with pytest.raises(ParameterError) as caught:
        Parameters.from_mapping({"account": "123456789012"})
    assert [p.split(":")[0] for p in caught.value.problems] == ["region", "repositories"]


def test_fails_when_parameters_are_not_an_object() -> None:
    with pytest.raises(ParameterError, match="is not a mapping"):
        Parameters.from_mapping(["a"])


def test_fails_when_repository_policy_exceeds_ecr_limit() -> None:
    roles = [f"arn:aws:iam::123456789012:role/worker-role-number-{i:04d}" for i in range(250)]
    problem = one_problem(workerRoleArns=roles)
    assert problem.startswith("workerRoleArns: the repository policy for 250 roles is ")
    assert "over ECR's 10240" in problem


def test_fails_on_more_repositories_than_one_stack_holds() -> None:
    names = [f"repo-{i}" for i in range(MAX_REPOSITORIES_PER_STACK + 1)]
    assert one_problem(repositories=names) == (
        "repositories: 491 repositories and the registry settings make 491 resources, over the "
        "490 one stack holds (500 resources, 10 kept for the stack's own): set shards to 2 or "
        "more to lay them across stacks, or give fewer")


def test_accepts_as_many_repositories_as_one_stack_holds() -> None:
    names = [f"repo-{i}" for i in range(MAX_REPOSITORIES_PER_STACK)]
    assert len(Parameters.from_mapping(params_dict(repositories=names)).repositories) == len(names)


def test_fails_when_template_would_exceed_one_megabyte() -> None:
    roles = [f"arn:aws:iam::123456789012:role/w-{i:03d}" for i in range(150)]
    names = [f"repo-{i}" for i in range(300)]
    problem = one_problem(repositories=names, workerRoleArns=roles)
    assert re.fullmatch(
        r"repositories: 300 repositories make a template of \d{7} bytes, over "
        r"CloudFormation's 1000000: give fewer repositories or fewer worker roles per stack, "
        r"or set more shards", problem), problem


def test_template_size_of_the_embedded_default_is_the_cli_s() -> None:
    # 2,973 bytes: the size of cdk.out/EcrClusterAccess.template.json that `cdk synth` of
    # cdk.json's block writes (measured with aws-cdk-lib 2.275.0; tests/e2e/test_app.py and
    # test_differential.py compare with real templates)
    assert template_bytes(Parameters.from_mapping(params_dict())) == 2_973
    two = template_bytes(Parameters.from_mapping(params_dict(repositories=["a1", "b2"])))
    assert two > 2_973


# --- options ---------------------------------------------------------------------------------

def test_defaults_keep_everything() -> None:
    params = Parameters.from_mapping(params_dict())
    assert params.removal_policy == "retain"
    assert params.empty_on_delete is False
    assert documents.lifecycle_policy(params) is None
    assert params.scan_on_push is True
    assert params.effective_tag_mutability == "MUTABLE"
    assert params.encryption == "AES256"


def test_empty_on_delete_needs_destroy() -> None:
    assert one_problem(emptyOnDelete=True).startswith(
        "emptyOnDelete: true deletes images but removalPolicy is 'retain'")


def test_fails_on_unknown_removal_policy() -> None:
    assert one_problem(removalPolicy="delete") == (
        "removalPolicy: 'delete' is not accepted: use one of retain, destroy")


def test_fails_on_unknown_tag_mutability() -> None:
    assert one_problem(imageTagMutability="mutable").startswith("imageTagMutability: 'mutable'")


def test_exclusion_filters_make_a_with_exclusion_mutability() -> None:
    params = Parameters.from_mapping(params_dict(imageTagMutability="IMMUTABLE",
                                                 imageTagMutabilityExclusionFilters=["latest"]))
    assert params.effective_tag_mutability == "IMMUTABLE_WITH_EXCLUSION"


def test_fails_on_more_than_five_exclusion_filters() -> None:
    assert "at most 5" in one_problem(imageTagMutabilityExclusionFilters=list("abcdef"))


def test_fails_on_bad_exclusion_filter() -> None:
    assert one_problem(imageTagMutabilityExclusionFilters=["a b"]).startswith(
        "imageTagMutabilityExclusionFilters[0]: 'a b' is not a tag filter")


@pytest.mark.parametrize("value", [0, -1, True, "7", 1.5])
def test_fails_on_bad_lifecycle_count(value: object) -> None:
    assert one_problem(lifecycle={"untaggedExpireDays": value}).startswith(
        f"lifecycle.untaggedExpireDays: {shown(value)} is not accepted")


def test_fails_on_unknown_lifecycle_key() -> None:
    assert one_problem(lifecycle={"keepLast": 3}).startswith("lifecycle.keepLast: unknown key")


def test_fails_on_non_boolean_scan_on_push() -> None:
    assert one_problem(scanOnPush="yes") == (
        "scanOnPush: 'yes' is not a boolean: use true or false")


def test_kms_key_arn_needs_kms_encryption() -> None:
    arn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    assert one_problem(kmsKeyArn=arn).startswith("kmsKeyArn:")
    assert Parameters.from_mapping(params_dict(encryption="KMS", kmsKeyArn=arn)).kms_key_arn == arn


def test_kms_key_must_be_in_the_repositories_region() -> None:
    arn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd"
    assert "ECR needs a key in the repositories' region" in one_problem(
        encryption="KMS", kmsKeyArn=arn)


def test_fails_on_aws_prefixed_tag_key() -> None:
    assert one_problem(tags={"aws:owner": "x"}).startswith("tags: key 'aws:owner'")


def test_fails_on_non_string_tag_value() -> None:
    assert one_problem(tags={"team": 3}).startswith("tags.team: 3 is not accepted")


def test_developer_principals_must_be_in_the_account() -> None:
    assert "an identity policy can only be attached in its own account" in one_problem(
        developerPrincipalArns=["arn:aws:iam::210987654321:role/dev"])


def test_developer_policy_must_fit_a_managed_policy() -> None:
    names = [f"repository-number-{i}" for i in range(120)]
    assert one_problem(repositories=names,
                       developerPrincipalArns=["arn:aws:iam::123456789012:group/devs"]
                       ).startswith("developerPrincipalArns: the developer policy for 120")


def test_fails_on_bad_stack_name() -> None:
    assert one_problem(stackName="1stack").startswith("stackName: '1stack'")


# --- builder identity -------------------------------------------------------------------------



def test_builder_identity_defaults_and_role_arn() -> None:
    params = Parameters.from_mapping(params_dict(
        builderIdentity={"mode": "irsa", "oidcProviderArn": OIDC}))
    assert params.builder_role_arn == "arn:aws:iam::123456789012:role/EcrClusterAccess-builder"
    assert params.builder_namespace == "default"
    assert params.builder_annotations == {
        "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/EcrClusterAccess-builder"}
    assert params.builder_role_arn in params.repository_principal_arns


def test_builder_identity_round_trips_through_a_mapping() -> None:
    params = Parameters.from_mapping(params_dict(builderIdentity={
        "mode": "pod-identity", "clusterName": "builds", "namespace": "ci",
        "serviceAccount": "kaniko", "for": "custom", "roleName": "kaniko-builder"}))
    assert Parameters.from_mapping(params.to_mapping()) == params
    assert params.builder_annotations == {}


def test_a_stack_with_irsa_needs_an_oidc_provider_arn_the_cluster_half_does_not() -> None:
    from ecr_cluster_access.params.rules import stack_problems

    params = Parameters.from_mapping(params_dict(builderIdentity={"mode": "irsa"}))
    (problem,) = stack_problems(params)
    assert problem.startswith("builderIdentity.oidcProviderArn: missing: irsa needs arn:")
    assert stack_problems(params, oidc_provider=True) == []


def test_oidc_provider_must_be_in_the_account() -> None:
    assert "is not in account 123456789012" in one_problem(builderIdentity={
        "mode": "irsa", "oidcProviderArn": OIDC.replace("123456789012", "210987654321")})


def test_a_stack_with_pod_identity_needs_a_cluster_name() -> None:
    from ecr_cluster_access.params.rules import stack_problems

    params = Parameters.from_mapping(params_dict(builderIdentity={"mode": "pod-identity"}))
    (problem,) = stack_problems(params)
    assert problem.startswith("builderIdentity.clusterName: missing: pod-identity needs")
    assert stack_problems(params, cluster=True) == []


def test_builder_identity_mode_is_checked() -> None:
    assert one_problem(builderIdentity={"mode": "kiam"}).startswith(
        "builderIdentity.mode: 'kiam' is not accepted: use one of irsa, pod-identity")


def test_builder_identity_needs_a_mode() -> None:
    assert one_problem(builderIdentity={}).startswith("builderIdentity.mode: missing: irsa")


def test_builder_identity_unknown_key_is_named() -> None:
    assert one_problem(builderIdentity={"mode": "pod-identity", "clusterName": "c",
                                        "cluster": "c"}).startswith(
        "builderIdentity.cluster: unknown key")


def test_builder_service_account_and_namespace_are_dns1123() -> None:
    problems = problems_of(builderIdentity={"mode": "pod-identity", "clusterName": "c",
                                            "serviceAccount": "Builder", "for": "custom",
                                            "namespace": "a.b"})
    assert [p.split(":")[0] for p in problems] == [
        "builderIdentity.serviceAccount", "builderIdentity.namespace"]


def test_builder_role_may_not_be_a_worker_role() -> None:
    assert "is also a worker role" in one_problem(builderIdentity={
        "mode": "pod-identity", "clusterName": "c", "roleName": "k8s-worker"})


def test_too_many_roles_says_how_many_fit() -> None:
    roles = [f"arn:aws:iam::123456789012:role/worker-role-number-{i:04d}" for i in range(250)]
    problem = one_problem(workerRoleArns=roles)
    fit = int(problem.split("give at most ")[1].split(",")[0])
    assert f"{fit} of these worker roles fit in one policy;" in problem
    assert 100 < fit < 250
    assert f"give at most {fit}" in problem
    Parameters.from_mapping(params_dict(workerRoleArns=roles[:fit]))
    with pytest.raises(ParameterError):
        Parameters.from_mapping(params_dict(workerRoleArns=roles[:fit + 1]))


# --- pull secret ------------------------------------------------------------------------------

def test_pull_secret_defaults() -> None:
    params = Parameters.from_mapping(params_dict(pullSecret={"mode": "cronjob",
                                                             "credentials": "secret"}))
    assert params.pull_secret is not None
    assert (params.pull_secret.name, params.pull_secret.refresh_hours) == ("ecr-pull", 6)
    assert params.pull_secret_namespaces == ("default",)


@pytest.mark.parametrize("hours", [0, 9, 12, "6", True])
def test_pull_secret_refresh_must_stay_well_inside_12_hours(hours: object) -> None:
    assert one_problem(pullSecret={"mode": "cronjob", "credentials": "secret",
                                   "refreshHours": hours}).startswith(
        f"pullSecret.refreshHours: {shown(hours)} is not accepted: use a whole number from 1 to 8")


def test_pull_secret_mode_is_checked() -> None:
    assert one_problem(pullSecret={"mode": "operator", "credentials": "secret"}).startswith(
        "pullSecret.mode: 'operator' is not accepted")


def test_pull_secret_may_not_replace_the_ecr_config_secret() -> None:
    assert "is the ecr-config Secret's name" in one_problem(
        pullSecret={"mode": "cronjob", "credentials": "secret", "name": "ecr-config"})


def test_pull_secret_namespaces_and_service_accounts_are_checked() -> None:
    problems = problems_of(pullSecret={"mode": "cronjob", "credentials": "secret",
                                       "namespaces": ["a", "a", "B"],
                                       "serviceAccounts": ["Default"]})
    assert [p.split(":")[0] for p in problems] == [
        "pullSecret.namespaces[1]", "pullSecret.namespaces[2]", "pullSecret.serviceAccounts[0]"]


# --- create-on-push ---------------------------------------------------------------------------

def test_create_on_push_prefix_gives_the_arn_pattern() -> None:
    params = Parameters.from_mapping(params_dict(createOnPushPrefix="builds"))
    assert params.create_on_push_arn == "arn:aws:ecr:us-east-1:123456789012:repository/builds/*"


def test_create_on_push_refuses_root() -> None:
    assert one_problem(createOnPushPrefix="ROOT").startswith(
        "createOnPushPrefix: 'ROOT' is not accepted")


@pytest.mark.parametrize("prefix", ["Builds", "builds/", "", "a//b"])
def test_create_on_push_refuses_bad_prefixes(prefix: str) -> None:
    assert one_problem(createOnPushPrefix=prefix).startswith(
        f"createOnPushPrefix: {prefix!r} is not a repository prefix")


# --- replication ------------------------------------------------------------------------------

def test_replication_adds_each_regions_registry_host() -> None:
    params = Parameters.from_mapping(params_dict(replicationRegions=["us-west-2", "eu-west-1"]))
    assert params.registry_hosts == (
        "123456789012.dkr.ecr.us-east-1.amazonaws.com",
        "123456789012.dkr.ecr.us-west-2.amazonaws.com",
        "123456789012.dkr.ecr.eu-west-1.amazonaws.com")
    assert params.replica_repository_arns == (
        "arn:aws:ecr:us-west-2:123456789012:repository/builds/sample-app",
        "arn:aws:ecr:eu-west-1:123456789012:repository/builds/sample-app")


def test_replication_region_may_not_be_the_home_region() -> None:
    assert "is the repositories' own region" in one_problem(replicationRegions=["us-east-1"])


def test_replication_stays_in_the_partition() -> None:
    assert "is in another partition" in one_problem(replicationRegions=["cn-north-1"])


def test_replication_regions_are_regions_listed_once() -> None:
    problems = problems_of(replicationRegions=["us-west-2", "us-west-2", "mars"])
    assert [p.split(":")[0] for p in problems] == [
        "replicationRegions[1]", "replicationRegions[2]"]


def test_replication_filters_at_most_100_repositories() -> None:
    names = [f"repo-{i}" for i in range(101)]
    assert problems_of(repositories=names, replicationRegions=["us-west-2"])[0].startswith(
        "replicationRegions: a replication rule filters at most 100 repositories; 101")


def test_builder_role_name_clashes_with_a_worker_role_whatever_its_path() -> None:
    assert "is also a worker role" in one_problem(
        workerRoleArns=["arn:aws:iam::123456789012:role/eks/k8s-worker"],
        builderIdentity={"mode": "pod-identity", "clusterName": "c", "roleName": "k8s-worker"})


def test_too_many_roles_with_a_builder_counts_the_worker_roles_that_fit() -> None:
    roles = [f"arn:aws:iam::123456789012:role/worker-role-number-{i:04d}" for i in range(250)]
    builder = {"mode": "pod-identity", "clusterName": "c"}
    problem = one_problem(workerRoleArns=roles, builderIdentity=builder)
    fit = int(problem.split("give at most ")[1].split(",")[0])
    assert "worker roles fit in one policy beside the builder role" in problem
    Parameters.from_mapping(params_dict(workerRoleArns=roles[:fit], builderIdentity=builder))
    with pytest.raises(ParameterError):
        Parameters.from_mapping(params_dict(workerRoleArns=roles[:fit + 1],
                                            builderIdentity=builder))


def test_a_config_file_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_bytes(b'{"account": "\xff"}')
    assert load_error(path).endswith("not UTF-8 text (byte 13): save it as UTF-8")


def test_malformed_yaml_names_the_problem_and_where(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("account: '123456789012'\nrepositories: [a, b\nregion: x\n")
    line = load_error(path)
    assert line.startswith(f"{path}: not valid YAML at line 3 column")
    assert "expected ',' or ']'" in line


# --- one declaration per field ------------------------------------------------------------------

def test_cross_field_checks_still_run_when_another_field_is_wrong() -> None:
    problems = problems_of(account="12", region="cn-north-1", scanOnPush="yes")
    assert [p.split(":")[0] for p in problems] == ["account", "workerRoleArns[0]", "scanOnPush"]
    assert "is in partition 'aws' but region 'cn-north-1'" in problems[1]


def test_each_declared_rule_matches_its_python_type() -> None:
    import typing

    from ecr_cluster_access.params.model import (
        BuilderIdentity,
        LifecycleRule,
        PullSecret,
        PullThroughCacheRule,
        RegistryPolicy,
        RegistryScanning,
        ScanningRule,
    )
    from ecr_cluster_access.params.spec import (
        Bool,
        Int,
        Nested,
        NestedList,
        Text,
        TextList,
        TextMap,
        declared_fields,
    )

    expected = {Text: "str", Int: "int", Bool: "bool", TextList: "Sequence[str]",
                TextMap: "Mapping[str, str]"}
    for cls in (Parameters, Lifecycle, LifecycleRule, BuilderIdentity, PullSecret,
                PullThroughCacheRule, ScanningRule, RegistryScanning, RegistryPolicy):
        hints = typing.get_type_hints(cls)
        for info in declared_fields(cls):
            hint = str(hints[info.name]).replace("typing.", "").replace(
                "collections.abc.", "")
            if isinstance(info.rule, NestedList):
                assert f"Sequence[{info.rule.cls.__module__}.{info.rule.cls.__name__}]" in hint, (
                    cls, info.name, hint)
            elif isinstance(info.rule, Nested):
                assert info.rule.cls.__name__ in hint, (cls, info.name)
            else:
                assert expected[type(info.rule)] in hint, (cls, info.name, hint)
            assert ("None" in hint) == (not info.required and info.default is None), info.name


def test_file_keys_are_the_camel_case_of_the_python_names() -> None:
    assert list(Parameters.from_mapping(params_dict()).to_mapping())[:4] == [
        "account", "region", "repositories", "workerRoleArns"]
    assert "imageTagMutabilityExclusionFilters" in Parameters.from_mapping(
        params_dict()).to_mapping()


# --- workerAccess and the refresher's credentials -----------------------------------------------

POD_BUILDER = {"mode": "pod-identity", "clusterName": "builds"}


def test_pull_only_workers_need_someone_else_who_pushes() -> None:
    assert one_problem(workerAccess="pull") == (
        "workerAccess: 'pull' leaves no principal able to push: the worker roles would only "
        "pull and there is no builderIdentity or developerPrincipalArns; set one of those, or "
        "use push-pull")
    for pusher in ({"builderIdentity": POD_BUILDER},
                   {"developerPrincipalArns": ["arn:aws:iam::123456789012:role/dev"]}):
        params = Parameters.from_mapping(params_dict(workerAccess="pull", **pusher))
        assert {arn: set(actions) for arn, actions in params.repository_grants.items()} == {
            "arn:aws:iam::123456789012:role/k8s-worker": PULL,
            **({params.builder_role_arn: SEVEN} if params.builder_role_arn else {})}
        assert "arn:aws:iam::123456789012:role/k8s-worker" not in params.push_principal_arns
    assert one_problem(workerAccess="push").startswith(
        "workerAccess: 'push' is not accepted: use one of push-pull, pull")


def test_the_refresher_credentials_are_required_and_node_may_not_push_silently() -> None:
    assert one_problem(pullSecret={"mode": "cronjob"}).startswith(
        "pullSecret.credentials: missing: Whose AWS identity fetches the token: irsa, "
        "web-identity or pod-identity (a pull-only refresher role the stack creates; "
        "web-identity is for any cluster")
    assert one_problem(pullSecret={"mode": "cronjob", "credentials": "node"}).startswith(
        "pullSecret.credentials: 'node' with workerAccess 'push-pull' puts a token that can "
        "push in the pull secret")
    Parameters.from_mapping(params_dict(pullSecret={
        "mode": "cronjob", "credentials": "node", "allowPushToken": True}))
    Parameters.from_mapping(params_dict(workerAccess="pull", builderIdentity=POD_BUILDER,
                                        pullSecret={"mode": "cronjob", "credentials": "node"}))
    assert one_problem(pullSecret={"mode": "cronjob", "credentials": "secret",
                                   "allowPushToken": True}) == (
        "pullSecret.allowPushToken: true with credentials 'secret': the refresher's own "
        "identity only pulls; remove it")


def test_settings_of_another_credentials_mode_are_refused_by_name() -> None:
    problems = problems_of(pullSecret={
        "mode": "cronjob", "credentials": "irsa", "oidcProviderArn": OIDC, "clusterName": "c",
        "roleArn": "arn:aws:iam::123456789012:role/x", "credentialsSecret": "keys"})
    assert problems == [
        "pullSecret.clusterName: set with credentials 'irsa': it is for pod-identity; remove it",
        "pullSecret.credentialsSecret: set with credentials 'irsa': it is for secret; remove it",
        "pullSecret.roleArn: set with credentials 'irsa': it is for secret; remove it"]
    assert one_problem(pullSecret={"mode": "external-secrets", "credentials": "pod-identity",
                                   "clusterName": "c"}).startswith(
        "pullSecret.credentials: 'pod-identity' with mode external-secrets: the operator's "
        "ECRAuthorizationToken generator can use only the operator's own Pod Identity")
    assert one_problem(pullSecret={"mode": "cronjob", "credentials": "secret",
                                   "roleArn": "arn:aws-cn:iam::123456789012:role/x"}).startswith(
        "pullSecret.roleArn: 'arn:aws-cn:iam::123456789012:role/x' is in partition 'aws-cn'")
    assert one_problem(builderIdentity={**POD_BUILDER, "roleName": "pull"}, pullSecret={
        "mode": "cronjob", "credentials": "pod-identity", "clusterName": "c",
        "roleName": "pull"}) == ("pullSecret.roleName: 'pull' is also the builder role (IAM "
                                 "names ignore case): the refresher must only pull; give it "
                                 "another name")
    assert one_problem(builderIdentity={**POD_BUILDER, "roleName": "Pull"}, pullSecret={
        "mode": "cronjob", "credentials": "pod-identity", "clusterName": "c",
        "roleName": "pull"}).startswith("pullSecret.roleName: 'pull' is also the builder role")


def test_a_refresher_without_its_provider_or_cluster_cannot_make_a_stack() -> None:
    from ecr_cluster_access.params.rules import stack_problems

    irsa = Parameters.from_mapping(params_dict(pullSecret={"mode": "cronjob",
                                                           "credentials": "irsa"}))
    pod = Parameters.from_mapping(params_dict(pullSecret={"mode": "cronjob",
                                                          "credentials": "pod-identity"}))
    assert stack_problems(irsa)[0].startswith("pullSecret.oidcProviderArn: missing: irsa needs")
    assert stack_problems(pod)[0].startswith("pullSecret.clusterName: missing: pod-identity")
    assert stack_problems(irsa, oidc_provider=True) == stack_problems(pod, cluster=True) == []


@pytest.mark.parametrize("image,accepted", [
    ("docker.io/alpine/k8s:1.31.4@sha256:" + "a" * 64, True),
    ("registry.example:5000/tools/k8s@sha256:" + "0" * 64, True),
    ("alpine/k8s@sha512:" + "f" * 128, True),
    ("alpine/k8s@sha256:" + "a" * 63, False),
    ("alpine/k8s@sha256:" + "A" * 64, False),
    ("alpine/k8s@md5:" + "a" * 32, False),
])
def test_refresher_images_may_be_pinned_by_digest(image: str, accepted: bool) -> None:
    data = params_dict(pullSecret={"mode": "cronjob", "credentials": "secret", "image": image})
    if accepted:
        assert Parameters.from_mapping(data).pull_secret.image == image  # type: ignore[union-attr]
    else:
        problem = one_problem(pullSecret=data["pullSecret"])
        assert problem.startswith(f"pullSecret.image: {image[:40]!r}"[:-1])
        assert problem.endswith(" is not an image reference: use [host[:port]/]path[:tag]"
                                "[@sha256:<64 lowercase hex digits>] in ASCII, path in lowercase")


def test_the_default_refresher_image_is_pinned_by_digest() -> None:
    params = Parameters.from_mapping(params_dict(pullSecret={"mode": "cronjob",
                                                             "credentials": "secret"}))

    image = params.pull_secret.image  # type: ignore[union-attr]
    assert image == ("public.ecr.aws/aws-cli/aws-cli:2.37.0@sha256:"
                     "337494c2047176fe9abcf45a5d1eaf1c2c62cae40953284fb1143b5c6170f065")


def test_a_refresher_image_without_digest_is_refused_unless_accepted() -> None:
    assert one_problem(pullSecret={"mode": "cronjob", "credentials": "secret",
                                   "image": "alpine:latest"}) == (
        "pullSecret.image: 'alpine:latest' is not pinned by digest: the refresher runs with AWS "
        "credentials and may patch Secrets, so a re-pushed tag must not change what runs; use "
        "repo:tag@sha256:<64 hex digits>, or accept it with pullSecret.allowUnpinnedImage: true")
    accepted = Parameters.from_mapping(params_dict(pullSecret={
        "mode": "cronjob", "credentials": "secret", "image": "alpine:latest",
        "allowUnpinnedImage": True}))
    assert accepted.pull_secret is not None and accepted.pull_secret.image == "alpine:latest"
    assert one_problem(pullSecret={"mode": "cronjob", "credentials": "secret",
                                   "allowUnpinnedImage": True}) == (
        "pullSecret.allowUnpinnedImage: true with an image pinned by digest: remove it")


def test_web_identity_needs_an_oidc_provider_for_a_stack_and_is_refused_with_the_operator(
) -> None:
    from ecr_cluster_access.params.rules import stack_problems

    web = Parameters.from_mapping(params_dict(pullSecret={"mode": "cronjob",
                                                          "credentials": "web-identity"}))
    assert stack_problems(web) == [
        "pullSecret.oidcProviderArn: missing: web-identity needs arn:<partition>:iam::<account>:"
        "oidc-provider/<issuer host and path> (or, in an app, oidc_provider=)"]
    assert web.refresher_role_arn == "arn:aws:iam::123456789012:role/EcrClusterAccess-refresher"
    assert web.refresher_annotations == {}
    assert one_problem(pullSecret={"mode": "external-secrets", "credentials": "web-identity"}) \
        == ("pullSecret.credentials: 'web-identity' with mode external-secrets: the operator's "
            "auth.jwt already exchanges a ServiceAccount token with any IAM OIDC provider, "
            "which is irsa here; use irsa, or mode cronjob")
    assert one_problem(pullSecret={
        "mode": "cronjob", "credentials": "web-identity",
        "oidcProviderArn": "arn:aws:iam::210987654321:oidc-provider/k8s.example.com"}) == (
        "pullSecret.oidcProviderArn: 'arn:aws:iam::210987654321:oidc-provider/k8s.example.com' "
        "is not in account 123456789012 and the region's partition: the refresher role lives "
        "there")


@pytest.mark.parametrize("pull_secret,problem", [
    ({"name": "a" * 43},
     "pullSecret.name: '" + "a" * 43 + "-refresher' makes a CronJob name of 53 characters: "
     "Kubernetes accepts at most 52; give a shorter name"),
    ({"mode": "external-secrets", "name": "a" * 240},
     # the access key Secret, <name>-aws-credentials
     "pullSecret.name: '" + "a" * 56 + "... makes a Secret name of 256 characters: Kubernetes "
     "accepts at most 253; give a shorter name"),
    ({"credentialsSecret": "ecr-pull"},
     "pullSecret.credentialsSecret: 'ecr-pull' is also the Secret of pullSecret.name in "
     "namespace 'default': two objects cannot share a name; give it another name"),
    ({"credentialsSecret": "ecr-config"},
     "pullSecret.credentialsSecret: 'ecr-config' is also the Secret of secretName in namespace "
     "'default': two objects cannot share a name; give it another name"),
    ({"serviceAccounts": ["ecr-pull-refresher"]},
     "pullSecret.name: 'ecr-pull-refresher' is also the ServiceAccount of "
     "pullSecret.serviceAccounts in namespace 'default': two objects cannot share a name; give "
     "it another name"),
])
def test_rendered_names_stay_within_kubernetes_limits_and_never_collide(
        pull_secret: dict[str, object], problem: str) -> None:
    settings = {"mode": "cronjob", "credentials": "secret", **pull_secret}
    assert one_problem(pullSecret=settings) == problem
    # one character less is accepted where the limit is the point
    if "name" in pull_secret and len(str(pull_secret["name"])) == 43:
        Parameters.from_mapping(params_dict(pullSecret={**settings, "name": "a" * 42}))


def test_the_builder_and_the_refresher_never_trust_one_service_account() -> None:
    problems = problems_of(
        builderIdentity={"mode": "pod-identity", "clusterName": "c",
                         "serviceAccount": "ecr-pull-refresher", "for": "custom"},
        pullSecret={"mode": "cronjob", "credentials": "pod-identity", "clusterName": "c"})
    assert problems[0] == (
        "builderIdentity.serviceAccount: 'ecr-pull-refresher' is also the pull-secret "
        "refresher's ServiceAccount: the push-capable builder role and the pull-only refresher "
        "role would trust the same ServiceAccount; give another")
