"""The Voice Connector + media insights path: streaming, the pipeline configuration, the rules.

AWS rules relied on (not verifiable offline): a media insights pipeline records a Voice
Connector call from its Kinesis video streams, so streaming must be on with a data retention of
at least one hour (Chime SDK developer guide, "Streaming Amazon Chime SDK Voice Connector media
to Kinesis"); STARTED/ENDED events reach EventBridge only when EventBridge is a streaming
notification target; associating a configuration with the Voice Connector makes the service
start a pipeline for every call (developer guide, "Using call analytics with Voice Connectors"),
so in lambda start mode it must not be associated (a call would be recorded twice); the
pipelines assume the resource access role as ``mediapipelines.chime.amazonaws.com`` with
``aws:SourceAccount``/``aws:SourceArn`` (developer guide, "Using the call analytics resource
access role": call-analytics-resource-access-role.html).
Shapes:
GetVoiceConnectorStreamingConfiguration and GetMediaInsightsPipelineConfiguration (API reference).
"""

from __future__ import annotations

from typing import Any

from callrec.doctor.checks.events import rules_reach
from callrec.doctor.checks.roles import trust_problem
from callrec.doctor.context import DoctorContext, read
from callrec.doctor.deployment import MediaInsights
from callrec.doctor.results import CannotCheckError, Status, Verdict, fail, ok

FIX = "apply infra/ with enable_media_insights = true (module media-insights)"
MEDIA_PIPELINES = "mediapipelines.chime.amazonaws.com"


def _media(context: DoctorContext) -> MediaInsights:
    media = context.deployment.media_insights
    assert media is not None  # the registry runs these checks only when the path is enabled
    return media


def check_streaming(context: DoctorContext) -> Verdict:
    media = _media(context)
    if not media.voice_connector_id:
        raise CannotCheckError(
            "the deployment does not name the Voice Connector",
            "pass --outputs FILE (media_insights.voice_connector_id)",
        )
    response = read(
        f"chime-sdk-voice GetVoiceConnectorStreamingConfiguration {media.voice_connector_id}",
        context.client("chime-sdk-voice").get_voice_connector_streaming_configuration,
        VoiceConnectorId=media.voice_connector_id,
    )
    if response is None:
        return fail(
            f"Voice Connector {media.voice_connector_id} has no streaming configuration", FIX
        )
    problems = _streaming_problems(response["StreamingConfiguration"], media)
    if problems:
        return fail(f"Voice Connector {media.voice_connector_id}: {'; '.join(problems)}", FIX)
    return ok(f"Voice Connector {media.voice_connector_id} streams ({media.start_mode} start mode)")


def _streaming_problems(streaming: dict[str, Any], media: MediaInsights) -> list[str]:
    problems = []
    if streaming.get("Disabled"):
        problems.append("streaming is disabled")
    if int(streaming.get("DataRetentionInHours", 0)) < 1:
        problems.append("data retention is 0 hours; the recording reads the streams")
    targets = {
        t.get("NotificationTarget") for t in streaming.get("StreamingNotificationTargets", [])
    }
    association = streaming.get("MediaInsightsConfiguration") or {}
    associated = not association.get("Disabled", True) and association.get("ConfigurationArn")
    if media.start_mode == "voice_connector":
        if associated != media.configuration_arn:
            problems.append(f"the configuration {media.configuration_arn} is not associated")
    else:
        if "EventBridge" not in targets:
            problems.append("EventBridge is not a streaming notification target")
        if associated:
            problems.append("a configuration is associated in lambda mode (calls recorded twice)")
    return problems


def check_configuration(context: DoctorContext) -> Verdict:
    media = _media(context)
    response = read(
        "chime-sdk-media-pipelines GetMediaInsightsPipelineConfiguration",
        context.client("chime-sdk-media-pipelines").get_media_insights_pipeline_configuration,
        Identifier=media.configuration_arn,
    )
    if response is None:
        return fail(f"the configuration {media.configuration_arn} does not exist", FIX)
    configuration = response["MediaInsightsPipelineConfiguration"]
    problems = _configuration_problems(configuration, media, context)
    if problems:
        return fail("; ".join(problems), FIX)
    return ok(f"{media.configuration_arn} records into {_sink(configuration)}")


def _sink(configuration: dict[str, Any]) -> str:
    for element in configuration.get("Elements", []):
        if element.get("Type") == "S3RecordingSink":
            return str((element.get("S3RecordingSinkConfiguration") or {}).get("Destination", ""))
    return ""


def _configuration_problems(
    configuration: dict[str, Any], media: MediaInsights, context: DoctorContext
) -> list[str]:
    deployment = context.deployment
    wanted = media.sink_destination or (
        f"arn:{context.partition}:s3:::{deployment.recordings_bucket}/{deployment.recordings_prefix}"
    )
    problems = []
    sink = _sink(configuration)
    if not sink:
        problems.append("it has no S3RecordingSink element")
    elif sink.rstrip("/") != wanted.rstrip("/"):
        problems.append(f"its recording sink writes to {sink}, not {wanted}")
    role = str(configuration.get("ResourceAccessRoleArn") or "")
    if media.resource_access_role_arn and role != media.resource_access_role_arn:
        problems.append(f"it uses the role {role}, not {media.resource_access_role_arn}")
    elif role:
        trust = trust_problem(context, role, MEDIA_PIPELINES, media.configuration_arn)
        problems.extend([trust] if trust else [])
    return problems


def _metadata_mapping(context: DoctorContext) -> Verdict:
    """The recording metadata stream feeds media_insights_recording_metadata (enabled mapping)."""
    stream = _media(context).metadata_stream_name
    if not stream:
        raise CannotCheckError(
            "the deployment does not name the recording metadata stream",
            "pass --outputs FILE (media_insights.metadata_stream_name)",
        )
    arn = f"arn:{context.partition}:kinesis:{context.region}:{context.account}:stream/{stream}"
    function = context.function_name("media_insights_recording_metadata")
    context.function("media_insights_recording_metadata")  # FAIL when it does not exist
    response = read(
        "lambda ListEventSourceMappings",
        context.client("lambda").list_event_source_mappings,
        EventSourceArn=arn,
        FunctionName=function,
    )
    mappings = [
        m
        for m in (response or {}).get("EventSourceMappings", [])
        if m.get("State") in ("Enabled", "Enabling", "Updating")
    ]
    if not mappings:
        return fail(
            f"no enabled event source mapping feeds {stream} to {function}",
            "deploy media_insights_recording_metadata with its Kinesis event source",
        )
    return ok(f"{stream} feeds {function}")


def check_rules(context: DoctorContext) -> Verdict:
    """Streaming status and state change events reach their functions; the metadata stream too."""
    vc = _media(context).voice_connector_id or "unknown"
    routes = (
        (
            "media_insights_streaming_status",
            "Chime VoiceConnector Streaming Status",
            {"voiceConnectorId": vc, "streamingStatus": "STARTED"},
        ),
        (
            "media_insights_state_change",
            "Media Insights State Change",
            {"voiceConnectorId": vc, "eventType": "chime:MediaInsightsInProgress"},
        ),
    )
    found = []
    for function, detail_type, detail in routes:
        verdict = rules_reach(context, function, "aws.chime", {detail_type: detail})
        if verdict.status is not Status.OK:
            return verdict
        found.append(detail_type)
    mapping = _metadata_mapping(context)
    if mapping.status is not Status.OK:
        return mapping
    return ok(f"EventBridge delivers {' and '.join(found)}; {mapping.message}")
