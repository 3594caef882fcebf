"""Text and JSON renderings of findings (SARIF lives in ``sarif``)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from itertools import groupby

from callrec.audit.findings import Finding
from callrec.audit.rules import Rule, Severity


def render_text(findings: Sequence[Finding], resources: Sequence[str]) -> str:
    """A table per resource: severity, rule, location, message. Clean resources are listed too."""
    lines: list[str] = []
    by_resource = {k: list(g) for k, g in groupby(findings, key=lambda f: f.resource)}
    for resource in sorted(set(resources) | set(by_resource)):
        items = by_resource.get(resource, [])
        lines.append(f"{resource}")
        if not items:
            lines.append("  ok: no findings")
            lines.append("")
            continue
        width = max(len(str(f.location or "")) for f in items)
        for finding in items:
            where = str(finding.location or "").ljust(width)
            lines.append(
                f"  {finding.severity.label.upper():<8} {finding.rule_id}  {where}  "
                f"{finding.message}"
            )
        lines.append("")
    lines.append(summary_line(findings))
    return "\n".join(lines) + "\n"


def summary_line(findings: Sequence[Finding]) -> str:
    counts = Counter(f.severity for f in findings)
    parts = [f"{counts[s]} {s.label}" for s in sorted(Severity, reverse=True) if counts[s]]
    return f"{len(findings)} finding(s)" + (": " + ", ".join(parts) if parts else "")


def finding_dict(finding: Finding) -> dict[str, object]:
    return {
        "rule": finding.rule_id,
        "severity": finding.severity.label,
        "title": finding.rule.title,
        "resource": finding.resource,
        "statement": finding.statement,
        "message": finding.message,
        "file": finding.location.path if finding.location else None,
        "line": finding.location.line if finding.location else None,
        "fix": finding.rule.fix,
    }


def render_json(findings: Sequence[Finding], resources: Sequence[str]) -> str:
    counts = Counter(f.severity.label for f in findings)
    document = {
        "resources": sorted(set(resources)),
        "summary": {s.label: counts.get(s.label, 0) for s in sorted(Severity, reverse=True)},
        "findings": [finding_dict(f) for f in findings],
    }
    return json.dumps(document, indent=2) + "\n"


def render_explain(rule: Rule) -> str:
    return f"{rule.id} [{rule.severity.label}] {rule.title}\n\nWhy: {rule.why}\n\nFix: {rule.fix}\n"
