"""Ordering a first `terraform apply` needs and that validate cannot see (depends_on).

AWS checks some relationships when a resource is created, not when it is used: Lambda checks
that the execution role may send to the dead-letter queue (CreateFunction) and read the stream
(CreateEventSourceMapping); S3 checks that it may invoke a notification's function. Each must
exist before the resource that needs it. The packaged half is in tests/packaging.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import hcl2

MODULES = Path(__file__).resolve().parents[2] / "infra" / "modules"


def _blocks(path: Path, kind: str, type_name: str | None = None) -> dict[str, Any]:
    with path.open() as handle:
        document = hcl2.load(handle)
    found: dict[str, Any] = {}
    for block in document.get(kind, []):
        if type_name is None:
            found.update({name.strip('"'): body for name, body in block.items()})
        elif type_name in block or f'"{type_name}"' in block:
            entries = block.get(type_name) or block[f'"{type_name}"']
            found.update({name.strip('"'): body for name, body in entries.items()})
    return found


def _depends_on(body: dict[str, Any]) -> list[str]:
    return [str(item).removeprefix("${").removesuffix("}") for item in body.get("depends_on", [])]


def test_a_function_role_is_handed_out_only_once_its_policy_exists() -> None:
    # Exactly this policy, not the runtime one: its grants may name what waits for the function.
    outputs = _blocks(MODULES / "function-role" / "outputs.tf", "output")
    assert _depends_on(outputs["role_arn"]) == ["aws_iam_role_policy.this"]


def _console_role() -> dict[str, Any]:
    role: dict[str, Any] = _blocks(MODULES / "console" / "main.tf", "module")["api_handler_role"]
    assert role["source"].strip('"') == "../function-role"
    return role


def test_the_console_role_is_handed_out_only_once_it_may_write_traces() -> None:
    # `callrec package` creates api_handler with Active tracing, which CreateFunction refuses to
    # a role without the X-Ray writes: they must be in the policy role_arn waits for.
    assert _console_role().get("enable_tracing", True) is True


def test_the_console_routes_grants_are_not_waited_for() -> None:
    # They name the SIP media application, which waits for the packaged SMA handler, whose role
    # comes from the same map as api_handler's: waiting for them is a Terraform cycle.
    role = _console_role()
    assert "policy_documents" not in role
    assert role["runtime_policy_documents"] == ["${data.aws_iam_policy_document.api_handler.json}"]


def test_media_insights_targets_wait_for_their_invoke_permission() -> None:
    targets = _blocks(
        MODULES / "media-insights" / "main.tf", "resource", "aws_cloudwatch_event_target"
    )
    assert _depends_on(targets["this"]) == ["aws_lambda_permission.events"]


def test_sip_rules_route_calls_only_once_chime_may_invoke_the_handler() -> None:
    # Guards what already holds: a SIP rule sends calls to the SMA, so it must not exist before
    # the permission that lets voiceconnector.chime.amazonaws.com invoke the handler.
    rules = _blocks(
        MODULES / "sip-media-application" / "main.tf", "resource", "aws_chimesdkvoice_sip_rule"
    )
    assert _depends_on(rules["this"]) == ["aws_lambda_permission.chime"]
