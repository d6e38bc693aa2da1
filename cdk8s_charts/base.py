"""What every construct of the cluster half shares: the namespace rule and, for the two
Secrets, the cdk8s-plus ``ISecret`` interface."""

from __future__ import annotations

import cdk8s
import cdk8s_plus_35 as kplus
import jsii
from constructs import Construct

from ecr_cluster_access.arguments import checked_params
from ecr_cluster_access.params import Parameters


def refuse_other_namespace(scope: Construct, params: Parameters) -> None:
    """Raise ``ValueError`` when ``scope`` sits in a chart whose ``namespace`` is set and is
    not ``params.namespace``: each object goes where the parameters say, so the chart's
    namespace would be silently ignored."""
    checked_params(params)
    try:
        chart = cdk8s.Chart.of(scope)
    except Exception:  # noqa: BLE001 - not in a chart (jsii raises a plain error): nothing to check
        return
    namespace = chart.namespace
    if namespace is not None and namespace != params.namespace:
        raise ValueError(
            f"namespace: {namespace!r} differs from the parameters' namespace "
            f"{params.namespace!r}: each object goes where the parameters say; set "
            "namespace in the parameters (builderIdentity.namespace and "
            "pullSecret.namespaces for the others)")


@jsii.implements(kplus.ISecret)
class SecretConstruct(Construct):
    """A construct that stands for one Secret, by name: a cdk8s-plus ``ISecret``, so it can be
    given to a workload's ``dockerRegistryAuth`` (``imagePullSecrets: [{name: ...}]``) or
    ``EnvValue.from_secret_value``. Subclasses set :attr:`secret_name` first."""

    def __init__(self, scope: Construct, id: str, *, secret_name: str) -> None:
        super().__init__(scope, id)
        #: The Secret's ``metadata.name``.
        self.secret_name = secret_name

    @property
    def name(self) -> str:
        """The Secret's name."""
        return self.secret_name

    @property
    def api_version(self) -> str:
        """``v1``."""
        return "v1"

    @property
    def api_group(self) -> str:
        """The core API group (empty)."""
        return ""

    @property
    def kind(self) -> str:
        """``Secret``."""
        return "Secret"

    @property
    def resource_type(self) -> str:
        """``secrets``, for RBAC rules."""
        return "secrets"

    @property
    def resource_name(self) -> str | None:
        """The Secret's name, for RBAC rules."""
        return self.secret_name

    def env_value(self, key: str, *, optional: bool | None = None) -> kplus.EnvValue:
        """An environment value from one of the Secret's keys."""
        return kplus.EnvValue.from_secret_value(kplus.SecretValue(secret=self, key=key),
                                               optional=optional)
