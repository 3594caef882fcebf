"""The console's loopback server: the web app's files with the security headers, the API
routes under /api, nothing outside the web app's folder."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from chalice import Chalice

from callrec.local.console_server import ConsoleServer, ConsoleSite, WebAppMissingError

MEDIA = "http://127.0.0.1:9"


def _site(web_dir: Path) -> ConsoleSite:
    app = Chalice(app_name="console-server-test")

    @app.route("/ping")
    def ping() -> dict[str, str]:
        return {"pong": app.current_request.headers.get("authorization", "")}

    return ConsoleSite(app, "us-east-1", "pool", "client", "http://127.0.0.1:9", MEDIA, web_dir)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ConsoleServer]:
    web = tmp_path / "web"
    web.mkdir()
    (web / "index.html").write_text("<!doctype html><title>t</title>")
    (tmp_path / "secret.txt").write_text("outside the web app")
    running = ConsoleServer(_site(web))
    running.start()
    yield running
    running.stop()


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {})) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_pages_carry_a_csp_without_inline_or_eval(server: ConsoleServer) -> None:
    status, headers, _ = _get(server.url + "/")
    csp = headers["Content-Security-Policy"]
    assert status == 200
    assert "script-src 'self';" in csp and "style-src 'self';" in csp
    assert f"media-src {MEDIA}" in csp and "'unsafe" not in csp


def test_the_api_is_the_app_under_api(server: ConsoleServer) -> None:
    status, _, body = _get(server.url + "/api/ping", {"Authorization": "Bearer t"})
    assert (status, json.loads(body)) == (200, {"pong": "Bearer t"})


def test_files_outside_the_web_app_are_not_served(server: ConsoleServer) -> None:
    host, port = server.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request("GET", "/../secret.txt")  # sent as is: urllib would not normalise it
    answer = connection.getresponse()
    assert answer.status == 404 and b"outside" not in answer.read()
    connection.close()


def test_config_names_this_origin_for_the_api_and_sign_in(server: ConsoleServer) -> None:
    _, _, body = _get(server.url + "/config.json")
    config = json.loads(body)
    assert config["apiBaseUrl"] == server.url + "/api"
    assert config["cognitoEndpoint"] == server.url + "/cognito-idp/"


def test_a_missing_web_app_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(WebAppMissingError, match="no web app at"):
        ConsoleServer(_site(tmp_path / "nowhere"))
