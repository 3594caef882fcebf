"""The python-terraform driver against the real (embedded) Terraform 1.15, offline.

The configuration uses only Terraform's built-in ``terraform_data`` resource, so init, plan,
apply, output and destroy all run without any provider or network.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from callrec.terraform.driver import (
    TerraformDriver,
    TerraformError,
    outputs_from_json,
    terraform_binary,
)

CONFIG = """
variable "names" {
  type    = list(string)
  default = []
}

resource "terraform_data" "this" {
  input = join(",", var.names)
}

output "joined" {
  value = terraform_data.this.output
}
"""


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cli_config = tmp_path / "terraformrc"
    cli_config.write_text("")
    monkeypatch.setenv("TF_CLI_CONFIG_FILE", str(cli_config))
    monkeypatch.setenv("TF_IN_AUTOMATION", "1")
    directory = tmp_path / "config"
    directory.mkdir()
    (directory / "main.tf").write_text(CONFIG)
    return directory


def test_init_plan_apply_output_destroy(workdir: Path) -> None:
    driver = TerraformDriver(workdir, variables={"names": ["a", "b"]})
    driver.init()
    plan = driver.plan()
    assert plan.has_changes
    driver.apply(plan)
    assert driver.output() == {"joined": "a,b"}
    driver.destroy()
    assert driver.output() == {}


def test_a_second_plan_after_apply_has_no_changes(workdir: Path) -> None:
    driver = TerraformDriver(workdir)
    driver.init()
    driver.apply(driver.plan())
    assert not driver.plan().has_changes


def test_python_terraform_destroy_breaks_on_terraform_1(workdir: Path) -> None:
    # Why TerraformDriver.destroy does not call python-terraform's destroy(): it passes -force.
    from python_terraform import Terraform

    raw = Terraform(working_dir=str(workdir), terraform_bin_path=str(terraform_binary()))
    raw.init()
    code, _, err = raw.destroy()
    assert code != 0
    assert "flag provided but not defined: -force" in err


def test_python_terraform_apply_without_skip_plan_is_not_confirmed(workdir: Path) -> None:
    # Why TerraformDriver.apply applies a saved plan: -auto-approve=false with -input=false.
    from python_terraform import Terraform

    raw = Terraform(working_dir=str(workdir), terraform_bin_path=str(terraform_binary()))
    raw.init()
    code, _, _ = raw.apply()
    assert code != 0


def test_a_failing_command_raises_with_terraform_s_message(workdir: Path) -> None:
    (workdir / "broken.tf").write_text('resource "terraform_data" "x" {\n  nope = 1\n}\n')
    driver = TerraformDriver(workdir)
    driver.init()
    with pytest.raises(TerraformError, match=r"(?s)terraform plan failed.*argument named \"nope\""):
        driver.plan()


def test_a_missing_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(TerraformError, match="is not a directory"):
        TerraformDriver(tmp_path / "missing")


def test_outputs_from_json_takes_the_values() -> None:
    text = '{"a": {"sensitive": false, "type": "string", "value": "x"}}'
    assert outputs_from_json(text) == {"a": "x"}


def test_outputs_from_json_rejects_raw_output() -> None:
    with pytest.raises(TerraformError, match="has no value field"):
        outputs_from_json('{"a": "x"}')


def test_outputs_from_json_rejects_non_json() -> None:
    with pytest.raises(TerraformError, match="not JSON"):
        outputs_from_json('a = "x"')
