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
}

override_resource {
  target          = aws_dynamodb_table.this
  override_during = plan
  values          = { arn = "arn:aws:dynamodb:us-east-1:111122223333:table/callrec-owner-directory", name = "callrec-owner-directory", hash_key = "owner_id" }
}

override_resource {
  target          = aws_dynamodb_table.usage
  override_during = plan
  values          = { arn = "arn:aws:dynamodb:us-east-1:111122223333:table/callrec-owner-usage", name = "callrec-owner-usage" }
}

variables {
  notification_topic_arn = "arn:aws:sns:us-east-1:111122223333:callrec-reports"
  owners = {
    alice = {
      display_name     = "Alice"
      owner_numbers    = ["+12065550101"]
      sma_number       = "+12065550199"
      allowed_prefixes = ["+1", "+44"]
      console_username = "alice@example.com"
    }
    bob = {
      owner_numbers = ["+12065550102"]
      sma_number    = "+12065550198"
      pin_hash      = "scrypt$16384$8$5$c2FsdHNhbHRzYWx0c2FsdA$ZGlnZXN0ZGlnZXN0ZGlnZXN0ZGlnZXN0ZGlnZXN0MTI"
    }
  }
}

run "directory_has_the_contract_indexes" {
  command = plan

  assert {
    condition     = aws_dynamodb_table.this[0].hash_key == "owner_id"
    error_message = "The directory is keyed by owner_id."
  }
  assert {
    condition = toset([for i in aws_dynamodb_table.this[0].global_secondary_index : "${i.name}=${i.hash_key}/${i.projection_type}"]) == toset([
      "sma_number-index=sma_number/ALL", "console_username-index=console_username/ALL",
    ])
    error_message = "The directory needs sma_number-index and console_username-index (HASH only, projection ALL)."
  }
}

run "one_item_per_owner_with_optional_attributes_left_out" {
  command = plan

  assert {
    condition     = keys(aws_dynamodb_table_item.owner) == ["alice", "bob"]
    error_message = "Each owner becomes one directory item."
  }
  assert {
    condition     = jsondecode(aws_dynamodb_table_item.owner["alice"].item).sma_number.S == "+12065550199" && jsondecode(aws_dynamodb_table_item.owner["alice"].item).allowed_prefixes.L[1].S == "+44"
    error_message = "The item must carry the owner's SMA number and allow-list in DynamoDB JSON."
  }
  assert {
    condition     = !can(jsondecode(aws_dynamodb_table_item.owner["bob"].item).console_username) && !can(jsondecode(aws_dynamodb_table_item.owner["alice"].item).pin_hash)
    error_message = "Empty console_username / pin_hash must be absent (an empty string cannot be a GSI key)."
  }
  assert {
    condition     = jsondecode(aws_dynamodb_table_item.owner["bob"].item).daily_call_limit.N == "50" && jsondecode(aws_dynamodb_table_item.owner["bob"].item).daily_minute_limit.N == "240"
    error_message = "Default daily limits are 50 calls and 240 minutes."
  }
}

run "usage_items_expire" {
  command = plan

  assert {
    condition     = aws_dynamodb_table.usage[0].hash_key == "usage_key" && one(aws_dynamodb_table.usage[0].ttl).attribute_name == "expires_at"
    error_message = "The usage table is keyed by usage_key with TTL on expires_at."
  }
}

run "sma_handler_reads_only_the_index_and_writes_only_counters" {
  command = plan

  assert {
    condition = (
      one(data.aws_iam_policy_document.directory_read.statement).actions == toset(["dynamodb:Query"])
      && one(data.aws_iam_policy_document.directory_read.statement).resources == toset(["arn:aws:dynamodb:us-east-1:111122223333:table/callrec-owner-directory/index/sma_number-index"])
    )
    error_message = "The SMA handler may only Query the sma_number index of the directory."
  }
  assert {
    condition     = one(data.aws_iam_policy_document.usage.statement).resources == toset(["arn:aws:dynamodb:us-east-1:111122223333:table/callrec-owner-usage"])
    error_message = "Counter writes must be confined to the usage table."
  }
}

run "security_events_confined_to_source_and_detail_type" {
  command = plan

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.security_events.statement : s.sid != "PutSecurityEvents" || (
        s.resources == toset(["arn:aws:events:us-east-1:111122223333:event-bus/default"])
        && toset([for c in s.condition : "${c.variable}=${join(",", c.values)}"]) == toset(["events:source=callrec.owners", "events:detail-type=Owner Security Event"])
      )
    ])
    error_message = "PutEvents must be on the one bus with the app's source and detail-type only."
  }
  assert {
    condition     = contains([for s in data.aws_iam_policy_document.security_events.statement : s.sid], "NotifyAdmins")
    error_message = "With a topic, the handler may publish to it."
  }
}

run "duplicate_sma_numbers_are_refused" {
  command = plan

  variables {
    owners = {
      alice = { owner_numbers = ["+12065550101"], sma_number = "+12065550199" }
      bob   = { owner_numbers = ["+12065550102"], sma_number = "+12065550199" }
    }
  }

  expect_failures = [var.owners]
}

run "a_pin_instead_of_a_hash_is_refused" {
  command = plan

  variables {
    owners = {
      alice = { owner_numbers = ["+12065550101"], sma_number = "+12065550199", pin_hash = "1234" }
    }
  }

  expect_failures = [var.owners]
}

run "create_false_creates_nothing" {
  command = plan

  variables {
    create = false
  }

  assert {
    condition     = length(aws_dynamodb_table.this) == 0 && length(aws_dynamodb_table.usage) == 0 && length(aws_dynamodb_table_item.owner) == 0
    error_message = "create = false must not create any resource."
  }
  assert {
    condition     = output.sma_handler_policy_json == null && length(output.lambda_environment) == 0
    error_message = "A disabled instance grants nothing and sets no environment."
  }
}

run "the_policy_is_attached_to_the_named_role_only_when_asked" {
  command = plan

  variables {
    attach_sma_handler_policy = true
    sma_handler_role_name     = "callrec-sma-handler"
  }

  assert {
    condition     = aws_iam_role_policy.sma_handler[0].role == "callrec-sma-handler"
    error_message = "The directory policy must be attached to the SMA handler's role."
  }
}

run "no_attachment_by_default" {
  command = plan

  assert {
    condition     = length(aws_iam_role_policy.sma_handler) == 0
    error_message = "Without attach_sma_handler_policy no role is touched."
  }
}

run "a_table_key_encrypts_both_tables_and_the_handler_may_use_it" {
  command = plan

  variables {
    table_kms_key_arn = "arn:aws:kms:us-east-1:111122223333:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
  }

  assert {
    condition = alltrue([
      for t in [aws_dynamodb_table.this[0], aws_dynamodb_table.usage[0]] :
      one(t.server_side_encryption).enabled && one(t.server_side_encryption).kms_key_arn == var.table_kms_key_arn
    ])
    error_message = "With table_kms_key_arn, the directory and the usage table are encrypted with that key."
  }
  assert {
    condition = (
      one(data.aws_iam_policy_document.table_key.statement).resources == toset([var.table_kms_key_arn])
      && contains(data.aws_iam_policy_document.sma_handler.source_policy_documents, data.aws_iam_policy_document.table_key.json)
    )
    error_message = "The SMA handler's policy must let it use the tables' key (and only that key)."
  }
}

run "without_a_table_key_the_handler_gets_no_kms_grant" {
  command = plan

  assert {
    condition     = length(data.aws_iam_policy_document.table_key.statement) == 0
    error_message = "With the AWS owned key the SMA handler needs no KMS permission."
  }
}
