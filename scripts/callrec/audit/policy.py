"""A normalised, read-only model of an IAM policy document, and the parser that builds it.

Parsing never raises on a bad document: structural problems come back as ``Problem`` records
(rule id + message) next to whatever could be understood, so a malformed document becomes a
finding instead of a crash.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from callrec.audit.conditions import ParsedOperator, parse_operator

CURRENT_VERSION = "2012-10-17"
KNOWN_VERSIONS = frozenset({"2012-10-17", "2008-10-17"})
_REFERENCE = re.compile(r"\$\{[^}]*\}")
# How the Terraform reader writes an expression it could not evaluate (as opposed to a value
# known only at apply, such as a resource's ARN, which stays a plain ``${...}`` reference).
UNRESOLVED_MARK = "${unresolved:"


def literal_text(value: str) -> str:
    """The value without its unresolved ``${...}`` references (which may contain ``*``)."""
    return _REFERENCE.sub("", value)


def is_unresolved(value: str) -> bool:
    """True when the value holds an expression the static reader could not evaluate."""
    return UNRESOLVED_MARK in value


def unresolved_expressions(value: str) -> list[str]:
    """The expressions behind each unresolved mark in the value, as the reader wrote them."""
    found: list[str] = []
    start = value.find(UNRESOLVED_MARK)
    while start >= 0:
        depth, index = 1, start + len(UNRESOLVED_MARK)
        while index < len(value) and depth:
            depth += {"{": 1, "}": -1}.get(value[index], 0)
            index += 1
        found.append(value[start + len(UNRESOLVED_MARK) : index - 1])
        start = value.find(UNRESOLVED_MARK, index)
    return found


def is_symbolic(value: str) -> bool:
    """True when the value still contains a Terraform reference known only at apply time."""
    return bool(_REFERENCE.search(value))


@dataclass(frozen=True)
class Principals:
    """``Principal`` normalised: ``"*"`` and ``{"AWS": "*"}`` both set ``anyone``."""

    anyone: bool = False
    services: tuple[str, ...] = ()
    aws: tuple[str, ...] = ()
    federated: tuple[str, ...] = ()
    canonical_users: tuple[str, ...] = ()
    # Principal types the static reader could not compute, with their identifiers: the
    # statement is then reported as unresolved, not as malformed.
    unresolved: tuple[str, ...] = ()

    def describe(self) -> str:
        parts: list[str] = []
        if self.anyone:
            parts.append("*")
        parts += [f"Service:{s}" for s in self.services]
        parts += [f"AWS:{a}" for a in self.aws]
        parts += [f"Federated:{f}" for f in self.federated]
        parts += [f"CanonicalUser:{c}" for c in self.canonical_users]
        return ", ".join(parts)


@dataclass(frozen=True)
class ConditionClause:
    operator: ParsedOperator
    key: str
    values: tuple[str, ...]

    @property
    def key_lower(self) -> str:
        return self.key.lower()


@dataclass(frozen=True)
class Statement:
    index: int
    sid: str
    effect: str
    principals: Principals | None
    not_principals: Principals | None
    actions: tuple[str, ...]
    not_actions: tuple[str, ...]
    resources: tuple[str, ...]
    not_resources: tuple[str, ...]
    conditions: tuple[ConditionClause, ...]
    line: int | None = None
    # The file the statement is written in when it is not the policy's own (a Terraform
    # document merged from another module's source_policy_documents); ``line`` is in it.
    path: str | None = None

    @property
    def label(self) -> str:
        return self.sid or f"Statement[{self.index}]"

    @property
    def is_allow(self) -> bool:
        return self.effect == "Allow"

    @property
    def is_deny(self) -> bool:
        return self.effect == "Deny"

    def clauses_for(self, key: str) -> list[ConditionClause]:
        lowered = key.lower()
        return [c for c in self.conditions if c.key_lower == lowered]

    def strings(self) -> list[str]:
        """Every string the statement holds (to find what the reader could not compute)."""
        out = [self.sid, self.effect, *self.actions, *self.not_actions]
        out += [*self.resources, *self.not_resources]
        for principals in (self.principals, self.not_principals):
            if principals is not None:
                out += [*principals.services, *principals.aws, *principals.federated]
                out += [*principals.canonical_users, *principals.unresolved]
        for clause in self.conditions:
            out += [clause.key, clause.operator.raw, *clause.values]
        return out

    def unresolved(self) -> list[str]:
        """The expressions in this statement that the static reader could not evaluate."""
        found: list[str] = []
        for value in self.strings():
            found += [e for e in unresolved_expressions(value) if e not in found]
        return found


@dataclass(frozen=True)
class Problem:
    rule_id: str
    message: str
    statement: str = ""


@dataclass(frozen=True)
class Policy:
    version: str | None
    statements: tuple[Statement, ...]
    problems: tuple[Problem, ...] = ()
    raw: Any = None
    incomplete: bool = False  # some parts could not be resolved statically
    extra: Mapping[str, Any] = field(default_factory=dict)


def _strings(value: Any) -> tuple[str, ...] | None:
    """A string or list of strings as a tuple; None when the shape is wrong."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


def _scalar_strings(value: Any) -> tuple[str, ...] | None:
    """Condition values: strings, numbers and booleans (rendered as IAM sees them)."""
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        if isinstance(item, bool):
            out.append("true" if item else "false")
        elif isinstance(item, int | float | str):
            out.append(str(item))
        else:
            return None
    return tuple(out)


def _principals(value: Any) -> Principals | None:
    if value == "*":
        return Principals(anyone=True)
    if not isinstance(value, Mapping):
        return None
    buckets: dict[str, list[str]] = {"aws": [], "service": [], "federated": [], "canonicaluser": []}
    anyone = False
    unresolved: list[str] = []
    for kind, raw in value.items():
        values = _strings(raw)
        if is_unresolved(str(kind)):
            unresolved += [str(kind), *(values or ())]
            continue
        if values is None or str(kind).lower() not in buckets:
            return None
        for item in values:
            if kind.lower() == "aws" and item == "*":
                anyone = True
            else:
                buckets[kind.lower()].append(item)
    return Principals(
        anyone=anyone,
        services=tuple(buckets["service"]),
        aws=tuple(buckets["aws"]),
        federated=tuple(buckets["federated"]),
        canonical_users=tuple(buckets["canonicaluser"]),
        unresolved=tuple(unresolved),
    )


def _conditions(raw: Any, label: str, problems: list[Problem]) -> tuple[ConditionClause, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, Mapping):
        problems.append(Problem("CR060", "Condition is not an object", label))
        return ()
    clauses: list[ConditionClause] = []
    for operator_name, block in raw.items():
        operator = parse_operator(str(operator_name))
        if not operator.known:
            hint = f" (did you mean {operator.suggestion!r}? operators are case-sensitive)"
            problems.append(
                Problem(
                    "CR062",
                    f"unknown condition operator {operator_name!r}"
                    + (hint if operator.suggestion else ""),
                    label,
                )
            )
        if not isinstance(block, Mapping) or not block:
            problems.append(
                Problem("CR060", f"condition {operator_name!r} must map keys to values", label)
            )
            continue
        for key, values in block.items():
            parsed = _scalar_strings(values)
            if parsed is None or not parsed:
                problems.append(
                    Problem("CR060", f"condition {operator_name}/{key} has no usable values", label)
                )
                continue
            clauses.append(ConditionClause(operator, str(key), parsed))
    return tuple(clauses)


def _element(
    raw: Mapping[str, Any], name: str, label: str, problems: list[Problem]
) -> tuple[str, ...]:
    if name not in raw:
        return ()
    values = _strings(raw[name])
    if values is None or not values:
        problems.append(Problem("CR060", f"{name} must be a string or a non-empty list", label))
        return ()
    return values


def _statement(
    index: int,
    raw: Any,
    problems: list[Problem],
    *,
    resource_policy: bool,
    line: int | None,
    path: str | None = None,
) -> Statement | None:
    label = f"Statement[{index}]"
    if not isinstance(raw, Mapping):
        problems.append(Problem("CR060", "statement is not an object", label))
        return None
    sid = raw.get("Sid", "")
    if not isinstance(sid, str):
        problems.append(Problem("CR060", "Sid must be a string", label))
        sid = ""
    label = sid or label
    if not raw:
        problems.append(Problem("CR060", "empty statement", label))
        return None
    effect = raw.get("Effect")
    if effect not in ("Allow", "Deny"):
        problems.append(
            Problem("CR060", f'Effect must be "Allow" or "Deny", got {effect!r}', label)
        )
    principals, not_principals = _statement_principals(raw, label, problems, resource_policy)
    actions, not_actions = _paired(raw, "Action", label, problems)
    resources, not_resources = _paired(raw, "Resource", label, problems)
    if not resources and not not_resources and not _is_trust_statement(actions):
        problems.append(Problem("CR060", "statement has neither Resource nor NotResource", label))
    return Statement(
        index=index,
        sid=sid,
        effect=str(effect),
        principals=principals,
        not_principals=not_principals,
        actions=actions,
        not_actions=not_actions,
        resources=resources,
        not_resources=not_resources,
        conditions=_conditions(raw.get("Condition"), label, problems),
        line=line,
        path=path,
    )


def _statement_principals(
    raw: Mapping[str, Any], label: str, problems: list[Problem], resource_policy: bool
) -> tuple[Principals | None, Principals | None]:
    found: list[Principals | None] = []
    for name in ("Principal", "NotPrincipal"):
        principals = _principals(raw[name]) if name in raw else None
        if name in raw and principals is None:
            problems.append(Problem("CR060", f"{name} has an unrecognised shape", label))
        found.append(principals)
    if resource_policy and "Principal" not in raw and "NotPrincipal" not in raw:
        problems.append(Problem("CR060", "resource policy statement has no Principal", label))
    return found[0], found[1]


def _paired(
    raw: Mapping[str, Any], name: str, label: str, problems: list[Problem]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``Action``/``NotAction`` (or ``Resource``/``NotResource``): both read, both checked."""
    positive = _element(raw, name, label, problems)
    negative = _element(raw, f"Not{name}", label, problems)
    if name == "Action":
        if not positive and not negative:
            problems.append(Problem("CR060", "statement has neither Action nor NotAction", label))
        if name in raw and f"Not{name}" in raw:
            problems.append(Problem("CR060", "statement has both Action and NotAction", label))
    return positive, negative


def _is_trust_statement(actions: Iterable[str]) -> bool:
    return any(a.lower().startswith("sts:") for a in actions)


def _check_version(version: Any, problems: list[Problem]) -> None:
    if version is None:
        problems.append(Problem("CR061", 'no Version (IAM falls back to "2008-10-17")'))
    elif version not in KNOWN_VERSIONS:
        problems.append(Problem("CR060", f"Version {version!r} is not a policy language version"))
    elif version != CURRENT_VERSION:
        problems.append(Problem("CR061", f"Version {version!r} is the old language"))


def _statement_list(value: Any, problems: list[Problem]) -> list[Any]:
    if isinstance(value, Mapping):
        value = [value]
    if not isinstance(value, list) or not value:
        problems.append(Problem("CR060", "Statement is missing or empty"))
        return []
    return value


def parse_policy(
    document: Any,
    *,
    resource_policy: bool,
    statement_lines: Mapping[int, int] | None = None,
    statement_paths: Mapping[int, str] | None = None,
    incomplete: bool = False,
) -> Policy:
    """Build the model from a JSON text or an already-decoded object."""
    problems: list[Problem] = []
    raw = document
    if isinstance(document, str | bytes):
        try:
            raw = json.loads(document)
        except ValueError as error:
            return Policy(None, (), (Problem("CR060", f"not valid JSON: {error}"),), document)
    if not isinstance(raw, Mapping):
        return Policy(None, (), (Problem("CR060", "the document is not a JSON object"),), raw)
    version = raw.get("Version")
    _check_version(version, problems)
    statements_raw = _statement_list(raw.get("Statement"), problems)
    statements: list[Statement] = []
    lines = statement_lines or {}
    paths = statement_paths or {}
    for index, item in enumerate(statements_raw):
        statement = _statement(
            index,
            item,
            problems,
            resource_policy=resource_policy,
            line=lines.get(index),
            path=paths.get(index),
        )
        if statement is not None:
            statements.append(statement)
    return Policy(
        str(version) if version is not None else None,
        tuple(statements),
        tuple(problems),
        raw,
        incomplete,
    )
