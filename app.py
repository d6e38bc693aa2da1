#!/usr/bin/env python3
"""The CDK app (``cdk synth`` / ``cdk deploy``): load the parameters, build the stack, synthesize.

The parameters are validated before aws-cdk-lib is imported: a bad value prints one line per
problem and exits 2, and no template is written.
"""

from ecr_cluster_access.extras import quiet_node20_banner, require_or_exit
from ecr_cluster_access.params import load_parameters_or_exit


def main() -> None:
    """Synthesize the stack (or, with ``shards``, the registry stack and the shards):
    parameters from $ECR_CLUSTER_ACCESS_CONFIG, else the CDK context the CLI passes
    (``-c``, cdk.context.json, cdk.json), else cdk.json."""
    params = load_parameters_or_exit(for_stack=True)

    require_or_exit("cdk", "app.py")
    quiet_node20_banner()

    import aws_cdk as cdk

    from ecr_cluster_access.stack import make_member_stacks, make_stacks

    app = cdk.App()
    make_stacks(app, params)
    if params.worker_organization is not None:
        make_member_stacks(app, params, {m.account: m.role_names
                                         for m in params.worker_organization.member_accounts})
    app.synth()


if __name__ == "__main__":
    main()
