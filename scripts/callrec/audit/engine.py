"""Run every rule over every target and return the findings, sorted and de-duplicated."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from callrec.audit.bucket_checks import check_bucket
from callrec.audit.context import AuditContext
from callrec.audit.findings import Finding
from callrec.audit.policy_checks import check_policy
from callrec.audit.rules import Severity
from callrec.audit.targets import BucketTarget, PolicyTarget


@dataclass
class Targets:
    """Everything one audit looks at; sources append to it."""

    policies: list[PolicyTarget] = field(default_factory=list)
    buckets: list[BucketTarget] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # raised by a source while reading

    def extend(self, other: Targets) -> None:
        self.policies.extend(other.policies)
        self.buckets.extend(other.buckets)
        self.findings.extend(other.findings)

    @property
    def resources(self) -> list[str]:
        names = [p.resource for p in self.policies] + [b.resource for b in self.buckets]
        return sorted(set(names))


def audit(targets: Targets, context: AuditContext) -> list[Finding]:
    findings: list[Finding] = list(targets.findings)
    for policy in targets.policies:
        findings.extend(check_policy(policy, context))
    for bucket in targets.buckets:
        findings.extend(check_bucket(bucket, context))
    return _unique(sorted(findings, key=Finding.sort_key))


def _unique(findings: Iterable[Finding]) -> list[Finding]:
    seen: set[tuple[str, str, str]] = set()
    out: list[Finding] = []
    for finding in findings:
        key = (finding.rule_id, finding.resource, finding.message)
        if key not in seen:
            seen.add(key)
            out.append(finding)
    return out


def fails(findings: Iterable[Finding], fail_on: Severity) -> bool:
    return any(f.severity >= fail_on for f in findings)
