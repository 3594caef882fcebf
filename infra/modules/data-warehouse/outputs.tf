output "glue_database_name" {
  description = "Glue database of the call analytics data warehouse, or null when it is not created."
  value       = try(aws_glue_catalog_database.this[0].name, null)
}

output "glue_table_names" {
  description = "Glue tables of the data warehouse."
  value       = [for table in aws_glue_catalog_table.this : table.name]
}

output "metadata_delivery_stream_arn" {
  description = "Firehose delivery stream of the recording metadata, or null."
  value       = try(aws_kinesis_firehose_delivery_stream.metadata[0].arn, null)
}

output "events_delivery_stream_arn" {
  description = "Firehose delivery stream of the pipeline state change events, or null."
  value       = try(aws_kinesis_firehose_delivery_stream.events[0].arn, null)
}
