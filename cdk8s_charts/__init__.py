"""cdk8s charts for the cluster half of ecr-cluster-access.

Import :class:`EcrConfigChart` into your own cdk8s app, or run this project's ``main.py``
through ``cdk8s synth``. Nothing here imports ``aws_cdk``.
"""

from .constants import DOCKER_CONFIG_JSON_KEY, DOCKER_CONFIG_JSON_TYPE
from .ecr_config import EcrConfigChart
from .pull_secret import EcrPullSecret

__all__ = ["DOCKER_CONFIG_JSON_KEY", "DOCKER_CONFIG_JSON_TYPE", "EcrConfigChart", "EcrPullSecret"]
