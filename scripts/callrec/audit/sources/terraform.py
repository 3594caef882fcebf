"""``--terraform DIR``: static analysis of Terraform source.

The directory is a root module. Its ``.tf`` files are parsed with python-hcl2; module calls with
local sources are followed with their arguments as the child's variables; variables fall back
to their defaults; locals, ``jsonencode(...)`` and ``data "aws_iam_policy_document"`` blocks
(statements, principals, conditions, dynamic blocks, source and override documents) are
evaluated. Resource attributes and caller identity stay symbolic (``${aws_s3_bucket.this.arn}``)
because they are known at apply; every other expression that cannot be evaluated is reported
by name (rule CR063) instead of being guessed.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from callrec.audit.engine import Targets
from callrec.audit.errors import AuditInputError
from callrec.audit.findings import Finding, Location
from callrec.audit.policy import Policy, parse_policy
from callrec.audit.sources import bucket_model as bm
from callrec.audit.sources.hclexpr import Evaluator, Fallback, Gaps, Unknown, to_json
from callrec.audit.sources.paths import display_path
from callrec.audit.targets import PolicyKind, PolicyTarget

MAX_MODULE_DEPTH = 8
_MISSING = object()
_TOP_LEVEL = re.compile(r"^(resource|data|module|variable|output|locals|provider|terraform)\b")
_SKIPPED_MODULE_ARGS = {"source", "version", "providers", "count", "for_each", "depends_on"}
_IDENTITY_POLICY_TYPES = {
    "aws_iam_role_policy",
    "aws_iam_policy",
    "aws_iam_user_policy",
    "aws_iam_group_policy",
}


@dataclass
class Block:
    kind: str  # resource | data | module
    type: str
    name: str
    body: Mapping[str, Any]
    path: Path
    line: int
    end_line: int


@dataclass
class Module:
    directory: Path
    texts: dict[Path, str] = field(default_factory=dict)
    variables: dict[str, Any] = field(default_factory=dict)
    locals_: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    syntax_errors: list[tuple[Path, str]] = field(default_factory=list)

    def data(self, type_: str, name: str) -> Block | None:
        for block in self.blocks:
            if block.kind == "data" and block.type == type_ and block.name == name:
                return block
        return None


def _block_lines(text: str, kind: str, labels: Sequence[str]) -> tuple[int, int]:
    quoted = r"\s+".join(f'"{re.escape(label)}"' for label in labels)
    pattern = re.compile(rf"^[ \t]*{kind}\s+{quoted}\s*\{{", re.MULTILINE)
    match = pattern.search(text)
    if match is None:
        return 1, 1
    start = text.count("\n", 0, match.start()) + 1
    lines = text.splitlines()
    end = len(lines)
    for number in range(start, len(lines)):
        if _TOP_LEVEL.match(lines[number]):
            end = number
            break
    return start, end


@functools.lru_cache(maxsize=512)
def _parsed_hcl(text: str) -> Mapping[str, Any]:
    """python-hcl2's reading of one file's text, parsed once per process: a module called N
    times (function-role) is loaded N times, and its parse was most of an audit's time."""
    import hcl2
    from hcl2.utils import SerializationOptions

    options = SerializationOptions(
        with_comments=False, strip_string_quotes=True, preserve_heredocs=False
    )
    parsed: Mapping[str, Any] = hcl2.loads(text, serialization_options=options)
    return parsed


def load_module(directory: Path) -> Module:
    module = Module(directory)
    for path in sorted(directory.glob("*.tf")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise AuditInputError(f"cannot read {path}: {error}") from None
        module.texts[path] = text
        try:
            # A copy: the reader keeps block bodies, and nothing may change the cached parse.
            parsed = copy.deepcopy(_parsed_hcl(text))
        except Exception as error:  # noqa: BLE001 - lark raises many types; each is a finding
            module.syntax_errors.append((path, str(error).splitlines()[0] if str(error) else ""))
            continue
        _index(module, path, text, parsed)
    return module


def _index(module: Module, path: Path, text: str, parsed: Mapping[str, Any]) -> None:
    for item in parsed.get("variable", []):
        for name, body in item.items():
            module.variables[name] = body.get("default", _MISSING)
    for item in parsed.get("locals", []):
        module.locals_.update({k: v for k, v in item.items() if k != "__is_block__"})
    for item in parsed.get("output", []):
        for name, body in item.items():
            module.outputs[name] = body.get("value")
    module.blocks += _blocks(parsed, path, text)


def _blocks(parsed: Mapping[str, Any], path: Path, text: str) -> Iterator[Block]:
    for kind in ("resource", "data"):
        for item in parsed.get(kind, []):
            for type_, named in item.items():
                for name, body in named.items():
                    start, end = _block_lines(text, kind, (type_, name))
                    yield Block(kind, type_, name, body, path, start, end)
    for item in parsed.get("module", []):
        for name, body in item.items():
            start, end = _block_lines(text, "module", (name,))
            yield Block("module", "module", name, body, path, start, end)


def _ensure_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def _strings(value: Any) -> list[str]:
    return [str(v) if isinstance(v, Unknown) else v for v in _ensure_list(value)]


@dataclass(frozen=True)
class _Site:
    """Where a policy is written: a resource block, its attribute, the raw expression and the
    scope (``each``/``count``) it is evaluated in."""

    block: Block
    attribute: str
    raw: Any
    scope: Sequence[Mapping[str, Any]] = ()


@dataclass
class _PolicyOrigin:
    location: Location
    statement_lines: dict[int, int]
    incomplete: bool


class Instance:
    """One module instance: a module plus its inputs and its address prefix."""

    def __init__(
        self,
        reader: TerraformReader,
        module: Module,
        prefix: str,
        arguments: Mapping[str, Any],
        caller: Instance | None = None,
        *,
        inputs: Mapping[str, Any] | None = None,
    ) -> None:
        """``arguments`` are a module call's raw expressions, evaluated lazily in ``caller``;
        ``inputs`` are already-known input values (for a module rendered on its own)."""
        self.reader = reader
        self.module = module
        self.prefix = prefix
        self.arguments = arguments
        self.caller = caller
        self._inputs: dict[str, Any] = dict(inputs or {})
        self.evaluator = Evaluator(self.resolve, reader.gaps, reader.fallback)
        self._locals: dict[str, Any] = {}
        self._evaluating: set[str] = set()
        self.incomplete = False

    # --- references ---------------------------------------------------------------------------
    def resolve(self, root: str, path: list[Any], text: str) -> Any:
        if root == "var" and path:
            return self._walk(self._variable(str(path[0])), path[1:], text)
        if root == "local" and path:
            return self._walk(self.local(str(path[0])), path[1:], text)
        if root in ("data", "module") and len(path) >= 2:
            read = self._data if root == "data" else self._module_output
            return read(str(path[0]), str(path[1]), path[2:], text)
        if path and root not in ("each", "count", "self", "terraform", "path"):
            # a resource attribute: known at apply, unless the caller knows it already
            known = self.reader.known_value(text)
            if known is not None:
                return known
            return Unknown(text, reportable=False, address=f"{self.prefix}{root}.{path[0]}")
        return self.evaluator.unknown(text)

    def _variable(self, name: str) -> Any:
        value = self.input(name)
        if value is not _MISSING:
            return value
        default = self.module.variables.get(name, _MISSING)
        return self.evaluator.unknown(f"var.{name}") if default is _MISSING else self.value(default)

    def input(self, name: str) -> Any:
        if name in self._inputs:
            return self._inputs[name]
        if self.caller is None or name not in self.arguments:
            return _MISSING
        self._inputs[name] = Unknown(f"var.{name}")  # guards against cycles
        value = self.caller.value(self.arguments[name])
        self._inputs[name] = value
        return value

    def _walk(self, value: Any, path: Sequence[Any], text: str) -> Any:
        for segment in path:
            if isinstance(value, Unknown):
                return value
            try:
                value = value[segment]
            except (KeyError, IndexError, TypeError):
                return self.evaluator.error(text)  # Terraform refuses this lookup too
        return value

    def local(self, name: str) -> Any:
        if name in self._locals:
            return self._locals[name]
        if name not in self.module.locals_ or name in self._evaluating:
            return self.evaluator.unknown(f"local.{name}")
        self._evaluating.add(name)
        value = self.value(self.module.locals_[name])
        self._evaluating.discard(name)
        self._locals[name] = value
        return value

    def _data(self, type_: str, name: str, rest: Sequence[Any], text: str) -> Any:
        if type_ == "aws_iam_policy_document":
            block = self.module.data(type_, name)
            if block is None:
                return self.evaluator.unknown(text)
            bindings: list[Mapping[str, Any]] = []
            if "for_each" in block.body or "count" in block.body:
                if not rest:
                    return self.evaluator.unknown(text)
                scope = self.repetition(block, rest[0])
                if scope is None:
                    return self.evaluator.unknown(text)
                bindings.append(scope)
                rest = rest[1:]
            document, origin = self.reader.render_document(self, block, bindings)
            if rest and rest[0] in ("json", "minified_json"):
                rendered = json.dumps(document, indent=2)
                self.reader.origins[rendered] = origin
                return rendered
            return self.evaluator.unknown(text)
        known = self.reader.known_value(text)  # caller identity, region, partition: at plan
        return known if known is not None else Unknown(text, reportable=False)

    def _module_output(self, name: str, output: str, rest: Sequence[Any], text: str) -> Any:
        child = self.reader.children.get(f"{self.prefix}module.{name}")
        if child is None or output not in child.module.outputs:
            return self.evaluator.unknown(text)
        return self._walk(child.value(child.module.outputs[output]), rest, text)

    def repetition(self, block: Block, key: Any) -> Mapping[str, Any] | None:
        """The ``each``/``count`` scope of one instance of a repeated block, if known."""
        if isinstance(key, Unknown):
            return None
        if "count" in block.body:
            return {"count": {"index": key}}
        collection = self.value(block.body["for_each"])
        if isinstance(collection, Mapping) and key in collection:
            return {"each": {"key": key, "value": collection[key]}}
        if isinstance(collection, list) and key in collection:
            return {"each": {"key": key, "value": key}}
        return None

    def instances_of(self, block: Block) -> Iterator[tuple[str, Sequence[Mapping[str, Any]]]]:
        """(address suffix, bindings) for each instance of a resource (count/for_each)."""
        if "for_each" in block.body:
            collection = self.value(block.body["for_each"])
            if isinstance(collection, Mapping):
                for key, item in collection.items():
                    yield f'["{key}"]', [{"each": {"key": key, "value": item}}]
                return
            if isinstance(collection, list):
                for key in collection:
                    yield f'["{key}"]', [{"each": {"key": key, "value": key}}]
                return
            self.evaluator.unknown(f"for_each of {block.type}.{block.name}")
            yield "", []
            return
        if "count" in block.body:
            count = self.value(block.body["count"])
            if isinstance(count, int) and not isinstance(count, bool):
                if count == 0:
                    return
                for index in range(count):
                    yield ("" if count == 1 else f"[{index}]"), [{"count": {"index": index}}]
                return
        yield "", []

    # --- values -------------------------------------------------------------------------------
    def value(self, raw: Any, bindings: Sequence[Mapping[str, Any]] = ()) -> Any:
        if isinstance(raw, str):
            return self.evaluator.template(raw, bindings)
        if isinstance(raw, list):
            return [self.value(item, bindings) for item in raw]
        if isinstance(raw, Mapping):
            return {
                k: self.value(v, bindings) for k, v in raw.items() if k not in ("__is_block__",)
            }
        return raw

    def blocks(
        self, body: Mapping[str, Any], name: str, bindings: Sequence[Mapping[str, Any]] = ()
    ) -> Iterator[tuple[Mapping[str, Any], Sequence[Mapping[str, Any]]]]:
        """Static ``name { }`` blocks then expanded ``dynamic "name"`` blocks, with bindings."""
        for block in _ensure_list(body.get(name)):
            if isinstance(block, Mapping):
                yield block, bindings
        for dynamic in _ensure_list(body.get("dynamic")):
            if not isinstance(dynamic, Mapping) or name not in dynamic:
                continue
            spec = dynamic[name]
            iterator = spec.get("iterator", name)
            collection = self.value(spec.get("for_each"), bindings)
            if isinstance(collection, Unknown):
                self.incomplete = True
                if not collection.reportable:  # else its cause is already recorded
                    self.evaluator.unknown(
                        f'dynamic "{name}" for_each = {collection.text} (known only at apply)'
                    )
                continue
            items = (
                list(collection.items())
                if isinstance(collection, Mapping)
                else list(enumerate(_ensure_list(collection)))
            )
            for key, item in items:
                scope = {str(iterator): {"key": key, "value": item}}
                for content in _ensure_list(spec.get("content")):
                    yield content, [*bindings, scope]


class TerraformReader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.targets = Targets()
        self.children: dict[str, Instance] = {}
        self.origins: dict[str, _PolicyOrigin] = {}
        self.buckets: dict[str, bm.BucketParts] = {}
        self.key_policies: dict[str, Policy] = {}
        self.instances: list[Instance] = []
        self.gaps = Gaps()
        self.statement_origins: dict[tuple[str, str], int] = {}
        # Statement JSON -> the first file and line it is written at: a document merged from
        # another module's source_policy_documents finds its statements' comments there.
        self.statement_files: dict[str, tuple[str, int]] = {}
        # For a caller that renders one module with values of its own (the local stack): what
        # an apply-time reference is (full-match pattern -> value), and who evaluates functions
        # the static evaluator lacks. The auditor sets neither.
        self.known: Mapping[str, str] = {}
        self.fallback: Fallback | None = None

    def known_value(self, text: str) -> str | None:
        for pattern, value in self.known.items():
            if re.fullmatch(pattern, text):
                return value
        return None

    # --- module tree ----------------------------------------------------------------------------
    def read(self) -> Targets:
        if not self.root.is_dir():
            raise AuditInputError(
                f"Terraform directory {self.root} does not exist or is not a directory",
                hint="pass the root module's directory to --terraform",
            )
        module = load_module(self.root)
        if not module.texts:
            raise AuditInputError(
                f"no .tf files in {self.root}", hint="pass a Terraform root module directory"
            )
        self._instantiate(module, "", {}, 0)
        for instance in self.instances:
            self._collect_buckets(instance)
        for instance in self.instances:
            self._collect(instance)
        for parts in self.buckets.values():
            self.targets.buckets.append(parts.target(self.key_policies))
        return self.targets

    def _instantiate(
        self,
        module: Module,
        prefix: str,
        arguments: Mapping[str, Any],
        depth: int,
        caller: Instance | None = None,
    ) -> None:
        instance = Instance(self, module, prefix, arguments, caller)
        self.instances.append(instance)
        if prefix:
            self.children[prefix.rstrip(".")] = instance
        for path, message in module.syntax_errors:
            self.targets.findings.append(
                Finding(
                    "CR060",
                    display_path(path),
                    f"Terraform syntax error: {message}",
                    Location(display_path(path), 1),
                )
            )
        for block in module.blocks:
            if block.kind != "module":
                continue
            source = block.body.get("source")
            if not isinstance(source, str) or not source.startswith(("./", "../")):
                continue
            child_dir = (module.directory / source).resolve()
            if depth >= MAX_MODULE_DEPTH or not child_dir.is_dir():
                continue
            arguments = {
                k: v
                for k, v in block.body.items()
                if k not in _SKIPPED_MODULE_ARGS and k != "__is_block__"
            }
            self._instantiate(
                load_module(child_dir),
                f"{prefix}module.{block.name}.",
                arguments,
                depth + 1,
                instance,
            )

    # --- policy documents -----------------------------------------------------------------------
    def render_document(
        self, instance: Instance, block: Block, scope: Sequence[Mapping[str, Any]] = ()
    ) -> tuple[dict[str, Any], _PolicyOrigin]:
        body = block.body
        statements: list[dict[str, Any]] = []
        incomplete_before = instance.incomplete
        instance.incomplete = False
        text = instance.module.texts[block.path]
        path = display_path(block.path)
        static_lines, dynamic_lines = _statement_lines(text, block.line, block.end_line)
        for source in _ensure_list(instance.value(body.get("source_policy_documents"), scope)):
            self._merge_documents(instance, statements, source)
        for index, raw in enumerate(_ensure_list(body.get("statement"))):
            statement = to_json(self._statement(instance, raw, scope))
            self._remember_line(statement, path, static_lines, index, block.line)
            _merge_statement(statements, statement)
        for index, (raw, bindings) in enumerate(
            instance.blocks({"dynamic": body.get("dynamic")}, "statement", scope)
        ):
            statement = to_json(self._statement(instance, raw, bindings))
            self._remember_line(statement, path, dynamic_lines, index, block.line)
            _merge_statement(statements, statement)
        for source in _ensure_list(instance.value(body.get("override_policy_documents"), scope)):
            self._merge_documents(instance, statements, source)
        document: dict[str, Any] = {
            "Version": instance.value(body.get("version", "2012-10-17"), scope)
        }
        if body.get("policy_id"):
            document["Id"] = instance.value(body["policy_id"], scope)
        document["Statement"] = statements
        origin = _PolicyOrigin(Location(path, block.line), {}, instance.incomplete)
        instance.incomplete = incomplete_before or instance.incomplete
        return to_json(document), origin

    def _remember_line(
        self, statement: Any, path: str, lines: list[int], index: int, default: int
    ) -> None:
        line = lines[index] if index < len(lines) else (lines[-1] if lines else default)
        key = json.dumps(statement, sort_keys=True)
        self.statement_origins.setdefault((path, key), line)
        self.statement_files.setdefault(key, (path, line))

    def _lines_of(self, policy: str, path: str) -> tuple[dict[int, int], dict[int, str]]:
        """Each statement's line in ``path``, or its file and line elsewhere (paths)."""
        statements = _decoded_statements(policy)
        lines: dict[int, int] = {}
        paths: dict[int, str] = {}
        for index, statement in enumerate(statements if isinstance(statements, list) else []):
            key = json.dumps(statement, sort_keys=True)
            line = self.statement_origins.get((path, key))
            if line is not None:
                lines[index] = line
            elif key in self.statement_files:
                paths[index], lines[index] = self.statement_files[key]
        return lines, paths

    def _merge_documents(
        self, instance: Instance, statements: list[dict[str, Any]], source: Any
    ) -> None:
        if isinstance(source, Unknown):
            instance.incomplete = True
            return
        try:
            document = json.loads(source) if isinstance(source, str) else None
        except ValueError:
            document = None
        if not isinstance(document, Mapping):
            instance.incomplete = True
            instance.evaluator.unknown("a source/override policy document that is not JSON")
            return
        for statement in _ensure_list(document.get("Statement")):
            if isinstance(statement, Mapping):
                _merge_statement(statements, dict(statement))

    def _statement(
        self, instance: Instance, raw: Mapping[str, Any], bindings: Sequence[Mapping[str, Any]]
    ) -> dict[str, Any]:
        value = instance.value
        statement: dict[str, Any] = {}
        if raw.get("sid"):
            statement["Sid"] = value(raw["sid"], bindings)
        statement["Effect"] = value(raw.get("effect", "Allow"), bindings)
        for attribute, key in (
            ("actions", "Action"),
            ("not_actions", "NotAction"),
            ("resources", "Resource"),
            ("not_resources", "NotResource"),
        ):
            if attribute in raw:
                statement[key] = _strings(value(raw[attribute], bindings))
        for block_name, key in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
            principal = self._principal(instance, raw, block_name, bindings)
            if principal:
                statement[key] = principal
        conditions: dict[str, dict[str, list[str]]] = {}
        for block, inner in instance.blocks(raw, "condition", bindings):
            test = str(value(block.get("test"), inner))
            variable = str(value(block.get("variable"), inner))
            conditions.setdefault(test, {}).setdefault(variable, []).extend(
                _strings(value(block.get("values"), inner))
            )
        if conditions:
            statement["Condition"] = conditions
        return statement

    @staticmethod
    def _principal(
        instance: Instance,
        raw: Mapping[str, Any],
        block_name: str,
        bindings: Sequence[Mapping[str, Any]],
    ) -> dict[str, list[str]] | str:
        """The ``Principal`` (or ``NotPrincipal``) of the ``principals`` blocks: "*" for
        ``type = "*", identifiers = ["*"]`` alone, else identifiers by type ({} for none)."""
        principal: dict[str, list[str]] = {}
        anyone = False
        for block, inner in instance.blocks(raw, block_name, bindings):
            kind = str(instance.value(block.get("type"), inner))
            identifiers = _strings(instance.value(block.get("identifiers"), inner))
            if kind == "*" and identifiers == ["*"]:
                anyone = True
                continue
            principal.setdefault(kind, []).extend(identifiers)
        return "*" if anyone and not principal else principal

    def policy(
        self,
        instance: Instance,
        site: _Site,
        kind: PolicyKind,
        resource: str,
        *,
        bucket: str | None = None,
        role: str | None = None,
    ) -> PolicyTarget | None:
        block, attribute, raw, scope = site.block, site.attribute, site.raw, site.scope
        ev = instance.evaluator
        saved, ev.unresolved = ev.unresolved, []
        saved_incomplete, instance.incomplete = instance.incomplete, False
        value = instance.value(raw, scope)
        unresolved = tuple(ev.unresolved)
        incomplete = instance.incomplete
        ev.unresolved, instance.incomplete = saved, saved_incomplete
        path = display_path(block.path)
        text = instance.module.texts[block.path]
        attribute_line = _attribute_line(text, block.line, block.end_line, attribute)
        if isinstance(value, Unknown) or value is None:
            self.targets.findings.append(
                Finding(
                    "CR063",
                    resource,
                    f"{attribute} = {_shown(value)} could not be resolved; not audited",
                    Location(path, attribute_line),
                )
            )
            return None
        if not isinstance(value, str):
            value = json.dumps(to_json(value))
        origin = self.origins.get(value)
        if origin is not None:
            location = origin.location
            lines, paths = self._lines_of(value, location.path)
            incomplete = incomplete or origin.incomplete
        else:
            location = Location(path, attribute_line)
            lines = _sid_lines(text, value, block.line, block.end_line, attribute_line)
            paths = {}
        if isinstance(_decoded_statements(value), str):  # Statement is itself unresolved
            incomplete = True
        target = PolicyTarget(
            kind,
            resource,
            parse_policy(
                value,
                resource_policy=kind.is_resource_policy,
                statement_lines=lines,
                statement_paths=paths,
                incomplete=incomplete,
            ),
            location,
            bucket=bucket,
            unresolved=unresolved,
            role=role,
        )
        self.targets.policies.append(target)
        return target

    # --- resources ------------------------------------------------------------------------------
    def _bucket_address(self, value: Any) -> str | None:
        if isinstance(value, Unknown) and ".aws_s3_bucket." in f".{value.address}":
            return value.address
        if isinstance(value, str):
            for address, parts in self.buckets.items():
                if parts.resource.endswith(f"({value})"):
                    return address
        return None

    def _resources(
        self, instance: Instance
    ) -> Iterator[tuple[Block, str, Sequence[Mapping[str, Any]]]]:
        for block in instance.module.blocks:
            if block.kind != "resource":
                continue
            for suffix, scope in instance.instances_of(block):
                yield block, f"{instance.prefix}{block.type}.{block.name}{suffix}", scope

    def _collect_buckets(self, instance: Instance) -> None:
        for block, address, scope in self._resources(instance):
            if block.type == "aws_s3_bucket":
                body = block.body
                name = instance.value(body.get("bucket") or body.get("bucket_prefix") or "", scope)
                label = address if not isinstance(name, str) or not name else f"{address} ({name})"
                # References name the bucket without its index: aws_s3_bucket.this[0].id
                key = f"{instance.prefix}{block.type}.{block.name}"
                self.buckets.setdefault(
                    key, bm.BucketParts(label, Location(display_path(block.path), block.line))
                )
            elif block.type in ("aws_kms_key", "aws_kms_key_policy"):
                self._collect_key(instance, block, address, scope)

    def _collect_key(
        self, instance: Instance, block: Block, address: str, scope: Sequence[Mapping[str, Any]]
    ) -> None:
        if "policy" not in block.body:
            return
        site = _Site(block, "policy", block.body["policy"], scope)
        target = self.policy(instance, site, PolicyKind.KEY, address)
        if target is None:
            return
        if block.type == "aws_kms_key":
            self.key_policies[f"{instance.prefix}{block.type}.{block.name}"] = target.policy
        else:
            key = instance.value(block.body.get("key_id"), scope)
            if isinstance(key, Unknown) and key.address:
                self.key_policies[key.address] = target.policy

    def _collect(self, instance: Instance) -> None:
        for block, address, scope in self._resources(instance):
            body = block.body
            if block.type == "aws_iam_role":
                if "assume_role_policy" in body:
                    site = _Site(block, "assume_role_policy", body["assume_role_policy"], scope)
                    self.policy(instance, site, PolicyKind.TRUST, address)
                for inline, inner in instance.blocks(body, "inline_policy", scope):
                    if "policy" in inline:
                        name = instance.value(inline.get("name", "inline"), inner)
                        site = _Site(block, "policy", inline["policy"], inner)
                        self.policy(instance, site, PolicyKind.IDENTITY, f"{address}/{name}")
            elif block.type in _IDENTITY_POLICY_TYPES and "policy" in body:
                site = _Site(block, "policy", body["policy"], scope)
                role = _attached_role(instance, body, scope)
                self.policy(instance, site, PolicyKind.IDENTITY, address, role=role)
            elif block.type.startswith("aws_s3_bucket_"):
                self._collect_bucket_part(instance, block, address, scope)

    def _collect_bucket_part(
        self, instance: Instance, block: Block, address: str, scope: Sequence[Mapping[str, Any]]
    ) -> None:
        bucket_value = instance.value(block.body.get("bucket"), scope)
        parts = self.buckets.get(self._bucket_address(bucket_value) or "")
        if block.type == "aws_s3_bucket_policy":
            resource = parts.resource if parts is not None else address
            bucket = bucket_value if isinstance(bucket_value, str) else str(bucket_value)
            site = _Site(block, "policy", block.body.get("policy"), scope)
            target = self.policy(instance, site, PolicyKind.BUCKET, resource, bucket=bucket)
            if parts is not None:
                parts.policy = target
            return
        if parts is None:
            self.targets.findings.append(
                Finding(
                    "CR063",
                    address,
                    f"bucket = {_shown(bucket_value)} does not name an aws_s3_bucket in this "
                    "configuration; not audited",
                    Location(display_path(block.path), block.line),
                )
            )
            return
        _apply_bucket_setting(parts, block.type, instance.value(block.body, scope))


def _attached_role(
    instance: Instance, body: Mapping[str, Any], scope: Sequence[Mapping[str, Any]]
) -> str | None:
    """The aws_iam_role an aws_iam_role_policy names (role = aws_iam_role.this[0].id), or None
    for a role it gets by name from elsewhere. Its gaps are not the policy's."""
    ev = instance.evaluator
    saved, ev.unresolved = ev.unresolved, []
    value = instance.value(body.get("role"), scope)
    ev.unresolved = saved
    if isinstance(value, Unknown) and ".aws_iam_role." in f".{value.address}":
        return value.address
    return None


def _apply_bucket_setting(parts: bm.BucketParts, type_: str, values: Any) -> None:
    """One ``aws_s3_bucket_*`` configuration resource onto the bucket it configures."""
    if type_ == "aws_s3_bucket_server_side_encryption_configuration":
        key_ref = ""
        for rule in _ensure_list(values.get("rule")):
            for default in _ensure_list(rule.get("apply_server_side_encryption_by_default")):
                key = default.get("kms_master_key_id")
                if isinstance(key, Unknown):
                    key_ref = key.address or str(key)
        bm.apply_encryption(parts, values, key_ref)
        return
    apply = {
        "aws_s3_bucket_public_access_block": bm.apply_public_access_block,
        "aws_s3_bucket_ownership_controls": bm.apply_ownership,
        "aws_s3_bucket_versioning": bm.apply_versioning,
        "aws_s3_bucket_lifecycle_configuration": bm.apply_lifecycle,
    }.get(type_)
    if apply is not None:
        apply(parts, values)


def _merge_statement(statements: list[dict[str, Any]], statement: dict[str, Any]) -> None:
    sid = statement.get("Sid")
    if sid:
        for index, existing in enumerate(statements):
            if existing.get("Sid") == sid:
                statements[index] = statement
                return
    statements.append(statement)


def _decoded_statements(text: str) -> Any:
    try:
        document = json.loads(text)
    except ValueError:
        return None
    return document.get("Statement") if isinstance(document, Mapping) else None


def _statement_lines(text: str, start: int, end: int) -> tuple[list[int], list[int]]:
    """Lines of the ``statement {`` blocks and of the ``dynamic "statement"`` blocks."""
    lines = text.splitlines()
    static: list[int] = []
    dynamic: list[int] = []
    for number in range(start, min(end, len(lines))):
        if re.match(r"^\s*statement\s*\{", lines[number]):
            static.append(number + 1)
        elif re.match(r'^\s*dynamic\s+"statement"', lines[number]):
            dynamic.append(number + 1)
    return static, dynamic


def _attribute_line(text: str, start: int, end: int, attribute: str) -> int:
    lines = text.splitlines()
    pattern = re.compile(rf"^\s*{re.escape(attribute)}\s*=")
    for number in range(start - 1, min(end, len(lines))):
        if pattern.match(lines[number]):
            return number + 1
    return start


def _sid_lines(text: str, policy: str, start: int, end: int, default: int) -> dict[int, int]:
    statements = _decoded_statements(policy)
    if not isinstance(statements, list):
        return {}
    lines = text.splitlines()
    out: dict[int, int] = {}
    for index, statement in enumerate(statements):
        out[index] = default
        sid = statement.get("Sid") if isinstance(statement, Mapping) else None
        if not sid:
            continue
        for number in range(start - 1, min(end, len(lines))):
            if f'"{sid}"' in lines[number]:
                out[index] = number + 1
                break
    return out


def _shown(value: Any) -> str:
    return f"${{{value.text}}}" if isinstance(value, Unknown) else str(value)


def read_terraform(directory: Path) -> Targets:
    return TerraformReader(directory).read()
