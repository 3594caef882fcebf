"""Errors of the offline Terraform check (part of the one CallRecError hierarchy)."""

from __future__ import annotations

from chalicelib.errors import CallRecError


class InfraCheckError(CallRecError):
    """Base class: each subclass carries the hint an operator needs."""

    code = "InfraCheck"
    default_hint = ""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message, hint=hint or self.default_hint)


class SchemaExtractionError(InfraCheckError):
    """The cdktn-provider-aws bindings do not have the expected generated shape."""

    code = "SchemaExtraction"
    default_hint = (
        "check the cdktn-provider-aws wheel version; regenerate with `make provider-schema`"
    )


class SchemaMissingError(InfraCheckError):
    """No committed provider schema where the check looks for it."""

    code = "ProviderSchemaMissing"
    default_hint = "run `make provider-schema`, or pass --schema-dir"


class NothingToCheckError(InfraCheckError):
    """The path given to `callrec infra check` holds no Terraform configuration."""

    code = "NothingToCheck"
    default_hint = "pass a directory that contains *.tf files (default: infra/)"
