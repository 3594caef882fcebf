variable "create" {
  description = "Whether to create any resource in this module."
  type        = bool
  default     = true
}

variable "name_prefix" {
  description = "Prefix of every resource name (user pool, tables, bucket, roles)."
  type        = string
  default     = "callrec"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,31}$", var.name_prefix))
    error_message = "name_prefix must be 1-32 lowercase letters, digits or hyphens, starting with a letter or digit."
  }
}

variable "api_handler_function_name" {
  description = "Name of the Lambda function that serves the console's routes (Chalice's api_handler); names its log group."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.api_handler_function_name))
    error_message = "api_handler_function_name must be 1-64 letters, digits, hyphens or underscores (a Lambda function name)."
  }
}

variable "api_base_url" {
  description = "HTTPS base URL of the console API (the API Gateway stage or its custom domain). Written to config.json and pins the CSP's connect-src; null allows this Region's execute-api hosts instead."
  type        = string
  default     = null

  validation {
    condition     = var.api_base_url == null || can(regex("^https://[A-Za-z0-9.-]+(/[A-Za-z0-9._~/-]*)?$", var.api_base_url))
    error_message = "api_base_url must be an https:// URL without query or fragment."
  }
}

variable "rest_api_id" {
  description = "Id of the API Gateway REST API that serves the console (from the packaged Chalice app); null skips the stage throttling settings."
  type        = string
  default     = null
}

variable "throttle_api_stage" {
  description = "Whether to apply the throttling limits to rest_api_id's stage; null: whether rest_api_id is set. A bool known at plan time, because the packaged REST API's id is not on a first apply and a count may not depend on it."
  type        = bool
  default     = null
}

variable "api_stage_name" {
  description = "Stage of rest_api_id the throttling limits apply to (Chalice deploys stage \"api\")."
  type        = string
  default     = "api"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,128}$", var.api_stage_name))
    error_message = "api_stage_name must be 1-128 letters, digits, hyphens or underscores."
  }
}

variable "throttling_rate_limit" {
  description = "Steady-state requests per second API Gateway admits across every console route."
  type        = number
  default     = 25

  validation {
    condition     = var.throttling_rate_limit > 0 && var.throttling_rate_limit <= 10000
    error_message = "throttling_rate_limit must be above 0 and at most 10000 (the account's default Regional limit)."
  }
}

variable "throttling_burst_limit" {
  description = "Requests API Gateway admits in a burst across every console route."
  type        = number
  default     = 50

  validation {
    condition     = var.throttling_burst_limit >= 1 && var.throttling_burst_limit <= 5000 && floor(var.throttling_burst_limit) == var.throttling_burst_limit
    error_message = "throttling_burst_limit must be a whole number from 1 to 5000."
  }
}

variable "call_records_table_arn" {
  description = "ARN of the call records table (read, and deleted from, by the console)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]+$", var.call_records_table_arn))
    error_message = "call_records_table_arn must be a DynamoDB table ARN."
  }
}

variable "owner_directory_table_arn" {
  description = "ARN of the owner directory table (OWNER_DIRECTORY_TABLE); null for the single-owner configuration (a directory of one)."
  type        = string
  default     = null

  validation {
    condition     = var.owner_directory_table_arn == null || can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]+$", var.owner_directory_table_arn))
    error_message = "owner_directory_table_arn must be a DynamoDB table ARN or null."
  }
}

variable "recordings_bucket_arn" {
  description = "ARN of the recordings bucket (recordings, transcripts and reports)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.recordings_bucket_arn))
    error_message = "recordings_bucket_arn must be an S3 bucket ARN."
  }
}

variable "recordings_kms_key_arn" {
  description = "ARN of the recordings bucket's KMS key; null when the bucket uses SSE-S3."
  type        = string
  default     = null
}

variable "object_lock_enabled" {
  description = "Whether the recordings bucket has Object Lock: admins may then set and clear legal holds."
  type        = bool
  default     = false
}

variable "recordings_prefix" {
  description = "Key prefix of the recordings (RECORDINGS_PREFIX)."
  type        = string
  default     = "recordings"

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*$", var.recordings_prefix))
    error_message = "recordings_prefix must be S3 key segments without leading or trailing slashes."
  }
}

variable "transcripts_prefix" {
  description = "Key prefix of the transcripts (TRANSCRIPTS_PREFIX)."
  type        = string
  default     = "transcriptions"

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*$", var.transcripts_prefix))
    error_message = "transcripts_prefix must be S3 key segments without leading or trailing slashes."
  }
}

variable "reports_prefix" {
  description = "Key prefix of the Word reports (REPORTS_PREFIX)."
  type        = string
  default     = "reports"

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*$", var.reports_prefix))
    error_message = "reports_prefix must be S3 key segments without leading or trailing slashes."
  }
}

variable "sip_media_application_arn" {
  description = "ARN of the SIP media application whose live calls the console may control (UpdateSipMediaApplicationCall); null disables recording control."
  type        = string
  default     = null

  validation {
    condition     = var.sip_media_application_arn == null || can(regex("^arn:aws[a-z-]*:chime:[a-z0-9-]+:[0-9]{12}:sma/[A-Za-z0-9-]+$", var.sip_media_application_arn))
    error_message = "sip_media_application_arn must be a SIP media application ARN (arn:aws:chime:<region>:<account>:sma/<id>) or null."
  }
}

variable "web_dir" {
  description = "Directory of the console's static files (web/console in the repository); every file under it is uploaded with its content type. Null uploads nothing but config.json."
  type        = string
  default     = null
}

variable "console_users" {
  description = "Console users to create, keyed by user name: email (where Cognito sends the temporary password), group (admins or owners) and, for owners, the owner id in the owner directory."
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

  validation {
    condition     = alltrue([for name, user in var.console_users : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", user.email))])
    error_message = "Each console user needs an email address (Cognito sends the temporary password there)."
  }

  validation {
    condition     = alltrue([for name, user in var.console_users : can(regex("^[A-Za-z0-9._-]{1,128}$", name))])
    error_message = "Console user names must be 1-128 letters, digits, dots, hyphens or underscores."
  }

  validation {
    condition     = alltrue([for name, user in var.console_users : user.group != "owners" || try(length(user.owner_id) > 0, false)])
    error_message = "Each owner needs an owner_id (its entry in the owner directory; \"default\" for the single-owner configuration)."
  }
}

variable "mfa_configuration" {
  description = "TOTP multi-factor sign-in: OFF, OPTIONAL (each user may enrol an authenticator app) or ON (every user must)."
  type        = string
  default     = "OPTIONAL"

  validation {
    condition     = contains(["OFF", "OPTIONAL", "ON"], var.mfa_configuration)
    error_message = "mfa_configuration must be OFF, OPTIONAL or ON."
  }
}

variable "password_minimum_length" {
  description = "Minimum length of console passwords (upper and lower case, digits and symbols are always required)."
  type        = number
  default     = 14

  validation {
    condition     = var.password_minimum_length >= 12 && var.password_minimum_length <= 99
    error_message = "password_minimum_length must be from 12 to 99 (Cognito allows 6 to 99; below 12 is weak)."
  }
}

variable "access_token_validity_minutes" {
  description = "Lifetime of access and ID tokens. Short, because a revoked access token still verifies until it expires."
  type        = number
  default     = 15

  validation {
    condition     = var.access_token_validity_minutes >= 5 && var.access_token_validity_minutes <= 60
    error_message = "access_token_validity_minutes must be from 5 (Cognito's minimum) to 60."
  }
}

variable "refresh_token_validity_hours" {
  description = "Lifetime of refresh tokens: how long a browser session lasts without signing in again."
  type        = number
  default     = 12

  validation {
    condition     = var.refresh_token_validity_hours >= 1 && var.refresh_token_validity_hours <= 720
    error_message = "refresh_token_validity_hours must be from 1 to 720 (30 days)."
  }
}

variable "link_expiry_seconds" {
  description = "Lifetime of the presigned recording, transcript and report links the API mints (CONSOLE_LINK_EXPIRY_SECONDS)."
  type        = number
  default     = 300

  validation {
    condition     = var.link_expiry_seconds >= 60 && var.link_expiry_seconds <= 900
    error_message = "link_expiry_seconds must be from 60 to 900 (15 minutes)."
  }
}

variable "price_class" {
  description = "CloudFront price class of the console's distribution."
  type        = string
  default     = "PriceClass_100"

  validation {
    condition     = contains(["PriceClass_100", "PriceClass_200", "PriceClass_All"], var.price_class)
    error_message = "price_class must be PriceClass_100, PriceClass_200 or PriceClass_All."
  }
}

variable "deletion_protection" {
  description = "Protect the user pool and the access trail table from deletion."
  type        = bool
  default     = true
}

variable "log_retention_days" {
  description = "Retention of the API handler's CloudWatch log group."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ... 3653)."
  }
}

variable "tags" {
  description = "Tags for every resource that takes them."
  type        = map(string)
  default     = {}
}
