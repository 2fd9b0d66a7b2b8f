"""The design system in Chromium, on every page outside the queue: axe-core finds no serious or critical
violation, no table cell breaks a word, every control is reached by Tab with a visible focus style, and the admin
pages are photographed at three screen sizes (artefacts under EARFUL_SCREENSHOTS, default test-artifacts/)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from inbox.auth.tokens import create_api_token
from models import SavedReply, Source
from models.db import session_scope
from tests.browser.conftest import CHROMIUM, PageWatch, log_in, screenshot, unique
from tests.browser.design_checks import axe_violations, broken_words, tab_through, word_breaking_styles
from tests.browser.seed import user
from tests.browser.server import LiveServer

if not CHROMIUM.exists():
    pytest.skip("browser tests need Debian's chromium at /usr/bin/chromium", allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright Python package")

ADMIN_PAGES = ("/sources", "/sources/new", "/saved-replies", "/saved-replies/new", "/settings", "/lint-rules",
               "/lint-rules/length_x/edit", "/topics", "/topics/new", "/alerts", "/alerts/rules", "/alerts/rules/new",
               "/alerts/channels", "/alerts/channels/new", "/reports", "/reports/digests/new", "/users", "/account",
               "/account/password", "/audit", "/api/v1/reference", "/faq", "/faq/new", "/incident", "/no-such-page")
TABLE_PAGES = ("/sources", "/saved-replies", "/settings", "/lint-rules", "/topics", "/alerts/rules",
               "/alerts/channels", "/users", "/account", "/api/v1/reference")
SCREENS = {"1366x768": {"width": 1366, "height": 768}, "1920x1080": {"width": 1920, "height": 1080},
           "768x1024": {"width": 768, "height": 1024}}


@pytest.fixture(scope="module")
def admin_email(server: LiveServer) -> Iterator[str]:
    """An admin, and rows that fill the tables with the words that used to break ("enabled", "Deactivate", dates)."""
    email = f"{unique('designadmin')}@example.com"
    admin = user(server.session_factory, email, "admin")
    now = datetime.now(timezone.utc)
    with session_scope(server.session_factory) as session:
        create_api_token(session, session.merge(admin), "Weekly reporting script")
        for index, (collector, network) in enumerate((("x_search", "x"), ("reddit_search", "reddit"),
                                                      ("hackernews", "hackernews"), ("rss", "rss"))):
            session.add(Source(name=f"Kettle launch watch {index}", collector=collector, network=network,
                               config={"query": "kettle"}, enabled=index != 2, items_collected=1200 * index,
                               last_run_at=now - timedelta(minutes=7 * index + 1),
                               last_error="Rate limited by the platform until the window resets"
                               if index == 1 else None))
        for index, language in enumerate(("en", "ja", "ko")):
            session.add(SavedReply(name=f"Apology for a broken kettle {index}", language=language,
                                   sentiment="negative", network="x" if index else None, active=index != 1,
                                   body="We are sorry your kettle arrived broken. Please send us a direct message "
                                        "with your order number and we will replace it right away."))
    yield email


@pytest.fixture(scope="module")
def page(server: LiveServer, browser: Any, admin_email: str) -> Iterator[Any]:
    """One signed-in admin tab for the whole module: each sign-in from a new browser counts against the address's
    login limit, and one tab is faster. It must not raise a dialog nor a script or policy error."""
    context = browser.new_context(viewport=SCREENS["1366x768"])
    context.set_default_timeout(10_000)
    tab = context.new_page()
    watch = PageWatch()
    def dismiss(dialog: Any) -> None:
        watch.dialogs.append(dialog.message)
        dialog.dismiss()

    tab.on("dialog", dismiss)
    tab.on("pageerror", lambda error: watch.errors.append(str(error)))
    log_in(tab, server.url, admin_email)
    yield tab
    context.close()
    assert watch == PageWatch()


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_axe_finds_nothing_serious(server: LiveServer, page: Any, path: str) -> None:
    page.set_viewport_size(SCREENS["1366x768"])
    page.goto(f"{server.url}{path}")
    assert axe_violations(page) == []


def test_axe_finds_nothing_serious_on_the_login_page(server: LiveServer, browser: Any) -> None:
    context = browser.new_context(viewport=SCREENS["1366x768"])
    try:
        page = context.new_page()
        page.goto(f"{server.url}/login")
        assert axe_violations(page) == []
    finally:
        context.close()


@pytest.mark.parametrize("screen", ["768x1024", "1366x768"])
def test_no_table_cell_breaks_a_word(server: LiveServer, page: Any, screen: str) -> None:
    page.set_viewport_size(SCREENS[screen])
    for path in TABLE_PAGES:
        page.goto(f"{server.url}{path}")
        assert page.locator("td").count() > 0, path
        assert word_breaking_styles(page) == 0, path
        assert broken_words(page) == [], path


@pytest.mark.parametrize("path", ["/sources", "/saved-replies", "/settings", "/account"])
def test_every_control_is_reached_by_tab_with_a_visible_focus(server: LiveServer, page: Any, path: str) -> None:
    page.set_viewport_size(SCREENS["1366x768"])
    page.goto(f"{server.url}{path}")
    controls, stops = tab_through(page)
    reached = {stop["key"] for stop in stops if stop["key"]}
    assert len(reached) == controls, f"{controls - len(reached)} controls are never reached by Tab"
    unstyled = [stop for stop in stops if not (stop["outline"] or stop["ring"]) or not stop["visible"]]
    assert unstyled == []


def test_admin_pages_at_three_screen_sizes(server: LiveServer, page: Any) -> None:
    for screen, viewport in SCREENS.items():
        page.set_viewport_size(viewport)
        for name, path in (("sources", "/sources"), ("saved-replies", "/saved-replies"), ("settings", "/settings")):
            page.goto(f"{server.url}{path}")
            assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), (screen, path)
            screenshot(page, f"design-{name}-{screen}")


def test_network_icons_and_human_labels_show(server: LiveServer, page: Any) -> None:
    page.goto(f"{server.url}/sources")
    row = page.locator("tr", has_text="Kettle launch watch 1")
    assert row.locator(".network svg use").count() == 1 and "Reddit" in row.inner_text()
    assert page.evaluate("() => document.querySelector('link[rel=icon]').href").endswith("/static/favicon.svg")
    page.goto(f"{server.url}/lint-rules")
    assert "Unfilled variables" in page.inner_text("#rule-unfilled_variables")


@pytest.mark.parametrize("path", ["/sources", "/saved-replies", "/settings", "/lint-rules", "/users"])
def test_axe_finds_nothing_serious_in_the_dark_scheme(server: LiveServer, page: Any, path: str) -> None:
    page.emulate_media(color_scheme="dark")
    try:
        page.goto(f"{server.url}{path}")
        assert page.evaluate("() => getComputedStyle(document.documentElement).backgroundColor") == "rgb(18, 20, 24)"
        assert axe_violations(page) == []
    finally:
        page.emulate_media(color_scheme="light")
