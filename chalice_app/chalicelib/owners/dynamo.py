"""The one DynamoDB call wrapper of the owners package: a throttled or failing service becomes
TransientAwsError, any other failure StorageError."""

from __future__ import annotations

from typing import Any, Final

from chalicelib import aws
from chalicelib.errors import StorageError, TransientAwsError

CONDITION_FAILED: Final = "ConditionalCheckFailedException"


def call(table_name: str, env_name: str, operation: str, **params: Any) -> dict[str, Any]:
    """Run ``operation`` on the DynamoDB client.

    A failure :func:`aws.is_transient` calls transient (throttling, a 5xx, a botocore-side failure
    such as the network) is raised as TransientAwsError, which may succeed if asked again later;
    any other as StorageError.
    """
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        result: dict[str, Any] = getattr(aws.client("dynamodb"), operation)(**params)
    except (ClientError, BotoCoreError) as error:
        reason = aws.error_code(error) or error
        if aws.is_transient(error):
            raise TransientAwsError(
                f"DynamoDB {operation} on {table_name} failed transiently: {reason}",
                # aws.is_transient counts every botocore-side failure (no network, but also no
                # credentials or Region) as transient, so the hint names both kinds of cause.
                hint="try again shortly; if it persists, check the network, Region and "
                f"credentials ({env_name})",
            ) from error
        raise StorageError(
            f"DynamoDB {operation} on {table_name} failed: {reason}",
            hint=f"check the table exists and the role may use it ({env_name})",
        ) from error
    return result


def conditional(table_name: str, env_name: str, operation: str, **params: Any) -> bool:
    """Like :func:`call` for a conditional write: False when its condition did not hold."""
    try:
        call(table_name, env_name, operation, **params)
    except StorageError as error:
        if aws.error_code(error.__cause__) == CONDITION_FAILED:
            return False
        raise
    return True
