"""Lazily created, cached boto3 clients.

boto3 is imported on first use only, so the SMA handler's cold start does not pay for it until
it writes a call record. Endpoints come from the standard AWS_ENDPOINT_URL_<SERVICE> variables,
which is how the offline stack and moto are reached without any local-only branch here.
"""

from __future__ import annotations

import threading
from typing import Any

_clients: dict[str, Any] = {}
_lock = threading.Lock()


def client(service: str) -> Any:
    """Return the process-wide boto3 client for ``service``, creating it on first use."""
    with _lock:
        existing = _clients.get(service)
        if existing is None:
            import boto3  # deferred: keeps boto3 off the SMA handler's cold path

            existing = boto3.client(service)
            _clients[service] = existing
        return existing


def reset_clients() -> None:
    """Forget every cached client (tests and the local stack call this when endpoints change)."""
    with _lock:
        _clients.clear()
