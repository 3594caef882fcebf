"""callrec: the operator CLI of the Chime call-recording stack."""
