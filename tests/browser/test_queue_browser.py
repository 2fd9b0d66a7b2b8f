"""The review queue in headless Chromium against the real app: filtering, editing with the live count,
approving, pasting and confirming, a two-person edit conflict, the keyboard flow, hostile text, a phone."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from responder.lint.findings import Draft, measure_draft
from responder.replies.undo import UNDO_SECONDS
from tests.browser.conftest import CHROMIUM, screenshot, unique
from tests.browser.seed import mention_with_draft, user
from tests.browser.server import LiveServer

if not CHROMIUM.exists():
    pytest.skip("browser tests need Debian's chromium at /usr/bin/chromium: apt-get install chromium "
                "chromium-driver (make install does when apt is available)", allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright Python package")

OpenPage = Callable[..., Any]
UNDO_WAIT_MS = (UNDO_SECONDS + 8) * 1000  # the undo window, then the posting (on a timer) and the page's next poll


def _people(server: LiveServer, *roles: str) -> list[str]:
    emails = []
    for role in roles:
        email = f"{unique(role)}@example.com"
        user(server.session_factory, email, role)
        emails.append(email)
    return emails


def _mark_document(page: Any) -> None:
    """A flag on the window survives htmx swaps but not a full page load."""
    page.evaluate("window.__noReload = true")


def _still_same_document(page: Any) -> bool:
    return bool(page.evaluate("window.__noReload === true"))


def test_filter_edit_approve_paste_and_confirm(server: LiveServer, open_page: OpenPage) -> None:
    agent_email, approver_email = _people(server, "agent", "approver")
    tag = unique("flow")
    mention_id, _ = mention_with_draft(server.session_factory, tag, draft="Hi {author}, sorry!")
    mention_with_draft(server.session_factory, unique("other"))

    agent = open_page(agent_email)
    agent.goto(f"{server.url}/queue?tab=awaiting")
    _mark_document(agent)
    agent.fill("#q", tag)  # htmx: filtered as you type, no page load
    expect_cards(agent, 1)
    assert _still_same_document(agent)
    assert re.search(rf"q={tag}", agent.url), "the filtered URL is pushed to the history"
    # Counts this process had not counted yet arrive just after the list, fetched by htmx.
    agent.wait_for_function("document.querySelector('#results-count').textContent.includes('1 matching')")
    assert agent.inner_text("#queue-tabs a[aria-current=page] .count") == "1"
    screenshot(agent, "01-queue-filtered")

    agent.click(f"#mention-{mention_id}-link")
    agent.wait_for_url(re.compile(rf"/queue\?.*&open={mention_id}$"))  # beside the list (a wide screen)
    assert "unfilled variables: {author}" in agent.inner_text("#reply-lint").lower()
    count = agent.locator("#reply-count [data-count]")
    editor = agent.locator("#reply-text")
    editor.fill("Sorry! Details: https://example.com/" + "a" * 100)
    assert count.inner_text() == str(len("Sorry! Details: ") + 23)  # a link weighs 23 on X
    editor.fill("x" * 281)
    assert count.inner_text() == "281" and "over" in (agent.get_attribute("#reply-count", "class") or "")
    editor.fill("Hi @customer, so sorry. A new kettle is on its way — 한국어 works too.")
    assert count.inner_text() == str(len("Hi @customer, so sorry. A new kettle is on its way — ") + 3 * 2
                                      + len(" works too."))
    _mark_document(agent)
    agent.click("#save-button")  # htmx: the reply section is swapped in place
    agent.wait_for_selector("#reply .flash:has-text('Draft saved.')")
    assert _still_same_document(agent)
    assert "version 2" in agent.inner_text("#reply")
    assert agent.locator("#approve-button").count() == 0  # agents cannot approve
    screenshot(agent, "02-draft-saved")

    approver = open_page(approver_email)
    approver.goto(f"{server.url}/mentions/{mention_id}")
    assert "Also viewing now" in approver.inner_text("#presence") and agent_email in approver.inner_text("#presence")
    approver.click("#approve-button")  # with JavaScript: held for the undo window, showing what will be posted
    assert "A new kettle is on its way" in approver.inner_text("#held")
    approver.wait_for_selector("text=Status: ready to paste", timeout=UNDO_WAIT_MS)  # the page follows it
    assert "A new kettle is on its way" in approver.input_value("#manual-text")
    screenshot(approver, "03-ready-to-paste")
    approver.fill("#permalink", "https://x.com/lumo/status/1")
    approver.click("button:has-text('I posted it')")
    approver.wait_for_selector("text=Status: posted")
    assert "reply.posted" in approver.inner_text("#audit")
    screenshot(approver, "04-posted")


def test_the_mastodon_count_is_what_lint_counts(server: LiveServer, open_page: OpenPage) -> None:
    (agent_email,) = _people(server, "agent")
    author, warning = "dana@hachyderm.io", "kettle rant"
    mention_id, _ = mention_with_draft(server.session_factory, unique("toot"), draft="Sorry!", network="mastodon",
                                       author=author, title=warning)
    agent = open_page(agent_email)
    agent.goto(f"{server.url}/mentions/{mention_id}")
    count = agent.locator("#reply-count [data-count]")
    assert count.inner_text() == str(len("@dana Sorry!") + len(warning))  # server-rendered
    for text in ("Sorry! Details: https://lumo.example/" + "a" * 100 + ".", "Hi @Dana@Hachyderm.io, so sorry!",
                 "Hi @dana, the local one", "日本語で 👍 @eve@mastodon.social"):
        agent.fill("#reply-text", text)
        linted = measure_draft(Draft(text=text, network="mastodon", author=author, title=warning), None)
        assert count.inner_text() == str(linted.used), text


def test_two_editors_see_the_conflict(server: LiveServer, open_page: OpenPage) -> None:
    first_email, second_email = _people(server, "agent", "agent")
    mention_id, _ = mention_with_draft(server.session_factory, unique("conflict"), draft="Original draft")
    first, second = open_page(first_email), open_page(second_email)
    for page in (first, second):
        page.goto(f"{server.url}/mentions/{mention_id}")
    first.fill("#reply-text", "First editor's words")
    first.click("#save-button")
    first.wait_for_selector("#reply .flash:has-text('Draft saved.')")

    second.fill("#reply-text", "Second editor's words")
    second.click("#save-button")
    conflict = second.wait_for_selector("#conflict")
    assert "Someone changed this draft" in conflict.inner_text()
    assert second.input_value("#conflict-stored") == "First editor's words"
    assert second.input_value("#conflict-submitted") == "Second editor's words"
    assert second.input_value("#reply-text") == "First editor's words"  # the editor reloads the saved text
    screenshot(second, "05-conflict")


def test_keyboard_flow(server: LiveServer, open_page: OpenPage) -> None:
    (approver_email,) = _people(server, "approver")
    tag = unique("keys")
    ids = [mention_with_draft(server.session_factory, f"{tag}x{n}", minutes=n,
                              draft=f"Sorry about kettle {n}.")[0] for n in range(3)]
    page = open_page(approver_email)
    page.goto(f"{server.url}/queue?tab=awaiting&q={tag}")
    page.keyboard.press("?")
    help_dialog = page.locator("#shortcut-help")
    assert help_dialog.is_visible() and "Next / previous mention" in help_dialog.inner_text()
    page.click("#shortcut-help button:has-text('Close')")
    assert not help_dialog.is_visible()

    newest_first = list(reversed(ids))
    for key, expected in (("j", 0), ("j", 1), ("j", 2), ("j", 2), ("k", 1)):
        page.keyboard.press(key)
        assert page.evaluate("document.activeElement.id") == f"mention-{newest_first[expected]}-link", key
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.press("Escape")  # leaves the search box and keeps the query: the list is not reloaded under "k"
    assert page.evaluate("document.activeElement.id") == ""
    assert page.input_value("#q") == tag
    page.keyboard.press("k")
    page.keyboard.press("o")
    page.wait_for_url(re.compile(rf"/queue\?.*&open={newest_first[0]}$"))
    page.keyboard.press("e")
    assert page.evaluate("document.activeElement.id") == "reply-text"
    page.keyboard.press("Escape")
    page.keyboard.press("a")
    page.wait_for_selector("#held")
    page.wait_for_selector("text=Status: ready to paste", timeout=UNDO_WAIT_MS)
    screenshot(page, "06-keyboard-approved")


HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> "><svg onload=alert(2)>'


def test_hostile_text_renders_inert(server: LiveServer, open_page: OpenPage) -> None:
    (agent_email,) = _people(server, "agent")
    tag = unique("hostile")
    mention_id, _ = mention_with_draft(
        server.session_factory, tag, text=f"{tag} {HOSTILE}", title='<iframe src="javascript:alert(3)">',
        author='"><img src=x onerror=alert(4)>', url="javascript:alert(5)", topics=["<b>x</b>"],
        draft=HOSTILE)
    page = open_page(agent_email)
    page.goto(f"{server.url}/queue?tab=awaiting&q={tag}")
    expect_cards(page, 1)
    assert HOSTILE in page.inner_text(f"#mention-{mention_id}")
    page.click(f"#mention-{mention_id}-link")
    page.wait_for_url(re.compile(rf"/queue\?.*&open={mention_id}$"))
    assert HOSTILE in page.inner_text(".mention-text")
    assert page.locator("script:not([src])").count() == 0
    assert page.locator("main img, main svg:not(.icon), iframe").count() == 0  # only the app's own network icons
    page.fill("#reply-text", HOSTILE + " edited")
    page.click("#save-button")
    page.wait_for_selector("#reply .flash:has-text('Draft saved.')")
    assert page.input_value("#reply-text") == HOSTILE + " edited"
    page.wait_for_timeout(300)  # give any injected handler the chance to fire (open_page fails on a dialog)
    screenshot(page, "07-hostile-inert")


def test_phone_layout_has_no_sideways_scroll(server: LiveServer, open_page: OpenPage) -> None:
    (agent_email,) = _people(server, "agent")
    tag = unique("phone")
    mention_id, _ = mention_with_draft(server.session_factory, tag, text=f"{tag} " + "longword" * 40)
    page = open_page(agent_email, viewport={"width": 390, "height": 844})
    for path in (f"/queue?tab=awaiting&q={tag}", f"/mentions/{mention_id}"):
        page.goto(server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path
    page.keyboard.press("Tab")  # the skip link comes first and is visible when focused
    assert page.evaluate("document.activeElement.className") == "skip-link"
    screenshot(page, "08-phone-mention")


def expect_cards(page: Any, count: int) -> None:
    # Locator assertions poll from Playwright's side; wait_for_function would need eval, which the CSP forbids.
    from playwright.sync_api import expect

    expect(page.locator("[data-mention-card]")).to_have_count(count)
