"""Transcription jobs: validation, the job table, and the asynchronous work behind them.

A job is accepted (IN_PROGRESS), processed on a worker thread — media read from S3, voice
activity and recognition per channel (channels decoded in parallel processes), analytics — its
output written where the request asked, and then ``Call Analytics Job State Change`` (or
``Transcribe Job State Change``) is put on the default EventBridge bus, as the service does.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from callrec.local import audio
from callrec.local.transcribe import analytics, output
from callrec.local.transcribe.asr import PhraseModel, Word, decode_segments
from chalicelib.errors import TranscriptError
from chalicelib.report.locations import split_s3_uri

JOB_NAME = re.compile(r"^[0-9a-zA-Z._-]+$")
ROLES = ("AGENT", "CUSTOMER")
SUPPORTED_FORMATS = {"wav", "ogg"}  # what audio.read_media decodes
NOT_FOUND = "The requested job couldn't be found. Check the job name and try your request again."


class JobKind(StrEnum):
    CALL_ANALYTICS = "CallAnalytics"
    STANDARD = "Transcription"


class JobStatus(StrEnum):
    QUEUED = "QUEUED"
    IN_PROGRESS = "IN_PROGRESS"
    FAILED = "FAILED"
    COMPLETED = "COMPLETED"


class ServiceError(Exception):
    """An API error in Transcribe's documented shape: ``__type`` + ``Message``, HTTP status."""

    def __init__(self, error_type: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.status = status


def bad_request(message: str) -> ServiceError:
    return ServiceError("BadRequestException", message)


@dataclass
class Job:
    kind: JobKind
    name: str
    request: dict[str, Any]
    media_bucket: str
    media_key: str
    output_bucket: str | None
    output_key: str
    status: JobStatus = JobStatus.IN_PROGRESS
    created: float = field(default_factory=time.time)
    started: float = field(default_factory=time.time)
    completed: float | None = None
    failure: str | None = None
    media_format: str = "wav"
    sample_rate: int | None = None
    managed_output: bytes | None = None  # output kept by the service when no bucket was given
    skipped: list[dict[str, str]] = field(default_factory=list)  # CallAnalyticsJobDetails


def parse_s3_uri(uri: str) -> tuple[str, str]:
    """(bucket, key) of an ``s3://`` or S3 https URI, refused in the service's words."""
    try:
        return split_s3_uri(uri)
    except TranscriptError as error:
        raise bad_request(
            f"The S3 URI {uri!r} isn't valid. Check the URI and try again."
        ) from error


def _validate_name(name: Any, field_name: str) -> str:
    # The service reports constraint violations as BadRequestException, in this wording.
    member = field_name[0].lower() + field_name[1:]
    prefix = (
        f"1 validation error detected: Value '{name}' at '{member}' failed to satisfy constraint: "
    )
    if not isinstance(name, str) or not name:
        raise bad_request(prefix + "Member must have length greater than or equal to 1")
    if len(name) > 200:
        raise bad_request(prefix + "Member must have length less than or equal to 200")
    if not JOB_NAME.match(name):
        raise bad_request(
            prefix + "Member must satisfy regular expression pattern: ^[0-9a-zA-Z._-]+"
        )
    if name in {".", ".."}:
        raise bad_request(f"{field_name} can't be '.' or '..'.")
    return name


def _channel_roles(definitions: Any) -> dict[int, str]:
    if definitions is None:
        return {0: "AGENT", 1: "CUSTOMER"}
    if not isinstance(definitions, list) or len(definitions) != 2:
        raise bad_request("ChannelDefinitions must have exactly 2 items.")
    roles: dict[int, str] = {}
    for definition in definitions:
        channel = definition.get("ChannelId") if isinstance(definition, dict) else None
        role = definition.get("ParticipantRole") if isinstance(definition, dict) else None
        if channel not in (0, 1) or role not in ROLES:
            raise bad_request(
                "Each channel definition needs ChannelId 0 or 1 and a role AGENT or CUSTOMER."
            )
        roles[int(channel)] = str(role)
    if len(roles) != 2 or len(set(roles.values())) != 2:
        raise bad_request("The agent and the customer must each have their own channel.")
    return roles


def _call_analytics_output(location: str | None, name: str) -> tuple[str | None, str]:
    if not location:
        return None, f"{name}.json"
    if not location.startswith("s3://"):
        raise bad_request("OutputLocation must be an s3:// URI.")
    bucket, _, key = location[len("s3://") :].partition("/")
    if not bucket:
        raise bad_request("OutputLocation must name a bucket.")
    if not key:
        return bucket, f"{name}.json"
    if key.endswith("/"):
        return bucket, f"{key}{name}.json"
    if key.endswith(".json"):
        return bucket, key
    return bucket, f"{key}/{name}.json"


def _iso(epoch: float | None) -> float | None:
    return None if epoch is None else round(epoch, 3)


class JobService:
    """The job table and workers of one emulator instance."""

    def __init__(
        self,
        *,
        client: Callable[[str], Any],
        account_id: str,
        region: str,
        phrases: Sequence[str] = (),
        service_url: Callable[[], str] = lambda: "",
        processes: int = 2,
    ) -> None:
        self._client = client
        self.account_id = account_id
        self.region = region
        self._phrases = list(phrases)
        self._model: PhraseModel | None = None
        self._service_url = service_url
        self._jobs: dict[tuple[JobKind, str], Job] = {}
        self._lock = threading.Lock()
        self._workers = ThreadPoolExecutor(max_workers=2, thread_name_prefix="transcribe-job")
        self._processes = processes
        self._pool: Executor | None = None
        self.timings: list[dict[str, float]] = []

    # --- lifecycle ---------------------------------------------------------------------------
    def warm_up(self) -> None:
        """Start the decoder processes ahead of the first job (they take a moment to spawn)."""
        pool = self._process_pool()
        for _ in range(self._processes):
            pool.submit(_warm)

    def shutdown(self) -> None:
        self._workers.shutdown(wait=True, cancel_futures=True)
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _process_pool(self) -> Executor:
        if self._pool is None:
            import multiprocessing

            self._pool = ProcessPoolExecutor(
                max_workers=self._processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_ignore_interrupts,
            )
        return self._pool

    def wait_idle(self, timeout_s: float = 60.0) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with self._lock:
                busy = any(j.status is JobStatus.IN_PROGRESS for j in self._jobs.values())
            if not busy:
                return True
            time.sleep(0.05)
        return False

    # --- API ---------------------------------------------------------------------------------
    def start_call_analytics_job(self, body: dict[str, Any]) -> dict[str, Any]:
        name = _validate_name(body.get("CallAnalyticsJobName"), "CallAnalyticsJobName")
        media = body.get("Media")
        if not isinstance(media, dict) or not media.get("MediaFileUri"):
            raise bad_request("Media.MediaFileUri is required.")
        bucket, key = parse_s3_uri(str(media["MediaFileUri"]))
        roles = _channel_roles(body.get("ChannelDefinitions"))
        output_bucket, output_key = _call_analytics_output(body.get("OutputLocation"), name)
        job = Job(JobKind.CALL_ANALYTICS, name, body, bucket, key, output_bucket, output_key)
        job.request["_roles"] = roles
        return {"CallAnalyticsJob": self._describe(self._admit(job))}

    def get_call_analytics_job(self, body: dict[str, Any]) -> dict[str, Any]:
        return {
            "CallAnalyticsJob": self._describe(
                self._find(JobKind.CALL_ANALYTICS, body, "CallAnalyticsJobName")
            )
        }

    def start_transcription_job(self, body: dict[str, Any]) -> dict[str, Any]:
        name = _validate_name(body.get("TranscriptionJobName"), "TranscriptionJobName")
        media = body.get("Media")
        if not isinstance(media, dict) or not media.get("MediaFileUri"):
            raise bad_request("Media.MediaFileUri is required.")
        if not body.get("LanguageCode") and not body.get("IdentifyLanguage"):
            raise bad_request("Specify a LanguageCode or set IdentifyLanguage to true.")
        media_format = body.get("MediaFormat")
        if media_format is not None and media_format not in SUPPORTED_FORMATS:
            raise bad_request(
                f"The local emulator decodes only WAV and Ogg media, not {media_format}."
            )
        bucket, key = parse_s3_uri(str(media["MediaFileUri"]))
        output_bucket = body.get("OutputBucketName")
        output_key = str(body.get("OutputKey") or "")
        if output_key and not output_key.endswith(".json"):
            output_key = output_key.rstrip("/") + f"/{name}.json"
        job = Job(
            JobKind.STANDARD, name, body, bucket, key, output_bucket, output_key or f"{name}.json"
        )
        return {"TranscriptionJob": self._describe(self._admit(job))}

    def get_transcription_job(self, body: dict[str, Any]) -> dict[str, Any]:
        return {
            "TranscriptionJob": self._describe(
                self._find(JobKind.STANDARD, body, "TranscriptionJobName")
            )
        }

    def managed_output(self, name: str) -> bytes | None:
        with self._lock:
            for job in self._jobs.values():
                if job.name == name and job.managed_output is not None:
                    return job.managed_output
        return None

    # --- internals ---------------------------------------------------------------------------
    def _admit(self, job: Job) -> Job:
        with self._lock:
            if (job.kind, job.name) in self._jobs:
                raise ServiceError(
                    "ConflictException",
                    "The requested job name already exists. Use a different job name.",
                )
            self._jobs[(job.kind, job.name)] = job
        self._workers.submit(self._run, job)
        return job

    def _find(self, kind: JobKind, body: dict[str, Any], field_name: str) -> Job:
        name = _validate_name(body.get(field_name), field_name)
        with self._lock:
            job = self._jobs.get((kind, name))
        if job is None:
            raise bad_request(NOT_FOUND)
        return job

    def _transcript_uri(self, job: Job) -> str:
        if job.output_bucket:
            return f"https://s3.{self.region}.amazonaws.com/{job.output_bucket}/{job.output_key}"
        return f"{self._service_url()}/transcripts/{job.name}.json"

    def _describe(self, job: Job) -> dict[str, Any]:
        prefix = "CallAnalyticsJob" if job.kind is JobKind.CALL_ANALYTICS else "TranscriptionJob"
        described: dict[str, Any] = {
            f"{prefix}Name": job.name,
            f"{prefix}Status": job.status.value,
            "LanguageCode": job.request.get("LanguageCode", "en-US"),
            "MediaFormat": job.media_format,
            "Media": {"MediaFileUri": job.request["Media"]["MediaFileUri"]},
            "CreationTime": _iso(job.created),
            "StartTime": _iso(job.started),
        }
        if job.sample_rate:
            described["MediaSampleRateHertz"] = job.sample_rate
        if job.kind is JobKind.CALL_ANALYTICS:
            described["ChannelDefinitions"] = [
                {"ChannelId": channel, "ParticipantRole": role}
                for channel, role in sorted(job.request["_roles"].items())
            ]
            for optional in ("DataAccessRoleArn", "Settings"):
                if optional in job.request:
                    described[optional] = job.request[optional]
        elif "Settings" in job.request:
            described["Settings"] = job.request["Settings"]
        if job.skipped:
            described["CallAnalyticsJobDetails"] = {"Skipped": list(job.skipped)}
        if job.status is JobStatus.COMPLETED:
            described["CompletionTime"] = _iso(job.completed)
            described["Transcript"] = {"TranscriptFileUri": self._transcript_uri(job)}
        if job.status is JobStatus.FAILED:
            described["CompletionTime"] = _iso(job.completed)
            described["FailureReason"] = job.failure
        return described

    def _run(self, job: Job) -> None:
        try:
            document = self._process(job)
            body = json.dumps(document).encode()
            if job.output_bucket:
                self._client("s3").put_object(
                    Bucket=job.output_bucket,
                    Key=job.output_key,
                    Body=body,
                    ContentType="application/json",
                )
            else:
                job.managed_output = body
            job.status = JobStatus.COMPLETED
        except JobFailedError as failure:
            job.failure = str(failure)
            job.status = JobStatus.FAILED
        except Exception as error:  # noqa: BLE001  (the service reports it as a FAILED job)
            job.failure = f"Internal failure while processing the media: {error}"
            job.status = JobStatus.FAILED
        job.completed = time.time()
        self._emit(job)

    def _process(self, job: Job) -> dict[str, Any]:
        timing: dict[str, float] = {}
        began = time.perf_counter()
        media = self._read_media(job)
        # Transcribe reports the format it detected (MediaFormat "ogg" for Ogg/Opus), whatever
        # the request said; Call Analytics requests carry no MediaFormat at all.
        job.media_format = "ogg" if media[:4] == b"OggS" else "wav"
        try:
            frames, rate = audio.read_media(media)
        except (ValueError, EOFError) as error:
            raise JobFailedError(
                f"The media format provided does not match the detected media format: {error}"
            ) from error
        job.sample_rate = rate
        if job.kind is JobKind.CALL_ANALYTICS and frames.shape[1] != 2:
            raise JobFailedError(
                "Call Analytics needs stereo media: agent and customer on separate channels."
            )
        channels = [audio.resample(frames[:, c], rate, audio.RATE) for c in range(frames.shape[1])]
        duration_ms = len(channels[0]) * 1000 // audio.RATE if channels else 0
        spans = [analytics.voiced_spans(samples) for samples in channels]
        words = self._decode(channels, spans)
        timing["audio_s"] = duration_ms / 1000
        timing["decode_s"] = time.perf_counter() - began
        self.timings.append(timing)
        if job.kind is JobKind.STANDARD:
            settings = job.request.get("Settings") or {}
            return output.standard_document(
                job_name=job.name,
                account_id=self.account_id,
                channels=words,
                identify_channels=bool(settings.get("ChannelIdentification")),
                show_speakers=bool(settings.get("ShowSpeakerLabels")),
            )
        roles: dict[int, str] = job.request["_roles"]
        turns = [
            output.Turn(
                role=roles[channel],
                channel=channel,
                span=span,
                words=tuple(segment_words),
                loudness=tuple(analytics.loudness_scores(channels[channel], span)),
            )
            for channel in range(len(channels))
            for span, segment_words in zip(spans[channel], words[channel], strict=True)
            if segment_words
        ]
        settings = job.request.get("Settings") or {}
        summarize = bool((settings.get("Summarization") or {}).get("GenerateAbstractiveSummary"))
        document = output.call_analytics_document(
            job_name=job.name,
            account_id=self.account_id,
            roles=roles,
            turns=turns,
            duration_ms=duration_ms,
            language_code=str(job.request.get("LanguageCode", "en-US")),
            summarize=summarize,
        )
        if summarize and "ContactSummary" not in document:
            job.skipped.append(
                {
                    "Feature": "GENERATIVE_SUMMARIZATION",
                    "ReasonCode": "INSUFFICIENT_CONVERSATION_CONTENT",
                    "Message": "The conversation is too short to summarise.",
                }
            )
        return document

    def _decode(
        self, channels: Sequence[audio.Samples], spans: Sequence[Sequence[analytics.Span]]
    ) -> list[list[list[Word]]]:
        """Decode the channels in parallel processes (pocketsphinx holds the GIL)."""
        from concurrent.futures.process import BrokenProcessPool

        model = self._phrase_model()
        work = [
            (samples, [(s.begin_ms, s.end_ms) for s in channel_spans])
            for samples, channel_spans in zip(channels, spans, strict=True)
        ]
        try:
            futures = [self._process_pool().submit(decode_segments, model, *item) for item in work]
            return [future.result() for future in futures]
        except BrokenProcessPool:
            # A host that cannot spawn workers (no __main__ guard, sandbox) still gets a result.
            self._pool = None
            return [decode_segments(model, *item) for item in work]

    def _read_media(self, job: Job) -> bytes:
        from botocore.exceptions import ClientError

        try:
            response = self._client("s3").get_object(Bucket=job.media_bucket, Key=job.media_key)
        except ClientError as error:
            raise JobFailedError(
                "The S3 URI that you provided can't be accessed. Make sure that you have read "
                f"permission and try your request again. ({error.response['Error'].get('Code')})"
            ) from error
        data: bytes = response["Body"].read()
        return data

    def _phrase_model(self) -> PhraseModel | None:
        with self._lock:
            if self._model is None and self._phrases:
                self._model = PhraseModel.compile(self._phrases)
            return self._model

    def _emit(self, job: Job) -> None:
        if job.kind is JobKind.CALL_ANALYTICS:
            detail_type = "Call Analytics Job State Change"
            detail: dict[str, Any] = {"JobName": job.name, "JobStatus": job.status.value}
        else:
            detail_type = "Transcribe Job State Change"
            detail = {"TranscriptionJobName": job.name, "TranscriptionJobStatus": job.status.value}
        if job.failure:
            detail["FailureReason"] = job.failure
        self._client("events").put_events(
            Entries=[
                {
                    "Source": "aws.transcribe",
                    "DetailType": detail_type,
                    "Detail": json.dumps(detail),
                    "Resources": [],
                    "Time": datetime.now(UTC),
                }
            ]
        )


class JobFailedError(Exception):
    """The job ran and failed; the message becomes FailureReason."""


def _ignore_interrupts() -> None:
    """Workers leave Ctrl-C to the parent, which shuts the pool down in order."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _warm() -> str:
    import pocketsphinx  # noqa: F401  (imports the decoder in the worker ahead of time)

    return uuid.uuid4().hex
