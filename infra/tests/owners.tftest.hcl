# Offline: `callrec infra check` serves the hashicorp/aws schema; every AWS answer is mocked.
# The owner directory in the root composition: SIP rules per owner, environment, the role grant.

mock_provider "aws" {
  override_during = plan

  mock_data "aws_caller_identity" {
    defaults = { account_id = "111122223333" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_region" {
    defaults = { region = "us-east-1", name = "us-east-1" }
  }
  mock_resource "aws_s3_bucket" {
    defaults = {
      id  = "callrec-recordings-test"
      arn = "arn:aws:s3:::callrec-recordings-test"
    }
  }
  mock_resource "aws_chimesdkvoice_sip_media_application" {
    defaults = {
      id  = "0a1b2c3d-4e5f-6789-abcd-ef0123456789"
      arn = "arn:aws:chime:us-east-1:111122223333:sma/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
    }
  }
  mock_resource "aws_dynamodb_table" {
    defaults = {
      name = "callrec-call-records"
      arn  = "arn:aws:dynamodb:us-east-1:111122223333:table/callrec-call-records"
    }
  }
}


variables {
  sma_handler_lambda_arn = "arn:aws:lambda:us-east-1:111122223333:function:callrec-dev-sma_handler"
  phone_numbers          = ["+12065550100", "+12065550199"]
  owners = {
    alice = { owner_numbers = ["+12065550101"], sma_number = "+12065550199" }
    bob   = { owner_numbers = ["+12065550102"], sma_number = "+12065550198" }
  }
}

run "one_sip_rule_per_number_including_each_owners" {
  command = plan

  assert {
    condition = toset(keys(module.sip_media_application.sip_rule_ids)) == toset([
      "ToPhoneNumber:+12065550100", "ToPhoneNumber:+12065550199", "ToPhoneNumber:+12065550198",
    ])
    error_message = "Every owner's sma_number needs one ToPhoneNumber rule (once, even when also in phone_numbers)."
  }
}

run "functions_find_the_directory" {
  command = plan

  assert {
    condition     = contains(keys(output.lambda_environment), "OWNER_DIRECTORY_TABLE") && contains(keys(output.lambda_environment), "OWNER_USAGE_TABLE") && output.lambda_environment["SECURITY_EVENT_BUS"] == "default"
    error_message = "With owners, the functions must get OWNER_DIRECTORY_TABLE, OWNER_USAGE_TABLE and SECURITY_EVENT_BUS."
  }
  assert {
    condition     = module.owner_directory.sma_handler_policy_attached
    error_message = "The SMA handler's role must get the directory policy."
  }
}

run "no_owners_keeps_the_single_owner_configuration" {
  command = plan

  variables {
    owners = {}
  }

  assert {
    condition     = !contains(keys(output.lambda_environment), "OWNER_DIRECTORY_TABLE") && output.owner_directory_table_name == null
    error_message = "Without owners no directory is created and OWNER_DIRECTORY_TABLE stays unset (a directory of one)."
  }
  assert {
    condition     = !module.owner_directory.sma_handler_policy_attached
    error_message = "Without a directory the SMA handler's role gets no directory grant."
  }
}
