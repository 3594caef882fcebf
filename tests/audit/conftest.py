"""Shared helpers of the audit tests: run the CLI in-process and read its JSON report."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from callrec.cli import main

AUDIT_TESTS = Path(__file__).resolve().parent
REPO_ROOT = AUDIT_TESTS.parent.parent
POLICIES = AUDIT_TESTS / "policies"
TERRAFORM_FIXTURES = AUDIT_TESTS / "terraform"
SARIF_SCHEMA = AUDIT_TESTS / "schemas" / "sarif-schema-2.1.0.json"
OWN_ACCOUNT = "111122223333"
ALLOWED_ACCOUNT = "444455556666"


@dataclass
class AuditRun:
    code: int
    out: str
    err: str

    @property
    def report(self) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(self.out)
        return document

    @property
    def rules(self) -> set[str]:
        return {finding["rule"] for finding in self.report["findings"]}


@pytest.fixture
def run_audit(capsys: pytest.CaptureFixture[str]) -> Callable[..., AuditRun]:
    def run(*args: str) -> AuditRun:
        code = main(["audit", *args])
        captured = capsys.readouterr()
        return AuditRun(code, captured.out, captured.err)

    return run
