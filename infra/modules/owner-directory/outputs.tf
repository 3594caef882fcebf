output "owner_directory_table_name" {
  description = "Name of the owner directory table (OWNER_DIRECTORY_TABLE)."
  value       = try(aws_dynamodb_table.this[0].name, null)
}

output "owner_directory_table_arn" {
  description = "ARN of the owner directory table."
  value       = try(aws_dynamodb_table.this[0].arn, null)
}

output "owner_usage_table_name" {
  description = "Name of the usage table: daily counters and PIN lockouts (OWNER_USAGE_TABLE)."
  value       = try(aws_dynamodb_table.usage[0].name, null)
}

output "owner_usage_table_arn" {
  description = "ARN of the usage table."
  value       = try(aws_dynamodb_table.usage[0].arn, null)
}

output "sma_numbers" {
  description = "The SMA number of every owner, keyed by owner id (each needs a ToPhoneNumber SIP rule)."
  value       = local.create ? { for id, o in var.owners : id => o.sma_number } : {}
}

output "sma_handler_policy_json" {
  description = "Policy the SMA handler's role needs for the directory, the counters and the security events; null when nothing is created."
  value       = local.create ? data.aws_iam_policy_document.sma_handler.json : null
}

output "sma_handler_policy_attached" {
  description = "Whether the policy was attached to the SMA handler's role (attach_sma_handler_policy)."
  value       = length(aws_iam_role_policy.sma_handler) > 0
}

output "lambda_environment" {
  description = "Environment the SMA handler reads for the directory (empty when nothing is created)."
  value = local.create ? {
    OWNER_DIRECTORY_TABLE = aws_dynamodb_table.this[0].name
    OWNER_USAGE_TABLE     = aws_dynamodb_table.usage[0].name
    SECURITY_EVENT_BUS    = var.security_event_bus_name
  } : {}
}
