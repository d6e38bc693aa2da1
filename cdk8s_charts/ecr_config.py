"""The cluster half: the guide's ``ecr-config`` Secret, rendered from the shared parameters.

Small constructs usable in any cdk8s chart, each wrapping one typed ``k8s`` object as its
``Resource`` child (as cdk8s-plus does), and :class:`EcrConfigChart`, which only composes them.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from typing import Any

import cdk8s
from cdk8s_plus_35 import k8s
from constructs import Construct

from ecr_cluster_access.arguments import checked_names, checked_params, checked_strings
from ecr_cluster_access.documents import docker_config_bytes
from ecr_cluster_access.params import Parameters

from .base import SecretConstruct, refuse_other_namespace
from .constants import DOCKER_CONFIG_JSON_KEY, DOCKER_CONFIG_JSON_TYPE, LABELS
from .pull_secret import EcrPullSecret


def _metadata(name: str, namespace: str | None, labels: Mapping[str, str] | None,
              annotations: Mapping[str, str] | None) -> k8s.ObjectMeta:
    """Explicit name and namespace (so cdk8s adds no hash), this project's label plus the
    caller's labels and annotations."""
    return k8s.ObjectMeta(name=name, namespace=namespace,
                          labels={**LABELS, **(labels or {})},
                          annotations=dict(annotations) if annotations else None)


class EcrConfigSecret(SecretConstruct):
    """The Secret in-cluster builders read as their docker ``config.json``.

    ``metadata.name`` is ``params.secret_name`` and ``metadata.namespace`` is
    ``params.namespace``, set explicitly so cdk8s adds no hash suffix. The payload maps every
    registry host of the parameters to the ``ecr-login`` credential helper, byte for byte what
    :func:`ecr_cluster_access.documents.docker_config_bytes` returns. BuildKit and Kaniko read
    it; the kubelet does not (it reads only ``auths``), so pulls by nodes go through the node
    role. ``labels`` and ``annotations`` are added to the object's own. It is a cdk8s-plus
    ``ISecret``. A chart ``namespace`` other than ``params.namespace`` is refused.

    See https://kubernetes.io/docs/concepts/configuration/secret/#docker-config-secrets
    """

    def __init__(self, scope: Construct, id: str, *, params: Parameters,
                 labels: Mapping[str, str] | None = None,
                 annotations: Mapping[str, str] | None = None) -> None:
        super().__init__(scope, id, secret_name=checked_params(params).secret_name)
        refuse_other_namespace(self, params)
        labels = checked_strings(labels, "labels")
        annotations = checked_strings(annotations, "annotations")
        #: The ``kubernetes.io/dockerconfigjson`` Secret.
        self.resource = k8s.KubeSecret(
            self, "Resource",
            metadata=_metadata(params.secret_name, params.namespace, labels, annotations),
            type=DOCKER_CONFIG_JSON_TYPE,
            data={DOCKER_CONFIG_JSON_KEY: base64.b64encode(docker_config_bytes(params)).decode()},
        )


class BuilderServiceAccount(Construct):
    """The builder's ServiceAccount (``params.builder_identity``), in its namespace.

    With IRSA it carries the ``eks.amazonaws.com/role-arn`` annotation; with Pod Identity the
    stack's association binds it to the role. ``image_pull_secrets`` names Secrets the
    kubelet uses for the builder's pods. Raises ``ValueError`` without a builder identity, or
    in a chart whose ``namespace`` is not ``params.namespace``.
    """

    def __init__(self, scope: Construct, id: str, *, params: Parameters,
                 image_pull_secrets: Sequence[str] | None = None,
                 labels: Mapping[str, str] | None = None,
                 annotations: Mapping[str, str] | None = None) -> None:
        super().__init__(scope, id)
        refuse_other_namespace(self, params)
        image_pull_secrets = checked_names(image_pull_secrets, "image_pull_secrets")
        labels = checked_strings(labels, "labels")
        annotations = checked_strings(annotations, "annotations")
        identity = params.builder_identity
        if identity is None:
            raise ValueError("builderIdentity: not set: a BuilderServiceAccount needs the "
                             "parameters' builderIdentity")
        #: The ServiceAccount.
        self.resource = k8s.KubeServiceAccount(
            self, "Resource",
            metadata=_metadata(params.builder_service_account or "", params.builder_namespace,
                               labels,
                               {**params.builder_annotations, **(annotations or {})} or None),
            image_pull_secrets=[k8s.LocalObjectReference(name=n) for n in image_pull_secrets]
            if image_pull_secrets else None,
        )


class EcrConfigChart(cdk8s.Chart):
    """Everything the cluster needs, composed: :class:`EcrConfigSecret`, the
    :class:`BuilderServiceAccount` with a ``for: custom`` ``params.builder_identity`` (Garden
    creates and annotates its own ``garden-in-cluster-builder``), and the refreshed
    :class:`EcrPullSecret` with ``params.pull_secret``.

    Each object is placed in the namespace the parameters name, with an explicit name. So the
    chart's ``namespace`` must be left out or equal ``params.namespace`` (anything else is
    refused: it would be ignored), and ``disable_resource_name_hashes`` changes nothing.
    Other Chart props (``labels``) apply as usual.
    """

    def __init__(self, scope: Construct, id: str, *, params: Parameters, **kwargs: Any) -> None:
        checked_params(params)
        kwargs.setdefault("disable_resource_name_hashes", True)
        super().__init__(scope, id, **kwargs)
        refuse_other_namespace(self, params)
        self.params = params
        #: The ``ecr-config`` Secret.
        self.secret = EcrConfigSecret(self, "Secret", params=params)
        #: The builder's ServiceAccount, or ``None`` without ``params.builder_identity``.
        self.builder_service_account: BuilderServiceAccount | None = None
        identity = params.builder_identity
        pull = params.pull_secret
        if identity is not None and identity.for_ == "custom":  # Garden makes its own
            attach = pull is not None and (params.builder_namespace or "",
                                           params.builder_service_account or "") in (
                params.pull_secret_service_accounts)
            self.builder_service_account = BuilderServiceAccount(
                self, "BuilderServiceAccount", params=params,
                image_pull_secrets=[pull.name] if attach and pull is not None else None)
        #: The refreshed ``auths`` pull secret, or ``None`` without ``params.pull_secret``.
        self.pull_secret = EcrPullSecret(self, "PullSecret", params=params) if pull else None
