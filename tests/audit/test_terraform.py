"""Static Terraform analysis: module inputs, locals, jsonencode and policy documents."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from callrec.audit.sources.terraform import read_terraform
from callrec.audit.targets import PolicyKind, PolicyTarget
from tests.audit.conftest import OWN_ACCOUNT, REPO_ROOT, TERRAFORM_FIXTURES, AuditRun

INFRA = REPO_ROOT / "infra"
INFRA_ROOTS = [INFRA, *sorted(p for p in (INFRA / "examples").glob("*") if p.is_dir())]


def _policy(directory: Path, kind: PolicyKind, resource_part: str) -> PolicyTarget:
    targets = read_terraform(directory)
    matches = [p for p in targets.policies if p.kind is kind and resource_part in p.resource]
    assert len(matches) == 1, [p.resource for p in targets.policies]
    return matches[0]


def _statement(policy: PolicyTarget, sid: str) -> dict[str, Any]:
    statements = policy.policy.raw["Statement"]
    (statement,) = [s for s in statements if s.get("Sid") == sid]
    result: dict[str, Any] = statement
    return result


def test_module_input_reaches_the_condition_through_a_local() -> None:
    policy = _policy(TERRAFORM_FIXTURES / "composed", PolicyKind.BUCKET, "module.recordings")
    condition = _statement(policy, "ChimeWrite")["Condition"]
    assert condition["ArnEquals"]["aws:SourceArn"] == [
        "${aws_chimesdkvoice_sip_media_application.this.arn}"
    ]
    assert condition["StringEquals"]["aws:SourceAccount"] == [
        "${data.aws_caller_identity.current.account_id}"
    ]


def test_override_document_replaces_the_statement_with_the_same_sid() -> None:
    policy = _policy(TERRAFORM_FIXTURES / "composed", PolicyKind.BUCKET, "module.recordings")
    sids = [s["Sid"] for s in policy.policy.raw["Statement"]]
    assert sids == ["ChimeWrite", "DenyInsecureTransport"]
    assert _statement(policy, "ChimeWrite")["Resource"] == [
        "${aws_s3_bucket.this.arn}/recordings/sma/*"
    ]


def test_variable_default_is_used_when_the_caller_omits_it() -> None:
    policy = _policy(TERRAFORM_FIXTURES / "composed", PolicyKind.BUCKET, "module.recordings")
    assert "/recordings/" in _statement(policy, "ChimeWrite")["Resource"][0]


def test_jsonencode_key_policy_is_resolved() -> None:
    policy = _policy(TERRAFORM_FIXTURES / "composed", PolicyKind.KEY, "aws_kms_key.this")
    chime = _statement(policy, "ChimeDataKeys")
    assert chime["Action"] == ["kms:GenerateDataKey", "kms:Decrypt"]
    assert chime["Condition"]["ArnEquals"]["aws:SourceArn"] == [
        "${aws_chimesdkvoice_sip_media_application.this.arn}"
    ]


def test_well_composed_configuration_has_no_findings(
    run_audit: Callable[..., AuditRun],
) -> None:
    run = run_audit(
        "--terraform", str(TERRAFORM_FIXTURES / "composed"), "--format", "json", "--fail-on", "info"
    )
    assert run.report["findings"] == []
    assert run.code == 0


def test_statement_lines_point_into_the_policy_document() -> None:
    fixture = TERRAFORM_FIXTURES / "wildcard_source_arn"
    policy = _policy(fixture, PolicyKind.BUCKET, "aws_s3_bucket.this")
    source = (fixture / "main.tf").read_text().splitlines()
    for statement in policy.policy.statements:
        assert statement.line is not None
        assert source[statement.line - 1].strip() == "statement {"


def test_unresolved_variable_is_named_not_guessed(run_audit: Callable[..., AuditRun]) -> None:
    run = run_audit(
        "--terraform",
        str(TERRAFORM_FIXTURES / "unresolved"),
        "--format",
        "json",
        "--fail-on",
        "info",
    )
    messages = [f["message"] for f in run.report["findings"] if f["rule"] == "CR063"]
    assert any("var.extra_conditions" in m for m in messages)
    # The condition blocks are unknown, so their absence is not reported as a fact.
    assert not {"CR001", "CR002"} & run.rules


def test_iam_findings_in_jsonencode_policy_point_at_the_sid(
    run_audit: Callable[..., AuditRun],
) -> None:
    fixture = TERRAFORM_FIXTURES / "iam_jsonencode"
    run = run_audit("--terraform", str(fixture), "--format", "json")
    findings = {f["rule"]: f for f in run.report["findings"]}
    assert {"CR050", "CR051", "CR052"} <= set(findings)
    source = (fixture / "main.tf").read_text().splitlines()
    assert '"PassAnyRole"' in source[findings["CR052"]["line"] - 1]
    assert run.code == 1


def test_bucket_settings_are_audited_from_their_resources(
    run_audit: Callable[..., AuditRun],
) -> None:
    run = run_audit(
        "--terraform",
        str(TERRAFORM_FIXTURES / "bucket_settings"),
        "--format",
        "json",
        "--account",
        OWN_ACCOUNT,
    )
    by_resource: dict[str, set[str]] = {}
    for finding in run.report["findings"]:
        by_resource.setdefault(finding["resource"], set()).add(finding["rule"])
    assert by_resource["aws_s3_bucket.recordings (weak-recordings)"] == {
        "CR031",
        "CR033",
        "CR034",
        "CR036",
        "CR037",
    }
    assert by_resource["aws_s3_bucket.plain (weak-plain)"] == {
        "CR030",
        "CR031",
        "CR032",
        "CR036",
        "CR037",
    }
    assert "aws_kms_key.recordings" not in by_resource  # own account, given by --account


def test_syntax_error_is_a_finding_not_a_crash(run_audit: Callable[..., AuditRun]) -> None:
    run = run_audit("--terraform", str(TERRAFORM_FIXTURES / "syntax_error"), "--format", "json")
    assert run.rules == {"CR060"}
    assert run.code == 1


@pytest.mark.parametrize("root", INFRA_ROOTS, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_project_infra_has_no_high_findings(run_audit: Callable[..., AuditRun], root: Path) -> None:
    run = run_audit("--terraform", str(root), "--format", "json")
    high = [f for f in run.report["findings"] if f["severity"] in ("high", "critical")]
    assert high == []
    assert run.code == 0


def test_project_infra_confines_the_chime_principal() -> None:
    """The complete example renders the Chime grants; each is pinned as SECURITY.md says."""
    targets = read_terraform(INFRA / "examples" / "complete")
    chime_statements = [
        statement
        for policy in targets.policies
        if policy.kind in (PolicyKind.BUCKET, PolicyKind.KEY)
        for statement in policy.policy.statements
        if statement.principals is not None
        and any(s.endswith(".chime.amazonaws.com") for s in statement.principals.services)
    ]
    assert len(chime_statements) >= 3  # recordings bucket, prompts bucket, recordings key
    for statement in chime_statements:
        assert statement.clauses_for("aws:SourceAccount")
        assert statement.clauses_for("aws:SourceArn")
