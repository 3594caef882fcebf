output "role_arn" {
  description = "ARN of the execution role (the function's role / iam_role_arn); known only once the role's policy (policy_name) exists, not waiting for the runtime policy."
  value       = try(aws_iam_role.this[0].arn, null)

  # Lambda checks the role when the function is created: that it may send to the
  # dead_letter_config queue, that it may write traces (Active tracing), and
  # (CreateEventSourceMapping) that it may read the stream. A function that takes its role from
  # this output is therefore created after the policy. Not after the runtime policy: its grants
  # may name what waits for the function (a cycle otherwise), and Lambda checks none of them.
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
  description = "Everything the role's inline policies grant, in one document: logs, tracing, failure queue, environment key, policy_documents and runtime_policy_documents."
  value       = data.aws_iam_policy_document.granted.json
}

output "failure_queue_arn" {
  description = "The queue the role may send failed events to, or null when it has no such grant."
  value       = var.grant_failure_queue ? var.failure_queue_arn : null
}
