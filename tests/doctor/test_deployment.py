"""Where the doctor finds a deployment's names: Terraform outputs or a Chalice stage."""

from __future__ import annotations

import pytest

from callrec.doctor.deployment import DeploymentError, Source, from_outputs, from_stage
from chalicelib.sma.prompts import Prompt
from tests.doctor.conftest import (
    CONFIGURATION_ARN,
    DLQ_ARN,
    RECORDINGS,
    SMA_ID,
    VOICE_CONNECTOR,
    media_insights_outputs,
    outputs,
)


def test_outputs_name_the_sma_queue_and_functions() -> None:
    deployment = from_outputs(outputs())
    assert deployment.source is Source.OUTPUTS
    assert deployment.sma_id == SMA_ID
    assert deployment.dead_letter_queue_arn == DLQ_ARN
    assert deployment.function("render_report") == "callrec-dev-render_report"
    assert deployment.media_insights is None


def test_outputs_without_an_sma_expect_none() -> None:
    assert not from_outputs(outputs(sip_media_application_id=None)).sma_expected


def test_media_insights_outputs_add_its_functions_with_chalices_prefix() -> None:
    deployment = from_outputs(media_insights_outputs())
    assert deployment.media_insights is not None
    assert deployment.media_insights.configuration_arn == CONFIGURATION_ARN
    assert deployment.media_insights.voice_connector_id == VOICE_CONNECTOR
    assert deployment.function("media_insights_state_change") == (
        "callrec-dev-media_insights_state_change"
    )


def test_outputs_of_another_module_are_refused() -> None:
    with pytest.raises(DeploymentError, match="lambda_function_names"):
        from_outputs({"recordings_bucket": RECORDINGS})


def test_a_stage_names_functions_app_stage_function() -> None:
    config = {
        "app_name": "calls",
        "stages": {"prod": {"environment_variables": {"RECORDINGS_BUCKET": RECORDINGS}}},
    }
    deployment = from_stage(config, "prod")
    assert deployment.source is Source.STAGE
    assert deployment.function("sma_handler") == "calls-prod-sma_handler"
    assert deployment.sma_expected  # found by its endpoint
    # Without Terraform's prompt_keys output: every prompt the call flow plays.
    assert set(deployment.prompt_keys) == {prompt.value for prompt in Prompt}


def test_a_stage_without_the_terraform_environment_is_refused() -> None:
    with pytest.raises(DeploymentError, match="RECORDINGS_BUCKET"):
        from_stage({"stages": {"dev": {"environment_variables": {}}}}, "dev")
