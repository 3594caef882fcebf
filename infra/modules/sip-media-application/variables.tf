variable "create" {
  description = "Whether to create any resource in this module."
  type        = bool
  default     = true
}

variable "name" {
  description = "Name of the SIP media application."
  type        = string
  default     = "callrec"

  validation {
    condition     = can(regex("^[A-Za-z0-9 _.-]{1,256}$", var.name))
    error_message = "name must be 1-256 letters, digits, spaces, underscores, dots or hyphens."
  }
}

variable "aws_region" {
  description = "Region of the SIP media application (a Chime SDK PSTN audio region). Null uses the provider's region."
  type        = string
  default     = null

  validation {
    condition     = var.aws_region == null || contains(["us-east-1", "us-west-2", "ca-central-1", "eu-central-1", "eu-west-1", "eu-west-2", "ap-northeast-1", "ap-northeast-2", "ap-southeast-1", "ap-southeast-2"], coalesce(var.aws_region, "us-east-1"))
    error_message = "aws_region must be a Region with Amazon Chime SDK voice (us-east-1, us-west-2, ca-central-1, eu-central-1, eu-west-1, eu-west-2, ap-northeast-1, ap-northeast-2, ap-southeast-1, ap-southeast-2)."
  }
}

variable "lambda_function_arn" {
  description = "ARN of the SMA handler Lambda function (unqualified or an alias ARN)."
  type        = string
  default     = null

  validation {
    condition     = var.lambda_function_arn == null || can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$", var.lambda_function_arn))
    error_message = "lambda_function_arn must be a Lambda function ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME)."
  }
}

variable "phone_numbers" {
  description = "E.164 phone numbers (ordered with `callrec phone-number order`) that get a ToPhoneNumber SIP rule targeting this application. Empty creates no rule."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for number in var.phone_numbers : can(regex("^\\+[1-9][0-9]{6,14}$", number))])
    error_message = "Each phone number must be in E.164 form, e.g. +12065550100."
  }
}

variable "request_uri_hostnames" {
  description = "Voice Connector outbound host names that get a RequestUriHostname SIP rule targeting this application."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags applied to every resource that supports them."
  type        = map(string)
  default     = {}
}
