"""The published JSON Schema and the README's parameters table, both derived from the
declarations, and checked with an independent validator (``jsonschema``)."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from ecr_cluster_access import ParameterError, Parameters
from ecr_cluster_access.params.schema import (
    SCHEMA_PATH,
    cdk_json_schema,
    json_schema,
    markdown_table,
    schema_text,
)

from ..support.parameters import AWS_SETS as COMPLIANCE_SETS
from ..support.parameters import DEFAULT, FUZZ_BASES, SYNC_SETS, params_dict
from ..support.tools import ROOT, VENV_BIN, run

VALIDATOR = Draft202012Validator(json_schema())


def schema_errors(document: Any) -> list[str]:
    return sorted(error.message for error in VALIDATOR.iter_errors(document))


def test_the_schema_is_valid_draft_2020_12() -> None:
    Draft202012Validator.check_schema(json_schema())


def test_the_shipped_schema_file_is_the_generated_one() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text(), "regenerate it: make docs"


def test_the_schema_command_prints_the_shipped_file() -> None:
    result = run([str(VENV_BIN / "ecr-cluster-access"), "schema"], check=True)
    assert result.stdout == SCHEMA_PATH.read_text(encoding="utf-8")


def test_the_cdk_json_schema_checks_the_block_inside_cdk_json() -> None:
    validator = Draft202012Validator(cdk_json_schema())
    cdk_json = json.loads((ROOT / "cdk.json").read_text())
    assert list(validator.iter_errors(cdk_json)) == []
    cdk_json["context"]["ecr-cluster-access"]["account"] = "123456789012\n"
    (error,) = validator.iter_errors(cdk_json)
    assert list(error.path) == ["context", "ecr-cluster-access", "account"]


def test_the_schema_command_prints_the_cdk_json_schema() -> None:
    result = run([str(VENV_BIN / "ecr-cluster-access"), "schema", "--cdk-json"], check=True)
    assert json.loads(result.stdout) == cdk_json_schema()


def every_parameter_set() -> list[tuple[str, dict[str, Any]]]:
    cdk_json = json.loads((ROOT / "cdk.json").read_text())["context"]["ecr-cluster-access"]
    sets = [("cdk.json", cdk_json), ("DEFAULT", DEFAULT)]
    sets += [(f"sync:{name}", params_dict(**o)) for name, o in SYNC_SETS.items()]
    sets += [(f"compliance:{name}", params_dict(**o)) for name, o in COMPLIANCE_SETS.items()]
    sets += [(f"fuzz base {i}", base) for i, base in enumerate(FUZZ_BASES)]
    return sets


@pytest.mark.parametrize(("name", "document"), every_parameter_set(),
                         ids=[n for n, _ in every_parameter_set()])
def test_the_schema_accepts_every_parameter_set_the_suite_uses(name: str,
                                                               document: dict[str, Any]) -> None:
    Parameters.from_mapping(document)
    assert schema_errors(document) == []
    assert schema_errors(Parameters.from_mapping(document).to_mapping()) == []


# Field-level mistakes: each is refused by the schema and by the loader.
INVALID: list[tuple[str, dict[str, Any]]] = [
    ("account with a trailing newline", {"account": "123456789012\n"}),
    ("account as a number", {"account": 123456789012}),
    ("account in Arabic-Indic digits", {"account": "١٢٣٤٥٦٧٨٩٠١٢"}),
    ("region in full-width digits", {"region": "us-east-１"}),
    ("uppercase repository", {"repositories": ["Builds/App"]}),
    ("repository with a trailing newline", {"repositories": ["builds/app\n"]}),
    ("duplicate repositories", {"repositories": ["a1", "a1"]}),
    ("no repositories", {"repositories": []}),
    ("wildcard role", {"workerRoleArns": ["arn:aws:iam::123456789012:role/*"]}),
    ("user as worker", {"workerRoleArns": ["arn:aws:iam::123456789012:user/w"]}),
    ("secret name with underscore", {"secretName": "ecr_config"}),
    ("namespace with a dot", {"namespace": "kube.system"}),
    ("stack name starting with a digit", {"stackName": "1stack"}),
    ("lowercase mutability", {"imageTagMutability": "mutable"}),
    ("six exclusion filters", {"imageTagMutabilityExclusionFilters": list("abcdef")}),
    ("scan on push as a string", {"scanOnPush": "yes"}),
    ("scan on push as 1", {"scanOnPush": 1}),
    ("lifecycle days as a bool", {"lifecycle": {"untaggedExpireDays": True}}),
    ("lifecycle days zero", {"lifecycle": {"untaggedExpireDays": 0}}),
    ("unknown lifecycle key", {"lifecycle": {"keepLast": 3}}),
    ("unknown encryption", {"encryption": "DES"}),
    ("tag value with a control character", {"tags": {"team": "a\u0007"}}),
    ("tag key too long", {"tags": {"k" * 129: "v"}}),
    ("51 tags", {"tags": {f"k{i}": "v" for i in range(51)}}),
    ("unknown removal policy", {"removalPolicy": "delete"}),
    ("builder identity without a mode", {"builderIdentity": {}}),
    ("unknown builder mode", {"builderIdentity": {"mode": "kiam"}}),
    ("refresh every 9 hours", {"pullSecret": {"mode": "cronjob", "credentials": "secret",
                                              "refreshHours": 9}}),
    ("image with a newline", {"pullSecret": {"mode": "cronjob", "credentials": "secret",
                                             "image": "alpine:3\n"}}),
    ("prefix with a trailing slash", {"createOnPushPrefix": "builds/"}),
    ("26 replication regions", {"replicationRegions": [f"us-west-{i}" for i in range(26)]}),
    ("unknown key", {"workerRoleArn": "x"}),
]


@pytest.mark.parametrize(("name", "overrides"), INVALID, ids=[n for n, _ in INVALID])
def test_the_schema_and_the_loader_both_refuse(name: str, overrides: dict[str, Any]) -> None:
    document = params_dict(**overrides)
    assert schema_errors(document), f"the schema accepts {name}"
    with pytest.raises(ParameterError):
        Parameters.from_mapping(document)


def test_the_loader_is_stricter_than_json_schema_about_whole_numbers() -> None:
    """JSON Schema counts 1.0 as an integer; the loader asks for 1, as written in the docs."""
    document = params_dict(lifecycle={"untaggedExpireDays": 1.0})
    assert schema_errors(document) == []
    with pytest.raises(ParameterError, match=r"lifecycle.untaggedExpireDays: 1.0 is not "):
        Parameters.from_mapping(document)


def test_a_missing_required_key_is_refused_by_both() -> None:
    document = copy.deepcopy(DEFAULT)
    del document["repositories"]
    assert schema_errors(document) == ["'repositories' is a required property"]
    with pytest.raises(ParameterError):
        Parameters.from_mapping(document)


def test_the_readme_parameters_table_is_the_generated_one() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- parameters-table -->\n(.*?)<!-- /parameters-table -->", readme,
                      re.S)
    assert found, "README.md lacks the <!-- parameters-table --> markers"
    assert found.group(1) == markdown_table(), "regenerate it: make docs"


def test_every_field_is_in_the_readme_table() -> None:
    table = markdown_table()
    for key in json_schema()["properties"]:
        assert f"| `{key}` |" in table
    assert "| `replicationRegions` |" in table
