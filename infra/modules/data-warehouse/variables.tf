variable "create" {
  description = "Whether to create the data warehouse."
  type        = bool
  default     = true
}

variable "name_prefix" {
  description = "Prefix of every resource name (Glue database, delivery streams, roles)."
  type        = string
  default     = "callrec"

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9-]{0,31}$", var.name_prefix))
    error_message = "name_prefix must start with a letter and hold at most 32 letters, digits or hyphens."
  }

  # Firehose delivery stream names are 1-64 characters (Firehose API Reference,
  # CreateDeliveryStream: DeliveryStreamName); the longest here is
  # NAME_PREFIX-media-insights-metadata-warehouse (34 characters after the prefix).
  validation {
    condition     = length(var.name_prefix) <= 30
    error_message = "name_prefix must be at most 30 characters: NAME_PREFIX-media-insights-metadata-warehouse must fit the 64 characters of a Firehose delivery stream name."
  }
}

variable "metadata_stream_arn" {
  description = "Kinesis data stream carrying the recording metadata (the media insights pipeline's KinesisDataStreamSink)."
  type        = string
  default     = ""

  validation {
    condition     = var.metadata_stream_arn == "" || can(regex("^arn:aws[a-z-]*:kinesis:[a-z0-9-]+:[0-9]{12}:stream/[A-Za-z0-9_.-]+$", var.metadata_stream_arn))
    error_message = "metadata_stream_arn must be a Kinesis data stream ARN."
  }
}

variable "stream_kms_key_arn" {
  description = "KMS key of the metadata stream (and of the events delivery stream's server-side encryption); null for the AWS managed key."
  type        = string
  default     = null

  validation {
    condition     = var.stream_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:", var.stream_kms_key_arn))
    error_message = "stream_kms_key_arn must be a KMS key ARN."
  }
}

variable "state_change_rule_name" {
  description = "EventBridge rule matching the pipelines' Media Insights State Change events; its events are delivered into the warehouse."
  type        = string
  default     = ""

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{0,64}$", var.state_change_rule_name))
    error_message = "state_change_rule_name must be an EventBridge rule name (up to 64 letters, digits, dots, hyphens, underscores)."
  }
}

variable "bucket_arn" {
  description = "Bucket the warehouse tables live in."
  type        = string
  default     = ""

  validation {
    condition     = var.bucket_arn == "" || can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_arn))
    error_message = "bucket_arn must be an S3 bucket ARN."
  }
}

variable "prefix" {
  description = "Key prefix of the warehouse tables. No leading or trailing slash."
  type        = string
  default     = "call-analytics-warehouse"

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*$", var.prefix))
    error_message = "prefix must be a non-empty S3 key prefix without a leading or trailing slash."
  }
}

variable "bucket_kms_key_arn" {
  description = "KMS key of the warehouse bucket when it uses SSE-KMS (Firehose generates data keys with it); null for SSE-S3."
  type        = string
  default     = null

  validation {
    condition     = var.bucket_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:", var.bucket_kms_key_arn))
    error_message = "bucket_kms_key_arn must be a KMS key ARN."
  }
}

variable "tags" {
  description = "Tags applied to every resource that takes tags."
  type        = map(string)
  default     = {}
}
