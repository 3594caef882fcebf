# The api_handler role as the console module wrote it out before it moved onto function-role
# (issue 16), at the same addresses: tests/moved.tftest.hcl applies this, then the console
# module on the same state, and checks that the moved blocks kept the role.

variable "name_prefix" {
  description = "As the console's."
  type        = string
  default     = "callrec"
}

variable "api_handler_function_name" {
  description = "As the console's."
  type        = string
}

data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_cloudwatch_log_group" "api_handler" {
  #checkov:skip=CKV_AWS_158:a test fixture of the former address; the module's log group carries the real reasons
  #checkov:skip=CKV_AWS_338:a test fixture of the former address; the module's log group carries the real reasons
  count = 1

  name              = "/aws/lambda/${var.api_handler_function_name}"
  retention_in_days = 30
}

resource "aws_iam_role" "api_handler" {
  count = 1

  name               = substr("${var.name_prefix}-console-api", 0, 64)
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
}

data "aws_iam_policy_document" "api_handler" {
  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.api_handler[0].arn}:*"]
  }
}

resource "aws_iam_role_policy" "api_handler" {
  count = 1

  name   = "least-privilege"
  role   = aws_iam_role.api_handler[0].id
  policy = data.aws_iam_policy_document.api_handler.json
}

output "function_role_arns" {
  description = "As the console's."
  value       = { api_handler = aws_iam_role.api_handler[0].arn }
}

output "log_group_arn" {
  description = "The api_handler log group."
  value       = aws_cloudwatch_log_group.api_handler[0].arn
}
