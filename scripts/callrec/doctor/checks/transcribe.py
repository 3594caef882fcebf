"""The Transcribe data access role: trusted by Transcribe for this account, reads and writes enough.

AWS rules relied on (not verifiable offline): Transcribe assumes the data access role as
``transcribe.amazonaws.com`` with ``aws:SourceAccount`` and ``aws:SourceArn`` = the job's ARN
(``arn:aws:transcribe:<region>:<account>:analytics/<job>`` for Call Analytics; Transcribe
developer guide, "Amazon Transcribe identity-based policy examples", confused deputy prevention
policy: security_iam_id-based-policy-examples.html#confused-deputy-policy), and reads the media
and writes the output with that role (Transcribe API reference, StartCallAnalyticsJob,
DataAccessRoleArn). The permission verdicts come from iam:SimulatePrincipalPolicy (IAM API
reference), which evaluates the role's identity policies (and permission boundary) but not the
bucket or key policies; moto does not implement it, so the tests stub it.
"""

from __future__ import annotations

from callrec.doctor.checks.roles import trust_problem
from callrec.doctor.context import DoctorContext
from callrec.doctor.results import CannotCheckError, Verdict, fail, ok

TRANSCRIBE = "transcribe.amazonaws.com"
ROLE_FIX = "re-apply infra/ (module call-analytics, aws_iam_role.transcribe)"
# SimulatePrincipalPolicy sees the role's policies only: a key policy that neither names the role
# nor delegates to the account's IAM policies still refuses it, and nothing here evaluates that.
_KEY_CAVEAT = " (the KMS key policy is not evaluated: it must admit the role or the account)"


def check_data_access_role(context: DoctorContext) -> Verdict:
    role_arn = context.deployment.transcribe_role_arn
    if not role_arn:
        raise CannotCheckError(
            "the deployment does not name the Transcribe data access role",
            "pass --outputs FILE (transcribe_data_access_role_arn)",
        )
    job = f"arn:{context.partition}:transcribe:{context.region}:{context.account}:analytics/doctor"
    problem = trust_problem(context, role_arn, TRANSCRIBE, job)
    if problem:
        return fail(
            problem, f"{ROLE_FIX}: trust {TRANSCRIBE} with aws:SourceAccount, aws:SourceArn"
        )
    denied = [
        f"{action} on {resource}"
        for action, resource in _needs(context)
        if context.simulate(role_arn, action, resource) != "allowed"
    ]
    if denied:
        return fail(f"{role_arn} may not {'; '.join(denied)}", ROLE_FIX)
    caveat = _KEY_CAVEAT if context.deployment.kms_key_arn else ""
    return ok(
        f"{role_arn} is trusted by Transcribe for this account; its own policies let it read the "
        f"recordings and write the transcripts{caveat}"
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
