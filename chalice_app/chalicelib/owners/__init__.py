"""The owner directory: who owns which SMA number, how they prove it, and what they may dial.

``model`` (the directory item), ``directory`` (reads by dialled number, cached per container, and
the single-owner configuration as a directory of one), ``pins`` (salted slow PIN hashes),
``destinations`` (allow-list and refused premium/special ranges), ``usage`` (daily limits and the
PIN lockout, conditional counter writes), ``security_events`` (EventBridge and SNS).
"""
