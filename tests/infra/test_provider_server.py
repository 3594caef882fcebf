"""The schema-only provider speaks go-plugin + tfplugin6 as Terraform expects."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from callrec.infra_check.provider_server import MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE, SCHEMA_ENV

from .helpers import REPO_ROOT, SCHEMA_DIR

SERVER = [sys.executable, "-m", "callrec.infra_check.provider_server"]


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(REPO_ROOT / "scripts"), str(REPO_ROOT / "chalice_app")]
    )
    env.update(extra)
    return env


@dataclass
class Plugin:
    process: subprocess.Popen[str]
    fields: list[str]
    channel: Any

    def provider(self) -> Any:
        from tf.gen import tfplugin_pb2_grpc

        return tfplugin_pb2_grpc.ProviderStub(self.channel)


@pytest.fixture(scope="module")
def plugin() -> Iterator[Plugin]:
    import grpc
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    process = subprocess.Popen(
        SERVER,
        env=_env(
            **{MAGIC_COOKIE_KEY: MAGIC_COOKIE_VALUE, SCHEMA_ENV: str(SCHEMA_DIR / "aws.json")}
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        fields = process.stdout.readline().strip().split("|")
        der = base64.b64decode(fields[5] + "=" * (-len(fields[5]) % 4))
        pem = x509.load_der_x509_certificate(der).public_bytes(serialization.Encoding.PEM)
        channel = grpc.secure_channel(
            f"unix:{fields[3]}",
            grpc.ssl_channel_credentials(root_certificates=pem),
            options=[("grpc.ssl_target_name_override", "localhost")],
        )
        yield Plugin(process, fields, channel)
        from tf.gen import grpc_controller_pb2, grpc_controller_pb2_grpc

        grpc_controller_pb2_grpc.GRPCControllerStub(channel).Shutdown(
            grpc_controller_pb2.Empty(), timeout=5
        )
        channel.close()
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def test_handshake_announces_plugin_protocol_6_over_grpc(plugin: Plugin) -> None:
    core, protocol, network, _address, transport, _cert = plugin.fields
    assert (core, protocol, network, transport) == ("1", "6", "unix", "grpc")


def test_schema_is_served_over_tls(plugin: Plugin) -> None:
    from tf.gen import tfplugin_pb2

    response = plugin.provider().GetProviderSchema(
        tfplugin_pb2.GetProviderSchema.Request(), timeout=30
    )
    policy = response.resource_schemas["aws_s3_bucket_policy"].block
    required = {attribute.name for attribute in policy.attributes if attribute.required}
    assert required == {"bucket", "policy"}
    assert json.loads(next(a.type for a in policy.attributes if a.name == "policy")) == "string"
    assert "aws_iam_policy_document" in response.data_source_schemas


def test_plan_marks_unset_computed_attributes_unknown(plugin: Plugin) -> None:
    from tf.gen import tfplugin_pb2

    from callrec.infra_check import plan_values

    proposed = {"bucket": "b", "policy": "{}", "id": None, "region": None}
    response = plugin.provider().PlanResourceChange(
        tfplugin_pb2.PlanResourceChange.Request(
            type_name="aws_s3_bucket_policy",
            proposed_new_state=tfplugin_pb2.DynamicValue(msgpack=plan_values.encode(proposed)),
            config=tfplugin_pb2.DynamicValue(msgpack=plan_values.encode(proposed)),
        ),
        timeout=30,
    )
    planned = plan_values.decode(response.planned_state.msgpack)
    assert planned["bucket"] == "b" and plan_values.is_unknown(planned["id"])


def test_validate_refuses_a_computed_only_attribute_in_the_real_providers_words(
    plugin: Plugin,
) -> None:
    from tf.gen import tfplugin_pb2

    from callrec.infra_check import plan_values

    config = {"bucket": "b", "policy": "{}", "id": "b", "region": None}
    response = plugin.provider().ValidateResourceConfig(
        tfplugin_pb2.ValidateResourceConfig.Request(
            type_name="aws_s3_bucket_policy",
            config=tfplugin_pb2.DynamicValue(msgpack=plan_values.encode(config)),
        ),
        timeout=30,
    )
    assert response.diagnostics == []
    bucket = {"bucket": "b", "arn": "arn:aws:s3:::b"}
    response = plugin.provider().ValidateResourceConfig(
        tfplugin_pb2.ValidateResourceConfig.Request(
            type_name="aws_s3_bucket",
            config=tfplugin_pb2.DynamicValue(msgpack=plan_values.encode(bucket)),
        ),
        timeout=30,
    )
    (diagnostic,) = response.diagnostics
    assert diagnostic.summary == "Computed attributes cannot be set"
    assert diagnostic.detail == 'Computed attributes cannot be set, but a value was set for "arn".'
    assert diagnostic.attribute.steps[0].attribute_name == "arn"


def test_reading_aws_is_refused_with_a_hint(plugin: Plugin) -> None:
    from tf.gen import tfplugin_pb2

    response = plugin.provider().ReadDataSource(
        tfplugin_pb2.ReadDataSource.Request(type_name="aws_caller_identity"), timeout=30
    )
    assert response.diagnostics[0].severity == tfplugin_pb2.Diagnostic.ERROR
    assert "mock_provider" in response.diagnostics[0].detail


def test_refuses_to_run_outside_terraform() -> None:
    result = subprocess.run(
        SERVER,
        env=_env(**{SCHEMA_ENV: str(SCHEMA_DIR / "aws.json")}),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "Terraform starts it" in result.stderr
