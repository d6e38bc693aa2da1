"""cdk8s charts for the cluster half of ecr-cluster-access.

Put :class:`EcrConfigSecret` (and :class:`BuilderServiceAccount`, :class:`EcrPullSecret`) into
your own chart, import :class:`EcrConfigChart` into your own cdk8s app, or run this project's
``main.py`` through ``cdk8s synth``. Nothing here imports ``aws_cdk``.
"""

from ecr_cluster_access.extras import require

require("cdk8s")

from .constants import DOCKER_CONFIG_JSON_KEY, DOCKER_CONFIG_JSON_TYPE
from .ecr_config import BuilderServiceAccount, EcrConfigChart, EcrConfigSecret
from .pull_secret import (
    EcrPullSecret,
    EcrTokenGenerator,
    PullExternalSecret,
    PullSecretPlaceholder,
    PullSecretServiceAccount,
    RefresherCronJob,
    RefresherRole,
    RefresherRoleBinding,
    RefresherServiceAccount,
)

__all__ = ["DOCKER_CONFIG_JSON_KEY", "DOCKER_CONFIG_JSON_TYPE", "BuilderServiceAccount",
           "EcrConfigChart", "EcrConfigSecret", "EcrPullSecret", "EcrTokenGenerator",
           "PullExternalSecret", "PullSecretPlaceholder", "PullSecretServiceAccount",
           "RefresherCronJob", "RefresherRole", "RefresherRoleBinding",
           "RefresherServiceAccount"]
