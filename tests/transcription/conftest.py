"""moto-backed recordings bucket and call records table, recordings written as real WAV/Ogg bytes,
and a botocore Stubber on the Transcribe client (Transcribe is not in moto)."""

from __future__ import annotations

import io
import json
import struct
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import pytest
from botocore.stub import Stubber
from moto import mock_aws

from chalicelib import aws
from chalicelib.call_records import CallRecords

BUCKET = "callrec-recordings"
TABLE = "callrec-test-records"
ROLE = "arn:aws:iam::111122223333:role/callrec-transcribe-data-access"
EVENTS = Path(__file__).resolve().parent.parent / "events"
SMA_KEY = (
    "recordings/2026/11/20/2026-11-20-14-01-05-123_6a1c9a3e-4b8f-4c1e-9d3a-1f2e3d4c5b6a_"
    "0b4e2c8d-7f1a-4e3b-8c9d-2a1b3c4d5e6f.wav"
)
SMA_TX = "6a1c9a3e-4b8f-4c1e-9d3a-1f2e3d4c5b6a"
MI_KEY = (
    "recordings/media-insights/abcdef1ghij2klmno3pqr4/"
    "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a_2026-11-20-14-05-00-250.ogg"
)
MI_TX = "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a"


def wav_bytes(channels: int, seconds: float = 0.2, rate: int = 8000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\x01\x00" * channels * int(rate * seconds))
    return buffer.getvalue()


def opus_ogg_bytes(channels: int) -> bytes:
    """The first Ogg page of an Ogg/Opus file: its OpusHead identification header."""
    head = b"OpusHead" + bytes([1, channels]) + struct.pack("<HIhB", 312, 48000, 0, 0)
    page = b"OggS" + bytes([0, 2]) + struct.pack("<qIII", 0, 1, 0, 0)
    return page + bytes([1, len(head)]) + head + b"OggS" + b"\x00" * 64


def s3_event(*keys: str, bucket: str = BUCKET, name: str = "ObjectCreated:Put") -> dict[str, Any]:
    """An S3 notification for ``keys``, each URL-encoded as S3 encodes it (spaces as ``+``)."""
    template = json.loads((EVENTS / "s3" / "object_created_sma_recording.json").read_text())
    record = template["Records"][0]
    records = []
    for key in keys:
        entry = json.loads(json.dumps(record))
        entry["eventName"] = name
        entry["s3"]["bucket"]["name"] = bucket
        entry["s3"]["object"]["key"] = quote_plus(key, safe="/")
        records.append(entry)
    return {"Records": records}


@dataclass
class Stack:
    records: CallRecords
    transcribe: Stubber

    def put(self, key: str, body: bytes, metadata: dict[str, str] | None = None) -> None:
        aws.client("s3").put_object(Bucket=BUCKET, Key=key, Body=body, Metadata=metadata or {})

    def record(self, tx: str) -> dict[str, Any]:
        found = self.records.get(tx)
        assert found is not None, f"no call record {tx}"
        return found

    def notes(self, tx: str) -> list[str]:
        return [note["text"] for note in (self.records.get(tx) or {}).get("notes", [])]


@pytest.fixture
def stack(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stack]:
    monkeypatch.setenv("CALL_RECORDS_TABLE", TABLE)
    monkeypatch.setenv("RECORDINGS_BUCKET", BUCKET)
    monkeypatch.setenv("TRANSCRIBE_DATA_ACCESS_ROLE_ARN", ROLE)
    for name in (
        "TRANSCRIBE_REDACTION",
        "TRANSCRIBE_VOCABULARY_NAME",
        "TRANSCRIBE_LANGUAGE_CODE",
        "TRANSCRIBE_OUTPUT_KMS_KEY_ID",
        "RECORDINGS_PREFIX",
        "TRANSCRIPTS_PREFIX",
        "REPORTS_PREFIX",
        "NOTIFICATION_TOPIC_ARN",
        "REPORT_LINK_EXPIRY_SECONDS",
    ):
        monkeypatch.delenv(name, raising=False)
    with mock_aws():
        aws.client("s3").create_bucket(Bucket=BUCKET)
        aws.client("dynamodb").create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "transaction_id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "transaction_id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        with Stubber(aws.client("transcribe")) as stubber:
            yield Stack(records=CallRecords(), transcribe=stubber)
            stubber.assert_no_pending_responses()
