"""The parameters model: the one source the AWS half and the cluster half both read.

Plain Python on purpose: importing it never starts the jsii runtime, so the cdk8s half does
not pay for aws-cdk-lib, and a bad value is reported before either is imported.

- :mod:`.spec`: the declaration machinery (rules, problem lines, conversion).
- :mod:`.model`: the dataclasses, each field declared once.
- :mod:`.rules`: patterns, field rules and cross-field checks.
- :mod:`.limits`: policy and template sizes.
- :mod:`.io`: files, CDK context and the loader.
- :mod:`.schema`: the JSON Schema and the README table.
"""

from .io import (
    CONFIG_ENV,
    CONTEXT_KEY,
    MAX_DEPTH,
    MAX_FILE_BYTES,
    exit_on_error,
    load_parameters,
    load_parameters_or_exit,
)
from .limits import MAX_TEMPLATE_BYTES, template_bytes
from .model import (
    DEFAULT_REFRESH_IMAGE,
    BuilderIdentity,
    Lifecycle,
    LifecycleRule,
    MemberAccount,
    Parameters,
    PullSecret,
    PullThroughCacheRule,
    RegistryPolicy,
    RegistryScanning,
    ScanningRule,
    WorkerOrganization,
    validate,
)
from .rules import MAX_REPOSITORIES_PER_STACK
from .spec import ParameterError

__all__ = [
    "CONFIG_ENV",
    "CONTEXT_KEY",
    "DEFAULT_REFRESH_IMAGE",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_REPOSITORIES_PER_STACK",
    "MAX_TEMPLATE_BYTES",
    "BuilderIdentity",
    "Lifecycle",
    "LifecycleRule",
    "PullThroughCacheRule",
    "RegistryPolicy",
    "MemberAccount",
    "WorkerOrganization",
    "RegistryScanning",
    "ScanningRule",
    "ParameterError",
    "Parameters",
    "PullSecret",
    "template_bytes",
    "exit_on_error",
    "load_parameters",
    "load_parameters_or_exit",
    "validate",
]
