"""Pure functions for AWS names: partitions, registry hosts and ARNs.

No ``aws_cdk``, no ``cdk8s``: the parameters model, the documents, the construct, the chart and
``check`` all derive names here, so there is one spelling of each.
"""

from __future__ import annotations

#: Pull-through cache upstreams: the registry host of each, and whether ECR needs a Secrets
#: Manager secret for it (ECR user guide, "Sync an upstream registry"); ``ecr`` is another
#: private ECR registry, given by its host, reached with a role when in another account.
UPSTREAMS: dict[str, tuple[str | None, bool]] = {
    "docker-hub": ("registry-1.docker.io", True),
    "github-container-registry": ("ghcr.io", True),
    "quay": ("quay.io", False),
    "k8s": ("registry.k8s.io", False),
    "ecr-public": ("public.ecr.aws", False),
    "ecr": (None, False),
}


def partition_for_region(region: str) -> str:
    """Return the AWS partition of ``region``: ``aws-cn``, ``aws-us-gov`` or ``aws``."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def dns_suffix(region: str) -> str:
    """Return the DNS suffix of ``region``'s endpoints (``amazonaws.com.cn`` in China)."""
    return "amazonaws.com.cn" if partition_for_region(region) == "aws-cn" else "amazonaws.com"


def registry_host(account: str, region: str) -> str:
    """Return the private registry host that serves every repository of an account and region."""
    return f"{account}.dkr.ecr.{region}.{dns_suffix(region)}"


def repository_arn(account: str, region: str, name: str) -> str:
    """Return the ARN of repository ``name`` in ``account`` and ``region``."""
    return f"arn:{partition_for_region(region)}:ecr:{region}:{account}:repository/{name}"


def role_arn(account: str, region: str, name: str) -> str:
    """Return the ARN of IAM role ``name`` (no path) in ``account``, in ``region``'s partition."""
    return f"arn:{partition_for_region(region)}:iam::{account}:role/{name}"


def eks_cluster_arn(account: str, region: str, name: str) -> str:
    """Return the ARN of EKS cluster ``name`` (which may be a CDK token) in ``account`` and
    ``region``: the value EKS Pod Identity sends as the ``eks-cluster-arn`` session tag."""
    return f"arn:{partition_for_region(region)}:eks:{region}:{account}:cluster/{name}"


def account_of_arn(arn: str) -> str:
    """Return the account field (the fifth) of an ARN, or ``""`` if it has none."""
    parts = arn.split(":", 5)
    return parts[4] if len(parts) == 6 else ""


def role_name_of_arn(arn: str) -> str:
    """Return the role name of an IAM role ARN: the last segment of its path."""
    return arn.rsplit("/", 1)[-1]


def principal_kind_of_arn(arn: str) -> str:
    """Return ``role``, ``user`` or ``group`` for an IAM principal ARN."""
    return arn.split(":", 5)[5].split("/", 1)[0]


def stack_resource_name(stack_name: str, region: str, suffix: str, limit: int) -> str:
    """A name for an IAM resource the stack owns, unique per stack and region, found again by
    ``check``: ``<stackName>-<region>-<suffix>``, shortened with a hash to fit ``limit``.

    IAM is global, so two stacks of the same name in two regions must not share a name.
    """
    name = f"{stack_name}-{region}-{suffix}"
    if len(name) <= limit:
        return name
    import hashlib

    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    keep = limit - len(suffix) - len(digest) - 2
    return f"{name[:keep]}-{digest}-{suffix}"


def repository_construct_id(name: str) -> str:
    """Return the stable construct ID of repository ``name``.

    Derived from the name alone (``/`` becomes ``--``, which a valid name cannot contain), so
    adding or removing one repository never changes another's logical ID.
    """
    return name.replace("/", "--")


#: What the registry stack's name adds to ``stackName`` when the repositories are sharded.
REGISTRY_STACK_SUFFIX = "-registry"
#: What each shard stack's name adds to ``stackName``: ``-shard-`` and a three-digit number.
SHARD_STACK_SUFFIX = "-shard-{:03d}"


def shard_of(name: str, shards: int) -> int:
    """The shard (0 to ``shards`` - 1) that holds repository ``name``.

    Decided by the name alone (the first eight bytes of its SHA-256, modulo ``shards``): the
    same on every machine and Python, whatever the list's order, so adding or removing one
    repository changes only its own shard. Changing ``shards`` moves most repositories, which
    is why the count is a parameter and never derived from how many repositories there are.
    """
    import hashlib

    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big") % shards


def shard_stack_name(stack_name: str, index: int) -> str:
    """The CloudFormation name of shard ``index``'s stack."""
    return stack_name + SHARD_STACK_SUFFIX.format(index)


def registry_stack_name(stack_name: str) -> str:
    """The CloudFormation name of the registry stack of a sharded layout."""
    return stack_name + REGISTRY_STACK_SUFFIX


def member_stack_name(stack_name: str) -> str:
    """The CloudFormation name of the stack in each member account of an organization grant."""
    return stack_name + "-member"
