"""Rules over policy documents: confused deputy, least privilege, public access, IAM."""

from __future__ import annotations

from collections.abc import Iterator

from callrec.audit.conditions import (
    NEGATED_PATTERN_OPERATORS,
    SINGLE_VALUED_GLOBAL_KEYS,
    SetQualifier,
)
from callrec.audit.context import AuditContext
from callrec.audit.findings import Finding, Location
from callrec.audit.policy import ConditionClause, Statement, is_symbolic, literal_text
from callrec.audit.principals import (
    CHIME_S3_ACTIONS,
    DEFAULT_CHIME_S3_ACTIONS,
    MEDIA_PIPELINES_PRINCIPAL,
    account_of,
    action_matches,
    chime_resource_types,
    is_account_id,
    is_chime_service,
    parse_chime_arn,
    wildcard_in,
)
from callrec.audit.targets import PolicyKind, PolicyTarget

SOURCE_ACCOUNT = "aws:SourceAccount"
SOURCE_ARN = "aws:SourceArn"

# Keys whose fixed values make a Principal "*" grant non-public (S3 "The meaning of public").
NARROWING_KEYS = frozenset(
    {
        "aws:principalaccount",
        "aws:principalarn",
        "aws:principalorgid",
        "aws:sourceaccount",
        "aws:sourcearn",
        "aws:sourceorgid",
        "aws:sourcevpc",
        "aws:sourcevpce",
        "aws:sourceowner",
        "aws:sourceip",
        "aws:userid",
        "s3:dataaccesspointarn",
        "s3:dataaccesspointaccount",
    }
)

# Actions the Service Authorization Reference lists with no resource type: Resource "*" is the
# only form IAM accepts for them, so CR051 does not apply (compared in lower case).
ACTIONS_WITHOUT_RESOURCE_TYPES = frozenset(
    {
        "transcribe:startcallanalyticsjob",
        "transcribe:starttranscriptionjob",
        "transcribe:startmedicaltranscriptionjob",
        "transcribe:startstreamtranscription",
        "transcribe:startcallanalyticsstreamtranscription",
        "transcribe:listcallanalyticsjobs",
        "transcribe:listtranscriptionjobs",
    }
)


class _Emitter:
    def __init__(self, target: PolicyTarget) -> None:
        self.target = target
        self.findings: list[Finding] = []

    def location(self, statement: Statement | None) -> Location | None:
        base = self.target.location
        if base is None:
            return None
        if statement is not None and statement.line is not None:
            return Location(base.path, statement.line)
        return base

    def add(self, rule_id: str, message: str, statement: Statement | None = None) -> None:
        self.findings.append(
            Finding(
                rule_id=rule_id,
                resource=self.target.resource,
                message=message,
                location=self.location(statement),
                statement=statement.label if statement is not None else "",
            )
        )


def check_policy(target: PolicyTarget, context: AuditContext) -> list[Finding]:
    emit = _Emitter(target)
    policy = target.policy
    by_label = {s.label: s for s in policy.statements}
    for problem in policy.problems:
        statement = by_label.get(problem.statement)
        prefix = f"{problem.statement}: " if problem.statement else ""
        emit.add(problem.rule_id, prefix + problem.message, statement)
    for expression in target.unresolved:
        emit.add("CR063", f"could not resolve {expression}; rules were evaluated without it")
    for statement in policy.statements:
        _check_negations(emit, statement)
        _check_set_qualifiers(emit, statement)
        if target.kind.is_resource_policy:
            _check_anyone(emit, statement)
            _check_cross_account(emit, statement, context)
            for service in _chime_services(statement):
                _check_confused_deputy(emit, statement, service, context, policy.incomplete)
                if target.kind in (PolicyKind.BUCKET, PolicyKind.DOCUMENT):
                    _check_chime_actions(emit, statement, service)
                    _check_chime_resources(emit, statement, service)
        if target.kind is PolicyKind.IDENTITY:
            _check_identity(emit, statement)
    complete_bucket_policy = (
        target.kind is PolicyKind.BUCKET and not policy.incomplete and policy.statements
    )
    if complete_bucket_policy and not any(denies_insecure_transport(s) for s in policy.statements):
        emit.add("CR030", "no Deny statement on aws:SecureTransport = false")
    return emit.findings


def _chime_services(statement: Statement) -> Iterator[str]:
    if not statement.is_allow or statement.principals is None:
        return
    for service in statement.principals.services:
        if is_chime_service(service):
            yield service


def _check_negations(emit: _Emitter, statement: Statement) -> None:
    if not statement.is_allow:
        return
    if statement.not_principals is not None:
        emit.add("CR021", f"{statement.label}: Allow with NotPrincipal", statement)
    if statement.not_actions:
        emit.add(
            "CR022",
            f"{statement.label}: Allow with NotAction {list(statement.not_actions)}",
            statement,
        )
    if statement.not_resources:
        emit.add(
            "CR023",
            f"{statement.label}: Allow with NotResource {list(statement.not_resources)}",
            statement,
        )


def _check_set_qualifiers(emit: _Emitter, statement: Statement) -> None:
    for clause in statement.conditions:
        qualifier = clause.operator.qualifier
        if qualifier is SetQualifier.NONE or clause.key_lower not in SINGLE_VALUED_GLOBAL_KEYS:
            continue
        consequence = (
            "true when the key is absent, so the statement fails open"
            if qualifier is SetQualifier.FOR_ALL_VALUES and statement.is_allow
            else "a set operator on a single-valued key"
        )
        emit.add(
            "CR005",
            f"{statement.label}: {clause.operator.raw} on {clause.key} ({consequence})",
            statement,
        )


def _pins(clause: ConditionClause) -> bool:
    """Does this clause require the key to equal (or match) the listed values?"""
    operator = clause.operator
    return (
        operator.is_positive_match
        and not operator.if_exists
        and operator.qualifier is not SetQualifier.FOR_ALL_VALUES
    )


def _narrows(clause: ConditionClause) -> bool:
    if clause.key_lower not in NARROWING_KEYS or not _pins(clause):
        if clause.key_lower == "aws:sourceip" and clause.operator.base == "IpAddress":
            return not any(v.endswith("/0") for v in clause.values)
        return False
    return not (clause.operator.is_pattern and any(wildcard_in(v) for v in clause.values))


def _check_anyone(emit: _Emitter, statement: Statement) -> None:
    if not statement.is_allow or statement.principals is None or not statement.principals.anyone:
        return
    if any(_narrows(clause) for clause in statement.conditions):
        return
    emit.add(
        "CR020",
        f'{statement.label}: Allow to Principal "*" for {list(statement.actions)} with no '
        "condition on a fixed account, ARN, organisation or network",
        statement,
    )


def _check_cross_account(emit: _Emitter, statement: Statement, context: AuditContext) -> None:
    if not statement.is_allow or statement.principals is None:
        return
    for principal in statement.principals.aws:
        account = account_of(principal)
        if account is not None and not context.account_allowed(account):
            emit.add(
                "CR040",
                f"{statement.label}: principal {principal} (account {account}) is not on the "
                "allow-list"
                + ("" if context.owner_account else " (owner unknown: pass --account)"),
                statement,
            )


def _literal_values(clauses: list[ConditionClause]) -> set[str]:
    return {v for c in clauses for v in c.values if not is_symbolic(v) and not wildcard_in(v)}


def _check_confused_deputy(
    emit: _Emitter, statement: Statement, service: str, context: AuditContext, incomplete: bool
) -> None:
    """``incomplete``: some condition blocks could not be resolved; absence is then not proof."""
    label = f"{statement.label} ({service})"
    account_clauses = statement.clauses_for(SOURCE_ACCOUNT)
    arn_clauses = statement.clauses_for(SOURCE_ARN)
    for clause in account_clauses + arn_clauses:
        _check_deputy_clause(emit, statement, label, clause, service)
    if not account_clauses:
        if not incomplete:
            emit.add("CR001", f"{label}: no aws:SourceAccount condition", statement)
    elif not any(_pins(c) for c in account_clauses) and not any(
        c.operator.if_exists for c in account_clauses
    ):
        operators = ", ".join(sorted({c.operator.raw for c in account_clauses}))
        emit.add(
            "CR001",
            f"{label}: aws:SourceAccount is tested with {operators}, which does not pin it",
            statement,
        )
    if not arn_clauses:
        if not incomplete:
            emit.add("CR002", f"{label}: no aws:SourceArn condition", statement)
    elif not any(_pins(c) for c in arn_clauses) and not any(
        c.operator.if_exists for c in arn_clauses
    ):
        operators = ", ".join(sorted({c.operator.raw for c in arn_clauses}))
        emit.add(
            "CR002",
            f"{label}: aws:SourceArn is tested with {operators}, which does not pin it",
            statement,
        )
    accounts = _literal_values([c for c in account_clauses if _pins(c)])
    for account in sorted(accounts):
        if not is_account_id(account):
            emit.add(
                "CR001",
                f"{label}: aws:SourceAccount value {account!r} is not an account id",
                statement,
            )
        elif not context.account_allowed(account) and context.owner_account is not None:
            emit.add("CR040", f"{label}: aws:SourceAccount {account} is another account", statement)
    for clause in arn_clauses:
        if not _pins(clause):
            continue
        for value in clause.values:
            if wildcard_in(value) and not clause.operator.is_pattern:
                emit.add(
                    "CR007",
                    f"{label}: {clause.operator.raw} compares {value!r} literally, so the * or ? "
                    "never matches a real ARN and Chime is refused",
                    statement,
                )
                continue
            _check_source_arn_value(emit, statement, label, value, service, accounts)


def _check_deputy_clause(
    emit: _Emitter, statement: Statement, label: str, clause: ConditionClause, service: str
) -> None:
    operator = clause.operator
    if operator.if_exists and statement.is_allow:
        emit.add(
            "CR006",
            f"{label}: {operator.raw} on {clause.key} passes when the key is absent",
            statement,
        )
    if not operator.is_pattern or operator.base in NEGATED_PATTERN_OPERATORS:
        return
    wildcards = [v for v in clause.values if wildcard_in(v)]
    for value in wildcards:
        if _tolerated_pipeline_pattern(clause.key_lower, value, service):
            continue
        emit.add(
            "CR003",
            f"{label}: {operator.raw} {clause.key} = {value!r} is a wildcard pattern",
            statement,
        )
    if not wildcards and operator.base == "StringLike":
        better = "StringEquals" if clause.key_lower == "aws:sourceaccount" else "ArnEquals"
        emit.add(
            "CR004",
            f"{label}: StringLike on {clause.key} without wildcards; use {better}",
            statement,
        )


def _tolerated_pipeline_pattern(key: str, value: str, service: str) -> bool:
    """Media pipelines get a new ARN per call; a pattern pinned to the account is the tightest.

    The Chime SDK developer guide's own trust policy for the media insights resource access
    role pins aws:SourceAccount and matches aws:SourceArn with arn:aws:chime:*:<account>:*.
    """
    if service.lower() != MEDIA_PIPELINES_PRINCIPAL or key != "aws:sourcearn":
        return False
    parts = value.split(":")
    if len(parts) < 6 or parts[0] != "arn" or parts[2] != "chime":
        return False
    account = parts[4]
    return is_account_id(account) or (is_symbolic(account) and not wildcard_in(account))


def _check_source_arn_value(
    emit: _Emitter,
    statement: Statement,
    label: str,
    value: str,
    service: str,
    accounts: set[str],
) -> None:
    if is_symbolic(value) or (wildcard_in(value) and not literal_text(value).startswith("arn:")):
        return
    if wildcard_in(value) and _tolerated_pipeline_pattern(SOURCE_ARN.lower(), value, service):
        return
    parsed = parse_chime_arn(value)
    allowed_types = chime_resource_types(service)
    if parsed is None or (parsed["type"] not in allowed_types and parsed["type"] != "*"):
        kinds = " or ".join(f"{t}/<id>" for t in allowed_types)
        emit.add(
            "CR007",
            f"{label}: aws:SourceArn {value!r} is not an arn:aws:chime:<region>:<account>:{kinds}",
            statement,
        )
        return
    account = parsed["account"]
    if accounts and is_account_id(account) and account not in accounts:
        emit.add(
            "CR007",
            f"{label}: aws:SourceArn {value!r} names account {account}, but aws:SourceAccount "
            f"is {sorted(accounts)}",
            statement,
        )


def _check_chime_actions(emit: _Emitter, statement: Statement, service: str) -> None:
    needed = CHIME_S3_ACTIONS.get(service.lower(), DEFAULT_CHIME_S3_ACTIONS)
    extra = [a for a in statement.actions if a.lower() not in needed]
    if extra:
        emit.add(
            "CR010",
            f"{statement.label} ({service}): actions {extra} beyond {sorted(needed)}",
            statement,
        )
        return
    lowered = {a.lower() for a in statement.actions}
    if "s3:getobject" in lowered and lowered & {"s3:putobject", "s3:putobjectacl"}:
        emit.add(
            "CR010",
            f"{statement.label} ({service}): reads and writes in one grant; recording needs "
            "only s3:PutObject/s3:PutObjectAcl, prompts only s3:GetObject (split them by prefix)",
            statement,
        )


def _is_object_arn(value: str, bucket: str | None) -> bool:
    if is_symbolic(value):
        _head, sep, tail = value.rpartition("}")
        return bool(sep) and "/" in tail
    if not value.startswith("arn:aws:s3:::"):
        return False
    name, sep, _key = value[len("arn:aws:s3:::") :].partition("/")
    if not sep or wildcard_in(name):
        return False
    return bucket is None or is_symbolic(bucket) or name == bucket


def _check_chime_resources(emit: _Emitter, statement: Statement, service: str) -> None:
    bucket = emit.target.bucket
    wide = [r for r in statement.resources if not _is_object_arn(r, bucket)]
    if wide:
        where = f" of bucket {bucket}" if bucket and not is_symbolic(bucket) else ""
        emit.add(
            "CR011",
            f"{statement.label} ({service}): resources {wide} are not object ARNs{where}",
            statement,
        )


def denies_insecure_transport(statement: Statement) -> bool:
    """A Deny for everyone, on s3:* (or *), when aws:SecureTransport is false."""
    if not statement.is_deny or statement.principals is None or not statement.principals.anyone:
        return False
    if not any(a in ("*", "s3:*") for a in statement.actions):
        return False
    for clause in statement.clauses_for("aws:SecureTransport"):
        plain_bool = (
            clause.operator.base == "Bool" and clause.operator.qualifier is SetQualifier.NONE
        )
        if plain_bool and "false" in (v.lower() for v in clause.values):
            return True
    return False


def _check_identity(emit: _Emitter, statement: Statement) -> None:
    if not statement.is_allow:
        return
    for action in statement.actions:
        if action == "*" or action.endswith(":*"):
            emit.add("CR050", f"{statement.label}: Action {action!r}", statement)
        elif wildcard_in(action):
            emit.add("CR053", f"{statement.label}: Action {action!r} is a pattern", statement)
    needs_resource = [
        a for a in statement.actions if a.lower() not in ACTIONS_WITHOUT_RESOURCE_TYPES
    ]
    if "*" in statement.resources and needs_resource:
        emit.add(
            "CR051",
            f'{statement.label}: {list(statement.actions)} on Resource "*"',
            statement,
        )
    if any(action_matches(a, "iam:PassRole") for a in statement.actions):
        passed = statement.clauses_for("iam:PassedToService")
        if not any(_pins(c) for c in passed):
            emit.add(
                "CR052",
                f"{statement.label}: iam:PassRole without an iam:PassedToService condition",
                statement,
            )
