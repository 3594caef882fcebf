"""``render_report``: a Transcribe job finished; render its report, store it, and notify.

EventBridge names the job only, so the handler asks Transcribe (GetCallAnalyticsJob /
GetTranscriptionJob) where the media and transcript are. The recording key gives the call's
transaction id and date path. Jobs this app did not start (names without the ``callrec-``
prefix) are ignored: the rule sees every Transcribe job in the account.

Exactly one notice per job outcome: a conditional write on the call record
(``notified#<event>#<job name>``, see :func:`_announce_once`) claims the notice before it is
published and is released only if the publish fails, so repeated FAILED events, concurrent
COMPLETED events and retries after a later failure publish once; a claim left by an invocation
that died before publishing is taken over once its lease has run out. Every setting is read and
checked (:class:`ReportSettings`) before anything is written. Transient AWS failures and
configuration errors propagate (Lambda retries, then the dead-letter queue).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from chalicelib import aws, notify
from chalicelib.call_records import CallRecords, utc_now_iso
from chalicelib.errors import RecordingKeyError, StorageError, TranscriptError, TransientAwsError
from chalicelib.recording_keys import RecordingKey, parse_recording_key
from chalicelib.report import model, notices, render
from chalicelib.report.content import CallContext, clock
from chalicelib.report.job_events import JobStateChange, JobStatus
from chalicelib.report.locations import split_s3_uri
from chalicelib.transcription.config import TranscriptionConfig
from chalicelib.transcription.jobs import JOB_NAME_PREFIX, JobKind, describe, media_attribute

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


@dataclass(frozen=True)
class ReportSettings:
    """Every setting the report Lambda needs, read and checked before it changes anything."""

    reports_prefix: str
    link_expiry_seconds: int
    topic_arn: str

    @classmethod
    def from_env(cls) -> ReportSettings:
        return cls(
            reports_prefix=TranscriptionConfig.from_env().reports_prefix,
            link_expiry_seconds=notify.link_expiry_seconds(),
            topic_arn=notify.topic_arn(),
        )


def handle_job_event(raw_event: Mapping[str, Any]) -> ReportResult:
    event = JobStateChange(raw_event)
    name = event.job_name
    skip = _skip_reason(event)
    if skip:
        logger.info("ignored job %s: %s", name, skip)
        return ReportResult(name, ReportOutcome.IGNORED, detail=skip)
    config = ReportSettings.from_env()
    records = CallRecords()
    try:
        job = _describe(event.kind, name)
    except TranscriptError as error:
        logger.error("ignored job %s: %s", name, error)
        return ReportResult(name, ReportOutcome.IGNORED, detail=str(error))
    if event.status == JobStatus.FAILED:
        return _job_failed(records, job, event, name)
    return _job_completed(records, config, job, event)


def _skip_reason(event: JobStateChange) -> str:
    if not event.job_name.startswith(JOB_NAME_PREFIX):
        return "not a callrec job"
    if event.status not in {JobStatus.COMPLETED, JobStatus.FAILED}:
        return f"status {event.status}"
    return ""


def _job_completed(
    records: CallRecords, config: ReportSettings, job: _Job, event: JobStateChange
) -> ReportResult:
    name = event.job_name
    tx = job.recording.transaction_id
    report_key = report_key_for(job.recording, config.reports_prefix)
    record = records.get(tx)
    attribute = _claim_attribute(notices.REPORT_READY, name)
    state = _claim_state(str((record or {}).get(attribute, "")))
    if state is ClaimState.SENT:
        logger.info("job %s already has report %s: duplicate event", name, report_key)
        return ReportResult(name, ReportOutcome.DUPLICATE, report_key=report_key)
    if state is ClaimState.PUBLISHING:  # no second render while another delivery publishes
        raise _in_flight(tx, attribute)
    try:
        analysis = model.load(render.parse_document(_read(job.transcript_uri)))
        context = CallContext.from_record(
            record,
            tx,
            _with_recorded_media(job.facts, record, name),
            recording_started_at=job.recording.started_at.isoformat(),
        )
        data = render.render_analysis(analysis, context)
    except TranscriptError as error:
        return _unreadable(records, job, event, error)
    _store(job, report_key, data)
    records.update(
        tx,
        {
            "transcription_job": name,
            "transcription_kind": event.kind.value,
            "transcription_status": JobStatus.COMPLETED.value,
            "report_key": report_key,
        },
    )
    notice = notices.report_ready(
        job.recording, name, _party(record), _links(config, job, report_key), _headline(analysis)
    )
    if not _announce_once(records, tx, name, notice):
        return ReportResult(name, ReportOutcome.DUPLICATE, report_key=report_key)
    logger.info("rendered s3://%s/%s for job %s", job.recording_bucket, report_key, name)
    return ReportResult(name, ReportOutcome.RENDERED, report_key=report_key)


def _unreadable(
    records: CallRecords, job: _Job, event: JobStateChange, error: TranscriptError
) -> ReportResult:
    name = event.job_name
    tx = job.recording.transaction_id
    text = f"report for job {name} not rendered: {error}"
    logger.error(text)
    records.update(tx, {"transcription_job": name, "transcription_status": event.status})
    notice = notices.transcription_failed(job.recording, job.recording_bucket, name, text)
    _announce_once(records, tx, name, notice, note=text)
    return ReportResult(name, ReportOutcome.UNREADABLE, detail=str(error))


def _claim_attribute(event_name: str, job_name: str) -> str:
    """The call record attribute that says this job's ``event_name`` notice went out.

    Keyed by job, so each recording of a call (a new leg, the media insights path) gets its
    own notice; the job name is derived from the recording object (bucket, key, version).
    """
    return f"notified#{event_name}#{job_name}"


def _announce_once(
    records: CallRecords, tx: str, job_name: str, notice: notices.Notice, note: str = ""
) -> bool:
    """Publish ``notice`` unless another delivery of the same outcome already has.

    A conditional write claims the notice first, so of repeated or concurrent deliveries
    exactly one publishes; the claim is released only when the publish itself fails, so
    Lambda's retry (or ``callrec replay``) sends it then. False when another delivery won.
    """
    attribute = _claim_attribute(notice.event, job_name)
    if not _take_claim(records, tx, attribute):
        logger.info("%s notice for job %s already sent: duplicate event", notice.event, job_name)
        return False
    try:
        if note:
            records.note(tx, note)
        notify.publish(notice.subject, notice.message, text=notice.text)
    except Exception:
        records.remove(tx, attribute)
        raise
    _mark_sent(records, tx, attribute)
    return True


class ClaimState(StrEnum):
    """A notice claim's value: ``publishing <time>`` until the publish returns, then ``sent``."""

    FREE = "free"
    PUBLISHING = "publishing"
    STALE = "stale"  # publishing, but older than the lease: its invocation died
    SENT = "sent"


# A claim still "publishing" after Lambda's longest timeout (900 s) belongs to an invocation that
# died between the claim and the publish (timed out, ran out of memory): no live invocation can
# hold it any more, so the next delivery takes it over. A younger one may be publishing right
# now, so a delivery that meets it raises TransientAwsError instead of giving up: Lambda retries,
# then files the event in the dead-letter queue, and `callrec replay` sends the notice later.
NOTICE_LEASE_SECONDS = 900


def _claim_state(value: str, now: datetime | None = None) -> ClaimState:
    if not value:
        return ClaimState.FREE
    state, _, at = value.partition(" ")
    if state != ClaimState.PUBLISHING.value:
        return ClaimState.SENT  # "sent <time>", or a bare time written before the lease existed
    try:
        age = ((now or datetime.now(UTC)) - datetime.fromisoformat(at)).total_seconds()
    except ValueError:
        return ClaimState.STALE
    return ClaimState.STALE if age > NOTICE_LEASE_SECONDS else ClaimState.PUBLISHING


def _take_claim(records: CallRecords, tx: str, attribute: str) -> bool:
    """True when this delivery may publish; False when the notice went out already."""
    publishing = f"{ClaimState.PUBLISHING.value} {utc_now_iso()}"
    if records.claim(tx, attribute, publishing):
        return True
    current = str((records.get(tx) or {}).get(attribute, ""))
    state = _claim_state(current)
    if state is ClaimState.SENT:
        return False
    if state is ClaimState.STALE and records.claim(tx, attribute, publishing, replacing=current):
        logger.warning("took over %s of %s: its invocation died before publishing", attribute, tx)
        return True
    raise _in_flight(tx, attribute)


def _in_flight(tx: str, attribute: str) -> TransientAwsError:
    return TransientAwsError(
        f"another delivery is publishing the notice {attribute} of {tx}",
        hint="Lambda retries the event; if that delivery died before publishing, the notice is "
        f"sent by a delivery (or `callrec replay`) after {NOTICE_LEASE_SECONDS} s",
    )


def _mark_sent(records: CallRecords, tx: str, attribute: str) -> None:
    """The notice is out: a failure to say so is logged, not raised (a retry would send it
    again once the lease runs out; without the retry, only a late duplicate event can)."""
    try:
        records.update(tx, {attribute: f"{ClaimState.SENT.value} {utc_now_iso()}"})
    except StorageError as error:
        logger.warning("notice %s of %s sent, but not marked sent: %s", attribute, tx, error)


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
    job = describe(kind, name)
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
    GetCallAnalyticsJob / GetTranscriptionJob report them (the media line gives way to the
    recorded probe of the file's header, :func:`_with_recorded_media`)."""
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


def _with_recorded_media(
    facts: tuple[tuple[str, str], ...], record: Mapping[str, Any] | None, job_name: str
) -> tuple[tuple[str, str], ...]:
    """``facts`` with the media line the transcription Lambda probed from the recording's header
    (container/codec, sample rate, channels; see ``audio_probe.AudioInfo.describe``) in place of
    Transcribe's ``MediaFormat``/``MediaSampleRateHertz``, kept only for records written
    before the probe was recorded."""
    probed = str((record or {}).get(media_attribute(job_name), ""))
    if not probed:
        return facts
    others = tuple(fact for fact in facts if fact[0] != "Media")
    return (("Media", probed), *others)


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
    logger.error(text)
    notice = notices.transcription_failed(job.recording, job.recording_bucket, name, text)
    _announce_once(records, tx, name, notice, note=text)
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


def _store(job: _Job, key: str, data: bytes) -> None:
    aws.call(
        f"S3 PutObject s3://{job.recording_bucket}/{key}",
        aws.client("s3").put_object,
        Bucket=job.recording_bucket,
        Key=key,
        Body=data,
        ContentType=render.ReportFormat.DOCX.content_type,
        Metadata={"transaction-id": job.recording.transaction_id},
    )


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


def _links(config: ReportSettings, job: _Job, report_key: str) -> notices.ReportLinks:
    bucket, expires = job.recording_bucket, config.link_expiry_seconds
    return notices.ReportLinks(
        report=f"s3://{bucket}/{report_key}",
        report_url=notify.presigned_get(bucket, report_key, expires),
        recording=f"s3://{bucket}/{job.recording.key}",
        recording_url=notify.presigned_get(bucket, job.recording.key, expires),
        expires_in_seconds=expires,
    )


def _party(record: Mapping[str, Any] | None) -> str:
    other = str((record or {}).get("other_number", "")).strip()
    return other or "call"
