"""The schema rebuilt from cdktn-provider-aws bindings says what the real provider says.

Expected flags are the hashicorp/aws provider's own (checked against `terraform providers
schema -json` of the real provider binary when the extractor was written).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from callrec.infra_check import cdktn_schema
from callrec.infra_check.catalogue import used_types
from callrec.infra_check.errors import SchemaExtractionError

from .helpers import FIXTURES, INFRA, SCHEMA_DIR

CDKTN = FIXTURES / "cdktn"


def _bindings(name: str) -> str:
    return (CDKTN / f"{name}.index.js").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def versioning() -> dict[str, Any]:
    schema: dict[str, Any] = cdktn_schema.type_schema(
        _bindings("s3-bucket-versioning"), "aws_s3_bucket_versioning"
    )["block"]
    return schema


@pytest.fixture(scope="module")
def committed() -> dict[str, Any]:
    document = json.loads((SCHEMA_DIR / "aws.json").read_text(encoding="utf-8"))
    schema: dict[str, Any] = document["provider_schemas"][cdktn_schema.PROVIDER_ADDRESS]
    return schema


def test_required_argument_is_required(versioning: dict[str, Any]) -> None:
    assert versioning["attributes"]["bucket"] == {
        "type": "string",
        "description_kind": "plain",
        "required": True,
    }


def test_optional_computed_argument_keeps_both_flags(versioning: dict[str, Any]) -> None:
    region = versioning["attributes"]["region"]
    assert (region.get("optional"), region.get("computed"), region.get("required")) == (
        True,
        True,
        None,
    )


def test_single_item_required_block_has_min_and_max_one(versioning: dict[str, Any]) -> None:
    block = versioning["block_types"]["versioning_configuration"]
    assert (block["nesting_mode"], block.get("min_items"), block.get("max_items")) == (
        "list",
        1,
        1,
    )


def test_nested_block_attributes_are_extracted(versioning: dict[str, Any]) -> None:
    inner = versioning["block_types"]["versioning_configuration"]["block"]["attributes"]
    assert inner["status"].get("required") is True
    assert inner["mfa_delete"].get("optional") and inner["mfa_delete"].get("computed")


def test_set_block_keeps_set_nesting_and_element_types() -> None:
    schema = cdktn_schema.type_schema(
        _bindings("chimesdkvoice-sip-rule"), "aws_chimesdkvoice_sip_rule"
    )["block"]
    targets = schema["block_types"]["target_applications"]
    assert targets["nesting_mode"] == "set"
    assert targets.get("min_items") == 1
    assert targets["block"]["attributes"]["priority"]["type"] == "number"
    assert schema["attributes"]["trigger_type"].get("required") is True


def test_bindings_of_another_type_are_refused() -> None:
    with pytest.raises(SchemaExtractionError, match="do not declare aws_s3_bucket_policy"):
        cdktn_schema.type_schema(_bindings("s3-bucket-versioning"), "aws_s3_bucket_policy")


def test_lib_dir_names_follow_cdktn_layout() -> None:
    assert cdktn_schema.lib_dir_for("aws_s3_bucket_policy", data_source=False) == (
        "s3-bucket-policy"
    )
    assert cdktn_schema.lib_dir_for("aws_iam_policy_document", data_source=True) == (
        "data-aws-iam-policy-document"
    )


def test_non_aws_type_is_refused() -> None:
    with pytest.raises(SchemaExtractionError, match="not an aws provider type"):
        cdktn_schema.lib_dir_for("null_resource", data_source=False)


def test_committed_schema_covers_every_type_used_in_infra(committed: dict[str, Any]) -> None:
    used = used_types(INFRA)
    missing = sorted(
        (used.resources - set(committed["resource_schemas"]))
        | (used.data_sources - set(committed["data_source_schemas"]))
    )
    assert missing == [], f"regenerate with `make provider-schema`: {missing}"


def test_committed_schema_records_its_provider_version() -> None:
    version = json.loads((SCHEMA_DIR / "VERSION.json").read_text(encoding="utf-8"))
    assert version["provider"] == "registry.terraform.io/hashicorp/aws"
    assert version["provider_version"].startswith("6.")
    assert "Mozilla Public License" in (SCHEMA_DIR / "LICENSE").read_text(encoding="utf-8")


def test_used_types_finds_resources_and_data_sources(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_sqs_queue" "q" {}\n'
        'data "aws_region" "r" {}\n'
        'resource "null_resource" "n" {}\n'
    )
    found = used_types(tmp_path)
    assert (set(found.resources), set(found.data_sources)) == ({"aws_sqs_queue"}, {"aws_region"})


def _fake_wheel(tmp_path: Path, modules: dict[str, str]) -> Path:
    """A wheel shaped like cdktn-provider-aws's: one jsii bundle with package/lib/<dir>/index.js."""
    import io
    import tarfile
    import zipfile

    files = {
        "package/package.json": '{"version": "0.0.1"}',
        "package/LICENSE": "Mozilla Public License Version 2.0",
        **{f"package/lib/{name}/index.js": text for name, text in modules.items()},
    }
    bundle = io.BytesIO()
    with tarfile.open(fileobj=bundle, mode="w:gz") as tar:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    wheel = tmp_path / "cdktn_provider_aws-0.0.1-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("cdktn_provider_aws/_jsii/provider-aws@0.0.1.jsii.tgz", bundle.getvalue())
    return wheel


def test_types_that_cannot_be_extracted_are_skipped_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from callrec.infra_check import regenerate

    monkeypatch.setattr(cdktn_schema, "provider_schema", lambda source: {"block": {}})
    versioning_bindings = _bindings("s3-bucket-versioning")
    wheel = _fake_wheel(
        tmp_path,
        {
            "provider": "providerVersion: '6.0.0'",
            "s3-bucket-versioning": versioning_bindings,
            "s3-bucket": versioning_bindings,  # another type's bindings: cannot be read
        },
    )
    infra = tmp_path / "infra"
    infra.mkdir()
    (infra / "main.tf").write_text('resource "aws_ssm_parameter" "p" {}\n')
    out = tmp_path / "schema"
    monkeypatch.setattr(regenerate, "BASELINE", cdktn_schema_types())
    code = regenerate.main(["--wheel", str(wheel), "--infra", str(infra), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 0
    assert "warning: skipped resource aws_s3_bucket: generated bindings do not declare" in err
    assert "warning: skipped resource aws_ssm_parameter: no bindings in the wheel" in err
    schema = json.loads((out / "aws.json").read_text(encoding="utf-8"))
    resources = schema["provider_schemas"][cdktn_schema.PROVIDER_ADDRESS]["resource_schemas"]
    assert set(resources) == {"aws_s3_bucket_versioning"}
    version = json.loads((out / "VERSION.json").read_text(encoding="utf-8"))
    assert version["resources"] == ["aws_s3_bucket_versioning"]


def cdktn_schema_types() -> Any:
    from callrec.infra_check.catalogue import TypeSet

    return TypeSet(frozenset({"aws_s3_bucket", "aws_s3_bucket_versioning"}), frozenset())
