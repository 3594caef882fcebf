"""``--bucket NAME`` / ``--all-buckets``: read live bucket configuration through boto3.

The client comes from ``chalicelib.aws``, so ``AWS_ENDPOINT_URL_S3`` (moto, the local stack)
and the usual credential chain apply unchanged. A configuration that is absent is a fact to
audit (no policy, no public access block); an access error on one read is an info finding
naming the call, never a silent pass.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterable
from typing import Any

from callrec.audit.engine import Targets
from callrec.audit.errors import AuditInputError
from callrec.audit.findings import Finding
from callrec.audit.policy import Policy, parse_policy
from callrec.audit.targets import AclGrant, BucketTarget, EncryptionRule, PolicyKind, PolicyTarget
from chalicelib import aws

ABSENT_CODES = {
    "NoSuchBucketPolicy",
    "NoSuchPublicAccessBlockConfiguration",
    "ServerSideEncryptionConfigurationNotFoundError",
    "OwnershipControlsNotFoundError",
    "NoSuchLifecycleConfiguration",
}


def caller_account() -> str | None:
    """The account of the credentials in use, or None when STS cannot say."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        identity = aws.client("sts").get_caller_identity()
    except (ClientError, BotoCoreError):
        return None
    account = identity.get("Account")
    return str(account) if account else None


def list_buckets() -> list[str]:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        response = aws.client("s3").list_buckets()
    except (ClientError, BotoCoreError) as error:
        raise AuditInputError(
            f"cannot list buckets: {error}", hint="check credentials and s3:ListAllMyBuckets"
        ) from None
    return sorted(b["Name"] for b in response.get("Buckets", []))


class _LiveBucket:
    def __init__(self, name: str) -> None:
        self.name = name
        self.resource = f"s3://{name}"
        self.s3 = aws.client("s3")
        self.findings: list[Finding] = []

    def call(self, operation: str, **kwargs: Any) -> dict[str, Any] | None:
        """Run one S3 read; None when the configuration does not exist."""
        from botocore.exceptions import BotoCoreError, ClientError

        method: Callable[..., dict[str, Any]] = getattr(self.s3, operation)
        try:
            return method(Bucket=self.name, **kwargs)
        except ClientError as error:
            code = aws.error_code(error)
            if code in ABSENT_CODES:
                return None
            if code in ("NoSuchBucket", "404"):
                raise AuditInputError(
                    f"bucket {self.name} does not exist", hint="check the name given to --bucket"
                ) from None
            self.findings.append(
                Finding("CR063", self.resource, f"{operation} failed ({code}); not audited")
            )
            raise SkippedReadError from None
        except BotoCoreError as error:
            raise AuditInputError(f"cannot reach S3 for {self.name}: {error}") from None

    def read(self) -> Targets:
        targets = Targets()
        bucket = BucketTarget(self.resource)
        self._read(bucket, targets)
        targets.buckets.append(bucket)
        targets.findings.extend(self.findings)
        return targets

    def _try(self, reader: Callable[[], object]) -> None:
        with contextlib.suppress(SkippedReadError):  # already recorded as a CR063 finding
            reader()

    def _read(self, bucket: BucketTarget, targets: Targets) -> None:
        self._try(lambda: self.call("head_bucket"))
        readers = (
            self._read_policy,
            self._read_public_access_block,
            self._read_encryption,
            self._read_ownership,
            self._read_acl,
            self._read_versioning,
            self._read_lifecycle,
        )
        for reader in readers:
            self._try(functools.partial(reader, bucket, targets))

    def _read_policy(self, bucket: BucketTarget, targets: Targets) -> None:
        response = self.call("get_bucket_policy")
        bucket.has_policy = response is not None
        if response is not None:
            target = PolicyTarget(
                PolicyKind.BUCKET,
                self.resource,
                parse_policy(response["Policy"], resource_policy=True),
                bucket=self.name,
            )
            bucket.policy = target
            targets.policies.append(target)

    def _read_public_access_block(self, bucket: BucketTarget, targets: Targets) -> None:
        response = self.call("get_public_access_block")
        config = (response or {}).get("PublicAccessBlockConfiguration", {})
        bucket.public_access_block = {k: bool(v) for k, v in config.items()}

    def _read_encryption(self, bucket: BucketTarget, targets: Targets) -> None:
        response = self.call("get_bucket_encryption")
        rules = (response or {}).get("ServerSideEncryptionConfiguration", {}).get("Rules", [])
        bucket.encryption = tuple(_encryption_rules(rules))
        for rule in bucket.encryption:
            if rule.kms_key:
                policy = self._key_policy(rule.kms_key)
                if policy is not None:
                    bucket.key_policies[rule.kms_key] = policy

    def _read_ownership(self, bucket: BucketTarget, targets: Targets) -> None:
        response = self.call("get_bucket_ownership_controls")
        rules = (response or {}).get("OwnershipControls", {}).get("Rules", [])
        # No ownership controls: the bucket predates them and behaves as ObjectWriter.
        bucket.ownership = rules[0]["ObjectOwnership"] if rules else "ObjectWriter"

    def _read_acl(self, bucket: BucketTarget, targets: Targets) -> None:
        response = self.call("get_bucket_acl") or {}
        bucket.owner_id = response.get("Owner", {}).get("ID")
        bucket.acl_grants = tuple(_grants(response.get("Grants", [])))

    def _read_versioning(self, bucket: BucketTarget, targets: Targets) -> None:
        response = self.call("get_bucket_versioning") or {}
        bucket.versioning = str(response.get("Status", ""))

    def _read_lifecycle(self, bucket: BucketTarget, targets: Targets) -> None:
        response = self.call("get_bucket_lifecycle_configuration")
        rules = (response or {}).get("Rules", [])
        bucket.lifecycle_rules = sum(1 for r in rules if r.get("Status") == "Enabled")

    def _key_policy(self, key: str) -> Policy | None:
        from botocore.exceptions import BotoCoreError, ClientError

        kms = aws.client("kms")
        try:
            key_id = kms.describe_key(KeyId=key)["KeyMetadata"]["KeyId"]
            text = kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"]
        except ClientError as error:
            self.findings.append(
                Finding(
                    "CR063",
                    self.resource,
                    f"KMS key policy of {key} could not be read ({aws.error_code(error)})",
                )
            )
            return None
        except BotoCoreError as error:
            raise AuditInputError(f"cannot reach KMS for key {key}: {error}") from None
        return parse_policy(text, resource_policy=True)


class SkippedReadError(Exception):
    """One read of a bucket failed; the failure is already a finding."""


def _encryption_rules(rules: Iterable[dict[str, Any]]) -> Iterable[EncryptionRule]:
    for rule in rules:
        default = rule.get("ApplyServerSideEncryptionByDefault", {})
        algorithm = str(default.get("SSEAlgorithm", ""))
        yield EncryptionRule(algorithm, str(default.get("KMSMasterKeyID", "")))


def _grants(grants: Iterable[dict[str, Any]]) -> Iterable[AclGrant]:
    for grant in grants:
        grantee = grant.get("Grantee", {})
        kind = str(grantee.get("Type", ""))
        who = grantee.get("ID") or grantee.get("URI") or grantee.get("EmailAddress") or ""
        yield AclGrant(kind, str(who), str(grant.get("Permission", "")))


def read_buckets(names: Iterable[str]) -> Targets:
    targets = Targets()
    for name in names:
        targets.extend(_LiveBucket(name).read())
    return targets
