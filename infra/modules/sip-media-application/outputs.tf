output "sip_media_application_id" {
  description = "Id of the SIP media application (for UpdateSipMediaApplicationCall and CreateSipMediaApplicationCall)."
  value       = try(aws_chimesdkvoice_sip_media_application.this[0].id, null)
}

output "sip_media_application_arn" {
  description = "ARN of the SIP media application (aws:SourceArn in the bucket policies)."
  value       = try(aws_chimesdkvoice_sip_media_application.this[0].arn, null)
}

output "aws_region" {
  description = "Region of the SIP media application."
  value       = local.region
}

output "sip_rule_ids" {
  description = "Ids of the SIP rules, keyed by trigger type and value."
  value       = { for key, rule in aws_chimesdkvoice_sip_rule.this : key => rule.id }
}
