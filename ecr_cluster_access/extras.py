"""Optional extras: each half's dependencies, and one clear line when an extra is missing.

``pip install ecr-cluster-access`` installs the parameters model, the documents and the
command line (``validate``, ``schema``, ``builder-config``, ``identity-policy``); each half
needs its extra:

======== ================================================ ======================================
extra    installs                                         for
======== ================================================ ======================================
cdk      aws-cdk-lib, constructs                          the construct, the stack, ``app.py``
cdk8s    cdk8s, cdk8s-plus-35, constructs                 the charts, ``main.py``
check    boto3                                            ``ecr-cluster-access check``
all      all of the above
======== ================================================ ======================================

:func:`require` checks with :func:`importlib.util.find_spec`, which finds a module without
importing it, so the check costs no jsii start-up.
"""

from __future__ import annotations

import importlib.util

#: The distribution name on PyPI.
DISTRIBUTION = "ecr-cluster-access"

#: Each extra's requirements (setup.py reads this table) and the modules that prove it is installed.
EXTRAS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "cdk": (("aws-cdk-lib>=2.275.0,<3", "constructs>=10.0.0,<11"), ("aws_cdk", "constructs")),
    "cdk8s": (("cdk8s>=2.68.0,<3", "cdk8s-plus-35>=2.0.0,<3", "constructs>=10.0.0,<11"),
              ("cdk8s", "cdk8s_plus_35", "constructs")),
    "check": (("boto3>=1.34.0,<2",), ("boto3", "botocore")),
}

#: What each extra is for, in the missing-extra line.
PURPOSE = {"cdk": "the AWS half (the CDK construct and app.py)",
           "cdk8s": "the cluster half (the cdk8s charts and main.py)",
           "check": "check"}


class MissingExtra(ImportError):
    """An optional extra is not installed; the message is one line saying what to install."""


def missing_modules(extra: str) -> list[str]:
    """The modules of ``extra`` that cannot be found, in declaration order."""
    return [module for module in EXTRAS[extra][1] if importlib.util.find_spec(module) is None]


def require(extra: str) -> None:
    """Raise :class:`MissingExtra` unless every module of ``extra`` can be imported."""
    missing = missing_modules(extra)
    if missing:
        raise MissingExtra(
            f"{PURPOSE[extra]} needs the [{extra}] extra: pip install "
            f"'{DISTRIBUTION}[{extra}]' (module {', '.join(missing)} not found)")


def install_requires_of(*extras: str) -> list[str]:
    """The requirements of ``extras``, deduplicated, in declaration order."""
    seen: dict[str, None] = {}
    for extra in extras:
        seen.update(dict.fromkeys(EXTRAS[extra][0]))
    return list(seen)


def require_or_exit(extra: str, prog: str) -> None:
    """:func:`require`, for a command: print the one line to stderr and exit 2."""
    import sys

    try:
        require(extra)
    except MissingExtra as error:
        print(f"{prog}: error: {error}", file=sys.stderr)
        sys.exit(2)


#: jsii prints an 11-line "Node 20 is end-of-life" banner (as Python bytes) on every run unless
#: this variable names the running Node major version.
JSII_EOL_BANNER_ENV = "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION"


def quiet_node20_banner() -> None:
    """Silence jsii's end-of-life banner for Node 20 only, unless the user set the variable.

    ``app.py`` and ``main.py`` call this before importing aws-cdk-lib or cdk8s, so the README's
    commands print only what matters. Node 20 is the version CI runs; any other end-of-life
    Node version still gets the banner.
    """
    import os

    os.environ.setdefault(JSII_EOL_BANNER_ENV, "20")
