"""Transcription options, read from the environment at call time."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from chalicelib import settings
from chalicelib.errors import ConfigurationError

LANGUAGE_ENV = "TRANSCRIBE_LANGUAGE_CODE"
REDACTION_ENV = "TRANSCRIBE_REDACTION"
VOCABULARY_ENV = "TRANSCRIBE_VOCABULARY_NAME"
KMS_KEY_ENV = "TRANSCRIBE_OUTPUT_KMS_KEY_ID"
ROLE_ENV = "TRANSCRIBE_DATA_ACCESS_ROLE_ARN"
TRANSCRIPTS_PREFIX_ENV = "TRANSCRIPTS_PREFIX"
REPORTS_PREFIX_ENV = "REPORTS_PREFIX"
RECORDINGS_PREFIX_ENV = "RECORDINGS_PREFIX"

DEFAULT_LANGUAGE = "en-US"
DEFAULT_TRANSCRIPTS_PREFIX = "transcriptions"
DEFAULT_REPORTS_PREFIX = "reports"
DEFAULT_RECORDINGS_PREFIX = "recordings"


class Redaction(StrEnum):
    """``TRANSCRIBE_REDACTION``: what to do with PII in the transcript."""

    OFF = "off"
    PII = "pii"  # RedactionOutput "redacted"
    PII_AND_UNREDACTED = "pii-and-unredacted"  # RedactionOutput "redacted_and_unredacted"

    @property
    def redaction_output(self) -> str | None:
        return {
            Redaction.OFF: None,
            Redaction.PII: "redacted",
            Redaction.PII_AND_UNREDACTED: "redacted_and_unredacted",
        }[self]


@dataclass(frozen=True)
class TranscriptionConfig:
    language_code: str
    redaction: Redaction
    vocabulary_name: str
    output_kms_key_id: str
    data_access_role_arn: str
    transcripts_prefix: str
    reports_prefix: str

    @classmethod
    def from_env(cls) -> TranscriptionConfig:
        raw_redaction = settings.optional(REDACTION_ENV, Redaction.OFF.value).lower()
        try:
            redaction = Redaction(raw_redaction)
        except ValueError as error:
            raise ConfigurationError(
                f"environment variable {REDACTION_ENV}={raw_redaction!r} is not recognised",
                hint="use off, pii or pii-and-unredacted",
            ) from error
        return cls(
            language_code=settings.optional(LANGUAGE_ENV, DEFAULT_LANGUAGE),
            redaction=redaction,
            vocabulary_name=settings.optional(VOCABULARY_ENV),
            output_kms_key_id=settings.optional(KMS_KEY_ENV),
            data_access_role_arn=settings.optional(ROLE_ENV),
            transcripts_prefix=_folder(TRANSCRIPTS_PREFIX_ENV, DEFAULT_TRANSCRIPTS_PREFIX),
            reports_prefix=_folder(REPORTS_PREFIX_ENV, DEFAULT_REPORTS_PREFIX),
        )


def recordings_prefix() -> str:
    """Key prefix recordings arrive under, with a trailing slash (``RECORDINGS_PREFIX``, default
    ``recordings``); empty when the variable is set to ``/`` (the whole bucket)."""
    prefix = settings.optional(RECORDINGS_PREFIX_ENV, DEFAULT_RECORDINGS_PREFIX).strip("/")
    return f"{prefix}/" if prefix else ""


def _folder(name: str, default: str) -> str:
    return settings.optional(name, default).strip("/") or default
