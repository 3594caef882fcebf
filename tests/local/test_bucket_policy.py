"""The local Chime judges bucket policies as S3 would, on the policies rendered from Terraform."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from callrec.local import bucket_policy, definitions
from callrec.local.bucket_policy import Decision, chime_request, evaluate

ACCOUNT = "111122223333"
SMA = f"arn:aws:chime:us-east-1:{ACCOUNT}:sma/sma-demo-call"
OTHER_SMA = f"arn:aws:chime:us-east-1:{ACCOUNT}:sma/another-app"


@pytest.fixture(scope="module")
def defs() -> definitions.Definitions:
    return definitions.load(ACCOUNT, "us-east-1", "sma-demo-call")


def put(key: str, sma: str = SMA, account: str = ACCOUNT) -> bucket_policy.Request:
    return chime_request("s3:PutObject", definitions.RECORDINGS_BUCKET, key, account, sma)


def test_terraform_policy_admits_this_sma_under_the_recordings_prefix(
    defs: definitions.Definitions,
) -> None:
    assert evaluate(defs.recordings_policy, put("recordings/2026/01/01/x.wav")) is Decision.ALLOW


def test_terraform_policy_refuses_another_sma(defs: definitions.Definitions) -> None:
    decision = evaluate(defs.recordings_policy, put("recordings/x.wav", sma=OTHER_SMA))
    assert decision is Decision.IMPLICIT_DENY


def test_terraform_policy_refuses_another_account(defs: definitions.Definitions) -> None:
    decision = evaluate(defs.recordings_policy, put("recordings/x.wav", account="999999999999"))
    assert decision is Decision.IMPLICIT_DENY


def test_terraform_policy_refuses_keys_outside_the_recordings_prefix(
    defs: definitions.Definitions,
) -> None:
    assert evaluate(defs.recordings_policy, put("reports/x.docx")) is Decision.IMPLICIT_DENY


def test_prompts_policy_lets_chime_read_prompts(defs: definitions.Definitions) -> None:
    request = chime_request("s3:GetObject", definitions.PROMPTS_BUCKET, "consent.wav", ACCOUNT, SMA)
    assert evaluate(defs.prompts_policy, request) is Decision.ALLOW


def test_policy_for_another_sma_only_refuses_this_one() -> None:
    wrong = definitions.load(ACCOUNT, "us-east-1", "sma-demo-call", recording_writers=[OTHER_SMA])
    assert evaluate(wrong.recordings_policy, put("recordings/x.wav")) is Decision.IMPLICIT_DENY


def test_explicit_deny_wins_over_allow() -> None:
    policy = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": bucket_policy.CHIME_PRINCIPAL},
                "Action": "s3:*",
                "Resource": "*",
            },
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:PutObject",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
            },
        ]
    }
    assert evaluate(policy, put("recordings/x.wav")) is Decision.EXPLICIT_DENY


def test_tls_only_deny_does_not_apply_to_the_chime_principal(
    defs: definitions.Definitions,
) -> None:
    deny_only = {
        "Statement": [s for s in defs.recordings_policy["Statement"] if s["Effect"] == "Deny"]
    }
    assert deny_only["Statement"], "the Terraform policy keeps its TLS-only statement"
    assert evaluate(deny_only, put("recordings/x.wav")) is Decision.IMPLICIT_DENY


def test_if_exists_condition_passes_when_the_key_is_absent() -> None:
    policy = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": bucket_policy.CHIME_PRINCIPAL},
                "Action": "s3:PutObject",
                "Resource": "arn:aws:s3:::b/*",
                "Condition": {"StringEqualsIfExists": {"aws:SourceVpc": "vpc-1"}},
            }
        ]
    }
    request = chime_request("s3:PutObject", "b", "k", ACCOUNT, SMA)
    assert evaluate(policy, request) is Decision.ALLOW


def test_no_policy_is_an_implicit_deny() -> None:
    assert evaluate(None, put("recordings/x.wav")) is Decision.IMPLICIT_DENY


def _chime_write_policy(condition: dict[str, dict[str, str]]) -> dict[str, object]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "voiceconnector.chime.amazonaws.com"},
                "Action": ["s3:PutObject", "s3:PutObjectAcl"],
                "Resource": f"arn:aws:s3:::{definitions.RECORDINGS_BUCKET}/*",
                "Condition": condition,
            }
        ],
    }


def test_condition_keys_are_case_insensitive() -> None:
    # IAM User Guide, "IAM JSON policy elements: Condition": context key names are not
    # case-sensitive, so aws:sourceaccount and aws:SourceArn name the same keys as the request's.
    policy = _chime_write_policy(
        {"StringEquals": {"aws:sourceaccount": ACCOUNT, "AWS:SOURCEARN": SMA}}
    )
    assert evaluate(policy, put("recordings/x.wav")) is Decision.ALLOW


def test_condition_values_stay_case_sensitive_under_string_equals() -> None:
    policy = _chime_write_policy({"StringEquals": {"aws:sourcearn": SMA.upper()}})
    assert evaluate(policy, put("recordings/x.wav")) is Decision.IMPLICIT_DENY


def test_operator_names_are_case_sensitive() -> None:
    # IAM refuses "stringEquals" ("Invalid Condition type"): such a clause never grants.
    policy = _chime_write_policy({"stringEquals": {"aws:SourceAccount": ACCOUNT}})
    assert evaluate(policy, put("recordings/x.wav")) is Decision.IMPLICIT_DENY


def test_arn_like_matches_each_arn_part_on_its_own() -> None:
    pattern = f"arn:aws:chime:*:{ACCOUNT}:sma/*"
    policy = _chime_write_policy({"ArnLike": {"aws:SourceArn": pattern}})
    assert evaluate(policy, put("recordings/x.wav")) is Decision.ALLOW
    # A whole-string match would let the region's * run into the account part.
    other = f"arn:aws:chime:us-east-1:999999999999:x:{ACCOUNT}:sma/y"
    assert evaluate(policy, put("recordings/x.wav", sma=other)) is Decision.IMPLICIT_DENY


def test_the_local_judge_and_the_auditor_share_one_evaluator() -> None:
    from callrec.audit import evaluation

    assert bucket_policy.Decision is evaluation.Decision
    assert bucket_policy.Request is evaluation.Request


def test_for_any_value_is_false_when_the_key_is_absent() -> None:
    # IAM User Guide, multivalued context keys: ForAnyValue has no value to match when the key
    # is absent (ForAllValues is then true); the negated base operator does not change that.
    policy = _chime_write_policy({"ForAnyValue:StringNotEquals": {"aws:SourceVpce": "vpce-1"}})
    assert evaluate(policy, put("recordings/x.wav")) is Decision.IMPLICIT_DENY


def test_statement_without_a_principal_admits_nobody() -> None:
    # S3 refuses a bucket policy statement without Principal; it never lets Chime in.
    policy = _chime_write_policy({"StringEquals": {"aws:SourceAccount": ACCOUNT}})
    del policy["Statement"][0]["Principal"]  # type: ignore[index]
    assert evaluate(policy, put("recordings/x.wav")) is Decision.IMPLICIT_DENY


def test_chime_request_says_it_comes_from_a_service_principal() -> None:
    # IAM User Guide, aws:PrincipalIsAWSService: true when an AWS service principal calls, so
    # a grant to "any AWS service acting for this account" admits Chime.
    policy = _chime_write_policy(
        {
            "StringEquals": {"aws:SourceAccount": ACCOUNT},
            "Bool": {"aws:PrincipalIsAWSService": "true"},
        }
    )
    policy["Statement"][0]["Principal"] = "*"  # type: ignore[index]
    assert evaluate(policy, put("recordings/x.wav")) is Decision.ALLOW


CORPUS_SMA = f"arn:aws:chime:us-east-1:{ACCOUNT}:sma/0b1f7c5e-2f0a-4a52-9d0a-1b2c3d4e5f60"
POLICIES = Path(__file__).resolve().parents[1] / "audit" / "policies"


def _passing_chime_write_policies() -> list[Path]:
    """Corpus bucket policies that grant Chime recordings/* for the corpus SMA and that the
    auditor passes (no finding at its default --fail-on high)."""
    from callrec.audit.context import AuditContext
    from callrec.audit.engine import audit
    from callrec.audit.rules import Severity
    from callrec.audit.sources.policy_file import read_policy_file

    passing = []
    for path in sorted(POLICIES.glob("*/*.json")):
        text = path.read_text(encoding="utf-8")
        if CORPUS_SMA not in text or "arn:aws:s3:::recs/recordings/*" not in text:
            continue
        findings = audit(read_policy_file(path), AuditContext(owner_account=ACCOUNT))
        if all(f.severity < Severity.HIGH for f in findings):
            passing.append(path)
    return passing


def test_the_corpus_has_passing_chime_write_policies() -> None:
    assert len(_passing_chime_write_policies()) >= 8


@pytest.mark.parametrize(
    "path", _passing_chime_write_policies(), ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_a_policy_the_auditor_passes_admits_the_sma_and_no_other_source(path: Path) -> None:
    # One evaluator, one request: what the auditor calls safe, the local judge must admit for
    # the SMA it pins and refuse for another SMA or another account's.
    policy = json.loads(path.read_text(encoding="utf-8"))

    def decide(sma: str, account: str) -> Decision:
        request = chime_request("s3:PutObject", "recs", "recordings/x.wav", account, sma)
        return evaluate(policy, request)

    assert decide(CORPUS_SMA, ACCOUNT) is Decision.ALLOW
    assert decide(f"arn:aws:chime:us-east-1:{ACCOUNT}:sma/another", ACCOUNT) is not Decision.ALLOW
    evil = "999988887777"
    assert decide(f"arn:aws:chime:us-east-1:{evil}:sma/another", evil) is not Decision.ALLOW
