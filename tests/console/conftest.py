"""A console deployment on moto: a Cognito user pool with real users and tokens, the call records
and access trail tables, the owner directory and a versioned recordings bucket.

moto runs in server mode on loopback (one server per session, reset before each test) because
the API fetches the pool's JWKS over HTTP, as on AWS: moto serves
``/<pool id>/.well-known/jwks.json`` and signs its tokens with the matching key.
"""

from __future__ import annotations

import functools
import itertools
import json
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from chalice.test import Client
from moto.server import ThreadedMotoServer

import app as chalice_app
from chalicelib import aws
from chalicelib.call_records import OWNER_INDEX, CallRecords
from chalicelib.console import auth, identity
from chalicelib.owners import directory
from tests.owners.conftest import owner

PASSWORD = "Correct-Horse-9-Battery"
SMA_ID = "5d7a2d35-2b56-4c1b-9a8e-6bc1f2e6b0aa"
ORIGIN = "https://console.example.org"
CALL_ID = "c0ffee00-0000-4000-8000-000000000001"


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@dataclass
class Console:
    """The deployment under test and the people who use it."""

    url: str
    pool_id: str
    client_id: str
    cognito: Any
    tokens: dict[str, str] = field(default_factory=dict)
    bucket: str = ""
    records_table: str = ""
    trail_table: str = ""
    directory_table: str = ""
    owners_added: int = 0

    def boto(self, service: str) -> Any:
        if service == "cognito-idp":
            return self.cognito
        return _boto(self.url, service)

    def add_user(self, username: str, group: str | None) -> str:
        """Create ``username`` (in ``group``) and sign them in; their access token."""
        cognito = self.boto("cognito-idp")
        cognito.admin_create_user(
            UserPoolId=self.pool_id, Username=username, MessageAction="SUPPRESS"
        )
        cognito.admin_set_user_password(
            UserPoolId=self.pool_id, Username=username, Password=PASSWORD, Permanent=True
        )
        if group:
            cognito.admin_add_user_to_group(
                UserPoolId=self.pool_id, Username=username, GroupName=group
            )
        result = cognito.initiate_auth(
            ClientId=self.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD},
        )["AuthenticationResult"]
        self.tokens[username] = result["AccessToken"]
        self.tokens[f"{username}:id"] = result["IdToken"]
        return str(result["AccessToken"])

    def add_owner(self, owner_id: str, username: str) -> None:
        """Give the console user ``username`` (an owner) the directory entry ``owner_id``: the
        item `callrec owners add` and Terraform's ``owners`` input write (each owner with their
        own SMA number)."""
        self.owners_added += 1
        entry = owner(
            owner_id,
            display_name=f"Owner {owner_id}",
            sma_number=f"+120655502{self.owners_added:02d}",
            console_username=username,
        )
        self.put_directory_item(entry.to_item())

    def put_directory_item(self, item: dict[str, Any]) -> None:
        self.boto("dynamodb").put_item(TableName=self.directory_table, Item=item)

    def headers(self, username: str) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self.tokens[username]}",
            "User-Agent": "pytest-console/1.0",
        }


@functools.cache
def _boto(url: str, service: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def _reset(url: str) -> None:
    request = urllib.request.Request(f"{url}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=10):
        pass


_deployments = itertools.count()


@pytest.fixture(scope="session")
def people(moto_url: str) -> Console:
    """The user pool and its people, made once per session (tokens are valid for an hour)."""
    _reset(moto_url)
    cognito = boto3.client(
        "cognito-idp",
        endpoint_url=moto_url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    pool_id = cognito.create_user_pool(PoolName="console")["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="console-web",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    for group in (identity.ADMINS_GROUP, identity.OWNERS_GROUP):
        cognito.create_group(UserPoolId=pool_id, GroupName=group)
    deployment = Console(url=moto_url, pool_id=pool_id, client_id=client_id, cognito=cognito)
    deployment.add_user("ada", identity.ADMINS_GROUP)
    deployment.add_user("olive", identity.OWNERS_GROUP)
    deployment.add_user("otto", identity.OWNERS_GROUP)
    deployment.add_user("nobody", None)
    return deployment


@pytest.fixture
def console(
    people: Console, aws_isolation: None, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Console]:
    """Fresh tables and bucket (names unique to the test) for the session's people."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", people.url)
    aws.reset_clients()
    auth.reset_keys()
    identity.forget_owner_ids()
    suffix = next(_deployments)
    deployment = replace(
        people,
        bucket=f"console-recordings-{suffix}",
        records_table=f"console-call-records-{suffix}",
        trail_table=f"console-access-trail-{suffix}",
        directory_table=f"console-owner-directory-{suffix}",
    )
    _provision(deployment)
    environment = {
        auth.POOL_ENV: deployment.pool_id,
        auth.CLIENT_ENV: deployment.client_id,
        "CALL_RECORDS_TABLE": deployment.records_table,
        "ACCESS_TRAIL_TABLE": deployment.trail_table,
        identity.DIRECTORY_ENV: deployment.directory_table,
        "SIP_MEDIA_APPLICATION_ID": SMA_ID,
        "CONSOLE_ORIGIN": ORIGIN,
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    deployment.add_owner("owner-a", "olive")
    deployment.add_owner("owner-b", "otto")
    yield deployment
    aws.reset_clients()
    auth.reset_keys()
    identity.forget_owner_ids()


@pytest.fixture
def http(console: Console) -> Iterator[Any]:
    with Client(chalice_app.app) as client:
        yield client.http


def _provision(deployment: Console) -> None:
    dynamodb = deployment.boto("dynamodb")
    _table(
        dynamodb,
        deployment.records_table,
        "transaction_id",
        None,
        (OWNER_INDEX, "owner_id", "started_at"),
    )
    _table(dynamodb, deployment.trail_table, "trail", "at_id", None)
    _table(
        dynamodb,
        deployment.directory_table,
        "owner_id",
        None,
        (directory.CONSOLE_USERNAME_INDEX, "console_username", None),
    )
    deployment.boto("s3").create_bucket(Bucket=deployment.bucket, ObjectLockEnabledForBucket=True)


def _table(
    dynamodb: Any,
    name: str,
    hash_key: str,
    range_key: str | None,
    index: tuple[str, str, str | None] | None,
) -> None:
    keys = [{"AttributeName": hash_key, "KeyType": "HASH"}]
    if range_key:
        keys.append({"AttributeName": range_key, "KeyType": "RANGE"})
    attributes = {hash_key, *([range_key] if range_key else [])}
    params: dict[str, Any] = {}
    if index:
        index_name, index_hash, index_range = index
        index_keys = [{"AttributeName": index_hash, "KeyType": "HASH"}]
        attributes.add(index_hash)
        if index_range:
            index_keys.append({"AttributeName": index_range, "KeyType": "RANGE"})
            attributes.add(index_range)
        params["GlobalSecondaryIndexes"] = [
            {
                "IndexName": index_name,
                "KeySchema": index_keys,
                "Projection": {"ProjectionType": "ALL"},
            }
        ]
    dynamodb.create_table(
        TableName=name,
        KeySchema=keys,
        AttributeDefinitions=[
            {"AttributeName": a, "AttributeType": "S"} for a in sorted(attributes)
        ],
        BillingMode="PAY_PER_REQUEST",
        **params,
    )


# --- calls ----------------------------------------------------------------------------------------
def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def ago(**delta: float) -> str:
    return iso(datetime.now(UTC) - timedelta(**delta))


def recording_key(transaction_id: str, started: str) -> str:
    moment = datetime.fromisoformat(started.replace("Z", "+00:00"))
    stamp = moment.strftime("%Y-%m-%d-%H-%M-%S-") + f"{moment.microsecond // 1000:03d}"
    return f"recordings/{moment:%Y/%m/%d}/{stamp}_{transaction_id}_{CALL_ID}.wav"


def add_call(
    owner_id: str,
    transaction_id: str,
    *,
    started_at: str | None = None,
    ended: bool = True,
    **values: Any,
) -> dict[str, Any]:
    """Write a call record of ``owner_id`` (a finished outbound call unless told otherwise)."""
    started = started_at or ago(hours=1)
    record: dict[str, Any] = {
        "owner_id": owner_id,
        "direction": "outbound",
        "owner_number": "+12065550100",
        "other_number": "+14155550123",
        "sma_number": "+12065550199",
        "started_at": started,
        "recording_state": "stopped" if ended else "recording",
        "recording_events": [{"at": started, "state": "recording", "by": "auto"}],
    }
    if ended:
        record["ended_at"] = iso(
            datetime.fromisoformat(started.replace("Z", "+00:00")) + timedelta(minutes=2)
        )
    record.update(values)
    CallRecords().update(transaction_id, record)
    return {"transaction_id": transaction_id, **record}


def store_recording(console: Console, transaction_id: str, record: Mapping[str, Any]) -> str:
    """Put a recording object for the call and point its record at it; the key."""
    key = recording_key(transaction_id, str(record["started_at"]))
    console.boto("s3").put_object(
        Bucket=console.bucket, Key=key, Body=b"RIFF....WAVE", ContentType="audio/wav"
    )
    CallRecords().update(
        transaction_id,
        {
            "recording_bucket": console.bucket,
            "recording_key": key,
            "recording_media_type": "audio/wav",
        },
    )
    return key


def trail_entries(console: Console) -> list[dict[str, str]]:
    items = console.boto("dynamodb").scan(TableName=console.trail_table)["Items"]
    return [{k: v["S"] for k, v in item.items()} for item in items]


def body(response: Any) -> Any:
    return json.loads(response.body)
