"""Local resources come from the Terraform modules (one source of truth)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from callrec.local import definitions
from callrec.local.resources import moto_compatible

ACCOUNT = "111122223333"


def test_names_are_the_terraform_names() -> None:
    defs = definitions.load(ACCOUNT, "us-east-1", "sma-x")
    assert defs.table_name == "callrec-call-records"
    assert defs.topic_name == "callrec-reports"
    assert defs.dead_letter_queue == "callrec-dead-letter"


def test_recordings_policy_confines_chime_by_account_and_sma() -> None:
    defs = definitions.load(ACCOUNT, "us-east-1", "sma-x")
    grant = next(s for s in defs.recordings_policy["Statement"] if s["Effect"] == "Allow")
    assert grant["Principal"] == {"Service": ["voiceconnector.chime.amazonaws.com"]}
    assert sorted(grant["Action"]) == ["s3:PutObject", "s3:PutObjectAcl"]
    assert grant["Resource"] == ["arn:aws:s3:::callrec-recordings/recordings/*"]
    assert grant["Condition"]["StringEquals"]["aws:SourceAccount"] == [ACCOUNT]
    assert grant["Condition"]["StringEquals"]["aws:SourceArn"] == [
        f"arn:aws:chime:us-east-1:{ACCOUNT}:sma/sma-x"
    ]


def test_no_writer_gives_no_chime_grant_at_all() -> None:
    defs = definitions.load(ACCOUNT, "us-east-1", "sma-x", recording_writers=[])
    assert all(s["Effect"] != "Allow" for s in defs.recordings_policy["Statement"])


def test_moto_copy_drops_only_the_tls_only_deny() -> None:
    defs = definitions.load(ACCOUNT, "us-east-1", "sma-x")
    stored = moto_compatible(defs.recordings_policy)
    assert [s["Sid"] for s in stored["Statement"]] == ["AllowChimeVoiceConnectorWriteRecordings"]


def test_prompt_texts_come_from_the_prompts_table() -> None:
    texts = definitions.prompt_texts()
    assert texts["consent.wav"] == "This call is being recorded."
    assert set(texts) == {p.name for p in definitions.PROMPTS_DIR.glob("*.wav")}


CHIME_WRITE_RESOURCES = 'resources = ["${local.bucket_arn}/${var.recordings_prefix}/*"]'


def _modules_copy(tmp_path: Path, replacement: str) -> Path:
    copy = tmp_path / "modules"
    shutil.copytree(definitions.MODULES_DIR, copy)
    module = copy / "recording-bucket" / "main.tf"
    text = module.read_text(encoding="utf-8")
    assert CHIME_WRITE_RESOURCES in text
    module.write_text(text.replace(CHIME_WRITE_RESOURCES, replacement), encoding="utf-8")
    return copy


def test_expression_neither_can_evaluate_stops_the_rendering_naming_it(tmp_path: Path) -> None:
    modules = _modules_copy(
        tmp_path,
        'resources = no_such_function(["${local.bucket_arn}/${var.recordings_prefix}/*"])',
    )
    with pytest.raises(definitions.DefinitionError) as raised:
        definitions.load(ACCOUNT, "us-east-1", "sma-x", modules=modules)
    message = str(raised.value)
    assert "no_such_function(" in message
    assert "infra/modules/recording-bucket/main.tf:" in message


@pytest.mark.parametrize(
    "edit",
    [
        'resources = sort(["${local.bucket_arn}/${var.recordings_prefix}/*"])',
        # setsubtract is not in the auditor's evaluator: Terraform computes it on known values.
        'resources = setsubtract(["${local.bucket_arn}/${var.recordings_prefix}/*"], [])',
        # A format verb the static evaluator does not implement: Terraform renders it.
        'resources = [format("%[1]s/%[2]s/*", local.bucket_arn, var.recordings_prefix)]',
        # A condition on an apply-time value: the demo knows the bucket's ARN, so it is decided.
        'resources = local.bucket_arn != "" ? ["${local.bucket_arn}/${var.recordings_prefix}/*"] '
        ': ["*"]',
    ],
)
def test_equivalent_edit_renders_the_same_policy(tmp_path: Path, edit: str) -> None:
    changed = definitions.load(ACCOUNT, "us-east-1", "sma-x", modules=_modules_copy(tmp_path, edit))
    original = definitions.load(ACCOUNT, "us-east-1", "sma-x")
    assert changed.recordings_policy == original.recordings_policy
