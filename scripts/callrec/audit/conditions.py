"""IAM condition operators, exactly as the IAM User Guide lists them.

Operator names are matched case-sensitively: the IAM User Guide lists them in one spelling
and IAM refuses any other (``CreateRole`` answers ``MalformedPolicyDocument: Invalid Condition
type : stringEquals``, as reported publicly in ministryofjustice/modernisation-platform-
environments#8893); nothing offline checks this against IAM. Condition keys are
case-insensitive ("Context key names are not case-sensitive", IAM User Guide, "IAM JSON policy
elements: Condition"), so keys are compared in lower case. An operator may carry the
``IfExists`` suffix (not ``Null``) and a ``ForAnyValue:`` or ``ForAllValues:`` set qualifier.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

STRING_OPERATORS = frozenset(
    {
        "StringEquals",
        "StringNotEquals",
        "StringEqualsIgnoreCase",
        "StringNotEqualsIgnoreCase",
        "StringLike",
        "StringNotLike",
    }
)
NUMERIC_OPERATORS = frozenset(
    {
        "NumericEquals",
        "NumericNotEquals",
        "NumericLessThan",
        "NumericLessThanEquals",
        "NumericGreaterThan",
        "NumericGreaterThanEquals",
    }
)
DATE_OPERATORS = frozenset(
    {
        "DateEquals",
        "DateNotEquals",
        "DateLessThan",
        "DateLessThanEquals",
        "DateGreaterThan",
        "DateGreaterThanEquals",
    }
)
ARN_OPERATORS = frozenset({"ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"})
OTHER_OPERATORS = frozenset({"Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "Null"})
BASE_OPERATORS = (
    STRING_OPERATORS | NUMERIC_OPERATORS | DATE_OPERATORS | ARN_OPERATORS | OTHER_OPERATORS
)

# Operators that only match the listed values (as opposed to negated ones).
POSITIVE_MATCH_OPERATORS = frozenset(
    {"StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike"}
)
# The IAM User Guide gives ArnEquals and ArnLike the same meaning: each of the six
# colon-separated parts of the ARN is matched on its own and may contain * and ? wildcards.
PATTERN_OPERATORS = frozenset(
    {"StringLike", "StringNotLike", "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"}
)
NEGATED_PATTERN_OPERATORS = frozenset({"StringNotLike", "ArnNotEquals", "ArnNotLike"})

# Global condition keys that carry one value per request.
SINGLE_VALUED_GLOBAL_KEYS = frozenset(
    {
        "aws:sourceaccount",
        "aws:sourcearn",
        "aws:sourceorgid",
        "aws:securetransport",
        "aws:principalaccount",
        "aws:principalarn",
        "aws:principalorgid",
        "aws:sourceip",
        "aws:sourcevpc",
        "aws:sourcevpce",
        "aws:userid",
        "aws:username",
        "aws:currenttime",
        "aws:epochtime",
        "aws:multifactorauthpresent",
        "aws:requestedregion",
        "iam:passedtoservice",
        "s3:x-amz-acl",
        "s3:x-amz-server-side-encryption",
        "s3:tlsversion",
    }
)


class SetQualifier(enum.Enum):
    NONE = ""
    FOR_ANY_VALUE = "ForAnyValue"
    FOR_ALL_VALUES = "ForAllValues"


@dataclass(frozen=True)
class ParsedOperator:
    raw: str
    base: str
    qualifier: SetQualifier
    if_exists: bool
    known: bool
    suggestion: str = ""

    @property
    def is_positive_match(self) -> bool:
        return self.known and self.base in POSITIVE_MATCH_OPERATORS

    @property
    def is_pattern(self) -> bool:
        return self.base in PATTERN_OPERATORS


def _case_insensitive_match(name: str) -> str:
    lowered = name.lower()
    for known in BASE_OPERATORS:
        if known.lower() == lowered:
            return known
    return ""


def parse_operator(raw: str) -> ParsedOperator:
    """Split ``ForAnyValue:StringLikeIfExists`` into its parts and say whether it is valid."""
    text = raw
    qualifier = SetQualifier.NONE
    if ":" in text:
        prefix, _, rest = text.partition(":")
        try:
            qualifier = SetQualifier(prefix)
        except ValueError:
            return ParsedOperator(raw, rest, SetQualifier.NONE, False, False, "")
        text = rest
    if_exists = text.endswith("IfExists")
    base = text[: -len("IfExists")] if if_exists else text
    known = base in BASE_OPERATORS and not (if_exists and base == "Null")
    suggestion = "" if known else _case_insensitive_match(base)
    return ParsedOperator(raw, base, qualifier, if_exists, known, suggestion)


def has_wildcard(value: str) -> bool:
    return "*" in value or "?" in value
