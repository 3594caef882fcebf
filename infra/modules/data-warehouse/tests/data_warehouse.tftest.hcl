# Offline: `callrec infra check` serves the hashicorp/aws schema; every AWS answer is mocked.

mock_provider "aws" {
  override_during = plan

  mock_data "aws_caller_identity" {
    defaults = { account_id = "111122223333" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::111122223333:role/callrec-media-insights-warehouse", id = "callrec-media-insights-warehouse" }
  }
  mock_resource "aws_kinesis_firehose_delivery_stream" {
    defaults = { arn = "arn:aws:firehose:us-east-1:111122223333:deliverystream/callrec-events" }
  }
}

variables {
  metadata_stream_arn    = "arn:aws:kinesis:us-east-1:111122223333:stream/callrec-media-insights-metadata"
  state_change_rule_name = "callrec-media-insights-state"
  bucket_arn             = "arn:aws:s3:::callrec-recordings-test"
}

run "tables_describe_metadata_siprec_and_pipeline_events" {
  command = plan

  assert {
    condition     = toset(keys(aws_glue_catalog_table.this)) == toset(["call_analytics_metadata", "call_analytics_recording_metadata", "media_insights_pipeline_events"])
    error_message = "The warehouse must describe recording metadata, SIPREC metadata and pipeline events."
  }
  assert {
    condition     = aws_glue_catalog_table.this["call_analytics_metadata"].storage_descriptor[0].location == "s3://callrec-recordings-test/call-analytics-warehouse/detail-type=CallAnalyticsMetadata/"
    error_message = "Each table must read the partition Firehose writes its records to."
  }
}

run "firehose_reads_the_stream_and_writes_only_under_the_prefix" {
  command = plan

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.metadata[0].kinesis_source_configuration[0].kinesis_stream_arn == "arn:aws:kinesis:us-east-1:111122223333:stream/callrec-media-insights-metadata"
    error_message = "Firehose must read the metadata stream."
  }
  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.firehose.statement :
      s.sid == "WriteWarehouse" && toset(s.resources) == toset(["arn:aws:s3:::callrec-recordings-test", "arn:aws:s3:::callrec-recordings-test/call-analytics-warehouse/*"])
    ])
    error_message = "Firehose may write only under the warehouse prefix."
  }
}

run "pipeline_events_reach_the_warehouse_from_the_state_change_rule" {
  command = plan

  assert {
    condition     = aws_cloudwatch_event_target.warehouse[0].rule == "callrec-media-insights-state"
    error_message = "The State Change rule must deliver its events into the events delivery stream."
  }
}

run "create_false_creates_nothing" {
  command = plan

  variables {
    create = false
  }

  assert {
    condition     = length(aws_glue_catalog_database.this) == 0 && length(aws_kinesis_firehose_delivery_stream.metadata) == 0 && length(aws_iam_role.firehose) == 0
    error_message = "create = false must not create any resource."
  }
}

# Firehose delivery stream names are at most 64 characters ("NAME_PREFIX-media-insights-
# metadata-warehouse"): a longer prefix must fail the plan, not CreateDeliveryStream.
run "a_prefix_too_long_for_the_delivery_stream_names_is_refused" {
  command = plan

  variables {
    name_prefix = "a-prefix-of-thirty-one-letters1"
  }

  expect_failures = [var.name_prefix]
}
