# Two buckets with weak settings: no public access block, ACLs on, a key Chime cannot use,
# and no default encryption at all.
resource "aws_s3_bucket" "recordings" {
  bucket = "weak-recordings"
}

resource "aws_s3_bucket_ownership_controls" "recordings" {
  bucket = aws_s3_bucket.recordings.id
  rule {
    object_ownership = "ObjectWriter"
  }
}

resource "aws_kms_key" "recordings" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Account"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}

resource "aws_s3_bucket_server_side_encryption_configuration" "recordings" {
  bucket = aws_s3_bucket.recordings.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.recordings.arn
    }
  }
}

resource "aws_s3_bucket_policy" "recordings" {
  bucket = aws_s3_bucket.recordings.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "ChimeWrite"
        Effect    = "Allow"
        Principal = { Service = "voiceconnector.chime.amazonaws.com" }
        Action    = ["s3:PutObject", "s3:PutObjectAcl"]
        Resource  = "${aws_s3_bucket.recordings.arn}/*"
        Condition = {
          StringEquals = { "aws:SourceAccount" = "111122223333" }
          ArnEquals    = { "aws:SourceArn" = "arn:aws:chime:us-east-1:111122223333:sma/0b1f7c5e-2f0a-4a52-9d0a-1b2c3d4e5f60" }
        }
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.recordings.arn, "${aws_s3_bucket.recordings.arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })
}

resource "aws_s3_bucket" "plain" {
  bucket = "weak-plain"
}
