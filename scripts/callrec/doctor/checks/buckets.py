"""The recordings bucket (policy, through the auditor) and the prompts (present, 8 kHz mono 16-bit).

AWS rules relied on (not verifiable offline): Chime writes a call recording as
``voiceconnector.chime.amazonaws.com`` carrying ``aws:SourceAccount`` and ``aws:SourceArn`` = the
SIP media application, and the bucket policy must grant it both s3:PutObject and s3:PutObjectAcl
(developer guide, StartCallRecording and RecordAudio: record-audio.html; so a Deny on either
fails the recording), and reads prompts
with s3:GetObject the same way, from a bucket in the SMA's account (developer guide, PlayAudio);
PlayAudio plays WAV files that are mono, 8 kHz, 16-bit PCM (developer guide, PlayAudio and
"Playing audio" in the PSTN audio service).
"""

from __future__ import annotations

import struct
from typing import Any

from callrec.doctor.checks.sma import resolve
from callrec.doctor.context import DoctorContext, read
from callrec.doctor.policies import decide, source_context
from callrec.doctor.results import CannotCheckError, Status, Verdict, cannot_check, fail, ok
from callrec.local.bucket_policy import CHIME_PRINCIPAL, Decision

HEADER_BYTES = 512  # RIFF header, fmt chunk and any LIST chunk before it
PCM, EXTENSIBLE = 1, 0xFFFE
WANTED = {"rate": 8000, "channels": 1, "bits": 16}
RECORDING_ACTIONS = ("s3:PutObject", "s3:PutObjectAcl")  # both, as the developer guide says
UNREAD_RULE = "CR063"  # the live auditor could not read something (a KMS key policy)


def _bucket(name: str | None, what: str) -> str:
    if not name:
        raise CannotCheckError(
            f"the deployment does not name the {what} bucket", "pass --outputs FILE"
        )
    return name


def check_recordings_bucket(context: DoctorContext) -> Verdict:
    from callrec.audit.context import AuditContext
    from callrec.audit.engine import audit
    from callrec.audit.errors import AuditInputError
    from callrec.audit.rules import Severity
    from callrec.audit.sources.live import read_buckets

    bucket = _bucket(context.deployment.recordings_bucket, "recordings")
    try:
        targets = read_buckets([bucket])
    except AuditInputError as error:
        return fail(str(error), "apply infra/ (module recording-bucket)")
    findings = audit(targets, AuditContext(owner_account=context.account))
    serious = [f for f in findings if f.severity >= Severity.HIGH]
    if serious:
        rules = ", ".join(sorted({f"{f.rule_id} {f.rule.title}" for f in serious}))
        return fail(
            f"s3://{bucket}: {rules}",
            f"see `callrec audit --bucket {bucket} --explain RULE`; re-apply infra/",
        )
    granted = _chime_grant(context, bucket)
    if granted is not None and granted.status is not Status.OK:
        return granted
    unread = [f for f in findings if f.rule_id == UNREAD_RULE]
    if unread:  # e.g. kms:GetKeyPolicy denied: CR033 (Chime and the bucket key) was not decided
        return cannot_check(
            f"s3://{bucket}: {unread[0].message}",
            "let the doctor's credentials call kms:DescribeKey and kms:GetKeyPolicy",
        )
    return granted or ok(f"s3://{bucket}: no high or critical audit finding")


def _chime_grant(context: DoctorContext, bucket: str) -> Verdict | None:
    """Whether the policy admits Chime's recording writes; None where no SMA writes here."""
    if not context.deployment.sma_expected:
        return None
    try:
        return _chime_may(
            context, bucket, RECORDING_ACTIONS, f"{context.deployment.recordings_prefix}/"
        )
    except CannotCheckError:
        if context.deployment.media_insights is None:
            raise
        return None  # a media insights stage without an SMA: the sink writes as its role


def _chime_may(
    context: DoctorContext, bucket: str, actions: tuple[str, ...], prefix: str
) -> Verdict:
    sma_arn = str(resolve(context).get("SipMediaApplicationArn", ""))
    policy = read(
        f"s3 GetBucketPolicy {bucket}", context.client("s3").get_bucket_policy, Bucket=bucket
    )
    for action in actions:
        decision = decide(
            None if policy is None else policy["Policy"],
            action=action,
            resource=f"arn:{context.partition}:s3:::{bucket}/{prefix}probe.wav",
            principal=CHIME_PRINCIPAL,
            context=source_context(context.account, sma_arn),
        )
        if decision is not Decision.ALLOW:
            return fail(
                f"s3://{bucket} does not admit {action} by {CHIME_PRINCIPAL} for {sma_arn} "
                f"({decision.value})",
                f"the bucket policy must allow {' and '.join(actions)} to the Chime principal "
                "with aws:SourceAccount and aws:SourceArn of this SMA, and deny neither "
                "(re-apply infra/ so the policy lists the SMA's ARN)",
            )
    return ok(f"s3://{bucket} admits {' and '.join(actions)} by Chime for this account and SMA")


def check_prompts(context: DoctorContext) -> Verdict:
    bucket = _bucket(context.deployment.prompts_bucket, "prompts")
    problems = [
        p for key in context.deployment.prompt_keys for p in _prompt_problems(context, bucket, key)
    ]
    if problems:
        return fail(
            "; ".join(problems),
            "upload 8 kHz mono 16-bit PCM WAV prompts (infra/prompts, module prompts-bucket)",
        )
    verdict = _chime_may(context, bucket, ("s3:GetObject",), "")
    if verdict.status is not Status.OK:
        return verdict
    return ok(f"{len(context.deployment.prompt_keys)} prompts in s3://{bucket}, 8 kHz mono 16-bit")


def _prompt_problems(context: DoctorContext, bucket: str, key: str) -> list[str]:
    response = read(
        f"s3 GetObject s3://{bucket}/{key}",
        context.client("s3").get_object,
        Bucket=bucket,
        Key=key,
        Range=f"bytes=0-{HEADER_BYTES - 1}",
    )
    if response is None:
        return [f"{key} is missing"]
    found = wav_format(response["Body"].read())
    if found is None:
        return [f"{key} is not a PCM WAV file"]
    wrong = [f"{name} {found[name]}" for name, value in WANTED.items() if found[name] != value]
    return [f"{key} has {', '.join(wrong)}"] if wrong else []


def wav_format(head: bytes) -> dict[str, int] | None:
    """Sample rate, channels and bits per sample of a PCM WAV header; None if it is not one."""
    if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        return None
    offset = 12
    while offset + 8 <= len(head):
        chunk, size = head[offset : offset + 4], struct.unpack_from("<I", head, offset + 4)[0]
        if chunk == b"fmt ":
            return _fmt(head[offset + 8 : offset + 8 + size])
        offset += 8 + size + (size & 1)
    return None


def _fmt(body: bytes) -> dict[str, Any] | None:
    if len(body) < 16:
        return None
    tag, channels, rate, _, _, bits = struct.unpack_from("<HHIIHH", body)
    if tag not in (PCM, EXTENSIBLE):
        return None
    return {"rate": rate, "channels": channels, "bits": bits}
