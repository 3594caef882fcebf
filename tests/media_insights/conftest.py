"""Fixtures of the media insights path: moto (in-process) for DynamoDB, S3 and Kinesis, and the
media pipelines emulator on loopback for the Chime SDK Media Pipelines API moto lacks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from callrec.local.media_pipelines import SERVICE, MediaPipelinesEmulator, MediaPipelinesService
from chalicelib import aws
from chalicelib.call_records import CallRecords

EVENTS = Path(__file__).resolve().parent.parent / "events" / "media_insights"
TABLE = "callrec-call-records"
BUCKET = "callrec-recordings-123456789012"
STREAM = "callrec-media-insights-metadata"
ROLE = "arn:aws:iam::123456789012:role/callrec-media-insights-access"


def load_event(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EVENTS / name).read_text())
    return data


@dataclass
class Backends:
    records: CallRecords
    emulator: MediaPipelinesEmulator
    configuration_arn: str

    def record(self, transaction_id: str) -> dict[str, Any]:
        return self.records.get(transaction_id) or {}


@pytest.fixture
def backends(monkeypatch: pytest.MonkeyPatch) -> Iterator[Backends]:
    service = MediaPipelinesService()
    endpoints = service.start()
    monkeypatch.setenv("AWS_ENDPOINT_URL_CHIME_SDK_MEDIA_PIPELINES", endpoints[SERVICE])
    aws.reset_clients()
    try:
        with mock_aws():
            dynamodb = boto3.client("dynamodb")
            dynamodb.create_table(
                TableName=TABLE,
                KeySchema=[{"AttributeName": "transaction_id", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "transaction_id", "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
            )
            boto3.client("s3").create_bucket(Bucket=BUCKET)
            boto3.client("kinesis").create_stream(StreamName=STREAM, ShardCount=1)
            configuration = service.emulator.create_configuration(
                {
                    "MediaInsightsPipelineConfigurationName": "callrec-recording",
                    "ResourceAccessRoleArn": ROLE,
                    "Elements": [
                        {
                            "Type": "S3RecordingSink",
                            "S3RecordingSinkConfiguration": {
                                "Destination": f"arn:aws:s3:::{BUCKET}/recordings",
                                "RecordingFileFormat": "Wav",
                            },
                        },
                        {
                            "Type": "KinesisDataStreamSink",
                            "KinesisDataStreamSinkConfiguration": {
                                "InsightsTarget": (
                                    f"arn:aws:kinesis:us-east-1:123456789012:stream/{STREAM}"
                                )
                            },
                        },
                    ],
                }
            )
            arn = configuration["MediaInsightsPipelineConfiguration"][
                "MediaInsightsPipelineConfigurationArn"
            ]
            monkeypatch.setenv("CALL_RECORDS_TABLE", TABLE)
            monkeypatch.setenv("MEDIA_INSIGHTS_PIPELINE_CONFIGURATION_ARN", arn)
            for name in (
                "MEDIA_INSIGHTS_FRAGMENT_SELECTOR",
                "MEDIA_INSIGHTS_SINK_DESTINATION",
                "MEDIA_INSIGHTS_SINK_FORMAT",
                "MEDIA_INSIGHTS_START_MODE",
            ):
                monkeypatch.delenv(name, raising=False)
            yield Backends(CallRecords(TABLE), service.emulator, arn)
    finally:
        service.stop()
        aws.reset_clients()


def metadata_records(stream: str = STREAM) -> list[bytes]:
    """Every record on the metadata stream (single shard), oldest first."""
    kinesis = boto3.client("kinesis")
    shard = kinesis.describe_stream(StreamName=stream)["StreamDescription"]["Shards"][0]
    iterator = kinesis.get_shard_iterator(
        StreamName=stream, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    return [record["Data"] for record in kinesis.get_records(ShardIterator=iterator)["Records"]]
