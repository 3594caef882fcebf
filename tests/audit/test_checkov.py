"""checkov on infra/, offline, in its own virtual environment: zero failed checks, and every
skip carries its reason inline."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.audit.conftest import REPO_ROOT

CHECKOV = Path(os.environ.get("CHECKOV_BIN", REPO_ROOT / ".venv-checkov" / "bin" / "checkov"))
SKIP = re.compile(r"checkov:skip=([A-Z0-9_]+)(?::(.*))?")


def test_every_checkov_skip_in_infra_says_why() -> None:
    skips = [
        (path, match)
        for path in sorted((REPO_ROOT / "infra").rglob("*.tf"))
        for match in SKIP.finditer(path.read_text())
    ]
    for path, match in skips:
        reason = (match.group(2) or "").strip()
        assert len(reason) >= 20, f"{path}: {match.group(0)} has no real reason"


def _require_checkov() -> None:
    """Skip without checkov on a developer's machine; in CI (CI=true, where `make test` built
    .venv-checkov) a missing checkov is a failure, never a silent pass."""
    if CHECKOV.exists():
        return
    reason = (
        f"{CHECKOV} is missing: `make checkov-venv` (scripts/checkov-venv.sh) could not "
        "create the checkov environment on this machine"
    )
    if os.environ.get("CI"):
        pytest.fail(f"CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.mark.slow
def test_checkov_finds_no_failed_check_in_infra() -> None:
    _require_checkov()
    result = subprocess.run(
        [
            str(CHECKOV),
            "-d",
            "infra",
            "--framework",
            "terraform",
            "--skip-download",
            "--quiet",
            "--compact",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert "Failed checks: 0" in result.stdout, result.stdout[-4000:]
    assert result.returncode == 0, result.stderr[-2000:]


# checkov on what `callrec package` deploys (chalice.tf.json). Chalice writes JSON, where
# checkov reads no skip comments, so each accepted finding is listed here with its reason; any
# other failed check fails the test, and so does a listed one that no longer fails (stale).
ALL_FUNCTIONS = (
    "sma_handler",
    "start_transcription",
    "render_report",
    "media_insights_streaming_status",
    "media_insights_state_change",
    "media_insights_recording_metadata",
    "stop_media_insights_pipeline",
)
SYNCHRONOUS = ("sma_handler", "stop_media_insights_pipeline", "media_insights_recording_metadata")
PACKAGED_FINDINGS: dict[str, tuple[tuple[str, ...], str]] = {
    "CKV_AWS_116": (
        SYNCHRONOUS,
        "a dead-letter queue applies to asynchronous invocations only: Chime invokes the SMA "
        "handler synchronously, the stop function is invoked directly, and the Kinesis consumer's "
        "failed batches go to its event source mapping's on-failure queue",
    ),
    "CKV_AWS_117": (
        ALL_FUNCTIONS,
        "the functions reach only AWS APIs (S3, DynamoDB, Transcribe, Chime, SNS) over TLS and "
        "no private resource; a VPC would add NAT or endpoints and cost without a network to "
        "protect",
    ),
    "CKV_AWS_115": (
        ALL_FUNCTIONS,
        "reserved concurrency fails on a fresh account: Lambda keeps at least 10 (new accounts) "
        "or 100 unreserved executions, and a new account's quota can be 10, so any reservation "
        "makes the first apply fail",
    ),
    "CKV_AWS_272": (
        ALL_FUNCTIONS,
        "code signing needs a Signer profile and a signed artefact; the zip is built by `callrec "
        "package` from this repository, and its hash is pinned by source_code_hash",
    ),
}


PACKAGED_SCAN = (
    "-f",
    "chalice.tf.json",
    "--framework",
    "terraform_json",
    "--skip-download",
    "--quiet",
    "--output",
    "json",
)


def _packaged_infra(target: Path) -> Path:
    import shutil

    from callrec.cli import main

    ignore = shutil.ignore_patterns(".terraform*", "tests", "examples", "chalice*")
    shutil.copytree(REPO_ROOT / "infra", target, ignore=ignore)
    assert main(["package", "--out", str(target), "--no-layer"]) == 0
    return target


def test_every_accepted_packaged_finding_says_why() -> None:
    for check, (functions, reason) in PACKAGED_FINDINGS.items():
        assert functions, check
        assert len(reason) >= 20, f"{check} has no real reason"


@pytest.mark.slow
def test_checkov_on_the_packaged_functions_finds_only_the_explained(tmp_path: Path) -> None:
    import json

    _require_checkov()
    infra = _packaged_infra(tmp_path / "infra")
    result = subprocess.run(
        [str(CHECKOV), *PACKAGED_SCAN],
        cwd=infra,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    report = json.loads(result.stdout)
    report = report[0] if isinstance(report, list) else report
    failed = {
        (item["check_id"], item["resource"].removeprefix("resource."))
        for item in report["results"]["failed_checks"]
    }
    accepted = {
        (check, function)
        for check, (functions, _) in PACKAGED_FINDINGS.items()
        for function in functions
    }
    assert sorted(failed - accepted) == []
    assert sorted(accepted - failed) == [], "an accepted finding no longer fails: remove it"
