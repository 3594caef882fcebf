"""How IAM decides one request against one resource policy: the one evaluator of conditions.

The auditor uses it to tell whether a Deny would block the Chime service principal's own
writes; the local Chime (``callrec.local.bucket_policy``) uses it to judge the bucket policies
moto stores but does not enforce. Both read the policy through ``callrec.audit.policy``.

Rules relied on (IAM User Guide):

- "Policy evaluation logic": an explicit Deny wins, otherwise a matching Allow grants, otherwise
  the request is implicitly denied.
- "IAM JSON policy elements: Condition": "Context key names are not case-sensitive", so keys
  are looked up in lower case; value matching depends on the operator.
- "Condition operators": a key absent from the request context makes every operator false
  except the negated ones (true), ``...IfExists`` (true) and ``Null``; ``StringLike`` and the
  ARN operators take ``*`` and ``?`` wildcards, ARNs compared part by part.
- Operator names are matched exactly: IAM rejects ``stringEquals`` ("Invalid Condition type"),
  so an operator the parser does not know never matches here (a real policy with one is refused
  by the service, so it grants nothing).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from callrec.audit.conditions import SetQualifier
from callrec.audit.policy import ConditionClause, Policy, Principals, Statement
from callrec.audit.principals import action_matches


class Decision(StrEnum):
    ALLOW = "allow"
    EXPLICIT_DENY = "explicit-deny"
    IMPLICIT_DENY = "implicit-deny"


@dataclass(frozen=True)
class Request:
    action: str  # e.g. s3:PutObject
    resource: str  # e.g. arn:aws:s3:::bucket/key
    service_principal: str
    context: Mapping[str, str]


def service_context(service: str) -> dict[str, str]:
    """The keys every request of a service principal carries, whoever it acts for.

    IAM User Guide, global condition keys: ``aws:PrincipalIsAWSService`` is true and
    ``aws:PrincipalServiceName`` names the service when an AWS service principal calls. That
    Chime reaches S3 over TLS (``aws:SecureTransport`` true) is assumed: nothing offline shows it.
    """
    return {
        "aws:PrincipalServiceName": service,
        "aws:PrincipalIsAWSService": "true",
        "aws:SecureTransport": "true",
    }


def service_request(
    action: str, resource: str, service: str, *, source_account: str, source_arn: str
) -> Request:
    """The request a service principal makes for one resource of one account: the request the
    auditor tests a policy with (CR012) and the local Chime is judged by, alike."""
    context = {
        **service_context(service),
        "aws:SourceAccount": source_account,
        "aws:SourceArn": source_arn,
    }
    return Request(action, resource, service, context)


def evaluate(policy: Policy, request: Request) -> Decision:
    allowed = False
    for statement in policy.statements:
        if not statement_applies(statement, request):
            continue
        if statement.is_deny:
            return Decision.EXPLICIT_DENY
        if statement.is_allow:
            allowed = True
    return Decision.ALLOW if allowed else Decision.IMPLICIT_DENY


def denying_statements(policy: Policy, request: Request) -> list[Statement]:
    return [s for s in policy.statements if s.is_deny and statement_applies(s, request)]


def statement_applies(statement: Statement, request: Request) -> bool:
    """Does the statement match the request (principal, action, resource and conditions)?

    A statement holding a value the static reader could not compute matches nothing: it is
    reported as unresolved, never judged.
    """
    if statement.unresolved():
        return False
    context = {key.lower(): value for key, value in request.context.items()}
    return (
        _principal_matches(statement, request)
        and _action_matches(statement, request.action)
        and _resource_matches(statement, request.resource)
        and all(clause_matches(clause, context) for clause in statement.conditions)
    )


def _principal_matches(statement: Statement, request: Request) -> bool:
    """A resource policy's statement names its principals; one without ``Principal`` or
    ``NotPrincipal`` is invalid there (S3 refuses it) and matches nobody."""
    if statement.principals is None and statement.not_principals is None:
        return False
    if statement.principals is not None and not _principal(statement.principals, request):
        return False
    return statement.not_principals is None or not _principal(statement.not_principals, request)


def _action_matches(statement: Statement, action: str) -> bool:
    if statement.actions and not any(action_matches(a, action) for a in statement.actions):
        return False
    return not any(action_matches(a, action) for a in statement.not_actions)


def _resource_matches(statement: Statement, resource: str) -> bool:
    if statement.resources and not _any_pattern(statement.resources, resource):
        return False
    return not _any_pattern(statement.not_resources, resource)


def _principal(principals: Principals, request: Request) -> bool:
    if principals.anyone:
        return True
    wanted = request.service_principal.lower()
    return any(service.lower() == wanted for service in principals.services)


def _wildcard_regex(pattern: str) -> str:
    return "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern)


def like(pattern: str, value: str) -> bool:
    """``StringLike``: ``*`` any run of characters, ``?`` one; case-sensitive."""
    return re.fullmatch(_wildcard_regex(pattern), value, re.DOTALL) is not None


def arn_like(pattern: str, value: str) -> bool:
    """``ArnLike``/``ArnEquals``: each of the six colon-separated parts matched on its own."""
    wanted = pattern.split(":", 5)
    actual = value.split(":", 5)
    if len(wanted) != len(actual):
        return False
    return all(like(p, a) for p, a in zip(wanted, actual, strict=True))


def _any_pattern(patterns: tuple[str, ...], value: str) -> bool:
    return any(like(pattern, value) for pattern in patterns)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _numeric(test: Callable[[float, float], bool]) -> Callable[[str, str], bool]:
    def compare(actual: str, wanted: str) -> bool:
        left, right = _number(actual), _number(wanted)
        return left is not None and right is not None and test(left, right)

    return compare


# Each positive operator: (does one policy value match the request's value?). A negated operator
# is the negation of its positive form over all values.
_POSITIVE: dict[str, Callable[[str, str], bool]] = {
    "StringEquals": lambda actual, wanted: actual == wanted,
    "StringEqualsIgnoreCase": lambda actual, wanted: actual.lower() == wanted.lower(),
    "StringLike": lambda actual, wanted: like(wanted, actual),
    "ArnEquals": lambda actual, wanted: arn_like(wanted, actual),
    "ArnLike": lambda actual, wanted: arn_like(wanted, actual),
    "Bool": lambda actual, wanted: actual.lower() == wanted.lower(),
    "BinaryEquals": lambda actual, wanted: actual == wanted,
    "NumericEquals": _numeric(lambda a, b: a == b),
    "NumericLessThan": _numeric(lambda a, b: a < b),
    "NumericLessThanEquals": _numeric(lambda a, b: a <= b),
    "NumericGreaterThan": _numeric(lambda a, b: a > b),
    "NumericGreaterThanEquals": _numeric(lambda a, b: a >= b),
}
_NEGATED: dict[str, str] = {
    "StringNotEquals": "StringEquals",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
    "StringNotLike": "StringLike",
    "ArnNotEquals": "ArnEquals",
    "ArnNotLike": "ArnLike",
    "NumericNotEquals": "NumericEquals",
}


def clause_matches(clause: ConditionClause, context: Mapping[str, str]) -> bool:
    """One operator/key/values clause against a context whose keys are in lower case."""
    operator = clause.operator
    if not operator.known:
        return False
    present = clause.key_lower in context
    if operator.base == "Null":
        return any(v.lower() == ("false" if present else "true") for v in clause.values)
    negated = operator.base in _NEGATED
    if not present:
        # IAM User Guide, multivalued context keys: ForAllValues is true when the key is absent,
        # ForAnyValue false (no value can match); plain operators as described above.
        if operator.qualifier is not SetQualifier.NONE:
            return operator.qualifier is SetQualifier.FOR_ALL_VALUES
        return operator.if_exists or negated
    test = _POSITIVE.get(_NEGATED.get(operator.base, operator.base))
    if test is None:  # dates and IP ranges: not used by the project's policies
        return False
    matched = any(test(context[clause.key_lower], wanted) for wanted in clause.values)
    return not matched if negated else matched
