"""``callrec audit``: audit bucket policies, bucket configuration and IAM for the stack."""

from __future__ import annotations

import argparse
import sys
from importlib import metadata
from pathlib import Path

from callrec import aws_options
from callrec.audit.context import AuditContext
from callrec.audit.engine import Targets, audit, fails
from callrec.audit.errors import AuditInputError
from callrec.audit.findings import Finding
from callrec.audit.formatters import render_explain, render_json, render_text
from callrec.audit.principals import is_account_id
from callrec.audit.rules import RULES, Severity, rule
from callrec.audit.sarif import render_sarif

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "audit",
        help="audit bucket policies, bucket settings and IAM (Terraform, plan, live, file)",
        description=(
            "Audit the S3 bucket policies that let Amazon Chime write recordings and read "
            "prompts, the buckets' settings, and the IAM policies of the stack. Exit 0 when no "
            "finding is at or above --fail-on, 1 when one is, 2 on usage or input errors."
        ),
    )
    parser.add_argument(
        "--terraform",
        metavar="DIR",
        type=Path,
        action="append",
        default=[],
        help="Terraform source directory (static analysis; repeatable)",
    )
    parser.add_argument(
        "--plan",
        metavar="FILE",
        type=Path,
        action="append",
        default=[],
        help="JSON from `terraform show -json plan.out` (repeatable)",
    )
    parser.add_argument(
        "--bucket",
        metavar="NAME",
        action="append",
        default=[],
        help="live bucket to audit through boto3 (repeatable)",
    )
    parser.add_argument(
        "--all-buckets", action="store_true", help="audit every bucket the credentials can list"
    )
    parser.add_argument(
        "--policy-file",
        metavar="FILE",
        type=Path,
        action="append",
        default=[],
        help="a single policy JSON document (repeatable)",
    )
    parser.add_argument(
        "--allow-account",
        metavar="ID",
        action="append",
        default=[],
        help="account id allowed as a cross-account principal (repeatable)",
    )
    parser.add_argument(
        "--account",
        metavar="ID",
        help="the owning account id (default: STS caller identity for live audits, else unknown)",
    )
    parser.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    parser.add_argument(
        "--output",
        metavar="FILE",
        type=Path,
        help="write the report to FILE instead of standard output",
    )
    parser.add_argument(
        "--fail-on",
        default="high",
        type=_severity,
        help="lowest severity that makes the exit code 1 (default: high)",
    )
    parser.add_argument("--explain", metavar="RULE", help="print a rule's rationale and exit")
    parser.add_argument("--list-rules", action="store_true", help="list the rules and exit")
    aws_options.add_arguments(parser)  # used by --bucket and --all-buckets
    parser.set_defaults(handler=run)


def _severity(text: str) -> Severity:
    try:
        return Severity.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _version() -> str:
    try:
        return metadata.version("chime-callrec")
    except metadata.PackageNotFoundError:
        return "0.0.0"


def collect(args: argparse.Namespace) -> Targets:
    targets = Targets()
    for directory in args.terraform:
        from callrec.audit.sources.terraform import read_terraform

        targets.extend(read_terraform(directory))
    for path in args.plan:
        from callrec.audit.sources.plan import read_plan

        targets.extend(read_plan(path))
    for path in args.policy_file:
        from callrec.audit.sources.policy_file import read_policy_file

        targets.extend(read_policy_file(path))
    if args.bucket or args.all_buckets:
        from callrec.audit.sources.live import list_buckets, read_buckets

        names = list(dict.fromkeys(args.bucket + (list_buckets() if args.all_buckets else [])))
        targets.extend(read_buckets(names))
    return targets


def _is_live(args: argparse.Namespace) -> bool:
    return bool(args.bucket or args.all_buckets)


def _owner_account(args: argparse.Namespace) -> str | None:
    if args.account:
        return str(args.account)
    if _is_live(args):
        from callrec.audit.sources.live import caller_account

        return caller_account()
    return None


def run(args: argparse.Namespace) -> int:
    catalogue = _catalogue(args)
    if catalogue is not None:
        return catalogue
    problem = _usage_problem(args)
    if problem:
        print(f"callrec audit: {problem}", file=sys.stderr)
        return EXIT_USAGE
    if _is_live(args):
        aws_options.configure(args)
    try:
        targets = collect(args)
    except AuditInputError as error:
        print(f"callrec audit: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    findings = audit(targets, AuditContext(_owner_account(args), frozenset(args.allow_account)))
    report = _render(args.format, findings, targets)
    if args.output:
        args.output.write_text(report, encoding="utf-8")
    else:
        sys.stdout.write(report)
    return EXIT_FINDINGS if fails(findings, args.fail_on) else EXIT_OK


def _catalogue(args: argparse.Namespace) -> int | None:
    """--list-rules and --explain: print from the rule catalogue; None when neither is asked."""
    if args.list_rules:
        for item in RULES:
            print(f"{item.id}  {item.severity.label:<8}  {item.title}")
        return EXIT_OK
    if not args.explain:
        return None
    try:
        print(render_explain(rule(args.explain)), end="")
    except KeyError:
        print(f"callrec audit: unknown rule {args.explain!r} (see --list-rules)", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


def _usage_problem(args: argparse.Namespace) -> str:
    if not (args.terraform or args.plan or _is_live(args) or args.policy_file):
        return (
            "nothing to audit: give --terraform DIR, --plan FILE, --bucket NAME, "
            "--all-buckets or --policy-file FILE"
        )
    accounts = args.allow_account + ([args.account] if args.account else [])
    bad = [account for account in accounts if not is_account_id(account)]
    return f"not a 12-digit account id: {', '.join(bad)}" if bad else ""


def _render(output_format: str, findings: list[Finding], targets: Targets) -> str:
    if output_format == "json":
        return render_json(findings, targets.resources)
    if output_format == "sarif":
        return render_sarif(findings, _version())
    return render_text(findings, targets.resources)
