"""Never guess an expression: what the static evaluator cannot compute is named (CR063) with
its place, and no rule judges a statement that holds it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from callrec.audit.context import AuditContext
from callrec.audit.engine import audit
from callrec.audit.findings import Finding
from callrec.audit.rules import Severity
from callrec.audit.sources.hclexpr import Evaluator, Unknown
from callrec.audit.sources.terraform import read_terraform
from tests.audit.conftest import REPO_ROOT, TERRAFORM_FIXTURES, AuditRun

CHIME_WRITE_RESOURCES = 'resources = ["${local.bucket_arn}/${var.recordings_prefix}/*"]'


def _run(run_audit: Callable[..., AuditRun], directory: Path) -> AuditRun:
    return run_audit("--terraform", str(directory), "--format", "json", "--fail-on", "info")


def test_unimplemented_function_is_named_with_its_line(
    run_audit: Callable[..., AuditRun],
) -> None:
    run = _run(run_audit, TERRAFORM_FIXTURES / "unimplemented_function")
    unresolved = [f for f in run.report["findings"] if f["rule"] == "CR063"]
    assert any("setsubtract" in f["message"] and "not judged" in f["message"] for f in unresolved)
    assert {(f["file"], f["line"]) for f in unresolved} == {
        ("tests/audit/terraform/unimplemented_function/main.tf", 8)  # the statement block
    }


def test_statement_with_an_unresolved_value_is_not_judged(
    run_audit: Callable[..., AuditRun],
) -> None:
    run = _run(run_audit, TERRAFORM_FIXTURES / "unimplemented_function")
    # The resources could not be computed: no finding about them (CR011), nor about the policy
    # as a whole (CR030: the TLS Deny may be in what could not be read). The bucket's own
    # settings (CR031-CR037, not in this fixture) are judged as usual.
    policy_rules = {r for r in run.rules if not r.startswith("CR03") or r == "CR030"}
    assert policy_rules == {"CR063"}


def _infra_copy(tmp_path: Path, replacement: str) -> Path:
    copy = tmp_path / "infra"
    shutil.copytree(REPO_ROOT / "infra", copy, ignore=shutil.ignore_patterns("provider-schema"))
    module = copy / "modules" / "recording-bucket" / "main.tf"
    text = module.read_text(encoding="utf-8")
    assert CHIME_WRITE_RESOURCES in text
    module.write_text(text.replace(CHIME_WRITE_RESOURCES, replacement), encoding="utf-8")
    return copy / "examples" / "complete"


def _findings(directory: Path) -> list[tuple[str, str, str]]:
    findings: list[Finding] = audit(read_terraform(directory), AuditContext())
    return sorted((f.rule_id, f.resource, f.message) for f in findings)


@pytest.fixture(scope="module")
def baseline() -> list[tuple[str, str, str]]:
    return _findings(REPO_ROOT / "infra" / "examples" / "complete")


def test_sorted_resource_list_audits_like_the_original(
    tmp_path: Path, baseline: list[tuple[str, str, str]]
) -> None:
    sorted_copy = _infra_copy(
        tmp_path, 'resources = sort(["${local.bucket_arn}/${var.recordings_prefix}/*"])'
    )
    assert _findings(sorted_copy) == baseline


def test_unimplemented_function_in_infra_adds_no_finding_but_cr063(
    tmp_path: Path, baseline: list[tuple[str, str, str]]
) -> None:
    changed = _infra_copy(
        tmp_path, 'resources = setsubtract(["${local.bucket_arn}/${var.recordings_prefix}/*"], [])'
    )
    findings = audit(read_terraform(changed), AuditContext())
    new = [f for f in findings if (f.rule_id, f.resource, f.message) not in baseline]
    assert new
    assert {f.rule_id for f in new} == {"CR063"}
    assert all(f.severity < Severity.MEDIUM for f in new)
    assert any("setsubtract" in f.message for f in new)


def test_unresolved_principal_type_is_named_not_called_malformed(
    run_audit: Callable[..., AuditRun],
) -> None:
    run = _run(run_audit, TERRAFORM_FIXTURES / "unresolved_principal")
    messages = [f["message"] for f in run.report["findings"] if f["rule"] == "CR063"]
    assert any("var.principal_type" in m and "not judged" in m for m in messages)
    policy_rules = {r for r in run.rules if not r.startswith("CR03") or r == "CR030"}
    assert policy_rules == {"CR063"}


# Equivalent edits the evaluator computes: the audit must not change.
EVALUATED_EDITS = [
    'resources = [format("%s/%s/*", local.bucket_arn, var.recordings_prefix)]',
    'resources = [join("/", [local.bucket_arn, var.recordings_prefix, "*"])]',
    'resources = try(["${local.bucket_arn}/${var.recordings_prefix}/*"], ["*"])',
    'resources = [for p in [var.recordings_prefix] : "${local.bucket_arn}/${p}/*"]',
]
# Equivalent edits it cannot compute: CR063 and nothing else. Each once gave a false CR011 (a
# format verb printed literally, try() taking its fallback because a function was missing, a
# condition on an apply-time value read as that value).
UNEVALUATED_EDITS = [
    'resources = [format("%[1]s/%[2]s/*", local.bucket_arn, var.recordings_prefix)]',
    'resources = try(formatlist("%s/*", ["${local.bucket_arn}/${var.recordings_prefix}"]), ["*"])',
    'resources = local.bucket_arn != "" ? ["${local.bucket_arn}/${var.recordings_prefix}/*"] '
    ': ["*"]',
]


@pytest.mark.parametrize("edit", EVALUATED_EDITS)
def test_equivalent_edit_audits_like_the_original(
    tmp_path: Path, baseline: list[tuple[str, str, str]], edit: str
) -> None:
    assert _findings(_infra_copy(tmp_path, edit)) == baseline


@pytest.mark.parametrize("edit", UNEVALUATED_EDITS)
def test_equivalent_edit_it_cannot_compute_adds_only_cr063(
    tmp_path: Path, baseline: list[tuple[str, str, str]], edit: str
) -> None:
    findings = _findings(_infra_copy(tmp_path, edit))
    new = [f for f in findings if f not in baseline]
    assert new
    assert {rule for rule, _, _ in new} == {"CR063"}
    assert all(f in findings for f in baseline)


def _evaluate(expression: str) -> object:
    evaluator = Evaluator(lambda root, path, text: evaluator.unknown(text))
    return evaluator.expression(expression)


def test_try_moves_past_a_lookup_terraform_refuses_too() -> None:
    assert _evaluate('try({ a = "x" }.b, "fallback")') == "fallback"


def test_try_does_not_move_past_a_function_it_lacks() -> None:
    value = _evaluate('try(lookup({ a = "x" }, "a"), "fallback")')
    assert isinstance(value, Unknown) and value.reportable


@pytest.mark.parametrize(
    ("expression", "expected"),
    [('format("%s%%", 50)', "50%"), ('format("%d-%v", 2, true)', "2-true")],
)
def test_format_implements_the_verbs_policies_use(expression: str, expected: str) -> None:
    assert _evaluate(expression) == expected


@pytest.mark.parametrize("expression", ['format("%s", "a", "b")', 'format("%5s", "a")'])
def test_format_it_cannot_mirror_is_unresolved(expression: str) -> None:
    value = _evaluate(expression)
    assert isinstance(value, Unknown) and value.reportable


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('substr("callrec-console", 0, 7)', "callrec"),
        ('substr("callrec-console", 8, -1)', "console"),
        ('substr("callrec", -3, 3)', "rec"),
    ],
)
def test_substr_follows_terraform(expression: str, expected: str) -> None:
    assert _evaluate(expression) == expected
