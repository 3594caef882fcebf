"""Every rule has at least one bad document that triggers it and one near-miss that does not."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from callrec.audit.rules import RULES
from tests.audit.conftest import ALLOWED_ACCOUNT, OWN_ACCOUNT, POLICIES, AuditRun

CORPUS = sorted(p for p in POLICIES.glob("CR*/*.json"))
CLEAN = sorted(POLICIES.glob("clean/*.json"))
# Rules about bucket settings or Terraform resolution cannot be expressed as one policy file;
# tests/audit/test_live.py, test_plan.py and test_terraform.py cover them.
NOT_POLICY_RULES = {"CR031", "CR032", "CR033", "CR034", "CR035", "CR036", "CR037", "CR063"}


def _audit(run_audit: Callable[..., AuditRun], path: Path) -> AuditRun:
    return run_audit(
        "--policy-file",
        str(path),
        "--account",
        OWN_ACCOUNT,
        "--allow-account",
        ALLOWED_ACCOUNT,
        "--format",
        "json",
        "--fail-on",
        "info",
    )


@pytest.mark.parametrize("path", [p for p in CORPUS if p.name.startswith("bad-")], ids=str)
def test_bad_document_triggers_its_rule(run_audit: Callable[..., AuditRun], path: Path) -> None:
    run = _audit(run_audit, path)
    assert path.parent.name in run.rules
    assert run.code == 1


@pytest.mark.parametrize("path", [p for p in CORPUS if p.name.startswith("good-")], ids=str)
def test_near_miss_does_not_trigger_its_rule(
    run_audit: Callable[..., AuditRun], path: Path
) -> None:
    run = _audit(run_audit, path)
    assert path.parent.name not in run.rules


@pytest.mark.parametrize("path", CLEAN, ids=str)
def test_reference_policies_have_no_findings(
    run_audit: Callable[..., AuditRun], path: Path
) -> None:
    run = _audit(run_audit, path)
    assert run.report["findings"] == []
    assert run.code == 0


def test_every_policy_rule_has_a_bad_and_a_good_document() -> None:
    for rule in RULES:
        if rule.id in NOT_POLICY_RULES:
            continue
        names = [p.name for p in (POLICIES / rule.id).glob("*.json")]
        assert any(n.startswith("bad-") for n in names), rule.id
        assert any(n.startswith("good-") for n in names), rule.id
