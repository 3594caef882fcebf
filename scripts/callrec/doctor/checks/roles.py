"""Does a role's trust policy let a service assume it for this account, and only for it?"""

from __future__ import annotations

from callrec.doctor.context import DoctorContext, read
from callrec.doctor.policies import decide, source_context
from callrec.doctor.results import CheckFailedError
from callrec.local.bucket_policy import Decision

FOREIGN_ACCOUNT = "999999999999"  # stands for "any other account" in confused-deputy probes


def trust_problem(context: DoctorContext, role_arn: str, service: str, source_arn: str) -> str:
    """'' when ``service`` may assume the role for this account's ``source_arn``, not another's."""
    name = role_arn.rsplit("/", 1)[-1]
    role = read(f"iam GetRole {name}", context.client("iam").get_role, RoleName=name)
    if role is None:
        raise CheckFailedError(f"the role {role_arn} does not exist", "re-apply infra/")
    trust = role["Role"]["AssumeRolePolicyDocument"]
    decision = _assume(trust, role_arn, service, context.account, source_arn)
    if decision is not Decision.ALLOW:
        return f"{service} may not assume {role_arn} ({decision.value})"
    foreign = source_arn.replace(f":{context.account}:", f":{FOREIGN_ACCOUNT}:")
    if _assume(trust, role_arn, service, FOREIGN_ACCOUNT, foreign) is Decision.ALLOW:
        return f"{role_arn} trusts {service} for any account (no aws:SourceAccount/SourceArn)"
    return ""


def _assume(trust: object, role_arn: str, service: str, account: str, source: str) -> Decision:
    return decide(
        trust if isinstance(trust, (str, dict)) else None,
        action="sts:AssumeRole",
        resource=role_arn,
        principal=service,
        context=source_context(account, source),
    )
