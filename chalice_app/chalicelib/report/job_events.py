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
from chalicelib.event_view import EventBridgeView
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


class JobStateChange(EventBridgeView):
    SOURCE = SOURCE
    DETAIL_TYPES = tuple(t.value for t in DetailType)
    ROUTING_HINT = "route only Transcribe job state changes to render_report"

    def __init__(self, raw: Mapping[str, Any]) -> None:
        super().__init__(raw)
        if not self.job_name:
            raise InvalidEventError("the event names no job", hint="check the event's detail")

    @property
    def detail_type(self) -> DetailType:
        return DetailType(self._text("detail-type"))

    @property
    def _detail(self) -> Mapping[str, Any]:
        return self.detail

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

    @classmethod
    def looks_like(cls, raw: Mapping[str, Any]) -> bool:
        """Any Transcribe event: one of another detail-type is refused by name when viewed."""
        return raw.get("source") == SOURCE and "detail-type" in raw
