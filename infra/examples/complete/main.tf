# Every optional part switched on: a customer managed KMS key, Object Lock with a default
# retention, a SIP media application with a phone number routed to it, report subscriptions,
# the media insights hooks, and, for each module that supports it, a disabled instance
# (create = false) that must plan to nothing.

provider "aws" {
  region = "us-east-1"
}

locals {
  tags = {
    project     = "callrec"
    environment = "complete-example"
  }
}

module "callrec" {
  source = "../.."

  name_prefix   = "callrec-full"
  chalice_stage = "prod"
  tags          = local.tags

  recordings_bucket_name = "callrec-full-recordings-example"
  recordings_prefix      = "calls/recordings"
  transcripts_prefix     = "calls/transcriptions"
  reports_prefix         = "calls/reports"
  retention_days         = 2555
  create_kms_key         = true
  object_lock_enabled    = true
  object_lock_default_retention = {
    mode = "GOVERNANCE"
    days = 30
  }

  sma_handler_lambda_arn = "arn:aws:lambda:us-east-1:111122223333:function:callrec-prod-sma_handler"
  sma_region             = "us-east-1"
  phone_numbers          = ["+12065550100"]
  owner_phone_number     = "+12065550199"

  transcribe_language_code   = "en-GB"
  transcribe_redaction       = "pii"
  transcribe_vocabulary_name = "callrec-terms"
  notification_subscriptions = [
    { protocol = "email", endpoint = "recordings@example.com" },
  ]
  call_records_retention_days = 730
  log_retention_days          = 90

  enable_media_insights = true
  voice_connector_arns  = ["arn:aws:chime:us-east-1:111122223333:vc/abcdefghijklmnopqrstuv"]
  extra_function_environment = {
    LOG_LEVEL = "INFO"
  }

  enable_console       = true
  console_api_base_url = "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/api"
  console_users = {
    ada   = { email = "ada@example.com", group = "admins" }
    olive = { email = "olive@example.com", group = "owners", owner_id = "default" }
  }
}

# Disabled instances: the create flag turns a module into a no-op (for example per environment).
module "recording_bucket_disabled" {
  source = "../../modules/recording-bucket"

  create = false
}

module "prompts_bucket_disabled" {
  source = "../../modules/prompts-bucket"

  create = false
}

module "sip_media_application_disabled" {
  source = "../../modules/sip-media-application"

  create = false
}

module "call_analytics_disabled" {
  source = "../../modules/call-analytics"

  create = false
}

module "console_disabled" {
  source = "../../modules/console"

  create                    = false
  api_handler_function_name = "callrec-prod-api_handler"
  call_records_table_arn    = "arn:aws:dynamodb:us-east-1:111122223333:table/callrec-call-records"
  recordings_bucket_arn     = "arn:aws:s3:::callrec-full-recordings-example"
}
