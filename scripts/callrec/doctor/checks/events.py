"""Event delivery: the bucket notification and the EventBridge rules reach the functions.

Each route is checked end to end the way AWS decides it: the notification or rule exists and
matches a documented event (S3 key filters; EventBridge TestEventPattern with a sample of the
documented event), and the function's resource policy lets the service invoke it for exactly that
source (S3 with ``aws:SourceArn`` = the bucket, EventBridge with ``aws:SourceArn`` = the rule).
AWS rules relied on (not verifiable offline): S3 invokes as ``s3.amazonaws.com`` with
``aws:SourceArn``/``aws:SourceAccount`` (S3 user guide, "Granting permissions to invoke an AWS
Lambda function"); EventBridge invokes as ``events.amazonaws.com`` with ``aws:SourceArn`` = the
rule (EventBridge user guide, "Using resource-based policies for Amazon EventBridge"); the event
shapes are those of "Amazon Transcribe events with EventBridge" and the Chime SDK media insights
and Voice Connector streaming events (Chime SDK developer guide).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from callrec.doctor.checks.sma import unqualified
from callrec.doctor.context import DoctorContext, read, read_items
from callrec.doctor.policies import invoke_decision
from callrec.doctor.results import CannotCheckError, Status, Verdict, fail, ok
from callrec.local.bucket_policy import Decision

REPORT_EVENTS = {
    "Call Analytics Job State Change": {"JobName": "callrec-doctor", "JobStatus": "COMPLETED"},
    "Transcribe Job State Change": {
        "TranscriptionJobName": "callrec-doctor",
        "TranscriptionJobStatus": "COMPLETED",
    },
}
CREATED_EVENTS = ("s3:ObjectCreated:*", "s3:ObjectCreated:Put")
# A rule in the third state is enabled for all events, CloudTrail management events included
# (EventBridge API reference, PutRule, State: API_PutRule.html).
ENABLED_STATES = ("ENABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS")


def check_recording_notification(context: DoctorContext) -> Verdict:
    deployment = context.deployment
    bucket = str(deployment.recordings_bucket)
    function = context.function_arn("start_transcription")
    configuration = read(
        f"s3 GetBucketNotificationConfiguration {bucket}",
        context.client("s3").get_bucket_notification_configuration,
        Bucket=bucket,
    )
    reaching = [
        c
        for c in (configuration or {}).get("LambdaFunctionConfigurations", [])
        if unqualified(c.get("LambdaFunctionArn", "")) == function
        and any(e in CREATED_EVENTS for e in c.get("Events", []))
    ]
    missed = [k for k in recording_keys(context) if not any(_key_matches(c, k) for c in reaching)]
    if missed:
        return fail(
            f"no object-created notification of s3://{bucket} sends {missed[0]} to {function}",
            "deploy start_transcription with its S3 event source (callrec package + terraform "
            "apply, or chalice deploy); a suffix filter must admit every recording format",
        )
    return _may_invoke(
        context,
        function,
        "s3.amazonaws.com",
        f"arn:{context.partition}:s3:::{bucket}",
        f"s3://{bucket} notifies {function}",
    )


def recording_keys(context: DoctorContext) -> list[str]:
    """A key of each shape the deployed paths write (chalicelib.recording_keys documents them)."""
    deployment = context.deployment
    prefix = deployment.recordings_prefix
    keys = []
    if deployment.sma_expected:
        keys.append(f"{prefix}/2026/01/01/2026-01-01-00-00-00-000_t_c.wav")
    media = deployment.media_insights
    if media is not None:
        extension = "ogg" if media.sink_format.lower() == "opus" else "wav"
        vc = media.voice_connector_id or "abcdef1ghij2klmno3pqr4"
        keys.append(f"{prefix}/{vc}/t_2026-01-01-00-00-00-000.{extension}")
    return keys


def _key_matches(configuration: Mapping[str, Any], key: str) -> bool:
    rules = configuration.get("Filter", {}).get("Key", {}).get("FilterRules", [])
    for rule in rules:
        name, value = str(rule.get("Name", "")).lower(), str(rule.get("Value", ""))
        if (name == "prefix" and not key.startswith(value)) or (
            name == "suffix" and not key.endswith(value)
        ):
            return False
    return True


def _may_invoke(
    context: DoctorContext, function: str, principal: str, source_arn: str, found: str
) -> Verdict:
    policy = context.function_policy(function)
    decision = invoke_decision(policy, function, principal, context.account, source_arn)
    if decision is not Decision.ALLOW:
        return fail(
            f"{found}, but {principal} may not invoke it for {source_arn} ({decision.value})",
            f"add a Lambda permission for {principal} with source_arn = {source_arn}",
        )
    return ok(f"{found}; {principal} may invoke it")


def check_report_rules(context: DoctorContext) -> Verdict:
    return rules_reach(context, "render_report", "aws.transcribe", REPORT_EVENTS)


def rules_reach(
    context: DoctorContext, function: str, source: str, samples: Mapping[str, Mapping[str, Any]]
) -> Verdict:
    """Each sample event (detail-type -> detail) reaches ``function`` through an enabled rule."""
    arn = context.function_arn(function)
    rules = rules_targeting(context, arn)
    for detail_type, detail in samples.items():
        event = _event(context, source, detail_type, detail)
        rule = next((r for r in rules if _matches(context, r, event)), None)
        if rule is None:
            return fail(
                f"no enabled EventBridge rule delivers {detail_type!r} events to {arn}",
                f"deploy {function} with its event source (callrec package + terraform apply, "
                "or chalice deploy)",
            )
        verdict = _may_invoke(
            context, arn, "events.amazonaws.com", str(rule["Arn"]), f"rule {rule['Name']} → {arn}"
        )
        if verdict.status is not Status.OK:
            return verdict
    return ok(f"EventBridge delivers {', '.join(samples)} to {arn}")


def rules_targeting(context: DoctorContext, function_arn: str) -> list[dict[str, Any]]:
    """DescribeRule of every rule with a target on ``function_arn`` (cached per function)."""
    key = f"rules:{function_arn}"
    if key not in context.memo:
        events = context.client("events")
        names = read_items(
            "events ListRuleNamesByTarget",
            events.list_rule_names_by_target,
            "RuleNames",
            TargetArn=function_arn,
        )
        described = [read(f"events DescribeRule {n}", events.describe_rule, Name=n) for n in names]
        context.memo[key] = [d for d in described if d]
    return list(context.memo[key])


def _event(context: DoctorContext, source: str, detail_type: str, detail: Mapping[str, Any]) -> str:
    return json.dumps(
        {
            "version": "0",
            "id": "00000000-0000-0000-0000-000000000000",
            "detail-type": detail_type,
            "source": source,
            "account": context.account,
            "time": "2026-01-01T00:00:00Z",
            "region": context.region,
            "resources": [],
            "detail": dict(detail),
        }
    )


def _matches(context: DoctorContext, rule: Mapping[str, Any], event: str) -> bool:
    if rule.get("State") not in ENABLED_STATES or not rule.get("EventPattern"):
        return False
    response = read(
        f"events TestEventPattern {rule.get('Name')}",
        context.client("events").test_event_pattern,
        EventPattern=rule["EventPattern"],
        Event=event,
    )
    if response is None or "Result" not in response:
        raise CannotCheckError(
            f"events TestEventPattern gave no result for rule {rule.get('Name')}",
            "run the doctor against AWS itself (the emulator does not evaluate patterns)",
        )
    return bool(response["Result"])
