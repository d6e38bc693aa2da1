"""cdk8s charts for the cluster half of ecr-cluster-access."""
