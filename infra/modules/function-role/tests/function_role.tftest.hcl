# Offline: `callrec infra check` serves the hashicorp/aws schema; every AWS answer is mocked.
# The one execution role every module's functions use: trust, logs, tracing, failure queue.

mock_provider "aws" {
  override_during = plan

  mock_data "aws_caller_identity" {
    defaults = { account_id = "111122223333" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/callrec-dev-fn" }
  }
}

variables {
  function_name = "callrec-dev-fn"
  role_name     = "callrec-fn"
}

run "trust_is_lambda_of_this_account_only" {
  command = plan

  assert {
    condition     = [for p in data.aws_iam_policy_document.assume.statement[0].principals : p] == [{ type = "Service", identifiers = toset(["lambda.amazonaws.com"]) }]
    error_message = "The role must trust exactly lambda.amazonaws.com."
  }
  assert {
    condition = anytrue([
      for c in data.aws_iam_policy_document.assume.statement[0].condition :
      c.test == "StringEquals" && c.variable == "aws:SourceAccount" && toset(c.values) == toset(["111122223333"])
    ])
    error_message = "The trust policy must carry aws:SourceAccount = this account (confused deputy)."
  }
}

run "logs_only_to_its_own_log_group" {
  command = plan

  assert {
    condition     = aws_cloudwatch_log_group.this[0].name == "/aws/lambda/callrec-dev-fn"
    error_message = "The log group must be the one Lambda writes to: /aws/lambda/FUNCTION."
  }
  assert {
    condition     = toset(data.aws_iam_policy_document.logs.statement[0].resources) == toset(["arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/callrec-dev-fn:*"])
    error_message = "The role may write only its own log group's streams."
  }
}

run "tracing_grants_the_xray_writes" {
  command = plan

  assert {
    condition     = toset(data.aws_iam_policy_document.tracing.statement[0].actions) == toset(["xray:PutTraceSegments", "xray:PutTelemetryRecords"])
    error_message = "Active tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords."
  }
}

run "no_failure_queue_no_grant" {
  command = plan

  assert {
    condition     = length(data.aws_iam_policy_document.failure_queue.statement) == 0 && output.failure_queue_arn == null
    error_message = "Without a failure queue the role gets no sqs:SendMessage."
  }
}

run "failure_queue_gets_exactly_send_message_on_that_queue" {
  command = plan

  variables {
    grant_failure_queue = true
    failure_queue_arn   = "arn:aws:sqs:us-east-1:111122223333:callrec-dead-letter"
  }

  assert {
    condition = length([
      for s in data.aws_iam_policy_document.failure_queue.statement : s
      if s.actions == toset(["sqs:SendMessage"]) && s.resources == toset(["arn:aws:sqs:us-east-1:111122223333:callrec-dead-letter"])
    ]) == 1 && length(data.aws_iam_policy_document.failure_queue.statement) == 1
    error_message = "A function with a dead-letter queue needs exactly sqs:SendMessage on that queue (and no key grant for an SQS-managed queue)."
  }
}

run "encrypted_failure_queue_also_gets_the_key" {
  command = plan

  variables {
    grant_failure_queue       = true
    failure_queue_arn         = "arn:aws:sqs:us-east-1:111122223333:callrec-failures"
    failure_queue_kms_key_arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.failure_queue.statement :
      s.actions == toset(["kms:GenerateDataKey", "kms:Decrypt"]) && s.resources == toset(["arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"])
    ])
    error_message = "Sending to a KMS-encrypted queue needs kms:GenerateDataKey and kms:Decrypt on its key."
  }
}

run "an_encrypted_environment_can_be_decrypted" {
  command = plan

  variables {
    environment_kms_key_arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition     = data.aws_iam_policy_document.environment_key.statement[0].actions == toset(["kms:Decrypt"]) && data.aws_iam_policy_document.environment_key.statement[0].resources == toset(["arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"])
    error_message = "A function whose environment uses a customer managed key needs kms:Decrypt on it."
  }
}

run "runtime_documents_form_their_own_policy" {
  command = plan

  variables {
    policy_documents         = ["{\"Version\":\"2012-10-17\",\"Statement\":[]}"]
    runtime_policy_documents = ["{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Routes\",\"Effect\":\"Allow\",\"Action\":\"dynamodb:GetItem\",\"Resource\":\"*\"}]}"]
    runtime_policy_name      = "routes"
  }

  assert {
    condition     = length(aws_iam_role_policy.runtime) == 1 && aws_iam_role_policy.runtime[0].name == "routes"
    error_message = "runtime_policy_documents must become an inline policy of their own, named runtime_policy_name."
  }
  assert {
    condition     = data.aws_iam_policy_document.runtime.source_policy_documents == var.runtime_policy_documents
    error_message = "The runtime policy must be made of runtime_policy_documents."
  }
  assert {
    # The module's own four documents (logs, tracing, failure queue, environment key), then
    # policy_documents: nothing else.
    condition     = length(data.aws_iam_policy_document.this.source_policy_documents) == 5 && data.aws_iam_policy_document.this.source_policy_documents[4] == var.policy_documents[0]
    error_message = "The runtime documents must stay out of the policy role_arn waits for (a cycle when they name what waits for the function)."
  }
}

run "no_runtime_documents_no_runtime_policy" {
  command = plan

  assert {
    condition     = length(aws_iam_role_policy.runtime) == 0
    error_message = "Without runtime_policy_documents there is no second inline policy (an empty policy is not a valid IAM policy)."
  }
}

run "the_runtime_policy_may_not_take_the_first_policys_name" {
  command = plan

  variables {
    runtime_policy_documents = ["{\"Version\":\"2012-10-17\",\"Statement\":[]}"]
    runtime_policy_name      = "least-privilege"
  }

  expect_failures = [aws_iam_role_policy.runtime]
}

run "create_false_creates_nothing" {
  command = plan

  variables {
    create                   = false
    runtime_policy_documents = ["{\"Version\":\"2012-10-17\",\"Statement\":[]}"]
  }

  assert {
    condition     = length(aws_iam_role.this) == 0 && length(aws_iam_role_policy.this) == 0 && length(aws_iam_role_policy.runtime) == 0 && length(aws_cloudwatch_log_group.this) == 0
    error_message = "create = false must not create any resource."
  }
}

run "function_name_is_validated" {
  command = plan

  variables {
    function_name = "not a function name"
  }

  expect_failures = [var.function_name]
}
