# The call console: a Cognito user pool for sign-in, the append-only access trail, the static web
# app on a private S3 bucket behind CloudFront (origin access control, strict security headers),
# API Gateway throttling, and the least-privilege role of the function that serves the routes.
# The routes themselves are the Chalice app's (chalicelib/console); `callrec package` turns them
# into the API Gateway REST API and the api_handler function, which takes this module's role.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  create     = var.create
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.region

  recordings_bucket   = trimprefix(var.recordings_bucket_arn, "arn:${local.partition}:s3:::")
  recordings_objects  = "${var.recordings_bucket_arn}/${var.recordings_prefix}/*"
  transcripts_objects = "${var.recordings_bucket_arn}/${var.transcripts_prefix}/*"
  reports_objects     = "${var.recordings_bucket_arn}/${var.reports_prefix}/*"
  call_objects        = [local.recordings_objects, local.transcripts_objects, local.reports_objects]

  user_pool_id = try(aws_cognito_user_pool.this[0].id, "")
  client_id    = try(aws_cognito_user_pool_client.this[0].id, "")
  trail_arn    = try(aws_dynamodb_table.trail[0].arn, "")
  web_arn      = try(aws_s3_bucket.web[0].arn, "")
  origin       = try("https://${aws_cloudfront_distribution.this[0].domain_name}", "")

  groups = local.create ? toset(["admins", "owners"]) : toset([])
  users  = local.create ? var.console_users : {}

  # The directory of one (no owner directory): its owner is the user whose owner_id is "default".
  single_owner_username = try([for name, user in var.console_users : name if user.group == "owners" && user.owner_id == "default"][0], "")

  # The browser talks to the API, to Cognito (InitiateAuth, RespondToAuthChallenge) and plays
  # presigned recording URLs from the recordings bucket; nothing else is allowed to load.
  api_origin     = var.api_base_url == null ? "https://*.execute-api.${local.region}.amazonaws.com" : regex("^https://[^/]+", var.api_base_url)
  cognito_origin = "https://cognito-idp.${local.region}.amazonaws.com"
  media_origins = [
    "https://${local.recordings_bucket}.s3.amazonaws.com",
    "https://${local.recordings_bucket}.s3.${local.region}.amazonaws.com",
  ]
  content_security_policy = join("; ", [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "font-src 'self'",
    "connect-src 'self' ${local.api_origin} ${local.cognito_origin}",
    "media-src ${join(" ", local.media_origins)}",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ])

  web_files = local.create && var.web_dir != null ? setsubtract(fileset(var.web_dir, "**"), ["config.json"]) : toset([])
  content_types = {
    html = "text/html; charset=utf-8"
    css  = "text/css; charset=utf-8"
    js   = "text/javascript; charset=utf-8"
    mjs  = "text/javascript; charset=utf-8"
    json = "application/json"
    svg  = "image/svg+xml"
    png  = "image/png"
    ico  = "image/x-icon"
    txt  = "text/plain; charset=utf-8"
    map  = "application/json"
  }
  web_config = jsonencode({
    apiBaseUrl      = var.api_base_url == null ? "" : var.api_base_url
    region          = local.region
    userPoolId      = local.user_pool_id
    clientId        = local.client_id
    cognitoEndpoint = null
  })
}

################################################################################
# Sign-in: Cognito user pool, app client, groups and (optionally) users
################################################################################

resource "aws_cognito_user_pool" "this" {
  count = local.create ? 1 : 0

  name                     = "${var.name_prefix}-console"
  deletion_protection      = var.deletion_protection ? "ACTIVE" : "INACTIVE"
  mfa_configuration        = var.mfa_configuration
  auto_verified_attributes = ["email"]

  # Nobody signs themselves up: an admin creates every user (temporary password by email).
  admin_create_user_config {
    allow_admin_create_user_only = true
  }

  password_policy {
    minimum_length                   = var.password_minimum_length
    require_lowercase                = true
    require_uppercase                = true
    require_numbers                  = true
    require_symbols                  = true
    temporary_password_validity_days = 3
  }

  # TOTP (an authenticator app) only; no SMS factor, so no SNS role and no SIM-swap exposure.
  dynamic "software_token_mfa_configuration" {
    for_each = var.mfa_configuration == "OFF" ? [] : [1]
    content {
      enabled = true
    }
  }

  account_recovery_setting {
    recovery_mechanism {
      name     = "verified_email"
      priority = 1
    }
  }

  tags = var.tags
}

resource "aws_cognito_user_pool_client" "this" {
  count = local.create ? 1 : 0

  name         = "${var.name_prefix}-console-web"
  user_pool_id = aws_cognito_user_pool.this[0].id

  # A browser app cannot keep a secret. USER_PASSWORD_AUTH is what the web app's InitiateAuth
  # uses (its TLS connection to Cognito protects the password); SRP is not enabled on purpose.
  generate_secret               = false
  explicit_auth_flows           = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
  prevent_user_existence_errors = "ENABLED"
  enable_token_revocation       = true
  supported_identity_providers  = ["COGNITO"]
  auth_session_validity         = 3

  access_token_validity  = var.access_token_validity_minutes
  id_token_validity      = var.access_token_validity_minutes
  refresh_token_validity = var.refresh_token_validity_hours

  token_validity_units {
    access_token  = "minutes"
    id_token      = "minutes"
    refresh_token = "hours"
  }
}

resource "aws_cognito_user_group" "this" {
  for_each = local.groups

  name         = each.key
  user_pool_id = aws_cognito_user_pool.this[0].id
  description  = each.key == "admins" ? "See every call and the access trail; set legal holds." : "See and act on their own calls only."
}

resource "aws_cognito_user" "this" {
  for_each = local.users

  user_pool_id             = aws_cognito_user_pool.this[0].id
  username                 = each.key
  desired_delivery_mediums = ["EMAIL"]

  attributes = {
    email          = each.value.email
    email_verified = true
  }
}

resource "aws_cognito_user_in_group" "this" {
  for_each = local.users

  user_pool_id = aws_cognito_user_pool.this[0].id
  username     = aws_cognito_user.this[each.key].username
  group_name   = aws_cognito_user_group.this[each.value.group].name
}

################################################################################
# Access trail (ACCESS_TRAIL_TABLE): append-only for the API, recoverable, undeletable
################################################################################

resource "aws_dynamodb_table" "trail" {
  count = local.create ? 1 : 0

  name                        = "${var.name_prefix}-console-access-trail"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "trail"
  range_key                   = "at_id"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "trail"
    type = "S"
  }

  attribute {
    name = "at_id"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.recordings_kms_key_arn
  }

  tags = var.tags
}

################################################################################
# Static web app: private bucket, CloudFront with origin access control
################################################################################

resource "aws_s3_bucket" "web" {
  #checkov:skip=CKV_AWS_18:the bucket holds the public web app's static files; CloudFront serves them and CloudTrail records changes
  #checkov:skip=CKV_AWS_144:the files come from the repository and are re-uploaded by terraform apply in any region
  #checkov:skip=CKV2_AWS_62:nothing reacts to uploads of the web app
  #checkov:skip=CKV2_AWS_61:the web app's files must not expire; no lifecycle rule on purpose
  #checkov:skip=CKV_AWS_145:the files are the public web app, not confidential; SSE-S3 keeps OAC reads free of KMS grants
  count = local.create ? 1 : 0

  bucket_prefix = "${substr(var.name_prefix, 0, 24)}-console-"
  force_destroy = true
  tags          = var.tags
}

resource "aws_s3_bucket_public_access_block" "web" {
  count = local.create ? 1 : 0

  bucket                  = aws_s3_bucket.web[0].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "web" {
  count = local.create ? 1 : 0

  bucket = aws_s3_bucket.web[0].id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "web" {
  count = local.create ? 1 : 0

  bucket = aws_s3_bucket.web[0].id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "web" {
  count = local.create ? 1 : 0

  bucket = aws_s3_bucket.web[0].id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

# Only this distribution reads the files (CloudFront's OAC policy: the cloudfront.amazonaws.com
# principal confined by AWS:SourceArn), and only over TLS.
data "aws_iam_policy_document" "web_read" {
  statement {
    sid       = "AllowCloudFrontReadThroughOriginAccessControl"
    actions   = ["s3:GetObject"]
    resources = ["${local.web_arn}/*"]

    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "AWS:SourceArn"
      values   = [try(aws_cloudfront_distribution.this[0].arn, "")]
    }
  }
}

data "aws_iam_policy_document" "web_tls_only" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [local.web_arn, "${local.web_arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

data "aws_iam_policy_document" "web" {
  source_policy_documents = [
    data.aws_iam_policy_document.web_read.json,
    data.aws_iam_policy_document.web_tls_only.json,
  ]
}

resource "aws_s3_bucket_policy" "web" {
  count = local.create ? 1 : 0

  bucket = aws_s3_bucket.web[0].id
  policy = data.aws_iam_policy_document.web.json

  depends_on = [aws_s3_bucket_public_access_block.web]
}

resource "aws_s3_object" "web" {
  for_each = local.web_files

  bucket        = aws_s3_bucket.web[0].id
  key           = each.value
  source        = "${var.web_dir}/${each.value}"
  etag          = filemd5("${var.web_dir}/${each.value}")
  content_type  = lookup(local.content_types, lower(reverse(split(".", each.value))[0]), "application/octet-stream")
  cache_control = "no-cache"
}

# Generated here, not in the repository: the pool, client and API of this deployment.
resource "aws_s3_object" "config" {
  count = local.create ? 1 : 0

  bucket        = aws_s3_bucket.web[0].id
  key           = "config.json"
  content       = local.web_config
  content_type  = "application/json"
  cache_control = "no-store"
}

resource "aws_cloudfront_origin_access_control" "this" {
  count = local.create ? 1 : 0

  name                              = "${var.name_prefix}-console-web"
  description                       = "The call console's web app bucket"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

resource "aws_cloudfront_response_headers_policy" "this" {
  count = local.create ? 1 : 0

  name    = "${var.name_prefix}-console-security-headers"
  comment = "Strict CSP, HSTS, no framing, no sniffing, no referrer"

  security_headers_config {
    content_security_policy {
      content_security_policy = local.content_security_policy
      override                = true
    }

    strict_transport_security {
      access_control_max_age_sec = 63072000
      include_subdomains         = true
      preload                    = true
      override                   = true
    }

    frame_options {
      frame_option = "DENY"
      override     = true
    }

    content_type_options {
      override = true
    }

    referrer_policy {
      referrer_policy = "no-referrer"
      override        = true
    }
  }
}

resource "aws_cloudfront_distribution" "this" {
  #checkov:skip=CKV_AWS_68:a WAF web ACL is the operator's choice (it costs per month); the web app is static and the API has its own throttling
  #checkov:skip=CKV2_AWS_47:no WAF (see CKV_AWS_68); the origin is static S3 content with no Log4j surface
  #checkov:skip=CKV_AWS_86:access logs would record every viewer's IP for static files; the API's access trail records what matters
  #checkov:skip=CKV_AWS_310:a single S3 origin in one Region; a failover origin would be a second copy of the same files
  #checkov:skip=CKV_AWS_374:the console is for the operator's people wherever they are; no geo restriction by default
  #checkov:skip=CKV_AWS_174:the default *.cloudfront.net certificate; CloudFront then negotiates TLSv1 or later with modern browsers choosing TLS 1.2+ (a custom domain with an ACM certificate allows TLSv1.2_2021)
  #checkov:skip=CKV2_AWS_42:see CKV_AWS_174: a custom certificate needs a custom domain, which is the operator's
  count = local.create ? 1 : 0

  enabled             = true
  comment             = "${var.name_prefix} call console"
  default_root_object = "index.html"
  price_class         = var.price_class
  http_version        = "http2and3"
  is_ipv6_enabled     = true

  origin {
    origin_id                = "web"
    domain_name              = aws_s3_bucket.web[0].bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.this[0].id
  }

  default_cache_behavior {
    target_origin_id           = "web"
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = "658327ea-f89d-4fab-a63d-7e88639e58f6" # AWS managed CachingOptimized
    response_headers_policy_id = aws_cloudfront_response_headers_policy.this[0].id
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = true
  }

  tags = var.tags
}

################################################################################
# API Gateway: stage-wide throttling of the console routes
################################################################################

resource "aws_api_gateway_method_settings" "this" {
  #checkov:skip=CKV_AWS_225:every answer is per user and carries short-lived links; caching would serve one user's answer to another
  count = local.create && coalesce(var.throttle_api_stage, var.rest_api_id != null) ? 1 : 0

  rest_api_id = var.rest_api_id
  stage_name  = var.api_stage_name
  method_path = "*/*"

  settings {
    throttling_rate_limit  = var.throttling_rate_limit
    throttling_burst_limit = var.throttling_burst_limit
    metrics_enabled        = true
    caching_enabled        = false
  }
}

################################################################################
# The api_handler function's role: only what the console's routes do
################################################################################

# The role itself (trust with aws:SourceAccount, its own log group, X-Ray, the environment key)
# is the shared function-role module every function of the stack uses; this module adds what the
# routes do, as the role's runtime policy. Not as policy_documents, which role_arn waits for: the
# routes' grants name the SIP media application (ControlLiveRecordings), the SIP media
# application waits for the packaged SMA handler, and that handler takes its role from the same
# root map (function_role_arns) as api_handler: a cycle. CreateFunction checks what Lambda itself
# does with the role (assume it, send to a dead-letter target, write traces for Active tracing:
# the X-Ray grant stays in the policy role_arn waits for), never what the function's code calls,
# so api_handler may be created before the routes' grants. Nothing offline verifies this rule.
module "api_handler_role" {
  source = "../function-role"

  create        = local.create
  function_name = var.api_handler_function_name
  role_name     = substr("${var.name_prefix}-console-api", 0, 64)
  # The routes' policy keeps the name the hand-written role's one policy had, so an existing
  # deployment updates it in place and its routes never lose a grant.
  policy_name              = "execution"
  runtime_policy_name      = "least-privilege"
  runtime_policy_documents = [data.aws_iam_policy_document.api_handler.json]
  # API Gateway invokes api_handler synchronously: no failed-event queue.
  grant_failure_queue = false
  # `callrec package` encrypts the functions' environment with the recordings bucket key.
  environment_kms_key_arn = var.recordings_kms_key_arn
  log_retention_days      = var.log_retention_days
  tags                    = var.tags
}

# The role and its log group were written out here; they moved into the function-role module
# (issue 16) without being replaced.
moved {
  from = aws_iam_role.api_handler
  to   = module.api_handler_role.aws_iam_role.this
}

moved {
  from = aws_cloudwatch_log_group.api_handler
  to   = module.api_handler_role.aws_cloudwatch_log_group.this
}

moved {
  from = aws_iam_role_policy.api_handler
  to   = module.api_handler_role.aws_iam_role_policy.runtime
}

# Reads by key and by the owner index; no Scan. DeleteItem for DELETE /calls/{id}.
data "aws_iam_policy_document" "call_records" {
  statement {
    sid       = "ReadAndDeleteCallRecords"
    actions   = ["dynamodb:GetItem", "dynamodb:DeleteItem"]
    resources = [var.call_records_table_arn]
  }

  statement {
    sid       = "ListCallsByOwner"
    actions   = ["dynamodb:Query"]
    resources = ["${var.call_records_table_arn}/index/owner_id-started_at"]
  }
}

# The owner directory: a console user's owner id (Query on console_username-index) and, for an
# admin's listing across owners, the owner ids (Scan of the small directory table).
data "aws_iam_policy_document" "owner_directory" {
  dynamic "statement" {
    for_each = var.owner_directory_table_arn == null ? [] : [var.owner_directory_table_arn]
    content {
      sid       = "ResolveConsoleUsers"
      actions   = ["dynamodb:Query"]
      resources = ["${statement.value}/index/console_username-index"]
    }
  }

  dynamic "statement" {
    for_each = var.owner_directory_table_arn == null ? [] : [var.owner_directory_table_arn]
    content {
      sid       = "ListOwnerIds"
      actions   = ["dynamodb:Scan"]
      resources = [statement.value]
    }
  }
}

# Append-only: PutItem and Query, never UpdateItem or DeleteItem.
data "aws_iam_policy_document" "trail" {
  statement {
    sid       = "AppendAndReadAccessTrail"
    actions   = ["dynamodb:PutItem", "dynamodb:Query"]
    resources = [local.trail_arn]
  }
}

# Presigned GETs run with this role's permissions. HeadObject of a version needs
# s3:GetObjectVersion; its Object Lock fields need GetObjectRetention/GetObjectLegalHold.
# ListBucket(Versions) is confined to the three prefixes (s3:prefix) and tells "gone" from
# "denied". Deletion removes every version (DeleteObjectVersion); no governance bypass.
data "aws_iam_policy_document" "call_objects" {
  statement {
    sid = "ReadCallObjects"
    actions = [
      "s3:GetObject",
      "s3:GetObjectVersion",
      "s3:GetObjectRetention",
      "s3:GetObjectLegalHold",
    ]
    resources = local.call_objects
  }

  statement {
    sid       = "DeleteCallObjects"
    actions   = ["s3:DeleteObject", "s3:DeleteObjectVersion"]
    resources = local.call_objects
  }

  statement {
    sid       = "ListCallObjectVersions"
    actions   = ["s3:ListBucket", "s3:ListBucketVersions"]
    resources = [var.recordings_bucket_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${var.recordings_prefix}/*", "${var.transcripts_prefix}/*", "${var.reports_prefix}/*"]
    }
  }

  dynamic "statement" {
    for_each = var.object_lock_enabled ? [1] : []
    content {
      sid       = "SetLegalHolds"
      actions   = ["s3:PutObjectLegalHold", "s3:GetBucketObjectLockConfiguration"]
      resources = concat(local.call_objects, [var.recordings_bucket_arn])
    }
  }

  dynamic "statement" {
    for_each = var.recordings_kms_key_arn == null ? [] : [var.recordings_kms_key_arn]
    content {
      sid       = "DecryptCallObjects"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }
}

# Where the transcript is: the job's output location (this account's jobs in this Region).
data "aws_iam_policy_document" "transcribe" {
  statement {
    sid     = "ReadTranscriptionJobs"
    actions = ["transcribe:GetCallAnalyticsJob", "transcribe:GetTranscriptionJob"]
    resources = [
      "arn:${local.partition}:transcribe:${local.region}:${local.account_id}:analytics/*",
      "arn:${local.partition}:transcribe:${local.region}:${local.account_id}:transcription-job/*",
    ]
  }
}

# Live recording control: UpdateSipMediaApplicationCall on this SMA only (Service Authorization
# Reference, Amazon Chime: resource type sip-media-application).
data "aws_iam_policy_document" "recording_control" {
  dynamic "statement" {
    for_each = var.sip_media_application_arn == null ? [] : [var.sip_media_application_arn]
    content {
      sid       = "ControlLiveRecordings"
      actions   = ["chime:UpdateSipMediaApplicationCall"]
      resources = [statement.value]
    }
  }
}

data "aws_iam_policy_document" "api_handler" {
  source_policy_documents = [
    data.aws_iam_policy_document.call_records.json,
    data.aws_iam_policy_document.owner_directory.json,
    data.aws_iam_policy_document.trail.json,
    data.aws_iam_policy_document.call_objects.json,
    data.aws_iam_policy_document.transcribe.json,
    data.aws_iam_policy_document.recording_control.json,
  ]
}
