"""``callrec demo``: the whole pipeline offline — a call, a recording, a transcript, a report."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from callrec.errors import UsageError
from callrec.terminal import paint, progress

EXIT_OK = 0
EXIT_FAILURE = 1


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="run one call end to end on a local stack (moto + emulators), offline",
        description=(
            "Start moto and the Transcribe emulator on 127.0.0.1, create the resources from the "
            "Terraform definitions, drive the SMA handler through a scenario with a local Chime, "
            "write the stereo recording, and let the app transcribe it, render the report and "
            "publish the notification. Prints each stage; everything is shut down at the end."
        ),
    )
    parser.add_argument(
        "--scenario",
        type=Path,
        default=None,
        help="scenario file (the callrec simulate format with utterances:); default: demo-call",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("out"),
        help="parent directory of the run's own folder, out/<timestamp>/ (default: out/)",
    )
    parser.add_argument(
        "--path",
        choices=("sma", "media-insights"),
        default="sma",
        help="recording path: the SIP media application's StartCallRecording (default) or a "
        "Voice Connector streaming to Kinesis Video Streams recorded by a media insights pipeline",
    )
    parser.add_argument(
        "--recording-format",
        choices=("Wav", "Opus"),
        default="Wav",
        help="with --path media-insights: the S3 recording sink's file format (Opus is Ogg/Opus)",
    )
    parser.add_argument(
        "--recording-writer",
        action="append",
        metavar="SMA_ARN",
        help=(
            "render the recordings bucket policy for this SIP media application ARN instead of "
            "the scenario's (repeatable); another SMA's ARN shows NoAccessToDestination"
        ),
    )
    parser.add_argument(
        "--no-recording-expected",
        action="store_true",
        help="the scenario expects no recording (a refused bucket policy): stop after the call",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="the closing summary as text (default) or one JSON document; stage progress goes to "
        "standard error either way",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from callrec.local.demo import DEFAULT_SCENARIO, DemoOptions, StageFailedError
    from callrec.local.demo import run as run_demo

    if args.recording_format != "Wav" and args.path != "media-insights":
        raise UsageError(
            f"--recording-format {args.recording_format} needs --path media-insights",
            hint="the SIP media application path always records WAV",
        )
    out_dir = run_folder(args.out)
    options = DemoOptions(
        scenario=args.scenario or DEFAULT_SCENARIO,
        out_dir=out_dir,
        recording_writers=args.recording_writer,
        expect_recording=not args.no_recording_expected,
    )
    try:
        if args.path == "media-insights":
            from callrec.local.media_insights_call import run as run_media_insights

            result = run_media_insights(options, progress, file_format=args.recording_format)
        else:
            result = run_demo(options, progress)
    except StageFailedError as error:
        print(f"callrec demo: {paint('error', 'red', sys.stderr)}: {error}", file=sys.stderr)
        return EXIT_FAILURE
    if args.format == "json":
        print(json.dumps(summary(result), indent=2))
    else:
        print_summary(result)
    return EXIT_OK


def summary(result: Any) -> dict[str, Any]:
    """The run's outcome as plain values (``--format json``)."""

    def path(value: Path | None) -> str | None:
        return str(value) if value else None

    return {
        "transaction_id": result.transaction_id,
        "recorded": result.recording is not None,
        "recording": path(result.recording),
        "recording_uri": result.recording_uri,
        "recording_metadata": result.recording_metadata,
        "transcript": path(result.transcript),
        "report": path(result.report),
        "report_markdown": path(result.report_markdown),
        "recording_state": result.call_record.get("recording_state"),
        "action_failures": result.action_failures,
        "notes": result.notes,
        "seconds": result.seconds,
    }


def run_folder(parent: Path) -> Path:
    """``parent/<UTC timestamp>/``, created now: a bad ``--out`` fails before the call runs."""
    if parent.exists() and not parent.is_dir():
        raise UsageError(f"--out {parent} is a file", hint="pass a directory (default: out/)")
    folder = parent / datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    suffix = 1
    while folder.exists():  # two runs in one second
        suffix += 1
        folder = parent / f"{folder.name.split('-')[0]}-{suffix}"
    try:
        folder.mkdir(parents=True)
    except OSError as error:
        raise UsageError(
            f"--out {parent}: cannot create {folder}: {error.strerror}",
            hint="pass a directory you can write to",
        ) from error
    return folder


def print_summary(result: Any) -> None:
    print()
    for failure in result.action_failures:
        reason = (
            failure.get("Error") or f"{failure.get('ErrorType')}: {failure.get('ErrorMessage')}"
        )
        print(f"action failed: {failure.get('Type')}: {reason}")
    if result.recording is None:
        print(f"no recording; call record: {result.call_record.get('recording_state')}")
        return
    record = result.call_record
    duration = result.recording_metadata.get("recording-duration", "?")
    print(
        f"recorded:   a {record.get('direction', '')} call, {duration} s "
        f"({result.recording_metadata.get('recording-audio-file-format', 'audio')})"
    )
    print(f"recording:  {result.recording}")
    print(f"transcript: {result.transcript}")
    print(f"report:     {paint(str(result.report), 'bold')}")
    if result.report_markdown:
        print(f"            {result.report_markdown} (the same report as Markdown)")
    subject = result.notification.splitlines()[0] if result.notification else ""
    if subject:
        print(
            f"notified:   {subject!r} (its links pointed at the local stack, which is now "
            "stopped; open the files above instead)"
        )
    for note in result.notes:
        print(f"note: {note}")
    pipeline = result.seconds.get("total", 0.0) - result.seconds.get("setup", 0.0)
    rtf = result.decode_seconds / result.audio_seconds if result.audio_seconds else 0.0
    print(
        f"took {result.seconds.get('total', 0.0):.1f} s ({pipeline:.1f} s after set-up); "
        f"recogniser real-time factor {rtf:.3f}"
    )
    print("next:       callrec console  (browse, play and control calls in a web console)")
