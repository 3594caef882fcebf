variable "create" {
  description = "Whether to create any resource in this module."
  type        = bool
  default     = true
}

variable "name_prefix" {
  description = "Prefix of every resource name (table, topic, queue, roles)."
  type        = string
  default     = "callrec"

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9-]{0,31}$", var.name_prefix))
    error_message = "name_prefix must start with a letter and hold at most 32 letters, digits or hyphens."
  }
}

variable "lambda_function_names" {
  description = "Deployed names of the functions this module makes roles and log groups for (Chalice names them APP-STAGE-FUNCTION)."
  type = object({
    sma_handler         = string
    start_transcription = string
    render_report       = string
  })
  default = {
    sma_handler         = "callrec-dev-sma_handler"
    start_transcription = "callrec-dev-start_transcription"
    render_report       = "callrec-dev-render_report"
  }
}

variable "recordings_bucket_arn" {
  description = "ARN of the recordings bucket (recordings, transcripts and reports live under their prefixes)."
  type        = string
  default     = ""

  validation {
    condition     = var.recordings_bucket_arn == "" || can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.recordings_bucket_arn))
    error_message = "recordings_bucket_arn must be an S3 bucket ARN (arn:aws:s3:::NAME)."
  }
}

variable "recordings_prefix" {
  description = "Key prefix of the recordings (RECORDINGS_PREFIX)."
  type        = string
  default     = "recordings"

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*$", var.recordings_prefix))
    error_message = "recordings_prefix must be a non-empty key prefix without a leading or trailing slash."
  }
}

variable "transcripts_prefix" {
  description = "Key prefix of the Transcribe output (TRANSCRIPTS_PREFIX)."
  type        = string
  default     = "transcriptions"

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*$", var.transcripts_prefix))
    error_message = "transcripts_prefix must be a non-empty key prefix without a leading or trailing slash."
  }
}

variable "reports_prefix" {
  description = "Key prefix of the Word reports (REPORTS_PREFIX)."
  type        = string
  default     = "reports"

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*$", var.reports_prefix))
    error_message = "reports_prefix must be a non-empty key prefix without a leading or trailing slash."
  }
}

variable "kms_key_arn" {
  description = "KMS key encrypting the recordings bucket (and used for Transcribe output), or null for SSE-S3."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)."
  }
}

variable "table_kms_key_arn" {
  description = "Customer managed KMS key for the call records table. Null uses the AWS owned key."
  type        = string
  default     = null

  validation {
    condition     = var.table_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.table_kms_key_arn))
    error_message = "table_kms_key_arn must be a key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)."
  }
}

variable "point_in_time_recovery" {
  description = "Enable point-in-time recovery on the call records table."
  type        = bool
  default     = true
}

variable "deletion_protection" {
  description = "Protect the call records table from deletion."
  type        = bool
  default     = false
}

variable "sns_kms_master_key_id" {
  description = "KMS key (id, ARN or alias) encrypting the notification topic."
  type        = string
  default     = "alias/aws/sns"
}

variable "notification_subscriptions" {
  description = "Subscriptions to the report notification topic (protocol email, https, sqs, lambda or sms)."
  type = list(object({
    protocol = string
    endpoint = string
  }))
  default = []

  validation {
    condition     = alltrue([for s in var.notification_subscriptions : contains(["email", "email-json", "https", "sqs", "lambda", "sms"], s.protocol)])
    error_message = "Each subscription protocol must be one of email, email-json, https, sqs, lambda, sms."
  }
}

variable "log_retention_days" {
  description = "Retention of the functions' CloudWatch log groups."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ...)."
  }
}

variable "dead_letter_retention_seconds" {
  description = "How long failed events stay in the dead-letter queue."
  type        = number
  default     = 1209600

  validation {
    condition     = var.dead_letter_retention_seconds >= 60 && var.dead_letter_retention_seconds <= 1209600
    error_message = "dead_letter_retention_seconds must be between 60 and 1209600 (14 days)."
  }
}

variable "tags" {
  description = "Tags applied to every resource that supports them."
  type        = map(string)
  default     = {}
}
