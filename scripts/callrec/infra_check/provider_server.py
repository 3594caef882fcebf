"""A schema-only ``hashicorp/aws`` provider: serves the committed schema over the plugin protocol.

Terraform starts a provider as a child process and talks to it with go-plugin: the magic cookie
in the environment, a handshake line on stdout (``core|app|network|address|grpc|server-cert``),
then gRPC (``tfplugin6.Provider``, ``plugin.GRPCController``, ``plugin.GRPCStdio``) over a unix
socket with mutual TLS when Terraform passes its own certificate in ``PLUGIN_CLIENT_CERT``
(go-plugin's AutoMTLS).

Terraform core checks configuration against the schema itself (unknown or misspelled arguments,
missing required ones, types, block nesting and counts); the validate RPCs add what the real
provider refuses there, a computed-only attribute set in configuration; planning marks unset
computed attributes unknown. Reading or changing real infrastructure is
refused with an error that says so: use ``mock_provider "aws"`` in ``terraform test``.

Run by the wrapper executable that ``callrec infra check`` installs into its filesystem mirror;
``CALLREC_PROVIDER_SCHEMA`` names the schema JSON (``terraform providers schema -json`` shape).
"""

from __future__ import annotations

import base64
import datetime
import json
import os
import sys
import tempfile
import threading
from concurrent import futures
from pathlib import Path
from typing import Any

from callrec.infra_check import plan_values
from callrec.infra_check.cdktn_schema import PROVIDER_ADDRESS

MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE"
MAGIC_COOKIE_VALUE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"
SCHEMA_ENV = "CALLREC_PROVIDER_SCHEMA"
CORE_PROTOCOL_VERSION = 1
PLUGIN_PROTOCOL_VERSION = 6
NO_AWS_DETAIL = (
    "This provider serves the hashicorp/aws schema for offline validation only; it cannot read "
    'or change AWS. In `terraform test`, declare `mock_provider "aws" {}` and use '
    "`command = plan`; run against the real provider for apply."
)

Json = dict[str, Any]


def load_schema(path: Path) -> Json:
    document: Json = json.loads(path.read_text(encoding="utf-8"))
    schema: Json = document["provider_schemas"][PROVIDER_ADDRESS]
    return schema


def _attribute_pb(pb: Any, name: str, attribute: Json) -> Any:
    fields: dict[str, Any] = {
        "name": name,
        "required": bool(attribute.get("required")),
        "optional": bool(attribute.get("optional")),
        "computed": bool(attribute.get("computed")),
        "sensitive": bool(attribute.get("sensitive")),
        "deprecated": bool(attribute.get("deprecated")),
    }
    if "nested_type" in attribute:
        nested = attribute["nested_type"]
        fields["nested_type"] = pb.Schema.Object(
            attributes=[
                _attribute_pb(pb, key, value)
                for key, value in sorted(nested.get("attributes", {}).items())
            ],
            nesting=pb.Schema.Object.NestingMode.Value(nested["nesting_mode"].upper()),
        )
    else:
        fields["type"] = json.dumps(attribute["type"]).encode()
    return pb.Schema.Attribute(**fields)


def block_pb(pb: Any, block: Json) -> Any:
    """Terraform's JSON schema block -> ``tfplugin6.Schema.Block``."""
    return pb.Schema.Block(
        attributes=[
            _attribute_pb(pb, name, attribute)
            for name, attribute in sorted(block.get("attributes", {}).items())
        ],
        block_types=[
            pb.Schema.NestedBlock(
                type_name=name,
                block=block_pb(pb, nested["block"]),
                nesting=pb.Schema.NestedBlock.NestingMode.Value(nested["nesting_mode"].upper()),
                min_items=int(nested.get("min_items", 0)),
                max_items=int(nested.get("max_items", 0)),
            )
            for name, nested in sorted(block.get("block_types", {}).items())
        ],
    )


def schema_pb(pb: Any, schema: Json) -> Any:
    return pb.Schema(version=int(schema.get("version", 0)), block=block_pb(pb, schema["block"]))


class SchemaProvider:
    """The tfplugin6 ``Provider`` service over one provider schema document."""

    def __init__(self, schema: Json, shutdown: threading.Event) -> None:
        from tf.gen import tfplugin_pb2 as pb

        self.pb = pb
        self.schema = schema
        self.shutdown = shutdown
        self._schema_response: Any = None

    def _error(self, summary: str, detail: str = NO_AWS_DETAIL) -> Any:
        return self.pb.Diagnostic(severity=self.pb.Diagnostic.ERROR, summary=summary, detail=detail)

    def _resource(self, type_name: str) -> Json | None:
        found: Json | None = self.schema.get("resource_schemas", {}).get(type_name)
        return found

    # -- metadata and schema -------------------------------------------------------------
    def GetMetadata(self, request: Any, context: Any) -> Any:  # noqa: N802 (gRPC method names)
        pb = self.pb
        return pb.GetMetadata.Response(
            server_capabilities=pb.ServerCapabilities(plan_destroy=True),
            resources=[
                pb.GetMetadata.ResourceMetadata(type_name=name)
                for name in sorted(self.schema.get("resource_schemas", {}))
            ],
            data_sources=[
                pb.GetMetadata.DataSourceMetadata(type_name=name)
                for name in sorted(self.schema.get("data_source_schemas", {}))
            ],
        )

    def GetProviderSchema(self, request: Any, context: Any) -> Any:  # noqa: N802
        if self._schema_response is None:
            pb = self.pb
            self._schema_response = pb.GetProviderSchema.Response(
                provider=schema_pb(pb, self.schema["provider"]),
                resource_schemas={
                    name: schema_pb(pb, value)
                    for name, value in self.schema.get("resource_schemas", {}).items()
                },
                data_source_schemas={
                    name: schema_pb(pb, value)
                    for name, value in self.schema.get("data_source_schemas", {}).items()
                },
                server_capabilities=pb.ServerCapabilities(plan_destroy=True),
            )
        return self._schema_response

    def GetFunctions(self, request: Any, context: Any) -> Any:  # noqa: N802
        return self.pb.GetFunctions.Response()

    # -- validation: Terraform core has already checked names, types and blocks against the
    # schema; what the provider itself refuses at validate is a computed-only attribute set in
    # configuration (an ``arn``, a ``bucket_domain_name``).
    def ValidateProviderConfig(self, request: Any, context: Any) -> Any:  # noqa: N802
        return self.pb.ValidateProviderConfig.Response()

    def ValidateResourceConfig(self, request: Any, context: Any) -> Any:  # noqa: N802
        schema = self._resource(request.type_name)
        return self.pb.ValidateResourceConfig.Response(
            diagnostics=self._read_only_diagnostics(schema, request.config.msgpack)
        )

    def ValidateDataResourceConfig(self, request: Any, context: Any) -> Any:  # noqa: N802
        schema = self.schema.get("data_source_schemas", {}).get(request.type_name)
        return self.pb.ValidateDataResourceConfig.Response(
            diagnostics=self._read_only_diagnostics(schema, request.config.msgpack)
        )

    def _read_only_diagnostics(self, schema: Json | None, config: bytes) -> list[Any]:
        """The SDK's own wording (terraform-plugin-sdk helper/schema, validate of a field that
        is neither required nor optional), with the attribute's path so Terraform shows the
        configuration line."""
        if schema is None:
            return []
        pb = self.pb
        diagnostics = []
        for path in plan_values.computed_only_set(schema["block"], plan_values.decode(config)):
            name = plan_values.dotted(path)
            steps = [
                pb.AttributePath.Step(element_key_int=step)
                if isinstance(step, int)
                else pb.AttributePath.Step(attribute_name=step)
                for step in path
            ]
            diagnostics.append(
                pb.Diagnostic(
                    severity=pb.Diagnostic.ERROR,
                    summary="Computed attributes cannot be set",
                    detail=f'Computed attributes cannot be set, but a value was set for "{name}".',
                    attribute=pb.AttributePath(steps=steps),
                )
            )
        return diagnostics

    def ConfigureProvider(self, request: Any, context: Any) -> Any:  # noqa: N802
        return self.pb.ConfigureProvider.Response()

    # -- planning is pure: no AWS needed -------------------------------------------------
    def PlanResourceChange(self, request: Any, context: Any) -> Any:  # noqa: N802
        pb = self.pb
        schema = self._resource(request.type_name)
        if schema is None:
            return pb.PlanResourceChange.Response(
                diagnostics=[self._error(f"Unknown resource type {request.type_name}")]
            )
        proposed = plan_values.decode(request.proposed_new_state.msgpack)
        prior = plan_values.decode(request.prior_state.msgpack)
        planned = plan_values.plan_object(schema["block"], proposed, prior)
        return pb.PlanResourceChange.Response(
            planned_state=pb.DynamicValue(msgpack=plan_values.encode(planned))
        )

    def ReadResource(self, request: Any, context: Any) -> Any:  # noqa: N802
        # Nothing to refresh against: the state stays what Terraform recorded.
        return self.pb.ReadResource.Response(new_state=request.current_state)

    def UpgradeResourceState(self, request: Any, context: Any) -> Any:  # noqa: N802
        pb = self.pb
        return pb.UpgradeResourceState.Response(
            diagnostics=[self._error("State upgrade is not available offline")]
        )

    def ApplyResourceChange(self, request: Any, context: Any) -> Any:  # noqa: N802
        pb = self.pb
        return pb.ApplyResourceChange.Response(
            diagnostics=[self._error(f"Cannot apply {request.type_name} offline")]
        )

    def ImportResourceState(self, request: Any, context: Any) -> Any:  # noqa: N802
        pb = self.pb
        return pb.ImportResourceState.Response(
            diagnostics=[self._error(f"Cannot import {request.type_name} offline")]
        )

    def ReadDataSource(self, request: Any, context: Any) -> Any:  # noqa: N802
        pb = self.pb
        return pb.ReadDataSource.Response(
            diagnostics=[self._error(f"Cannot read data source {request.type_name} offline")]
        )

    def MoveResourceState(self, request: Any, context: Any) -> Any:  # noqa: N802
        pb = self.pb
        return pb.MoveResourceState.Response(
            diagnostics=[self._error("Moving resource state is not available offline")]
        )

    def CallFunction(self, request: Any, context: Any) -> Any:  # noqa: N802
        pb = self.pb
        return pb.CallFunction.Response(
            error=pb.FunctionError(text=f"{request.name}: this provider defines no functions")
        )

    def StopProvider(self, request: Any, context: Any) -> Any:  # noqa: N802
        return self.pb.StopProvider.Response()


def _certificate() -> tuple[bytes, bytes, bytes]:
    """A fresh self-signed certificate for this process: (cert DER, cert PEM, key PEM)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(seconds=30))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=True,
                data_encipherment=False,
                key_agreement=True,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return (
        certificate.public_bytes(serialization.Encoding.DER),
        certificate.public_bytes(serialization.Encoding.PEM),
        key_pem,
    )


def serve(schema_path: Path) -> int:
    if os.environ.get(MAGIC_COOKIE_KEY) != MAGIC_COOKIE_VALUE:
        print(
            "This is a Terraform provider plugin; Terraform starts it. "
            "Run `callrec infra check` instead.",
            file=sys.stderr,
        )
        return 1
    import grpc
    from tf.gen import grpc_controller_pb2 as controller_pb
    from tf.gen import grpc_controller_pb2_grpc as controller_rpc
    from tf.gen import grpc_stdio_pb2_grpc as stdio_rpc
    from tf.gen import tfplugin_pb2_grpc as provider_rpc

    shutdown = threading.Event()
    provider = SchemaProvider(load_schema(schema_path), shutdown)

    class Controller(controller_rpc.GRPCControllerServicer):  # type: ignore[misc]
        def Shutdown(self, request: Any, context: Any) -> Any:  # noqa: N802
            shutdown.set()
            return controller_pb.Empty()

    class Stdio(stdio_rpc.GRPCStdioServicer):  # type: ignore[misc]
        def StreamStdio(self, request: Any, context: Any) -> Any:  # noqa: N802
            return iter(())

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    provider_rpc.add_ProviderServicer_to_server(provider, server)
    controller_rpc.add_GRPCControllerServicer_to_server(Controller(), server)
    stdio_rpc.add_GRPCStdioServicer_to_server(Stdio(), server)

    cert_der, cert_pem, key_pem = _certificate()
    client_cert = os.environ.get("PLUGIN_CLIENT_CERT", "")
    # Terraform verifies this server against the certificate in the handshake. Its own client
    # certificate (ECDSA P-521) is not among the signature schemes gRPC's TLS stack requests, so
    # the client's certificate is requested and checked when sent, not required.
    credentials = grpc.ssl_server_credentials(
        [(key_pem, cert_pem)],
        root_certificates=client_cert.encode() if client_cert else None,
        require_client_auth=False,
    )
    with tempfile.TemporaryDirectory(prefix="callrec-tfplugin-") as workdir:
        socket_path = str(Path(workdir) / "plugin.sock")
        server.add_secure_port(f"unix://{socket_path}", credentials)
        server.start()
        handshake = "|".join(
            (
                str(CORE_PROTOCOL_VERSION),
                str(PLUGIN_PROTOCOL_VERSION),
                "unix",
                socket_path,
                "grpc",
                base64.b64encode(cert_der).decode().rstrip("="),
            )
        )
        print(handshake, flush=True)
        # Terraform ends a plugin with GRPCController.Shutdown, or kills it.
        shutdown.wait()
        server.stop(grace=0.2)
    return 0


def main() -> int:
    schema = os.environ.get(SCHEMA_ENV)
    if not schema:
        print(f"{SCHEMA_ENV} is not set: run through `callrec infra check`.", file=sys.stderr)
        return 1
    return serve(Path(schema))


if __name__ == "__main__":
    sys.exit(main())
