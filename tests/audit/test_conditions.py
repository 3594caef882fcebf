"""IAM condition operators: names, IfExists, set qualifiers, case sensitivity."""

from __future__ import annotations

import pytest

from callrec.audit.conditions import BASE_OPERATORS, SetQualifier, parse_operator


def test_the_documented_operator_set_is_complete() -> None:
    assert len(BASE_OPERATORS) == 27  # 6 string, 6 numeric, 6 date, Bool, Binary, 2 IP, 4 ARN, Null


@pytest.mark.parametrize("name", sorted(BASE_OPERATORS - {"Null"}))
def test_every_operator_but_null_takes_if_exists(name: str) -> None:
    parsed = parse_operator(f"{name}IfExists")
    assert parsed.known and parsed.if_exists and parsed.base == name


def test_null_if_exists_is_not_an_operator() -> None:
    assert not parse_operator("NullIfExists").known


def test_set_qualifier_and_if_exists_combine() -> None:
    parsed = parse_operator("ForAllValues:StringLikeIfExists")
    assert parsed.qualifier is SetQualifier.FOR_ALL_VALUES
    assert parsed.base == "StringLike" and parsed.if_exists and parsed.known


def test_operator_names_are_case_sensitive_and_a_fix_is_suggested() -> None:
    parsed = parse_operator("arnlike")
    assert not parsed.known
    assert parsed.suggestion == "ArnLike"


def test_unknown_set_qualifier_is_not_an_operator() -> None:
    assert not parse_operator("ForSomeValues:StringEquals").known
