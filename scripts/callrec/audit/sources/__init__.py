"""Readers that turn an input (Terraform, a plan, live buckets, a file) into audit targets."""
