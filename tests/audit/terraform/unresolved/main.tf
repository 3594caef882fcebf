# The SIP media application ARNs come from a variable without a default: the auditor must say
# so, not guess, and must not claim the conditions are missing.
variable "sma_arns" {
  description = "SIP media application ARNs."
  type        = list(string)
}

variable "extra_conditions" {
  description = "More conditions."
  type        = list(any)
}

resource "aws_s3_bucket" "this" {
  bucket = "unresolved-recordings"
}

data "aws_iam_policy_document" "this" {
  statement {
    sid       = "ChimeWrite"
    actions   = ["s3:PutObject", "s3:PutObjectAcl"]
    resources = ["${aws_s3_bucket.this.arn}/*"]
    principals {
      type        = "Service"
      identifiers = ["voiceconnector.chime.amazonaws.com"]
    }
    dynamic "condition" {
      for_each = var.extra_conditions
      content {
        test     = condition.value.test
        variable = condition.value.variable
        values   = var.sma_arns
      }
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.this.json
}
