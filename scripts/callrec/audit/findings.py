"""Findings and where they point to."""

from __future__ import annotations

from dataclasses import dataclass, field

from callrec.audit.rules import Rule, Severity, rule


@dataclass(frozen=True)
class Location:
    """A place in a file: a path relative to the audit's base directory and a 1-based line."""

    path: str
    line: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Finding:
    rule_id: str
    resource: str
    message: str
    location: Location | None = None
    statement: str = ""
    details: dict[str, str] = field(default_factory=dict)

    @property
    def rule(self) -> Rule:
        return rule(self.rule_id)

    @property
    def severity(self) -> Severity:
        return self.rule.severity

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.resource, -int(self.severity), self.rule_id, self.message)
