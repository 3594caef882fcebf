"""Creates the local resources from the Terraform-derived definitions (see ``definitions``).

Buckets with their policies, the prompts uploaded from infra/prompts/ with the content type
PlayAudio requires, the call records table (key ``transaction_id``, TTL on ``expires_at``), the
notification topic with a local inbox queue subscribed (so the demo can show the notification
text), the dead-letter queue, and (for a scenario with ``owners:``) the owner directory.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from callrec.local.definitions import PROMPTS_DIR, Definitions, owner_table_names
from callrec.local.owner_tables import create_owner_tables, seed
from chalicelib.call_records import OWNER_INDEX
from chalicelib.owners.model import Owner


@dataclass(frozen=True)
class Provisioned:
    table_name: str
    topic_arn: str
    inbox_url: str
    dead_letter_url: str
    prompts: tuple[str, ...]


# S3 Block Public Access with all four settings on, as the bucket modules set it.
BLOCK_ALL_PUBLIC_ACCESS: dict[str, bool] = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}


def provision(definitions: Definitions, client: Any) -> Provisioned:
    """Create everything in moto; ``client(service)`` returns a boto3 client for the stack."""
    s3 = client("s3")
    for bucket, policy in (
        (definitions.recordings_bucket, definitions.recordings_policy),
        (definitions.prompts_bucket, definitions.prompts_policy),
    ):
        s3.create_bucket(Bucket=bucket)
        s3.put_public_access_block(
            Bucket=bucket, PublicAccessBlockConfiguration=BLOCK_ALL_PUBLIC_ACCESS
        )
        s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(moto_compatible(policy)))
    prompts = []
    for path in sorted(PROMPTS_DIR.glob("*.wav")):
        s3.put_object(
            Bucket=definitions.prompts_bucket,
            Key=path.name,
            Body=path.read_bytes(),
            ContentType="audio/wav",
        )
        prompts.append(path.name)
    dynamodb = client("dynamodb")
    create_call_records_table(dynamodb, definitions.table_name)
    dynamodb.update_time_to_live(
        TableName=definitions.table_name,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"},
    )
    sqs = client("sqs")
    dead_letter_url = sqs.create_queue(QueueName=definitions.dead_letter_queue)["QueueUrl"]
    inbox_url = sqs.create_queue(QueueName="local-notification-inbox")["QueueUrl"]
    inbox_arn = sqs.get_queue_attributes(QueueUrl=inbox_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    sns = client("sns")
    topic_arn = sns.create_topic(Name=definitions.topic_name)["TopicArn"]
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=inbox_arn)
    return Provisioned(
        table_name=definitions.table_name,
        topic_arn=topic_arn,
        inbox_url=inbox_url,
        dead_letter_url=dead_letter_url,
        prompts=tuple(prompts),
    )


def moto_compatible(policy: dict[str, Any]) -> dict[str, Any]:
    """``policy`` without its TLS-only Deny, which moto would misapply to every request.

    moto enforces a bucket policy's Deny statements but ignores their conditions, so the
    ``aws:SecureTransport = false`` guard would deny all (plain-HTTP, loopback) requests. Such a
    statement never applies to the Chime principal, which always uses TLS, so dropping it changes
    no decision the local Chime takes; every other statement is stored exactly as rendered.
    """
    statements = [
        statement
        for statement in policy.get("Statement", [])
        if not (
            statement.get("Effect") == "Deny"
            and "aws:SecureTransport" in json.dumps(statement.get("Condition", {}))
        )
    ]
    return {**policy, "Statement": statements}


def app_environment(definitions: Definitions, provisioned: Provisioned) -> dict[str, str]:
    """The environment the Lambda functions get from Terraform/Chalice on AWS."""
    return {
        "CALL_RECORDS_TABLE": provisioned.table_name,
        "RECORDINGS_BUCKET": definitions.recordings_bucket,
        "RECORDINGS_PREFIX": definitions.recordings_prefix,
        "TRANSCRIPTS_PREFIX": definitions.transcripts_prefix,
        "REPORTS_PREFIX": definitions.reports_prefix,
        "PROMPTS_BUCKET": definitions.prompts_bucket,
        "NOTIFICATION_TOPIC_ARN": provisioned.topic_arn,
        "TRANSCRIBE_DATA_ACCESS_ROLE_ARN": (
            f"arn:aws:iam::{definitions.account_id}:role/{definitions.transcribe_role_name}"
        ),
        "TRANSCRIBE_LANGUAGE_CODE": "en-US",
        # Owner security events go to the local EventBridge (moto), as Terraform's default does.
        "SECURITY_EVENT_BUS": "default",
    }


def provision_owners(client: Any, owners: Sequence[Owner]) -> dict[str, str]:
    """Create the owner directory and usage tables, write ``owners`` into the directory, and
    return the environment the SMA handler gets from Terraform for them."""
    env = owner_environment()
    create_owner_tables(client("dynamodb"), env["OWNER_DIRECTORY_TABLE"], env["OWNER_USAGE_TABLE"])
    seed(env["OWNER_DIRECTORY_TABLE"], owners)
    return env


def owner_environment() -> dict[str, str]:
    """The owner directory's part of the environment Terraform gives the SMA handler."""
    directory_table, usage_table = owner_table_names()
    return {"OWNER_DIRECTORY_TABLE": directory_table, "OWNER_USAGE_TABLE": usage_table}


def create_call_records_table(dynamodb: Any, name: str) -> None:
    """The call records table as infra/modules/call-analytics creates it: key transaction_id
    and the owner_id-started_at index (OWNER_INDEX) the console lists from."""
    dynamodb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "transaction_id", "KeyType": "HASH"}],
        AttributeDefinitions=[
            {"AttributeName": key, "AttributeType": "S"}
            for key in ("transaction_id", "owner_id", "started_at")
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": OWNER_INDEX,
                "KeySchema": [
                    {"AttributeName": "owner_id", "KeyType": "HASH"},
                    {"AttributeName": "started_at", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
