"""The cluster half: the guide's ``ecr-config`` Secret, rendered from the shared parameters."""

from __future__ import annotations

import base64
from typing import Any

import cdk8s
from cdk8s_plus_35 import k8s
from constructs import Construct

from ecr_cluster_access.documents import docker_config_bytes
from ecr_cluster_access.params import Parameters

from .constants import DOCKER_CONFIG_JSON_KEY, DOCKER_CONFIG_JSON_TYPE, LABELS
from .pull_secret import EcrPullSecret


class EcrConfigChart(cdk8s.Chart):
    """The Secret in-cluster builders read as their docker ``config.json``.

    ``metadata.name`` is ``params.secret_name`` and ``metadata.namespace`` is
    ``params.namespace``, set explicitly so cdk8s adds no hash suffix. The payload maps every
    registry host of the parameters to the ``ecr-login`` credential helper, byte for byte what
    :func:`ecr_cluster_access.documents.docker_config_bytes` returns. BuildKit and Kaniko read
    it; the kubelet does not (it reads only ``auths``), so pulls by nodes go through the node role.

    See https://kubernetes.io/docs/concepts/configuration/secret/#docker-config-secrets
    """

    def __init__(self, scope: Construct, id_: str, *, params: Parameters, **kwargs: Any) -> None:
        super().__init__(scope, id_, disable_resource_name_hashes=True, **kwargs)
        self.params = params
        #: The ``kubernetes.io/dockerconfigjson`` Secret.
        self.secret = k8s.KubeSecret(
            self,
            "Secret",
            metadata=k8s.ObjectMeta(name=params.secret_name, namespace=params.namespace,
                                    labels=LABELS),
            type=DOCKER_CONFIG_JSON_TYPE,
            data={DOCKER_CONFIG_JSON_KEY: base64.b64encode(docker_config_bytes(params)).decode()},
        )
        #: The builder's ServiceAccount, or ``None`` without ``params.builder_identity``. With
        #: IRSA it carries the ``eks.amazonaws.com/role-arn`` annotation; with Pod Identity
        #: the stack's association binds it to the role.
        self.builder_service_account: k8s.KubeServiceAccount | None = None
        identity = params.builder_identity
        pull = params.pull_secret
        if identity is not None:
            attach = (params.builder_namespace or "", identity.service_account) in (
                params.pull_secret_service_accounts)
            self.builder_service_account = k8s.KubeServiceAccount(
                self,
                "BuilderServiceAccount",
                metadata=k8s.ObjectMeta(
                    name=identity.service_account, namespace=params.builder_namespace,
                    labels=LABELS, annotations=params.builder_annotations or None),
                image_pull_secrets=[k8s.LocalObjectReference(name=pull.name)]
                if attach and pull is not None else None,
            )
        #: The refreshed ``auths`` pull secret, or ``None`` without ``params.pull_secret``.
        self.pull_secret = EcrPullSecret(self, "PullSecret", params=params) if pull else None

