"""One request, start to finish: authenticate, authorize and act, trail it, answer in JSON.

Every route goes through :func:`serve`, so no route can skip the token check or the trail
entry. The trail entry is written before the answer leaves: when it cannot be written, the
answer is withheld (503) rather than given without a trace.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib.console import auth, identity, trail
from chalicelib.console.errors import ApiError
from chalicelib.errors import CallRecError, TransientAwsError

logger = logging.getLogger(__name__)

Reply = tuple[int, dict[str, Any]]
Work = Callable[[identity.Identity], Reply]


@dataclass(frozen=True)
class Caller:
    """What the trail records about where a request came from."""

    authorization: str | None
    source_ip: str
    user_agent: str

    @classmethod
    def from_request(cls, headers: Mapping[str, str], context: Mapping[str, Any]) -> Caller:
        lowered = {name.lower(): value for name, value in headers.items()}
        request_identity = context.get("identity") or {}
        return cls(
            authorization=lowered.get("authorization"),
            source_ip=str(request_identity.get("sourceIp") or ""),
            user_agent=str(lowered.get("user-agent") or request_identity.get("userAgent") or ""),
        )


def serve(caller: Caller, work: Work, action: str = "", transaction_id: str = "") -> Reply:
    """Answer one request; ``action`` names the trail entry ('' for requests not trailed)."""
    try:
        who = identity.resolve(auth.authenticate(caller.authorization))
    except ApiError as error:
        return error.status, error.body()
    except CallRecError as error:
        return _failure(error)
    status, body, outcome = _run(work, who)
    if not action:
        return status, body
    entry = trail.Entry(
        actor=who.username,
        action=action,
        transaction_id=transaction_id,
        source_ip=caller.source_ip,
        user_agent=caller.user_agent,
        outcome=outcome,
    )
    try:
        trail.write(entry)
    except CallRecError as error:
        logger.error("withholding the answer to %s by %s: %s", action, who.username, error)
        return 503, {
            "error": "unavailable",
            "message": "the access trail could not be written, so the answer is withheld; "
            "try again shortly",
        }
    return status, body


def _run(work: Work, who: identity.Identity) -> tuple[int, dict[str, Any], str]:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        status, body = work(who)
    except ApiError as error:
        return error.status, error.body(), error.code
    except (CallRecError, ClientError, BotoCoreError) as error:
        status, body = _failure(error)
        return status, body, "error"
    return status, body, "ok"


def _failure(error: Exception) -> Reply:
    """A fault on our side: logged in full, answered in one line without internals."""
    logger.error("console request failed: %s", error, exc_info=error)
    if isinstance(error, TransientAwsError):
        return 503, {"error": "unavailable", "message": "a service is busy; try again shortly"}
    return 500, {
        "error": "internal",
        "message": "the request failed on the server; an operator can find why in its logs",
    }
