"""Benchmarks, run on demand: ``python -m bench`` (or ``make bench``) runs every one of them.

A benchmark is a module in this package that defines ``main() -> int`` (0 when it met its
targets); ``python -m bench.<name>`` runs one alone. Modules without ``main`` are helpers.
"""
