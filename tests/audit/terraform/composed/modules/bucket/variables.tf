variable "bucket_name" {
  description = "Bucket name."
  type        = string
}

variable "source_arns" {
  description = "SIP media application ARNs allowed to record."
  type        = list(string)
}

variable "prefix" {
  description = "Recordings prefix."
  type        = string
  default     = "recordings"
}

variable "retention_days" {
  description = "Days to keep recordings."
  type        = number
  default     = 90
}
