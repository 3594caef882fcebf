"""Shared paths and a runner for the offline Terraform tests."""

from __future__ import annotations

from pathlib import Path

from callrec.infra_check.check import Report, run_check
from callrec.infra_check.mirror import ProviderSchema

REPO_ROOT = Path(__file__).resolve().parents[2]
INFRA = REPO_ROOT / "infra"
SCHEMA_DIR = INFRA / "provider-schema"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def check(
    root: Path, build_dir: Path, *, run_tests: bool = True, recursive: bool = True
) -> tuple[Report, str]:
    """Run the whole check on ``root``; return the report and everything it printed."""
    lines: list[str] = []
    report = run_check(
        root,
        schema=ProviderSchema.load(SCHEMA_DIR),
        build_dir=build_dir,
        run_tests=run_tests,
        recursive=recursive,
        printer=lines.append,
    )
    return report, "\n".join(lines)
