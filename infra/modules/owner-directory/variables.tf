variable "create" {
  description = "Whether to create any resource in this module."
  type        = bool
  default     = true
}

variable "name_prefix" {
  description = "Prefix of the table names (<prefix>-owner-directory, <prefix>-owner-usage)."
  type        = string
  default     = "callrec"

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{1,200}$", var.name_prefix))
    error_message = "name_prefix must be 1-200 letters, digits, '_', '.' or '-' (DynamoDB table name characters)."
  }
}

variable "owners" {
  description = "Owners keyed by owner id: their own phone numbers, the SMA number assigned to them, an optional PIN hash (`callrec owners hash-pin`, never a PIN), allowed destination prefixes (default: their own country code), daily dial-out limits and the console user name."
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
    condition     = alltrue([for id in keys(var.owners) : can(regex("^[a-z0-9][a-z0-9_-]{0,63}$", id))])
    error_message = "Owner ids must be 1-64 lower-case letters, digits, '-' or '_', starting with a letter or digit."
  }
  validation {
    condition = alltrue(flatten([for o in var.owners : [
      for n in concat(o.owner_numbers, [o.sma_number]) : can(regex("^\\+[1-9][0-9]{6,14}$", n))
    ]]))
    error_message = "owner_numbers and sma_number must be E.164 numbers, e.g. +12065550100."
  }
  validation {
    condition     = alltrue([for o in var.owners : length(o.owner_numbers) >= 1 && length(o.owner_numbers) <= 5 && !contains(o.owner_numbers, o.sma_number)])
    error_message = "Each owner needs 1-5 own numbers, none of them their SMA number."
  }
  validation {
    condition     = length(distinct([for o in var.owners : o.sma_number])) == length(var.owners)
    error_message = "Each owner needs their own sma_number: the SMA finds the owner by the number dialled."
  }
  validation {
    condition     = alltrue(flatten([for o in var.owners : [for p in o.allowed_prefixes : can(regex("^\\+[1-9][0-9]{0,14}$", p))]])) && alltrue([for o in var.owners : length(o.allowed_prefixes) <= 20])
    error_message = "allowed_prefixes are at most 20 E.164 prefixes such as +1 or +44."
  }
  validation {
    condition     = alltrue([for o in var.owners : o.daily_call_limit >= 0 && o.daily_call_limit <= 10000 && o.daily_minute_limit >= 0 && o.daily_minute_limit <= 100000 && floor(o.daily_call_limit) == o.daily_call_limit && floor(o.daily_minute_limit) == o.daily_minute_limit])
    error_message = "Daily limits are whole numbers: 0-10000 calls and 0-100000 minutes (0 disables dial-out)."
  }
  validation {
    condition     = alltrue([for o in var.owners : o.pin_hash == "" || can(regex("^scrypt\\$[0-9]+\\$[0-9]+\\$[0-9]+\\$[A-Za-z0-9_-]+\\$[A-Za-z0-9_-]+$", o.pin_hash))])
    error_message = "pin_hash must be the output of `callrec owners hash-pin` (scrypt$n$r$p$salt$hash), never a PIN."
  }
  validation {
    condition     = alltrue([for o in var.owners : o.console_username == "" || can(regex("^[A-Za-z0-9_.@+-]{1,128}$", o.console_username))])
    error_message = "console_username must be 1-128 letters, digits or . @ + - _."
  }
}

variable "attach_sma_handler_policy" {
  description = "Attach the SMA handler's directory policy to sma_handler_role_name (a plan-time flag: the role name may be unknown until apply)."
  type        = bool
  default     = false
}

variable "sma_handler_role_name" {
  description = "Name of the SMA handler's IAM role, which gets the directory policy when attach_sma_handler_policy is true."
  type        = string
  default     = null

  validation {
    condition     = var.sma_handler_role_name == null || can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.sma_handler_role_name))
    error_message = "sma_handler_role_name must be an IAM role name (not an ARN)."
  }
}

variable "notification_topic_arn" {
  description = "SNS topic the SMA handler publishes security events to (NOTIFICATION_TOPIC_ARN); null grants no sns:Publish."
  type        = string
  default     = null

  validation {
    condition     = var.notification_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", var.notification_topic_arn))
    error_message = "notification_topic_arn must be an SNS topic ARN."
  }
}

variable "security_event_bus_name" {
  description = "EventBridge bus the SMA handler puts security events on (SECURITY_EVENT_BUS)."
  type        = string
  default     = "default"

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,256}$", var.security_event_bus_name))
    error_message = "security_event_bus_name must be an event bus name (not an ARN)."
  }
}

variable "point_in_time_recovery" {
  description = "Enable point-in-time recovery on the directory table."
  type        = bool
  default     = true
}

variable "deletion_protection" {
  description = "Enable deletion protection on both tables."
  type        = bool
  default     = false
}

variable "table_kms_key_arn" {
  description = "Customer managed KMS key for both tables; null uses the AWS owned key."
  type        = string
  default     = null

  validation {
    condition     = var.table_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.table_kms_key_arn))
    error_message = "table_kms_key_arn must be a KMS key ARN."
  }
}

variable "tags" {
  description = "Tags applied to every resource that supports them."
  type        = map(string)
  default     = {}
}
