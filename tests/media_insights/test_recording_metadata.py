"""The Kinesis data stream consumer: documented records update the call record; malformed ones
are reported in batchItemFailures while the rest of the batch is applied."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from chalicelib.errors import InvalidEventError
from chalicelib.media_insights.recording_metadata import consume, parse_s3_console_url

from .conftest import Backends, load_event, metadata_records

TX = "ec97a8ff-3f83-4de2-8d73-d988070f6af4"
KEY = f"recordings/bfggco08s5m5esgxfskzks/{TX}_2023-04-05-22-14-02-238.wav"


def kinesis_record(sequence: str, data: bytes | str) -> dict[str, Any]:
    payload = data if isinstance(data, str) else base64.b64encode(data).decode()
    return {
        "kinesis": {
            "kinesisSchemaVersion": "1.0",
            "partitionKey": "e40ee45e-2ed1-408e-9156-f52b8208a491",
            "sequenceNumber": sequence,
            "data": payload,
            "approximateArrivalTimestamp": 1680732914.12,
        },
        "eventSource": "aws:kinesis",
        "eventID": f"shardId-000000000000:{sequence}",
        "eventName": "aws:kinesis:record",
    }


def encoded(name: str, **changes: Any) -> bytes:
    body = load_event(name)
    body.update(changes)
    return json.dumps(body).encode()


def test_recording_record_locates_the_recording_like_the_sma_path(backends: Backends) -> None:
    response = consume([kinesis_record("1", encoded("kds_recording.json"))], backends.records)
    assert response == {"batchItemFailures": []}
    record = backends.record(TX)
    assert record["recording_location"] == f"s3://callrec-recordings-112233445566/{KEY}"
    assert (record["recording_bucket"], record["recording_key"]) == (
        "callrec-recordings-112233445566",
        KEY,
    )
    assert record["recording_duration"] == "68.3"
    assert record["recording_format"] == "wav"
    assert record["source_path"] == "media-insights"
    assert record["media_pipeline_id"] == "e40ee45e-2ed1-408e-9156-f52b8208a491"


@pytest.mark.parametrize(
    ("seconds", "stored"),
    [(68.3, "68.3"), (7, "7"), (3600.125, "3600.125"), (28799.999, "28799.999"), ("12.5", "12.5")],
)
def test_recording_duration_keeps_millisecond_precision(
    backends: Backends, seconds: float | str, stored: str
) -> None:
    data = encoded("kds_recording.json", recordingDurationSeconds=seconds)
    assert consume([kinesis_record("1", data)], backends.records) == {"batchItemFailures": []}
    assert backends.record(TX)["recording_duration"] == stored


def test_siprec_metadata_is_kept(backends: Backends) -> None:
    consume([kinesis_record("1", encoded("kds_recording.json"))], backends.records)
    record = backends.record(TX)
    assert record["siprec_metadata"].startswith("<?xml")
    assert json.loads(record["siprec_metadata_json"])["recording"]["datamode"] == "complete"
    assert "sip:+18155551212" in record["sip_headers"]


def test_call_analytics_metadata_record_stores_siprec_only(backends: Backends) -> None:
    consume([kinesis_record("1", encoded("kds_call_analytics_metadata.json"))], backends.records)
    record = backends.record(TX)
    assert record["siprec_metadata"].startswith("<?xml")
    assert "recording_location" not in record


def test_opus_recording_is_recorded_as_ogg(backends: Backends) -> None:
    url = load_event("kds_recording.json")["s3MediaObjectConsoleUrl"].replace(".wav", ".ogg")
    consume(
        [kinesis_record("1", encoded("kds_recording.json", s3MediaObjectConsoleUrl=url))],
        backends.records,
    )
    assert backends.record(TX)["recording_format"] == "ogg"


def test_other_detail_types_are_skipped_not_failed(backends: Backends) -> None:
    body = json.dumps({"detail-type": "Transcribe", "metadata": "{}"}).encode()
    assert consume([kinesis_record("1", body)], backends.records) == {"batchItemFailures": []}


@pytest.mark.parametrize(
    ("label", "data"),
    [
        ("not base64", "%%%not-base64%%%"),
        ("not JSON", base64.b64encode(b"\x00\x01 garbage").decode()),
        ("JSON array", base64.b64encode(b"[1, 2]").decode()),
        (
            "no transaction id",
            base64.b64encode(encoded("kds_recording.json", metadata="{}")).decode(),
        ),
        (
            "metadata not JSON",
            base64.b64encode(encoded("kds_recording.json", metadata="{oops")).decode(),
        ),
        (
            "bad duration",
            base64.b64encode(
                encoded("kds_recording.json", recordingDurationSeconds="long")
            ).decode(),
        ),
        (
            "no location",
            base64.b64encode(encoded("kds_recording.json", s3MediaObjectConsoleUrl="")).decode(),
        ),
    ],
)
def test_malformed_record_is_reported_and_the_batch_is_kept(
    backends: Backends, label: str, data: str
) -> None:
    batch = [
        kinesis_record("100", data),
        kinesis_record("101", encoded("kds_recording.json")),
    ]
    response = consume(batch, backends.records)
    assert response == {"batchItemFailures": [{"itemIdentifier": "100"}]}, label
    assert backends.record(TX)["recording_key"] == KEY  # the good record was applied


def test_malformed_record_error_is_logged_with_its_code(
    backends: Backends, caplog: pytest.LogCaptureFixture
) -> None:
    consume([kinesis_record("7", "%%%")], backends.records)
    assert "kinesis record 7 rejected: InvalidEvent" in caplog.text


def test_record_without_kinesis_object_is_reported(backends: Backends) -> None:
    response = consume([{"eventSource": "aws:kinesis"}], backends.records)
    assert response == {"batchItemFailures": [{"itemIdentifier": ""}]}


@pytest.mark.parametrize(
    ("url", "bucket", "key"),
    [
        (
            "https://s3.console.aws.amazon.com/s3/object/bkt?region=us-east-1&prefix=a/b_c.wav",
            "bkt",
            "a/b_c.wav",
        ),
        (
            "https://s3.console.aws.amazon.com/s3/object/bkt?region=us-east-1&prefix=a%2Fb%20c.ogg",
            "bkt",
            "a/b c.ogg",
        ),
        ("s3://bkt/a/b.wav", "bkt", "a/b.wav"),
    ],
)
def test_console_url_forms(url: str, bucket: str, key: str) -> None:
    location = parse_s3_console_url(url)
    assert (location.bucket, location.key) == (bucket, key)


def test_console_url_without_prefix_is_rejected() -> None:
    with pytest.raises(InvalidEventError, match="does not name a bucket and key"):
        parse_s3_console_url("https://s3.console.aws.amazon.com/s3/buckets/bkt")


def test_emulated_pipeline_output_round_trips_into_the_call_record(backends: Backends) -> None:
    """What the emulated pipeline puts on the stream is what the consumer understands."""
    from .test_pipelines import feed_stream_audio, play_call

    feed_stream_audio(backends)
    play_call(backends)
    backends.emulator.wait_idle()
    batch = [kinesis_record(str(i), data) for i, data in enumerate(metadata_records())]
    assert consume(batch, backends.records) == {"batchItemFailures": []}
    record = backends.record(TX)
    (pipeline,) = backends.emulator.pipelines.values()
    assert record["recording_key"] == pipeline.recording_key
    assert record["recording_state"] == "stopped"
    assert float(record["recording_duration"]) == pytest.approx(68.302, abs=0.01)
