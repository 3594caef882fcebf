"""``DELETE /calls/{id}`` and the legal hold of a call's objects.

A call lives in the recordings bucket (the recording, its transcript files, the Word report) and
in the call records table. Deletion removes every version of every one of those objects (and
their delete markers), then the record. Object Lock is checked first, for every version: a legal
hold, or a retention date not yet passed (GOVERNANCE or COMPLIANCE mode; this API never
bypasses governance), refuses the whole deletion with 409 before anything is deleted.

S3 rules relied on (Amazon S3 User Guide, "Locking objects with Object Lock" and "Deleting object
versions"): a version under legal hold or retention cannot be deleted by version id, while a
delete marker can; HeadObject with a version id reports ObjectLockMode,
ObjectLockRetainUntilDate and ObjectLockLegalHoldStatus when the caller may read them
(s3:GetObjectRetention, s3:GetObjectLegalHold); PutObjectLegalHold needs a bucket created with
Object Lock.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from chalicelib import aws
from chalicelib.call_records import CallRecords
from chalicelib.console import media
from chalicelib.console.errors import ConflictError, NotFoundError
from chalicelib.errors import RecordingKeyError
from chalicelib.recording_keys import parse_recording_key
from chalicelib.report.locations import split_s3_uri
from chalicelib.transcription.config import TranscriptionConfig
from chalicelib.transcription.jobs import output_folder

DELETE_BATCH = 1000  # DeleteObjects takes at most 1000 keys per request
NO_LOCK_CONFIGURATION = "ObjectLockConfigurationNotFoundError"


@dataclass(frozen=True)
class Version:
    bucket: str
    key: str
    version_id: str
    delete_marker: bool


def delete_call(record: Mapping[str, Any], records: CallRecords | None = None) -> dict[str, Any]:
    """Delete every object version of the call, then its record; 409 if Object Lock forbids it."""
    versions = list(_all_versions(call_objects(record)))
    for version in versions:
        _refuse_if_locked(version)
    for bucket, batch in _batches(versions):
        _delete_versions(bucket, batch)
    (records or CallRecords()).delete(str(record["transaction_id"]))
    return {"deleted": {"objects": len(versions), "record": True}}


def set_legal_hold(record: Mapping[str, Any], on: bool) -> dict[str, str]:
    """Set (``on``) or clear the legal hold of every version of every object of the call."""
    status = "ON" if on else "OFF"
    versions = [v for v in _all_versions(call_objects(record)) if not v.delete_marker]
    if not versions:
        raise NotFoundError("this call has no stored objects to hold", hint="nothing to do")
    for bucket in {v.bucket for v in versions}:
        _require_object_lock(bucket)
    s3 = aws.client("s3")
    for version in versions:
        aws.call(
            f"S3 PutObjectLegalHold s3://{version.bucket}/{version.key}",
            s3.put_object_legal_hold,
            Bucket=version.bucket,
            Key=version.key,
            VersionId=version.version_id,
            LegalHold={"Status": status},
        )
    return {"legal_hold": status}


def call_objects(record: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(bucket, key)`` of the recording, the transcripts and the report, each once."""
    bucket = str(record.get("recording_bucket") or "")
    found: list[tuple[str, str]] = []
    if bucket and record.get("recording_key"):
        found.append((bucket, str(record["recording_key"])))
    found.extend(_transcripts(record, bucket))
    if bucket and record.get("report_key"):
        found.append((bucket, str(record["report_key"])))
    return list(dict.fromkeys(found))


def _transcripts(record: Mapping[str, Any], bucket: str) -> list[tuple[str, str]]:
    """Where Transcribe says the transcripts are, and where this app asks it to write them (the
    job may be gone: Transcribe forgets jobs after 90 days)."""
    found: list[tuple[str, str]] = []
    with contextlib.suppress(NotFoundError):
        found = [split_s3_uri(uri) for uri in media.transcript_uris(record)]
    job = str(record.get("transcription_job") or "")
    if bucket and job and record.get("recording_key"):
        try:
            recording = parse_recording_key(str(record["recording_key"]))
        except RecordingKeyError:
            return found
        folder = output_folder(TranscriptionConfig.from_env(), recording)
        found.append((bucket, f"{folder}{job}.json"))
    return found


def _all_versions(objects: list[tuple[str, str]]) -> Iterator[Version]:
    s3 = aws.client("s3")
    for bucket, key in objects:
        params: dict[str, Any] = {"Bucket": bucket, "Prefix": key}
        while True:
            page = aws.call(
                f"S3 ListObjectVersions s3://{bucket}/{key}", s3.list_object_versions, **params
            )
            for kind, marker in (("Versions", False), ("DeleteMarkers", True)):
                for entry in page.get(kind, []):
                    if entry.get("Key") == key:
                        yield Version(bucket, key, str(entry.get("VersionId") or "null"), marker)
            if not page.get("IsTruncated"):
                break
            params["KeyMarker"] = page.get("NextKeyMarker")
            params["VersionIdMarker"] = page.get("NextVersionIdMarker")


def _refuse_if_locked(version: Version) -> None:
    if version.delete_marker:
        return  # delete markers carry no lock
    head = aws.call(
        f"S3 HeadObject s3://{version.bucket}/{version.key}",
        aws.client("s3").head_object,
        Bucket=version.bucket,
        Key=version.key,
        VersionId=version.version_id,
    )
    if head.get("ObjectLockLegalHoldStatus") == "ON":
        raise ConflictError(
            f"{version.key} is under a legal hold: nothing was deleted",
            hint="an admin must clear the legal hold first",
        )
    until = head.get("ObjectLockRetainUntilDate")
    if isinstance(until, datetime) and until > datetime.now(UTC):
        raise ConflictError(
            f"{version.key} is retained by Object Lock ({head.get('ObjectLockMode')}) until "
            f"{until.isoformat()}: nothing was deleted",
            hint="the call can be deleted once its retention period has passed",
        )


def _batches(versions: list[Version]) -> Iterator[tuple[str, list[Version]]]:
    for bucket in dict.fromkeys(v.bucket for v in versions):
        mine = [v for v in versions if v.bucket == bucket]
        for start in range(0, len(mine), DELETE_BATCH):
            yield bucket, mine[start : start + DELETE_BATCH]


def _delete_versions(bucket: str, versions: list[Version]) -> None:
    response = aws.call(
        f"S3 DeleteObjects s3://{bucket}",
        aws.client("s3").delete_objects,
        Bucket=bucket,
        Delete={
            "Objects": [{"Key": v.key, "VersionId": v.version_id} for v in versions],
            "Quiet": True,
        },
    )
    errors = response.get("Errors") or []
    if errors:
        first = errors[0]
        raise ConflictError(
            f"S3 refused to delete {first.get('Key')}: {first.get('Code')} "
            f"({len(errors)} of {len(versions)} versions kept)",
            hint="the call record is kept; retry once the cause is fixed",
        )


def _require_object_lock(bucket: str) -> None:
    from botocore.exceptions import ClientError

    try:
        response = aws.call(
            f"S3 GetObjectLockConfiguration {bucket}",
            aws.client("s3").get_object_lock_configuration,
            Bucket=bucket,
        )
    except ClientError as error:
        if aws.error_code(error) == NO_LOCK_CONFIGURATION:
            raise ConflictError(
                "the recordings bucket has no Object Lock: legal holds are not available",
                hint="create the bucket with object_lock_enabled = true",
            ) from error
        raise
    enabled = response.get("ObjectLockConfiguration", {}).get("ObjectLockEnabled")
    if enabled != "Enabled":
        raise ConflictError(
            "the recordings bucket has no Object Lock: legal holds are not available"
        )
