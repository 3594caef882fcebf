output "role_arn" {
  description = "ARN of the execution role (the function's role / iam_role_arn)."
  value       = try(aws_iam_role.this[0].arn, null)
}

output "role_name" {
  description = "Name of the execution role."
  value       = try(aws_iam_role.this[0].name, null)
}

output "log_group_arn" {
  description = "ARN of the function's log group."
  value       = try(aws_cloudwatch_log_group.this[0].arn, null)
}

output "policy_json" {
  description = "The role's inline policy document (logs, tracing, failure queue and the given documents)."
  value       = data.aws_iam_policy_document.this.json
}

output "failure_queue_arn" {
  description = "The queue the role may send failed events to, or null when it has no such grant."
  value       = var.grant_failure_queue ? var.failure_queue_arn : null
}
