"""`callrec chalice-config`: .chalice/config.json stage settings from `terraform output -json`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from callrec.cli import main
from callrec.commands.chalice_config import REPO_ROOT, ChaliceConfigError, apply_outputs

ROLE = "arn:aws:iam::111122223333:role/callrec-sma-handler"
CORE_ROLES = {
    "sma_handler": ROLE,
    "start_transcription": "arn:aws:iam::111122223333:role/callrec-start-transcription",
    "render_report": "arn:aws:iam::111122223333:role/callrec-render-report",
}
MEDIA_INSIGHTS_ROLES = {
    name: f"arn:aws:iam::111122223333:role/callrec-{name.replace('_', '-')}"
    for name in (
        "media_insights_streaming_status",
        "media_insights_state_change",
        "media_insights_recording_metadata",
        "stop_media_insights_pipeline",
    )
}


def _outputs(**overrides: Any) -> dict[str, Any]:
    outputs: dict[str, Any] = {
        "lambda_environment": {"RECORDINGS_BUCKET": "rec-bucket", "OWNER_PHONE_NUMBER": ""},
        "function_role_arns": dict(CORE_ROLES),
        "recordings_bucket": "rec-bucket",
    }
    outputs.update(overrides)
    return outputs


def _as_terraform_json(outputs: dict[str, Any]) -> str:
    return json.dumps(
        {name: {"sensitive": False, "type": "string", "value": v} for name, v in outputs.items()}
    )


def test_environment_and_roles_go_into_the_stage() -> None:
    config = apply_outputs({"version": "2.0", "app_name": "callrec"}, _outputs(), "dev")
    stage = config["stages"]["dev"]
    assert stage["environment_variables"] == {
        "MEDIA_INSIGHTS_FUNCTIONS": "disabled",
        "OWNER_PHONE_NUMBER": "",
        "RECORDINGS_BUCKET": "rec-bucket",
    }
    assert stage["manage_iam_role"] is False
    assert stage["lambda_functions"]["sma_handler"]["iam_role_arn"] == ROLE


def test_other_settings_and_stages_are_kept() -> None:
    config: dict[str, Any] = {
        "app_name": "callrec",
        "stages": {
            "dev": {"lambda_functions": {"sma_handler": {"lambda_timeout": 10}}},
            "prod": {"lambda_memory_size": 512},
        },
    }
    result = apply_outputs(config, _outputs(), "dev")
    assert result["stages"]["dev"]["lambda_functions"]["sma_handler"]["lambda_timeout"] == 10
    assert result["stages"]["prod"] == {"lambda_memory_size": 512}
    assert "environment_variables" not in config["stages"]["dev"]  # input left untouched


def test_missing_outputs_are_named() -> None:
    with pytest.raises(ChaliceConfigError, match="lack function_role_arns"):
        apply_outputs({}, {"lambda_environment": {}}, "dev")


def test_non_string_environment_values_are_refused() -> None:
    with pytest.raises(ChaliceConfigError, match=r"lambda_environment\['N'\] is int"):
        apply_outputs({}, _outputs(lambda_environment={"N": 3}), "dev")


def test_an_empty_role_map_is_refused() -> None:
    with pytest.raises(ChaliceConfigError, match="function_role_arns is empty"):
        apply_outputs({}, _outputs(function_role_arns={}), "dev")


def test_cli_writes_the_config_from_an_outputs_file(tmp_path: Path) -> None:
    outputs = tmp_path / "outputs.json"
    outputs.write_text(_as_terraform_json(_outputs()))
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"version": "2.0", "app_name": "callrec", "stages": {}}))
    assert main(["chalice-config", "--outputs", str(outputs), "--config", str(config)]) == 0
    written = json.loads(config.read_text())
    assert written["stages"]["dev"]["environment_variables"]["RECORDINGS_BUCKET"] == "rec-bucket"


def test_cli_check_reports_a_stale_config_then_an_up_to_date_one(tmp_path: Path) -> None:
    outputs = tmp_path / "outputs.json"
    outputs.write_text(_as_terraform_json(_outputs()))
    config = tmp_path / "config.json"
    args = ["chalice-config", "--outputs", str(outputs), "--config", str(config)]
    assert main([*args, "--check"]) == 1
    assert main(args) == 0
    assert main([*args, "--check"]) == 0


def test_cli_refuses_a_missing_outputs_file(tmp_path: Path) -> None:
    args = ["chalice-config", "--outputs", str(tmp_path / "nope.json")]
    assert main([*args, "--config", str(tmp_path / "c.json")]) == 2


def test_committed_config_leaves_roles_to_terraform() -> None:
    committed = Path(__file__).resolve().parents[2] / "chalice_app" / ".chalice" / "config.json"
    config = json.loads(committed.read_text())
    assert config["app_name"] == "callrec"
    assert config["stages"]["dev"]["manage_iam_role"] is False


def test_cli_reads_live_outputs_through_terraform(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli_config = tmp_path / "terraformrc"
    cli_config.write_text("")
    monkeypatch.setenv("TF_CLI_CONFIG_FILE", str(cli_config))
    workdir = tmp_path / "tf"
    workdir.mkdir()
    (workdir / "main.tf").write_text(
        'output "lambda_environment" {\n  value = { RECORDINGS_BUCKET = "live-bucket" }\n}\n'
        'output "function_role_arns" {\n'
        "  value = {"
        + ", ".join(f'{name} = "{role}"' for name, role in CORE_ROLES.items())
        + " }\n}\n"
    )
    from callrec.terraform.driver import TerraformDriver

    driver = TerraformDriver(workdir)
    driver.init()
    driver.apply(driver.plan())
    config = tmp_path / "config.json"
    args = ["chalice-config", "--terraform-dir", str(workdir), "--config", str(config)]
    assert main(args) == 0
    stage = json.loads(config.read_text())["stages"]["dev"]
    assert stage["environment_variables"]["RECORDINGS_BUCKET"] == "live-bucket"
    assert stage["lambda_functions"]["render_report"]["iam_role_arn"] == CORE_ROLES["render_report"]


def test_the_stage_has_the_role_chalice_insists_on() -> None:
    # Chalice: "When 'manage_iam_role' is set to false, you must provide an 'iam_role_arn'".
    stage = apply_outputs({}, _outputs(), "dev")["stages"]["dev"]
    assert stage["iam_role_arn"] == ROLE


def test_every_core_function_gets_its_own_role() -> None:
    functions = apply_outputs({}, _outputs(), "dev")["stages"]["dev"]["lambda_functions"]
    assert {name: entry["iam_role_arn"] for name, entry in functions.items()} == CORE_ROLES


def test_a_missing_core_role_is_refused() -> None:
    roles = {"sma_handler": ROLE, "render_report": CORE_ROLES["render_report"]}
    with pytest.raises(ChaliceConfigError, match="no role for start_transcription"):
        apply_outputs({}, _outputs(function_role_arns=roles), "dev")


def test_without_media_insights_roles_its_functions_are_left_out() -> None:
    config = {
        "stages": {
            "dev": {
                "lambda_functions": {
                    "media_insights_state_change": {
                        "iam_role_arn": "arn:aws:iam::111122223333:role/stale"
                    }
                }
            }
        }
    }
    stage = apply_outputs(config, _outputs(), "dev")["stages"]["dev"]
    assert stage["environment_variables"]["MEDIA_INSIGHTS_FUNCTIONS"] == "disabled"
    assert "iam_role_arn" not in stage["lambda_functions"]["media_insights_state_change"]


def test_with_media_insights_roles_its_functions_deploy_with_them() -> None:
    roles = {**CORE_ROLES, **MEDIA_INSIGHTS_ROLES}
    stage = apply_outputs({}, _outputs(function_role_arns=roles), "dev")["stages"]["dev"]
    assert "MEDIA_INSIGHTS_FUNCTIONS" not in stage["environment_variables"]
    for name, role in MEDIA_INSIGHTS_ROLES.items():
        assert stage["lambda_functions"][name]["iam_role_arn"] == role


def test_a_partial_media_insights_role_set_is_refused() -> None:
    roles = {**CORE_ROLES, "media_insights_state_change": "arn:aws:iam::111122223333:role/x"}
    with pytest.raises(ChaliceConfigError, match="but not media_insights_recording_metadata"):
        apply_outputs({}, _outputs(function_role_arns=roles), "dev")


def test_report_dependencies_deploy_as_chalices_automatic_layer() -> None:
    stage = apply_outputs({}, _outputs(), "dev")["stages"]["dev"]
    assert stage["automatic_layer"] is True
    requirements = (REPO_ROOT / "chalice_app" / "requirements.txt").read_text().split()
    assert {"python-docx", "matplotlib"} <= {
        line.split("=")[0].split("<")[0].split(">")[0] for line in requirements
    }


def test_the_cli_says_which_functions_are_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outputs = tmp_path / "outputs.json"
    outputs.write_text(_as_terraform_json(_outputs()))
    config = tmp_path / "config.json"
    assert main(["chalice-config", "--outputs", str(outputs), "--config", str(config)]) == 0
    printed = capsys.readouterr().out
    assert "deploys render_report, sma_handler, start_transcription" in printed
    assert "leaves out media_insights_streaming_status" in printed


def test_functions_trace_with_xray_as_the_packaged_ones_do() -> None:
    assert apply_outputs({}, _outputs(), "dev")["stages"]["dev"]["xray"] is True


def test_a_stage_other_than_the_one_terraform_named_the_functions_for_is_refused() -> None:
    # The roles may write only to /aws/lambda/<the name Terraform was given>, and have no
    # logs:CreateLogGroup: a function deployed under another stage name could not log at all.
    outputs = _outputs(
        lambda_function_names={name: f"callrec-dev-{name}" for name in CORE_ROLES},
    )
    expected = r"as callrec-prod-render_report, but Terraform made .* for callrec-dev-render_report"
    with pytest.raises(ChaliceConfigError, match=expected) as error:
        apply_outputs({"version": "2.0", "app_name": "callrec"}, outputs, "prod")
    assert "chalice_stage" in error.value.hint


def test_the_stage_terraform_named_the_functions_for_is_accepted() -> None:
    outputs = _outputs(
        lambda_function_names={name: f"callrec-prod-{name}" for name in CORE_ROLES},
    )
    config = apply_outputs({"version": "2.0", "app_name": "callrec"}, outputs, "prod")
    assert config["stages"]["prod"]["iam_role_arn"] == ROLE


def test_an_app_name_other_than_terraforms_is_refused_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outputs = tmp_path / "outputs.json"
    outputs.write_text(
        _as_terraform_json(
            _outputs(lambda_function_names={n: f"callrec-dev-{n}" for n in CORE_ROLES})
        )
    )
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"version": "2.0", "app_name": "recorder", "stages": {}}))
    assert main(["chalice-config", "--outputs", str(outputs), "--config", str(config)]) == 2
    assert "as recorder-dev-render_report" in capsys.readouterr().err
    assert json.loads(config.read_text())["stages"] == {}
