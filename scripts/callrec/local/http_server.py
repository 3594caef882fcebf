"""An emulator's HTTP server on 127.0.0.1, served from a daemon thread and stopped cleanly."""

from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer

from callrec.local.ports import endpoint_url


class LoopbackHttpServer:
    """Serves ``server`` (already bound to a loopback port) until :meth:`stop`."""

    def __init__(
        self, server: ThreadingHTTPServer, thread_name: str, poll_interval_s: float = 0.5
    ) -> None:
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": poll_interval_s},
            name=thread_name,
            daemon=True,
        )
        self.url = endpoint_url(server.server_address[1])

    def start(self) -> str:
        """Start serving; returns the endpoint URL."""
        self._thread.start()
        return self.url

    def stop(self) -> None:
        """Stop serving, close the socket and wait (bounded) for the thread to end."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
