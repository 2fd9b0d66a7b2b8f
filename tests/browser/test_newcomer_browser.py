"""The newcomer fixes that need a browser: the sources form follows the collector, and leaving a mention page
takes the viewer out of everyone's presence line at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.conftest import CHROMIUM, unique
from tests.browser.seed import mention_with_draft, user
from tests.browser.server import LiveServer

if not CHROMIUM.exists():
    pytest.skip("browser tests need Debian's chromium at /usr/bin/chromium", allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright Python package")
from playwright.sync_api import expect  # after the skip: only where playwright is installed

OpenPage = Callable[..., Any]


def _person(server: LiveServer, role: str) -> str:
    email = f"{unique(role)}@example.com"
    user(server.session_factory, email, role)
    return email


def test_the_network_follows_the_collector(server: LiveServer, open_page: OpenPage) -> None:
    admin = open_page(_person(server, "admin"))
    admin.goto(f"{server.url}/sources/new")
    network = admin.locator("#field-network")
    assert network.is_disabled() is False  # import, the default, takes the network chosen here
    admin.select_option("#field-collector", "hackernews")
    assert network.input_value() == "hackernews" and network.is_disabled()
    admin.select_option("#field-collector", "appstore_feed")
    assert network.input_value() == "appstore"
    admin.select_option("#field-collector", "import")
    assert not network.is_disabled()


def test_a_viewer_who_leaves_is_gone_from_presence_at_once(server: LiveServer, open_page: OpenPage) -> None:
    mention_id, _ = mention_with_draft(server.session_factory, unique("presence"))
    colleague_email = _person(server, "agent")
    colleague, viewer = open_page(colleague_email), open_page(_person(server, "agent"))
    colleague.goto(f"{server.url}/mentions/{mention_id}")
    viewer.goto(f"{server.url}/mentions/{mention_id}")
    assert colleague_email in viewer.inner_text("#presence")
    colleague.goto(f"{server.url}/queue")  # pagehide sends the goodbye
    viewer.wait_for_timeout(300)
    viewer.evaluate("htmx.trigger(document.getElementById('presence'), 'presence-refresh')")
    expect(viewer.locator("#presence")).to_contain_text("Nobody else has this mention open")
    assert colleague_email not in viewer.inner_text("#presence")
