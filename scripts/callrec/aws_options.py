"""``--region`` and ``--profile`` for every command that calls AWS, checked before the first call.

One place decides which Region and credentials a command uses, so ``doctor``, ``phone-number``,
``replay``, ``audit --bucket`` and ``package --apply`` agree: ``--region``, else ``AWS_REGION``,
else ``AWS_DEFAULT_REGION``, else the profile's ``region`` (``AWS_REGION`` wins over
``AWS_DEFAULT_REGION``, as in the AWS CLI v2; botocore itself reads only ``AWS_DEFAULT_REGION``).
``configure`` checks them and then sets ``AWS_REGION``, ``AWS_DEFAULT_REGION`` and
``AWS_PROFILE`` for the rest of the process, so every AWS client (``chalicelib.aws``, the
handlers ``replay --target local`` runs) and every child process (Terraform's AWS provider reads
the same variables) uses that choice. A missing Region, an unknown profile or absent credentials
is one line (exit 2), never a traceback.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from typing import Any

from chalicelib.errors import CallRecError

REGION_VARIABLES = ("AWS_REGION", "AWS_DEFAULT_REGION")


class AwsSetupError(CallRecError):
    """No Region, no such profile, or no usable credentials: nothing was sent to AWS."""

    code = "AwsSetupError"


@dataclass(frozen=True)
class AwsSettings:
    region: str
    profile: str | None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("AWS")
    group.add_argument(
        "--region",
        help="AWS Region (default: AWS_REGION, then AWS_DEFAULT_REGION, then the profile's)",
    )
    group.add_argument(
        "--profile", help="named profile of the AWS config files (default: AWS_PROFILE)"
    )


def configure(args: argparse.Namespace) -> AwsSettings:
    """Check the Region and credentials of ``args`` and make them the default for boto3."""
    import boto3

    from chalicelib import aws

    profile = getattr(args, "profile", None) or None
    session = _session(profile)
    region = resolve_region(getattr(args, "region", None), session)
    _require_credentials(session, profile)
    for name in REGION_VARIABLES:
        os.environ[name] = region
    if profile:
        os.environ["AWS_PROFILE"] = profile
    # The next client builds its session from these variables: boto3's default session for the
    # CLI's own clients, chalicelib.aws's botocore session for the app's. Both are dropped here
    # (clients already made are kept, as tests' stubbed ones must be): a botocore session keeps
    # the credentials and config files it loaded first, so an app client made before this call
    # would otherwise leave every later one on the old settings.
    boto3.DEFAULT_SESSION = None
    aws.reset_session()
    return AwsSettings(region=region, profile=profile)


def resolve_region(flag: str | None, session: Any) -> str:
    candidates = [flag, *(os.environ.get(name, "").strip() for name in REGION_VARIABLES)]
    region = next((value for value in candidates if value), None) or session.region_name
    if not region:
        raise AwsSetupError(
            "no AWS Region is set",
            hint="pass --region (e.g. --region us-east-1) or set AWS_REGION",
        )
    return str(region)


def _session(profile: str | None) -> Any:
    import boto3
    from botocore.exceptions import ProfileNotFound

    try:
        return boto3.Session(profile_name=profile)
    except ProfileNotFound:
        name = profile or os.environ.get("AWS_PROFILE", "")
        raise AwsSetupError(
            f"the AWS profile {name!r} is not in the AWS config files",
            hint="check the name (aws configure list-profiles) or drop --profile",
        ) from None


def _require_credentials(session: Any, profile: str | None) -> None:
    from botocore.exceptions import BotoCoreError

    try:
        credentials = session.get_credentials()
        # Resolves refreshable credentials (SSO, assume-role) now, so an expired login is
        # reported here rather than as the first call's traceback.
        frozen = credentials.get_frozen_credentials() if credentials is not None else None
    except BotoCoreError as error:
        raise AwsSetupError(
            f"the AWS credentials cannot be loaded: {error}",
            hint="log in again (aws sso login) or fix the profile",
        ) from None
    if frozen is None or not frozen.access_key:
        where = f"profile {profile!r}" if profile else "the environment, AWS_PROFILE or ~/.aws"
        raise AwsSetupError(
            f"no AWS credentials found in {where}",
            hint="pass --profile, set AWS_PROFILE, or run aws configure / aws sso login",
        )


def caller_identity() -> tuple[str, str]:
    """(account id, partition) of the configured credentials, from STS GetCallerIdentity."""
    from botocore.exceptions import BotoCoreError, ClientError

    from chalicelib import aws

    try:
        identity = aws.client("sts").get_caller_identity()
    except (ClientError, BotoCoreError) as error:
        raise AwsSetupError(
            f"AWS does not accept the credentials: {aws.error_code(error) or error}",
            hint="refresh them (aws sso login, aws configure) or pass another --profile",
        ) from None
    return str(identity["Account"]), str(identity["Arn"]).split(":")[1]
