# The prompts bucket: WAV files the SIP media application plays with PlayAudio and
# PlayAudioAndGetDigits. Chime reads them as voiceconnector.chime.amazonaws.com, so the bucket
# policy grants s3:GetObject to that principal, confined to this account and these SMAs.

data "aws_caller_identity" "current" {}

locals {
  create     = var.create
  account_id = coalesce(var.source_account_id, data.aws_caller_identity.current.account_id)
  bucket_id  = try(aws_s3_bucket.this[0].id, "")
  bucket_arn = try(aws_s3_bucket.this[0].arn, "")

  prompt_files = local.create && var.prompts_dir != null ? fileset(var.prompts_dir, "*.wav") : toset([])

  # Exact values under StringEquals, as in the PlayAudio bucket policy of the Chime SDK guide.
  chime_conditions = [
    { test = "StringEquals", variable = "aws:SourceAccount", values = [local.account_id] },
    { test = "StringEquals", variable = "aws:SourceArn", values = var.sip_media_application_arns },
  ]
}

resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV_AWS_18:prompts are public announcements read by Chime; CloudTrail S3 data events are the audit trail
  #checkov:skip=CKV_AWS_144:prompts are uploaded from the repository and can be re-uploaded in any region
  #checkov:skip=CKV2_AWS_62:nothing reacts to prompt uploads
  #checkov:skip=CKV2_AWS_61:prompts must never expire; no lifecycle rule on purpose
  #checkov:skip=CKV_AWS_21:the prompts' source of truth is the repository; versioning adds nothing
  #checkov:skip=CKV_AWS_145:prompts are not confidential; SSE-S3 avoids a key Chime would need a grant on
  count = local.create ? 1 : 0

  bucket        = var.bucket_name
  bucket_prefix = var.bucket_name == null ? var.bucket_name_prefix : null
  force_destroy = var.force_destroy
  tags          = var.tags
}

resource "aws_s3_bucket_public_access_block" "this" {
  count = local.create ? 1 : 0

  bucket                  = aws_s3_bucket.this[0].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "this" {
  count = local.create ? 1 : 0

  bucket = aws_s3_bucket.this[0].id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

# SSE-S3: the Chime principal reads SSE-S3 objects without any KMS permission.
resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  count = local.create ? 1 : 0

  bucket = aws_s3_bucket.this[0].id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

data "aws_iam_policy_document" "chime_read" {
  dynamic "statement" {
    for_each = length(var.sip_media_application_arns) > 0 ? [1] : []
    content {
      sid       = "AllowChimeVoiceConnectorReadPrompts"
      effect    = "Allow"
      actions   = ["s3:GetObject"]
      resources = ["${local.bucket_arn}/*"]

      principals {
        type        = "Service"
        identifiers = ["voiceconnector.chime.amazonaws.com"]
      }

      dynamic "condition" {
        for_each = local.chime_conditions
        content {
          test     = condition.value.test
          variable = condition.value.variable
          values   = condition.value.values
        }
      }
    }
  }
}

data "aws_iam_policy_document" "tls_only" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [local.bucket_arn, "${local.bucket_arn}/*"]

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

data "aws_iam_policy_document" "this" {
  source_policy_documents = [
    data.aws_iam_policy_document.chime_read.json,
    data.aws_iam_policy_document.tls_only.json,
  ]
}

resource "aws_s3_bucket_policy" "this" {
  count = local.create ? 1 : 0

  bucket = aws_s3_bucket.this[0].id
  policy = data.aws_iam_policy_document.this.json

  depends_on = [aws_s3_bucket_public_access_block.this]
}

resource "aws_s3_object" "prompt" {
  for_each = local.prompt_files

  bucket       = aws_s3_bucket.this[0].id
  key          = each.value
  source       = "${var.prompts_dir}/${each.value}"
  content_type = "audio/wav"
  # source_hash makes a changed WAV re-upload; etag matches S3's MD5 ETag under SSE-S3.
  source_hash = filemd5("${var.prompts_dir}/${each.value}")
  etag        = filemd5("${var.prompts_dir}/${each.value}")
  tags        = var.tags

  depends_on = [aws_s3_bucket_server_side_encryption_configuration.this]
}
