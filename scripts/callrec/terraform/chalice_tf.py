"""Rewrite ``chalice package --pkg-format terraform`` output so it joins the root module in infra/.

Chalice 1.x writes a standalone configuration for Terraform < 1.4 and the AWS provider < 5 that
also uses the ``null`` provider's deprecated ``null_data_source``. This module turns it into a
fragment of the root module:

* the ``terraform`` block (version pins, ``null`` provider) is dropped: infra/versions.tf rules;
* ``data.null_data_source.chalice`` is dropped and its outputs inlined as literals;
* ``data.aws_region.chalice.name`` becomes ``.region`` (``name`` is deprecated in provider 6);
* each function's role, environment and name come from the root module
  (``local.function_role_arns``, ``local.function_environment``, ``local.lambda_function_names``);
* asynchronously invoked functions (S3, EventBridge) get the dead-letter queue, EventBridge
  targets get a dead-letter queue and retry policy, and rules get the name prefix the queue
  policy admits;
* the S3 notification (Chalice is its single owner) points at the recordings bucket module;
* Kinesis event source mappings read the media insights module's metadata stream and report
  partial batch failures (the consumer returns ``batchItemFailures``), bisect a failing batch,
  retry a bounded number of times and park what still fails in the module's failure queue, so
  one malformed record neither blocks the shard nor is lost;
* a function other than the three core ones is deployed only when the root module has a role
  for it (``count`` on ``contains(keys(local.function_role_arns), NAME)``), together with
  everything that refers to it: e.g. the media insights functions follow
  ``enable_media_insights``;
* every function traces with X-Ray (``tracing_config`` Active; the function-role module grants
  the writes) and, when the stack has a KMS key, encrypts its environment with it;
* first-apply ordering: S3 validates a notification's destinations when the configuration is
  put, so the bucket notification depends on the permission that lets S3 invoke its function;
  each EventBridge target depends on its function's EventBridge permission (EventBridge does not
  validate, but drops events delivered before the permission exists);
* the console's REST API (Chalice routes) is rewritten for provider 6, whose
  ``aws_api_gateway_deployment`` has no ``stage_name``: the swagger is inlined into the REST API's
  body, the deployment is triggered by its digest, an ``aws_api_gateway_stage`` serves it, and
  Chalice's outputs are dropped (the root module has its own); the API follows its
  ``api_handler`` function like any other non-core function;
* a second file, ``chalice_override.tf.json``, overrides root locals so the SIP media
  application uses the packaged SMA handler and the console throttles the packaged API's stage.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from chalicelib.errors import CallRecError

SMA_HANDLER = "sma_handler"
CORE_FUNCTIONS = ("sma_handler", "start_transcription", "render_report")
ZIP_NAME = "chalice-deployment.zip"
LAYER_ZIP_NAME = "chalice-layer.zip"
LAYER_RESOURCE = "dependencies"
MAIN_FILE = "chalice.tf.json"
OVERRIDE_FILE = "chalice_override.tf.json"

ENVIRONMENT_KEY = "${module.recording_bucket.kms_key_arn}"
DEAD_LETTER_QUEUE = "${module.call_analytics.dead_letter_queue_arn}"
# Root local: the queue each module-made function role may send failed events to.
GRANTS = "local.function_failure_queue_arns"

STREAM_MAX_RETRIES = 5
STREAM_FAILURE_DESTINATION = "${module.media_insights.metadata_failures_queue_arn}"

_ASYNC_PRINCIPALS = {"s3.amazonaws.com", "events.amazonaws.com"}
_FUNCTION_REF = re.compile(r"aws_lambda_function\.([A-Za-z0-9_-]+)\.")


class PackageError(CallRecError):
    """The Chalice package output is not in the shape this post-processor knows how to rewrite."""

    code = "PackageError"


@dataclass(frozen=True)
class PackagedConfig:
    """The two files to write next to infra/main.tf."""

    main: dict[str, Any]
    override: dict[str, Any]
    functions: tuple[str, ...] = field(default=())

    def files(self) -> dict[str, str]:
        return {
            MAIN_FILE: json.dumps(self.main, indent=2, sort_keys=True) + "\n",
            OVERRIDE_FILE: json.dumps(self.override, indent=2, sort_keys=True) + "\n",
        }


def rewrite(
    generated: Mapping[str, Any],
    *,
    app_name: str,
    stage: str,
    exclude: Iterable[str] = (),
    layer_functions: Iterable[str] = (),
) -> PackagedConfig:
    """Return the root-module fragment for the ``chalice.tf.json`` document ``generated``.

    ``layer_functions`` get the dependency layer (``LAYER_ZIP_NAME``, built by the caller).
    """
    document = _inline_null_data_source(copy.deepcopy(dict(generated)), app_name, stage)
    document.pop("terraform", None)
    if not document.get("locals"):
        document.pop("locals", None)
    resources: dict[str, dict[str, Any]] = document.get("resource", {})
    functions = resources.get("aws_lambda_function", {})
    if not functions:
        raise PackageError(
            "the Chalice package defines no aws_lambda_function",
            hint="check that chalice_app/app.py declares its functions",
        )
    for name in exclude:
        if name not in functions:
            raise PackageError(f"cannot exclude unknown function {name!r}", hint="see app.py")
        _drop_function(resources, name)
    async_functions = _async_functions(resources)
    for name, function in functions.items():
        _rewrite_function(name, function, asynchronous=name in async_functions)
    _add_layer(resources, list(layer_functions))
    _rewrite_notifications(resources)
    _rewrite_rules(resources)
    _rewrite_stream_mappings(resources)
    _order_after_permissions(resources)
    rest_api = _rewrite_rest_api(document)
    _drop_empty(resources)
    for name in sorted(set(functions) - set(CORE_FUNCTIONS)):
        document = _make_conditional(document, name)
    data = document.get("data", {})
    data.pop("null_data_source", None)
    if not data:
        document.pop("data", None)
    if SMA_HANDLER in functions:
        override_locals: dict[str, Any] = {
            "functions_packaged": True,
            "packaged_sma_handler_arn": f"${{aws_lambda_function.{SMA_HANDLER}.arn}}",
        }
    else:
        override_locals = {"functions_packaged": True}
    if rest_api:
        override_locals.update(REST_API_LOCALS)
    return PackagedConfig(
        main=document,
        override={"locals": override_locals},
        functions=tuple(sorted(functions)),
    )


REST_API = "rest_api"  # Chalice's resource name for the routes' REST API, deployment and stage
REST_API_STAGE = "api"  # the stage Chalice deploys
REST_API_LOCALS = {
    "packaged_rest_api_id": f"${{try(aws_api_gateway_rest_api.{REST_API}[0].id, null)}}",
    "packaged_api_stage_name": f"${{try(aws_api_gateway_stage.{REST_API}[0].stage_name, null)}}",
}


def _rewrite_rest_api(document: dict[str, Any]) -> bool:
    """Provider-6 form of the routes' REST API; False when the app has no routes."""
    resources: dict[str, dict[str, Any]] = document.get("resource", {})
    rest_api = resources.get("aws_api_gateway_rest_api", {}).get(REST_API)
    if rest_api is None:
        return False
    swagger_ref = "${local.chalice_api_swagger}"
    local_values = document.get("locals", {})
    if rest_api.get("body") == swagger_ref:
        # Inlined, so the API (which names api_handler in its integrations) follows the function.
        rest_api["body"] = local_values.pop("chalice_api_swagger")
        if not local_values:
            document.pop("locals", None)
    # A replaced API or deployment is created before the old one goes, so the stage never points
    # at nothing (the AWS provider's documented pattern for aws_api_gateway_deployment).
    rest_api.setdefault("lifecycle", {})["create_before_destroy"] = True
    deployment = resources.get("aws_api_gateway_deployment", {}).get(REST_API, {})
    deployment.setdefault("lifecycle", {})["create_before_destroy"] = True
    deployment.pop("stage_name", None)
    deployment.pop("stage_description", None)
    deployment["triggers"] = {"redeployment": "${sha256(aws_api_gateway_rest_api.rest_api.body)}"}
    resources.setdefault("aws_api_gateway_stage", {})[REST_API] = {
        "rest_api_id": "${aws_api_gateway_rest_api.rest_api.id}",
        "deployment_id": "${aws_api_gateway_deployment.rest_api.id}",
        "stage_name": REST_API_STAGE,
        "xray_tracing_enabled": True,
    }
    for name in ("EndpointURL", "RestAPIId"):
        document.get("output", {}).pop(name, None)
    if not document.get("output", True):
        document.pop("output", None)
    return True


def _inline_null_data_source(document: dict[str, Any], app_name: str, stage: str) -> dict[str, Any]:
    text = json.dumps(document)
    text = text.replace("${data.null_data_source.chalice.outputs.app}", app_name)
    text = text.replace("${data.null_data_source.chalice.outputs.stage}", stage)
    text = text.replace("data.aws_region.chalice.name", "data.aws_region.chalice.region")
    if "null_data_source" in text.replace('"null_data_source": {', ""):
        raise PackageError(
            "the Chalice package refers to null_data_source in a way this rewriter does not know",
            hint="update callrec.terraform.chalice_tf for the new Chalice version",
        )
    result: dict[str, Any] = json.loads(text)
    return result


def _rewrite_function(name: str, function: dict[str, Any], *, asynchronous: bool) -> None:
    function["function_name"] = (
        f'${{local.lambda_function_names["{name}"]}}'
        if (name in CORE_FUNCTIONS)
        else f"${{var.chalice_app_name}}-${{var.chalice_stage}}-{name}"
    )
    function["role"] = f'${{local.function_role_arns["{name}"]}}'
    function["environment"] = {"variables": "${local.function_environment}"}
    # Null (the AWS managed key) when the stack has no KMS key.
    function["kms_key_arn"] = ENVIRONMENT_KEY
    function["tracing_config"] = {"mode": "Active"}
    function["filename"] = f"${{path.module}}/{ZIP_NAME}"
    function["source_code_hash"] = f'${{filebase64sha256("${{path.module}}/{ZIP_NAME}")}}'
    if asynchronous:
        function["dead_letter_config"] = {"target_arn": DEAD_LETTER_QUEUE}
        _require_failure_queue_grant(function, name, DEAD_LETTER_QUEUE)
    depends = set(function.get("depends_on", []))
    depends.add("module.call_analytics")
    function["depends_on"] = sorted(depends)


def _add_layer(resources: dict[str, dict[str, Any]], functions: list[str]) -> None:
    if not functions:
        return
    unknown = sorted(set(functions) - set(resources["aws_lambda_function"]))
    if unknown:
        raise PackageError(
            f"no function named {', '.join(unknown)} to give the dependency layer",
            hint="name functions declared in app.py",
        )
    resources["aws_lambda_layer_version"] = {
        LAYER_RESOURCE: {
            "layer_name": "${var.name_prefix}-dependencies",
            "description": "Python dependencies of the packaged functions (callrec package)",
            "filename": f"${{path.module}}/{LAYER_ZIP_NAME}",
            "source_code_hash": f'${{filebase64sha256("${{path.module}}/{LAYER_ZIP_NAME}")}}',
            # The layer holds wheels of the interpreter that ran chalice package, which is also
            # the runtime Chalice chose for the functions.
            "compatible_runtimes": sorted(
                {str(resources["aws_lambda_function"][name]["runtime"]) for name in functions}
            ),
            "compatible_architectures": ["x86_64"],
        }
    }
    for name in functions:
        function = resources["aws_lambda_function"][name]
        function["layers"] = [f"${{aws_lambda_layer_version.{LAYER_RESOURCE}.arn}}"]


def _async_functions(resources: Mapping[str, Mapping[str, Any]]) -> set[str]:
    """Functions invoked asynchronously: by S3 notifications or EventBridge rules."""
    names: set[str] = set()
    for permission in resources.get("aws_lambda_permission", {}).values():
        if permission.get("principal") in _ASYNC_PRINCIPALS:
            names.update(_FUNCTION_REF.findall(str(permission.get("function_name", ""))))
    return names


def _rewrite_notifications(resources: dict[str, dict[str, Any]]) -> None:
    notifications = resources.get("aws_s3_bucket_notification", {})
    buckets = {str(n.get("bucket")) for n in notifications.values()}
    if len(buckets) > 1:
        raise PackageError(
            f"S3 events on several buckets ({', '.join(sorted(buckets))})",
            hint="only the recordings bucket triggers functions; keep one bucket in app.py",
        )
    if notifications:
        # A stable address, whatever bucket name app.py saw at package time.
        (notification,) = notifications.values()
        resources["aws_s3_bucket_notification"] = {"recordings": notification}
    for notification in resources.get("aws_s3_bucket_notification", {}).values():
        notification["bucket"] = "${module.recording_bucket.bucket_id}"
        # The prefix app.py saw at package time may differ from the deployed one.
        for target in notification.get("lambda_function", []):
            if target.get("filter_prefix"):
                target["filter_prefix"] = "${var.recordings_prefix}/"
    for permission in resources.get("aws_lambda_permission", {}).values():
        if permission.get("principal") == "s3.amazonaws.com":
            permission["source_arn"] = "${module.recording_bucket.bucket_arn}"


def _rewrite_rules(resources: dict[str, dict[str, Any]]) -> None:
    for rule in resources.get("aws_cloudwatch_event_rule", {}).values():
        rule["name"] = f"${{module.call_analytics.event_rule_name_prefix}}{rule['name']}"
    for target in resources.get("aws_cloudwatch_event_target", {}).values():
        target["dead_letter_config"] = {"arn": "${module.call_analytics.dead_letter_queue_arn}"}
        target["retry_policy"] = {
            "maximum_event_age_in_seconds": 3600,
            "maximum_retry_attempts": 10,
        }


def _rewrite_stream_mappings(resources: dict[str, dict[str, Any]]) -> None:
    for mapping in resources.get("aws_lambda_event_source_mapping", {}).values():
        if ":kinesis:" not in str(mapping.get("event_source_arn", "")):
            continue
        mapping["event_source_arn"] = "${module.media_insights.metadata_stream_arn}"
        mapping["function_response_types"] = ["ReportBatchItemFailures"]
        mapping["bisect_batch_on_function_error"] = True
        mapping["maximum_retry_attempts"] = STREAM_MAX_RETRIES
        mapping["destination_config"] = [
            {"on_failure": [{"destination_arn": STREAM_FAILURE_DESTINATION}]}
        ]
        for function in _FUNCTION_REF.findall(str(mapping.get("function_name", ""))):
            _require_failure_queue_grant(mapping, function, STREAM_FAILURE_DESTINATION)


def _require_failure_queue_grant(body: dict[str, Any], function: str, queue: str) -> None:
    """Fail the plan, not the apply, when the function's role may not send to ``queue``.

    Lambda rejects a dead_letter_config (CreateFunction) or an on-failure destination whose
    queue the execution role cannot SendMessage to. Roles made by the modules report their
    grant; a role passed in extra_function_role_arns is the operator's to get right.
    """
    queue_ref = queue.removeprefix("${").removesuffix("}")
    condition = (
        f'${{contains(keys(var.extra_function_role_arns), "{function}") || '
        f'lookup({GRANTS}, "{function}", "") == {queue_ref}}}'
    )
    lifecycle = body.setdefault("lifecycle", {})
    lifecycle.setdefault("precondition", []).append(
        {
            "condition": condition,
            "error_message": f"The role of {function} may not sqs:SendMessage to the queue its "
            "failed events go to: give it the grant (function-role module, failure_queue_arn).",
        }
    )


def _order_after_permissions(resources: dict[str, dict[str, Any]]) -> None:
    """Make notifications and targets wait for the permission that lets them invoke."""
    permissions = resources.get("aws_lambda_permission", {})
    for notification in resources.get("aws_s3_bucket_notification", {}).values():
        functions = set(_FUNCTION_REF.findall(json.dumps(notification.get("lambda_function", []))))
        _add_depends_on(notification, _permissions_for(permissions, functions, "s3.amazonaws.com"))
    for target in resources.get("aws_cloudwatch_event_target", {}).values():
        functions = set(_FUNCTION_REF.findall(str(target.get("arn", ""))))
        _add_depends_on(target, _permissions_for(permissions, functions, "events.amazonaws.com"))


def _permissions_for(
    permissions: Mapping[str, Mapping[str, Any]], functions: set[str], principal: str
) -> list[str]:
    return [
        f"aws_lambda_permission.{address}"
        for address, permission in sorted(permissions.items())
        if permission.get("principal") == principal
        and set(_FUNCTION_REF.findall(str(permission.get("function_name", "")))) & functions
    ]


def _add_depends_on(body: dict[str, Any], addresses: list[str]) -> None:
    if not addresses:
        return
    body["depends_on"] = sorted(set(body.get("depends_on", [])) | set(addresses))


def _make_conditional(document: dict[str, Any], function: str) -> dict[str, Any]:
    """Deploy ``function`` and what refers to it only when the root has a role for it."""
    resources: dict[str, dict[str, Any]] = document["resource"]
    group = {("aws_lambda_function", function)}
    changed = True
    while changed:
        changed = False
        for kind, entries in resources.items():
            for address, body in entries.items():
                if (kind, address) in group:
                    continue
                text = json.dumps(body)
                if any(f"{k}.{a}." in text for k, a in group):
                    group.add((kind, address))
                    changed = True
    # Rules whose every target and permission belongs to the group belong to it too.
    for address in resources.get("aws_cloudwatch_event_rule", {}):
        marker = f"aws_cloudwatch_event_rule.{address}."
        referrers = {
            (kind, other)
            for kind, entries in resources.items()
            for other, body in entries.items()
            if marker in json.dumps(body)
        }
        if referrers and referrers <= group:
            group.add(("aws_cloudwatch_event_rule", address))
    condition = f'${{contains(keys(local.function_role_arns), "{function}") ? 1 : 0}}'
    for kind, address in group:
        resources[kind][address]["count"] = condition
    text = json.dumps(document)
    for kind, address in group:
        text = text.replace(f"{kind}.{address}.", f"{kind}.{address}[0].")
    result: dict[str, Any] = json.loads(text)
    return result


def _drop_function(resources: dict[str, dict[str, Any]], name: str) -> None:
    reference = f"aws_lambda_function.{name}."
    for kind in list(resources):
        for address in list(resources[kind]):
            body = resources[kind][address]
            if (kind == "aws_lambda_function" and address == name) or reference in json.dumps(body):
                del resources[kind][address]
    # Rules and targets that only existed for the dropped function's permission.
    rules = resources.get("aws_cloudwatch_event_rule", {})
    targets = resources.get("aws_cloudwatch_event_target", {})
    for address in list(rules):
        marker = f"aws_cloudwatch_event_rule.{address}."
        if not any(marker in json.dumps(target) for target in targets.values()):
            del rules[address]


def _drop_empty(resources: dict[str, dict[str, Any]]) -> None:
    for kind in [k for k, v in resources.items() if not v]:
        del resources[kind]
