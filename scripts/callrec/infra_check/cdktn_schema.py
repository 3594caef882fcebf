"""Rebuild hashicorp/aws schemas from the generated bindings in the ``cdktn-provider-aws`` wheel.

The wheel ships the provider's jsii bundle (``_jsii/provider-aws@<v>.jsii.tgz``). For every
resource and data source it holds ``lib/<name>/index.js``, generated from the provider's own
``terraform providers schema -json`` output. Three things in that generated code carry the schema:

* per attribute a comment ``// <name> - computed: B, optional: B, required: B`` in the resource
  class and in each nested block's ``...OutputReference`` class;
* ``synthesizeHclAttributes`` (and ``<struct>ToHclTerraform``) state per input attribute whether
  it is a block, its collection kind (``simple``/``list``/``set``/``map``/``struct``) and its
  element type (``storageClassType``); a block that holds at most one item is rendered without
  ``listMapperHcl`` (cdktn's ``isSingleItem``, i.e. ``max_items = 1``);
* getters of computed-only attributes say their type (``getStringAttribute``,
  ``Fn.tolist(getListAttribute)`` for a set of strings, ``new <X>List(this, "name", wrapsSet)``).

Lost in generation, so absent here: descriptions, ``sensitive``, ``deprecated``, the exact
``min_items`` (only "at least one" survives) and ``max_items`` other than 1. Terraform therefore
checks names, required arguments, types, nesting and single-item blocks, not those limits.
"""

from __future__ import annotations

import io
import json
import re
import tarfile
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from callrec.infra_check.errors import SchemaExtractionError

PROVIDER_ADDRESS = "registry.terraform.io/hashicorp/aws"

JsonType = Any  # a cty type in Terraform's JSON encoding: "string" or ["list", "string"], ...
Json = dict[str, Any]
_PROVIDER_VERSION = re.compile(r"providerVersion: '([0-9.]+)'")

_ATTR_COMMENT = re.compile(
    r"^    // (\w+) - computed: (true|false), optional: (true|false), required: (true|false)$",
    re.M,
)
_FIELD_NEW = re.compile(r'_\w+ = new (\w+)\(this, "(\w+)"(?:, (true|false))?\);')
_HCL_ENTRY = re.compile(
    r'^\s+"?(\w+)"?: \{\n\s+value: (.*),\n\s+isBlock: (true|false),\n'
    r'\s+type: "(\w+)",\n\s+storageClassType: "(\w+)",\n\s+\},?$',
    re.M,
)
_TOP_LEVEL = re.compile(r"^(class|function) (\w+)", re.M)
_GETTER_KINDS: tuple[tuple[str, JsonType], ...] = (
    ("cdktn.Token.asNumberList(cdktn.Fn.tolist(this.getNumberListAttribute(", ["set", "number"]),
    ("cdktn.Fn.tolist(this.getListAttribute(", ["set", "string"]),
    ("this.getListAttribute(", ["list", "string"]),
    ("this.getNumberListAttribute(", ["list", "number"]),
    ("this.getStringMapAttribute(", ["map", "string"]),
    ("this.getNumberMapAttribute(", ["map", "number"]),
    ("this.getBooleanMapAttribute(", ["map", "bool"]),
    ("this.getStringAttribute(", "string"),
    ("this.getNumberAttribute(", "number"),
    ("this.getBooleanAttribute(", "bool"),
    ("this.interpolationForAttribute(", "dynamic"),
)
_PRIMITIVES: dict[str, JsonType] = {
    "string": "string",
    "number": "number",
    "boolean": "bool",
    "any": "dynamic",
}
_COLLECTION_SUFFIXES = (("List", "list"), ("Map", "map"))
_STRUCT_SUFFIXES = ("OutputReference", "List", "Map")


@dataclass(frozen=True)
class Flags:
    computed: bool
    optional: bool
    required: bool


@dataclass(frozen=True)
class HclEntry:
    """One entry of ``synthesizeHclAttributes``: an argument as cdktn renders it."""

    name: str
    value: str
    is_block: bool
    kind: str  # simple | list | set | map | struct
    storage: str

    @property
    def single_item(self) -> bool:
        return not self.value.startswith(("cdktn.listMapperHcl", "cdktn.hashMapperHcl"))


@dataclass
class ClassInfo:
    """Attributes (in source order) of a resource class or a nested block's OutputReference."""

    flags: dict[str, Flags] = field(default_factory=dict)
    bodies: dict[str, str] = field(default_factory=dict)


@dataclass
class Bindings:
    """The parsed generated code of one type (one ``lib/<name>/index.js``)."""

    source: str
    classes: dict[str, ClassInfo]
    hcl: dict[str, dict[str, HclEntry]]  # owner (class or struct base name) -> entries


def lib_dir_for(type_name: str, *, data_source: bool) -> str:
    """``aws_s3_bucket`` -> ``s3-bucket``; data sources are ``data-aws-...``."""
    if not type_name.startswith("aws_"):
        raise SchemaExtractionError(f"{type_name!r} is not an aws provider type (no aws_ prefix)")
    base = type_name.replace("_", "-") if data_source else type_name[4:].replace("_", "-")
    return f"data-{base}" if data_source else base


def _segments(source: str) -> Iterable[tuple[str, str, str]]:
    """Yield (kind, name, text) for every top-level class or function of the module."""
    starts = list(_TOP_LEVEL.finditer(source))
    for index, match in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(source)
        yield match.group(1), match.group(2), source[match.start() : end]


def _class_info(text: str) -> ClassInfo:
    info = ClassInfo()
    matches = list(_ATTR_COMMENT.finditer(text))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        name = match.group(1)
        info.flags[name] = Flags(*(value == "true" for value in match.group(2, 3, 4)))
        info.bodies[name] = text[match.end() : end]
    return info


def _hcl_entries(text: str) -> dict[str, HclEntry]:
    return {
        m.group(1): HclEntry(m.group(1), m.group(2), m.group(3) == "true", m.group(4), m.group(5))
        for m in _HCL_ENTRY.finditer(text)
    }


def parse_bindings(source: str) -> Bindings:
    classes: dict[str, ClassInfo] = {}
    hcl: dict[str, dict[str, HclEntry]] = {}
    for kind, name, text in _segments(source):
        if kind == "class":
            classes[name] = _class_info(text)
            if "synthesizeHclAttributes()" in text:
                hcl[name] = _hcl_entries(text.split("synthesizeHclAttributes()", 1)[1])
        elif name.endswith("ToHclTerraform"):
            struct = name[0].upper() + name[1 : -len("ToHclTerraform")]
            hcl[struct] = _hcl_entries(text)
    return Bindings(source, classes, hcl)


def _struct_base(storage: str) -> str:
    for suffix in _STRUCT_SUFFIXES:
        if storage.endswith(suffix) and storage != suffix:
            return storage[: -len(suffix)]
    return storage


def _storage_type(storage: str, kind: str) -> JsonType | None:
    """cty type of a primitive-based ``storageClassType`` (``stringList``, ``numberMap``...)."""
    inner = storage
    wrappers: list[str] = []
    while inner not in _PRIMITIVES:
        for suffix, collection in _COLLECTION_SUFFIXES:
            if inner.endswith(suffix) and inner[: -len(suffix)]:
                wrappers.append(collection)
                inner = inner[: -len(suffix)]
                break
        else:
            return None
    cty: JsonType = _PRIMITIVES[inner]
    # The outermost collection is stated by ``type``; inner ones are lists (sets look the same).
    for position, collection in enumerate(reversed(wrappers)):
        outer = position == len(wrappers) - 1
        cty = [kind if outer and kind in ("list", "set", "map") else collection, cty]
    return cty


class _Builder:
    def __init__(self, bindings: Bindings, type_name: str) -> None:
        self.bindings = bindings
        self.type_name = type_name

    def fail(self, what: str) -> SchemaExtractionError:
        return SchemaExtractionError(f"{self.type_name}: {what}")

    def block(self, owner: str, *, provider: bool = False) -> Json:
        info = self.bindings.classes.get(owner) or self._output_reference(owner)
        entries = self.bindings.hcl.get(owner, {})
        if info is not None:
            flags = dict(info.flags)
        elif entries:
            flags = self._flags_from_typescript(owner, entries)
        elif self._struct_declared(owner):
            flags = {}  # a block without arguments, such as simple_prefix {}
        else:
            raise self.fail(f"no attribute information for {owner}")
        attributes: Json = {}
        block_types: Json = {}
        for name, flag in flags.items():
            entry = entries.get(name)
            if entry is not None and entry.is_block:
                block_types[name] = self._block_type(entry, flag, provider=provider)
                continue
            body = info.bodies.get(name, "") if info else ""
            attributes[name] = self._attribute(name, flag, entry, body)
        out: Json = {}
        if attributes:
            out["attributes"] = attributes
        if block_types:
            out["block_types"] = block_types
        out["description_kind"] = "plain"
        return out

    def _output_reference(self, base: str) -> ClassInfo | None:
        return self.bindings.classes.get(f"{base}OutputReference")

    def _struct_declared(self, owner: str) -> bool:
        lower = owner[0].lower() + owner[1:]
        return f"function {lower}ToTerraform(" in self.bindings.source

    def _flags_from_typescript(
        self, owner: str, entries: Mapping[str, HclEntry]
    ) -> dict[str, Flags]:
        """Provider-configuration structs have no OutputReference: read the TS interface."""
        interface = _typescript_interface(self.bindings.source, owner)
        flags: dict[str, Flags] = {}
        for name in entries:
            optional = interface.get(name, True)
            flags[name] = Flags(computed=False, optional=optional, required=not optional)
        return flags

    def _block_type(self, entry: HclEntry, flag: Flags, *, provider: bool) -> Json:
        base = _struct_base(entry.storage)
        nesting = {"list": "list", "set": "set", "struct": "single", "map": "map"}.get(entry.kind)
        if nesting is None:
            raise self.fail(f"block {entry.name}: unknown nesting {entry.kind!r}")
        out: Json = {"nesting_mode": nesting, "block": self.block(base, provider=provider)}
        if nesting in ("list", "set"):
            if flag.required:
                out["min_items"] = 1
            if entry.single_item and not provider:
                out["max_items"] = 1
        return out

    def _attribute(self, name: str, flag: Flags, entry: HclEntry | None, body: str) -> Json:
        out: Json = {}
        if entry is not None:
            cty = _storage_type(entry.storage, entry.kind)
            if cty is None:
                out["nested_type"] = self._nested_type(entry)
            else:
                out["type"] = cty
        else:
            out["type"] = self._getter_type(name, body)
        out["description_kind"] = "plain"
        if flag.required:
            out["required"] = True
        if flag.optional:
            out["optional"] = True
        if flag.computed:
            out["computed"] = True
        if not (flag.required or flag.optional or flag.computed):
            raise self.fail(f"attribute {name} is neither required, optional nor computed")
        return out

    def _nested_type(self, entry: HclEntry) -> Json:
        nesting = {"list": "list", "set": "set", "struct": "single", "map": "map"}.get(entry.kind)
        if nesting is None:
            raise self.fail(f"attribute {entry.name}: unknown nesting {entry.kind!r}")
        inner = self.block(_struct_base(entry.storage))
        if "block_types" in inner:
            raise self.fail(f"nested attribute {entry.name} has blocks inside")
        return {"attributes": inner.get("attributes", {}), "nesting_mode": nesting}

    def _getter_type(self, name: str, body: str) -> JsonType:
        created = _FIELD_NEW.search(body)
        if created is not None and created.group(2) == name:
            return self._object_type(created.group(1), created.group(3))
        for marker, cty in _GETTER_KINDS:
            if marker in body:
                return cty
        raise self.fail(f"cannot tell the type of computed attribute {name}")

    def _object_type(self, class_name: str, wraps_set: str | None) -> JsonType:
        base = _struct_base(class_name)
        info = self._output_reference(base)
        if info is None:
            raise self.fail(f"no OutputReference class for {class_name}")
        members: Json = {}
        for member, body in info.bodies.items():
            members[member] = self._getter_type(member, body)
        obj: JsonType = ["object", members]
        if class_name.endswith("OutputReference"):
            return obj
        if class_name.endswith("Map"):
            return ["map", obj]
        return ["set" if wraps_set == "true" else "list", obj]


def _typescript_interface(source: str, name: str) -> dict[str, bool]:
    """tf name -> optional, from the TypeScript interface in the module's inline source map."""
    match = re.search(r"sourceMappingURL=data:application/json;base64,(\S+)", source)
    if match is None:
        return {}
    import base64

    sources = json.loads(base64.b64decode(match.group(1))).get("sourcesContent") or [""]
    text: str = sources[0]
    head = re.search(rf"export interface {re.escape(name)}\b[^{{]*\{{", text)
    if head is None:
        return {}
    body = text[head.end() : text.find("\n}", head.end())]
    result: dict[str, bool] = {}
    for prop in re.finditer(
        r"#(\w+) [^\n]*\}\n(?:\s*\*[^\n]*\n)*?\s*\*/\n\s*readonly \w+(\?)?:", body
    ):
        result[prop.group(1)] = prop.group(2) == "?"
    return result


def type_schema(source: str, type_name: str) -> Json:
    """Terraform's JSON schema (``{"version": 0, "block": ...}``) of one resource/data source."""
    declared = re.search(r'static tfResourceType = "(\w+)";', source)
    if declared is None or declared.group(1) != type_name:
        raise SchemaExtractionError(f"generated bindings do not declare {type_name}")
    bindings = parse_bindings(source)
    main = re.search(
        r"^class (\w+) extends cdktn\.Terraform(?:Resource|DataSource) \{", source, re.M
    )
    if main is None:
        raise SchemaExtractionError(f"{type_name}: no resource class in the bindings")
    return {"version": 0, "block": _Builder(bindings, type_name).block(main.group(1))}


def provider_schema(source: str) -> Json:
    bindings = parse_bindings(source)
    main = re.search(r"^class (\w+) extends cdktn\.TerraformProvider \{", source, re.M)
    if main is None:
        raise SchemaExtractionError("provider: no provider class in the bindings")
    block = _Builder(bindings, "provider").block(main.group(1), provider=True)
    block.get("attributes", {}).pop("alias", None)  # a meta-argument, not part of the schema
    return {"version": 0, "block": block}


@dataclass(frozen=True)
class WheelSources:
    """The generated modules read from the wheel, and what the wheel says about itself."""

    package_version: str
    provider_version: str
    licence: str
    modules: dict[str, str]  # lib dir name -> index.js source


def read_wheel(wheel: Path, lib_dirs: Iterable[str]) -> WheelSources:
    wanted = {f"package/lib/{name}/index.js": name for name in lib_dirs}
    wanted_extra = {"package/LICENSE", "package/package.json"}
    with zipfile.ZipFile(wheel) as archive:
        bundle = [n for n in archive.namelist() if n.endswith(".jsii.tgz")]
        if len(bundle) != 1:
            raise SchemaExtractionError(f"{wheel.name}: expected one jsii bundle, found {bundle}")
        data = archive.read(bundle[0])
    modules: dict[str, str] = {}
    extra: dict[str, str] = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar:
            if member.name in wanted or member.name in wanted_extra:
                handle = tar.extractfile(member)
                if handle is None:
                    continue
                text = handle.read().decode("utf-8")
                if member.name in wanted:
                    modules[wanted[member.name]] = text
                else:
                    extra[member.name] = text
    # A type without bindings is skipped by build_schema (with a warning); the provider's own
    # bindings are needed for everything.
    if "provider" in wanted.values() and "provider" not in modules:
        raise SchemaExtractionError(f"{wheel.name} has no bindings for the provider itself")
    package = json.loads(extra["package/package.json"])
    version_match = next(
        (m for m in (_PROVIDER_VERSION.search(text) for text in modules.values()) if m), None
    )
    if version_match is None:
        raise SchemaExtractionError("cannot find the provider version in the bindings")
    return WheelSources(
        package_version=str(package["version"]),
        provider_version=version_match.group(1),
        licence=extra["package/LICENSE"],
        modules=modules,
    )


@dataclass(frozen=True)
class Skipped:
    """A type ``make provider-schema`` could not extract, and why."""

    type_name: str
    data_source: bool
    reason: str

    def __str__(self) -> str:
        kind = "data source" if self.data_source else "resource"
        return f"{kind} {self.type_name}: {self.reason}"


def _type_schemas(
    sources: WheelSources, names: Iterable[str], *, data_source: bool, skipped: list[Skipped]
) -> dict[str, Json]:
    schemas: dict[str, Json] = {}
    for name in sorted(set(names)):
        module = sources.modules.get(lib_dir_for(name, data_source=data_source))
        if module is None:
            skipped.append(Skipped(name, data_source, "no bindings in the wheel"))
            continue
        try:
            schemas[name] = type_schema(module, name)
        except SchemaExtractionError as error:
            skipped.append(Skipped(name, data_source, str(error)))
    return schemas


def build_schema(
    sources: WheelSources,
    resources: Iterable[str],
    data_sources: Iterable[str],
    skipped: list[Skipped] | None = None,
) -> Json:
    """The ``terraform providers schema -json`` document for the given types.

    A type that cannot be extracted is left out and appended to ``skipped`` (the rest of the
    schema is still worth having; the offline check then says the type is not in it).
    """
    left_out = skipped if skipped is not None else []
    return {
        "format_version": "1.0",
        "provider_schemas": {
            PROVIDER_ADDRESS: {
                "provider": provider_schema(sources.modules["provider"]),
                "resource_schemas": _type_schemas(
                    sources, resources, data_source=False, skipped=left_out
                ),
                "data_source_schemas": _type_schemas(
                    sources, data_sources, data_source=True, skipped=left_out
                ),
            }
        },
    }
