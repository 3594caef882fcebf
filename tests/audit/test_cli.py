"""Exit codes, --fail-on, --explain and input errors of `callrec audit`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.audit.conftest import POLICIES, AuditRun

WILDCARD_SMA = POLICIES / "CR003" / "bad-any-sma.json"  # one high finding
OLD_VERSION = POLICIES / "CR061" / "bad-old-version.json"  # one medium finding
CLEAN = POLICIES / "clean" / "recordings-bucket.json"


def test_no_input_is_a_usage_error(run_audit: Callable[..., AuditRun]) -> None:
    run = run_audit()
    assert run.code == 2
    assert "nothing to audit" in run.err


def test_missing_policy_file_is_an_input_error(
    run_audit: Callable[..., AuditRun], tmp_path: Path
) -> None:
    run = run_audit("--policy-file", str(tmp_path / "absent.json"))
    assert run.code == 2
    assert "does not exist" in run.err


def test_missing_terraform_dir_is_an_input_error(
    run_audit: Callable[..., AuditRun], tmp_path: Path
) -> None:
    run = run_audit("--terraform", str(tmp_path / "absent"))
    assert run.code == 2
    assert "not a directory" in run.err


def test_terraform_dir_without_tf_files_is_an_input_error(
    run_audit: Callable[..., AuditRun], tmp_path: Path
) -> None:
    run = run_audit("--terraform", str(tmp_path))
    assert run.code == 2
    assert "no .tf files" in run.err


def test_unreadable_policy_file_is_an_input_error(
    run_audit: Callable[..., AuditRun], tmp_path: Path
) -> None:
    path = tmp_path / "binary.json"
    path.write_bytes(b"\xff\xfe\x00garbage")
    run = run_audit("--policy-file", str(path))
    assert run.code == 2
    assert "cannot read" in run.err


def test_plan_that_is_not_a_plan_is_an_input_error(
    run_audit: Callable[..., AuditRun], tmp_path: Path
) -> None:
    path = tmp_path / "plan.json"
    path.write_text('{"format_version": "1.2"}')
    run = run_audit("--plan", str(path))
    assert run.code == 2
    assert "planned_values" in run.err


def test_bad_account_id_is_a_usage_error(run_audit: Callable[..., AuditRun]) -> None:
    run = run_audit("--policy-file", str(CLEAN), "--allow-account", "12345")
    assert run.code == 2
    assert "12-digit" in run.err


def test_high_finding_fails_by_default(run_audit: Callable[..., AuditRun]) -> None:
    assert run_audit("--policy-file", str(WILDCARD_SMA)).code == 1


def test_medium_finding_passes_by_default(run_audit: Callable[..., AuditRun]) -> None:
    assert run_audit("--policy-file", str(OLD_VERSION)).code == 0


def test_fail_on_lowers_the_threshold(run_audit: Callable[..., AuditRun]) -> None:
    assert run_audit("--policy-file", str(OLD_VERSION), "--fail-on", "medium").code == 1


def test_fail_on_raises_the_threshold(run_audit: Callable[..., AuditRun]) -> None:
    assert run_audit("--policy-file", str(WILDCARD_SMA), "--fail-on", "critical").code == 0


def test_clean_policy_exits_zero(run_audit: Callable[..., AuditRun]) -> None:
    run = run_audit("--policy-file", str(CLEAN), "--fail-on", "info")
    assert run.code == 0
    assert "ok: no findings" in run.out


def test_text_report_groups_findings_under_their_resource(
    run_audit: Callable[..., AuditRun],
) -> None:
    run = run_audit("--policy-file", str(WILDCARD_SMA), "--policy-file", str(CLEAN))
    lines = run.out.splitlines()
    header = lines.index(str(WILDCARD_SMA.relative_to(Path.cwd())))
    assert "CR003" in lines[header + 1]
    assert "1 finding(s): 1 high" in run.out


def test_explain_prints_why_and_fix(run_audit: Callable[..., AuditRun]) -> None:
    run = run_audit("--explain", "cr002")
    assert run.code == 0
    assert run.out.startswith("CR002 [critical]")
    assert "Why:" in run.out and "Fix:" in run.out


def test_explain_unknown_rule_is_a_usage_error(run_audit: Callable[..., AuditRun]) -> None:
    run = run_audit("--explain", "CR999")
    assert run.code == 2
    assert "unknown rule" in run.err


def test_output_file_receives_the_report(
    run_audit: Callable[..., AuditRun], tmp_path: Path
) -> None:
    target = tmp_path / "report.json"
    run = run_audit("--policy-file", str(WILDCARD_SMA), "--format", "json", "--output", str(target))
    assert run.out == ""
    assert '"CR003"' in target.read_text()


def test_explain_says_a_full_source_arn_confines_the_chime_grant(
    run_audit: Callable[..., AuditRun],
) -> None:
    critical = run_audit("--explain", "CR001")
    assert "neither aws:SourceAccount nor a full aws:SourceArn" in critical.out
    note = run_audit("--explain", "CR008")
    assert note.out.startswith("CR008 [low]")
    assert "most effective" in note.out


def test_pinned_source_arn_without_source_account_is_only_a_low_note(
    run_audit: Callable[..., AuditRun],
) -> None:
    run = run_audit(
        "--policy-file",
        str(POLICIES / "CR008" / "bad-source-arn-without-account.json"),
        "--format",
        "json",
    )
    assert run.rules == {"CR008"}
    assert run.code == 0  # low is below the default --fail-on high
