"""The size of the template ``cdk synth`` writes for ``app.py``'s stack, computed without
aws-cdk-lib: a model with the same shape as that template (every resource, property name,
logical ID length, ``aws:cdk:path`` entry, dependency and output), measured as the CLI writes
it (``JSON.stringify`` with a one-space indent, UTF-8).

It is a size model, not a second renderer: logical IDs carry ``0`` in place of the CDK's
8-character hash, and property order is whatever is convenient. What it must match is the byte
count; ``tests/e2e/test_differential.py`` compares it with the real synthesized template of
every generated parameter set and of sets near the 1 MB limit, and fails beyond 5 %.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from .. import documents, layout, naming

#: The id of the construct ``EcrClusterAccessStack`` makes (``Repositories``).
CONSTRUCT_ID = "Repositories"
#: The CDK's logical IDs: at most 240 characters of the path's letters and digits, then an
#: 8-character hash (aws-cdk-lib, core/lib/private/uniqueid.ts).
_MAX_HUMAN_LEN, _HASH = 240, "0" * 8
_STACK_DESCRIPTION = "ECR repositories and grants for in-cluster image builds (ecr-cluster-access)"
#: What every stack synthesized with the default synthesizer carries (the bootstrap check).
_BOOTSTRAP = {
    "Parameters": {"BootstrapVersion": {
        "Type": "AWS::SSM::Parameter::Value<String>",
        "Default": "/cdk-bootstrap/hnb659fds/version",
        "Description": "Version of the CDK Bootstrap resources in this environment, "
        "automatically retrieved from SSM Parameter Store. [cdk:skip]"}},
    "Rules": {"CheckBootstrapVersion": {"Assertions": [{
        "Assert": {"Fn::Not": [{"Fn::Contains": [["1", "2", "3", "4", "5"],
                                                 {"Ref": "BootstrapVersion"}]}]},
        "AssertDescription": "CDK bootstrap stack version 6 required. Please run 'cdk "
        "bootstrap' with a recent version of the CDK CLI."}]}},
}


def logical_id(construct_id: str) -> str:
    """A logical ID of the length the CDK gives construct ``construct_id`` of the stack's
    ``Repositories`` construct."""
    human = re.sub("[^A-Za-z0-9]", "", CONSTRUCT_ID + construct_id)[:_MAX_HUMAN_LEN]
    return human + _HASH


class _Template:
    """The template under construction: resources by construct ID, with their path."""

    def __init__(self, stack_id: str) -> None:
        self.stack_id = stack_id
        self.resources: dict[str, Any] = {}

    def add(self, construct_id: str, kind: str, properties: dict[str, Any],
            **extra: Any) -> str:
        logical = logical_id(construct_id)
        metadata = {**extra.pop("metadata", {}),
                    "aws:cdk:path": f"{self.stack_id}/{CONSTRUCT_ID}/{construct_id}"}
        self.resources[logical] = {"Type": kind, "Properties": {
            k: v for k, v in properties.items() if v is not None}, **extra,
            "Metadata": metadata}
        return logical


def _arn_of(logical: str) -> dict[str, Any]:
    return {"Fn::GetAtt": [logical, "Arn"]}


def _filters(values: Any) -> list[dict[str, str]] | None:
    return [{"ImageTagMutabilityExclusionFilterType": "WILDCARD",
             "ImageTagMutabilityExclusionFilterValue": f} for f in values] or None


def template_model(params: Any, *, repository_entries: int | None = None,
                   part: layout.Part = None) -> dict[str, Any]:
    """The template ``EcrClusterAccessStack(app, params=params, part=part)`` synthesizes, to
    the byte count (see the module docstring). ``params`` is a :class:`Parameters` (validated
    or not: only fields and derived names are read). With ``repository_entries``, only the
    first that many repositories get their resource entry (everything else still names them
    all)."""
    t = _Template(layout.stack_name(params, part))
    names = layout.repositories_of(params, part)
    registry = layout.holds_registry(part)
    lifecycle = documents.lifecycle_policy(params)
    lifecycle_text = documents.policy_text(lifecycle) if lifecycle else None
    tags = [{"Key": k, "Value": v} for k, v in params.tags.items()] or None
    kms = ({"EncryptionType": "KMS", **({"KmsKey": params.kms_key_arn} if params.kms_key_arn
                                         else {})} if params.encryption == "KMS" else None)
    builder = params.builder_identity is not None and params.builder_namespace is not None
    builder_logical = logical_id("BuilderRole")
    depends = {"DependsOn": [builder_logical]} if builder else {}
    # in a shard, the stack depends on the registry stack instead
    repository_depends = depends if part is None else {}
    removal = "Retain" if params.removal_policy == "retain" else "Delete"
    repository_properties = {
        "RepositoryPolicyText": documents.repository_policy(params),
        "ImageScanningConfiguration": {"ScanOnPush": params.scan_on_push}
        if params.registry_scanning is None else None,
        "ImageTagMutability": params.effective_tag_mutability,
        "ImageTagMutabilityExclusionFilters": _filters(
            params.image_tag_mutability_exclusion_filters),
        "LifecyclePolicy": {"LifecyclePolicyText": lifecycle_text} if lifecycle else None,
        "EncryptionConfiguration": kms,
        "EmptyOnDelete": True if params.empty_on_delete else None,
        "Tags": tags,
    }
    repositories = [
        t.add(naming.repository_construct_id(name), "AWS::ECR::Repository",
              {**repository_properties, "RepositoryName": name}, **repository_depends,
              UpdateReplacePolicy=removal, DeletionPolicy=removal)
        for name in names[:repository_entries]]
    repositories += [logical_id(naming.repository_construct_id(name))
                     for name in names[len(repositories):]]
    if not registry:
        uris = [naming.registry_host(params.account, params.region) + "/" + n for n in names]
        return _document(t, {"RepositoryUris": (
            "The URI of every repository of this stack, comma-separated", ",".join(uris))})

    token_roles = sorted({naming.role_name_of_arn(a) for a in params.same_account_worker_role_arns})
    if token_roles:
        t.add("AuthorizationTokenPolicy", "AWS::IAM::Policy", {
            "PolicyName": documents.token_policy_name(params),
            "PolicyDocument": documents.worker_identity_policy(params), "Roles": token_roles})

    identity = params.builder_identity
    if builder:
        t.add("BuilderRole", "AWS::IAM::Role", {
            "RoleName": naming.role_name_of_arn(params.builder_role_arn or ""),
            "Description": "In-cluster image builder: push/pull on the ecr-cluster-access "
            f"repositories, for ServiceAccount {params.builder_namespace}/"
            f"{params.builder_service_account} ({identity.mode})",
            "AssumeRolePolicyDocument": documents.builder_trust_policy(params),
            "Policies": [{"PolicyName": documents.BUILDER_POLICY_NAME,
                          "PolicyDocument": documents.push_pull_identity_policy(params)}]})
        if identity.mode == "pod-identity":
            t.add("BuilderPodIdentity", "AWS::EKS::PodIdentityAssociation", {
                "ClusterName": identity.cluster_name or "",
                "Namespace": params.builder_namespace,
                "ServiceAccount": params.builder_service_account or "",
                "RoleArn": _arn_of(builder_logical)})

    _refresher(t, params)

    if params.developer_principal_arns:
        kinds: dict[str, list[str]] = {"role": [], "user": [], "group": []}
        for arn in params.developer_principal_arns:
            kinds[naming.principal_kind_of_arn(arn)].append(naming.role_name_of_arn(arn))
        t.add("DeveloperPolicy", "AWS::IAM::ManagedPolicy", {
            "ManagedPolicyName": documents.developer_policy_name(params),
            "Description": "Push and pull on the ecr-cluster-access repositories, plus the "
            "ECR authorization token.",
            "PolicyDocument": documents.developer_policy(params),
            "Roles": kinds["role"] or None, "Users": kinds["user"] or None,
            "Groups": kinds["group"] or None})

    replication = documents.replication_configuration(params)
    if replication is not None:
        t.add("Replication", "AWS::ECR::ReplicationConfiguration",
              {"ReplicationConfiguration": _pascal(replication)})

    template_role = None
    role_policy = documents.creation_template_role_policy(params)
    if role_policy is not None:
        template_role = _arn_of(t.add("CreationTemplateRole", "AWS::IAM::Role", {
            "RoleName": documents.creation_template_role_name(params),
            "Description": "Lets ECR create create-on-push and pull-through cache repositories "
            "with tags or a KMS key",
            "AssumeRolePolicyDocument": documents.creation_template_trust_policy(),
            "Policies": [{"PolicyName": "create-repositories", "PolicyDocument": role_policy}]}))

    def creation_template(prefix: str, applied_for: str, construct_id: str, what: str) -> None:
        t.add(construct_id, "AWS::ECR::RepositoryCreationTemplate", {
            "Prefix": prefix, "AppliedFor": [applied_for],
            "Description": f"ecr-cluster-access: {what}",
            "RepositoryPolicy": documents.policy_text(
                documents.pull_through_cache_repository_policy(params)
                if applied_for == "PULL_THROUGH_CACHE" else repository_properties[
                    "RepositoryPolicyText"]),
            "LifecyclePolicy": lifecycle_text,
            "ImageTagMutability": params.effective_tag_mutability,
            "ImageTagMutabilityExclusionFilters": repository_properties[
                "ImageTagMutabilityExclusionFilters"],
            "EncryptionConfiguration": kms, "ResourceTags": tags,
            "CustomRoleArn": template_role}, **depends)

    if params.create_on_push_prefix is not None:
        creation_template(params.create_on_push_prefix, "CREATE_ON_PUSH", "CreateOnPushTemplate",
                          "repositories created on push under this prefix")
    for rule, api in zip(params.pull_through_cache, documents.pull_through_cache_rules(params),
                         strict=True):
        construct_id = naming.repository_construct_id(rule.prefix)
        t.add(f"PullThroughCache-{construct_id}", "AWS::ECR::PullThroughCacheRule",
              _pascal(api))
        creation_template(rule.prefix, "PULL_THROUGH_CACHE",
                          f"PullThroughCacheTemplate-{construct_id}",
                          f"repositories the pull-through cache makes ({rule.upstream})")

    scanning = documents.registry_scanning_configuration(params)
    if scanning is not None:
        t.add("RegistryScanning", "AWS::ECR::RegistryScanningConfiguration", _pascal(scanning))
    registry_policy = documents.registry_policy(params)
    if registry_policy is not None:
        t.add("RegistryPolicy", "AWS::ECR::RegistryPolicy", {"PolicyText": registry_policy},
              **({"DependsOn": repositories} if repositories else {}))

    outputs: dict[str, Any] = {
        "RegistryHost": ("Registry host: the builder's deploymentRegistry hostname",
                         params.registry_host),
        **({"RepositoryUris": ("Every repository URI, comma-separated",
                               ",".join(params.repository_uris))} if part is None else {}),
        "SecretName": ("Name of the cluster Secret holding config.json", params.secret_name),
        "SecretNamespace": ("Namespace of the cluster Secret holding config.json",
                            params.namespace),
    }
    if builder:
        outputs["BuilderRoleArn"] = ("The builder's own role (annotate or associate its "
                                     "ServiceAccount)", _arn_of(builder_logical))
    if params.create_on_push_prefix is not None:
        outputs["CreateOnPushPrefix"] = ("Pushes to <RegistryHost>/<prefix>/<new name> create "
                                         "the repository", params.create_on_push_prefix)
    if params.cross_account_worker_role_arns:
        accounts = sorted({naming.account_of_arn(a)
                           for a in params.cross_account_worker_role_arns})
        outputs["CrossAccountWorkerRoles"] = ((
            f"Roles in account(s) {', '.join(accounts)}: each account must attach an "
            "identity policy allowing the seven push/pull actions on these repositories "
            "and ecr:GetAuthorizationToken on '*' (print it with: ecr-cluster-access "
            "identity-policy)")[:1024], ",".join(params.cross_account_worker_role_arns))
    return _document(t, outputs)


def _document(t: _Template, outputs: dict[str, Any]) -> dict[str, Any]:
    return {"Description": _STACK_DESCRIPTION, "Resources": t.resources,
            "Outputs": {k: {"Description": d, "Value": v} for k, (d, v) in outputs.items()},
            **_BOOTSTRAP}


def _refresher(t: _Template, params: Any) -> None:
    identity = documents.refresher_identity(params)
    if identity is None:
        return
    policies = [{"PolicyName": documents.REFRESHER_POLICY_NAME, "PolicyDocument": identity.policy}]
    if identity.kind == "user":
        t.add("RefresherUser", "AWS::IAM::User", {"UserName": identity.name, "Policies": policies},
              metadata={"checkov": {"skip": [CHECKOV_USER_POLICY]}})
        return
    role = t.add("RefresherRole", "AWS::IAM::Role", {
        "RoleName": identity.name, "Description": identity.description,
        "AssumeRolePolicyDocument": documents.refresher_trust_document(params),
        "Policies": policies})
    settings = params.pull_secret
    if settings.credentials == "pod-identity":
        (namespace,) = params.refresher_namespaces
        t.add("RefresherPodIdentity", "AWS::EKS::PodIdentityAssociation", {
            "ClusterName": settings.cluster_name or "", "Namespace": namespace,
            "ServiceAccount": params.refresher_service_account, "RoleArn": _arn_of(role)})


#: The checkov check the refresher user's inline policy is exempt from, with the reason: the
#: construct writes it as the user's metadata.
CHECKOV_USER_POLICY = {
    "id": "CKV_AWS_40",
    "comment": "The pull-secret refresher's IAM user carries its single pull-only policy inline; "
    "check reports any policy or group beyond it.",
}


def _pascal(value: Any) -> Any:
    """An ECR API document (camelCase keys) as CloudFormation spells it (PascalCase)."""
    if isinstance(value, dict):
        return {k[:1].upper() + k[1:]: _pascal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_pascal(v) for v in value]
    return value


def _bytes(value: Any) -> int:
    return len(json.dumps(value, indent=1, ensure_ascii=False).encode())


def template_bytes(params: Any, *, part: layout.Part = None) -> int:
    """The bytes of the template ``cdk synth`` writes for ``params`` (see the module
    docstring), of the stack of ``part`` (:mod:`..layout`).

    Measured on the model with the first repository's entry only: every other entry is the
    same but for the name, in its ``RepositoryName``, logical ID and ``aws:cdk:path`` (names
    need no JSON escaping), so each adds its own lengths to the first one's size, plus the
    comma, line break and two-space indent that separate entries at that depth."""
    model = template_model(params, repository_entries=1, part=part)
    names = layout.repositories_of(params, part)
    if not names:
        return _bytes(model)
    first = names[0]
    resource = model["Resources"][logical_id(naming.repository_construct_id(first))]
    # the entry's value, two levels deep: two more spaces on each of its lines
    value = _bytes(resource) + 2 * json.dumps(resource, indent=1).count("\n")

    def named(name: str) -> int:  # the lengths that differ: RepositoryName and the path
        return len(name) + len(naming.repository_construct_id(name))

    return _bytes(model) + sum(
        len(',\n  "": ') + len(logical_id(naming.repository_construct_id(name)))
        + value + named(name) - named(first) for name in names[1:])


@dataclass(frozen=True)
class StackPlan:
    """One stack of the layout, as ``ecr-cluster-access plan`` prints it."""

    part: layout.Part
    stack_name: str
    repositories: int
    resources: int
    template_bytes: int


def plan(params: Any) -> list[StackPlan]:
    """The layout of ``params``: every stack ``app.py`` synthesizes, with its repositories,
    resources and template bytes (exact, as :func:`template_bytes` is)."""
    out = []
    for part in layout.parts(params):
        model = template_model(params, part=part, repository_entries=1)
        held = len(layout.repositories_of(params, part))
        out.append(StackPlan(part, layout.stack_name(params, part), held,
                             len(model["Resources"]) + max(held - 1, 0),
                             template_bytes(params, part=part)))
    return out
