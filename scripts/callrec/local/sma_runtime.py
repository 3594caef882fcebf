"""Chime's side of the SIP media application, for real: the simulator's executor made concrete.

:class:`LocalChime` subclasses the call simulator's :class:`ActionExecutor`:

* ``PlayAudio``/``PlayAudioAndGetDigits`` read the prompt from the prompts bucket — the bucket
  policy must let the Chime principal ``s3:GetObject`` it and the object must exist and be a
  PCM WAV, else the action fails with ``InvalidAudioSource`` as Chime reports it; the prompt's
  real length is how long it plays, and its audio goes to that leg's outgoing track;
* ``CallAndBridge`` (inherited) rings the scripted callee; the bridge carries the parties' speech;
* ``StartCallRecording`` checks the destination bucket exists and its policy admits
  ``voiceconnector.chime.amazonaws.com`` for ``s3:PutObject`` and ``s3:PutObjectAcl`` with this
  account as ``aws:SourceAccount`` and this SIP media application as ``aws:SourceArn``; otherwise
  ``ACTION_FAILED`` with ``NoAccessToDestination: Error while accessing destination``;
* ``Pause/Resume/StopCallRecording`` shape the recording; ``Hangup`` (inherited) ends legs.

When the call is over, :func:`deliver_recordings` writes every recording as the Chime principal
would: the stereo WAV under the documented key with the documented object metadata.
"""

from __future__ import annotations

import io
import wave
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from callrec.local import audio, bucket_policy, recording, speech
from callrec.local.definitions import Definitions
from callrec.simulation.executor import (
    ActionExecutor,
    ActionResult,
    CallControl,
    target_leg,
)
from callrec.simulation.scenario import PartyName, Scenario

WAV_CONTENT_TYPE = "audio/wav"
MAX_PROMPT_BYTES = 50 * 1024 * 1024  # PlayAudio: PCM WAV files of no more than 50 MB
INVALID_AUDIO = ("InvalidAudioSource", "Audio Source parameter value is invalid.")
NO_ACCESS = ("NoAccessToDestination", "Error while accessing destination")
RECORDING_ACTIONS = ("s3:PutObject", "s3:PutObjectAcl")


@dataclass
class Delivered:
    bucket: str
    key: str
    metadata: dict[str, str]
    size: int
    channels: int


@dataclass
class LocalChime(ActionExecutor):
    """The executor that does the real thing against the local S3 (moto)."""

    s3: Any
    definitions: Definitions
    legs: dict[str, recording.LegAudio] = field(default_factory=dict)
    recordings: list[recording.Recording] = field(default_factory=list)
    bridge_started: float | None = None
    refusals: list[str] = field(default_factory=list)
    _prompts: dict[tuple[str, str], audio.Samples | None] = field(default_factory=dict)

    # --- prompts -------------------------------------------------------------------------------
    def _prompt(self, bucket: str, key: str) -> audio.Samples | None:
        if (bucket, key) not in self._prompts:
            self._prompts[(bucket, key)] = self._fetch_prompt(bucket, key)
        return self._prompts[(bucket, key)]

    def _fetch_prompt(self, bucket: str, key: str) -> audio.Samples | None:
        from botocore.exceptions import ClientError

        request = bucket_policy.chime_request(
            "s3:GetObject", bucket, key, self.definitions.account_id, self.definitions.sma_arn
        )
        try:
            policy = self._policy(bucket)
            if bucket_policy.evaluate(policy, request) is not bucket_policy.Decision.ALLOW:
                self.refusals.append(
                    f"s3:GetObject s3://{bucket}/{key} denied by the bucket policy"
                )
                return None
            response = self.s3.get_object(Bucket=bucket, Key=key)
            body = response["Body"].read(MAX_PROMPT_BYTES + 1)
        except ClientError as error:
            self.refusals.append(f"s3://{bucket}/{key}: {error.response['Error'].get('Code')}")
            return None
        if response.get("ContentType") != WAV_CONTENT_TYPE:
            # PlayAudio: "The S3 metadata for each WAV file must contain ContentType audio/wav".
            self.refusals.append(
                f"s3://{bucket}/{key} has ContentType {response.get('ContentType')!r}, "
                f"not {WAV_CONTENT_TYPE}"
            )
            return None
        if len(body) > MAX_PROMPT_BYTES:
            self.refusals.append(f"s3://{bucket}/{key} is larger than 50 MB")
            return None
        try:
            return audio.read_mono(body)
        except (ValueError, EOFError, wave.Error) as error:
            self.refusals.append(f"s3://{bucket}/{key} is not a PCM WAV: {error}")
            return None

    def _policy(self, bucket: str) -> dict[str, Any] | None:
        import json

        from botocore.exceptions import ClientError

        try:
            text = self.s3.get_bucket_policy(Bucket=bucket)["Policy"]
        except ClientError as error:
            if error.response["Error"].get("Code") == "NoSuchBucketPolicy":
                return None
            raise
        policy: dict[str, Any] = json.loads(text)
        return policy

    def prompt_duration(self, bucket: str, key: str) -> float:
        samples = self._prompt(bucket, key)
        return len(samples) / audio.RATE if samples is not None else 0.0

    def _play(self, source: Mapping[str, Any], leg_tag: str, at: float) -> bool:
        bucket, key = str(source.get("BucketName", "")), str(source.get("Key", ""))
        if source.get("Type", "S3") != "S3":
            return False
        samples = self._prompt(bucket, key)
        if samples is None:
            return False
        self.legs.setdefault(leg_tag, recording.LegAudio()).prompts.append(
            recording.Sound(at, samples, key)
        )
        return True

    def play_audio(self, params: Mapping[str, Any], call: CallControl) -> ActionResult:
        leg = target_leg(params, call)
        if leg is not None and leg.connected:
            repeat = int(params.get("Repeat", 1) or 1)
            source = params.get("AudioSource") or {}
            length = self.prompt_duration(str(source.get("BucketName")), str(source.get("Key")))
            for index in range(repeat):
                if not self._play(source, leg.tag, call.now + index * length):
                    return ActionResult.failed(*INVALID_AUDIO)
        return super().play_audio(params, call)

    def play_audio_and_get_digits(
        self, params: Mapping[str, Any], call: CallControl
    ) -> ActionResult:
        leg = target_leg(params, call)
        if leg is not None and leg.connected:
            if not self._play(params.get("AudioSource") or {}, leg.tag, call.now):
                return ActionResult.failed(*INVALID_AUDIO)
            failure = params.get("FailureAudioSource")
            if (
                failure
                and self._prompt(str(failure.get("BucketName")), str(failure.get("Key"))) is None
            ):
                return ActionResult.failed(*INVALID_AUDIO)
        return super().play_audio_and_get_digits(params, call)

    # --- legs ----------------------------------------------------------------------------------
    def call_and_bridge(self, params: Mapping[str, Any], call: CallControl) -> ActionResult:
        result = super().call_and_bridge(params, call)
        if result.ok:
            self.bridge_started = call.now + result.duration
        return result

    # --- recording -----------------------------------------------------------------------------
    def leg_started(self, call_id: str, call: CallControl) -> datetime:
        """LEG-A started with the call; LEG-B here counts from when the bridge was answered."""
        leg = call.leg_by_call_id(call_id)
        started = self.bridge_started if leg and leg.tag == "LEG-B" else None
        return call.wall_clock(started or 0.0)

    def start_call_recording(self, params: Mapping[str, Any], call: CallControl) -> ActionResult:
        result = super().start_call_recording(params, call)
        if not result.ok:
            return result
        location = str(result.data["CallRecordingDestination"]["Location"])
        bucket, _, key = location.partition("/")
        if not self._may_write(bucket, key):
            return ActionResult.failed(*NO_ACCESS)
        leg = target_leg(params, call)
        assert leg is not None  # the base class checked it
        self.recordings.append(
            recording.Recording(
                transaction_id=call.transaction_id,
                call_id=leg.call_id,
                leg=leg.tag,
                other_leg="LEG-B" if leg.tag == "LEG-A" else "LEG-A",
                track=recording.Track(str(params.get("Track"))),
                bucket=bucket,
                key=key,
                started_at=call.now,
            )
        )
        return result

    def _may_write(self, bucket: str, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.s3.head_bucket(Bucket=bucket)
            policy = self._policy(bucket)
        except ClientError as error:
            self.refusals.append(
                f"recording bucket {bucket}: {error.response['Error'].get('Code')}"
            )
            return False
        # StartCallRecording: the Location must be one "for which Amazon Chime SDK has
        # permissions to the s3:PutObject and s3:PutObjectAcl actions".
        for action in RECORDING_ACTIONS:
            request = bucket_policy.chime_request(
                action, bucket, key, self.definitions.account_id, self.definitions.sma_arn
            )
            decision = bucket_policy.evaluate(policy, request)
            if decision is not bucket_policy.Decision.ALLOW:
                self.refusals.append(
                    f"{action} s3://{bucket}/{key} for {self.definitions.sma_arn}: {decision.value}"
                )
                return False
        return True

    def _recording_of(
        self, params: Mapping[str, Any], call: CallControl
    ) -> recording.Recording | None:
        leg = target_leg(params, call)
        if leg is None:
            return None
        return next((r for r in reversed(self.recordings) if r.call_id == leg.call_id), None)

    def pause_call_recording(self, params: Mapping[str, Any], call: CallControl) -> ActionResult:
        target = self._recording_of(params, call)
        if target is not None:
            target.pause(call.now)
        return super().pause_call_recording(params, call)

    def resume_call_recording(self, params: Mapping[str, Any], call: CallControl) -> ActionResult:
        target = self._recording_of(params, call)
        if target is not None:
            target.resume(call.now)
        return super().resume_call_recording(params, call)

    def stop_call_recording(self, params: Mapping[str, Any], call: CallControl) -> ActionResult:
        target = self._recording_of(params, call)
        if target is not None:
            target.stop(call.now)
        return super().stop_call_recording(params, call)


@dataclass(frozen=True)
class LegTimes:
    connected: dict[str, tuple[float, float]]

    def end(self, tag: str) -> float:
        return self.connected.get(tag, (0.0, 0.0))[1]


def leg_times(transcript: Any, chime: LocalChime) -> LegTimes:
    """When each leg was on the call, from the HANGUP events the simulated Chime sent."""
    last = max((step.at for step in transcript.steps), default=0.0)
    ends: dict[str, float] = {}
    for step in transcript.steps:
        if step.event_type != "HANGUP":
            continue
        parameters = (step.event.get("ActionData") or {}).get("Parameters") or {}
        tag = str(parameters.get("ParticipantTag", ""))
        ends.setdefault(tag, step.at)
    connected = {"LEG-A": (0.0, ends.get("LEG-A", last))}
    if chime.bridge_started is not None:
        connected["LEG-B"] = (chime.bridge_started, ends.get("LEG-B", last))
    return LegTimes(connected)


def place_speech(
    scenario: Scenario,
    chime: LocalChime,
    times: LegTimes,
    tag_of: Any,
    base_dir: Path | None = None,
) -> list[str]:
    """Put every utterance on its party's leg; returns notes about utterances nobody heard."""
    notes = []
    for utterance in scenario.utterances:
        tag = tag_of(utterance.party.value)
        begin, end = times.connected.get(tag, (0.0, -1.0))
        if not begin <= utterance.at < end:
            notes.append(
                f"{utterance.at:.1f} s: {utterance.party.value} is not on the call; "
                f"{utterance.text!r} not heard"
            )
            continue
        samples = speech.speech_for(
            speech.Utterance(
                _voice(utterance.party, scenario), utterance.text, utterance.clip or None
            ),
            base_dir,
        )
        chime.legs.setdefault(tag, recording.LegAudio()).spoken.append(
            recording.Sound(
                utterance.at, samples[: round((end - utterance.at) * audio.RATE)], utterance.text
            )
        )
    return notes


def _voice(party: PartyName, scenario: Scenario) -> str:
    """``owner`` or ``other``: who speaks decides the voice, whichever leg they are on."""
    if party in (PartyName.OWNER, PartyName.OTHER):
        return party.value
    is_owner = (party is PartyName.CALLER) == scenario.outbound
    return "owner" if is_owner else "other"


def deliver_recordings(chime: LocalChime, times: LegTimes, s3: Any) -> list[Delivered]:
    """Write every recording to S3 under its documented key with the documented metadata."""
    delivered = []
    bridged = [times.connected["LEG-B"]] if "LEG-B" in times.connected else []
    for item in chime.recordings:
        call_end = times.end(item.leg)
        body = recording.render(item, chime.legs, bridged, call_end)
        metadata = item.metadata(call_end)
        s3.put_object(
            Bucket=item.bucket,
            Key=item.key,
            Body=body,
            ContentType=recording.WAV_MEDIA_TYPE,
            Metadata=metadata,
        )
        with wave.open(io.BytesIO(body)) as reader:
            channels = reader.getnchannels()
        delivered.append(Delivered(item.bucket, item.key, metadata, len(body), channels))
    return delivered


def phrases(scenario: Scenario, extra: Sequence[str] = ()) -> list[str]:
    """The domain phrase list for the recogniser: what the parties say plus the prompts."""
    return [u.text for u in scenario.utterances] + list(extra)
