"""How S3 judges a request from the Chime service principal against a bucket policy.

moto stores bucket policies but does not enforce them, so the local Chime evaluates the policy
itself before it reads a prompt or writes a recording, with the request context the real
service principal carries: ``aws:SourceAccount``, ``aws:SourceArn`` (the SIP media application)
and ``aws:SecureTransport`` true. Evaluation follows IAM's rules for resource policies: an
explicit Deny wins, otherwise a matching Allow grants, otherwise the request is implicitly
denied. Supported: Principal/NotPrincipal (Service, AWS, "*"), Action/NotAction,
Resource/NotResource with wildcards, and the condition operators the project's policies use
(String*, Arn*, Bool, Null, with ...IfExists).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

CHIME_PRINCIPAL = "voiceconnector.chime.amazonaws.com"


class Decision(StrEnum):
    ALLOW = "allow"
    EXPLICIT_DENY = "explicit-deny"
    IMPLICIT_DENY = "implicit-deny"


@dataclass(frozen=True)
class Request:
    action: str  # e.g. s3:PutObject
    resource: str  # arn:aws:s3:::bucket/key
    service_principal: str
    context: Mapping[str, str]


def chime_request(action: str, bucket: str, key: str, account_id: str, sma_arn: str) -> Request:
    return Request(
        action=action,
        resource=f"arn:aws:s3:::{bucket}/{key}",
        service_principal=CHIME_PRINCIPAL,
        context={
            "aws:SourceAccount": account_id,
            "aws:SourceArn": sma_arn,
            "aws:SecureTransport": "true",
            "aws:PrincipalServiceName": CHIME_PRINCIPAL,
        },
    )


def evaluate(policy: Mapping[str, Any] | None, request: Request) -> Decision:
    allowed = False
    for statement in _list((policy or {}).get("Statement")):
        if not isinstance(statement, Mapping) or not _applies(statement, request):
            continue
        if statement.get("Effect") == "Deny":
            return Decision.EXPLICIT_DENY
        if statement.get("Effect") == "Allow":
            allowed = True
    return Decision.ALLOW if allowed else Decision.IMPLICIT_DENY


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _applies(statement: Mapping[str, Any], request: Request) -> bool:
    if "Principal" in statement and not _principal(statement["Principal"], request):
        return False
    if "NotPrincipal" in statement and _principal(statement["NotPrincipal"], request):
        return False
    if "Action" in statement and not _matches_any(statement["Action"], request.action, True):
        return False
    if "NotAction" in statement and _matches_any(statement["NotAction"], request.action, True):
        return False
    if "Resource" in statement and not _matches_any(statement["Resource"], request.resource):
        return False
    if "NotResource" in statement and _matches_any(statement["NotResource"], request.resource):
        return False
    return _conditions(statement.get("Condition") or {}, request.context)


def _principal(principal: Any, request: Request) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, Mapping):
        return False
    if "*" in _list(principal.get("AWS")):
        return True
    return request.service_principal in _list(principal.get("Service"))


def _matches_any(patterns: Any, value: str, case_insensitive: bool = False) -> bool:
    for pattern in _list(patterns):
        text, candidate = (str(pattern), value)
        if case_insensitive:
            text, candidate = text.lower(), candidate.lower()
        if fnmatch.fnmatchcase(candidate, text.replace("[", "[[]")):
            return True
    return False


def _conditions(block: Mapping[str, Any], context: Mapping[str, str]) -> bool:
    return all(
        _condition(str(operator), str(key), _list(values), context)
        for operator, clauses in block.items()
        for key, values in (clauses or {}).items()
    )


def _condition(operator: str, key: str, values: list[Any], context: Mapping[str, str]) -> bool:
    if operator == "Null":
        present = key in context
        return any(str(v).lower() == ("false" if present else "true") for v in values)
    if_exists = operator.endswith("IfExists")
    base = operator.removesuffix("IfExists")
    if key not in context:
        return if_exists or base.startswith(("StringNot", "ArnNot"))
    actual = context[key]
    wanted = [str(v) for v in values]
    tests = {
        "StringEquals": lambda: actual in wanted,
        "StringNotEquals": lambda: actual not in wanted,
        "StringEqualsIgnoreCase": lambda: actual.lower() in [w.lower() for w in wanted],
        "StringNotEqualsIgnoreCase": lambda: actual.lower() not in [w.lower() for w in wanted],
        "StringLike": lambda: _matches_any(wanted, actual),
        "StringNotLike": lambda: not _matches_any(wanted, actual),
        "ArnEquals": lambda: actual in wanted,
        "ArnLike": lambda: _matches_any(wanted, actual),
        "ArnNotEquals": lambda: actual not in wanted,
        "ArnNotLike": lambda: not _matches_any(wanted, actual),
        "Bool": lambda: actual.lower() in [w.lower() for w in wanted],
    }
    test = tests.get(base)
    return bool(test()) if test else False  # an unknown operator never grants
