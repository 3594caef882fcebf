"""``callrec console``: the call console (web app + HTTP API) offline, until Ctrl-C."""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path
from typing import Any

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
MAX_PORT = 65535


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "console",
        help="serve the call console on 127.0.0.1 with demo calls and users, offline",
        description=(
            "Start the local stack (moto with its Cognito IdP, the Transcribe and Chime SDK "
            "Voice emulators), create the user pool, an admin and two owners (their passwords "
            "are printed), record demo calls for each owner, keep one call live so its "
            "recording can be paused from the page, and serve the web app and the API on one "
            "127.0.0.1 origin until Ctrl-C."
        ),
    )
    parser.add_argument(
        "--port", type=int, default=8800, help="port on 127.0.0.1 (default 8800; 0: any free)"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("out/console"),
        help="directory for the demo calls' files (default: out/console/)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from callrec.local.console import ConsoleOptions, ConsoleStack
    from callrec.local.demo import StageFailedError

    if not 0 <= args.port <= MAX_PORT:
        print(f"callrec console: --port {args.port} is not a port; give 0..65535", file=sys.stderr)
        return EXIT_USAGE
    try:
        with ConsoleStack(ConsoleOptions(port=args.port, out_dir=args.out), _progress) as console:
            _print_welcome(console)
            threading.Event().wait()  # until Ctrl-C (SIGINT/SIGTERM unwind the stack)
    except OSError as error:
        print(
            f"callrec console: cannot listen on 127.0.0.1:{args.port}: {error.strerror}; "
            "pass --port 0 or another port",
            file=sys.stderr,
        )
        return EXIT_USAGE
    except StageFailedError as error:
        print(f"callrec console: a demo call failed: {error}", file=sys.stderr)
        return EXIT_FAILURE
    return EXIT_OK


def _progress(line: str) -> None:
    print(line, flush=True)


def _print_welcome(console: Any) -> None:
    print()
    print(f"Call console: {console.url}/")
    print("Sign in as (passwords are new each run):")
    for user in console.pool.users:
        role = "admin" if user.owner_id is None else f"owner {user.owner_id}"
        print(f"  {user.username:<8} {user.password}   ({role})")
    print("A live call is kept up for 30 minutes: pause it on the Live page.")
    print("Ctrl-C stops everything.", flush=True)
