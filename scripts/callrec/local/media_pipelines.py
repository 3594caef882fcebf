"""Emulator of the Amazon Chime SDK Media Pipelines API calls the app makes, and of what a media
insights pipeline with an S3 recording sink and a Kinesis data stream sink then does.

moto has no Chime SDK media pipelines. This service answers the REST-JSON API on 127.0.0.1
(boto3 reaches it through ``AWS_ENDPOINT_URL_CHIME_SDK_MEDIA_PIPELINES``):

=====================================  ====================================================
CreateMediaInsightsPipelineConfiguration  ``POST /media-insights-pipeline-configurations``
GetMediaInsightsPipelineConfiguration  ``GET /media-insights-pipeline-configurations/{id}``
CreateMediaInsightsPipeline            ``POST /media-insights-pipelines`` (201)
GetMediaPipeline                       ``GET /sdk-media-pipelines/{id}``
DeleteMediaPipeline                    ``DELETE /sdk-media-pipelines/{id}`` (204)
=====================================  ====================================================

Requests are checked against the API reference's limits (two streams at most, the stream ARN
pattern, the fragment selector's enum and complete timestamp range, ``Wav``/``Opus``, the
ClientRequestToken pattern); a repeated ClientRequestToken returns the same pipeline. Errors are
REST-JSON errors botocore parses into ``ClientError`` (``BadRequestException``, ...).

A created pipeline then runs on a worker thread like the service: it reads the audio the local
stack put on the "Kinesis video streams" (``put_stream_audio``) for the selected time range,
writes a two-channel recording (16-bit PCM WAV, or Ogg/Opus via soundfile) to S3 under
``<prefix>/<voiceConnectorId>/<transactionId>_YYYY-MM-DD-HH-MM-SS-mmm.wav|.ogg``, puts the
documented ``Recording`` record on the configuration's Kinesis data stream, and emits
``Media Insights State Change`` events (InProgress, then Stopped or PermanentFailure).
"""

from __future__ import annotations

import io
import json
import logging
import queue
import re
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote

from callrec.local import audio
from callrec.local.http_server import LoopbackHttpServer
from callrec.local.ports import LOOPBACK
from callrec.local.stack import ACCOUNT_ID, REGION
from chalicelib.call_records import utc_now_iso
from chalicelib.recording_keys import key_timestamp

logger = logging.getLogger(__name__)

SERVICE = "chime-sdk-media-pipelines"
KVS_ARN = re.compile(
    r"^arn:[a-z\d-]+:kinesisvideo:[a-z0-9-]+:[0-9]+:[a-z]+/[a-zA-Z0-9_.-]+/[0-9]+$"
)
S3_ARN = re.compile(r"^arn:[a-z\d-]+:s3:::([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:/(.*))?$")
KDS_ARN = re.compile(r"^arn:[a-z\d-]+:kinesis:[a-z0-9-]+:[0-9]{12}:stream/(.+)$")
TOKEN = re.compile(r"^[-_a-zA-Z0-9]{2,64}$")
SELECTOR_TYPES = {"ProducerTimestamp", "ServerTimestamp"}
FORMATS = {"Wav": "wav", "Opus": "ogg"}
ELEMENT_TYPES = {"S3RecordingSink", "KinesisDataStreamSink"}
# Element statuses an EventBridge state change reports (NotStarted, InProgress, Stopped, Failed).
ELEMENT_STATUS = {"Initializing": "NotStarted", "Failed": "Failed"}
IDLE_TIMEOUT_S = 30.0
POLL_INTERVAL_S = 0.05  # how quickly stop() is noticed by the HTTP server loop

EventSink = Callable[[dict[str, Any]], None]


class ApiError(Exception):
    """An error answered as the service would (status, error code, message)."""

    def __init__(self, status: HTTPStatus, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _validate_streams(streams: Any) -> None:
    if not isinstance(streams, list) or not 1 <= len(streams) <= 2:
        raise _bad("Streams must hold 1 or 2 recording streams")
    for stream in streams:
        if not KVS_ARN.match(str((stream or {}).get("StreamArn", ""))):
            raise _bad(f"StreamArn {stream!r} is not a Kinesis video stream ARN")


def _validate_fragment_selector(selector: Any) -> None:
    if not isinstance(selector, Mapping):
        raise _bad("FragmentSelector is required")
    if selector.get("FragmentSelectorType") not in SELECTOR_TYPES:
        raise _bad("FragmentSelectorType must be ProducerTimestamp or ServerTimestamp")
    window = selector.get("TimestampRange")
    if not isinstance(window, Mapping):
        raise _bad("TimestampRange is required")
    start = _timestamp(window.get("StartTimestamp"), "StartTimestamp")
    end = _timestamp(window.get("EndTimestamp"), "EndTimestamp")
    if end <= start:
        raise _bad("EndTimestamp must be after StartTimestamp")


def _validate_sink(sink: Any) -> None:
    if sink is None:
        return
    if not isinstance(sink, Mapping) or not S3_ARN.match(str(sink.get("Destination", ""))):
        raise _bad("S3RecordingSinkRuntimeConfiguration.Destination must be an S3 ARN")
    if sink.get("RecordingFileFormat") not in FORMATS:
        raise _bad("RecordingFileFormat must be Wav or Opus")


def _bad(message: str) -> ApiError:
    return ApiError(HTTPStatus.BAD_REQUEST, "BadRequestException", message)


def _timestamp(value: Any, name: str) -> datetime:
    """botocore sends REST-JSON body timestamps as epoch seconds."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(float(value), UTC)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise _bad(f"{name} is not a timestamp")


@dataclass
class Configuration:
    name: str
    arn: str
    role_arn: str
    destination: str
    file_format: str
    stream_arn: str


@dataclass
class Pipeline:
    id: str
    arn: str
    configuration: Configuration
    request: dict[str, Any]
    created: str = field(default_factory=utc_now_iso)
    status: str = "Initializing"
    recording_key: str = ""
    failure: str = ""

    def describe(self) -> dict[str, Any]:
        described = {
            "MediaPipelineId": self.id,
            "MediaPipelineArn": self.arn,
            "MediaInsightsPipelineConfigurationArn": self.configuration.arn,
            "Status": self.status,
            "CreatedTimestamp": self.created,
            # Only processors and the S3 recording sink have element statuses ("Understanding
            # the call analytics statuses"); the Kinesis data stream sink has none.
            "ElementStatuses": [{"Type": "S3RecordingSink", "Status": self.status}],
        }
        for key in (
            "KinesisVideoStreamRecordingSourceRuntimeConfiguration",
            "S3RecordingSinkRuntimeConfiguration",
            "MediaInsightsRuntimeMetadata",
        ):
            if key in self.request:
                described[key] = self.request[key]
        return described


@dataclass
class StreamAudio:
    samples: audio.Samples
    start: datetime


class MediaPipelinesEmulator:
    """The service state and behaviour, usable in-process without HTTP (tests, the demo)."""

    def __init__(self, event_sink: EventSink | None = None) -> None:
        self.configurations: dict[str, Configuration] = {}
        self.pipelines: dict[str, Pipeline] = {}
        self.tokens: dict[str, str] = {}
        self.streams: dict[str, StreamAudio] = {}
        self.events: list[dict[str, Any]] = []
        self.event_sink = event_sink
        # S3 and Kinesis: the stack's clients once attached, else the environment's endpoints.
        self.client: Callable[[str], Any] = _env_client
        self._lock = threading.Lock()
        self._work: queue.Queue[str | None] = queue.Queue()
        self._worker: threading.Thread | None = None

    # --- KVS stand-in ----------------------------------------------------------------------

    def put_stream_audio(self, stream_arn: str, samples: audio.Samples, start: datetime) -> None:
        """What the Voice Connector streamed to ``stream_arn`` (8 kHz mono), from ``start``."""
        if not KVS_ARN.match(stream_arn):
            raise ValueError(f"{stream_arn!r} is not a Kinesis video stream ARN")
        self.streams[stream_arn] = StreamAudio(samples, start.astimezone(UTC))

    # --- API operations ---------------------------------------------------------------------

    def create_configuration(self, body: Mapping[str, Any]) -> dict[str, Any]:
        name = str(body.get("MediaInsightsPipelineConfigurationName", ""))
        role = str(body.get("ResourceAccessRoleArn", ""))
        if not re.fullmatch(r"[0-9a-zA-Z._-]{2,64}", name):
            raise _bad("MediaInsightsPipelineConfigurationName must be 2-64 of [0-9a-zA-Z._-]")
        if not role.startswith("arn:"):
            raise _bad("ResourceAccessRoleArn is required")
        elements = body.get("Elements") or []
        sinks = {str(e.get("Type")): e for e in elements if isinstance(e, Mapping)}
        unknown = set(sinks) - ELEMENT_TYPES
        if unknown:
            raise _bad(
                f"this emulator supports only {sorted(ELEMENT_TYPES)}, got {sorted(unknown)}"
            )
        s3 = _element(sinks, "S3RecordingSink", "S3RecordingSinkConfiguration")
        kds = _element(sinks, "KinesisDataStreamSink", "KinesisDataStreamSinkConfiguration")
        destination = str(s3.get("Destination", ""))
        if not S3_ARN.match(destination):
            raise _bad("S3RecordingSinkConfiguration.Destination must be an S3 ARN")
        file_format = str(s3.get("RecordingFileFormat", "Wav"))
        if file_format not in FORMATS:
            raise _bad("RecordingFileFormat must be Wav or Opus")
        stream_arn = str(kds.get("InsightsTarget", ""))
        if not KDS_ARN.match(stream_arn):
            raise _bad("KinesisDataStreamSinkConfiguration.InsightsTarget must be a stream ARN")
        arn = f"arn:aws:chime:{REGION}:{ACCOUNT_ID}:media-insights-pipeline-configuration/{name}"
        with self._lock:
            if arn in self.configurations:
                raise ApiError(HTTPStatus.CONFLICT, "ConflictException", f"{name} exists")
            self.configurations[arn] = Configuration(
                name, arn, role, destination, file_format, stream_arn
            )
        return {"MediaInsightsPipelineConfiguration": self._describe_configuration(arn)}

    def get_configuration(self, identifier: str) -> dict[str, Any]:
        for arn, configuration in self.configurations.items():
            if identifier in {arn, configuration.name}:
                return {"MediaInsightsPipelineConfiguration": self._describe_configuration(arn)}
        raise ApiError(HTTPStatus.NOT_FOUND, "NotFoundException", f"{identifier} not found")

    def _describe_configuration(self, arn: str) -> dict[str, Any]:
        c = self.configurations[arn]
        return {
            "MediaInsightsPipelineConfigurationName": c.name,
            "MediaInsightsPipelineConfigurationArn": c.arn,
            "ResourceAccessRoleArn": c.role_arn,
            "Elements": [
                {
                    "Type": "S3RecordingSink",
                    "S3RecordingSinkConfiguration": {
                        "Destination": c.destination,
                        "RecordingFileFormat": c.file_format,
                    },
                },
                {
                    "Type": "KinesisDataStreamSink",
                    "KinesisDataStreamSinkConfiguration": {"InsightsTarget": c.stream_arn},
                },
            ],
        }

    def create_pipeline(self, body: Mapping[str, Any]) -> dict[str, Any]:
        configuration = self._configuration_of(body)
        self._validate_pipeline_request(body)
        token = str(body.get("ClientRequestToken") or "")
        with self._lock:
            if token and token in self.tokens:
                return {"MediaInsightsPipeline": self.pipelines[self.tokens[token]].describe()}
            pipeline_id = str(uuid.uuid4())
            pipeline = Pipeline(
                id=pipeline_id,
                arn=f"arn:aws:chime:{REGION}:{ACCOUNT_ID}:media-insights-pipeline/{pipeline_id}",
                configuration=configuration,
                request=json.loads(json.dumps(body)),
            )
            self.pipelines[pipeline_id] = pipeline
            if token:
                self.tokens[token] = pipeline_id
        self._ensure_worker()
        self._work.put(pipeline_id)
        return {"MediaInsightsPipeline": pipeline.describe()}

    def get_pipeline(self, pipeline_id: str) -> dict[str, Any]:
        return {"MediaPipeline": {"MediaInsightsPipeline": self._pipeline(pipeline_id).describe()}}

    def delete_pipeline(self, pipeline_id: str) -> None:
        pipeline = self._pipeline(pipeline_id)
        with self._lock:
            if pipeline.status in {"Initializing", "InProgress"}:
                pipeline.status = "Stopped"
                self._emit(pipeline, "chime:MediaInsightsStopped")
            del self.pipelines[pipeline_id]

    def _pipeline(self, pipeline_id: str) -> Pipeline:
        if not re.fullmatch(r"[a-fA-F0-9]{8}(?:-[a-fA-F0-9]{4}){3}-[a-fA-F0-9]{12}", pipeline_id):
            raise _bad("MediaPipelineId must be a 36-character GUID")
        try:
            return self.pipelines[pipeline_id]
        except KeyError:
            raise ApiError(
                HTTPStatus.NOT_FOUND, "NotFoundException", f"media pipeline {pipeline_id} not found"
            ) from None

    def _configuration_of(self, body: Mapping[str, Any]) -> Configuration:
        arn = body.get("MediaInsightsPipelineConfigurationArn")
        if not isinstance(arn, str) or not arn:
            raise _bad("MediaInsightsPipelineConfigurationArn is required")
        try:
            return self.configurations[arn]
        except KeyError:
            raise ApiError(
                HTTPStatus.NOT_FOUND, "NotFoundException", f"configuration {arn} not found"
            ) from None

    def _validate_pipeline_request(self, body: Mapping[str, Any]) -> None:
        token = body.get("ClientRequestToken")
        if token is not None and not TOKEN.match(str(token)):
            raise _bad("ClientRequestToken must be 2-64 characters of [-_a-zA-Z0-9]")
        source = body.get("KinesisVideoStreamRecordingSourceRuntimeConfiguration")
        if not isinstance(source, Mapping):
            raise _bad("KinesisVideoStreamRecordingSourceRuntimeConfiguration is required here")
        _validate_streams(source.get("Streams"))
        _validate_fragment_selector(source.get("FragmentSelector"))
        _validate_sink(body.get("S3RecordingSinkRuntimeConfiguration"))
        metadata = body.get("MediaInsightsRuntimeMetadata", {})
        if not isinstance(metadata, Mapping) or not all(
            isinstance(k, str) and k and isinstance(v, str) for k, v in metadata.items()
        ):
            raise _bad("MediaInsightsRuntimeMetadata must map non-empty strings to strings")

    # --- running pipelines ------------------------------------------------------------------

    def _ensure_worker(self) -> None:
        with self._lock:
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(
                    target=self._work_loop, name="media-pipelines", daemon=True
                )
                self._worker.start()

    def _work_loop(self) -> None:
        while True:
            pipeline_id = self._work.get()
            try:
                if pipeline_id is None:
                    return
                pipeline = self.pipelines.get(pipeline_id)
                if pipeline is not None and pipeline.status == "Initializing":
                    self.run(pipeline)
            finally:
                self._work.task_done()

    def wait_idle(self, timeout: float = IDLE_TIMEOUT_S) -> None:
        """Block until every created pipeline has run (bounded)."""
        done = threading.Event()

        def joiner() -> None:
            self._work.join()
            done.set()

        threading.Thread(target=joiner, daemon=True).start()
        if not done.wait(timeout):
            raise TimeoutError(f"media pipelines still running after {timeout} s")

    def shutdown(self) -> None:
        if self._worker is not None and self._worker.is_alive():
            self._work.put(None)
            self._worker.join(timeout=IDLE_TIMEOUT_S)
        self._worker = None

    def run(self, pipeline: Pipeline) -> None:
        """Record, deliver metadata, report status: what the service does after Create."""
        from botocore.exceptions import BotoCoreError, ClientError

        pipeline.status = "InProgress"
        self._emit(pipeline, "chime:MediaInsightsInProgress")
        try:
            self._record(pipeline)
        except (RuntimeError, ValueError, OSError, BotoCoreError, ClientError) as error:
            # A failure inside the pipeline is reported the way the service reports it.
            pipeline.status = "Failed"
            pipeline.failure = str(error)
            logger.warning("media insights pipeline %s failed: %s", pipeline.id, error)
            self._emit(pipeline, "chime:MediaInsightsPermanentFailure", failure=str(error))
            return
        pipeline.status = "Stopped"
        self._emit(pipeline, "chime:MediaInsightsStopped")

    def _record(self, pipeline: Pipeline) -> None:
        source = pipeline.request["KinesisVideoStreamRecordingSourceRuntimeConfiguration"]
        window = source["FragmentSelector"]["TimestampRange"]
        start = _timestamp(window["StartTimestamp"], "StartTimestamp")
        end = _timestamp(window["EndTimestamp"], "EndTimestamp")
        channels = [self._stream_window(s["StreamArn"], start, end) for s in source["Streams"]]
        sink = pipeline.request.get("S3RecordingSinkRuntimeConfiguration") or {
            "Destination": pipeline.configuration.destination,
            "RecordingFileFormat": pipeline.configuration.file_format,
        }
        extension = FORMATS[sink["RecordingFileFormat"]]
        data = _encode(channels, extension)
        bucket, prefix = _bucket_and_prefix(sink["Destination"])
        metadata = dict(pipeline.request.get("MediaInsightsRuntimeMetadata") or {})
        key = recording_key(prefix, metadata, pipeline.id, start, extension)
        content_type = "audio/wav" if extension == "wav" else "audio/ogg"
        self.client("s3").put_object(Bucket=bucket, Key=key, Body=data, ContentType=content_type)
        pipeline.recording_key = key
        duration = max(len(c) for c in channels) / audio.RATE
        record = {
            "time": utc_now_iso(),
            "service-type": "CallAnalytics",
            "detail-type": "Recording",
            "mediaInsightsPipelineId": pipeline.id,
            "s3MediaObjectConsoleUrl": console_url(bucket, key),
            "recordingDurationSeconds": round(duration, 3),
            "metadata": json.dumps(
                {
                    **metadata,
                    "startTime": start.isoformat().replace("+00:00", "Z"),
                    "endTime": end.isoformat().replace("+00:00", "Z"),
                }
            ),
        }
        stream_name = KDS_ARN.match(pipeline.configuration.stream_arn)
        assert stream_name is not None  # validated when the configuration was created
        self.client("kinesis").put_record(
            StreamName=stream_name.group(1),
            Data=json.dumps(record).encode(),
            PartitionKey=pipeline.id,
        )

    def _stream_window(self, stream_arn: str, start: datetime, end: datetime) -> audio.Samples:
        import numpy as np

        stream = self.streams.get(stream_arn)
        if stream is None:
            raise RuntimeError(f"no fragments in {stream_arn} for the selected range")
        first = max(0, round((start - stream.start).total_seconds() * audio.RATE))
        last = round((end - stream.start).total_seconds() * audio.RATE)
        window = np.asarray(stream.samples, dtype=np.float32)[first:last]
        if len(window) == 0:
            raise RuntimeError(f"no fragments in {stream_arn} for the selected range")
        return window

    def _emit(self, pipeline: Pipeline, event_type: str, failure: str = "") -> None:
        metadata = pipeline.request.get("MediaInsightsRuntimeMetadata") or {}
        detail: dict[str, Any] = {
            "version": "0",
            "mediaInsightsPipelineArn": pipeline.arn,
            "eventType": event_type,
            **{k: v for k, v in metadata.items() if isinstance(v, str)},
            # The configuration has several elements, so the event lists the statuses of those
            # that have one: here the S3 recording sink.
            "mediaInsightsPipelineElementStatuses": [
                {
                    "type": "S3RecordingSink",
                    "status": ELEMENT_STATUS.get(pipeline.status, pipeline.status),
                    "updatedOn": int(datetime.now(UTC).timestamp() * 1000),
                }
            ],
        }
        if failure:
            detail["failureReason"] = failure
        event = {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "Media Insights State Change",
            "source": "aws.chime",
            "account": ACCOUNT_ID,
            "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "region": REGION,
            "resources": [],
            "detail": detail,
        }
        self.events.append(event)
        if self.event_sink is not None:
            self.event_sink(event)


def _element(sinks: Mapping[str, Any], kind: str, configuration: str) -> Mapping[str, Any]:
    value = (sinks.get(kind) or {}).get(configuration) or {}
    return value if isinstance(value, Mapping) else {}


def _bucket_and_prefix(destination: str) -> tuple[str, str]:
    match = S3_ARN.match(destination)
    if match is None:
        raise ValueError(f"{destination!r} is not an S3 ARN")
    return match.group(1), (match.group(2) or "").strip("/")


def recording_key(
    prefix: str, metadata: Mapping[str, str], pipeline_id: str, start: datetime, extension: str
) -> str:
    """``<prefix>/<voiceConnectorId>/<transactionId>_YYYY-MM-DD-HH-MM-SS-mmm.<ext>``."""
    when = key_timestamp(start)
    connector = metadata.get("voiceConnectorId") or "unknown-voice-connector"
    transaction = metadata.get("transactionId") or pipeline_id
    name = f"{connector}/{transaction}_{when}.{extension}"
    return f"{prefix}/{name}" if prefix else name


def _env_client(service: str) -> Any:
    import boto3

    return boto3.client(service)


def console_url(bucket: str, key: str) -> str:
    return (
        f"https://s3.console.aws.amazon.com/s3/object/{bucket}"
        f"?region={REGION}&prefix={quote(key, safe='/')}"
    )


def _encode(channels: list[audio.Samples], extension: str) -> bytes:
    if extension == "wav":
        return audio.write_wav(channels)
    import numpy as np
    import soundfile

    length = max(len(c) for c in channels)
    stacked = np.stack([np.pad(c, (0, length - len(c))) for c in channels], axis=1)
    buffer = io.BytesIO()
    soundfile.write(buffer, stacked, audio.RATE, format="OGG", subtype="OPUS")
    return buffer.getvalue()


class _Handler(BaseHTTPRequestHandler):
    emulator: MediaPipelinesEmulator

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("media-pipelines: " + format, *args)

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        path = self.path.split("?", 1)[0].rstrip("/")
        try:
            body = self._body()
            status, result = self._route(method, path, body)
        except ApiError as error:
            self._reply(error.status, {"__type": error.code, "message": error.message}, error.code)
            return
        self._reply(status, result)

    def _route(
        self, method: str, path: str, body: dict[str, Any]
    ) -> tuple[HTTPStatus, dict[str, Any] | None]:
        e = self.emulator
        parts = path.strip("/").split("/")
        if method == "POST" and path == "/media-insights-pipelines":
            return HTTPStatus.CREATED, e.create_pipeline(body)
        if method == "POST" and path == "/media-insights-pipeline-configurations":
            return HTTPStatus.CREATED, e.create_configuration(body)
        if (
            method == "GET"
            and len(parts) == 2
            and parts[0] == "media-insights-pipeline-configurations"
        ):
            return HTTPStatus.OK, e.get_configuration(_unquote(parts[1]))
        if len(parts) == 2 and parts[0] == "sdk-media-pipelines":
            if method == "GET":
                return HTTPStatus.OK, e.get_pipeline(parts[1])
            if method == "DELETE":
                e.delete_pipeline(parts[1])
                return HTTPStatus.NO_CONTENT, None
        raise ApiError(
            HTTPStatus.NOT_FOUND, "NotFoundException", f"{method} {path} is not emulated"
        )

    def _body(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        if not length:
            return {}
        try:
            body = json.loads(self.rfile.read(length))
        except json.JSONDecodeError as error:
            raise _bad(f"request body is not JSON: {error.msg}") from error
        if not isinstance(body, dict):
            raise _bad("request body is not a JSON object")
        return body

    def _reply(self, status: HTTPStatus, body: dict[str, Any] | None, error: str = "") -> None:
        payload = b"" if body is None else json.dumps(body, default=str).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        if error:
            self.send_header("x-amzn-ErrorType", error)
        self.end_headers()
        if payload:
            self.wfile.write(payload)


def _unquote(text: str) -> str:
    from urllib.parse import unquote

    return unquote(text)


class MediaPipelinesService:
    """The emulator behind a loopback HTTP server: a LocalService for ``callrec.local.stack``."""

    name = "media-pipelines"

    def __init__(self, emulator: MediaPipelinesEmulator | None = None) -> None:
        self.emulator = emulator or MediaPipelinesEmulator()
        self._http: LoopbackHttpServer | None = None
        self.url = ""

    def attach(self, stack: Any) -> None:
        """Write recordings and metadata records through ``stack``'s S3 and Kinesis."""
        self.emulator.client = stack.client

    def start(self) -> Mapping[str, str]:
        handler = type("Handler", (_Handler,), {"emulator": self.emulator})
        self._http = LoopbackHttpServer(
            ThreadingHTTPServer((LOOPBACK, 0), handler), "media-pipelines-http", POLL_INTERVAL_S
        )
        self.url = self._http.start()
        return {SERVICE: self.url}

    def stop(self) -> None:
        self.emulator.shutdown()
        if self._http is not None:
            self._http.stop()
            self._http = None
