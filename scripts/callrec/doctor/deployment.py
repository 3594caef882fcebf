"""The names of one deployment, from ``terraform output -json`` or a Chalice stage.

Terraform outputs name everything (``infra/outputs.tf``). A Chalice stage, as
``callrec chalice-config`` writes it, carries only the functions' environment and roles: the
function names follow Chalice's ``<app_name>-<stage>-<function>``, the SIP media application is
found by its endpoint and the dead-letter queue by the functions' DeadLetterConfig; what neither
source names (the Voice Connector) is reported as cannot-check.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

# The function sets chalice-config writes a stage for: the doctor reads the same stage.
from callrec.commands.chalice_config import CORE_FUNCTIONS, MEDIA_INSIGHTS_FUNCTIONS
from chalicelib.errors import CallRecError
from chalicelib.sma.prompts import Prompt


class DeploymentError(CallRecError):
    """The outputs file or the Chalice stage does not describe a deployment."""

    code = "DeploymentError"


class Source(StrEnum):
    OUTPUTS = "terraform outputs"
    STAGE = "chalice stage"


@dataclass(frozen=True)
class MediaInsights:
    configuration_arn: str
    voice_connector_id: str | None
    sink_destination: str | None  # arn:aws:s3:::bucket/prefix
    start_mode: str  # lambda | voice_connector
    metadata_stream_name: str | None
    resource_access_role_arn: str | None
    sink_format: str = "Wav"  # the S3 recording sink's RecordingFileFormat: Wav | Opus


@dataclass(frozen=True)
class Deployment:
    source: Source
    function_names: Mapping[str, str]  # Chalice function name -> deployed function name
    recordings_bucket: str | None
    recordings_prefix: str
    transcripts_prefix: str
    prompts_bucket: str | None
    prompt_keys: tuple[str, ...]
    transcribe_role_arn: str | None
    kms_key_arn: str | None
    dead_letter_queue_arn: str | None = None  # None: found through the functions' config
    sma_id: str | None = None
    sma_arn: str | None = None
    media_insights: MediaInsights | None = None

    @property
    def sma_expected(self) -> bool:
        """Whether this deployment has a SIP media application (a stage cannot say: look for it)."""
        return self.sma_id is not None or self.source is Source.STAGE

    def function(self, name: str) -> str | None:
        return self.function_names.get(name)


def from_outputs(outputs: Mapping[str, Any]) -> Deployment:
    """The deployment named by the root module's outputs (``terraform output -json`` values)."""
    environment = _strings(outputs.get("lambda_environment"))
    names = _strings(outputs.get("lambda_function_names"))
    if not names:
        raise DeploymentError(
            "the outputs have no lambda_function_names",
            hint="use `terraform output -json` of the root module in infra/",
        )
    media = _media_insights(environment, outputs.get("media_insights") or {})
    if media is not None and "sma_handler" in names:
        prefix = names["sma_handler"].removesuffix("sma_handler")
        names = {**{n: f"{prefix}{n}" for n in MEDIA_INSIGHTS_FUNCTIONS}, **names}
    return Deployment(
        source=Source.OUTPUTS,
        function_names=names,
        recordings_bucket=_text(outputs.get("recordings_bucket")),
        recordings_prefix=environment.get("RECORDINGS_PREFIX", "recordings"),
        transcripts_prefix=environment.get("TRANSCRIPTS_PREFIX", "transcriptions"),
        prompts_bucket=_text(outputs.get("prompts_bucket")),
        prompt_keys=tuple(outputs.get("prompt_keys") or [p.value for p in Prompt]),
        transcribe_role_arn=_text(outputs.get("transcribe_data_access_role_arn")),
        kms_key_arn=_text(outputs.get("kms_key_arn")),
        dead_letter_queue_arn=_text(outputs.get("dead_letter_queue_arn")),
        sma_id=_text(outputs.get("sip_media_application_id")),
        sma_arn=_text(outputs.get("sip_media_application_arn")),
        media_insights=media,
    )


def from_stage(config: Mapping[str, Any], stage: str) -> Deployment:
    """The deployment a ``.chalice/config.json`` stage describes (``callrec chalice-config``)."""
    settings = (config.get("stages") or {}).get(stage)
    if not isinstance(settings, Mapping):
        raise DeploymentError(
            f"the Chalice config has no stage {stage!r}",
            hint="run `callrec chalice-config --stage STAGE` first, or pass --outputs FILE",
        )
    environment = _strings(settings.get("environment_variables"))
    if not environment.get("RECORDINGS_BUCKET"):
        raise DeploymentError(
            f"stage {stage!r} has no RECORDINGS_BUCKET",
            hint="run `callrec chalice-config` with the Terraform outputs, or pass --outputs FILE",
        )
    app_name = str(config.get("app_name") or "callrec")
    media = _media_insights(environment, {})
    declared = CORE_FUNCTIONS + (MEDIA_INSIGHTS_FUNCTIONS if media else ())
    return Deployment(
        source=Source.STAGE,
        function_names={name: f"{app_name}-{stage}-{name}" for name in declared},
        recordings_bucket=environment["RECORDINGS_BUCKET"],
        recordings_prefix=environment.get("RECORDINGS_PREFIX", "recordings"),
        transcripts_prefix=environment.get("TRANSCRIPTS_PREFIX", "transcriptions"),
        prompts_bucket=environment.get("PROMPTS_BUCKET") or None,
        prompt_keys=tuple(p.value for p in Prompt),
        transcribe_role_arn=environment.get("TRANSCRIBE_DATA_ACCESS_ROLE_ARN") or None,
        kms_key_arn=environment.get("TRANSCRIBE_OUTPUT_KMS_KEY_ID") or None,
        media_insights=media,
    )


def load(outputs_file: Path | None, config_file: Path, stage: str) -> Deployment:
    """From ``outputs_file`` when given, else from ``stage`` of ``config_file``."""
    if outputs_file is not None:
        from callrec.commands.chalice_config import load_outputs

        return from_outputs(load_outputs(outputs_file, None))
    from callrec.commands.chalice_config import read_config

    if not config_file.is_file():
        raise DeploymentError(
            f"{config_file} does not exist",
            hint="pass --outputs FILE (terraform output -json > FILE) or run chalice-config",
        )
    return from_stage(read_config(config_file), stage)


def _media_insights(
    environment: Mapping[str, str], outputs: Mapping[str, Any]
) -> MediaInsights | None:
    arn = environment.get("MEDIA_INSIGHTS_PIPELINE_CONFIGURATION_ARN") or _text(
        outputs.get("configuration_arn")
    )
    if not arn:
        return None
    return MediaInsights(
        configuration_arn=arn,
        voice_connector_id=_text(outputs.get("voice_connector_id")),
        sink_destination=environment.get("MEDIA_INSIGHTS_SINK_DESTINATION") or None,
        start_mode=environment.get("MEDIA_INSIGHTS_START_MODE") or "lambda",
        metadata_stream_name=environment.get("MEDIA_INSIGHTS_METADATA_STREAM")
        or _text(outputs.get("metadata_stream_name")),
        resource_access_role_arn=_text(outputs.get("resource_access_role")),
        sink_format=environment.get("MEDIA_INSIGHTS_SINK_FORMAT") or "Wav",
    )


def _text(value: Any) -> str | None:
    return str(value) if isinstance(value, str) and value else None


def _strings(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        return {}
    return {str(k): str(v) for k, v in value.items() if isinstance(v, str)}
