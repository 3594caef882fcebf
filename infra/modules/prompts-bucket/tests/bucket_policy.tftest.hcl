# Offline: `callrec infra check` serves the hashicorp/aws schema; every AWS answer is mocked.

mock_provider "aws" {
  override_during = plan

  mock_data "aws_caller_identity" {
    defaults = { account_id = "111122223333" }
  }
  mock_resource "aws_s3_bucket" {
    defaults = {
      id  = "callrec-prompts-test"
      arn = "arn:aws:s3:::callrec-prompts-test"
    }
  }
}

variables {
  sip_media_application_arns = ["arn:aws:chime:us-east-1:111122223333:sma/0a1b2c3d-4e5f-6789-abcd-ef0123456789"]
  prompts_dir                = "../../prompts"
}

run "chime_may_only_read_prompts" {
  command = plan

  assert {
    condition     = length(data.aws_iam_policy_document.chime_read.statement) == 1
    error_message = "Expected exactly one statement granting the Chime principal."
  }
  assert {
    condition = alltrue([
      for p in data.aws_iam_policy_document.chime_read.statement[0].principals :
      p.type == "Service" && p.identifiers == toset(["voiceconnector.chime.amazonaws.com"])
    ])
    error_message = "The only principal must be the service principal voiceconnector.chime.amazonaws.com."
  }
  assert {
    condition     = toset(data.aws_iam_policy_document.chime_read.statement[0].actions) == toset(["s3:GetObject"])
    error_message = "Chime must get exactly s3:GetObject on the prompts."
  }
  assert {
    condition     = toset(data.aws_iam_policy_document.chime_read.statement[0].resources) == toset(["arn:aws:s3:::callrec-prompts-test/*"])
    error_message = "The grant must cover the prompt objects of this bucket only."
  }
}

run "chime_is_confined_to_this_account_and_sma" {
  command = plan

  assert {
    condition = anytrue([
      for c in data.aws_iam_policy_document.chime_read.statement[0].condition :
      c.variable == "aws:SourceAccount" && c.test == "StringEquals" && toset(c.values) == toset(["111122223333"])
    ])
    error_message = "Missing aws:SourceAccount = this account (StringEquals) on the Chime statement."
  }
  assert {
    condition = anytrue([
      for c in data.aws_iam_policy_document.chime_read.statement[0].condition :
      c.variable == "aws:SourceArn" && c.test == "StringEquals" && toset(c.values) == toset(var.sip_media_application_arns)
    ])
    error_message = "Missing StringEquals aws:SourceArn = the SIP media application ARNs on the Chime statement (the Chime SDK guide's form)."
  }
}

run "insecure_transport_is_denied" {
  command = plan

  assert {
    condition = alltrue([
      for c in data.aws_iam_policy_document.tls_only.statement[0].condition :
      c.test == "Bool" && c.variable == "aws:SecureTransport" && tolist(c.values) == tolist(["false"])
    ]) && data.aws_iam_policy_document.tls_only.statement[0].effect == "Deny"
    error_message = "The bucket policy must deny requests without TLS."
  }
}

run "prompts_are_uploaded_with_their_checksums" {
  command = plan

  assert {
    condition     = length(aws_s3_object.prompt) == length(fileset("../../prompts", "*.wav")) && length(aws_s3_object.prompt) > 0
    error_message = "Every WAV file in prompts_dir must be uploaded."
  }
  assert {
    condition = alltrue([
      for key, object in aws_s3_object.prompt :
      object.etag == filemd5("../../prompts/${key}") && object.source_hash == object.etag && object.content_type == "audio/wav"
    ])
    error_message = "Each prompt needs etag/source_hash = its MD5 (so a changed WAV re-uploads) and content type audio/wav."
  }
}

run "create_false_creates_nothing" {
  command = plan

  variables {
    create = false
  }

  assert {
    condition = alltrue([
      length(aws_s3_bucket.this) == 0,
      length(aws_s3_bucket_policy.this) == 0,
      length(aws_s3_object.prompt) == 0,
    ])
    error_message = "create = false must not create any resource."
  }
}
