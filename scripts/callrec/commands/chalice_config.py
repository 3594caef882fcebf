"""``callrec chalice-config``: write .chalice/config.json stage settings from Terraform outputs.

For the path where Terraform creates the infrastructure only and ``chalice deploy`` deploys the
functions: the stage's ``environment_variables`` become the root module's ``lambda_environment``
output, and each function's ``iam_role_arn`` comes from ``function_role_arns`` (Chalice does
not manage roles: ``manage_iam_role`` is false). Outputs come from a file holding
``terraform output -json`` or live from a Terraform directory (through python-terraform).
Other settings in the config file (timeouts, memory, other stages) are kept as they are.

What ``chalice deploy`` needs from the stage, and where each comes from:

* the function names Chalice will use (APP-STAGE-NAME) must be the ones Terraform made the log
  groups and log grants for (``lambda_function_names``); another stage or app name is refused;
* every function app.py declares has its own role (``lambda_functions.NAME.iam_role_arn``);
  Chalice also insists on a stage-level ``iam_role_arn`` when ``manage_iam_role`` is false
  ("When 'manage_iam_role' is set to false, you must provide an 'iam_role_arn'"). It is the SMA
  handler's role, the narrowest one, and since every function has its own it is never used;
* the media insights functions, when the stack has no media insights path (no roles for them),
  are left out: the stage sets ``MEDIA_INSIGHTS_FUNCTIONS=disabled``, which app.py reads when
  Chalice loads it to deploy, and the command says so;
* ``xray``: active tracing, as the packaged functions have (the roles may write traces);
* ``automatic_layer``: Chalice builds chalice_app/requirements.txt (python-docx, matplotlib for
  the report) into a layer, so the function zip stays small and fast to redeploy.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from callrec.terraform.driver import outputs_from_json
from chalicelib.errors import CallRecError

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_CONFIG = REPO_ROOT / "chalice_app" / ".chalice" / "config.json"
REQUIRED_OUTPUTS = ("lambda_environment", "function_role_arns")
CORE_FUNCTIONS = ("sma_handler", "start_transcription", "render_report")
MEDIA_INSIGHTS_FUNCTIONS = (
    "media_insights_streaming_status",
    "media_insights_state_change",
    "media_insights_recording_metadata",
    "stop_media_insights_pipeline",
)
# The app.py switch (read at deploy time from the stage's environment) and its "off" value.
MEDIA_INSIGHTS_SWITCH = "MEDIA_INSIGHTS_FUNCTIONS"
STAGE_ROLE_FUNCTION = "sma_handler"


class ChaliceConfigError(CallRecError):
    """The Terraform outputs or the Chalice config cannot produce a stage configuration."""

    code = "ChaliceConfigError"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "chalice-config", help="write .chalice/config.json stage settings from terraform output"
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--outputs", type=Path, help="file with `terraform output -json` ('-' for stdin)"
    )
    source.add_argument(
        "--terraform-dir", type=Path, help="run `terraform output -json` in this directory"
    )
    parser.add_argument("--stage", default="dev", help="Chalice stage to write (default dev)")
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="config.json to update")
    parser.add_argument(
        "--check", action="store_true", help="only report whether the file is up to date (exit 1)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    outputs = load_outputs(args.outputs, args.terraform_dir)
    current = read_config(args.config)
    updated = apply_outputs(current, outputs, args.stage)
    text = json.dumps(updated, indent=2) + "\n"
    print(describe_stage(updated, args.stage))
    if args.check:
        if args.config.is_file() and args.config.read_text() == text:
            print(f"{args.config} is up to date")
            return 0
        print(f"{args.config} differs from the Terraform outputs; run callrec chalice-config")
        return 1
    args.config.parent.mkdir(parents=True, exist_ok=True)
    args.config.write_text(text)
    print(f"wrote stage {args.stage!r} of {args.config}")
    return 0


def load_outputs(outputs_file: Path | None, terraform_dir: Path | None) -> dict[str, Any]:
    if terraform_dir is not None:
        from callrec.terraform.driver import TerraformDriver

        return TerraformDriver(terraform_dir).output()
    assert outputs_file is not None
    if str(outputs_file) == "-":
        return outputs_from_json(sys.stdin.read())
    if not outputs_file.is_file():
        raise ChaliceConfigError(
            f"{outputs_file} does not exist", hint="terraform output -json > outputs.json"
        )
    return outputs_from_json(outputs_file.read_text())


def read_config(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {"version": "2.0", "app_name": "callrec", "stages": {}}
    try:
        config = json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise ChaliceConfigError(
            f"{path} is not valid JSON: {error}", hint="fix or restore it from git"
        ) from error
    if not isinstance(config, dict):
        raise ChaliceConfigError(f"{path} is not a JSON object", hint="restore it from git")
    return config


def apply_outputs(
    config: Mapping[str, Any], outputs: Mapping[str, Any], stage: str
) -> dict[str, Any]:
    """Return ``config`` with ``stage`` carrying the environment and roles from ``outputs``."""
    missing = [name for name in REQUIRED_OUTPUTS if name not in outputs]
    if missing:
        raise ChaliceConfigError(
            f"terraform outputs lack {', '.join(missing)}",
            hint="use the outputs of the root module in infra/ (terraform output -json)",
        )
    environment = _string_map(outputs["lambda_environment"], "lambda_environment")
    roles = _checked_roles(_string_map(outputs["function_role_arns"], "function_role_arns"))
    _check_function_names(outputs, str(config.get("app_name", "callrec")), stage)
    media_insights = _media_insights_enabled(roles)
    if not media_insights:
        environment[MEDIA_INSIGHTS_SWITCH] = "disabled"
    result = json.loads(json.dumps(config))
    settings = result.setdefault("stages", {}).setdefault(stage, {})
    settings["manage_iam_role"] = False
    settings["iam_role_arn"] = roles[STAGE_ROLE_FUNCTION]
    settings["automatic_layer"] = True
    # The function roles carry the X-Ray grant (infra/modules/function-role).
    settings["xray"] = True
    settings["environment_variables"] = dict(sorted(environment.items()))
    functions = settings.setdefault("lambda_functions", {})
    if not media_insights:
        for function in MEDIA_INSIGHTS_FUNCTIONS:
            functions.get(function, {}).pop("iam_role_arn", None)
    for function, role in sorted(roles.items()):
        functions.setdefault(function, {})["iam_role_arn"] = role
    return dict(result)


def describe_stage(config: Mapping[str, Any], stage: str) -> str:
    """One line saying which functions the stage deploys and which it leaves out."""
    settings = config["stages"][stage]
    deployed = sorted(
        name
        for name, entry in settings.get("lambda_functions", {}).items()
        if "iam_role_arn" in entry
    )
    text = f"stage {stage!r} deploys {', '.join(deployed)}"
    if settings["environment_variables"].get(MEDIA_INSIGHTS_SWITCH) == "disabled":
        text += (
            f"; leaves out {', '.join(MEDIA_INSIGHTS_FUNCTIONS)} "
            "(the stack has no media insights path: enable_media_insights is false)"
        )
    return text


def _checked_roles(roles: dict[str, str]) -> dict[str, str]:
    if not roles:
        raise ChaliceConfigError(
            "function_role_arns is empty", hint="apply infra/ (call-analytics module) first"
        )
    for function, role in sorted(roles.items()):
        if not role:
            raise ChaliceConfigError(
                f"function_role_arns[{function!r}] is empty", hint="apply infra/ first"
            )
    missing = [name for name in CORE_FUNCTIONS if name not in roles]
    if missing:
        raise ChaliceConfigError(
            f"function_role_arns has no role for {', '.join(missing)}",
            hint="chalice deploy would deploy them without one; apply infra/ (call-analytics)",
        )
    return roles


def _check_function_names(outputs: Mapping[str, Any], app_name: str, stage: str) -> None:
    """Refuse a stage whose functions Chalice would name differently from Terraform.

    Chalice deploys a function as APP-STAGE-NAME. Terraform created each role's log group as
    /aws/lambda/<lambda_function_names[NAME]> and granted writes to that group only (no
    logs:CreateLogGroup), so a function deployed under another name could not log at all.
    """
    if "lambda_function_names" not in outputs:
        return
    names = _string_map(outputs["lambda_function_names"], "lambda_function_names")
    for function, deployed in sorted(names.items()):
        chalice_name = f"{app_name}-{stage}-{function}"
        if deployed != chalice_name:
            raise ChaliceConfigError(
                f"stage {stage!r} of app {app_name!r} would deploy {function} as "
                f"{chalice_name}, but Terraform made its role and log group for {deployed}",
                hint="pass the --stage Terraform was applied with (var.chalice_stage), or apply "
                "infra/ with -var chalice_stage=STAGE -var chalice_app_name=APP",
            )


def _media_insights_enabled(roles: Mapping[str, str]) -> bool:
    present = [name for name in MEDIA_INSIGHTS_FUNCTIONS if name in roles]
    if present and len(present) != len(MEDIA_INSIGHTS_FUNCTIONS):
        absent = sorted(set(MEDIA_INSIGHTS_FUNCTIONS) - set(present))
        raise ChaliceConfigError(
            "function_role_arns has roles for some media insights functions but not "
            + ", ".join(absent),
            hint="apply infra/ with enable_media_insights, or pass extra_function_role_arns",
        )
    return bool(present)


def _string_map(value: Any, name: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ChaliceConfigError(f"output {name} is not a map", hint="use the infra/ root outputs")
    result: dict[str, str] = {}
    for key, item in value.items():
        if item is None:
            continue
        if not isinstance(item, str):
            raise ChaliceConfigError(
                f"output {name}[{key!r}] is {type(item).__name__}, not a string",
                hint="Lambda environment values and role ARNs are strings",
            )
        result[str(key)] = item
    return result
