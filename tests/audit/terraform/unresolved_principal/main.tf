# The principal's type comes from a variable without a value: the statement cannot be read, so
# it must be named (CR063), not called malformed (CR060) or unconfined.
variable "principal_type" {
  description = "Principal type."
  type        = string
}

resource "aws_s3_bucket" "this" {
  bucket = "unresolved-principal"
}

data "aws_iam_policy_document" "this" {
  statement {
    sid       = "Grant"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.this.arn}/*"]
    principals {
      type        = var.principal_type
      identifiers = ["transcribe.amazonaws.com"]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.this.json
}
