# Offline: `callrec infra check` serves the hashicorp/aws schema; every AWS answer is mocked.
# Asserts the media insights path's security and wiring decisions at plan time.

mock_provider "aws" {
  override_during = plan

  mock_data "aws_caller_identity" {
    defaults = { account_id = "111122223333" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_region" {
    defaults = { region = "us-east-1", name = "us-east-1" }
  }
  mock_resource "aws_chime_voice_connector" {
    defaults = { id = "abcdef1ghij2klmno3pqr4" }
  }
  mock_resource "aws_kinesis_stream" {
    defaults = { arn = "arn:aws:kinesis:us-east-1:111122223333:stream/callrec-media-insights-metadata" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::111122223333:role/callrec-media-insights-access", id = "callrec-media-insights-access" }
  }
  mock_resource "aws_sqs_queue" {
    defaults = { arn = "arn:aws:sqs:us-east-1:111122223333:callrec-media-insights-metadata-failures" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/callrec-dev-fn" }
  }
  mock_resource "aws_cloudwatch_event_rule" {
    defaults = { arn = "arn:aws:events:us-east-1:111122223333:rule/callrec-rule", name = "callrec-rule" }
  }
  mock_resource "aws_chimesdkmediapipelines_media_insights_pipeline_configuration" {
    defaults = { arn = "arn:aws:chime:us-east-1:111122223333:media-insights-pipeline-configuration/callrec-recording" }
  }
  mock_resource "aws_kinesis_firehose_delivery_stream" {
    defaults = { arn = "arn:aws:firehose:us-east-1:111122223333:deliverystream/callrec-events" }
  }
}

variables {
  recordings_bucket_arn  = "arn:aws:s3:::callrec-recordings-test"
  call_records_table_arn = "arn:aws:dynamodb:us-east-1:111122223333:table/callrec-call-records"
  lambda_function_names = {
    media_insights_streaming_status   = "callrec-dev-media_insights_streaming_status"
    media_insights_state_change       = "callrec-dev-media_insights_state_change"
    media_insights_recording_metadata = "callrec-dev-media_insights_recording_metadata"
    stop_media_insights_pipeline      = "callrec-dev-stop_media_insights_pipeline"
  }
}

run "resource_access_role_trusts_only_media_pipelines_of_this_account" {
  command = plan

  assert {
    condition     = [for p in data.aws_iam_policy_document.resource_access_assume.statement[0].principals : p] == [{ type = "Service", identifiers = toset(["mediapipelines.chime.amazonaws.com"]) }]
    error_message = "The resource access role must trust exactly mediapipelines.chime.amazonaws.com."
  }
  assert {
    condition = anytrue([
      for c in data.aws_iam_policy_document.resource_access_assume.statement[0].condition :
      c.variable == "aws:SourceAccount" && c.test == "StringEquals" && toset(c.values) == toset(["111122223333"])
    ])
    error_message = "Missing aws:SourceAccount = this account on the trust policy."
  }
  assert {
    condition = anytrue([
      for c in data.aws_iam_policy_document.resource_access_assume.statement[0].condition :
      c.variable == "aws:SourceArn" && c.test == "ArnLike" && toset(c.values) == toset(["arn:aws:chime:*:111122223333:*"])
    ])
    error_message = "Missing aws:SourceArn like arn:aws:chime:*:<account>:* on the trust policy."
  }
}

run "sink_writes_only_under_the_recordings_prefix" {
  command = plan

  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.resource_access.statement :
      s.sid == "WriteRecordings" && toset(s.resources) == toset(["arn:aws:s3:::callrec-recordings-test/recordings/*"])
    ])
    error_message = "The role may write recordings only under recordings/."
  }
  assert {
    condition     = toset(data.aws_iam_policy_document.recordings_bucket.statement[0].resources) == toset(["arn:aws:s3:::callrec-recordings-test/recordings/*"])
    error_message = "The bucket statement must be limited to the recordings prefix."
  }
  assert {
    condition     = [for p in data.aws_iam_policy_document.recordings_bucket.statement[0].principals : p] == [{ type = "AWS", identifiers = toset(["arn:aws:iam::111122223333:role/callrec-media-insights-access"]) }]
    error_message = "The bucket must admit exactly the resource access role."
  }
}

run "configuration_has_the_two_sinks" {
  command = plan

  assert {
    condition     = [for e in aws_chimesdkmediapipelines_media_insights_pipeline_configuration.this[0].elements : e.type] == ["S3RecordingSink", "KinesisDataStreamSink"]
    error_message = "The configuration must have an S3 recording sink and a Kinesis data stream sink."
  }
  assert {
    condition     = aws_chimesdkmediapipelines_media_insights_pipeline_configuration.this[0].elements[0].s3_recording_sink_configuration[0].destination == "arn:aws:s3:::callrec-recordings-test/recordings"
    error_message = "The recording sink must write to bucket/prefix."
  }
  assert {
    condition     = aws_kinesis_stream.this[0].encryption_type == "KMS"
    error_message = "The metadata stream must be encrypted."
  }
}

run "lambda_mode_does_not_associate_the_configuration" {
  command = plan

  assert {
    condition     = length(aws_chime_voice_connector_streaming.this[0].media_insights_configuration) == 0
    error_message = "In lambda mode the Voice Connector must not start pipelines itself (double recording)."
  }
  assert {
    condition     = aws_chime_voice_connector_streaming.this[0].data_retention == 24
    error_message = "Default retention should be 24 hours."
  }
  assert {
    condition     = contains(aws_chime_voice_connector_streaming.this[0].streaming_notification_targets, "EventBridge")
    error_message = "Streaming events must go to EventBridge."
  }
}

run "voice_connector_mode_associates_the_configuration" {
  command = plan

  variables {
    pipeline_start_mode = "voice_connector"
  }

  assert {
    condition     = length(aws_chime_voice_connector_streaming.this[0].media_insights_configuration) == 1
    error_message = "In voice_connector mode the configuration must be associated."
  }
}

run "metadata_consumer_reports_batch_item_failures" {
  command = plan

  assert {
    condition     = toset(aws_lambda_event_source_mapping.recording_metadata[0].function_response_types) == toset(["ReportBatchItemFailures"])
    error_message = "The Kinesis event source mapping must enable ReportBatchItemFailures."
  }
  assert {
    condition     = aws_lambda_event_source_mapping.recording_metadata[0].destination_config[0].on_failure[0].destination_arn == "arn:aws:sqs:us-east-1:111122223333:callrec-media-insights-metadata-failures"
    error_message = "Failed batches must be parked in the failure queue."
  }
  assert {
    condition     = length(aws_cloudwatch_event_target.this) == 2
    error_message = "Both EventBridge rules must target their functions."
  }
}

run "recording_needs_stream_retention" {
  command = plan

  variables {
    data_retention_hours = 0
  }

  expect_failures = [var.data_retention_hours]
}

run "only_wav_or_opus" {
  command = plan

  variables {
    recording_file_format = "mp3"
  }

  expect_failures = [var.recording_file_format]
}

run "only_documented_fragment_selector_types" {
  command = plan

  variables {
    fragment_selector_type = "ArrivalTimestamp"
  }

  expect_failures = [var.fragment_selector_type]
}

run "warehouse_tables" {
  command = plan

  variables {
    enable_data_warehouse = true
  }

  assert {
    condition     = toset(output.glue_table_names) == toset(["call_analytics_metadata", "call_analytics_recording_metadata", "media_insights_pipeline_events"])
    error_message = "The warehouse must describe recording metadata, SIPREC metadata and pipeline events."
  }
}

run "undeliverable_events_go_to_the_dead_letter_queue" {
  command = plan

  variables {
    dead_letter_queue_arn = "arn:aws:sqs:us-east-1:111122223333:callrec-dead-letter"
  }

  assert {
    condition     = alltrue([for t in aws_cloudwatch_event_target.this : t.dead_letter_config[0].arn == "arn:aws:sqs:us-east-1:111122223333:callrec-dead-letter"])
    error_message = "Both function targets must dead-letter to the given queue."
  }
}

run "every_function_with_a_failure_queue_may_send_to_it" {
  command = plan

  variables {
    dead_letter_queue_arn = "arn:aws:sqs:us-east-1:111122223333:callrec-dead-letter"
  }

  assert {
    condition = output.function_failure_queue_arns == {
      media_insights_streaming_status   = "arn:aws:sqs:us-east-1:111122223333:callrec-dead-letter"
      media_insights_state_change       = "arn:aws:sqs:us-east-1:111122223333:callrec-dead-letter"
      media_insights_recording_metadata = "arn:aws:sqs:us-east-1:111122223333:callrec-media-insights-metadata-failures"
    }
    error_message = "The EventBridge-invoked functions need sqs:SendMessage on the dead-letter queue, the Kinesis consumer on its on-failure queue."
  }
}

run "pipeline_actions_name_the_media_pipeline_resource_type" {
  command = plan

  assert {
    condition = alltrue(flatten([
      for document in values(data.aws_iam_policy_document.function) : [
        for s in document.statement : [
          for r in s.resources : !strcontains(r, ":media-insights-pipeline/")
        ]
      ]
    ]))
    error_message = "There is no media-insights-pipeline resource type: Get/DeleteMediaPipeline act on media-pipeline/$${MediaPipelineId}."
  }
  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.function["stop_media_insights_pipeline"].statement :
      contains(s.actions, "chime:DeleteMediaPipeline") && toset(s.resources) == toset(["arn:aws:chime:us-east-1:111122223333:media-pipeline/*"])
    ])
    error_message = "DeleteMediaPipeline must be granted on this account's media-pipeline/* in this Region."
  }
}

run "pipeline_creator_may_describe_the_voice_connector_streams" {
  command = plan

  # Service Authorization Reference (Amazon Chime): CreateMediaInsightsPipeline is authorized on
  # the configuration alone and has kinesisvideo:DescribeStream as a dependent action of the caller.
  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.function["media_insights_streaming_status"].statement :
      contains(s.actions, "chime:CreateMediaInsightsPipeline") && toset(s.resources) == toset(["arn:aws:chime:us-east-1:111122223333:media-insights-pipeline-configuration/callrec-recording"])
    ])
    error_message = "CreateMediaInsightsPipeline must be granted on the pipeline configuration only (its one resource type)."
  }
  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.function["media_insights_streaming_status"].statement :
      toset(s.actions) == toset(["kinesisvideo:DescribeStream"]) && toset(s.resources) == toset(["arn:aws:kinesisvideo:us-east-1:111122223333:stream/ChimeVoiceConnector-abcdef1ghij2klmno3pqr4-*/*"])
    ])
    error_message = "The function that creates pipelines needs kinesisvideo:DescribeStream on this Voice Connector's streams (a dependent action of CreateMediaInsightsPipeline)."
  }
}

run "resource_access_role_has_the_documented_stream_reads" {
  command = plan

  # "Using the call analytics resource access role" (Chime SDK developer guide): the minimum
  # policy reads the streams with GetDataEndpoint and GetMedia; the S3 recording sink adds
  # ListFragments and GetMediaForFragmentList.
  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.resource_access.statement :
      toset(s.actions) == toset(["kinesisvideo:GetDataEndpoint", "kinesisvideo:GetMedia", "kinesisvideo:ListFragments", "kinesisvideo:GetMediaForFragmentList"])
      && toset(s.resources) == toset(["arn:aws:kinesisvideo:us-east-1:111122223333:stream/ChimeVoiceConnector-abcdef1ghij2klmno3pqr4-*/*"])
    ])
    error_message = "The resource access role must read this Voice Connector's streams with the documented actions."
  }
}

run "metadata_consumer_reads_its_stream_with_stream_level_actions_only" {
  command = plan

  # Service Authorization Reference (Amazon Kinesis Data Streams): kinesis:ListStreams has no
  # resource type, so granting it on a stream ARN grants nothing; the event source mapping does
  # not need it.
  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.function["media_insights_recording_metadata"].statement :
      !contains(s.actions, "kinesis:ListStreams")
    ])
    error_message = "kinesis:ListStreams has no resource type: it must not be granted on the stream ARN."
  }
}

run "recording_sink_may_complete_multipart_uploads_under_the_bucket_key" {
  command = plan

  variables {
    recordings_kms_key_arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  # S3 needs kms:Decrypt as well as kms:GenerateDataKey from whoever uploads an SSE-KMS object in
  # parts (S3 User Guide, "Using server-side encryption with AWS KMS keys": multipart uploads).
  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.resource_access.statement :
      toset(s.actions) == toset(["kms:GenerateDataKey", "kms:Decrypt"]) && toset(s.resources) == toset(["arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"])
    ])
    error_message = "The recording sink must be able to GenerateDataKey and Decrypt with the recordings bucket key."
  }
}
