"""``--policy-file FILE``: one policy document in JSON."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from callrec.audit.engine import Targets
from callrec.audit.errors import AuditInputError
from callrec.audit.findings import Location
from callrec.audit.policy import Policy, parse_policy
from callrec.audit.sources.paths import display_path
from callrec.audit.targets import PolicyKind, PolicyTarget

S3_ARN_PREFIX = "arn:aws:s3:::"


def statement_lines(text: str) -> dict[int, int]:
    """1-based line of each element of the top-level "Statement" array of a JSON text."""
    start = text.find('"Statement"')
    if start < 0:
        return {}
    bracket = text.find("[", start)
    brace = text.find("{", start)
    if bracket < 0 or (0 <= brace < bracket):
        return {0: text.count("\n", 0, brace) + 1} if brace >= 0 else {}
    lines: dict[int, int] = {}
    depth = 0
    for position, char in _structure(text, bracket + 1):
        if char in "{[":
            if depth == 0:
                lines[len(lines)] = text.count("\n", 0, position) + 1
            depth += 1
        elif depth == 0:
            break
        else:
            depth -= 1
    return lines


def _structure(text: str, start: int) -> Iterator[tuple[int, str]]:
    """(position, bracket) of every bracket or brace from ``start`` that is not in a string."""
    in_string = escaped = False
    for position in range(start, len(text)):
        char = text[position]
        if in_string:
            in_string = escaped or char != '"'
            escaped = not escaped and char == "\\"
        elif char == '"':
            in_string = True
        elif char in "{}[]":
            yield position, char


def read_policy_file(path: Path) -> Targets:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AuditInputError(
            f"policy file {path} does not exist", hint="check the path given to --policy-file"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise AuditInputError(
            f"cannot read policy file {path}: {error}", hint="pass a readable UTF-8 JSON file"
        ) from None
    text = _unwrapped(text)
    policy, kind = _classify(text)
    bucket = _bucket_of(policy) if kind is PolicyKind.DOCUMENT else None
    if bucket is not None:
        kind = PolicyKind.BUCKET
    shown = display_path(path)
    targets = Targets()
    targets.policies.append(PolicyTarget(kind, shown, policy, Location(shown, 1), bucket=bucket))
    return targets


def _unwrapped(text: str) -> str:
    """The document inside ``aws lambda get-policy`` / ``aws s3api get-bucket-policy`` output
    (``{"Policy": "<the policy as a JSON string>", ...}``), else the text as it is."""
    try:
        document = json.loads(text)
    except ValueError:
        return text
    inner = document.get("Policy") if isinstance(document, dict) else None
    if isinstance(inner, str) and "Statement" not in document:
        return inner
    return text


def _classify(text: str) -> tuple[Policy, PolicyKind]:
    """What kind of policy a file is, from its statements (IAM User Guide, "Identity-based
    policies and resource-based policies": only resource policies name a Principal)."""
    has_principal = '"Principal"' in text or '"NotPrincipal"' in text
    if not has_principal and text.strip():
        return parse_policy(text, resource_policy=False, statement_lines=statement_lines(text)), (
            PolicyKind.IDENTITY
        )
    policy = parse_policy(text, resource_policy=True, statement_lines=statement_lines(text))
    services = _action_services(policy)
    if services <= {"s3"}:
        return policy, PolicyKind.DOCUMENT
    if services == {"sts"}:
        return policy, PolicyKind.TRUST
    if services == {"kms"}:
        return policy, PolicyKind.KEY
    # A Lambda function's, a Lex bot's, a topic's or a queue's policy: judged as a resource
    # policy of that service, never with the S3 object rules.
    return policy, PolicyKind.RESOURCE


def _action_services(policy: Policy) -> set[str]:
    """The service prefixes of every action and not-action (``*`` alone counts as none)."""
    actions = [a for s in policy.statements for a in (*s.actions, *s.not_actions)]
    return {a.split(":", 1)[0].lower() for a in actions if ":" in a}


def _bucket_of(policy: Policy) -> str | None:
    """A document whose resources are all S3 ARNs is a bucket policy; its bucket is the one
    most of its resources name (a grant on another bucket is then a finding)."""
    buckets: Counter[str] = Counter()
    for statement in policy.statements:
        for resource in statement.resources + statement.not_resources:
            if not resource.startswith(S3_ARN_PREFIX):
                return None
            name = resource[len(S3_ARN_PREFIX) :].partition("/")[0]
            if "*" not in name and "?" not in name:
                buckets[name] += 1
    if not buckets:
        return None
    return buckets.most_common(1)[0][0]
