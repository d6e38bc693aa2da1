#!/usr/bin/env python3
"""The cdk8s app (``cdk8s synth``): load the parameters, build the chart, write ``dist/``.

The parameters are validated before cdk8s is imported: a bad value prints one line per
problem and exits 2, and nothing is written to ``dist/``.
"""

from ecr_cluster_access.extras import quiet_node20_banner, require_or_exit
from ecr_cluster_access.params import load_parameters_or_exit

#: The chart's ID, and so the name of its manifest: ``dist/ecr-cluster-access.k8s.yaml``.
CHART_ID = "ecr-cluster-access"


def main() -> None:
    """Synthesize the chart: parameters from $ECR_CLUSTER_ACCESS_CONFIG, else cdk.json's
    context, else cdk.context.json."""
    params = load_parameters_or_exit()

    require_or_exit("cdk8s", "main.py")
    quiet_node20_banner()

    import cdk8s

    from cdk8s_charts import EcrConfigChart

    app = cdk8s.App()
    EcrConfigChart(app, CHART_ID, params=params)
    app.synth()


if __name__ == "__main__":
    main()
