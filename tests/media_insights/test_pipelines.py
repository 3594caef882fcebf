"""Streaming events -> CreateMediaInsightsPipeline (once per call) -> DeleteMediaPipeline.

The media pipelines API is the loopback emulator; DynamoDB is moto. No call is stubbed.
"""

from __future__ import annotations

import io
from datetime import datetime

import boto3
import numpy as np
import pytest
import soundfile

from callrec.local import audio
from chalicelib.errors import InvalidEventError, MediaPipelineError
from chalicelib.media_insights.pipelines import handle_streaming_event, stop_pipeline

from .conftest import BUCKET, Backends, load_event

TX = "ec97a8ff-3f83-4de2-8d73-d988070f6af4"
VC = "bfggco08s5m5esgxfskzks"


def play_call(backends: Backends) -> list[str]:
    return [
        handle_streaming_event(load_event(name), backends.records).action
        for name in (
            "call_started_caller.json",
            "call_started_callee.json",
            "call_ended_caller.json",
            "call_ended_callee.json",
        )
    ]


def feed_stream_audio(backends: Backends, seconds: float = 70.0) -> None:
    """What the Voice Connector streamed: a tone per participant, on each side's stream."""
    for name, frequency in (
        ("call_started_caller.json", 440.0),
        ("call_started_callee.json", 660.0),
    ):
        detail = load_event(name)["detail"]
        start = datetime.fromisoformat(detail["startTime"].replace("Z", "+00:00"))
        backends.emulator.put_stream_audio(
            detail["streamArn"], audio.tone(frequency, seconds, level=0.2), start
        )


def test_started_events_record_both_streams_without_creating(backends: Backends) -> None:
    for name in ("call_started_caller.json", "call_started_callee.json"):
        handle_streaming_event(load_event(name), backends.records)
    record = backends.record(TX)
    assert record["kvs_caller_stream_arn"].endswith(
        "94709a8e-c2cc-4f92-9ab1-af74c54c041a/1680731924044"
    )
    assert record["kvs_callee_stream_arn"].endswith("0a4e6f3d2b71/1680731924044")
    assert record["source_path"] == "media-insights"
    assert record["voice_connector_id"] == VC
    assert backends.emulator.pipelines == {}


def test_inbound_call_maps_parties_to_owner_and_other(backends: Backends) -> None:
    handle_streaming_event(load_event("call_started_caller.json"), backends.records)
    record = backends.record(TX)
    assert (record["direction"], record["owner_number"], record["other_number"]) == (
        "inbound",
        "+19285557777",
        "+18155551212",
    )


def test_first_ended_stream_waits_for_the_other(backends: Backends) -> None:
    actions = play_call(backends)
    assert actions[2] == "ended-caller-stream-waiting-for-other"
    assert actions[3] == "created-pipeline"


def test_pipeline_request_covers_the_call_with_both_streams(backends: Backends) -> None:
    play_call(backends)
    (pipeline,) = backends.emulator.pipelines.values()
    source = pipeline.request["KinesisVideoStreamRecordingSourceRuntimeConfiguration"]
    caller = load_event("call_started_caller.json")["detail"]["streamArn"]
    callee = load_event("call_started_callee.json")["detail"]["streamArn"]
    assert [s["StreamArn"] for s in source["Streams"]] == [caller, callee]
    selector = source["FragmentSelector"]
    assert selector["FragmentSelectorType"] == "ProducerTimestamp"
    # Earliest start (caller 22:14:02.238) to latest end (callee 22:15:10.540), epoch seconds.
    assert selector["TimestampRange"]["StartTimestamp"] == pytest.approx(1680732842.238)
    assert selector["TimestampRange"]["EndTimestamp"] == pytest.approx(1680732910.540)
    assert pipeline.request["ClientRequestToken"] == TX
    assert pipeline.request["MediaInsightsRuntimeMetadata"]["transactionId"] == TX
    assert pipeline.request["MediaInsightsRuntimeMetadata"]["voiceConnectorId"] == VC


def test_created_pipeline_is_written_to_the_call_record(backends: Backends) -> None:
    play_call(backends)
    (pipeline_id,) = backends.emulator.pipelines
    record = backends.record(TX)
    assert record["media_pipeline_id"] == pipeline_id
    assert record["recording_state"] == "recording"
    assert record["recording_events"][-1]["by"] == "media-insights-pipeline"


def test_duplicate_ended_event_creates_no_second_pipeline(backends: Backends) -> None:
    play_call(backends)
    outcome = handle_streaming_event(load_event("call_ended_callee.json"), backends.records)
    assert outcome.action == "duplicate"
    assert len(backends.emulator.pipelines) == 1


def test_lost_claim_still_creates_one_pipeline_thanks_to_the_token(backends: Backends) -> None:
    play_call(backends)
    # A retry whose conditional write was lost (claim gone) reaches the API again: the
    # ClientRequestToken derived from the transaction id makes the service return the same one.
    boto3.client("dynamodb").update_item(
        TableName=backends.records.table_name,
        Key={"transaction_id": {"S": TX}},
        UpdateExpression="REMOVE media_pipeline_request",
    )
    handle_streaming_event(load_event("call_ended_callee.json"), backends.records)
    assert len(backends.emulator.pipelines) == 1


def test_runtime_sink_override_is_sent(backends: Backends, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDIA_INSIGHTS_SINK_DESTINATION", f"arn:aws:s3:::{BUCKET}/opus")
    monkeypatch.setenv("MEDIA_INSIGHTS_SINK_FORMAT", "Opus")
    play_call(backends)
    (pipeline,) = backends.emulator.pipelines.values()
    assert pipeline.request["S3RecordingSinkRuntimeConfiguration"] == {
        "Destination": f"arn:aws:s3:::{BUCKET}/opus",
        "RecordingFileFormat": "Opus",
    }


def test_server_timestamp_selector_from_environment(
    backends: Backends, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEDIA_INSIGHTS_FRAGMENT_SELECTOR", "server_timestamp")
    play_call(backends)
    (pipeline,) = backends.emulator.pipelines.values()
    source = pipeline.request["KinesisVideoStreamRecordingSourceRuntimeConfiguration"]
    assert source["FragmentSelector"]["FragmentSelectorType"] == "ServerTimestamp"


def test_api_failure_releases_the_claim_so_a_retry_can_create(
    backends: Backends, monkeypatch: pytest.MonkeyPatch
) -> None:
    unknown = backends.configuration_arn.replace("callrec-recording", "missing")
    monkeypatch.setenv("MEDIA_INSIGHTS_PIPELINE_CONFIGURATION_ARN", unknown)
    with pytest.raises(MediaPipelineError, match="NotFoundException") as raised:
        play_call(backends)
    assert raised.value.code == "MediaPipelineError"
    assert "media_pipeline_request" not in backends.record(TX)
    monkeypatch.setenv("MEDIA_INSIGHTS_PIPELINE_CONFIGURATION_ARN", backends.configuration_arn)
    outcome = handle_streaming_event(load_event("call_ended_callee.json"), backends.records)
    assert outcome.action == "created-pipeline"


def test_streaming_failure_is_recorded_and_stops_the_pipeline(backends: Backends) -> None:
    play_call(backends)
    failed = load_event("doc_streaming_failed.json")
    failed["detail"]["transactionId"] = TX
    outcome = handle_streaming_event(failed, backends.records)
    assert outcome.action == "stopped-pipeline-after-failure"
    assert backends.emulator.pipelines == {}
    record = backends.record(TX)
    assert record["recording_state"] == "failed"
    assert any("Internal failure" in note["text"] for note in record["notes"])


def test_stop_by_transaction_id_deletes_the_pipeline(backends: Backends) -> None:
    play_call(backends)
    outcome = stop_pipeline(transaction_id=TX, records=backends.records)
    assert outcome.action == "deleted-pipeline"
    assert backends.emulator.pipelines == {}
    assert backends.record(TX)["media_pipeline_status"] == "Stopping"


def test_stopping_a_gone_pipeline_is_not_an_error(backends: Backends) -> None:
    outcome = stop_pipeline(
        pipeline_id="e40ee45e-2ed1-408e-9156-f52b8208a491", records=backends.records
    )
    assert outcome.action == "pipeline-already-gone"


def test_stop_without_any_id_is_rejected(backends: Backends) -> None:
    with pytest.raises(InvalidEventError, match="neither transactionId nor mediaPipelineId"):
        stop_pipeline(records=backends.records)


def test_stop_of_a_call_without_pipeline_is_rejected(backends: Backends) -> None:
    handle_streaming_event(load_event("call_started_caller.json"), backends.records)
    with pytest.raises(InvalidEventError, match="has no media insights pipeline"):
        stop_pipeline(transaction_id=TX, records=backends.records)


def test_pipeline_writes_a_two_channel_wav_with_the_documented_key(backends: Backends) -> None:
    feed_stream_audio(backends)
    play_call(backends)
    backends.emulator.wait_idle()
    (pipeline,) = backends.emulator.pipelines.values()
    assert pipeline.status == "Stopped", pipeline.failure
    assert pipeline.recording_key == f"recordings/{VC}/{TX}_2023-04-05-22-14-02-238.wav"
    body = boto3.client("s3").get_object(Bucket=BUCKET, Key=pipeline.recording_key)["Body"].read()
    frames, rate = audio.read_wav(body)
    assert rate == 8000 and frames.shape[1] == 2
    assert frames.shape[0] / rate == pytest.approx(68.302, abs=0.01)
    left, right = (np.fft.rfft(frames[:8000, ch]) for ch in (0, 1))
    assert np.argmax(np.abs(left)) == 440 and np.argmax(np.abs(right)) == 660  # caller left


def test_opus_override_writes_an_ogg_opus_recording(
    backends: Backends, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEDIA_INSIGHTS_SINK_DESTINATION", f"arn:aws:s3:::{BUCKET}/recordings")
    monkeypatch.setenv("MEDIA_INSIGHTS_SINK_FORMAT", "Opus")
    feed_stream_audio(backends)
    play_call(backends)
    backends.emulator.wait_idle()
    (pipeline,) = backends.emulator.pipelines.values()
    assert pipeline.recording_key.endswith(".ogg")
    body = boto3.client("s3").get_object(Bucket=BUCKET, Key=pipeline.recording_key)["Body"].read()
    info = soundfile.info(io.BytesIO(body))
    assert (info.format, info.subtype, info.channels) == ("OGG", "OPUS", 2)


def test_pipeline_without_stream_media_reports_permanent_failure(backends: Backends) -> None:
    play_call(backends)  # no audio was put on the streams
    backends.emulator.wait_idle()
    (pipeline,) = backends.emulator.pipelines.values()
    assert pipeline.status == "Failed"
    last = backends.emulator.events[-1]["detail"]
    assert last["eventType"] == "chime:MediaInsightsPermanentFailure"
    assert "no fragments" in last["failureReason"]
    assert last["transactionId"] == TX
    assert [(e["type"], e["status"]) for e in last["mediaInsightsPipelineElementStatuses"]] == [
        ("S3RecordingSink", "Failed")
    ]


def test_state_changes_and_get_report_only_the_elements_that_have_a_status(
    backends: Backends,
) -> None:
    """The S3 recording sink has an element status; the Kinesis data stream sink has none."""
    feed_stream_audio(backends)
    play_call(backends)
    backends.emulator.wait_idle()
    statuses = [
        (e["detail"]["eventType"], e["detail"]["mediaInsightsPipelineElementStatuses"])
        for e in backends.emulator.events
    ]
    assert [
        (kind, [(x["type"], x["status"]) for x in elements]) for kind, elements in statuses
    ] == [
        ("chime:MediaInsightsInProgress", [("S3RecordingSink", "InProgress")]),
        ("chime:MediaInsightsStopped", [("S3RecordingSink", "Stopped")]),
    ]
    assert all(isinstance(x["updatedOn"], int) for _, elements in statuses for x in elements)
    (pipeline,) = backends.emulator.pipelines.values()
    described = backends.emulator.get_pipeline(pipeline.id)["MediaPipeline"]
    assert described["MediaInsightsPipeline"]["ElementStatuses"] == [
        {"Type": "S3RecordingSink", "Status": "Stopped"}
    ]


@pytest.mark.parametrize("file_format", ["Wav", "Opus"])
def test_recording_is_accepted_by_the_transcription_stage(
    backends: Backends, monkeypatch: pytest.MonkeyPatch, file_format: str
) -> None:
    """Both recording paths flow into the same pipeline: key form and audio header check out."""
    from chalicelib.call_records import RecordingSource
    from chalicelib.recording_keys import parse_recording_key
    from chalicelib.transcription.audio_probe import probe

    monkeypatch.setenv("MEDIA_INSIGHTS_SINK_DESTINATION", f"arn:aws:s3:::{BUCKET}/recordings")
    monkeypatch.setenv("MEDIA_INSIGHTS_SINK_FORMAT", file_format)
    feed_stream_audio(backends)
    play_call(backends)
    backends.emulator.wait_idle()
    (pipeline,) = backends.emulator.pipelines.values()
    key = parse_recording_key(pipeline.recording_key)
    assert (key.source, key.transaction_id, key.voice_connector_id) == (
        RecordingSource.MEDIA_INSIGHTS,
        TX,
        VC,
    )
    head = boto3.client("s3").get_object(Bucket=BUCKET, Key=pipeline.recording_key)["Body"].read()
    info = probe(head[:4096], key.audio_format)
    assert (info.channels, info.sample_rate) == (2, 8000)


def test_voice_connector_start_mode_never_creates_a_pipeline(
    backends: Backends, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEDIA_INSIGHTS_START_MODE", "voice_connector")
    actions = play_call(backends)
    assert actions[-1] == "left-to-voice-connector"
    assert backends.emulator.pipelines == {}
    assert backends.record(TX)["kvs_callee_ended_at"]


def test_unknown_start_mode_is_a_configuration_error(
    backends: Backends, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.errors import ConfigurationError

    monkeypatch.setenv("MEDIA_INSIGHTS_START_MODE", "both")
    with pytest.raises(ConfigurationError, match="MEDIA_INSIGHTS_START_MODE='both'"):
        play_call(backends)


def test_lost_started_events_do_not_lose_the_recording(backends: Backends) -> None:
    """EventBridge delivery is best effort: ENDED repeats startTime, which is enough."""
    for name in ("call_ended_caller.json", "call_ended_callee.json"):
        handle_streaming_event(load_event(name), backends.records)
    (pipeline,) = backends.emulator.pipelines.values()
    window = pipeline.request["KinesisVideoStreamRecordingSourceRuntimeConfiguration"][
        "FragmentSelector"
    ]["TimestampRange"]
    assert window["StartTimestamp"] == pytest.approx(1680732842.238)


def test_call_times_span_both_streams(backends: Backends) -> None:
    play_call(backends)
    record = backends.record(TX)
    assert record["started_at"] == "2023-04-05T22:14:02.238Z"
    assert record["ended_at"] == "2023-04-05T22:15:10.540Z"


def test_documented_started_example_files_the_stream_despite_its_placeholder_time(
    backends: Backends,
) -> None:
    outcome = handle_streaming_event(load_event("doc_streaming_started.json"), backends.records)
    assert outcome.action == "recorded-callee-stream"
    record = backends.record("12345678-1234-1234")
    assert record["kvs_callee_stream_arn"].startswith("arn:aws:kinesisvideo:us-east-1:123456:")
    assert record["kvs_callee_start_fragment_number"] == "1234567899444"
    assert record["siprec_metadata"].startswith("<&xml")
    assert "startTime" in record["notes"][0]["text"]
    assert "kvs_callee_started_at" not in record


def test_documented_ended_example_is_rejected_for_its_placeholder_time(backends: Backends) -> None:
    with pytest.raises(InvalidEventError, match="endTime"):
        handle_streaming_event(load_event("doc_streaming_ended.json"), backends.records)


def test_documented_updated_example_keeps_the_siprec_metadata(backends: Backends) -> None:
    outcome = handle_streaming_event(load_event("doc_streaming_updated.json"), backends.records)
    assert outcome.action == "updated-siprec-metadata"
    assert backends.record("12345678-1234-1234")["siprec_metadata"].startswith("<&xml")


def test_documented_failed_example_marks_the_recording_failed(backends: Backends) -> None:
    outcome = handle_streaming_event(load_event("doc_streaming_failed.json"), backends.records)
    assert outcome.action == "recorded-failure"
    assert backends.record("12345678-1234-1234")["recording_state"] == "failed"
