"""Names shared by the charts' objects."""

#: The Secret type and key the guide's `kubectl create secret ... --type` command produces.
DOCKER_CONFIG_JSON_TYPE = "kubernetes.io/dockerconfigjson"
DOCKER_CONFIG_JSON_KEY = ".dockerconfigjson"
#: Labels on every object this package renders.
LABELS = {"app.kubernetes.io/managed-by": "ecr-cluster-access"}
