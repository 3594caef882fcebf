"""Free TCP ports on the loopback interface (nothing here ever listens beyond 127.0.0.1)."""

from __future__ import annotations

import socket

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    """A port the kernel reports free on 127.0.0.1 right now (callers retry if it is taken)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
        return port


def endpoint_url(port: int) -> str:
    return f"http://{LOOPBACK}:{port}"
