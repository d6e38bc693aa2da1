"""A pull secret the kubelet can use: ``auths`` with a real ECR token, refreshed in-cluster.

The kubelet reads only ``auths`` from a pull secret, never ``credHelpers``, and an ECR token
lives 12 hours. Two ways to keep such a Secret fresh, chosen by ``params.pull_secret.mode``:

- ``external-secrets``: per namespace, the External Secrets Operator's
  ``ECRAuthorizationToken`` generator and an ``ExternalSecret`` whose template writes the
  ``kubernetes.io/dockerconfigjson`` Secret (https://external-secrets.io/latest/api/generator/ecr/).
- ``cronjob``: a placeholder Secret per namespace and a CronJob whose ServiceAccount may only
  ``get`` and ``patch`` that one Secret in each namespace.
"""

from __future__ import annotations

import base64
from typing import Any

import cdk8s
from cdk8s_plus_35 import k8s
from constructs import Construct

from ecr_cluster_access import documents
from ecr_cluster_access.params import Parameters

from .constants import DOCKER_CONFIG_JSON_KEY, DOCKER_CONFIG_JSON_TYPE, LABELS

EXTERNAL_SECRET_API = "external-secrets.io/v1"
GENERATOR_API = "generators.external-secrets.io/v1alpha1"

#: The refresher: one token per registry region, one ``patch`` per namespace. ``patch`` (not
#: ``apply``) leaves the manifest's last-applied state alone, so re-applying the chart does
#: not reset the Secret to its placeholder.
REFRESH_SCRIPT = """set -eu
auths=""
for pair in $REGISTRIES; do
  host="${pair%%=*}"
  region="${pair#*=}"
  token="$(aws ecr get-login-password --region "$region")"
  auth="$(printf 'AWS:%s' "$token" | base64 | tr -d '\\n')"
  auths="${auths:+$auths,}\\"$host\\":{\\"username\\":\\"AWS\\",\\"password\\":\\"$token\\",\\"auth\\":\\"$auth\\"}"
done
config="$(printf '{"auths":{%s}}' "$auths" | base64 | tr -d '\\n')"
for namespace in $NAMESPACES; do
  kubectl --namespace "$namespace" patch secret "$SECRET" --type=merge \\
    --patch "{\\"data\\":{\\".dockerconfigjson\\":\\"$config\\"}}"
done
"""


def registries(params: Parameters) -> str:
    """``host=region`` pairs for every registry the pull secret must hold a token for."""
    return " ".join(f"{host}={region}" for host, region in params.registry_host_regions)


def generator_name(params: Parameters, index: int) -> str:
    """The ECRAuthorizationToken generator of registry ``index``: the Secret's name for the
    home region, ``<name>-<region>`` for each replication region."""
    assert params.pull_secret is not None
    region = params.registry_host_regions[index][1]
    return params.pull_secret.name if index == 0 else f"{params.pull_secret.name}-{region}"


class EcrPullSecret(Construct):
    """The refreshed ``auths`` pull secret in every listed namespace, attached to the listed
    ServiceAccounts. See the module docstring for the two modes."""

    def __init__(self, scope: Construct, id_: str, *, params: Parameters) -> None:
        super().__init__(scope, id_)
        assert params.pull_secret is not None, "EcrPullSecret needs params.pull_secret"
        self.params = params
        settings = params.pull_secret
        name = settings.name
        #: Objects by kind, for users who extend them.
        self.objects: list[cdk8s.ApiObject] = []
        for namespace in params.pull_secret_namespaces:
            if settings.mode == "external-secrets":
                self._external_secret(namespace)
            else:
                self.objects.append(k8s.KubeSecret(
                    self, f"Placeholder-{namespace}",
                    metadata=k8s.ObjectMeta(name=name, namespace=namespace, labels=LABELS),
                    type=DOCKER_CONFIG_JSON_TYPE,
                    data={DOCKER_CONFIG_JSON_KEY: base64.b64encode(
                        documents.EMPTY_PULL_SECRET_CONFIG).decode()},
                ))
        if settings.mode == "cronjob":
            self._cronjob()
        builder = params.builder_identity
        for namespace, account in params.pull_secret_service_accounts:
            if builder is not None and (namespace, account) == (
                    params.builder_namespace, builder.service_account):
                continue  # the chart's builder ServiceAccount lists it already
            self.objects.append(k8s.KubeServiceAccount(
                self, f"ServiceAccount-{namespace}-{account}",
                metadata=k8s.ObjectMeta(name=account, namespace=namespace, labels=LABELS),
                image_pull_secrets=[k8s.LocalObjectReference(name=name)],
            ))

    def _external_secret(self, namespace: str) -> None:
        settings = self.params.pull_secret
        assert settings is not None
        sources = []
        for index, (_, region) in enumerate(self.params.registry_host_regions):
            name = generator_name(self.params, index)
            generator = cdk8s.ApiObject(
                self, f"Generator-{namespace}-{region}", api_version=GENERATOR_API,
                kind="ECRAuthorizationToken",
                metadata=cdk8s.ApiObjectMetadata(name=name, namespace=namespace, labels=LABELS))
            generator.add_json_patch(cdk8s.JsonPatch.add("/spec", {"region": region}))
            self.objects.append(generator)
            sources.append({
                "sourceRef": {"generatorRef": {"apiVersion": GENERATOR_API,
                                               "kind": "ECRAuthorizationToken", "name": name}},
                "rewrite": [{"regexp": {"source": "(.*)", "target": f"r{index}_$1"}}],
            })
        external = cdk8s.ApiObject(
            self, f"ExternalSecret-{namespace}", api_version=EXTERNAL_SECRET_API,
            kind="ExternalSecret",
            metadata=cdk8s.ApiObjectMetadata(name=settings.name, namespace=namespace,
                                             labels=LABELS))
        external.add_json_patch(cdk8s.JsonPatch.add("/spec", {
            "refreshInterval": f"{settings.refresh_hours}h",
            "target": {
                "name": settings.name,
                "creationPolicy": "Owner",
                "template": {
                    "type": DOCKER_CONFIG_JSON_TYPE,
                    "data": {DOCKER_CONFIG_JSON_KEY:
                             documents.pull_secret_config_template(self.params)},
                },
            },
            "dataFrom": sources,
        }))
        self.objects.append(external)

    def _cronjob(self) -> None:
        params = self.params
        settings = params.pull_secret
        assert settings is not None
        refresher = f"{settings.name}-refresher"
        home = params.namespace
        self.objects.append(k8s.KubeServiceAccount(
            self, "RefresherServiceAccount",
            metadata=k8s.ObjectMeta(name=refresher, namespace=home, labels=LABELS)))
        for namespace in params.pull_secret_namespaces:
            self.objects.append(k8s.KubeRole(
                self, f"Role-{namespace}",
                metadata=k8s.ObjectMeta(name=refresher, namespace=namespace, labels=LABELS),
                rules=[k8s.PolicyRule(api_groups=[""], resources=["secrets"],
                                      resource_names=[settings.name], verbs=["get", "patch"])],
            ))
            self.objects.append(k8s.KubeRoleBinding(
                self, f"RoleBinding-{namespace}",
                metadata=k8s.ObjectMeta(name=refresher, namespace=namespace, labels=LABELS),
                role_ref=k8s.RoleRef(api_group="rbac.authorization.k8s.io", kind="Role",
                                     name=refresher),
                subjects=[k8s.Subject(kind="ServiceAccount", name=refresher, namespace=home)],
            ))
        env = {"REGISTRIES": registries(params), "SECRET": settings.name,
               "NAMESPACES": " ".join(params.pull_secret_namespaces), "HOME": "/tmp"}
        container = k8s.Container(
            name="refresh",
            image=settings.image,
            command=["/bin/sh", "-c", REFRESH_SCRIPT],
            env=[k8s.EnvVar(name=k, value=v) for k, v in env.items()],
            security_context=k8s.SecurityContext(
                allow_privilege_escalation=False, read_only_root_filesystem=True,
                run_as_non_root=True, run_as_user=65534,
                capabilities=k8s.Capabilities(drop=["ALL"])),
            resources=k8s.ResourceRequirements(
                requests={"cpu": k8s.Quantity.from_string("50m"),
                          "memory": k8s.Quantity.from_string("64Mi")},
                limits={"memory": k8s.Quantity.from_string("256Mi")}),
            volume_mounts=[k8s.VolumeMount(name="tmp", mount_path="/tmp")],
        )
        pod: dict[str, Any] = {
            "service_account_name": refresher,
            "restart_policy": "OnFailure",
            "containers": [container],
            "volumes": [k8s.Volume(name="tmp", empty_dir=k8s.EmptyDirVolumeSource())],
            "security_context": k8s.PodSecurityContext(
                seccomp_profile=k8s.SeccompProfile(type="RuntimeDefault")),
        }
        self.objects.append(k8s.KubeCronJob(
            self, "Refresher",
            metadata=k8s.ObjectMeta(name=refresher, namespace=home, labels=LABELS),
            spec=k8s.CronJobSpec(
                schedule=f"0 */{settings.refresh_hours} * * *",
                concurrency_policy="Forbid",
                successful_jobs_history_limit=1,
                failed_jobs_history_limit=3,
                job_template=k8s.JobTemplateSpec(spec=k8s.JobSpec(
                    backoff_limit=3,
                    template=k8s.PodTemplateSpec(
                        metadata=k8s.ObjectMeta(labels=LABELS),
                        spec=k8s.PodSpec(**pod)),
                )),
            ),
        ))
