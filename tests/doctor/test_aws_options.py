"""--region/--profile on every AWS-calling command, AWS_REGION honoured, and one line when the
Region or the credentials are missing (exit 2, nothing sent to AWS)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import boto3
import pytest

from callrec import aws_options
from callrec.cli import build_parser, main
from chalicelib import aws
from tests.doctor.conftest import outputs

CREDENTIAL_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")


@pytest.fixture
def no_aws_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No ~/.aws files and no instance metadata: only the environment counts."""
    empty = tmp_path / "empty"
    empty.write_text("")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(empty))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return tmp_path


def commands(tmp_path: Path) -> dict[str, list[str]]:
    outputs_file = tmp_path / "outputs.json"
    outputs_file.write_text(json.dumps({k: {"value": v} for k, v in outputs().items()}))
    return {
        "doctor": ["doctor", "--outputs", str(outputs_file)],
        "phone-number": ["phone-number", "list"],
        "replay": ["replay", "--queue-url", "https://sqs.us-east-1.amazonaws.com/1/q"],
        "audit": ["audit", "--bucket", "callrec-recordings"],
        "package": ["package", "--apply", "--out", str(tmp_path)],
    }


COMMANDS = ("doctor", "phone-number", "replay", "audit", "package")


def _one_line_error(capsys: pytest.CaptureFixture[str], command: str) -> str:
    err = capsys.readouterr().err.strip()
    assert "\n" not in err, err
    assert "Traceback" not in err
    assert err.startswith(f"callrec {command}: error: ")
    return err


@pytest.mark.parametrize("command", COMMANDS)
def test_missing_region_is_one_line(
    command: str,
    no_aws_files: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("AWS_REGION")
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    assert main(commands(no_aws_files)[command]) == 2
    err = _one_line_error(capsys, command)
    assert "no AWS Region is set" in err
    assert "--region" in err


@pytest.mark.parametrize("command", COMMANDS)
def test_missing_credentials_are_one_line(
    command: str,
    no_aws_files: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in CREDENTIAL_VARIABLES:
        monkeypatch.delenv(name)
    assert main(commands(no_aws_files)[command]) == 2
    err = _one_line_error(capsys, command)
    assert "no AWS credentials found" in err
    assert "--profile" in err


@pytest.mark.parametrize("command", COMMANDS)
def test_an_unknown_profile_is_one_line(
    command: str, no_aws_files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*commands(no_aws_files)[command], "--profile", "nope"]) == 2
    assert "the AWS profile 'nope' is not in the AWS config files" in _one_line_error(
        capsys, command
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["doctor", "--region", "eu-west-1", "--profile", "p"],
        ["phone-number", "order", "--area-code", "206", "--region", "eu-west-1", "--profile", "p"],
        ["phone-number", "release", "+12065550100", "--region", "eu-west-1", "--profile", "p"],
        ["replay", "--queue-url", "u", "--region", "eu-west-1", "--profile", "p"],
        ["audit", "--bucket", "b", "--region", "eu-west-1", "--profile", "p"],
        ["package", "--apply", "--region", "eu-west-1", "--profile", "p"],
    ],
)
def test_each_command_accepts_region_and_profile(argv: list[str]) -> None:
    args = build_parser().parse_args(argv)
    assert (args.region, args.profile) == ("eu-west-1", "p")


def _configure(region: str | None = None, profile: str | None = None) -> aws_options.AwsSettings:
    return aws_options.configure(argparse.Namespace(region=region, profile=profile))


def test_aws_region_is_honoured_without_aws_default_region(
    no_aws_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_REGION", "eu-west-2")
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    assert _configure().region == "eu-west-2"
    assert aws.client("sqs").meta.region_name == "eu-west-2"


def test_aws_region_wins_over_aws_default_region(
    no_aws_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_REGION", "eu-west-2")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-west-2")
    assert _configure().region == "eu-west-2"


def test_the_region_flag_wins_and_reaches_the_clients(no_aws_files: Path) -> None:
    assert _configure(region="ap-southeast-2").region == "ap-southeast-2"
    assert aws.client("sts").meta.region_name == "ap-southeast-2"


def test_a_profile_supplies_region_and_credentials(
    no_aws_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in (*CREDENTIAL_VARIABLES, "AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name)
    config = no_aws_files / "config"
    config.write_text(
        "[profile ops]\nregion = ca-central-1\naws_access_key_id = AKIDOPS\n"
        "aws_secret_access_key = secret\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    settings = _configure(profile="ops")
    assert settings == aws_options.AwsSettings(region="ca-central-1", profile="ops")
    assert aws.client("sts").meta.region_name == "ca-central-1"
    credentials = boto3.session.Session().get_credentials()  # what every later client builds on
    assert credentials is not None
    assert credentials.access_key == "AKIDOPS"


def test_the_apps_clients_use_the_profile_even_after_an_earlier_client(
    no_aws_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    aws.client("sts")  # made from the environment's credentials, before the options are read
    for name in CREDENTIAL_VARIABLES:
        monkeypatch.delenv(name)
    config = no_aws_files / "config"
    config.write_text("[profile ops]\naws_access_key_id = AKIDOPS\naws_secret_access_key = s\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    _configure(region="eu-west-1", profile="ops")
    signer = aws.client("sqs")._request_signer  # what signs the client's requests
    assert signer._credentials.access_key == "AKIDOPS"
    assert signer.region_name == "eu-west-1"
