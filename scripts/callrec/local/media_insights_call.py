"""``callrec demo --path media-insights``: one call through the second recording path, offline.

The Voice Connector side is played by this module: it turns the scenario's utterances into the
two audio streams a Voice Connector sends to Kinesis Video Streams (caller and callee), puts
them on the media pipelines emulator's stand-in streams, and publishes the documented
``Chime VoiceConnector Streaming Status`` events (STARTED, then ENDED, per stream) on the local
EventBridge. From there everything is the app's own wiring: the streaming status function
creates the pipeline, the emulator records and reports on Kinesis and EventBridge, the
recording metadata function (fed by :class:`KinesisPump`, Lambda's Kinesis poller here) and the
state change function update the call record, and the recording's S3 event starts the same
transcription, report and notification stages as the SMA path (``callrec.local.demo``).
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from callrec.local import audio, speech
from callrec.local import definitions as defs
from callrec.local.delivery import EventDelivery
from callrec.local.demo import (
    DemoOptions,
    DemoResult,
    Progress,
    Stage,
    StageFailedError,
    _chalice_app,
    _environment,
    _load_scenario,
    _Pipeline,
)
from callrec.local.media_pipelines import MediaPipelinesEmulator, MediaPipelinesService
from callrec.local.moto_service import MotoService
from callrec.local.resources import app_environment, provision
from callrec.local.sma_runtime import phrases
from callrec.local.stack import ACCOUNT_ID, REGION, LocalStack
from callrec.local.transcribe.server import TranscribeService
from chalicelib.call_records import iso_utc

VOICE_CONNECTOR_ID = "callreclocalvc0000000001"
METADATA_STREAM = "callrec-media-insights-metadata"
CONFIGURATION_NAME = "callrec-recording"
RECORDING_FUNCTION = "media_insights_recording_metadata"
LEAD_IN_S = 1.0  # silence before the first utterance and after the last


@dataclass
class VoiceConnectorCall:
    """One call as a Voice Connector streams it: two mono 8 kHz tracks and the call's identity."""

    outbound: bool
    from_number: str
    to_number: str
    caller: audio.Samples
    callee: audio.Samples
    started: datetime
    transaction_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    call_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    voice_connector_id: str = VOICE_CONNECTOR_ID
    stream_ids: dict[bool, str] = field(
        default_factory=lambda: {True: str(uuid.uuid4()), False: str(uuid.uuid4())}
    )

    @property
    def ended(self) -> datetime:
        return self.started + timedelta(
            seconds=max(len(self.caller), len(self.callee)) / audio.RATE
        )

    def stream_arn(self, is_caller: bool) -> str:
        created = int(self.started.timestamp() * 1000)
        name = f"ChimeVoiceConnector-{self.voice_connector_id}-{self.stream_ids[is_caller]}"
        return f"arn:aws:kinesisvideo:{REGION}:{ACCOUNT_ID}:stream/{name}/{created}"

    def streaming_detail(self, status: str, is_caller: bool) -> dict[str, Any]:
        """The ``detail`` of the documented streaming event for one stream."""
        detail: dict[str, Any] = {
            "callId": self.call_id,
            "direction": "Outbound" if self.outbound else "Inbound",
            "fromNumber": self.from_number,
            "isCaller": is_caller,
            "mediaType": "audio/L16",
            "startFragmentNumber": str(91343852333181437344442219794598596340754947404 + is_caller),
            "startTime": iso_utc(self.started),
            "streamArn": self.stream_arn(is_caller),
            "toNumber": self.to_number,
            "transactionId": self.transaction_id,
            "voiceConnectorId": self.voice_connector_id,
            "streamingStatus": status,
            "version": "0",
        }
        if status == "ENDED":
            detail["endTime"] = iso_utc(self.ended)
        return detail


def call_from_scenario(scenario: Any, base_dir: Path | None = None) -> VoiceConnectorCall:
    """The scenario's conversation on the caller's and the callee's stream."""
    import numpy as np

    if not scenario.utterances:
        raise StageFailedError(Stage.CALL, "the scenario has no utterances to stream")
    offset = min(u.at for u in scenario.utterances) - LEAD_IN_S
    tracks: dict[bool, Any] = {True: np.zeros(0, np.float32), False: np.zeros(0, np.float32)}
    for utterance in scenario.utterances:
        voice = _voice(utterance.party.value, scenario.outbound)
        samples = speech.speech_for(
            speech.Utterance(voice, utterance.text, utterance.clip or None), base_dir
        )
        owner_speaks = voice == "owner"
        is_caller = owner_speaks == scenario.outbound
        tracks[is_caller] = audio.place(tracks[is_caller], samples, utterance.at - offset)
    length = max(len(t) for t in tracks.values()) + round(LEAD_IN_S * audio.RATE)
    caller, callee = (
        np.pad(tracks[side], (0, length - len(tracks[side]))) for side in (True, False)
    )
    started = datetime.now(UTC) - timedelta(seconds=length / audio.RATE)
    callee_number = scenario.callee.number
    return VoiceConnectorCall(
        outbound=scenario.outbound,
        from_number=scenario.caller,
        to_number=callee_number,
        caller=caller,
        callee=callee,
        started=started,
    )


def _voice(party: str, outbound: bool) -> str:
    if party in ("owner", "other"):
        return party
    return "owner" if (party == "caller") == outbound else "other"


@dataclass
class KinesisPump:
    """Lambda's Kinesis poller for one function: reads new records, invokes it with a batch."""

    kinesis: Any
    stream: str
    lambda_client: Any  # chalice.test.Client of the app
    function: str = RECORDING_FUNCTION
    failures: list[dict[str, str]] = field(default_factory=list)
    _iterators: dict[str, str] = field(default_factory=dict)

    def start(self) -> None:
        shards = self.kinesis.describe_stream(StreamName=self.stream)["StreamDescription"]["Shards"]
        for shard in shards:
            self._iterators[shard["ShardId"]] = self.kinesis.get_shard_iterator(
                StreamName=self.stream, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"]

    def pump(self) -> int:
        """Deliver what arrived since the last call; returns the number of records delivered."""
        delivered = 0
        for shard, iterator in list(self._iterators.items()):
            response = self.kinesis.get_records(ShardIterator=iterator, Limit=100)
            self._iterators[shard] = response["NextShardIterator"]
            records = response.get("Records", [])
            if records:
                self._invoke(shard, records)
                delivered += len(records)
        return delivered

    def _invoke(self, shard: str, records: list[dict[str, Any]]) -> None:
        arn = f"arn:aws:kinesis:{REGION}:{ACCOUNT_ID}:stream/{self.stream}"
        event = {
            "Records": [
                {
                    "kinesis": {
                        "kinesisSchemaVersion": "1.0",
                        "partitionKey": record["PartitionKey"],
                        "sequenceNumber": record["SequenceNumber"],
                        "data": base64.b64encode(record["Data"]).decode(),
                        "approximateArrivalTimestamp": record[
                            "ApproximateArrivalTimestamp"
                        ].timestamp(),
                    },
                    "eventSource": "aws:kinesis",
                    "eventVersion": "1.0",
                    "eventID": f"{shard}:{record['SequenceNumber']}",
                    "eventName": "aws:kinesis:record",
                    "awsRegion": REGION,
                    "eventSourceARN": arn,
                }
                for record in records
            ]
        }
        response = self.lambda_client.lambda_.invoke(self.function, event).payload
        self.failures.extend(response.get("batchItemFailures", []))


def provision_media_insights(
    emulator: MediaPipelinesEmulator,
    client: Any,
    definitions: defs.Definitions,
    file_format: str,
) -> dict[str, str]:
    """The metadata stream and the pipeline configuration; returns the functions' environment."""
    client("kinesis").create_stream(StreamName=METADATA_STREAM, ShardCount=1)
    destination = f"arn:aws:s3:::{definitions.recordings_bucket}/{definitions.recordings_prefix}"
    created = emulator.create_configuration(
        {
            "MediaInsightsPipelineConfigurationName": CONFIGURATION_NAME,
            "ResourceAccessRoleArn": (
                f"arn:aws:iam::{ACCOUNT_ID}:role/callrec-media-insights-access"
            ),
            "Elements": [
                {
                    "Type": "S3RecordingSink",
                    "S3RecordingSinkConfiguration": {
                        "Destination": destination,
                        "RecordingFileFormat": "Wav",
                    },
                },
                {
                    "Type": "KinesisDataStreamSink",
                    "KinesisDataStreamSinkConfiguration": {
                        "InsightsTarget": (
                            f"arn:aws:kinesis:{REGION}:{ACCOUNT_ID}:stream/{METADATA_STREAM}"
                        )
                    },
                },
            ],
        }
    )
    configuration = created["MediaInsightsPipelineConfiguration"]
    return {
        "MEDIA_INSIGHTS_PIPELINE_CONFIGURATION_ARN": configuration[
            "MediaInsightsPipelineConfigurationArn"
        ],
        "MEDIA_INSIGHTS_FRAGMENT_SELECTOR": "ProducerTimestamp",
        "MEDIA_INSIGHTS_SINK_DESTINATION": destination,
        "MEDIA_INSIGHTS_SINK_FORMAT": file_format,
        "MEDIA_INSIGHTS_METADATA_STREAM": METADATA_STREAM,
    }


def run(
    options: DemoOptions, progress: Progress = print, *, file_format: str = "Wav"
) -> DemoResult:
    """Run the media insights demo; raises StageFailedError when a stage fails."""
    result = DemoResult()
    started = time.perf_counter()
    scenario = _load_scenario(options.scenario)
    definitions = defs.load(ACCOUNT_ID, REGION, f"sma-{scenario.name}")
    transcribe = TranscribeService(phrases=phrases(scenario, []))
    emulator = MediaPipelinesEmulator()
    with LocalStack([MotoService(), transcribe, MediaPipelinesService(emulator)]) as stack:
        events = stack.client("events")
        emulator.event_sink = lambda event: _put_event(events, event)
        provisioned = provision(definitions, stack.client)
        environment = {
            **app_environment(definitions, provisioned),
            **provision_media_insights(emulator, stack.client, definitions, file_format),
        }
        with _environment(environment):
            app = _chalice_app()
            delivery = EventDelivery.wired(stack.client, app, provisioned.dead_letter_url)
            pump = KinesisPump(stack.client("kinesis"), METADATA_STREAM, delivery.lambda_client())
            pump.start()
            result.seconds["setup"] = time.perf_counter() - started
            progress(
                f"[setup] moto {stack.endpoints['s3']}, "
                f"transcribe {stack.endpoints['transcribe']}, "
                f"media pipelines {stack.endpoints['chime-sdk-media-pipelines']}; "
                f"configuration {CONFIGURATION_NAME} ({file_format}), stream {METADATA_STREAM}"
            )
            flow = _MediaInsightsFlow(
                options, scenario, definitions, stack, delivery, provisioned, result, progress
            )
            flow.kinesis = pump
            flow.emulator = emulator
            flow.run_media_insights(transcribe)
    result.seconds["total"] = time.perf_counter() - started
    return result


def _put_event(events: Any, event: Mapping[str, Any]) -> None:
    events.put_events(
        Entries=[
            {
                "Source": event["source"],
                "DetailType": event["detail-type"],
                "Detail": json.dumps(event["detail"]),
                "Resources": list(event.get("resources", [])),
            }
        ]
    )


@dataclass
class _MediaInsightsFlow(_Pipeline):
    kinesis: Any = None
    emulator: Any = None

    def run_media_insights(self, transcribe: TranscribeService) -> None:
        mark = time.perf_counter()
        call = self._stream_call()
        self._media_recording(call)
        self.result.seconds["call+recording"] = time.perf_counter() - mark
        self._process_recording(transcribe)

    def _stream_call(self) -> VoiceConnectorCall:
        call = call_from_scenario(self.scenario, self.options.scenario.parent)
        self.result.transaction_id = call.transaction_id
        for is_caller, samples in ((True, call.caller), (False, call.callee)):
            self.emulator.put_stream_audio(call.stream_arn(is_caller), samples, call.started)
        events = self.stack.client("events")
        for status in ("STARTED", "ENDED"):
            for is_caller in (True, False):
                _put_event(
                    events,
                    {
                        "source": "aws.chime",
                        "detail-type": "Chime VoiceConnector Streaming Status",
                        "detail": call.streaming_detail(status, is_caller),
                    },
                )
        self._pump_all(lambda: bool(self._record().get("media_pipeline_id")), Stage.CALL)
        record = self._record()
        self.progress(
            f"[call] Voice Connector {call.voice_connector_id} streamed "
            f"{(call.ended - call.started).total_seconds():.1f} s on 2 streams "
            f"({record.get('direction')}); 4 streaming events -> media insights pipeline "
            f"{record['media_pipeline_id']}"
        )
        return call

    def _media_recording(self, call: VoiceConnectorCall) -> None:
        self.emulator.wait_idle(self.options.timeout_s)
        self._pump_all(lambda: bool(self._record().get("recording_key")), Stage.RECORDING)
        record = self._record()
        if record.get("recording_state") == "failed":
            raise StageFailedError(Stage.RECORDING, f"pipeline failed: {record.get('notes')}")
        bucket, key = str(record["recording_bucket"]), str(record["recording_key"])
        self.options.out_dir.mkdir(parents=True, exist_ok=True)
        path = self.options.out_dir / f"recording{Path(key).suffix.lower()}"
        path.write_bytes(self.stack.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read())
        self.result.recording = path
        self.result.recording_uri = f"s3://{bucket}/{key}"
        self.result.recording_metadata = {
            "recording-duration": str(record.get("recording_duration", "")),
            "recording-audio-file-format": str(record.get("recording_format", "")),
            "transaction-id": call.transaction_id,
        }
        if self.kinesis.failures:
            self.result.notes.append(f"metadata records rejected: {self.kinesis.failures}")
        self.progress(
            f"[recording] {self.result.recording_uri} (2 channels, "
            f"{record.get('recording_duration')} s, {record.get('recording_format')}); "
            f"pipeline status {record.get('media_pipeline_status')}"
        )

    def _pump_all(self, until: Any, stage: Stage) -> None:
        def step() -> bool:
            self.kinesis.pump()
            return bool(until())

        self._pump(step, stage)
