variable "create" {
  description = "Whether to create any resource in this module (false leaves an inert instance, e.g. per environment)."
  type        = bool
  default     = true
}

variable "bucket_name" {
  description = "Name of the recordings bucket. Null lets AWS pick a unique name from bucket_name_prefix."
  type        = string
  default     = null

  validation {
    condition     = var.bucket_name == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be 3-63 characters of lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit."
  }
}

variable "bucket_name_prefix" {
  description = "Prefix for a generated bucket name, used when bucket_name is null."
  type        = string
  default     = "callrec-recordings-"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{0,36}$", var.bucket_name_prefix))
    error_message = "bucket_name_prefix must be at most 37 lowercase letters, digits, dots or hyphens, starting with a letter or digit."
  }
}

variable "recordings_prefix" {
  description = "Key prefix under which Chime writes recordings (the StartCallRecording Destination.Location is bucket/prefix). No leading or trailing slash."
  type        = string
  default     = "recordings"

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*$", var.recordings_prefix))
    error_message = "recordings_prefix must be a non-empty S3 key prefix without a leading or trailing slash, e.g. \"recordings\" or \"calls/recordings\"."
  }
}

variable "sip_media_application_arns" {
  description = "ARNs of the SIP media applications allowed to write recordings (aws:SourceArn of the Chime Voice Connector service principal)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.sip_media_application_arns : can(regex("^arn:aws[a-z-]*:chime:[a-z0-9-]+:[0-9]{12}:sma/[A-Za-z0-9-]+$", arn))])
    error_message = "Each SIP media application ARN must look like arn:aws:chime:REGION:ACCOUNT:sma/ID."
  }
}

variable "voice_connector_arns" {
  description = "ARNs of Voice Connectors (media insights recording path) also allowed to write recordings."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.voice_connector_arns : can(regex("^arn:aws[a-z-]*:chime:[a-z0-9-]+:[0-9]{12}:vc/[A-Za-z0-9-]+$", arn))])
    error_message = "Each Voice Connector ARN must look like arn:aws:chime:REGION:ACCOUNT:vc/ID."
  }
}

variable "source_account_id" {
  description = "Account id for the aws:SourceAccount condition. Null uses the account of the provider's credentials."
  type        = string
  default     = null

  validation {
    condition     = var.source_account_id == null || can(regex("^[0-9]{12}$", var.source_account_id))
    error_message = "source_account_id must be a 12-digit AWS account id."
  }
}

variable "kms_key_arn" {
  description = "ARN of an existing customer managed KMS key for SSE-KMS. Null (with create_kms_key = false) uses SSE-S3. Its key policy must include the statement in the chime_kms_key_policy_json output."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias."
  }
}

variable "create_kms_key" {
  description = "Create a customer managed KMS key for the bucket. Its key policy delegates to IAM in this account and lets the Chime principal, under the same conditions as the bucket policy, generate and decrypt data keys."
  type        = bool
  default     = false
}

variable "kms_key_deletion_window_in_days" {
  description = "Waiting period before a created KMS key is deleted."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_key_deletion_window_in_days >= 7 && var.kms_key_deletion_window_in_days <= 30
    error_message = "kms_key_deletion_window_in_days must be between 7 and 30."
  }
}

variable "retention_days" {
  description = "Days after which recordings (and everything else in the bucket) expire. Null keeps objects forever."
  type        = number
  default     = 365

  validation {
    condition     = var.retention_days == null || try(var.retention_days > 0 && floor(var.retention_days) == var.retention_days, false)
    error_message = "retention_days must be a whole number greater than 0, or null to keep objects forever."
  }
}

variable "noncurrent_version_retention_days" {
  description = "Days after which non-current object versions expire."
  type        = number
  default     = 30

  validation {
    condition     = var.noncurrent_version_retention_days > 0 && floor(var.noncurrent_version_retention_days) == var.noncurrent_version_retention_days
    error_message = "noncurrent_version_retention_days must be a whole number greater than 0."
  }
}

variable "versioning_enabled" {
  description = "Enable versioning (forced on when Object Lock is enabled)."
  type        = bool
  default     = true
}

variable "object_lock_enabled" {
  description = "Enable S3 Object Lock at bucket creation, so recordings can be put under legal hold. Cannot be turned off later."
  type        = bool
  default     = false
}

variable "object_lock_default_retention" {
  description = "Optional default Object Lock retention for new objects: mode GOVERNANCE or COMPLIANCE and a number of days. Requires object_lock_enabled."
  type = object({
    mode = string
    days = number
  })
  default = null

  validation {
    condition     = var.object_lock_default_retention == null || try(contains(["GOVERNANCE", "COMPLIANCE"], var.object_lock_default_retention.mode) && var.object_lock_default_retention.days > 0, false)
    error_message = "object_lock_default_retention.mode must be GOVERNANCE or COMPLIANCE and days must be greater than 0."
  }
}

variable "object_ownership" {
  description = "S3 Object Ownership. BucketOwnerEnforced disables ACLs; the bucket-owner-full-control ACL Chime may send is still accepted."
  type        = string
  default     = "BucketOwnerEnforced"

  validation {
    condition     = contains(["BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter"], var.object_ownership)
    error_message = "object_ownership must be BucketOwnerEnforced, BucketOwnerPreferred or ObjectWriter."
  }
}

variable "force_destroy" {
  description = "Allow terraform destroy to delete a bucket that still holds recordings. Keep false outside test accounts."
  type        = bool
  default     = false
}

variable "extra_policy_documents" {
  description = "Further bucket policy documents (JSON) merged into the composed policy, e.g. for the media insights pipeline."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}
