# A root module that passes the SIP media application's ARN into a bucket module.
resource "aws_chimesdkvoice_sip_media_application" "this" {
  aws_region = "us-east-1"
  name       = "callrec"
  endpoints {
    lambda_arn = "arn:aws:lambda:us-east-1:111122223333:function:sma"
  }
}

locals {
  sma_arns = [aws_chimesdkvoice_sip_media_application.this.arn]
}

module "recordings" {
  source      = "./modules/bucket"
  bucket_name = "composed-recordings"
  source_arns = local.sma_arns
}
