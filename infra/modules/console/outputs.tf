output "user_pool_id" {
  description = "Id of the console's Cognito user pool (CONSOLE_USER_POOL_ID)."
  value       = try(aws_cognito_user_pool.this[0].id, null)
}

output "user_pool_arn" {
  description = "ARN of the console's Cognito user pool."
  value       = try(aws_cognito_user_pool.this[0].arn, null)
}

output "app_client_id" {
  description = "Id of the web app's Cognito app client (CONSOLE_APP_CLIENT_ID)."
  value       = try(aws_cognito_user_pool_client.this[0].id, null)
}

output "access_trail_table_name" {
  description = "Name of the access trail table (ACCESS_TRAIL_TABLE)."
  value       = try(aws_dynamodb_table.trail[0].name, null)
}

output "access_trail_table_arn" {
  description = "ARN of the access trail table."
  value       = try(aws_dynamodb_table.trail[0].arn, null)
}

output "web_bucket" {
  description = "Name of the private bucket that holds the web app's files."
  value       = try(aws_s3_bucket.web[0].id, null)
}

output "distribution_id" {
  description = "Id of the console's CloudFront distribution (for cache invalidations after a web app change)."
  value       = try(aws_cloudfront_distribution.this[0].id, null)
}

output "console_url" {
  description = "URL of the call console (CONSOLE_URL, and the CORS origin CONSOLE_ORIGIN)."
  value       = local.create ? local.origin : null
}

output "content_security_policy" {
  description = "The Content-Security-Policy every console page is served with."
  value       = local.create ? local.content_security_policy : null
}

output "owner_console_usernames" {
  description = "Owner id => console user name of the console_users that are owners: the console_username of each owner directory entry."
  value       = { for name, user in var.console_users : user.owner_id => name if user.group == "owners" }
}

output "function_role_arns" {
  description = "Role of the function that serves the console's routes, keyed by Chalice function name (api_handler)."
  value       = local.create ? { api_handler = module.api_handler_role.role_arn } : {}
}

output "function_policy_json" {
  description = "Everything the api_handler role's inline policies grant, in one document."
  value       = local.create ? module.api_handler_role.policy_json : null
}

output "lambda_environment" {
  description = "Environment variables the console's routes read (merged into the functions' environment)."
  value = local.create ? {
    CONSOLE_USER_POOL_ID        = local.user_pool_id
    CONSOLE_APP_CLIENT_ID       = local.client_id
    ACCESS_TRAIL_TABLE          = try(aws_dynamodb_table.trail[0].name, "")
    CONSOLE_ORIGIN              = local.origin
    CONSOLE_URL                 = local.origin
    CONSOLE_LINK_EXPIRY_SECONDS = tostring(var.link_expiry_seconds)
    CONSOLE_OWNER_USERNAME      = local.single_owner_username
  } : {}
}
