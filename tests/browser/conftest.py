"""Browser fixtures: one live server and one headless Chromium per session, a fresh context per user."""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.browser.server import LiveServer, live_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
# EARFUL_SCREENSHOTS moves the screenshots (test artefacts, ignored by git) elsewhere, e.g. for CI to keep.
SCREENSHOTS = Path(os.environ.get("EARFUL_SCREENSHOTS")
                   or Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots")
PASSWORD = "correct horse battery"

_counter = itertools.count(1)


@dataclass
class PageWatch:
    """What a page did that a test must not allow: JavaScript dialogs and policy or script errors."""

    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("browser")) as running:
        yield running


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def open_page(browser: Any, server: LiveServer) -> Iterator[Callable[..., Any]]:
    """open_page(email) -> a logged-in page in its own browser context (its own cookies)."""
    contexts: list[Any] = []
    watches: list[PageWatch] = []

    def factory(email: str, *, viewport: dict[str, int] | None = None) -> Any:
        context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        watch = PageWatch()
        watches.append(watch)
        page.on("dialog", lambda dialog: (watch.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("pageerror", lambda error: watch.errors.append(str(error)))
        page.on("console", lambda message: watch.errors.append(message.text)
                if message.type == "error" and _is_policy_error(message.text) else None)
        log_in(page, server.url, email)
        return page

    yield factory
    for context in contexts:
        context.close()
    for watch in watches:
        assert watch.dialogs == [], f"a JavaScript dialog fired: {watch.dialogs}"
        assert watch.errors == [], f"script or policy errors: {watch.errors}"


def _is_policy_error(text: str) -> bool:
    return bool(re.search(r"Content Security Policy|Refused to|htmx", text, re.IGNORECASE))


def log_in(page: Any, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Log in')")
    page.wait_for_url(re.compile(r"/queue"))


def screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # caret="initial": hiding the caret makes Playwright inject a style, which the page's CSP rightly refuses.
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True, caret="initial")


def unique(prefix: str) -> str:
    return f"{prefix}{next(_counter)}"
