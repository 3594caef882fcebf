"""Amazon Transcribe's fixed input limits, checked before a job is started.

From "Guidelines and quotas" in the Amazon Transcribe developer guide (quotas that "cannot be
changed"): audio file length 4:00:00 hours (14,400 seconds); audio file size 2 GB; audio file
size (call analytics) 500 MB. A job over them would only fail later, so the recording is
filed as unprocessable now, with the limit named. Sizes are read as binary units (the larger
reading), so nothing Transcribe would take is refused here.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from chalicelib.errors import UnprocessableRecordingError

MAX_SECONDS = 14_400
MAX_BYTES_STANDARD = 2 * 1024**3
MAX_BYTES_CALL_ANALYTICS = 500 * 1024**2
SOURCE = "Amazon Transcribe developer guide, Guidelines and quotas"


@dataclass(frozen=True)
class Declared:
    """What the object says about itself: its size, and its duration where known."""

    size: int
    seconds: float | None = None


def check(declared: Declared, *, call_analytics: bool) -> None:
    """Raise UnprocessableRecordingError when the recording is beyond Transcribe's limits."""
    max_bytes = MAX_BYTES_CALL_ANALYTICS if call_analytics else MAX_BYTES_STANDARD
    if declared.size > max_bytes:
        job = "Call Analytics" if call_analytics else "transcription"
        raise UnprocessableRecordingError(
            f"the recording is {_size(declared.size)}, over the {_size(max_bytes)} Amazon "
            f"Transcribe takes for a {job} job ({SOURCE}: audio file size)",
            hint="split the recording or lower its bit rate; it was not sent to Transcribe",
        )
    if declared.seconds is not None and declared.seconds > MAX_SECONDS:
        raise UnprocessableRecordingError(
            f"the recording lasts {declared.seconds:,.0f} s, over the {MAX_SECONDS:,} s (4 hours) "
            f"Amazon Transcribe takes ({SOURCE}: audio file length)",
            hint="split the recording; it was not sent to Transcribe",
        )


def declared_seconds(metadata_duration: str, from_size: float | None) -> float | None:
    """The longest duration the object declares: Chime's ``recording-duration`` metadata (seconds)
    or its size over the WAV byte rate; None when neither is known."""
    known = [from_size] if from_size is not None else []
    with contextlib.suppress(ValueError):
        known.append(float(metadata_duration))
    return max(known, default=None)


def _size(size: int) -> str:
    if size >= 1024**3:
        return f"{size / 1024**3:.1f} GB"
    return f"{size / 1024**2:.1f} MB"
