"""``callrec demo``: the whole pipeline offline — a call, a recording, a transcript, a report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

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
        "--out", type=Path, default=Path("out"), help="directory for the outputs (default: out/)"
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
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from callrec.local.demo import DEFAULT_SCENARIO, DemoOptions, StageFailedError
    from callrec.local.demo import run as run_demo

    def progress(line: str) -> None:
        print(line, flush=True)

    options = DemoOptions(
        scenario=args.scenario or DEFAULT_SCENARIO,
        out_dir=args.out,
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
        print(f"callrec demo: {error}", file=sys.stderr)
        return EXIT_FAILURE
    print()
    for failure in result.action_failures:
        reason = (
            failure.get("Error") or f"{failure.get('ErrorType')}: {failure.get('ErrorMessage')}"
        )
        print(f"action failed: {failure.get('Type')}: {reason}")
    if result.recording is None:
        print(f"no recording; call record: {result.call_record.get('recording_state')}")
        return EXIT_OK
    print(f"recording:  {result.recording}  ({result.recording_uri})")
    print(f"transcript: {result.transcript}  ({result.transcript_uri})")
    print(f"report:     {result.report}  ({result.report_uri})")
    print("notification:")
    for line in result.notification.splitlines():
        print(f"  {line}")
    for note in result.notes:
        print(f"note: {note}")
    pipeline = result.seconds.get("total", 0.0) - result.seconds.get("setup", 0.0)
    rtf = result.decode_seconds / result.audio_seconds if result.audio_seconds else 0.0
    print(
        f"took {result.seconds.get('total', 0.0):.1f} s ({pipeline:.1f} s after set-up); "
        f"recogniser real-time factor {rtf:.3f}"
    )
    print("next: browse, play and control calls in the web console: callrec console")
    return EXIT_OK
