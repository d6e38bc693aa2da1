"""Private Amazon ECR repositories and the cluster's ``ecr-config`` Secret from one parameters set.

It automates Garden's "Configuring a container registry: AWS" guide for remote Kubernetes:
https://github.com/garden-io/garden/blob/3a8ab89c51912d259b010d10c64732fe62a60f18/docs/k8s-plugins/remote-k8s/configure-registry/aws.md

The parameters model, the names and the documents (pure functions) import without ``aws_cdk``
or ``cdk8s``.
:class:`EcrClusterAccess` and :class:`EcrClusterAccessStack` need aws-cdk-lib and are imported
on first use, so ``import ecr_cluster_access`` never starts the jsii runtime.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__
from .documents import AUTHORIZATION_TOKEN_ACTION, PUSH_PULL_ACTIONS
from .params import (
    CONFIG_ENV,
    CONTEXT_KEY,
    BuilderIdentity,
    Lifecycle,
    LifecycleRule,
    MemberAccount,
    ParameterError,
    Parameters,
    PullSecret,
    PullThroughCacheRule,
    RegistryPolicy,
    RegistryScanning,
    ScanningRule,
    WorkerOrganization,
    load_parameters,
    load_parameters_or_exit,
)

if TYPE_CHECKING:
    from .construct import EcrClusterAccess, OwnedRepository
    from .stack import EcrClusterAccessStack

__all__ = [
    "AUTHORIZATION_TOKEN_ACTION",
    "BuilderIdentity",
    "CONFIG_ENV",
    "CONTEXT_KEY",
    "PUSH_PULL_ACTIONS",
    "EcrClusterAccess",
    "EcrClusterAccessStack",
    "Lifecycle",
    "LifecycleRule",
    "OwnedRepository",
    "PullThroughCacheRule",
    "RegistryPolicy",
    "MemberAccount",
    "WorkerOrganization",
    "RegistryScanning",
    "ScanningRule",
    "ParameterError",
    "Parameters",
    "PullSecret",
    "__version__",
    "load_parameters",
    "load_parameters_or_exit",
]

_LAZY = {"EcrClusterAccess": ".construct", "OwnedRepository": ".construct",
         "EcrClusterAccessStack": ".stack"}


def __getattr__(name: str) -> Any:
    """Import the aws-cdk-lib classes only when they are first used."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
