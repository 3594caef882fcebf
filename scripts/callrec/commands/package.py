"""``callrec package``: package the Chalice app as Terraform that joins the root module in infra/.

Runs ``chalice package --pkg-format terraform`` offline on a staged copy of the app (the copy's
stage config says roles are not managed by Chalice and carries no environment: both come from
Terraform), rewrites the output for Terraform 1.x and provider 6.x (callrec.terraform.chalice_tf)
and writes ``chalice.tf.json``, ``chalice_override.tf.json`` and ``chalice-deployment.zip``
into the Terraform root. ``--apply`` then runs init and plan there through python-terraform,
shows the plan and, as ``terraform apply`` does, applies it only after the operator types "yes"
(or with ``--auto-approve``); with no terminal to ask on, it refuses unless ``--auto-approve``.
``--var-file`` and ``--var`` reach the plan as they would reach ``terraform plan``.

The report function needs python-docx and matplotlib (with numpy, lxml, Pillow...), about
150 MB unpacked: too much for the one deployment zip Chalice shares between all functions. They
go into a Lambda layer (``chalice-layer.zip``) attached to ``render_report`` only, built offline
from the distributions installed in this environment (CPython 3.11 x86_64 Linux wheels, the
platform of the python3.11 x86_64 Lambda runtime) instead of Chalice's pip download.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from callrec import aws_options, bytecode
from callrec.terraform import chalice_tf
from callrec.terraform.chalice_tf import PackageError

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_APP_DIR = REPO_ROOT / "chalice_app"
DEFAULT_OUT_DIR = REPO_ROOT / "infra"
PLACEHOLDER_ROLE = "arn:aws:iam::000000000000:role/replaced-by-terraform"
DEFAULT_LAYER_DISTRIBUTIONS = ("python-docx", "matplotlib")
DIRECT_UPLOAD_LIMIT = 50 * 1024 * 1024  # Lambda quota: deployment package, zipped, direct upload
DEFAULT_LAYER_FUNCTIONS = ("render_report",)
# The AWS SDK ships with the Lambda Python runtime; never vendored. Its small dependencies
# (python-dateutil, urllib3, ...) are vendored when something else needs them.
RUNTIME_PROVIDED = {"boto3", "botocore", "s3transfer"}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "package", help="package the Chalice functions as Terraform for infra/ (chalice package)"
    )
    parser.add_argument("--app-dir", type=Path, default=DEFAULT_APP_DIR, help="Chalice project")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT_DIR, help="Terraform root module")
    parser.add_argument("--stage", default="dev", help="Chalice stage (default dev)")
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="FUNCTION",
        help="leave this function (and its event sources) out; repeatable",
    )
    parser.add_argument(
        "--vendor",
        action="append",
        default=[],
        metavar="DISTRIBUTION",
        help="copy this installed distribution and its dependencies into the package; repeatable",
    )
    parser.add_argument(
        "--layer",
        action="append",
        default=None,
        metavar="DISTRIBUTION",
        help="put this installed distribution (and its dependencies) into the dependency layer; "
        f"repeatable (default: {', '.join(DEFAULT_LAYER_DISTRIBUTIONS)})",
    )
    parser.add_argument(
        "--layer-function",
        action="append",
        default=None,
        metavar="FUNCTION",
        help=f"attach the layer to this function (default: {', '.join(DEFAULT_LAYER_FUNCTIONS)})",
    )
    parser.add_argument("--no-layer", action="store_true", help="build no dependency layer")
    parser.add_argument(
        "--apply", action="store_true", help="then terraform init, plan and apply in --out"
    )
    parser.add_argument(
        "--auto-approve",
        action="store_true",
        help="with --apply: apply without asking (needed without a terminal)",
    )
    parser.add_argument(
        "--var-file",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        help="with --apply: a Terraform variables file for the plan; repeatable",
    )
    parser.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="with --apply: a Terraform variable for the plan; repeatable",
    )
    aws_options.add_arguments(parser)  # used by --apply (Terraform's AWS provider)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.apply:  # before packaging: no Region or credentials is one line, not a failed apply
        aws_options.configure(args)
    app_dir: Path = args.app_dir.resolve()
    out_dir: Path = args.out.resolve()
    if not (app_dir / "app.py").is_file():
        raise PackageError(f"{app_dir} has no app.py", hint="pass --app-dir chalice_app")
    if not (out_dir / "main.tf").is_file():
        raise PackageError(f"{out_dir} has no main.tf", hint="pass --out infra")
    apply_options = check_apply_options(args) if args.apply else None
    with tempfile.TemporaryDirectory(prefix="callrec-package-") as temp:
        staged = stage_project(app_dir, Path(temp) / "app", args.stage)
        vendor(args.vendor, staged / "vendor")
        generated_dir = Path(temp) / "out"
        run_chalice_package(staged, generated_dir, args.stage)
        generated = json.loads((generated_dir / "chalice.tf.json").read_text())
        app_name = str(json.loads((staged / ".chalice" / "config.json").read_text())["app_name"])
        layer_functions: list[str] = []
        layer_zip = out_dir / chalice_tf.LAYER_ZIP_NAME
        if not args.no_layer:
            layer_functions = args.layer_function or list(DEFAULT_LAYER_FUNCTIONS)
            layer_functions = [name for name in layer_functions if name not in args.exclude]
        packaged = chalice_tf.rewrite(
            generated,
            app_name=app_name,
            stage=args.stage,
            exclude=args.exclude,
            layer_functions=layer_functions,
        )
        if layer_functions:
            build_layer(args.layer or list(DEFAULT_LAYER_DISTRIBUTIONS), Path(temp), layer_zip)
        else:
            layer_zip.unlink(missing_ok=True)
        for name, text in packaged.files().items():
            (out_dir / name).write_text(text)
        shutil.copyfile(generated_dir / "deployment.zip", out_dir / chalice_tf.ZIP_NAME)
        compiled = bytecode.add_to_zip(out_dir / chalice_tf.ZIP_NAME)
        # Checked with the bytecode in, which about doubles what the app's sources weigh.
        check_upload_size(
            out_dir / chalice_tf.ZIP_NAME,
            "the deployment package",
            "vendor less into it (--vendor); large dependencies belong in the layer (--layer)",
        )
    print(
        f"packaged {', '.join(packaged.functions)} into {out_dir} "
        f"(with the bytecode of {compiled} modules)"
    )
    if apply_options is not None:
        return apply(out_dir, apply_options)
    return 0


def stage_project(app_dir: Path, target: Path, stage: str) -> Path:
    """Copy the Chalice project to ``target`` with a stage config fit for packaging."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "deployments", "venv")
    shutil.copytree(app_dir, target, ignore=ignore)
    config_path = target / ".chalice" / "config.json"
    if not config_path.is_file():
        raise PackageError(
            f"{app_dir / '.chalice' / 'config.json'} is missing", hint="restore it from git"
        )
    config_path.write_text(json.dumps(packaging_config(json.loads(config_path.read_text()), stage)))
    # requirements.txt is for `chalice deploy`; here chalice package would pip-download it for
    # Lambda's platform. The dependency layer is built offline from this environment instead.
    (target / "requirements.txt").unlink(missing_ok=True)
    return target


def packaging_config(config: dict[str, Any], stage: str) -> dict[str, Any]:
    """The project config with ``stage`` set up for Terraform-managed roles and environment."""
    stages = config.setdefault("stages", {})
    settings = stages.setdefault(stage, {})
    settings["manage_iam_role"] = False
    settings["iam_role_arn"] = PLACEHOLDER_ROLE
    settings.pop("environment_variables", None)
    settings.pop("automatic_layer", None)
    for function in settings.get("lambda_functions", {}).values():
        for key in ("iam_role_arn", "manage_iam_role", "environment_variables"):
            function.pop(key, None)
    return config


def run_chalice_package(project: Path, out_dir: Path, stage: str) -> None:
    chalice = Path(sys.executable).with_name("chalice")
    command = [str(chalice) if chalice.exists() else "chalice", "package"]
    command += ["--pkg-format", "terraform", "--stage", stage, str(out_dir)]
    env = dict(os.environ)
    # chalice package only needs a region to render ARNs; no AWS call is made.
    env.setdefault("AWS_DEFAULT_REGION", env.get("AWS_REGION", "us-east-1"))
    completed = subprocess.run(
        command, cwd=project, env=env, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise PackageError(
            f"chalice package failed: {completed.stderr.strip()[-2000:]}",
            hint="run `chalice package --pkg-format terraform` in chalice_app/ to see the details",
        )


def build_layer(distributions: list[str], work_dir: Path, target: Path) -> None:
    """Write a Lambda layer zip of ``distributions`` (under python/) to ``target``.

    The zip is deterministic (sorted entries, fixed timestamps) so an unchanged environment
    gives the same source_code_hash and Terraform sees no change.
    """
    root = work_dir / "layer"
    vendor(distributions, root / "python", skip_tests=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(
                path.relative_to(root).as_posix(), date_time=(1980, 1, 1, 0, 0, 0)
            )
            info.external_attr = (0o755 if os.access(path, os.X_OK) else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    check_upload_size(
        target, "the dependency layer", "put fewer distributions in the layer (--layer) or split it"
    )


def check_upload_size(zip_path: Path, what: str, hint: str) -> None:
    """Refuse a zip above what Lambda accepts in a direct upload (Terraform's ``filename``)."""
    size = zip_path.stat().st_size
    if size > DIRECT_UPLOAD_LIMIT:
        raise PackageError(
            f"{what} is {size / 1e6:.1f} MB zipped, above the 50 MB Lambda accepts in a direct "
            "upload",
            hint=hint,
        )


def vendor(distributions: list[str], target: Path, *, skip_tests: bool = False) -> None:
    """Copy installed ``distributions`` (and what they require) into Chalice's vendor/ folder.

    Offline alternative to Chalice's pip download: the .venv already holds Linux x86_64
    CPython 3.11 wheels, the same platform as the python3.11 x86_64 Lambda runtime.
    """
    from importlib import metadata

    from packaging.requirements import Requirement

    pending = list(distributions)
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        key = name.lower().replace("_", "-")
        if key in seen or key in RUNTIME_PROVIDED:
            continue
        seen.add(key)
        try:
            distribution = metadata.distribution(name)
        except metadata.PackageNotFoundError as error:
            raise PackageError(
                f"{name} is not installed", hint=f".venv/bin/pip install {name}"
            ) from error
        for requirement_text in distribution.requires or []:
            requirement = Requirement(requirement_text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                pending.append(requirement.name)
        for file in distribution.files or []:
            source = Path(str(distribution.locate_file(file)))
            if file.parts[0].endswith((".dist-info", "__pycache__")) or file.parts[0] == "..":
                continue
            if "__pycache__" in file.parts or not source.is_file():
                continue
            if skip_tests and ("tests" in file.parts or "test" in file.parts):
                continue
            destination = target / Path(*file.parts)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)


@dataclass(frozen=True)
class ApplyOptions:
    """How ``--apply`` runs: the plan's variables and whether to ask before applying."""

    variables: dict[str, str]
    var_files: tuple[Path, ...]
    auto_approve: bool


def check_apply_options(args: argparse.Namespace) -> ApplyOptions:
    """Validate the --apply flags before anything is packaged."""
    if not args.auto_approve and not sys.stdin.isatty():
        raise PackageError(
            "--apply asks for confirmation, and there is no terminal to ask on",
            hint="run it in a terminal, or pass --auto-approve (as for terraform apply)",
        )
    variables: dict[str, str] = {}
    for item in args.var:
        name, sep, value = str(item).partition("=")
        if not sep or not name.strip():
            raise PackageError(
                f"--var {item!r} is not NAME=VALUE", hint="e.g. --var name_prefix=rec"
            )
        variables[name.strip()] = value
    for path in args.var_file:
        if not path.is_file():
            raise PackageError(f"--var-file {path} does not exist", hint="pass an existing .tfvars")
    return ApplyOptions(
        variables, tuple(path.resolve() for path in args.var_file), args.auto_approve
    )


def apply(out_dir: Path, options: ApplyOptions) -> int:
    from callrec.terraform.driver import TerraformDriver

    driver = TerraformDriver(out_dir, variables=options.variables, var_files=options.var_files)
    driver.init()
    plan = driver.plan()
    print(plan.stdout)
    if not plan.has_changes:
        print("no changes")
        return 0
    if not options.auto_approve and not _confirmed():
        print("Apply cancelled.")
        return 1
    driver.apply(plan)
    print("applied")
    return 0


def _confirmed() -> bool:
    print("Do you want to perform these actions? Only 'yes' will be accepted to approve.")
    try:
        answer = input("  Enter a value: ")
    except EOFError:
        return False
    return answer.strip() == "yes"
