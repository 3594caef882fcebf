output "recordings_bucket" {
  description = "Name of the recordings bucket (RECORDINGS_BUCKET)."
  value       = module.recording_bucket.bucket_id
}

output "recordings_bucket_arn" {
  description = "ARN of the recordings bucket."
  value       = module.recording_bucket.bucket_arn
}

output "recording_destination" {
  description = "StartCallRecording Destination.Location (bucket/prefix)."
  value       = module.recording_bucket.recording_destination
}

output "recordings_bucket_policy_json" {
  description = "The recordings bucket policy, for review."
  value       = module.recording_bucket.bucket_policy_json
}

output "prompts_bucket" {
  description = "Name of the prompts bucket (PROMPTS_BUCKET)."
  value       = module.prompts_bucket.bucket_id
}

output "prompt_keys" {
  description = "Keys of the uploaded prompts."
  value       = module.prompts_bucket.prompt_keys
}

output "kms_key_arn" {
  description = "KMS key of the recordings bucket, or null for SSE-S3."
  value       = module.recording_bucket.kms_key_arn
}

output "call_records_table" {
  description = "Name of the call records table (CALL_RECORDS_TABLE)."
  value       = module.call_analytics.call_records_table_name
}

output "notification_topic_arn" {
  description = "ARN of the report topic (NOTIFICATION_TOPIC_ARN)."
  value       = module.call_analytics.notification_topic_arn
}

output "transcribe_data_access_role_arn" {
  description = "Role Transcribe assumes (TRANSCRIBE_DATA_ACCESS_ROLE_ARN)."
  value       = module.call_analytics.transcribe_data_access_role_arn
}

output "dead_letter_queue_arn" {
  description = "Dead-letter queue of the asynchronous functions and EventBridge targets."
  value       = module.call_analytics.dead_letter_queue_arn
}

output "function_role_arns" {
  description = "IAM role of each function, keyed by Chalice function name (iam_role_arn in .chalice/config.json)."
  value       = local.function_role_arns
}

output "lambda_function_names" {
  description = "Deployed function names, keyed by Chalice function name."
  value       = local.lambda_function_names
}

output "lambda_environment" {
  description = "Environment variables of every function (environment_variables in .chalice/config.json)."
  value       = local.function_environment
}

output "sip_media_application_id" {
  description = "Id of the SIP media application, or null when it is not deployed."
  value       = module.sip_media_application.sip_media_application_id
}

output "sip_media_application_arn" {
  description = "ARN of the SIP media application, or null when it is not deployed."
  value       = module.sip_media_application.sip_media_application_arn
}

output "functions_packaged" {
  description = "Whether the Chalice functions are packaged into this configuration (callrec package)."
  value       = local.functions_packaged
}

output "media_insights" {
  description = "The media insights recording path: Voice Connector, configuration, metadata stream, roles (null values when disabled)."
  value = {
    voice_connector_id      = module.media_insights.voice_connector_id
    configuration_arn       = module.media_insights.configuration_arn
    metadata_stream_name    = module.media_insights.metadata_stream_name
    metadata_failures_queue = module.media_insights.metadata_failures_queue_arn
    resource_access_role    = module.media_insights.resource_access_role_arn
    glue_database_name      = module.media_insights.glue_database_name
  }
}

output "console" {
  description = "The call console: URL, user pool, app client, access trail table, web bucket, distribution (null values when disabled)."
  value = {
    url                     = module.console.console_url
    user_pool_id            = module.console.user_pool_id
    app_client_id           = module.console.app_client_id
    access_trail_table      = module.console.access_trail_table_name
    web_bucket              = module.console.web_bucket
    distribution_id         = module.console.distribution_id
    owner_console_usernames = module.console.owner_console_usernames
  }
}

# --- owner directory (a team: a number per owner, dial-out PINs and limits) ------------------

output "owner_directory_table_name" {
  description = "Name of the owner directory table (OWNER_DIRECTORY_TABLE), or null in the single-owner configuration."
  value       = module.owner_directory.owner_directory_table_name
}

output "owner_usage_table_name" {
  description = "Name of the owners' usage table: daily counters and PIN lockouts (OWNER_USAGE_TABLE)."
  value       = module.owner_directory.owner_usage_table_name
}
