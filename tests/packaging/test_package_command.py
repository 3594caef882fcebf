"""`callrec package` end to end: the real app, packaged into a copy of infra/, validates."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from callrec.cli import main
from callrec.commands.package import PLACEHOLDER_ROLE, build_layer, packaging_config, vendor

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _infra_copy(target: Path) -> Path:
    ignore = shutil.ignore_patterns(
        ".terraform*", "tests", "examples", "chalice*.json", "chalice-deployment.zip"
    )
    shutil.copytree(REPO_ROOT / "infra", target, ignore=ignore)
    return target


def test_packaging_config_hands_roles_and_environment_to_terraform() -> None:
    config = {
        "app_name": "callrec",
        "stages": {
            "dev": {
                "manage_iam_role": True,
                "environment_variables": {"A": "b"},
                "lambda_functions": {"f": {"iam_role_arn": "arn:x", "lambda_timeout": 9}},
            }
        },
    }
    stage = packaging_config(config, "dev")["stages"]["dev"]
    assert stage["manage_iam_role"] is False
    assert stage["iam_role_arn"] == PLACEHOLDER_ROLE
    assert "environment_variables" not in stage
    assert stage["lambda_functions"]["f"] == {"lambda_timeout": 9}


def test_package_writes_the_fragment_override_and_zip(tmp_path: Path) -> None:
    infra = _infra_copy(tmp_path / "infra")
    assert main(["package", "--out", str(infra), "--no-layer"]) == 0
    assert not (infra / "chalice-layer.zip").exists()
    main_doc = json.loads((infra / "chalice.tf.json").read_text())
    functions = main_doc["resource"]["aws_lambda_function"]
    assert {"sma_handler", "start_transcription", "render_report"} <= set(functions)
    with zipfile.ZipFile(infra / "chalice-deployment.zip") as archive:
        names = archive.namelist()
    assert "app.py" in names
    assert any(name.startswith("chalicelib/") for name in names)
    tag = sys.implementation.cache_tag
    assert f"chalicelib/sma/__pycache__/handler.{tag}.pyc" in names
    override = json.loads((infra / "chalice_override.tf.json").read_text())
    assert override["locals"]["functions_packaged"] is True


def test_package_refuses_a_folder_without_main_tf(tmp_path: Path) -> None:
    assert main(["package", "--out", str(tmp_path), "--no-layer"]) == 2


def test_the_layer_is_self_contained_and_deterministic(tmp_path: Path) -> None:
    first, second = tmp_path / "first.zip", tmp_path / "second.zip"
    build_layer(["python-docx"], tmp_path / "a", first)
    build_layer(["python-docx"], tmp_path / "b", second)
    assert first.read_bytes() == second.read_bytes()
    extracted = tmp_path / "extracted"
    with zipfile.ZipFile(first) as archive:
        archive.extractall(extracted)
    # -S: no site-packages, so python-docx and lxml must come from the layer's python/ folder.
    script = (
        "import sys; sys.path.insert(0, 'python'); import docx, io; "
        "d = docx.Document(); d.add_paragraph('x'); d.save(io.BytesIO()); print(docx.__file__)"
    )
    done = subprocess.run(
        [sys.executable, "-S", "-E", "-c", script],
        cwd=extracted,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().startswith(str(extracted / "python" / "docx"))


@pytest.mark.infra
@pytest.mark.slow
def test_packaged_output_validates_and_plans_with_the_root_module(tmp_path: Path) -> None:
    from tests.infra.helpers import check

    infra = _infra_copy(tmp_path / "infra")
    assert main(["package", "--out", str(infra), "--layer", "python-docx"]) == 0
    assert (infra / "chalice-layer.zip").is_file()
    (infra / "tests").mkdir()
    shutil.copy(FIXTURES / "packaged.tftest.hcl", infra / "tests" / "packaged.tftest.hcl")
    # The root only: validating it loads every module it calls; each module on its own is
    # unchanged by packaging, and infra-check (test_project_infra_passes) checks those.
    report, printed = check(infra, tmp_path / "build", recursive=False)
    assert report.ok, printed
    assert [step.name for step in report.steps] == [
        "fmt",
        "init",
        "validate",
        "test",
    ]


@pytest.mark.infra
@pytest.mark.slow
def test_a_first_plan_with_every_option_on_knows_how_many_of_each_resource(tmp_path: Path) -> None:
    # Seen failing with the console's stage throttling counted on rest_api_id != null.
    from tests.infra.helpers import check

    infra = _infra_copy(tmp_path / "infra")
    assert main(["package", "--out", str(infra), "--no-layer"]) == 0
    (infra / "tests").mkdir()
    shutil.copy(FIXTURES / "first_plan.tftest.hcl", infra / "tests" / "first_plan.tftest.hcl")
    report, printed = check(infra, tmp_path / "build")
    assert report.ok, printed


def test_vendor_copies_a_distribution_and_its_requirements(tmp_path: Path) -> None:
    vendor(["jsonschema"], tmp_path)
    assert (tmp_path / "jsonschema" / "__init__.py").is_file()
    # jsonschema requires attrs and referencing; both come along.
    assert (tmp_path / "attr" / "__init__.py").is_file()
    assert (tmp_path / "referencing" / "__init__.py").is_file()
    assert not list(tmp_path.glob("*.dist-info"))


def test_vendor_skips_what_the_lambda_runtime_provides(tmp_path: Path) -> None:
    vendor(["boto3"], tmp_path)
    assert not (tmp_path / "boto3").exists()


def test_vendor_of_a_missing_distribution_is_an_error(tmp_path: Path) -> None:
    from callrec.terraform.chalice_tf import PackageError

    with pytest.raises(PackageError, match="not installed"):
        vendor(["no-such-distribution-callrec"], tmp_path)


def test_a_deployment_package_above_the_direct_upload_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from callrec.commands import package

    infra = _infra_copy(tmp_path / "infra")
    monkeypatch.setattr(package, "DIRECT_UPLOAD_LIMIT", 100_000)  # the app's zip is larger
    assert main(["package", "--out", str(infra), "--no-layer"]) == 2
    assert "the deployment package is" in capsys.readouterr().err
