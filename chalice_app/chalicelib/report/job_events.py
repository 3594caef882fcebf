"""Typed view over Transcribe's EventBridge job state change events.

``Call Analytics Job State Change`` carries ``detail.JobName`` / ``detail.JobStatus``;
``Transcribe Job State Change`` carries ``detail.TranscriptionJobName`` /
``detail.TranscriptionJobStatus``. Both add ``detail.FailureReason`` when the job FAILED.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from chalicelib.errors import InvalidEventError
from chalicelib.transcription.jobs import JobKind

SOURCE = "aws.transcribe"


class DetailType(StrEnum):
    CALL_ANALYTICS = "Call Analytics Job State Change"
    TRANSCRIPTION = "Transcribe Job State Change"


class JobStatus(StrEnum):
    QUEUED = "QUEUED"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


class JobStateChange:
    def __init__(self, raw: Mapping[str, Any]) -> None:
        if raw.get("source") != SOURCE:
            raise InvalidEventError(
                f"event source {raw.get('source')!r} is not {SOURCE}",
                hint="route only Transcribe job state changes to render_report",
            )
        try:
            self.detail_type = DetailType(str(raw.get("detail-type", "")))
        except ValueError as error:
            raise InvalidEventError(
                f"event detail-type {raw.get('detail-type')!r} is not a job state change",
                hint=f"expected {DetailType.CALL_ANALYTICS.value!r} or "
                f"{DetailType.TRANSCRIPTION.value!r}",
            ) from error
        detail = raw.get("detail")
        self._detail: Mapping[str, Any] = detail if isinstance(detail, Mapping) else {}
        if not self.job_name:
            raise InvalidEventError("the event names no job", hint="check the event's detail")

    @property
    def kind(self) -> JobKind:
        if self.detail_type is DetailType.CALL_ANALYTICS:
            return JobKind.CALL_ANALYTICS
        return JobKind.STANDARD

    @property
    def job_name(self) -> str:
        field = (
            "JobName" if self.detail_type is DetailType.CALL_ANALYTICS else "TranscriptionJobName"
        )
        return str(self._detail.get(field) or self._detail.get("CallAnalyticsJobName") or "")

    @property
    def status(self) -> str:
        field = (
            "JobStatus"
            if self.detail_type is DetailType.CALL_ANALYTICS
            else "TranscriptionJobStatus"
        )
        return str(self._detail.get(field, ""))

    @property
    def failure_reason(self) -> str:
        return str(self._detail.get("FailureReason", ""))

    @staticmethod
    def looks_like(raw: Mapping[str, Any]) -> bool:
        return raw.get("source") == SOURCE and "detail-type" in raw
