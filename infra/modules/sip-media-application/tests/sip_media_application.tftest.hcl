# Offline: `callrec infra check` serves the hashicorp/aws schema; every AWS answer is mocked.

mock_provider "aws" {
  override_during = plan

  mock_data "aws_region" {
    defaults = { region = "us-east-1", name = "us-east-1" }
  }
  mock_resource "aws_chimesdkvoice_sip_media_application" {
    defaults = {
      id  = "0a1b2c3d-4e5f-6789-abcd-ef0123456789"
      arn = "arn:aws:chime:us-east-1:111122223333:sma/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
    }
  }
}

variables {
  lambda_function_arn = "arn:aws:lambda:us-east-1:111122223333:function:callrec-sma-handler"
  phone_numbers       = ["+12065550100"]
}

run "sma_invokes_the_handler" {
  command = plan

  assert {
    condition     = one(aws_chimesdkvoice_sip_media_application.this[0].endpoints).lambda_arn == var.lambda_function_arn
    error_message = "The SIP media application must point at the SMA handler Lambda."
  }
  assert {
    condition     = aws_chimesdkvoice_sip_media_application.this[0].aws_region == "us-east-1"
    error_message = "The SIP media application must be in the provider's region by default."
  }
}

run "only_this_sma_may_invoke_the_handler" {
  command = plan

  assert {
    condition     = aws_lambda_permission.chime[0].principal == "voiceconnector.chime.amazonaws.com"
    error_message = "The Lambda permission must be for the Chime voice connector service principal."
  }
  assert {
    condition     = aws_lambda_permission.chime[0].action == "lambda:InvokeFunction" && aws_lambda_permission.chime[0].function_name == var.lambda_function_arn
    error_message = "The permission must allow lambda:InvokeFunction on the handler."
  }
  assert {
    condition     = aws_lambda_permission.chime[0].source_arn == "arn:aws:chime:us-east-1:111122223333:sma/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
    error_message = "source_arn must confine the permission to this SIP media application."
  }
}

run "one_rule_per_phone_number" {
  command = plan

  assert {
    condition     = keys(aws_chimesdkvoice_sip_rule.this) == ["ToPhoneNumber:+12065550100"]
    error_message = "Expected one ToPhoneNumber rule per phone number."
  }
  assert {
    condition = alltrue([
      for t in aws_chimesdkvoice_sip_rule.this["ToPhoneNumber:+12065550100"].target_applications :
      t.sip_media_application_id == "0a1b2c3d-4e5f-6789-abcd-ef0123456789" && t.aws_region == "us-east-1"
    ])
    error_message = "The rule must target this SIP media application in its region."
  }
}

run "no_numbers_no_rules" {
  command = plan

  variables {
    phone_numbers = []
  }

  assert {
    condition     = length(aws_chimesdkvoice_sip_rule.this) == 0
    error_message = "Without phone numbers no SIP rule is created (numbers are ordered separately)."
  }
}

run "create_false_creates_nothing" {
  command = plan

  variables {
    create              = false
    lambda_function_arn = null
  }

  assert {
    condition = alltrue([
      length(aws_chimesdkvoice_sip_media_application.this) == 0,
      length(aws_lambda_permission.chime) == 0,
      length(aws_chimesdkvoice_sip_rule.this) == 0,
    ])
    error_message = "create = false must not create any resource."
  }
  assert {
    condition     = output.sip_media_application_arn == null
    error_message = "A disabled instance has no ARN."
  }
}

run "invalid_phone_number_is_rejected" {
  command = plan

  variables {
    phone_numbers = ["206-555-0100"]
  }

  expect_failures = [var.phone_numbers]
}
