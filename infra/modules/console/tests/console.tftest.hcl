# Offline: `callrec infra check` serves the hashicorp/aws schema; every AWS answer is mocked.

mock_provider "aws" {
  override_during = plan

  mock_data "aws_caller_identity" {
    defaults = { account_id = "111122223333" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_region" {
    defaults = { region = "eu-west-1", name = "eu-west-1" }
  }
  mock_resource "aws_cloudfront_distribution" {
    defaults = {
      arn         = "arn:aws:cloudfront::111122223333:distribution/E2EXAMPLE"
      domain_name = "d111example.cloudfront.net"
    }
  }
  mock_resource "aws_dynamodb_table" {
    defaults = { arn = "arn:aws:dynamodb:eu-west-1:111122223333:table/callrec-console-access-trail" }
  }
  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::callrec-console-web-example" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/callrec-dev-api_handler" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::111122223333:role/callrec-console-api" }
  }
  mock_resource "aws_cognito_user_pool" {
    defaults = { id = "eu-west-1_Example" }
  }
}

variables {
  api_handler_function_name = "callrec-dev-api_handler"
  call_records_table_arn    = "arn:aws:dynamodb:eu-west-1:111122223333:table/callrec-call-records"
  recordings_bucket_arn     = "arn:aws:s3:::callrec-recordings-example"
  sip_media_application_arn = "arn:aws:chime:eu-west-1:111122223333:sma/5d7a2d35-2b56-4c1b-9a8e-6bc1f2e6b0aa"
}

run "the_trail_is_append_only_for_the_api" {
  command = plan

  assert {
    condition     = toset(flatten([for s in data.aws_iam_policy_document.trail.statement : s.actions])) == toset(["dynamodb:PutItem", "dynamodb:Query"])
    error_message = "The API role may only PutItem and Query the access trail."
  }

  assert {
    condition     = aws_dynamodb_table.trail[0].point_in_time_recovery[0].enabled && aws_dynamodb_table.trail[0].deletion_protection_enabled
    error_message = "The access trail keeps point-in-time recovery and deletion protection."
  }
}

run "call_records_are_never_scanned_and_listed_by_the_owner_index_only" {
  command = plan

  assert {
    condition     = !contains(flatten([for s in data.aws_iam_policy_document.call_records.statement : s.actions]), "dynamodb:Scan")
    error_message = "The API role must not Scan the call records."
  }

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.call_records.statement :
      !contains(s.actions, "dynamodb:Query") || s.resources == toset(["${var.call_records_table_arn}/index/owner_id-started_at"])
    ])
    error_message = "Query on the call records is confined to the owner_id-started_at index."
  }

  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.call_records.statement :
      contains(s.actions, "dynamodb:Query") && s.resources == toset(["${var.call_records_table_arn}/index/owner_id-started_at"])
    ])
    error_message = "The API role lists an owner's calls with a Query on the owner_id-started_at index."
  }
}

run "owners_are_resolved_from_the_directory_when_there_is_one" {
  command = plan

  variables {
    owner_directory_table_arn = "arn:aws:dynamodb:eu-west-1:111122223333:table/callrec-owner-directory"
  }

  assert {
    condition = toset([
      for s in data.aws_iam_policy_document.owner_directory.statement : "${join(",", s.actions)}=${join(",", s.resources)}"
      ]) == toset([
      "dynamodb:Query=${var.owner_directory_table_arn}/index/console_username-index",
      "dynamodb:Scan=${var.owner_directory_table_arn}",
    ])
    error_message = "With a directory, the API role may Query its console_username index and Scan it for owner ids, nothing more."
  }
}

run "no_directory_no_directory_grant" {
  command = plan

  assert {
    condition     = length(data.aws_iam_policy_document.owner_directory.statement) == 0
    error_message = "Without an owner directory the API role gets no grant on one."
  }
}

run "recording_control_is_confined_to_this_sma" {
  command = plan

  assert {
    condition     = flatten([for s in data.aws_iam_policy_document.recording_control.statement : s.resources]) == [var.sip_media_application_arn]
    error_message = "UpdateSipMediaApplicationCall is granted on this SIP media application only."
  }
}

run "the_api_handler_role_is_the_shared_function_role_under_its_old_names" {
  command = plan

  # The role and its routes' policy keep the names the hand-written ones had: the moved blocks
  # then update them in place instead of replacing the role an existing function runs as.
  assert {
    condition     = module.api_handler_role.role_name == "callrec-console-api"
    error_message = "The api_handler role keeps its name (callrec-console-api)."
  }
  assert {
    condition     = length(output.function_role_arns) == 1 && output.function_role_arns["api_handler"] == "arn:aws:iam::111122223333:role/callrec-console-api"
    error_message = "The role the packaged api_handler runs as is the function-role module's."
  }
}

run "the_stage_is_throttled_once_there_is_a_rest_api" {
  command = plan

  variables {
    rest_api_id = "a1b2c3d4e5"
  }

  assert {
    condition     = length(aws_api_gateway_method_settings.this) == 1 && aws_api_gateway_method_settings.this[0].settings[0].throttling_burst_limit == var.throttling_burst_limit
    error_message = "With a REST API (throttle_api_stage left null) its stage gets the throttling limits."
  }
}

run "throttle_api_stage_decides_without_the_rest_api_id" {
  command = plan

  # The root module passes a bool known at plan time: the packaged REST API's id is not.
  variables {
    rest_api_id        = "a1b2c3d4e5"
    throttle_api_stage = false
  }

  assert {
    condition     = length(aws_api_gateway_method_settings.this) == 0
    error_message = "throttle_api_stage, when set, decides whether the stage settings exist."
  }
}

run "legal_holds_only_with_object_lock" {
  command = plan

  assert {
    condition     = !contains(flatten([for s in data.aws_iam_policy_document.call_objects.statement : s.actions]), "s3:PutObjectLegalHold")
    error_message = "Without Object Lock the API role gets no s3:PutObjectLegalHold."
  }
}

run "legal_holds_with_object_lock" {
  command = plan

  variables {
    object_lock_enabled = true
  }

  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.call_objects.statement :
      contains(s.actions, "s3:PutObjectLegalHold") && contains(s.resources, var.recordings_bucket_arn)
    ])
    error_message = "With Object Lock, admins set legal holds through the API role (s3:PutObjectLegalHold)."
  }
}

run "only_this_distribution_reads_the_web_bucket_over_tls" {
  command = plan

  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.web_read.statement : anytrue([
        for c in s.condition : c.test == "StringEquals" && c.variable == "AWS:SourceArn" && toset(c.values) == toset(["arn:aws:cloudfront::111122223333:distribution/E2EXAMPLE"])
      ])
    ])
    error_message = "The web bucket admits CloudFront only with AWS:SourceArn = this distribution."
  }

  assert {
    condition     = anytrue([for s in data.aws_iam_policy_document.web_tls_only.statement : s.effect == "Deny" && anytrue([for c in s.condition : c.variable == "aws:SecureTransport"])])
    error_message = "The web bucket denies requests without TLS."
  }
}

run "the_csp_is_strict_and_pins_the_api_when_known" {
  command = plan

  variables {
    api_base_url = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/api"
  }

  assert {
    condition     = strcontains(local.content_security_policy, "connect-src 'self' https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com https://cognito-idp.eu-west-1.amazonaws.com;")
    error_message = "connect-src names only self, the API origin and the Cognito endpoint."
  }

  assert {
    condition     = alltrue([for directive in ["default-src 'none'", "script-src 'self'", "frame-ancestors 'none'", "base-uri 'none'"] : strcontains(local.content_security_policy, directive)])
    error_message = "The CSP keeps default-src 'none', script-src 'self', frame-ancestors 'none' and base-uri 'none'."
  }

  assert {
    condition     = !strcontains(local.content_security_policy, "unsafe")
    error_message = "The CSP allows no unsafe-inline or unsafe-eval."
  }
}

run "sign_in_is_admin_created_with_a_public_client_and_short_tokens" {
  command = plan

  assert {
    condition     = aws_cognito_user_pool.this[0].admin_create_user_config[0].allow_admin_create_user_only
    error_message = "Only admins create console users."
  }

  assert {
    condition     = !aws_cognito_user_pool_client.this[0].generate_secret && toset(aws_cognito_user_pool_client.this[0].explicit_auth_flows) == toset(["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    error_message = "The browser's app client has no secret and only password and refresh-token sign-in."
  }

  assert {
    condition     = aws_cognito_user_pool_client.this[0].access_token_validity == 15
    error_message = "Access tokens live 15 minutes by default."
  }
}

run "a_console_user_in_an_unknown_group_is_refused" {
  command = plan

  variables {
    console_users = { eve = { email = "eve@example.com", group = "root" } }
  }

  expect_failures = [var.console_users]
}

run "an_owner_without_an_owner_id_is_refused" {
  command = plan

  variables {
    console_users = { olive = { email = "olive@example.com", group = "owners" } }
  }

  expect_failures = [var.console_users]
}

run "disabled_creates_nothing" {
  command = plan

  variables {
    create = false
  }

  assert {
    condition     = length(aws_cognito_user_pool.this) == 0 && length(aws_cloudfront_distribution.this) == 0 && length(aws_dynamodb_table.trail) == 0
    error_message = "create = false plans no console resource."
  }
}
