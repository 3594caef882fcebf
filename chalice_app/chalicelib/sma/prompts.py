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
