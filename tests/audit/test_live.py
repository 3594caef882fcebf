"""Live-bucket audits through boto3, against moto."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from moto import mock_aws

from tests.audit.buckets import harden
from tests.audit.conftest import AuditRun

SMA = "arn:aws:chime:us-east-1:123456789012:sma/0b1f7c5e-2f0a-4a52-9d0a-1b2c3d4e5f60"
MOTO_ACCOUNT = "123456789012"


@pytest.fixture
def aws() -> Iterator[None]:
    with mock_aws():
        yield


def _s3() -> Any:
    import boto3

    return boto3.client("s3", region_name="us-east-1")


def _chime_statement(bucket: str) -> dict[str, Any]:
    return {
        "Sid": "ChimeWrite",
        "Effect": "Allow",
        "Principal": {"Service": "voiceconnector.chime.amazonaws.com"},
        "Action": ["s3:PutObject", "s3:PutObjectAcl"],
        "Resource": f"arn:aws:s3:::{bucket}/recordings/*",
        "Condition": {
            "StringEquals": {"aws:SourceAccount": MOTO_ACCOUNT},
            "ArnEquals": {"aws:SourceArn": SMA},
        },
    }


def _tls_statement(bucket: str) -> dict[str, Any]:
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def _harden(bucket: str, *, kms_key: str | None = None) -> None:
    s3 = _s3()
    harden(s3, bucket, kms_key=kms_key)
    s3.put_bucket_policy(
        Bucket=bucket,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [_chime_statement(bucket), _tls_statement(bucket)],
            }
        ),
    )


def _create(bucket: str) -> None:
    _s3().create_bucket(Bucket=bucket)


def test_hardened_bucket_has_no_findings(aws: None, run_audit: Callable[..., AuditRun]) -> None:
    _create("recs")
    _harden("recs")
    run = run_audit("--bucket", "recs", "--format", "json", "--fail-on", "info")
    assert run.report["findings"] == []
    assert run.code == 0


def test_bare_bucket_reports_each_missing_control(
    aws: None, run_audit: Callable[..., AuditRun]
) -> None:
    _create("bare")
    run = run_audit("--bucket", "bare", "--format", "json")
    assert {"CR030", "CR031", "CR036", "CR037"} <= run.rules
    assert run.code == 1


def test_public_policy_is_critical(aws: None, run_audit: Callable[..., AuditRun]) -> None:
    _create("leaky")
    _harden("leaky")
    public = {
        "Sid": "Public",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::leaky/*",
    }
    s3 = _s3()
    s3.delete_public_access_block(Bucket="leaky")
    s3.put_bucket_policy(
        Bucket="leaky",
        Policy=json.dumps(
            {"Version": "2012-10-17", "Statement": [public, _tls_statement("leaky")]}
        ),
    )
    run = run_audit("--bucket", "leaky", "--format", "json")
    assert {"CR020", "CR031"} <= run.rules


def test_unconfined_chime_grant_is_found_live(
    aws: None, run_audit: Callable[..., AuditRun]
) -> None:
    _create("deputy")
    _harden("deputy")
    statement = _chime_statement("deputy")
    del statement["Condition"]
    _s3().put_bucket_policy(
        Bucket="deputy",
        Policy=json.dumps(
            {"Version": "2012-10-17", "Statement": [statement, _tls_statement("deputy")]}
        ),
    )
    run = run_audit("--bucket", "deputy", "--format", "json")
    assert {"CR001", "CR002"} <= run.rules


def test_public_acl_grant_is_found(aws: None, run_audit: Callable[..., AuditRun]) -> None:
    _create("acl")
    _harden("acl")
    s3 = _s3()
    s3.put_bucket_ownership_controls(
        Bucket="acl", OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]}
    )
    s3.delete_public_access_block(Bucket="acl")
    s3.put_bucket_acl(Bucket="acl", ACL="public-read")
    run = run_audit("--bucket", "acl", "--format", "json")
    assert {"CR034", "CR035"} <= run.rules


def test_kms_key_that_does_not_admit_chime_is_found(
    aws: None, run_audit: Callable[..., AuditRun]
) -> None:
    import boto3

    key = boto3.client("kms", region_name="us-east-1").create_key()["KeyMetadata"]["Arn"]
    _create("sealed")
    _harden("sealed", kms_key=key)
    run = run_audit("--bucket", "sealed", "--format", "json")
    assert "CR033" in run.rules


def test_kms_key_that_admits_chime_passes(aws: None, run_audit: Callable[..., AuditRun]) -> None:
    import boto3

    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Account",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{MOTO_ACCOUNT}:root"},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Sid": "ChimeDataKeys",
                "Effect": "Allow",
                "Principal": {"Service": "voiceconnector.chime.amazonaws.com"},
                "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
                "Resource": "*",
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": MOTO_ACCOUNT},
                    "ArnEquals": {"aws:SourceArn": SMA},
                },
            },
        ],
    }
    kms = boto3.client("kms", region_name="us-east-1")
    key = kms.create_key(Policy=json.dumps(policy))["KeyMetadata"]["KeyId"]
    _create("keyed")
    _harden("keyed", kms_key=key)
    run = run_audit("--bucket", "keyed", "--format", "json", "--fail-on", "info")
    assert run.report["findings"] == []


def test_all_buckets_audits_every_bucket(aws: None, run_audit: Callable[..., AuditRun]) -> None:
    for name in ("one", "two"):
        _create(name)
        _harden(name)
    run = run_audit("--all-buckets", "--format", "json")
    assert run.report["resources"] == ["s3://one", "s3://two"]
    assert run.code == 0


def test_owner_account_comes_from_sts(aws: None, run_audit: Callable[..., AuditRun]) -> None:
    _create("shared")
    _harden("shared")
    partner = {
        "Sid": "Partner",
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::999988887777:root"},
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::shared/reports/*",
    }
    _s3().put_bucket_policy(
        Bucket="shared",
        Policy=json.dumps(
            {"Version": "2012-10-17", "Statement": [partner, _tls_statement("shared")]}
        ),
    )
    assert "CR040" in run_audit("--bucket", "shared", "--format", "json").rules
    allowed = run_audit("--bucket", "shared", "--format", "json", "--allow-account", "999988887777")
    assert "CR040" not in allowed.rules


def test_missing_bucket_is_an_input_error(aws: None, run_audit: Callable[..., AuditRun]) -> None:
    run = run_audit("--bucket", "no-such-bucket")
    assert run.code == 2
    assert "does not exist" in run.err


def test_audit_reaches_a_moto_server_through_the_endpoint_variable(
    run_audit: Callable[..., AuditRun], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same code path as against AWS: only AWS_ENDPOINT_URL_S3/STS/KMS point elsewhere."""
    import boto3
    from moto.server import ThreadedMotoServer

    from chalicelib import aws as clients

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        for service in ("S3", "STS", "KMS"):
            monkeypatch.setenv(f"AWS_ENDPOINT_URL_{service}", endpoint)
        clients.reset_clients()
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="served")
        run = run_audit("--bucket", "served", "--format", "json")
        assert run.report["resources"] == ["s3://served"]
        assert {"CR030", "CR031"} <= run.rules
    finally:
        server.stop()
        clients.reset_clients()
