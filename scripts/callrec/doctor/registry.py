"""The checks, in the order a call meets them, and the one loop that runs them.

A check applies to some deployments only (the SMA checks to the SMA path, the media insights
checks when that path is enabled); one that does not apply is left out of the report. A check
that raises ``CheckFailedError`` fails and one that raises ``CannotCheckError`` cannot reach a
verdict; either way the other checks still run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from callrec.doctor.checks import buckets, dead_letter, events, media_insights, sma, transcribe
from callrec.doctor.context import DoctorContext
from callrec.doctor.deployment import Deployment
from callrec.doctor.results import (
    CannotCheckError,
    CheckFailedError,
    CheckResult,
    Status,
    Verdict,
    cannot_check,
    fail,
    ok,
)


@dataclass(frozen=True)
class Check:
    name: str
    run: Callable[[DoctorContext], Verdict]
    applies: Callable[[Deployment], bool] = lambda deployment: True


def _sma_path(deployment: Deployment) -> bool:
    return deployment.sma_expected


def _media_insights_path(deployment: Deployment) -> bool:
    return deployment.media_insights is not None


def check_recording_path(context: DoctorContext) -> Verdict:
    deployment = context.deployment
    paths = [
        name
        for name, on in (
            ("SIP media application", deployment.sma_expected),
            ("Voice Connector + media insights", deployment.media_insights is not None),
        )
        if on
    ]
    if not paths:
        return fail(
            "neither a SIP media application nor the media insights path is deployed",
            "apply infra/ with the packaged functions (SMA) or enable_media_insights = true",
        )
    return ok(f"recording path(s): {', '.join(paths)}")


CHECKS: tuple[Check, ...] = (
    Check("recording-path", check_recording_path),
    Check("sma-endpoint", sma.check_endpoint, _sma_path),
    Check("sip-rules", sma.check_sip_rules, _sma_path),
    Check("prompts", buckets.check_prompts, _sma_path),
    Check("voice-connector-streaming", media_insights.check_streaming, _media_insights_path),
    Check("media-insights-configuration", media_insights.check_configuration, _media_insights_path),
    Check("media-insights-rules", media_insights.check_rules, _media_insights_path),
    Check("recordings-bucket-policy", buckets.check_recordings_bucket),
    Check("recording-notification", events.check_recording_notification),
    Check("transcribe-data-access-role", transcribe.check_data_access_role),
    Check("report-rules", events.check_report_rules),
    Check("dead-letter-queue", dead_letter.check_dead_letter_queue),
)


def by_name(name: str) -> Check:
    return next(check for check in CHECKS if check.name == name)


def run_checks(context: DoctorContext, checks: tuple[Check, ...] = CHECKS) -> list[CheckResult]:
    return [run_one(check, context) for check in checks if check.applies(context.deployment)]


def run_one(check: Check, context: DoctorContext) -> CheckResult:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        verdict = check.run(context)
    except CheckFailedError as error:
        verdict = fail(error.message, error.fix)
    except CannotCheckError as error:
        verdict = cannot_check(error.message, error.fix)
    except (ClientError, BotoCoreError) as error:  # a read no check anticipated: no verdict
        verdict = cannot_check(f"an AWS call failed: {error}", "retry; check the permissions")
    return CheckResult(check.name, verdict.status, verdict.message, verdict.fix)


def exit_code(results: list[CheckResult]) -> int:
    return 1 if any(r.status is Status.FAIL for r in results) else 0
