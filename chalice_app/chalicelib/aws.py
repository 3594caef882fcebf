"""Lazily created, cached AWS clients, and how this app reads AWS failures.

Clients come from one botocore session, created on first use: the SMA handler's cold start pays
for botocore only when it writes a call record, and never for boto3 itself (boto3's session adds
S3 transfer helpers and resource classes, which nothing here uses, and its import costs a
Lambda cold start tens of milliseconds). The session reads what boto3's would: credentials,
Region and profile from the standard variables and files, and endpoints from the standard
AWS_ENDPOINT_URL_<SERVICE> variables, which is how the offline stack and moto are reached
without any local-only branch here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from chalicelib.errors import TransientAwsError

T = TypeVar("T")

_clients: dict[tuple[str, str | None], Any] = {}
_sessions: list[Any] = []  # the botocore session, once created
_lock = threading.Lock()


def client(service: str, *, signature_version: str | None = None) -> Any:
    """Return the process-wide client for ``service``, creating it on first use.

    ``signature_version`` (e.g. ``s3v4`` for presigned S3 URLs) gets a client of its own.
    """
    with _lock:
        existing = _clients.get((service, signature_version))
        if existing is None:
            config = None
            if signature_version is not None:
                from botocore.config import Config

                config = Config(signature_version=signature_version)
            existing = _session().create_client(service, config=config)
            _clients[(service, signature_version)] = existing
        return existing


def _session() -> Any:
    if not _sessions:
        import botocore.session  # deferred: keeps botocore off the SMA handler's cold path

        _sessions.append(botocore.session.get_session())
    return _sessions[0]


def reset_session() -> None:
    """Forget the session but keep the clients made from it: the next new client reads
    credentials, Region and profile afresh (what ``boto3.DEFAULT_SESSION = None`` did when the
    clients came from boto3; the CLI's --profile/--region call this)."""
    with _lock:
        _sessions.clear()


def reset_clients() -> None:
    """Forget every cached client and the session (tests and the local stack call this when
    endpoints or credentials change)."""
    with _lock:
        _clients.clear()
        _sessions.clear()


# --- failures: transient (retry via Lambda) or permanent (record and stop) ----------------------
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


# What S3 answers for an object that does not exist (HeadObject has no body, so only "404").
OBJECT_MISSING_CODES = frozenset({"404", "NoSuchKey", "NotFound"})


def error_code(error: BaseException | None) -> str:
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


def read_object(
    bucket: str, key: str, *, first_bytes: int | None = None, offset: int = 0
) -> bytes | None:
    """The object's bytes (only ``first_bytes`` of them from ``offset`` when given); None when it
    is missing. A range past the end reads as empty (S3 answers InvalidRange)."""
    from botocore.exceptions import ClientError

    params: dict[str, Any] = {"Bucket": bucket, "Key": key}
    if first_bytes is not None:
        params["Range"] = f"bytes={offset}-{offset + first_bytes - 1}"
    try:
        response = call(f"S3 GetObject s3://{bucket}/{key}", client("s3").get_object, **params)
    except ClientError as error:
        if error_code(error) in OBJECT_MISSING_CODES:
            return None
        if error_code(error) == "InvalidRange":
            return b""
        raise
    body: bytes = response["Body"].read()
    return body
