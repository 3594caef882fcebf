"""The browser suite: the web app in Debian's chromium, driven by Playwright, against one
``callrec console`` stack shared by every test of the module (starting it records calls).

Nothing is downloaded: Playwright launches ``/usr/bin/chromium`` (installed by
``scripts/browser-deps.sh`` from ``make test``), never a browser build of its own. Without that
browser or the ``playwright`` package the suite skips and says which is missing. A failing test
leaves a screenshot of its page in ``tests/browser/screenshots/`` (gitignored).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
TIMEOUT_MS = 15_000


def missing_browser() -> str:
    """Why the browser suite cannot run here, or "" when it can."""
    import importlib.util

    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing: run `bash scripts/browser-deps.sh` as root (make test does)"
    if importlib.util.find_spec("playwright") is None:
        return "playwright is missing: pip install -e '.[browser]'"
    return ""


@pytest.fixture(autouse=True)
def aws_isolation() -> Iterator[None]:
    """Replaces the suite-wide fixture: the console stack owns the environment for the module
    (its endpoints and fake credentials), and its servers read it between tests too."""
    yield


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from callrec.local.console import ConsoleOptions, ConsoleStack

    options = ConsoleOptions(
        port=0,
        out_dir=tmp_path_factory.mktemp("console"),
        calls_per_owner=(1, 1),  # each demo call is a full pipeline run: keep the suite short
        live_hold_s=600.0,
    )
    with ConsoleStack(options, progress=lambda line: None) as stack:
        yield stack


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True
        )
        yield launched
        launched.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.stash[FAILED] = report.failed


FAILED = pytest.StashKey[bool]()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser context (its own sessionStorage) per test; a screenshot if it fails."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    opened.errors = errors
    requested: list[str] = []
    opened.on("request", lambda sent: requested.append(sent.url))
    yield opened
    leaked = [url for url in requested if any(token in url for token in _tokens(opened))]
    assert leaked == [], "a token went into a URL"
    violations = [e for e in errors if "Content Security Policy" in e]
    if request.node.stash.get(FAILED, False) or violations:
        SCREENSHOTS.mkdir(exist_ok=True)
        opened.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert violations == [], "the page broke its Content-Security-Policy"


def _tokens(page: Any) -> list[str]:
    """The tokens the page holds now (empty once it signed out)."""
    stored = page.evaluate("() => sessionStorage.getItem('callrec.console.session')")
    session = json.loads(stored) if stored else {}
    return [session[k] for k in ("accessToken", "idToken", "refreshToken") if session.get(k)]


def sign_in(page: Any, console: Any, username: str) -> None:
    """Sign in through the page's form and wait for the call list."""
    page.goto(f"{console.url}/#/signin")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(console.pool.user(username).password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("table.calls tbody tr")


@dataclass(frozen=True)
class ApiAnswer:
    status: int
    body: dict[str, Any]


def api_get(console: Any, username: str, path: str) -> ApiAnswer:
    """GET an API route with ``username``'s access token, outside the browser."""
    cognito = console.stack.client("cognito-idp")
    tokens = cognito.initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH",
        ClientId=console.pool.client_id,
        AuthParameters={"USERNAME": username, "PASSWORD": console.pool.user(username).password},
    )["AuthenticationResult"]
    request = urllib.request.Request(
        f"{console.url}/api{path}", headers={"Authorization": f"Bearer {tokens['AccessToken']}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return ApiAnswer(answer.status, json.loads(answer.read()))
    except urllib.error.HTTPError as error:
        return ApiAnswer(error.code, json.loads(error.read() or b"{}"))
