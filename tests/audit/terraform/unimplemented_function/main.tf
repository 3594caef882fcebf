# The resource list goes through a function the static evaluator does not implement
# (setsubtract): the auditor must name it with its place and judge nothing it could not compute.
resource "aws_s3_bucket" "this" {
  bucket = "unimplemented-recordings"
}

data "aws_iam_policy_document" "this" {
  statement {
    sid       = "ChimeWrite"
    actions   = ["s3:PutObject", "s3:PutObjectAcl"]
    resources = setsubtract(["${aws_s3_bucket.this.arn}/recordings/*"], [])
    principals {
      type        = "Service"
      identifiers = ["voiceconnector.chime.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = ["111122223333"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = ["arn:aws:chime:us-east-1:111122223333:sma/abc"]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.this.json
}
