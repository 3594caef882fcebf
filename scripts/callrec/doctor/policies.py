"""Would a resource policy admit a given service principal's request? (Lambda, S3, SQS policies.)

Evaluated with the same evaluator the offline stack uses for the Chime principal
(``callrec.local.bucket_policy``): explicit Deny wins, else a matching Allow grants. IAM treats
condition key names case-insensitively (Lambda writes ``AWS:SourceArn``, bucket policies
``aws:SourceArn``), so keys are compared in lower case on both sides. This is the resource
policy alone: identity policies, SCPs and KMS key policies of the caller are not seen here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from callrec.local.bucket_policy import Decision, Request, evaluate


def decide(
    policy: Mapping[str, Any] | str | None,
    *,
    action: str,
    resource: str,
    principal: str,
    context: Mapping[str, str],
) -> Decision:
    document = json.loads(policy) if isinstance(policy, str) else policy
    request = Request(
        action=action,
        resource=resource,
        service_principal=principal,
        context={key.lower(): value for key, value in context.items()},
    )
    return evaluate(_lower_condition_keys(document or {}), request)


def invoke_decision(
    policy: Mapping[str, Any] | str | None,
    function: str,
    principal: str,
    account: str,
    source_arn: str,
) -> Decision:
    """May ``principal``, acting for ``source_arn`` in ``account``, invoke ``function``?"""
    return decide(
        policy,
        action="lambda:InvokeFunction",
        resource=function,
        principal=principal,
        context=source_context(account, source_arn),
    )


def source_context(account: str, source_arn: str | None = None) -> dict[str, str]:
    """The request context a service principal carries when it acts for ``source_arn``."""
    context = {"aws:SourceAccount": account, "aws:SecureTransport": "true"}
    if source_arn:
        context["aws:SourceArn"] = source_arn
    return context


def _lower_condition_keys(policy: Mapping[str, Any]) -> dict[str, Any]:
    statements = policy.get("Statement") or []
    if isinstance(statements, Mapping):
        statements = [statements]
    return {**policy, "Statement": [_lower_statement(s) for s in statements]}


def _lower_statement(statement: Any) -> Any:
    if not isinstance(statement, Mapping) or not isinstance(statement.get("Condition"), Mapping):
        return statement
    condition = {
        operator: {str(key).lower(): values for key, values in (clauses or {}).items()}
        for operator, clauses in statement["Condition"].items()
    }
    return {**statement, "Condition": condition}
