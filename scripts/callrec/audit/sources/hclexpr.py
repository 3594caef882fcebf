"""A small evaluator for the HCL expressions python-hcl2 hands back as ``${...}`` strings.

It covers what policies are written with: literals, templates, object and tuple constructors,
references, ``for`` expressions, conditionals, comparison and logic, and the pure functions
policies use (jsonencode, concat, format, ...). Anything else evaluates to ``Unknown``, which
keeps the expression's text so the auditor can name it instead of guessing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from callrec.audit.policy import UNRESOLVED_MARK


@dataclass(frozen=True)
class Unknown:
    """A value only Terraform can know. ``reportable`` is False for resource attributes and
    caller-identity data, which are known at apply and are not a gap in the audit."""

    text: str
    reportable: bool = True
    address: str = ""  # the absolute address of the resource it refers to, when it does

    def __str__(self) -> str:
        """An apply-time value stays a plain reference; an expression the evaluator could not
        compute is marked, so no rule mistakes it for a value (``policy.is_unresolved``)."""
        if self.reportable:
            return UNRESOLVED_MARK + self.text + "}"
        return "${" + self.text + "}"


class HclSyntaxError(ValueError):
    pass


_TOKEN = re.compile(
    r"""
    (?P<ws>\s+|\#[^\n]*|//[^\n]*|/\*.*?\*/)
  | (?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<string>")
  | (?P<ident>[A-Za-z_][A-Za-z0-9_-]*)
  | (?P<op>\.\.\.|=>|==|!=|<=|>=|&&|\|\||::|[{}\[\]().,=:?<>!+\-*/%])
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass
class _Token:
    kind: str
    text: str
    value: Any = None
    start: int = 0
    end: int = 0


def _scan_string(source: str, start: int) -> int:
    """Index just past the closing quote of the string whose opening quote is at ``start``."""
    position = start + 1
    depth = 0
    while position < len(source):
        char = source[position]
        if char == "\\":
            position += 2
            continue
        if depth == 0 and char == '"':
            return position + 1
        opens = source.startswith(("${", "%{"), position)
        if opens and not (position and source[position - 1] == "$"):
            depth += 1
            position += 2
            continue
        if depth and char == '"':
            position = _scan_string(source, position)
            continue
        if depth and char == "{":
            depth += 1
        elif depth and char == "}":
            depth -= 1
        position += 1
    raise HclSyntaxError("unterminated string")


def tokenize(source: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(source):
        match = _TOKEN.match(source, position)
        if match is None:
            raise HclSyntaxError(f"unexpected character {source[position]!r}")
        kind = match.lastgroup or ""
        if kind == "string":
            end = _scan_string(source, position)
            tokens.append(
                _Token(
                    "string", source[position:end], source[position + 1 : end - 1], position, end
                )
            )
            position = end
            continue
        position = match.end()
        if kind == "ws":
            continue
        text = match.group()
        value: Any = None
        if kind == "number":
            value = float(text) if any(c in text for c in ".eE") else int(text)
        tokens.append(_Token(kind, text, value, match.start(), match.end()))
    tokens.append(_Token("eof", "", None, len(source), len(source)))
    return tokens


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def unescape(text: str) -> str:
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            nxt = text[index + 1]
            if nxt == "u" and index + 5 < len(text):
                out.append(chr(int(text[index + 2 : index + 6], 16)))
                index += 6
                continue
            out.append(_ESCAPES.get(nxt, nxt))
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)


Scope = Callable[[str, list[Any], str], Any]
Fallback = Callable[[str, list[Any]], Any]


@dataclass
class Gaps:
    """Where unresolved expressions are recorded; evaluators of one configuration share it.

    ``errors`` are the ones Terraform itself would fail on (an attribute or index a known value
    lacks): the only gaps ``try()`` may skip. Any other gap is something the evaluator cannot
    compute, which Terraform may well evaluate.
    """

    items: list[str] = field(default_factory=list)
    errors: set[str] = field(default_factory=set)


@dataclass
class Evaluator:
    """Evaluates expressions and templates; ``resolve(root, path, text)`` answers references."""

    resolve: Scope
    gaps: Gaps = field(default_factory=Gaps)
    # Asked for a function this module does not implement, when every argument is known
    # (``name, args -> value``, raising ValueError to decline). The auditor sets none.
    fallback: Fallback | None = None

    @property
    def unresolved(self) -> list[str]:
        return self.gaps.items

    @unresolved.setter
    def unresolved(self, items: list[str]) -> None:
        self.gaps.items = items

    def unknown(self, text: str, reportable: bool = True) -> Unknown:
        if reportable and text not in self.unresolved:
            self.unresolved.append(text)
        return Unknown(text, reportable)

    def error(self, text: str) -> Unknown:
        """A lookup Terraform would refuse too (e.g. an attribute a known object lacks)."""
        self.gaps.errors.add(text)
        return self.unknown(text)

    # --- templates ---------------------------------------------------------------------------
    def template(self, body: str, bindings: Sequence[Mapping[str, Any]] = ()) -> Any:
        """Evaluate a quoted template's body. A lone ``${expr}`` keeps the expression's type."""
        try:
            parts = _split_template(body)
        except HclSyntaxError:
            return self.unknown(body)
        if len(parts) == 1 and parts[0][0] == "expr":
            return self.expression(parts[0][1], bindings)
        out: list[str] = []
        for kind, text in parts:
            if kind == "lit":
                out.append(unescape(text))
            elif kind == "directive":
                return self.unknown("%{" + text + "}")
            else:
                out.append(to_template_string(self.expression(text, bindings)))
        return "".join(out)

    def expression(self, source: str, bindings: Sequence[Mapping[str, Any]] = ()) -> Any:
        try:
            parser = _Parser(tokenize(source), source, self)
            parser.bindings = list(bindings)
            value = parser.parse_expression()
            parser.expect("eof")
        except HclSyntaxError:
            return self.unknown(source.strip())
        return value


def to_template_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str | int | float | Unknown):
        return str(value)
    return str(Unknown(json.dumps(to_json(value))))


def to_json(value: Any) -> Any:
    """Plain JSON data; Unknown values become their ``${...}`` text."""
    if isinstance(value, Unknown):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    return value


def _split_template(body: str) -> list[tuple[str, str]]:
    parts: list[tuple[str, str]] = []
    literal: list[str] = []
    index = 0
    while index < len(body):
        if body.startswith("$${", index) or body.startswith("%%{", index):
            literal.append(body[index + 1 : index + 3])
            index += 3
            continue
        if body.startswith("${", index) or body.startswith("%{", index):
            end = _matching_brace(body, index + 1)
            if literal:
                parts.append(("lit", "".join(literal)))
                literal = []
            inner = body[index + 2 : end].strip().strip("~").strip()
            parts.append(("expr" if body[index] == "$" else "directive", inner))
            index = end + 1
            continue
        literal.append(body[index])
        index += 1
    if literal or not parts:
        parts.append(("lit", "".join(literal)))
    return parts


def _matching_brace(text: str, open_index: int) -> int:
    depth = 0
    index = open_index
    while index < len(text):
        char = text[index]
        if char == '"':
            index = _scan_string(text, index)
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    raise HclSyntaxError("unbalanced braces in template")


def _is_unknown(*values: Any) -> Unknown | None:
    for value in values:
        if isinstance(value, Unknown):
            return value
    return None


def _fully_known(value: Any) -> bool:
    """No unknown anywhere, not even a reference inside a string."""
    if isinstance(value, Unknown):
        return False
    if isinstance(value, str):
        return "${" not in value
    if isinstance(value, Mapping):
        return all(_fully_known(v) for v in value.values())
    if isinstance(value, list | tuple):
        return all(_fully_known(v) for v in value)
    return True


def _flatten(value: Any) -> list[Any]:
    out: list[Any] = []
    for item in value:
        if isinstance(item, list):
            out.extend(_flatten(item))
        else:
            out.append(item)
    return out


def _format_value(verb: str, value: Any) -> str:
    if verb == "d":
        if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
            raise ValueError("%d needs a whole number")
        return str(int(value))
    if value is None or isinstance(value, Mapping | list | tuple):
        raise ValueError(f"%{verb} of a collection or null is not evaluated here")
    return to_template_string(value)


def _format(spec: str, *args: Any) -> str:
    """Terraform's format() for the verbs policies use: %s, %v, %d and %%. Any other verb, a
    flag, a width or an explicit argument index, or too few or too many arguments (Terraform
    refuses those), declines with ValueError rather than print them literally. An apply-time
    argument is interpolated as a template interpolates it."""
    out: list[str] = []
    position, used = 0, 0
    while position < len(spec):
        if spec[position] != "%":
            out.append(spec[position])
            position += 1
            continue
        verb = spec[position + 1 : position + 2]
        position += 2
        if verb == "%":
            out.append("%")
            continue
        if verb not in ("s", "v", "d") or used >= len(args):
            raise ValueError(f"format verb %{verb} is not evaluated here")
        out.append(_format_value(verb, args[used]))
        used += 1
    if used != len(args):
        raise ValueError("format: more arguments than verbs")
    return "".join(out)


def _merge(*maps: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in maps:
        out.update(item)
    return out


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "jsonencode": lambda v: json.dumps(to_json(v), separators=(",", ":")),
    "jsondecode": json.loads,
    "concat": lambda *lists: [x for lst in lists for x in lst],
    "flatten": _flatten,
    "distinct": lambda lst: (
        list(dict.fromkeys(json.dumps(to_json(x)) for x in lst))
        and [json.loads(x) for x in dict.fromkeys(json.dumps(to_json(x)) for x in lst)]
    ),
    "compact": lambda lst: [x for x in lst if x not in ("", None)],
    "toset": lambda lst: list(dict.fromkeys(lst)),
    "tolist": list,
    "tostring": to_template_string,
    "tomap": dict,
    "length": len,
    "lower": str.lower,
    "upper": str.upper,
    "format": _format,
    "join": lambda sep, lst: sep.join(to_template_string(x) for x in lst),
    "split": lambda sep, s: s.split(sep),
    "merge": _merge,
    "coalesce": lambda *args: next((a for a in args if a not in (None, "")), None),
    "keys": sorted,
    "values": lambda m: [m[k] for k in sorted(m)],
    "contains": lambda lst, v: v in lst,
    "replace": lambda s, old, new: s.replace(old, new),
    "trimsuffix": lambda s, suffix: s.removesuffix(suffix),
    "trimprefix": lambda s, prefix: s.removeprefix(prefix),
    # Terraform's sort: strings only, lexicographic by Unicode code point.
    "sort": lambda lst: sorted(to_template_string(x) for x in lst),
    "reverse": lambda lst: list(reversed(lst)),
    "substr": lambda s, offset, length: _substr(str(s), int(offset), int(length)),
}


def _substr(text: str, offset: int, length: int) -> str:
    """Terraform's substr: ``length`` -1 means to the end; a negative offset counts from it."""
    start = offset if offset >= 0 else max(0, len(text) + offset)
    return text[start:] if length == -1 else text[start : start + length]


# Functions that take apply-time arguments as a template does (the reference is kept in the
# text); any other function of an apply-time value is itself an apply-time value.
_INTERPOLATING = frozenset({"jsonencode", "format"})


class _Parser:
    def __init__(self, tokens: list[_Token], source: str, evaluator: Evaluator) -> None:
        self.tokens = tokens
        self.position = 0
        self.source = source
        self.ev = evaluator
        self.bindings: list[Mapping[str, Any]] = []

    # --- token helpers -----------------------------------------------------------------------
    def peek(self, offset: int = 0) -> _Token:
        return self.tokens[min(self.position + offset, len(self.tokens) - 1)]

    def take(self) -> _Token:
        token = self.peek()
        self.position += 1
        return token

    def accept(self, text: str) -> bool:
        if self.peek().text == text and self.peek().kind != "string":
            self.position += 1
            return True
        return False

    def expect(self, text_or_kind: str) -> _Token:
        token = self.take()
        if text_or_kind not in (token.text, token.kind):
            raise HclSyntaxError(f"expected {text_or_kind!r}, got {token.text!r}")
        return token

    # --- grammar -----------------------------------------------------------------------------
    def parse_expression(self) -> Any:
        start = self.position
        condition = self.binary(0)
        if self.accept("?"):
            yes = self.parse_expression()
            self.expect(":")
            no = self.parse_expression()
            if not isinstance(condition, Unknown):
                return yes if condition else no
            if to_json(yes) == to_json(no):
                return yes
            # Either branch may be the value: naming it is the only honest answer.
            return self.ev.unknown(self.text_from(start))
        return condition

    _LEVELS: Sequence[tuple[str, ...]] = (
        ("||",),
        ("&&",),
        ("==", "!="),
        ("<", ">", "<=", ">="),
        ("+", "-"),
        ("*", "/", "%"),
    )

    def binary(self, level: int) -> Any:
        if level == len(self._LEVELS):
            return self.unary()
        left = self.binary(level + 1)
        while self.peek().kind == "op" and self.peek().text in self._LEVELS[level]:
            operator = self.take().text
            right = self.binary(level + 1)
            left = self.apply(operator, left, right)
        return left

    def apply(self, operator: str, left: Any, right: Any) -> Any:
        unknown = _is_unknown(left, right)
        if unknown is not None:
            other = right if unknown is left else left
            if operator in ("==", "!=") and other is None and unknown.address:
                # A resource attribute such as an ARN or id is never null once applied.
                return operator == "!="
            return self.derived(f"{operator} with {unknown.text}", unknown)
        operations: dict[str, Callable[[Any, Any], Any]] = {
            "||": lambda a, b: bool(a) or bool(b),
            "&&": lambda a, b: bool(a) and bool(b),
            "==": lambda a, b: a == b,
            "!=": lambda a, b: a != b,
            "<": lambda a, b: a < b,
            ">": lambda a, b: a > b,
            "<=": lambda a, b: a <= b,
            ">=": lambda a, b: a >= b,
            "+": lambda a, b: a + b,
            "-": lambda a, b: a - b,
            "*": lambda a, b: a * b,
            "/": lambda a, b: a / b,
            "%": lambda a, b: a % b,
        }
        try:
            return operations[operator](left, right)
        except (TypeError, ZeroDivisionError):
            return self.ev.unknown(f"{left!r} {operator} {right!r}")

    def unary(self) -> Any:
        if self.accept("!"):
            value = self.unary()
            return value if isinstance(value, Unknown) else not value
        if self.accept("-"):
            value = self.unary()
            return value if isinstance(value, Unknown) else -value
        return self.postfix()

    def postfix(self) -> Any:
        start = self.position
        token = self.peek()
        if token.kind == "ident" and token.text not in ("true", "false", "null", "for"):
            if self.peek(1).text == "(":
                value = self.call()
            else:
                return self.traversal()
        else:
            value = self.primary()
        while True:
            if self.accept("."):
                name = self.take()
                value = self.attribute(value, name.text, start)
            elif self.peek().text == "[":
                self.take()
                if self.accept("*"):
                    self.expect("]")
                    value = self.ev.unknown(self.text_from(start))
                    continue
                index = self.parse_expression()
                self.expect("]")
                value = self.index(value, index, start)
            else:
                return value

    def text_from(self, start: int) -> str:
        first = self.tokens[start]
        last = self.tokens[max(start, self.position - 1)]
        return self.source[first.start : last.end]

    def attribute(self, value: Any, name: str, start: int) -> Any:
        if isinstance(value, Mapping) and name in value:
            return value[name]
        if isinstance(value, Unknown):
            return Unknown(f"{value.text}.{name}", value.reportable, value.address)
        return self.ev.error(self.text_from(start))

    def index(self, value: Any, index: Any, start: int) -> Any:
        if isinstance(value, Unknown) or isinstance(index, Unknown):
            return self.ev.unknown(self.text_from(start))
        try:
            return value[index]
        except (KeyError, IndexError, TypeError):
            return self.ev.error(self.text_from(start))

    def traversal(self) -> Any:
        start = self.position
        root = self.take().text
        path: list[Any] = []
        while True:
            if self.peek().text == "." and self.peek(1).kind in ("ident", "number"):
                self.take()
                segment = self.take()
                path.append(segment.value if segment.kind == "number" else segment.text)
            elif self.peek().text == "[" and self.peek(1).text != "*":
                self.take()
                path.append(self.parse_expression())
                self.expect("]")
            elif self.peek().text in ("[", ".") and self.peek(1).text == "*":
                self.take()
                self.take()
                if self.peek().text == "]":
                    self.take()
                return self.ev.unknown(f"{self.text_from(start)} (splat)")
            else:
                break
        text = self.text_from(start)
        for binding in reversed(self.bindings):
            if root in binding:
                value = binding[root]
                for segment in path:
                    value = self.index(value, segment, start)
                return value
        return self.ev.resolve(root, path, text)

    def call(self) -> Any:
        start = self.position
        name = self.take().text
        self.expect("(")
        args: list[Any] = []
        gaps: list[list[str]] = []  # the unresolved expressions of each argument
        outer = self.ev.unresolved
        while not self.accept(")"):
            self.ev.unresolved = []
            args.append(self.parse_expression())
            gaps.append(self.ev.unresolved)
            self.accept("...")
            if not self.accept(","):
                self.expect(")")
                break
        self.ev.unresolved = outer
        text = self.text_from(start)
        if name in ("try", "coalesce"):
            return self.first_usable(name, args, gaps, text)
        for gap in gaps:
            self.ev.unresolved.extend(g for g in gap if g not in self.ev.unresolved)
        function = FUNCTIONS.get(name)
        if function is None:
            return self.fallback_call(name, args, text)
        unknown = _is_unknown(*args)
        if unknown is not None and name not in _INTERPOLATING:
            return self.derived(text, unknown)
        try:
            return function(*args)
        except (TypeError, ValueError, KeyError, IndexError):
            return self.fallback_call(name, args, text, "could not be evaluated here")

    def fallback_call(
        self,
        name: str,
        args: list[Any],
        text: str,
        why: str = "is not a function this evaluator implements",
    ) -> Any:
        """A function this evaluator lacks (or declines on these arguments): the fallback's
        answer on known arguments, else the call is named, with its arguments, as written
        (never guessed)."""
        fallback = self.ev.fallback
        if fallback is not None and all(_fully_known(a) for a in args):
            try:
                return fallback(name, [to_json(a) for a in args])
            except ValueError:  # the fallback declined: the call stays unresolved
                pass
        return self.ev.unknown(f"{text} ({name} {why})")

    def derived(self, text: str, cause: Unknown) -> Unknown:
        """An Unknown computed from another: its cause is already recorded, if reportable."""
        return Unknown(text, cause.reportable)

    def first_usable(self, name: str, args: list[Any], gaps: list[list[str]], text: str) -> Any:
        """try(): the first argument that evaluated without a gap, skipping only those that
        Terraform would fail on too; coalesce(): the first that is neither null nor empty. An
        apply-time value counts as usable."""
        for value, gap in zip(args, gaps, strict=True):
            if name == "try" and (gap or (isinstance(value, Unknown) and value.reportable)):
                if gap and set(gap) <= self.ev.gaps.errors:
                    continue
                # Not computed here, not known to fail in Terraform: try() would return it.
                self.ev.unresolved.extend(g for g in gap if g not in self.ev.unresolved)
                return self.ev.unknown(text)
            if name == "coalesce" and (value is None or value == ""):
                continue
            self.ev.unresolved.extend(g for g in gap if g not in self.ev.unresolved)
            return value
        for gap in gaps:
            self.ev.unresolved.extend(g for g in gap if g not in self.ev.unresolved)
        return self.ev.unknown(f"{name}(...)") if name == "try" else None

    def primary(self) -> Any:
        token = self.take()
        if token.kind == "number":
            return token.value
        if token.kind == "string":
            return self.ev.template(token.value, self.bindings)
        if token.kind == "ident":
            return {"true": True, "false": False, "null": None}[token.text]
        if token.text == "(":
            value = self.parse_expression()
            self.expect(")")
            return value
        if token.text == "[":
            return self.tuple_or_for()
        if token.text == "{":
            return self.object_or_for()
        raise HclSyntaxError(f"unexpected {token.text!r}")

    def tuple_or_for(self) -> Any:
        if self.peek().text == "for":
            return self.for_expression("]")
        items: list[Any] = []
        while not self.accept("]"):
            items.append(self.parse_expression())
            if not self.accept(","):
                self.expect("]")
                break
        return items

    def object_key(self) -> Any:
        token = self.peek()
        if token.kind == "ident" and self.peek(1).text in ("=", ":"):
            self.take()
            return token.text
        return self.parse_expression()

    def object_or_for(self) -> Any:
        if self.peek().text == "for":
            return self.for_expression("}")
        result: dict[str, Any] = {}
        while not self.accept("}"):
            key = self.object_key()
            if not (self.accept("=") or self.accept(":")):
                raise HclSyntaxError("expected = in object")
            value = self.parse_expression()
            result[to_template_string(key)] = value
            self.accept(",")
        return result

    def for_expression(self, closer: str) -> Any:
        self.expect("for")
        names = [self.expect("ident").text]
        if self.accept(","):
            names.append(self.expect("ident").text)
        self.expect("in")
        collection = self.parse_expression()
        self.expect(":")
        body = self._skip_for_body(closer)
        self.expect(closer)
        if isinstance(collection, Unknown):
            # An apply-time collection (a resource's for_each, say) has elements nobody knows.
            return self.ev.unknown(f"for expression over {collection.text}")
        items: list[tuple[Any, Any]] = (
            list(collection.items())
            if isinstance(collection, Mapping)
            else list(enumerate(collection))
        )
        results_list: list[Any] = []
        results_map: dict[str, Any] = {}
        for key, value in items:
            binding = {names[0]: value} if len(names) == 1 else {names[0]: key, names[1]: value}
            produced = self._for_item(body, binding, closer)
            if isinstance(produced, Unknown):
                return produced
            if produced is None:
                continue
            if closer == "}":
                results_map[to_template_string(produced[0])] = produced[1]
            else:
                results_list.append(produced[1])
        return results_map if closer == "}" else results_list

    def _skip_for_body(self, closer: str) -> tuple[int, int]:
        """The token range of a for body, found without evaluating it."""
        start = self.position
        depth = 0
        while True:
            token = self.peek()
            if token.kind == "eof":
                raise HclSyntaxError("unterminated for expression")
            if token.kind == "op" and token.text in ("[", "{", "("):
                depth += 1
            elif token.kind == "op" and token.text in ("]", "}", ")"):
                if depth == 0 and token.text == closer:
                    return start, self.position
                depth -= 1
            self.take()

    def _for_item(
        self, body: tuple[int, int], binding: Mapping[str, Any], closer: str
    ) -> tuple[Any, Any] | Unknown | None:
        """(key, value) of one element (key None in a tuple); None when its ``if`` is false."""
        eof = _Token("eof", "", None, len(self.source), len(self.source))
        sub = _Parser([*self.tokens[body[0] : body[1]], eof], self.source, self.ev)
        sub.bindings = [*self.bindings, binding]
        key: Any = None
        if closer == "}":
            key = sub.parse_expression()
            sub.expect("=>")
        item = sub.parse_expression()
        if sub.accept("if"):
            keep = sub.parse_expression()
            if isinstance(keep, Unknown):
                return self.ev.unknown(f"for expression filtered by {keep.text}")
            if not keep:
                return None
        return key, item
