"""Driving Terraform from Python: the Chalice package rewriter and the python-terraform driver."""
