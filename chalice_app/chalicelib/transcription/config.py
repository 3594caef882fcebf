"""Transcription options, read from the environment at call time."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

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
SUMMARIZATION_ENV = "TRANSCRIBE_SUMMARIZATION"

DEFAULT_LANGUAGE = "en-US"
DEFAULT_TRANSCRIPTS_PREFIX = "transcriptions"
DEFAULT_REPORTS_PREFIX = "reports"
DEFAULT_RECORDINGS_PREFIX = "recordings"


# Generative call summarization (Call Analytics ``Settings.Summarization``) is documented for
# English in the Regions below ("Enabling generative call summarization" and the post-call
# analytics page of the Transcribe developer guide; generally available since 30 April 2024 in
# US East (N. Virginia) and US West (Oregon)). ``auto`` asks for it only there, so a job in an
# unsupported language or Region is never refused for it; ``on`` asks everywhere.
SUMMARIZATION_LANGUAGES = frozenset({"en-US"})
SUMMARIZATION_REGIONS = frozenset({"us-east-1", "us-west-2"})


class Summarization(StrEnum):
    """``TRANSCRIBE_SUMMARIZATION``: whether Call Analytics jobs ask for a generative summary."""

    AUTO = "auto"
    ON = "on"
    OFF = "off"

    def applies(self, language_code: str, region: str) -> bool:
        if self is Summarization.AUTO:
            return language_code in SUMMARIZATION_LANGUAGES and region in SUMMARIZATION_REGIONS
        return self is Summarization.ON


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
    summarize: bool = False

    @classmethod
    def from_env(cls) -> TranscriptionConfig:
        language = settings.optional(LANGUAGE_ENV, DEFAULT_LANGUAGE)
        region = settings.optional("AWS_REGION") or settings.optional("AWS_DEFAULT_REGION")
        return cls(
            language_code=language,
            redaction=_choice(REDACTION_ENV, Redaction, Redaction.OFF),
            summarize=_choice(SUMMARIZATION_ENV, Summarization, Summarization.AUTO).applies(
                language, region
            ),
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


E = TypeVar("E", bound=StrEnum)
_ALIASES = {"true": "on", "yes": "on", "1": "on", "false": "off", "no": "off", "0": "off"}


def _choice(name: str, kind: type[E], default: E) -> E:
    raw = settings.optional(name, default.value).lower()
    try:
        return kind(_ALIASES.get(raw, raw) if kind is Summarization else raw)
    except ValueError as error:
        raise ConfigurationError(
            f"environment variable {name}={raw!r} is not recognised",
            hint=f"use {', '.join(member.value for member in kind)}",
        ) from error


def _folder(name: str, default: str) -> str:
    return settings.optional(name, default).strip("/") or default
