output "bucket_id" {
  description = "Name of the prompts bucket (PROMPTS_BUCKET)."
  value       = local.bucket_id
}

output "bucket_arn" {
  description = "ARN of the prompts bucket."
  value       = local.bucket_arn
}

output "prompt_keys" {
  description = "Keys of the uploaded prompt files."
  value       = sort([for key, object in aws_s3_object.prompt : object.key])
}

output "bucket_policy_json" {
  description = "The composed bucket policy document."
  value       = data.aws_iam_policy_document.this.json
}
