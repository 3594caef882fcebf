output "bucket_id" {
  description = "Name of the recordings bucket."
  value       = local.bucket_id
}

output "bucket_arn" {
  description = "ARN of the recordings bucket."
  value       = local.bucket_arn
}

output "recordings_prefix" {
  description = "Key prefix of the recordings (no slashes at either end)."
  value       = var.recordings_prefix
}

output "recording_destination" {
  description = "Destination.Location for the StartCallRecording action: bucket/prefix."
  value       = local.create ? "${local.bucket_id}/${var.recordings_prefix}" : ""
}

output "kms_key_arn" {
  description = "ARN of the KMS key encrypting the bucket, or null for SSE-S3."
  value       = local.create && local.use_kms ? local.kms_key_arn : null
}

output "bucket_policy_json" {
  description = "The composed bucket policy document."
  value       = data.aws_iam_policy_document.this.json
}

output "chime_kms_key_policy_json" {
  description = "Key policy statement the Chime principal needs on a customer managed key; merge it into the policy of a key passed as kms_key_arn."
  value       = data.aws_iam_policy_document.chime_kms.json
}
