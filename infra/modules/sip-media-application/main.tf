# The SIP media application, its SIP rules, and the permission that lets Chime invoke the SMA
# handler Lambda. Phone numbers cannot be ordered with Terraform: `callrec phone-number order`
# does it, and the numbers are passed back in as var.phone_numbers.

data "aws_region" "current" {}

locals {
  create = var.create
  region = coalesce(var.aws_region, data.aws_region.current.region)

  # One rule per trigger; the map key keeps rule addresses stable when the lists change order.
  rules = merge(
    { for number in var.phone_numbers : "ToPhoneNumber:${number}" => {
      trigger_type  = "ToPhoneNumber"
      trigger_value = number
    } },
    { for host in var.request_uri_hostnames : "RequestUriHostname:${host}" => {
      trigger_type  = "RequestUriHostname"
      trigger_value = host
    } },
  )
}

resource "aws_chimesdkvoice_sip_media_application" "this" {
  count = local.create ? 1 : 0

  aws_region = local.region
  name       = var.name
  tags       = var.tags

  endpoints {
    lambda_arn = var.lambda_function_arn
  }

  lifecycle {
    precondition {
      condition     = var.lambda_function_arn != null
      error_message = "lambda_function_arn is required when create = true: deploy the SMA handler first (callrec package) or pass its ARN."
    }
    # CreateSipMediaApplication: the function must be in the application's Region.
    precondition {
      condition     = var.lambda_function_arn == null || try(split(":", var.lambda_function_arn)[3] == local.region, true)
      error_message = "The SMA handler must be in the SIP media application's Region (aws_region)."
    }
  }
}

# Chime invokes the handler as voiceconnector.chime.amazonaws.com; source_arn confines the
# permission to this application (no other account's SMA can drive our function).
resource "aws_lambda_permission" "chime" {
  count = local.create ? 1 : 0

  statement_id  = "AllowChimeSipMediaApplication"
  action        = "lambda:InvokeFunction"
  function_name = var.lambda_function_arn
  principal     = "voiceconnector.chime.amazonaws.com"
  source_arn    = aws_chimesdkvoice_sip_media_application.this[0].arn
}

resource "aws_chimesdkvoice_sip_rule" "this" {
  for_each = local.create ? local.rules : {}

  name          = substr(replace("${var.name}-${each.value.trigger_value}", "/[^A-Za-z0-9 _.-]/", "-"), 0, 256)
  trigger_type  = each.value.trigger_type
  trigger_value = each.value.trigger_value

  target_applications {
    aws_region               = local.region
    priority                 = 1
    sip_media_application_id = aws_chimesdkvoice_sip_media_application.this[0].id
  }

  depends_on = [aws_lambda_permission.chime]
}
