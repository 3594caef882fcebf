"""The rewrite of `chalice package --pkg-format terraform` output for Terraform 1.x / AWS 6.x."""

from __future__ import annotations

import json
from typing import Any

import pytest

from callrec.terraform.chalice_tf import PackageError, rewrite


def _rewritten(generated: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    return rewrite(generated, app_name="fixture", stage="dev", **kwargs).main


def test_chalice_output_pins_old_terraform_and_the_null_provider(generated: dict[str, Any]) -> None:
    # The reason for the rewrite: Chalice 1.x output cannot run on Terraform 1.15 / AWS 6.
    assert "< 1.4.0" in generated["terraform"]["required_version"]
    assert "null_data_source" in generated["data"]


def test_version_pins_and_null_provider_are_removed(generated: dict[str, Any]) -> None:
    main = _rewritten(generated)
    assert "terraform" not in main
    assert "null_data_source" not in json.dumps(main)


def test_deprecated_region_name_attribute_is_not_used(generated: dict[str, Any]) -> None:
    text = json.dumps(_rewritten(generated))
    assert "data.aws_region.chalice.name" not in text


def test_roles_come_from_the_root_module(generated: dict[str, Any]) -> None:
    functions = _rewritten(generated)["resource"]["aws_lambda_function"]
    for name, function in functions.items():
        assert function["role"] == f'${{local.function_role_arns["{name}"]}}'


def test_environment_comes_from_terraform_not_the_chalice_config(
    generated: dict[str, Any],
) -> None:
    functions = _rewritten(generated)["resource"]["aws_lambda_function"]
    for function in functions.values():
        assert function["environment"] == {"variables": "${local.function_environment}"}


def test_core_functions_take_the_root_module_names(generated: dict[str, Any]) -> None:
    functions = _rewritten(generated)["resource"]["aws_lambda_function"]
    assert functions["sma_handler"]["function_name"] == (
        '${local.lambda_function_names["sma_handler"]}'
    )
    assert functions["extra_listener"]["function_name"] == (
        "${var.chalice_app_name}-${var.chalice_stage}-extra_listener"
    )


def test_functions_deploy_the_copied_zip(generated: dict[str, Any]) -> None:
    function = _rewritten(generated)["resource"]["aws_lambda_function"]["render_report"]
    assert function["filename"] == "${path.module}/chalice-deployment.zip"
    assert "chalice-deployment.zip" in function["source_code_hash"]


def test_per_function_settings_survive(generated: dict[str, Any]) -> None:
    function = _rewritten(generated)["resource"]["aws_lambda_function"]["render_report"]
    assert function["timeout"] == 300


def test_asynchronous_functions_get_the_dead_letter_queue(generated: dict[str, Any]) -> None:
    functions = _rewritten(generated)["resource"]["aws_lambda_function"]
    for name in ("start_transcription", "render_report", "extra_listener"):
        assert functions[name]["dead_letter_config"] == {
            "target_arn": "${module.call_analytics.dead_letter_queue_arn}"
        }


def test_the_sma_handler_is_synchronous_and_has_no_dead_letter_queue(
    generated: dict[str, Any],
) -> None:
    assert (
        "dead_letter_config"
        not in _rewritten(generated)["resource"]["aws_lambda_function"]["sma_handler"]
    )


def test_s3_notification_targets_the_recordings_bucket_module(generated: dict[str, Any]) -> None:
    resources = _rewritten(generated)["resource"]
    (notification,) = resources["aws_s3_bucket_notification"].values()
    assert notification["bucket"] == "${module.recording_bucket.bucket_id}"
    assert notification["lambda_function"][0]["filter_prefix"] == "${var.recordings_prefix}/"
    s3_permissions = [
        p
        for p in resources["aws_lambda_permission"].values()
        if p["principal"] == "s3.amazonaws.com"
    ]
    assert [p["source_arn"] for p in s3_permissions] == ["${module.recording_bucket.bucket_arn}"]
    assert "package-time-bucket" not in json.dumps(resources)


def test_event_rules_carry_the_prefix_the_dead_letter_queue_admits(
    generated: dict[str, Any],
) -> None:
    rules = _rewritten(generated)["resource"]["aws_cloudwatch_event_rule"]
    for rule in rules.values():
        assert rule["name"].startswith("${module.call_analytics.event_rule_name_prefix}")


def test_event_targets_get_a_dead_letter_queue_and_retry_policy(
    generated: dict[str, Any],
) -> None:
    targets = _rewritten(generated)["resource"]["aws_cloudwatch_event_target"]
    for target in targets.values():
        assert target["dead_letter_config"] == {
            "arn": "${module.call_analytics.dead_letter_queue_arn}"
        }
        assert target["retry_policy"]["maximum_retry_attempts"] > 0


def test_override_points_the_sma_at_the_packaged_handler(generated: dict[str, Any]) -> None:
    override = rewrite(generated, app_name="fixture", stage="dev").override
    assert override == {
        "locals": {
            "functions_packaged": True,
            "packaged_sma_handler_arn": "${aws_lambda_function.sma_handler.arn}",
        }
    }


def test_exclude_drops_the_function_and_its_event_sources(generated: dict[str, Any]) -> None:
    resources = _rewritten(generated, exclude=["extra_listener"])["resource"]
    assert "extra_listener" not in resources["aws_lambda_function"]
    assert "extra_listener" not in json.dumps(resources)
    assert any("render_report" in name for name in resources["aws_cloudwatch_event_rule"])


def test_excluding_an_unknown_function_is_an_error(generated: dict[str, Any]) -> None:
    with pytest.raises(PackageError, match="unknown function 'nope'"):
        rewrite(generated, app_name="fixture", stage="dev", exclude=["nope"])


def test_output_without_functions_is_an_error() -> None:
    with pytest.raises(PackageError, match="no aws_lambda_function"):
        rewrite({"resource": {}}, app_name="fixture", stage="dev")


def test_notifications_on_two_buckets_are_refused(generated: dict[str, Any]) -> None:
    doubled = json.loads(json.dumps(generated))
    notifications = doubled["resource"]["aws_s3_bucket_notification"]
    (first,) = notifications.values()
    notifications["other_notify"] = {**first, "bucket": "another-bucket"}
    with pytest.raises(PackageError, match="several buckets"):
        rewrite(doubled, app_name="fixture", stage="dev")


def test_the_generated_files_are_json(generated: dict[str, Any]) -> None:
    files = rewrite(generated, app_name="fixture", stage="dev").files()
    assert sorted(files) == ["chalice.tf.json", "chalice_override.tf.json"]
    for text in files.values():
        json.loads(text)


def test_functions_beyond_the_core_deploy_only_with_a_role(generated: dict[str, Any]) -> None:
    resources = _rewritten(generated)["resource"]
    condition = '${contains(keys(local.function_role_arns), "extra_listener") ? 1 : 0}'
    assert resources["aws_lambda_function"]["extra_listener"]["count"] == condition
    assert resources["aws_lambda_permission"]["extra_listener-event"]["count"] == condition
    assert resources["aws_cloudwatch_event_rule"]["extra_listener-event"]["count"] == condition
    target = resources["aws_cloudwatch_event_target"]["extra_listener-event"]
    assert target["count"] == condition
    assert target["arn"] == "${aws_lambda_function.extra_listener[0].arn}"


def test_core_functions_are_always_deployed(generated: dict[str, Any]) -> None:
    resources = _rewritten(generated)["resource"]
    for name in ("sma_handler", "start_transcription", "render_report"):
        assert "count" not in resources["aws_lambda_function"][name]
    assert "count" not in resources["aws_cloudwatch_event_rule"]["render_report-event"]


def test_the_layer_goes_to_the_named_functions_only(generated: dict[str, Any]) -> None:
    resources = _rewritten(generated, layer_functions=["render_report"])["resource"]
    layer = resources["aws_lambda_layer_version"]["dependencies"]
    assert layer["filename"] == "${path.module}/chalice-layer.zip"
    assert layer["compatible_runtimes"] == [
        resources["aws_lambda_function"]["render_report"]["runtime"]
    ]
    functions = resources["aws_lambda_function"]
    assert functions["render_report"]["layers"] == ["${aws_lambda_layer_version.dependencies.arn}"]
    assert "layers" not in functions["sma_handler"]


def test_no_layer_functions_means_no_layer(generated: dict[str, Any]) -> None:
    assert "aws_lambda_layer_version" not in _rewritten(generated)["resource"]


def test_a_layer_for_an_unknown_function_is_an_error(generated: dict[str, Any]) -> None:
    with pytest.raises(PackageError, match="no function named nope"):
        rewrite(generated, app_name="fixture", stage="dev", layer_functions=["nope"])


def _stream_mapping(generated: dict[str, Any]) -> dict[str, Any]:
    mappings = _rewritten(generated)["resource"]["aws_lambda_event_source_mapping"]
    (mapping,) = [m for m in mappings.values() if "metadata_consumer" in m["function_name"]]
    assert isinstance(mapping, dict)
    return mapping


def test_kinesis_mapping_reads_the_media_insights_stream(generated: dict[str, Any]) -> None:
    mapping = _stream_mapping(generated)
    assert mapping["event_source_arn"] == "${module.media_insights.metadata_stream_arn}"


def test_kinesis_mapping_honours_partial_batch_responses(generated: dict[str, Any]) -> None:
    mapping = _stream_mapping(generated)
    assert mapping["function_response_types"] == ["ReportBatchItemFailures"]
    assert mapping["bisect_batch_on_function_error"] is True


def test_kinesis_mapping_parks_failed_records_after_bounded_retries(
    generated: dict[str, Any],
) -> None:
    mapping = _stream_mapping(generated)
    assert 0 < mapping["maximum_retry_attempts"] <= 10
    assert mapping["destination_config"] == [
        {
            "on_failure": [
                {"destination_arn": "${module.media_insights.metadata_failures_queue_arn}"}
            ]
        }
    ]


def test_the_bucket_notification_waits_for_the_s3_invoke_permission(
    generated: dict[str, Any],
) -> None:
    # S3 validates the destinations when the notification is put: without the permission first,
    # the first apply fails with "Unable to validate the following destination configurations".
    resources = _rewritten(generated)["resource"]
    notification = resources["aws_s3_bucket_notification"]["recordings"]
    permission = resources["aws_lambda_permission"]["start_transcription-s3event"]
    assert permission["principal"] == "s3.amazonaws.com"
    assert notification["depends_on"] == ["aws_lambda_permission.start_transcription-s3event"]


def test_each_event_target_waits_for_its_functions_permission(generated: dict[str, Any]) -> None:
    resources = _rewritten(generated)["resource"]
    targets = resources["aws_cloudwatch_event_target"]
    assert targets["render_report-event"]["depends_on"] == [
        "aws_lambda_permission.render_report-event"
    ]
    # A conditional function's target names the permission without an index (depends_on takes
    # resource addresses, not instances).
    assert targets["extra_listener-event"]["depends_on"] == [
        "aws_lambda_permission.extra_listener-event"
    ]


def test_every_function_traces_and_encrypts_its_environment_with_the_stack_key(
    generated: dict[str, Any],
) -> None:
    functions = _rewritten(generated)["resource"]["aws_lambda_function"]
    for function in functions.values():
        assert function["tracing_config"] == {"mode": "Active"}
        assert function["kms_key_arn"] == "${module.recording_bucket.kms_key_arn}"


def test_a_dead_letter_queue_without_a_grant_fails_the_plan(generated: dict[str, Any]) -> None:
    function = _rewritten(generated)["resource"]["aws_lambda_function"]["start_transcription"]
    (precondition,) = function["lifecycle"]["precondition"]
    assert precondition["condition"] == (
        '${contains(keys(var.extra_function_role_arns), "start_transcription") || '
        'lookup(local.function_failure_queue_arns, "start_transcription", "") == '
        "module.call_analytics.dead_letter_queue_arn}"
    )


def test_a_stream_failure_destination_without_a_grant_fails_the_plan(
    generated: dict[str, Any],
) -> None:
    mappings = _rewritten(generated)["resource"]["aws_lambda_event_source_mapping"]
    (mapping,) = mappings.values()
    (precondition,) = mapping["lifecycle"]["precondition"]
    assert (
        'lookup(local.function_failure_queue_arns, "metadata_consumer", "")'
        in (precondition["condition"])
    )
    assert "module.media_insights.metadata_failures_queue_arn" in precondition["condition"]
