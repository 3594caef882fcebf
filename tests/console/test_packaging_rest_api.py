"""`callrec package` turns Chalice's REST API for the console routes into provider-6 Terraform."""

from __future__ import annotations

import json
from typing import Any

from callrec.terraform import chalice_tf

SWAGGER = json.dumps(
    {
        "paths": {
            "/me": {
                "get": {
                    "x-amazon-apigateway-integration": {
                        "uri": "${aws_lambda_function.api_handler.invoke_arn}"
                    }
                }
            }
        }
    }
)


def generated() -> dict[str, Any]:
    """The shape `chalice package --pkg-format terraform` writes for an app with routes."""
    function = {"function_name": "callrec-dev", "handler": "app.app", "runtime": "python3.11"}
    return {
        "locals": {"chalice_api_swagger": SWAGGER},
        "resource": {
            "aws_lambda_function": {
                "sma_handler": {**function, "handler": "app.sma_handler"},
                "api_handler": function,
            },
            "aws_api_gateway_rest_api": {
                "rest_api": {"body": "${local.chalice_api_swagger}", "name": "callrec"}
            },
            "aws_api_gateway_deployment": {
                "rest_api": {
                    "stage_name": "api",
                    "stage_description": "${md5(local.chalice_api_swagger)}",
                    "rest_api_id": "${aws_api_gateway_rest_api.rest_api.id}",
                    "lifecycle": {"create_before_destroy": True},
                }
            },
            "aws_lambda_permission": {
                "rest_api_invoke": {
                    "function_name": "${aws_lambda_function.api_handler.arn}",
                    "principal": "apigateway.amazonaws.com",
                    "source_arn": "${aws_api_gateway_rest_api.rest_api.execution_arn}/*",
                }
            },
        },
        "output": {
            "EndpointURL": {"value": "${aws_api_gateway_deployment.rest_api.invoke_url}"},
            "RestAPIId": {"value": "${aws_api_gateway_rest_api.rest_api.id}"},
        },
    }


def test_the_deployment_has_no_stage_and_a_stage_serves_it() -> None:
    resources = chalice_tf.rewrite(generated(), app_name="callrec", stage="dev").main["resource"]
    deployment = resources["aws_api_gateway_deployment"]["rest_api"]
    assert "stage_name" not in deployment
    assert "stage_description" not in deployment
    assert "aws_api_gateway_rest_api.rest_api[0].body" in deployment["triggers"]["redeployment"]
    stage = resources["aws_api_gateway_stage"]["rest_api"]
    assert stage["stage_name"] == "api"
    assert stage["deployment_id"] == "${aws_api_gateway_deployment.rest_api[0].id}"


def test_the_api_follows_its_function_when_the_console_is_off() -> None:
    packaged = chalice_tf.rewrite(generated(), app_name="callrec", stage="dev")
    resources = packaged.main["resource"]
    condition = '${contains(keys(local.function_role_arns), "api_handler") ? 1 : 0}'
    for kind in ("aws_api_gateway_rest_api", "aws_api_gateway_deployment", "aws_api_gateway_stage"):
        assert resources[kind]["rest_api"]["count"] == condition, kind
    assert "locals" not in packaged.main
    assert "output" not in packaged.main


def test_the_override_hands_the_api_to_the_console_module() -> None:
    override = chalice_tf.rewrite(generated(), app_name="callrec", stage="dev").override["locals"]
    assert (
        override["packaged_rest_api_id"] == "${try(aws_api_gateway_rest_api.rest_api[0].id, null)}"
    )
    assert override["packaged_api_stage_name"].startswith("${try(aws_api_gateway_stage.rest_api[0]")
