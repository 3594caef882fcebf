"""``callrec doctor``: check a live deployment, read-only: what would stop a call being recorded.

``deployment`` reads the stack's names (Terraform outputs or a Chalice stage), ``context`` holds
the clients and the account, ``checks/`` holds one small function per check, each returning a
``CheckResult``, ``registry`` lists them in the order a call meets them, and ``render`` prints
them. Every AWS call made here is a read (Get*, List*, Describe*, Head*, TestEventPattern,
SimulatePrincipalPolicy); nothing is created, changed or invoked.
"""
