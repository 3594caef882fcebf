"""One entry point for rendering, shared by the report Lambda and ``callrec report``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from chalicelib.errors import TranscriptError
from chalicelib.report import content, model


class ReportFormat(StrEnum):
    DOCX = "docx"
    MARKDOWN = "markdown"

    @property
    def extension(self) -> str:
        return ".docx" if self is ReportFormat.DOCX else ".md"

    @property
    def content_type(self) -> str:
        if self is ReportFormat.DOCX:
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        return "text/markdown; charset=utf-8"


def parse_document(data: bytes) -> Mapping[str, Any]:
    """Decode a Transcribe output file, or raise TranscriptError saying what is wrong with it."""
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise TranscriptError(
            f"the transcript is not valid JSON: {error}",
            hint="pass the JSON file Transcribe wrote to its output location",
        ) from error
    if not isinstance(document, Mapping):
        raise TranscriptError("the transcript is not a JSON object", hint="check the file")
    return document


def render(
    document: Mapping[str, Any],
    context: content.CallContext | None = None,
    report_format: ReportFormat = ReportFormat.DOCX,
) -> bytes:
    """Render a Call Analytics (or standard) output document in ``report_format``."""
    return render_analysis(model.load(document), context, report_format)


def render_analysis(
    analysis: model.CallAnalysis,
    context: content.CallContext | None = None,
    report_format: ReportFormat = ReportFormat.DOCX,
) -> bytes:
    """Render an already loaded document (callers that also read figures from it load it once)."""
    report = content.build(analysis, context)
    if report_format is ReportFormat.DOCX:
        from chalicelib.report import docx_report

        return docx_report.render(report, analysis)
    from chalicelib.report import markdown_report

    return markdown_report.render(report).encode("utf-8")
