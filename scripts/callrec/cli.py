"""Entry point of ``callrec``. Each subcommand lives in its own module under ``callrec.commands``.

A command module exposes ``register(subparsers)``, which adds its parser and sets
``handler=<function(args) -> int>`` as a default. Exit codes: 0 success, 1 the command ran and
found a failure (a failed assertion, a finding, a failed stage), 2 usage or input errors.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from chalicelib.errors import CallRecError

# Imported lazily so that one command's heavy dependencies never slow down another.
COMMAND_MODULES: tuple[str, ...] = (
    "audit",
    "infra",
    "package",
    "chalice_config",
    "phone_number",
    "simulate",
    "report",
    "replay",
    "demo",
    "console",
    "doctor",
    "owners",
)

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="callrec", description="Call recording for Amazon Chime SDK voice: operator tooling."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"callrec.commands.{name}")
        module.register(subparsers)
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("chime-callrec")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
        sys.stdout.flush()
    except CallRecError as error:
        print(f"callrec {args.command}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"callrec {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return _reader_went_away()
    return code


def _reader_went_away() -> int:
    """``callrec simulate ... | head``: the reader closed the pipe. Not an error of ours: stop
    quietly, and point stdout at /dev/null so the interpreter's final flush does not complain."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
