# The recordings bucket: where the SIP media application's StartCallRecording action (and the
# media insights pipeline's S3 sink) writes call recordings, and where Transcribe output and the
# Word reports are stored under their own prefixes.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  create     = var.create
  account_id = coalesce(var.source_account_id, data.aws_caller_identity.current.account_id)
  partition  = data.aws_partition.current.partition

  chime_principal = "voiceconnector.chime.amazonaws.com"
  source_arns     = distinct(concat(var.sip_media_application_arns, var.voice_connector_arns))

  # Confused-deputy protection for the Chime service principal, shared by the bucket policy and
  # the KMS key policy: only this account's SIP media applications / Voice Connectors. Both keys
  # under StringEquals, as in the Chime SDK guide's bucket policies: exact values, no pattern.
  chime_conditions = [
    { test = "StringEquals", variable = "aws:SourceAccount", values = [local.account_id] },
    { test = "StringEquals", variable = "aws:SourceArn", values = local.source_arns },
  ]

  use_kms     = var.create_kms_key || var.kms_key_arn != null
  kms_key_arn = var.create_kms_key ? try(aws_kms_key.this[0].arn, null) : var.kms_key_arn

  bucket_id  = try(aws_s3_bucket.this[0].id, "")
  bucket_arn = try(aws_s3_bucket.this[0].arn, "")
}

resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV_AWS_18:CloudTrail S3 data events are the audit trail; server access logs would need a second, unmanaged bucket
  #checkov:skip=CKV_AWS_144:cross-region replication of call recordings is a data-residency decision left to the operator
  #checkov:skip=CKV2_AWS_62:object-created events are delivered by the Chalice app's S3 event source (start_transcription), not declared here
  count = local.create ? 1 : 0

  bucket              = var.bucket_name
  bucket_prefix       = var.bucket_name == null ? var.bucket_name_prefix : null
  force_destroy       = var.force_destroy
  object_lock_enabled = var.object_lock_enabled
  tags                = var.tags

  lifecycle {
    precondition {
      condition     = var.object_lock_default_retention == null || var.object_lock_enabled
      error_message = "object_lock_default_retention needs object_lock_enabled = true."
    }
    precondition {
      condition     = !(var.create_kms_key && var.kms_key_arn != null)
      error_message = "Set either create_kms_key or kms_key_arn, not both."
    }
  }
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
    object_ownership = var.object_ownership
  }
}

resource "aws_s3_bucket_versioning" "this" {
  count = local.create && (var.versioning_enabled || var.object_lock_enabled) ? 1 : 0

  bucket = aws_s3_bucket.this[0].id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  count = local.create ? 1 : 0

  bucket = aws_s3_bucket.this[0].id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = local.use_kms ? "aws:kms" : "AES256"
      kms_master_key_id = local.use_kms ? local.kms_key_arn : null
    }
    # An S3 Bucket Key cuts the KMS requests made for every recording and transcript.
    bucket_key_enabled = local.use_kms
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  count = local.create ? 1 : 0

  bucket = aws_s3_bucket.this[0].id

  rule {
    id     = "retention"
    status = "Enabled"

    filter {}

    dynamic "expiration" {
      for_each = var.retention_days == null ? [] : [var.retention_days]
      content {
        days = expiration.value
      }
    }

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_retention_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  # Lifecycle rules on a versioned bucket need versioning to exist first.
  depends_on = [aws_s3_bucket_versioning.this]
}

resource "aws_s3_bucket_object_lock_configuration" "this" {
  count = local.create && var.object_lock_enabled && var.object_lock_default_retention != null ? 1 : 0

  bucket = aws_s3_bucket.this[0].id

  rule {
    default_retention {
      mode = var.object_lock_default_retention.mode
      days = var.object_lock_default_retention.days
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

################################################################################
# Bucket policy: one document per concern, composed below
################################################################################

# Chime writes recordings: exactly s3:PutObject and s3:PutObjectAcl, only under the recordings
# prefix, only for this account and the listed SIP media applications / Voice Connectors
# (Chime SDK developer guide, StartCallRecording "Granting Amazon S3 bucket permissions").
# Without any source ARN there is no grant at all rather than an unconfined one.
data "aws_iam_policy_document" "chime_write" {
  dynamic "statement" {
    for_each = length(local.source_arns) > 0 ? [1] : []
    content {
      sid       = "AllowChimeVoiceConnectorWriteRecordings"
      effect    = "Allow"
      actions   = ["s3:PutObject", "s3:PutObjectAcl"]
      resources = ["${local.bucket_arn}/${var.recordings_prefix}/*"]

      principals {
        type        = "Service"
        identifiers = [local.chime_principal]
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
  source_policy_documents = concat(
    [data.aws_iam_policy_document.chime_write.json, data.aws_iam_policy_document.tls_only.json],
    var.extra_policy_documents,
  )
}

resource "aws_s3_bucket_policy" "this" {
  count = local.create ? 1 : 0

  bucket = aws_s3_bucket.this[0].id
  policy = data.aws_iam_policy_document.this.json

  # A public-access block must exist before a policy is attached (S3 evaluates the policy
  # against it), and the policy refers to the final ownership setting.
  depends_on = [aws_s3_bucket_public_access_block.this, aws_s3_bucket_ownership_controls.this]
}

################################################################################
# Optional customer managed KMS key
################################################################################

# S3 encrypts an SSE-KMS object with a data key requested by the principal that writes it, so the
# Chime service principal needs kms:GenerateDataKey (and kms:Decrypt for multipart uploads) on
# the key, confined by the same aws:SourceAccount / aws:SourceArn conditions.
data "aws_iam_policy_document" "chime_kms" {
  dynamic "statement" {
    for_each = length(local.source_arns) > 0 ? [1] : []
    content {
      sid       = "AllowChimeVoiceConnectorDataKeys"
      effect    = "Allow"
      actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
      resources = ["*"]

      principals {
        type        = "Service"
        identifiers = [local.chime_principal]
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

# The account's IAM policies decide who else may use the key (the function roles and the
# Transcribe data access role get kms:Decrypt / kms:GenerateDataKey there).
data "aws_iam_policy_document" "kms_account" {
  #checkov:skip=CKV_AWS_109:key policy: the standard statement that delegates the key to this account's IAM policies; Resource * means this key
  #checkov:skip=CKV_AWS_111:key policy: the standard statement that delegates the key to this account's IAM policies; Resource * means this key
  #checkov:skip=CKV_AWS_356:key policy: Resource * in a key policy means this key only
  statement {
    sid    = "EnableIamPoliciesInThisAccount"
    effect = "Allow"
    actions = [
      "kms:CancelKeyDeletion", "kms:CreateAlias", "kms:CreateGrant", "kms:Decrypt",
      "kms:DeleteAlias", "kms:DescribeKey", "kms:DisableKey", "kms:DisableKeyRotation",
      "kms:EnableKey", "kms:EnableKeyRotation", "kms:Encrypt", "kms:GenerateDataKey",
      "kms:GenerateDataKeyWithoutPlaintext", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus",
      "kms:ListAliases", "kms:ListGrants", "kms:ListKeyPolicies", "kms:ListResourceTags",
      "kms:PutKeyPolicy", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:RetireGrant",
      "kms:RevokeGrant", "kms:ScheduleKeyDeletion", "kms:TagResource", "kms:UntagResource",
      "kms:UpdateAlias", "kms:UpdateKeyDescription",
    ]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }
}

data "aws_iam_policy_document" "kms" {
  source_policy_documents = [
    data.aws_iam_policy_document.kms_account.json,
    data.aws_iam_policy_document.chime_kms.json,
  ]
}

resource "aws_kms_key" "this" {
  count = local.create && var.create_kms_key ? 1 : 0

  description             = "Call recordings, transcripts and reports"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_key_deletion_window_in_days
  tags                    = var.tags
}

# The key policy is a resource of its own: it names the SIP media application, which names the
# handler Lambda, whose environment names this key. Keeping the policy off aws_kms_key breaks
# that cycle (the key starts with the default account-delegation policy for a moment).
resource "aws_kms_key_policy" "this" {
  count = local.create && var.create_kms_key ? 1 : 0

  key_id = aws_kms_key.this[0].id
  policy = data.aws_iam_policy_document.kms.json
}
