"""The one error hierarchy of the app: every error raised on purpose derives from CallRecError.

Each error carries a stable ``code`` (for logs, call records and tests) and a ``hint`` that
tells the operator what to do about it.
"""

from __future__ import annotations


class CallRecError(Exception):
    """Base class. ``str(error)`` is the message followed by the hint, when there is one."""

    code = "CallRecError"

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class ConfigurationError(CallRecError):
    """A required environment variable is missing or has an unusable value."""

    code = "ConfigurationError"


class InvalidEventError(CallRecError):
    """An incoming event does not have the documented shape."""

    code = "InvalidEvent"


class RecordingKeyError(CallRecError):
    """An object key is neither the SMA recording form nor the media insights form."""

    code = "UnrecognisedRecordingKey"


class StorageError(CallRecError):
    """An AWS data store (DynamoDB, S3) refused or failed a request."""

    code = "StorageError"


class UnprocessableRecordingError(CallRecError):
    """A recording exists but cannot be transcribed (empty, corrupt, unsupported format)."""

    code = "UnprocessableRecording"


class TranscriptError(CallRecError):
    """A Transcribe output document is missing, unreadable or not in the documented schema."""

    code = "InvalidTranscript"


class TransientAwsError(CallRecError):
    """An AWS call failed in a way that may succeed later (throttling, 5xx, network).

    Handlers let it propagate so that Lambda's asynchronous retry and the dead-letter queue apply.
    """

    code = "TransientAwsError"


class MediaPipelineError(CallRecError):
    """The Chime SDK media pipelines API refused or failed a request (media insights path)."""

    code = "MediaPipelineError"
