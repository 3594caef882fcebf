"""Assemble bucket targets from Terraform-shaped resources (shared by the plan and HCL readers).

Both readers know, for every S3 sub-resource (policy, public access block, encryption, ...),
which bucket it belongs to (a bucket key: the bucket's address or name). Absent sub-resources
mean Terraform leaves S3's defaults: no policy, no public access block, SSE-S3 (reported as no
explicit configuration), BucketOwnerEnforced ownership, no versioning, no lifecycle.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from callrec.audit.findings import Location
from callrec.audit.policy import Policy
from callrec.audit.targets import BucketTarget, EncryptionRule, PolicyTarget

PAB_FIELDS = {
    "block_public_acls": "BlockPublicAcls",
    "ignore_public_acls": "IgnorePublicAcls",
    "block_public_policy": "BlockPublicPolicy",
    "restrict_public_buckets": "RestrictPublicBuckets",
}


@dataclass
class BucketParts:
    resource: str
    location: Location | None = None
    policy: PolicyTarget | None = None
    public_access_block: dict[str, bool] = field(default_factory=dict)
    encryption: list[EncryptionRule] = field(default_factory=list)
    ownership: str = "BucketOwnerEnforced"
    versioning: str = ""
    lifecycle_rules: int = 0
    unresolved: list[str] = field(default_factory=list)

    def target(self, key_policies: Mapping[str, Policy]) -> BucketTarget:
        keys = {
            r.kms_key: key_policies[r.kms_key] for r in self.encryption if r.kms_key in key_policies
        }
        return BucketTarget(
            resource=self.resource,
            location=self.location,
            policy=self.policy,
            has_policy=self.policy is not None,
            public_access_block=dict(self.public_access_block),
            encryption=tuple(self.encryption),
            key_policies=keys,
            ownership=self.ownership,
            versioning=self.versioning,
            lifecycle_rules=self.lifecycle_rules,
            unresolved=tuple(self.unresolved),
        )


def _blocks(value: Any) -> list[Mapping[str, Any]]:
    if isinstance(value, Mapping):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, Mapping)]
    return []


def truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def apply_public_access_block(parts: BucketParts, values: Mapping[str, Any]) -> None:
    parts.public_access_block = {
        name: truthy(values.get(attribute)) for attribute, name in PAB_FIELDS.items()
    }


def apply_encryption(parts: BucketParts, values: Mapping[str, Any], key_ref: str) -> None:
    for rule in _blocks(values.get("rule")):
        for default in _blocks(rule.get("apply_server_side_encryption_by_default")):
            algorithm = str(default.get("sse_algorithm", ""))
            key = key_ref or str(default.get("kms_master_key_id") or "")
            parts.encryption.append(EncryptionRule(algorithm, key if "kms" in algorithm else ""))


def apply_ownership(parts: BucketParts, values: Mapping[str, Any]) -> None:
    for rule in _blocks(values.get("rule")):
        parts.ownership = str(rule.get("object_ownership", parts.ownership))


def apply_versioning(parts: BucketParts, values: Mapping[str, Any]) -> None:
    for config in _blocks(values.get("versioning_configuration")):
        parts.versioning = str(config.get("status", ""))


def apply_lifecycle(parts: BucketParts, values: Mapping[str, Any]) -> None:
    parts.lifecycle_rules += sum(
        1 for rule in _blocks(values.get("rule")) if str(rule.get("status", "")) == "Enabled"
    )
