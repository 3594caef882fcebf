"""The console API's routes, as a Chalice blueprint that ``app.py`` registers.

Wiring only: each route hands the request to :func:`chalicelib.console.service.serve` with the
handler that does the work. This module is imported with ``app.py`` by every function of the
app, so it imports only Chalice; the console's modules load on the API handler's first request.

CORS is answered here at run time, not by Chalice's package-time CORS configuration: the
console's origin (``CONSOLE_ORIGIN``, the CloudFront domain) is known only once Terraform has
created the distribution, after the API was packaged. Preflight ``OPTIONS`` carries no token.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

from chalice import Blueprint, Response

console_api = Blueprint(__name__)

ORIGIN_ENV = "CONSOLE_ORIGIN"
ALLOWED_HEADERS = "Authorization, Content-Type"
PREFLIGHT_MAX_AGE = "600"


Headers = dict[str, str | list[str]]


def _cors_headers() -> Headers:
    origin = os.environ.get(ORIGIN_ENV, "").strip()
    return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"} if origin else {}


def _respond(status: int, body: dict[str, Any] | None) -> Response:
    headers: Headers = {"Cache-Control": "no-store", **_cors_headers()}
    if body is None:
        return Response(body="", status_code=status, headers=headers)
    headers["Content-Type"] = "application/json"
    return Response(body=json.dumps(body), status_code=status, headers=headers)


def _answer(work: Callable[..., Any], action: str = "", transaction_id: str = "") -> Response:
    from chalicelib.console.service import Caller, serve

    request = console_api.current_request
    caller = Caller.from_request(dict(request.headers), request.context or {})
    status, body = serve(caller, work, action, transaction_id)
    return _respond(status, body)


def _preflight(methods: str) -> Response:
    headers: Headers = {
        **_cors_headers(),
        "Access-Control-Allow-Methods": f"{methods}, OPTIONS",
        "Access-Control-Allow-Headers": ALLOWED_HEADERS,
        "Access-Control-Max-Age": PREFLIGHT_MAX_AGE,
    }
    return Response(body="", status_code=204, headers=headers)


def _body() -> Any:
    raw = console_api.current_request.raw_body or b""
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None  # the handler answers 400 for any body that is not the documented one


def _params() -> dict[str, str]:
    return dict(console_api.current_request.query_params or {})


# --- identity -------------------------------------------------------------------------------------
@console_api.route("/me", methods=["GET"])
def me() -> Response:
    from chalicelib.console import handlers

    return _answer(handlers.me)


# --- calls ----------------------------------------------------------------------------------------
@console_api.route("/calls", methods=["GET"])
def list_calls() -> Response:
    from chalicelib.console import handlers

    params = _params()
    return _answer(lambda who: handlers.calls(who, params), "list")


@console_api.route("/calls/live", methods=["GET"])
def live_calls() -> Response:
    from chalicelib.console import handlers

    return _answer(handlers.live_calls, "list-live")


@console_api.route("/calls/{transaction_id}", methods=["GET"])
def call_detail(transaction_id: str) -> Response:
    from chalicelib.console import handlers

    return _answer(lambda who: handlers.call_detail(who, transaction_id), "view", transaction_id)


@console_api.route("/calls/{transaction_id}", methods=["DELETE"])
def delete_call(transaction_id: str) -> Response:
    from chalicelib.console import handlers

    return _answer(lambda who: handlers.delete_call(who, transaction_id), "delete", transaction_id)


@console_api.route("/calls/{transaction_id}/recording", methods=["GET"])
def recording(transaction_id: str) -> Response:
    from chalicelib.console import handlers

    return _answer(lambda who: handlers.recording(who, transaction_id), "play", transaction_id)


@console_api.route("/calls/{transaction_id}/recording", methods=["POST"])
def control_recording(transaction_id: str) -> Response:
    from chalicelib.console import handlers

    body = _body()
    action = f"control-{body.get('action')}" if isinstance(body, dict) else "control"
    return _answer(
        lambda who: handlers.control_recording(who, transaction_id, body),
        action[:32],
        transaction_id,
    )


@console_api.route("/calls/{transaction_id}/report", methods=["GET"])
def report(transaction_id: str) -> Response:
    from chalicelib.console import handlers

    return _answer(lambda who: handlers.report(who, transaction_id), "download", transaction_id)


@console_api.route("/calls/{transaction_id}/transcript", methods=["GET"])
def transcript(transaction_id: str) -> Response:
    from chalicelib.console import handlers

    return _answer(lambda who: handlers.transcript(who, transaction_id), "read", transaction_id)


@console_api.route("/calls/{transaction_id}/legal-hold", methods=["PUT"])
def set_legal_hold(transaction_id: str) -> Response:
    from chalicelib.console import handlers

    return _answer(
        lambda who: handlers.legal_hold(who, transaction_id, on=True),
        "legal-hold-on",
        transaction_id,
    )


@console_api.route("/calls/{transaction_id}/legal-hold", methods=["DELETE"])
def clear_legal_hold(transaction_id: str) -> Response:
    from chalicelib.console import handlers

    return _answer(
        lambda who: handlers.legal_hold(who, transaction_id, on=False),
        "legal-hold-off",
        transaction_id,
    )


# --- access trail ---------------------------------------------------------------------------------
@console_api.route("/audit", methods=["GET"])
def audit() -> Response:
    from chalicelib.console import handlers

    params = _params()
    return _answer(lambda who: handlers.audit(who, params), "audit")


# --- CORS preflight (no token) --------------------------------------------------------------------
@console_api.route("/me", methods=["OPTIONS"])
def me_preflight() -> Response:
    return _preflight("GET")


@console_api.route("/calls", methods=["OPTIONS"])
def calls_preflight() -> Response:
    return _preflight("GET")


@console_api.route("/calls/live", methods=["OPTIONS"])
def live_preflight() -> Response:
    return _preflight("GET")


@console_api.route("/calls/{transaction_id}", methods=["OPTIONS"])
def call_preflight(transaction_id: str) -> Response:
    return _preflight("GET, DELETE")


@console_api.route("/calls/{transaction_id}/recording", methods=["OPTIONS"])
def recording_preflight(transaction_id: str) -> Response:
    return _preflight("GET, POST")


@console_api.route("/calls/{transaction_id}/report", methods=["OPTIONS"])
def report_preflight(transaction_id: str) -> Response:
    return _preflight("GET")


@console_api.route("/calls/{transaction_id}/transcript", methods=["OPTIONS"])
def transcript_preflight(transaction_id: str) -> Response:
    return _preflight("GET")


@console_api.route("/calls/{transaction_id}/legal-hold", methods=["OPTIONS"])
def legal_hold_preflight(transaction_id: str) -> Response:
    return _preflight("PUT, DELETE")


@console_api.route("/audit", methods=["OPTIONS"])
def audit_preflight() -> Response:
    return _preflight("GET")
