"""`callrec doctor` end to end: moto stack, stubbed Chime clients, text and JSON, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest

from callrec.cli import build_parser, main
from callrec.commands import doctor as doctor_command
from tests.doctor.conftest import (
    NUMBER,
    SMA_ID,
    DeadLetterKeepingLambda,
    Doctor,
    PatternMatchingEvents,
    function_name,
    outputs,
    phone_number,
    sip_rules,
)


def _outputs_file(tmp_path: Path) -> Path:
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps({name: {"value": value} for name, value in outputs().items()}))
    return path


def _run(doctor: Doctor, *argv: str) -> int:
    doctor.sma()
    doctor.voice_stub.add_response("list_sip_rules", sip_rules(), {"SipMediaApplicationId": SMA_ID})
    doctor.voice_stub.add_response("get_phone_number", phone_number(), {"PhoneNumberId": NUMBER})
    args = build_parser().parse_args(["doctor", *argv])
    overrides = {
        "chime-sdk-voice": doctor.voice,
        "events": PatternMatchingEvents(),
        "lambda": DeadLetterKeepingLambda(),
    }
    return doctor_command.run(args, overrides=overrides, simulation=doctor.simulation)


def test_a_healthy_stack_is_all_ok(
    doctor: Doctor, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(doctor, "--outputs", str(_outputs_file(tmp_path))) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("callrec doctor: terraform outputs in us-east-1")
    checks = lines[1:-1]
    assert len(checks) == 9
    assert all(line.startswith("ok") for line in checks), out
    assert lines[-1] == "9 ok, 0 FAIL, 0 cannot-check"


def test_a_failed_check_exits_1_and_says_what_to_do(
    doctor: Doctor, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    boto3.client("lambda").remove_permission(
        FunctionName=function_name("start_transcription"), StatementId="s3-recordings"
    )
    assert _run(doctor, "--outputs", str(_outputs_file(tmp_path))) == 1
    failed = [line for line in capsys.readouterr().out.splitlines() if line.startswith("FAIL")]
    assert len(failed) == 1
    assert "recording-notification" in failed[0]
    assert "-> add a Lambda permission for s3.amazonaws.com" in failed[0]


def test_json_report(doctor: Doctor, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(doctor, "--outputs", str(_outputs_file(tmp_path)), "--format", "json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True
    assert {c["status"] for c in report["checks"]} == {"ok"}
    assert "sma-endpoint" in [c["check"] for c in report["checks"]]


def test_a_chalice_stage_is_read_when_no_outputs_are_given(
    doctor: Doctor, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.json"
    config.write_text(
        json.dumps(
            {
                "app_name": "callrec",
                "stages": {"dev": {"environment_variables": outputs()["lambda_environment"]}},
            }
        )
    )
    sma = {
        "SipMediaApplications": [
            {
                "SipMediaApplicationId": SMA_ID,
                "AwsRegion": "us-east-1",
                "Name": "callrec",
                "Endpoints": [{"LambdaArn": doctor.context().function_arn("sma_handler")}],
                "SipMediaApplicationArn": f"arn:aws:chime:us-east-1:123456789012:sma/{SMA_ID}",
            }
        ]
    }
    doctor.voice_stub.add_response("list_sip_media_applications", sma, {})
    doctor.voice_stub.add_response("list_sip_rules", sip_rules(), {"SipMediaApplicationId": SMA_ID})
    doctor.voice_stub.add_response("get_phone_number", phone_number(), {"PhoneNumberId": NUMBER})
    args = build_parser().parse_args(["doctor", "--config", str(config)])
    overrides = {
        "chime-sdk-voice": doctor.voice,
        "events": PatternMatchingEvents(),
        "lambda": DeadLetterKeepingLambda(),
    }
    code = doctor_command.run(args, overrides=overrides, simulation=doctor.simulation)
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.startswith("callrec doctor: chalice stage")


def test_no_deployment_description_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["doctor", "--config", str(tmp_path / "missing.json")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert "does not exist" in err
    assert "--outputs" in err


def test_an_unknown_stage_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"app_name": "callrec", "stages": {}}))
    assert main(["doctor", "--config", str(config), "--stage", "prod"]) == 2
    assert "no stage 'prod'" in capsys.readouterr().err
