"""SARIF 2.1.0 output validates against the OASIS schema and carries file and line locations."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest

from callrec.audit.rules import RULES
from tests.audit.conftest import POLICIES, SARIF_SCHEMA, TERRAFORM_FIXTURES, AuditRun


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SARIF_SCHEMA.read_text())
    return jsonschema.Draft4Validator(schema)


def _sarif(run_audit: Callable[..., AuditRun], *args: str) -> dict[str, Any]:
    run = run_audit(*args, "--format", "sarif")
    document: dict[str, Any] = json.loads(run.out)
    return document


def test_policy_file_report_is_valid_sarif(
    run_audit: Callable[..., AuditRun], validator: jsonschema.Draft4Validator
) -> None:
    document = _sarif(
        run_audit, "--policy-file", str(POLICIES / "CR002" / "bad-no-source-arn.json")
    )
    validator.validate(document)
    assert document["version"] == "2.1.0"


def test_malformed_input_report_is_valid_sarif(
    run_audit: Callable[..., AuditRun], validator: jsonschema.Draft4Validator
) -> None:
    document = _sarif(run_audit, "--policy-file", str(POLICIES / "CR060" / "bad-not-json.json"))
    validator.validate(document)
    assert document["runs"][0]["results"][0]["ruleId"] == "CR060"


def test_every_rule_is_described_in_the_driver(run_audit: Callable[..., AuditRun]) -> None:
    document = _sarif(
        run_audit, "--policy-file", str(POLICIES / "clean" / "recordings-bucket.json")
    )
    rules = document["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.id for r in RULES]
    assert document["runs"][0]["results"] == []


def test_results_point_at_the_statement_line(run_audit: Callable[..., AuditRun]) -> None:
    path = POLICIES / "CR003" / "bad-any-sma.json"
    document = _sarif(run_audit, "--policy-file", str(path))
    (result,) = document["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]
    assert result["level"] == "error"
    assert not location["artifactLocation"]["uri"].startswith("/")
    lines = path.read_text().splitlines()
    assert lines[location["region"]["startLine"] - 1].strip() == "{"
    assert '"ChimeWrite"' in lines[location["region"]["startLine"]]


def test_terraform_findings_carry_tf_file_and_line(
    run_audit: Callable[..., AuditRun], validator: jsonschema.Draft4Validator
) -> None:
    fixture = TERRAFORM_FIXTURES / "wildcard_source_arn"
    document = _sarif(run_audit, "--terraform", str(fixture))
    validator.validate(document)
    results = [r for r in document["runs"][0]["results"] if r["ruleId"] == "CR003"]
    assert results
    location = results[0]["locations"][0]["physicalLocation"]
    uri = location["artifactLocation"]["uri"]
    assert uri.endswith("wildcard_source_arn/main.tf")
    source = (fixture / "main.tf").read_text().splitlines()
    assert "statement" in source[location["region"]["startLine"] - 1]
