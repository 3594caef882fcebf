"""Checking a scenario's ``expect:`` block against the transcript of its run."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from callrec.simulation.chime import Transcript
from callrec.simulation.scenario import PartyName


@dataclass(frozen=True)
class Result:
    name: str
    ok: bool
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {"expectation": self.name, "ok": self.ok, "detail": self.detail}


Checker = Callable[[Transcript], list[Result]]


def check(transcript: Transcript) -> list[Result]:
    """One Result per expectation the scenario states (none stated: no results)."""
    return [result for checker in CHECKERS for result in checker(transcript)]


def _actions(transcript: Transcript) -> list[dict[str, Any]]:
    return [a for step in transcript.steps for a in step.actions]


def _types(transcript: Transcript) -> list[str]:
    return [str(a.get("Type")) for a in _actions(transcript)]


def _direction(transcript: Transcript) -> list[Result]:
    wanted = transcript.scenario.expect.direction
    if wanted is None:
        return []
    seen = next((a["dir"] for a in transcript.attributes_history if a.get("dir")), "")
    return [_equal("direction", seen, wanted)]


def _caller_id(transcript: Transcript) -> list[Result]:
    wanted = transcript.scenario.expect.caller_id
    if wanted is None:
        return []
    bridges = [a for a in _actions(transcript) if a.get("Type") == "CallAndBridge"]
    ids = [a["Parameters"].get("CallerIdNumber") for a in bridges]
    ok = bool(ids) and all(i == wanted for i in ids)
    return [Result("caller_id", ok, f"CallAndBridge caller ids {ids}")]


def _recording_started(transcript: Transcript) -> list[Result]:
    wanted = transcript.scenario.expect.recording_started
    if wanted is None:
        return []
    leg = _tag(transcript, wanted.leg)
    found = transcript.recordings
    ok = any(r.leg == leg and r.track == wanted.track for r in found)
    got = ", ".join(f"{r.leg} {r.track}" for r in found) or "none"
    return [Result("recording_started", ok, f"wanted {leg} {wanted.track}; started: {got}")]


def _recording_not_started(transcript: Transcript) -> list[Result]:
    if not transcript.scenario.expect.recording_not_started:
        return []
    count = len(transcript.recordings)
    return [Result("recording_not_started", not count, f"{count} recording(s) started")]


def _final_state(transcript: Transcript) -> list[Result]:
    expect, final = transcript.scenario.expect, transcript.final_attributes
    results = []
    if expect.final_recording_state is not None:
        got = final.get("rec", "")
        results.append(_equal("final_recording_state", got, expect.final_recording_state))
    if expect.final_phase is not None:
        results.append(_equal("final_phase", final.get("phase", ""), expect.final_phase))
    if expect.phases:
        phases = _dedupe(a.get("phase", "") for a in transcript.attributes_history)
        results.append(_in_order("phases", phases, expect.phases))
    return results


def _actions_and_events(transcript: Transcript) -> list[Result]:
    expect, types = transcript.scenario.expect, _types(transcript)
    results = []
    if expect.actions_include:
        results.append(_in_order("actions_include", types, expect.actions_include))
    if expect.actions_exclude:
        present = sorted(set(expect.actions_exclude) & set(types))
        results.append(Result("actions_exclude", not present, f"returned: {present or 'none'}"))
    if expect.events_include:
        events = [s.event_type for s in transcript.steps]
        results.append(_in_order("events_include", events, expect.events_include))
    return results


def _prompts(transcript: Transcript) -> list[Result]:
    wanted = transcript.scenario.expect.prompts_include
    if not wanted:
        return []
    played = {
        str((a["Parameters"].get("AudioSource") or {}).get("Key"))
        for a in _actions(transcript)
        if a.get("Type") in ("PlayAudio", "PlayAudioAndGetDigits")
    }
    missing = sorted(set(wanted) - played)
    return [Result("prompts_include", not missing, f"missing: {missing or 'none'}")]


def _legs(transcript: Transcript) -> list[Result]:
    wanted = transcript.scenario.expect.all_legs_disconnected
    if wanted is None:
        return []
    connected = [leg.tag for leg in transcript.legs if leg.connected]
    ok = (not connected) == wanted
    return [Result("all_legs_disconnected", ok, f"still connected: {connected or 'none'}")]


def _record(transcript: Transcript) -> list[Result]:
    results = []
    for key, wanted in transcript.scenario.expect.record.items():
        if transcript.call_record is None:
            results.append(Result(f"record.{key}", False, "call records were not enabled"))
            continue
        results.append(_equal(f"record.{key}", transcript.call_record.get(key), wanted))
    return results


def _notes(transcript: Transcript) -> list[Result]:
    """``notes_include``: each substring appears in one of the call record's notes."""
    wanted = transcript.scenario.expect.notes_include
    if not wanted:
        return []
    if transcript.call_record is None:
        return [Result("notes_include", False, "call records were not enabled")]
    notes = [str(n.get("text", "")) for n in transcript.call_record.get("notes", [])]
    missing = [w for w in wanted if not any(w in note for note in notes)]
    return [Result("notes_include", not missing, f"missing: {missing or 'none'}; notes: {notes}")]


CHECKERS: tuple[Checker, ...] = (
    _direction,
    _caller_id,
    _recording_started,
    _recording_not_started,
    _final_state,
    _actions_and_events,
    _prompts,
    _legs,
    _record,
    _notes,
)


def _tag(transcript: Transcript, leg: str) -> str:
    if leg in ("LEG-A", "LEG-B"):
        return leg
    party = PartyName(leg)
    outbound = transcript.scenario.outbound
    if party is PartyName.OWNER:
        party = PartyName.CALLER if outbound else PartyName.CALLEE
    elif party is PartyName.OTHER:
        party = PartyName.CALLEE if outbound else PartyName.CALLER
    return "LEG-A" if party is PartyName.CALLER else "LEG-B"


def _equal(name: str, got: Any, wanted: Any) -> Result:
    return Result(name, got == wanted, f"wanted {wanted!r}, got {got!r}")


def _in_order(name: str, seen: Sequence[str], wanted: Sequence[str]) -> Result:
    """``wanted`` appears in ``seen`` in this order, other items in between allowed."""
    position = 0
    for item in wanted:
        try:
            position = list(seen).index(item, position) + 1
        except ValueError:
            return Result(name, False, f"{item!r} not found in order in {list(seen)}")
    return Result(name, True, f"{list(wanted)} in order")


def _dedupe(items: Iterable[str]) -> list[str]:
    out: list[str] = []
    for item in items:
        if item and (not out or out[-1] != item):
            out.append(item)
    return out
