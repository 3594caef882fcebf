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

  # The Voice Connector names its streams ChimeVoiceConnector-<voiceConnectorId>-<uuid>.
  kvs_streams = "arn:${local.partition}:kinesisvideo:${local.voice_connector_region}:${local.account_id}:stream/ChimeVoiceConnector-${local.voice_connector_id}-*/*"
  pipelines   = "arn:${local.partition}:chime:${local.region}:${local.account_id}:media-insights-pipeline/*"

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
  statement {
    sid       = "ReadThisVoiceConnectorsStreams"
    actions   = ["kinesisvideo:GetDataEndpoint", "kinesisvideo:ListFragments", "kinesisvideo:GetMediaForFragmentList"]
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

  dynamic "statement" {
    for_each = compact([var.recordings_kms_key_arn, var.kms_key_arn])
    content {
      sid       = "EncryptWith${statement.key}"
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

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_cloudwatch_log_group" "function" {
  #checkov:skip=CKV_AWS_158:the handlers log ids and states, never call content; CloudWatch Logs encrypts every log group at rest
  #checkov:skip=CKV_AWS_338:retention is the operator's choice (var.log_retention_days); short by default to keep less personal data
  for_each = local.function_keys

  name              = "/aws/lambda/${local.functions[each.key]}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_iam_role" "function" {
  for_each = local.function_keys

  name               = substr("${var.name_prefix}-${replace(each.key, "_", "-")}", 0, 64)
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
  tags               = var.tags
}

locals {
  function_statements = {
    media_insights_streaming_status = [
      { sid = "CreatePipelines", actions = ["chime:CreateMediaInsightsPipeline"], resources = [local.configuration_arn, local.pipelines] },
      { sid = "DeletePipelines", actions = ["chime:DeleteMediaPipeline"], resources = [local.pipelines] },
    ]
    media_insights_state_change = []
    media_insights_recording_metadata = concat(
      [
        { sid = "ReadMetadataStream", actions = ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards", "kinesis:ListStreams"], resources = [local.stream_arn] },
        { sid = "ParkFailedBatches", actions = ["sqs:SendMessage"], resources = [try(aws_sqs_queue.metadata_failures[0].arn, "")] },
      ],
      var.kms_key_arn == null ? [] : [{ sid = "DecryptStream", actions = ["kms:Decrypt", "kms:GenerateDataKey"], resources = [var.kms_key_arn] }],
    )
    stop_media_insights_pipeline = [
      { sid = "DeletePipelines", actions = ["chime:DeleteMediaPipeline"], resources = [local.pipelines] },
    ]
  }
}

data "aws_iam_policy_document" "function" {
  for_each = local.function_keys

  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.function[each.key].arn}:*"]
  }

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

resource "aws_iam_role_policy" "function" {
  for_each = local.function_keys

  name   = "media-insights"
  role   = aws_iam_role.function[each.key].id
  policy = data.aws_iam_policy_document.function[each.key].json
}

################################################################################
# Data warehouse: Firehose into S3, Glue tables over it
################################################################################

resource "aws_glue_catalog_database" "this" {
  count = local.warehouse ? 1 : 0

  name        = replace(lower("${var.name_prefix}_call_analytics"), "-", "_")
  description = "Call analytics data warehouse of the media insights recording path."
}

locals {
  warehouse_location = "s3://${try(regex("^arn:[^:]+:s3:::(.+)$", local.warehouse_bucket)[0], "")}/${var.warehouse_prefix}"

  # Columns as in "Understanding the AWS Glue data catalog tables for the Amazon Chime SDK";
  # metadata stays a JSON string (query it with json_extract_scalar, as the guide's examples do).
  common_columns = [
    { name = "time", type = "string" },
    { name = "detail-type", type = "string" },
    { name = "service-type", type = "string" },
    { name = "detail-subtype", type = "string" },
    { name = "callevent-type", type = "string" },
    { name = "mediainsightspipelineid", type = "string" },
    { name = "metadata", type = "string" },
  ]
  warehouse_tables = {
    # CallAnalyticsMetadata records: SIPREC metadata and invite headers (oneTimeMetadata).
    call_analytics_metadata = {
      prefix  = "detail-type=CallAnalyticsMetadata"
      columns = local.common_columns
    }
    call_analytics_recording_metadata = {
      prefix = "detail-type=Recording"
      columns = concat(local.common_columns, [
        { name = "s3mediaobjectconsoleurl", type = "string" },
        { name = "recordingdurationseconds", type = "double" },
      ])
    }
    media_insights_pipeline_events = {
      prefix = "media-insights-state-change"
      columns = [
        { name = "id", type = "string" },
        { name = "time", type = "string" },
        { name = "detail-type", type = "string" },
        { name = "detail", type = "struct<version:string,mediaInsightsPipelineArn:string,eventType:string,transactionId:string,callId:string,voiceConnectorId:string,direction:string,failureReason:string,mediaInsightsPipelineElementStatuses:array<struct<type:string,status:string,updatedOn:bigint>>>" },
      ]
    }
  }
}

resource "aws_glue_catalog_table" "this" {
  for_each = local.warehouse ? local.warehouse_tables : {}

  name          = each.key
  database_name = aws_glue_catalog_database.this[0].name
  table_type    = "EXTERNAL_TABLE"
  parameters = {
    classification = "json"
  }

  storage_descriptor {
    location      = "${local.warehouse_location}/${each.value.prefix}/"
    input_format  = "org.apache.hadoop.mapred.TextInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"

    ser_de_info {
      serialization_library = "org.openx.data.jsonserde.JsonSerDe"
      parameters            = { "ignore.malformed.json" = "true" }
    }

    dynamic "columns" {
      for_each = each.value.columns
      content {
        name = columns.value.name
        type = columns.value.type
      }
    }
  }
}

data "aws_iam_policy_document" "firehose_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["firehose.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "firehose" {
  count = local.warehouse ? 1 : 0

  name               = substr("${var.name_prefix}-media-insights-warehouse", 0, 64)
  assume_role_policy = data.aws_iam_policy_document.firehose_assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "firehose" {
  statement {
    sid       = "ReadMetadataStream"
    actions   = ["kinesis:DescribeStream", "kinesis:GetShardIterator", "kinesis:GetRecords", "kinesis:ListShards"]
    resources = [local.stream_arn]
  }

  statement {
    sid       = "WriteWarehouse"
    actions   = ["s3:AbortMultipartUpload", "s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:PutObject"]
    resources = [local.warehouse_bucket, "${local.warehouse_bucket}/${var.warehouse_prefix}/*"]
  }

  dynamic "statement" {
    for_each = compact([var.kms_key_arn, var.warehouse_kms_key_arn])
    content {
      sid       = "UseKey${statement.key}"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role_policy" "firehose" {
  count = local.warehouse ? 1 : 0

  name   = "warehouse-delivery"
  role   = aws_iam_role.firehose[0].id
  policy = data.aws_iam_policy_document.firehose.json
}

# Metadata records, partitioned by their detail-type into the tables' locations.
resource "aws_kinesis_firehose_delivery_stream" "metadata" {
  count = local.warehouse ? 1 : 0

  name        = "${var.name_prefix}-media-insights-metadata-warehouse"
  destination = "extended_s3"

  kinesis_source_configuration {
    kinesis_stream_arn = local.stream_arn
    role_arn           = aws_iam_role.firehose[0].arn
  }

  extended_s3_configuration {
    role_arn            = aws_iam_role.firehose[0].arn
    bucket_arn          = local.warehouse_bucket
    prefix              = "${var.warehouse_prefix}/detail-type=!{partitionKeyFromQuery:detail_type}/!{timestamp:yyyy/MM/dd}/"
    error_output_prefix = "${var.warehouse_prefix}/errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/"
    buffering_size      = 64
    buffering_interval  = 300
    kms_key_arn         = var.warehouse_kms_key_arn

    dynamic_partitioning_configuration {
      enabled = true
    }

    processing_configuration {
      enabled = true

      processors {
        type = "MetadataExtraction"
        parameters {
          parameter_name  = "MetadataExtractionQuery"
          parameter_value = "{detail_type: .[\"detail-type\"]}"
        }
        parameters {
          parameter_name  = "JsonParsingEngine"
          parameter_value = "JQ-1.6"
        }
      }

      # One JSON document per line, so the JSON SerDe reads one row per record.
      processors {
        type = "AppendDelimiterToRecord"
      }
    }
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy.firehose]
}

# Pipeline events: EventBridge puts the State Change events into a direct-put delivery stream.
resource "aws_kinesis_firehose_delivery_stream" "events" {
  count = local.warehouse ? 1 : 0

  name        = "${var.name_prefix}-media-insights-events-warehouse"
  destination = "extended_s3"

  extended_s3_configuration {
    role_arn            = aws_iam_role.firehose[0].arn
    bucket_arn          = local.warehouse_bucket
    prefix              = "${var.warehouse_prefix}/media-insights-state-change/!{timestamp:yyyy/MM/dd}/"
    error_output_prefix = "${var.warehouse_prefix}/errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/"
    buffering_size      = 5
    buffering_interval  = 300
    kms_key_arn         = var.warehouse_kms_key_arn

    processing_configuration {
      enabled = true
      processors {
        type = "AppendDelimiterToRecord"
      }
    }
  }

  server_side_encryption {
    enabled  = true
    key_type = var.kms_key_arn == null ? "AWS_OWNED_CMK" : "CUSTOMER_MANAGED_CMK"
    key_arn  = var.kms_key_arn
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy.firehose]
}

data "aws_iam_policy_document" "events_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "events_to_firehose" {
  count = local.warehouse ? 1 : 0

  name               = substr("${var.name_prefix}-media-insights-events", 0, 64)
  assume_role_policy = data.aws_iam_policy_document.events_assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy" "events_to_firehose" {
  count = local.warehouse ? 1 : 0

  name = "put-pipeline-events"
  role = aws_iam_role.events_to_firehose[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "PutPipelineEvents"
      Effect   = "Allow"
      Action   = ["firehose:PutRecord", "firehose:PutRecordBatch"]
      Resource = [aws_kinesis_firehose_delivery_stream.events[0].arn]
    }]
  })
}

resource "aws_cloudwatch_event_target" "warehouse" {
  count = local.warehouse ? 1 : 0

  rule     = aws_cloudwatch_event_rule.state_change[0].name
  arn      = aws_kinesis_firehose_delivery_stream.events[0].arn
  role_arn = aws_iam_role.events_to_firehose[0].arn
}
