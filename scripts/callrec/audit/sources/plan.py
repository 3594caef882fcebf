"""``--plan FILE``: the JSON of ``terraform show -json <planfile>``, where policies are rendered.

Resources come from ``planned_values`` (every module, recursively). Which bucket a
sub-resource belongs to, and which KMS key an encryption rule uses, come from the rendered
value when it is known, and from the references in ``configuration`` when it is only known
after apply (a bucket named with bucket_prefix, a key ARN).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from callrec.audit.engine import Targets
from callrec.audit.errors import AuditInputError
from callrec.audit.findings import Finding, Location
from callrec.audit.policy import Policy, parse_policy
from callrec.audit.sources import bucket_model as bm
from callrec.audit.sources.paths import display_path
from callrec.audit.targets import PolicyKind, PolicyTarget

_INDEX = re.compile(r"\[[^\]]*\]")


def _resources(module: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    for resource in module.get("resources", []) or []:
        if resource.get("mode", "managed") == "managed":
            yield resource
    for child in module.get("child_modules", []) or []:
        yield from _resources(child)


def _config_references(configuration: Mapping[str, Any]) -> dict[str, dict[str, list[str]]]:
    """address (module path + type.name, no index) -> attribute -> referenced addresses."""
    out: dict[str, dict[str, list[str]]] = {}

    def walk(module: Mapping[str, Any], prefix: str) -> None:
        for resource in module.get("resources", []) or []:
            address = prefix + resource.get("address", "")
            refs: dict[str, list[str]] = {}
            for attribute, expression in (resource.get("expressions") or {}).items():
                found = list(_all_references(expression))
                if found:
                    refs[attribute] = [prefix + r for r in found]
            out[address] = refs
        for name, call in (module.get("module_calls") or {}).items():
            walk(call.get("module") or {}, f"{prefix}module.{name}.")

    walk(configuration.get("root_module") or {}, "")
    return out


def _all_references(expression: Any) -> Iterator[str]:
    """References of an expression, including those inside nested blocks."""
    if isinstance(expression, Mapping):
        yield from expression.get("references") or []
        for key, value in expression.items():
            if key != "references":
                yield from _all_references(value)
    elif isinstance(expression, list):
        for item in expression:
            yield from _all_references(item)


def _strip_index(address: str) -> str:
    return _INDEX.sub("", address)


def _reference_to(refs: Mapping[str, list[str]], attribute: str, resource_type: str) -> str:
    """The first referenced address of the given type, without its attribute suffix."""
    for ref in refs.get(attribute, []):
        parts = ref.split(".")
        for index in range(len(parts) - 1):
            if parts[index] == resource_type:
                return ".".join(parts[: index + 2])
    return ""


def _kms_key_reference(values: Mapping[str, Any], refs: Mapping[str, list[str]]) -> str:
    # Nested blocks have no reference list of their own in every Terraform version; look at all.
    for attribute_refs in refs.values():
        for ref in attribute_refs:
            if ".aws_kms_key." in f".{ref}":
                parts = _strip_index(ref).split(".")
                index = parts.index("aws_kms_key")
                return ".".join(parts[: index + 2])
    del values
    return ""


def read_plan(path: Path) -> Targets:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AuditInputError(
            f"plan file {path} does not exist",
            hint="create it with: terraform show -json plan.out > plan.json",
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise AuditInputError(f"cannot read plan file {path}: {error}") from None
    except ValueError as error:
        raise AuditInputError(
            f"plan file {path} is not JSON: {error}",
            hint="pass the output of terraform show -json, not the binary plan",
        ) from None
    if not isinstance(document, Mapping) or "planned_values" not in document:
        raise AuditInputError(
            f"{path} is not a Terraform plan in JSON (no planned_values)",
            hint="create it with: terraform show -json plan.out > plan.json",
        )
    return _PlanReader(document, display_path(path)).read()


class _PlanReader:
    def __init__(self, document: Mapping[str, Any], shown: str) -> None:
        self.document = document
        self.location = Location(shown, 1)
        self.refs = _config_references(document.get("configuration") or {})
        self.targets = Targets()
        self.buckets: dict[str, bm.BucketParts] = {}
        self.bucket_alias: dict[str, str] = {}  # bucket name -> bucket address
        self.key_policies: dict[str, Policy] = {}

    def _policy(
        self, kind: PolicyKind, resource: str, text: Any, bucket: str | None = None
    ) -> PolicyTarget | None:
        if text in (None, ""):
            self.targets.findings.append(
                Finding("CR063", resource, "policy is only known after apply", self.location)
            )
            return None
        target = PolicyTarget(
            kind,
            resource,
            parse_policy(text, resource_policy=kind.is_resource_policy),
            self.location,
            bucket=bucket,
        )
        self.targets.policies.append(target)
        return target

    def _bucket_for(self, address: str, values: Mapping[str, Any]) -> bm.BucketParts | None:
        name = values.get("bucket")
        if isinstance(name, str) and name in self.bucket_alias:
            return self.buckets[self.bucket_alias[name]]
        ref = _reference_to(self.refs.get(_strip_index(address), {}), "bucket", "aws_s3_bucket")
        if ref and ref in self.buckets:
            return self.buckets[ref]
        return None

    def read(self) -> Targets:
        resources = list(_resources(self.document["planned_values"].get("root_module") or {}))
        for resource in resources:
            values = resource.get("values") or {}
            address = resource["address"]
            if resource["type"] == "aws_s3_bucket":
                name = values.get("bucket") or address
                self.buckets[_strip_index(address)] = bm.BucketParts(f"s3://{name}", self.location)
                self.bucket_alias[str(name)] = _strip_index(address)
            elif resource["type"] == "aws_kms_key" and values.get("policy"):
                self.key_policies[_strip_index(address)] = parse_policy(
                    values["policy"], resource_policy=True
                )
        for resource in resources:
            self._read_resource(resource)
        for parts in self.buckets.values():
            self.targets.buckets.append(parts.target(self.key_policies))
        return self.targets

    def _read_resource(self, resource: Mapping[str, Any]) -> None:
        kind = resource["type"]
        address = resource["address"]
        values = resource.get("values") or {}
        if kind == "aws_iam_role":
            self._policy(PolicyKind.TRUST, address, values.get("assume_role_policy"))
            for inline in values.get("inline_policy") or []:
                if inline.get("policy"):
                    self._policy(
                        PolicyKind.IDENTITY, f"{address}/{inline.get('name')}", inline["policy"]
                    )
        elif kind in (
            "aws_iam_role_policy",
            "aws_iam_policy",
            "aws_iam_user_policy",
            "aws_iam_group_policy",
        ):
            self._policy(PolicyKind.IDENTITY, address, values.get("policy"))
        elif kind == "aws_kms_key":
            self._policy(PolicyKind.KEY, address, values.get("policy"))
        elif kind.startswith("aws_s3_bucket_"):
            self._read_bucket_part(kind, address, values)

    def _read_bucket_part(self, kind: str, address: str, values: Mapping[str, Any]) -> None:
        parts = self._bucket_for(address, values)
        if parts is None:
            if kind == "aws_s3_bucket_policy":
                self._policy(PolicyKind.BUCKET, address, values.get("policy"), values.get("bucket"))
            return
        if kind == "aws_s3_bucket_policy":
            bucket = parts.resource.removeprefix("s3://")
            parts.policy = self._policy(
                PolicyKind.BUCKET, parts.resource, values.get("policy"), bucket
            )
        elif kind == "aws_s3_bucket_public_access_block":
            bm.apply_public_access_block(parts, values)
        elif kind == "aws_s3_bucket_server_side_encryption_configuration":
            key_ref = _kms_key_reference(values, self.refs.get(_strip_index(address), {}))
            bm.apply_encryption(parts, values, key_ref)
        elif kind == "aws_s3_bucket_ownership_controls":
            bm.apply_ownership(parts, values)
        elif kind == "aws_s3_bucket_versioning":
            bm.apply_versioning(parts, values)
        elif kind == "aws_s3_bucket_lifecycle_configuration":
            bm.apply_lifecycle(parts, values)
