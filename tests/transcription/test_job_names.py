from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.transcription.jobs import JOB_NAME_MAX, job_name

NAME_RULE = re.compile(r"^[0-9a-zA-Z._-]+$")


def test_same_object_same_name() -> None:
    assert job_name("b", "recordings/x.wav") == job_name("b", "recordings/x.wav")


def test_different_objects_different_names() -> None:
    assert job_name("b", "recordings/x.wav") != job_name("b", "recordings/y/x.wav")
    assert job_name("b", "recordings/x.wav") != job_name("c", "recordings/x.wav")


@given(st.text(min_size=1, max_size=1024), st.text(max_size=1024))
def test_any_key_and_version_give_a_valid_transcribe_job_name(key: str, version: str) -> None:
    """S3 keys are up to 1,024 bytes; the version id only feeds the digest."""
    name = job_name("callrec-recordings", key, version)
    assert NAME_RULE.fullmatch(name)
    assert 1 <= len(name) <= JOB_NAME_MAX
    assert name.startswith("callrec-")


def test_each_version_of_an_object_is_its_own_job() -> None:
    """Idempotency belongs to the object (bucket, key, version), not to the call."""
    plain = job_name("b", "recordings/x.wav")
    assert job_name("b", "recordings/x.wav", "v1") != job_name("b", "recordings/x.wav", "v2")
    assert job_name("b", "recordings/x.wav", "v1") != plain
    assert job_name("b", "recordings/x.wav", "") == plain  # unversioned names unchanged
