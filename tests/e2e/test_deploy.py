"""Real end to end: `cdk bootstrap` / `cdk deploy` / `cdk destroy` into a local AWS API
(moto_server on 127.0.0.1), and the `check` command proving itself against it.

moto's CloudFormation creates repositories but ignores `RepositoryPolicyText`,
`LifecyclePolicy` and the scan setting, so right after a deploy `check` must report the
missing policies; once the expected settings are applied through the ECR API, it must pass.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from ecr_cluster_access import Parameters, documents
from ecr_cluster_access.documents import policy_text

from ..support.parameters import params_dict
from ..support.servers import DUMMY_CREDENTIALS, MotoServer
from ..support.tools import NODE_BIN, VENV_BIN, require_tool, run, write_params

pytestmark = pytest.mark.e2e

LARGE = params_dict(
    repositories=[f"builds/service-{i:03d}" for i in range(60)],
    workerRoleArns=["arn:aws:iam::123456789012:role/k8s-worker",
                    "arn:aws:iam::123456789012:role/eks/nodes/second-pool",
                    "arn:aws:iam::210987654321:role/other-cluster"],
    imageTagMutability="IMMUTABLE", imageTagMutabilityExclusionFilters=["cache-*"],
    lifecycle={"untaggedExpireDays": 14, "keepLastImages": 200},
    stackName="LargeRegistry",
    replicationRegions=["us-west-2"],
    builderIdentity={"mode": "irsa", "namespace": "ci", "serviceAccount": "buildkit",
                     "for": "custom",
                     "oidcProviderArn": "arn:aws:iam::123456789012:oidc-provider/"
                     "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"},
)


def client(server: MotoServer, service: str) -> Any:
    return boto3.client(service, endpoint_url=server.url, region_name=server.region,
                        aws_access_key_id=DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                        aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"])


def cdk(server: MotoServer, config: Path, outdir: Path, *args: str) -> None:
    run([require_tool(NODE_BIN / "cdk"), *args, "--no-notices", "-o", str(outdir)],
        timeout=900, check=True, ECR_CLUSTER_ACCESS_CONFIG=str(config), **server.env)


def check(server: MotoServer, config: Path) -> Any:
    return run([require_tool(VENV_BIN / "ecr-cluster-access"), "check", "--config", str(config)],
               **server.env)


def create_worker_roles(server: MotoServer, params: Parameters) -> None:
    """The cluster's worker roles exist before this project runs."""
    iam = client(server, "iam")
    for arn in params.same_account_worker_role_arns:
        path, name = arn.split(":role", 1)[1].rsplit("/", 1)
        iam.create_role(RoleName=name, Path=path + "/", AssumeRolePolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
             "Principal": {"Service": "ec2.amazonaws.com"}}]}))


def apply_expected_settings(server: MotoServer, params: Parameters) -> None:
    """What CloudFormation applies on real AWS, and moto's CloudFormation does not (it also
    has no AWS::ECR::ReplicationConfiguration, so the replication rule is put here).

    moto's CloudFormation also stores an AWS::IAM::Role's inline `Policies` as a Python repr
    that its own GetRolePolicy returns as not-JSON, so the builder role's policy is put again.
    """
    if params.builder_role_arn:
        client(server, "iam").put_role_policy(
            RoleName=params.builder_role_arn.rsplit("/", 1)[1], PolicyName="ecr-push-pull",
            PolicyDocument=policy_text(documents.push_pull_identity_policy(params)))
    ecr = client(server, "ecr")
    if params.replication_regions:
        ecr.put_replication_configuration(replicationConfiguration={"rules": [{
            "destinations": [{"region": r, "registryId": params.account}
                             for r in params.replication_regions],
            "repositoryFilters": [{"filter": f, "filterType": "PREFIX_MATCH"}
                                  for f in params.replication_filters]}]})
    for name in params.repositories:
        ecr.set_repository_policy(repositoryName=name,
                                  policyText=policy_text(documents.repository_policy(params)))
        ecr.put_image_scanning_configuration(
            repositoryName=name, imageScanningConfiguration={"scanOnPush": params.scan_on_push})
        if documents.lifecycle_policy(params):
            ecr.put_lifecycle_policy(repositoryName=name,
                                     lifecyclePolicyText=policy_text(documents.lifecycle_policy(params)))


def repository_names(server: MotoServer) -> set[str]:
    pages = client(server, "ecr").get_paginator("describe_repositories").paginate()
    return {r["repositoryName"] for page in pages for r in page["repositories"]}


def deploy_and_prove(tmp_path: Path, data: dict[str, Any]) -> None:
    params = Parameters.from_mapping(data)
    config = write_params(tmp_path, data)
    outdir = tmp_path / "cdk.out"
    with MotoServer(tmp_path / "moto.log") as server:
        create_worker_roles(server, params)
        cdk(server, config, outdir, "bootstrap", f"aws://{params.account}/{params.region}")
        cdk(server, config, outdir, "deploy", "--require-approval", "never")

        # every repository exists
        assert set(params.repositories) <= repository_names(server)
        # the builder role exists, with the trust the parameters ask for
        if params.builder_role_arn:
            role = client(server, "iam").get_role(
                RoleName=params.builder_role_arn.rsplit("/", 1)[1])["Role"]
            assert role["Arn"] == params.builder_role_arn
            (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
            assert trust["Principal"] == {"Federated": params.builder_identity.oidc_provider_arn}

        # moto ignored the policies: check sees it, one line per repository, exits 1, and
        # says each same-account worker role cannot push or pull (the token grant was
        # deployed: no line about it)
        drift = check(server, config)
        assert drift.returncode == 1, drift.stderr
        lines = drift.stdout.splitlines()
        missing = {f"drift: {name}: no repository policy: the worker roles are not granted "
                   "push/pull" for name in params.repositories}
        assert missing <= set(lines)
        for arn in params.same_account_worker_role_arns:
            (line,) = [x for x in lines if x.startswith(f"drift: role {arn}:")]
            assert line.startswith(f"drift: role {arn}: is not allowed "
                                   "ecr:BatchCheckLayerAvailability, ecr:BatchGetImage, ")
            assert "ecr:GetAuthorizationToken" not in line

        # with the expected settings applied through the ECR API, check passes
        apply_expected_settings(server, params)
        clean = check(server, config)
        assert clean.returncode == 0, clean.stdout + clean.stderr
        count = len(params.repositories)
        assert clean.stdout.startswith(
            f"in sync: {count} {'repository' if count == 1 else 'repositories'} and ")

        # one action removed from one repository's policy is named, with the repository
        victim = params.repositories[len(params.repositories) // 2]
        document = documents.repository_policy(params)
        document["Statement"][0]["Action"].remove("ecr:PutImage")
        client(server, "ecr").set_repository_policy(repositoryName=victim,
                                                    policyText=policy_text(document))
        drift = check(server, config)
        assert drift.returncode == 1
        lines = drift.stdout.splitlines()
        granted = [x for x in lines if x.startswith(f"drift: {victim}: worker role ")]
        assert len(granted) == len(params.repository_principal_arns)
        assert all(x.endswith(" is not granted ecr:PutImage") for x in granted)
        # ...and each same-account worker role really cannot push there (the builder role
        # still can: its own identity policy allows it)
        assert sorted(set(lines) - set(granted)) == sorted(
            f"drift: role {arn}: is not allowed ecr:PutImage on {victim}: no identity policy, "
            "boundary or repository policy allows it"
            for arn in params.same_account_worker_role_arns)

        # cdk destroy leaves every repository, and so every image, in place
        cdk(server, config, outdir, "destroy", "--force")
        stacks = client(server, "cloudformation").list_stacks()["StackSummaries"]
        assert [s["StackStatus"] for s in stacks if s["StackName"] == params.stack_name] == [
            "DELETE_COMPLETE"]
        assert set(params.repositories) <= repository_names(server)


def test_deploy_check_and_destroy_with_the_embedded_default(tmp_path: Path) -> None:
    deploy_and_prove(tmp_path, params_dict())


def test_deploy_check_and_destroy_with_sixty_repositories(tmp_path: Path) -> None:
    deploy_and_prove(tmp_path, LARGE)


def test_check_reports_a_missing_repository_and_a_missing_token_grant(tmp_path: Path) -> None:
    data = params_dict(repositories=["builds/present", "builds/absent"])
    config = write_params(tmp_path, data)
    params = Parameters.from_mapping(data)
    with MotoServer(tmp_path / "moto.log") as server:
        create_worker_roles(server, params)
        client(server, "ecr").create_repository(repositoryName="builds/present")
        apply_expected_settings(server, Parameters.from_mapping(
            params_dict(repositories=["builds/present"])))
        result = check(server, config)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "drift: builds/absent: repository does not exist",
        "drift: role arn:aws:iam::123456789012:role/k8s-worker: is not allowed "
        "ecr:GetAuthorizationToken on '*': no identity policy, boundary or repository policy "
        "allows it",
        # the missing token is the drift above (effective access); the missing document a note
        "note: role arn:aws:iam::123456789012:role/k8s-worker: the stack's inline policy "
        "EcrClusterAccess-us-east-1-ecr-token does not exist; the role's effective access is "
        "checked instead (the next deploy puts the policy back)",
    ]


def test_check_without_credentials_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = run([require_tool(VENV_BIN / "ecr-cluster-access"), "check"],
                 AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"),
                 AWS_CONFIG_FILE=str(tmp_path / "none"), AWS_EC2_METADATA_DISABLED="true",
                 AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None, AWS_PROFILE=None,
                 AWS_SESSION_TOKEN=None, AWS_CONTAINER_CREDENTIALS_FULL_URI=None,
                 AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=None, AWS_WEB_IDENTITY_TOKEN_FILE=None,
                 AWS_ENDPOINT_URL=None)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "ecr-cluster-access: error: no AWS credentials found: set AWS_PROFILE, or "
        "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where a role is available"]


def test_check_with_an_unreachable_endpoint_is_one_line_and_exit_2(tmp_path: Path) -> None:
    from ..support.servers import free_port

    result = run([require_tool(VENV_BIN / "ecr-cluster-access"), "check"],
                 AWS_ENDPOINT_URL=f"http://127.0.0.1:{free_port()}",
                 AWS_MAX_ATTEMPTS="1", AWS_RETRY_MODE="standard",
                 AWS_CONFIG_FILE=str(tmp_path / "none"), **DUMMY_CREDENTIALS)
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("ecr-cluster-access: error: cannot reach AWS: EndpointConnectionError")


def test_check_with_an_unknown_profile_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = run([require_tool(VENV_BIN / "ecr-cluster-access"), "check"],
                 AWS_PROFILE="no-such-profile", AWS_CONFIG_FILE=str(tmp_path / "none"),
                 AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "ecr-cluster-access: error: The config profile (no-such-profile) could not be found: "
        "check AWS_PROFILE and ~/.aws/config"]


def test_kept_repositories_are_taken_over_with_cdk_import(tmp_path: Path) -> None:
    """After `cdk destroy` keeps the repositories, a new `cdk deploy` would fail with
    RepositoryAlreadyExists; `import-mapping` writes what `cdk import --resource-mapping`
    reads. The real CDK CLI accepts the mapping and plans to import every repository by name.
    moto 5.2.5 has no CloudFormation import: it runs the IMPORT change set as a create and
    answers RepositoryAlreadyExistsException, which is the only failure accepted here; if
    moto ever imports, the repositories must then be the stack's."""
    data = params_dict(repositories=["builds/app", "builds/web"])
    config = write_params(tmp_path, data)
    params = Parameters.from_mapping(data)
    mapping = run([require_tool(VENV_BIN / "ecr-cluster-access"), "import-mapping",
                   "--config", str(config)], check=True).stdout
    with MotoServer(tmp_path / "moto.log") as server:
        create_worker_roles(server, params)
        for name in params.repositories:  # kept by an earlier `cdk destroy`
            client(server, "ecr").create_repository(repositoryName=name)
        (tmp_path / "mapping.json").write_text(mapping)
        outdir = tmp_path / "cdk.out"
        cdk(server, config, outdir, "bootstrap", "aws://123456789012/us-east-1")
        result = run([require_tool(NODE_BIN / "cdk"), "import", "--resource-mapping",
                      str(tmp_path / "mapping.json"), "--force", "--no-notices", "-o",
                      str(outdir)], timeout=900, ECR_CLUSTER_ACCESS_CONFIG=str(config),
                     **server.env)
        output = result.stdout + result.stderr
        for name in params.repositories:
            construct_id = name.replace("/", "--")
            assert (f"EcrClusterAccess/Repositories/{construct_id}: importing using "
                    f"RepositoryName={name}") in output, output[-3000:]
        if result.returncode != 0:
            assert "RepositoryAlreadyExistsException" in output, output[-3000:]
        else:
            resources = client(server, "cloudformation").describe_stack_resources(
                StackName="EcrClusterAccess")["StackResources"]
            assert sorted(r["PhysicalResourceId"] for r in resources
                          if r["ResourceType"] == "AWS::ECR::Repository") == ["builds/app",
                                                                              "builds/web"]
    # the mapping names each repository of the template `cdk import` synthesized, by the
    # identifier CloudFormation's resource schema gives (cfn-lint ships it)
    import cfnlint

    from ..support.aws_sources import _schema

    schema = _schema("AWS::ECR::Repository",
                     Path(cfnlint.__file__).parent / "data" / "schemas")
    assert schema["primaryIdentifier"] == ["/properties/RepositoryName"]
    template = json.loads((outdir / "EcrClusterAccess.template.json").read_text())
    assert json.loads(mapping) == {
        logical: {"RepositoryName": resource["Properties"]["RepositoryName"]}
        for logical, resource in template["Resources"].items()
        if resource["Type"] == "AWS::ECR::Repository"}
