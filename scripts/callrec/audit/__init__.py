"""``callrec audit``: a policy auditor for the buckets and roles of the call-recording stack.

The engine works on a normalised policy model (``policy``), applies rules that are data
(``rules``) through small check functions (``checks``), and reads its targets from Terraform
source, a Terraform plan, live buckets or a single policy file (``sources``).
"""
