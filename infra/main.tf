# Root composition: one `terraform apply` here creates the buckets, the key, the call records
# table, the topic, the queue, the roles, the SIP media application and, once `callrec package`
# has written chalice.tf.json / chalice_override.tf.json next to this file, the Lambda functions.
# The region comes from the provider configuration (AWS_REGION when applied directly here).

locals {
  # Overridden by chalice_override.tf.json (written by `callrec package`): when the functions are
  # packaged into this configuration, the SIP media application points at the packaged handler.
  functions_packaged       = false
  packaged_sma_handler_arn = null

  sma_handler_lambda_arn = local.functions_packaged ? local.packaged_sma_handler_arn : var.sma_handler_lambda_arn
  deploy_sma             = var.create_sip_media_application && (local.functions_packaged || var.sma_handler_lambda_arn != null)

  # Known at plan time (a list of one unknown ARN), so the bucket policies' statement counts are.
  sma_arns = local.deploy_sma ? [module.sip_media_application.sip_media_application_arn] : []

  voice_connector_arns = var.enable_media_insights ? var.voice_connector_arns : []

  lambda_function_names = {
    sma_handler         = "${var.chalice_app_name}-${var.chalice_stage}-sma_handler"
    start_transcription = "${var.chalice_app_name}-${var.chalice_stage}-start_transcription"
    render_report       = "${var.chalice_app_name}-${var.chalice_stage}-render_report"
  }

  media_insights_function_names = var.enable_media_insights ? {
    for name in [
      "media_insights_streaming_status", "media_insights_state_change",
      "media_insights_recording_metadata", "stop_media_insights_pipeline",
    ] : name => "${var.chalice_app_name}-${var.chalice_stage}-${name}"
  } : {}

  function_role_arns = merge(
    module.call_analytics.function_role_arns,
    module.media_insights.function_role_arns,
    module.console.function_role_arns,
    var.extra_function_role_arns,
  )

  # The one mapping from infrastructure to the environment the functions read (README table).
  # `callrec chalice-config` copies the lambda_environment output into .chalice/config.json.
  function_environment = merge({
    RECORDINGS_BUCKET               = module.recording_bucket.bucket_id
    RECORDINGS_PREFIX               = var.recordings_prefix
    TRANSCRIPTS_PREFIX              = var.transcripts_prefix
    REPORTS_PREFIX                  = var.reports_prefix
    PROMPTS_BUCKET                  = module.prompts_bucket.bucket_id
    CALL_RECORDS_TABLE              = module.call_analytics.call_records_table_name == null ? "" : module.call_analytics.call_records_table_name
    CALL_RECORDS_RETENTION_DAYS     = tostring(var.call_records_retention_days)
    OWNER_PHONE_NUMBER              = var.owner_phone_number
    SMA_PHONE_NUMBER                = var.sma_phone_number
    NOTIFICATION_TOPIC_ARN          = module.call_analytics.notification_topic_arn == null ? "" : module.call_analytics.notification_topic_arn
    TRANSCRIBE_DATA_ACCESS_ROLE_ARN = module.call_analytics.transcribe_data_access_role_arn == null ? "" : module.call_analytics.transcribe_data_access_role_arn
    TRANSCRIBE_OUTPUT_KMS_KEY_ID    = module.recording_bucket.kms_key_arn == null ? "" : module.recording_bucket.kms_key_arn
    TRANSCRIBE_LANGUAGE_CODE        = var.transcribe_language_code
    TRANSCRIBE_REDACTION            = var.transcribe_redaction
    TRANSCRIBE_VOCABULARY_NAME      = var.transcribe_vocabulary_name
    REPORT_LINK_EXPIRY_SECONDS      = tostring(var.report_link_expiry_seconds)
  }, module.media_insights.lambda_environment, module.console.lambda_environment, module.owner_directory.lambda_environment, var.extra_function_environment)

  # --- call console (issue 13) ---
  # Overridden by chalice_override.tf.json when `callrec package` packaged the console's REST API
  # (the console's stage throttling applies from then on).
  packaged_rest_api_id    = null
  packaged_api_stage_name = null
}

locals {
  # The queue each module-made function role may send failed events to: `callrec package` checks
  # every packaged dead_letter_config and on-failure destination against it (lifecycle
  # precondition), so a missing grant fails the plan instead of CreateFunction.
  function_failure_queue_arns = merge(
    module.call_analytics.function_failure_queue_arns,
    module.media_insights.function_failure_queue_arns,
  )
}

module "recording_bucket" {
  source = "./modules/recording-bucket"

  bucket_name                = var.recordings_bucket_name
  bucket_name_prefix         = "${lower(var.name_prefix)}-recordings-"
  recordings_prefix          = var.recordings_prefix
  sip_media_application_arns = local.sma_arns
  voice_connector_arns       = local.voice_connector_arns
  # The media insights S3 recording sink writes as its resource access role (not as a service
  # principal): the bucket admits exactly that role under the recordings prefix.
  extra_policy_documents        = var.enable_media_insights ? [module.media_insights.recordings_bucket_policy_json] : []
  create_kms_key                = var.create_kms_key
  kms_key_arn                   = var.kms_key_arn
  retention_days                = var.retention_days
  object_lock_enabled           = var.object_lock_enabled
  object_lock_default_retention = var.object_lock_default_retention
  force_destroy                 = var.force_destroy
  tags                          = var.tags
}

module "prompts_bucket" {
  source = "./modules/prompts-bucket"

  create                     = var.create_prompts_bucket
  bucket_name_prefix         = "${lower(var.name_prefix)}-prompts-"
  prompts_dir                = coalesce(var.prompts_dir, "${path.module}/prompts")
  sip_media_application_arns = local.sma_arns
  force_destroy              = true
  tags                       = var.tags
}

module "call_analytics" {
  source = "./modules/call-analytics"

  name_prefix                = var.name_prefix
  lambda_function_names      = local.lambda_function_names
  recordings_bucket_arn      = module.recording_bucket.bucket_arn
  recordings_prefix          = var.recordings_prefix
  transcripts_prefix         = var.transcripts_prefix
  reports_prefix             = var.reports_prefix
  kms_key_arn                = module.recording_bucket.kms_key_arn
  notification_subscriptions = var.notification_subscriptions
  point_in_time_recovery     = var.point_in_time_recovery
  log_retention_days         = var.log_retention_days
  tags                       = var.tags
}

module "sip_media_application" {
  source = "./modules/sip-media-application"

  create              = local.deploy_sma
  name                = var.name_prefix
  aws_region          = var.sma_region
  lambda_function_arn = local.sma_handler_lambda_arn
  phone_numbers       = distinct(concat(var.phone_numbers, values(module.owner_directory.sma_numbers)))
  tags                = var.tags
}

module "media_insights" {
  source = "./modules/media-insights"

  create                 = var.enable_media_insights
  name_prefix            = var.name_prefix
  voice_connector_id     = var.media_insights_voice_connector_id
  data_retention_hours   = var.media_insights_data_retention_hours
  pipeline_start_mode    = var.media_insights_start_mode
  recordings_bucket_arn  = module.recording_bucket.bucket_arn
  recordings_prefix      = var.recordings_prefix
  recordings_kms_key_arn = module.recording_bucket.kms_key_arn
  recording_file_format  = var.media_insights_recording_file_format
  call_records_table_arn = module.call_analytics.call_records_table_arn
  dead_letter_queue_arn  = module.call_analytics.dead_letter_queue_arn
  lambda_function_names  = local.media_insights_function_names
  # `callrec package` turns the app's on_cw_event / on_kinesis_record into rules and mappings.
  wire_event_sources    = var.media_insights_wire_event_sources
  enable_data_warehouse = var.media_insights_enable_data_warehouse
  log_retention_days    = var.log_retention_days
  tags                  = var.tags
}

# --- Call console (issue 13): sign-in, access trail, web app hosting, the API handler's role ---
module "console" {
  source = "./modules/console"

  create                    = var.enable_console
  name_prefix               = lower(var.name_prefix)
  api_handler_function_name = "${var.chalice_app_name}-${var.chalice_stage}-api_handler"
  api_base_url              = var.console_api_base_url
  rest_api_id               = local.packaged_rest_api_id
  # Known at plan time (the stage's name is configuration), unlike the REST API's id.
  throttle_api_stage        = local.packaged_api_stage_name != null
  api_stage_name            = coalesce(local.packaged_api_stage_name, "api")
  call_records_table_arn    = module.call_analytics.call_records_table_arn
  owner_directory_table_arn = module.owner_directory.owner_directory_table_arn # null: a directory of one
  recordings_bucket_arn     = module.recording_bucket.bucket_arn
  recordings_kms_key_arn    = module.recording_bucket.kms_key_arn
  object_lock_enabled       = var.object_lock_enabled
  recordings_prefix         = var.recordings_prefix
  transcripts_prefix        = var.transcripts_prefix
  reports_prefix            = var.reports_prefix
  sip_media_application_arn = local.deploy_sma ? module.sip_media_application.sip_media_application_arn : null
  web_dir                   = coalesce(var.console_web_dir, "${path.module}/../web/console")
  console_users             = var.console_users
  mfa_configuration         = var.console_mfa_configuration
  link_expiry_seconds       = var.console_link_expiry_seconds
  log_retention_days        = var.log_retention_days
  tags                      = var.tags
}

# --- owner directory ---------------------------------------------------------------------------
# Each owner's sma_number also gets its ToPhoneNumber SIP rule from module.sip_media_application
# (phone_numbers above; distinct() because a number may be listed in both inputs).

locals {
  owner_directory_enabled = var.create_owner_directory || length(var.owners) > 0
}

module "owner_directory" {
  source = "./modules/owner-directory"

  create                  = local.owner_directory_enabled
  name_prefix             = var.name_prefix
  owners                  = var.owners
  notification_topic_arn  = module.call_analytics.notification_topic_arn
  security_event_bus_name = var.security_event_bus_name
  point_in_time_recovery  = var.point_in_time_recovery
  # Whichever module owns the function roles, the SMA handler's gets the directory grant.
  attach_sma_handler_policy = contains(keys(local.function_role_arns), "sma_handler")
  sma_handler_role_name     = try(regex("[^/]+$", local.function_role_arns["sma_handler"]), null)
  tags                      = var.tags
}
