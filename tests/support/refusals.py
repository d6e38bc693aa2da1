"""One parameter set per cross-field check that only that check refuses, with the line it
must give, written here as literal data: the corpus the refusal tests and their negative
controls (a check removed, every check removed) run on."""

from __future__ import annotations

from typing import Any

from .parameters import OIDC, params_dict

ACCOUNT_ROLE = "arn:aws:iam::123456789012:role/"
POD_BUILDER = {"mode": "pod-identity", "clusterName": "c"}


def _many_roles(n: int) -> list[str]:
    return [f"{ACCOUNT_ROLE}eks-worker-node-group-{i:04d}-with-a-long-descriptive-name"
            for i in range(n)]


#: check name -> (parameters, the start of the line it must give)
CROSS_CHECK_CASES: dict[str, tuple[dict[str, Any], str]] = {
    "_worker_role_partitions": (
        params_dict(workerRoleArns=["arn:aws-cn:iam::123456789012:role/w"]),
        "workerRoleArns[0]: 'arn:aws-cn:iam::123456789012:role/w' is in partition 'aws-cn' but "
        "region 'us-east-1' is in 'aws'"),
    "_developer_principals": (
        params_dict(developerPrincipalArns=["arn:aws:iam::210987654321:role/dev"]),
        "developerPrincipalArns[0]: 'arn:aws:iam::210987654321:role/dev' is in account "
        "210987654321, not 123456789012"),
    "_kms_key": (
        params_dict(kmsKeyArn="arn:aws:kms:us-east-1:123456789012:key/abc"),
        "kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/abc' is set but encryption is "
        "'AES256'"),
    "_lifecycle_rules": (
        params_dict(lifecycle={"rules": [{"tagPrefixes": ["v"]}]}),
        "lifecycle.rules[0]: give keepLast or expireDays (one of them)"),
    "_pull_through_cache": (
        params_dict(pullThroughCache=[{"upstream": "docker-hub", "prefix": "docker-hub"}]),
        "pullThroughCache[0].credentialArn: missing: docker-hub needs a Secrets Manager secret"),
    "_registry_scanning": (
        params_dict(registryScanning={"scanType": "BASIC", "rules": [
            {"frequency": "CONTINUOUS_SCAN", "filters": ["*"]}]}),
        "registryScanning.rules[0].frequency: 'CONTINUOUS_SCAN' needs scanType ENHANCED"),
    "_registry_policy": (
        params_dict(registryPolicy={"replicationSourceAccounts": ["123456789012"]}),
        "registryPolicy.replicationSourceAccounts[0]: '123456789012' is this registry's own "
        "account"),
    "_empty_on_delete": (
        params_dict(emptyOnDelete=True),
        "emptyOnDelete: true deletes images but removalPolicy is 'retain'"),
    "_builder_identity": (
        params_dict(builderIdentity={**POD_BUILDER, "oidcProviderArn": OIDC}),
        "builderIdentity.oidcProviderArn: set with mode pod-identity: it is for irsa"),
    "_someone_pushes": (
        params_dict(workerAccess="pull"),
        "workerAccess: 'pull' leaves no principal able to push"),
    "_refresher_identity": (
        params_dict(pullSecret={"mode": "cronjob", "credentials": "irsa", "clusterName": "c"}),
        "pullSecret.clusterName: set with credentials 'irsa': it is for pod-identity"),
    "_pull_secret_name": (
        params_dict(pullSecret={"mode": "cronjob", "credentials": "secret",
                                "name": "ecr-config"}),
        "pullSecret.name: 'ecr-config' is the ecr-config Secret's name in namespace 'default'"),
    "_replication": (
        params_dict(replicationRegions=["us-east-1"]),
        "replicationRegions[0]: 'us-east-1' is the repositories' own region"),
    "_kubernetes_names": (
        params_dict(pullSecret={"mode": "cronjob", "credentials": "secret", "name": "a" * 43}),
        "pullSecret.name: '" + "a" * 43 + "-refresher' makes a CronJob name of 53 characters"),
    "_stack_capacity": (
        params_dict(repositories=[f"r{i:03d}" for i in range(485)], pullThroughCache=[
            {"upstream": "k8s", "prefix": "k8s"}, {"upstream": "quay", "prefix": "quay"},
            {"upstream": "ecr-public", "prefix": "ecr-public"}]),
        "repositories: 485 repositories and the registry settings make"),
    "_worker_organization": (
        params_dict(workerOrganization={
            "organizationId": "o-a1b2c3d4e5", "roleArnPattern": "arn:aws:iam::*:role/eks-*",
            "organizationalUnitPaths": ["o-zzzzzzzzzz/r-ab12/ou-ab12-11111111/"]}),
        "workerOrganization.organizationalUnitPaths[0]: 'o-zzzzzzzzzz/r-ab12/ou-ab12-11111111/' "
        "is not in organization 'o-a1b2c3d4e5': start it with o-a1b2c3d4e5/"),
    "_shard_stack_names": (
        params_dict(stackName="S" * 119, shards=2),
        "stackName: '" + "S" * 119 + "' is too long for shards: stack '" + "S" * 119
        + "-shard-001' would have 129 characters, over CloudFormation's 128; give at most 118"),
    "_repository_policy_size": (
        params_dict(workerRoleArns=_many_roles(120)),
        "workerRoleArns: the repository policy for 120 roles is"),
    "_developer_policy_size": (
        params_dict(repositories=[f"team-{i:03d}/service-with-a-long-name" for i in range(150)],
                    developerPrincipalArns=["arn:aws:iam::123456789012:group/devs"]),
        "developerPrincipalArns: the developer policy for 150 repositories is"),
    "_identity_policy_size": (
        params_dict(repositories=[f"team-{i:03d}/service-with-a-long-name" for i in range(150)],
                    builderIdentity=POD_BUILDER),
        "builderIdentity: the identity policy for 150 repositories in 1 regions is"),
}

_LONG = [f"team-{i:03d}/service-with-quite-a-long-name" for i in range(120)]
_ECR_HOST = "210987654321.dkr.ecr.us-east-1.amazonaws.com"

#: More refusal lines, each a case of its own (the messages an audit, or
#: tests/support/message_mutants.py, could delete with every test still passing): parameters,
#: and the line or its start.
MESSAGE_CASES: list[tuple[dict[str, Any], str]] = [
    # member accounts of an organization grant
    *[(params_dict(workerOrganization={
        "organizationId": "o-a1b2c3d4e5", "roleArnPattern": "arn:aws:iam::*:role/eks-node-*",
        "memberAccounts": members}), line) for members, line in (
        ([{"account": "123456789012"}],
         "workerOrganization.memberAccounts[0].account: '123456789012' is the registry's own "
         "account: its roles are workerRoleArns"),
        ([{"account": "444455556666"}, {"account": "444455556666"}],
         "workerOrganization.memberAccounts[1].account: '444455556666' is listed twice: give "
         "each account once"),
        ([{"account": "444455556666", "roleNames": ["ci-runner"]}],
         "workerOrganization.memberAccounts[0].roleNames[0]: arn:aws:iam::444455556666:role/"
         "ci-runner does not match roleArnPattern 'arn:aws:iam::*:role/eks-node-*': the "
         "repository policy would not admit it"))],
    # an organization pattern that would let the pull-only refresher push
    (params_dict(workerOrganization={"organizationId": "o-a1b2c3d4e5",
                                     "roleArnPattern": "arn:aws:iam::*:role/*refresher*"},
                 pullSecret={"mode": "cronjob", "credentials": "irsa", "oidcProviderArn": OIDC}),
     "workerOrganization.roleArnPattern: 'arn:aws:iam::*:role/*refresher*' matches the pull "
     "secret refresher's role arn:aws:iam::123456789012:role/EcrClusterAccess-refresher, which "
     "would then be allowed to push: narrow the pattern"),
    (params_dict(workerOrganization={"organizationId": "o-a1b2c3d4e5",
                                     "roleArnPattern": "arn:aws-cn:iam::*:role/eks-*"}),
     "workerOrganization.roleArnPattern: 'arn:aws-cn:iam::*:role/eks-*' is in partition "
     "'aws-cn' but region 'us-east-1' is in 'aws': use arn:aws:iam::..."),
    # too few shards for the repositories: the fullest shard is named (by the name's hash)
    (params_dict(repositories=[f"r{i}" for i in range(1000)], shards=2),
     "shards: 2 is too few for 1000 repositories: shard 1 would hold 508, over the 490 one "
     "stack holds; set shards to 3 or more"),
    # the template estimate, checked once the parameters exist (repositories measured exactly)
    (params_dict(repositories=[f"r{i:03d}" for i in range(480)],
                 workerRoleArns=_many_roles(50),
                 lifecycle={"untaggedExpireDays": 1, "rules": [
                     {"tagPrefixes": [f"release-{j:02d}-" for j in range(20)], "keepLast": 5}
                     for _ in range(20)]},
                 tags={f"key-{j:02d}": "v" * 200 for j in range(50)}),
     "repositories: 480 repositories make a template of "),
    (params_dict(builderIdentity={"mode": "irsa", "oidcProviderArn": OIDC, "clusterName": "c"}),
     "builderIdentity.clusterName: set with mode irsa: it is for pod-identity; remove it"),
    (params_dict(pullThroughCache=[{"upstream": "ecr", "prefix": "up", "upstreamRegistry":
                                    _ECR_HOST, "customRoleArn":
                                    "arn:aws:iam::210987654321:role/r"}]),
     "pullThroughCache[0].customRoleArn: 'arn:aws:iam::210987654321:role/r' is not in account "
     "123456789012: ECR assumes a role of the registry's own account"),
    (params_dict(repositories=_LONG, registryPolicy={"replicationSourceAccounts": [
        f"{i:012d}" for i in range(1, 21)]}),
     "registryPolicy: the registry policy is "),
    (params_dict(registryScanning={"scanType": "ENHANCED", "rules": [
        {"frequency": "SCAN_ON_PUSH", "filters": ["*"]},
        {"frequency": "SCAN_ON_PUSH", "filters": ["a*"]}]}),
     "registryScanning.rules[1].frequency: 'SCAN_ON_PUSH' is also rules[0]'s frequency: give "
     "each frequency one rule"),
    (params_dict(registryScanning={"scanType": "BASIC", "rules": [
        {"frequency": "SCAN_ON_PUSH", "filters": ["*"]}]}, scanOnPush=False),
     "scanOnPush: false with registryScanning: the registry's scanning replaces the "
     "per-repository setting; remove scanOnPush"),
    (params_dict(pullThroughCache=[{"upstream": "k8s", "prefix": "k8s"},
                                   {"upstream": "quay", "prefix": "k8s/quay"}]),
     "pullThroughCache[1].prefix: 'k8s/quay' overlaps pullThroughCache[0].prefix 'k8s': give "
     "each rule its own prefix"),
    (params_dict(pullThroughCache=[{"upstream": "k8s", "prefix": "builds"}]),
     "pullThroughCache[0].prefix: 'builds' collides with repository 'builds/sample-app': the "
     "cache would create or serve repositories the stack names; pick another prefix"),
    (params_dict(pullThroughCache=[{"upstream": "quay", "prefix": "quay", "customRoleArn":
                                    "arn:aws:iam::123456789012:role/r"}]),
     "pullThroughCache[0].customRoleArn: set for quay: it is for the ecr upstream; remove it"),
    (params_dict(replicationRegions=["cn-north-1"]),
     "replicationRegions[0]: 'cn-north-1' is in another partition than 'us-east-1': ECR "
     "replicates within a partition"),
    (params_dict(lifecycle={"rules": [{"tagPrefixes": ["v"], "tagPatterns": ["x*"],
                                       "keepLast": 1}]}),
     "lifecycle.rules[0]: give tagPrefixes or tagPatterns (one of them): ECR selects tagged "
     "images by one list"),
    (params_dict(builderIdentity={"mode": "irsa", "oidcProviderArn":
                                  "arn:aws:iam::210987654321:oidc-provider/x.example"}),
     "builderIdentity.oidcProviderArn: 'arn:aws:iam::210987654321:oidc-provider/x.example' is "
     "not in account 123456789012 and the region's partition: the builder role lives there"),
    (params_dict(pullSecret={"mode": "cronjob", "credentials": "secret",
                             "allowPushToken": True}),
     "pullSecret.allowPushToken: true with credentials 'secret': the refresher's own identity "
     "only pulls; remove it"),
    # found by tests/support/message_mutants.py: lines no unit test needed
    (params_dict(developerPrincipalArns=["arn:aws-cn:iam::123456789012:role/dev"]),
     "developerPrincipalArns[0]: 'arn:aws-cn:iam::123456789012:role/dev' is in partition "
     "'aws-cn' but region 'us-east-1' is in 'aws': use arn:aws:iam::..."),
    (params_dict(stackName="S" + "s" * 60, builderIdentity={
        "mode": "pod-identity", "clusterName": "c", "namespace": "builds"}),
     "builderIdentity.roleName: 'S" + "s" * 60 + "-builder' (from stackName) is not an IAM role "
     "name: use 1-64 letters, digits and + = , . @ _ -: give roleName"),
    (params_dict(stackName="S" + "s" * 60, pullSecret={
        "mode": "cronjob", "credentials": "irsa", "oidcProviderArn": OIDC}),
     "pullSecret.roleName: 'S" + "s" * 60 + "-refresher' (from stackName) is not an IAM role "
     "name: use 1-64 letters, digits and + = , . @ _ -: give roleName"),
    (params_dict(pullSecret={"mode": "cronjob", "credentials": "irsa", "oidcProviderArn": OIDC,
                             "roleName": "K8s-Worker"}),
     "pullSecret.roleName: 'K8s-Worker' is also a worker role: the refresher role is created by "
     "the stack; give it another name"),
    (params_dict(lifecycle={"rules": [{"tagPrefixes": ["v"], "keepLast": 1}] * 21}),
     "lifecycle.rules: 21 rules given: give at most 20"),
    (params_dict(repositories=[f"team/service-{i:03d}" for i in range(40)],
                 pullSecret={"mode": "cronjob", "credentials": "secret"}),
     "pullSecret: the refresher's policy would be 2902 characters, over IAM's 2048 for its "
     "inline policies: give fewer repositories or replication regions"),
    # the pull-through cache statement is what takes the builder's policy over (100
    # repositories alone fit: 106 would not)
    (params_dict(repositories=[f"team/a-long-service-name-for-the-builder-{i:03d}"
                               for i in range(100)],
                 builderIdentity={"mode": "pod-identity", "clusterName": "c",
                                  "namespace": "builds"},
                 pullThroughCache=[{"upstream": "k8s", "prefix": f"cache-{i:02d}"}
                                   for i in range(20)]),
     "builderIdentity: the builder role's policy would be 11085 characters, over IAM's 10240: "
     "give fewer repositories"),
    ({**params_dict(), "zzzzqqq": 1},
     "zzzzqqq: unknown key: accepted keys are account, region, repositories, workerRoleArns, "
     "secretName, namespace, stackName, shards, workerAccess, developerPrincipalArns,"),
    ({**params_dict(), **{f"zz{i:02d}": 1 for i in range(11)}},
     "parameters: more unknown keys not listed: is this the right file?"),
]
