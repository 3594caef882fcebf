"""Schema-driven values for the plugin protocol: cty's msgpack encoding and planned new states.

Terraform sends and expects object values as msgpack (cty's encoding): an unknown value is the
extension type 0; every attribute and block of the schema is present, null when unset. A
provider plans a create by taking the proposed new state and marking every computed attribute
that the configuration left null as unknown ("known after apply"); on update it keeps the prior
value instead. That is all this schema-only provider does: it never talks to AWS.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgpack  # type: ignore[import-untyped]

UNKNOWN = msgpack.ExtType(0, b"\x00")

Json = dict[str, Any]


def decode(raw: bytes) -> Any:
    """A msgpack DynamicValue; extension values (unknowns) are kept as ``msgpack.ExtType``."""
    if not raw:
        return None
    return msgpack.unpackb(raw, raw=False, strict_map_key=False)


def encode(value: Any) -> bytes:
    return bytes(msgpack.packb(value, use_bin_type=True))


def is_unknown(value: Any) -> bool:
    return isinstance(value, msgpack.ExtType) and value.code == 0


def plan_object(block: Json, proposed: Any, prior: Any) -> Any:
    """Planned new state of one object of ``block`` (a schema block in Terraform's JSON shape)."""
    if proposed is None or is_unknown(proposed) or not isinstance(proposed, dict):
        return proposed
    prior_map: Mapping[str, Any] = prior if isinstance(prior, dict) else {}
    planned = dict(proposed)
    for name, attribute in block.get("attributes", {}).items():
        planned[name] = _plan_attribute(attribute, proposed.get(name), prior_map.get(name))
    for name, block_type in block.get("block_types", {}).items():
        planned[name] = _plan_nested(
            block_type["nesting_mode"], block_type["block"], proposed.get(name), prior_map.get(name)
        )
    return planned


def _plan_attribute(attribute: Json, proposed: Any, prior: Any) -> Any:
    if proposed is None and attribute.get("computed"):
        return prior if prior is not None else UNKNOWN
    nested = attribute.get("nested_type")
    if nested is not None and proposed is not None:
        inner = {"attributes": nested.get("attributes", {})}
        return _plan_nested(nested["nesting_mode"], inner, proposed, prior)
    return proposed


def _plan_nested(nesting: str, block: Json, proposed: Any, prior: Any) -> Any:
    if proposed is None or is_unknown(proposed):
        return proposed
    if nesting == "single":
        return plan_object(block, proposed, prior)
    if nesting == "map" and isinstance(proposed, dict):
        prior_map = prior if isinstance(prior, dict) else {}
        return {key: plan_object(block, item, prior_map.get(key)) for key, item in proposed.items()}
    if isinstance(proposed, list):
        # Set elements have no identity before apply; list elements pair up by position.
        prior_list = prior if isinstance(prior, list) and nesting == "list" else []
        return [
            plan_object(block, item, prior_list[index] if index < len(prior_list) else None)
            for index, item in enumerate(proposed)
        ]
    return proposed


Path = tuple[str | int, ...]


def computed_only_set(block: Json, config: Any, path: Path = ()) -> list[Path]:
    """Paths of computed-only attributes (neither required nor optional) that ``config`` sets.

    The real provider refuses them at validate (terraform-plugin-sdk: "Computed attributes
    cannot be set"); Terraform core does not check this itself. An unknown value counts as set:
    the configuration wrote an expression there.
    """
    if not isinstance(config, dict):
        return []
    found: list[Path] = []
    for name, attribute in block.get("attributes", {}).items():
        value = config.get(name)
        if value is None:
            continue
        settable = attribute.get("required") or attribute.get("optional")
        if not settable:
            found.append((*path, name))
            continue
        nested = attribute.get("nested_type")
        if nested is not None:
            inner = {"attributes": nested.get("attributes", {})}
            found += _nested_set(nested["nesting_mode"], inner, value, (*path, name))
    for name, block_type in block.get("block_types", {}).items():
        value = config.get(name)
        found += _nested_set(block_type["nesting_mode"], block_type["block"], value, (*path, name))
    return found


def _nested_set(nesting: str, block: Json, value: Any, path: Path) -> list[Path]:
    if value is None or is_unknown(value):
        return []
    if nesting == "single":
        return computed_only_set(block, value, path)
    if nesting == "map" and isinstance(value, dict):
        return [
            p for key, item in value.items() for p in computed_only_set(block, item, (*path, key))
        ]
    if isinstance(value, list):
        return [
            p
            for index, item in enumerate(value)
            for p in computed_only_set(block, item, (*path, index))
        ]
    return []


def dotted(path: Path) -> str:
    """``("rule", 0, "id")`` -> ``rule.0.id``, the SDK's way of naming an attribute."""
    return ".".join(str(step) for step in path)
