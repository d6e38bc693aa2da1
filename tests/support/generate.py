"""Generated parameter sets for the differential tests: every key of the model, values drawn
from small pools of realistic and boundary values, consistent enough that about two thirds
are accepted and the rest are refused by the checks that look at several fields.

Seeded (:func:`parameter_sets`), so a failure names a set that can be generated again.
:func:`at_the_limit_sets` then sets each declared key of accepted sets to the values at its
declared limits, read from the field declarations (not from these pools).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from typing import Any

ACCOUNT, OTHER = "123456789012", "210987654321"
#: Regions, weighted towards the default, with their partition.
REGIONS = [("us-east-1", "aws")] * 6 + [("eu-west-1", "aws"), ("us-west-2", "aws"),
                                        ("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov")]
SIBLING = {"us-east-1": "us-west-2", "eu-west-1": "eu-central-1", "us-west-2": "us-east-1",
           "cn-north-1": "cn-northwest-1", "us-gov-west-1": "us-gov-east-1"}
DIGEST = "@sha256:" + "0123456789abcdef" * 4


def _maybe(rnd: random.Random, p: float = 0.5) -> bool:
    return rnd.random() < p


def _some(rnd: random.Random, pool: list[Any], low: int = 1, high: int | None = None) -> list[Any]:
    count = rnd.randint(low, min(high or len(pool), len(pool)))
    return rnd.sample(pool, count)


def parameter_set(rnd: random.Random) -> dict[str, Any]:
    """One parameter set, as a file spells it."""
    region, part = rnd.choice(REGIONS)
    role = f"arn:{part}:iam::{ACCOUNT}:role/"
    prefix = rnd.choice(["builds", "ci", "team/builds"])
    out: dict[str, Any] = {
        "account": ACCOUNT, "region": region,
        "repositories": _some(rnd, [f"{prefix}/app", f"{prefix}/web.v2", f"{prefix}/api-server",
                                    f"{prefix}/" + "n" * 40, f"{prefix}/x_y"], 1, 4),
        "workerRoleArns": _some(rnd, [f"{role}k8s-worker", f"{role}eks/nodes/second",
                                      f"arn:{part}:iam::{OTHER}:role/other-cluster"], 1, 3),
    }
    if _maybe(rnd, 0.3):
        out["secretName"] = rnd.choice(["ecr-config", "registry-auth", "r" * 63])
    if _maybe(rnd, 0.3):
        out["namespace"] = rnd.choice(["default", "builds", "n" * 63])
    if _maybe(rnd, 0.3):
        out["stackName"] = rnd.choice(["EcrClusterAccess", "Ecr-Builds", "E" + "c" * 30])
    if _maybe(rnd, 0.2):
        out["shards"] = rnd.choice([1, 2, 3])
    if _maybe(rnd, 0.3):
        out["developerPrincipalArns"] = _some(rnd, [f"arn:{part}:iam::{ACCOUNT}:group/devs",
                                                    f"{role}dev"])
    if _maybe(rnd, 0.4):
        out["imageTagMutability"] = rnd.choice(["MUTABLE", "IMMUTABLE"])
    if _maybe(rnd, 0.3):
        out["imageTagMutabilityExclusionFilters"] = _some(
            rnd, ["cache-*", "_buildcache*", "latest", "*-dev", "t" * 128], 1, 5)
    if _maybe(rnd, 0.3):
        out["scanOnPush"] = rnd.choice([True, False])
    if _maybe(rnd, 0.4):
        lifecycle: dict[str, Any] = {}
        if _maybe(rnd):
            lifecycle["untaggedExpireDays"] = rnd.choice([1, 7, 2**31 - 1])
        if _maybe(rnd):
            lifecycle["keepLastImages"] = rnd.choice([1, 100, 10_000])
        if _maybe(rnd):
            lifecycle["rules"] = [
                {**({"tagPrefixes": _some(rnd, ["release-", "v", "rc-"])} if _maybe(rnd)
                    else {"tagPatterns": _some(rnd, ["pr-*", "*-hotfix", "a*b*c*d"])}),
                 **({"keepLast": rnd.choice([1, 50])} if _maybe(rnd)
                    else {"expireDays": rnd.choice([1, 30])})}
                for _ in range(rnd.randint(1, 3))]
        out["lifecycle"] = lifecycle
    if _maybe(rnd, 0.3):
        out["encryption"] = "KMS"
        if _maybe(rnd):
            out["kmsKeyArn"] = (f"arn:{part}:kms:{region}:{ACCOUNT}:key/"
                                "1234abcd-12ab-34cd-56ef-1234567890ab")
    if _maybe(rnd, 0.3):
        out["tags"] = dict(_some(rnd, [("team", "platform"), ("cost:center", "42"),
                                       ("k" * 127, "v" * 255), ("owner", "a b@c")]))
    if _maybe(rnd, 0.2):
        out["removalPolicy"] = "destroy"
        if _maybe(rnd):
            out["emptyOnDelete"] = True
    builder = None
    if _maybe(rnd, 0.4):
        builder = {"mode": rnd.choice(["irsa", "pod-identity"])}
        if builder["mode"] == "irsa":
            builder["oidcProviderArn"] = (f"arn:{part}:iam::{ACCOUNT}:oidc-provider/"
                                          f"oidc.eks.{region}.amazonaws.com/id/EXAMPLE")
        else:
            builder["clusterName"] = rnd.choice(["builds", "c" * 100])
        if _maybe(rnd, 0.3):
            builder["for"] = "custom"
            if _maybe(rnd):
                builder["serviceAccount"] = rnd.choice(["buildkit", "kaniko"])
        elif _maybe(rnd, 0.2):
            builder["for"] = "garden"
        if _maybe(rnd, 0.3):
            builder["namespace"] = rnd.choice(["garden-builds", "ci"])
        if _maybe(rnd, 0.2):
            builder["roleName"] = rnd.choice(["kaniko-builder", "b" * 64])
        out["builderIdentity"] = builder
    if _maybe(rnd, 0.5):
        out["pullSecret"] = _pull_secret(rnd, region, part)
        if out["pullSecret"]["credentials"] == "node" and not out["pullSecret"].get(
                "allowPushToken"):
            out["workerAccess"] = "pull"
    if _maybe(rnd, 0.15):
        out["workerAccess"] = rnd.choice(["pull", "push-pull"])
    if _maybe(rnd, 0.3):
        out["createOnPushPrefix"] = prefix
    if _maybe(rnd, 0.25):
        out["replicationRegions"] = [SIBLING[region]]
    if _maybe(rnd, 0.3):
        out["pullThroughCache"] = _cache_rules(rnd, region, part)
    if _maybe(rnd, 0.2):
        scan = rnd.choice(["BASIC", "ENHANCED"])
        out["registryScanning"] = {"scanType": scan, "rules": [
            {"frequency": "SCAN_ON_PUSH" if scan == "BASIC" else rnd.choice(
                ["SCAN_ON_PUSH", "CONTINUOUS_SCAN"]), "filters": _some(rnd, ["*", "builds/*"])}]}
        out.pop("scanOnPush", None) if _maybe(rnd, 0.8) else None
    if _maybe(rnd, 0.2):
        out["registryPolicy"] = {"replicationSourceAccounts": [OTHER]}
    if _maybe(rnd, 0.2):
        organization = "o-" + rnd.choice(["a1b2c3d4e5", "z" * 32])
        out["workerOrganization"] = {
            "organizationId": organization,
            "roleArnPattern": rnd.choice([f"arn:{part}:iam::*:role/eks-node-*",
                                          f"arn:{part}:iam::{OTHER}:role/nodes/*-group-?"])}
        if _maybe(rnd, 0.4):
            out["workerOrganization"]["memberAccounts"] = [
                {"account": "444455556666"},
                {"account": OTHER, "roleNames": ["nodes/a-group-b"] if "nodes/" in
                 out["workerOrganization"]["roleArnPattern"] else ["eks-node-pool"]}]
        if _maybe(rnd, 0.5):
            out["workerOrganization"]["organizationalUnitPaths"] = _some(rnd, [
                f"{organization}/r-ab12/ou-ab12-11111111/",
                f"{organization}/r-ab12/ou-ab12-11111111/ou-ab12-22222222/"])
    return out


def _pull_secret(rnd: random.Random, region: str, part: str) -> dict[str, Any]:
    mode = rnd.choice(["cronjob", "external-secrets"])
    credentials = rnd.choice(["irsa", "web-identity", "pod-identity", "secret", "node"]
                             if mode == "cronjob" else ["irsa", "secret", "node"])
    out: dict[str, Any] = {"mode": mode, "credentials": credentials}
    if credentials in ("irsa", "web-identity"):
        out["oidcProviderArn"] = (f"arn:{part}:iam::{ACCOUNT}:oidc-provider/"
                                  + rnd.choice([f"oidc.eks.{region}.amazonaws.com/id/EX",
                                                "k8s.example.com"]))
    if credentials == "pod-identity":
        out["clusterName"] = "builds"
    if credentials in ("irsa", "web-identity", "pod-identity") and _maybe(rnd, 0.3):
        out["roleName"] = "ecr-puller"
    if credentials == "secret":
        if _maybe(rnd, 0.3):
            out["credentialsSecret"] = "keys"
        if _maybe(rnd, 0.3):
            out["roleArn"] = f"arn:{part}:iam::{ACCOUNT}:role/ecr-puller"
    if credentials == "node" and _maybe(rnd):
        out["allowPushToken"] = True
    if _maybe(rnd, 0.3):
        out["name"] = rnd.choice(["ecr-pull", "p" * 42])
    if _maybe(rnd, 0.3):
        out["namespaces"] = _some(rnd, ["apps", "web", "default"])
    if _maybe(rnd, 0.3):
        out["serviceAccounts"] = ["puller"]
    if _maybe(rnd, 0.3):
        out["refreshHours"] = rnd.randint(1, 8)
    if mode == "cronjob" and _maybe(rnd, 0.3):
        if _maybe(rnd):
            out["image"] = "registry.example:5000/tools/aws-curl:1" + DIGEST
        else:
            out["image"], out["allowUnpinnedImage"] = "registry.example/aws-curl:1", True
    return out


def _cache_rules(rnd: random.Random, region: str, part: str) -> list[dict[str, Any]]:
    suffix = "amazonaws.com.cn" if part == "aws-cn" else "amazonaws.com"
    secret = (f"arn:{part}:secretsmanager:{region}:{ACCOUNT}:secret:"
              "ecr-pullthroughcache/hub-AbCdEf")
    pool = [{"upstream": "docker-hub", "prefix": "docker-hub", "credentialArn": secret},
            {"upstream": "github-container-registry", "prefix": "ghcr",
             "credentialArn": secret},
            {"upstream": "quay", "prefix": "quay"}, {"upstream": "k8s", "prefix": "k8s"},
            {"upstream": "ecr-public", "prefix": "ecr-public"},
            {"upstream": "ecr", "prefix": "upstream-ecr",
             "upstreamRegistry": f"{OTHER}.dkr.ecr.{region}.{suffix}",
             "customRoleArn": f"arn:{part}:iam::{ACCOUNT}:role/ecr-upstream-reader"}]
    return _some(rnd, pool, 1, 3)


def parameter_sets(seed: int, count: int) -> Iterator[dict[str, Any]]:
    rnd = random.Random(seed)
    for _ in range(count):
        yield parameter_set(rnd)


def key_paths(value: Any, prefix: str = "") -> Iterator[str]:
    """Every key path of a document, list items as ``[]``: ``pullSecret.credentials``."""
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else key
            yield path
            yield from key_paths(item, path)
    elif isinstance(value, list):
        for item in value:
            yield from key_paths(item, f"{prefix}[]")


def declared_keys(cls: type | None = None, prefix: str = "") -> set[str]:
    """Every key path the model declares, nested objects' keys included (``[]`` for a list
    of objects): what the generated sets must reach."""
    from ecr_cluster_access import Parameters
    from ecr_cluster_access.params.spec import Nested, NestedList, declared_fields

    out = set()
    for info in declared_fields(cls or Parameters):
        path = f"{prefix}.{info.key}" if prefix else info.key
        out.add(path)
        if isinstance(info.rule, Nested):
            out |= declared_keys(info.rule.cls, path)
        elif isinstance(info.rule, NestedList):
            out |= declared_keys(info.rule.cls, f"{path}[]")
    return out


# --- values at the declared limits --------------------------------------------------------------

#: What a value is padded with to reach a maximum length: letters, digits, then a character
#: outside ASCII for text without a pattern (tag values: 3 UTF-8 bytes each).
_PADDING = ("a", "0", "x")


#: Beyond this many characters a text is taken as unbounded (no declared limit).
UNBOUNDED = 4096


def _longest(rule: Any, value: str) -> str | None:
    """``value`` lengthened as far as ``rule`` accepts: to its maximum length, or, where the
    pattern holds the limit (``[A-Za-z0-9-]{0,127}``), by the most padding characters the rule
    still accepts at the end, in the middle or at the start; None when it cannot grow."""
    pads = ("ビ", *_PADDING) if rule.pattern is None else _PADDING

    def grown(pad: str, room: int) -> str | None:
        for candidate in (value + pad * room, value[:-1] + pad * room + value[-1:],
                          pad * room + value):
            if rule.reason(candidate) is None:
                return candidate
        return None

    room = (rule.max_length or 0) - len(value)
    exact = next((g for pad in pads if room > 0 and (g := grown(pad, room))), None)
    if exact is not None:
        return exact
    best = None
    for pad in pads:
        low, high = 0, UNBOUNDED  # the most padding accepted: acceptance is monotonic here
        while low < high:
            middle = (low + high + 1) // 2
            low, high = (middle, high) if grown(pad, middle) else (low, middle - 1)
        if low and (best is None or low + len(value) > len(best)):
            best = grown(pad, low)
    return best


def _most_items(rule: Any, value: list[Any]) -> list[str] | None:
    """``rule.max_items`` distinct items made from ``value[0]`` that ``rule.item`` accepts."""
    if rule.max_items is None or not value or len(value) >= rule.max_items:
        return None
    for shape in ("{v}{i}", "{v}-{i}", "{v}.{i}", "{v}/{i}"):
        items = [shape.format(v=value[0], i=i) for i in range(rule.max_items)]
        if all(rule.item.reason(item) is None for item in items):
            return items
    return None


def at_the_limit(rule: Any, value: Any) -> list[Any]:
    """Values at ``rule``'s declared limits, made from the accepted ``value``: an Int's minimum
    and maximum, each of a Text's choices, a Text at its maximum length, a list or map with
    its maximum number of items."""
    from ecr_cluster_access.params.spec import Int, Text, TextList, TextMap

    found: list[Any] = []
    if isinstance(rule, Int):
        found = [rule.minimum, rule.maximum]
    elif isinstance(rule, Text) and rule.choices is not None:
        found = list(rule.choices)
    elif isinstance(rule, Text) and isinstance(value, str):
        found = [_longest(rule, value)]
    elif isinstance(rule, TextList) and isinstance(value, list) and value:
        longest = _longest(rule.item, value[0])
        found = [_most_items(rule, value), [longest, *value[1:]] if longest else None]
    elif isinstance(rule, TextMap) and isinstance(value, dict):
        found = [{f"key-{i:03d}": "v" for i in range(rule.max_items)}]
    return [v for v in found if v is not None and v != value]


def at_the_limit_sets(accepted: list[dict[str, Any]],
                      given_up: Callable[[str], bool] = lambda path: False,
                      ) -> Iterator[tuple[str, int, dict[str, Any]]]:
    """For every declared key (and a nested object's keys) and every accepted set that has
    it: ``(key, n, set)`` with the key's value replaced by its ``n``-th value at its declared
    limits (a value can conflict with the set's other fields: the caller takes the first set
    the loader accepts for each key and ``n``). A key for which ``given_up(key)`` is true gets
    no more sets (a value the loader refuses with every set costs a list of 49,000 items made
    and refused each time)."""
    import json

    from ecr_cluster_access import Parameters
    from ecr_cluster_access.params.spec import Nested, declared_fields

    paths: dict[str, tuple[list[str], Any]] = {}
    for info in declared_fields(Parameters):
        paths[info.key] = ([info.key], info.rule)
        if isinstance(info.rule, Nested):
            for inner in declared_fields(info.rule.cls):
                paths[f"{info.key}.{inner.key}"] = ([info.key, inner.key], inner.rule)
    for path, (steps, rule) in paths.items():
        for data in accepted:
            if given_up(path):
                break
            target: Any = data
            for step in steps[:-1]:
                target = target.get(step) if isinstance(target, dict) else None
            if not isinstance(target, dict) or steps[-1] not in target:
                continue
            for n, value in enumerate(at_the_limit(rule, target[steps[-1]])):
                changed = json.loads(json.dumps(data))
                place = changed
                for step in steps[:-1]:
                    place = place[step]
                place[steps[-1]] = value
                yield path, n, changed
