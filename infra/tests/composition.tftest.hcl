# Offline: `callrec infra check` serves the hashicorp/aws schema; every AWS answer is mocked.
# The root composition wires the modules together; these runs check the wiring through outputs.

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
}

run "sma_is_deployed_and_wired_to_the_handler" {
  command = plan

  assert {
    condition     = output.sip_media_application_arn == "arn:aws:chime:us-east-1:111122223333:sma/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
    error_message = "The SIP media application must be created when the handler ARN is known."
  }
  assert {
    condition     = output.recording_destination == "callrec-recordings-test/recordings"
    error_message = "recording_destination must be the recordings bucket and prefix."
  }
}

run "functions_get_every_setting_they_read" {
  command = plan

  assert {
    condition = alltrue([
      for name in [
        "RECORDINGS_BUCKET", "RECORDINGS_PREFIX", "TRANSCRIPTS_PREFIX", "REPORTS_PREFIX",
        "PROMPTS_BUCKET", "CALL_RECORDS_TABLE", "NOTIFICATION_TOPIC_ARN",
        "TRANSCRIBE_DATA_ACCESS_ROLE_ARN",
      ] : contains(keys(output.lambda_environment), name)
    ])
    error_message = "lambda_environment is missing a variable the functions read."
  }
  assert {
    condition     = output.lambda_environment.RECORDINGS_BUCKET == "callrec-recordings-test" && output.lambda_environment.CALL_RECORDS_TABLE == "callrec-call-records"
    error_message = "lambda_environment must point at the created bucket and table."
  }
  assert {
    condition     = output.lambda_function_names.sma_handler == "callrec-dev-sma_handler"
    error_message = "Function names follow Chalice's APP-STAGE-FUNCTION."
  }
}

# The console's routes run in the packaged api_handler: it needs its role in the same map as the
# other functions, and the environment its routes read.
run "the_console_joins_the_functions" {
  command = plan

  variables {
    enable_console = true
  }

  assert {
    condition     = contains(keys(output.function_role_arns), "api_handler")
    error_message = "With the console, function_role_arns must hold the api_handler role."
  }
  assert {
    condition = alltrue([
      for name in ["CONSOLE_USER_POOL_ID", "CONSOLE_APP_CLIENT_ID", "ACCESS_TRAIL_TABLE", "CONSOLE_URL", "CONSOLE_ORIGIN"] :
      contains(keys(output.lambda_environment), name)
    ])
    error_message = "With the console, lambda_environment must carry the settings its routes read."
  }
}

run "no_handler_no_sma" {
  command = plan

  variables {
    sma_handler_lambda_arn = null
  }

  assert {
    condition     = output.sip_media_application_arn == null
    error_message = "Without a handler ARN (and no packaged functions) no SIP media application is created."
  }
}

# S3 generates a bucket name from bucket_prefix only up to 37 characters, and the root module
# derives "NAME_PREFIX-recordings-" from name_prefix: a longer prefix must be refused at the root,
# where the operator set it, not in a module input the operator never saw.
run "a_prefix_too_long_for_the_bucket_names_is_refused" {
  command = plan

  variables {
    name_prefix = "a-prefix-of-26-characters1"
  }

  expect_failures = [var.name_prefix]
}
