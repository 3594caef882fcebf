"""``callrec infra check``: fmt, init, validate and test over every configuration under a path.

For the tree under PATH: ``terraform fmt -check -recursive`` once; then for every directory
holding ``*.tf`` files (the root, each module, each example; ``tests/`` helper folders and hidden
folders excepted) ``init -backend=false`` and ``validate``; and ``terraform test`` wherever
``*.tftest.hcl`` files exist (next to the configuration or in its ``tests/`` folder).

Terraform's working data goes to ``<build>/data/<directory>`` (``TF_DATA_DIR``), never into the
checked tree. ``init`` writes ``.terraform.lock.hcl`` next to the configuration; the check puts
back whatever was there before (or removes it), so a real ``terraform init`` later never meets
the schema provider's checksum.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import re
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from callrec.infra_check.mirror import ProviderSchema, install
from callrec.infra_check.terraform import Result, Terraform

LOCK_FILE = ".terraform.lock.hcl"
_SKIPPED_PARTS = {"tests", "provider-schema", "fixtures"}
# Terraform core's words for a type the provider's schema lacks (wrapped at any space).
_UNSUPPORTED_TYPE = re.compile(
    r"does\s+not\s+support\s+(?P<kind>resource|data\s+source)\s+type\s+\"(?P<type>aws_\w+)\""
)


@dataclass(frozen=True)
class Step:
    name: str  # fmt | init | validate | test
    directory: Path
    result: Result
    notes: tuple[str, ...] = ()  # what the check adds to Terraform's own output

    @property
    def ok(self) -> bool:
        return self.result.ok


@dataclass
class Report:
    root: Path
    steps: list[Step] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(step.ok for step in self.steps)

    @property
    def failures(self) -> list[Step]:
        return [step for step in self.steps if not step.ok]


def configuration_dirs(root: Path) -> list[Path]:
    """Directories with ``*.tf`` files under ``root`` (itself first), skipping test helpers."""
    found: list[Path] = []
    for path in sorted({tf.parent for tf in root.rglob("*.tf")}):
        relative = path.relative_to(root).parts
        if any(part.startswith(".") for part in relative):
            continue
        if _SKIPPED_PARTS.intersection(relative):
            continue
        found.append(path)
    return found


def test_files(directory: Path) -> list[Path]:
    return sorted([*directory.glob("*.tftest.hcl"), *(directory / "tests").glob("*.tftest.hcl")])


def data_dir_for(build_dir: Path, directory: Path) -> Path:
    resolved = str(directory.resolve())
    slug = directory.name or "root"
    return build_dir / "data" / f"{slug}-{hashlib.sha256(resolved.encode()).hexdigest()[:12]}"


@contextlib.contextmanager
def exclusive(directory: Path) -> Iterator[None]:
    """Serialise checks of one directory across processes (they share its lock file)."""
    digest = hashlib.sha256(str(directory.resolve()).encode()).hexdigest()[:16]
    path = Path(tempfile.gettempdir()) / f"callrec-infra-check-{digest}.lock"
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def preserved_lock_file(directory: Path) -> Iterator[None]:
    lock = directory / LOCK_FILE
    before = lock.read_bytes() if lock.is_file() else None
    if before is not None:
        lock.unlink()  # a lock file for the real provider would not match the local mirror
    try:
        yield
    finally:
        if before is None:
            lock.unlink(missing_ok=True)
        else:
            lock.write_bytes(before)


def _display(path: Path, base: Path) -> str:
    try:
        shown = path.resolve().relative_to(base.resolve())
    except ValueError:
        return str(path)
    return str(shown) if str(shown) != "." else "."


Printer = Callable[[str], None]


def _print(line: str) -> None:
    print(line, flush=True)


def _report_step(step: Step, base: Path, printer: Printer) -> None:
    status = "ok" if step.ok else "FAILED"
    where = _display(step.directory, base)
    printer(f"{step.name:<9} {where:<48} {status} ({step.result.seconds:.1f}s)")
    if not step.ok:
        for line in step.result.output.splitlines():
            printer(f"    {line}")
        for note in step.notes:
            printer(f"    note: {note}")


def offline_schema_notes(output: str, schema: ProviderSchema) -> tuple[str, ...]:
    """Say plainly when Terraform refused an ``aws_*`` type because the offline schema lacks it.

    The schema served offline holds only the types ``make provider-schema`` extracted (those
    used under infra/ then, and a baseline); Terraform's "does not support resource type" reads
    like a typo either way.
    """
    notes: list[str] = []
    for match in _UNSUPPORTED_TYPE.finditer(output):
        kind = " ".join(match.group("kind").split())
        type_name = match.group("type")
        note = (
            f"{kind} type {type_name} is not in the offline schema "
            f"({_display(schema.schema_file, Path.cwd())}, hashicorp/aws "
            f"{schema.provider_version}), which holds only the types extracted for infra/. If "
            f"{type_name} is a real hashicorp/aws {kind} type, add it: use it under infra/ and "
            "run `make provider-schema`; otherwise check its spelling."
        )
        if note not in notes:
            notes.append(note)
    return tuple(notes)


def run_check(
    root: Path,
    *,
    schema: ProviderSchema,
    build_dir: Path,
    python: str | None = None,
    run_tests: bool = True,
    recursive: bool = True,
    printer: Printer = _print,
) -> Report:
    """The check of ``root``; with ``recursive=False`` only ``root`` itself is initialised,
    validated and tested (its module calls are still loaded and validated through it)."""
    installation = install(schema, build_dir, python or sys.executable)
    terraform = Terraform(installation.environment)
    base = root.parent if root.name else root
    report = Report(root)

    def record(name: str, directory: Path, result: Result) -> Step:
        notes = () if result.ok else offline_schema_notes(result.output, schema)
        step = Step(name, directory, result, notes)
        report.steps.append(step)
        _report_step(step, base, printer)
        return step

    printer(
        f"hashicorp/aws {schema.provider_version} schema from {_display(schema.directory, base)}; "
        f"{terraform.version()}"
    )
    record(
        "fmt",
        root,
        terraform.run(["fmt", "-check", "-recursive", "-no-color"], root, data_dir=None),
    )
    for directory in configuration_dirs(root) if recursive else [root]:
        data_dir = data_dir_for(build_dir, directory)
        with exclusive(directory), preserved_lock_file(directory):
            init = record(
                "init",
                directory,
                terraform.run(
                    ["init", "-backend=false", "-input=false", "-no-color"],
                    directory,
                    data_dir=data_dir,
                ),
            )
            if not init.ok:
                continue
            record(
                "validate",
                directory,
                terraform.run(["validate", "-no-color"], directory, data_dir=data_dir),
            )
            if run_tests and test_files(directory):
                record(
                    "test",
                    directory,
                    terraform.run(["test", "-no-color"], directory, data_dir=data_dir),
                )
    return report


def summary(report: Report) -> str:
    failed = len(report.failures)
    passed = len(report.steps) - failed
    return f"infra check: {passed} passed, {failed} failed"
