"""How S3 judges a request from the Chime service principal against a bucket policy.

moto stores bucket policies but does not enforce them, so the local Chime evaluates the policy
itself before it reads a prompt or writes a recording, with the request context the real
service principal carries (``callrec.audit.evaluation.service_request``: ``aws:SourceAccount``,
``aws:SourceArn`` = the SIP media application, and the keys of every service principal's call,
the same request the auditor's CR012 tests). The judgement is the auditor's own evaluator
(``callrec.audit.evaluation``): one reading of IAM's rules (explicit Deny wins, then a matching
Allow, else implicit deny; condition keys case-insensitive) serves both.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from callrec.audit.evaluation import Decision, Request, service_request
from callrec.audit.evaluation import evaluate as evaluate_policy
from callrec.audit.policy import parse_policy
from callrec.audit.principals import VOICE_CONNECTOR_PRINCIPAL

CHIME_PRINCIPAL = VOICE_CONNECTOR_PRINCIPAL

__all__ = ["CHIME_PRINCIPAL", "Decision", "Request", "chime_request", "evaluate"]


def chime_request(action: str, bucket: str, key: str, account_id: str, sma_arn: str) -> Request:
    return service_request(
        action,
        f"arn:aws:s3:::{bucket}/{key}",
        CHIME_PRINCIPAL,
        source_account=account_id,
        source_arn=sma_arn,
    )


def evaluate(policy: Mapping[str, Any] | None, request: Request) -> Decision:
    """The decision for ``request`` under the bucket policy (None: no policy, implicit deny)."""
    if policy is None:
        return Decision.IMPLICIT_DENY
    return evaluate_policy(parse_policy(dict(policy), resource_policy=True), request)
