"""``callrec report``: render a call report from a local Transcribe output file.

The same rendering code as the ``render_report`` Lambda; ``--format markdown`` writes the
cheap text version (no charts). Party details that the Lambda takes from the call record can
be given as options.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from callrec.errors import UsageError
from callrec.terminal import progress
from chalicelib.errors import TranscriptError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "report", help="render a Word (or Markdown) call report from a Call Analytics JSON file"
    )
    parser.add_argument("transcript", type=Path, help="Call Analytics (or standard) output JSON")
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        help="file to write, or - for standard output (default: next to the input)",
    )
    parser.add_argument(
        "--format", choices=("docx", "markdown"), default="docx", help="report format"
    )
    parser.add_argument("--owner-number", default="", help="E.164 of the owner (the agent)")
    parser.add_argument("--other-number", default="", help="E.164 of the other party")
    parser.add_argument("--direction", default="", choices=("", "inbound", "outbound"))
    parser.add_argument("--started-at", default="", help="ISO 8601 start of the call")
    parser.add_argument("--transaction-id", default="", help="SMA transaction id")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from chalicelib.report.content import CallContext
    from chalicelib.report.render import ReportFormat, parse_document, render

    report_format = ReportFormat(args.format)
    try:
        data = args.transcript.read_bytes()
    except OSError as error:
        raise TranscriptError(
            f"cannot read {args.transcript}: {error.strerror}", hint="check the path"
        ) from error
    output = _output_path(args.output, args.transcript.with_suffix(report_format.extension))
    context = CallContext(
        transaction_id=args.transaction_id,
        direction=args.direction,
        owner_number=args.owner_number,
        other_number=args.other_number,
        started_at=_timestamp(args.started_at),
    )
    document = parse_document(data)
    turns = len(document.get("Transcript") or document.get("results", {}).get("items") or [])
    progress(
        f"rendering the {report_format.value} report of {args.transcript.name} ({turns} turns)"
    )
    rendered = render(document, context, report_format)
    if output is None:
        sys.stdout.buffer.write(rendered)
        return 0
    output.write_bytes(rendered)
    print(f"wrote {output} ({len(rendered)} bytes)", file=sys.stderr)
    return 0


def _output_path(given: Path | None, default: Path) -> Path | None:
    """Where to write (None: standard output), checked before anything is rendered."""
    if given is not None and str(given) == "-":
        return None
    output = given or default
    if not output.parent.is_dir():
        raise UsageError(
            f"-o {output}: the folder {output.parent} does not exist",
            hint="create it first or pass a path in an existing folder",
        )
    if output.is_dir():
        raise UsageError(f"-o {output} is a directory", hint="pass a file name")
    return output


def _timestamp(value: str) -> str:
    if not value:
        return value
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise UsageError(
            f"--started-at {value!r} is not a timestamp",
            hint="use ISO 8601, e.g. 2026-11-20T14:01:05Z",
        ) from error
    return value
