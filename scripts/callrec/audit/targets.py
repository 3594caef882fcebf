"""What the rules look at: policy documents and bucket configurations, whatever their source."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from callrec.audit.findings import Location
from callrec.audit.policy import Policy


class PolicyKind(enum.Enum):
    BUCKET = "bucket-policy"
    IDENTITY = "iam-policy"
    TRUST = "trust-policy"
    KEY = "kms-key-policy"
    DOCUMENT = "policy-document"  # a file whose actions are all S3's, bucket unknown
    # Another service's resource policy (a Lambda function's, a Lex bot's, a topic's...):
    # resource-policy rules apply, the S3 object rules do not.
    RESOURCE = "resource-policy"

    @property
    def is_resource_policy(self) -> bool:
        return self is not PolicyKind.IDENTITY


@dataclass(frozen=True)
class PolicyTarget:
    kind: PolicyKind
    resource: str
    policy: Policy
    location: Location | None = None
    bucket: str | None = None  # the bucket a bucket policy is attached to (name or reference)
    unresolved: tuple[str, ...] = ()  # Terraform expressions that could not be evaluated
    role: str | None = None  # the aws_iam_role an inline policy is attached to, when known


@dataclass(frozen=True)
class AclGrant:
    grantee_type: str  # CanonicalUser | Group | AmazonCustomerByEmail
    grantee: str  # canonical id, group URI or e-mail
    permission: str


@dataclass(frozen=True)
class EncryptionRule:
    algorithm: str  # AES256 | aws:kms | aws:kms:dsse
    kms_key: str = ""


@dataclass
class BucketTarget:
    """A bucket's configuration. ``None`` in a field means "not audited" (unknown)."""

    resource: str
    location: Location | None = None
    policy: PolicyTarget | None = None
    has_policy: bool | None = None
    public_access_block: dict[str, bool] | None = None  # {} when none is configured
    encryption: tuple[EncryptionRule, ...] | None = None  # () when none is configured
    key_policies: dict[str, Policy] = field(default_factory=dict)
    ownership: str | None = None  # "" when no ownership controls are configured
    owner_id: str | None = None
    acl_grants: tuple[AclGrant, ...] | None = None
    versioning: str | None = None  # "" when never enabled
    lifecycle_rules: int | None = None  # number of enabled rules
    unresolved: tuple[str, ...] = ()
