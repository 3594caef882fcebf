"""start_transcription against moto (S3, DynamoDB) with Transcribe stubbed in its real shapes."""

from __future__ import annotations

import importlib
import json
import struct
from typing import Any

import pytest

from chalicelib.errors import ConfigurationError, TransientAwsError
from chalicelib.recording_keys import parse_recording_key
from chalicelib.transcription.handler import REJECTED_PREFIX, TranscriptionOutcome, handle_s3_event
from chalicelib.transcription.jobs import job_name

support = importlib.import_module("tests.transcription.conftest")
Stack = support.Stack
BUCKET, ROLE = support.BUCKET, support.ROLE
SMA_KEY, SMA_TX, MI_KEY, MI_TX = support.SMA_KEY, support.SMA_TX, support.MI_KEY, support.MI_TX


# Asked for by default: en-US in us-east-1 (the suite's Region) supports generative summaries.
SUMMARY = {"Summarization": {"GenerateAbstractiveSummary": True}}


JOB_EXISTS = "The requested job name already exists. Use a different job name."


def refuse(stack: Stack, code: str, message: str = "", status: int = 400) -> None:
    """The next StartCallAnalyticsJob answers with Transcribe's error ``code``."""
    stack.transcribe.add_client_error(
        "start_call_analytics_job",
        service_error_code=code,
        service_message=message,
        http_status_code=status,
    )


def analytics_response(name: str, status: str = "IN_PROGRESS") -> dict[str, Any]:
    return {"CallAnalyticsJob": {"CallAnalyticsJobName": name, "CallAnalyticsJobStatus": status}}


def expected_analytics(key: str, agent_channel: int, **settings: Any) -> dict[str, Any]:
    return {
        "CallAnalyticsJobName": job_name(BUCKET, key),
        "Media": {"MediaFileUri": f"s3://{BUCKET}/{key}"},
        "OutputLocation": f"s3://{BUCKET}/transcriptions/2026/11/20/",
        "DataAccessRoleArn": ROLE,
        "Settings": {"LanguageOptions": ["en-US"], **SUMMARY, **settings},
        "ChannelDefinitions": [
            {"ChannelId": agent_channel, "ParticipantRole": "AGENT"},
            {"ChannelId": 1 - agent_channel, "ParticipantRole": "CUSTOMER"},
        ],
    }


def test_real_event_payload_starts_call_analytics(stack: Stack) -> None:
    event = json.loads((support.EVENTS / "s3" / "object_created_sma_recording.json").read_text())
    stack.put(
        SMA_KEY,
        support.wav_bytes(2),
        {
            "transaction-id": SMA_TX,
            "call-id": SMA_KEY.rsplit("_", 1)[-1].removesuffix(".wav"),
            "recording-duration": "7",
            "recording-audio-file-format": "audio/wav",
        },
    )
    stack.records.update(SMA_TX, {"direction": "outbound", "recorded_leg": "LEG-A"})
    name = job_name(BUCKET, SMA_KEY)
    stack.transcribe.add_response(
        "start_call_analytics_job", analytics_response(name), expected_analytics(SMA_KEY, 0)
    )
    [result] = handle_s3_event(event)
    assert (result.outcome, result.job_name) == (TranscriptionOutcome.STARTED, name)
    record = stack.record(SMA_TX)
    assert record["transcription_job"] == name
    assert record["transcription_status"] == "IN_PROGRESS"
    assert record["transcription_kind"] == "call-analytics"
    assert record["recording_duration"] == "7"
    assert record["recording_media_type"] == "audio/wav"
    assert record["source_path"] == "sma"
    assert not stack.notes(SMA_TX)


def test_probed_format_is_recorded_for_the_jobs_report(stack: Stack) -> None:
    stack.put(SMA_KEY, support.wav_bytes(2))
    name = job_name(BUCKET, SMA_KEY)
    stack.transcribe.add_response("start_call_analytics_job", analytics_response(name))
    handle_s3_event(support.s3_event(SMA_KEY))
    assert stack.record(SMA_TX)[f"media#{name}"] == "WAV/PCM 16-bit, 8000 Hz, 2 channels"


def test_media_insights_opus_recording_is_recorded_as_ogg_opus(stack: Stack) -> None:
    stack.put(MI_KEY, support.opus_ogg_bytes(2))
    name = job_name(BUCKET, MI_KEY)
    stack.transcribe.add_response("start_call_analytics_job", analytics_response(name))
    handle_s3_event(support.s3_event(MI_KEY))
    assert stack.record(MI_TX)[f"media#{name}"] == "Ogg/Opus, 48000 Hz, 2 channels"


def test_duplicate_of_a_start_that_was_never_recorded_still_records_its_format(
    stack: Stack,
) -> None:
    """Another recording's job is on the record; this job's first delivery died after starting."""
    stack.put(SMA_KEY, support.wav_bytes(2))
    stack.records.update(SMA_TX, {"transcription_job": "callrec-another-recording"})
    refuse(stack, "ConflictException", JOB_EXISTS, status=409)
    handle_s3_event(support.s3_event(SMA_KEY))
    record = stack.record(SMA_TX)
    assert record[f"media#{job_name(BUCKET, SMA_KEY)}"] == "WAV/PCM 16-bit, 8000 Hz, 2 channels"
    assert record["transcription_job"] == "callrec-another-recording"


@pytest.mark.parametrize(
    ("direction", "leg", "agent_channel"),
    [
        ("outbound", "LEG-A", 0),
        ("inbound", "LEG-B", 0),
        ("inbound", "LEG-A", 1),
        ("outbound", "LEG-B", 1),
    ],
)
def test_owner_is_agent_whichever_way_the_call_went(
    stack: Stack, direction: str, leg: str, agent_channel: int
) -> None:
    stack.put(SMA_KEY, support.wav_bytes(2))
    stack.records.update(SMA_TX, {"direction": direction, "recorded_leg": leg})
    stack.transcribe.add_response(
        "start_call_analytics_job",
        analytics_response(job_name(BUCKET, SMA_KEY)),
        expected_analytics(SMA_KEY, agent_channel),
    )
    assert handle_s3_event(support.s3_event(SMA_KEY))[0].outcome is TranscriptionOutcome.STARTED


def test_missing_call_record_uses_documented_default_and_notes_it(stack: Stack) -> None:
    stack.put(MI_KEY, support.opus_ogg_bytes(2))
    stack.transcribe.add_response(
        "start_call_analytics_job",
        analytics_response(job_name(BUCKET, MI_KEY)),
        expected_analytics(MI_KEY, 0),
    )
    handle_s3_event(support.s3_event(MI_KEY))
    assert stack.record(MI_TX)["source_path"] == "media-insights"
    assert any("no call record" in note for note in stack.notes(MI_TX))


def test_options_from_configuration(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRANSCRIBE_LANGUAGE_CODE", "en-GB")
    monkeypatch.setenv("TRANSCRIBE_REDACTION", "pii-and-unredacted")
    monkeypatch.setenv("TRANSCRIBE_VOCABULARY_NAME", "callrec-terms")
    monkeypatch.setenv("TRANSCRIBE_OUTPUT_KMS_KEY_ID", "alias/callrec")
    monkeypatch.setenv("TRANSCRIPTS_PREFIX", "/out/transcripts/")
    stack.put(SMA_KEY, support.wav_bytes(2))
    stack.records.update(SMA_TX, {"direction": "outbound", "recorded_leg": "LEG-A"})
    expected = expected_analytics(
        SMA_KEY,
        0,
        VocabularyName="callrec-terms",
        ContentRedaction={"RedactionType": "PII", "RedactionOutput": "redacted_and_unredacted"},
    )
    expected["Settings"]["LanguageOptions"] = ["en-GB"]
    del expected["Settings"]["Summarization"]  # not documented for en-GB: not asked for
    expected["OutputLocation"] = f"s3://{BUCKET}/out/transcripts/2026/11/20/"
    expected["OutputEncryptionKMSKeyId"] = "alias/callrec"
    stack.transcribe.add_response(
        "start_call_analytics_job", analytics_response(job_name(BUCKET, SMA_KEY)), expected
    )
    assert handle_s3_event(support.s3_event(SMA_KEY))[0].outcome is TranscriptionOutcome.STARTED


def test_unknown_redaction_setting_is_a_configuration_error(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRANSCRIBE_REDACTION", "everything")
    stack.put(SMA_KEY, support.wav_bytes(2))
    with pytest.raises(ConfigurationError, match="TRANSCRIBE_REDACTION"):
        handle_s3_event(support.s3_event(SMA_KEY))


def test_mono_falls_back_to_standard_job_with_speaker_labels(stack: Stack) -> None:
    stack.put(SMA_KEY, support.wav_bytes(1))
    name = job_name(BUCKET, SMA_KEY)
    stack.transcribe.add_response(
        "start_transcription_job",
        {"TranscriptionJob": {"TranscriptionJobName": name, "TranscriptionJobStatus": "QUEUED"}},
        {
            "TranscriptionJobName": name,
            "LanguageCode": "en-US",
            "MediaFormat": "wav",
            "Media": {"MediaFileUri": f"s3://{BUCKET}/{SMA_KEY}"},
            "OutputBucketName": BUCKET,
            "OutputKey": "transcriptions/2026/11/20/",
            "Settings": {"ShowSpeakerLabels": True, "MaxSpeakerLabels": 2},
        },
    )
    [result] = handle_s3_event(support.s3_event(SMA_KEY))
    assert result.outcome is TranscriptionOutcome.STARTED
    record = stack.record(SMA_TX)
    assert (record["transcription_kind"], record["transcription_status"]) == ("standard", "QUEUED")
    assert any("mono" in note for note in stack.notes(SMA_TX))


def test_duplicate_event_finds_existing_job_and_changes_nothing(stack: Stack) -> None:
    stack.put(SMA_KEY, support.wav_bytes(2))
    stack.records.update(SMA_TX, {"direction": "outbound", "recorded_leg": "LEG-A"})
    name = job_name(BUCKET, SMA_KEY)
    stack.transcribe.add_response("start_call_analytics_job", analytics_response(name))
    refuse(stack, "ConflictException", JOB_EXISTS, status=409)
    first = handle_s3_event(support.s3_event(SMA_KEY))
    stack.records.update(SMA_TX, {"transcription_status": "COMPLETED", "report_key": "r.docx"})
    second = handle_s3_event(support.s3_event(SMA_KEY))
    assert [first[0].outcome, second[0].outcome] == [
        TranscriptionOutcome.STARTED,
        TranscriptionOutcome.DUPLICATE,
    ]
    assert stack.record(SMA_TX)["transcription_status"] == "COMPLETED"


def test_late_start_never_moves_a_finished_job_back(stack: Stack) -> None:
    """Out of order: the report Lambda finished the job before this handler recorded its start."""
    stack.put(SMA_KEY, support.wav_bytes(2))
    name = job_name(BUCKET, SMA_KEY)
    stack.records.update(
        SMA_TX,
        {"direction": "outbound", "transcription_job": name, "transcription_status": "COMPLETED"},
    )
    stack.transcribe.add_response("start_call_analytics_job", analytics_response(name))
    handle_s3_event(support.s3_event(SMA_KEY))
    record = stack.record(SMA_TX)
    assert (record["transcription_job"], record["transcription_status"]) == (name, "COMPLETED")


def test_every_record_is_processed(stack: Stack) -> None:
    event = json.loads((support.EVENTS / "s3" / "object_created_two_records.json").read_text())
    stack.put(SMA_KEY, support.wav_bytes(2))
    stack.transcribe.add_response(
        "start_call_analytics_job", analytics_response(job_name(BUCKET, SMA_KEY))
    )
    results = handle_s3_event(event)
    assert [r.outcome for r in results] == [
        TranscriptionOutcome.STARTED,
        TranscriptionOutcome.REJECTED,
    ]
    assert results[1].key == "recordings/notes/Call summary (2026).wav"  # unquote_plus-ed


def test_unrecognised_key_is_recorded_as_rejected(stack: Stack) -> None:
    key = "recordings/notes/Call summary.wav"
    stack.put(key, support.wav_bytes(2))
    [result] = handle_s3_event(support.s3_event(key))
    assert result.outcome is TranscriptionOutcome.REJECTED
    record = stack.record(f"{REJECTED_PREFIX}{key}")
    assert (record["recording_key"], record["rejection"]) == (key, "UnrecognisedRecordingKey")
    assert "not a recording key" in stack.notes(f"{REJECTED_PREFIX}{key}")[0]


def test_rejected_key_is_filed_under_its_transaction_from_metadata(stack: Stack) -> None:
    key = "recordings/manual/upload.wav"
    stack.put(key, support.wav_bytes(2), {"transaction-id": SMA_TX})
    handle_s3_event(support.s3_event(key))
    assert any("rejected" in note for note in stack.notes(SMA_TX))


def test_other_suffix_and_prefix_and_event_are_ignored(stack: Stack) -> None:
    results = handle_s3_event(
        {
            "Records": [
                *support.s3_event("recordings/2026/11/20/readme.txt")["Records"],
                *support.s3_event("transcriptions/2026/11/20/x.wav")["Records"],
                *support.s3_event(SMA_KEY, name="ObjectRemoved:Delete")["Records"],
            ]
        }
    )
    assert [r.outcome for r in results] == [TranscriptionOutcome.IGNORED] * 3


def test_custom_recordings_prefix(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECORDINGS_PREFIX", "calls")
    assert handle_s3_event(support.s3_event(SMA_KEY))[0].outcome is TranscriptionOutcome.IGNORED


def test_missing_object_is_noted_not_retried(stack: Stack) -> None:
    [result] = handle_s3_event(support.s3_event(SMA_KEY))
    assert result.outcome is TranscriptionOutcome.MISSING
    assert any("missing" in note for note in stack.notes(SMA_TX))


def test_zero_length_recording_is_noted(stack: Stack) -> None:
    stack.put(SMA_KEY, b"")
    [result] = handle_s3_event(support.s3_event(SMA_KEY))
    assert result.outcome is TranscriptionOutcome.UNPROCESSABLE
    assert any("zero bytes" in note for note in stack.notes(SMA_TX))


def test_corrupt_recording_is_noted(stack: Stack) -> None:
    stack.put(SMA_KEY, b"this is not audio at all" * 10)
    [result] = handle_s3_event(support.s3_event(SMA_KEY))
    assert result.outcome is TranscriptionOutcome.UNPROCESSABLE
    assert any("not a readable WAV" in note for note in stack.notes(SMA_TX))


def test_throttling_is_raised_for_lambda_retry_after_other_records(stack: Stack) -> None:
    other = SMA_KEY.replace("14-01-05-123", "14-02-00-000")
    stack.put(SMA_KEY, support.wav_bytes(2))
    stack.put(other, support.wav_bytes(2))
    refuse(stack, "LimitExceededException", status=429)
    stack.transcribe.add_response(
        "start_call_analytics_job", analytics_response(job_name(BUCKET, other))
    )
    with pytest.raises(TransientAwsError, match="LimitExceededException"):
        handle_s3_event(support.s3_event(SMA_KEY, other))
    assert stack.record(SMA_TX)["transcription_job"] == job_name(BUCKET, other)


def test_bad_request_about_the_media_is_recorded_not_retried(stack: Stack) -> None:
    stack.put(SMA_KEY, support.wav_bytes(2))
    refuse(
        stack,
        "BadRequestException",
        "The media format provided does not match the detected media format.",
    )
    [result] = handle_s3_event(support.s3_event(SMA_KEY))
    assert result.outcome is TranscriptionOutcome.UNPROCESSABLE
    assert any("media format" in note for note in stack.notes(SMA_TX))


@pytest.mark.parametrize(
    "message",
    [
        "The requested vocabulary couldn't be found. Check the vocabulary name and try again.",
        "The specified DataAccessRoleArn cannot be assumed by Amazon Transcribe.",
        "The language code xx-XX isn't supported for Call Analytics.",
        # The shape of a real request-validation refusal (quoted in a public issue about
        # StartTranscriptionJob): neither list's words, so the safe default, settings.
        "1 validation error detected: Value 'callrec-x y' at 'callAnalyticsJobName' failed to "
        "satisfy constraint: Member must satisfy regular expression pattern: ^[0-9a-zA-Z._-]+",
    ],
)
def test_bad_request_about_the_settings_is_raised_for_the_dead_letter_queue(
    stack: Stack, message: str
) -> None:
    stack.put(SMA_KEY, support.wav_bytes(2))
    refuse(stack, "BadRequestException", message)
    with pytest.raises(ConfigurationError, match="because of its settings"):
        handle_s3_event(support.s3_event(SMA_KEY))
    assert not stack.notes(SMA_TX)  # not filed as an unprocessable recording


def test_settings_refusal_does_not_stop_the_other_records(stack: Stack) -> None:
    other = SMA_KEY.replace("14-01-05-123", "14-02-00-000")
    stack.put(SMA_KEY, support.wav_bytes(2))
    stack.put(other, support.wav_bytes(2))
    refuse(stack, "BadRequestException", "The requested vocabulary couldn't be found.")
    stack.transcribe.add_response(
        "start_call_analytics_job", analytics_response(job_name(BUCKET, other))
    )
    with pytest.raises(ConfigurationError):
        handle_s3_event(support.s3_event(SMA_KEY, other))
    assert stack.record(SMA_TX)["transcription_job"] == job_name(BUCKET, other)


def test_missing_data_access_role_is_a_configuration_error(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TRANSCRIBE_DATA_ACCESS_ROLE_ARN")
    stack.put(SMA_KEY, support.wav_bytes(2))
    with pytest.raises(ConfigurationError, match="TRANSCRIBE_DATA_ACCESS_ROLE_ARN"):
        handle_s3_event(support.s3_event(SMA_KEY))


def test_s3_test_event_is_ignored(stack: Stack) -> None:
    event = {
        "Service": "Amazon S3",
        "Event": "s3:TestEvent",
        "Time": "2026-11-20T14:00:00.000Z",
        "Bucket": BUCKET,
        "RequestId": "5582815E1AEA5ADF",
        "HostId": "8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE",
    }
    assert handle_s3_event(event) == []


def test_metadata_that_disagrees_with_the_key_is_noted(stack: Stack) -> None:
    stack.put(SMA_KEY, support.wav_bytes(2), {"transaction-id": MI_TX})
    stack.transcribe.add_response(
        "start_call_analytics_job", analytics_response(job_name(BUCKET, SMA_KEY))
    )
    handle_s3_event(support.s3_event(SMA_KEY))
    assert any(f"transaction-id {MI_TX} differs" in note for note in stack.notes(SMA_TX))


def test_call_id_metadata_that_disagrees_with_the_key_is_noted(stack: Stack) -> None:
    stack.put(SMA_KEY, support.wav_bytes(2), {"transaction-id": SMA_TX, "call-id": "other-call"})
    stack.transcribe.add_response(
        "start_call_analytics_job", analytics_response(job_name(BUCKET, SMA_KEY))
    )
    handle_s3_event(support.s3_event(SMA_KEY))
    assert any("call-id other-call differs" in note for note in stack.notes(SMA_TX))


def test_encoded_key_with_spaces_and_plus_in_its_prefix_is_decoded(stack: Stack) -> None:
    """S3 event keys are URL-encoded with spaces as '+': 'a+b c' arrives as 'a%2Bb+c'."""
    key = SMA_KEY.replace("recordings/", "recordings/tech+support sales/", 1)
    stack.put(key, support.wav_bytes(2))
    event = support.s3_event(key)
    assert "tech%2Bsupport+sales" in event["Records"][0]["s3"]["object"]["key"]
    stack.transcribe.add_response(
        "start_call_analytics_job",
        analytics_response(job_name(BUCKET, key)),
        {**expected_analytics(key, 0), "CallAnalyticsJobName": job_name(BUCKET, key)},
    )
    [result] = handle_s3_event(event)
    assert (result.outcome, result.key) == (TranscriptionOutcome.STARTED, key)
    assert stack.record(SMA_TX)["recording_key"] == key


def test_record_that_is_not_an_object_is_logged_not_silently_dropped(
    stack: Stack, caplog: pytest.LogCaptureFixture
) -> None:
    event = support.s3_event("recordings/2026/11/20/readme.txt")
    event["Records"].append("not a record")
    with caplog.at_level("WARNING"):
        results = handle_s3_event(event)
    assert [r.outcome for r in results] == [TranscriptionOutcome.IGNORED]
    assert "skipped 1 S3 event record" in caplog.text


# --- edge inputs ----------------------------------------------------------------------------------
def test_upper_case_suffix_is_transcribed_not_rejected(stack: Stack) -> None:
    key = SMA_KEY.replace(".wav", ".WAV")
    stack.put(key, support.wav_bytes(2))
    stack.transcribe.add_response(
        "start_call_analytics_job",
        analytics_response(job_name(BUCKET, key)),
        {**expected_analytics(key, 0), "CallAnalyticsJobName": job_name(BUCKET, key)},
    )
    [result] = handle_s3_event(support.s3_event(key))
    assert result.outcome is TranscriptionOutcome.STARTED
    assert stack.record(SMA_TX)["recording_format"] == "wav"


def test_wav_whose_fmt_chunk_follows_a_large_list_chunk_is_transcribed(stack: Stack) -> None:
    plain = support.wav_bytes(2)
    listing = b"LIST" + struct.pack("<I", 12_000) + b"\x00" * 12_000
    body = b"WAVE" + listing + plain[12:]
    stack.put(SMA_KEY, b"RIFF" + struct.pack("<I", len(body)) + body)
    stack.transcribe.add_response(
        "start_call_analytics_job",
        analytics_response(job_name(BUCKET, SMA_KEY)),
        expected_analytics(SMA_KEY, 0),
    )
    assert handle_s3_event(support.s3_event(SMA_KEY))[0].outcome is TranscriptionOutcome.STARTED


def test_declared_duration_beyond_four_hours_is_not_sent_to_transcribe(stack: Stack) -> None:
    stack.put(SMA_KEY, support.wav_bytes(2), {"recording-duration": "14401"})
    [result] = handle_s3_event(support.s3_event(SMA_KEY))
    assert result.outcome is TranscriptionOutcome.UNPROCESSABLE
    [note] = stack.notes(SMA_TX)
    assert "over the 14,400 s (4 hours) Amazon Transcribe takes" in note
    assert "Guidelines and quotas" in note


def test_duration_implied_by_the_wav_byte_rate_beyond_the_limit_is_refused(stack: Stack) -> None:
    """A header declaring 1 byte per second makes 20 KB of audio last 20,000 s."""
    fmt = struct.pack("<HHIIHH", 1, 2, 8000, 1, 4, 16)
    body = b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt + b"data" + struct.pack("<I", 20_000)
    stack.put(SMA_KEY, b"RIFF" + struct.pack("<I", len(body) + 20_000) + body + b"\0" * 20_000)
    [result] = handle_s3_event(support.s3_event(SMA_KEY))
    assert result.outcome is TranscriptionOutcome.UNPROCESSABLE
    assert "audio file length" in stack.notes(SMA_TX)[0]


def test_size_beyond_the_call_analytics_limit_is_refused_with_the_limit_named() -> None:
    from chalicelib.errors import UnprocessableRecordingError
    from chalicelib.transcription import limits

    over = limits.Declared(size=501 * 1024**2)
    with pytest.raises(UnprocessableRecordingError, match=r"501\.0 MB, over the 500\.0 MB"):
        limits.check(over, call_analytics=True)
    limits.check(over, call_analytics=False)  # a standard job takes up to 2 GB
    with pytest.raises(UnprocessableRecordingError, match=r"over the 2\.0 GB"):
        limits.check(limits.Declared(size=2 * 1024**3 + 1), call_analytics=False)


# --- idempotency per object -----------------------------------------------------------------------
def test_new_version_of_the_object_gets_its_own_job(stack: Stack) -> None:
    stack.put(SMA_KEY, support.wav_bytes(2))
    event = support.s3_event(SMA_KEY)
    event["Records"][0]["s3"]["object"]["versionId"] = "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY"
    name = job_name(BUCKET, SMA_KEY, "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY")
    stack.transcribe.add_response(
        "start_call_analytics_job",
        analytics_response(name),
        {**expected_analytics(SMA_KEY, 0), "CallAnalyticsJobName": name},
    )
    [result] = handle_s3_event(event)
    assert (result.outcome, result.job_name) == (TranscriptionOutcome.STARTED, name)
    assert name != job_name(BUCKET, SMA_KEY)


def test_second_recording_after_the_first_finished_is_in_progress_not_completed(
    stack: Stack,
) -> None:
    """A new leg of a finished call: its own job status, not the first recording's COMPLETED."""
    second = SMA_KEY.replace("14-01-05-123", "14-06-30-000")
    stack.records.update(
        SMA_TX,
        {
            "transcription_job": job_name(BUCKET, SMA_KEY),
            "transcription_status": "COMPLETED",
            "report_key": "reports/first.docx",
        },
    )
    stack.put(second, support.wav_bytes(2))
    stack.transcribe.add_response(
        "start_call_analytics_job", analytics_response(job_name(BUCKET, second))
    )
    handle_s3_event(support.s3_event(second))
    record = stack.record(SMA_TX)
    assert (record["transcription_job"], record["transcription_status"]) == (
        job_name(BUCKET, second),
        "IN_PROGRESS",
    )


# --- generative summary -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "case",
    [
        ("", "us-east-1", "en-US", True),  # default: documented language and Region
        ("off", "us-east-1", "en-US", False),
        ("", "eu-west-3", "en-US", False),  # auto: not where the Region lacks it
        ("", "us-west-2", "fr-FR", False),  # auto: not for a language without it
        ("on", "eu-west-3", "fr-FR", True),  # on: asked whatever the Region
    ],
)
def test_generative_summary_is_requested_where_supported(
    stack: Stack, monkeypatch: pytest.MonkeyPatch, case: tuple[str, str, str, bool]
) -> None:
    setting, region, language, asked = case
    from chalicelib.transcription.config import TranscriptionConfig
    from chalicelib.transcription.jobs import ChannelRoles, call_analytics_request

    monkeypatch.setenv("TRANSCRIBE_SUMMARIZATION", setting)
    monkeypatch.setenv("AWS_REGION", region)
    monkeypatch.setenv("TRANSCRIBE_LANGUAGE_CODE", language)
    recording = parse_recording_key(SMA_KEY)
    request = call_analytics_request(
        TranscriptionConfig.from_env(), BUCKET, recording, ChannelRoles(agent_channel=0)
    )
    assert ("Summarization" in request["Settings"]) is asked
    if asked:
        assert request["Settings"]["Summarization"] == {"GenerateAbstractiveSummary": True}


def test_unknown_summarization_setting_is_a_configuration_error(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRANSCRIBE_SUMMARIZATION", "sometimes")
    with pytest.raises(ConfigurationError, match="use auto, on, off"):
        handle_s3_event(support.s3_event(SMA_KEY))


# --- settings first -------------------------------------------------------------------------------
def test_settings_are_checked_before_any_record_is_filed(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRANSCRIBE_REDACTION", "everything")
    key = "recordings/notes/Call summary.wav"  # would be filed as rejected
    stack.put(key, support.wav_bytes(2))
    with pytest.raises(ConfigurationError, match="TRANSCRIBE_REDACTION"):
        handle_s3_event(support.s3_event(key))
    assert stack.records.get(f"{REJECTED_PREFIX}{key}") is None


def test_missing_data_access_role_is_refused_before_any_record_is_filed(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TRANSCRIBE_DATA_ACCESS_ROLE_ARN")
    key = "recordings/notes/Call summary.wav"  # would be filed as rejected
    stack.put(key, support.wav_bytes(2))
    with pytest.raises(ConfigurationError, match="TRANSCRIBE_DATA_ACCESS_ROLE_ARN"):
        handle_s3_event(support.s3_event(key))
    assert stack.records.get(f"{REJECTED_PREFIX}{key}") is None
