"""Carrying out the handler's actions on the "Chime side": one method per action type.

:class:`ActionExecutor` gives each action its simulated outcome (how long it takes, whether it
succeeds, the extra ``ActionData`` Chime reports). The offline stack subclasses it to do the real
thing: fetch prompts from S3, check the bucket policy admits the Chime service principal, write
the stereo recording with the documented key and metadata. A method gets the action's parameters
and a :class:`CallControl`, the narrow view of the simulated call it may read and change.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from callrec.simulation.redaction import shown_digits
from callrec.simulation.scenario import Answer, Scenario
from chalicelib.recording_keys import key_timestamp

DEFAULT_PROMPT_SECONDS = 2.0
SECONDS_PER_DIGIT = 0.25
DEFAULT_RECORDING_PREFIX = "Amazon-Chime-SMA-Call-Recordings"  # documented default prefix


@dataclass(frozen=True)
class LegInfo:
    call_id: str
    tag: str
    to_number: str
    from_number: str
    direction: str
    connected: bool
    start_ms: int = 0  # StartTimeInMilliseconds: when the leg joined the call (epoch ms)


@dataclass(frozen=True)
class Digits:
    at: float
    digits: str


class CallControl(Protocol):
    """What an executor may see and do of the simulated call."""

    @property
    def now(self) -> float: ...

    @property
    def scenario(self) -> Scenario: ...

    @property
    def transaction_id(self) -> str: ...

    def wall_clock(self, at: float) -> datetime: ...

    def leg_by_call_id(self, call_id: str) -> LegInfo | None: ...

    def leg_by_tag(self, tag: str) -> LegInfo | None: ...

    def take_digits(self, call_id: str, until: float) -> Digits | None: ...

    def connect_leg_b(self, to_number: str, from_number: str) -> LegInfo: ...

    def disconnect(self, call_id: str) -> None: ...

    def arm_digits(self, call_id: str, parameters: Mapping[str, Any]) -> None: ...


# What Chime did, as text stamped with the action's end, or (seconds after the action began, text)
# for what happened part way through (each attempt of PlayAudioAndGetDigits).
Happening = str | tuple[float, str]


@dataclass
class ActionResult:
    """How an action went: ``ok``, the seconds it took, extra ActionData fields or the error."""

    ok: bool = True
    duration: float = 0.0
    data: dict[str, Any] = field(default_factory=dict)
    error_type: str = ""
    error_message: str = ""
    happenings: list[Happening] = field(default_factory=list)

    @classmethod
    def failed(cls, error_type: str, message: str, duration: float = 0.0) -> ActionResult:
        return cls(ok=False, duration=duration, error_type=error_type, error_message=message)


def target_leg(params: Mapping[str, Any], call: CallControl) -> LegInfo | None:
    """The leg an action names, by CallId or else by ParticipantTag; None when there is none."""
    if params.get("CallId"):
        return call.leg_by_call_id(str(params["CallId"]))
    if params.get("ParticipantTag"):
        return call.leg_by_tag(str(params["ParticipantTag"]))
    return None


class ActionExecutor:
    """Default, simulated outcome of every action type the SMA handler returns."""

    prompt_seconds = DEFAULT_PROMPT_SECONDS

    def run(self, action_type: str, params: Mapping[str, Any], call: CallControl) -> ActionResult:
        method = getattr(self, _snake(action_type), None)
        if method is None:
            return ActionResult.failed(
                "InvalidActionParameter", f"action type {action_type} is not simulated"
            )
        result: ActionResult = method(params, call)
        return result

    # --- media ---------------------------------------------------------------------------------

    def prompt_duration(self, bucket: str, key: str) -> float:
        """Seconds a prompt plays; the emulator measures the real file."""
        return self.prompt_seconds

    def play_audio(self, params: Mapping[str, Any], call: CallControl) -> ActionResult:
        leg = target_leg(params, call)
        if leg is None or not leg.connected:
            return ActionResult.failed("InvalidActionParameter", "target leg is not connected")
        source = params.get("AudioSource") or {}
        key = str(source.get("Key", ""))
        seconds = self.prompt_duration(str(source.get("BucketName", "")), key)
        repeat = int(params.get("Repeat", 1) or 1)
        return ActionResult(
            duration=seconds * repeat, happenings=[f"plays {key} to {leg.tag} ({seconds:.1f} s)"]
        )

    def play_audio_and_get_digits(
        self, params: Mapping[str, Any], call: CallControl
    ) -> ActionResult:
        leg = target_leg(params, call)
        if leg is None or not leg.connected:
            return ActionResult.failed("InvalidActionParameter", "target leg is not connected")
        source = params.get("AudioSource") or {}
        failure = params.get("FailureAudioSource") or {}
        prompt = self.prompt_duration(str(source.get("BucketName", "")), str(source.get("Key")))
        failure_prompt = self.prompt_duration(
            str(failure.get("BucketName", "")), str(failure.get("Key"))
        )
        repeat = int(params.get("Repeat", 1) or 1)
        wait = int(params.get("RepeatDurationInMilliseconds", 5000) or 5000) / 1000
        start = clock = call.now
        happenings: list[Happening] = []
        for attempt in range(1, repeat + 1):
            entered = call.take_digits(leg.call_id, until=clock + prompt + wait)
            if entered is None:
                clock += prompt + wait
                happenings.append((clock - start, f"attempt {attempt}: no digits on {leg.tag}"))
            else:
                clock = max(clock + prompt, entered.at) + SECONDS_PER_DIGIT * len(entered.digits)
                digits = entered.digits.rstrip("".join(params.get("TerminatorDigits", ["#"])))
                if _digits_ok(digits, params):
                    shown = shown_digits({"ReceivedDigits": digits, "Parameters": params})
                    happenings.append(
                        (clock - start, f"attempt {attempt}: {leg.tag} entered {shown}")
                    )
                    return ActionResult(
                        duration=clock - start,
                        data={"ReceivedDigits": digits},
                        happenings=happenings,
                    )
                shown = shown_digits({"ReceivedDigits": digits, "Parameters": params})
                happenings.append((clock - start, f"attempt {attempt}: {shown!r} does not match"))
            if attempt < repeat:
                clock += failure_prompt
        result = ActionResult.failed(
            "InvalidDigitsReceived", "Invalid digits received", clock - start
        )
        result.happenings = happenings
        return result

    def receive_digits(self, params: Mapping[str, Any], call: CallControl) -> ActionResult:
        leg = target_leg(params, call)
        if leg is None or not leg.connected:
            return ActionResult.failed("InvalidActionParameter", "target leg is not connected")
        call.arm_digits(leg.call_id, params)
        return ActionResult(
            happenings=[f"listens for {params.get('InputDigitsRegex')} on {leg.tag}"]
        )

    # --- legs ----------------------------------------------------------------------------------

    def call_and_bridge(self, params: Mapping[str, Any], call: CallControl) -> ActionResult:
        endpoints = params.get("Endpoints") or [{}]
        uri = str(endpoints[0].get("Uri", ""))
        timeout = float(params.get("CallTimeoutSeconds", 30))
        callee = call.scenario.callee
        if uri != callee.number or callee.answer is Answer.NO_ANSWER:
            return ActionResult.failed("CallNotAnswered", "Call not answered", timeout)
        # The guide documents one CallAndBridge failure for an unreached callee,
        # CallNotAnswered; a busy line is reported the same way, only sooner.
        if callee.answer is Answer.BUSY:
            return ActionResult.failed("CallNotAnswered", "Call not answered (busy)", 1.0)
        if callee.answer_after > timeout:
            return ActionResult.failed("CallNotAnswered", "Call not answered", timeout)
        leg_b = call.connect_leg_b(uri, str(params.get("CallerIdNumber", "")))
        return ActionResult(
            duration=callee.answer_after,
            happenings=[
                f"rings {uri} (caller id {params.get('CallerIdNumber')}), answered after "
                f"{callee.answer_after:.0f} s as {leg_b.tag}"
            ],
        )

    def hangup(self, params: Mapping[str, Any], call: CallControl) -> ActionResult:
        leg = target_leg(params, call)
        if leg is None:
            return ActionResult.failed("InvalidActionParameter", "no such leg")
        if leg.connected:
            call.disconnect(leg.call_id)
        return ActionResult(happenings=[f"hangs up {leg.tag}"])

    # --- recording -----------------------------------------------------------------------------

    def recording_key(self, location: str, call_id: str, call: CallControl) -> str:
        """The documented key: bucket/prefix/YYYY/MM/DD/YYYY-MM-DD-HH-MM-SS-mmm_txn_callId.wav."""
        bucket, _, prefix = location.partition("/")
        prefix = prefix or DEFAULT_RECORDING_PREFIX
        when = self.leg_started(call_id, call)
        stamp = key_timestamp(when)
        return f"{bucket}/{prefix}/{when:%Y/%m/%d}/{stamp}_{call.transaction_id}_{call_id}.wav"

    def leg_started(self, call_id: str, call: CallControl) -> datetime:
        """When the recorded leg started: "Specifying a recording destination" dates the key by
        the call leg's start, not by the moment the recording began."""
        leg = call.leg_by_call_id(call_id)
        return epoch(leg.start_ms) if leg and leg.start_ms else call.wall_clock(call.now)

    def start_call_recording(self, params: Mapping[str, Any], call: CallControl) -> ActionResult:
        leg = target_leg(params, call)
        if leg is None or not leg.connected:
            return ActionResult.failed(
                "InvalidActionParameter", "CallId parameter for action is invalid"
            )
        destination = params.get("Destination") or {}
        if destination.get("Type") != "S3" or params.get("Track") not in (
            "BOTH",
            "INCOMING",
            "OUTGOING",
        ):
            return ActionResult.failed("InvalidActionParameter", "Destination or Track is invalid")
        location = self.recording_key(str(destination.get("Location", "")), leg.call_id, call)
        return ActionResult(
            data={"CallRecordingDestination": {"Type": "S3", "Location": location}},
            happenings=[f"records {leg.tag} ({params.get('Track')}) to {location}"],
        )

    def pause_call_recording(self, params: Mapping[str, Any], call: CallControl) -> ActionResult:
        return self._recording_control(params, call, "pauses")

    def resume_call_recording(self, params: Mapping[str, Any], call: CallControl) -> ActionResult:
        return self._recording_control(params, call, "resumes")

    def stop_call_recording(self, params: Mapping[str, Any], call: CallControl) -> ActionResult:
        return self._recording_control(params, call, "stops")

    def _recording_control(
        self, params: Mapping[str, Any], call: CallControl, verb: str
    ) -> ActionResult:
        leg = target_leg(params, call)
        if leg is None:
            return ActionResult.failed(
                "InvalidActionParameter", "CallId parameter for action is invalid"
            )
        return ActionResult(happenings=[f"{verb} the recording of {leg.tag}"])


def _digits_ok(digits: str, params: Mapping[str, Any]) -> bool:
    minimum = int(params.get("MinNumberOfDigits", 0) or 0)
    maximum = int(params.get("MaxNumberOfDigits", 128) or 128)
    if not minimum <= len(digits) <= maximum:
        return False
    regex = params.get("InputDigitsRegex")
    return bool(re.search(str(regex), digits)) if regex else True


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def epoch(start_ms: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=start_ms)
