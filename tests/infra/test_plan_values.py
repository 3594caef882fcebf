"""Planning by the schema-only provider: unknown for unset computed attributes, config kept."""

from __future__ import annotations

from typing import Any

from callrec.infra_check import plan_values

BLOCK: dict[str, Any] = {
    "attributes": {
        "bucket": {"type": "string", "required": True},
        "arn": {"type": "string", "computed": True},
        "region": {"type": "string", "optional": True, "computed": True},
    },
    "block_types": {
        "rule": {
            "nesting_mode": "list",
            "block": {
                "attributes": {
                    "id": {"type": "string", "required": True},
                    "prefix": {"type": "string", "optional": True, "computed": True},
                }
            },
        }
    },
}


def test_unset_computed_attribute_becomes_unknown_on_create() -> None:
    planned = plan_values.plan_object(
        BLOCK, {"bucket": "b", "arn": None, "region": None, "rule": []}, None
    )
    assert plan_values.is_unknown(planned["arn"]) and plan_values.is_unknown(planned["region"])


def test_configured_values_are_kept() -> None:
    planned = plan_values.plan_object(
        BLOCK, {"bucket": "b", "arn": None, "region": "eu-west-1", "rule": []}, None
    )
    assert (planned["bucket"], planned["region"]) == ("b", "eu-west-1")


def test_prior_computed_value_is_kept_on_update() -> None:
    prior = {"bucket": "b", "arn": "arn:aws:s3:::b", "region": "us-east-1", "rule": []}
    planned = plan_values.plan_object(
        BLOCK, {"bucket": "b", "arn": None, "region": None, "rule": []}, prior
    )
    assert (planned["arn"], planned["region"]) == ("arn:aws:s3:::b", "us-east-1")


def test_nested_blocks_are_planned_too() -> None:
    planned = plan_values.plan_object(
        BLOCK,
        {"bucket": "b", "arn": None, "region": None, "rule": [{"id": "r", "prefix": None}]},
        None,
    )
    assert planned["rule"][0]["id"] == "r"
    assert plan_values.is_unknown(planned["rule"][0]["prefix"])


def test_msgpack_round_trip_keeps_unknowns() -> None:
    value = {"bucket": "b", "arn": plan_values.UNKNOWN, "count": 3}
    decoded = plan_values.decode(plan_values.encode(value))
    assert decoded["bucket"] == "b" and decoded["count"] == 3
    assert plan_values.is_unknown(decoded["arn"])


def test_computed_only_attributes_set_in_configuration_are_found() -> None:
    config = {
        "bucket": "b",
        "arn": "arn:aws:s3:::b",
        "region": "eu-west-1",
        "rule": [{"id": "r", "prefix": None}],
    }
    assert plan_values.computed_only_set(BLOCK, config) == [("arn",)]


def test_optional_computed_and_unset_computed_attributes_are_not_read_only() -> None:
    config = {"bucket": "b", "arn": None, "region": "eu-west-1", "rule": [{"id": "r"}]}
    assert plan_values.computed_only_set(BLOCK, config) == []


def test_computed_only_attribute_in_a_nested_block_has_its_path() -> None:
    block = {
        "block_types": {
            "rule": {
                "nesting_mode": "list",
                "block": {"attributes": {"status": {"type": "string", "computed": True}}},
            }
        }
    }
    found = plan_values.computed_only_set(block, {"rule": [{"status": None}, {"status": "x"}]})
    assert [plan_values.dotted(path) for path in found] == ["rule.1.status"]
