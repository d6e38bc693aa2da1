"""A pull secret the kubelet can use: ``auths`` with a real ECR token, refreshed in-cluster.

The kubelet reads only ``auths`` from a pull secret, never ``credHelpers``, and an ECR token
lives 12 hours. Two ways to keep such a Secret fresh, chosen by ``params.pull_secret.mode``:

- ``external-secrets``: per namespace, the External Secrets Operator's
  ``ECRAuthorizationToken`` generator and an ``ExternalSecret`` whose template writes the
  ``kubernetes.io/dockerconfigjson`` Secret (https://external-secrets.io/latest/api/generator/ecr/).
- ``cronjob``: a placeholder Secret per namespace and a CronJob whose ServiceAccount may only
  ``get`` and ``patch`` that one Secret in each namespace.

Whose AWS identity fetches the token is ``params.pull_secret.credentials``: a pull-only
refresher role (``irsa``: the refresher ServiceAccount carries its annotation, and the
generators use ``auth.jwt``; ``web-identity``: CronJob only, the chart mounts a projected
ServiceAccount token for STS itself, for clusters off EKS whose issuer is an IAM OIDC
provider; ``pod-identity``: CronJob only, associated in the AWS half), a
pull-only IAM user whose access key is in a Secret (``secret``: mounted read-only into the
CronJob, ``auth.secretRef`` for the generators, and ``roleArn`` to assume), or the node's or
operator's own identity (``node``).
"""

from __future__ import annotations

import base64
from typing import Any

import cdk8s
from cdk8s_plus_35 import k8s
from constructs import Construct

from ecr_cluster_access import documents
from ecr_cluster_access.arguments import checked_params
from ecr_cluster_access.params import Parameters, PullSecret

from .base import SecretConstruct, refuse_other_namespace
from .constants import DOCKER_CONFIG_JSON_KEY, DOCKER_CONFIG_JSON_TYPE, LABELS

EXTERNAL_SECRET_API = "external-secrets.io/v1"
#: Where the CronJob mounts the access key Secret (``credentials: secret``), and its keys.
CREDENTIALS_MOUNT = "/var/run/secrets/ecr-refresher"
ACCESS_KEY_ID_KEY = "access-key-id"
SECRET_ACCESS_KEY_KEY = "secret-access-key"
GENERATOR_API = "generators.external-secrets.io/v1alpha1"

#: Where the kubelet mounts the ServiceAccount token, the API server's CA and the namespace.
SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"
#: ``credentials: web-identity``: where the chart mounts the projected token for STS itself.
WEB_IDENTITY_TOKEN_DIR = "/var/run/secrets/sts.amazonaws.com/serviceaccount"
#: The audience STS expects of a web identity token, and that token's life in seconds.
STS_AUDIENCE = "sts.amazonaws.com"
WEB_IDENTITY_TOKEN_SECONDS = 3600
#: The refresher's user and group (``nobody``); also its ``fsGroup``, so that the kubelet
#: makes the mounted access key (``credentials: secret``, mode 0400) group-readable by it. A
#: kubelet writes Secret volume files owned by root: without ``fsGroup`` this user cannot
#: read them.
REFRESHER_UID = 65534
#: The Job's deadline: a run that hangs (an unreachable API) ends here and is retried at the
#: next schedule, the Secret keeping its last good value.
ACTIVE_DEADLINE_SECONDS = 600

#: The refresher: one token per registry region, then one ``PATCH`` per namespace through the
#: API server with the ServiceAccount's token (``curl``, the body and the header from files,
#: so neither the ECR token nor the ServiceAccount token is ever in a process's arguments).
#: ``PATCH`` (a merge patch, not ``apply``) leaves the manifest's last-applied state alone, so
#: re-applying the chart does not reset the Secret to its placeholder. Every token is fetched
#: before anything is written: when one fails, no Secret changes, the log says why in one line
#: and the container exits 1. With ``credentials: secret`` the access key is read from the
#: mounted Secret's files (never from the manifest), and with ``roleArn`` the AWS CLI assumes
#: that role with them (through a profile: access keys in the environment would take
#: precedence over the profile's role, and no role would be assumed).
REFRESH_SCRIPT = """set -eu
fail() { echo "ecr-pull-refresher: $*; the pull secret keeps its last value" >&2; exit 1; }
umask 077
if [ -n "${AWS_CREDENTIALS_DIR:-}" ]; then
  key_id="$(cat "$AWS_CREDENTIALS_DIR/access-key-id")" \\
    || fail "cannot read the access key in $AWS_CREDENTIALS_DIR"
  secret_key="$(cat "$AWS_CREDENTIALS_DIR/secret-access-key")" \\
    || fail "cannot read the secret key in $AWS_CREDENTIALS_DIR"
  if [ -n "${ASSUME_ROLE_ARN:-}" ]; then
    # keys in the environment would win over the profile: give them to the profile instead
    printf '[keys]\\naws_access_key_id = %s\\naws_secret_access_key = %s\\n' \\
      "$key_id" "$secret_key" > "$HOME/aws-credentials"
    printf '[profile refresher]\\nrole_arn = %s\\nsource_profile = keys\\n' \\
      "$ASSUME_ROLE_ARN" > "$HOME/aws-config"
    export AWS_SHARED_CREDENTIALS_FILE="$HOME/aws-credentials"
    export AWS_CONFIG_FILE="$HOME/aws-config" AWS_PROFILE=refresher
  else
    AWS_ACCESS_KEY_ID="$key_id" AWS_SECRET_ACCESS_KEY="$secret_key"
    export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
  fi
fi
auths=""
for pair in $REGISTRIES; do
  host="${pair%%=*}"
  region="${pair#*=}"
  token="$(aws ecr get-login-password --region "$region")" \\
    || fail "no ECR token for $host (aws ecr get-login-password --region $region failed)"
  [ -n "$token" ] || fail "ECR returned an empty token for $host"
  auth="$(printf 'AWS:%s' "$token" | base64 | tr -d '\\n')"
  auths="${auths:+$auths,}\\"$host\\":{\\"username\\":\\"AWS\\",\\"password\\":\\"$token\\",\\"auth\\":\\"$auth\\"}"
done
config="$(printf '{"auths":{%s}}' "$auths" | base64 | tr -d '\\n')"
printf '{"data":{".dockerconfigjson":"%s"}}' "$config" > "$HOME/patch.json" \\
  || fail "cannot write the patch to HOME ($HOME must be a writable volume)"
sa=/var/run/secrets/kubernetes.io/serviceaccount
token="$(cat "$sa/token")" || fail "cannot read the ServiceAccount token in $sa"
printf 'Authorization: Bearer %s\\n' "$token" > "$HOME/authorization" \\
  || fail "cannot write to HOME ($HOME)"
case "$KUBERNETES_SERVICE_HOST" in
  *:*) api="https://[$KUBERNETES_SERVICE_HOST]:$KUBERNETES_SERVICE_PORT" ;;
  *) api="https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT" ;;
esac
for namespace in $NAMESPACES; do
  status="$(curl --silent --show-error --max-time 30 --cacert "$sa/ca.crt" \\
    --header "@$HOME/authorization" --header 'Content-Type: application/merge-patch+json' \\
    --request PATCH --data-binary "@$HOME/patch.json" --output "$HOME/response" \\
    --write-out '%{http_code}' "$api/api/v1/namespaces/$namespace/secrets/$SECRET")" \\
    || fail "cannot reach the API server at $api to patch $namespace/$SECRET"
  [ "$status" = 200 ] || fail "the API server answered $status to the patch of \\
$namespace/$SECRET: $(head -c 300 "$HOME/response")"
  echo "ecr-pull-refresher: refreshed $namespace/$SECRET"
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


def generator_auth(params: Parameters) -> dict[str, Any]:
    """The ECRAuthorizationToken generator's ``auth`` and ``role`` for ``credentials``: none
    (the operator's own identity) for node; ``auth.jwt`` with the refresher ServiceAccount of
    the generator's namespace for irsa; ``auth.secretRef`` to the access key Secret for
    secret, and ``role`` with ``roleArn``."""
    settings = _settings(params)
    if settings.credentials == "irsa":
        return {"auth": {"jwt": {"serviceAccountRef": {"name": params.refresher_service_account}}}}
    if settings.credentials == "secret":
        secret = params.credentials_secret_name
        out: dict[str, Any] = {"auth": {"secretRef": {
            "accessKeyIDSecretRef": {"name": secret, "key": ACCESS_KEY_ID_KEY},
            "secretAccessKeySecretRef": {"name": secret, "key": SECRET_ACCESS_KEY_KEY}}}}
        if settings.role_arn is not None:
            out["role"] = settings.role_arn
        return out
    return {}


def _settings(params: Parameters) -> PullSecret:
    checked_params(params)
    if params.pull_secret is None:
        raise ValueError("pullSecret: not set: the pull-secret constructs need the parameters' "
                         "pullSecret")
    return params.pull_secret


def _refresher(params: Parameters) -> str:
    _settings(params)
    return params.refresher_service_account


class PullSecretPlaceholder(SecretConstruct):
    """The pull secret in ``namespace`` before the CronJob refresher first writes it:
    ``kubernetes.io/dockerconfigjson`` with empty ``auths``. Its ``Resource`` is the Secret;
    it is a cdk8s-plus ``ISecret``."""

    def __init__(self, scope: Construct, id: str, *, params: Parameters, namespace: str) -> None:
        super().__init__(scope, id, secret_name=_settings(params).name)
        refuse_other_namespace(self, params)
        #: The Secret.
        self.resource = k8s.KubeSecret(
            self, "Resource",
            metadata=k8s.ObjectMeta(name=_settings(params).name, namespace=namespace,
                                    labels=LABELS),
            type=DOCKER_CONFIG_JSON_TYPE,
            data={DOCKER_CONFIG_JSON_KEY: base64.b64encode(
                documents.EMPTY_PULL_SECRET_CONFIG).decode()})


class PullSecretServiceAccount(Construct):
    """A ServiceAccount this project owns (never ``default``) that lists the pull secret in
    ``imagePullSecrets``. Its ``Resource`` is the ServiceAccount."""

    def __init__(self, scope: Construct, id: str, *, params: Parameters, namespace: str,
                 name: str) -> None:
        super().__init__(scope, id)
        refuse_other_namespace(self, params)
        #: The ServiceAccount.
        self.resource = k8s.KubeServiceAccount(
            self, "Resource",
            metadata=k8s.ObjectMeta(name=name, namespace=namespace, labels=LABELS),
            image_pull_secrets=[k8s.LocalObjectReference(name=_settings(params).name)])


class EcrTokenGenerator(Construct):
    """The External Secrets Operator's ``ECRAuthorizationToken`` generator for registry
    ``index`` (home region first), in ``namespace``. Its ``Resource`` is the generator."""

    def __init__(self, scope: Construct, id: str, *, params: Parameters, namespace: str,
                 index: int) -> None:
        super().__init__(scope, id)
        refuse_other_namespace(self, params)
        region = params.registry_host_regions[index][1]
        #: The generator.
        self.resource = cdk8s.ApiObject(
            self, "Resource", api_version=GENERATOR_API, kind="ECRAuthorizationToken",
            metadata=cdk8s.ApiObjectMetadata(name=generator_name(params, index),
                                             namespace=namespace, labels=LABELS))
        self.resource.add_json_patch(cdk8s.JsonPatch.add("/spec", {
            "region": region, **generator_auth(params)}))


class PullExternalSecret(Construct):
    """The ``ExternalSecret`` in ``namespace`` whose template writes the pull secret from the
    generators' tokens. Its ``Resource`` is the ExternalSecret."""

    def __init__(self, scope: Construct, id: str, *, params: Parameters, namespace: str) -> None:
        super().__init__(scope, id)
        refuse_other_namespace(self, params)
        settings = _settings(params)
        sources = [{
            "sourceRef": {"generatorRef": {"apiVersion": GENERATOR_API,
                                           "kind": "ECRAuthorizationToken",
                                           "name": generator_name(params, index)}},
            "rewrite": [{"regexp": {"source": "(.*)", "target": f"r{index}_$1"}}],
        } for index in range(len(params.registry_host_regions))]
        #: The ExternalSecret.
        self.resource = cdk8s.ApiObject(
            self, "Resource", api_version=EXTERNAL_SECRET_API, kind="ExternalSecret",
            metadata=cdk8s.ApiObjectMetadata(name=settings.name, namespace=namespace,
                                             labels=LABELS))
        self.resource.add_json_patch(cdk8s.JsonPatch.add("/spec", {
            "refreshInterval": f"{settings.refresh_hours}h",
            "target": {
                "name": settings.name,
                "creationPolicy": "Owner",
                "template": {
                    "type": DOCKER_CONFIG_JSON_TYPE,
                    "data": {DOCKER_CONFIG_JSON_KEY:
                             documents.pull_secret_config_template(params)},
                },
            },
            "dataFrom": sources,
        }))


class RefresherServiceAccount(Construct):
    """The refresher's ServiceAccount: the CronJob's, in the parameters' namespace, or (irsa
    with External Secrets) the one ``auth.jwt`` names, in ``namespace``. With irsa it carries
    the refresher role's annotation."""

    def __init__(self, scope: Construct, id: str, *, params: Parameters,
                 namespace: str | None = None) -> None:
        super().__init__(scope, id)
        refuse_other_namespace(self, params)
        #: The ServiceAccount.
        self.resource = k8s.KubeServiceAccount(
            self, "Resource", metadata=k8s.ObjectMeta(
                name=_refresher(params), namespace=namespace or params.namespace, labels=LABELS,
                annotations=params.refresher_annotations or None))


class RefresherRole(Construct):
    """What the refresher may do in ``namespace``: ``get`` and ``patch`` on that one Secret."""

    def __init__(self, scope: Construct, id: str, *, params: Parameters, namespace: str) -> None:
        super().__init__(scope, id)
        refuse_other_namespace(self, params)
        #: The Role.
        self.resource = k8s.KubeRole(
            self, "Resource",
            metadata=k8s.ObjectMeta(name=_refresher(params), namespace=namespace, labels=LABELS),
            rules=[k8s.PolicyRule(api_groups=[""], resources=["secrets"],
                                  resource_names=[_settings(params).name],
                                  verbs=["get", "patch"])])


class RefresherRoleBinding(Construct):
    """Binds :class:`RefresherRole` in ``namespace`` to the refresher's ServiceAccount."""

    def __init__(self, scope: Construct, id: str, *, params: Parameters, namespace: str) -> None:
        super().__init__(scope, id)
        refuse_other_namespace(self, params)
        refresher = _refresher(params)
        #: The RoleBinding.
        self.resource = k8s.KubeRoleBinding(
            self, "Resource",
            metadata=k8s.ObjectMeta(name=refresher, namespace=namespace, labels=LABELS),
            role_ref=k8s.RoleRef(api_group="rbac.authorization.k8s.io", kind="Role",
                                 name=refresher),
            subjects=[k8s.Subject(kind="ServiceAccount", name=refresher,
                                  namespace=params.namespace)])


def _refresher_io(params: Parameters, settings: Any, refresher: str
                  ) -> tuple[dict[str, str], list[k8s.VolumeMount], list[k8s.Volume]]:
    """The refresher container's environment, mounts and the pod's volumes: scratch space in
    memory, the access key Secret (``secret``), the projected STS token (``web-identity``)."""
    env = {"REGISTRIES": registries(params), "SECRET": settings.name,
           "NAMESPACES": " ".join(params.pull_secret_namespaces), "HOME": "/tmp"}
    mounts = [k8s.VolumeMount(name="tmp", mount_path="/tmp")]
    # in memory: with roleArn the access key is written to a profile here
    volumes = [k8s.Volume(name="tmp", empty_dir=k8s.EmptyDirVolumeSource(
        medium="Memory", size_limit=k8s.Quantity.from_string("16Mi")))]
    if params.credentials_secret_name is not None:
        env["AWS_CREDENTIALS_DIR"] = CREDENTIALS_MOUNT
        mounts.append(k8s.VolumeMount(name="aws-credentials", mount_path=CREDENTIALS_MOUNT,
                                      read_only=True))
        volumes.append(k8s.Volume(name="aws-credentials", secret=k8s.SecretVolumeSource(
            secret_name=params.credentials_secret_name, default_mode=0o400, items=[
                k8s.KeyToPath(key=key, path=key)
                for key in (ACCESS_KEY_ID_KEY, SECRET_ACCESS_KEY_KEY)])))
    if settings.role_arn is not None:
        env["ASSUME_ROLE_ARN"] = settings.role_arn
    if settings.credentials == "web-identity":
        # what EKS's webhook would inject, done by the chart for any OIDC issuer
        assert params.refresher_role_arn is not None
        env.update({"AWS_ROLE_ARN": params.refresher_role_arn,
                    "AWS_WEB_IDENTITY_TOKEN_FILE": f"{WEB_IDENTITY_TOKEN_DIR}/token",
                    "AWS_ROLE_SESSION_NAME": refresher,
                    "AWS_STS_REGIONAL_ENDPOINTS": "regional",
                    "AWS_REGION": params.region})
        mounts.append(k8s.VolumeMount(name="aws-token", mount_path=WEB_IDENTITY_TOKEN_DIR,
                                      read_only=True))
        volumes.append(k8s.Volume(name="aws-token", projected=k8s.ProjectedVolumeSource(
            sources=[k8s.VolumeProjection(
                service_account_token=k8s.ServiceAccountTokenProjection(
                    audience=STS_AUDIENCE, expiration_seconds=WEB_IDENTITY_TOKEN_SECONDS,
                    path="token"))])))
    return env, mounts, volumes


def _refresher_container(settings: Any, env: dict[str, str],
                         mounts: list[k8s.VolumeMount]) -> k8s.Container:
    """The refresh container: the script, as :data:`REFRESHER_UID`, read-only, no
    capabilities, with CPU and memory limits."""
    return k8s.Container(
        name="refresh",
        image=settings.image,
        command=["/bin/sh", "-c", REFRESH_SCRIPT],
        env=[k8s.EnvVar(name=k, value=v) for k, v in env.items()],
        security_context=k8s.SecurityContext(
            allow_privilege_escalation=False, read_only_root_filesystem=True,
            run_as_non_root=True, run_as_user=REFRESHER_UID, run_as_group=REFRESHER_UID,
            capabilities=k8s.Capabilities(drop=["ALL"])),
        resources=k8s.ResourceRequirements(
            requests={"cpu": k8s.Quantity.from_string("50m"),
                      "memory": k8s.Quantity.from_string("64Mi")},
            limits={"cpu": k8s.Quantity.from_string("500m"),
                    "memory": k8s.Quantity.from_string("256Mi")}),
        volume_mounts=mounts,
    )


class RefresherCronJob(Construct):
    """The CronJob that renews the pull secret in every namespace, every ``refreshHours``:
    :data:`REFRESH_SCRIPT` in ``pullSecret.image``, as uid/gid/fsGroup :data:`REFRESHER_UID`,
    read-only root file system, no capabilities, CPU and memory limits, a deadline of
    :data:`ACTIVE_DEADLINE_SECONDS` and three retries. With ``web-identity`` it mounts a
    projected ServiceAccount token for STS (audience ``sts.amazonaws.com``, one hour) and
    sets ``AWS_ROLE_ARN`` and ``AWS_WEB_IDENTITY_TOKEN_FILE`` itself."""

    def __init__(self, scope: Construct, id: str, *, params: Parameters) -> None:
        super().__init__(scope, id)
        refuse_other_namespace(self, params)
        settings = _settings(params)
        refresher = _refresher(params)
        env, mounts, volumes = _refresher_io(params, settings, refresher)
        container = _refresher_container(settings, env, mounts)
        pod: dict[str, Any] = {
            "service_account_name": refresher,
            # the API token it patches the Secret with, whatever the ServiceAccount says
            "automount_service_account_token": True,
            "restart_policy": "OnFailure",
            "containers": [container],
            "volumes": volumes,
            "security_context": k8s.PodSecurityContext(
                run_as_non_root=True, run_as_user=REFRESHER_UID, run_as_group=REFRESHER_UID,
                fs_group=REFRESHER_UID,
                seccomp_profile=k8s.SeccompProfile(type="RuntimeDefault")),
        }
        #: The CronJob.
        self.resource = k8s.KubeCronJob(
            self, "Resource",
            metadata=k8s.ObjectMeta(name=refresher, namespace=params.namespace, labels=LABELS),
            spec=k8s.CronJobSpec(
                schedule=f"0 */{settings.refresh_hours} * * *",
                concurrency_policy="Forbid",
                successful_jobs_history_limit=1,
                failed_jobs_history_limit=3,
                job_template=k8s.JobTemplateSpec(spec=k8s.JobSpec(
                    backoff_limit=3,
                    active_deadline_seconds=ACTIVE_DEADLINE_SECONDS,
                    template=k8s.PodTemplateSpec(
                        metadata=k8s.ObjectMeta(labels=LABELS),
                        spec=k8s.PodSpec(**pod)),
                )),
            ),
        )


class EcrPullSecret(SecretConstruct):
    """The refreshed ``auths`` pull secret in every listed namespace, attached to the listed
    ServiceAccounts. See the module docstring for the two modes. It composes the small
    constructs above (each with one ``Resource``), which charts of your own can use alone. It
    is a cdk8s-plus ``ISecret`` for the pull secret's name, so a workload's
    ``dockerRegistryAuth`` can name it."""

    def __init__(self, scope: Construct, id: str, *, params: Parameters) -> None:
        super().__init__(scope, id, secret_name=_settings(params).name)
        refuse_other_namespace(self, params)
        settings = _settings(params)
        self.params = params
        pieces: list[Any] = []
        for namespace in params.pull_secret_namespaces:
            if settings.mode == "external-secrets":
                for index, (_, region) in enumerate(params.registry_host_regions):
                    pieces.append(EcrTokenGenerator(self, f"Generator-{namespace}-{region}",
                                                    params=params, namespace=namespace,
                                                    index=index))
                pieces.append(PullExternalSecret(self, f"ExternalSecret-{namespace}",
                                                 params=params, namespace=namespace))
                if settings.credentials == "irsa":
                    pieces.append(RefresherServiceAccount(
                        self, f"RefresherServiceAccount-{namespace}", params=params,
                        namespace=namespace))
            else:
                pieces.append(PullSecretPlaceholder(self, f"Placeholder-{namespace}",
                                                    params=params, namespace=namespace))
        if settings.mode == "cronjob":
            pieces.append(RefresherServiceAccount(self, "RefresherServiceAccount",
                                                  params=params))
            for namespace in params.pull_secret_namespaces:
                pieces.append(RefresherRole(self, f"Role-{namespace}", params=params,
                                            namespace=namespace))
                pieces.append(RefresherRoleBinding(self, f"RoleBinding-{namespace}",
                                                   params=params, namespace=namespace))
            pieces.append(RefresherCronJob(self, "Refresher", params=params))
        builder = params.builder_identity
        for namespace, account in params.pull_secret_service_accounts:
            if builder is not None and builder.for_ == "custom" and (namespace, account) == (
                    params.builder_namespace, params.builder_service_account):
                continue  # the chart's builder ServiceAccount lists it already
            pieces.append(PullSecretServiceAccount(
                self, f"ServiceAccount-{namespace}-{account}", params=params,
                namespace=namespace, name=account))
        #: Every object, in order, for users who extend them.
        self.objects: list[cdk8s.ApiObject] = [piece.resource for piece in pieces]
