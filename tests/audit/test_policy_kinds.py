"""A policy file is judged as what it is: a bucket policy, another service's resource policy,
a trust policy, a key policy or an IAM identity policy (never a Lambda or Lex policy as a
bucket policy)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from callrec.audit.sources.policy_file import read_policy_file
from callrec.audit.targets import PolicyKind
from tests.audit.conftest import POLICIES

SMA = "arn:aws:chime:us-east-1:111122223333:sma/0b1f7c5e-2f0a-4a52-9d0a-1b2c3d4e5f60"


def _kind(path: Path) -> PolicyKind:
    (target,) = read_policy_file(path).policies
    return target.kind


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("clean/recordings-bucket.json", PolicyKind.BUCKET),
        ("clean/lambda-permission-for-the-sma.json", PolicyKind.RESOURCE),
        ("clean/lex-bot-policy-for-the-sma.json", PolicyKind.RESOURCE),
        ("clean/function-role.json", PolicyKind.IDENTITY),
        ("CR001/bad-trust-policy-without-conditions.json", PolicyKind.TRUST),
    ],
)
def test_policy_file_is_recognised_for_what_it_is(name: str, kind: PolicyKind) -> None:
    assert _kind(POLICIES / name) is kind


def test_cli_get_policy_output_is_unwrapped(tmp_path: Path) -> None:
    inner = (POLICIES / "clean" / "lambda-permission-for-the-sma.json").read_text()
    wrapped = tmp_path / "get-policy.json"
    wrapped.write_text(json.dumps({"Policy": json.dumps(json.loads(inner)), "RevisionId": "r"}))
    (target,) = read_policy_file(wrapped).policies
    assert target.kind is PolicyKind.RESOURCE
    assert [s.sid for s in target.policy.statements] == ["ChimeInvoke"]
    assert target.policy.problems == ()
