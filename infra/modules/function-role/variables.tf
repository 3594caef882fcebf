variable "create" {
  description = "Whether to create the role, its policy and the log group."
  type        = bool
  default     = true
}

variable "function_name" {
  description = "Deployed name of the Lambda function (its log group is /aws/lambda/NAME)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.function_name))
    error_message = "function_name must be 1-64 letters, digits, hyphens or underscores (a Lambda function name)."
  }
}

variable "role_name" {
  description = "Name of the execution role."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.role_name))
    error_message = "role_name must be 1-64 characters of letters, digits and +=,.@_- (an IAM role name)."
  }
}

variable "policy_name" {
  description = "Name of the role's inline policy."
  type        = string
  default     = "least-privilege"

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,128}$", var.policy_name))
    error_message = "policy_name must be 1-128 characters of letters, digits and +=,.@_-."
  }
}

variable "policy_documents" {
  description = "JSON policy documents of what the function does, merged into the role's inline policy (policy_name), which role_arn waits for: grants Lambda checks at create (a stream the function's event source mapping reads) belong here."
  type        = list(string)
  default     = []

  validation {
    # Not jsondecode: the documents are only known after the data sources are read.
    condition     = alltrue([for doc in var.policy_documents : trimspace(doc) != ""])
    error_message = "Every entry of policy_documents must be a non-empty JSON policy document (aws_iam_policy_document.json)."
  }
}

variable "runtime_policy_documents" {
  description = "JSON policy documents of what the function does once it runs, none of which Lambda checks when it creates the function or its event source mappings. They form a second inline policy (runtime_policy_name) that role_arn does not wait for, so they may name resources that wait for the function, or for another function whose role is in the same map."
  type        = list(string)
  default     = []

  validation {
    # Not jsondecode: the documents are only known after the data sources are read.
    condition     = alltrue([for doc in var.runtime_policy_documents : trimspace(doc) != ""])
    error_message = "Every entry of runtime_policy_documents must be a non-empty JSON policy document (aws_iam_policy_document.json)."
  }
}

variable "runtime_policy_name" {
  description = "Name of the inline policy made of runtime_policy_documents (created only when there are any); must differ from policy_name."
  type        = string
  default     = "runtime"

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,128}$", var.runtime_policy_name))
    error_message = "runtime_policy_name must be 1-128 characters of letters, digits and +=,.@_-."
  }
}

variable "enable_tracing" {
  description = "Grant the X-Ray permissions an Active tracing_config needs."
  type        = bool
  default     = true
}

variable "grant_failure_queue" {
  description = "Whether the function sends failed events to failure_queue_arn (a dead_letter_config or an on-failure destination). A bool, not a null check, so the grant is known at plan time while the queue ARN is not."
  type        = bool
  default     = false
}

variable "failure_queue_arn" {
  description = "The SQS queue of the function's dead_letter_config or on-failure destination."
  type        = string
  default     = null

  validation {
    condition     = var.failure_queue_arn == null || can(regex("^(arn:aws[a-z-]*:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,80}(\\.fifo)?)?$", var.failure_queue_arn))
    error_message = "failure_queue_arn must be an SQS queue ARN (arn:aws:sqs:REGION:ACCOUNT:NAME)."
  }
}

variable "failure_queue_kms_key_arn" {
  description = "KMS key of the failure queue when it is encrypted with a customer managed key (null for SQS-managed SSE)."
  type        = string
  default     = null

  validation {
    condition     = var.failure_queue_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:", var.failure_queue_kms_key_arn))
    error_message = "failure_queue_kms_key_arn must be a KMS key ARN."
  }
}

variable "environment_kms_key_arn" {
  description = "Customer managed key the function's environment variables are encrypted with (its kms_key_arn); null for the AWS managed key."
  type        = string
  default     = null

  validation {
    condition     = var.environment_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:", var.environment_kms_key_arn))
    error_message = "environment_kms_key_arn must be a KMS key ARN."
  }
}

variable "log_retention_days" {
  description = "Retention of the function's log group, in days."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ...)."
  }
}

variable "tags" {
  description = "Tags of the role and the log group."
  type        = map(string)
  default     = {}
}
