"""The dead-letter queue exists, and everything that sends failed events to it may do so.

Users are the functions whose DeadLetterConfig or asynchronous on-failure destination names the
queue (they send as their execution role: sqs:SendMessage, plus kms:GenerateDataKey and
kms:Decrypt on a customer managed key) and the EventBridge targets whose DeadLetterConfig names
it (EventBridge sends as ``events.amazonaws.com`` with ``aws:SourceArn`` = the rule, so the queue
policy must admit that). AWS rules relied on (not verifiable offline): Lambda developer guide,
"Dead-letter queues" and "Adding a destination" (the execution role needs sqs:SendMessage);
EventBridge user guide, "Using dead-letter queues" (queue policy for events.amazonaws.com with
aws:SourceArn; KMS permissions for SSE-KMS queues).
"""

from __future__ import annotations

from typing import Any

from callrec.doctor.checks.events import rules_targeting
from callrec.doctor.context import DoctorContext, read
from callrec.doctor.policies import decide, source_context
from callrec.doctor.results import CannotCheckError, CheckFailedError, Verdict, fail, ok
from callrec.local.bucket_policy import Decision

AWS_MANAGED_SQS_KEY = "alias/aws/sqs"
QUEUE_MISSING = frozenset({"AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"})


def check_dead_letter_queue(context: DoctorContext) -> Verdict:
    functions = _deployed_functions(context)
    queue_arn = context.deployment.dead_letter_queue_arn or next(
        (_dlq(c) for c in functions.values() if _dlq(c)), None
    )
    if not queue_arn:
        raise CannotCheckError(
            "no dead-letter queue is named by the deployment or set on a function",
            "pass --outputs FILE (dead_letter_queue_arn)",
        )
    attributes = _queue_attributes(context, queue_arn)
    senders = {n: c for n, c in functions.items() if _sends_to(context, c, queue_arn)}
    problems = [
        *_function_problems(context, senders, attributes, queue_arn),
        *_rule_problems(context, functions, queue_arn, attributes.get("Policy")),
    ]
    if problems:
        return fail("; ".join(problems), "grant the sends (re-apply infra/; see docs/deploy.md)")
    return ok(f"{queue_arn} exists; {', '.join(senders) or 'no function'} and its rules may send")


def _dlq(configuration: dict[str, Any]) -> str:
    return str((configuration.get("DeadLetterConfig") or {}).get("TargetArn") or "")


def _sends_to(context: DoctorContext, configuration: dict[str, Any], queue_arn: str) -> bool:
    """Its DeadLetterConfig or its asynchronous on-failure destination is the queue."""
    if _dlq(configuration) == queue_arn:
        return True
    response = read(
        "lambda GetFunctionEventInvokeConfig",
        context.client("lambda").get_function_event_invoke_config,
        FunctionName=configuration["FunctionName"],
    )
    destination = ((response or {}).get("DestinationConfig") or {}).get("OnFailure") or {}
    return destination.get("Destination") == queue_arn


def _deployed_functions(context: DoctorContext) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for name in context.deployment.function_names:
        try:
            found[name] = context.function(name)
        except CheckFailedError:
            continue  # a missing function is another check's FAIL; it sends nothing
    return found


def _queue_attributes(context: DoctorContext, queue_arn: str) -> dict[str, str]:
    from botocore.exceptions import ClientError

    from chalicelib import aws

    _, _, _, _, owner, name = queue_arn.split(":", 5)
    sqs = context.client("sqs")
    try:
        url = sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=owner)["QueueUrl"]
    except ClientError as error:
        if aws.error_code(error) in QUEUE_MISSING:
            raise CheckFailedError(
                f"the dead-letter queue {queue_arn} does not exist", "re-apply infra/"
            ) from None
        raise CannotCheckError(
            f"sqs GetQueueUrl {name} failed: {aws.error_code(error)}",
            "let the doctor's credentials call GetQueueUrl",
        ) from None
    response = read(
        f"sqs GetQueueAttributes {name}",
        sqs.get_queue_attributes,
        QueueUrl=url,
        AttributeNames=["Policy", "KmsMasterKeyId"],
    )
    return dict((response or {}).get("Attributes", {}))


def _function_problems(
    context: DoctorContext,
    senders: dict[str, dict[str, Any]],
    attributes: dict[str, str],
    queue_arn: str,
) -> list[str]:
    key = attributes.get("KmsMasterKeyId", "")
    needs = [("sqs:SendMessage", queue_arn)]
    if key and key != AWS_MANAGED_SQS_KEY:
        needs += [("kms:GenerateDataKey", key), ("kms:Decrypt", key)]
    return [
        f"{name}'s role may not {action} on {resource}"
        for name, configuration in senders.items()
        for action, resource in needs
        if context.simulate(str(configuration["Role"]), action, resource) != "allowed"
    ]


def _rule_problems(
    context: DoctorContext,
    functions: dict[str, dict[str, Any]],
    queue_arn: str,
    policy: str | None,
) -> list[str]:
    problems: list[str] = []
    for configuration in functions.values():
        for rule in rules_targeting(context, str(configuration["FunctionArn"])):
            if not _target_uses(context, rule, configuration["FunctionArn"], queue_arn):
                continue
            decision = decide(
                policy,
                action="sqs:SendMessage",
                resource=queue_arn,
                principal="events.amazonaws.com",
                context=source_context(context.account, str(rule["Arn"])),
            )
            if decision is not Decision.ALLOW:
                problems.append(f"the queue policy does not let rule {rule['Name']} send")
    return problems


def _target_uses(
    context: DoctorContext, rule: dict[str, Any], function_arn: str, queue: str
) -> bool:
    response = read(
        f"events ListTargetsByRule {rule['Name']}",
        context.client("events").list_targets_by_rule,
        Rule=rule["Name"],
    )
    return any(
        t.get("Arn") == function_arn and (t.get("DeadLetterConfig") or {}).get("Arn") == queue
        for t in (response or {}).get("Targets", [])
    )
