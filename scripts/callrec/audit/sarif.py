"""SARIF 2.1.0 output, for code scanning (GitHub, GitLab, Azure DevOps)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from callrec.audit.findings import Finding
from callrec.audit.rules import RULES, Severity

SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL_NAME = "callrec-audit"
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.0",
}


def _rule_descriptor(index: int) -> dict[str, Any]:
    rule = RULES[index]
    return {
        "id": rule.id,
        "name": rule.title,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.why},
        "help": {"text": f"{rule.why}\nFix: {rule.fix}"},
        "defaultConfiguration": {"level": rule.severity.sarif_level},
        "properties": {
            "severity": rule.severity.label,
            # GitHub code scanning ranks security alerts by this CVSS-like score.
            "security-severity": SECURITY_SEVERITY[rule.severity],
            "tags": ["security", rule.area],
        },
    }


def _result(finding: Finding, rule_index: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index[finding.rule_id],
        "level": finding.severity.sarif_level,
        "message": {"text": f"{finding.resource}: {finding.message}"},
        "properties": {"severity": finding.severity.label, "resource": finding.resource},
    }
    if finding.location is not None:
        result["locations"] = [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": finding.location.path, "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": max(1, finding.location.line)},
                }
            }
        ]
    else:
        result["locations"] = [
            {"logicalLocations": [{"name": finding.resource, "kind": "resource"}]}
        ]
    return result


def render_sarif(findings: Sequence[Finding], version: str) -> str:
    rule_index = {rule.id: i for i, rule in enumerate(RULES)}
    document = {
        "$schema": SARIF_SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL_NAME,
                        "version": version,
                        "rules": [_rule_descriptor(i) for i in range(len(RULES))],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": [_result(f, rule_index) for f in findings],
            }
        ],
    }
    return json.dumps(document, indent=2) + "\n"
