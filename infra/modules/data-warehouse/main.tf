# The call analytics data warehouse of the media insights recording path: Firehose delivers the
# recording metadata (SIPREC metadata included) from the Kinesis data stream and the pipeline
# state change events from EventBridge into S3, partitioned so that Glue tables describe them
# ("Understanding the AWS Glue data catalog tables for the Amazon Chime SDK"). Split out of the
# media-insights module, which calls it (issue 16).

data "aws_caller_identity" "current" {}

resource "aws_glue_catalog_database" "this" {
  count = local.create ? 1 : 0

  name        = replace(lower("${var.name_prefix}_call_analytics"), "-", "_")
  description = "Call analytics data warehouse of the media insights recording path."
}

locals {
  create   = var.create
  bucket   = var.bucket_arn
  location = "s3://${try(regex("^arn:[^:]+:s3:::(.+)$", local.bucket)[0], "")}/${var.prefix}"

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
  tables = {
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
  for_each = local.create ? local.tables : {}

  name          = each.key
  database_name = aws_glue_catalog_database.this[0].name
  table_type    = "EXTERNAL_TABLE"
  parameters = {
    classification = "json"
  }

  storage_descriptor {
    location      = "${local.location}/${each.value.prefix}/"
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
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "firehose" {
  count = local.create ? 1 : 0

  name               = substr("${var.name_prefix}-media-insights-warehouse", 0, 64)
  assume_role_policy = data.aws_iam_policy_document.firehose_assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "firehose" {
  statement {
    sid       = "ReadMetadataStream"
    actions   = ["kinesis:DescribeStream", "kinesis:GetShardIterator", "kinesis:GetRecords", "kinesis:ListShards"]
    resources = [var.metadata_stream_arn]
  }

  statement {
    sid       = "WriteWarehouse"
    actions   = ["s3:AbortMultipartUpload", "s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:PutObject"]
    resources = [local.bucket, "${local.bucket}/${var.prefix}/*"]
  }

  dynamic "statement" {
    for_each = compact([var.stream_kms_key_arn, var.bucket_kms_key_arn])
    content {
      sid       = "UseKey${statement.key}"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role_policy" "firehose" {
  count = local.create ? 1 : 0

  name   = "warehouse-delivery"
  role   = aws_iam_role.firehose[0].id
  policy = data.aws_iam_policy_document.firehose.json
}

# Metadata records, partitioned by their detail-type into the tables' locations.
resource "aws_kinesis_firehose_delivery_stream" "metadata" {
  count = local.create ? 1 : 0

  name        = "${var.name_prefix}-media-insights-metadata-warehouse"
  destination = "extended_s3"

  kinesis_source_configuration {
    kinesis_stream_arn = var.metadata_stream_arn
    role_arn           = aws_iam_role.firehose[0].arn
  }

  extended_s3_configuration {
    role_arn            = aws_iam_role.firehose[0].arn
    bucket_arn          = local.bucket
    prefix              = "${var.prefix}/detail-type=!{partitionKeyFromQuery:detail_type}/!{timestamp:yyyy/MM/dd}/"
    error_output_prefix = "${var.prefix}/errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/"
    buffering_size      = 64
    buffering_interval  = 300
    kms_key_arn         = var.bucket_kms_key_arn

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
  count = local.create ? 1 : 0

  name        = "${var.name_prefix}-media-insights-events-warehouse"
  destination = "extended_s3"

  extended_s3_configuration {
    role_arn            = aws_iam_role.firehose[0].arn
    bucket_arn          = local.bucket
    prefix              = "${var.prefix}/media-insights-state-change/!{timestamp:yyyy/MM/dd}/"
    error_output_prefix = "${var.prefix}/errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/"
    buffering_size      = 5
    buffering_interval  = 300
    kms_key_arn         = var.bucket_kms_key_arn

    processing_configuration {
      enabled = true
      processors {
        type = "AppendDelimiterToRecord"
      }
    }
  }

  server_side_encryption {
    enabled  = true
    key_type = var.stream_kms_key_arn == null ? "AWS_OWNED_CMK" : "CUSTOMER_MANAGED_CMK"
    key_arn  = var.stream_kms_key_arn
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
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "events_to_firehose" {
  count = local.create ? 1 : 0

  name               = substr("${var.name_prefix}-media-insights-events", 0, 64)
  assume_role_policy = data.aws_iam_policy_document.events_assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy" "events_to_firehose" {
  count = local.create ? 1 : 0

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
  count = local.create ? 1 : 0

  rule     = var.state_change_rule_name
  arn      = aws_kinesis_firehose_delivery_stream.events[0].arn
  role_arn = aws_iam_role.events_to_firehose[0].arn
}
