# Everything the post-call pipeline needs besides the buckets and the functions themselves:
# the call records table, the notification topic, the dead-letter queue, the Transcribe data
# access role and one least-privilege role per function. No policy here uses a "*" action;
# iam:PassRole is confined to the data access role and to Transcribe (iam:PassedToService).

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  create     = var.create
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.region

  recordings_bucket   = trimprefix(var.recordings_bucket_arn, "arn:${local.partition}:s3:::")
  recordings_objects  = "${var.recordings_bucket_arn}/${var.recordings_prefix}/*"
  transcripts_objects = "${var.recordings_bucket_arn}/${var.transcripts_prefix}/*"
  reports_objects     = "${var.recordings_bucket_arn}/${var.reports_prefix}/*"

  # Transcribe job ARNs (Service Authorization Reference, "Actions, resources, and condition keys
  # for Amazon Transcribe": callanalyticsjob analytics/${JobName}, transcriptionjob
  # transcription-job/${JobName}; https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazontranscribe.html).
  call_analytics_jobs = "arn:${local.partition}:transcribe:${local.region}:${local.account_id}:analytics/*"
  transcription_jobs  = "arn:${local.partition}:transcribe:${local.region}:${local.account_id}:transcription-job/*"

  table_arn = try(aws_dynamodb_table.this[0].arn, "")
  topic_arn = try(aws_sns_topic.this[0].arn, "")
  dlq_arn   = try(aws_sqs_queue.dead_letter[0].arn, "")
}

################################################################################
# Call records table (CALL_RECORDS_TABLE): key transaction_id, TTL on expires_at
################################################################################

resource "aws_dynamodb_table" "this" {
  #checkov:skip=CKV_AWS_119:call records hold ids, states and S3 keys, never audio or transcripts; encrypted with the AWS owned key unless var.table_kms_key_arn names a customer managed key
  count = local.create ? 1 : 0

  name                        = "${var.name_prefix}-call-records"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "transaction_id"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "transaction_id"
    type = "S"
  }

  attribute {
    name = "owner_id"
    type = "S"
  }

  attribute {
    name = "started_at"
    type = "S"
  }

  # An owner's calls, newest first, for the console: a Query on this index, never a Scan.
  # The name is a contract with chalicelib.call_records.OWNER_INDEX.
  global_secondary_index {
    name            = "owner_id-started_at"
    hash_key        = "owner_id"
    range_key       = "started_at"
    projection_type = "ALL"
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = var.point_in_time_recovery
  }

  server_side_encryption {
    enabled     = var.table_kms_key_arn != null
    kms_key_arn = var.table_kms_key_arn
  }

  tags = var.tags
}

################################################################################
# Report notifications (NOTIFICATION_TOPIC_ARN) and the dead-letter queue
################################################################################

resource "aws_sns_topic" "this" {
  count = local.create ? 1 : 0

  name              = "${var.name_prefix}-reports"
  kms_master_key_id = var.sns_kms_master_key_id
  tags              = var.tags
}

resource "aws_sns_topic_subscription" "this" {
  for_each = local.create ? { for s in var.notification_subscriptions : "${s.protocol}:${s.endpoint}" => s } : {}

  topic_arn = aws_sns_topic.this[0].arn
  protocol  = each.value.protocol
  endpoint  = each.value.endpoint
}

# Failed asynchronous invocations (S3 and EventBridge deliveries) end up here instead of
# disappearing: the Lambda functions' dead_letter_config and the EventBridge targets point at it.
resource "aws_sqs_queue" "dead_letter" {
  count = local.create ? 1 : 0

  name                      = "${var.name_prefix}-dead-letter"
  message_retention_seconds = var.dead_letter_retention_seconds
  sqs_managed_sse_enabled   = true
  tags                      = var.tags
}

data "aws_iam_policy_document" "dead_letter" {
  statement {
    sid       = "AllowEventBridgeRulesOfThisApp"
    effect    = "Allow"
    actions   = ["sqs:SendMessage"]
    resources = [local.dlq_arn]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:events:${local.region}:${local.account_id}:rule/${var.name_prefix}-*"]
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = [local.dlq_arn]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_sqs_queue_policy" "dead_letter" {
  count = local.create ? 1 : 0

  queue_url = aws_sqs_queue.dead_letter[0].id
  policy    = data.aws_iam_policy_document.dead_letter.json
}

################################################################################
# Transcribe data access role (TRANSCRIBE_DATA_ACCESS_ROLE_ARN)
################################################################################

data "aws_iam_policy_document" "transcribe_assume" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["transcribe.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:transcribe:${local.region}:${local.account_id}:*"]
    }
  }
}

data "aws_iam_policy_document" "transcribe_access" {
  statement {
    sid       = "ReadRecordings"
    actions   = ["s3:GetObject"]
    resources = [local.recordings_objects]
  }

  statement {
    sid       = "ListRecordingsBucket"
    actions   = ["s3:ListBucket"]
    resources = [var.recordings_bucket_arn]
  }

  statement {
    sid       = "WriteTranscripts"
    actions   = ["s3:PutObject"]
    resources = [local.transcripts_objects]
  }

  dynamic "statement" {
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]
    content {
      sid       = "UseBucketKey"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role" "transcribe" {
  count = local.create ? 1 : 0

  name               = "${var.name_prefix}-transcribe-data-access"
  assume_role_policy = data.aws_iam_policy_document.transcribe_assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy" "transcribe" {
  count = local.create ? 1 : 0

  name   = "recordings-and-transcripts"
  role   = aws_iam_role.transcribe[0].id
  policy = data.aws_iam_policy_document.transcribe_access.json
}

################################################################################
# Function roles, one per function, and their log groups
################################################################################

data "aws_iam_policy_document" "call_records" {
  statement {
    sid       = "CallRecords"
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]
    resources = [local.table_arn]
  }
}

data "aws_iam_policy_document" "bucket_key" {
  dynamic "statement" {
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]
    content {
      sid       = "UseBucketKey"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }
}

# start_transcription: reads the recording's metadata, starts the Call Analytics (or standard,
# for mono) job with the data access role, and writes the job name into the call record. A
# duplicate event gets ConflictException from Start*Job, so no Get*Job is needed here.
data "aws_iam_policy_document" "start_transcription" {
  #checkov:skip=CKV_AWS_356:transcribe:Start*Job have no resource type (Resource * is the only form); their output location is pinned by transcribe:Output* conditions
  statement {
    sid       = "ReadRecordings"
    actions   = ["s3:GetObject"]
    resources = [local.recordings_objects]
  }

  # Without s3:ListBucket, S3 answers 403 instead of 404 for a recording deleted between the
  # event and processing; the function must tell "gone" (noted, not retried) from "denied".
  statement {
    sid       = "TellMissingRecordingsFromDenied"
    actions   = ["s3:ListBucket"]
    resources = [var.recordings_bucket_arn]
  }

  statement {
    sid       = "WriteTranscripts"
    actions   = ["s3:PutObject"]
    resources = [local.transcripts_objects]
  }

  # transcribe:Start*Job have no resource type in the Service Authorization Reference, so
  # Resource is "*"; their condition keys pin where the output may go: the transcripts prefix of
  # the recordings bucket, under the bucket's KMS key when it has one. No Tags are sent, so no
  # transcribe:TagResource.
  statement {
    sid       = "StartCallAnalyticsJobsIntoTranscripts"
    actions   = ["transcribe:StartCallAnalyticsJob"]
    resources = ["*"]

    condition {
      test     = "StringLike"
      variable = "transcribe:OutputLocation"
      values   = ["s3://${local.recordings_bucket}/${var.transcripts_prefix}/*"]
    }

    dynamic "condition" {
      for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]
      content {
        test     = "StringEquals"
        variable = "transcribe:OutputEncryptionKMSKeyId"
        values   = [condition.value]
      }
    }
  }

  statement {
    sid       = "StartTranscriptionJobsIntoTranscripts"
    actions   = ["transcribe:StartTranscriptionJob"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "transcribe:OutputBucketName"
      values   = [local.recordings_bucket]
    }

    condition {
      test     = "StringLike"
      variable = "transcribe:OutputKey"
      values   = ["${var.transcripts_prefix}/*"]
    }

    dynamic "condition" {
      for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]
      content {
        test     = "StringEquals"
        variable = "transcribe:OutputEncryptionKMSKeyId"
        values   = [condition.value]
      }
    }
  }

  statement {
    sid       = "PassDataAccessRoleToTranscribe"
    actions   = ["iam:PassRole"]
    resources = [try(aws_iam_role.transcribe[0].arn, "")]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["transcribe.amazonaws.com"]
    }
  }
}

# render_report: reads the transcript, writes the report, presigns links to both and publishes
# them; presigned GETs run with this role's permissions, hence s3:GetObject on the reports.
data "aws_iam_policy_document" "render_report" {
  statement {
    sid       = "ReadTranscriptsAndRecordings"
    actions   = ["s3:GetObject"]
    resources = [local.transcripts_objects, local.recordings_objects, local.reports_objects]
  }

  statement {
    sid       = "WriteReports"
    actions   = ["s3:PutObject"]
    resources = [local.reports_objects]
  }

  # transcribe:Get*Job support resource-level permissions (callanalyticsjob, transcriptionjob):
  # this account's jobs in this Region.
  statement {
    sid       = "ReadJobs"
    actions   = ["transcribe:GetCallAnalyticsJob"]
    resources = [local.call_analytics_jobs]
  }

  statement {
    sid       = "ReadTranscriptionJobs"
    actions   = ["transcribe:GetTranscriptionJob"]
    resources = [local.transcription_jobs]
  }

  statement {
    sid       = "PublishReports"
    actions   = ["sns:Publish"]
    resources = [local.topic_arn]
  }
}

locals {
  function_policies = {
    sma_handler = [
      data.aws_iam_policy_document.call_records.json,
    ]
    start_transcription = [
      data.aws_iam_policy_document.call_records.json,
      data.aws_iam_policy_document.start_transcription.json,
      data.aws_iam_policy_document.bucket_key.json,
    ]
    render_report = [
      data.aws_iam_policy_document.call_records.json,
      data.aws_iam_policy_document.render_report.json,
      data.aws_iam_policy_document.bucket_key.json,
    ]
  }
}

# start_transcription and render_report are invoked asynchronously (S3, EventBridge): `callrec
# package` gives them the dead-letter queue as dead_letter_config, so their roles must be able to
# send to it. The SMA handler is invoked synchronously by Chime and has none.
# One block per function rather than for_each: `callrec audit` renders each role's policy from
# the module call's arguments, and it does not expand a module's for_each.
module "sma_handler_role" {
  source = "../function-role"

  create              = local.create
  function_name       = var.lambda_function_names.sma_handler
  role_name           = substr("${var.name_prefix}-sma-handler", 0, 64)
  policy_name         = "least-privilege"
  policy_documents    = local.function_policies.sma_handler
  grant_failure_queue = false
  failure_queue_arn   = null
  # `callrec package` encrypts the functions' environment with the recordings bucket key.
  environment_kms_key_arn = var.kms_key_arn
  log_retention_days      = var.log_retention_days
  tags                    = var.tags
}

module "start_transcription_role" {
  source = "../function-role"

  create              = local.create
  function_name       = var.lambda_function_names.start_transcription
  role_name           = substr("${var.name_prefix}-start-transcription", 0, 64)
  policy_name         = "least-privilege"
  policy_documents    = local.function_policies.start_transcription
  grant_failure_queue = true
  failure_queue_arn   = local.dlq_arn
  # `callrec package` encrypts the functions' environment with the recordings bucket key.
  environment_kms_key_arn = var.kms_key_arn
  log_retention_days      = var.log_retention_days
  tags                    = var.tags
}

module "render_report_role" {
  source = "../function-role"

  create              = local.create
  function_name       = var.lambda_function_names.render_report
  role_name           = substr("${var.name_prefix}-render-report", 0, 64)
  policy_name         = "least-privilege"
  policy_documents    = local.function_policies.render_report
  grant_failure_queue = true
  failure_queue_arn   = local.dlq_arn
  # `callrec package` encrypts the functions' environment with the recordings bucket key.
  environment_kms_key_arn = var.kms_key_arn
  log_retention_days      = var.log_retention_days
  tags                    = var.tags
}

locals {
  function_roles = {
    sma_handler         = module.sma_handler_role
    start_transcription = module.start_transcription_role
    render_report       = module.render_report_role
  }
}

# The roles, policies and log groups moved into the shared function-role module (issue 16).
moved {
  from = aws_iam_role.function["sma_handler"]
  to   = module.sma_handler_role.aws_iam_role.this[0]
}

moved {
  from = aws_iam_role.function["start_transcription"]
  to   = module.start_transcription_role.aws_iam_role.this[0]
}

moved {
  from = aws_iam_role.function["render_report"]
  to   = module.render_report_role.aws_iam_role.this[0]
}

moved {
  from = aws_iam_role_policy.function["sma_handler"]
  to   = module.sma_handler_role.aws_iam_role_policy.this[0]
}

moved {
  from = aws_iam_role_policy.function["start_transcription"]
  to   = module.start_transcription_role.aws_iam_role_policy.this[0]
}

moved {
  from = aws_iam_role_policy.function["render_report"]
  to   = module.render_report_role.aws_iam_role_policy.this[0]
}

moved {
  from = aws_cloudwatch_log_group.function["sma_handler"]
  to   = module.sma_handler_role.aws_cloudwatch_log_group.this[0]
}

moved {
  from = aws_cloudwatch_log_group.function["start_transcription"]
  to   = module.start_transcription_role.aws_cloudwatch_log_group.this[0]
}

moved {
  from = aws_cloudwatch_log_group.function["render_report"]
  to   = module.render_report_role.aws_cloudwatch_log_group.this[0]
}
