variable "create" {
  description = "Whether to create any resource in this module."
  type        = bool
  default     = true
}

variable "bucket_name" {
  description = "Name of the prompts bucket. Null lets AWS pick a unique name from bucket_name_prefix."
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
  default     = "callrec-prompts-"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{0,36}$", var.bucket_name_prefix))
    error_message = "bucket_name_prefix must be at most 37 lowercase letters, digits, dots or hyphens, starting with a letter or digit."
  }
}

variable "prompts_dir" {
  description = "Directory whose *.wav files are uploaded as prompts (key = file name). Null uploads nothing."
  type        = string
  default     = null
}

variable "sip_media_application_arns" {
  description = "ARNs of the SIP media applications allowed to read prompts (aws:SourceArn of the Chime Voice Connector service principal)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.sip_media_application_arns : can(regex("^arn:aws[a-z-]*:chime:[a-z0-9-]+:[0-9]{12}:sma/[A-Za-z0-9-]+$", arn))])
    error_message = "Each SIP media application ARN must look like arn:aws:chime:REGION:ACCOUNT:sma/ID."
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

variable "force_destroy" {
  description = "Allow terraform destroy to delete the bucket with its objects."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}
