"""`chalice deploy` with Chalice's own deployer against the local moto server (loopback only).

The stage is the one `callrec chalice-config` writes from Terraform-shaped outputs; the roles
and the bucket those outputs name are created in moto first, as `terraform apply` would. Then
`chalice deploy --stage dev` must create every function with its role and environment, the S3
notification and the EventBridge rules, and `chalice delete` must remove them. A stage as
chalice-config wrote it before (no stage-level iam_role_arn) must fail here as it fails on AWS.

Nothing is downloaded: the deployed copy of the app has no requirements.txt. chalice_app's
requirements.txt (python-docx, matplotlib) would make Chalice pip-download Lambda-platform wheels
into its automatic layer; the layer's contents are not what this test checks (the packaged path
builds and tests the same libraries as a layer offline, tests/packaging), the deploy is.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from callrec.cli import main
from callrec.local.moto_service import MotoService

REPO_ROOT = Path(__file__).resolve().parents[2]
REGION = "us-east-1"
BUCKET = "callrec-recordings-deploy-test"
STREAM = "callrec-deploy-test-media-insights-metadata"
CORE = ("sma_handler", "start_transcription", "render_report")
MEDIA_INSIGHTS = (
    "media_insights_streaming_status",
    "media_insights_state_change",
    "media_insights_recording_metadata",
    "stop_media_insights_pipeline",
)
LAMBDA_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}

pytestmark = pytest.mark.slow


def _accept_capitalised_filter_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chalice sends FilterRule Name "Prefix"; S3 accepts it (Chalice has deployed it for years),
    moto asserts the lowercase spelling of the S3 API reference. The server runs in this
    process, so its parser is made as lenient as S3 here, and only here."""
    from moto.s3.responses import S3Response

    original = S3Response._notification_config_from_body

    def lenient(self: Any) -> Any:
        for spelled, lower in (("Prefix", "prefix"), ("Suffix", "suffix")):
            old, new = f"<Name>{spelled}</Name>", f"<Name>{lower}</Name>"
            if isinstance(self.body, bytes):
                self.body = self.body.replace(old.encode(), new.encode())
            elif isinstance(self.body, str):
                self.body = self.body.replace(old, new)
        return original(self)

    monkeypatch.setattr(S3Response, "_notification_config_from_body", lenient)


@pytest.fixture()
def moto_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    _accept_capitalised_filter_names(monkeypatch)
    service = MotoService()
    service.start()
    env = {
        "AWS_ENDPOINT_URL": service.url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    try:
        yield env
    finally:
        _forget_lambda_state()
        service.stop()


def _forget_lambda_state() -> None:
    """moto's state is per process: leave no Lambda state behind for the next moto user.

    moto's /moto-api/data.json (MotoService's readiness probe) reads every attribute of every
    model instance it ever tracked; a Lambda function's include a Docker client, and this
    machine has no Docker. Forget the Lambda instances and the backends that hold them.
    """
    from moto.awslambda.models import lambda_backends
    from moto.core.model_instances import model_data

    for model in model_data.get("awslambda", {}).values():
        model.instances_tracked.clear()  # type: ignore[attr-defined]
    lambda_backends.clear()


def _client(service: str) -> Any:
    import boto3

    return boto3.client(service, region_name=REGION)


def _terraform_outputs(*, media_insights: bool = False) -> dict[str, Any]:
    """What `terraform output -json` of infra/ holds, with or without media insights."""
    iam = _client("iam")
    roles = {}
    for name in CORE + (MEDIA_INSIGHTS if media_insights else ()):
        role = iam.create_role(
            RoleName=f"callrec-{name.replace('_', '-')}",
            AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST),
        )
        roles[name] = role["Role"]["Arn"]
    _client("s3").create_bucket(Bucket=BUCKET)
    environment = {"RECORDINGS_BUCKET": BUCKET, "RECORDINGS_PREFIX": "recordings"}
    if media_insights:
        _client("kinesis").create_stream(StreamName=STREAM, ShardCount=1)
        environment["MEDIA_INSIGHTS_METADATA_STREAM"] = STREAM
    return {
        "function_role_arns": {"sensitive": False, "value": roles},
        # The root module names the core functions (and their log groups) APP-STAGE-NAME.
        "lambda_function_names": {
            "sensitive": False,
            "value": {name: f"callrec-dev-{name}" for name in CORE},
        },
        "lambda_environment": {"sensitive": False, "value": environment},
    }


def _app_copy(target: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "deployments", "requirements.txt")
    shutil.copytree(REPO_ROOT / "chalice_app", target, ignore=ignore)
    return target


def _chalice(app: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    chalice = Path(sys.executable).with_name("chalice")
    return subprocess.run(
        [str(chalice), *args],
        cwd=app,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _generated_stage(tmp_path: Path, *, media_insights: bool = False) -> Path:
    app = _app_copy(tmp_path / "app")
    outputs = tmp_path / "outputs.json"
    outputs.write_text(json.dumps(_terraform_outputs(media_insights=media_insights)))
    config = app / ".chalice" / "config.json"
    assert main(["chalice-config", "--outputs", str(outputs), "--config", str(config)]) == 0
    return app


def _terraform_roles(app: Path) -> dict[str, str]:
    """The role Terraform made for each function (function_role_arns), not what the stage says."""
    outputs = json.loads((app.parent / "outputs.json").read_text())
    roles: dict[str, str] = outputs["function_role_arns"]["value"]
    return roles


def _deployed_functions() -> dict[str, dict[str, Any]]:
    functions = _client("lambda").list_functions()["Functions"]
    return {str(f["FunctionName"]): f for f in functions}


def test_the_generated_stage_deploys_and_deletes(tmp_path: Path, moto_env: dict[str, str]) -> None:
    app = _generated_stage(tmp_path)
    roles = _terraform_roles(app)

    deployed = _chalice(app, moto_env, "deploy", "--stage", "dev")
    assert deployed.returncode == 0, deployed.stderr[-3000:]

    functions = _deployed_functions()
    for name in CORE:
        function = functions[f"callrec-dev-{name}"]
        assert function["Role"] == roles[name]
        assert function["Environment"]["Variables"]["RECORDINGS_BUCKET"] == BUCKET
        assert function["TracingConfig"]["Mode"] == "Active"
    # The media insights path is off in these outputs: its functions are left out.
    assert not [name for name in functions if name.split("-")[-1] in MEDIA_INSIGHTS]

    notification = _client("s3").get_bucket_notification_configuration(Bucket=BUCKET)
    (target,) = notification["LambdaFunctionConfigurations"]
    assert target["LambdaFunctionArn"].endswith(":function:callrec-dev-start_transcription")

    events = _client("events")
    rules = {rule["Name"] for rule in events.list_rules()["Rules"]}
    assert "callrec-dev-render_report-event" in rules
    (rule_target,) = events.list_targets_by_rule(Rule="callrec-dev-render_report-event")["Targets"]
    assert rule_target["Arn"].endswith(":function:callrec-dev-render_report")

    deleted = _chalice(app, moto_env, "delete", "--stage", "dev")
    assert deleted.returncode == 0, deleted.stderr[-3000:]
    assert not [name for name in _deployed_functions() if name.startswith("callrec-dev-")]


def test_a_stage_without_the_stage_role_does_not_deploy(
    tmp_path: Path, moto_env: dict[str, str]
) -> None:
    app = _generated_stage(tmp_path)
    config_path = app / ".chalice" / "config.json"
    config = json.loads(config_path.read_text())
    del config["stages"]["dev"]["iam_role_arn"]  # what chalice-config wrote before issue 10
    config_path.write_text(json.dumps(config))

    deployed = _chalice(app, moto_env, "deploy", "--stage", "dev")
    assert deployed.returncode != 0
    assert "you must provide an 'iam_role_arn'" in deployed.stderr + deployed.stdout
    assert not _deployed_functions()


def test_with_media_insights_its_functions_deploy_with_their_roles_and_sources(
    tmp_path: Path, moto_env: dict[str, str]
) -> None:
    app = _generated_stage(tmp_path, media_insights=True)
    roles = _terraform_roles(app)

    deployed = _chalice(app, moto_env, "deploy", "--stage", "dev")
    assert deployed.returncode == 0, deployed.stderr[-3000:]

    functions = _deployed_functions()
    for name in CORE + MEDIA_INSIGHTS:
        function = functions[f"callrec-dev-{name}"]
        assert function["Role"] == roles[name]
    (mapping,) = _client("lambda").list_event_source_mappings()["EventSourceMappings"]
    assert mapping["FunctionArn"].endswith(
        ":function:callrec-dev-media_insights_recording_metadata"
    )
    assert mapping["EventSourceArn"].endswith(f":stream/{STREAM}")
    rules = {rule["Name"] for rule in _client("events").list_rules()["Rules"]}
    assert {
        "callrec-dev-media_insights_streaming_status-event",
        "callrec-dev-media_insights_state_change-event",
    } <= rules

    deleted = _chalice(app, moto_env, "delete", "--stage", "dev")
    assert deleted.returncode == 0, deleted.stderr[-3000:]
