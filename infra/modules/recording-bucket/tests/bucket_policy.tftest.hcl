# Offline: `callrec infra check` serves the hashicorp/aws schema; every AWS answer is mocked.
# Asserts the statements that make up the bucket policy (the policy JSON itself is rendered by
# the provider at plan time, which a mock cannot do).

mock_provider "aws" {
  override_during = plan

  mock_data "aws_caller_identity" {
    defaults = { account_id = "111122223333" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_resource "aws_s3_bucket" {
    defaults = {
      id  = "callrec-recordings-test"
      arn = "arn:aws:s3:::callrec-recordings-test"
    }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" }
  }
}

variables {
  sip_media_application_arns = ["arn:aws:chime:us-east-1:111122223333:sma/0a1b2c3d-4e5f-6789-abcd-ef0123456789"]
}

run "chime_may_only_write_recordings" {
  command = plan

  assert {
    condition     = length(data.aws_iam_policy_document.chime_write.statement) == 1
    error_message = "Expected exactly one statement granting the Chime principal."
  }
  assert {
    condition     = data.aws_iam_policy_document.chime_write.statement[0].effect == "Allow"
    error_message = "The Chime statement must allow."
  }
  assert {
    condition = [for p in data.aws_iam_policy_document.chime_write.statement[0].principals : p] == [{
      type        = "Service"
      identifiers = toset(["voiceconnector.chime.amazonaws.com"])
    }]
    error_message = "The only principal must be the service principal voiceconnector.chime.amazonaws.com."
  }
  assert {
    condition     = toset(data.aws_iam_policy_document.chime_write.statement[0].actions) == toset(["s3:PutObject", "s3:PutObjectAcl"])
    error_message = "Chime must get exactly s3:PutObject and s3:PutObjectAcl."
  }
  assert {
    condition     = toset(data.aws_iam_policy_document.chime_write.statement[0].resources) == toset(["arn:aws:s3:::callrec-recordings-test/recordings/*"])
    error_message = "The grant must be limited to the recordings prefix."
  }
}

run "chime_is_confined_to_this_account_and_sma" {
  command = plan

  assert {
    condition = anytrue([
      for c in data.aws_iam_policy_document.chime_write.statement[0].condition :
      c.variable == "aws:SourceAccount" && c.test == "StringEquals" && toset(c.values) == toset(["111122223333"])
    ])
    error_message = "Missing aws:SourceAccount = this account (StringEquals) on the Chime statement."
  }
  assert {
    condition = anytrue([
      for c in data.aws_iam_policy_document.chime_write.statement[0].condition :
      c.variable == "aws:SourceArn" && c.test == "StringEquals" && toset(c.values) == toset(var.sip_media_application_arns)
    ])
    error_message = "Missing StringEquals aws:SourceArn = the SIP media application ARNs on the Chime statement (the Chime SDK guide's form)."
  }
}

run "voice_connectors_join_the_source_arns" {
  command = plan

  variables {
    voice_connector_arns = ["arn:aws:chime:us-east-1:111122223333:vc/abcdefghijklmnop"]
  }

  assert {
    condition = anytrue([
      for c in data.aws_iam_policy_document.chime_write.statement[0].condition :
      c.variable == "aws:SourceArn" && toset(c.values) == toset(concat(var.sip_media_application_arns, var.voice_connector_arns))
    ])
    error_message = "Voice Connector ARNs must be added to aws:SourceArn."
  }
}

run "no_source_arn_means_no_grant" {
  command = plan

  variables {
    sip_media_application_arns = []
  }

  assert {
    condition     = length(data.aws_iam_policy_document.chime_write.statement) == 0
    error_message = "Without any source ARN the Chime principal must get nothing (never an unconfined grant)."
  }
}

run "insecure_transport_is_denied" {
  command = plan

  assert {
    condition     = data.aws_iam_policy_document.tls_only.statement[0].effect == "Deny" && toset(data.aws_iam_policy_document.tls_only.statement[0].actions) == toset(["s3:*"])
    error_message = "The TLS statement must deny s3:*."
  }
  assert {
    condition = length(data.aws_iam_policy_document.tls_only.statement[0].condition) == 1 && alltrue([
      for c in data.aws_iam_policy_document.tls_only.statement[0].condition :
      c.test == "Bool" && c.variable == "aws:SecureTransport" && tolist(c.values) == tolist(["false"])
    ])
    error_message = "The TLS statement must be conditioned on aws:SecureTransport = false."
  }
  assert {
    condition     = toset(data.aws_iam_policy_document.tls_only.statement[0].resources) == toset(["arn:aws:s3:::callrec-recordings-test", "arn:aws:s3:::callrec-recordings-test/*"])
    error_message = "The TLS deny must cover the bucket and every object."
  }
  assert {
    condition     = aws_s3_bucket_policy.this[0].bucket == "callrec-recordings-test"
    error_message = "The policy must be attached to the recordings bucket."
  }
}

run "bucket_is_private_and_encrypted" {
  command = plan

  assert {
    condition = alltrue([
      aws_s3_bucket_public_access_block.this[0].block_public_acls,
      aws_s3_bucket_public_access_block.this[0].block_public_policy,
      aws_s3_bucket_public_access_block.this[0].ignore_public_acls,
      aws_s3_bucket_public_access_block.this[0].restrict_public_buckets,
    ])
    error_message = "All four public access block settings must be on."
  }
  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.this[0].rule).apply_server_side_encryption_by_default).sse_algorithm == "AES256"
    error_message = "Without a KMS key the bucket must use SSE-S3 (AES256)."
  }
}

run "kms_key_lets_chime_make_data_keys_under_the_same_conditions" {
  command = plan

  variables {
    create_kms_key = true
  }

  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.this[0].rule).apply_server_side_encryption_by_default).sse_algorithm == "aws:kms"
    error_message = "With a KMS key the bucket must use SSE-KMS."
  }
  assert {
    condition     = toset(data.aws_iam_policy_document.chime_kms.statement[0].actions) == toset(["kms:GenerateDataKey", "kms:Decrypt"])
    error_message = "Chime needs kms:GenerateDataKey and kms:Decrypt on the key."
  }
  assert {
    condition     = toset([for c in data.aws_iam_policy_document.chime_kms.statement[0].condition : c.variable]) == toset(["aws:SourceAccount", "aws:SourceArn"])
    error_message = "The key policy grant to Chime must carry aws:SourceAccount and aws:SourceArn."
  }
}

run "create_false_creates_nothing" {
  command = plan

  variables {
    create         = false
    create_kms_key = true
  }

  assert {
    condition = alltrue([
      length(aws_s3_bucket.this) == 0,
      length(aws_s3_bucket_policy.this) == 0,
      length(aws_s3_bucket_public_access_block.this) == 0,
      length(aws_s3_bucket_versioning.this) == 0,
      length(aws_s3_bucket_lifecycle_configuration.this) == 0,
      length(aws_kms_key.this) == 0,
    ])
    error_message = "create = false must not create any resource."
  }
  assert {
    condition     = output.recording_destination == "" && output.kms_key_arn == null
    error_message = "A disabled instance must output an empty destination and no key."
  }
}

run "outputs" {
  command = plan

  assert {
    condition     = output.recording_destination == "callrec-recordings-test/recordings"
    error_message = "recording_destination must be bucket/prefix for StartCallRecording."
  }
  assert {
    condition     = output.bucket_arn == "arn:aws:s3:::callrec-recordings-test" && output.recordings_prefix == "recordings"
    error_message = "bucket_arn / recordings_prefix outputs are wrong."
  }
}
