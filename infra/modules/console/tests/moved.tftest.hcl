# Offline: `callrec infra check` serves the hashicorp/aws schema; every AWS answer is mocked.
# An existing deployment keeps the api_handler role it runs as: the role was written out in this
# module (tests/hand-written-role, the former addresses) and moved into module.api_handler_role.
# The mocked provider gives every created resource a new random ARN, so an ARN that survives
# the second apply is one the moved blocks kept rather than replaced.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111122223333" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_region" {
    defaults = { region = "eu-west-1", name = "eu-west-1" }
  }
}

variables {
  api_handler_function_name = "callrec-dev-api_handler"
  call_records_table_arn    = "arn:aws:dynamodb:eu-west-1:111122223333:table/callrec-call-records"
  recordings_bucket_arn     = "arn:aws:s3:::callrec-recordings-example"
}

run "the_hand_written_role" {
  state_key = "console"

  module {
    source = "./tests/hand-written-role"
  }
}

run "moves_into_the_function_role_module_without_being_replaced" {
  state_key = "console"

  assert {
    condition     = output.function_role_arns["api_handler"] == run.the_hand_written_role.function_role_arns["api_handler"]
    error_message = "The api_handler role was replaced instead of moved."
  }
  assert {
    condition     = module.api_handler_role.log_group_arn == run.the_hand_written_role.log_group_arn
    error_message = "The api_handler log group was replaced instead of moved."
  }
}
