"""The SIP media application: its endpoint, who may invoke it, and the SIP rules routing to it.

AWS rules relied on (not verifiable offline): Chime invokes the endpoint as
``voiceconnector.chime.amazonaws.com`` with ``aws:SourceArn`` = the SIP media application's ARN
and ``aws:SourceAccount`` = its account (PSTN audio developer guide, "Using the Amazon Chime SDK
PSTN audio service"); the function must be in the application's Region (API reference,
SipMediaApplicationEndpoint); a SIP rule with several target applications tries them by Priority,
lowest first, the others only on failure ("Understanding SIP applications and rules":
understand-sip-data-models.html), so this SMA must be the first; a number routed by a
ToPhoneNumber rule has product type SipMediaApplicationDialIn and status Assigned (API reference,
PhoneNumber).
"""

from __future__ import annotations

from typing import Any

from callrec.doctor.checks.roles import FOREIGN_ACCOUNT
from callrec.doctor.context import DoctorContext, read, read_items
from callrec.doctor.policies import invoke_decision
from callrec.doctor.results import CannotCheckError, CheckFailedError, Verdict, fail, ok
from callrec.local.bucket_policy import CHIME_PRINCIPAL, Decision

SMA_FIX = "apply infra/ with create_sip_media_application = true and the packaged functions"


def unqualified(function_arn: str) -> str:
    """``arn:aws:lambda:r:a:function:name`` without a ``:version`` or ``:alias`` suffix."""
    return ":".join(function_arn.split(":")[:7])


def sma_region(sma: dict[str, Any], fallback: str) -> str:
    return str(sma.get("AwsRegion") or fallback)


def resolve(context: DoctorContext) -> dict[str, Any]:
    """The deployment's SipMediaApplication (GetSipMediaApplication, or found by its endpoint)."""
    cached = context.memo.get("sma")
    if cached is None:
        cached = _by_id(context) if context.deployment.sma_id else _by_endpoint(context)
        context.memo["sma"] = cached
    return dict(cached)


def _by_id(context: DoctorContext) -> dict[str, Any]:
    sma_id = str(context.deployment.sma_id)
    arn = context.deployment.sma_arn or ""
    region = arn.split(":")[3] if arn.count(":") >= 5 else None
    voice = context.client("chime-sdk-voice", region)
    response = read(
        f"chime-sdk-voice GetSipMediaApplication {sma_id}",
        voice.get_sip_media_application,
        SipMediaApplicationId=sma_id,
    )
    if response is None:
        raise CheckFailedError(f"the SIP media application {sma_id} does not exist", SMA_FIX)
    return dict(response["SipMediaApplication"])


def _by_endpoint(context: DoctorContext) -> dict[str, Any]:
    handler = context.function_arn("sma_handler")
    voice = context.client("chime-sdk-voice")
    smas = read_items(
        "chime-sdk-voice ListSipMediaApplications",
        voice.list_sip_media_applications,
        "SipMediaApplications",
    )
    for sma in smas:
        if any(unqualified(e.get("LambdaArn", "")) == handler for e in sma.get("Endpoints", [])):
            return dict(sma)
    missing = f"no SIP media application in this Region has {handler} as its endpoint"
    if context.deployment.media_insights is not None:  # a stage cannot say whether one should
        raise CannotCheckError(
            f"{missing}; the stage records through media insights",
            "pass --outputs FILE to say whether a SIP media application is deployed",
        )
    raise CheckFailedError(missing, SMA_FIX)


def check_endpoint(context: DoctorContext) -> Verdict:
    sma = resolve(context)
    endpoints = [str(e.get("LambdaArn", "")) for e in sma.get("Endpoints", [])]
    handler = context.function_arn("sma_handler")
    name = sma.get("Name", sma.get("SipMediaApplicationId"))
    if not endpoints or unqualified(endpoints[0]) != handler:
        return fail(
            f"SIP media application {name} invokes {endpoints[0] if endpoints else 'nothing'}, "
            f"not the deployed {handler}",
            "point the SMA at sma_handler (terraform apply in infra/ after callrec package)",
        )
    return _invoke_permission(context, sma, endpoints[0])


def _invoke_permission(context: DoctorContext, sma: dict[str, Any], endpoint: str) -> Verdict:
    policy = context.function_policy(endpoint)
    sma_arn = str(sma.get("SipMediaApplicationArn", ""))
    allowed = invoke_decision(policy, endpoint, CHIME_PRINCIPAL, context.account, sma_arn)
    if allowed is not Decision.ALLOW:
        return fail(
            f"Chime may not invoke {endpoint} for {sma_arn} ({allowed.value})",
            "add the Lambda permission for voiceconnector.chime.amazonaws.com with source_arn = "
            "the SMA's ARN (module sip-media-application, aws_lambda_permission.chime)",
        )
    foreign = sma_arn.replace(f":{context.account}:", f":{FOREIGN_ACCOUNT}:")
    for_foreign = invoke_decision(policy, endpoint, CHIME_PRINCIPAL, FOREIGN_ACCOUNT, foreign)
    if for_foreign is Decision.ALLOW:
        return fail(
            f"any account's SIP media application may invoke {endpoint}",
            "confine the permission with source_arn (and source_account) to this SMA",
        )
    found = f"SIP media application {sma.get('Name')} invokes {endpoint}; Chime may invoke it"
    qualifier = endpoint[len(unqualified(endpoint)) + 1 :]
    if qualifier:  # Lambda runs what the alias or version names, which a deploy may not move
        found += f" (alias or version {qualifier}: check it names the code last deployed)"
    return ok(found)


def check_sip_rules(context: DoctorContext) -> Verdict:
    sma = resolve(context)
    sma_id = str(sma["SipMediaApplicationId"])
    voice = context.client("chime-sdk-voice", sma.get("AwsRegion"))
    rules = _rules(voice, sma_id)
    if not rules:
        return fail(
            f"no SIP rule routes calls to the SIP media application {sma_id}",
            "order a number (callrec phone-number order) and add it to phone_numbers in Terraform",
        )
    problems = [p for rule in rules for p in _rule_problems(voice, rule, sma, context.region)]
    if problems:
        return fail("; ".join(problems), "fix the SIP rule or the number (see docs/deploy.md)")
    triggers = ", ".join(str(r.get("TriggerValue")) for r in rules)
    return ok(f"{len(rules)} SIP rule(s) route {triggers} to the SMA")


def _rules(voice: Any, sma_id: str) -> list[dict[str, Any]]:
    return list(
        read_items(
            "chime-sdk-voice ListSipRules",
            voice.list_sip_rules,
            "SipRules",
            SipMediaApplicationId=sma_id,
        )
    )


def _rule_problems(voice: Any, rule: dict[str, Any], sma: dict[str, Any], region: str) -> list[str]:
    label = f"SIP rule {rule.get('Name', rule.get('SipRuleId'))}"
    problems = [f"{label} is disabled"] if rule.get("Disabled") else []
    targets = [
        t
        for t in rule.get("TargetApplications", [])
        if t.get("SipMediaApplicationId") == sma["SipMediaApplicationId"]
    ]
    if not targets:
        problems.append(f"{label} does not target the SMA")
    elif any(t.get("AwsRegion") != sma_region(sma, region) for t in targets):
        problems.append(f"{label} targets the SMA in another Region")
    elif (first := _first_target(rule)) not in targets:
        problems.append(
            f"{label} sends calls first to SIP media application "
            f"{first.get('SipMediaApplicationId')} (Priority {first.get('Priority')}); "
            "this SMA is only its failover"
        )
    if rule.get("TriggerType") == "ToPhoneNumber":
        problems.extend(_number_problems(voice, str(rule.get("TriggerValue", ""))))
    return problems


def _first_target(rule: dict[str, Any]) -> dict[str, Any]:
    """The target PSTN audio tries first: the lowest Priority (the others are failover only)."""
    return min(rule.get("TargetApplications", []), key=lambda t: int(t.get("Priority") or 1))


def _number_problems(voice: Any, number: str) -> list[str]:
    response = read(
        f"chime-sdk-voice GetPhoneNumber {number}", voice.get_phone_number, PhoneNumberId=number
    )
    if response is None:
        return [f"{number} is not a phone number of this account"]
    details = response["PhoneNumber"]
    problems = []
    if details.get("ProductType") != "SipMediaApplicationDialIn":
        problems.append(f"{number} has product type {details.get('ProductType')}")
    if details.get("Status") != "Assigned":
        problems.append(f"{number} is {details.get('Status')}, not Assigned")
    return problems
