"""Each doctor check against the moto stack: ok when the stack is right, FAIL for each fault."""

from __future__ import annotations

import json
from dataclasses import replace

import boto3

from callrec.doctor.deployment import Deployment, Source, from_outputs
from callrec.doctor.registry import by_name, run_one
from callrec.doctor.results import Status
from tests.doctor.conftest import (
    CONFIGURATION_ARN,
    DLQ_ARN,
    NUMBER,
    PROMPTS,
    RECORDINGS,
    REGION,
    REPORT_RULE,
    SMA_ARN,
    SMA_ID,
    TRANSCRIBE_ROLE,
    VOICE_CONNECTOR,
    Doctor,
    chime_statement,
    create_function,
    event_rule,
    function_arn,
    function_name,
    media_insights_outputs,
    notify,
    outputs,
    phone_number,
    pipeline_configuration,
    put_policy,
    sip_media_application,
    sip_rules,
    streaming,
    transcribe_trust,
    wav,
)

OTHER_SMA = SMA_ARN.replace(SMA_ID, "ffffffff-2f0a-4a52-9d0a-1b2c3d4e5f60")


# --- sma-endpoint ---------------------------------------------------------------------------------


def test_sma_endpoint_ok(doctor: Doctor) -> None:
    doctor.sma()
    result = doctor.check("sma-endpoint")
    assert result.status is Status.OK, result


def _alias(name: str = "live") -> str:
    lambda_ = boto3.client("lambda")
    version = lambda_.publish_version(FunctionName=function_name("sma_handler"))["Version"]
    lambda_.create_alias(
        FunctionName=function_name("sma_handler"), Name=name, FunctionVersion=version
    )
    return f"{function_arn('sma_handler')}:{name}"


def test_sma_endpoint_fails_on_an_alias_without_its_own_permission(doctor: Doctor) -> None:
    doctor.sma(_alias())  # the permission is on the unqualified function only
    result = doctor.check("sma-endpoint")
    assert result.status is Status.FAIL, result
    assert "Chime may not invoke" in result.message


def test_sma_endpoint_on_an_alias_says_the_code_is_what_the_alias_names(doctor: Doctor) -> None:
    alias = _alias()
    boto3.client("lambda").add_permission(
        FunctionName=function_name("sma_handler"),
        Qualifier="live",
        StatementId="chime-live",
        Action="lambda:InvokeFunction",
        Principal="voiceconnector.chime.amazonaws.com",
        SourceArn=SMA_ARN,
        SourceAccount="123456789012",
    )
    doctor.sma(alias)
    result = doctor.check("sma-endpoint")
    assert result.status is Status.OK, result
    assert "alias or version live" in result.message


def test_sma_endpoint_fails_when_it_invokes_another_function(doctor: Doctor) -> None:
    doctor.sma(function_arn("render_report"))
    result = doctor.check("sma-endpoint")
    assert result.status is Status.FAIL
    assert "not the deployed" in result.message


def test_sma_endpoint_fails_when_the_sma_does_not_exist(doctor: Doctor) -> None:
    doctor.voice_stub.add_client_error(
        "get_sip_media_application", "NotFoundException", http_status_code=404
    )
    result = doctor.check("sma-endpoint")
    assert result.status is Status.FAIL
    assert "does not exist" in result.message


def test_sma_endpoint_fails_without_the_chime_permission(doctor: Doctor) -> None:
    boto3.client("lambda").remove_permission(
        FunctionName=function_name("sma_handler"), StatementId="chime"
    )
    doctor.sma()
    result = doctor.check("sma-endpoint")
    assert result.status is Status.FAIL
    assert "Chime may not invoke" in result.message


def test_sma_endpoint_fails_when_the_permission_names_another_sma(doctor: Doctor) -> None:
    awslambda = boto3.client("lambda")
    awslambda.remove_permission(FunctionName=function_name("sma_handler"), StatementId="chime")
    awslambda.add_permission(
        FunctionName=function_name("sma_handler"),
        StatementId="chime",
        Action="lambda:InvokeFunction",
        Principal="voiceconnector.chime.amazonaws.com",
        SourceArn=OTHER_SMA,
    )
    doctor.sma()
    result = doctor.check("sma-endpoint")
    assert result.status is Status.FAIL
    # Not the any-account failure: the grant is confined, but to the other SMA.
    assert "Chime may not invoke" in result.message


def test_sma_endpoint_fails_when_any_account_may_invoke(doctor: Doctor) -> None:
    awslambda = boto3.client("lambda")
    awslambda.remove_permission(FunctionName=function_name("sma_handler"), StatementId="chime")
    awslambda.add_permission(
        FunctionName=function_name("sma_handler"),
        StatementId="chime",
        Action="lambda:InvokeFunction",
        Principal="voiceconnector.chime.amazonaws.com",
    )
    doctor.sma()
    result = doctor.check("sma-endpoint")
    assert result.status is Status.FAIL
    assert "any account" in result.message


def test_a_stage_finds_the_sma_by_its_endpoint(doctor: Doctor) -> None:
    stage = replace(from_outputs(outputs(sip_media_application_id=None)), source=Source.STAGE)
    sma = sip_media_application()["SipMediaApplication"]
    doctor.voice_stub.add_response(
        "list_sip_media_applications", {"SipMediaApplications": [sma]}, {}
    )
    assert doctor.check("sma-endpoint", stage).status is Status.OK


def test_a_stage_finds_the_sma_on_a_later_page(doctor: Doctor) -> None:
    stage = replace(from_outputs(outputs(sip_media_application_id=None)), source=Source.STAGE)
    sma = sip_media_application()["SipMediaApplication"]
    other = {**sma, "SipMediaApplicationId": "other", "Endpoints": [{"LambdaArn": "arn:x"}]}
    doctor.voice_stub.add_response(
        "list_sip_media_applications", {"SipMediaApplications": [other], "NextToken": "p2"}, {}
    )
    doctor.voice_stub.add_response(
        "list_sip_media_applications", {"SipMediaApplications": [sma]}, {"NextToken": "p2"}
    )
    assert doctor.check("sma-endpoint", stage).status is Status.OK


def test_a_stage_fails_when_no_sma_invokes_the_handler(doctor: Doctor) -> None:
    stage = replace(from_outputs(outputs(sip_media_application_id=None)), source=Source.STAGE)
    doctor.voice_stub.add_response("list_sip_media_applications", {"SipMediaApplications": []}, {})
    result = doctor.check("sma-endpoint", stage)
    assert result.status is Status.FAIL
    assert "no SIP media application" in result.message


# --- sip-rules ------------------------------------------------------------------------------------


def _rules(doctor: Doctor, rules: dict[str, object], number: dict[str, object] | None) -> None:
    doctor.sma()
    doctor.voice_stub.add_response("list_sip_rules", rules, {"SipMediaApplicationId": SMA_ID})
    if number is not None:
        doctor.voice_stub.add_response("get_phone_number", number, {"PhoneNumberId": NUMBER})


def test_sip_rules_ok(doctor: Doctor) -> None:
    _rules(doctor, sip_rules(), phone_number())
    result = doctor.check("sip-rules")
    assert result.status is Status.OK, result
    assert NUMBER in result.message


def test_sip_rules_fail_when_there_is_none(doctor: Doctor) -> None:
    _rules(doctor, {"SipRules": []}, None)
    result = doctor.check("sip-rules")
    assert result.status is Status.FAIL
    assert "phone-number order" in result.fix


def test_sip_rules_fail_when_a_rule_is_disabled(doctor: Doctor) -> None:
    _rules(doctor, sip_rules(disabled=True), phone_number())
    assert "disabled" in doctor.check("sip-rules").message


def test_sip_rules_reads_every_page(doctor: Doctor) -> None:
    doctor.sma()
    doctor.voice_stub.add_response(
        "list_sip_rules", {"SipRules": [], "NextToken": "p2"}, {"SipMediaApplicationId": SMA_ID}
    )
    doctor.voice_stub.add_response(
        "list_sip_rules",
        sip_rules(disabled=True),
        {"SipMediaApplicationId": SMA_ID, "NextToken": "p2"},
    )
    doctor.voice_stub.add_response("get_phone_number", phone_number(), {"PhoneNumberId": NUMBER})
    assert "disabled" in doctor.check("sip-rules").message


def test_sip_rules_fail_when_a_rule_targets_another_sma(doctor: Doctor) -> None:
    _rules(doctor, sip_rules(target="other"), phone_number())
    assert "does not target the SMA" in doctor.check("sip-rules").message


def test_sip_rules_fail_when_another_sma_has_the_first_priority(doctor: Doctor) -> None:
    rules = sip_rules()
    rules["SipRules"][0]["TargetApplications"] = [
        {"SipMediaApplicationId": SMA_ID, "Priority": 2, "AwsRegion": REGION},
        {"SipMediaApplicationId": "other", "Priority": 1, "AwsRegion": "us-west-2"},
    ]
    _rules(doctor, rules, phone_number())
    result = doctor.check("sip-rules")
    assert result.status is Status.FAIL, result
    assert "first to SIP media application other" in result.message


def test_sip_rules_ok_when_the_sma_has_the_first_priority_of_several(doctor: Doctor) -> None:
    rules = sip_rules()
    rules["SipRules"][0]["TargetApplications"] = [
        {"SipMediaApplicationId": "other", "Priority": 2, "AwsRegion": "us-west-2"},
        {"SipMediaApplicationId": SMA_ID, "Priority": 1, "AwsRegion": REGION},
    ]
    _rules(doctor, rules, phone_number())
    assert doctor.check("sip-rules").status is Status.OK


def test_sip_rules_fail_when_the_number_is_unassigned(doctor: Doctor) -> None:
    _rules(doctor, sip_rules(), phone_number(status="Unassigned"))
    result = doctor.check("sip-rules")
    assert result.status is Status.FAIL
    assert "Unassigned" in result.message


def test_sip_rules_fail_when_the_number_is_a_voice_connector_number(doctor: Doctor) -> None:
    _rules(doctor, sip_rules(), phone_number(product="VoiceConnector"))
    assert "VoiceConnector" in doctor.check("sip-rules").message


def test_sip_rules_fail_when_the_number_does_not_exist(doctor: Doctor) -> None:
    doctor.sma()
    doctor.voice_stub.add_response("list_sip_rules", sip_rules())
    doctor.voice_stub.add_client_error(
        "get_phone_number", "NotFoundException", http_status_code=404
    )
    assert "not a phone number of this account" in doctor.check("sip-rules").message


# --- recordings-bucket-policy and prompts -----------------------------------------------------


def test_recordings_bucket_ok(doctor: Doctor) -> None:
    doctor.sma()
    result = doctor.check("recordings-bucket-policy")
    assert result.status is Status.OK, result


def test_recordings_bucket_fails_on_an_audit_finding(doctor: Doctor) -> None:
    unconfined = chime_statement(RECORDINGS, "s3:PutObject", "recordings/*")
    del unconfined["Condition"]
    put_policy(RECORDINGS, unconfined)
    result = doctor.check("recordings-bucket-policy")
    assert result.status is Status.FAIL
    assert "CR001" in result.message


def test_recordings_bucket_fails_when_it_admits_another_sma(doctor: Doctor) -> None:
    put_policy(RECORDINGS, chime_statement(RECORDINGS, "s3:PutObject", "recordings/*", OTHER_SMA))
    doctor.sma()
    result = doctor.check("recordings-bucket-policy")
    assert result.status is Status.FAIL
    assert "does not admit s3:PutObject" in result.message


def test_recordings_bucket_fails_when_chime_may_put_objects_but_not_their_acl(
    doctor: Doctor,
) -> None:
    put_only = chime_statement(RECORDINGS, "s3:PutObject", "recordings/*")
    put_only["Action"] = ["s3:PutObject"]
    put_policy(RECORDINGS, put_only)
    doctor.sma()
    result = doctor.check("recordings-bucket-policy")
    assert result.status is Status.FAIL, result
    assert "does not admit s3:PutObjectAcl" in result.message


def test_recordings_bucket_ok_with_a_deny_for_all_but_the_chime_service(doctor: Doctor) -> None:
    # Chime's request names its service (aws:PrincipalServiceName), as the auditor's CR012 and
    # the local Chime assume: a Deny for every other service name does not block it.
    deny_others = {
        "Sid": "DenyAllButChime",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:PutObject*",
        "Resource": f"arn:aws:s3:::{RECORDINGS}/*",
        "Condition": {
            "StringNotEqualsIfExists": {
                "aws:PrincipalServiceName": "voiceconnector.chime.amazonaws.com"
            }
        },
    }
    put_policy(RECORDINGS, chime_statement(RECORDINGS, "s3:PutObject", "recordings/*"), deny_others)
    doctor.sma()
    result = doctor.check("recordings-bucket-policy")
    assert result.status is Status.OK, result


def test_recordings_bucket_fails_when_a_deny_forbids_chime_put_object_acl(doctor: Doctor) -> None:
    deny_acl = {
        "Sid": "DenyObjectAcls",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:PutObjectAcl",
        "Resource": f"arn:aws:s3:::{RECORDINGS}/*",
    }
    put_policy(RECORDINGS, chime_statement(RECORDINGS, "s3:PutObject", "recordings/*"), deny_acl)
    result = doctor.check("recordings-bucket-policy")
    assert result.status is Status.FAIL, result
    assert "CR012" in result.message  # the auditor's rule: a Deny blocks Chime's own writes


def test_recordings_bucket_cannot_check_when_the_key_policy_is_unreadable(doctor: Doctor) -> None:
    unknown_key = "arn:aws:kms:us-east-1:123456789012:key/0b1f7c5e-2f0a-4a52-9d0a-1b2c3d4e5f63"
    boto3.client("s3").put_bucket_encryption(
        Bucket=RECORDINGS,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": unknown_key,
                    },
                    "BucketKeyEnabled": True,
                }
            ]
        },
    )
    doctor.sma()
    result = doctor.check("recordings-bucket-policy")
    assert result.status is Status.CANNOT_CHECK, result
    assert "kms:GetKeyPolicy" in result.fix


def test_recordings_bucket_fails_when_it_is_missing(doctor: Doctor) -> None:
    deployment = from_outputs(outputs(recordings_bucket="callrec-no-such-bucket"))
    assert doctor.check("recordings-bucket-policy", deployment).status is Status.FAIL


def test_prompts_ok(doctor: Doctor) -> None:
    doctor.sma()
    result = doctor.check("prompts")
    assert result.status is Status.OK, result


def test_prompts_fail_when_one_is_missing(doctor: Doctor) -> None:
    boto3.client("s3").delete_object(Bucket=PROMPTS, Key="consent.wav")
    result = doctor.check("prompts")
    assert result.status is Status.FAIL
    assert "consent.wav is missing" in result.message


def test_prompts_fail_when_one_is_16_khz_stereo(doctor: Doctor) -> None:
    boto3.client("s3").put_object(Bucket=PROMPTS, Key="consent.wav", Body=wav(16000, 2))
    result = doctor.check("prompts")
    assert result.status is Status.FAIL
    assert "rate 16000" in result.message
    assert "channels 2" in result.message


def test_prompts_fail_when_one_is_8_bit(doctor: Doctor) -> None:
    boto3.client("s3").put_object(Bucket=PROMPTS, Key="consent.wav", Body=wav(width=1))
    assert "bits 8" in doctor.check("prompts").message


def test_prompts_fail_when_one_is_not_a_wav(doctor: Doctor) -> None:
    boto3.client("s3").put_object(Bucket=PROMPTS, Key="consent.wav", Body=b"ID3 an mp3")
    assert "not a PCM WAV" in doctor.check("prompts").message


def test_prompts_fail_when_chime_may_not_read_them(doctor: Doctor) -> None:
    put_policy(PROMPTS, chime_statement(PROMPTS, "s3:GetObject", "*", OTHER_SMA))
    doctor.sma()
    result = doctor.check("prompts")
    assert result.status is Status.FAIL
    assert "s3:GetObject" in result.message


# --- recording-notification and report-rules ------------------------------------------------------


def test_recording_notification_ok(doctor: Doctor) -> None:
    result = doctor.check("recording-notification")
    assert result.status is Status.OK, result


def test_recording_notification_fails_without_a_notification(doctor: Doctor) -> None:
    boto3.client("s3").put_bucket_notification_configuration(
        Bucket=RECORDINGS, NotificationConfiguration={}
    )
    assert doctor.check("recording-notification").status is Status.FAIL


def test_recording_notification_fails_when_the_prefix_misses_recordings(doctor: Doctor) -> None:
    notify(events=["s3:ObjectCreated:*"], prefix="other/")
    assert doctor.check("recording-notification").status is Status.FAIL


def _wav_only_notification() -> None:
    boto3.client("s3").put_bucket_notification_configuration(
        Bucket=RECORDINGS,
        NotificationConfiguration={
            "LambdaFunctionConfigurations": [
                {
                    "LambdaFunctionArn": function_arn("start_transcription"),
                    "Events": ["s3:ObjectCreated:*"],
                    "Filter": {
                        "Key": {
                            "FilterRules": [
                                {"Name": "prefix", "Value": "recordings/"},
                                {"Name": "suffix", "Value": ".wav"},
                            ]
                        }
                    },
                }
            ]
        },
    )


def _media_insights_recording_as(sink_format: str) -> Deployment:
    values = media_insights_outputs()
    values["lambda_environment"]["MEDIA_INSIGHTS_SINK_FORMAT"] = sink_format
    return from_outputs(values)


def test_recording_notification_fails_when_a_wav_suffix_misses_opus_recordings(
    doctor: Doctor,
) -> None:
    _wav_only_notification()
    result = doctor.check("recording-notification", _media_insights_recording_as("Opus"))
    assert result.status is Status.FAIL, result
    assert f"recordings/{VOICE_CONNECTOR}/" in result.message
    assert result.message.split(" sends ")[1].split(" to ")[0].endswith(".ogg")


def test_recording_notification_ok_with_a_wav_suffix_for_wav_recordings(doctor: Doctor) -> None:
    _wav_only_notification()
    result = doctor.check("recording-notification", _media_insights_recording_as("Wav"))
    assert result.status is Status.OK, result


def test_recording_notification_fails_for_delete_events_only(doctor: Doctor) -> None:
    notify(events=["s3:ObjectRemoved:*"], prefix="recordings/")
    assert doctor.check("recording-notification").status is Status.FAIL


def test_recording_notification_fails_without_the_s3_permission(doctor: Doctor) -> None:
    boto3.client("lambda").remove_permission(
        FunctionName=function_name("start_transcription"), StatementId="s3-recordings"
    )
    result = doctor.check("recording-notification")
    assert result.status is Status.FAIL
    assert "s3.amazonaws.com may not invoke" in result.message


def test_report_rules_ok(doctor: Doctor) -> None:
    result = doctor.check("report-rules")
    assert result.status is Status.OK, result


def test_report_rules_fail_when_the_rule_is_disabled(doctor: Doctor) -> None:
    boto3.client("events").disable_rule(Name=REPORT_RULE)
    assert doctor.check("report-rules").status is Status.FAIL


def test_report_rules_ok_when_the_rule_also_takes_cloudtrail_management_events(
    doctor: Doctor,
) -> None:
    events = boto3.client("events")
    pattern = events.describe_rule(Name=REPORT_RULE)["EventPattern"]
    events.put_rule(
        Name=REPORT_RULE,
        EventPattern=pattern,
        State="ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS",
    )
    result = doctor.check("report-rules")
    assert result.status is Status.OK, result


def test_report_rules_fail_when_standard_jobs_are_not_matched(doctor: Doctor) -> None:
    boto3.client("events").put_rule(
        Name=REPORT_RULE,
        EventPattern=json.dumps(
            {"source": ["aws.transcribe"], "detail-type": ["Call Analytics Job State Change"]}
        ),
    )
    result = doctor.check("report-rules")
    assert result.status is Status.FAIL
    assert "Transcribe Job State Change" in result.message


def test_report_rules_fail_without_the_events_permission(doctor: Doctor) -> None:
    boto3.client("lambda").remove_permission(
        FunctionName=function_name("render_report"), StatementId=f"events-{REPORT_RULE}"
    )
    assert "events.amazonaws.com may not invoke" in doctor.check("report-rules").message


# --- transcribe-data-access-role ----------------------------------------------------------------


def test_transcribe_role_ok(doctor: Doctor) -> None:
    result = doctor.check("transcribe-data-access-role")
    assert result.status is Status.OK, result
    asked = {(c["ActionNames"][0], c["ResourceArns"][0]) for c in doctor.simulation.calls}
    assert asked == {
        ("s3:GetObject", f"arn:aws:s3:::{RECORDINGS}/recordings/doctor.wav"),
        ("s3:PutObject", f"arn:aws:s3:::{RECORDINGS}/transcriptions/doctor.json"),
    }


def _trust(conditions: dict[str, object] | None) -> None:
    statement: dict[str, object] = {
        "Effect": "Allow",
        "Principal": {"Service": "transcribe.amazonaws.com"},
        "Action": "sts:AssumeRole",
    }
    if conditions:
        statement["Condition"] = conditions
    boto3.client("iam").update_assume_role_policy(
        RoleName=TRANSCRIBE_ROLE,
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [statement]}),
    )


def test_transcribe_role_fails_when_trusted_for_any_account(doctor: Doctor) -> None:
    _trust(None)
    result = doctor.check("transcribe-data-access-role")
    assert result.status is Status.FAIL
    assert "any account" in result.message


def test_transcribe_role_fails_when_trusted_for_another_account(doctor: Doctor) -> None:
    _trust(transcribe_trust("111122223333"))
    result = doctor.check("transcribe-data-access-role")
    assert result.status is Status.FAIL
    assert "may not assume" in result.message


def test_transcribe_role_fails_when_it_cannot_write_transcripts(doctor: Doctor) -> None:
    doctor.simulation.denied.add((TRANSCRIBE_ROLE, "s3:PutObject"))
    result = doctor.check("transcribe-data-access-role")
    assert result.status is Status.FAIL
    assert "s3:PutObject" in result.message


def test_transcribe_role_ok_says_the_key_policy_is_not_evaluated(doctor: Doctor) -> None:
    key = "arn:aws:kms:us-east-1:123456789012:key/0b1f7c5e-2f0a-4a52-9d0a-1b2c3d4e5f62"
    result = doctor.check("transcribe-data-access-role", from_outputs(outputs(kms_key_arn=key)))
    assert result.status is Status.OK, result
    assert "key policy is not evaluated" in result.message


def test_transcribe_role_cannot_check_when_the_policy_needs_unknown_context(
    doctor: Doctor,
) -> None:
    doctor.simulation.denied.add((TRANSCRIBE_ROLE, "s3:GetObject"))
    doctor.simulation.missing_context.append("aws:SourceVpce")
    result = doctor.check("transcribe-data-access-role")
    assert result.status is Status.CANNOT_CHECK, result
    assert "aws:SourceVpce" in result.message


def test_transcribe_role_cannot_check_when_simulation_is_denied(doctor: Doctor) -> None:
    class Denied:
        def simulate_principal_policy(self, **params: object) -> None:
            from botocore.exceptions import ClientError

            raise ClientError({"Error": {"Code": "AccessDenied"}}, "SimulatePrincipalPolicy")

    context = doctor.context()
    context.simulation = Denied()
    result = run_one(by_name("transcribe-data-access-role"), context)
    assert result.status is Status.CANNOT_CHECK
    assert "SimulatePrincipalPolicy" in result.fix


# --- dead-letter-queue ----------------------------------------------------------------------------


def test_dead_letter_queue_ok(doctor: Doctor) -> None:
    result = doctor.check("dead-letter-queue")
    assert result.status is Status.OK, result
    assert "start_transcription" in result.message


def test_dead_letter_queue_fails_when_missing(doctor: Doctor) -> None:
    sqs = boto3.client("sqs")
    sqs.delete_queue(QueueUrl=sqs.get_queue_url(QueueName="callrec-dead-letter")["QueueUrl"])
    result = doctor.check("dead-letter-queue")
    assert result.status is Status.FAIL
    assert "does not exist" in result.message


def test_dead_letter_queue_fails_when_a_role_may_not_send(doctor: Doctor) -> None:
    doctor.simulation.denied.add(("callrec-render-report", "sqs:SendMessage"))
    result = doctor.check("dead-letter-queue")
    assert result.status is Status.FAIL
    assert "render_report's role may not sqs:SendMessage" in result.message


def test_dead_letter_queue_fails_when_a_rule_may_not_send(doctor: Doctor) -> None:
    event_rule("other-app-rule", {"source": ["aws.transcribe"]}, "render_report")
    result = doctor.check("dead-letter-queue")
    assert result.status is Status.FAIL
    assert "other-app-rule" in result.message


def test_dead_letter_queue_asks_for_kms_on_an_encrypted_queue(doctor: Doctor) -> None:
    key = boto3.client("kms").create_key()["KeyMetadata"]["Arn"]
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName="callrec-dead-letter")["QueueUrl"]
    policy = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])["Attributes"]
    # moto forgets the other attributes on SetQueueAttributes: set both together.
    sqs.set_queue_attributes(QueueUrl=url, Attributes={**policy, "KmsMasterKeyId": key})
    doctor.simulation.denied.add(("callrec-start-transcription", "kms:GenerateDataKey"))
    result = doctor.check("dead-letter-queue")
    assert result.status is Status.FAIL
    assert "kms:GenerateDataKey" in result.message
    assert DLQ_ARN not in result.message.split("may not")[1]


# --- media insights -------------------------------------------------------------------------------


def _media() -> Deployment:
    return from_outputs(media_insights_outputs())


def _streaming(doctor: Doctor, response: dict[str, object]) -> None:
    doctor.voice_stub.add_response(
        "get_voice_connector_streaming_configuration",
        response,
        {"VoiceConnectorId": VOICE_CONNECTOR},
    )


def test_streaming_ok(doctor: Doctor) -> None:
    _streaming(doctor, streaming())
    result = doctor.check("voice-connector-streaming", _media())
    assert result.status is Status.OK, result


def test_streaming_fails_when_disabled(doctor: Doctor) -> None:
    _streaming(doctor, streaming(Disabled=True))
    assert "disabled" in doctor.check("voice-connector-streaming", _media()).message


def test_streaming_fails_without_eventbridge_in_lambda_mode(doctor: Doctor) -> None:
    _streaming(doctor, streaming(StreamingNotificationTargets=[{"NotificationTarget": "SNS"}]))
    assert "EventBridge" in doctor.check("voice-connector-streaming", _media()).message


def test_streaming_fails_when_lambda_mode_also_associates_the_configuration(doctor: Doctor) -> None:
    association = {"Disabled": False, "ConfigurationArn": CONFIGURATION_ARN}
    _streaming(doctor, streaming(MediaInsightsConfiguration=association))
    assert "recorded twice" in doctor.check("voice-connector-streaming", _media()).message


def test_configuration_ok(doctor: Doctor) -> None:
    doctor.pipelines_stub.add_response(
        "get_media_insights_pipeline_configuration",
        pipeline_configuration(),
        {"Identifier": CONFIGURATION_ARN},
    )
    result = doctor.check("media-insights-configuration", _media())
    assert result.status is Status.OK, result


def test_configuration_fails_when_the_sink_writes_elsewhere(doctor: Doctor) -> None:
    doctor.pipelines_stub.add_response(
        "get_media_insights_pipeline_configuration",
        pipeline_configuration(destination=f"arn:aws:s3:::{RECORDINGS}/elsewhere"),
    )
    result = doctor.check("media-insights-configuration", _media())
    assert result.status is Status.FAIL
    assert "elsewhere" in result.message


def test_configuration_fails_when_missing(doctor: Doctor) -> None:
    doctor.pipelines_stub.add_client_error(
        "get_media_insights_pipeline_configuration", "NotFoundException", http_status_code=404
    )
    assert doctor.check("media-insights-configuration", _media()).status is Status.FAIL


# --- recording-path and media-insights-rules ------------------------------------------------------


def test_recording_path_fails_when_nothing_records(doctor: Doctor) -> None:
    result = doctor.check("recording-path", from_outputs(outputs(sip_media_application_id=None)))
    assert result.status is Status.FAIL
    assert "enable_media_insights" in result.fix


def test_media_insights_path_alone_is_a_recording_path(doctor: Doctor) -> None:
    values = media_insights_outputs()
    values["sip_media_application_id"] = None
    result = doctor.check("recording-path", from_outputs(values))
    assert result.status is Status.OK
    assert "media insights" in result.message


def _media_insights_functions(
    voice_connector: str = VOICE_CONNECTOR, *, mapping: bool = True
) -> None:
    create_function("media_insights_recording_metadata", dead_letter=False)
    kinesis = boto3.client("kinesis")
    kinesis.create_stream(StreamName="callrec-media-insights-metadata", ShardCount=1)
    stream = kinesis.describe_stream(StreamName="callrec-media-insights-metadata")
    if mapping:
        boto3.client("lambda").create_event_source_mapping(
            EventSourceArn=stream["StreamDescription"]["StreamARN"],
            FunctionName=function_name("media_insights_recording_metadata"),
            StartingPosition="TRIM_HORIZON",
        )
    for function, detail_type in (
        ("media_insights_streaming_status", "Chime VoiceConnector Streaming Status"),
        ("media_insights_state_change", "Media Insights State Change"),
    ):
        create_function(function, dead_letter=False)
        pattern = {
            "source": ["aws.chime"],
            "detail-type": [detail_type],
            "detail": {"voiceConnectorId": [voice_connector]},
        }
        event_rule(f"callrec-{function}", pattern, function)


def test_media_insights_rules_ok(doctor: Doctor) -> None:
    _media_insights_functions()
    result = doctor.check("media-insights-rules", _media())
    assert result.status is Status.OK, result


def test_media_insights_rules_fail_for_another_voice_connector(doctor: Doctor) -> None:
    _media_insights_functions("otherconnector")
    result = doctor.check("media-insights-rules", _media())
    assert result.status is Status.FAIL
    assert "Chime VoiceConnector Streaming Status" in result.message


def test_media_insights_rules_fail_when_the_function_is_missing(doctor: Doctor) -> None:
    result = doctor.check("media-insights-rules", _media())
    assert result.status is Status.FAIL
    assert "does not exist" in result.message


def test_a_media_insights_stage_without_an_sma_cannot_check_it(doctor: Doctor) -> None:
    values = media_insights_outputs()
    values["sip_media_application_id"] = None
    stage = replace(from_outputs(values), source=Source.STAGE)
    doctor.voice_stub.add_response("list_sip_media_applications", {"SipMediaApplications": []}, {})
    doctor.voice_stub.add_response("list_sip_media_applications", {"SipMediaApplications": []}, {})
    assert doctor.check("sma-endpoint", stage).status is Status.CANNOT_CHECK
    assert doctor.check("recordings-bucket-policy", stage).status is Status.OK


def test_media_insights_rules_fail_without_the_metadata_mapping(doctor: Doctor) -> None:
    _media_insights_functions(mapping=False)
    result = doctor.check("media-insights-rules", _media())
    assert result.status is Status.FAIL
    assert "no enabled event source mapping" in result.message


def test_dead_letter_queue_counts_an_on_failure_destination_as_a_user(doctor: Doctor) -> None:
    boto3.client("lambda").put_function_event_invoke_config(
        FunctionName=function_name("sma_handler"),
        DestinationConfig={"OnFailure": {"Destination": DLQ_ARN}},
    )
    doctor.simulation.denied.add(("callrec-sma-handler", "sqs:SendMessage"))
    result = doctor.check("dead-letter-queue")
    assert result.status is Status.FAIL
    assert "sma_handler's role may not sqs:SendMessage" in result.message


def test_an_unanticipated_aws_error_is_cannot_check(doctor: Doctor) -> None:
    class Broken:
        def __getattr__(self, name: str) -> object:
            def fails(**params: object) -> None:
                from botocore.exceptions import EndpointConnectionError

                raise EndpointConnectionError(endpoint_url="https://sqs.example")

            return fails

    context = doctor.context()
    context.overrides = {**context.overrides, "sqs": Broken()}
    result = run_one(by_name("dead-letter-queue"), context)
    assert result.status is Status.CANNOT_CHECK


def test_configuration_fails_when_its_role_trusts_any_account(doctor: Doctor) -> None:
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "mediapipelines.chime.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    boto3.client("iam").update_assume_role_policy(
        RoleName="callrec-media-insights-access", PolicyDocument=json.dumps(document)
    )
    doctor.pipelines_stub.add_response(
        "get_media_insights_pipeline_configuration", pipeline_configuration()
    )
    result = doctor.check("media-insights-configuration", _media())
    assert result.status is Status.FAIL
    assert "for any account" in result.message
