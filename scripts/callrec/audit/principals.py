"""Facts about principals, accounts and ARNs that the rules rely on."""

from __future__ import annotations

import re

from callrec.audit.conditions import has_wildcard
from callrec.audit.policy import literal_text

VOICE_CONNECTOR_PRINCIPAL = "voiceconnector.chime.amazonaws.com"
MEDIA_PIPELINES_PRINCIPAL = "mediapipelines.chime.amazonaws.com"

# Resource types that act through each Chime service principal, as they appear in aws:SourceArn.
VOICE_RESOURCE_TYPES = ("sma", "vc")
PIPELINE_RESOURCE_TYPES = ("media-pipeline", "media-insights-pipeline-configuration")

# The partition may be written as a reference (``${data.aws_partition.current.partition}``), as
# Terraform configurations for several partitions do; region and account may be too.
_CHIME_ARN = re.compile(
    r"^arn:(?P<partition>aws[a-z-]*|\$\{[^}:]*\}):(?P<service>chime|voiceconnector):(?P<region>[^:]*):"
    r"(?P<account>[^:]*):(?P<type>[a-z-]+)/(?P<id>.+)$"
)
_ACCOUNT_ID = re.compile(r"^\d{12}$")
_IAM_ARN_ACCOUNT = re.compile(r"^arn:aws[a-z-]*:(?:iam|sts)::(?P<account>\d{12}):")

# Actions each Chime principal needs on S3, by principal.
CHIME_S3_ACTIONS: dict[str, frozenset[str]] = {
    VOICE_CONNECTOR_PRINCIPAL: frozenset({"s3:putobject", "s3:putobjectacl", "s3:getobject"}),
    MEDIA_PIPELINES_PRINCIPAL: frozenset({"s3:putobject", "s3:putobjectacl"}),
}
DEFAULT_CHIME_S3_ACTIONS = CHIME_S3_ACTIONS[VOICE_CONNECTOR_PRINCIPAL]


def is_chime_service(service: str) -> bool:
    lowered = service.strip().lower()
    return lowered == "chime.amazonaws.com" or lowered.endswith(".chime.amazonaws.com")


def chime_resource_types(service: str) -> tuple[str, ...]:
    if service.lower() == MEDIA_PIPELINES_PRINCIPAL:
        return PIPELINE_RESOURCE_TYPES
    return VOICE_RESOURCE_TYPES


def parse_chime_arn(value: str, service: str = "chime") -> dict[str, str] | None:
    """The parts of a Chime resource ARN whose service part is ``service``.

    S3 sees a SIP media application as ``arn:aws:chime:...:sma/<id>`` (StartCallRecording
    page); Amazon Lex sees it as ``arn:aws:voiceconnector:...:sma/<id>`` (the Chime SDK's
    StartBotConversation bot policy and AWS's samples).
    """
    match = _CHIME_ARN.match(value)
    if match is None or match.group("service") != service:
        return None
    return match.groupdict()


def account_of(principal: str) -> str | None:
    """The 12-digit account of an AWS principal (an account id or an IAM/STS ARN)."""
    if _ACCOUNT_ID.match(principal):
        return principal
    match = _IAM_ARN_ACCOUNT.match(principal)
    return match.group("account") if match else None


def is_account_id(value: str) -> bool:
    return bool(_ACCOUNT_ID.match(value))


def wildcard_in(value: str) -> bool:
    """A wildcard in the literal parts of a value (references are opaque, not wildcards)."""
    return has_wildcard(literal_text(value))


def action_matches(pattern: str, action: str) -> bool:
    """IAM action matching: case-insensitive, with * and ? wildcards."""
    regex = "".join(
        ".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern.lower()
    )
    return re.fullmatch(regex, action.lower()) is not None
