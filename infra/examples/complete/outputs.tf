output "recording_destination" {
  description = "StartCallRecording Destination.Location."
  value       = module.callrec.recording_destination
}

output "recordings_bucket_policy_json" {
  description = "The composed recordings bucket policy."
  value       = module.callrec.recordings_bucket_policy_json
}

output "sip_media_application_arn" {
  description = "ARN of the SIP media application."
  value       = module.callrec.sip_media_application_arn
}

output "lambda_environment" {
  description = "Environment for the Chalice functions."
  value       = module.callrec.lambda_environment
}

output "disabled_bucket_id" {
  description = "Empty: the disabled recording-bucket instance creates nothing."
  value       = module.recording_bucket_disabled.bucket_id
}
