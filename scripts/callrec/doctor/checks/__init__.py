"""One module per part of the stack; each check is ``check_*(context) -> Verdict``."""
