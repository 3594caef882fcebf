"""Rules over policy documents: confused deputy, least privilege, public access, IAM."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from callrec.audit.conditions import (
    NEGATED_PATTERN_OPERATORS,
    SINGLE_VALUED_GLOBAL_KEYS,
    SetQualifier,
    parse_operator,
)
from callrec.audit.context import AuditContext
from callrec.audit.evaluation import (
    clause_matches,
    denying_statements,
    like,
    service_context,
    service_request,
)
from callrec.audit.findings import Finding, Location
from callrec.audit.policy import (
    ConditionClause,
    Policy,
    Statement,
    is_symbolic,
    literal_text,
)
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
# Where S3 object rules (CR010, CR011, CR012) apply: a bucket policy, or a document that reads
# as one (every action an s3: action).
S3_KINDS = frozenset({PolicyKind.BUCKET, PolicyKind.DOCUMENT})
# Where a grant to any other service principal is checked for a confused-deputy condition
# (CR009). Trust and key policies have their own conventions and are left to CR001/CR002.
SERVICE_GRANT_KINDS = frozenset({PolicyKind.BUCKET, PolicyKind.DOCUMENT, PolicyKind.RESOURCE})
# The global keys AWS names for cross-service confused-deputy protection.
DEPUTY_KEYS = frozenset(
    {"aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths"}
)

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
        # AWS X-Ray (list_awsx-ray.html): the trace writes every traced function needs.
        "xray:puttracesegments",
        "xray:puttelemetryrecords",
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
            return Location(statement.path or base.path, statement.line)
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
    unresolved = {s.label: s.unresolved() for s in policy.statements if s.unresolved()}
    _report_problems(emit, policy, set(unresolved))
    _report_unresolved(emit, target, unresolved)
    judged = [s for s in policy.statements if s.label not in unresolved]
    incomplete = policy.incomplete or bool(unresolved)
    for statement in judged:
        _check_statement(emit, statement, context, incomplete)
    complete_bucket_policy = target.kind is PolicyKind.BUCKET and not incomplete and judged
    if complete_bucket_policy and not any(denies_insecure_transport(s) for s in judged):
        emit.add("CR030", "no Deny statement on aws:SecureTransport = false")
    return emit.findings


def _report_problems(emit: _Emitter, policy: Policy, unresolved: set[str]) -> None:
    """Structural problems, except in statements holding values the reader could not compute
    (a problem there would be a guess about a statement nobody has seen rendered)."""
    by_label = {s.label: s for s in policy.statements}
    for problem in policy.problems:
        if problem.statement in unresolved:
            continue
        statement = by_label.get(problem.statement)
        prefix = f"{problem.statement}: " if problem.statement else ""
        emit.add(problem.rule_id, prefix + problem.message, statement)


def _report_unresolved(
    emit: _Emitter, target: PolicyTarget, unresolved: Mapping[str, list[str]]
) -> None:
    named = {e for expressions in unresolved.values() for e in expressions}
    for expression in target.unresolved:
        if expression not in named:
            emit.add("CR063", f"could not resolve {expression}; rules were evaluated without it")
    by_label = {s.label: s for s in target.policy.statements}
    for label, expressions in unresolved.items():
        emit.add(
            "CR063",
            f"{label}: could not resolve {', '.join(expressions)}; the statement was not judged",
            by_label[label],
        )


def _check_statement(
    emit: _Emitter, statement: Statement, context: AuditContext, incomplete: bool
) -> None:
    _check_negations(emit, statement)
    _check_set_qualifiers(emit, statement)
    kind = emit.target.kind
    if kind.is_resource_policy:
        _check_anyone(emit, statement, context)
        _check_cross_account(emit, statement, context)
        _check_services(emit, statement, context, incomplete)
    if kind is PolicyKind.IDENTITY:
        _check_identity(emit, statement)


def _check_services(
    emit: _Emitter, statement: Statement, context: AuditContext, incomplete: bool
) -> None:
    kind = emit.target.kind
    for service in _allowed_services(statement):
        if is_chime_service(service):
            deputy = _deputy_clauses(emit.target.policy, statement, service)
            _check_confused_deputy(emit, deputy, context, incomplete)
            if kind in S3_KINDS:
                _check_chime_actions(emit, statement, service)
                _check_chime_resources(emit, statement, service)
                _check_own_writes_denied(emit, deputy)
        elif kind in SERVICE_GRANT_KINDS:
            _check_other_service(emit, statement, service, incomplete)


def _allowed_services(statement: Statement) -> Iterator[str]:
    if not statement.is_allow or statement.principals is None:
        return
    yield from statement.principals.services


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


def _check_anyone(emit: _Emitter, statement: Statement, context: AuditContext) -> None:
    if not statement.is_allow or statement.principals is None or not statement.principals.anyone:
        return
    narrowing = [clause for clause in statement.conditions if _narrows(clause)]
    if narrowing:
        # Narrowed to an account: that account must be this one or allow-listed, else every
        # principal of it (its services' SIP media applications included) is let in.
        _check_named_accounts(emit, statement, statement.label, narrowing, context)
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


# Keys whose pinned values name the account a request comes from or acts for.
_ACCOUNT_KEYS = frozenset({"aws:sourceaccount", "aws:principalaccount"})
_ARN_KEYS = frozenset({"aws:sourcearn", "aws:principalarn"})


def _arn_account(value: str) -> str | None:
    """The account part of a literal ARN without wildcards (``arn:partition:service:region:
    account:resource``), or None."""
    parts = value.split(":", 5)
    if wildcard_in(value) or len(parts) != 6 or parts[0] != "arn":
        return None
    return parts[4] if is_account_id(parts[4]) else None


def _named_accounts(clauses: list[ConditionClause]) -> list[tuple[str, str]]:
    """(value, account) for every pinned value that names an account: an account key's value,
    or the account part of a full ARN (an ARN carries its account, IAM User Guide)."""
    named: list[tuple[str, str]] = []
    for clause in (c for c in clauses if _pins(c)):
        for value in clause.values:
            if is_symbolic(value):
                continue
            if clause.key_lower in _ACCOUNT_KEYS and is_account_id(value):
                named.append((value, value))
            elif clause.key_lower in _ARN_KEYS and (account := _arn_account(value)):
                named.append((value, account))
    return named


def _check_named_accounts(
    emit: _Emitter,
    statement: Statement,
    label: str,
    clauses: list[ConditionClause],
    context: AuditContext,
) -> None:
    """CR040 for each account a pinned condition names that is neither the owner nor
    allow-listed (only when the owner is known: --account, or the caller identity)."""
    if context.owner_account is None:
        return
    reported: set[str] = set()
    for value, account in _named_accounts(clauses):
        if context.account_allowed(account) or value in reported:
            continue
        reported.add(value)
        shown = account if value == account else f"{value} (account {account})"
        emit.add("CR040", f"{label}: condition admits {shown}, another account", statement)


def _literal_values(clauses: list[ConditionClause]) -> set[str]:
    return {v for c in clauses for v in c.values if not is_symbolic(v) and not wildcard_in(v)}


@dataclass(frozen=True)
class _Deputy:
    """The confused-deputy clauses that bind a grant: its own, and those of Deny statements
    that refuse the same principal, actions and resources unless the key matches."""

    statement: Statement  # the Allow
    service: str
    own_account: tuple[ConditionClause, ...]
    own_arn: tuple[ConditionClause, ...]
    denies: tuple[tuple[Statement, ConditionClause], ...]

    @property
    def label(self) -> str:
        return f"{self.statement.label} ({self.service})"

    @property
    def account(self) -> list[ConditionClause]:
        derived = [c for _, c in self.denies if c.key_lower == SOURCE_ACCOUNT.lower()]
        return [*self.own_account, *derived]

    @property
    def arn(self) -> list[ConditionClause]:
        derived = [c for _, c in self.denies if c.key_lower == SOURCE_ARN.lower()]
        return [*self.own_arn, *derived]


# Deny unless the key matches = Allow only if it matches: the Deny's negated operator read as
# the positive one. (IAM User Guide, condition operators: a negated operator is true when the
# key is absent, so such a Deny also refuses requests without the key.)
_CONFINING_DENY_OPERATORS = {
    "StringNotEquals": "StringEquals",
    "StringNotLike": "StringLike",
    "ArnNotEquals": "ArnEquals",
    "ArnNotLike": "ArnLike",
}


def _deputy_clauses(policy: Policy, statement: Statement, service: str) -> _Deputy:
    denies: list[tuple[Statement, ConditionClause]] = []
    for deny in policy.statements:
        clause = _confining_clause(deny, statement, service)
        if clause is not None:
            denies.append((deny, clause))
    return _Deputy(
        statement,
        service,
        tuple(statement.clauses_for(SOURCE_ACCOUNT)),
        tuple(statement.clauses_for(SOURCE_ARN)),
        tuple(denies),
    )


_SOURCE_KEYS = (SOURCE_ACCOUNT.lower(), SOURCE_ARN.lower())


def _confining_clause(deny: Statement, allow: Statement, service: str) -> ConditionClause | None:
    """The positive clause a Deny imposes on ``allow``'s grant, if it confines it.

    One clause must refuse a source key's other values; every other clause must hold for every
    request the service makes (e.g. ``Bool aws:PrincipalIsAWSService true``, ``Null
    aws:SourceAccount false``), whatever account it acts for, so it cannot let one through.
    """
    if not _covers(deny, allow, service):
        return None
    confining = [c for c in deny.conditions if c.key_lower in _SOURCE_KEYS and _refuses_others(c)]
    if len(confining) != 1:
        return None
    (clause,) = confining
    others = [c for c in deny.conditions if c is not clause]
    if not all(_holds_for_every_request(c, service) for c in others):
        return None
    positive = _CONFINING_DENY_OPERATORS[clause.operator.base]
    return ConditionClause(parse_operator(positive), clause.key, clause.values)


def _refuses_others(clause: ConditionClause) -> bool:
    """A negated operator, with or without IfExists (both are true when the key is absent)."""
    operator = clause.operator
    return (
        operator.known
        and operator.base in _CONFINING_DENY_OPERATORS
        and operator.qualifier is SetQualifier.NONE
    )


def _holds_for_every_request(clause: ConditionClause, service: str) -> bool:
    """True for every request of ``service``: on a key it always sets, or the presence of the
    source keys it always sends to a resource it acts on (``Null`` = false)."""
    if clause.key_lower in _SOURCE_KEYS:
        is_null = clause.operator.known and clause.operator.base == "Null"
        return is_null and all(v.lower() == "false" for v in clause.values)
    facts = {key.lower(): value for key, value in service_context(service).items()}
    return clause.key_lower in facts and clause_matches(clause, facts)


def _covers(deny: Statement, allow: Statement, service: str) -> bool:
    """Does the Deny apply to every request the Allow grants (principal, actions, resources)?

    An Allow written with NotAction/NotResource grants an open-ended set: only a Deny on
    every action (resource) ``*`` covers it.
    """
    if not deny.is_deny or deny.principals is None or deny.not_principals is not None:
        return False
    if deny.not_actions or deny.not_resources or deny.unresolved():
        return False
    principals = deny.principals
    if not principals.anyone and service.lower() not in {s.lower() for s in principals.services}:
        return False
    if (allow.not_actions and "*" not in deny.actions) or (
        allow.not_resources and "*" not in deny.resources
    ):
        return False
    actions = all(any(action_matches(d, a) for d in deny.actions) for a in allow.actions)
    resources = all(any(like(d, r) for d in deny.resources) for r in allow.resources)
    return actions and resources


def _is_full_arn(value: str) -> bool:
    """A whole ARN, account included: a literal one, or an apply-time ``.arn`` attribute."""
    if wildcard_in(value):
        return False
    if is_symbolic(value) and not literal_text(value):
        return value.endswith(".arn}")
    parsed = parse_chime_arn(value) or parse_chime_arn(value, "voiceconnector")
    return parsed is not None and (
        is_account_id(parsed["account"]) or is_symbolic(parsed["account"])
    )


def _check_confused_deputy(
    emit: _Emitter, deputy: _Deputy, context: AuditContext, incomplete: bool
) -> None:
    """``incomplete``: some condition blocks could not be resolved; absence is then not proof."""
    statement, service, label = deputy.statement, deputy.service, deputy.label
    for clause in deputy.own_account + deputy.own_arn:
        _check_deputy_clause(emit, statement, label, clause, service)
    for deny, clause in deputy.denies:
        _check_deputy_clause(emit, deny, f"{deny.label} ({service})", clause, service)
    _check_source_account(emit, deputy, incomplete)
    _check_source_arn(emit, deputy, incomplete)
    accounts = _literal_values([c for c in deputy.account if _pins(c)])
    for account in sorted(accounts):
        if not is_account_id(account):
            emit.add(
                "CR001",
                f"{label}: aws:SourceAccount value {account!r} is not an account id",
                statement,
            )
    _check_named_accounts(emit, statement, label, [*deputy.account, *deputy.arn], context)
    for clause in deputy.arn:
        if _pins(clause):
            _check_source_arn_clause(emit, deputy, clause, accounts)


def _not_pinned(clauses: list[ConditionClause]) -> bool:
    return not any(_pins(c) for c in clauses) and not any(c.operator.if_exists for c in clauses)


def _check_source_account(emit: _Emitter, deputy: _Deputy, incomplete: bool) -> None:
    statement, label = deputy.statement, deputy.label
    clauses = deputy.account
    if clauses:
        if _not_pinned(clauses):
            _report_not_pinned(emit, "CR001", deputy, SOURCE_ACCOUNT, clauses)
        return
    pinned_arns = [c for c in deputy.arn if _pins(c)]
    if pinned_arns and all(_is_full_arn(v) for c in pinned_arns for v in c.values):
        # The full ARN carries the account: confused-deputy safe, SourceAccount is extra.
        emit.add(
            "CR008",
            f"{label}: no aws:SourceAccount condition; aws:SourceArn pins the full ARN, which "
            "names the account (add aws:SourceAccount as defence in depth)",
            statement,
        )
    elif not incomplete:
        why = ", and aws:SourceArn is not pinned to a full ARN" if deputy.arn else ""
        emit.add("CR001", f"{label}: no aws:SourceAccount condition{why}", statement)


def _check_source_arn(emit: _Emitter, deputy: _Deputy, incomplete: bool) -> None:
    statement, label = deputy.statement, deputy.label
    clauses = deputy.arn
    if not clauses:
        if not incomplete:
            emit.add("CR002", f"{label}: no aws:SourceArn condition", statement)
    elif _not_pinned(clauses):
        _report_not_pinned(emit, "CR002", deputy, SOURCE_ARN, clauses)


def _report_not_pinned(
    emit: _Emitter, rule_id: str, deputy: _Deputy, key: str, clauses: list[ConditionClause]
) -> None:
    operators = ", ".join(sorted({c.operator.raw for c in clauses}))
    emit.add(
        rule_id,
        f"{deputy.label}: {key} is tested with {operators}, which does not pin it",
        deputy.statement,
    )


def _check_source_arn_clause(
    emit: _Emitter, deputy: _Deputy, clause: ConditionClause, accounts: set[str]
) -> None:
    statement, label, service = deputy.statement, deputy.label, deputy.service
    for value in clause.values:
        if wildcard_in(value) and not clause.operator.is_pattern:
            emit.add(
                "CR007",
                f"{label}: {clause.operator.raw} compares {value!r} literally, so the * or ? "
                "never matches a real ARN and Chime is refused",
                statement,
            )
            continue
        _check_source_arn_value(emit, statement, (label, value, service), accounts)


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
    subject: tuple[str, str, str],
    accounts: set[str],
) -> None:
    """``subject``: the statement's label, the aws:SourceArn value and the service."""
    label, value, service = subject
    if is_symbolic(value) or (wildcard_in(value) and not literal_text(value).startswith("arn:")):
        return
    if wildcard_in(value) and _tolerated_pipeline_pattern(SOURCE_ARN.lower(), value, service):
        return
    arn_service = _source_arn_service(emit.target.policy)
    parsed = parse_chime_arn(value, arn_service)
    allowed_types = chime_resource_types(service)
    if parsed is None or (parsed["type"] not in allowed_types and parsed["type"] != "*"):
        kinds = " or ".join(f"{t}/<id>" for t in allowed_types)
        emit.add(
            "CR007",
            f"{label}: aws:SourceArn {value!r} is not an "
            f"arn:aws:{arn_service}:<region>:<account>:{kinds}",
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


def _source_arn_service(policy: Policy) -> str:
    """How the resource's own service names the SMA in aws:SourceArn: Amazon Lex as
    ``voiceconnector``, everyone else (S3, Lambda) as ``chime``."""
    actions = [a.lower() for s in policy.statements for a in s.actions]
    return "voiceconnector" if actions and all(a.startswith("lex:") for a in actions) else "chime"


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


def _check_own_writes_denied(emit: _Emitter, deputy: _Deputy) -> None:
    """CR012: a Deny that refuses the very requests the grant is for (recordings then fail
    with NoAccessToDestination, StartCallRecording page). The request is the one Chime makes:
    this grant's actions on one of its resources, from the SMA/Voice Connector it pins."""
    statement, service = deputy.statement, deputy.service
    arns = [v for c in deputy.arn if _pins(c) for v in c.values if not wildcard_in(v)]
    accounts = sorted(v for c in deputy.account if _pins(c) for v in c.values)
    reported: set[tuple[str, str]] = set()
    for arn in arns:
        parsed = parse_chime_arn(arn)
        account = accounts[0] if accounts else (parsed["account"] if parsed else "")
        for action in (a for a in statement.actions if not wildcard_in(a)):
            for resource in statement.resources:
                sample = resource.replace("*", "example").replace("?", "x")
                request = service_request(
                    action, sample, service, source_account=account, source_arn=arn
                )
                for deny in denying_statements(emit.target.policy, request):
                    if (deny.label, action) in reported:
                        continue
                    reported.add((deny.label, action))
                    emit.add(
                        "CR012",
                        f"{deny.label}: denies {service} {action} on {resource} from {arn}, "
                        f"which {statement.label} grants: {_consequence(action)}",
                        deny,
                    )


def _consequence(action: str) -> str:
    if action.lower().startswith("s3:get"):
        return "Chime cannot read the prompts (PlayAudio fails with InvalidAudioSource)"
    return "Chime's recordings fail (StartCallRecording: NoAccessToDestination)"


def _check_other_service(
    emit: _Emitter, statement: Statement, service: str, incomplete: bool
) -> None:
    """CR009: a grant to a service principal other than Chime's, with nothing that names the
    account or resource it acts for (own conditions or a confining Deny)."""
    own = [c for c in statement.conditions if c.key_lower in DEPUTY_KEYS]
    derived = [
        clause
        for deny in emit.target.policy.statements
        if (clause := _confining_clause(deny, statement, service)) is not None
    ]
    if any(_pins(c) for c in own + derived) or incomplete:
        return
    emit.add(
        "CR009",
        f"{statement.label} ({service}): no aws:SourceAccount, aws:SourceArn or "
        "aws:SourceOrgID condition",
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
