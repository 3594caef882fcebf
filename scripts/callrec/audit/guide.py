"""Generate the policy sections of SECURITY.md from the Terraform, with the auditor's resolver.

SECURITY.md keeps hand-written prose around generated blocks delimited by
``<!-- BEGIN GENERATED: name -->`` and ``<!-- END GENERATED: name -->``. ``--write`` refreshes
them; ``--check`` (and tests/audit/test_security_md.py) fails when they are out of date.

    python -m callrec.audit.guide --write
"""

from __future__ import annotations

import argparse
import functools
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from callrec.audit.context import AuditContext
from callrec.audit.engine import Targets, audit
from callrec.audit.findings import Finding
from callrec.audit.policy import Principals, Statement
from callrec.audit.rules import RULES
from callrec.audit.sources.terraform import read_terraform
from callrec.audit.targets import BucketTarget, PolicyKind, PolicyTarget

REPO_ROOT = Path(__file__).resolve().parents[3]
SECURITY_MD = REPO_ROOT / "SECURITY.md"
# The example with every option on renders every policy the modules can produce.
RENDERED_ROOT = Path("infra/examples/complete")
_BLOCK = re.compile(
    r"(<!-- BEGIN GENERATED: (?P<name>[a-z-]+) -->\n)(?P<body>.*?)"
    r"(<!-- END GENERATED: (?P=name) -->)",
    re.DOTALL,
)
_MODULE_PREFIX = re.compile(r"^(module\.[\w-]+\.)+")
_TOP_LEVEL_BLOCK = re.compile(r"^(data|resource) ")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(values: Iterable[str]) -> str:
    items = [f"`{_cell(v)}`" for v in values]
    return "<br>".join(items) if items else "—"


def _short(resource: str) -> str:
    """``module.callrec.module.recording_bucket.aws_s3_bucket.this (x)`` -> module path kept
    to the last module, which is what a reader looks for."""
    parts = resource.split(".")
    modules = [parts[i + 1] for i, p in enumerate(parts[:-1]) if p == "module"]
    rest = _MODULE_PREFIX.sub("", resource)
    return f"{modules[-1]}: {rest}" if modules else rest


def _principal(principals: Principals | None, negated: Principals | None) -> str:
    if negated is not None:
        return "NOT " + _code(negated.describe().split(", "))
    if principals is None:
        return "(the role)"
    return _code(principals.describe().split(", "))


def _conditions(statement: Statement) -> str:
    items = [f"{c.operator.raw} {c.key} = {', '.join(c.values)}" for c in statement.conditions]
    return _code(items)


def _statement_rows(policy: PolicyTarget) -> list[str]:
    rows = []
    for statement in policy.policy.statements:
        actions = statement.actions or tuple(f"NOT {a}" for a in statement.not_actions)
        resources = statement.resources or tuple(f"NOT {r}" for r in statement.not_resources)
        principal = (
            ""
            if policy.kind is PolicyKind.IDENTITY
            else f" {_principal(statement.principals, statement.not_principals)} |"
        )
        rows.append(
            f"| {_cell(statement.label)} | {statement.effect} |{principal} {_code(actions)} | "
            f"{_code(resources)} | {_conditions(statement)} |"
        )
    return rows


def _policy_table(policy: PolicyTarget) -> list[str]:
    # The file, not the line: the line moves with every edit above it.
    where = f"`{policy.location.path}`" if policy.location else "(no location)"
    lines = [f"Source: {where}", ""]
    if policy.kind is PolicyKind.IDENTITY:
        lines += [
            "| statement | effect | actions | resources | conditions |",
            "| --- | --- | --- | --- | --- |",
        ]
    else:
        lines += [
            "| statement | effect | principal | actions | resources | conditions |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
    return lines + _statement_rows(policy) + [""]


def _why(statement: Statement, policy: PolicyTarget) -> str:
    """The comment lines right above the statement (or its document) in the Terraform."""
    if policy.location is None or statement.line is None:
        return ""
    path = REPO_ROOT / (statement.path or policy.location.path)
    lines = path.read_text(encoding="utf-8").splitlines()
    comments = _comments_above(lines, statement.line - 2)
    if not comments:  # fall back to the comment on the enclosing policy document
        header = statement.line - 1
        while header > 0 and not _TOP_LEVEL_BLOCK.match(lines[header]):
            header -= 1
        comments = _comments_above(lines, header - 1)
    return " ".join(comments)


def _comments_above(lines: Sequence[str], index: int) -> list[str]:
    comments: list[str] = []
    while index >= 0 and lines[index].strip().startswith("#"):
        text = lines[index].strip().lstrip("#").strip()
        if not text.startswith("checkov:") and not set(text) <= {"#"}:
            comments.insert(0, text)
        index -= 1
    return comments


def bucket_policies(targets: Targets) -> str:
    out: list[str] = []
    for bucket in sorted(targets.buckets, key=lambda b: b.resource):
        out.append(f"#### {_short(bucket.resource)}")
        out.append("")
        if bucket.policy is None:
            out += ["No bucket policy.", ""]
            continue
        out += _policy_table(bucket.policy)
    for policy in sorted(targets.policies, key=lambda p: p.resource):
        if policy.kind is PolicyKind.KEY:
            out += [f"#### KMS key policy — {_short(policy.resource)}", ""]
            out += _policy_table(policy)
    return "\n".join(out)


def _setting(value: object, unknown: str = "not audited") -> str:
    return unknown if value is None else str(value)


def bucket_settings(targets: Targets) -> str:
    out = [
        "| bucket | public access block | default encryption | object ownership | versioning | "
        "enabled lifecycle rules |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for bucket in sorted(targets.buckets, key=lambda b: b.resource):
        out.append(
            f"| {_cell(_short(bucket.resource))} | {_pab(bucket)} | {_encryption(bucket)} | "
            f"{_setting(bucket.ownership)} | {bucket.versioning or 'off'} | "
            f"{_setting(bucket.lifecycle_rules)} |"
        )
    return "\n".join(out) + "\n"


def _pab(bucket: BucketTarget) -> str:
    flags = bucket.public_access_block or {}
    on = [name for name, value in flags.items() if value]
    return "all four on" if len(on) == 4 else (", ".join(on) or "none")


def _encryption(bucket: BucketTarget) -> str:
    rules = bucket.encryption or ()
    if not rules:
        return "none"
    return ", ".join(
        f"{r.algorithm} ({_short(r.kms_key)})" if r.kms_key else r.algorithm for r in rules
    )


def iam_permissions(targets: Targets) -> str:
    out: list[str] = []
    roles = sorted(
        {p.resource.split("/")[0] for p in targets.policies if p.kind is PolicyKind.TRUST}
    )
    for role in roles:
        out += [f"#### {_short(role)}", ""]
        trust = [p for p in targets.policies if p.kind is PolicyKind.TRUST and p.resource == role]
        for policy in trust:
            principals = [s.principals.describe() for s in policy.policy.statements if s.principals]
            out += [f"Assumed by: {_code(principals)}", ""]
        policies = [
            p
            for p in targets.policies
            if p.kind is PolicyKind.IDENTITY
            and (p.role == role or _role_of(p.resource) == _role_key(role))
        ]
        for policy in policies:
            out += [
                f"Source: `{policy.location.path if policy.location else '?'}`",
                "",
                "| statement | actions | resources | conditions | why (from the Terraform) |",
                "| --- | --- | --- | --- | --- |",
            ]
            for statement in policy.policy.statements:
                out.append(
                    f"| {_cell(statement.label)} | {_code(statement.actions)} | "
                    f"{_code(statement.resources)} | {_conditions(statement)} | "
                    f"{_cell(_why(statement, policy))} |"
                )
            out.append("")
    return "\n".join(out)


def _role_key(address: str) -> str:
    """aws_iam_role.function["x"] and aws_iam_role_policy.function["x"] name the same role."""
    return address.replace("aws_iam_role_policy.", "aws_iam_role.")


def _role_of(address: str) -> str:
    return _role_key(address.split("/", maxsplit=1)[0])


def audit_rules(_: Targets) -> str:
    out = ["| rule | severity | title |", "| --- | --- | --- |"]
    out += [f"| {r.id} | {r.severity.label} | {_cell(r.title)} |" for r in RULES]
    return "\n".join(out) + "\n"


def audit_baseline(targets: Targets) -> str:
    findings: Sequence[Finding] = audit(targets, AuditContext())
    if not findings:
        return "No findings.\n"
    out = ["| severity | rule | resource | finding |", "| --- | --- | --- | --- |"]
    out += [
        f"| {f.severity.label} | {f.rule_id} | {_cell(_short(f.resource))} | {_cell(f.message)} |"
        for f in findings
    ]
    return "\n".join(out) + "\n"


SECTIONS: dict[str, Callable[[Targets], str]] = {
    "bucket-policies": bucket_policies,
    "bucket-settings": bucket_settings,
    "iam-permissions": iam_permissions,
    "audit-rules": audit_rules,
    "audit-baseline": audit_baseline,
}


def render(text: str, targets: Targets) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        body = SECTIONS[name](targets).rstrip("\n") + "\n"
        return f"{match.group(1)}{body}{match.group(4)}"

    return _BLOCK.sub(replace, text)


@functools.cache
def load_targets() -> Targets:
    """The targets of the rendered example (cached: the Terraform does not change in a run)."""
    import os

    previous = Path.cwd()
    os.chdir(REPO_ROOT)  # locations relative to the repository, whatever the caller's cwd
    try:
        return read_terraform(RENDERED_ROOT)
    finally:
        os.chdir(previous)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", action="store_true", help="refresh SECURITY.md in place")
    group.add_argument("--check", action="store_true", help="exit 1 when SECURITY.md is stale")
    args = parser.parse_args(argv)
    current = SECURITY_MD.read_text(encoding="utf-8")
    fresh = render(current, load_targets())
    if args.write:
        SECURITY_MD.write_text(fresh, encoding="utf-8")
        return 0
    if fresh != current:
        print(
            "SECURITY.md is out of date: run python -m callrec.audit.guide --write", file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
