"""Names and bucket policies of the local resources, read from the Terraform modules.

One source of truth: the bucket policies are rendered from ``infra/modules/*/main.tf`` (the
``data "aws_iam_policy_document" "this"`` of the recording and prompts bucket modules) with the
static Terraform evaluator of ``callrec audit``, and the table, topic and queue names from the
``name`` arguments of the call-analytics module. What Terraform knows only at apply time (bucket
ARNs, the caller's account, the partition) is given its local value before evaluation, and a
function the static evaluator does not implement is evaluated by Terraform itself
(``callrec.infra_check.functions``) on those known values; an expression neither can evaluate
stops the rendering with its text and place.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chalicelib.errors import CallRecError

REPO_ROOT = Path(__file__).resolve().parents[3]
MODULES_DIR = REPO_ROOT / "infra" / "modules"
PROMPTS_DIR = REPO_ROOT / "infra" / "prompts"
NAME_PREFIX = "callrec"
RECORDINGS_BUCKET = "callrec-recordings"  # the app's and the simulator's default names
PROMPTS_BUCKET = "callrec-prompts"
_SYMBOL = re.compile(r"\$\{([^}]*)\}")


class DefinitionError(CallRecError):
    """The Terraform modules could not be read into local resource definitions."""

    code = "LocalDefinitionError"


@dataclass(frozen=True)
class Definitions:
    account_id: str
    region: str
    sma_arn: str
    recordings_bucket: str
    recordings_prefix: str
    transcripts_prefix: str
    reports_prefix: str
    prompts_bucket: str
    table_name: str
    topic_name: str
    dead_letter_queue: str
    transcribe_role_name: str
    recordings_policy: dict[str, Any]
    prompts_policy: dict[str, Any]


def require_checkout() -> None:
    """The local stack reads ``infra/`` and ``chalice_app/`` from the repository checkout.

    The scenarios and speech clips are package data, but the Terraform modules, the prompts and
    the Chalice app are not part of the ``callrec`` wheel: the demo runs from a clone (the
    editable install that ``make demo`` makes), not from a wheel installed elsewhere.
    """
    needed = (MODULES_DIR, PROMPTS_DIR, REPO_ROOT / "chalice_app" / "app.py")
    missing = [str(path) for path in needed if not path.exists()]
    if missing:
        raise DefinitionError(
            f"the local stack needs the repository checkout; missing: {', '.join(missing)}",
            hint="run it from a clone of the repository (`make demo`, or `pip install -e .` there)",
        )


@functools.cache
def _parsed(directory: Path) -> Any:
    """The parsed module (HCL parsing is the slow part; the files do not change in a run)."""
    from callrec.audit.sources.terraform import load_module

    return load_module(directory)


@dataclass(frozen=True)
class _Source:
    """Where a policy document is read from: ``modules/<module>/`` and the document's name."""

    modules: Path
    module: str
    document: str = "this"

    @property
    def directory(self) -> Path:
        return self.modules / self.module


def _render(source: _Source, inputs: Mapping[str, Any], known: Mapping[str, str]) -> dict[str, Any]:
    from callrec.audit.sources.terraform import Instance, TerraformReader
    from callrec.infra_check import functions

    reader = TerraformReader(source.directory)
    reader.known = known  # the local values of apply-time references, known before evaluating
    reader.fallback = functions.call  # Terraform itself for functions the evaluator lacks
    parsed = _parsed(source.directory)
    block = parsed.data("aws_iam_policy_document", source.document)
    if block is None:
        raise DefinitionError(
            f"infra/modules/{source.module} has no aws_iam_policy_document.{source.document}",
            hint="the local stack renders the bucket policy from that document",
        )
    instance = Instance(reader, parsed, "", {}, None, inputs=inputs)
    rendered, _ = reader.render_document(instance, block)
    _refuse_unresolved(rendered, parsed, source)
    document_json: dict[str, Any] = _substitute(rendered, known, source.module)
    return document_json


def _refuse_unresolved(rendered: Any, parsed: Any, source: _Source) -> None:
    """Fail, naming the expression and where it is written, rather than store a guess.

    The demo's bucket policies are only as right as their rendering: a value the static
    evaluator could not compute (a function it does not implement) must stop the run.
    """
    from callrec.audit.policy import unresolved_expressions

    expressions = [e for text in _strings(rendered) for e in unresolved_expressions(text)]
    if not expressions:
        return
    expression = expressions[0]
    raise DefinitionError(
        f"{_where(expression, parsed, source)}: cannot evaluate {expression} "
        f"for the local bucket policy (aws_iam_policy_document.{source.document})",
        hint="neither the static evaluator nor Terraform could evaluate it here (an unknown "
        "function, or a value known only at apply): check it with `terraform console`",
    )


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    return []


def _where(expression: str, parsed: Any, source: _Source) -> str:
    """``infra/modules/<module>/<file>:<line>`` of the expression's first line, if found."""
    needle = expression.split(" (", 1)[0].splitlines()[0].strip()
    for path, text in parsed.texts.items():
        for number, line in enumerate(text.splitlines(), start=1):
            if needle and needle[:40] in line:
                return f"infra/modules/{source.module}/{path.name}:{number}"
    return f"infra/modules/{source.module}"


def _resource_name(
    module: str,
    resource_type: str,
    inputs: Mapping[str, Any],
    modules: Path = MODULES_DIR,
    *,
    address: str | None = None,
) -> str:
    """The ``name`` of the first ``resource_type`` of ``module`` (of ``resource_type.address``
    when given)."""
    from callrec.audit.sources.terraform import Instance, TerraformReader

    parsed = _parsed(modules / module)
    instance = Instance(TerraformReader(modules / module), parsed, "", {}, None, inputs=inputs)
    for block in parsed.blocks:
        wanted = address is None or block.name == address
        if (
            block.kind == "resource"
            and block.type == resource_type
            and "name" in block.body
            and wanted
        ):
            value = instance.value(block.body["name"])
            if isinstance(value, str):
                return value
    raise DefinitionError(f"infra/modules/{module} has no named {resource_type}")


def _substitute(value: Any, known: Mapping[str, str], module: str) -> Any:
    if isinstance(value, str):

        def replace(match: re.Match[str]) -> str:
            expression = match.group(1)
            for pattern, replacement in known.items():
                if re.fullmatch(pattern, expression):
                    return replacement
            raise DefinitionError(
                f"infra/modules/{module}: cannot give ${{{expression}}} a local value",
                hint="teach callrec.local.definitions the attribute",
            )

        return _SYMBOL.sub(replace, value)
    if isinstance(value, list):
        return [_substitute(v, known, module) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(v, known, module) for k, v in value.items()}
    return value


def _bucket_symbols(bucket: str, account_id: str) -> dict[str, str]:
    return {
        r"aws_s3_bucket\.this(\[0\])?\.arn": f"arn:aws:s3:::{bucket}",
        r"aws_s3_bucket\.this(\[0\])?\.(id|bucket)": bucket,
        r"data\.aws_caller_identity\.current\.account_id": account_id,
        r"data\.aws_partition\.current\.partition": "aws",
    }


def load(
    account_id: str,
    region: str,
    sma_id: str,
    *,
    recording_writers: Sequence[str] | None = None,
    modules: Path = MODULES_DIR,
) -> Definitions:
    """Definitions for an SMA ``sma_id`` in ``account_id``/``region``, from the Terraform.

    ``recording_writers`` are the SMA ARNs the recordings bucket policy admits (the module's
    ``sip_media_application_arns``); by default this SMA. Another SMA's ARN, or none, gives the
    policy a deployment would have if it were wired to the wrong application.
    """
    require_checkout()
    sma_arn = f"arn:aws:chime:{region}:{account_id}:sma/{sma_id}"
    recordings_prefix = "recordings"
    common = {"sip_media_application_arns": [sma_arn], "source_account_id": account_id}
    writers = [sma_arn] if recording_writers is None else list(recording_writers)
    recordings_policy = _render(
        _Source(modules, "recording-bucket"),
        {
            **common,
            "sip_media_application_arns": writers,
            "bucket_name": RECORDINGS_BUCKET,
            "recordings_prefix": recordings_prefix,
        },
        _bucket_symbols(RECORDINGS_BUCKET, account_id),
    )
    prompts_policy = _render(
        _Source(modules, "prompts-bucket"),
        {**common, "bucket_name": PROMPTS_BUCKET},
        _bucket_symbols(PROMPTS_BUCKET, account_id),
    )
    names = {"name_prefix": NAME_PREFIX}
    return Definitions(
        account_id=account_id,
        region=region,
        sma_arn=sma_arn,
        recordings_bucket=RECORDINGS_BUCKET,
        recordings_prefix=recordings_prefix,
        transcripts_prefix="transcriptions",
        reports_prefix="reports",
        prompts_bucket=PROMPTS_BUCKET,
        table_name=_resource_name("call-analytics", "aws_dynamodb_table", names, modules),
        topic_name=_resource_name("call-analytics", "aws_sns_topic", names, modules),
        dead_letter_queue=_resource_name("call-analytics", "aws_sqs_queue", names, modules),
        transcribe_role_name=_resource_name("call-analytics", "aws_iam_role", names, modules),
        recordings_policy=recordings_policy,
        prompts_policy=prompts_policy,
    )


def owner_table_names() -> tuple[str, str]:
    """(directory, usage) table names as infra/modules/owner-directory names them."""
    names = {"name_prefix": NAME_PREFIX}
    return (
        _resource_name("owner-directory", "aws_dynamodb_table", names, address="this"),
        _resource_name("owner-directory", "aws_dynamodb_table", names, address="usage"),
    )


def prompt_texts() -> dict[str, str]:
    """{prompt file: spoken text} from the table in infra/prompts/PROMPTS.md."""
    table = (PROMPTS_DIR / "PROMPTS.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\|\s*`([^`]+\.wav)`\s*\|\s*(.+?)\s*\|\s*$", table, re.MULTILINE)
    return dict(rows)
