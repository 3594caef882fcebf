"""What `callrec` prints to a terminal: colour only where it helps and only on a TTY, never when
NO_COLOR is set (https://no-color.org), and progress lines on standard error so that standard
output carries only results (text, or JSON with --format json) that a pipe can rely on."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TextIO

_CODES = {"green": "32", "red": "31", "yellow": "33", "bold": "1", "dim": "2"}


def colour_enabled(stream: TextIO) -> bool:
    """True on a terminal, unless NO_COLOR is set to anything non-empty or TERM is dumb."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def paint(text: str, colour: str, stream: TextIO | None = None) -> str:
    """``text`` in ``colour`` (green, red, yellow, bold, dim) when ``stream`` shows colour."""
    if not colour_enabled(stream or sys.stdout):
        return text
    return f"\033[{_CODES[colour]}m{text}\033[0m"


def progress(line: str) -> None:
    """One progress line on standard error, flushed at once."""
    print(paint(line, "dim", sys.stderr), file=sys.stderr, flush=True)


def add_format_argument(parser: argparse.ArgumentParser, *, json_alias: bool = False) -> None:
    """``--format text|json`` (default text); with ``json_alias`` also the older ``--json``
    spelling, kept working because flags are contracts."""
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="text (default) or JSON"
    )
    if json_alias:
        parser.add_argument(
            "--json", dest="format", action="store_const", const="json", help="--format json"
        )
