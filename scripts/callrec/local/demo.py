"""``callrec demo``: one real call through the whole pipeline, offline.

Stages: **call** (the SMA handler driven by the local Chime), **recording** (the stereo WAV in
the recordings bucket), **transcription** (start_transcription on the S3 event, the Transcribe
emulator's job), **report** (render_report on the EventBridge event) and **notification** (the
SNS message, read back through a subscribed queue). Each stage either completes or raises
:class:`StageFailedError` naming the stage and the reason.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from callrec import environment
from callrec.local import definitions as defs
from callrec.local.delivery import APP_DIR, EventDelivery
from callrec.local.moto_service import MotoService
from callrec.local.resources import app_environment, provision
from callrec.local.sma_runtime import (
    Delivered,
    LocalChime,
    deliver_recordings,
    leg_times,
    phrases,
    place_speech,
)
from callrec.local.stack import ACCOUNT_ID, REGION, LocalStack
from callrec.local.transcribe.server import TranscribeService
from callrec.simulation.redaction import shown_digits
from chalicelib.errors import CallRecError
from chalicelib.report.locations import split_s3_uri

logger = logging.getLogger(__name__)
DEFAULT_SCENARIO = Path(__file__).resolve().parent / "scenarios" / "demo-call.yaml"
STAGE_TIMEOUT_S = 60.0
Progress = Callable[[str], None]


class Stage(StrEnum):
    SETUP = "setup"
    CALL = "call"
    RECORDING = "recording"
    TRANSCRIPTION = "transcription"
    REPORT = "report"
    NOTIFICATION = "notification"


class StageFailedError(CallRecError):
    """A stage of the demo did not complete; ``stage`` says which."""

    code = "DemoStageFailed"

    def __init__(self, stage: Stage, message: str, *, hint: str = "") -> None:
        super().__init__(f"stage {stage.value} failed: {message}", hint=hint)
        self.stage = stage


@dataclass
class DemoResult:
    transaction_id: str = ""
    recording: Path | None = None
    recording_uri: str = ""
    recording_metadata: dict[str, str] = field(default_factory=dict)
    transcript: Path | None = None
    transcript_uri: str = ""
    report: Path | None = None
    report_uri: str = ""
    report_markdown: Path | None = None
    notification: str = ""
    call_record: dict[str, Any] = field(default_factory=dict)
    handler_events: list[str] = field(default_factory=list)
    action_failures: list[dict[str, Any]] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    decode_seconds: float = 0.0
    audio_seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


@dataclass
class DemoOptions:
    scenario: Path = DEFAULT_SCENARIO
    out_dir: Path = Path("out")
    recording_writers: Sequence[str] | None = None  # SMA ARNs the recordings bucket admits
    timeout_s: float = STAGE_TIMEOUT_S
    expect_recording: bool = True


def _load_scenario(path: Path) -> Any:
    from callrec.simulation import load, resolve

    return load(resolve(str(path)))


@contextmanager
def _environment(values: Mapping[str, str]) -> Iterator[None]:
    with environment.preserved(values):
        os.environ.update(values)
        yield


def _chalice_app() -> Any:
    app_dir = str(APP_DIR)
    if app_dir not in sys.path:
        sys.path.insert(0, app_dir)
    return importlib.import_module("app").app


def run(options: DemoOptions, progress: Progress = print) -> DemoResult:
    """Run the demo; raises StageFailedError when a stage fails. Everything is torn down."""
    result = DemoResult()
    started = time.perf_counter()
    scenario = _load_scenario(options.scenario)
    definitions = defs.load(
        ACCOUNT_ID, REGION, f"sma-{scenario.name}", recording_writers=options.recording_writers
    )
    phrase_list = phrases(scenario, list(defs.prompt_texts().values()))
    transcribe = TranscribeService(phrases=phrase_list)
    with LocalStack([MotoService(), transcribe]) as stack:
        provisioned = provision(definitions, stack.client)
        with _environment(app_environment(definitions, provisioned)):
            app = _chalice_app()
            delivery = EventDelivery.wired(stack.client, app, provisioned.dead_letter_url)
            result.seconds["setup"] = time.perf_counter() - started
            progress(
                f"[setup] moto {stack.endpoints['s3']}, "
                f"transcribe {stack.endpoints['transcribe']}; "
                f"buckets, table, topic and {len(delivery.sources)} event sources from the app"
                + _owners_line(scenario)
            )
            _Pipeline(
                options, scenario, definitions, stack, delivery, provisioned, result, progress
            ).run(transcribe)
    result.seconds["total"] = time.perf_counter() - started
    return result


@dataclass
class _Pipeline:
    options: DemoOptions
    scenario: Any
    definitions: defs.Definitions
    stack: LocalStack
    delivery: EventDelivery
    provisioned: Any
    result: DemoResult
    progress: Progress

    def run(self, transcribe: TranscribeService) -> None:
        mark = time.perf_counter()
        chime, outcome = self._call()
        delivered = self._recording(chime, outcome)
        self.result.seconds["call+recording"] = time.perf_counter() - mark
        if not delivered:
            return
        self._process_recording(transcribe)

    def _process_recording(self, transcribe: TranscribeService) -> None:
        """The stages after the recording lands, the same for both recording paths."""
        mark = time.perf_counter()
        job = self._transcription()
        self.result.seconds["transcription"] = time.perf_counter() - mark
        timings = transcribe.jobs.timings
        if timings:
            self.result.decode_seconds = timings[-1]["decode_s"]
            self.result.audio_seconds = timings[-1]["audio_s"]
        mark = time.perf_counter()
        self._report(job)
        self.result.seconds["report"] = time.perf_counter() - mark
        self._notification()

    # --- call ----------------------------------------------------------------------------------
    def _call(self) -> tuple[LocalChime, Any]:
        from callrec.simulation import Records, SimulationError
        from callrec.simulation import run as simulate

        chime = LocalChime(s3=self.stack.client("s3"), definitions=self.definitions)
        try:
            outcome = simulate(
                self.scenario,
                invoke=self.delivery.invoke_sma_handler,
                executor=chime,
                records=Records.ENVIRONMENT,
                transaction_id=str(uuid.uuid4()),
                start_ms=int(time.time() * 1000),
            )
        except SimulationError as error:
            raise StageFailedError(Stage.CALL, str(error)) from error
        transcript = outcome.transcript
        self.result.transaction_id = transcript.transaction_id
        self.result.handler_events = [step.event_type for step in transcript.steps]
        self.result.action_failures = [
            dict(step.event.get("ActionData") or {})
            for step in transcript.steps
            if step.event_type == "ACTION_FAILED"
        ]
        self.result.call_record = self._record()
        self.result.notes.extend(chime.refusals)
        failed = [r for r in outcome.results if not r.ok]
        self.progress(
            f"[call] {len(transcript.steps)} invocations of sma_handler "
            f"({', '.join(dict.fromkeys(self.result.handler_events))}); "
            f"expectations {len(outcome.results) - len(failed)}/{len(outcome.results)} met"
        )
        for line in invocation_lines(transcript.steps):
            self.progress(f"[call]   {line}")
        for refusal in chime.refusals:
            self.progress(f"[call] Chime refused: {refusal}")
        if failed:
            raise StageFailedError(
                Stage.CALL,
                "; ".join(str(r) for r in failed),
                hint="see the scenario's expect: section",
            )
        return chime, outcome

    # --- recording -----------------------------------------------------------------------------
    def _recording(self, chime: LocalChime, outcome: Any) -> list[Delivered]:
        times = leg_times(outcome.transcript, chime)
        notes = place_speech(
            self.scenario,
            chime,
            times,
            _tagger(self.scenario),
            self.options.scenario.parent,
        )
        self.result.notes.extend(notes)
        delivered = deliver_recordings(chime, times, self.stack.client("s3"))
        if not delivered:
            if self.options.expect_recording:
                reason = "; ".join(chime.refusals) or "the handler never started a recording"
                raise StageFailedError(Stage.RECORDING, reason, hint="see the call stage above")
            self.progress("[recording] no recording (as the scenario expects)")
            return []
        first = delivered[0]
        self.options.out_dir.mkdir(parents=True, exist_ok=True)
        path = self.options.out_dir / f"recording{Path(first.key).suffix.lower()}"
        path.write_bytes(
            self.stack.client("s3").get_object(Bucket=first.bucket, Key=first.key)["Body"].read()
        )
        self.result.recording = path
        self.result.recording_uri = f"s3://{first.bucket}/{first.key}"
        self.result.recording_metadata = first.metadata
        self.progress(
            f"[recording] {self.result.recording_uri} ({first.channels} channels, "
            f"{first.metadata['recording-duration']} s)"
        )
        self.progress(
            "[recording]   object metadata: "
            + ", ".join(f"{name}={value}" for name, value in sorted(first.metadata.items()))
        )
        return delivered

    # --- transcription -------------------------------------------------------------------------
    def _record(self) -> dict[str, Any]:
        from chalicelib.call_records import CallRecords

        return CallRecords(self.provisioned.table_name).get(self.result.transaction_id) or {}

    def _transcription(self) -> dict[str, Any]:
        self._pump(lambda: bool(self._record().get("transcription_job")), Stage.TRANSCRIPTION)
        record = self._record()
        name = str(record["transcription_job"])
        kind = str(record.get("transcription_kind", "call-analytics"))
        transcribe = self.stack.client("transcribe")
        deadline = time.monotonic() + self.options.timeout_s
        while True:
            if kind == "standard":
                job = transcribe.get_transcription_job(TranscriptionJobName=name)[
                    "TranscriptionJob"
                ]
                status = job["TranscriptionJobStatus"]
            else:
                job = transcribe.get_call_analytics_job(CallAnalyticsJobName=name)[
                    "CallAnalyticsJob"
                ]
                status = job["CallAnalyticsJobStatus"]
            if status in ("COMPLETED", "FAILED"):
                break
            if time.monotonic() > deadline:
                raise StageFailedError(Stage.TRANSCRIPTION, f"job {name} still {status}")
            time.sleep(0.1)
        if status == "FAILED":
            raise StageFailedError(
                Stage.TRANSCRIPTION, f"job {name} failed: {job.get('FailureReason')}"
            )
        uri = job["Transcript"]["TranscriptFileUri"]
        bucket, key = split_s3_uri(uri)
        path = self.options.out_dir / "transcript.json"
        document = self.stack.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
        path.write_bytes(document)
        self.result.transcript = path
        self.result.transcript_uri = f"s3://{bucket}/{key}"
        turns = len(json.loads(document).get("Transcript", []))
        self.progress(
            f"[transcription] {kind} job {name}: {turns} turns -> {self.result.transcript_uri}"
        )
        return dict(job)

    # --- report --------------------------------------------------------------------------------
    def _report(self, job: Mapping[str, Any]) -> None:
        def reported_or_failed() -> bool:
            record = self._record()
            return bool(record.get("report_key")) or record.get("transcription_status") == "FAILED"

        self._pump(reported_or_failed, Stage.REPORT)
        record = self._record()
        self.result.call_record = record
        if not record.get("report_key"):
            raise StageFailedError(Stage.REPORT, f"no report: {record.get('notes')}")
        bucket = self.definitions.recordings_bucket
        key = str(record["report_key"])
        path = self.options.out_dir / "report.docx"
        path.write_bytes(self.stack.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read())
        self.result.report = path
        self.result.report_uri = f"s3://{bucket}/{key}"
        self.result.report_markdown = self._markdown_report(record)
        self.progress(f"[report] {self.result.report_uri}")

    def _markdown_report(self, record: Mapping[str, Any]) -> Path | None:
        """The report's Markdown form beside the Word one (same renderer as callrec report)."""
        from chalicelib.report.content import CallContext
        from chalicelib.report.render import ReportFormat, parse_document, render

        if self.result.transcript is None:
            return None
        document = parse_document(self.result.transcript.read_bytes())
        path = self.options.out_dir / "report.md"
        path.write_bytes(render(document, CallContext.from_record(record), ReportFormat.MARKDOWN))
        return path

    # --- notification --------------------------------------------------------------------------
    def _notification(self) -> None:
        sqs = self.stack.client("sqs")
        deadline = time.monotonic() + self.options.timeout_s
        while time.monotonic() < deadline:
            messages = sqs.receive_message(
                QueueUrl=self.provisioned.inbox_url, MaxNumberOfMessages=1, WaitTimeSeconds=0
            ).get("Messages", [])
            if messages:
                envelope = json.loads(messages[0]["Body"])
                subject = envelope.get("Subject", "")
                self.result.notification = f"{subject}\n{envelope.get('Message', '')}".strip()
                self.progress(f"[notification] SNS {subject!r} received")
                return
            time.sleep(0.05)
        raise StageFailedError(Stage.NOTIFICATION, "no message arrived on the notification topic")

    def _pump(self, until: Callable[[], bool], stage: Stage) -> None:
        known = len(self.delivery.failures())

        def done_or_failed() -> bool:
            return until() or len(self.delivery.failures()) > known

        if not self.delivery.pump(done_or_failed, self.options.timeout_s) or not until():
            failures = "; ".join(f"{d.function}: {d.error}" for d in self.delivery.failures())
            for failed in self.delivery.failures()[known:]:
                logger.debug(
                    "%s failed on %s:\n%s",
                    failed.function,
                    json.dumps(failed.event)[:600],
                    failed.trace,
                )
            raise StageFailedError(
                stage,
                failures or f"nothing happened within {self.options.timeout_s:.0f} s",
                hint="the handler's exception is shown; `callrec replay` re-drives the DLQ",
            )
        for failed in self.delivery.failures():
            self.result.notes.append(f"{failed.function} failed: {failed.error}")


def _owners_line(scenario: Any) -> str:
    owners = getattr(scenario, "owners", ())
    if not owners:
        return ""
    listed = ", ".join(f"{o.owner_id} on {o.sma_number}" for o in owners)
    return f"; owner directory of {len(owners)} ({listed}), PINs hashed"


def invocation_lines(steps: Sequence[Any]) -> list[str]:
    """One line per invocation of the SMA handler: time, event, and the actions it returned.

    Call ids are shown as the participant tags (LEG-A/LEG-B) Chime gives them in the events.
    """
    tags: dict[str, str] = {}
    for step in steps:
        details = step.event.get("CallDetails") or {}
        for participant in details.get("Participants") or []:
            if participant.get("CallId") and participant.get("ParticipantTag"):
                tags[str(participant["CallId"])] = str(participant["ParticipantTag"])
    lines = []
    for step in steps:
        data = step.event.get("ActionData") or {}
        about = [str(data["Type"])] if data.get("Type") else []
        if step.event_type == "HANGUP":
            about = [f"{(data.get('Parameters') or {}).get('ParticipantTag', 'a leg')} hung up"]
        if data.get("ReceivedDigits"):
            about.append(f"digits {shown_digits(data)}")
        if data.get("ErrorType") or data.get("Error"):
            about.append(str(data.get("Error") or data.get("ErrorType")))
        arguments = (data.get("Parameters") or {}).get("Arguments")
        if arguments:
            about.append(json.dumps(arguments, sort_keys=True))
        head = f"{step.at:5.1f} s #{step.sequence} {step.event_type}"
        if about:
            head += f" ({', '.join(about)})"
        actions = "; ".join(_action_summary(a, tags) for a in step.actions) or "no actions"
        lines.append(f"{head} -> {actions}")
    return lines


def _action_summary(action: Mapping[str, Any], tags: Mapping[str, str]) -> str:
    kind = str(action.get("Type"))
    params = action.get("Parameters") or {}
    call_id = str(params.get("CallId") or "")
    leg = params.get("ParticipantTag") or tags.get(call_id, call_id)
    on = f" on {leg}" if leg else ""
    if kind in ("PlayAudio", "PlayAudioAndGetDigits"):
        key = str((params.get("AudioSource") or {}).get("Key", ""))
        return f"{kind} {key.rsplit('/', 1)[-1]}{on}"
    if kind == "CallAndBridge":
        uri = ((params.get("Endpoints") or [{}])[0]).get("Uri")
        return f"CallAndBridge {uri} from {params.get('CallerIdNumber')}"
    if kind == "StartCallRecording":
        location = (params.get("Destination") or {}).get("Location")
        return f"StartCallRecording {params.get('Track')}{on} to {location}"
    if kind == "ReceiveDigits":
        return f"ReceiveDigits {params.get('InputDigitsRegex')}{on}"
    return f"{kind}{on}"


def _tagger(scenario: Any) -> Callable[[str], str]:
    """LEG-A/LEG-B of a party name, as the simulated Chime assigns them."""

    def tag_of(party: str) -> str:
        if party == "owner":
            party = "caller" if scenario.outbound else "callee"
        elif party == "other":
            party = "callee" if scenario.outbound else "caller"
        return "LEG-A" if party == "caller" else "LEG-B"

    return tag_of
