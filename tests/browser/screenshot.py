"""Regenerate docs/images/console-call-detail.png: the call detail page of a demo call, played
to the middle of a turn so the transcript shows the highlight.

    .venv/bin/python -m tests.browser.screenshot
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS, sign_in

OUT = Path(__file__).resolve().parents[2] / "docs" / "images" / "console-call-detail.png"
SEEK_TURN = 2


def main() -> None:
    from playwright.sync_api import sync_playwright

    from callrec.local.console import ConsoleOptions, ConsoleStack

    with (
        tempfile.TemporaryDirectory() as out,
        ConsoleStack(ConsoleOptions(port=0, out_dir=Path(out)), print) as console,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        sign_in(page, console, "alex")
        completed = next(t for t in console.calls["alex"] if t != console.live.transaction_id)
        page.goto(f"{console.url}/#/calls/{completed}")
        page.wait_for_selector("ol.transcript li")
        page.locator("ol.transcript li button").nth(SEEK_TURN).click()
        page.wait_for_selector("ol.transcript li[aria-current='true']")
        page.evaluate("document.getElementById('player').pause()")
        page.wait_for_function("() => document.getElementById('status').textContent === ''")
        OUT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(OUT), full_page=True)
        browser.close()
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
