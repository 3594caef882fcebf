"""Turn the URIs Transcribe reports (``s3://`` or HTTPS, path or virtual-hosted) into parts."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from chalicelib.errors import TranscriptError


def split_s3_uri(uri: str) -> tuple[str, str]:
    """``(bucket, key)`` of ``uri``.

    Accepts ``s3://bucket/key``, path-style ``https://s3.<region>.amazonaws.com/bucket/key``
    (what GetTranscriptionJob returns) and any other endpoint (``http://127.0.0.1:port/bucket/key``),
    and virtual-hosted ``https://bucket.s3.<region>.amazonaws.com/key``.
    """
    parts = urlsplit(uri)
    path = unquote(parts.path.lstrip("/"))
    host = parts.hostname or ""
    if parts.scheme == "s3":
        bucket, key = parts.netloc, path
    elif parts.scheme in {"http", "https"}:
        marker = host.find(".s3.") if ".s3." in host else host.find(".s3-")
        if marker > 0:
            bucket, key = host[:marker], path
        else:
            bucket, _, key = path.partition("/")
    else:
        bucket, key = "", ""
    if not bucket or not key:
        raise TranscriptError(
            f"cannot tell the bucket and key of {uri!r}",
            hint="expected s3://bucket/key or an S3 HTTPS URL",
        )
    return bucket, key
