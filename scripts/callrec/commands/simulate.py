"""``callrec simulate SCENARIO``: run a scripted call through the SMA handler, offline.

SCENARIO is a YAML/JSON file or the name of a shipped scenario (``--list`` shows them). Exit 0
when every expectation holds, 1 when one fails, 2 when the scenario is unusable.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

EXIT_OK, EXIT_FAILED = 0, 1


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "simulate",
        help="drive the SMA handler through a scripted call (no phone, no AWS)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("scenario", nargs="?", help="scenario file, or a shipped scenario name")
    parser.add_argument(
        "--format",
        choices=("text", "json", "jsonl"),
        default="text",
        help="text (readable), json (one document: verdict, notes, call record, steps) or "
        "jsonl (JSON Lines: one object per step, then the verdict)",
    )
    parser.add_argument("--list", action="store_true", help="list the shipped scenarios")
    parser.add_argument(
        "--records",
        choices=("auto", "off", "moto", "environment"),
        default="auto",
        help="where call records go: moto in-process (auto, when moto is installed), the "
        "configured CALL_RECORDS_TABLE (environment), or nowhere (off)",
    )
    parser.add_argument("--verbose", action="store_true", help="show the handler's log")
    parser.set_defaults(handler=simulate)


def simulate(args: argparse.Namespace) -> int:
    from callrec import simulation
    from callrec.simulation import render

    if args.list:
        for path in simulation.shipped_scenarios():
            scenario = simulation.load(path)
            print(f"{path.stem:32} {scenario.description}")
        return EXIT_OK
    if not args.scenario:
        raise simulation.ScenarioError("no scenario given", hint="name a file, or use --list")
    logging.basicConfig(level=logging.INFO if args.verbose else logging.CRITICAL, stream=sys.stderr)
    outcome = simulation.run(simulation.resolve(args.scenario), records=_records(args.records))
    for line in render.FORMATS[args.format](outcome.transcript, outcome.results):
        print(line)
    return EXIT_OK if outcome.ok else EXIT_FAILED


def _records(choice: str) -> Any:
    from callrec.simulation import Records

    if choice != "auto":
        return Records(choice)
    try:
        import moto  # noqa: F401
    except ImportError:
        return Records.OFF
    return Records.MOTO
