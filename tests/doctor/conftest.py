"""A deployed stack in moto, created with boto3 the way infra/ creates it, plus stubs for what moto
lacks: the Chime SDK voice and media pipelines APIs (botocore Stubber, documented shapes, checked
against the service model), IAM SimulatePrincipalPolicy (a fake answering the documented
EvaluationResults shape) and EventBridge TestEventPattern (moto answers without a Result; the
proxy answers it with moto's own pattern matcher); moto also drops a function's DeadLetterConfig,
so the Lambda proxy adds back the one each function was created with."""

from __future__ import annotations

import io
import json
import wave
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from callrec.doctor.context import DoctorContext
from callrec.doctor.deployment import Deployment, from_outputs
from callrec.doctor.registry import by_name, run_one
from callrec.doctor.results import CheckResult
from chalicelib import aws
from chalicelib.sma.prompts import Prompt
from tests.audit.buckets import harden

ACCOUNT = "123456789012"
REGION = "us-east-1"
PREFIX = "callrec-dev-"
SMA_ID = "0b1f7c5e-2f0a-4a52-9d0a-1b2c3d4e5f60"
SMA_ARN = f"arn:aws:chime:{REGION}:{ACCOUNT}:sma/{SMA_ID}"
NUMBER = "+12065550100"
RULE_ID = "5e2c1b7a-0000-4a52-9d0a-1b2c3d4e5f60"
RECORDINGS = "callrec-recordings-doctor"
PROMPTS = "callrec-prompts-doctor"
PROMPT_KEYS = tuple(prompt.value for prompt in Prompt)
DLQ_NAME = "callrec-dead-letter"
DLQ_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{DLQ_NAME}"
REPORT_RULE = "callrec-transcribe-state"
REPORT_RULE_ARN = f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{REPORT_RULE}"
TRANSCRIBE_ROLE = "callrec-transcribe-data-access"
TRANSCRIBE_ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/{TRANSCRIBE_ROLE}"
VOICE_CONNECTOR = "abcdef1ghij2klmno3pqr4"
CONFIGURATION_ARN = (
    f"arn:aws:chime:{REGION}:{ACCOUNT}:media-insights-pipeline-configuration/callrec-recording"
)
ACCESS_ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/callrec-media-insights-access"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def function_name(function: str) -> str:
    return f"{PREFIX}{function}"


def function_arn(function: str) -> str:
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{function_name(function)}"


def outputs(**changes: Any) -> dict[str, Any]:
    """``terraform output -json`` values of infra/ for the fixture stack."""
    values: dict[str, Any] = {
        "recordings_bucket": RECORDINGS,
        "prompts_bucket": PROMPTS,
        "prompt_keys": list(PROMPT_KEYS),
        "kms_key_arn": None,
        "transcribe_data_access_role_arn": TRANSCRIBE_ROLE_ARN,
        "dead_letter_queue_arn": DLQ_ARN,
        "sip_media_application_id": SMA_ID,
        "sip_media_application_arn": SMA_ARN,
        "lambda_function_names": {
            f: function_name(f) for f in ("sma_handler", "start_transcription", "render_report")
        },
        "lambda_environment": {
            "RECORDINGS_BUCKET": RECORDINGS,
            "RECORDINGS_PREFIX": "recordings",
            "TRANSCRIPTS_PREFIX": "transcriptions",
            "PROMPTS_BUCKET": PROMPTS,
            "TRANSCRIBE_DATA_ACCESS_ROLE_ARN": TRANSCRIBE_ROLE_ARN,
        },
        "media_insights": {
            "voice_connector_id": None,
            "configuration_arn": None,
            "metadata_stream_name": None,
            "resource_access_role": None,
        },
    }
    values.update(changes)
    return values


def media_insights_outputs() -> dict[str, Any]:
    values = outputs()
    values["lambda_environment"] = {
        **values["lambda_environment"],
        "MEDIA_INSIGHTS_PIPELINE_CONFIGURATION_ARN": CONFIGURATION_ARN,
        "MEDIA_INSIGHTS_SINK_DESTINATION": f"arn:aws:s3:::{RECORDINGS}/recordings",
        "MEDIA_INSIGHTS_START_MODE": "lambda",
    }
    values["media_insights"] = {
        "voice_connector_id": VOICE_CONNECTOR,
        "configuration_arn": CONFIGURATION_ARN,
        "metadata_stream_name": "callrec-media-insights-metadata",
        "resource_access_role": ACCESS_ROLE_ARN,
    }
    return values


# --- the stack in moto --------------------------------------------------------------------------


def _role(name: str, service: str, conditions: dict[str, Any] | None = None) -> str:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": "sts:AssumeRole",
    }
    if conditions:
        statement["Condition"] = conditions
    document = {"Version": "2012-10-17", "Statement": [statement]}
    role = aws.client("iam").create_role(
        RoleName=name, AssumeRolePolicyDocument=json.dumps(document)
    )
    return str(role["Role"]["Arn"])


def transcribe_trust(account: str = ACCOUNT) -> dict[str, Any]:
    return {
        "StringEquals": {"aws:SourceAccount": account},
        "ArnLike": {"aws:SourceArn": f"arn:aws:transcribe:{REGION}:{account}:*"},
    }


def pipelines_trust() -> dict[str, Any]:
    """The media-insights module's trust conditions for the resource access role."""
    return {
        "StringEquals": {"aws:SourceAccount": ACCOUNT},
        "ArnLike": {"aws:SourceArn": f"arn:aws:chime:*:{ACCOUNT}:*"},
    }


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return {}\n")
    return buffer.getvalue()


DEAD_LETTERS: dict[str, str] = {}  # function name -> DeadLetterConfig.TargetArn it was created with


def create_function(function: str, *, dead_letter: bool) -> None:
    role = _role(f"callrec-{function.replace('_', '-')}", "lambda.amazonaws.com")
    params: dict[str, Any] = {
        "FunctionName": function_name(function),
        "Runtime": "python3.11",
        "Role": role,
        "Handler": "app.handler",
        "Code": {"ZipFile": _zip()},
    }
    if dead_letter:
        params["DeadLetterConfig"] = {"TargetArn": DLQ_ARN}
        DEAD_LETTERS[function_name(function)] = DLQ_ARN
    aws.client("lambda").create_function(**params)


def allow_invoke(function: str, principal: str, source_arn: str, sid: str) -> None:
    aws.client("lambda").add_permission(
        FunctionName=function_name(function),
        StatementId=sid,
        Action="lambda:InvokeFunction",
        Principal=principal,
        SourceArn=source_arn,
    )


def chime_statement(
    bucket: str, action: str, resource: str, sma_arn: str = SMA_ARN
) -> dict[str, Any]:
    """The Chime grant as the recording-bucket / prompts-bucket modules render it."""
    actions = ["s3:PutObject", "s3:PutObjectAcl"] if action == "s3:PutObject" else [action]
    return {
        "Sid": f"AllowChimeVoiceConnector{action.split(':')[1]}",
        "Effect": "Allow",
        "Principal": {"Service": "voiceconnector.chime.amazonaws.com"},
        "Action": actions,
        "Resource": f"arn:aws:s3:::{bucket}/{resource}",
        "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT, "aws:SourceArn": sma_arn}},
    }


def tls_statement(bucket: str) -> dict[str, Any]:
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def put_policy(bucket: str, *statements: dict[str, Any]) -> None:
    # moto enforces a TLS-only Deny on its own (plain HTTP) object requests, so the prompts bucket,
    # whose objects the doctor reads, goes without it here; the recordings bucket keeps it.
    tls = [tls_statement(bucket)] if bucket == RECORDINGS else []
    document = {"Version": "2012-10-17", "Statement": [*statements, *tls]}
    aws.client("s3").put_bucket_policy(Bucket=bucket, Policy=json.dumps(document))


def _hardened_bucket(bucket: str) -> None:
    s3 = aws.client("s3")
    s3.create_bucket(Bucket=bucket)
    harden(s3, bucket)


def wav(rate: int = 8000, channels: int = 1, width: int = 2) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(width)
        writer.setframerate(rate)
        writer.writeframes(b"\0" * (width * channels * rate // 10))
    return buffer.getvalue()


def _dead_letter_queue() -> None:
    sqs = aws.client("sqs")
    url = sqs.create_queue(QueueName=DLQ_NAME)["QueueUrl"]
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AllowEventBridgeRulesOfThisApp",
                "Effect": "Allow",
                "Principal": {"Service": "events.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": DLQ_ARN,
                "Condition": {
                    "ArnLike": {
                        "aws:SourceArn": f"arn:aws:events:{REGION}:{ACCOUNT}:rule/callrec-*"
                    }
                },
            }
        ],
    }
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(policy)})


REPORT_PATTERN = {
    "source": ["aws.transcribe"],
    "detail-type": ["Call Analytics Job State Change", "Transcribe Job State Change"],
}


def event_rule(name: str, pattern: dict[str, Any], function: str) -> str:
    events = aws.client("events")
    arn = str(events.put_rule(Name=name, EventPattern=json.dumps(pattern))["RuleArn"])
    events.put_targets(
        Rule=name,
        Targets=[{"Id": "1", "Arn": function_arn(function), "DeadLetterConfig": {"Arn": DLQ_ARN}}],
    )
    allow_invoke(function, "events.amazonaws.com", arn, f"events-{name}")
    return arn


def create_stack() -> None:
    """Roles, functions, buckets with the modules' policies, notification, rule and queue."""
    _dead_letter_queue()
    create_function("sma_handler", dead_letter=False)
    create_function("start_transcription", dead_letter=True)
    create_function("render_report", dead_letter=True)
    allow_invoke("sma_handler", "voiceconnector.chime.amazonaws.com", SMA_ARN, "chime")
    _role(TRANSCRIBE_ROLE, "transcribe.amazonaws.com", transcribe_trust())
    _role(
        ACCESS_ROLE_ARN.rsplit("/", 1)[1], "mediapipelines.chime.amazonaws.com", pipelines_trust()
    )
    _hardened_bucket(RECORDINGS)
    put_policy(RECORDINGS, chime_statement(RECORDINGS, "s3:PutObject", "recordings/*"))
    _hardened_bucket(PROMPTS)
    put_policy(PROMPTS, chime_statement(PROMPTS, "s3:GetObject", "*"))
    for key in PROMPT_KEYS:
        aws.client("s3").put_object(Bucket=PROMPTS, Key=key, Body=wav())
    allow_invoke(
        "start_transcription", "s3.amazonaws.com", f"arn:aws:s3:::{RECORDINGS}", "s3-recordings"
    )
    notify(events=["s3:ObjectCreated:*"], prefix="recordings/")
    event_rule(REPORT_RULE, REPORT_PATTERN, "render_report")


def notify(*, events: list[str], prefix: str, function: str = "start_transcription") -> None:
    aws.client("s3").put_bucket_notification_configuration(
        Bucket=RECORDINGS,
        NotificationConfiguration={
            "LambdaFunctionConfigurations": [
                {
                    "LambdaFunctionArn": function_arn(function),
                    "Events": events,
                    "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": prefix}]}},
                }
            ]
        },
    )


@pytest.fixture
def stack() -> Iterator[None]:
    DEAD_LETTERS.clear()
    with mock_aws():
        create_stack()
        yield


# --- what moto lacks ----------------------------------------------------------------------------


def sip_media_application(lambda_arn: str | None = None) -> dict[str, Any]:
    return {
        "SipMediaApplication": {
            "SipMediaApplicationId": SMA_ID,
            "AwsRegion": REGION,
            "Name": "callrec",
            "Endpoints": [{"LambdaArn": lambda_arn or function_arn("sma_handler")}],
            "CreatedTimestamp": NOW,
            "UpdatedTimestamp": NOW,
            "SipMediaApplicationArn": SMA_ARN,
        }
    }


def sip_rules(*, disabled: bool = False, target: str = SMA_ID) -> dict[str, Any]:
    return {
        "SipRules": [
            {
                "SipRuleId": RULE_ID,
                "Name": f"callrec-{NUMBER[1:]}",
                "Disabled": disabled,
                "TriggerType": "ToPhoneNumber",
                "TriggerValue": NUMBER,
                "TargetApplications": [
                    {"SipMediaApplicationId": target, "Priority": 1, "AwsRegion": REGION}
                ],
                "CreatedTimestamp": NOW,
                "UpdatedTimestamp": NOW,
            }
        ]
    }


def phone_number(
    status: str = "Assigned", product: str = "SipMediaApplicationDialIn"
) -> dict[str, Any]:
    return {
        "PhoneNumber": {
            "PhoneNumberId": NUMBER,
            "E164PhoneNumber": NUMBER,
            "Country": "US",
            "Type": "Local",
            "ProductType": product,
            "Status": status,
            "Associations": [{"Value": RULE_ID, "Name": "SipRuleId", "AssociatedTimestamp": NOW}],
            "CreatedTimestamp": NOW,
            "UpdatedTimestamp": NOW,
        }
    }


def streaming(**changes: Any) -> dict[str, Any]:
    configuration: dict[str, Any] = {
        "DataRetentionInHours": 24,
        "Disabled": False,
        "StreamingNotificationTargets": [{"NotificationTarget": "EventBridge"}],
    }
    configuration.update(changes)
    return {"StreamingConfiguration": configuration}


def pipeline_configuration(
    destination: str | None = None, role: str = ACCESS_ROLE_ARN
) -> dict[str, Any]:
    return {
        "MediaInsightsPipelineConfiguration": {
            "MediaInsightsPipelineConfigurationName": "callrec-recording",
            "MediaInsightsPipelineConfigurationArn": CONFIGURATION_ARN,
            "ResourceAccessRoleArn": role,
            "Elements": [
                {
                    "Type": "S3RecordingSink",
                    "S3RecordingSinkConfiguration": {
                        "Destination": destination or f"arn:aws:s3:::{RECORDINGS}/recordings",
                        "RecordingFileFormat": "Wav",
                    },
                },
                {
                    "Type": "KinesisDataStreamSink",
                    "KinesisDataStreamSinkConfiguration": {
                        "InsightsTarget": f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/metadata"
                    },
                },
            ],
            "MediaInsightsPipelineConfigurationId": "0b1f7c5e-2f0a-4a52-9d0a-1b2c3d4e5f61",
            "CreatedTimestamp": NOW,
            "UpdatedTimestamp": NOW,
        }
    }


@dataclass
class FakeSimulation:
    """iam:SimulatePrincipalPolicy in its documented response shape; ``denied`` decides."""

    denied: set[tuple[str, str]] = field(default_factory=set)  # (role ARN or name part, action)
    # Condition keys the denied actions' policies need and the request did not carry.
    missing_context: list[str] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)

    def simulate_principal_policy(self, **params: Any) -> dict[str, Any]:
        self.calls.append(params)
        role, [action], [resource] = (
            params["PolicySourceArn"],
            params["ActionNames"],
            params["ResourceArns"],
        )
        refused = any(r in role and a == action for r, a in self.denied)
        return {
            "EvaluationResults": [
                {
                    "EvalActionName": action,
                    "EvalResourceName": resource,
                    "EvalDecision": "implicitDeny" if refused else "allowed",
                    "MissingContextValues": self.missing_context if refused else [],
                }
            ],
            "IsTruncated": False,
        }


class PatternMatchingEvents:
    """The moto events client, with TestEventPattern answered by moto's pattern matcher."""

    def __init__(self) -> None:
        self._client = aws.client("events")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def test_event_pattern(self, **params: str) -> dict[str, Any]:
        from moto.events.models import EventPattern

        pattern = EventPattern(params["EventPattern"], json.loads(params["EventPattern"]))
        return {"Result": pattern.matches_event(json.loads(params["Event"]))}


class DeadLetterKeepingLambda:
    """The moto Lambda client, with GetFunctionConfiguration carrying the DeadLetterConfig."""

    def __init__(self) -> None:
        self._client = aws.client("lambda")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def get_function_configuration(self, **params: str) -> dict[str, Any]:
        configuration: dict[str, Any] = self._client.get_function_configuration(**params)
        target = DEAD_LETTERS.get(configuration["FunctionName"])
        if target:
            configuration["DeadLetterConfig"] = {"TargetArn": target}
        return configuration


@dataclass
class Doctor:
    """Builds a context over the moto stack with stubbed Chime clients; runs one check."""

    voice: Any
    pipelines: Any
    voice_stub: Stubber
    pipelines_stub: Stubber
    simulation: FakeSimulation

    def context(self, deployment: Deployment | None = None) -> DoctorContext:
        return DoctorContext(
            deployment or from_outputs(outputs()),
            account=ACCOUNT,
            region=REGION,
            overrides={
                "chime-sdk-voice": self.voice,
                "chime-sdk-media-pipelines": self.pipelines,
                "events": PatternMatchingEvents(),
                "lambda": DeadLetterKeepingLambda(),
            },
            simulation=self.simulation,
        )

    def check(self, name: str, deployment: Deployment | None = None) -> CheckResult:
        return run_one(by_name(name), self.context(deployment))

    def sma(self, lambda_arn: str | None = None) -> None:
        self.voice_stub.add_response(
            "get_sip_media_application",
            sip_media_application(lambda_arn),
            {"SipMediaApplicationId": SMA_ID},
        )


@pytest.fixture
def doctor(stack: None) -> Iterator[Doctor]:
    voice = boto3.client("chime-sdk-voice", region_name=REGION)
    pipelines = boto3.client("chime-sdk-media-pipelines", region_name=REGION)
    with Stubber(voice) as voice_stub, Stubber(pipelines) as pipelines_stub:
        yield Doctor(voice, pipelines, voice_stub, pipelines_stub, FakeSimulation())
        voice_stub.assert_no_pending_responses()
        pipelines_stub.assert_no_pending_responses()
