"""The console on one loopback origin: the web app's files, its config, the API and sign-in.

=====================  ============================================================================
``GET /``, ``/js/..``  the static web app from ``web/console/`` (the same files S3 serves on AWS)
``GET /config.json``   ``{"apiBaseUrl", "region", "userPoolId", "clientId", "cognitoEndpoint"}``
``/api/<route>``       the Chalice app's own routes (``chalice.local.LocalGateway``: the same
                       handler code and routing API Gateway drives on AWS), ``/api`` stripped
``POST /cognito-idp/``  forwarded to moto's Cognito IdP, so the browser signs in on this origin
=====================  ============================================================================

One origin keeps the strict Content-Security-Policy simple (``connect-src 'self'``); only the
short-lived presigned media URLs point elsewhere (moto's S3), which ``media-src`` names. Every
response carries the security headers the CloudFront distribution sets on AWS.
"""

from __future__ import annotations

import json
import mimetypes
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from callrec.local.http_server import LoopbackHttpServer
from callrec.local.ports import LOOPBACK
from chalicelib.errors import CallRecError

WEB_DIR = Path(__file__).resolve().parents[3] / "web" / "console"
API_PREFIX = "/api"
COGNITO_PREFIX = "/cognito-idp/"
MAX_BODY_BYTES = 1024 * 1024


@dataclass(frozen=True)
class ConsoleSite:
    """What the server needs: the Chalice app, the pool and where moto and S3 answer."""

    app: Any
    region: str
    user_pool_id: str
    client_id: str
    cognito_url: str
    media_origin: str
    web_dir: Path = WEB_DIR


def security_headers(media_origin: str) -> dict[str, str]:
    """The headers of every response; the CSP forbids inline script, inline style and eval."""
    csp = "; ".join(
        (
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self'",
            "font-src 'self'",
            "connect-src 'self'",
            f"media-src {media_origin}",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )
    return {
        "Content-Security-Policy": csp,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cache-Control": "no-store",
    }


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the console prints progress
        return

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def do_OPTIONS(self) -> None:
        self._dispatch("OPTIONS")

    def _dispatch(self, method: str) -> None:
        path = self.path
        if path == API_PREFIX or path.startswith(API_PREFIX + "/"):
            self._api(method, path[len(API_PREFIX) :] or "/")
        elif path.startswith(COGNITO_PREFIX) and method == "POST":
            self._cognito()
        elif method == "GET":
            self._static(path.split("?", 1)[0])
        else:
            self._send(HTTPStatus.METHOD_NOT_ALLOWED, b"", "text/plain")

    def _body(self) -> bytes | None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            return None
        return self.rfile.read(length) if length else None

    def _api(self, method: str, path: str) -> None:
        from chalice.local import LocalGatewayException

        headers = {name: value for name, value in self.headers.items()}
        try:
            response = self.server.gateway.handle_request(method, path, headers, self._body())
        except LocalGatewayException as error:
            self._send(HTTPStatus.FORBIDDEN, error.body or b"", "application/json", error.headers)
            return
        body = response.get("body") or b""
        if response.get("isBase64Encoded"):
            import base64

            body = base64.b64decode(body)
        data = body.encode() if isinstance(body, str) else bytes(body)
        response_headers = dict(response.get("headers") or {})
        content_type = response_headers.pop("Content-Type", "application/json")
        self._send(HTTPStatus(response["statusCode"]), data, content_type, response_headers)

    def _cognito(self) -> None:
        body = self._body() or b"{}"
        request = urllib.request.Request(
            self.server.site.cognito_url + "/",
            data=body,
            method="POST",
            headers={
                "Content-Type": self.headers.get("Content-Type", "application/x-amz-json-1.1"),
                "X-Amz-Target": self.headers.get("X-Amz-Target", ""),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                status, data = answer.status, answer.read()
        except urllib.error.HTTPError as error:
            status, data = error.code, error.read()
        self._send(HTTPStatus(status), data, "application/x-amz-json-1.1")

    def _static(self, path: str) -> None:
        if path == "/config.json":
            self._send(HTTPStatus.OK, self.server.config, "application/json")
            return
        root = self.server.site.web_dir.resolve()
        target = (root / (path.lstrip("/") or "index.html")).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.is_relative_to(root) or not target.is_file():
            self._send(HTTPStatus.NOT_FOUND, b"not found", "text/plain")
            return
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if target.suffix == ".js":
            content_type = "text/javascript"
        self._send(HTTPStatus.OK, target.read_bytes(), content_type)

    def _send(
        self,
        status: HTTPStatus,
        data: bytes,
        content_type: str,
        extra: Mapping[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        headers = {**self.server.headers, **(extra or {})}
        headers["Content-Type"] = content_type
        headers["Content-Length"] = str(len(data))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


class _Server(ThreadingHTTPServer):
    def __init__(self, site: ConsoleSite, port: int) -> None:
        from chalice.config import Config
        from chalice.local import LocalGateway

        super().__init__((LOOPBACK, port), _Handler)
        self.site = site
        self.gateway = LocalGateway(site.app, Config(chalice_stage="local"))
        self.headers = security_headers(site.media_origin)
        self.config = b""


class WebAppMissingError(CallRecError):
    """The web app's files are not where the server looks for them."""

    code = "WebAppMissing"


class ConsoleServer:
    """Serves ``site`` on 127.0.0.1 (``port`` 0: any free port) until :meth:`stop`."""

    def __init__(self, site: ConsoleSite, port: int = 0) -> None:
        if not (site.web_dir / "index.html").is_file():
            raise WebAppMissingError(
                f"no web app at {site.web_dir}",
                hint="run callrec console from a checkout of the repository (pip install -e .)",
            )
        self._server = _Server(site, port)
        self._http = LoopbackHttpServer(self._server, "local-console", poll_interval_s=0.1)
        self.url = self._http.url
        self._server.config = json.dumps(
            {
                "apiBaseUrl": f"{self.url}{API_PREFIX}",
                "region": site.region,
                "userPoolId": site.user_pool_id,
                "clientId": site.client_id,
                "cognitoEndpoint": f"{self.url}{COGNITO_PREFIX}",
            }
        ).encode()

    def start(self) -> str:
        return self._http.start()

    def stop(self) -> None:
        self._http.stop()
