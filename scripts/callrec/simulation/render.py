"""Printing a transcript: readable text (``text``), one JSON document (``json``) or JSON Lines
(``jsonl``: one object per step, then the verdict).

Every format is reproducible: the same scenario prints the same output. The call record is
printed without ``expires_at``, the TTL the table computes from the real clock.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from callrec.simulation.chime import Step, Transcript
from callrec.simulation.expectations import Result
from callrec.simulation.redaction import shown_attribute, shown_digits


def text(transcript: Transcript, results: list[Result]) -> Iterator[str]:
    scenario = transcript.scenario
    yield f"scenario {scenario.name}: {scenario.description}".rstrip(": ")
    yield f"  caller {scenario.caller} -> SMA {scenario.sma_number}; owner {scenario.owner}"
    for step in transcript.steps:
        yield from _step_text(step)
    for note in transcript.notes:
        yield f"  note: {note}"
    for recording in transcript.recordings:
        yield f"  recording: {recording.leg} {recording.track} -> s3://{recording.location}"
    if transcript.call_record is not None:
        yield "  call record: " + json.dumps(_record(transcript), sort_keys=True, default=str)
    for result in results:
        yield f"  {'PASS' if result.ok else 'FAIL'} {result.name}: {result.detail}"
    verdict = "passed" if all(r.ok for r in results) else "FAILED"
    yield f"{scenario.name}: {verdict} ({len(results)} expectation(s))"


def _step_text(step: Step) -> Iterator[str]:
    event = step.event
    data = event.get("ActionData") or {}
    about = f" [{data.get('Type')}]" if data.get("Type") else ""
    extra = _event_extra(event, data)
    yield f"{step.at:7.1f} s  #{step.sequence} {step.event_type}{about}{extra}"
    for action in step.actions:
        yield f"           -> {_action_text(action)}"
    if not step.actions:
        yield "           -> (no actions)"
    attrs = (
        step.response.get("TransactionAttributes") if isinstance(step.response, Mapping) else None
    )
    if attrs:
        state = ", ".join(f"{k}={shown_attribute(k, str(v))}" for k, v in attrs.items() if v)
        yield f"           state: {state}"
    for happening in step.happenings:
        yield f"         {happening}"


def _event_extra(event: Mapping[str, Any], data: Mapping[str, Any]) -> str:
    bits = []
    if event.get("InvocationEventType") == "HANGUP":
        bits.append(f"{(data.get('Parameters') or {}).get('ParticipantTag', 'a leg')} disconnected")
    if data.get("ReceivedDigits"):
        bits.append(f"digits {shown_digits(data)}")
    if data.get("ErrorType") or data.get("Error"):
        bits.append(str(data.get("ErrorType") or data.get("Error")))
    if event.get("ErrorType"):
        bits.append(f"{event['ErrorType']}: {event.get('ErrorMessage', '')}")
    args = (data.get("Parameters") or {}).get("Arguments")
    if args:
        bits.append(f"arguments {json.dumps(args)}")
    dest = data.get("CallRecordingDestination")
    if dest:
        bits.append(f"to {dest.get('Location')}")
    return f"  ({'; '.join(bits)})" if bits else ""


def _action_text(action: Mapping[str, Any]) -> str:
    params = action.get("Parameters") or {}
    kind = action.get("Type")
    target = params.get("CallId") or params.get("ParticipantTag") or ""
    if kind in ("PlayAudio", "PlayAudioAndGetDigits"):
        return f"{kind} {(params.get('AudioSource') or {}).get('Key')} on {target}"
    if kind == "CallAndBridge":
        uri = (params.get("Endpoints") or [{}])[0].get("Uri")
        return f"CallAndBridge {uri} (caller id {params.get('CallerIdNumber')})"
    if kind == "StartCallRecording":
        dest = (params.get("Destination") or {}).get("Location")
        return f"StartCallRecording {target} Track {params.get('Track')} -> {dest}"
    if kind == "ReceiveDigits":
        return f"ReceiveDigits {params.get('InputDigitsRegex')} on {target}"
    return f"{kind} {target}".rstrip()


def _step_document(step: Step) -> dict[str, Any]:
    return {
        "at": round(step.at, 3),
        "sequence": step.sequence,
        "event": step.event,
        "response": step.response,
        "happenings": step.happenings,
    }


def _verdict_document(transcript: Transcript, results: list[Result]) -> dict[str, Any]:
    return {
        "scenario": transcript.scenario.name,
        "ok": all(r.ok for r in results),
        "expectations": [r.to_dict() for r in results],
        "notes": transcript.notes,
        "recordings": [r.__dict__ for r in transcript.recordings],
        "call_record": _record(transcript),
    }


def _record(transcript: Transcript) -> dict[str, Any] | None:
    record = transcript.call_record
    if record is None:
        return None
    return {key: value for key, value in record.items() if key != "expires_at"}


def json_lines(transcript: Transcript, results: list[Result]) -> Iterator[str]:
    """JSON Lines: one object per step, then one with the verdict."""
    for step in transcript.steps:
        yield json.dumps(_step_document(step), sort_keys=True, default=str)
    yield json.dumps(_verdict_document(transcript, results), sort_keys=True, default=str)


def json_document(transcript: Transcript, results: list[Result]) -> Iterator[str]:
    """One JSON document: the verdict's fields plus ``steps``."""
    document = _verdict_document(transcript, results)
    document["steps"] = [_step_document(step) for step in transcript.steps]
    yield json.dumps(document, sort_keys=True, default=str, indent=2)


FORMATS = {"text": text, "json": json_document, "jsonl": json_lines}
