# One Lambda function's execution role: the trust policy, its own log group and the permission
# to write to it, X-Ray segments, the grant on the queue it sends failed events to, and the
# policy documents of what the function itself does. Every module that makes function roles uses
# this module, so the trust policy and the log, tracing and dead-letter grants cannot drift.
# role_arn waits for the first inline policy (what Lambda checks at CreateFunction goes there),
# not for the second (runtime_policy_documents), which may name resources created after the
# function.

data "aws_caller_identity" "current" {}

locals {
  create = var.create
}

# Confused-deputy protection: only Lambda acting for this account may assume the role
# (IAM User Guide, "The confused deputy problem"; Lambda sets aws:SourceAccount when it assumes
# an execution role).
data "aws_iam_policy_document" "assume" {
  statement {
    sid     = "LambdaOfThisAccount"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "this" {
  count = local.create ? 1 : 0

  name               = var.role_name
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = var.tags
}

# Created here rather than by Lambda on first invocation, so retention applies from the start
# and the role needs no logs:CreateLogGroup.
resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_158:the handlers log ids and states, never call content; CloudWatch Logs encrypts every log group at rest
  #checkov:skip=CKV_AWS_338:retention is the operator's choice (log_retention_days); short by default to keep less personal data
  count = local.create ? 1 : 0

  name              = "/aws/lambda/${var.function_name}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

data "aws_iam_policy_document" "logs" {
  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${try(aws_cloudwatch_log_group.this[0].arn, "")}:*"]
  }
}

# xray:PutTraceSegments and xray:PutTelemetryRecords have no resource type (Service
# Authorization Reference, "Actions, resources, and condition keys for AWS X-Ray"): "*" is the
# only form. Needed when the function's tracing_config mode is Active.
data "aws_iam_policy_document" "tracing" {
  dynamic "statement" {
    for_each = var.enable_tracing ? [true] : []
    content {
      sid       = "WriteTraces"
      actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
      resources = ["*"]
    }
  }
}

# Lambda sends a failed asynchronous event (dead_letter_config) or an event source mapping's
# failed batch record (on-failure destination) to the queue as the function's execution role;
# CreateFunction rejects a dead_letter_config whose queue the role cannot SendMessage to. An
# encrypted queue also needs the key (Amazon SQS Developer Guide, "Key management": the
# producer needs kms:GenerateDataKey and kms:Decrypt).
data "aws_iam_policy_document" "failure_queue" {
  dynamic "statement" {
    for_each = var.grant_failure_queue ? [var.failure_queue_arn] : []
    content {
      sid       = "SendFailedEvents"
      actions   = ["sqs:SendMessage"]
      resources = [statement.value]
    }
  }

  dynamic "statement" {
    for_each = var.grant_failure_queue && var.failure_queue_kms_key_arn != null ? [var.failure_queue_kms_key_arn] : []
    content {
      sid       = "EncryptFailedEvents"
      actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
      resources = [statement.value]
    }
  }
}

# Environment variables encrypted with a customer managed key (the function's kms_key_arn):
# the function decrypts them at start as its execution role (Lambda Developer Guide, "Securing
# Lambda environment variables"; a denied Decrypt is KMSAccessDeniedException at invoke).
data "aws_iam_policy_document" "environment_key" {
  dynamic "statement" {
    for_each = var.environment_kms_key_arn == null ? [] : [var.environment_kms_key_arn]
    content {
      sid       = "DecryptEnvironment"
      actions   = ["kms:Decrypt"]
      resources = [statement.value]
    }
  }
}

data "aws_iam_policy_document" "this" {
  source_policy_documents = concat(
    [
      data.aws_iam_policy_document.logs.json,
      data.aws_iam_policy_document.tracing.json,
      data.aws_iam_policy_document.failure_queue.json,
      data.aws_iam_policy_document.environment_key.json,
    ],
    var.policy_documents,
  )
}

resource "aws_iam_role_policy" "this" {
  count = local.create ? 1 : 0

  name   = var.policy_name
  role   = aws_iam_role.this[0].id
  policy = data.aws_iam_policy_document.this.json
}

# What the function does once it runs and Lambda never checks when it creates the function: a
# second inline policy that the role_arn output does not wait for. Its documents may therefore
# name a resource that itself waits for a function whose role comes from the same root map
# (function_role_arns): the console's grant on the SIP media application, which waits for the
# packaged SMA handler. The count is known at plan time because the list's length is, even while
# the documents are not (an empty policy is not a valid IAM policy).
data "aws_iam_policy_document" "runtime" {
  source_policy_documents = var.runtime_policy_documents
}

resource "aws_iam_role_policy" "runtime" {
  count = local.create && length(var.runtime_policy_documents) > 0 ? 1 : 0

  name   = var.runtime_policy_name
  role   = aws_iam_role.this[0].id
  policy = data.aws_iam_policy_document.runtime.json

  lifecycle {
    # PutRolePolicy with a name the role already has replaces that policy (IAM API Reference,
    # PutRolePolicy): the two resources would overwrite each other on every apply, not fail.
    precondition {
      condition     = var.runtime_policy_name != var.policy_name
      error_message = "runtime_policy_name must differ from policy_name: IAM keeps one inline policy per name."
    }
  }
}

data "aws_iam_policy_document" "granted" {
  source_policy_documents = [
    data.aws_iam_policy_document.this.json,
    data.aws_iam_policy_document.runtime.json,
  ]
}
