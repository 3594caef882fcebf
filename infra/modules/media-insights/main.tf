# The second recording path: a Voice Connector streams each call to two Kinesis video streams;
# a media insights pipeline (created per call by the media_insights_streaming_status function,
# or by the Voice Connector itself) records them into the recordings bucket and sends the
# recording metadata to a Kinesis data stream; status arrives on EventBridge.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  create     = var.create
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.region

  create_voice_connector = local.create && var.voice_connector_id == null
  voice_connector_id     = local.create_voice_connector ? try(aws_chime_voice_connector.this[0].id, "") : (var.voice_connector_id == null ? "" : var.voice_connector_id)
  voice_connector_region = coalesce(var.voice_connector_region, local.region)

  recordings_objects   = "${var.recordings_bucket_arn}/${var.recordings_prefix}/*"
  sink_destination_arn = "${var.recordings_bucket_arn}/${var.recordings_prefix}"

  stream_name = coalesce(var.metadata_stream_name, "${var.name_prefix}-media-insights-metadata")
  stream_arn  = try(aws_kinesis_stream.this[0].arn, "")

  configuration_name = "${var.name_prefix}-recording"
  configuration_arn  = try(aws_chimesdkmediapipelines_media_insights_pipeline_configuration.this[0].arn, "")

  # The Voice Connector names its streams ChimeVoiceConnector-<voiceConnectorId>-<uuid>. A Kinesis
  # video stream's ARN ends in /${CreationTime} (Service Authorization Reference, "Actions,
  # resources, and condition keys for Amazon Kinesis Video Streams": stream), hence the final /*.
  kvs_streams = "arn:${local.partition}:kinesisvideo:${local.voice_connector_region}:${local.account_id}:stream/ChimeVoiceConnector-${local.voice_connector_id}-*/*"
  # Service Authorization Reference, "Actions, resources, and condition keys for Amazon Chime"
  # (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonchime.html):
  # GetMediaPipeline and DeleteMediaPipeline act on the media-pipeline resource type,
  # arn:${Partition}:chime:${Region}:${Account}:media-pipeline/${MediaPipelineId}, whatever kind
  # of pipeline it is; there is no "media-insights-pipeline" resource type.
  pipelines = "arn:${local.partition}:chime:${local.region}:${local.account_id}:media-pipeline/*"

  functions        = local.create ? var.lambda_function_names : {}
  function_keys    = toset(keys(local.functions))
  wire             = local.create && var.wire_event_sources
  warehouse        = local.create && var.enable_data_warehouse
  warehouse_bucket = coalesce(var.warehouse_bucket_arn, var.recordings_bucket_arn)
}

################################################################################
# Voice Connector and its streaming configuration
################################################################################

resource "aws_chime_voice_connector" "this" {
  count = local.create_voice_connector ? 1 : 0

  name               = var.voice_connector_name
  aws_region         = local.voice_connector_region
  require_encryption = true
  tags               = var.tags
}

resource "aws_chime_voice_connector_streaming" "this" {
  count = local.create ? 1 : 0

  voice_connector_id = local.voice_connector_id
  disabled           = false
  # Recording reads the streams after the call (fragment selector over the call's time range).
  data_retention = var.data_retention_hours
  # STARTED/ENDED/FAILED "Chime VoiceConnector Streaming Status" events drive the lambda mode.
  streaming_notification_targets = ["EventBridge"]

  # Associating the configuration makes the Voice Connector start a pipeline for every call; in
  # lambda mode the function does it per call instead (one of the two, never both: a call would
  # be recorded twice).
  dynamic "media_insights_configuration" {
    for_each = var.pipeline_start_mode == "voice_connector" ? [local.configuration_arn] : []
    content {
      disabled          = false
      configuration_arn = media_insights_configuration.value
    }
  }
}

################################################################################
# Kinesis data stream sink (recording metadata), encrypted
################################################################################

resource "aws_kinesis_stream" "this" {
  count = local.create ? 1 : 0

  name             = local.stream_name
  retention_period = var.metadata_stream_retention_hours
  encryption_type  = "KMS"
  kms_key_id       = coalesce(var.kms_key_arn, "alias/aws/kinesis")

  stream_mode_details {
    stream_mode = "ON_DEMAND"
  }

  tags = var.tags
}

################################################################################
# Resource access role: assumed by the media pipelines service for this account only
################################################################################

data "aws_iam_policy_document" "resource_access_assume" {
  statement {
    sid     = "MediaPipelinesOfThisAccount"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["mediapipelines.chime.amazonaws.com"]
    }

    # Confused-deputy protection (call analytics resource access role, Chime SDK guide).
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:chime:*:${local.account_id}:*"]
    }
  }
}

resource "aws_iam_role" "resource_access" {
  count = local.create ? 1 : 0

  name               = substr("${var.name_prefix}-media-insights-access", 0, 64)
  assume_role_policy = data.aws_iam_policy_document.resource_access_assume.json
  tags               = var.tags
}

# Only what the S3 recording sink and the Kinesis data stream sink need (documented policies
# "S3RecordingSink policy" and "KinesisDataStreamSink policy"), scoped to this module's resources.
data "aws_iam_policy_document" "resource_access" {
  # "Using the call analytics resource access role for the Amazon Chime SDK"
  # (https://docs.aws.amazon.com/chime-sdk/latest/dg/call-analytics-resource-access-role.html):
  # the minimum policy reads the streams with GetDataEndpoint and GetMedia, the S3RecordingSink
  # policy adds ListFragments and GetMediaForFragmentList. The guide grants them on stream/Chime*;
  # here only this Voice Connector's streams. Its transcribe:* statements are for the Transcribe
  # processors, which this configuration does not have.
  statement {
    sid       = "ReadThisVoiceConnectorsStreams"
    actions   = ["kinesisvideo:GetDataEndpoint", "kinesisvideo:GetMedia", "kinesisvideo:ListFragments", "kinesisvideo:GetMediaForFragmentList"]
    resources = [local.kvs_streams]
  }

  # Voice Connector streams are encrypted with a key the service tags AWSServiceName=ChimeSDK.
  statement {
    sid       = "DecryptChimeStreams"
    actions   = ["kms:Decrypt"]
    resources = ["arn:${local.partition}:kms:${local.voice_connector_region}:${local.account_id}:key/*"]

    condition {
      test     = "StringLike"
      variable = "aws:ResourceTag/AWSServiceName"
      values   = ["ChimeSDK"]
    }
  }

  statement {
    sid       = "WriteRecordings"
    actions   = ["s3:PutObject", "s3:PutObjectAcl", "s3:PutObjectTagging"]
    resources = [local.recordings_objects]
  }

  statement {
    sid       = "PutRecordingMetadata"
    actions   = ["kinesis:PutRecord"]
    resources = [local.stream_arn]
  }

  # The S3 recording sink writes SSE-KMS objects under the bucket key. S3 asks whoever uploads
  # an SSE-KMS object in parts for kms:Decrypt as well as kms:GenerateDataKey (S3 User Guide,
  # "Using server-side encryption with AWS KMS keys (SSE-KMS)", multipart uploads); the guide's
  # S3RecordingSink policy shows only GenerateDataKey, but a long call's recording may well go
  # up in parts, and a refused part loses the recording.
  dynamic "statement" {
    for_each = var.recordings_kms_key_arn == null ? [] : [var.recordings_kms_key_arn]
    content {
      sid       = "EncryptRecordings"
      actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
      resources = [statement.value]
    }
  }

  # The Kinesis data stream sink encrypts records with the stream's key.
  dynamic "statement" {
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]
    content {
      sid       = "EncryptMetadataRecords"
      actions   = ["kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role_policy" "resource_access" {
  count = local.create ? 1 : 0

  name   = "media-insights-sinks"
  role   = aws_iam_role.resource_access[0].id
  policy = data.aws_iam_policy_document.resource_access.json
}

# For the recordings bucket module's extra_policy_documents: the sink writes as the resource
# access role (not as a service principal), so the bucket admits exactly that role, exactly the
# sink's actions, exactly under the recordings prefix.
data "aws_iam_policy_document" "recordings_bucket" {
  statement {
    sid       = "AllowMediaInsightsRecordingSink"
    actions   = ["s3:PutObject", "s3:PutObjectAcl", "s3:PutObjectTagging"]
    resources = [local.recordings_objects]

    principals {
      type        = "AWS"
      identifiers = [try(aws_iam_role.resource_access[0].arn, "arn:${local.partition}:iam::${local.account_id}:root")]
    }
  }
}

################################################################################
# Media insights pipeline configuration: S3 recording sink + Kinesis data stream sink
################################################################################

resource "aws_chimesdkmediapipelines_media_insights_pipeline_configuration" "this" {
  count = local.create ? 1 : 0

  name                     = local.configuration_name
  resource_access_role_arn = aws_iam_role.resource_access[0].arn

  elements {
    type = "S3RecordingSink"
    s3_recording_sink_configuration {
      destination = local.sink_destination_arn
    }
  }

  elements {
    type = "KinesisDataStreamSink"
    kinesis_data_stream_sink_configuration {
      insights_target = local.stream_arn
    }
  }

  tags = var.tags

  # The service checks the role can reach the sinks when the configuration is created.
  depends_on = [aws_iam_role_policy.resource_access]
}

################################################################################
# EventBridge: streaming status and pipeline state changes of this Voice Connector
################################################################################

resource "aws_cloudwatch_event_rule" "streaming_status" {
  count = local.create ? 1 : 0

  name        = "${var.name_prefix}-vc-streaming-status"
  description = "Chime VoiceConnector Streaming Status of ${local.voice_connector_id}"
  event_pattern = jsonencode({
    source        = ["aws.chime"]
    "detail-type" = ["Chime VoiceConnector Streaming Status"]
    detail        = { voiceConnectorId = [local.voice_connector_id] }
  })
  tags = var.tags
}

resource "aws_cloudwatch_event_rule" "state_change" {
  count = local.create ? 1 : 0

  name        = "${var.name_prefix}-media-insights-state"
  description = "Media Insights State Change of pipelines recording ${local.voice_connector_id}"
  # voiceConnectorId is in every event of this path: the Voice Connector adds it, and the
  # streaming status function passes it as MediaInsightsRuntimeMetadata.
  event_pattern = jsonencode({
    source        = ["aws.chime"]
    "detail-type" = ["Media Insights State Change"]
    detail        = { voiceConnectorId = [local.voice_connector_id] }
  })
  tags = var.tags
}

locals {
  event_targets = {
    media_insights_streaming_status = try(aws_cloudwatch_event_rule.streaming_status[0], null)
    media_insights_state_change     = try(aws_cloudwatch_event_rule.state_change[0], null)
  }
  wired_event_targets = local.wire ? { for key, rule in local.event_targets : key => rule if contains(keys(local.functions), key) } : {}
}

resource "aws_cloudwatch_event_target" "this" {
  for_each = local.wired_event_targets

  rule = each.value.name
  # Built, not looked up: the packaged functions are created in the same apply.
  arn = "arn:${local.partition}:lambda:${local.region}:${local.account_id}:function:${local.functions[each.key]}"

  retry_policy {
    maximum_event_age_in_seconds = 3600
    maximum_retry_attempts       = 8
  }

  # Undeliverable streaming and status events are kept, not dropped (`callrec replay`).
  dynamic "dead_letter_config" {
    for_each = var.dead_letter_queue_arn == null ? [] : [var.dead_letter_queue_arn]
    content {
      arn = dead_letter_config.value
    }
  }

  # EventBridge does not check the permission when the target is put, but events it delivers
  # before the permission exists fail: the first events of a fresh apply would be lost.
  depends_on = [aws_lambda_permission.events]
}

resource "aws_lambda_permission" "events" {
  for_each = local.wired_event_targets

  statement_id  = "AllowEventBridge-${each.value.name}"
  action        = "lambda:InvokeFunction"
  function_name = local.functions[each.key]
  principal     = "events.amazonaws.com"
  source_arn    = each.value.arn
}

################################################################################
# Recording metadata consumer: partial batch responses, failures parked in a queue
################################################################################

resource "aws_sqs_queue" "metadata_failures" {
  count = local.create ? 1 : 0

  name                              = "${var.name_prefix}-media-insights-metadata-failures"
  message_retention_seconds         = 1209600
  sqs_managed_sse_enabled           = var.kms_key_arn == null ? true : null
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = var.kms_key_arn == null ? null : 300
  tags                              = var.tags
}

resource "aws_lambda_event_source_mapping" "recording_metadata" {
  count = local.wire && contains(keys(local.functions), "media_insights_recording_metadata") ? 1 : 0

  event_source_arn  = local.stream_arn
  function_name     = local.functions["media_insights_recording_metadata"]
  starting_position = "TRIM_HORIZON"
  batch_size        = 100
  # The handler returns {"batchItemFailures": [...]}: only the malformed records are retried.
  function_response_types        = ["ReportBatchItemFailures"]
  bisect_batch_on_function_error = true
  maximum_retry_attempts         = var.event_source_max_retries

  destination_config {
    on_failure {
      destination_arn = aws_sqs_queue.metadata_failures[0].arn
    }
  }
}

################################################################################
# Function roles (one per function, least privilege), keyed by Chalice function name
################################################################################

locals {
  function_statements = {
    # Service Authorization Reference, "Actions, resources, and condition keys for Amazon Chime":
    # CreateMediaInsightsPipeline has one resource type, the configuration it names
    # (media-insights-pipeline-configuration/${ConfigurationName}), and two dependent actions of
    # the caller: chime:TagResource (only when Tags are sent; none are) and
    # kinesisvideo:DescribeStream on the source streams it names. The pipeline service reads the
    # streams themselves as the resource access role (GetMedia, ListFragments, ...), not as the
    # caller.
    media_insights_streaming_status = [
      { sid = "CreatePipelines", actions = ["chime:CreateMediaInsightsPipeline"], resources = [local.configuration_arn] },
      { sid = "DescribeSourceStreams", actions = ["kinesisvideo:DescribeStream"], resources = [local.kvs_streams] },
      { sid = "DeletePipelines", actions = ["chime:DeleteMediaPipeline"], resources = [local.pipelines] },
    ]
    media_insights_state_change = []
    media_insights_recording_metadata = concat(
      [
        # What Lambda's Kinesis event source mapping reads as the function's role. Not
        # kinesis:ListStreams: it has no resource type (Service Authorization Reference,
        # "Amazon Kinesis Data Streams"), so on a stream ARN it granted nothing.
        { sid = "ReadMetadataStream", actions = ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards"], resources = [local.stream_arn] },
      ],
      # Reading a KMS-encrypted stream needs kms:Decrypt; the failure queue's grant (same key)
      # comes from the function-role module.
      var.kms_key_arn == null ? [] : [{ sid = "DecryptStream", actions = ["kms:Decrypt"], resources = [var.kms_key_arn] }],
    )
    stop_media_insights_pipeline = [
      { sid = "DeletePipelines", actions = ["chime:DeleteMediaPipeline"], resources = [local.pipelines] },
    ]
  }
}

data "aws_iam_policy_document" "function" {
  for_each = local.function_keys

  dynamic "statement" {
    for_each = var.call_records_table_arn == null ? [] : [var.call_records_table_arn]
    content {
      sid       = "CallRecords"
      actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]
      resources = [statement.value]
    }
  }

  dynamic "statement" {
    for_each = local.function_statements[each.key]
    content {
      sid       = statement.value.sid
      actions   = statement.value.actions
      resources = statement.value.resources
    }
  }
}

locals {
  # Where each function's failed events go (`callrec package`): the EventBridge-invoked functions
  # get the app's dead-letter queue as dead_letter_config, the Kinesis consumer's event source
  # mapping parks failed batches in this module's queue (on-failure destination). Lambda sends to
  # either as the function's execution role.
  failure_queues = {
    media_insights_streaming_status   = { arn = var.dead_letter_queue_arn, kms_key_arn = var.dead_letter_queue_kms_key_arn }
    media_insights_state_change       = { arn = var.dead_letter_queue_arn, kms_key_arn = var.dead_letter_queue_kms_key_arn }
    media_insights_recording_metadata = { arn = try(aws_sqs_queue.metadata_failures[0].arn, ""), kms_key_arn = var.kms_key_arn }
    stop_media_insights_pipeline      = { arn = null, kms_key_arn = null }
  }
}

# One block per function rather than for_each: `callrec audit` renders each role's policy from
# the module call's arguments, and it does not expand a module's for_each.
module "streaming_status_role" {
  source = "../function-role"

  create                    = contains(keys(local.functions), "media_insights_streaming_status")
  function_name             = lookup(local.functions, "media_insights_streaming_status", "media_insights_streaming_status")
  role_name                 = substr("${var.name_prefix}-media-insights-streaming-status", 0, 64)
  policy_name               = "media-insights"
  policy_documents          = [try(data.aws_iam_policy_document.function["media_insights_streaming_status"].json, "{}")]
  grant_failure_queue       = local.failure_queues.media_insights_streaming_status.arn != null
  failure_queue_arn         = local.failure_queues.media_insights_streaming_status.arn
  failure_queue_kms_key_arn = local.failure_queues.media_insights_streaming_status.kms_key_arn
  # `callrec package` encrypts the functions' environment with the recordings bucket key.
  environment_kms_key_arn = var.recordings_kms_key_arn
  log_retention_days      = var.log_retention_days
  tags                    = var.tags
}

module "state_change_role" {
  source = "../function-role"

  create                    = contains(keys(local.functions), "media_insights_state_change")
  function_name             = lookup(local.functions, "media_insights_state_change", "media_insights_state_change")
  role_name                 = substr("${var.name_prefix}-media-insights-state-change", 0, 64)
  policy_name               = "media-insights"
  policy_documents          = [try(data.aws_iam_policy_document.function["media_insights_state_change"].json, "{}")]
  grant_failure_queue       = local.failure_queues.media_insights_state_change.arn != null
  failure_queue_arn         = local.failure_queues.media_insights_state_change.arn
  failure_queue_kms_key_arn = local.failure_queues.media_insights_state_change.kms_key_arn
  # `callrec package` encrypts the functions' environment with the recordings bucket key.
  environment_kms_key_arn = var.recordings_kms_key_arn
  log_retention_days      = var.log_retention_days
  tags                    = var.tags
}

module "recording_metadata_role" {
  source = "../function-role"

  create                    = contains(keys(local.functions), "media_insights_recording_metadata")
  function_name             = lookup(local.functions, "media_insights_recording_metadata", "media_insights_recording_metadata")
  role_name                 = substr("${var.name_prefix}-media-insights-recording-metadata", 0, 64)
  policy_name               = "media-insights"
  policy_documents          = [try(data.aws_iam_policy_document.function["media_insights_recording_metadata"].json, "{}")]
  grant_failure_queue       = local.failure_queues.media_insights_recording_metadata.arn != null
  failure_queue_arn         = local.failure_queues.media_insights_recording_metadata.arn
  failure_queue_kms_key_arn = local.failure_queues.media_insights_recording_metadata.kms_key_arn
  # `callrec package` encrypts the functions' environment with the recordings bucket key.
  environment_kms_key_arn = var.recordings_kms_key_arn
  log_retention_days      = var.log_retention_days
  tags                    = var.tags
}

module "stop_pipeline_role" {
  source = "../function-role"

  create                    = contains(keys(local.functions), "stop_media_insights_pipeline")
  function_name             = lookup(local.functions, "stop_media_insights_pipeline", "stop_media_insights_pipeline")
  role_name                 = substr("${var.name_prefix}-stop-media-insights-pipeline", 0, 64)
  policy_name               = "media-insights"
  policy_documents          = [try(data.aws_iam_policy_document.function["stop_media_insights_pipeline"].json, "{}")]
  grant_failure_queue       = local.failure_queues.stop_media_insights_pipeline.arn != null
  failure_queue_arn         = local.failure_queues.stop_media_insights_pipeline.arn
  failure_queue_kms_key_arn = local.failure_queues.stop_media_insights_pipeline.kms_key_arn
  # `callrec package` encrypts the functions' environment with the recordings bucket key.
  environment_kms_key_arn = var.recordings_kms_key_arn
  log_retention_days      = var.log_retention_days
  tags                    = var.tags
}

locals {
  function_roles = {
    media_insights_streaming_status   = module.streaming_status_role
    media_insights_state_change       = module.state_change_role
    media_insights_recording_metadata = module.recording_metadata_role
    stop_media_insights_pipeline      = module.stop_pipeline_role
  }
}

# The roles, policies and log groups moved into the shared function-role module (issue 16).
moved {
  from = aws_iam_role.function["media_insights_streaming_status"]
  to   = module.streaming_status_role.aws_iam_role.this[0]
}

moved {
  from = aws_iam_role_policy.function["media_insights_streaming_status"]
  to   = module.streaming_status_role.aws_iam_role_policy.this[0]
}

moved {
  from = aws_cloudwatch_log_group.function["media_insights_streaming_status"]
  to   = module.streaming_status_role.aws_cloudwatch_log_group.this[0]
}

moved {
  from = aws_iam_role.function["media_insights_state_change"]
  to   = module.state_change_role.aws_iam_role.this[0]
}

moved {
  from = aws_iam_role_policy.function["media_insights_state_change"]
  to   = module.state_change_role.aws_iam_role_policy.this[0]
}

moved {
  from = aws_cloudwatch_log_group.function["media_insights_state_change"]
  to   = module.state_change_role.aws_cloudwatch_log_group.this[0]
}

moved {
  from = aws_iam_role.function["media_insights_recording_metadata"]
  to   = module.recording_metadata_role.aws_iam_role.this[0]
}

moved {
  from = aws_iam_role_policy.function["media_insights_recording_metadata"]
  to   = module.recording_metadata_role.aws_iam_role_policy.this[0]
}

moved {
  from = aws_cloudwatch_log_group.function["media_insights_recording_metadata"]
  to   = module.recording_metadata_role.aws_cloudwatch_log_group.this[0]
}

moved {
  from = aws_iam_role.function["stop_media_insights_pipeline"]
  to   = module.stop_pipeline_role.aws_iam_role.this[0]
}

moved {
  from = aws_iam_role_policy.function["stop_media_insights_pipeline"]
  to   = module.stop_pipeline_role.aws_iam_role_policy.this[0]
}

moved {
  from = aws_cloudwatch_log_group.function["stop_media_insights_pipeline"]
  to   = module.stop_pipeline_role.aws_cloudwatch_log_group.this[0]
}

################################################################################
# Data warehouse: its own module (Firehose into S3, Glue tables over it)
################################################################################

module "data_warehouse" {
  source = "../data-warehouse"

  create                 = local.warehouse
  name_prefix            = var.name_prefix
  metadata_stream_arn    = local.stream_arn
  stream_kms_key_arn     = var.kms_key_arn
  state_change_rule_name = try(aws_cloudwatch_event_rule.state_change[0].name, "")
  bucket_arn             = local.warehouse_bucket
  prefix                 = var.warehouse_prefix
  bucket_kms_key_arn     = var.warehouse_kms_key_arn
  tags                   = var.tags
}

moved {
  from = aws_glue_catalog_database.this
  to   = module.data_warehouse.aws_glue_catalog_database.this
}

moved {
  from = aws_glue_catalog_table.this
  to   = module.data_warehouse.aws_glue_catalog_table.this
}

moved {
  from = aws_iam_role.firehose
  to   = module.data_warehouse.aws_iam_role.firehose
}

moved {
  from = aws_iam_role_policy.firehose
  to   = module.data_warehouse.aws_iam_role_policy.firehose
}

moved {
  from = aws_kinesis_firehose_delivery_stream.metadata
  to   = module.data_warehouse.aws_kinesis_firehose_delivery_stream.metadata
}

moved {
  from = aws_kinesis_firehose_delivery_stream.events
  to   = module.data_warehouse.aws_kinesis_firehose_delivery_stream.events
}

moved {
  from = aws_iam_role.events_to_firehose
  to   = module.data_warehouse.aws_iam_role.events_to_firehose
}

moved {
  from = aws_iam_role_policy.events_to_firehose
  to   = module.data_warehouse.aws_iam_role_policy.events_to_firehose
}

moved {
  from = aws_cloudwatch_event_target.warehouse
  to   = module.data_warehouse.aws_cloudwatch_event_target.warehouse
}
