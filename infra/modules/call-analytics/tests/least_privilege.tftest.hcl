# Offline: `callrec infra check` serves the hashicorp/aws schema; every AWS answer is mocked.

mock_provider "aws" {
  override_during = plan

  mock_data "aws_caller_identity" {
    defaults = { account_id = "111122223333" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_region" {
    defaults = { region = "us-east-1", name = "us-east-1" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::111122223333:role/callrec-transcribe-data-access" }
  }
  mock_resource "aws_dynamodb_table" {
    defaults = { arn = "arn:aws:dynamodb:us-east-1:111122223333:table/callrec-call-records" }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:us-east-1:111122223333:callrec-reports" }
  }
  mock_resource "aws_sqs_queue" {
    defaults = { arn = "arn:aws:sqs:us-east-1:111122223333:callrec-dead-letter" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/callrec" }
  }
}

variables {
  recordings_bucket_arn = "arn:aws:s3:::callrec-recordings-test"
  kms_key_arn           = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
}

run "no_wildcard_actions_in_identity_policies" {
  command = plan

  assert {
    condition = alltrue(flatten([
      for document in concat(
        [
          data.aws_iam_policy_document.transcribe_access,
          data.aws_iam_policy_document.call_records,
          data.aws_iam_policy_document.start_transcription,
          data.aws_iam_policy_document.render_report,
          data.aws_iam_policy_document.bucket_key,
        ],
        ) : [
        for statement in document.statement : [
          for action in statement.actions : !strcontains(action, "*")
        ]
      ]
    ]))
    error_message = "No function or data-access policy may use a wildcard action."
  }
}

run "pass_role_only_to_transcribe_and_only_the_data_access_role" {
  command = plan

  assert {
    condition = length([
      for s in data.aws_iam_policy_document.start_transcription.statement : s
      if contains(s.actions, "iam:PassRole")
      && toset(s.resources) == toset(["arn:aws:iam::111122223333:role/callrec-transcribe-data-access"])
      && anytrue([
        for c in s.condition : c.test == "StringEquals" && c.variable == "iam:PassedToService" && toset(c.values) == toset(["transcribe.amazonaws.com"])
      ])
    ]) == 1
    error_message = "iam:PassRole must name the data access role and carry iam:PassedToService = transcribe.amazonaws.com."
  }
}

run "transcribe_role_trusts_only_transcribe_of_this_account" {
  command = plan

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.transcribe_assume.statement : alltrue([
        for p in s.principals : p.type == "Service" && p.identifiers == toset(["transcribe.amazonaws.com"])
      ])
    ])
    error_message = "The data access role must be assumable by transcribe.amazonaws.com only."
  }
  assert {
    condition = anytrue([
      for c in data.aws_iam_policy_document.transcribe_assume.statement[0].condition :
      c.variable == "aws:SourceAccount" && toset(c.values) == toset(["111122223333"])
    ])
    error_message = "The trust policy must carry aws:SourceAccount (confused-deputy protection)."
  }
}

run "transcribe_reads_recordings_and_writes_transcripts_with_the_key" {
  command = plan

  assert {
    condition = toset(flatten([
      for s in data.aws_iam_policy_document.transcribe_access.statement : s.resources if contains(s.actions, "s3:GetObject")
    ])) == toset(["arn:aws:s3:::callrec-recordings-test/recordings/*"])
    error_message = "Transcribe may read the recordings prefix only."
  }
  assert {
    condition = toset(flatten([
      for s in data.aws_iam_policy_document.transcribe_access.statement : s.resources if contains(s.actions, "s3:PutObject")
    ])) == toset(["arn:aws:s3:::callrec-recordings-test/transcriptions/*"])
    error_message = "Transcribe may write the transcripts prefix only."
  }
  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.transcribe_access.statement :
      toset(s.actions) == toset(["kms:Decrypt", "kms:GenerateDataKey"]) && toset(s.resources) == toset([var.kms_key_arn])
    ])
    error_message = "With SSE-KMS, Transcribe needs kms:Decrypt and kms:GenerateDataKey on the bucket key."
  }
}

# Service Authorization Reference (Amazon Transcribe): Start*Job have no resource type but
# transcribe:Output* condition keys; Get*Job take callanalyticsjob / transcriptionjob ARNs.
run "transcribe_job_actions_are_narrowed" {
  command = plan

  assert {
    condition = alltrue(flatten([
      for document in [data.aws_iam_policy_document.start_transcription, data.aws_iam_policy_document.render_report] : [
        for s in document.statement : !contains(s.resources, "*") || alltrue([
          for action in s.actions : contains(["transcribe:StartCallAnalyticsJob", "transcribe:StartTranscriptionJob"], action)
        ])
      ]
    ]))
    error_message = "Only transcribe:Start*Job (no resource type) may use Resource \"*\"."
  }
  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.start_transcription.statement :
      s.actions == toset(["transcribe:StartCallAnalyticsJob"]) && anytrue([
        for c in s.condition : c.test == "StringLike" && c.variable == "transcribe:OutputLocation" && toset(c.values) == toset(["s3://callrec-recordings-test/transcriptions/*"])
        ]) && anytrue([
        for c in s.condition : c.test == "StringEquals" && c.variable == "transcribe:OutputEncryptionKMSKeyId" && toset(c.values) == toset([var.kms_key_arn])
      ])
    ])
    error_message = "StartCallAnalyticsJob must be confined to the transcripts prefix (transcribe:OutputLocation) and the bucket key."
  }
  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.start_transcription.statement :
      s.actions == toset(["transcribe:StartTranscriptionJob"]) && anytrue([
        for c in s.condition : c.test == "StringEquals" && c.variable == "transcribe:OutputBucketName" && toset(c.values) == toset(["callrec-recordings-test"])
        ]) && anytrue([
        for c in s.condition : c.test == "StringLike" && c.variable == "transcribe:OutputKey" && toset(c.values) == toset(["transcriptions/*"])
      ])
    ])
    error_message = "StartTranscriptionJob must be confined to the recordings bucket (transcribe:OutputBucketName) and the transcripts prefix (transcribe:OutputKey)."
  }
  assert {
    condition = toset(flatten([
      for s in data.aws_iam_policy_document.render_report.statement : s.resources if anytrue([for a in s.actions : startswith(a, "transcribe:Get")])
      ])) == toset([
      "arn:aws:transcribe:us-east-1:111122223333:analytics/*",
      "arn:aws:transcribe:us-east-1:111122223333:transcription-job/*",
    ])
    error_message = "transcribe:Get*Job must name this account's callanalyticsjob / transcriptionjob ARNs."
  }
  assert {
    condition = !anytrue(flatten([
      for s in data.aws_iam_policy_document.start_transcription.statement : [
        for a in s.actions : startswith(a, "transcribe:Get") || a == "transcribe:TagResource"
      ]
    ]))
    error_message = "start_transcription neither reads jobs back nor tags them."
  }
}

run "dead_letter_queue_refuses_plain_http_and_admits_only_this_apps_rules" {
  command = plan

  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.dead_letter.statement :
      s.effect == "Deny" && contains(s.actions, "sqs:*") && anytrue([
        for c in s.condition :
        c.test == "Bool" && c.variable == "aws:SecureTransport" && toset(c.values) == toset(["false"])
      ])
    ])
    error_message = "The dead-letter queue policy must deny every request without TLS (aws:SecureTransport = false)."
  }
  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.dead_letter.statement : anytrue([
        for c in s.condition : c.variable == "aws:SourceArn"
      ]) if s.effect == "Allow"
    ])
    error_message = "Every grant on the dead-letter queue must be confined by aws:SourceArn."
  }
}

run "call_records_table_has_pitr_ttl_and_key" {
  command = plan

  assert {
    condition     = aws_dynamodb_table.this[0].hash_key == "transaction_id" && aws_dynamodb_table.this[0].billing_mode == "PAY_PER_REQUEST"
    error_message = "The call records table is keyed by transaction_id, on demand."
  }
  assert {
    condition     = one(aws_dynamodb_table.this[0].point_in_time_recovery).enabled && one(aws_dynamodb_table.this[0].ttl).enabled && one(aws_dynamodb_table.this[0].ttl).attribute_name == "expires_at"
    error_message = "PITR and TTL (expires_at) must be on."
  }
  assert {
    condition     = aws_sns_topic.this[0].kms_master_key_id != null && aws_sqs_queue.dead_letter[0].sqs_managed_sse_enabled
    error_message = "The topic and the dead-letter queue must be encrypted."
  }
}

run "create_false_creates_nothing" {
  command = plan

  variables {
    create = false
  }

  assert {
    condition = alltrue([
      length(aws_dynamodb_table.this) == 0,
      length(aws_sns_topic.this) == 0,
      length(aws_sqs_queue.dead_letter) == 0,
      length(aws_iam_role.transcribe) == 0,
      module.sma_handler_role.role_arn == null,
      length(output.function_role_arns) == 0,
    ])
    error_message = "create = false must not create any resource."
  }
}

run "asynchronous_functions_may_send_to_the_dead_letter_queue" {
  command = plan

  assert {
    condition = alltrue([
      for role in [module.start_transcription_role, module.render_report_role] :
      role.failure_queue_arn == "arn:aws:sqs:us-east-1:111122223333:callrec-dead-letter"
    ])
    error_message = "start_transcription and render_report get a dead_letter_config: their roles need sqs:SendMessage on the queue."
  }
  assert {
    condition     = module.sma_handler_role.failure_queue_arn == null
    error_message = "The synchronously invoked SMA handler has no dead-letter queue and no grant on it."
  }
  assert {
    condition     = output.function_failure_queue_arns == { start_transcription = "arn:aws:sqs:us-east-1:111122223333:callrec-dead-letter", render_report = "arn:aws:sqs:us-east-1:111122223333:callrec-dead-letter" }
    error_message = "function_failure_queue_arns must list exactly the functions with a dead-letter grant."
  }
}
