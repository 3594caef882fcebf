variable "name_prefix" {
  description = "Prefix of resource names (table, topic, queue, roles, rules)."
  type        = string
  default     = "callrec"

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9-]{0,31}$", var.name_prefix))
    error_message = "name_prefix must start with a letter and hold at most 32 letters, digits or hyphens."
  }

  # The buckets' generated names start with "NAME_PREFIX-recordings-" and S3 bucket_prefix
  # allows at most 37 characters (63 less the 26 Terraform appends): 25 is the longest prefix
  # every bucket name can carry. Longer ones failed in the recording-bucket module's input.
  validation {
    condition     = length(var.name_prefix) <= 25
    error_message = "name_prefix must be at most 25 characters: the generated bucket name NAME_PREFIX-recordings-<26 characters> must fit the 63 S3 allows."
  }
}

variable "chalice_app_name" {
  description = "Chalice app_name; deployed function names are APP-STAGE-FUNCTION."
  type        = string
  default     = "callrec"
}

variable "chalice_stage" {
  description = "Chalice stage the functions are deployed as."
  type        = string
  default     = "dev"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,32}$", var.chalice_stage))
    error_message = "chalice_stage must be 1-32 letters, digits, underscores or hyphens."
  }
}

variable "tags" {
  description = "Tags applied to every resource that supports them."
  type        = map(string)
  default     = {}
}

# --- recordings bucket ---------------------------------------------------------------------

variable "recordings_bucket_name" {
  description = "Name of the recordings bucket; null generates one from name_prefix."
  type        = string
  default     = null
}

variable "recordings_prefix" {
  description = "Key prefix of recordings (RECORDINGS_PREFIX), without leading or trailing slash."
  type        = string
  default     = "recordings"

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*$", var.recordings_prefix))
    error_message = "recordings_prefix must be a non-empty key prefix without a leading or trailing slash."
  }
}

variable "transcripts_prefix" {
  description = "Key prefix of Transcribe output (TRANSCRIPTS_PREFIX)."
  type        = string
  default     = "transcriptions"
}

variable "reports_prefix" {
  description = "Key prefix of the Word reports (REPORTS_PREFIX)."
  type        = string
  default     = "reports"
}

variable "retention_days" {
  description = "Days after which recordings, transcripts and reports expire; null keeps them."
  type        = number
  default     = 365

  validation {
    condition     = var.retention_days == null || try(var.retention_days > 0, false)
    error_message = "retention_days must be greater than 0, or null."
  }
}

variable "create_kms_key" {
  description = "Encrypt the recordings bucket (and Transcribe output) with a customer managed KMS key created here."
  type        = bool
  default     = false
}

variable "kms_key_arn" {
  description = "Existing customer managed KMS key for the recordings bucket (its policy must admit the Chime principal; see the recording-bucket module)."
  type        = string
  default     = null
}

variable "object_lock_enabled" {
  description = "Enable S3 Object Lock on the recordings bucket for legal holds (only at creation)."
  type        = bool
  default     = false
}

variable "object_lock_default_retention" {
  description = "Optional default Object Lock retention (mode GOVERNANCE or COMPLIANCE, days)."
  type = object({
    mode = string
    days = number
  })
  default = null
}

variable "force_destroy" {
  description = "Let terraform destroy delete buckets that still hold objects (test accounts only)."
  type        = bool
  default     = false
}

# --- prompts ---------------------------------------------------------------------------------

variable "create_prompts_bucket" {
  description = "Create the prompts bucket and upload the prompt WAV files."
  type        = bool
  default     = true
}

variable "prompts_dir" {
  description = "Directory of the prompt WAV files; null means infra/prompts."
  type        = string
  default     = null
}

# --- SIP media application -----------------------------------------------------------------

variable "create_sip_media_application" {
  description = "Create the SIP media application (needs the SMA handler: packaged with callrec package, or sma_handler_lambda_arn)."
  type        = bool
  default     = true
}

variable "sma_handler_lambda_arn" {
  description = "ARN of an SMA handler deployed outside Terraform (chalice deploy). Ignored when the functions are packaged into this configuration."
  type        = string
  default     = null
}

variable "sma_region" {
  description = "Region of the SIP media application; null uses the provider's region."
  type        = string
  default     = null
}

variable "phone_numbers" {
  description = "E.164 numbers (from callrec phone-number order) routed to the SIP media application by ToPhoneNumber SIP rules."
  type        = list(string)
  default     = []
}

variable "owner_phone_number" {
  description = "E.164 number of the owner (OWNER_PHONE_NUMBER): calls from it dial out, calls to the SMA number are bridged to it."
  type        = string
  default     = ""

  validation {
    condition     = var.owner_phone_number == "" || can(regex("^\\+[1-9][0-9]{6,14}$", var.owner_phone_number))
    error_message = "owner_phone_number must be in E.164 form, e.g. +12065550100, or empty."
  }
}

variable "sma_phone_number" {
  description = "E.164 caller id for the owner's outbound calls (SMA_PHONE_NUMBER); empty uses the number the owner dialled."
  type        = string
  default     = ""

  validation {
    condition     = var.sma_phone_number == "" || can(regex("^\\+[1-9][0-9]{6,14}$", var.sma_phone_number))
    error_message = "sma_phone_number must be in E.164 form, e.g. +12065550100, or empty."
  }
}

# --- post-call analytics ---------------------------------------------------------------------

variable "call_records_retention_days" {
  description = "Days a call record lives before DynamoDB's TTL removes it (CALL_RECORDS_RETENTION_DAYS)."
  type        = number
  default     = 365

  validation {
    condition     = var.call_records_retention_days > 0
    error_message = "call_records_retention_days must be greater than 0."
  }
}

variable "transcribe_language_code" {
  description = "Language of the calls (TRANSCRIBE_LANGUAGE_CODE), e.g. en-US."
  type        = string
  default     = "en-US"

  validation {
    condition     = can(regex("^[a-z]{2}-[A-Z]{2}$", var.transcribe_language_code))
    error_message = "transcribe_language_code must look like en-US."
  }
}

variable "transcribe_redaction" {
  description = "PII redaction of transcripts (TRANSCRIBE_REDACTION): off, pii (redacted) or pii-and-unredacted (both)."
  type        = string
  default     = "off"

  validation {
    condition     = contains(["off", "pii", "pii-and-unredacted"], var.transcribe_redaction)
    error_message = "transcribe_redaction must be off, pii or pii-and-unredacted."
  }
}

variable "report_link_expiry_seconds" {
  description = "Lifetime of the presigned report links (REPORT_LINK_EXPIRY_SECONDS); S3 caps SigV4 links at 7 days."
  type        = number
  default     = 604800

  validation {
    condition     = var.report_link_expiry_seconds >= 1 && var.report_link_expiry_seconds <= 604800
    error_message = "report_link_expiry_seconds must be between 1 and 604800 (7 days)."
  }
}

variable "transcribe_vocabulary_name" {
  description = "Custom vocabulary name for Transcribe (TRANSCRIBE_VOCABULARY_NAME); empty for none."
  type        = string
  default     = ""
}

variable "notification_subscriptions" {
  description = "Subscriptions to the report topic, e.g. [{ protocol = \"email\", endpoint = \"me@example.com\" }]."
  type = list(object({
    protocol = string
    endpoint = string
  }))
  default = []
}

variable "point_in_time_recovery" {
  description = "Point-in-time recovery on the call records table."
  type        = bool
  default     = true
}

variable "log_retention_days" {
  description = "Retention of the functions' log groups."
  type        = number
  default     = 30
}

# --- media insights (issue 7) hooks ---------------------------------------------------------

variable "enable_media_insights" {
  description = "Turn on the Voice Connector + media insights recording path; its Voice Connectors may then write recordings."
  type        = bool
  default     = false
}

variable "voice_connector_arns" {
  description = "Voice Connector ARNs allowed (with enable_media_insights) to write into the recordings bucket."
  type        = list(string)
  default     = []
}

variable "media_insights_voice_connector_id" {
  description = "Existing Voice Connector to record through media insights; null creates one (with enable_media_insights)."
  type        = string
  default     = null
}

variable "media_insights_start_mode" {
  description = "Who starts media insights pipelines: \"lambda\" (per call, from streaming events) or \"voice_connector\" (every call, by the service)."
  type        = string
  default     = "lambda"
}

variable "media_insights_recording_file_format" {
  description = "Recording file format of the media insights path: Wav or Opus."
  type        = string
  default     = "Wav"
}

variable "media_insights_data_retention_hours" {
  description = "Retention of the Voice Connector's Kinesis video streams (must be > 0 for recording)."
  type        = number
  default     = 24
}

variable "media_insights_wire_event_sources" {
  description = "Let the media-insights module create the functions' EventBridge targets and Kinesis mapping (off when `callrec package` generates them)."
  type        = bool
  default     = false
}

variable "media_insights_enable_data_warehouse" {
  description = "Glue tables and Firehose delivery of the call analytics data warehouse."
  type        = bool
  default     = false
}

variable "extra_function_environment" {
  description = "Extra environment variables for every packaged function."
  type        = map(string)
  default     = {}
}

variable "extra_function_role_arns" {
  description = "Roles of packaged functions beyond the three core ones, keyed by Chalice function name."
  type        = map(string)
  default     = {}
}

# --- Call console (issue 13) ---

variable "enable_console" {
  description = "Create the call console: Cognito sign-in, the access trail, the web app on CloudFront and the API handler's role (the routes are the Chalice app's)."
  type        = bool
  default     = false
}

variable "console_users" {
  description = "Console users to create, keyed by user name: email, group (admins or owners) and, for owners, owner_id (\"default\" in the single-owner configuration)."
  type = map(object({
    email    = string
    group    = string
    owner_id = optional(string)
  }))
  default = {}

  validation {
    condition     = alltrue([for name, user in var.console_users : contains(["admins", "owners"], user.group)])
    error_message = "Each console user's group must be admins or owners."
  }
}

variable "console_api_base_url" {
  description = "HTTPS base URL of the console API (its API Gateway stage or custom domain): written to the web app's config.json and pinned in its CSP. Null until known (the CSP then allows this Region's execute-api hosts)."
  type        = string
  default     = null

  validation {
    condition     = var.console_api_base_url == null || can(regex("^https://", var.console_api_base_url))
    error_message = "console_api_base_url must start with https://."
  }
}

variable "console_web_dir" {
  description = "Directory of the console's static files; null uses web/console of this repository."
  type        = string
  default     = null
}

variable "console_mfa_configuration" {
  description = "TOTP multi-factor sign-in for the console: OFF, OPTIONAL or ON."
  type        = string
  default     = "OPTIONAL"

  validation {
    condition     = contains(["OFF", "OPTIONAL", "ON"], var.console_mfa_configuration)
    error_message = "console_mfa_configuration must be OFF, OPTIONAL or ON."
  }
}

variable "console_link_expiry_seconds" {
  description = "Lifetime of the console's presigned recording, transcript and report links (CONSOLE_LINK_EXPIRY_SECONDS)."
  type        = number
  default     = 300

  validation {
    condition     = var.console_link_expiry_seconds >= 60 && var.console_link_expiry_seconds <= 900
    error_message = "console_link_expiry_seconds must be from 60 to 900 (15 minutes)."
  }
}

# --- owner directory (a team: a number per owner, dial-out PINs and limits) ------------------

variable "owners" {
  description = "Owners keyed by owner id (see modules/owner-directory): own numbers, assigned SMA number, optional pin_hash from `callrec owners hash-pin`, allowed_prefixes, daily limits, console_username. Non-empty creates the directory, its items and one ToPhoneNumber SIP rule per sma_number; empty keeps the single-owner configuration."
  type = map(object({
    display_name       = optional(string, "")
    owner_numbers      = list(string)
    sma_number         = string
    pin_hash           = optional(string, "")
    allowed_prefixes   = optional(list(string), [])
    daily_call_limit   = optional(number, 50)
    daily_minute_limit = optional(number, 240)
    console_username   = optional(string, "")
  }))
  default = {}

  validation {
    condition     = alltrue([for id in keys(var.owners) : can(regex("^[a-z0-9][a-z0-9_-]{0,63}$", id))]) && !contains(keys(var.owners), "default")
    error_message = "Owner ids must be 1-64 lower-case letters, digits, '-' or '_'; \"default\" is the single-owner configuration's id."
  }
}

variable "create_owner_directory" {
  description = "Create the (empty) owner directory even without var.owners, to fill it with `callrec owners add`. Once it exists, only numbers in it are answered."
  type        = bool
  default     = false
}

variable "security_event_bus_name" {
  description = "EventBridge bus for the owner security events (SECURITY_EVENT_BUS: PIN lockout, refused destination, limit reached, unknown number)."
  type        = string
  default     = "default"

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,256}$", var.security_event_bus_name))
    error_message = "security_event_bus_name must be an event bus name (not an ARN)."
  }
}
