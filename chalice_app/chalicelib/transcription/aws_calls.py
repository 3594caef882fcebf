"""Classify AWS failures as transient (retry via Lambda) or permanent (record and stop)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from chalicelib.errors import TransientAwsError

T = TypeVar("T")

TRANSIENT_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "LimitExceededException",
        "ProvisionedThroughputExceededException",
        "InternalFailureException",
        "InternalFailure",
        "InternalError",
        "InternalServerError",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "SlowDown",
        "RequestTimeout",
        "RequestTimeoutException",
    }
)


def error_code(error: Exception) -> str:
    """The AWS error code of a botocore ClientError ('' for anything else)."""
    response = getattr(error, "response", None)
    if not isinstance(response, dict):
        return ""
    return str(response.get("Error", {}).get("Code", ""))


def http_status(error: Exception) -> int:
    response = getattr(error, "response", None)
    if not isinstance(response, dict):
        return 0
    return int(response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)


def is_transient(error: Exception) -> bool:
    """True for throttling, server-side and network failures: worth retrying later."""
    from botocore.exceptions import BotoCoreError, ClientError

    if isinstance(error, ClientError):
        return error_code(error) in TRANSIENT_CODES or http_status(error) >= 500
    return isinstance(error, BotoCoreError)


def call(what: str, operation: Callable[..., T], /, **params: Any) -> T:
    """Run one AWS call; a transient failure becomes TransientAwsError, others propagate as-is."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return operation(**params)
    except (ClientError, BotoCoreError) as error:
        if is_transient(error):
            raise TransientAwsError(
                f"{what} failed transiently: {error_code(error) or error}",
                hint="Lambda retries the event; after the retries it lands in the dead-letter "
                "queue, from which `callrec replay` re-drives it",
            ) from error
        raise
