"""Emulator of the Amazon Chime SDK Voice call the console makes: UpdateSipMediaApplicationCall.

moto has no Chime SDK Voice. This service answers the REST-JSON operation on 127.0.0.1 (boto3's
``chime-sdk-voice`` client reaches it through ``AWS_ENDPOINT_URL_CHIME_SDK_VOICE``), so the app
code calls it exactly as on AWS:

``POST /sip-media-applications/{sipMediaApplicationId}/calls/{transactionId}``
``{"Arguments": {...}}`` -> 202 ``{"SipMediaApplicationCall": {"TransactionId": ...}}``

The request is checked as the API reference states (0-20 string arguments); the call must be
one of the SIP media application's calls in progress (a :class:`~callrec.local.live_call.LiveCall`
registered with :meth:`ChimeVoiceService.register`), else ``NotFoundException``. Delivery is as
Chime does it ("Updating in-progress calls"): the SMA invokes the handler with
``CALL_UPDATE_REQUESTED`` carrying the arguments, and the actions it answers replace the call's
current ones. The emulator answers once the handler's actions have run, so a client that reads
the call record right after the 202 sees their effect (on AWS the effect follows shortly after).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

from callrec.local.http_server import LoopbackHttpServer
from callrec.local.live_call import CallEndedError, LiveCall
from callrec.local.ports import LOOPBACK

SERVICE = "chime-sdk-voice"
CALL_PATH = re.compile(r"^/sip-media-applications/([^/]+)/calls/([^/]+)$")
MAX_ARGUMENTS = 20  # UpdateSipMediaApplicationCall: "Can contain 0-20 key-value pairs."


class ApiError(Exception):
    """An error answered as the service would: status, ``x-amzn-ErrorType``, message."""

    def __init__(self, status: HTTPStatus, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class CallRegistry:
    """The calls in progress, by (SIP media application id, transaction id)."""

    def __init__(self) -> None:
        self._calls: dict[tuple[str, str], LiveCall] = {}
        self._lock = threading.Lock()

    def register(self, call: LiveCall) -> None:
        with self._lock:
            self._calls[(call.sma_id, call.transaction_id)] = call

    def update(self, sma_id: str, transaction_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        arguments = _arguments(body)
        with self._lock:
            call = self._calls.get((sma_id, transaction_id))
        if call is None or call.ended.is_set():
            raise ApiError(
                HTTPStatus.NOT_FOUND,
                "NotFoundException",
                f"No call {transaction_id} in progress on SIP media application {sma_id}.",
            )
        try:
            call.update(arguments)
        except CallEndedError as error:
            raise ApiError(HTTPStatus.NOT_FOUND, "NotFoundException", str(error)) from error
        return {"SipMediaApplicationCall": {"TransactionId": transaction_id}}


def _arguments(body: Mapping[str, Any]) -> dict[str, str]:
    arguments = body.get("Arguments", {})
    if not isinstance(arguments, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in arguments.items()
    ):
        raise ApiError(
            HTTPStatus.BAD_REQUEST, "BadRequestException", "Arguments must map strings to strings."
        )
    if len(arguments) > MAX_ARGUMENTS:
        raise ApiError(
            HTTPStatus.BAD_REQUEST,
            "BadRequestException",
            f"Arguments can contain at most {MAX_ARGUMENTS} key-value pairs.",
        )
    return arguments


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the console prints progress
        return

    def do_POST(self) -> None:
        try:
            match = CALL_PATH.match(self.path.split("?", 1)[0])
            if match is None:
                raise ApiError(
                    HTTPStatus.NOT_FOUND, "NotFoundException", f"No operation at {self.path}"
                )
            self._reply(HTTPStatus.ACCEPTED, self.server.calls.update(*_ids(match), self._body()))
        except ApiError as error:
            self.send_response(error.status)
            self.send_header("x-amzn-ErrorType", error.code)
            self._send_json({"Code": error.code, "Message": error.message})

    def _body(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}") if length else {}
        except json.JSONDecodeError as error:
            raise ApiError(
                HTTPStatus.BAD_REQUEST, "BadRequestException", f"Malformed JSON: {error}"
            ) from error
        if not isinstance(body, dict):
            raise ApiError(
                HTTPStatus.BAD_REQUEST, "BadRequestException", "The body must be a JSON object."
            )
        return body

    def _reply(self, status: HTTPStatus, payload: Mapping[str, Any]) -> None:
        self.send_response(status)
        self._send_json(payload)

    def _send_json(self, payload: Mapping[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", "local-chime-sdk-voice")
        self.end_headers()
        self.wfile.write(data)


def _ids(match: re.Match[str]) -> tuple[str, str]:
    return unquote(match.group(1)), unquote(match.group(2))


class _Server(ThreadingHTTPServer):
    def __init__(self, calls: CallRegistry) -> None:
        super().__init__((LOOPBACK, 0), _Handler)
        self.calls = calls


class ChimeVoiceService:
    """The emulator as a LocalService: answers for boto3's ``chime-sdk-voice`` client."""

    name = SERVICE

    def __init__(self) -> None:
        self.calls = CallRegistry()
        self._http: LoopbackHttpServer | None = None
        self.url = ""

    def start(self) -> Mapping[str, str]:
        self._http = LoopbackHttpServer(_Server(self.calls), "local-chime-sdk-voice")
        self.url = self._http.start()
        return {SERVICE: self.url}

    def stop(self) -> None:
        if self._http is not None:
            self._http.stop()
            self._http = None

    def register(self, call: LiveCall) -> None:
        """Make ``call`` reachable by UpdateSipMediaApplicationCall."""
        self.calls.register(call)
