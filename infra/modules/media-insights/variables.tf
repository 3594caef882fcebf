variable "create" {
  description = "Whether to create any resource in this module."
  type        = bool
  default     = true
}

variable "name_prefix" {
  description = "Prefix of every resource name (the configuration, stream, rules, roles, Glue database)."
  type        = string
  default     = "callrec"

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9-]{0,31}$", var.name_prefix))
    error_message = "name_prefix must be 1-32 letters, digits or hyphens, starting with a letter."
  }
}

# --- Voice Connector -----------------------------------------------------------------------

variable "voice_connector_id" {
  description = "Id of an existing Voice Connector to stream from. Null creates one (voice_connector_name, voice_connector_region)."
  type        = string
  default     = null

  validation {
    condition     = var.voice_connector_id == null || can(regex("^[a-z0-9]{1,64}$", var.voice_connector_id))
    error_message = "voice_connector_id must be a Voice Connector id such as abcdef1ghij2klmno3pqr4 (lowercase letters and digits)."
  }
}

variable "voice_connector_name" {
  description = "Name of the Voice Connector created when voice_connector_id is null."
  type        = string
  default     = "callrec-recording"
}

variable "voice_connector_region" {
  description = "AWS Region of the Voice Connector created when voice_connector_id is null; null uses the provider's region."
  type        = string
  default     = null
}

variable "data_retention_hours" {
  description = "Hours the Voice Connector's Kinesis video streams keep media. Recording reads the streams after the call, so it must be greater than 0; keep a margin for retries."
  type        = number
  default     = 24

  validation {
    condition     = var.data_retention_hours > 0 && floor(var.data_retention_hours) == var.data_retention_hours
    error_message = "data_retention_hours must be a whole number greater than 0: media insights recording reads the Kinesis video streams, which keep no media with a retention of 0."
  }
}

variable "pipeline_start_mode" {
  description = "Who starts the media insights pipeline: \"lambda\" (the media_insights_streaming_status function on streaming events, per call, with runtime overrides) or \"voice_connector\" (the configuration is associated with the Voice Connector streaming configuration and every call is recorded by the service)."
  type        = string
  default     = "lambda"

  validation {
    condition     = contains(["lambda", "voice_connector"], var.pipeline_start_mode)
    error_message = "pipeline_start_mode must be \"lambda\" or \"voice_connector\"."
  }
}

# --- Recording sink ------------------------------------------------------------------------

variable "recordings_bucket_arn" {
  description = "ARN of the recordings bucket (the recording-bucket module's bucket_arn)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.recordings_bucket_arn))
    error_message = "recordings_bucket_arn must be an S3 bucket ARN such as arn:aws:s3:::my-recordings."
  }
}

variable "recordings_prefix" {
  description = "Key prefix of the recordings bucket the S3 recording sink writes under; objects are <prefix>/<voiceConnectorId>/<transactionId>_<timestamp>.wav|.ogg. No leading or trailing slash."
  type        = string
  default     = "recordings"

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*$", var.recordings_prefix))
    error_message = "recordings_prefix must be a non-empty S3 key prefix without a leading or trailing slash."
  }
}

variable "recordings_kms_key_arn" {
  description = "Customer managed KMS key of the recordings bucket (SSE-KMS), or null for SSE-S3. The resource access role may generate data keys with it."
  type        = string
  default     = null

  validation {
    condition     = var.recordings_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.recordings_kms_key_arn))
    error_message = "recordings_kms_key_arn must be a KMS key ARN (not an alias)."
  }
}

variable "recording_file_format" {
  description = "File format of recordings: Wav (16-bit PCM, stereo) or Opus (Ogg/Opus). The AWS provider cannot set it on the configuration, so it is applied per pipeline through the S3RecordingSinkRuntimeConfiguration (lambda start mode)."
  type        = string
  default     = "Wav"

  validation {
    condition     = contains(["Wav", "Opus"], var.recording_file_format)
    error_message = "recording_file_format must be \"Wav\" or \"Opus\"."
  }
}

variable "fragment_selector_type" {
  description = "Timestamp origin of the recording source's fragment selector: ProducerTimestamp (the Voice Connector's clock, as in its streaming events) or ServerTimestamp."
  type        = string
  default     = "ProducerTimestamp"

  validation {
    condition     = contains(["ProducerTimestamp", "ServerTimestamp"], var.fragment_selector_type)
    error_message = "fragment_selector_type must be ProducerTimestamp or ServerTimestamp."
  }
}

# --- Kinesis data stream sink --------------------------------------------------------------

variable "metadata_stream_name" {
  description = "Name of the Kinesis data stream receiving recording metadata. Null uses <name_prefix>-media-insights-metadata (the Chalice app's default MEDIA_INSIGHTS_METADATA_STREAM)."
  type        = string
  default     = null

  validation {
    condition     = var.metadata_stream_name == null || can(regex("^[A-Za-z0-9_.-]{1,128}$", var.metadata_stream_name))
    error_message = "metadata_stream_name must be 1-128 letters, digits, underscores, dots or hyphens."
  }
}

variable "metadata_stream_retention_hours" {
  description = "Retention of the metadata stream (24-8760 hours): how long a failing consumer can catch up."
  type        = number
  default     = 24

  validation {
    condition     = var.metadata_stream_retention_hours >= 24 && var.metadata_stream_retention_hours <= 8760
    error_message = "metadata_stream_retention_hours must be between 24 and 8760."
  }
}

variable "kms_key_arn" {
  description = "Customer managed KMS key encrypting the metadata stream, the failure queue and the warehouse delivery. Null uses the AWS managed keys (alias/aws/kinesis, SQS managed SSE)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (not an alias)."
  }
}

# --- Functions (the Chalice app's media insights section) ----------------------------------

variable "lambda_function_names" {
  description = "Deployed names of the four functions, keyed by Chalice function name (media_insights_streaming_status, media_insights_state_change, media_insights_recording_metadata, stop_media_insights_pipeline)."
  type        = map(string)
  default     = {}

  validation {
    condition = alltrue([for key in keys(var.lambda_function_names) : contains([
      "media_insights_streaming_status", "media_insights_state_change",
      "media_insights_recording_metadata", "stop_media_insights_pipeline",
    ], key)])
    error_message = "lambda_function_names keys must be Chalice function names of the media insights section."
  }
}

variable "wire_event_sources" {
  description = "Create the EventBridge targets, invoke permissions and the Kinesis event source mapping (with ReportBatchItemFailures) for the functions in lambda_function_names. Turn off when the packager creates them."
  type        = bool
  default     = true
}

variable "dead_letter_queue_arn" {
  description = "SQS queue for events EventBridge could not deliver to the functions (the call-analytics module's dead_letter_queue_arn; its policy admits rules named <name_prefix>-*). Null: no dead-letter queue."
  type        = string
  default     = null

  validation {
    condition     = var.dead_letter_queue_arn == null || can(regex("^arn:aws[a-z-]*:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+$", var.dead_letter_queue_arn))
    error_message = "dead_letter_queue_arn must be an SQS queue ARN."
  }
}

variable "dead_letter_queue_kms_key_arn" {
  description = "KMS key of the dead-letter queue when it is encrypted with a customer managed key (null for SQS-managed SSE, as the call-analytics module's queue is)."
  type        = string
  default     = null

  validation {
    condition     = var.dead_letter_queue_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:", var.dead_letter_queue_kms_key_arn))
    error_message = "dead_letter_queue_kms_key_arn must be a KMS key ARN."
  }
}

variable "call_records_table_arn" {
  description = "ARN of the call records table the functions update; null skips the function roles' table statement."
  type        = string
  default     = null
}

variable "event_source_max_retries" {
  description = "Retries of a failing Kinesis batch (partial batch responses retry only from the failed record) before it goes to the failure queue."
  type        = number
  default     = 5

  validation {
    condition     = var.event_source_max_retries >= 0 && var.event_source_max_retries <= 10000
    error_message = "event_source_max_retries must be between 0 and 10000."
  }
}

variable "log_retention_days" {
  description = "Retention of the functions' log groups."
  type        = number
  default     = 30
}

# --- Data warehouse ------------------------------------------------------------------------

variable "enable_data_warehouse" {
  description = "Deliver recording metadata (SIPREC included) and pipeline events into S3 with Firehose, described by Glue tables (the call analytics data warehouse)."
  type        = bool
  default     = false
}

variable "warehouse_bucket_arn" {
  description = "Bucket of the data warehouse; null uses the recordings bucket."
  type        = string
  default     = null

  validation {
    condition     = var.warehouse_bucket_arn == null || can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.warehouse_bucket_arn))
    error_message = "warehouse_bucket_arn must be an S3 bucket ARN."
  }
}

variable "warehouse_prefix" {
  description = "Key prefix of the data warehouse tables. No leading or trailing slash."
  type        = string
  default     = "call-analytics-warehouse"

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*$", var.warehouse_prefix))
    error_message = "warehouse_prefix must be a non-empty S3 key prefix without a leading or trailing slash."
  }
}

variable "warehouse_kms_key_arn" {
  description = "KMS key of the warehouse bucket when it uses SSE-KMS (Firehose generates data keys with it); null for SSE-S3."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}
