"""`--plan`: policies and bucket settings rendered by `terraform show -json`."""

from __future__ import annotations

from collections.abc import Callable

from tests.audit.conftest import AUDIT_TESTS, OWN_ACCOUNT, AuditRun

PLAN = AUDIT_TESTS / "plans" / "recordings-plan.json"


def _by_resource(run: AuditRun) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for finding in run.report["findings"]:
        out.setdefault(finding["resource"], set()).add(finding["rule"])
    return out


def test_bucket_findings_are_grouped_under_the_rendered_bucket_name(
    run_audit: Callable[..., AuditRun],
) -> None:
    run = run_audit("--plan", str(PLAN), "--format", "json", "--account", OWN_ACCOUNT)
    assert _by_resource(run)["s3://callrec-recordings-example"] == {"CR003", "CR031", "CR033"}


def test_kms_key_is_found_through_the_configuration_references(
    run_audit: Callable[..., AuditRun],
) -> None:
    run = run_audit("--plan", str(PLAN), "--format", "json", "--account", OWN_ACCOUNT)
    (message,) = [f["message"] for f in run.report["findings"] if f["rule"] == "CR033"]
    assert "module.recording_bucket.aws_kms_key.this" in message


def test_role_and_inline_policies_are_audited(run_audit: Callable[..., AuditRun]) -> None:
    run = run_audit("--plan", str(PLAN), "--format", "json", "--account", OWN_ACCOUNT)
    by_resource = _by_resource(run)
    assert by_resource["aws_iam_role.sma_handler/records"] == {"CR050"}
    assert by_resource["aws_iam_role_policy.passrole"] == {"CR051", "CR052"}
    assert "aws_iam_role.sma_handler" not in by_resource
    assert run.code == 1


def test_cross_account_is_reported_when_the_owner_is_unknown(
    run_audit: Callable[..., AuditRun],
) -> None:
    run = run_audit("--plan", str(PLAN), "--format", "json")
    assert "CR040" in _by_resource(run)["module.recording_bucket.aws_kms_key.this[0]"]
