"""SECURITY.md's policy tables are generated from the Terraform and must match it."""

from __future__ import annotations

from pathlib import Path

import pytest

from callrec.audit import guide


def test_generated_sections_match_the_terraform() -> None:
    current = guide.SECURITY_MD.read_text(encoding="utf-8")
    fresh = guide.render(current, guide.load_targets())
    assert fresh == current, (
        "SECURITY.md is stale: run .venv/bin/python -m callrec.audit.guide --write"
    )


def test_every_generated_section_is_present() -> None:
    text = guide.SECURITY_MD.read_text(encoding="utf-8")
    for name in guide.SECTIONS:
        assert f"<!-- BEGIN GENERATED: {name} -->" in text
        assert f"<!-- END GENERATED: {name} -->" in text


def test_bucket_policy_tables_show_the_confused_deputy_conditions() -> None:
    section = guide.bucket_policies(guide.load_targets())
    assert "voiceconnector.chime.amazonaws.com" in section
    assert "StringEquals aws:SourceAccount" in section
    assert "aws:SourceArn = ${aws_chimesdkvoice_sip_media_application.this[0].arn}" in section


def test_check_mode_fails_on_a_stale_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stale = guide.SECURITY_MD.read_text(encoding="utf-8").replace("| CR001 |", "| CR001-old |", 1)
    target = tmp_path / "SECURITY.md"
    target.write_text(stale, encoding="utf-8")
    monkeypatch.setattr(guide, "SECURITY_MD", target)
    assert guide.main(["--check"]) == 1
    assert guide.main(["--write"]) == 0
    assert guide.main(["--check"]) == 0


def test_a_roles_second_inline_policy_is_listed_under_that_role() -> None:
    # function-role attaches runtime_policy_documents as aws_iam_role_policy.runtime: matched to
    # its role by `role = aws_iam_role.this[0].id`, not by sharing the role's resource name.
    section = guide.iam_permissions(guide.load_targets())
    console = section.split("#### api_handler_role: aws_iam_role.this", 1)[1].split("####", 1)[0]
    assert "| WriteTraces |" in console
    assert "| ControlLiveRecordings |" in console


def test_a_statement_merged_from_another_module_keeps_the_comment_above_it() -> None:
    # The console's ControlLiveRecordings is written in modules/console and reaches the role
    # through function-role's runtime_policy_documents: its "why" is the console's comment.
    section = guide.iam_permissions(guide.load_targets())
    (row,) = [line for line in section.splitlines() if line.startswith("| ControlLiveRecordings |")]
    assert row.rstrip(" |").endswith("resource type sip-media-application).")
