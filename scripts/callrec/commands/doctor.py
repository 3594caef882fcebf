"""``callrec doctor``: check a live deployment, read-only: what would stop a call being recorded.

Wiring only: the deployment's names come from ``callrec.doctor.deployment``, the checks from
``callrec.doctor.registry``. Exit 0 when no check failed (cannot-check lines do not fail), 1 when
one did, 2 when the doctor cannot run (no deployment description, no Region, no credentials).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from callrec import aws_options
from callrec.commands.chalice_config import DEFAULT_CONFIG


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "doctor",
        help="check a live deployment (read-only): will it record a call?",
        description="Read the live account (read-only calls only) and print one line per check: "
        "ok, FAIL or cannot-check, and what to do. Exit 0 when no check failed, 1 when one did, "
        "2 when the doctor cannot run.",
    )
    parser.add_argument(
        "--outputs",
        type=Path,
        help="file with `terraform output -json` of infra/ ('-' for stdin); default: the stage "
        "in .chalice/config.json",
    )
    parser.add_argument("--stage", default="dev", help="Chalice stage to read (default dev)")
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="Chalice config.json")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    aws_options.add_arguments(parser)
    parser.set_defaults(handler=run)


def run(
    args: argparse.Namespace,
    *,
    overrides: Mapping[str, Any] | None = None,
    simulation: Any = None,
) -> int:
    """``overrides``, ``simulation``: clients used instead of chalicelib.aws's (tests)."""
    from callrec.doctor import deployment, render
    from callrec.doctor.context import DoctorContext
    from callrec.doctor.registry import exit_code, run_checks

    described = deployment.load(args.outputs, args.config, args.stage)
    settings = aws_options.configure(args)
    account, partition = aws_options.caller_identity()
    context = DoctorContext(
        described,
        account=account,
        region=settings.region,
        partition=partition,
        overrides=dict(overrides or {}),
        simulation=simulation,
    )
    results = run_checks(context)
    source = f"{described.source.value} in {settings.region}, account {account}"
    report = render.json_report if args.format == "json" else render.text
    sys.stdout.write(report(results, source))
    return exit_code(results)
