"""The prompts the flow plays (keys in ``PROMPTS_BUCKET``); texts in infra/prompts/PROMPTS.md."""

from __future__ import annotations

from enum import StrEnum


class Prompt(StrEnum):
    ENTER_NUMBER = "enter-number.wav"
    DIGITS_NOT_UNDERSTOOD = "digits-not-understood.wav"
    INVALID_NUMBER = "invalid-number.wav"
    NO_VALID_NUMBER = "no-valid-number.wav"
    CONNECTING = "connecting.wav"
    CONSENT = "consent.wav"
    NOT_ANSWERED = "not-answered.wav"
    RECORDING_PAUSED = "recording-paused.wav"
    RECORDING_RESUMED = "recording-resumed.wav"
    RECORDING_STOPPED = "recording-stopped.wav"
    RECORDING_CANNOT_RESUME = "recording-cannot-resume.wav"
    RECORDING_COMMAND_REFUSED = "recording-command-refused.wav"
    RECORDING_COMMAND_FAILED = "recording-command-failed.wav"
    RECORDING_FAILED = "recording-failed.wav"
    APOLOGY = "apology.wav"
    # the owner directory and dial-out protection (chalicelib.owners)
    NOT_IN_SERVICE = "not-in-service.wav"
    ENTER_PIN = "enter-pin.wav"
    WRONG_PIN = "wrong-pin.wav"
    TOO_MANY_WRONG_PINS = "too-many-wrong-pins.wav"
    DIAL_OUT_LOCKED = "dial-out-locked.wav"
    DESTINATION_REFUSED = "destination-refused.wav"
    LIMIT_REACHED = "limit-reached.wav"
