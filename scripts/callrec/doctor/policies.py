"""Would a resource policy admit a given service principal's request? (Lambda, S3, SQS policies.)

Evaluated with the same evaluator the offline stack uses for the Chime principal
(``callrec.local.bucket_policy``): explicit Deny wins, else a matching Allow grants. IAM treats
condition key names case-insensitively (Lambda writes ``AWS:SourceArn``, bucket policies
``aws:SourceArn``); the evaluator compares them in lower case. This is the resource
policy alone: identity policies, SCPs and KMS key policies of the caller are not seen here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from callrec.audit.evaluation import service_context
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
        # Every request of a service principal names it (the auditor's and local Chime's too).
        context={**service_context(principal), **context},
    )
    return evaluate(document, request)


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
    """The keys a service principal's request adds when it acts for ``source_arn`` (``decide``
    adds those every request of the service carries)."""
    context = {"aws:SourceAccount": account}
    if source_arn:
        context["aws:SourceArn"] = source_arn
    return context
