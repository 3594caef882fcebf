"""Rules over a bucket's configuration: public access, encryption, ownership, retention."""

from __future__ import annotations

from collections.abc import Callable

from callrec.audit.context import AuditContext
from callrec.audit.findings import Finding
from callrec.audit.policy import Policy, Statement
from callrec.audit.principals import action_matches, is_chime_service
from callrec.audit.targets import BucketTarget

PUBLIC_ACCESS_BLOCK_FLAGS = (
    "BlockPublicAcls",
    "IgnorePublicAcls",
    "BlockPublicPolicy",
    "RestrictPublicBuckets",
)
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"


Emit = Callable[[str, str], None]


def check_bucket(bucket: BucketTarget, context: AuditContext) -> list[Finding]:
    findings: list[Finding] = []

    def add(rule_id: str, message: str) -> None:
        findings.append(Finding(rule_id, bucket.resource, message, bucket.location))

    for expression in bucket.unresolved:
        add("CR063", f"could not resolve {expression}")
    if bucket.has_policy is False:
        add("CR030", "the bucket has no policy, so nothing denies plain-HTTP requests")
    _check_public_access_block(bucket, add)
    if bucket.encryption is not None:
        if not bucket.encryption:
            add("CR032", "no server-side encryption configuration")
        else:
            _check_kms(bucket, add)
    if bucket.ownership == "ObjectWriter":
        add("CR034", "object ownership is ObjectWriter: writers own their objects")
    _check_acl(bucket, add)
    if bucket.versioning is not None and bucket.versioning != "Enabled":
        state = bucket.versioning or "never enabled"
        add("CR036", f"versioning is {state}")
    if bucket.lifecycle_rules == 0:
        add("CR037", "no enabled lifecycle rule")
    return findings


def _check_public_access_block(bucket: BucketTarget, emit: Emit) -> None:
    if bucket.public_access_block is None:
        return
    off = [f for f in PUBLIC_ACCESS_BLOCK_FLAGS if not bucket.public_access_block.get(f)]
    if off:
        what = "no public access block" if not bucket.public_access_block else ", ".join(off)
        emit("CR031", f"public access block not fully on: {what}")


def _check_acl(bucket: BucketTarget, emit: Emit) -> None:
    for grant in bucket.acl_grants or ():
        if grant.grantee in (ALL_USERS, AUTHENTICATED_USERS):
            emit("CR035", f"ACL grants {grant.permission} to {grant.grantee}")
        elif (
            grant.grantee_type == "CanonicalUser"
            and bucket.owner_id is not None
            and grant.grantee != bucket.owner_id
        ):
            emit("CR035", f"ACL grants {grant.permission} to canonical user {grant.grantee}")
        elif grant.grantee_type == "AmazonCustomerByEmail":
            emit("CR035", f"ACL grants {grant.permission} to {grant.grantee}")


def _chime_needs(policy: Policy) -> dict[str, set[str]]:
    """For each Chime principal in the bucket policy, the KMS actions its S3 grant implies."""
    needs: dict[str, set[str]] = {}
    for statement in policy.statements:
        if not statement.is_allow or statement.principals is None:
            continue
        for service in statement.principals.services:
            if not is_chime_service(service):
                continue
            wanted = needs.setdefault(service.lower(), set())
            if any(action_matches(a, "s3:PutObject") for a in statement.actions):
                wanted.add("kms:GenerateDataKey")
            if any(action_matches(a, "s3:GetObject") for a in statement.actions):
                wanted.add("kms:Decrypt")
    return needs


def _key_allows(policy: Policy, service: str, action: str) -> bool:
    def grants(statement: Statement) -> bool:
        if not statement.is_allow or statement.principals is None:
            return False
        services = {s.lower() for s in statement.principals.services}
        return (service in services or statement.principals.anyone) and any(
            action_matches(a, action) for a in statement.actions
        )

    return any(grants(s) for s in policy.statements)


def _check_kms(bucket: BucketTarget, emit: Emit) -> None:
    if bucket.policy is None:
        return
    needs = _chime_needs(bucket.policy.policy)
    if not needs:
        return
    for rule in bucket.encryption or ():
        if not rule.algorithm.startswith("aws:kms"):
            continue
        key_policy = bucket.key_policies.get(rule.kms_key)
        if not rule.kms_key:
            emit(
                "CR033",
                "SSE-KMS with the AWS managed key aws/s3: its policy cannot be changed to admit "
                "the Chime service principal; use a customer managed key",
            )
            continue
        if key_policy is None:
            emit("CR063", f"KMS key policy of {rule.kms_key} was not available to check")
            continue
        for service, actions in sorted(needs.items()):
            missing = sorted(a for a in actions if not _key_allows(key_policy, service, a))
            if missing:
                emit("CR033", f"key {rule.kms_key} does not allow {service} {missing}")
