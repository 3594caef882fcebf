"""The Transcribe data access role: trusted by Transcribe for this account, reads and writes enough.

AWS rules relied on (not verifiable offline): Transcribe assumes the data access role as
``transcribe.amazonaws.com`` with ``aws:SourceAccount`` and ``aws:SourceArn`` = the job's ARN
(``arn:aws:transcribe:<region>:<account>:analytics/<job>`` for Call Analytics; Transcribe
developer guide, "Cross-service confused deputy prevention"), and reads the media and writes the
output with that role (Transcribe developer guide, "DataAccessRoleArn" of
StartCallAnalyticsJob). The permission verdicts come from iam:SimulatePrincipalPolicy (IAM API
reference), which evaluates the role's identity policies (and permission boundary) but not the
bucket or key policies; moto does not implement it, so the tests stub it.
"""

from __future__ import annotations

from callrec.doctor.checks.sma import FOREIGN_ACCOUNT
from callrec.doctor.context import DoctorContext, read
from callrec.doctor.policies import decide, source_context
from callrec.doctor.results import CannotCheckError, CheckFailedError, Verdict, fail, ok
from callrec.local.bucket_policy import Decision

TRANSCRIBE = "transcribe.amazonaws.com"
ROLE_FIX = "re-apply infra/ (module call-analytics, aws_iam_role.transcribe)"


def check_data_access_role(context: DoctorContext) -> Verdict:
    role_arn = context.deployment.transcribe_role_arn
    if not role_arn:
        raise CannotCheckError(
            "the deployment does not name the Transcribe data access role",
            "pass --outputs FILE (transcribe_data_access_role_arn)",
        )
    trust = _trust_policy(context, role_arn)
    job = f"arn:{context.partition}:transcribe:{context.region}:{context.account}:analytics/doctor"
    assumed = _assume(trust, role_arn, context.account, job)
    if assumed is not Decision.ALLOW:
        return fail(f"{TRANSCRIBE} may not assume {role_arn} ({assumed.value})", ROLE_FIX)
    foreign_job = job.replace(f":{context.account}:", f":{FOREIGN_ACCOUNT}:")
    if _assume(trust, role_arn, FOREIGN_ACCOUNT, foreign_job) is Decision.ALLOW:
        return fail(
            f"{role_arn} trusts Transcribe for any account",
            "add aws:SourceAccount and aws:SourceArn conditions to the trust policy",
        )
    denied = [
        f"{action} on {resource}"
        for action, resource in _needs(context)
        if context.simulate(role_arn, action, resource) != "allowed"
    ]
    if denied:
        return fail(f"{role_arn} may not {'; '.join(denied)}", ROLE_FIX)
    return ok(f"{role_arn} is trusted by Transcribe for this account and reads/writes enough")


def _trust_policy(context: DoctorContext, role_arn: str) -> object:
    name = role_arn.rsplit("/", 1)[-1]
    role = read(f"iam GetRole {name}", context.client("iam").get_role, RoleName=name)
    if role is None:
        raise CheckFailedError(f"the role {role_arn} does not exist", ROLE_FIX)
    return role["Role"]["AssumeRolePolicyDocument"]


def _assume(trust: object, role_arn: str, account: str, source_arn: str) -> Decision:
    return decide(
        trust if isinstance(trust, (str, dict)) else None,
        action="sts:AssumeRole",
        resource=role_arn,
        principal=TRANSCRIBE,
        context=source_context(account, source_arn),
    )


def _needs(context: DoctorContext) -> list[tuple[str, str]]:
    deployment = context.deployment
    bucket = f"arn:{context.partition}:s3:::{deployment.recordings_bucket}"
    needs = [
        ("s3:GetObject", f"{bucket}/{deployment.recordings_prefix}/doctor.wav"),
        ("s3:PutObject", f"{bucket}/{deployment.transcripts_prefix}/doctor.json"),
    ]
    if deployment.kms_key_arn:
        needs += [
            ("kms:Decrypt", deployment.kms_key_arn),
            ("kms:GenerateDataKey", deployment.kms_key_arn),
        ]
    return needs
