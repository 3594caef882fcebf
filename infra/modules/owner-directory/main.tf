# The owner directory (who owns which SMA number, their PIN hash, allow-list and limits), the
# usage table (daily counters and PIN lockouts, kept apart so the SMA handler can count calls
# without being able to change an owner), one item per owner from var.owners, and the policy the
# SMA handler's role needs (a Query on the sma_number index, counter writes, security events),
# attached to that role when the root says which it is.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  create     = var.create
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.region

  directory_arn = try(aws_dynamodb_table.this[0].arn, "")
  usage_arn     = try(aws_dynamodb_table.usage[0].arn, "")
  event_bus_arn = "arn:${local.partition}:events:${local.region}:${local.account_id}:event-bus/${var.security_event_bus_name}"

  # The names are contracts with chalicelib.owners.directory and the console.
  sma_number_index       = "sma_number-index"
  console_username_index = "console_username-index"

  # DynamoDB JSON of each owner. Optional attributes are left out when empty: an empty string
  # cannot be a GSI key (console_username) and an absent pin_hash means "no PIN".
  owner_items = { for id, o in var.owners : id => jsonencode(merge(
    {
      owner_id           = { S = id }
      owner_numbers      = { L = [for n in o.owner_numbers : { S = n }] }
      sma_number         = { S = o.sma_number }
      daily_call_limit   = { N = tostring(o.daily_call_limit) }
      daily_minute_limit = { N = tostring(o.daily_minute_limit) }
    },
    o.display_name == "" ? {} : { display_name = { S = o.display_name } },
    o.pin_hash == "" ? {} : { pin_hash = { S = o.pin_hash } },
    o.console_username == "" ? {} : { console_username = { S = o.console_username } },
    length(o.allowed_prefixes) == 0 ? {} : { allowed_prefixes = { L = [for p in o.allowed_prefixes : { S = p }] } },
  )) }
}

################################################################################
# Directory (OWNER_DIRECTORY_TABLE): key owner_id, GSIs by SMA number and console user
################################################################################

resource "aws_dynamodb_table" "this" {
  #checkov:skip=CKV_AWS_119:the directory holds phone numbers and salted scrypt PIN hashes; encrypted with the AWS owned key unless var.table_kms_key_arn names a customer managed key
  count = local.create ? 1 : 0

  name                        = "${var.name_prefix}-owner-directory"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "owner_id"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "owner_id"
    type = "S"
  }

  attribute {
    name = "sma_number"
    type = "S"
  }

  attribute {
    name = "console_username"
    type = "S"
  }

  # The SMA handler's one read per call: the owner of the dialled number, whole item (ALL), so
  # no GetItem follows.
  global_secondary_index {
    name            = local.sma_number_index
    hash_key        = "sma_number"
    projection_type = "ALL"
  }

  # The console's sign-in: the owner behind a Cognito user name.
  global_secondary_index {
    name            = local.console_username_index
    hash_key        = "console_username"
    projection_type = "ALL"
  }

  point_in_time_recovery {
    enabled = var.point_in_time_recovery
  }

  server_side_encryption {
    enabled     = var.table_kms_key_arn != null
    kms_key_arn = var.table_kms_key_arn
  }

  tags = var.tags
}

# Only the attributes named here are managed: a PIN set later with `callrec owners set-pin` is
# an attribute this resource does not name (unless the owner's pin_hash is given here).
resource "aws_dynamodb_table_item" "owner" {
  for_each = local.create ? local.owner_items : {}

  table_name = aws_dynamodb_table.this[0].name
  hash_key   = aws_dynamodb_table.this[0].hash_key
  item       = each.value
}

################################################################################
# Usage (OWNER_USAGE_TABLE): daily counters and PIN lockouts, expiring by TTL
################################################################################

resource "aws_dynamodb_table" "usage" {
  #checkov:skip=CKV_AWS_119:counters and failure times only; encrypted with the AWS owned key unless var.table_kms_key_arn names a customer managed key
  #checkov:skip=CKV_AWS_28:every item expires within days (TTL); there is nothing worth restoring
  count = local.create ? 1 : 0

  name                        = "${var.name_prefix}-owner-usage"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "usage_key"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "usage_key"
    type = "S"
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  server_side_encryption {
    enabled     = var.table_kms_key_arn != null
    kms_key_arn = var.table_kms_key_arn
  }

  tags = var.tags
}

################################################################################
# What the SMA handler's role may do (attached by the root to that role)
################################################################################

# A Query on the index only: the handler can neither read the table by key nor write it.
data "aws_iam_policy_document" "directory_read" {
  statement {
    sid       = "FindOwnerByDialledNumber"
    actions   = ["dynamodb:Query"]
    resources = ["${local.directory_arn}/index/${local.sma_number_index}"]
  }
}

data "aws_iam_policy_document" "usage" {
  statement {
    sid       = "CountCallsAndPinFailures"
    actions   = ["dynamodb:GetItem", "dynamodb:UpdateItem"]
    resources = [local.usage_arn]
  }
}

data "aws_iam_policy_document" "table_key" {
  dynamic "statement" {
    for_each = var.table_kms_key_arn == null ? [] : [var.table_kms_key_arn]
    content {
      sid       = "UseTableKey"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }
}

# PutEvents on the one bus, and only events with this app's source and detail-type
# (Service Authorization Reference: events:source and events:detail-type on PutEvents).
data "aws_iam_policy_document" "security_events" {
  statement {
    sid       = "PutSecurityEvents"
    actions   = ["events:PutEvents"]
    resources = [local.event_bus_arn]

    condition {
      test     = "StringEquals"
      variable = "events:source"
      values   = ["callrec.owners"]
    }
    condition {
      test     = "StringEquals"
      variable = "events:detail-type"
      values   = ["Owner Security Event"]
    }
  }

  dynamic "statement" {
    for_each = var.notification_topic_arn == null ? [] : [var.notification_topic_arn]
    content {
      sid       = "NotifyAdmins"
      actions   = ["sns:Publish"]
      resources = [statement.value]
    }
  }
}

data "aws_iam_policy_document" "sma_handler" {
  source_policy_documents = [
    data.aws_iam_policy_document.directory_read.json,
    data.aws_iam_policy_document.usage.json,
    data.aws_iam_policy_document.security_events.json,
    data.aws_iam_policy_document.table_key.json,
  ]
}

# The role itself belongs to whichever module runs the functions; only this grant lives here.
resource "aws_iam_role_policy" "sma_handler" {
  count = local.create && var.attach_sma_handler_policy ? 1 : 0

  name   = "owner-directory"
  role   = var.sma_handler_role_name
  policy = data.aws_iam_policy_document.sma_handler.json
}
