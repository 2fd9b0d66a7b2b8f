"""The inbox in headless Chromium at 1366x768, 1920x1080 and a 768x1024 tablet: at least 8 cards above the fold,
the list beside the open mention on wide screens (the URL follows; a reload, back and forward show the same list
and mention), the editor and Approve within the first screen, keyboard approve + undo leaving a draft, saved views,
the saved-reply filter. Screenshots go to var/screenshots/ (kept as artefacts); the 1366x768 ones also to
docs/screenshots/ (README)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from models import Reply, SavedReply
from models.db import session_scope
from tests.browser.conftest import CHROMIUM, unique
from tests.browser.design_checks import BLOCKING_IMPACTS, axe_violations
from tests.browser.seed import mention_with_draft, user
from tests.browser.server import LiveServer

if not CHROMIUM.exists():
    pytest.skip("browser tests need Debian's chromium at /usr/bin/chromium", allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright Python package")

OpenPage = Callable[..., Any]
HOME = Path(__file__).resolve().parents[2]
ARTEFACTS = HOME / "var" / "screenshots"
README_SHOTS = HOME / "docs" / "screenshots"
SIZES = [(1366, 768), (1920, 1080), (768, 1024)]

# A morning's queue: several networks, scripts and moods (network, author, text, language, sentiment, confidence,
# complaint, topics, rating, draft).
MORNING = [
    ("x", "maya_k", "@LumoHome my kettle arrived with a cracked lid. Third time this month.", "en", "negative", 0.94,
     0.92, ["delivery", "quality"], None, "Hi Maya, sorry the lid arrived cracked again. A replacement ships today."),
    ("googleplay", "Ben Ortiz", "The app crashes every time I open the timer since the last update.", "en",
     "negative", 0.88, 0.81, ["app"], 1, "Sorry about the crash, Ben. Version 4.2.1 fixes the timer; please update."),
    ("mastodon", "yui@fosstodon.org", "ケトルの蓋がきちんと閉まりません。返品できますか？", "ja", "negative", 0.9,
     0.86, ["returns"], None, "ご不便をおかけして申し訳ありません。返品の手順をDMでお送りします。"),
    ("trustpilot", "Claire D.", "Delivery was quick, but the box was damaged and the manual missing.", "en",
     "neutral", 0.61, 0.55, ["delivery"], 3, "Thanks Claire. We'll email you the manual and pass this to our courier."),
    ("appstore", "민준", "주문한 지 2주가 지났는데 아직 배송이 안 왔어요.", "ko", "negative", 0.91, 0.9,
     ["delivery"], 2, "불편을 드려 죄송합니다. 주문 번호를 DM으로 보내주시면 바로 확인하겠습니다."),
    ("reddit", "u/steamtrain", "Anyone else's Lumo kettle whistling before it boils? Is that normal?", "en",
     "neutral", 0.72, 0.2, ["product"], None, "Normal: it whistles at about 90 °C. Here's how to adjust it."),
    ("x", "lucia_m", "Mi pedido llegó roto y nadie responde a mis correos.", "es", "negative", 0.93, 0.9,
     ["delivery", "support"], None, "Hola Lucía, lo sentimos mucho. Te escribimos por DM para enviarte otro."),
    ("gbp", "Tom Becker", "Staff were friendly, but the kettle I bought at the store leaks.", "en", "negative", 0.83,
     0.8, ["quality"], 2, "Sorry Tom, bring it back to the store with the receipt and we'll swap it."),
    ("trustpilot", "Ahmed R.", "Refund still not processed after three weeks.", "en", "negative", 0.95, 0.93,
     ["refund"], 1, "Ahmed, I'm sorry for the wait. I've escalated your refund; expect it within 2 days."),
    ("googleplay", "Priya", "Love the new app, pairing took ten seconds!", "en", "positive", 0.97, 0.02, ["app"], 5,
     "Thank you, Priya! Enjoy your tea."),
    ("x", "noah_bakes", "Thanks @LumoHome for the quick replacement, works great.", "en", "positive", 0.96, 0.03,
     [], None, "Glad it's sorted, Noah!"),
    ("reddit", "u/kettlenerd", "Lumo vs. the other brand: which one lasts longer?", "en", "neutral", 0.66, 0.1,
     ["product"], None, "Ours carry a 3-year warranty; happy to answer questions."),
]


def _seed_morning(server: LiveServer, assignee_id: int) -> list[int]:
    ids = []
    for n, (network, author, text, language, sentiment, confidence, complaint, topics, rating, draft) in \
            enumerate(MORNING):
        mention_id, _ = mention_with_draft(
            server.session_factory, unique("morning"), minutes=n * 7, network=network, author=author, text=text,
            language=language, sentiment=sentiment, confidence=confidence, complaint=complaint, topics=topics,
            rating=rating, draft=draft, assignee_id=assignee_id)
        ids.append(mention_id)
    return ids


def _approver(server: LiveServer) -> tuple[str, int]:
    email = f"{unique('lead')}@example.com"
    created = user(server.session_factory, email, "approver")
    assert created.id is not None
    return email, created.id


def _expect() -> Any:
    # Locator assertions poll from Playwright's side; wait_for_function would need eval, which the CSP forbids.
    from playwright.sync_api import expect

    return expect


def _blocking(page: Any) -> list[dict[str, Any]]:
    return [violation for violation in axe_violations(page) if violation["impact"] in BLOCKING_IMPACTS]


def _cards_above_fold(page: Any) -> int:
    return int(page.evaluate(
        "Array.from(document.querySelectorAll('[data-mention-card]'))"
        ".filter(card => card.getBoundingClientRect().bottom <= window.innerHeight).length"))


def _within_first_screen(page: Any, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    viewport = page.viewport_size
    return bool(box) and box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"]


def _shot(page: Any, name: str, *, readme: str | None = None) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / f"{name}.png"
    # The first screen, as a person sees it (caret="initial": hiding it would inject a style the CSP refuses).
    page.screenshot(path=str(path), caret="initial")
    if readme:
        README_SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, README_SHOTS / readme)


@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_queue_and_a_mention_at_three_sizes(server: LiveServer, open_page: OpenPage, width: int,
                                                height: int) -> None:
    email, user_id = _approver(server)
    ids = _seed_morning(server, user_id)
    page = open_page(email, viewport={"width": width, "height": height})
    size = f"{width}x{height}"
    page.goto(f"{server.url}/queue?tab=awaiting&assignee={user_id}")
    assert page.locator("[data-mention-card]").count() == len(MORNING)
    if size == "1366x768":
        assert _cards_above_fold(page) >= 8
        assert _blocking(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    wide = width >= 1100
    assert page.locator("#detail-pane").is_visible() is wide
    _shot(page, f"queue-{size}")

    newest = ids[-1]
    page.click(f"#mention-{newest}-link")
    # Beside the list the URL is the list's with the mention open; a narrow screen follows the link.
    page.wait_for_url(re.compile(rf"/queue\?.*&open={newest}$" if wide else rf"/mentions/{newest}$"))
    if wide:  # opened beside the list; the list stays
        page.wait_for_selector("#detail-pane #reply-text")
        assert page.locator("[data-mention-card]").count() == len(MORNING)
        assert _within_first_screen(page, "#detail-pane #approve-button")
        _shot(page, f"queue-open-{size}", readme="queue.png" if size == "1366x768" else None)
        if size == "1366x768":
            assert _blocking(page) == []
        page.go_back()
        page.wait_for_url(re.compile(r"/queue\?"))
        page.wait_for_selector("[data-mention-card]")

    page.goto(f"{server.url}/mentions/{ids[0]}")
    assert _within_first_screen(page, "#reply-text") and _within_first_screen(page, "#approve-button")
    assert _within_first_screen(page, "#reply-count")
    _shot(page, f"mention-{size}", readme="mention.png" if size == "1366x768" else None)
    if size == "1366x768":
        assert _blocking(page) == []


def test_a_reload_and_the_back_button_keep_the_mention_beside_the_list(server: LiveServer,
                                                                         open_page: OpenPage) -> None:
    email, user_id = _approver(server)
    ids = _seed_morning(server, user_id)
    first, second = ids[-1], ids[-2]
    page = open_page(email, viewport={"width": 1366, "height": 768})
    expect = _expect()
    page.goto(f"{server.url}/queue?tab=awaiting&assignee={user_id}")

    def open_beside_the_list(mention_id: int) -> None:
        page.wait_for_url(re.compile(rf"/queue\?tab=awaiting&assignee={user_id}&open={mention_id}$"))
        expect(page.locator(f"#detail-pane [data-open-mention='{mention_id}']")).to_have_count(1)
        expect(page.locator("#detail-pane #reply-text")).to_be_visible()
        expect(page.locator("[data-mention-card]")).to_have_count(len(MORNING))
        expect(page.locator("[data-mention-card].is-open")).to_have_attribute("id", f"mention-{mention_id}")
        expect(page).to_have_title(f"Mention {mention_id} · Earful")

    page.click(f"#mention-{first}-link")
    open_beside_the_list(first)
    page.reload()
    open_beside_the_list(first)
    assert page.locator(f"#mention-{first}-link").get_attribute("aria-current") == "true"
    assert _blocking(page) == []

    page.click(f"#mention-{second}-link")
    open_beside_the_list(second)
    page.go_back()  # htmx keeps no snapshots (historyCacheSize 0): the server renders the previous selection
    open_beside_the_list(first)
    page.go_forward()
    open_beside_the_list(second)

    # A tab change keeps the open mention in the URL it pushes, so a reload still shows both.
    page.click("#queue-tabs a:has-text('Needs reply')")
    page.wait_for_url(re.compile(rf"/queue\?tab=needs_reply&assignee={user_id}&open={second}$"))
    page.reload()
    expect(page.locator(f"#detail-pane [data-open-mention='{second}']")).to_have_count(1)
    expect(page.locator("[data-mention-card]")).to_have_count(0)  # the morning's mentions all have drafts

    page.goto(f"{server.url}/queue?tab=awaiting&assignee={user_id}&open=999999999")
    expect(page.locator("#detail-pane .flash-error")).to_contain_text("There is no mention 999999999")
    expect(page.locator("[data-mention-card]")).to_have_count(len(MORNING))

    # The same link on a tablet (no pane beside the list there): the mention first, the list after it.
    page.set_viewport_size({"width": 768, "height": 1024})
    page.goto(f"{server.url}/queue?tab=awaiting&assignee={user_id}&open={first}")
    expect(page.locator("#detail-pane #reply-text")).to_be_visible()
    assert page.evaluate("window.scrollY") == 0 and _within_first_screen(page, "#detail-pane #mention-title")
    assert page.locator("#detail-pane").bounding_box()["y"] < page.locator(f"#mention-{first}").bounding_box()["y"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    _shot(page, "queue-open-link-768x1024")
    page.goto(f"{server.url}/queue?tab=awaiting&assignee={user_id}&open=999999999")
    expect(page.locator("#detail-pane .flash-error")).to_be_visible()


def test_keyboard_approve_then_undo_leaves_a_draft(server: LiveServer, open_page: OpenPage) -> None:
    email, _user_id = _approver(server)
    mention_id, reply_id = mention_with_draft(server.session_factory, unique("undo"), draft="So sorry, on its way.")
    page = open_page(email, viewport={"width": 1366, "height": 768})
    page.goto(f"{server.url}/mentions/{mention_id}")
    page.keyboard.press("a")
    held = page.wait_for_selector("#held")
    assert "So sorry, on its way." in held.inner_text() and "seconds" in held.inner_text()
    assert page.evaluate("document.activeElement.id") == "undo-button"  # Enter or u undoes
    _shot(page, "mention-undo-1366x768")
    page.keyboard.press("u")
    page.wait_for_selector("#reply .flash:has-text('Approval undone')")
    assert page.locator("#approve-button").is_visible()
    with session_scope(server.session_factory) as session:
        reply = session.get_one(Reply, reply_id)
        assert (reply.status, reply.post_after, reply.attempts) == ("draft", None, 0)
    page.wait_for_timeout(1500)
    with session_scope(server.session_factory) as session:
        assert session.get_one(Reply, reply_id).status == "draft"  # nothing posted it meanwhile


def test_saved_views_and_the_filter_chips(server: LiveServer, open_page: OpenPage) -> None:
    email, user_id = _approver(server)
    _seed_morning(server, user_id)
    page = open_page(email, viewport={"width": 1366, "height": 768})
    page.goto(f"{server.url}/queue?tab=awaiting&assignee={user_id}")
    page.click(".filter-more > summary")
    page.fill("#filter-language", "ja")
    page.click(".filter-fields button[type=submit]")
    page.wait_for_selector("a.chip-filter:has-text('Language: ja')")
    expect = _expect()
    expect(page.locator("[data-mention-card]")).to_have_count(1)
    page.click(".save-view > summary")
    page.fill("#view-name", "Japanese, mine")
    page.click(".save-view button[type=submit]")
    page.wait_for_selector(".saved-views a[aria-current=true]:has-text('Japanese, mine')")
    page.click("a.chip-filter:has-text('Language: ja')")  # dropping a filter is one click
    expect(page.locator("[data-mention-card]")).to_have_count(len(MORNING))
    page.click(".saved-views a:has-text('Japanese, mine')")
    expect(page.locator("[data-mention-card]")).to_have_count(1)


def test_the_saved_reply_picker_filters_as_you_type(server: LiveServer, open_page: OpenPage) -> None:
    email, _user_id = _approver(server)
    with session_scope(server.session_factory) as session:
        for name, body in (("Late delivery", "Sorry {author}, your parcel is late."),
                           ("Refund status", "Your refund is on its way."), ("Thanks", "Thank you {author}!")):
            if session.exec(select(SavedReply).where(SavedReply.name == name)).first() is None:
                session.add(SavedReply(name=name, language="en", body=body))
    mention_id, _ = mention_with_draft(server.session_factory, unique("pick"), draft="Draft")
    page = open_page(email, viewport={"width": 1366, "height": 768})
    page.goto(f"{server.url}/mentions/{mention_id}")
    page.click("#picker > summary")
    items = page.locator(".picker-item:visible")
    assert items.count() >= 3
    page.fill("#saved-reply-filter", "refund way")
    expect = _expect()
    expect(items).to_have_count(1)
    assert "Refund status" in items.first.inner_text()
    items.first.click()
    page.click("#pick-button")
    page.wait_for_selector("text=The draft now uses the saved reply")
    assert "refund is on its way" in page.input_value("#reply-text")
