# The smallest useful deployment: SSE-S3 buckets, default retention, no SIP media application
# until the SMA handler exists (deploy it with `chalice deploy` and pass its ARN, or package the
# functions into infra/ with `callrec package`).

provider "aws" {
  region = "us-east-1"
}

module "callrec" {
  source = "../.."
}

output "lambda_environment" {
  description = "Environment for the Chalice functions (callrec chalice-config reads it)."
  value       = module.callrec.lambda_environment
}
