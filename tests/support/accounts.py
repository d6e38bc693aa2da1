"""Account states for the check tests: what a deployed stack looks like, as ``check`` reads it.

:func:`in_sync_state` builds, from parameters, the state an account has right after the stack
deployed on real AWS (every document as the construct renders it), plus what a real worker
role usually carries besides (an AWS-managed-like read-only ECR policy). Tests mutate a copy.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from ecr_cluster_access import Parameters, documents, naming
from ecr_cluster_access.check import AccountState, RepositoryState, RoleState

#: Like AWS's AmazonEC2ContainerRegistryReadOnly, which EKS node roles usually carry.
READ_ONLY = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Resource": "*",
    "Action": ["ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability",
               "ecr:GetDownloadUrlForLayer", "ecr:GetRepositoryPolicy", "ecr:DescribeRepositories",
               "ecr:ListImages", "ecr:DescribeImages", "ecr:BatchGetImage",
               "ecr:GetLifecyclePolicy", "ecr:GetLifecyclePolicyPreview",
               "ecr:ListTagsForResource", "ecr:DescribeImageScanFindings"]}]}
READ_ONLY_ARN = "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"
NODE_TRUST = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}


def description(params: Parameters, name: str) -> dict[str, Any]:
    """``DescribeRepositories`` for one repository the stack made."""
    out: dict[str, Any] = {
        "repositoryName": name,
        "repositoryArn": naming.repository_arn(params.account, params.region, name),
        "imageTagMutability": params.effective_tag_mutability,
        "imageScanningConfiguration": {"scanOnPush": params.scan_on_push
                                       and params.registry_scanning is None},
        "encryptionConfiguration": {"encryptionType": params.encryption},
    }
    if params.image_tag_mutability_exclusion_filters:
        out["imageTagMutabilityExclusionFilters"] = [
            {"filter": f, "filterType": "WILDCARD"}
            for f in params.image_tag_mutability_exclusion_filters]
    if params.kms_key_arn:
        out["encryptionConfiguration"]["kmsKey"] = params.kms_key_arn
    return out


def in_sync_state(params: Parameters) -> AccountState:
    """The account right after the stack deployed on real AWS."""
    policy = documents.policy_text(documents.repository_policy(params))
    lifecycle = documents.lifecycle_policy(params)
    state = AccountState()
    for name in params.repositories:
        state.repositories[name] = RepositoryState(
            description(params, name), policy,
            documents.policy_text(lifecycle) if lifecycle else None)
    token = documents.token_policy_name(params)
    for arn in params.same_account_worker_role_arns:
        state.roles[arn] = RoleState(
            arn, trust=copy.deepcopy(NODE_TRUST),
            inline={token: documents.worker_identity_policy(params)},
            attached={READ_ONLY_ARN: copy.deepcopy(READ_ONLY)})
    if params.builder_role_arn:
        state.roles[params.builder_role_arn] = RoleState(
            params.builder_role_arn, trust=documents.builder_trust_policy(params),
            inline={documents.BUILDER_POLICY_NAME: documents.push_pull_identity_policy(params)})
    refresher = documents.refresher_identity_policy(params)
    if params.refresher_role_arn and refresher:
        state.roles[params.refresher_role_arn] = RoleState(
            params.refresher_role_arn, trust=documents.refresher_trust_document(params),
            inline={documents.REFRESHER_POLICY_NAME: refresher})
    if params.refresher_user_arn and refresher:
        state.roles[params.refresher_user_arn] = RoleState(
            params.refresher_user_arn, inline={documents.REFRESHER_POLICY_NAME: refresher})
    if params.assumed_role_arn:  # its owner's role, made pull-only as the README asks
        state.roles[params.assumed_role_arn] = RoleState(
            params.assumed_role_arn, trust=copy.deepcopy(NODE_TRUST), inline={
                "pull": documents.pull_identity_document(params.repository_arns,
                                                         params.replica_repository_arns)})
    state.replication = documents.replication_configuration(params)
    if params.create_on_push_prefix:
        state.creation_template = creation_template(params, params.create_on_push_prefix,
                                                    "CREATE_ON_PUSH")
    for rule in params.pull_through_cache:
        state.cache_templates[rule.prefix] = creation_template(params, rule.prefix,
                                                               "PULL_THROUGH_CACHE")
    state.pull_through_cache = [{**rule, "registryId": params.account}
                                for rule in documents.pull_through_cache_rules(params)]
    # without registryScanning, AWS's own default (GetRegistryScanningConfiguration on a
    # registry no one configured), written here as data, not taken from the code under test
    state.registry_scanning = (documents.registry_scanning_configuration(params)
                               or {"scanType": "BASIC", "rules": []})
    registry_policy = documents.registry_policy(params)
    state.registry_policy = documents.policy_text(registry_policy) if registry_policy else None
    if params.developer_principal_arns:
        attached: dict[str, list[str]] = {"roles": [], "users": [], "groups": []}
        for arn in params.developer_principal_arns:
            attached[naming.principal_kind_of_arn(arn) + "s"].append(naming.role_name_of_arn(arn))
        state.developer_policy = {"document": documents.developer_policy(params),
                                  "attached": attached}
    return state


def creation_template(params: Parameters, prefix: str, applied_for: str) -> dict[str, Any]:
    """``DescribeRepositoryCreationTemplates`` for one template the stack made."""
    lifecycle = documents.lifecycle_policy(params)
    template: dict[str, Any] = {
        "prefix": prefix, "appliedFor": [applied_for],
        "repositoryPolicy": documents.policy_text(
            documents.pull_through_cache_repository_policy(params)
            if applied_for == "PULL_THROUGH_CACHE" else documents.repository_policy(params)),
        **{k: v for k, v in description(params, "x").items()
           if k.startswith(("image", "encryption"))}}
    if params.registry_scanning is not None:
        template.pop("imageScanningConfiguration", None)
    if lifecycle:
        template["lifecyclePolicy"] = documents.policy_text(lifecycle)
    if params.tags:
        template["resourceTags"] = [{"Key": k, "Value": v} for k, v in params.tags.items()]
    role = documents.creation_template_role_arn(params)
    if role:
        template["customRoleArn"] = role
    return template


def policy_of(state: AccountState, name: str) -> dict[str, Any]:
    """The repository policy of ``name`` as a document, to edit."""
    text = state.repositories[name].policy
    assert text is not None
    document: dict[str, Any] = json.loads(text)
    return document


def set_policy(state: AccountState, name: str, document: Any) -> None:
    """Replace the repository policy of ``name``."""
    state.repositories[name].policy = document if isinstance(document, str) or (
        document is None) else json.dumps(document)
