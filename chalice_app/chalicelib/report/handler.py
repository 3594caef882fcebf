"""``render_report``: a Transcribe job finished; render its report, store it, and notify.

EventBridge names the job only, so the handler asks Transcribe (GetCallAnalyticsJob /
GetTranscriptionJob) where the media and transcript are. The recording key gives the call's
transaction id and date path. Jobs this app did not start (names without the ``callrec-``
prefix) are ignored: the rule sees every Transcribe job in the account.

Idempotent: a repeated COMPLETED event for a job whose report is already recorded does
nothing. Transient AWS failures propagate (Lambda retries, then the dead-letter queue).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from chalicelib import aws, notify
from chalicelib.call_records import CallRecords
from chalicelib.errors import RecordingKeyError, TranscriptError
from chalicelib.recording_keys import RecordingKey, parse_recording_key
from chalicelib.report import model, render
from chalicelib.report.content import CallContext, clock
from chalicelib.report.job_events import JobStateChange, JobStatus
from chalicelib.report.locations import split_s3_uri
from chalicelib.transcription.config import TranscriptionConfig
from chalicelib.transcription.jobs import JOB_NAME_PREFIX, JobKind

logger = logging.getLogger(__name__)


class ReportOutcome(StrEnum):
    RENDERED = "rendered"
    DUPLICATE = "duplicate"
    FAILED_JOB = "failed-job"
    IGNORED = "ignored"
    UNREADABLE = "unreadable"


@dataclass(frozen=True)
class ReportResult:
    job_name: str
    outcome: ReportOutcome
    report_key: str = ""
    detail: str = ""

    def to_dict(self) -> dict[str, str]:
        return {
            "job_name": self.job_name,
            "outcome": self.outcome.value,
            "report_key": self.report_key,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class _Job:
    recording_bucket: str
    recording: RecordingKey
    transcript_uri: str
    failure_reason: str
    facts: tuple[tuple[str, str], ...] = ()


def handle_job_event(raw_event: Mapping[str, Any]) -> ReportResult:
    event = JobStateChange(raw_event)
    name = event.job_name
    if not name.startswith(JOB_NAME_PREFIX):
        logger.info("ignored job %s: not started by this app", name)
        return ReportResult(name, ReportOutcome.IGNORED, detail="not a callrec job")
    if event.status not in {JobStatus.COMPLETED, JobStatus.FAILED}:
        return ReportResult(name, ReportOutcome.IGNORED, detail=f"status {event.status}")
    try:
        job = _describe(event.kind, name)
    except TranscriptError as error:
        logger.error("ignored job %s: %s", name, error)
        return ReportResult(name, ReportOutcome.IGNORED, detail=str(error))
    records = CallRecords()
    tx = job.recording.transaction_id
    if event.status == JobStatus.FAILED:
        return _job_failed(records, job, event, name)
    record = records.get(tx)
    if (
        record
        and record.get("transcription_job") == name
        and record.get("transcription_status") == JobStatus.COMPLETED
        and record.get("report_key")
    ):
        logger.info("job %s already has report %s: duplicate event", name, record["report_key"])
        return ReportResult(name, ReportOutcome.DUPLICATE, report_key=str(record["report_key"]))
    try:
        analysis = model.load(render.parse_document(_read(job.transcript_uri)))
        context = CallContext.from_record(
            record, tx, job.facts, recording_started_at=job.recording.started_at.isoformat()
        )
        data = render.render_analysis(analysis, context)
    except TranscriptError as error:
        text = f"report for job {name} not rendered: {error}"
        logger.error(text)
        records.update(tx, {"transcription_job": name, "transcription_status": event.status})
        records.note(tx, text)
        _notify_failure(job, name, text)
        return ReportResult(name, ReportOutcome.UNREADABLE, detail=str(error))
    report_key = _store(job, data)
    _notify_report(job, name, report_key, record, _headline(analysis))
    records.update(
        tx,
        {
            "transcription_job": name,
            "transcription_kind": event.kind.value,
            "transcription_status": JobStatus.COMPLETED.value,
            "report_key": report_key,
        },
    )
    logger.info("rendered s3://%s/%s for job %s", job.recording_bucket, report_key, name)
    return ReportResult(name, ReportOutcome.RENDERED, report_key=report_key)


def report_key_for(recording: RecordingKey, reports_prefix: str) -> str:
    """``<reports prefix>/YYYY/MM/DD/<recording file stem>.docx``."""
    return f"{reports_prefix}/{recording.date_path}/{recording.stem}.docx"


def _describe(kind: JobKind, name: str) -> _Job:
    from botocore.exceptions import ClientError

    try:
        return _describe_job(kind, name)
    except ClientError as error:
        if aws.error_code(error) in {"NotFoundException", "BadRequestException"}:
            raise TranscriptError(
                f"Transcribe does not know job {name}: {aws.error_code(error)}",
                hint="the job was deleted, or it belongs to another account or region",
            ) from error
        raise


def _describe_job(kind: JobKind, name: str) -> _Job:
    client = aws.client("transcribe")
    if kind is JobKind.CALL_ANALYTICS:
        response = aws.call(
            f"Transcribe GetCallAnalyticsJob {name}",
            client.get_call_analytics_job,
            CallAnalyticsJobName=name,
        )
        job = response.get("CallAnalyticsJob", {})
    else:
        response = aws.call(
            f"Transcribe GetTranscriptionJob {name}",
            client.get_transcription_job,
            TranscriptionJobName=name,
        )
        job = response.get("TranscriptionJob", {})
    media_uri = str(job.get("Media", {}).get("MediaFileUri", ""))
    transcript = job.get("Transcript", {})
    transcript_uri = str(
        transcript.get("RedactedTranscriptFileUri") or transcript.get("TranscriptFileUri") or ""
    )
    try:
        bucket, key = split_s3_uri(media_uri)
        recording = parse_recording_key(key)
    except (TranscriptError, RecordingKeyError) as error:
        raise TranscriptError(
            f"job {name} has media {media_uri!r} that is not a recording of this app: {error}",
            hint="only jobs started by start_transcription can be reported on",
        ) from error
    return _Job(
        bucket, recording, transcript_uri, str(job.get("FailureReason", "")), _job_facts(job)
    )


def _job_facts(job: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """Media format, sample rate, vocabulary, vocabulary filter and completion time, as
    GetCallAnalyticsJob / GetTranscriptionJob report them."""
    facts = []
    media = " ".join(
        part
        for part in (
            str(job.get("MediaFormat", "")).upper(),
            f"{job['MediaSampleRateHertz']} Hz" if job.get("MediaSampleRateHertz") else "",
        )
        if part
    )
    if media:
        facts.append(("Media", media))
    settings = job.get("Settings") or {}
    vocabulary = settings.get("VocabularyName")
    if vocabulary:
        facts.append(("Custom vocabulary", str(vocabulary)))
    vocabulary_filter = settings.get("VocabularyFilterName")
    if vocabulary_filter:
        method = settings.get("VocabularyFilterMethod")
        facts.append(
            (
                "Vocabulary filter",
                f"{vocabulary_filter} ({method})" if method else str(vocabulary_filter),
            )
        )
    completed = job.get("CompletionTime")
    if completed:
        text = completed.isoformat() if hasattr(completed, "isoformat") else str(completed)
        facts.append(("Transcribed", text))
    return tuple(facts)


def _job_failed(records: CallRecords, job: _Job, event: JobStateChange, name: str) -> ReportResult:
    reason = event.failure_reason or job.failure_reason or "no reason given"
    tx = job.recording.transaction_id
    records.update(
        tx,
        {
            "transcription_job": name,
            "transcription_kind": event.kind.value,
            "transcription_status": JobStatus.FAILED.value,
            "transcription_failure": reason,
        },
    )
    text = f"transcription job {name} failed: {reason}"
    records.note(tx, text)
    logger.error(text)
    _notify_failure(job, name, text)
    return ReportResult(name, ReportOutcome.FAILED_JOB, detail=reason)


def _read(uri: str) -> bytes:
    if not uri:
        raise TranscriptError(
            "the job lists no transcript file", hint="check the job in Transcribe"
        )
    data = aws.read_object(*split_s3_uri(uri))
    if data is None:
        raise TranscriptError(
            f"the transcript {uri} does not exist", hint="it was deleted or never written"
        )
    return data


def _store(job: _Job, data: bytes) -> str:
    config = TranscriptionConfig.from_env()
    key = report_key_for(job.recording, config.reports_prefix)
    aws.call(
        f"S3 PutObject s3://{job.recording_bucket}/{key}",
        aws.client("s3").put_object,
        Bucket=job.recording_bucket,
        Key=key,
        Body=data,
        ContentType=render.ReportFormat.DOCX.content_type,
        Metadata={"transaction-id": job.recording.transaction_id},
    )
    return key


def _headline(analysis: model.CallAnalysis) -> dict[str, Any]:
    """A few figures for the notification, so a reader knows what the report is about."""
    headline: dict[str, Any] = {
        "duration": clock(analysis.duration_ms),
        "turns": len(analysis.turns),
        "issues": sum(1 for h in analysis.highlights() if h.kind == "Issue"),
        "categories": [c.name for c in analysis.categories()],
    }
    overall = analysis.overall_sentiment()
    if "CUSTOMER" in overall:
        headline["customer_sentiment"] = overall["CUSTOMER"]
    return headline


def _notify_report(
    job: _Job,
    name: str,
    report_key: str,
    record: Mapping[str, Any] | None,
    headline: Mapping[str, Any],
) -> None:
    expires = notify.link_expiry_seconds()
    bucket = job.recording_bucket
    notify.publish(
        f"Call report ready: {_party(record)}",
        {
            "event": "report-ready",
            "transaction_id": job.recording.transaction_id,
            "job_name": name,
            "started_at": job.recording.started_at.isoformat(),
            "report": f"s3://{bucket}/{report_key}",
            "report_url": notify.presigned_get(bucket, report_key, expires),
            "recording": f"s3://{bucket}/{job.recording.key}",
            "recording_url": notify.presigned_get(bucket, job.recording.key, expires),
            "links_expire_in_seconds": expires,
            **headline,
        },
    )


def _notify_failure(job: _Job, name: str, text: str) -> None:
    notify.publish(
        "Call transcription failed",
        {
            "event": "transcription-failed",
            "transaction_id": job.recording.transaction_id,
            "job_name": name,
            "recording": f"s3://{job.recording_bucket}/{job.recording.key}",
            "reason": text,
        },
    )


def _party(record: Mapping[str, Any] | None) -> str:
    other = str((record or {}).get("other_number", "")).strip()
    return other or "call"
