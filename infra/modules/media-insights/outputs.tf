output "voice_connector_id" {
  description = "Id of the Voice Connector streaming to Kinesis Video Streams (created or given)."
  value       = local.create ? local.voice_connector_id : null
}

output "voice_connector_arn" {
  description = "ARN of the Voice Connector."
  value       = local.create ? "arn:${local.partition}:chime:${local.voice_connector_region}:${local.account_id}:vc/${local.voice_connector_id}" : null
}

output "configuration_arn" {
  description = "ARN of the media insights pipeline configuration (MEDIA_INSIGHTS_PIPELINE_CONFIGURATION_ARN)."
  value       = local.create ? local.configuration_arn : null
}

output "resource_access_role_arn" {
  description = "ARN of the role the media pipelines service assumes to read the streams and write the sinks."
  value       = try(aws_iam_role.resource_access[0].arn, null)
}

output "metadata_stream_name" {
  description = "Name of the Kinesis data stream carrying recording metadata (MEDIA_INSIGHTS_METADATA_STREAM at packaging time)."
  value       = try(aws_kinesis_stream.this[0].name, null)
}

output "metadata_stream_arn" {
  description = "ARN of the Kinesis data stream carrying recording metadata."
  value       = try(aws_kinesis_stream.this[0].arn, null)
}

output "metadata_failures_queue_arn" {
  description = "Queue receiving Kinesis batches the recording metadata function could not process after its retries."
  value       = try(aws_sqs_queue.metadata_failures[0].arn, null)
}

output "sink_destination_arn" {
  description = "S3 destination of the recording sink (arn:aws:s3:::bucket/prefix)."
  value       = local.sink_destination_arn
}

output "recordings_bucket_policy_json" {
  description = "Bucket policy document admitting the recording sink; pass it to the recording-bucket module's extra_policy_documents."
  value       = data.aws_iam_policy_document.recordings_bucket.json
}

output "lambda_environment" {
  description = "Environment of the media insights functions (merge into the app's function environment)."
  value = local.create ? {
    MEDIA_INSIGHTS_PIPELINE_CONFIGURATION_ARN = local.configuration_arn
    MEDIA_INSIGHTS_FRAGMENT_SELECTOR          = var.fragment_selector_type
    MEDIA_INSIGHTS_SINK_DESTINATION           = local.sink_destination_arn
    MEDIA_INSIGHTS_SINK_FORMAT                = var.recording_file_format
    MEDIA_INSIGHTS_METADATA_STREAM            = local.stream_name
    MEDIA_INSIGHTS_START_MODE                 = var.pipeline_start_mode
  } : {}
}

output "function_role_arns" {
  description = "IAM role ARN of each media insights function, keyed by Chalice function name."
  value       = { for key, role in local.function_roles : key => role.role_arn if contains(keys(local.functions), key) }
}

output "event_rule_arns" {
  description = "ARNs of the EventBridge rules (streaming status, media insights state change)."
  value = {
    streaming_status = try(aws_cloudwatch_event_rule.streaming_status[0].arn, null)
    state_change     = try(aws_cloudwatch_event_rule.state_change[0].arn, null)
  }
}

output "glue_database_name" {
  description = "Glue database of the call analytics data warehouse, or null when it is disabled."
  value       = module.data_warehouse.glue_database_name
}

output "glue_table_names" {
  description = "Glue tables of the data warehouse."
  value       = module.data_warehouse.glue_table_names
}

output "function_failure_queue_arns" {
  description = "The queue each function may send failed events to (dead_letter_config or on-failure destination), keyed by function name; only functions with such a grant."
  value       = { for key, role in local.function_roles : key => role.failure_queue_arn if contains(keys(local.functions), key) && role.failure_queue_arn != null }
}
