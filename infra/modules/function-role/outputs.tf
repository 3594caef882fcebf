output "role_arn" {
  description = "ARN of the execution role (the function's role / iam_role_arn); known only once the role's policy exists."
  value       = try(aws_iam_role.this[0].arn, null)

  # Lambda checks the role when the function is created: that it may send to the
  # dead_letter_config queue, and (CreateEventSourceMapping) that it may read the stream. A
  # function that takes its role from this output is therefore created after the policy.
  depends_on = [aws_iam_role_policy.this]
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
