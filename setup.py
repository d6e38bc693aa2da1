"""Package metadata for ecr-cluster-access; the version lives in ecr_cluster_access/_version.py."""

import re
import runpy
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent
VERSION = re.search(
    r'^__version__ = "([^"]+)"$',
    (HERE / "ecr_cluster_access" / "_version.py").read_text(encoding="utf-8"),
    re.M,
)
assert VERSION, "ecr_cluster_access/_version.py must define __version__"
# The extras' requirements are declared once, next to the code that checks for them.
EXTRAS = runpy.run_path(str(HERE / "ecr_cluster_access" / "extras.py"))

setup(
    name="ecr-cluster-access",
    version=VERSION.group(1),
    description="Private Amazon ECR repositories (AWS CDK) and the cluster's ecr-config Secret "
    "(cdk8s) from one parameters object, so both halves always agree.",
    long_description=(HERE / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    author="ecr-cluster-access developers",
    license="Apache-2.0",
    license_files=["LICENSE"],
    project_urls={
        "Source": "https://github.com/ecr-cluster-access/ecr-cluster-access",
        "Changelog": "https://github.com/ecr-cluster-access/ecr-cluster-access/blob/main/CHANGELOG.md",
        "Guide automated": "https://github.com/garden-io/garden/blob/3a8ab89c51912d259b010d10c64732fe62a60f18/docs/k8s-plugins/remote-k8s/configure-registry/aws.md",
    },
    # aws-cdk-lib, cdk8s-plus-35, jsii and boto3 need Python 3.10 or later
    python_requires=">=3.10",
    packages=find_packages(include=["ecr_cluster_access", "ecr_cluster_access.*", "cdk8s_charts"]),
    package_data={"ecr_cluster_access": ["py.typed"], "cdk8s_charts": ["py.typed"],
                  "ecr_cluster_access.params": ["parameters.schema.json", "aws_sources.json"],
                  "ecr_cluster_access.check": ["check-output.schema.json"]},
    include_package_data=True,
    zip_safe=False,
    # The parameters model, the documents and the command line; each half is an extra.
    install_requires=["PyYAML>=6.0,<7"],
    extras_require={
        **{extra: EXTRAS["install_requires_of"](extra) for extra in EXTRAS["EXTRAS"]},
        "all": EXTRAS["install_requires_of"](*EXTRAS["EXTRAS"]),
    },
    entry_points={"console_scripts": ["ecr-cluster-access=ecr_cluster_access.cli:main"]},
    classifiers=[
        "Development Status :: 4 - Beta",
        "Framework :: AWS CDK",
        "Framework :: AWS CDK :: 2",
        "Intended Audience :: Developers",
        "Intended Audience :: System Administrators",
        "Operating System :: OS Independent",
        "Programming Language :: Python :: 3",
        "Programming Language :: Python :: 3 :: Only",
        "Programming Language :: Python :: 3.10",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
        "Programming Language :: Python :: 3.13",
        "Topic :: System :: Systems Administration",
        "Topic :: Software Development :: Build Tools",
        "Typing :: Typed",
    ],
    keywords=["aws-cdk", "cdk8s", "ecr", "kubernetes", "buildkit", "kaniko"],
)
