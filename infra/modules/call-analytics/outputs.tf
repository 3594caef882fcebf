output "call_records_table_name" {
  description = "Name of the call records table (CALL_RECORDS_TABLE)."
  value       = try(aws_dynamodb_table.this[0].name, null)
}

output "call_records_table_arn" {
  description = "ARN of the call records table."
  value       = try(aws_dynamodb_table.this[0].arn, null)
}

output "notification_topic_arn" {
  description = "ARN of the report notification topic (NOTIFICATION_TOPIC_ARN)."
  value       = try(aws_sns_topic.this[0].arn, null)
}

output "dead_letter_queue_arn" {
  description = "ARN of the dead-letter queue for failed asynchronous invocations and EventBridge deliveries."
  value       = try(aws_sqs_queue.dead_letter[0].arn, null)
}

output "dead_letter_queue_url" {
  description = "URL of the dead-letter queue."
  value       = try(aws_sqs_queue.dead_letter[0].url, null)
}

output "transcribe_data_access_role_arn" {
  description = "ARN of the role Transcribe assumes to read recordings and write transcripts (TRANSCRIBE_DATA_ACCESS_ROLE_ARN)."
  value       = try(aws_iam_role.transcribe[0].arn, null)
}

output "function_role_arns" {
  description = "IAM role ARN of each function, keyed by Chalice function name."
  value       = { for key, role in local.function_roles : key => role.role_arn if local.create }
}

output "function_policy_json" {
  description = "The inline policy document of each function role, keyed by function name."
  value       = { for key, role in local.function_roles : key => role.policy_json if local.create }
}

output "event_rule_name_prefix" {
  description = "Prefix EventBridge rule names must carry for the dead-letter queue policy to admit them."
  value       = "${var.name_prefix}-"
}

output "function_failure_queue_arns" {
  description = "The queue each function may send failed events to (dead_letter_config), keyed by function name; only functions with such a grant."
  value       = { for key, role in local.function_roles : key => role.failure_queue_arn if local.create && role.failure_queue_arn != null }
}
